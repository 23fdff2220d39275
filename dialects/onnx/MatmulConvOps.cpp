//===- MatmulConvOps.cpp - Result types of matmul/conv onnx ops -----------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

LogicalResult MatMulOp::inferShapes() {
  auto a = getRanked(getA()), b = getRanked(getB());
  Type elementType = getElementTypeOrSelf(getA().getType());
  if (!a || !b) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  if (a.getRank() == 0 || b.getRank() == 0)
    return emitOpError("operands must have rank >= 1");
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool promoteA = as.size() == 1, promoteB = bs.size() == 1;
  if (promoteA)
    as.insert(as.begin(), 1);
  if (promoteB)
    bs.push_back(1);
  int64_t k1 = as.back(), k2 = bs[bs.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOpError() << "contraction dimensions differ: " << getA().getType()
                         << " x " << getB().getType();
  auto batch = broadcastShapes(ArrayRef<int64_t>(as).drop_back(2),
                               ArrayRef<int64_t>(bs).drop_back(2));
  if (!batch)
    return emitOpError() << "batch dimensions do not broadcast: "
                         << getA().getType() << " x " << getB().getType();
  SmallVector<int64_t> shape = *batch;
  if (!promoteA)
    shape.push_back(as[as.size() - 2]);
  if (!promoteB)
    shape.push_back(bs.back());
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}
