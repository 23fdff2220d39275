//===- Reduction.cpp - Lowering of reduction onnx ops ---------------------===//
//
// Every Reduce* op is one linalg.generic with reduction iterators over the
// reduced dimensions (buildReduction), initialized with linalg.fill of the
// combiner's identity, optionally followed by an elementwise epilogue (mean,
// sqrt, log, ...). Ops differ only in their ReduceKind, one line per op.
// f16/bf16 accumulate in f32. ArgMax/ArgMin reduce a (value, index) pair.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/DynamicShapes.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

//===----------------------------------------------------------------------===//
// Shared builders (declared in LoweringUtils.h)
//===----------------------------------------------------------------------===//

Value steed::createFilledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                                Value value) {
  Value empty = createEmptyTensor(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

/// The reassociation between a shape with the `reduced` dimensions removed
/// and the same shape with them kept as size 1: each kept dimension groups
/// with the reduced ones that follow it (leading ones join the first).
static SmallVector<ReassociationIndices> keepDimsGroups(ArrayRef<bool> reduced) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices leading;
  for (unsigned d = 0; d < reduced.size(); ++d) {
    if (!reduced[d]) {
      groups.push_back(leading);
      leading.clear();
      groups.back().push_back(d);
    } else if (groups.empty()) {
      leading.push_back(d);
    } else {
      groups.back().push_back(d);
    }
  }
  return groups;
}

SmallVector<Value> steed::buildReduction(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<int64_t> shape,
    ArrayRef<bool> reduced, ValueRange inits, bool keepDims,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = shape.size();
  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  for (unsigned d = 0; d < rank; ++d) {
    iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
    if (!reduced[d]) {
      keptShape.push_back(shape[d]);
      keptExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(
        getBroadcastMap(ctx, cast<RankedTensorType>(in.getType()).getShape(), shape));
  SmallVector<Value> outs;
  for (Value init : inits) {
    outs.push_back(createFilledTensor(b, loc, keptShape, init));
    maps.push_back(AffineMap::get(rank, 0, keptExprs, ctx));
  }
  auto generic = linalg::GenericOp::create(
      b, loc, ValueRange(outs).getTypes(), inputs, outs, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> next =
            body(nb, nloc, args.take_front(inputs.size()), args.drop_front(inputs.size()));
        linalg::YieldOp::create(nb, nloc, next);
      });
  SmallVector<Value> results(generic.getResults());
  if (!keepDims || keptShape.size() == rank)
    return results;

  SmallVector<int64_t> keepShape;
  for (unsigned d = 0; d < rank; ++d)
    keepShape.push_back(reduced[d] ? 1 : shape[d]);
  SmallVector<ReassociationIndices> groups = keepDimsGroups(reduced);
  for (Value &r : results) {
    auto type = RankedTensorType::get(keepShape, getElementTypeOrSelf(r.getType()));
    r = tensor::ExpandShapeOp::create(b, loc, type, r, groups);
  }
  return results;
}

namespace {

/// `axis` in [-rank, rank) as a dimension index. Takes int64_t because ODS
/// returns I64Attr values as uint64_t (where `< 0` never holds).
int64_t normalizedAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

//===----------------------------------------------------------------------===//
// Scalar arithmetic on one compute type
//===----------------------------------------------------------------------===//

struct Calc {
  OpBuilder &b;
  Location loc;
  Type type;       // signless compute type
  bool isUnsigned; // unsigned integers and bool

  bool isFloat() const { return isa<FloatType>(type); }
  Value add(Value a, Value v) {
    return isFloat() ? (Value)arith::AddFOp::create(b, loc, a, v)
                     : (Value)arith::AddIOp::create(b, loc, a, v);
  }
  Value mul(Value a, Value v) {
    return isFloat() ? (Value)arith::MulFOp::create(b, loc, a, v)
                     : (Value)arith::MulIOp::create(b, loc, a, v);
  }
  Value max(Value a, Value v) {
    if (isFloat())
      return arith::MaximumFOp::create(b, loc, a, v); // propagates NaN
    return isUnsigned ? (Value)arith::MaxUIOp::create(b, loc, a, v)
                      : (Value)arith::MaxSIOp::create(b, loc, a, v);
  }
  Value min(Value a, Value v) {
    if (isFloat())
      return arith::MinimumFOp::create(b, loc, a, v);
    return isUnsigned ? (Value)arith::MinUIOp::create(b, loc, a, v)
                      : (Value)arith::MinSIOp::create(b, loc, a, v);
  }
  Value abs(Value a) {
    if (isFloat())
      return math::AbsFOp::create(b, loc, a);
    return isUnsigned ? a : (Value)math::AbsIOp::create(b, loc, a);
  }
  /// a > v (strict) or a >= v.
  Value greater(Value a, Value v, bool orEqual) {
    if (isFloat())
      return arith::CmpFOp::create(
          b, loc, orEqual ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT, a, v);
    arith::CmpIPredicate p = isUnsigned
                                 ? (orEqual ? arith::CmpIPredicate::uge : arith::CmpIPredicate::ugt)
                                 : (orEqual ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sgt);
    return arith::CmpIOp::create(b, loc, p, a, v);
  }
};

enum class Combine { Add, Mul, Max, Min };

/// The identity of `combine` in `type` (signless): 0, 1, the lowest value
/// (-inf) for Max, the highest (+inf) for Min, so that an empty reduction
/// yields it.
Value identityValue(OpBuilder &b, Location loc, Combine combine, Type type,
                    bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(type)) {
    if (combine == Combine::Add || combine == Combine::Mul)
      return createScalar(b, loc, type, combine == Combine::Add ? 0 : 1);
    APFloat inf = APFloat::getInf(f.getFloatSemantics(), combine == Combine::Max);
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f, inf));
  }
  unsigned width = type.getIntOrFloatBitWidth();
  APInt value;
  switch (combine) {
  case Combine::Add: value = APInt(width, 0); break;
  case Combine::Mul: value = APInt(width, 1); break;
  case Combine::Max:
    value = isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width);
    break;
  case Combine::Min:
    value = isUnsigned ? APInt::getMaxValue(width) : APInt::getSignedMaxValue(width);
    break;
  }
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
}

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

/// What is applied to each element before it is combined.
enum class Pre { None, Abs, Square, ExpShifted };
/// What is applied to each combined value.
enum class Post { None, Mean, Sqrt, Log, LogPlusMax };
struct ReduceKind {
  Combine combine;
  Pre pre = Pre::None;
  Post post = Post::None;
};

// clang-format off
ReduceKind kind(o::ReduceSumOp)       { return {Combine::Add}; }
ReduceKind kind(o::ReduceMeanOp)      { return {Combine::Add, Pre::None, Post::Mean}; }
ReduceKind kind(o::ReduceMaxOp)       { return {Combine::Max}; }
ReduceKind kind(o::ReduceMinOp)       { return {Combine::Min}; }
ReduceKind kind(o::ReduceProdOp)      { return {Combine::Mul}; }
ReduceKind kind(o::ReduceL1Op)        { return {Combine::Add, Pre::Abs}; }
ReduceKind kind(o::ReduceL2Op)        { return {Combine::Add, Pre::Square, Post::Sqrt}; }
ReduceKind kind(o::ReduceLogSumOp)    { return {Combine::Add, Pre::None, Post::Log}; }
ReduceKind kind(o::ReduceLogSumExpOp) { return {Combine::Add, Pre::ExpShifted, Post::LogPlusMax}; }
ReduceKind kind(o::ReduceSumSquareOp) { return {Combine::Add, Pre::Square}; }
// clang-format on

/// The reduced dimensions of a Reduce* op with constant (or absent, or
/// statically empty) axes; nullopt when the axes are only known at run time.
/// An empty result means "no axes given".
std::optional<SmallVector<int64_t>> staticAxes(Value axes) {
  if (o::isNone(axes))
    return SmallVector<int64_t>{};
  if (auto values = o::getConstantInts(axes))
    return values;
  if (auto t = o::getRanked(axes); t && t.getRank() == 1 && t.getDimSize(0) == 0)
    return SmallVector<int64_t>{};
  return std::nullopt;
}

/// The shift of LogSumExp for a maximum `max`: exp(x - max) is NaN when max
/// is -inf (all elements -inf, or an empty set); shifting by 0 instead gives
/// the right limit (log(0) + 0 = -inf).
Value finiteShift(Calc &c, Value max) {
  Value negInf = identityValue(c.b, c.loc, Combine::Max, c.type, false);
  Value isNegInf = arith::CmpFOp::create(c.b, c.loc, arith::CmpFPredicate::OEQ, max, negInf);
  return arith::SelectOp::create(c.b, c.loc, isNegInf, createScalar(c.b, c.loc, c.type, 0), max);
}

template <typename OpTy>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dataType = dyn_cast<RankedTensorType>(op.getData().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getReduced().getType());
    if (!dataType || !resultType || !dataType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported yet");
    if (kind(op).pre == Pre::ExpShifted && !isa<FloatType>(dataType.getElementType()))
      return rewriter.notifyMatchFailure(op, "ReduceLogSumExp needs a float input");
    int64_t rank = dataType.getRank();
    std::optional<SmallVector<int64_t>> axes = staticAxes(op.getAxes());
    if (!axes)
      return lowerRuntimeAxes(op, adaptor, rewriter);
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported yet");
    if (axes->empty() && op.getNoopWithEmptyAxes()) {
      rewriter.replaceOp(op, adaptor.getData());
      return success();
    }
    SmallVector<bool> reduced(rank, axes->empty());
    for (int64_t a : *axes)
      if (rank > 0)
        reduced[a < 0 ? a + rank : a] = true;
    rewriter.replaceOp(op, build(rewriter, op.getLoc(), op, adaptor.getData(), reduced));
    return success();
  }

  /// Axes known only at run time: the reduced dimensions are a bit mask
  /// computed from the axes values, and an scf.index_switch on the mask runs
  /// the static lowering of each possible mask (every subset of the
  /// dimensions of the axes' length; every subset with keepdims when the
  /// length is dynamic, 0 meaning "no axes").
  LogicalResult lowerRuntimeAxes(OpTy op, typename OpTy::Adaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getReduced().getType()));
    auto axesType = dyn_cast<RankedTensorType>(adaptor.getAxes().getType());
    if (!resultType || !axesType || axesType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "run-time axes with an unranked result");
    int64_t rank = dataType.getRank();
    bool keepDims = op.getKeepdims() != 0;
    int64_t n = axesType.isDynamicDim(0) ? -1 : axesType.getDimSize(0);
    if (rank > 6 || (n < 0 && !keepDims) || n > rank)
      return rewriter.notifyMatchFailure(op, "too many possible sets of run-time axes");
    SmallVector<int64_t> masks;
    for (int64_t m = 0; m < (int64_t(1) << rank); ++m)
      if (n < 0 || llvm::popcount((uint64_t)m) == n)
        masks.push_back(m);
    Location loc = op.getLoc();
    Value axes = adaptor.getAxes();
    auto mask = [&](OpBuilder &b, Location l, Value m, ValueRange ivs) -> Value {
      Value a = tensor::ExtractOp::create(b, l, axes, ivs);
      a = arith::IndexCastOp::create(b, l, b.getIndexType(), a);
      Value r = arith::ConstantIndexOp::create(b, l, rank);
      Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, a,
                                        arith::ConstantIndexOp::create(b, l, 0));
      a = arith::SelectOp::create(b, l, neg, arith::AddIOp::create(b, l, a, r), a);
      Value bit = arith::ShLIOp::create(b, l, arith::ConstantIndexOp::create(b, l, 1), a);
      return arith::OrIOp::create(b, l, m, bit);
    };
    Value selector = arith::ConstantIndexOp::create(rewriter, loc, 0);
    if (n >= 0) {
      for (int64_t j = 0; j < n; ++j)
        selector = mask(rewriter, loc, selector,
                        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, j)});
    } else {
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value len = tensor::DimOp::create(rewriter, loc, axes, 0);
      auto loop = scf::ForOp::create(
          rewriter, loc, zero, len, one, ValueRange{zero},
          [&](OpBuilder &b, Location l, Value iv, ValueRange iter) {
            scf::YieldOp::create(b, l, mask(b, l, iter[0], ValueRange{iv}));
          });
      selector = loop.getResult(0);
    }
    bool noop = op.getNoopWithEmptyAxes() != 0;
    Value r = buildSwitch(
        rewriter, loc, selector, masks, resultType,
        [&](OpBuilder &b, Location l, int64_t c) -> Value {
          int64_t m = masks[c];
          if (m == 0 && noop)
            return adaptor.getData();
          SmallVector<bool> reduced(rank);
          for (int64_t d = 0; d < rank; ++d)
            reduced[d] = m == 0 || ((m >> d) & 1);
          return build(b, l, op, adaptor.getData(), reduced);
        });
    rewriter.replaceOp(op, r);
    return success();
  }

  /// The reduction of `data` (static shape) over the `reduced` dimensions,
  /// of static type.
  Value build(OpBuilder &rewriter, Location loc, OpTy op, Value data,
              ArrayRef<bool> reduced) const {
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    int64_t rank = dataType.getRank();
    ReduceKind k = kind(op);
    Type logical = dataType.getElementType();
    bool lowPrecision = isa<Float16Type, BFloat16Type>(logical);
    Type compute = lowPrecision ? rewriter.getF32Type() : toSignless(logical);
    bool isUnsigned = logical.isUnsignedInteger() || logical.isInteger(1);
    bool keepDims = op.getKeepdims() != 0;
    ArrayRef<int64_t> shape = dataType.getShape();
    auto toCompute = [&](OpBuilder &b, Location l, Value v) {
      return lowPrecision ? convertScalar(b, l, v, logical, compute) : v;
    };

    SmallVector<Value> inputs{data};
    // LogSumExp is stabilized by the maximum m: log(sum(exp(x - m))) + m,
    // with m computed first (keepdims form, so it broadcasts).
    Value max;
    if (k.pre == Pre::ExpShifted) {
      Value init = identityValue(rewriter, loc, Combine::Max, compute, isUnsigned);
      max = buildReduction(rewriter, loc, inputs, shape, reduced, {init}, /*keepDims=*/true,
                           [&](OpBuilder &b, Location l, ValueRange args, ValueRange accs) {
                             Calc c{b, l, compute, isUnsigned};
                             return SmallVector<Value>{c.max(accs[0], toCompute(b, l, args[0]))};
                           })[0];
      max = buildElementwise(rewriter, loc, {max}, cast<RankedTensorType>(max.getType()),
                             [&](OpBuilder &b, Location l, ValueRange args) {
                               Calc c{b, l, compute, isUnsigned};
                               return finiteShift(c, args[0]);
                             });
      inputs.push_back(max);
    }

    Value init = identityValue(rewriter, loc, k.combine, compute, isUnsigned);
    Value acc = buildReduction(
        rewriter, loc, inputs, shape, reduced, {init}, keepDims || (bool)max,
        [&](OpBuilder &b, Location l, ValueRange args, ValueRange accs) {
          Calc c{b, l, compute, isUnsigned};
          Value x = toCompute(b, l, args[0]);
          switch (k.pre) {
          case Pre::None: break;
          case Pre::Abs: x = c.abs(x); break;
          case Pre::Square: x = c.mul(x, x); break;
          case Pre::ExpShifted:
            x = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, x, args[1]));
            break;
          }
          Value r;
          switch (k.combine) {
          case Combine::Add: r = c.add(accs[0], x); break;
          case Combine::Mul: r = c.mul(accs[0], x); break;
          case Combine::Max: r = c.max(accs[0], x); break;
          case Combine::Min: r = c.min(accs[0], x); break;
          }
          return SmallVector<Value>{r};
        })[0];

    // Epilogue: finish the value and convert back to the element type.
    if (k.post != Post::None || compute != toSignless(logical)) {
      int64_t count = 1;
      for (int64_t d = 0; d < rank; ++d)
        if (reduced[d])
          count *= shape[d];
      SmallVector<Value> postInputs{acc};
      if (max)
        postInputs.push_back(max);
      auto accType = cast<RankedTensorType>(acc.getType());
      acc = buildElementwise(
          rewriter, loc, postInputs, accType.clone(toSignless(logical)),
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value v = args[0];
            // Integer inputs take sqrt/log in f64 and truncate back (numpy's
            // astype semantics of the reference).
            Type fType = isa<FloatType>(compute) ? compute : b.getF64Type();
            Type accLogical = lowPrecision ? compute : logical;
            auto toF = [&](Value x) { return convertScalar(b, l, x, accLogical, fType); };
            auto fromF = [&](Value x) { return convertScalar(b, l, x, fType, accLogical); };
            switch (k.post) {
            case Post::None: break;
            case Post::Mean:
              if (isa<FloatType>(compute))
                v = arith::DivFOp::create(b, l, v, createScalar(b, l, compute, count));
              else if (count != 0)
                v = isUnsigned ? (Value)arith::DivUIOp::create(b, l, v, createScalar(b, l, compute, count))
                               : (Value)arith::DivSIOp::create(b, l, v, createScalar(b, l, compute, count));
              break;
            case Post::Sqrt: v = fromF(math::SqrtOp::create(b, l, toF(v))); break;
            case Post::Log: v = fromF(math::LogOp::create(b, l, toF(v))); break;
            case Post::LogPlusMax:
              v = arith::AddFOp::create(b, l, math::LogOp::create(b, l, v), args[1]);
              break;
            }
            return lowPrecision ? convertScalar(b, l, v, compute, logical) : v;
          });
    }
    if (max && !keepDims) {
      // The epilogue needed the keepdims form; drop the unit dimensions.
      SmallVector<int64_t> kept;
      for (int64_t d = 0; d < rank; ++d)
        if (!reduced[d])
          kept.push_back(shape[d]);
      acc = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(kept, getElementTypeOrSelf(acc.getType())), acc,
          keepDimsGroups(reduced));
    }
    return acc;
  }
};

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin
//===----------------------------------------------------------------------===//

template <typename OpTy, bool IsMax>
struct ArgLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    int64_t rank = dataType.getRank();
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    Location loc = op.getLoc();
    Type logical = dataType.getElementType();
    Type compute = toSignless(logical);
    bool isUnsigned = logical.isUnsignedInteger() || logical.isInteger(1);
    // The first candidate always wins against the identity (-inf for max),
    // so the index starts at 0; ties go to the first index unless
    // select_last_index, where a later equal value replaces the current one.
    bool orEqual = op.getSelectLastIndex() != 0;
    Value initValue = identityValue(rewriter, loc, IsMax ? Combine::Max : Combine::Min,
                                    compute, isUnsigned);
    Value initIndex = createScalar(rewriter, loc, rewriter.getI64Type(), 0);
    SmallVector<Value> results = buildReduction(
        rewriter, loc, {adaptor.getData()}, dataType.getShape(), reduced,
        {initValue, initIndex}, op.getKeepdims() != 0,
        [&](OpBuilder &b, Location l, ValueRange args, ValueRange accs) {
          Calc c{b, l, compute, isUnsigned};
          Value x = args[0];
          Value better = IsMax ? c.greater(x, accs[0], orEqual) : c.greater(accs[0], x, orEqual);
          Value index = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                   linalg::IndexOp::create(b, l, axis));
          return SmallVector<Value>{arith::SelectOp::create(b, l, better, x, accs[0]),
                                    arith::SelectOp::create(b, l, better, index, accs[1])};
        });
    rewriter.replaceOp(op, results[1]);
    return success();
  }
};

/// CumSum/CumProd: y[.., i, ..] = combine over k of x[.., k, ..] where k is
/// in the running window of i (k <= i; k < i exclusive; k >= i / k > i
/// reversed): one linalg.generic with an extra reduction dimension k.
/// A run-time axis dispatches among the rank's axes (scf.index_switch).
template <typename OpTy, bool Prod>
struct CumLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto inType = cast<RankedTensorType>(op.getX().getType());
    int64_t rank = inType.getRank();
    if (rank == 0) {
      rewriter.replaceOp(op, adaptor.getX());
      return success();
    }
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getY().getType()));
    int64_t axis = 0;
    if (rank > 1) {
      auto values = o::getConstantInts(op.getAxis());
      if (!values) {
        // A run-time axis: an scf.index_switch over the rank's axes.
        auto axisType = dyn_cast<RankedTensorType>(adaptor.getAxis().getType());
        if (!axisType || axisType.getRank() > 1 || axisType.getNumElements() != 1)
          return rewriter.notifyMatchFailure(op, "axis is not a single value");
        Location loc = op.getLoc();
        Value a = wrapIndex(rewriter, loc, extractIndex(rewriter, loc, adaptor.getAxis(), 0),
                            indexConst(rewriter, loc, rank));
        SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
        rewriter.replaceOp(op, buildSwitch(rewriter, loc, a, axes, resultType,
                                           [&](OpBuilder &b, Location l, int64_t c) {
                                             return build(b, l, op, adaptor, resultType, c);
                                           }));
        return success();
      }
      if (values->size() != 1)
        return rewriter.notifyMatchFailure(op, "axis is not a single value");
      axis = (*values)[0] < 0 ? (*values)[0] + rank : (*values)[0];
      if (axis < 0 || axis >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
    }
    rewriter.replaceOp(op, build(rewriter, op.getLoc(), op, adaptor, resultType, axis));
    return success();
  }

  /// The scan along the constant `axis`.
  Value build(OpBuilder &rewriter, Location loc, OpTy op, typename OpTy::Adaptor adaptor,
              RankedTensorType resultType, int64_t axis) const {
    int64_t rank = resultType.getRank();
    Type elem = resultType.getElementType();
    bool isFloat = isa<FloatType>(elem);
    MLIRContext *ctx = rewriter.getContext();
    Value init = createFilledTensor(rewriter, loc, resultType.getShape(),
                                    createScalar(rewriter, loc, elem, Prod ? 1 : 0));
    SmallVector<AffineExpr> inExprs, outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      outExprs.push_back(getAffineDimExpr(d, ctx));
      inExprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
      iterators.push_back(utils::IteratorType::parallel);
    }
    iterators.push_back(utils::IteratorType::reduction);
    SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, inExprs, ctx),
                                AffineMap::get(rank + 1, 0, outExprs, ctx)};
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    arith::CmpIPredicate pred =
        reverse ? (exclusive ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::uge)
                : (exclusive ? arith::CmpIPredicate::ult : arith::CmpIPredicate::ule);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{adaptor.getX()}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange a) {
          Value i = linalg::IndexOp::create(b, l, axis);
          Value k = linalg::IndexOp::create(b, l, rank);
          Value in = arith::CmpIOp::create(b, l, pred, k, i);
          Value ident = createScalar(b, l, elem, Prod ? 1 : 0);
          Value x = arith::SelectOp::create(b, l, in, a[0], ident);
          Value r;
          if (Prod)
            r = isFloat ? (Value)arith::MulFOp::create(b, l, a[1], x)
                        : (Value)arith::MulIOp::create(b, l, a[1], x);
          else
            r = isFloat ? (Value)arith::AddFOp::create(b, l, a[1], x)
                        : (Value)arith::AddIOp::create(b, l, a[1], x);
          linalg::YieldOp::create(b, l, r);
        });
    return generic.getResult(0);
  }
};

/// TopK by ranking: rank[i] = #{j : x[j] beats x[i]} along the axis (j
/// beats i when better, or equal with j < i), one linalg.generic with a
/// reduction over j; then out[k] = the x[i] (and i) whose rank is k, a
/// second generic with a reduction over i. O(N^2) per slice, no sorting
/// network or data-dependent control flow. A K known only at run time ranks
/// the whole axis and keeps the first K along it (a dynamic dim).
struct TopKLowering : OpConversionPattern<o::TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::TopKOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto inType = dyn_cast<RankedTensorType>(op.getX().getType());
    auto valuesType = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getValues().getType()));
    auto indicesType = dyn_cast<RankedTensorType>(op.getIndices().getType());
    if (!inType || !inType.hasStaticShape() || !valuesType || !indicesType ||
        valuesType.getRank() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported yet");
    int64_t rank = inType.getRank();
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    if (valuesType.hasStaticShape() && indicesType.hasStaticShape()) {
      rewriter.replaceOp(op, build(rewriter, op, adaptor, valuesType));
      return success();
    }
    // K known at run time only: all dim(axis) elements in order, then the
    // first min(max(K, 0), dim) of them along the axis.
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && (valuesType.isDynamicDim(d) || indicesType.isDynamicDim(d)))
        return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported yet");
    Location loc = op.getLoc();
    auto fullType = RankedTensorType::get(inType.getShape(), valuesType.getElementType());
    SmallVector<Value> full = build(rewriter, op, adaptor, fullType);
    Value k = extractIndex(rewriter, loc, adaptor.getK(), 0);
    Value dim = indexConst(rewriter, loc, inType.getDimSize(axis));
    k = arith::MinSIOp::create(
        rewriter, loc, arith::MaxSIOp::create(rewriter, loc, k, indexConst(rewriter, loc, 0)),
        dim);
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), strides(rank, rewriter.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(d == axis ? OpFoldResult(k) : rewriter.getIndexAttr(inType.getDimSize(d)));
    SmallVector<Value> results;
    for (auto [v, r] : llvm::zip(full, op->getResults())) {
      auto type = cast<RankedTensorType>(getTypeConverter()->convertType(r.getType()));
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, v, offsets, sizes, strides);
      Value copy = copyToNewDynamic(rewriter, loc, slice);
      if (copy.getType() != type)
        copy = tensor::CastOp::create(rewriter, loc, type, copy);
      results.push_back(copy);
    }
    rewriter.replaceOp(op, results);
    return success();
  }

  /// The values and indices of the top `valuesType.getDimSize(axis)`
  /// elements along the axis (static shapes).
  SmallVector<Value> build(ConversionPatternRewriter &rewriter, o::TopKOp op, OpAdaptor adaptor,
                           RankedTensorType valuesType) const {
    auto inType = cast<RankedTensorType>(op.getX().getType());
    int64_t rank = inType.getRank();
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    Type logical = inType.getElementType();
    Type compute = toSignless(logical);
    bool isUnsigned = logical.isUnsignedInteger() || logical.isInteger(1);
    bool largest = op.getLargest() != 0;
    Type i64 = rewriter.getI64Type();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();

    // Loop nest: the data dims plus one extra dim (rank) over the axis.
    SmallVector<AffineExpr> own, other;
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    for (int64_t d = 0; d < rank; ++d) {
      own.push_back(getAffineDimExpr(d, ctx));
      other.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(rank + 1, 0, e, ctx); };

    Value zero = createScalar(rewriter, loc, i64, 0);
    Value ranks0 = createFilledTensor(rewriter, loc, inType.getShape(), zero);
    auto ranks = linalg::GenericOp::create(
        rewriter, loc, TypeRange{ranks0.getType()},
        ValueRange{adaptor.getX(), adaptor.getX()}, ValueRange{ranks0},
        SmallVector<AffineMap>{map(own), map(other), map(own)}, iterators,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Calc c{b, l, compute, isUnsigned};
          Value xi = a[0], xj = a[1];
          Value better = largest ? c.greater(xj, xi, false) : c.greater(xi, xj, false);
          Value equal = c.isFloat()
                            ? (Value)arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, xi, xj)
                            : (Value)arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, xi, xj);
          Value i = linalg::IndexOp::create(b, l, axis);
          Value j = linalg::IndexOp::create(b, l, rank);
          Value before = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, j, i);
          Value beats = arith::OrIOp::create(b, l, better,
                                             arith::AndIOp::create(b, l, equal, before));
          Value one = arith::ExtUIOp::create(b, l, b.getI64Type(), beats);
          linalg::YieldOp::create(b, l, ValueRange{arith::AddIOp::create(b, l, a[2], one)});
        });

    Value values0 = createFilledTensor(rewriter, loc, valuesType.getShape(),
                                       createScalar(rewriter, loc, compute, 0));
    Value indices0 = createFilledTensor(rewriter, loc, valuesType.getShape(), zero);
    auto select = linalg::GenericOp::create(
        rewriter, loc, TypeRange{values0.getType(), indices0.getType()},
        ValueRange{adaptor.getX(), ranks.getResult(0)}, ValueRange{values0, indices0},
        SmallVector<AffineMap>{map(other), map(other), map(own), map(own)}, iterators,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value k = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, axis));
          Value i = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, rank));
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, a[1], k);
          linalg::YieldOp::create(b, l,
                                  ValueRange{arith::SelectOp::create(b, l, hit, a[0], a[2]),
                                             arith::SelectOp::create(b, l, hit, i, a[3])});
        });
    return SmallVector<Value>(select.getResults());
  }
};

} // namespace

void steed::populateReductionLoweringPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<
      // clang-format off
      ReduceLowering<o::ReduceSumOp>, ReduceLowering<o::ReduceMeanOp>,
      ReduceLowering<o::ReduceMaxOp>, ReduceLowering<o::ReduceMinOp>,
      ReduceLowering<o::ReduceProdOp>, ReduceLowering<o::ReduceL1Op>,
      ReduceLowering<o::ReduceL2Op>, ReduceLowering<o::ReduceLogSumOp>,
      ReduceLowering<o::ReduceLogSumExpOp>, ReduceLowering<o::ReduceSumSquareOp>,
      ArgLowering<o::ArgMaxOp, true>, ArgLowering<o::ArgMinOp, false>,
      CumLowering<o::CumSumOp, false>, CumLowering<o::CumProdOp, true>,
      TopKLowering
      // clang-format on
      >(converter, patterns.getContext());
}
