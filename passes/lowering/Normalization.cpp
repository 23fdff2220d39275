//===- Normalization.cpp - Lowering of softmax and normalization ops ------===//
//
// Statistics (max, sum, mean, variance) are linalg.generic reductions built
// with buildReduction (Reduction.cpp) in the keepdims form, so the final
// elementwise linalg.generic reads them with plain numpy broadcasting.
// Per-channel parameters of shape (C) are viewed as (C, 1, ..., 1) with
// tensor.expand_shape for the same reason. Everything computes in f32 for
// f16/bf16 (or in the op's stash type), variance in two passes.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

/// `axis` in [-rank, rank) as a dimension index. Takes int64_t because ODS
/// returns I64Attr values as uint64_t (where `< 0` never holds).
int64_t normalizedAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

/// The type scalar bodies compute in for a float element type.
Type computeTypeFor(Type logical) {
  if (isa<Float16Type, BFloat16Type>(logical))
    return Float32Type::get(logical.getContext());
  return logical;
}

Type elementTypeOf(Value v) { return getElementTypeOrSelf(v.getType()); }

/// Float arithmetic in one compute type.
struct F {
  OpBuilder &b;
  Location loc;
  Type type;

  Value c(double v) { return createScalar(b, loc, type, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaximumFOp::create(b, loc, x, y); }
  Value sqrt(Value x) { return math::SqrtOp::create(b, loc, x); }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  Value log(Value x) { return math::LogOp::create(b, loc, x); }
  Value abs(Value x) { return math::AbsFOp::create(b, loc, x); }
  /// A scalar of element type `logical` into the compute type, and back.
  Value in(Value v, Type logical) { return convertScalar(b, loc, v, logical, type); }
  Value out(Value v, Type logical) { return convertScalar(b, loc, v, type, logical); }
};

RankedTensorType withElementType(Value v, Type elementType) {
  return cast<RankedTensorType>(v.getType()).clone(toSignless(elementType));
}

/// An elementwise map over `t`, producing `elementType`.
Value mapTensor(OpBuilder &b, Location loc, Value t, Type compute, Type elementType,
                function_ref<Value(F &, Value)> body) {
  return buildElementwise(b, loc, {t}, withElementType(t, elementType),
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            F f{nb, l, compute};
                            return body(f, a[0]);
                          });
}

/// Mean and population variance of `x` over the `reduced` dimensions, in
/// `compute`, in the keepdims form. Two passes: sum((x - mean)^2) does not
/// cancel catastrophically like E[x^2] - E[x]^2.
std::pair<Value, Value> moments(OpBuilder &b, Location loc, Value x, Type xLogical,
                                ArrayRef<int64_t> shape, ArrayRef<bool> reduced,
                                Type compute) {
  int64_t count = 1;
  for (auto [d, r] : llvm::zip(shape, reduced))
    if (r)
      count *= d;
  Value zero = createScalar(b, loc, compute, 0);
  Value sum = buildReduction(b, loc, {x}, shape, reduced, {zero}, /*keepDims=*/true,
                             [&](OpBuilder &nb, Location l, ValueRange a, ValueRange acc) {
                               F f{nb, l, compute};
                               return SmallVector<Value>{f.add(acc[0], f.in(a[0], xLogical))};
                             })[0];
  Value mean = mapTensor(b, loc, sum, compute, compute,
                         [&](F &f, Value s) { return f.div(s, f.c(count)); });
  Value sq = buildReduction(b, loc, {x, mean}, shape, reduced, {zero}, /*keepDims=*/true,
                            [&](OpBuilder &nb, Location l, ValueRange a, ValueRange acc) {
                              F f{nb, l, compute};
                              Value d = f.sub(f.in(a[0], xLogical), a[1]);
                              return SmallVector<Value>{f.add(acc[0], f.mul(d, d))};
                            })[0];
  Value var = mapTensor(b, loc, sq, compute, compute,
                        [&](F &f, Value s) { return f.div(s, f.c(count)); });
  return {mean, var};
}

/// 1 / sqrt(var + epsilon), elementwise on a statistics tensor.
Value invStdDev(OpBuilder &b, Location loc, Value var, Type compute, double epsilon) {
  return mapTensor(b, loc, var, compute, compute, [&](F &f, Value v) {
    return f.div(f.c(1), f.sqrt(f.add(v, f.c(epsilon))));
  });
}

/// A per-channel tensor (C) viewed as (C, 1, ..., 1) so that it broadcasts
/// against an (N, C, D1, ..., Dk) tensor of `rank`.
Value channelView(OpBuilder &b, Location loc, Value v, int64_t rank) {
  auto t = cast<RankedTensorType>(v.getType());
  if (rank <= 2)
    return v;
  SmallVector<int64_t> shape{t.getDimSize(0)};
  shape.append(rank - 2, 1);
  ReassociationIndices all;
  for (int64_t i = 0; i < rank - 1; ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, t.clone(shape), v,
                                       SmallVector<ReassociationIndices>{all});
}

/// A tensor with every dimension but one of size 1 collapsed to 1-D.
Value collapseTo1D(OpBuilder &b, Location loc, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getRank() == 1)
    return v;
  ReassociationIndices all;
  for (int64_t i = 0; i < t.getRank(); ++i)
    all.push_back(i);
  return tensor::CollapseShapeOp::create(b, loc, t.clone({t.getNumElements()}), v,
                                         SmallVector<ReassociationIndices>{all});
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax, Hardmax
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = type.getRank();
    if (rank == 0)
      return rewriter.notifyMatchFailure(op, "scalar input");
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    Location loc = op.getLoc();
    Type logical = type.getElementType();
    if (!isa<FloatType>(logical))
      return rewriter.notifyMatchFailure(op, "needs a float input");
    Type compute = computeTypeFor(logical);
    Value x = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getOutput().getType()));
    Value negInf = createScalar(rewriter, loc, compute, -INFINITY);

    if constexpr (std::is_same_v<OpTy, o::HardmaxOp>) {
      // 1 at the first maximum along the axis.
      Value zeroIndex = createScalar(rewriter, loc, rewriter.getI64Type(), 0);
      Value argmax = buildReduction(
          rewriter, loc, {x}, type.getShape(), reduced, {negInf, zeroIndex}, true,
          [&](OpBuilder &b, Location l, ValueRange a, ValueRange acc) {
            F f{b, l, compute};
            Value v = f.in(a[0], logical);
            Value better = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, acc[0]);
            Value index = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                     linalg::IndexOp::create(b, l, axis));
            return SmallVector<Value>{arith::SelectOp::create(b, l, better, v, acc[0]),
                                      arith::SelectOp::create(b, l, better, index, acc[1])};
          })[1];
      Value y = buildElementwise(
          rewriter, loc, {argmax}, resultType, [&](OpBuilder &b, Location l, ValueRange a) {
            Value index = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                     linalg::IndexOp::create(b, l, axis));
            Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, index, a[0]);
            return (Value)arith::SelectOp::create(b, l, hit, createScalar(b, l, logical, 1),
                                                  createScalar(b, l, logical, 0));
          });
      rewriter.replaceOp(op, y);
      return success();
    }

    // m = max(x), s = sum(exp(x - m)) along the axis, then
    // softmax = exp(x - m) / s, logsoftmax = (x - m) - log(s).
    Value max = buildReduction(rewriter, loc, {x}, type.getShape(), reduced, {negInf}, true,
                               [&](OpBuilder &b, Location l, ValueRange a, ValueRange acc) {
                                 F f{b, l, compute};
                                 return SmallVector<Value>{f.max(acc[0], f.in(a[0], logical))};
                               })[0];
    Value zero = createScalar(rewriter, loc, compute, 0);
    Value sum = buildReduction(rewriter, loc, {x, max}, type.getShape(), reduced, {zero}, true,
                               [&](OpBuilder &b, Location l, ValueRange a, ValueRange acc) {
                                 F f{b, l, compute};
                                 Value e = f.exp(f.sub(f.in(a[0], logical), a[1]));
                                 return SmallVector<Value>{f.add(acc[0], e)};
                               })[0];
    Value y = buildElementwise(
        rewriter, loc, {x, max, sum}, resultType, [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          Value shifted = f.sub(f.in(a[0], logical), a[1]);
          Value r = std::is_same_v<OpTy, o::SoftmaxOp> ? f.div(f.exp(shifted), a[2])
                                                       : f.sub(shifted, f.log(a[2]));
          return f.out(r, logical);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

struct BatchNormLowering : OpConversionPattern<o::BatchNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::BatchNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    int64_t rank = xType.getRank();
    Type logical = xType.getElementType();
    Type compute = computeTypeFor(logical);
    Location loc = op.getLoc();
    double epsilon = op.getEpsilon().convertToDouble();
    Type scaleT = elementTypeOf(op.getScale()), biasT = elementTypeOf(op.getB()),
         meanT = elementTypeOf(op.getInputMean()), varT = elementTypeOf(op.getInputVar());
    auto yType = cast<RankedTensorType>(getTypeConverter()->convertType(op.getY().getType()));

    if (!op.getTrainingMode()) {
      // Fold the statistics into one scale and shift per channel, so that the
      // big elementwise pass is a single multiply-add:
      // coef = scale / sqrt(var + eps), shift = B - mean * coef.
      Value coef = buildElementwise(
          rewriter, loc, {adaptor.getScale(), adaptor.getInputVar()},
          withElementType(adaptor.getScale(), compute),
          [&](OpBuilder &b, Location l, ValueRange a) {
            F f{b, l, compute};
            return f.div(f.in(a[0], scaleT), f.sqrt(f.add(f.in(a[1], varT), f.c(epsilon))));
          });
      Value shift = buildElementwise(
          rewriter, loc, {adaptor.getB(), adaptor.getInputMean(), coef},
          withElementType(adaptor.getB(), compute),
          [&](OpBuilder &b, Location l, ValueRange a) {
            F f{b, l, compute};
            return f.sub(f.in(a[0], biasT), f.mul(f.in(a[1], meanT), a[2]));
          });
      Value y = buildElementwise(
          rewriter, loc,
          {adaptor.getX(), channelView(rewriter, loc, coef, rank),
           channelView(rewriter, loc, shift, rank)},
          yType, [&](OpBuilder &b, Location l, ValueRange a) {
            F f{b, l, compute};
            return f.out(f.add(f.mul(f.in(a[0], logical), a[1]), a[2]), logical);
          });
      rewriter.replaceOp(op, {y, adaptor.getInputMean(), adaptor.getInputVar()});
      return success();
    }

    // Training: batch statistics over every dimension but the channels.
    if (rank < 2)
      return rewriter.notifyMatchFailure(op, "training mode needs an input of rank >= 2");
    SmallVector<bool> reduced(rank, true);
    reduced[1] = false;
    auto [mean, var] = moments(rewriter, loc, adaptor.getX(), logical, xType.getShape(),
                               reduced, compute);
    Value invStd = invStdDev(rewriter, loc, var, compute, epsilon);
    Value y = buildElementwise(
        rewriter, loc,
        {adaptor.getX(), mean, invStd, channelView(rewriter, loc, adaptor.getScale(), rank),
         channelView(rewriter, loc, adaptor.getB(), rank)},
        yType, [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          Value norm = f.mul(f.sub(f.in(a[0], logical), a[1]), a[2]);
          return f.out(f.add(f.mul(norm, f.in(a[3], scaleT)), f.in(a[4], biasT)), logical);
        });
    // running = input * momentum + batch * (1 - momentum).
    double momentum = op.getMomentum().convertToDouble();
    auto running = [&](Value input, Type inputT, Value batch) {
      return buildElementwise(
          rewriter, loc, {input, collapseTo1D(rewriter, loc, batch)},
          cast<RankedTensorType>(input.getType()), [&](OpBuilder &b, Location l, ValueRange a) {
            F f{b, l, compute};
            Value r = f.add(f.mul(f.in(a[0], inputT), f.c(momentum)),
                            f.mul(a[1], f.c(1 - momentum)));
            return f.out(r, inputT);
          });
    };
    rewriter.replaceOp(op, {y, running(adaptor.getInputMean(), meanT, mean),
                            running(adaptor.getInputVar(), varT, var)});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// LayerNormalization, InstanceNormalization, GroupNormalization, MVN
//===----------------------------------------------------------------------===//

/// The compute type of LayerNormalization/GroupNormalization's stash_type.
Type stashComputeType(MLIRContext *ctx, int64_t stashType) {
  return stashType == 11 ? (Type)Float64Type::get(ctx) : (Type)Float32Type::get(ctx);
}

struct LayerNormLowering : OpConversionPattern<o::LayerNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::LayerNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    int64_t rank = xType.getRank();
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    SmallVector<bool> reduced(rank, false);
    for (int64_t d = axis; d < rank; ++d)
      reduced[d] = true;
    Type logical = xType.getElementType();
    Type compute = stashComputeType(getContext(), op.getStashType());
    Location loc = op.getLoc();
    auto [mean, var] = moments(rewriter, loc, adaptor.getX(), logical, xType.getShape(),
                               reduced, compute);
    Value invStd = invStdDev(rewriter, loc, var, compute, op.getEpsilon().convertToDouble());

    bool hasBias = !o::isNone(op.getB());
    Type scaleT = elementTypeOf(op.getScale());
    Type biasT = hasBias ? elementTypeOf(op.getB()) : Type();
    SmallVector<Value> inputs{adaptor.getX(), mean, invStd, adaptor.getScale()};
    if (hasBias)
      inputs.push_back(adaptor.getB());
    Value y = buildElementwise(
        rewriter, loc, inputs,
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getY().getType())),
        [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          Value norm = f.mul(f.sub(f.in(a[0], logical), a[1]), a[2]);
          Value r = f.mul(norm, f.in(a[3], scaleT));
          if (hasBias)
            r = f.add(r, f.in(a[4], biasT));
          return f.out(r, logical);
        });
    // Mean and InvStdDev in their declared (stash) element type.
    auto asResult = [&](Value v, Value result) {
      Type t = elementTypeOf(result);
      if (toSignless(t) == compute)
        return v;
      return mapTensor(rewriter, loc, v, compute, t,
                       [&](F &f, Value x) { return f.out(x, t); });
    };
    rewriter.replaceOp(op, {y, asResult(mean, op.getMean()),
                            asResult(invStd, op.getInvStdDev())});
    return success();
  }
};

/// RMSNormalization: X * 1/sqrt(mean(X^2) + eps) * scale over [axis, rank).
struct RMSNormLowering : OpConversionPattern<o::RMSNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::RMSNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    int64_t rank = xType.getRank();
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    SmallVector<bool> reduced(rank, false);
    int64_t count = 1;
    for (int64_t d = axis; d < rank; ++d) {
      reduced[d] = true;
      count *= xType.getDimSize(d);
    }
    Type logical = xType.getElementType();
    Type compute = stashComputeType(getContext(), op.getStashType());
    Type scaleT = elementTypeOf(op.getScale());
    Location loc = op.getLoc();
    double epsilon = op.getEpsilon().convertToDouble();
    Value zero = createScalar(rewriter, loc, compute, 0);
    Value sumSq = buildReduction(
        rewriter, loc, {adaptor.getX()}, xType.getShape(), reduced, {zero}, true,
        [&](OpBuilder &b, Location l, ValueRange a, ValueRange acc) {
          F f{b, l, compute};
          Value v = f.in(a[0], logical);
          return SmallVector<Value>{f.add(acc[0], f.mul(v, v))};
        })[0];
    Value invRms = mapTensor(rewriter, loc, sumSq, compute, compute, [&](F &f, Value s) {
      return f.div(f.c(1), f.sqrt(f.add(f.div(s, f.c(count)), f.c(epsilon))));
    });
    Value y = buildElementwise(
        rewriter, loc, {adaptor.getX(), invRms, adaptor.getScale()},
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getY().getType())),
        [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          return f.out(f.mul(f.mul(f.in(a[0], logical), a[1]), f.in(a[2], scaleT)), logical);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct InstanceNormLowering : OpConversionPattern<o::InstanceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::InstanceNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = xType.getRank();
    SmallVector<bool> reduced(rank, false);
    for (int64_t d = 2; d < rank; ++d)
      reduced[d] = true;
    Type logical = xType.getElementType();
    Type compute = computeTypeFor(logical);
    Type scaleT = elementTypeOf(op.getScale()), biasT = elementTypeOf(op.getB());
    Location loc = op.getLoc();
    auto [mean, var] = moments(rewriter, loc, adaptor.getInput(), logical, xType.getShape(),
                               reduced, compute);
    Value invStd = invStdDev(rewriter, loc, var, compute, op.getEpsilon().convertToDouble());
    Value y = buildElementwise(
        rewriter, loc,
        {adaptor.getInput(), mean, invStd, channelView(rewriter, loc, adaptor.getScale(), rank),
         channelView(rewriter, loc, adaptor.getB(), rank)},
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getOutput().getType())),
        [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          Value norm = f.mul(f.sub(f.in(a[0], logical), a[1]), a[2]);
          return f.out(f.add(f.mul(norm, f.in(a[3], scaleT)), f.in(a[4], biasT)), logical);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct GroupNormLowering : OpConversionPattern<o::GroupNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::GroupNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getX().getType()));
    int64_t rank = xType.getRank();
    int64_t channels = xType.getDimSize(1), groups = op.getNumGroups();
    Type logical = elementTypeOf(op.getX());
    Type compute = stashComputeType(getContext(), op.getStashType());
    Type scaleT = elementTypeOf(op.getScale()), biasT = elementTypeOf(op.getBias());
    Location loc = op.getLoc();

    // Split the channels: (N, C, D...) -> (N, G, C/G, D...), normalize over
    // [2, rank + 1), and merge back.
    SmallVector<int64_t> split{xType.getDimSize(0), groups, channels / groups};
    SmallVector<ReassociationIndices> splitGroups{{0}, {1, 2}};
    for (int64_t d = 2; d < rank; ++d) {
      split.push_back(xType.getDimSize(d));
      splitGroups.push_back({d + 1});
    }
    Value x = tensor::ExpandShapeOp::create(rewriter, loc, xType.clone(split),
                                            adaptor.getX(), splitGroups);
    SmallVector<bool> reduced(rank + 1, true);
    reduced[0] = reduced[1] = false;
    auto [mean, var] = moments(rewriter, loc, x, logical, split, reduced, compute);
    Value invStd = invStdDev(rewriter, loc, var, compute, op.getEpsilon().convertToDouble());
    // Scale and bias (C) viewed as (G, C/G, 1, ...).
    auto paramView = [&](Value v) {
      SmallVector<int64_t> shape{groups, channels / groups};
      shape.append(rank - 2, 1);
      ReassociationIndices all;
      for (int64_t i = 0; i < rank; ++i)
        all.push_back(i);
      auto t = cast<RankedTensorType>(v.getType());
      return tensor::ExpandShapeOp::create(rewriter, loc, t.clone(shape), v,
                                           SmallVector<ReassociationIndices>{all})
          .getResult();
    };
    Value y = buildElementwise(
        rewriter, loc,
        {x, mean, invStd, paramView(adaptor.getScale()), paramView(adaptor.getBias())},
        xType.clone(split), [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          Value norm = f.mul(f.sub(f.in(a[0], logical), a[1]), a[2]);
          return f.out(f.add(f.mul(norm, f.in(a[3], scaleT)), f.in(a[4], biasT)), logical);
        });
    rewriter.replaceOp(op, tensor::CollapseShapeOp::create(rewriter, loc, xType, y, splitGroups));
    return success();
  }
};

struct MVNLowering : OpConversionPattern<o::MeanVarianceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::MeanVarianceNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    int64_t rank = xType.getRank();
    SmallVector<bool> reduced(rank, false);
    for (int64_t a : op.getAxes())
      reduced[a < 0 ? a + rank : a] = true;
    Type logical = xType.getElementType();
    Type compute = computeTypeFor(logical);
    Location loc = op.getLoc();
    auto [mean, var] = moments(rewriter, loc, adaptor.getX(), logical, xType.getShape(),
                               reduced, compute);
    // As ONNX's function body: (X - mean) / (sqrt(var) + 1e-9).
    Value denom = mapTensor(rewriter, loc, var, compute, compute,
                            [&](F &f, Value v) { return f.add(f.sqrt(v), f.c(1e-9)); });
    Value y = buildElementwise(
        rewriter, loc, {adaptor.getX(), mean, denom},
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getY().getType())),
        [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          return f.out(f.div(f.sub(f.in(a[0], logical), a[1]), a[2]), logical);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// LpNormalization: x / (sum |x|^p)^(1/p) along the axis, p = 1 or 2.
struct LpNormLowering : OpConversionPattern<o::LpNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::LpNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = xType.getRank();
    if (rank == 0)
      return rewriter.notifyMatchFailure(op, "scalar input");
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    Type logical = xType.getElementType();
    Type compute = computeTypeFor(logical);
    bool l2 = op.getP() == 2;
    Location loc = op.getLoc();
    Value zero = createScalar(rewriter, loc, compute, 0);
    Value sum = buildReduction(
        rewriter, loc, {adaptor.getInput()}, xType.getShape(), reduced, {zero}, true,
        [&](OpBuilder &b, Location l, ValueRange a, ValueRange acc) {
          F f{b, l, compute};
          Value v = f.in(a[0], logical);
          return SmallVector<Value>{f.add(acc[0], l2 ? f.mul(v, v) : f.abs(v))};
        })[0];
    // A zero norm divides by 1 instead (the zero vector stays zero, as in
    // ONNX's reference), not into NaN.
    Value norm = mapTensor(rewriter, loc, sum, compute, compute, [&](F &f, Value s) {
      Value n = l2 ? f.sqrt(s) : s;
      Value isZero = arith::CmpFOp::create(f.b, f.loc, arith::CmpFPredicate::OEQ, n, f.c(0));
      return (Value)arith::SelectOp::create(f.b, f.loc, isZero, f.c(1), n);
    });
    Value y = buildElementwise(
        rewriter, loc, {adaptor.getInput(), norm},
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getOutput().getType())),
        [&](OpBuilder &b, Location l, ValueRange a) {
          F f{b, l, compute};
          return f.out(f.div(f.in(a[0], logical), a[1]), logical);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void steed::populateNormalizationLoweringPatterns(const TypeConverter &converter,
                                                  RewritePatternSet &patterns) {
  patterns.add<
      // clang-format off
      SoftmaxLowering<o::SoftmaxOp>, SoftmaxLowering<o::LogSoftmaxOp>,
      SoftmaxLowering<o::HardmaxOp>,
      BatchNormLowering, LayerNormLowering, RMSNormLowering, InstanceNormLowering,
      GroupNormLowering,
      MVNLowering, LpNormLowering
      // clang-format on
      >(converter, patterns.getContext());
}
