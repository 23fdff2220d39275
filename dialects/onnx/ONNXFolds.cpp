//===- ONNXFolds.cpp - Folders of onnx ops --------------------------------===//
//
// Constant folding of small constants (shape arithmetic mostly). Resource
// blobs (weights) are never folded here: they stay one blob each.
//
#include "dialects/onnx/ONNXOps.h"
#include "mlir/Dialect/CommonFolders.h"

using namespace mlir;
using namespace steed::onnx;

namespace {
/// Folds a broadcast-free binary op over dense (non-resource) constants whose
/// type equals the result type.
template <typename FloatFn, typename IntFn>
OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands,
                        FloatFn floatFn, IntFn intFn) {
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || operands.size() != 2)
    return {};
  for (unsigned i = 0; i < 2; ++i) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(operands[i]);
    if (!dense || dense.getType() != resultType)
      return {};
  }
  Type elementType = resultType.getElementType();
  if (isa<FloatType>(elementType))
    return constFoldBinaryOp<FloatAttr, APFloat, void>(operands, floatFn);
  if (elementType.isSignlessInteger() && elementType.getIntOrFloatBitWidth() > 1)
    return constFoldBinaryOp<IntegerAttr, APInt, void>(operands, intFn);
  return {};
}
} // namespace

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a - b; },
      [](const APInt &a, const APInt &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a * b; },
      [](const APInt &a, const APInt &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a / b; },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        return a.sdiv(b);
      });
}
