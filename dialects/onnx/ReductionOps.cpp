//===- ReductionOps.cpp - Result types of reduction onnx ops --------------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

/// Reduce*(data, axes): see ONNXReductionOps.td. Axes are known when they are
/// a constant, absent, or an input of static length 0. Unknown axes still
/// give the rank when keepdims = 1 (or the axes' length is static).
static LogicalResult inferReduceShapes(Operation *op, Value data, Value axes,
                                       bool keepdims, bool noopWithEmptyAxes) {
  Type elementType = getElementTypeOrSelf(data.getType());
  auto ranked = getRanked(data);
  if (!ranked) {
    setResultType(op, 0, UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = ranked.getRank();
  ArrayRef<int64_t> shape = ranked.getShape();

  RankedTensorType axesType = isNone(axes) ? RankedTensorType() : getRanked(axes);
  if (axesType && axesType.getRank() != 1)
    return op->emitOpError() << "axes must be a 1-D tensor, got " << axes.getType();
  std::optional<SmallVector<int64_t>> axisValues;
  if (isNone(axes))
    axisValues.emplace();
  else if (auto values = getConstantInts(axes))
    axisValues = std::move(values);
  else if (axesType && axesType.getDimSize(0) == 0)
    axisValues.emplace(); // a runtime input, but statically empty

  if (!axisValues) {
    // Which dimensions are reduced is only known at run time.
    if (keepdims) {
      SmallVector<int64_t> out;
      for (int64_t d : shape)
        out.push_back(d == 1 ? 1 : ShapedType::kDynamic);
      setResultType(op, 0, out, elementType);
      return success();
    }
    if (axesType && !axesType.isDynamicDim(0) && axesType.getDimSize(0) <= rank) {
      setResultType(op, 0,
                    SmallVector<int64_t>(rank - axesType.getDimSize(0), ShapedType::kDynamic),
                    elementType);
      return success();
    }
    setResultType(op, 0, UnrankedTensorType::get(elementType));
    return success();
  }

  if (axisValues->empty() && noopWithEmptyAxes) {
    setResultType(op, 0, data.getType());
    return success();
  }
  SmallVector<bool> reduced(rank, axisValues->empty());
  for (int64_t axis : *axisValues) {
    if (rank == 0 && (axis == 0 || axis == -1))
      continue; // a scalar "reduces" over its only (absent) dimension
    if (axis < -rank || axis >= rank)
      return op->emitOpError() << "axis " << axis << " is out of range for rank " << rank;
    int64_t a = axis < 0 ? axis + rank : axis;
    if (reduced[a])
      return op->emitOpError() << "axis " << axis << " is listed twice";
    reduced[a] = true;
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      out.push_back(shape[d]);
    else if (keepdims)
      out.push_back(1);
  }
  setResultType(op, 0, out, elementType);
  return success();
}

#define STEED_REDUCE_OP(Op)                                                    \
  LogicalResult Op::inferShapes() {                                            \
    return inferReduceShapes(getOperation(), getData(), getAxes(),             \
                             getKeepdims() != 0, getNoopWithEmptyAxes() != 0); \
  }
STEED_REDUCE_OP(ReduceSumOp)
STEED_REDUCE_OP(ReduceMeanOp)
STEED_REDUCE_OP(ReduceMaxOp)
STEED_REDUCE_OP(ReduceMinOp)
STEED_REDUCE_OP(ReduceProdOp)
STEED_REDUCE_OP(ReduceL1Op)
STEED_REDUCE_OP(ReduceL2Op)
STEED_REDUCE_OP(ReduceLogSumOp)
STEED_REDUCE_OP(ReduceLogSumExpOp)
STEED_REDUCE_OP(ReduceSumSquareOp)
#undef STEED_REDUCE_OP

/// ArgMax/ArgMin: int64 indices; `axis` removed, or kept as 1.
static LogicalResult inferArgShapes(Operation *op, Value data, int64_t axis,
                                    bool keepdims) {
  Type i64 = IntegerType::get(op->getContext(), 64);
  auto ranked = getRanked(data);
  if (!ranked) {
    setResultType(op, 0, UnrankedTensorType::get(i64));
    return success();
  }
  if (ranked.getRank() == 0)
    return op->emitOpError("needs an input of rank >= 1");
  std::optional<int64_t> a = normalizeAxis(op, axis, ranked.getRank());
  if (!a)
    return failure();
  SmallVector<int64_t> out(ranked.getShape());
  if (keepdims)
    out[*a] = 1;
  else
    out.erase(out.begin() + *a);
  setResultType(op, 0, out, i64);
  return success();
}

LogicalResult ArgMaxOp::inferShapes() {
  return inferArgShapes(getOperation(), getData(), getAxis(), getKeepdims() != 0);
}
LogicalResult ArgMinOp::inferShapes() {
  return inferArgShapes(getOperation(), getData(), getAxis(), getKeepdims() != 0);
}

LogicalResult CumSumOp::inferShapes() {
  setResultType(getOperation(), 0, getX().getType());
  return success();
}
LogicalResult CumProdOp::inferShapes() {
  setResultType(getOperation(), 0, getX().getType());
  return success();
}

/// TopK: X's shape with the axis dim replaced by K (dynamic unless K is a
/// constant); Indices are int64.
LogicalResult TopKOp::inferShapes() {
  Operation *op = getOperation();
  Type i64 = IntegerType::get(op->getContext(), 64);
  auto ranked = getRanked(getX());
  Type elem = cast<ShapedType>(getX().getType()).getElementType();
  if (!ranked) {
    setResultType(op, 0, UnrankedTensorType::get(elem));
    setResultType(op, 1, UnrankedTensorType::get(i64));
    return success();
  }
  if (ranked.getRank() == 0)
    return emitOpError("needs an input of rank >= 1");
  std::optional<int64_t> axis = normalizeAxis(op, getAxis(), ranked.getRank());
  if (!axis)
    return failure();
  SmallVector<int64_t> shape(ranked.getShape());
  shape[*axis] = ShapedType::kDynamic;
  if (auto k = getConstantInts(getK())) {
    if (k->size() != 1 || (*k)[0] < 0)
      return emitOpError("K must hold one non-negative value");
    if (!ShapedType::isDynamic(ranked.getDimSize(*axis)) &&
        (*k)[0] > ranked.getDimSize(*axis))
      return emitOpError("K = ") << (*k)[0] << " exceeds the axis size "
                                 << ranked.getDimSize(*axis);
    shape[*axis] = (*k)[0];
  }
  setResultType(op, 0, shape, elem);
  setResultType(op, 1, shape, i64);
  return success();
}
