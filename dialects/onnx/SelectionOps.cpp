//===- SelectionOps.cpp - Result types of ops with data-dependent shapes --===//
//
// The number of selected elements (NonZero), slices (Compress, Unique) or
// boxes (NonMaxSuppression) is a run-time value: that dimension is always
// dynamic; the other dimensions follow the operands.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

static constexpr int64_t kDyn = ShapedType::kDynamic;

LogicalResult NonZeroOp::inferShapes() {
  Type i64 = IntegerType::get(getContext(), 64);
  auto x = getRanked(getX());
  if (!x) {
    setResultType(getOperation(), 0, {kDyn, kDyn}, i64);
    return success();
  }
  if (x.getRank() == 0)
    return emitOpError("needs an input of rank >= 1 (0-D inputs are not supported)");
  setResultType(getOperation(), 0, {x.getRank(), kDyn}, i64);
  return success();
}

LogicalResult CompressOp::inferShapes() {
  Type elem = getElementTypeOrSelf(getInput().getType());
  if (auto c = getRanked(getCondition()); c && c.getRank() != 1)
    return emitOpError() << "condition must be 1-D, got " << c;
  if (!getElementTypeOrSelf(getCondition().getType()).isInteger(1))
    return emitOpError() << "condition must be a bool tensor, got " << getCondition().getType();
  auto in = getRanked(getInput());
  if (!getAxis()) {
    setResultType(getOperation(), 0, {kDyn}, elem);
    return success();
  }
  if (!in) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elem));
    return success();
  }
  std::optional<int64_t> axis = normalizeAxis(getOperation(), *getAxis(), in.getRank());
  if (!axis)
    return failure();
  SmallVector<int64_t> shape(in.getShape());
  shape[*axis] = kDyn;
  setResultType(getOperation(), 0, shape, elem);
  return success();
}

LogicalResult UniqueOp::inferShapes() {
  Operation *op = getOperation();
  Type i64 = IntegerType::get(getContext(), 64);
  Type elem = getElementTypeOrSelf(getX().getType());
  auto x = getRanked(getX());
  SmallVector<int64_t> shape{kDyn};
  int64_t n = kDyn;
  if (getAxis()) {
    if (!x) {
      setResultType(op, 0, UnrankedTensorType::get(elem));
      for (unsigned i = 1; i < 4; ++i)
        setResultType(op, i, {kDyn}, i64);
      return success();
    }
    std::optional<int64_t> axis = normalizeAxis(op, *getAxis(), x.getRank());
    if (!axis)
      return failure();
    shape.assign(x.getShape().begin(), x.getShape().end());
    n = shape[*axis];
    shape[*axis] = kDyn;
  } else if (x && x.hasStaticShape()) {
    n = x.getNumElements();
  }
  setResultType(op, 0, shape, elem);
  setResultType(op, 1, {kDyn}, i64);
  setResultType(op, 2, {n}, i64);
  setResultType(op, 3, {kDyn}, i64);
  return success();
}

LogicalResult NonMaxSuppressionOp::inferShapes() {
  auto boxes = getRanked(getBoxes()), scores = getRanked(getScores());
  if (boxes && (boxes.getRank() != 3 || (!ShapedType::isDynamic(boxes.getDimSize(2)) &&
                                         boxes.getDimSize(2) != 4)))
    return emitOpError() << "boxes must be [batch, boxes, 4], got " << boxes;
  if (scores && scores.getRank() != 3)
    return emitOpError() << "scores must be [batch, classes, boxes], got " << scores;
  if (boxes && scores &&
      (failed(verifyCompatibleDims({boxes.getDimSize(0), scores.getDimSize(0)})) ||
       failed(verifyCompatibleDims({boxes.getDimSize(1), scores.getDimSize(2)}))))
    return emitOpError() << "boxes " << boxes << " and scores " << scores
                         << " disagree on the batch or box count";
  if (getCenterPointBox() != 0 && getCenterPointBox() != 1)
    return emitOpError() << "center_point_box must be 0 or 1, got " << getCenterPointBox();
  setResultType(getOperation(), 0, {kDyn, 3}, IntegerType::get(getContext(), 64));
  return success();
}
