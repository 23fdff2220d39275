//===- Elementwise.cpp - Lowering of elementwise onnx ops -----------------===//
//
// Every elementwise op lowers to one linalg.generic with broadcasting
// (buildElementwise); ops differ only in the scalar body, given by one
// `scalar(Op, Scalar&)` overload per op. f16/bf16 compute in f32.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/IR/TypeUtilities.h"
#include <limits>

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

/// The scalar context of one elementwise op: its operands (already
/// converted to the compute type), the compute type, and builders.
struct Scalar {
  OpBuilder &b;
  Location loc;
  SmallVector<Value> args;
  Type type;     // compute type (signless; f32 for f16/bf16)
  bool isFloat;  // float compute
  bool isUnsigned; // unsigned integer inputs

  Value c(double v) { return createScalar(b, loc, type, v); }
  Value x() { return args[0]; }
  Value add(Value a, Value v) {
    return isFloat ? (Value)arith::AddFOp::create(b, loc, a, v)
                   : (Value)arith::AddIOp::create(b, loc, a, v);
  }
  Value sub(Value a, Value v) {
    return isFloat ? (Value)arith::SubFOp::create(b, loc, a, v)
                   : (Value)arith::SubIOp::create(b, loc, a, v);
  }
  Value mul(Value a, Value v) {
    return isFloat ? (Value)arith::MulFOp::create(b, loc, a, v)
                   : (Value)arith::MulIOp::create(b, loc, a, v);
  }
  Value div(Value a, Value v) {
    if (isFloat)
      return arith::DivFOp::create(b, loc, a, v);
    return isUnsigned ? (Value)arith::DivUIOp::create(b, loc, a, v)
                      : (Value)arith::DivSIOp::create(b, loc, a, v);
  }
  Value max(Value a, Value v) {
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, a, v);
    return isUnsigned ? (Value)arith::MaxUIOp::create(b, loc, a, v)
                      : (Value)arith::MaxSIOp::create(b, loc, a, v);
  }
  Value min(Value a, Value v) {
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, a, v);
    return isUnsigned ? (Value)arith::MinUIOp::create(b, loc, a, v)
                      : (Value)arith::MinSIOp::create(b, loc, a, v);
  }
  /// Comparison; `f` and `s`/`u` are the float and signed/unsigned predicates.
  Value cmp(arith::CmpFPredicate f, arith::CmpIPredicate s, arith::CmpIPredicate u,
            Value a, Value v) {
    if (isFloat)
      return arith::CmpFOp::create(b, loc, f, a, v);
    return arith::CmpIOp::create(b, loc, isUnsigned ? u : s, a, v);
  }
  Value lt(Value a, Value v) {
    return cmp(arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
               arith::CmpIPredicate::ult, a, v);
  }
  Value gt(Value a, Value v) {
    return cmp(arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt,
               arith::CmpIPredicate::ugt, a, v);
  }
  Value select(Value cond, Value a, Value v) {
    return arith::SelectOp::create(b, loc, cond, a, v);
  }
  Value exp(Value a) { return math::ExpOp::create(b, loc, a); }
  Value log(Value a) { return math::LogOp::create(b, loc, a); }
  Value tanh(Value a) { return math::TanhOp::create(b, loc, a); }
  Value abs(Value a) {
    if (isFloat)
      return math::AbsFOp::create(b, loc, a);
    return isUnsigned ? a : (Value)math::AbsIOp::create(b, loc, a);
  }
  Value sigmoid(Value a) {
    return div(c(1), add(c(1), exp(sub(c(0), a))));
  }
  Value softplus(Value a) { return math::Log1pOp::create(b, loc, exp(a)); }
};

// clang-format off
// Unary.
Value scalar(o::AbsOp, Scalar &s) { return s.abs(s.x()); }
Value scalar(o::NegOp, Scalar &s) { return s.sub(s.c(0), s.x()); }
Value scalar(o::ExpOp, Scalar &s) { return s.exp(s.x()); }
Value scalar(o::LogOp, Scalar &s) { return s.log(s.x()); }
Value scalar(o::SqrtOp, Scalar &s) { return math::SqrtOp::create(s.b, s.loc, s.x()); }
Value scalar(o::ReciprocalOp, Scalar &s) { return s.div(s.c(1), s.x()); }
Value scalar(o::ReluOp, Scalar &s) { return s.max(s.x(), s.c(0)); }
Value scalar(o::SigmoidOp, Scalar &s) { return s.sigmoid(s.x()); }
Value scalar(o::TanhOp, Scalar &s) { return s.tanh(s.x()); }
Value scalar(o::ErfOp, Scalar &s) { return math::ErfOp::create(s.b, s.loc, s.x()); }
Value scalar(o::SinOp, Scalar &s) { return math::SinOp::create(s.b, s.loc, s.x()); }
Value scalar(o::CosOp, Scalar &s) { return math::CosOp::create(s.b, s.loc, s.x()); }
Value scalar(o::TanOp, Scalar &s) { return math::TanOp::create(s.b, s.loc, s.x()); }
Value scalar(o::AsinOp, Scalar &s) { return math::AsinOp::create(s.b, s.loc, s.x()); }
Value scalar(o::AcosOp, Scalar &s) { return math::AcosOp::create(s.b, s.loc, s.x()); }
Value scalar(o::AtanOp, Scalar &s) { return math::AtanOp::create(s.b, s.loc, s.x()); }
Value scalar(o::SinhOp, Scalar &s) { return math::SinhOp::create(s.b, s.loc, s.x()); }
Value scalar(o::CoshOp, Scalar &s) { return math::CoshOp::create(s.b, s.loc, s.x()); }
Value scalar(o::AsinhOp, Scalar &s) { return math::AsinhOp::create(s.b, s.loc, s.x()); }
Value scalar(o::AcoshOp, Scalar &s) { return math::AcoshOp::create(s.b, s.loc, s.x()); }
Value scalar(o::AtanhOp, Scalar &s) { return math::AtanhOp::create(s.b, s.loc, s.x()); }
Value scalar(o::FloorOp, Scalar &s) { return math::FloorOp::create(s.b, s.loc, s.x()); }
Value scalar(o::CeilOp, Scalar &s) { return math::CeilOp::create(s.b, s.loc, s.x()); }
Value scalar(o::RoundOp, Scalar &s) { return math::RoundEvenOp::create(s.b, s.loc, s.x()); }
Value scalar(o::SoftplusOp, Scalar &s) { return s.softplus(s.x()); }
Value scalar(o::SoftsignOp, Scalar &s) { return s.div(s.x(), s.add(s.c(1), s.abs(s.x()))); }
Value scalar(o::MishOp, Scalar &s) { return s.mul(s.x(), s.tanh(s.softplus(s.x()))); }
Value scalar(o::NotOp, Scalar &s) {
  return arith::XOrIOp::create(s.b, s.loc, s.x(), s.c(1));
}
Value scalar(o::BitwiseNotOp, Scalar &s) {
  auto type = cast<IntegerType>(s.type);
  Value ones = arith::ConstantOp::create(
      s.b, s.loc, IntegerAttr::get(type, APInt::getAllOnes(type.getWidth())));
  return arith::XOrIOp::create(s.b, s.loc, s.x(), ones);
}
Value scalar(o::IsNaNOp, Scalar &s) {
  return arith::CmpFOp::create(s.b, s.loc, arith::CmpFPredicate::UNO, s.x(), s.x());
}
Value scalar(o::IsInfOp op, Scalar &s) {
  Value x = s.x();
  Value inf = s.c(std::numeric_limits<double>::infinity());
  Value ninf = s.c(-std::numeric_limits<double>::infinity());
  Value pos = arith::CmpFOp::create(s.b, s.loc, arith::CmpFPredicate::OEQ, x, inf);
  Value neg = arith::CmpFOp::create(s.b, s.loc, arith::CmpFPredicate::OEQ, x, ninf);
  Value f = arith::ConstantOp::create(s.b, s.loc, s.b.getBoolAttr(false));
  Value r = op.getDetectPositive() ? pos : f;
  if (op.getDetectNegative())
    r = arith::OrIOp::create(s.b, s.loc, r, neg);
  return r;
}
Value scalar(o::SignOp, Scalar &s) {
  Value x = s.x();
  return s.select(s.gt(x, s.c(0)), s.c(1), s.select(s.lt(x, s.c(0)), s.c(-1), s.c(0)));
}
Value scalar(o::HardSwishOp, Scalar &s) {
  Value x = s.x();
  return s.mul(x, s.max(s.c(0), s.min(s.c(1), s.add(s.mul(x, s.c(1.0 / 6)), s.c(0.5)))));
}
Value scalar(o::LeakyReluOp op, Scalar &s) {
  Value x = s.x();
  return s.select(s.lt(x, s.c(0)), s.mul(x, s.c(op.getAlpha().convertToDouble())), x);
}
Value scalar(o::EluOp op, Scalar &s) {
  Value x = s.x();
  Value neg = s.mul(s.c(op.getAlpha().convertToDouble()), s.sub(s.exp(x), s.c(1)));
  return s.select(s.lt(x, s.c(0)), neg, x);
}
Value scalar(o::CeluOp op, Scalar &s) {
  Value x = s.x();
  double alpha = op.getAlpha().convertToDouble();
  Value neg = s.mul(s.c(alpha), s.sub(s.exp(s.div(x, s.c(alpha))), s.c(1)));
  return s.add(s.max(s.c(0), x), s.min(s.c(0), neg));
}
Value scalar(o::SeluOp op, Scalar &s) {
  Value x = s.x();
  double alpha = op.getAlpha().convertToDouble(), gamma = op.getGamma().convertToDouble();
  Value neg = s.sub(s.mul(s.c(alpha), s.exp(x)), s.c(alpha));
  return s.mul(s.c(gamma), s.select(s.gt(x, s.c(0)), x, neg));
}
Value scalar(o::ThresholdedReluOp op, Scalar &s) {
  Value x = s.x();
  return s.select(s.gt(x, s.c(op.getAlpha().convertToDouble())), x, s.c(0));
}
Value scalar(o::HardSigmoidOp op, Scalar &s) {
  Value y = s.add(s.mul(s.x(), s.c(op.getAlpha().convertToDouble())),
                  s.c(op.getBeta().convertToDouble()));
  return s.max(s.c(0), s.min(s.c(1), y));
}
Value scalar(o::GeluOp op, Scalar &s) {
  Value x = s.x();
  if (op.getApproximate() == "tanh") {
    Value inner = s.mul(s.c(0.7978845608028654),
                        s.add(x, s.mul(s.c(0.044715), s.mul(x, s.mul(x, x)))));
    return s.mul(s.mul(s.c(0.5), x), s.add(s.c(1), s.tanh(inner)));
  }
  Value erf = math::ErfOp::create(s.b, s.loc, s.mul(x, s.c(0.7071067811865476)));
  return s.mul(s.mul(s.c(0.5), x), s.add(s.c(1), erf));
}

// Binary.
Value scalar(o::AddOp, Scalar &s) { return s.add(s.args[0], s.args[1]); }
Value scalar(o::SubOp, Scalar &s) { return s.sub(s.args[0], s.args[1]); }
Value scalar(o::MulOp, Scalar &s) { return s.mul(s.args[0], s.args[1]); }
Value scalar(o::DivOp, Scalar &s) { return s.div(s.args[0], s.args[1]); }
Value scalar(o::PReluOp, Scalar &s) {
  Value x = s.args[0];
  return s.select(s.lt(x, s.c(0)), s.mul(x, s.args[1]), x);
}
Value scalar(o::ModOp op, Scalar &s) {
  Value a = s.args[0], d = s.args[1];
  if (s.isFloat)
    return arith::RemFOp::create(s.b, s.loc, a, d); // fmod=1 is required for floats
  if (s.isUnsigned)
    return arith::RemUIOp::create(s.b, s.loc, a, d);
  Value r = arith::RemSIOp::create(s.b, s.loc, a, d);
  if (op.getFmod() == 1)
    return r;
  // Python-style: the result takes the divisor's sign.
  Value zero = s.c(0);
  Value rNeg = s.lt(r, zero), dNeg = s.lt(d, zero);
  Value nonzero = arith::CmpIOp::create(s.b, s.loc, arith::CmpIPredicate::ne, r, zero);
  Value signsDiffer = arith::XOrIOp::create(s.b, s.loc, rNeg, dNeg);
  Value fix = arith::AndIOp::create(s.b, s.loc, nonzero, signsDiffer);
  return s.select(fix, s.add(r, d), r);
}
Value scalar(o::BitwiseAndOp, Scalar &s) { return arith::AndIOp::create(s.b, s.loc, s.args[0], s.args[1]); }
Value scalar(o::BitwiseOrOp, Scalar &s) { return arith::OrIOp::create(s.b, s.loc, s.args[0], s.args[1]); }
Value scalar(o::BitwiseXorOp, Scalar &s) { return arith::XOrIOp::create(s.b, s.loc, s.args[0], s.args[1]); }
Value scalar(o::BitShiftOp op, Scalar &s) {
  // Unsigned operands: RIGHT is a logical shift.
  if (op.getDirection() == "LEFT")
    return arith::ShLIOp::create(s.b, s.loc, s.args[0], s.args[1]);
  return s.isUnsigned ? (Value)arith::ShRUIOp::create(s.b, s.loc, s.args[0], s.args[1])
                      : (Value)arith::ShRSIOp::create(s.b, s.loc, s.args[0], s.args[1]);
}
Value scalar(o::AndOp, Scalar &s) { return arith::AndIOp::create(s.b, s.loc, s.args[0], s.args[1]); }
Value scalar(o::OrOp, Scalar &s) { return arith::OrIOp::create(s.b, s.loc, s.args[0], s.args[1]); }
Value scalar(o::XorOp, Scalar &s) { return arith::XOrIOp::create(s.b, s.loc, s.args[0], s.args[1]); }
Value scalar(o::EqualOp, Scalar &s) {
  return s.cmp(arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq, arith::CmpIPredicate::eq,
               s.args[0], s.args[1]);
}
Value scalar(o::LessOp, Scalar &s) { return s.lt(s.args[0], s.args[1]); }
Value scalar(o::GreaterOp, Scalar &s) { return s.gt(s.args[0], s.args[1]); }
Value scalar(o::LessOrEqualOp, Scalar &s) {
  return s.cmp(arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle, arith::CmpIPredicate::ule,
               s.args[0], s.args[1]);
}
Value scalar(o::GreaterOrEqualOp, Scalar &s) {
  return s.cmp(arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge, arith::CmpIPredicate::uge,
               s.args[0], s.args[1]);
}

// Variadic.
Value scalar(o::MaxOp, Scalar &s) {
  Value r = s.args[0];
  for (Value a : ArrayRef<Value>(s.args).drop_front()) r = s.max(r, a);
  return r;
}
Value scalar(o::MinOp, Scalar &s) {
  Value r = s.args[0];
  for (Value a : ArrayRef<Value>(s.args).drop_front()) r = s.min(r, a);
  return r;
}
Value scalar(o::SumOp, Scalar &s) {
  Value r = s.args[0];
  for (Value a : ArrayRef<Value>(s.args).drop_front()) r = s.add(r, a);
  return r;
}
Value scalar(o::MeanOp, Scalar &s) {
  return s.div(scalar(o::SumOp(), s), s.c((double)s.args.size()));
}
// clang-format on

/// Pow: the exponent may have another type than the base.
Value scalar(o::PowOp, Scalar &s) {
  if (s.isFloat)
    return math::PowFOp::create(s.b, s.loc, s.args[0], s.args[1]);
  // Integer base: compute in f64 and truncate toward zero.
  Type f64 = s.b.getF64Type();
  Value base = convertScalar(s.b, s.loc, s.args[0], s.type, f64);
  Value exp = convertScalar(s.b, s.loc, s.args[1], s.type, f64);
  Value r = math::PowFOp::create(s.b, s.loc, base, exp);
  return convertScalar(s.b, s.loc, r, f64, s.type);
}

/// Lowers `OpTy` to a broadcasting linalg.generic around `scalar(OpTy, ...)`.
/// `computeOperands` is how many leading operands determine the compute
/// type (all of them unless the op says otherwise).
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Type logical = getElementTypeOrSelf(op->getOperand(0).getType());
    Type resultLogical = resultType.getElementType();
    bool lowPrecision = isa<Float16Type, BFloat16Type>(logical);
    Type compute = lowPrecision ? rewriter.getF32Type() : toSignless(logical);
    SmallVector<Type> operandLogical;
    for (Value v : op->getOperands())
      operandLogical.push_back(getElementTypeOrSelf(v.getType()));

    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getOperands(),
        cast<RankedTensorType>(this->getTypeConverter()->convertType(resultType)),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Scalar s{b, loc, {}, compute, isa<FloatType>(compute),
                   logical.isUnsignedInteger()};
          for (auto [arg, type] : llvm::zip(args, operandLogical))
            s.args.push_back(type.isInteger(1) && !compute.isInteger(1)
                                 ? arg
                                 : convertScalar(b, loc, arg, type,
                                                 lowPrecision ? compute : logical));
          Value r = scalar(op, s);
          // Comparisons yield i1 already; others convert back.
          if (r.getType() != toSignless(resultLogical))
            r = convertScalar(b, loc, r, lowPrecision ? compute : logical, resultLogical);
          return r;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Where(cond, X, Y): X's element type; cond is i1.
struct WhereLowering : OpConversionPattern<o::WhereOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::WhereOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    Value r = buildElementwise(rewriter, op.getLoc(), adaptor.getOperands(), resultType,
                               [](OpBuilder &b, Location loc, ValueRange a) -> Value {
                                 return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Clip(x, min?, max?): bounds are scalars (or none).
struct ClipLowering : OpConversionPattern<o::ClipOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ClipOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    Type logical = getElementTypeOrSelf(op.getInput().getType());
    SmallVector<Value> inputs{adaptor.getInput()};
    SmallVector<Type> boundTypes;
    bool hasMin = !o::isNone(op.getMin()), hasMax = !o::isNone(op.getMax());
    for (Value bound : {op.getMin(), op.getMax()})
      if (!o::isNone(bound))
        boundTypes.push_back(getElementTypeOrSelf(bound.getType()));
    if (hasMin)
      inputs.push_back(adaptor.getMin());
    if (hasMax)
      inputs.push_back(adaptor.getMax());
    Value r = buildElementwise(
        rewriter, op.getLoc(), inputs, resultType,
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Scalar s{b, loc, {}, toSignless(logical), isa<FloatType>(logical),
                   logical.isUnsignedInteger()};
          Value x = a[0];
          unsigned i = 1;
          if (hasMin) {
            Value lo = convertScalar(b, loc, a[i], boundTypes[i - 1], logical);
            x = s.select(s.lt(x, lo), lo, x);
            ++i;
          }
          if (hasMax) {
            Value hi = convertScalar(b, loc, a[i], boundTypes[i - 1], logical);
            x = s.select(s.gt(x, hi), hi, x);
          }
          return x;
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void steed::populateElementwiseLoweringPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns) {
  patterns.add<
      // clang-format off
      ElementwiseLowering<o::AbsOp>, ElementwiseLowering<o::NegOp>,
      ElementwiseLowering<o::ExpOp>, ElementwiseLowering<o::LogOp>,
      ElementwiseLowering<o::SqrtOp>, ElementwiseLowering<o::ReciprocalOp>,
      ElementwiseLowering<o::ReluOp>, ElementwiseLowering<o::SigmoidOp>,
      ElementwiseLowering<o::TanhOp>, ElementwiseLowering<o::ErfOp>,
      ElementwiseLowering<o::SinOp>, ElementwiseLowering<o::CosOp>,
      ElementwiseLowering<o::TanOp>, ElementwiseLowering<o::AsinOp>,
      ElementwiseLowering<o::AcosOp>, ElementwiseLowering<o::AtanOp>,
      ElementwiseLowering<o::SinhOp>, ElementwiseLowering<o::CoshOp>,
      ElementwiseLowering<o::AsinhOp>, ElementwiseLowering<o::AcoshOp>,
      ElementwiseLowering<o::AtanhOp>, ElementwiseLowering<o::FloorOp>,
      ElementwiseLowering<o::CeilOp>, ElementwiseLowering<o::RoundOp>,
      ElementwiseLowering<o::SignOp>, ElementwiseLowering<o::SoftplusOp>,
      ElementwiseLowering<o::SoftsignOp>, ElementwiseLowering<o::HardSwishOp>,
      ElementwiseLowering<o::MishOp>, ElementwiseLowering<o::NotOp>,
      ElementwiseLowering<o::BitwiseNotOp>, ElementwiseLowering<o::IsNaNOp>,
      ElementwiseLowering<o::IsInfOp>, ElementwiseLowering<o::BitwiseAndOp>,
      ElementwiseLowering<o::BitwiseOrOp>, ElementwiseLowering<o::BitwiseXorOp>,
      ElementwiseLowering<o::BitShiftOp>,
      ElementwiseLowering<o::LeakyReluOp>, ElementwiseLowering<o::EluOp>,
      ElementwiseLowering<o::CeluOp>, ElementwiseLowering<o::ThresholdedReluOp>,
      ElementwiseLowering<o::SeluOp>, ElementwiseLowering<o::HardSigmoidOp>,
      ElementwiseLowering<o::GeluOp>,
      ElementwiseLowering<o::AddOp>, ElementwiseLowering<o::SubOp>,
      ElementwiseLowering<o::MulOp>, ElementwiseLowering<o::DivOp>,
      ElementwiseLowering<o::PowOp>, ElementwiseLowering<o::PReluOp>,
      ElementwiseLowering<o::ModOp>, ElementwiseLowering<o::AndOp>,
      ElementwiseLowering<o::OrOp>, ElementwiseLowering<o::XorOp>,
      ElementwiseLowering<o::EqualOp>, ElementwiseLowering<o::LessOp>,
      ElementwiseLowering<o::GreaterOp>, ElementwiseLowering<o::LessOrEqualOp>,
      ElementwiseLowering<o::GreaterOrEqualOp>,
      ElementwiseLowering<o::MaxOp>, ElementwiseLowering<o::MinOp>,
      ElementwiseLowering<o::SumOp>, ElementwiseLowering<o::MeanOp>,
      WhereLowering, ClipLowering
      // clang-format on
      >(converter, patterns.getContext());
}
