//===- Separable.cpp - Dynamic dims of separable ops as a loop ------------===//
//
// Many ops compute each slice along some dimension independently: a
// convolution each image of the batch, a matmul each row of A, a softmax
// each row before its axis, a transpose each slice along any dimension.
// When such a dimension is the only dynamic one, the op is lowered as an
// scf.for over it whose body applies the same onnx op to static slices of
// size 1 (lowered by the ordinary static patterns) and inserts the result.
// This gives every static lowering a dynamic-batch form without rewriting
// it; the static path itself is unchanged.
//
//===----------------------------------------------------------------------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

/// For one loop: the sliced dimension of every operand and result (-1: not
/// sliced, the whole value is used in every iteration). A result that does
/// not depend on the loop (BatchNormalization's running statistics in
/// inference) is the operand `passthrough[j]` instead (-1: none).
struct LoopDims {
  SmallVector<int64_t> operands, results;
  SmallVector<int64_t> passthrough;
};

int64_t rankOf(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t ? t.getRank() : -1;
}

bool isStaticOne(Value v, int64_t d) {
  auto t = cast<RankedTensorType>(v.getType());
  return !t.isDynamicDim(d) && t.getDimSize(d) == 1;
}

int64_t intAttr(Operation *op, StringRef name, int64_t dflt) {
  if (auto a = op->getAttrOfType<IntegerAttr>(name))
    return a.getInt();
  return dflt;
}

/// Normalizes `axis` for rank `rank`; -1 when out of range.
int64_t norm(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  return axis >= 0 && axis < rank ? axis : -1;
}

/// A loop over result dimension `q` that slices operand 0 at `d` and every
/// result at `q`; other operands are used whole.
LoopDims firstOperand(Operation *op, int64_t d, int64_t q) {
  LoopDims l;
  l.operands.assign(op->getNumOperands(), -1);
  l.operands[0] = d;
  l.results.assign(op->getNumResults(), q);
  return l;
}

/// The input dimension of a reduction's result dimension `q`, or -1 when
/// that dimension is reduced or the axes are unknown.
int64_t reducedInputDim(ArrayRef<int64_t> axesIn, bool keepdims, int64_t rank, int64_t q) {
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : axesIn) {
    int64_t n = norm(a, rank);
    if (n < 0)
      return -1;
    reduced[n] = true;
  }
  if (keepdims)
    return reduced[q] ? -1 : q;
  int64_t kept = 0;
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced[d] && kept++ == q)
      return d;
  return -1;
}

/// How `op` separates along result dimension `q`, if it does.
std::optional<LoopDims> separableAlong(Operation *op, int64_t q) {
  Value x = op->getNumOperands() ? op->getOperand(0) : Value();
  int64_t r = rankOf(op->getResult(0));
  if (!x || rankOf(x) < 0 || r < 0)
    return std::nullopt;
  int64_t rx = rankOf(x);

  // Image ops: each batch element independently (one result only: MaxPool's
  // indices count across the batch).
  if (isa<o::BatchNormalizationOp>(op)) {
    // Inference: the running mean and variance outputs are the inputs.
    if (q != 0)
      return std::nullopt;
    LoopDims l = firstOperand(op, 0, 0);
    l.results = {0, -1, -1};
    l.passthrough = {-1, 3, 4};
    return l;
  }
  if (isa<o::ConvOp, o::ConvTransposeOp, o::AveragePoolOp, o::GlobalAveragePoolOp,
          o::GlobalMaxPoolOp, o::LpPoolOp, o::GlobalLpPoolOp,
          o::InstanceNormalizationOp>(op)) {
    if (q != 0)
      return std::nullopt;
    return firstOperand(op, 0, 0);
  }
  if (isa<o::MaxPoolOp>(op)) {
    // Only the batch may be dynamic (the offset below uses C * H * W).
    auto xt = cast<RankedTensorType>(x.getType());
    if (q != 0 || llvm::any_of(xt.getShape().drop_front(), ShapedType::isDynamic))
      return std::nullopt;
    return firstOperand(op, 0, 0); // Indices get the batch offset below.
  }
  if (isa<o::SoftmaxOp, o::LogSoftmaxOp, o::HardmaxOp, o::LayerNormalizationOp>(op)) {
    int64_t axis = norm(intAttr(op, "axis", -1), rx);
    if (axis < 0 || q >= axis)
      return std::nullopt;
    return firstOperand(op, q, q);
  }
  if (auto mm = dyn_cast<o::MatMulOp>(op)) {
    Value a = mm.getA(), b = mm.getB();
    int64_t ra = rankOf(a), rb = rankOf(b);
    if (ra < 2 || rb < 2)
      return std::nullopt;
    LoopDims l{{-1, -1}, {q}};
    if (q == r - 1) {
      l.operands[1] = rb - 1;
    } else if (q == r - 2) {
      l.operands[0] = ra - 2;
    } else {
      int64_t ia = q - (r - ra), ib = q - (r - rb);
      if (ia >= 0 && !isStaticOne(a, ia))
        l.operands[0] = ia;
      if (ib >= 0 && !isStaticOne(b, ib))
        l.operands[1] = ib;
    }
    return l;
  }
  if (auto gemm = dyn_cast<o::GemmOp>(op)) {
    LoopDims l{{-1, -1, -1}, {q}};
    Value c = gemm.getC();
    int64_t rc = o::isNone(c) ? -1 : rankOf(c);
    if (q == 0) {
      l.operands[0] = gemm.getTransA() ? 1 : 0;
      if (rc == 2 && !isStaticOne(c, 0))
        l.operands[2] = 0;
    } else {
      l.operands[1] = gemm.getTransB() ? 0 : 1;
      if (rc >= 1 && !isStaticOne(c, rc - 1))
        l.operands[2] = rc - 1;
    }
    return l;
  }
  if (auto tr = dyn_cast<o::TransposeOp>(op)) {
    SmallVector<int64_t> perm;
    if (auto p = tr.getPerm())
      perm.assign(p->begin(), p->end());
    else
      for (int64_t d = rx - 1; d >= 0; --d)
        perm.push_back(d);
    if ((int64_t)perm.size() != r)
      return std::nullopt;
    return firstOperand(op, perm[q], q);
  }
  if (auto cat = dyn_cast<o::ConcatOp>(op)) {
    if (norm(cat.getAxis(), r) == q)
      return std::nullopt;
    LoopDims l;
    l.operands.assign(op->getNumOperands(), q);
    l.results = {q};
    return l;
  }
  if (auto gather = dyn_cast<o::GatherOp>(op)) {
    int64_t axis = norm(intAttr(op, "axis", 0), rx);
    int64_t ri = rankOf(gather.getIndices());
    if (axis < 0 || ri < 0)
      return std::nullopt;
    LoopDims l{{-1, -1}, {q}};
    if (q < axis)
      l.operands[0] = q;
    else if (q < axis + ri)
      l.operands[1] = q - axis;
    else
      l.operands[0] = q - ri + 1;
    return l;
  }
  if (isa<o::FlattenOp>(op)) {
    if (q != 0 || intAttr(op, "axis", 1) != 1)
      return std::nullopt;
    return firstOperand(op, 0, 0);
  }
  if (isa<o::ReduceSumOp, o::ReduceMeanOp, o::ReduceMaxOp, o::ReduceMinOp, o::ReduceProdOp,
          o::ReduceL1Op, o::ReduceL2Op, o::ReduceLogSumOp, o::ReduceLogSumExpOp,
          o::ReduceSumSquareOp>(op)) {
    auto axes = op->getNumOperands() > 1 && !o::isNone(op->getOperand(1))
                    ? o::getConstantInts(op->getOperand(1))
                    : std::nullopt;
    if (!axes || axes->empty())
      return std::nullopt;
    int64_t d = reducedInputDim(*axes, intAttr(op, "keepdims", 1), rx, q);
    if (d < 0)
      return std::nullopt;
    return firstOperand(op, d, q);
  }
  if (isa<o::ArgMaxOp, o::ArgMinOp>(op)) {
    int64_t axis = intAttr(op, "axis", 0);
    int64_t d = reducedInputDim({axis}, intAttr(op, "keepdims", 1), rx, q);
    if (d < 0)
      return std::nullopt;
    return firstOperand(op, d, q);
  }
  if (auto sq = dyn_cast<o::UnsqueezeOp>(op)) {
    auto axes = o::getConstantInts(sq.getAxes());
    if (!axes)
      return std::nullopt;
    SmallVector<bool> inserted(r, false);
    for (int64_t a : *axes) {
      int64_t n = norm(a, r);
      if (n < 0)
        return std::nullopt;
      inserted[n] = true;
    }
    if (inserted[q])
      return std::nullopt;
    int64_t d = 0;
    for (int64_t i = 0; i < q; ++i)
      d += !inserted[i];
    return firstOperand(op, d, q);
  }
  if (auto sq = dyn_cast<o::SqueezeOp>(op)) {
    if (o::isNone(sq.getAxes()))
      return std::nullopt;
    auto axes = o::getConstantInts(sq.getAxes());
    if (!axes)
      return std::nullopt;
    int64_t d = reducedInputDim(*axes, /*keepdims=*/false, rx, q);
    if (d < 0)
      return std::nullopt;
    return firstOperand(op, d, q);
  }
  if (auto split = dyn_cast<o::SplitOp>(op)) {
    if (norm(intAttr(op, "axis", 0), rx) == q ||
        (!o::isNone(split.getSplit()) && !o::getConstantInts(split.getSplit())))
      return std::nullopt;
    return firstOperand(op, q, q);
  }
  if (auto slice = dyn_cast<o::SliceOp>(op)) {
    // Constant starts/ends/axes/steps that leave dimension q alone.
    for (Value v : op->getOperands().drop_front())
      if (!o::isNone(v) && !o::getConstantInts(v))
        return std::nullopt;
    SmallVector<int64_t> axes;
    if (op->getNumOperands() > 3 && !o::isNone(op->getOperand(3)))
      axes = *o::getConstantInts(op->getOperand(3));
    else
      for (int64_t d = 0; d < (int64_t)o::getConstantInts(op->getOperand(1))->size(); ++d)
        axes.push_back(d);
    for (int64_t a : axes)
      if (norm(a, rx) == q)
        return std::nullopt;
    return firstOperand(op, q, q);
  }
  if (isa<o::PadOp>(op)) {
    // Constant pads that leave dimension q alone (all dims, or constant axes).
    auto pads = o::getConstantInts(op->getOperand(1));
    if (!pads || (int64_t)pads->size() % 2)
      return std::nullopt;
    SmallVector<int64_t> axes;
    if (op->getNumOperands() > 3 && !o::isNone(op->getOperand(3))) {
      auto a = o::getConstantInts(op->getOperand(3));
      if (!a)
        return std::nullopt;
      axes = *a;
    } else {
      for (int64_t d = 0; d < rx; ++d)
        axes.push_back(d);
    }
    int64_t n = pads->size() / 2;
    if ((int64_t)axes.size() != n)
      return std::nullopt;
    for (int64_t k = 0; k < n; ++k)
      if (norm(axes[k], rx) == q && ((*pads)[k] != 0 || (*pads)[n + k] != 0))
        return std::nullopt;
    return firstOperand(op, q, q);
  }
  if (auto expand = dyn_cast<o::ExpandOp>(op)) {
    // A constant target shape that is 1 along q keeps x's size there.
    auto shape = o::getConstantInts(op->getOperand(1));
    int64_t d = q - (r - rx);
    if (!shape || d < 0)
      return std::nullopt;
    int64_t s = q - (r - (int64_t)shape->size());
    if (s >= 0 && (*shape)[s] != 1)
      return std::nullopt;
    return firstOperand(op, d, q);
  }
  return std::nullopt;
}

struct SeparableLowering : ConversionPattern {
  SeparableLowering(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/0, ctx) {
    // The op applied to a slice may again have a dynamic dimension (one
    // fewer each time).
    setHasBoundedRewriteRecursion();
  }

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    if (!isa<o::ONNXDialect>(op->getDialect()) || op->getNumRegions() != 0 ||
        op->getNumResults() == 0)
      return failure();
    auto result0 = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!result0 || result0.hasStaticShape())
      return failure();
    int64_t q = 0;
    while (!result0.isDynamicDim(q))
      ++q;
    std::optional<LoopDims> dims = separableAlong(op, q);
    if (!dims)
      return rewriter.notifyMatchFailure(op, "not separable along its dynamic dimension");

    // The size of every dynamic result dimension: the operand dimension a
    // loop over it would slice. The loop runs over the first one; the op
    // applied to a slice keeps the other dynamic dimensions and is lowered
    // again (nested loops) until it is static.
    Location loc = op->getLoc();
    SmallVector<Value> resultSizes(result0.getRank());
    for (int64_t p = 0; p < result0.getRank(); ++p) {
      if (!result0.isDynamicDim(p))
        continue;
      std::optional<LoopDims> lp = p == q ? dims : separableAlong(op, p);
      if (!lp)
        return rewriter.notifyMatchFailure(op, "not separable along a dynamic dimension");
      for (auto [v, d] : llvm::zip(op->getOperands(), lp->operands))
        if (d >= 0 && cast<RankedTensorType>(v.getType()).isDynamicDim(d)) {
          resultSizes[p] = tensor::DimOp::create(rewriter, loc, v, d);
          break;
        }
      if (!resultSizes[p])
        return rewriter.notifyMatchFailure(op, "no operand carries a dynamic size");
    }
    Value bound = resultSizes[q];
    for (auto [r, d] : llvm::zip(op->getResults(), dims->results)) {
      auto t = dyn_cast<RankedTensorType>(r.getType());
      if (d < 0)
        continue;
      if (!t || t.getRank() != result0.getRank())
        return failure();
      for (int64_t p = 0; p < t.getRank(); ++p)
        if (t.isDynamicDim(p) && !resultSizes[p])
          return failure();
    }

    SmallVector<Type> sliceTypes;
    for (auto [v, d] : llvm::zip(op->getOperands(), dims->operands)) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t) {
        if (!isa<NoneType>(v.getType()))
          return failure();
        sliceTypes.push_back(v.getType());
        continue;
      }
      SmallVector<int64_t> shape(t.getShape());
      if (d >= 0)
        shape[d] = 1;
      sliceTypes.push_back(t.clone(shape));
    }
    SmallVector<Type> resultSliceTypes;
    for (auto [v, d] : llvm::zip(op->getResults(), dims->results)) {
      auto t = cast<RankedTensorType>(v.getType());
      if (d < 0) {
        resultSliceTypes.push_back(t);
        continue;
      }
      if (d != q)
        return failure();
      SmallVector<int64_t> shape(t.getShape());
      shape[d] = 1;
      resultSliceTypes.push_back(t.clone(shape));
    }

    SmallVector<Value> inits;
    for (auto [v, d] : llvm::zip(op->getResults(), dims->results)) {
      if (d < 0)
        continue;
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<Value> dyn;
      for (int64_t p = 0; p < t.getRank(); ++p)
        if (t.isDynamicDim(p))
          dyn.push_back(resultSizes[p]);
      inits.push_back(tensor::EmptyOp::create(rewriter, loc, t, dyn));
    }
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, bound, one, inits,
        [&](OpBuilder &b, Location l, Value iv, ValueRange acc) {
          // Offsets/sizes/strides of the slice `to` of `v` at `iv` along d.
          auto sliceOf = [&](Value v, RankedTensorType to, int64_t d) {
            SmallVector<OpFoldResult> offsets(to.getRank(), b.getIndexAttr(0)),
                strides(to.getRank(), b.getIndexAttr(1)), sizes;
            for (int64_t i = 0; i < to.getRank(); ++i)
              sizes.push_back(to.isDynamicDim(i)
                                  ? OpFoldResult(tensor::DimOp::create(b, l, v, i).getResult())
                                  : OpFoldResult(b.getIndexAttr(to.getDimSize(i))));
            offsets[d] = iv;
            return std::make_tuple(offsets, sizes, strides);
          };
          SmallVector<Value> sliced;
          for (auto [v, d, st] : llvm::zip(op->getOperands(), dims->operands, sliceTypes)) {
            if (d < 0) {
              sliced.push_back(v);
              continue;
            }
            auto to = cast<RankedTensorType>(st);
            auto [offsets, sizes, strides] = sliceOf(v, to, d);
            sliced.push_back(
                tensor::ExtractSliceOp::create(b, l, to, v, offsets, sizes, strides));
          }
          OperationState state(l, op->getName());
          state.addOperands(sliced);
          state.addAttributes(op->getAttrs());
          state.addTypes(resultSliceTypes);
          Operation *clone = b.create(state);
          SmallVector<Value> results(clone->getResults());
          if (isa<o::MaxPoolOp>(op) && results.size() > 1) {
            // Indices are flat over the whole input: add n * C * H * W.
            auto xType = cast<RankedTensorType>(sliceTypes[0]);
            Value stride = arith::ConstantIndexOp::create(b, l, xType.getNumElements());
            Value offset = arith::IndexCastOp::create(
                b, l, b.getI64Type(), arith::MulIOp::create(b, l, iv, stride));
            Value offsetTensor = tensor::FromElementsOp::create(
                b, l, RankedTensorType::get({1}, b.getI64Type()), ValueRange{offset});
            results[1] = o::AddOp::create(b, l, results[1].getType(), results[1], offsetTensor);
          }
          SmallVector<Value> updated, looped;
          SmallVector<int64_t> loopedDims;
          SmallVector<Type> loopedTypes;
          for (auto [r, d, st] : llvm::zip(results, dims->results, resultSliceTypes))
            if (d >= 0) {
              looped.push_back(r);
              loopedDims.push_back(d);
              loopedTypes.push_back(st);
            }
          for (auto [r, a, d, st] : llvm::zip(looped, acc, loopedDims, loopedTypes)) {
            auto [offsets, sizes, strides] = sliceOf(r, cast<RankedTensorType>(st), d);
            updated.push_back(
                tensor::InsertSliceOp::create(b, l, r, a, offsets, sizes, strides));
          }
          scf::YieldOp::create(b, l, updated);
        });
    SmallVector<Value> replacements;
    unsigned next = 0;
    for (auto [j, d] : llvm::enumerate(dims->results))
      replacements.push_back(d >= 0 ? loop.getResult(next++)
                                    : op->getOperand(dims->passthrough[j]));
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

} // namespace

void steed::populateSeparableLoweringPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<SeparableLowering>(converter, patterns.getContext());
}
