//===- LoweringUtils.cpp - Shared helpers of the onnx lowering ------------===//
#include "passes/lowering/LoweringUtils.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace steed {

Type toSignless(Type t) {
  if (auto i = dyn_cast<IntegerType>(t); i && !i.isSignless())
    return IntegerType::get(t.getContext(), i.getWidth());
  if (auto f = getNarrowFloatFormat(t))
    return IntegerType::get(t.getContext(), f->width);
  return t;
}

ONNXLoweringTypeConverter::ONNXLoweringTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](IntegerType t) { return toSignless(t); });
  addConversion([](FloatType t) { return toSignless(t); });
  addConversion([](RankedTensorType t) -> Type {
    return t.clone(toSignless(t.getElementType()));
  });
  auto bitcast = [](OpBuilder &b, Type type, ValueRange inputs, Location loc) -> Value {
    if (inputs.size() != 1 || !isa<TensorType>(type) ||
        !isa<TensorType>(inputs[0].getType()))
      return {};
    return tensor::BitcastOp::create(b, loc, type, inputs[0]);
  };
  addSourceMaterialization(bitcast);
  addTargetMaterialization(bitcast);
}

Value createEmptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                        Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, toSignless(elementType));
}

Value createScalar(OpBuilder &b, Location loc, Type type, double value) {
  type = toSignless(type);
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f, value));
  if (type.isIndex())
    return arith::ConstantIndexOp::create(b, loc, (int64_t)value);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, (int64_t)value));
}

Value convertScalar(OpBuilder &b, Location loc, Value v, Type from, Type to, bool saturate) {
  Type sTo = toSignless(to);
  if (from == to)
    return v;
  // float8/float4 go through f32.
  auto fromNarrow = getNarrowFloatFormat(from), toNarrow = getNarrowFloatFormat(to);
  if (fromNarrow || toNarrow) {
    Type f32 = b.getF32Type();
    if (fromNarrow)
      v = decodeNarrowFloat(b, loc, v, *fromNarrow);
    else
      v = convertScalar(b, loc, v, from, f32);
    if (toNarrow)
      return encodeNarrowFloat(b, loc, v, *toNarrow, saturate);
    return convertScalar(b, loc, v, f32, to);
  }
  if (toSignless(from) == sTo)
    return v;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (fromFloat && toFloat) {
    unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
    if (fw < tw || (fw == tw && isa<BFloat16Type>(from) != isa<BFloat16Type>(to) && false))
      return arith::ExtFOp::create(b, loc, sTo, v);
    if (fw == tw) // f16 <-> bf16
      return arith::TruncFOp::create(b, loc, sTo,
                                     arith::ExtFOp::create(b, loc, b.getF32Type(), v));
    return arith::TruncFOp::create(b, loc, sTo, v);
  }
  if (to.isInteger(1)) { // x != 0
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   createScalar(b, loc, from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 createScalar(b, loc, from, 0));
  }
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  if (toFloat) {
    if (fromUnsigned)
      return arith::UIToFPOp::create(b, loc, sTo, v);
    return arith::SIToFPOp::create(b, loc, sTo, v);
  }
  if (fromFloat) {
    // 4-bit integers wrap (as ONNX's reference does): convert wide, truncate.
    if (to.getIntOrFloatBitWidth() < 8)
      return arith::TruncIOp::create(b, loc, sTo,
                                     arith::FPToSIOp::create(b, loc, b.getI32Type(), v));
    if (to.isUnsignedInteger())
      return arith::FPToUIOp::create(b, loc, sTo, v);
    return arith::FPToSIOp::create(b, loc, sTo, v);
  }
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw > tw)
    return arith::TruncIOp::create(b, loc, sTo, v);
  if (fromUnsigned)
    return arith::ExtUIOp::create(b, loc, sTo, v);
  return arith::ExtSIOp::create(b, loc, sTo, v);
}

AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape) {
  unsigned rank = resultShape.size(), offset = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, d] : llvm::enumerate(operandShape)) {
    if (d == 1 && resultShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value buildElementwise(
    OpBuilder &b, Location loc, ValueRange inputs, RankedTensorType resultType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(getBroadcastMap(
        ctx, cast<RankedTensorType>(in.getType()).getShape(), resultType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  Value init = createEmptyTensor(b, loc, resultType.getShape(), resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

LogicalResult requireStaticShapes(Operation *op, ConversionPatternRewriter &rewriter) {
  auto isStatic = [](Type t) {
    if (isa<NoneType>(t))
      return true;
    auto r = dyn_cast<RankedTensorType>(t);
    return r && r.hasStaticShape();
  };
  for (Type t : op->getOperandTypes())
    if (!isStatic(t))
      return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported yet");
  for (Type t : op->getResultTypes())
    if (!isStatic(t))
      return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported yet");
  return success();
}

} // namespace steed
