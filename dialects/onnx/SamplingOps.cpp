//===- SamplingOps.cpp - Result types of the sampling ops -----------------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

LogicalResult GridSampleOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getX().getType());
  if (!isa<FloatType>(elementType) || !isa<FloatType>(getElementTypeOrSelf(getGrid().getType())))
    return emitOpError() << "X and grid must be float tensors";
  StringRef mode = getMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError() << "unknown mode '" << mode << "' (expected nearest, linear or cubic)";
  StringRef padding = getPaddingMode();
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return emitOpError() << "unknown padding_mode '" << padding
                         << "' (expected zeros, border or reflection)";
  auto x = getRanked(getX()), grid = getRanked(getGrid());
  if (!x || !grid) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = x.getRank();
  if (rank < 3)
    return emitOpError() << "X must be (N, C, D1, ...), got " << x;
  if (grid.getRank() != rank)
    return emitOpError() << "grid " << grid << " must have the rank of X " << x;
  int64_t last = grid.getDimSize(rank - 1);
  if (!ShapedType::isDynamic(last) && last != rank - 2)
    return emitOpError() << "grid's last dimension must be " << rank - 2 << ", got " << last;
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1)};
  if (ShapedType::isDynamic(shape[0]))
    shape[0] = grid.getDimSize(0);
  else if (!ShapedType::isDynamic(grid.getDimSize(0)) && grid.getDimSize(0) != shape[0])
    return emitOpError() << "grid batch " << grid.getDimSize(0) << " differs from X batch "
                         << shape[0];
  for (int64_t i = 1; i < rank - 1; ++i)
    shape.push_back(grid.getDimSize(i));
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}

LogicalResult RoiAlignOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getX().getType());
  if (!isa<FloatType>(elementType))
    return emitOpError() << "X must be a float tensor";
  StringRef mode = getMode();
  if (mode != "avg" && mode != "max")
    return emitOpError() << "unknown mode '" << mode << "' (expected avg or max)";
  StringRef ctm = getCoordinateTransformationMode();
  if (ctm != "half_pixel" && ctm != "output_half_pixel")
    return emitOpError() << "unknown coordinate_transformation_mode '" << ctm
                         << "' (expected half_pixel or output_half_pixel)";
  int64_t outH = (int64_t)getOutputHeight(), outW = (int64_t)getOutputWidth();
  if (outH < 1 || outW < 1)
    return emitOpError() << "output_height and output_width must be >= 1";
  if ((int64_t)getSamplingRatio() < 0)
    return emitOpError() << "sampling_ratio must be >= 0";
  auto x = getRanked(getX()), rois = getRanked(getRois()), idx = getRanked(getBatchIndices());
  if (x && x.getRank() != 4)
    return emitOpError() << "X must be (N, C, H, W), got " << x;
  if (rois && (rois.getRank() != 2 ||
               (!ShapedType::isDynamic(rois.getDimSize(1)) && rois.getDimSize(1) != 4)))
    return emitOpError() << "rois must be (num_rois, 4), got " << rois;
  if (idx && idx.getRank() != 1)
    return emitOpError() << "batch_indices must be 1-D, got " << idx;
  int64_t numRois = rois ? rois.getDimSize(0) : ShapedType::kDynamic;
  if (ShapedType::isDynamic(numRois) && idx)
    numRois = idx.getDimSize(0);
  int64_t channels = x ? x.getDimSize(1) : ShapedType::kDynamic;
  setResultType(getOperation(), 0, {numRois, channels, outH, outW},
                elementType);
  return success();
}

/// The number of values of a 1-D shape-like operand, or -1 when unknown.
static int64_t numShapeValues(Value v) {
  auto t = getRanked(v);
  if (!t || t.getRank() != 1 || t.isDynamicDim(0))
    return -1;
  return t.getDimSize(0);
}

LogicalResult AffineGridOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getTheta().getType());
  if (!isa<FloatType>(elementType))
    return emitOpError() << "theta must be a float tensor";
  if (!getElementTypeOrSelf(getSize().getType()).isInteger(64))
    return emitOpError() << "size must be an int64 tensor";
  auto theta = getRanked(getTheta());
  int64_t n = numShapeValues(getSize());
  if (n != -1 && n != 4 && n != 5)
    return emitOpError() << "size must have 4 (2-D) or 5 (3-D) values, got " << n;
  if (theta && theta.getRank() != 3)
    return emitOpError() << "theta must be (N, 2, 3) or (N, 3, 4), got " << theta;
  if (n == -1 && theta && !theta.isDynamicDim(1))
    n = theta.getDimSize(1) + 2;
  if (n == -1) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t r = n - 2;
  if (theta && ((!theta.isDynamicDim(1) && theta.getDimSize(1) != r) ||
                (!theta.isDynamicDim(2) && theta.getDimSize(2) != r + 1)))
    return emitOpError() << "theta " << theta << " does not match a " << r
                         << "-D size (expected (N, " << r << ", " << r + 1 << "))";
  SmallVector<int64_t> shape(r + 2, ShapedType::kDynamic);
  if (auto c = getConstantInts(getSize())) {
    for (int64_t i = 0; i < r; ++i)
      shape[1 + i] = (*c)[2 + i];
    shape[0] = (*c)[0];
  }
  if (theta && !theta.isDynamicDim(0)) {
    if (!ShapedType::isDynamic(shape[0]) && shape[0] != theta.getDimSize(0))
      return emitOpError() << "size's N " << shape[0] << " differs from theta's "
                           << theta.getDimSize(0);
    shape[0] = theta.getDimSize(0);
  }
  shape[r + 1] = r;
  for (int64_t i = 1; i <= r; ++i)
    if (!ShapedType::isDynamic(shape[i]) && shape[i] < 1)
      return emitOpError() << "size values must be >= 1";
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}

LogicalResult Col2ImOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getInput().getType());
  if (!getElementTypeOrSelf(getImageShape().getType()).isInteger(64) ||
      !getElementTypeOrSelf(getBlockShape().getType()).isInteger(64))
    return emitOpError() << "image_shape and block_shape must be int64 tensors";
  int64_t r = numShapeValues(getImageShape());
  int64_t rb = numShapeValues(getBlockShape());
  if (r == -1)
    r = rb;
  if (r == -1) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  if (r < 1 || (rb != -1 && rb != r))
    return emitOpError() << "image_shape and block_shape must have the same number (>= 1) of values";
  auto checkAttr = [&](std::optional<ArrayRef<int64_t>> a, StringRef name, size_t size,
                       int64_t min) -> LogicalResult {
    if (!a)
      return success();
    if (a->size() != size)
      return emitOpError() << name << " must have " << size << " values, got " << a->size();
    for (int64_t v : *a)
      if (v < min)
        return emitOpError() << name << " values must be >= " << min;
    return success();
  };
  if (failed(checkAttr(getDilations(), "dilations", r, 1)) ||
      failed(checkAttr(getStrides(), "strides", r, 1)) ||
      failed(checkAttr(getPads(), "pads", 2 * r, 0)))
    return failure();
  auto in = getRanked(getInput());
  if (in && in.getRank() != 3)
    return emitOpError() << "input must be (N, C * prod(block_shape), L), got " << in;
  SmallVector<int64_t> shape(r + 2, ShapedType::kDynamic);
  if (in)
    shape[0] = in.getDimSize(0);
  auto block = getConstantInts(getBlockShape());
  if (block && in && !in.isDynamicDim(1)) {
    int64_t k = 1;
    for (int64_t b : *block) {
      if (b < 1)
        return emitOpError() << "block_shape values must be >= 1";
      k *= b;
    }
    if (in.getDimSize(1) % k)
      return emitOpError() << "input dim 1 (" << in.getDimSize(1)
                           << ") is not a multiple of prod(block_shape) (" << k << ")";
    shape[1] = in.getDimSize(1) / k;
  }
  if (auto image = getConstantInts(getImageShape()))
    for (int64_t i = 0; i < r; ++i) {
      if ((*image)[i] < 1)
        return emitOpError() << "image_shape values must be >= 1";
      shape[2 + i] = (*image)[i];
    }
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}

/// The value of a one-element integer operand when it is a constant.
static std::optional<int64_t> constantScalar(Value v) {
  auto c = getConstantInts(v);
  if (!c || c->size() != 1)
    return std::nullopt;
  return (*c)[0];
}

static bool isScalarLike(Value v) {
  auto t = getRanked(v);
  return !t || t.getNumElements() == 1 || ShapedType::isDynamicShape(t.getShape());
}

LogicalResult STFTOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getSignal().getType());
  if (!isa<FloatType>(elementType))
    return emitOpError() << "signal must be a float tensor";
  if (!isa<IntegerType>(getElementTypeOrSelf(getFrameStep().getType())) ||
      !isScalarLike(getFrameStep()))
    return emitOpError() << "frame_step must be an integer scalar";
  auto sig = getRanked(getSignal());
  if (sig && (sig.getRank() != 3 ||
              (!sig.isDynamicDim(2) && sig.getDimSize(2) != 1 && sig.getDimSize(2) != 2)))
    return emitOpError() << "signal must be (batch, length, 1 or 2), got " << sig;
  int64_t length = ShapedType::kDynamic;
  if (!isNone(getWindow())) {
    auto w = getRanked(getWindow());
    if (w && w.getRank() != 1)
      return emitOpError() << "window must be 1-D, got " << w;
    if (w)
      length = w.getDimSize(0);
  } else if (!isNone(getFrameLength())) {
    if (auto l = constantScalar(getFrameLength()))
      length = *l;
  } else if (sig) {
    length = sig.getDimSize(1);
  }
  if (!ShapedType::isDynamic(length) && length < 1)
    return emitOpError() << "the frame length must be >= 1, got " << length;
  if (getOnesided() && sig && !sig.isDynamicDim(2) && sig.getDimSize(2) == 2)
    return emitOpError() << "onesided output needs a real signal";
  int64_t frames = ShapedType::kDynamic;
  auto step = constantScalar(getFrameStep());
  if (step && *step < 1)
    return emitOpError() << "frame_step must be >= 1, got " << *step;
  if (step && sig && !sig.isDynamicDim(1) && !ShapedType::isDynamic(length)) {
    if (sig.getDimSize(1) < length)
      return emitOpError() << "the frame length " << length << " exceeds the signal length "
                           << sig.getDimSize(1);
    frames = (sig.getDimSize(1) - length) / *step + 1;
  }
  int64_t bins = ShapedType::isDynamic(length) ? ShapedType::kDynamic
                 : getOnesided()               ? length / 2 + 1
                                               : length;
  setResultType(getOperation(), 0,
                {sig ? sig.getDimSize(0) : ShapedType::kDynamic, frames, bins, 2}, elementType);
  return success();
}

LogicalResult MelWeightMatrixOp::inferShapes() {
  Type elementType = getOutputDatatype() ? *getOutputDatatype() : Float32Type::get(getContext());
  if (!isa<FloatType>(elementType))
    return emitOpError() << "output_datatype must be a float type, got " << elementType;
  for (Value v : {getNumMelBins(), getDftLength(), getSampleRate()})
    if (!isa<IntegerType>(getElementTypeOrSelf(v.getType())) || !isScalarLike(v))
      return emitOpError() << "num_mel_bins, dft_length and sample_rate must be integer scalars";
  for (Value v : {getLowerEdgeHertz(), getUpperEdgeHertz()})
    if (!isa<FloatType>(getElementTypeOrSelf(v.getType())) || !isScalarLike(v))
      return emitOpError() << "lower_edge_hertz and upper_edge_hertz must be float scalars";
  int64_t rows = ShapedType::kDynamic, cols = ShapedType::kDynamic;
  if (auto d = constantScalar(getDftLength()))
    rows = *d / 2 + 1;
  if (auto m = constantScalar(getNumMelBins())) {
    if (*m < 1)
      return emitOpError() << "num_mel_bins must be >= 1, got " << *m;
    cols = *m;
  }
  setResultType(getOperation(), 0, {rows, cols}, elementType);
  return success();
}
