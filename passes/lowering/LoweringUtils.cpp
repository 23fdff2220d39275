//===- LoweringUtils.cpp - Shared helpers of the onnx lowering ------------===//
#include "passes/lowering/LoweringUtils.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"

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

/// The run-time size of result dimension `d` of a broadcast of `inputs`
/// (ONNX multidirectional broadcasting: the size that is not 1, if any).
static OpFoldResult broadcastDim(OpBuilder &b, Location loc, ValueRange inputs,
                                 RankedTensorType resultType, unsigned d) {
  if (!resultType.isDynamicDim(d))
    return b.getIndexAttr(resultType.getDimSize(d));
  unsigned rank = resultType.getRank();
  Value size;
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (Value in : inputs) {
    auto t = cast<RankedTensorType>(in.getType());
    int64_t offset = rank - t.getRank();
    if ((int64_t)d < offset)
      continue;
    unsigned i = d - offset;
    if (!t.isDynamicDim(i)) {
      if (t.getDimSize(i) != 1)
        return b.getIndexAttr(t.getDimSize(i));
      continue;
    }
    Value dim = tensor::DimOp::create(b, loc, in, i);
    if (!size) {
      size = dim;
      continue;
    }
    Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size, one);
    size = arith::SelectOp::create(b, loc, isOne, dim, size);
  }
  return size ? OpFoldResult(size) : OpFoldResult(b.getIndexAttr(1));
}

SmallVector<OpFoldResult> broadcastSizes(OpBuilder &b, Location loc, ValueRange inputs,
                                         RankedTensorType resultType) {
  SmallVector<OpFoldResult> sizes;
  for (unsigned d = 0; d < resultType.getRank(); ++d)
    sizes.push_back(broadcastDim(b, loc, inputs, resultType, d));
  return sizes;
}

/// `input` with every dimension that is 1 at run time but broadcast in the
/// result made explicit. Only dimensions that are dynamic in `input` while
/// another operand also has a non-1 size there need the check; the common
/// case (sizes equal) takes the scf.if branch that returns `input` itself.
static Value broadcastAtRunTime(OpBuilder &b, Location loc, Value input, unsigned index,
                                ValueRange inputs, ArrayRef<OpFoldResult> sizes) {
  auto t = cast<RankedTensorType>(input.getType());
  unsigned rank = sizes.size(), offset = rank - t.getRank();
  SmallVector<unsigned> checked;
  for (unsigned i = 0; i < t.getRank(); ++i) {
    if (!t.isDynamicDim(i))
      continue;
    for (auto [k, other] : llvm::enumerate(inputs)) {
      auto ot = cast<RankedTensorType>(other.getType());
      int64_t oi = (int64_t)(offset + i) - (int64_t)(rank - ot.getRank());
      if (k == index || oi < 0)
        continue;
      if (ot.isDynamicDim(oi) || ot.getDimSize(oi) != 1) {
        checked.push_back(i);
        break;
      }
    }
  }
  if (checked.empty())
    return input;
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value cond;
  SmallVector<Value> dims, targets;
  for (unsigned i = 0; i < t.getRank(); ++i)
    dims.push_back(tensor::DimOp::create(b, loc, input, i));
  for (unsigned i : checked) {
    Value target = getValueOrCreateConstantIndexOp(b, loc, sizes[offset + i]);
    Value c = arith::AndIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dims[i], one),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, target, one));
    cond = cond ? arith::OrIOp::create(b, loc, cond, c) : c;
  }
  auto ifOp = scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &tb, Location tl) {
        // Rare path: gather with index 0 along the broadcast dimensions.
        SmallVector<OpFoldResult> outSizes;
        for (unsigned i = 0; i < t.getRank(); ++i)
          outSizes.push_back(llvm::is_contained(checked, i) ? sizes[offset + i]
                                                            : OpFoldResult(dims[i]));
        Value init = tensor::EmptyOp::create(tb, tl, outSizes, t.getElementType());
        SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(t.getRank(), tb.getContext())};
        SmallVector<utils::IteratorType> iterators(t.getRank(), utils::IteratorType::parallel);
        auto gen = linalg::GenericOp::create(
            tb, tl, TypeRange{init.getType()}, ValueRange{}, ValueRange{init}, maps, iterators,
            [&](OpBuilder &nb, Location nl, ValueRange) {
              SmallVector<Value> idx;
              Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
              for (unsigned i = 0; i < t.getRank(); ++i) {
                Value iv = linalg::IndexOp::create(nb, nl, i);
                if (llvm::is_contained(checked, i)) {
                  Value isOne = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                                      dims[i], one);
                  iv = arith::SelectOp::create(nb, nl, isOne, zero, iv);
                }
                idx.push_back(iv);
              }
              linalg::YieldOp::create(nb, nl,
                                      tensor::ExtractOp::create(nb, nl, input, idx).getResult());
            });
        Value r = gen.getResult(0);
        if (r.getType() != t)
          r = tensor::CastOp::create(tb, tl, t, r);
        scf::YieldOp::create(tb, tl, r);
      },
      [&](OpBuilder &eb, Location el) { scf::YieldOp::create(eb, el, input); });
  return ifOp.getResult(0);
}

Value buildElementwise(
    OpBuilder &b, Location loc, ValueRange inputs, RankedTensorType resultType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  bool isStatic = resultType.hasStaticShape() && llvm::all_of(inputs, [](Value v) {
                    return cast<RankedTensorType>(v.getType()).hasStaticShape();
                  });
  SmallVector<Value> operands(inputs);
  SmallVector<OpFoldResult> sizes;
  if (!isStatic) {
    sizes = broadcastSizes(b, loc, inputs, resultType);
    for (auto [k, in] : llvm::enumerate(inputs))
      operands[k] = broadcastAtRunTime(b, loc, in, k, inputs, sizes);
  }
  SmallVector<AffineMap> maps;
  for (Value in : operands)
    maps.push_back(getBroadcastMap(
        ctx, cast<RankedTensorType>(in.getType()).getShape(), resultType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  Value init = isStatic ? createEmptyTensor(b, loc, resultType.getShape(),
                                            resultType.getElementType())
                        : tensor::EmptyOp::create(b, loc, sizes,
                                                  toSignless(resultType.getElementType()))
                              .getResult();
  if (init.getType() != resultType && !isStatic)
    init = tensor::CastOp::create(b, loc, resultType.clone(toSignless(resultType.getElementType())), init);
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, operands, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

LogicalResult requireRankedShapes(Operation *op, ConversionPatternRewriter &rewriter) {
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (!isa<NoneType, RankedTensorType>(t))
      return rewriter.notifyMatchFailure(op, "unranked tensors are not supported");
  return success();
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
