//===- Quantization.cpp - Lowering of the quantization onnx ops -----------===//
//
// QuantizeLinear and DequantizeLinear lower to one linalg.generic over x's
// shape. The scale and zero point are read through their own indexing map:
// all-zero (per tensor), (d_axis) (per axis), or x's dims with
// d_axis floordiv block_size (blocked).
//
//  * QuantizeLinear: x / scale in f32 (f64 for f64 or integer x), rounded
//    half to even (math.roundeven), plus the zero point, clamped to the
//    integer type's range. Float8/float4 results convert x / scale + zero
//    point with convertScalar (round to nearest even, `saturate`).
//  * DequantizeLinear: (x - zero point) * scale in f32 (f64 for f64
//    scales), converted to the result type. Float8/float4 x is decoded.
//
// BitCast lowers to nothing when the storage types agree (ui8 <-> i8,
// f8 <-> i8), else to an elementwise arith.bitcast; bool <-> 8-bit types
// convert the byte (0/1 <-> != 0).
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

/// The map reading a scale / zero point of `param`'s shape in a loop nest
/// over x's `rank` dims.
AffineMap paramMap(MLIRContext *ctx, unsigned rank, RankedTensorType param, int64_t axis,
                   int64_t blockSize) {
  SmallVector<AffineExpr> exprs;
  if (blockSize > 0) {
    for (unsigned i = 0; i < rank; ++i)
      exprs.push_back((int64_t)i == axis ? getAffineDimExpr(i, ctx).floorDiv(blockSize)
                                : getAffineDimExpr(i, ctx));
  } else if (param.getNumElements() == 1) {
    for (int64_t i = 0; i < param.getRank(); ++i)
      exprs.push_back(getAffineConstantExpr(0, ctx));
  } else {
    exprs.push_back(getAffineDimExpr(axis, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// linalg.generic over `resultType` reading x with the identity map and the
/// scale / zero point (when not none) with paramMap; `body` gets
/// (x, scale, zeroPoint or null).
template <typename BodyFn>
FailureOr<Value> buildQuantGeneric(ConversionPatternRewriter &rewriter, Operation *op, Value x,
                                   Value scale, Value zeroPoint, bool hasZeroPoint,
                                   int64_t axis, int64_t blockSize,
                                   RankedTensorType resultType, BodyFn body) {
  MLIRContext *ctx = rewriter.getContext();
  Location loc = op->getLoc();
  unsigned rank = resultType.getRank();
  auto scaleType = cast<RankedTensorType>(scale.getType());
  if (blockSize > 0 || scaleType.getNumElements() != 1) {
    std::optional<int64_t> a = o::normalizeAxis(op, axis, rank);
    if (!a)
      return failure();
    axis = *a;
  }
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<Value> inputs{x, scale};
  SmallVector<AffineMap> maps{identity, paramMap(ctx, rank, scaleType, axis, blockSize)};
  if (hasZeroPoint) { // its own map: [1] with a scalar scale is allowed
    inputs.push_back(zeroPoint);
    maps.push_back(paramMap(ctx, rank, cast<RankedTensorType>(zeroPoint.getType()), axis,
                            blockSize));
  }
  maps.push_back(identity);
  Value init = createEmptyTensor(rewriter, loc, resultType.getShape(), resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value r = body(b, l, args[0], args[1], hasZeroPoint ? args[2] : Value());
        linalg::YieldOp::create(b, l, r);
      });
  return generic.getResult(0);
}

/// f64 when any of `types` is f64 or x is an integer, else f32.
Type computeType(OpBuilder &b, Type xType, Type scaleType) {
  if (xType.isF64() || scaleType.isF64() || isa<IntegerType>(xType))
    return b.getF64Type();
  return b.getF32Type();
}

struct QuantizeLinearLowering : OpConversionPattern<o::QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::QuantizeLinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Type xT = getElementTypeOrSelf(op.getX().getType());
    Type sT = getElementTypeOrSelf(op.getYScale().getType());
    Type yT = getElementTypeOrSelf(op.getY().getType());
    bool hasZp = !o::isNone(op.getYZeroPoint());
    Type zT = hasZp ? getElementTypeOrSelf(op.getYZeroPoint().getType()) : yT;
    if (!isa<FloatType>(sT))
      return rewriter.notifyMatchFailure(op, "scale must be a float");
    bool toFloat = isa<FloatType>(yT);
    bool saturate = op.getSaturate() != 0;
    Type ct = computeType(rewriter, xT, sT);
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getY().getType()));
    auto r = buildQuantGeneric(
        rewriter, op, adaptor.getX(), adaptor.getYScale(), adaptor.getYZeroPoint(), hasZp,
        op.getAxis(), op.getBlockSize(), resultType,
        [&](OpBuilder &b, Location l, Value x, Value s, Value zp) -> Value {
          Value q = arith::DivFOp::create(b, l, convertScalar(b, l, x, xT, ct),
                                          convertScalar(b, l, s, sT, ct));
          if (toFloat) {
            if (zp)
              q = arith::AddFOp::create(b, l, q, convertScalar(b, l, zp, zT, ct));
            return convertScalar(b, l, q, ct, yT, saturate);
          }
          q = math::RoundEvenOp::create(b, l, q);
          if (zp)
            q = arith::AddFOp::create(b, l, q, convertScalar(b, l, zp, zT, ct));
          unsigned width = yT.getIntOrFloatBitWidth();
          APInt lo = yT.isUnsignedInteger() ? APInt::getMinValue(width)
                                            : APInt::getSignedMinValue(width);
          APInt hi = yT.isUnsignedInteger() ? APInt::getMaxValue(width)
                                            : APInt::getSignedMaxValue(width);
          bool isUnsigned = yT.isUnsignedInteger();
          double loD = isUnsigned ? (double)lo.getZExtValue() : (double)lo.getSExtValue();
          double hiD = isUnsigned ? (double)hi.getZExtValue() : (double)hi.getSExtValue();
          q = arith::MaximumFOp::create(b, l, q, createScalar(b, l, ct, loD));
          q = arith::MinimumFOp::create(b, l, q, createScalar(b, l, ct, hiD));
          Type wide = b.getIntegerType(width < 32 ? 32 : 64);
          Value i = arith::FPToSIOp::create(b, l, wide, q);
          return wide == toSignless(yT) ? i : (Value)arith::TruncIOp::create(b, l, toSignless(yT), i);
        });
    if (failed(r))
      return failure();
    rewriter.replaceOp(op, *r);
    return success();
  }
};

struct DequantizeLinearLowering : OpConversionPattern<o::DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::DequantizeLinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Type xT = getElementTypeOrSelf(op.getX().getType());
    Type sT = getElementTypeOrSelf(op.getXScale().getType());
    Type yT = getElementTypeOrSelf(op.getY().getType());
    bool hasZp = !o::isNone(op.getXZeroPoint());
    Type zT = hasZp ? getElementTypeOrSelf(op.getXZeroPoint().getType()) : xT;
    if (!isa<FloatType>(sT))
      return rewriter.notifyMatchFailure(op, "scale must be a float");
    Type ct = (sT.isF64() || yT.isF64()) ? rewriter.getF64Type() : rewriter.getF32Type();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getY().getType()));
    auto r = buildQuantGeneric(
        rewriter, op, adaptor.getX(), adaptor.getXScale(), adaptor.getXZeroPoint(), hasZp,
        op.getAxis(), op.getBlockSize(), resultType,
        [&](OpBuilder &b, Location l, Value x, Value s, Value zp) -> Value {
          Value v = convertScalar(b, l, x, xT, ct);
          if (zp)
            v = arith::SubFOp::create(b, l, v, convertScalar(b, l, zp, zT, ct));
          v = arith::MulFOp::create(b, l, v, convertScalar(b, l, s, sT, ct));
          return convertScalar(b, l, v, ct, yT);
        });
    if (failed(r))
      return failure();
    rewriter.replaceOp(op, *r);
    return success();
  }
};

struct BitCastLowering : OpConversionPattern<o::BitCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::BitCastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Type from = getElementTypeOrSelf(op.getInput().getType()), to = op.getTo();
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getOutput().getType()));
    Value in = adaptor.getInput();
    Type storageFrom = toSignless(from), storageTo = type.getElementType();
    if (storageFrom == storageTo) {
      rewriter.replaceOp(op, in);
      return success();
    }
    if (!from.isInteger(1) && !to.isInteger(1) &&
        storageFrom.getIntOrFloatBitWidth() != storageTo.getIntOrFloatBitWidth())
      return rewriter.notifyMatchFailure(op, "element sizes differ");
    // Elementwise arith.bitcast (a copy; tensor.bitcast does not bufferize);
    // bool (one byte, 0 or 1) <-> an 8-bit type: the byte's value.
    Value r = buildElementwise(
        rewriter, op.getLoc(), ValueRange{in}, type,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (!from.isInteger(1) && !to.isInteger(1))
            return arith::BitcastOp::create(b, l, storageTo, a[0]);
          Type i8 = b.getI8Type();
          if (from.isInteger(1)) {
            Value byte = arith::ExtUIOp::create(b, l, i8, a[0]);
            return storageTo == i8 ? byte : (Value)arith::BitcastOp::create(b, l, storageTo, byte);
          }
          Value byte = storageFrom == i8 ? a[0] : (Value)arith::BitcastOp::create(b, l, i8, a[0]);
          return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, byte,
                                       createScalar(b, l, i8, 0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void steed::populateQuantizationLoweringPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering, BitCastLowering>(
      converter, patterns.getContext());
}
