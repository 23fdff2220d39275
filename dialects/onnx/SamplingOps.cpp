//===- SamplingOps.cpp - Result types of GridSample and RoiAlign ----------===//
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
