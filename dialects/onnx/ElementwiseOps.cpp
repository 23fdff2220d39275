//===- ElementwiseOps.cpp - Result types of elementwise onnx ops ----------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

LogicalResult WhereOp::inferShapes() {
  if (failed(inferBroadcastShapes(getOperation(), /*boolResult=*/false)))
    return failure();
  // The element type is X's, not the condition's.
  Type elementType = getElementTypeOrSelf(getX().getType());
  setResultType(getOperation(), 0,
                cast<ShapedType>(getOutput().getType()).clone(elementType));
  return success();
}

LogicalResult ClipOp::inferShapes() {
  setResultType(getOperation(), 0, getInput().getType());
  return success();
}
