//===- PoolingOps.cpp - Result types of pooling, Pad and Resize ops -------===//
//
// Also home of the geometry resolution (windows, pads, resize scales) that
// the lowering reuses, so type inference and code generation agree.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"
#include <cmath>

using namespace mlir;
using namespace steed::onnx;

//===----------------------------------------------------------------------===//
// Windowed pooling
//===----------------------------------------------------------------------===//

namespace {
/// The raw window attributes of a pooling op.
struct WindowAttrs {
  StringRef autoPad;
  bool ceilMode;
  // Optional here although ODS requires kernel_shape: inference runs on
  // imported ops before the verifier.
  std::optional<ArrayRef<int64_t>> kernel, strides, dilations, pads;
};
} // namespace

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// See PoolWindowDecl in ONNXPoolingOps.td.
static LogicalResult resolveWindowImpl(Operation *op, Value x, const WindowAttrs &a,
                                       SmallVectorImpl<int64_t> &kernel,
                                       SmallVectorImpl<int64_t> &strides,
                                       SmallVectorImpl<int64_t> &dilations,
                                       SmallVectorImpl<int64_t> &pads,
                                       SmallVectorImpl<int64_t> &outSpatial) {
  auto type = getRanked(x);
  if (!type)
    return op->emitOpError("needs a ranked input");
  int64_t rank = type.getRank();
  if (rank < 3)
    return op->emitOpError() << "input must be N x C x D1 x ... (rank >= 3), got "
                             << type;
  size_t k = rank - 2;
  if (!a.kernel)
    return op->emitOpError("needs the 'kernel_shape' attribute");
  auto list = [&](StringRef name, std::optional<ArrayRef<int64_t>> values,
                  size_t size, int64_t dflt, int64_t minValue,
                  SmallVectorImpl<int64_t> &out) -> LogicalResult {
    out.assign(size, dflt);
    if (!values)
      return success();
    if (values->size() != size)
      return op->emitOpError() << "'" << name << "' has " << values->size()
                               << " values, expected " << size << " for input "
                               << type;
    for (auto [i, v] : llvm::enumerate(*values)) {
      if (v < minValue)
        return op->emitOpError() << "'" << name << "' values must be >= " << minValue
                                 << ", got " << v;
      out[i] = v;
    }
    return success();
  };
  if (failed(list("kernel_shape", a.kernel, k, 1, 1, kernel)) ||
      failed(list("strides", a.strides, k, 1, 1, strides)) ||
      failed(list("dilations", a.dilations, k, 1, 1, dilations)) ||
      failed(list("pads", a.pads, 2 * k, 0, 0, pads)))
    return failure();

  bool same = a.autoPad == "SAME_UPPER" || a.autoPad == "SAME_LOWER";
  if (a.autoPad == "VALID" || same)
    std::fill(pads.begin(), pads.end(), 0);
  else if (a.autoPad != "NOTSET")
    return op->emitOpError() << "unknown auto_pad '" << a.autoPad << "'";

  outSpatial.assign(k, ShapedType::kDynamic);
  for (size_t i = 0; i < k; ++i) {
    int64_t in = type.getDimSize(i + 2);
    if (ShapedType::isDynamic(in))
      continue;
    int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    int64_t s = strides[i];
    if (same) {
      // Output covers ceil(in / stride) windows; the padding needed for
      // that is split evenly, the odd one at the end (UPPER) or begin.
      int64_t out = ceilDiv(in, s);
      int64_t total = std::max<int64_t>(0, (out - 1) * s + extent - in);
      int64_t small = total / 2, big = total - small;
      pads[i] = a.autoPad == "SAME_UPPER" ? small : big;
      pads[i + k] = a.autoPad == "SAME_UPPER" ? big : small;
      outSpatial[i] = out;
      continue;
    }
    int64_t span = in + pads[i] + pads[i + k] - extent;
    if (span < 0)
      return op->emitOpError() << "window of extent " << extent << " on spatial dim "
                               << i << " does not fit the padded input size "
                               << in + pads[i] + pads[i + k];
    int64_t out = (a.ceilMode ? ceilDiv(span, s) : span / s) + 1;
    // In ceil mode, a last window that starts in the end padding is dropped.
    if (a.ceilMode && (out - 1) * s >= in + pads[i])
      --out;
    outSpatial[i] = out;
  }
  return success();
}

/// Sets the result type(s) of a windowed pooling op.
static LogicalResult inferWindowPool(Operation *op, Value x, const WindowAttrs &a,
                                     bool withIndices) {
  Type elementType = getElementTypeOrSelf(x.getType());
  Type i64 = IntegerType::get(op->getContext(), 64);
  auto type = getRanked(x);
  if (!type) {
    setResultType(op, 0, UnrankedTensorType::get(elementType));
    if (withIndices)
      setResultType(op, 1, UnrankedTensorType::get(i64));
    return success();
  }
  SmallVector<int64_t> kernel, strides, dilations, pads, outSpatial;
  if (failed(resolveWindowImpl(op, x, a, kernel, strides, dilations, pads, outSpatial)))
    return failure();
  SmallVector<int64_t> shape{type.getDimSize(0), type.getDimSize(1)};
  shape.append(outSpatial);
  setResultType(op, 0, shape, elementType);
  if (withIndices)
    setResultType(op, 1, shape, i64);
  return success();
}

template <typename OpTy>
static WindowAttrs windowAttrs(OpTy op) {
  std::optional<ArrayRef<int64_t>> kernel;
  if (op.getKernelShapeAttr())
    kernel = op.getKernelShape();
  return WindowAttrs{op.getAutoPad(), op.getCeilMode() != 0, kernel,
                     op.getStrides(), op.getDilations(), op.getPads()};
}

#define DEFINE_RESOLVE_WINDOW(OpTy)                                                \
  LogicalResult OpTy::resolveWindow(                                               \
      SmallVectorImpl<int64_t> &kernel, SmallVectorImpl<int64_t> &strides,         \
      SmallVectorImpl<int64_t> &dilations, SmallVectorImpl<int64_t> &pads,         \
      SmallVectorImpl<int64_t> &outSpatial) {                                      \
    return resolveWindowImpl(getOperation(), getX(), windowAttrs(*this), kernel,   \
                             strides, dilations, pads, outSpatial);                \
  }
DEFINE_RESOLVE_WINDOW(MaxPoolOp)
DEFINE_RESOLVE_WINDOW(AveragePoolOp)
DEFINE_RESOLVE_WINDOW(LpPoolOp)
#undef DEFINE_RESOLVE_WINDOW

LogicalResult MaxPoolOp::inferShapes() {
  if (getStorageOrder() != 0 && getStorageOrder() != 1)
    return emitOpError() << "storage_order must be 0 or 1, got " << getStorageOrder();
  return inferWindowPool(getOperation(), getX(), windowAttrs(*this), /*withIndices=*/true);
}

LogicalResult AveragePoolOp::inferShapes() {
  return inferWindowPool(getOperation(), getX(), windowAttrs(*this), false);
}

LogicalResult LpPoolOp::inferShapes() {
  if (getP() < 1)
    return emitOpError() << "p must be >= 1, got " << getP();
  return inferWindowPool(getOperation(), getX(), windowAttrs(*this), false);
}

/// Global pooling: [N, C, D1, ...] -> [N, C, 1, ...].
static LogicalResult inferGlobalPool(Operation *op, Value x) {
  Type elementType = getElementTypeOrSelf(x.getType());
  auto type = getRanked(x);
  if (!type) {
    setResultType(op, 0, UnrankedTensorType::get(elementType));
    return success();
  }
  if (type.getRank() < 3)
    return op->emitOpError() << "input must be N x C x D1 x ... (rank >= 3), got "
                             << type;
  SmallVector<int64_t> shape(type.getRank(), 1);
  shape[0] = type.getDimSize(0);
  shape[1] = type.getDimSize(1);
  setResultType(op, 0, shape, elementType);
  return success();
}

LogicalResult GlobalAveragePoolOp::inferShapes() {
  return inferGlobalPool(getOperation(), getX());
}
LogicalResult GlobalMaxPoolOp::inferShapes() {
  return inferGlobalPool(getOperation(), getX());
}
LogicalResult GlobalLpPoolOp::inferShapes() {
  if (getP() < 1)
    return emitOpError() << "p must be >= 1, got " << getP();
  return inferGlobalPool(getOperation(), getX());
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// Normalized constant `axes` (all of [0, rank) when `axes` is none).
static std::optional<SmallVector<int64_t>> resolveAxes(Operation *op, Value axes,
                                                       int64_t rank, bool &notConstant) {
  SmallVector<int64_t> out;
  if (isNone(axes)) {
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(i);
    return out;
  }
  auto values = getConstantInts(axes);
  if (!values) {
    notConstant = true;
    return std::nullopt;
  }
  for (int64_t a : *values) {
    auto n = normalizeAxis(op, a, rank);
    if (!n)
      return std::nullopt;
    if (llvm::is_contained(out, *n)) {
      op->emitOpError() << "axis " << a << " is repeated in 'axes'";
      return std::nullopt;
    }
    out.push_back(*n);
  }
  return out;
}

LogicalResult PadOp::resolvePads(int64_t rank, SmallVectorImpl<int64_t> &pads,
                                 bool &notConstant) {
  notConstant = false;
  auto axes = resolveAxes(getOperation(), getAxes(), rank, notConstant);
  if (!axes)
    return failure();
  auto values = getConstantInts(getPads());
  if (!values) {
    notConstant = true;
    return failure();
  }
  size_t n = axes->size();
  if (values->size() != 2 * n)
    return emitOpError() << "'pads' has " << values->size() << " values, expected "
                         << 2 * n << " (begin and end of " << n << " axes)";
  pads.assign(2 * rank, 0);
  for (auto [i, axis] : llvm::enumerate(*axes)) {
    pads[axis] = (*values)[i];
    pads[axis + rank] = (*values)[i + n];
  }
  return success();
}

LogicalResult PadOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getData().getType());
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return emitOpError() << "unknown mode '" << mode
                         << "' (expected constant, reflect, edge or wrap)";
  if (!isNone(getConstantValue()) &&
      getElementTypeOrSelf(getConstantValue().getType()) != elementType)
    return emitOpError() << "constant_value type " << getConstantValue().getType()
                         << " differs from the data element type " << elementType;
  auto type = getRanked(getData());
  if (!type) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = type.getRank();
  SmallVector<int64_t> pads;
  bool notConstant = false;
  if (failed(resolvePads(rank, pads, notConstant))) {
    if (!notConstant)
      return failure();
    // Unknown pads: the rank is known, the sizes are not, except along the
    // dims that constant axes leave alone.
    SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
    if (!isNone(getAxes()))
      if (auto axes = getConstantInts(getAxes())) {
        SmallVector<bool> padded(rank, false);
        bool valid = true;
        for (int64_t a : *axes) {
          if (a < 0)
            a += rank;
          if (a < 0 || a >= rank) {
            valid = false;
            break;
          }
          padded[a] = true;
        }
        for (int64_t i = 0; valid && i < rank; ++i)
          if (!padded[i])
            shape[i] = type.getDimSize(i);
      }
    setResultType(getOperation(), 0, shape, elementType);
    return success();
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = type.getDimSize(i);
    if (ShapedType::isDynamic(d)) {
      shape.push_back(d);
      continue;
    }
    int64_t out = d + pads[i] + pads[i + rank];
    if (out < 0)
      return emitOpError() << "pads " << pads[i] << ", " << pads[i + rank]
                           << " remove more than the " << d << " elements of axis " << i;
    if (mode != "constant" && d == 0 && out > 0)
      return emitOpError() << "cannot pad empty axis " << i << " in " << mode << " mode";
    shape.push_back(out);
  }
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// The values of an optional float operand: nullopt for none or an empty
/// tensor (older opsets pass empty tensors for unused inputs).
static bool isAbsent(Value v) {
  if (isNone(v))
    return true;
  auto t = getRanked(v);
  return t && t.hasStaticShape() && t.getNumElements() == 0;
}

LogicalResult ResizeOp::resolveResize(ArrayRef<int64_t> inShape,
                                      SmallVectorImpl<double> &scales,
                                      SmallVectorImpl<int64_t> &outShape,
                                      SmallVectorImpl<double> &roi, bool &notConstant) {
  notConstant = false;
  int64_t rank = inShape.size();
  SmallVector<int64_t> axes;
  if (auto a = getAxes()) {
    for (int64_t axis : *a) {
      auto n = normalizeAxis(getOperation(), axis, rank);
      if (!n)
        return failure();
      if (llvm::is_contained(axes, *n))
        return emitOpError() << "axis " << axis << " is repeated in 'axes'";
      axes.push_back(*n);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  size_t n = axes.size();

  roi.assign(rank, 0.0);
  roi.append(rank, 1.0);
  // roi only matters for tf_crop_and_resize; other modes ignore it.
  if (getCoordinateTransformationMode() == "tf_crop_and_resize" && !isAbsent(getRoi())) {
    auto values = getConstantFloats(getRoi());
    if (!values) {
      notConstant = true;
      return failure();
    }
    if (values->size() != 2 * n)
      return emitOpError() << "'roi' has " << values->size() << " values, expected "
                           << 2 * n;
    for (auto [i, axis] : llvm::enumerate(axes)) {
      roi[axis] = (*values)[i];
      roi[axis + rank] = (*values)[i + n];
    }
  }

  bool hasScales = !isAbsent(getScales()), hasSizes = !isAbsent(getSizes());
  if (hasScales == hasSizes)
    return emitOpError(hasScales ? "takes 'scales' or 'sizes', not both"
                                 : "needs 'scales' or 'sizes'");
  scales.assign(rank, 1.0);
  outShape.assign(inShape.begin(), inShape.end());
  if (hasScales) {
    auto values = getConstantFloats(getScales());
    if (!values) {
      notConstant = true;
      return failure();
    }
    if (values->size() != n)
      return emitOpError() << "'scales' has " << values->size() << " values, expected "
                           << n;
    for (auto [i, axis] : llvm::enumerate(axes)) {
      double s = (*values)[i];
      if (!(s > 0))
        return emitOpError() << "scales must be positive, got " << s;
      scales[axis] = s;
      if (!ShapedType::isDynamic(inShape[axis]))
        outShape[axis] = (int64_t)std::floor((double)inShape[axis] * s);
    }
    return success();
  }

  auto values = getConstantInts(getSizes());
  if (!values) {
    notConstant = true;
    return failure();
  }
  if (values->size() != n)
    return emitOpError() << "'sizes' has " << values->size() << " values, expected " << n;
  for (int64_t s : *values)
    if (s <= 0)
      return emitOpError() << "sizes must be positive, got " << s;
  StringRef policy = getKeepAspectRatioPolicy();
  if (policy == "stretch") {
    for (auto [i, axis] : llvm::enumerate(axes)) {
      outShape[axis] = (*values)[i];
      if (!ShapedType::isDynamic(inShape[axis]))
        scales[axis] = (double)(*values)[i] / (double)inShape[axis];
    }
    return success();
  }
  if (policy != "not_larger" && policy != "not_smaller")
    return emitOpError() << "unknown keep_aspect_ratio_policy '" << policy << "'";
  // One scale for all resized axes: the smallest (not_larger) or largest
  // (not_smaller) ratio; sizes are then rounded half up.
  std::optional<double> scale;
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (ShapedType::isDynamic(inShape[axis])) {
      notConstant = true; // the common scale depends on an unknown dim
      for (int64_t ax : axes)
        outShape[ax] = ShapedType::kDynamic;
      return failure();
    }
    double r = (double)(*values)[i] / (double)inShape[axis];
    if (!scale || (policy == "not_larger" ? r < *scale : r > *scale))
      scale = r;
  }
  for (int64_t axis : axes) {
    scales[axis] = *scale;
    outShape[axis] = (int64_t)((double)inShape[axis] * *scale + 0.5);
  }
  return success();
}

LogicalResult ResizeOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getX().getType());
  StringRef mode = getMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError() << "unknown mode '" << mode
                         << "' (expected nearest, linear or cubic)";
  StringRef ctm = getCoordinateTransformationMode();
  if (!llvm::is_contained({"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
                           "align_corners", "asymmetric", "tf_half_pixel_for_nn",
                           "tf_crop_and_resize"},
                          ctm))
    return emitOpError() << "unknown coordinate_transformation_mode '" << ctm << "'";
  StringRef nearest = getNearestMode();
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
                          nearest))
    return emitOpError() << "unknown nearest_mode '" << nearest << "'";
  auto type = getRanked(getX());
  if (!type) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  SmallVector<double> scales, roi;
  SmallVector<int64_t> shape;
  bool notConstant = false;
  if (failed(resolveResize(type.getShape(), scales, shape, roi, notConstant))) {
    if (!notConstant)
      return failure();
    // Non-constant scales/sizes/roi: the resized axes get sizes known only
    // at run time, the others keep theirs.
    int64_t rank = type.getRank();
    shape.assign(type.getShape().begin(), type.getShape().end());
    if (auto axes = getAxes()) {
      for (int64_t axis : *axes)
        shape[axis < 0 ? axis + rank : axis] = ShapedType::kDynamic;
    } else {
      shape.assign(rank, ShapedType::kDynamic);
    }
  }
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}
