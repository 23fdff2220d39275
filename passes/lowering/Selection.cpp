//===- Selection.cpp - Lowering of ops with data-dependent result shapes --===//
//
// NonZero, Compress, Unique and NonMaxSuppression select elements, slices or
// boxes by their VALUES, so the selected dimension of their results is only
// known at run time. Each lowering counts first (an scf.for, or a
// linalg.generic reduction), then creates a tensor of that run-time size and
// fills it in an scf.for that carries the tensor and the next write
// position (tensor.insert / tensor.insert_slice under scf.if). The kernel
// allocates these results (dynamic shapes, see docs/architecture.md).
//
// Unique and NonMaxSuppression are quadratic in the number of slices /
// boxes (first occurrence and rank by counting, greedy selection against
// the boxes kept so far): simple loops, no sort.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/DynamicShapes.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

RankedTensorType convertedType(const TypeConverter *converter, Value v) {
  return dyn_cast_or_null<RankedTensorType>(converter->convertType(v.getType()));
}

SmallVector<Value> dimValues(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> r;
  for (OpFoldResult f : dimSizes(b, loc, v))
    r.push_back(getValueOrCreateConstantIndexOp(b, loc, f));
  return r;
}

using LoopBody = function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>;

/// scf.for iv in [lb, ub) carrying `inits`; `body` returns the next values.
SmallVector<Value> forLoop(OpBuilder &b, Location loc, Value lb, Value ub, ValueRange inits,
                           LoopBody body) {
  auto loop = scf::ForOp::create(b, loc, lb, ub, indexConst(b, loc, 1), inits,
                                 [&](OpBuilder &nb, Location nl, Value iv, ValueRange args) {
                                   scf::YieldOp::create(nb, nl, body(nb, nl, iv, args));
                                 });
  return SmallVector<Value>(loop.getResults());
}

/// scf.if `cond` yielding `then()` or `elseValues`.
SmallVector<Value> ifThen(OpBuilder &b, Location loc, Value cond, ValueRange elseValues,
                          function_ref<SmallVector<Value>(OpBuilder &, Location)> then) {
  auto ifOp = scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &tb, Location tl) { scf::YieldOp::create(tb, tl, then(tb, tl)); },
      [&](OpBuilder &eb, Location el) { scf::YieldOp::create(eb, el, elseValues); });
  return SmallVector<Value>(ifOp.getResults());
}

/// `v` != 0 (floats: unordered, so NaN counts as non-zero).
Value isNonZero(OpBuilder &b, Location loc, Value v) {
  Type t = v.getType();
  if (isa<FloatType>(t))
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                 createScalar(b, loc, t, 0));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, createScalar(b, loc, t, 0));
}

/// Comparisons of two scalars whose logical element type is `logical`
/// (unsigned integers and bools compare unsigned; f16/bf16 in f32).
struct ScalarOrder {
  Type logical;
  Value widen(OpBuilder &b, Location loc, Value v) const {
    if (isa<Float16Type, BFloat16Type>(v.getType()))
      return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
    return v;
  }
  Value eq(OpBuilder &b, Location loc, Value x, Value y) const {
    x = widen(b, loc, x), y = widen(b, loc, y);
    if (isa<FloatType>(x.getType()))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, y);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  }
  Value lt(OpBuilder &b, Location loc, Value x, Value y) const {
    x = widen(b, loc, x), y = widen(b, loc, y);
    if (isa<FloatType>(x.getType()))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, y);
    bool isUnsigned = logical.isUnsignedInteger() || logical.isInteger(1);
    return arith::CmpIOp::create(
        b, loc, isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt, x, y);
  }
};

/// The number of elements of `x` for which `pred` holds, as an index: a
/// linalg.generic reduction into a 0-D i64 tensor.
Value countIf(OpBuilder &b, Location loc, Value x,
              function_ref<Value(OpBuilder &, Location, Value)> pred) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  Type i64 = b.getI64Type();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, i64);
  init = linalg::FillOp::create(b, loc, createScalar(b, loc, i64, 0), init).getResult(0);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx),
                              AffineMap::get(rank, 0, {}, ctx)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{x}, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value one = arith::ExtUIOp::create(nb, nl, i64, pred(nb, nl, args[0]));
        linalg::YieldOp::create(nb, nl, arith::AddIOp::create(nb, nl, args[1], one).getResult());
      });
  Value count = tensor::ExtractOp::create(b, loc, generic.getResult(0), ValueRange{});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), count);
}

//===----------------------------------------------------------------------===//
// NonZero
//===----------------------------------------------------------------------===//

/// NonZero: count, then one pass over the elements in row-major order that
/// writes the coordinates of each non-zero one into the next column.
struct NonZeroLowering : OpConversionPattern<o::NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::NonZeroOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getY());
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!type || !xType || xType.getRank() == 0 || type.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "needs a ranked input of rank >= 1");
    Location loc = op.getLoc();
    Idx ix{rewriter, loc};
    int64_t rank = xType.getRank();
    Value count = countIf(rewriter, loc, x, isNonZero);
    SmallVector<Value> dims = dimValues(rewriter, loc, x);
    Value init = createEmptyOfType(rewriter, loc, {rewriter.getIndexAttr(rank), count}, type);
    SmallVector<Value> r = forLoop(
        rewriter, loc, ix.c(0), ix.product(dims), ValueRange{init, ix.c(0)},
        [&](OpBuilder &b, Location l, Value i, ValueRange args) {
          Idx y{b, l};
          SmallVector<Value> coords = y.delinearize(i, dims);
          Value v = tensor::ExtractOp::create(b, l, x, coords);
          return ifThen(b, l, isNonZero(b, l, v), args, [&](OpBuilder &tb, Location tl) {
            Idx z{tb, tl};
            Value out = args[0], pos = args[1];
            for (int64_t d = 0; d < rank; ++d)
              out = tensor::InsertOp::create(tb, tl, z.toI64(coords[d]), out,
                                             ValueRange{z.c(d), pos});
            return SmallVector<Value>{out, z.add(pos, z.c(1))};
          });
        });
    rewriter.replaceOp(op, r[0]);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Compress
//===----------------------------------------------------------------------===//

/// Compress: the slices j < min(len(condition), dim) along the axis with
/// condition[j] are copied (insert_slice) one after the other. Without an
/// axis the input is flattened first.
struct CompressLowering : OpConversionPattern<o::CompressOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::CompressOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    Value input = adaptor.getInput(), cond = adaptor.getCondition();
    auto inType = dyn_cast<RankedTensorType>(input.getType());
    auto condType = dyn_cast<RankedTensorType>(cond.getType());
    if (!type || !inType || !condType || condType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "needs a ranked input and a 1-D condition");
    Location loc = op.getLoc();
    Idx ix{rewriter, loc};
    int64_t axis = 0;
    if (auto a = op.getAxis()) {
      if (inType.getRank() == 0)
        return rewriter.notifyMatchFailure(op, "0-D input with an axis");
      axis = (int64_t)*a < 0 ? (int64_t)*a + inType.getRank() : (int64_t)*a;
    } else if (inType.getRank() != 1) {
      SmallVector<Value> dims = dimValues(rewriter, loc, input);
      Value total = ix.product(dims);
      auto flatType = RankedTensorType::get(
          {inType.hasStaticShape() ? inType.getNumElements() : ShapedType::kDynamic},
          inType.getElementType());
      input = reshapeToSizes(rewriter, loc, input, {getAsOpFoldResult(total)}, flatType);
      inType = flatType;
    }
    if (type.getRank() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "result rank disagrees with the input");
    int64_t rank = inType.getRank();
    SmallVector<Value> dims = dimValues(rewriter, loc, input);
    Value limit = ix.min(dimValues(rewriter, loc, cond)[0], dims[axis]);
    auto condAt = [&](OpBuilder &b, Location l, Value j) -> Value {
      return tensor::ExtractOp::create(b, l, cond, ValueRange{j});
    };
    Value count = forLoop(rewriter, loc, ix.c(0), limit, ValueRange{ix.c(0)},
                          [&](OpBuilder &b, Location l, Value j, ValueRange args) {
                            return SmallVector<Value>{Idx{b, l}.addIf(args[0], condAt(b, l, j))};
                          })[0];
    SmallVector<OpFoldResult> sizes;
    for (Value d : dims)
      sizes.push_back(getAsOpFoldResult(d));
    sizes[axis] = getAsOpFoldResult(count);
    Value init = createEmptyOfType(rewriter, loc, sizes, type);
    SmallVector<Value> r = forLoop(
        rewriter, loc, ix.c(0), limit, ValueRange{init, ix.c(0)},
        [&](OpBuilder &b, Location l, Value j, ValueRange args) {
          return ifThen(b, l, condAt(b, l, j), args, [&](OpBuilder &tb, Location tl) {
            Idx z{tb, tl};
            SmallVector<OpFoldResult> offsets(rank, tb.getIndexAttr(0));
            SmallVector<OpFoldResult> sliceSizes, strides(rank, tb.getIndexAttr(1));
            for (Value d : dims)
              sliceSizes.push_back(getAsOpFoldResult(d));
            sliceSizes[axis] = tb.getIndexAttr(1);
            offsets[axis] = j;
            Value slice =
                tensor::ExtractSliceOp::create(tb, tl, input, offsets, sliceSizes, strides);
            offsets[axis] = args[1];
            Value out = tensor::InsertSliceOp::create(tb, tl, slice, args[0], offsets,
                                                      sliceSizes, strides);
            return SmallVector<Value>{out, z.add(args[1], z.c(1))};
          });
        });
    rewriter.replaceOp(op, r[0]);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Unique
//===----------------------------------------------------------------------===//

/// Unique over the N slices along the axis (elements of the flattened input
/// without one), each compared element by element in row-major order:
///   first[i]  = the smallest j whose slice equals slice i;
///   rank[i]   = the output position of a first occurrence i: the number of
///               first occurrences before i (sorted = 0) or of smaller
///               slices (sorted = 1);
///   indices[rank[first[j]]] = first[j], counts[rank[first[j]]] += 1,
///   inverse_indices[j] = rank[first[j]], Y = the slices at `indices`.
struct UniqueLowering : OpConversionPattern<o::UniqueOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::UniqueOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto yType = convertedType(getTypeConverter(), op.getY());
    auto idxType = convertedType(getTypeConverter(), op.getIndices());
    auto invType = convertedType(getTypeConverter(), op.getInverseIndices());
    auto cntType = convertedType(getTypeConverter(), op.getCounts());
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!yType || !idxType || !invType || !cntType || !xType)
      return rewriter.notifyMatchFailure(op, "needs ranked operand and results");
    Location loc = op.getLoc();
    Idx ix{rewriter, loc};
    int64_t axis = 0;
    if (auto a = op.getAxis()) {
      if (xType.getRank() == 0)
        return rewriter.notifyMatchFailure(op, "0-D input with an axis");
      axis = (int64_t)*a < 0 ? (int64_t)*a + xType.getRank() : (int64_t)*a;
    } else if (xType.getRank() != 1) {
      Value total = ix.product(dimValues(rewriter, loc, x));
      auto flatType = RankedTensorType::get(
          {xType.hasStaticShape() ? xType.getNumElements() : ShapedType::kDynamic},
          xType.getElementType());
      x = reshapeToSizes(rewriter, loc, x, {getAsOpFoldResult(total)}, flatType);
      xType = flatType;
    }
    if (yType.getRank() != xType.getRank())
      return rewriter.notifyMatchFailure(op, "result rank disagrees with the input");
    SmallVector<Value> dims = dimValues(rewriter, loc, x);
    Value n = dims[axis];
    SmallVector<Value> inner(dims);
    inner.erase(inner.begin() + axis);
    Value sliceSize = ix.product(inner);
    ScalarOrder order{getElementTypeOrSelf(op.getX().getType())};
    Type i64 = rewriter.getI64Type();

    // Element p (row-major) of slice i.
    auto elem = [&](OpBuilder &b, Location l, Value i, Value p) -> Value {
      SmallVector<Value> coords = Idx{b, l}.delinearize(p, inner);
      coords.insert(coords.begin() + axis, i);
      return tensor::ExtractOp::create(b, l, x, coords);
    };
    // Slice i == slice j.
    auto sliceEq = [&](OpBuilder &b, Location l, Value i, Value j) -> Value {
      Value yes = arith::ConstantIntOp::create(b, l, 1, 1);
      return forLoop(b, l, indexConst(b, l, 0), sliceSize, ValueRange{yes},
                     [&](OpBuilder &nb, Location nl, Value p, ValueRange args) {
                       Value e = order.eq(nb, nl, elem(nb, nl, i, p), elem(nb, nl, j, p));
                       return SmallVector<Value>{arith::AndIOp::create(nb, nl, args[0], e)};
                     })[0];
    };
    // Slice i < slice j (lexicographically): state 0 undecided, 1 less, 2 greater.
    auto sliceLess = [&](OpBuilder &b, Location l, Value i, Value j) -> Value {
      Value state = forLoop(
          b, l, indexConst(b, l, 0), sliceSize, ValueRange{indexConst(b, l, 0)},
          [&](OpBuilder &nb, Location nl, Value p, ValueRange args) {
            Idx y{nb, nl};
            Value a = elem(nb, nl, i, p), c = elem(nb, nl, j, p);
            Value next = y.sel(order.lt(nb, nl, a, c), y.c(1),
                               y.sel(order.lt(nb, nl, c, a), y.c(2), y.c(0)));
            return SmallVector<Value>{y.sel(y.eq(args[0], y.c(0)), next, args[0])};
          })[0];
      return Idx{b, l}.eq(state, indexConst(b, l, 1));
    };
    auto vecType = [&](RankedTensorType like) {
      return RankedTensorType::get({like.getDimSize(0)}, i64);
    };
    auto nType = RankedTensorType::get({xType.getDimSize(axis)}, i64);
    OpFoldResult nSize = getAsOpFoldResult(n);

    // first[i]
    Value first = buildGenerate(
        rewriter, loc, nType, {nSize}, [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Value i = ivs[0];
          Idx y{b, l};
          Value f = forLoop(b, l, y.c(0), y.add(i, y.c(1)), ValueRange{i},
                            [&](OpBuilder &nb, Location nl, Value j, ValueRange args) {
                              Idx z{nb, nl};
                              Value take = arith::AndIOp::create(nb, nl, z.eq(args[0], i),
                                                                 sliceEq(nb, nl, j, i));
                              return SmallVector<Value>{z.sel(take, j, args[0])};
                            })[0];
          return y.toI64(f);
        });
    auto firstAt = [&](OpBuilder &b, Location l, Value i) -> Value {
      return Idx{b, l}.toIndex(tensor::ExtractOp::create(b, l, first, ValueRange{i}));
    };
    auto isFirst = [&](OpBuilder &b, Location l, Value i) -> Value {
      return Idx{b, l}.eq(firstAt(b, l, i), i);
    };
    // rank[i]
    bool sorted = op.getSorted() != 0;
    Value rankT = buildGenerate(
        rewriter, loc, nType, {nSize}, [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Value i = ivs[0];
          Idx y{b, l};
          Value r = forLoop(b, l, y.c(0), sorted ? n : i, ValueRange{y.c(0)},
                            [&](OpBuilder &nb, Location nl, Value k, ValueRange args) {
                              Value cond = isFirst(nb, nl, k);
                              if (sorted)
                                cond = arith::AndIOp::create(nb, nl, cond,
                                                             sliceLess(nb, nl, k, i));
                              return SmallVector<Value>{Idx{nb, nl}.addIf(args[0], cond)};
                            })[0];
          return y.toI64(r);
        });
    auto rankAt = [&](OpBuilder &b, Location l, Value i) -> Value {
      return Idx{b, l}.toIndex(tensor::ExtractOp::create(b, l, rankT, ValueRange{i}));
    };
    Value numUnique = forLoop(rewriter, loc, ix.c(0), n, ValueRange{ix.c(0)},
                              [&](OpBuilder &b, Location l, Value i, ValueRange args) {
                                return SmallVector<Value>{
                                    Idx{b, l}.addIf(args[0], isFirst(b, l, i))};
                              })[0];
    OpFoldResult uSize = getAsOpFoldResult(numUnique);

    // indices and counts
    Value indicesInit = createEmptyOfType(rewriter, loc, {uSize}, vecType(idxType));
    Value countsInit = createEmptyOfType(rewriter, loc, {uSize}, vecType(cntType));
    countsInit =
        linalg::FillOp::create(rewriter, loc, createScalar(rewriter, loc, i64, 0), countsInit)
            .getResult(0);
    SmallVector<Value> ic = forLoop(
        rewriter, loc, ix.c(0), n, ValueRange{indicesInit, countsInit},
        [&](OpBuilder &b, Location l, Value j, ValueRange args) {
          Idx y{b, l};
          Value f = firstAt(b, l, j), r = rankAt(b, l, f);
          Value indices = tensor::InsertOp::create(b, l, y.toI64(f), args[0], ValueRange{r});
          Value c = tensor::ExtractOp::create(b, l, args[1], ValueRange{r});
          c = arith::AddIOp::create(b, l, c, createScalar(b, l, i64, 1));
          Value counts = tensor::InsertOp::create(b, l, c, args[1], ValueRange{r});
          return SmallVector<Value>{indices, counts};
        });
    Value indices = ic[0], counts = ic[1];
    Value inverse = buildGenerate(rewriter, loc, vecType(invType), {nSize},
                                  [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
                                    return Idx{b, l}.toI64(rankAt(b, l, firstAt(b, l, ivs[0])));
                                  });
    // Y
    SmallVector<OpFoldResult> ySizes;
    for (Value d : dims)
      ySizes.push_back(getAsOpFoldResult(d));
    ySizes[axis] = uSize;
    Value y = buildGenerate(rewriter, loc, yType, ySizes,
                            [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
                              SmallVector<Value> coords(ivs);
                              coords[axis] = Idx{b, l}.toIndex(tensor::ExtractOp::create(
                                  b, l, indices, ValueRange{ivs[axis]}));
                              return tensor::ExtractOp::create(b, l, x, coords);
                            });
    auto cast = [&](Value v, RankedTensorType t) -> Value {
      return v.getType() == t ? v : tensor::CastOp::create(rewriter, loc, t, v).getResult();
    };
    rewriter.replaceOp(op, {y, cast(indices, idxType), cast(inverse, invType),
                            cast(counts, cntType)});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// NonMaxSuppression
//===----------------------------------------------------------------------===//

/// NonMaxSuppression, per (batch, class): order[rank[n]] = n with rank[n] =
/// the number of boxes with a higher score (or an equal score and a lower
/// index); then the boxes in that order are kept while fewer than
/// max_output_boxes_per_class are, when their score exceeds score_threshold
/// and no kept box overlaps them by IoU > iou_threshold (as onnxruntime:
/// empty boxes and intersections never suppress). The kept indices of all
/// (batch, class) pairs are then written as rows (batch, class, box).
struct NonMaxSuppressionLowering : OpConversionPattern<o::NonMaxSuppressionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::NonMaxSuppressionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getSelectedIndices());
    Value boxes = adaptor.getBoxes(), scores = adaptor.getScores();
    auto boxesType = dyn_cast<RankedTensorType>(boxes.getType());
    auto scoresType = dyn_cast<RankedTensorType>(scores.getType());
    if (!type || !boxesType || !scoresType || boxesType.getRank() != 3 ||
        scoresType.getRank() != 3)
      return rewriter.notifyMatchFailure(op, "needs ranked boxes and scores");
    Type boxElem = boxesType.getElementType(), scoreElem = scoresType.getElementType();
    if (!isa<FloatType>(boxElem) || !isa<FloatType>(scoreElem))
      return rewriter.notifyMatchFailure(op, "boxes and scores must be floats");
    Location loc = op.getLoc();
    Idx ix{rewriter, loc};
    Type i64 = rewriter.getI64Type();
    Type f = boxElem.isF64() ? boxElem : rewriter.getF32Type();
    auto toF = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (v.getType() == f)
        return v;
      if (v.getType().getIntOrFloatBitWidth() < f.getIntOrFloatBitWidth())
        return arith::ExtFOp::create(b, l, f, v);
      return arith::TruncFOp::create(b, l, f, v);
    };
    Value maxOut = ix.c(0);
    if (!o::isNone(op.getMaxOutputBoxesPerClass())) {
      Value m = extractScalar(rewriter, loc, adaptor.getMaxOutputBoxesPerClass(), 0);
      maxOut = ix.toIndex(m);
    }
    Value iouThreshold = createScalar(rewriter, loc, f, 0);
    if (!o::isNone(op.getIouThreshold()))
      iouThreshold = toF(rewriter, loc, extractScalar(rewriter, loc, adaptor.getIouThreshold(), 0));
    Value scoreThreshold;
    if (!o::isNone(op.getScoreThreshold()))
      scoreThreshold =
          toF(rewriter, loc, extractScalar(rewriter, loc, adaptor.getScoreThreshold(), 0));
    bool center = op.getCenterPointBox() != 0;

    SmallVector<Value> boxDims = dimValues(rewriter, loc, boxes);
    SmallVector<Value> scoreDims = dimValues(rewriter, loc, scores);
    Value numBatches = boxDims[0], numBoxes = boxDims[1], numClasses = scoreDims[1];
    Value numPairs = ix.mul(numBatches, numClasses);
    auto score = [&](OpBuilder &b, Location l, Value bi, Value ci, Value n) -> Value {
      return toF(b, l, tensor::ExtractOp::create(b, l, scores, ValueRange{bi, ci, n}));
    };
    // [ymin, xmin, ymax, xmax] of box n of batch bi.
    auto corners = [&](OpBuilder &b, Location l, Value bi, Value n) {
      SmallVector<Value> v;
      for (int64_t k = 0; k < 4; ++k)
        v.push_back(toF(b, l, tensor::ExtractOp::create(b, l, boxes,
                                                        ValueRange{bi, n, indexConst(b, l, k)})));
      SmallVector<Value> r(4);
      if (center) { // [x_center, y_center, width, height]
        Value half = createScalar(b, l, f, 0.5);
        Value hw = arith::MulFOp::create(b, l, v[2], half);
        Value hh = arith::MulFOp::create(b, l, v[3], half);
        r[0] = arith::SubFOp::create(b, l, v[1], hh);
        r[1] = arith::SubFOp::create(b, l, v[0], hw);
        r[2] = arith::AddFOp::create(b, l, v[1], hh);
        r[3] = arith::AddFOp::create(b, l, v[0], hw);
      } else { // [y1, x1, y2, x2], either corner first
        r[0] = arith::MinimumFOp::create(b, l, v[0], v[2]);
        r[1] = arith::MinimumFOp::create(b, l, v[1], v[3]);
        r[2] = arith::MaximumFOp::create(b, l, v[0], v[2]);
        r[3] = arith::MaximumFOp::create(b, l, v[1], v[3]);
      }
      return r;
    };
    // IoU(box p, box q) > iou_threshold.
    auto overlaps = [&](OpBuilder &b, Location l, Value bi, Value p, Value q) -> Value {
      SmallVector<Value> a = corners(b, l, bi, p), c = corners(b, l, bi, q);
      Value zero = createScalar(b, l, f, 0);
      auto sub = [&](Value x, Value y) { return arith::SubFOp::create(b, l, x, y).getResult(); };
      auto mul = [&](Value x, Value y) { return arith::MulFOp::create(b, l, x, y).getResult(); };
      auto gt = [&](Value x, Value y) {
        return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, y).getResult();
      };
      auto andI = [&](Value x, Value y) { return arith::AndIOp::create(b, l, x, y).getResult(); };
      Value ih = sub(arith::MinimumFOp::create(b, l, a[2], c[2]),
                     arith::MaximumFOp::create(b, l, a[0], c[0]));
      Value iw = sub(arith::MinimumFOp::create(b, l, a[3], c[3]),
                     arith::MaximumFOp::create(b, l, a[1], c[1]));
      Value inter = mul(arith::MaximumFOp::create(b, l, ih, zero),
                        arith::MaximumFOp::create(b, l, iw, zero));
      Value areaA = mul(sub(a[2], a[0]), sub(a[3], a[1]));
      Value areaC = mul(sub(c[2], c[0]), sub(c[3], c[1]));
      Value uni = sub(arith::AddFOp::create(b, l, areaA, areaC), inter);
      Value valid = andI(andI(gt(inter, zero), gt(areaA, zero)),
                         andI(gt(areaC, zero), gt(uni, zero)));
      Value safeUnion = arith::SelectOp::create(b, l, valid, uni, createScalar(b, l, f, 1));
      Value iou = arith::DivFOp::create(b, l, inter, safeUnion);
      return andI(valid, gt(iou, iouThreshold));
    };

    // order[bc, rank] = box
    auto pairBoxType = RankedTensorType::get(
        {ShapedType::kDynamic, boxesType.getDimSize(1)}, i64);
    if (!ShapedType::isDynamic(boxesType.getDimSize(0)) &&
        !ShapedType::isDynamic(scoresType.getDimSize(1)))
      pairBoxType = RankedTensorType::get(
          {boxesType.getDimSize(0) * scoresType.getDimSize(1), boxesType.getDimSize(1)}, i64);
    SmallVector<OpFoldResult> pairBoxSizes{getAsOpFoldResult(numPairs),
                                           getAsOpFoldResult(numBoxes)};
    Value orderInit = createEmptyOfType(rewriter, loc, pairBoxSizes, pairBoxType);
    Value order = forLoop(
        rewriter, loc, ix.c(0), ix.mul(numPairs, numBoxes), ValueRange{orderInit},
        [&](OpBuilder &b, Location l, Value t, ValueRange args) {
          Idx y{b, l};
          SmallVector<Value> pn = y.delinearize(t, {numPairs, numBoxes});
          SmallVector<Value> bc = y.delinearize(pn[0], {numBatches, numClasses});
          Value s = score(b, l, bc[0], bc[1], pn[1]);
          Value r = forLoop(b, l, y.c(0), numBoxes, ValueRange{y.c(0)},
                            [&](OpBuilder &nb, Location nl, Value m, ValueRange acc) {
                              Idx z{nb, nl};
                              Value sm = score(nb, nl, bc[0], bc[1], m);
                              Value higher = arith::CmpFOp::create(
                                  nb, nl, arith::CmpFPredicate::OGT, sm, s);
                              Value tie = arith::AndIOp::create(
                                  nb, nl,
                                  arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ, sm, s),
                                  z.cmp(arith::CmpIPredicate::ult, m, pn[1]));
                              return SmallVector<Value>{
                                  z.addIf(acc[0], arith::OrIOp::create(nb, nl, higher, tie))};
                            })[0];
          return SmallVector<Value>{
              tensor::InsertOp::create(b, l, y.toI64(pn[1]), args[0], ValueRange{pn[0], r})};
        })[0];

    // kept[bc, k] for k < numKept[bc]
    Value keptInit = createEmptyOfType(rewriter, loc, pairBoxSizes, pairBoxType);
    auto pairType = RankedTensorType::get({pairBoxType.getDimSize(0)}, i64);
    Value numKeptInit =
        createEmptyOfType(rewriter, loc, {getAsOpFoldResult(numPairs)}, pairType);
    SmallVector<Value> kept = forLoop(
        rewriter, loc, ix.c(0), numPairs, ValueRange{keptInit, numKeptInit},
        [&](OpBuilder &b, Location l, Value pair, ValueRange args) {
          Idx y{b, l};
          SmallVector<Value> bc = y.delinearize(pair, {numBatches, numClasses});
          SmallVector<Value> r = forLoop(
              b, l, y.c(0), numBoxes, ValueRange{args[0], y.c(0)},
              [&](OpBuilder &nb, Location nl, Value k, ValueRange acc) {
                Idx z{nb, nl};
                Value n = z.toIndex(tensor::ExtractOp::create(nb, nl, order, ValueRange{pair, k}));
                // A negative limit keeps nothing, like 0.
                Value ok = z.cmp(arith::CmpIPredicate::slt, acc[1], maxOut);
                if (scoreThreshold)
                  ok = arith::AndIOp::create(
                      nb, nl, ok,
                      arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OGT,
                                            score(nb, nl, bc[0], bc[1], n), scoreThreshold));
                return ifThen(nb, nl, ok, acc, [&](OpBuilder &tb, Location tl) {
                  Idx w{tb, tl};
                  Value no = arith::ConstantIntOp::create(tb, tl, 0, 1);
                  Value suppressed =
                      forLoop(tb, tl, w.c(0), acc[1], ValueRange{no},
                              [&](OpBuilder &qb, Location ql, Value q, ValueRange s) {
                                Value other = Idx{qb, ql}.toIndex(tensor::ExtractOp::create(
                                    qb, ql, acc[0], ValueRange{pair, q}));
                                return SmallVector<Value>{arith::OrIOp::create(
                                    qb, ql, s[0], overlaps(qb, ql, bc[0], other, n))};
                              })[0];
                  Value keep = arith::XOrIOp::create(
                      tb, tl, suppressed, arith::ConstantIntOp::create(tb, tl, 1, 1));
                  return ifThen(tb, tl, keep, acc, [&](OpBuilder &kb, Location kl) {
                    Idx v{kb, kl};
                    Value out = tensor::InsertOp::create(kb, kl, v.toI64(n), acc[0],
                                                         ValueRange{pair, acc[1]});
                    return SmallVector<Value>{out, v.add(acc[1], v.c(1))};
                  });
                });
              });
          Value numKept = tensor::InsertOp::create(b, l, y.toI64(r[1]), args[1], ValueRange{pair});
          return SmallVector<Value>{r[0], numKept};
        });
    auto keptAt = [&](OpBuilder &b, Location l, ArrayRef<Value> ids) -> Value {
      return Idx{b, l}.toIndex(tensor::ExtractOp::create(b, l, kept[0], ids));
    };
    auto numKeptAt = [&](OpBuilder &b, Location l, Value pair) -> Value {
      return Idx{b, l}.toIndex(tensor::ExtractOp::create(b, l, kept[1], ValueRange{pair}));
    };
    Value total = forLoop(rewriter, loc, ix.c(0), numPairs, ValueRange{ix.c(0)},
                          [&](OpBuilder &b, Location l, Value pair, ValueRange acc) {
                            return SmallVector<Value>{
                                Idx{b, l}.add(acc[0], numKeptAt(b, l, pair))};
                          })[0];
    Value init = createEmptyOfType(rewriter, loc, {total, rewriter.getIndexAttr(3)}, type);
    SmallVector<Value> out = forLoop(
        rewriter, loc, ix.c(0), numPairs, ValueRange{init, ix.c(0)},
        [&](OpBuilder &b, Location l, Value pair, ValueRange args) {
          Idx y{b, l};
          SmallVector<Value> bc = y.delinearize(pair, {numBatches, numClasses});
          return forLoop(b, l, y.c(0), numKeptAt(b, l, pair), args,
                         [&](OpBuilder &nb, Location nl, Value q, ValueRange acc) {
                           Idx z{nb, nl};
                           Value row[3] = {z.toI64(bc[0]), z.toI64(bc[1]),
                                           z.toI64(keptAt(nb, nl, {pair, q}))};
                           Value t = acc[0];
                           for (int64_t k = 0; k < 3; ++k)
                             t = tensor::InsertOp::create(nb, nl, row[k], t,
                                                          ValueRange{acc[1], z.c(k)});
                           return SmallVector<Value>{t, z.add(acc[1], z.c(1))};
                         });
        });
    rewriter.replaceOp(op, out[0]);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// TfIdfVectorizer
//===----------------------------------------------------------------------===//

/// TfIdfVectorizer: the pool and a table of the counted n-grams (pool
/// offset, length, output column; lengths outside [min, max] left out) are
/// constants; per row and n-gram, loops over the skip distances and start
/// positions count the matches into the output column; then the mode
/// weights the counts.
struct TfIdfVectorizerLowering : OpConversionPattern<o::TfIdfVectorizerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::TfIdfVectorizerOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getY());
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!type || !xType || (xType.getRank() != 1 && xType.getRank() != 2) ||
        type.getRank() != xType.getRank())
      return rewriter.notifyMatchFailure(op, "needs a ranked [C] or [N, C] input");
    Location loc = op.getLoc();
    Idx ix{rewriter, loc};
    Type i64 = rewriter.getI64Type(), f32 = rewriter.getF32Type();
    int64_t minGram = op.getMinGramLength(), maxGram = op.getMaxGramLength();
    ArrayRef<int64_t> counts = op.getNgramCounts(), indexes = op.getNgramIndexes();
    ArrayRef<int64_t> pool = op.getPoolInt64s();
    SmallVector<int64_t> gramOffset, gramLength, gramColumn;
    int64_t g = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      int64_t n = i + 1;
      int64_t end = i + 1 < counts.size() ? counts[i + 1] : (int64_t)pool.size();
      for (int64_t off = counts[i]; off + n <= end; off += n, ++g)
        if (n >= minGram && n <= maxGram) {
          gramOffset.push_back(off);
          gramLength.push_back(n);
          gramColumn.push_back(indexes[g]);
        }
    }
    auto constVec = [&](ArrayRef<int64_t> v) -> Value {
      auto t = RankedTensorType::get({(int64_t)v.size()}, i64);
      return arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(t, v));
    };
    // Rows as [N, C].
    Value rows = x;
    if (xType.getRank() == 1) {
      auto t2 = RankedTensorType::get({1, xType.getDimSize(0)}, xType.getElementType());
      rows = tensor::ExpandShapeOp::create(rewriter, loc, t2, x,
                                           ArrayRef<ReassociationIndices>{{0, 1}});
    }
    SmallVector<Value> dims = dimValues(rewriter, loc, rows);
    Value numRows = dims[0], len = dims[1];
    int64_t numCols = type.getDimSize(type.getRank() - 1);
    auto countType = RankedTensorType::get(
        {cast<RankedTensorType>(rows.getType()).getDimSize(0), numCols}, f32);
    Value zero = createScalar(rewriter, loc, f32, 0);
    Value init = createEmptyOfType(rewriter, loc,
                                   {getAsOpFoldResult(numRows), rewriter.getIndexAttr(numCols)},
                                   countType);
    Value freq = linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
    if (!gramOffset.empty()) {
      Value poolT = constVec(pool), offT = constVec(gramOffset), lenT = constVec(gramLength),
            colT = constVec(gramColumn);
      Value maxDistance = ix.c(op.getMaxSkipCount() + 1);
      auto at = [&](OpBuilder &b, Location l, Value t, Value i) {
        return Idx{b, l}.toIndex(tensor::ExtractOp::create(b, l, t, ValueRange{i}));
      };
      freq = forLoop(
          rewriter, loc, ix.c(0), numRows, ValueRange{freq},
          [&](OpBuilder &b, Location l, Value r, ValueRange rowArgs) {
            Idx y{b, l};
            return forLoop(
                b, l, y.c(0), y.c(gramOffset.size()), rowArgs,
                [&](OpBuilder &gb, Location gl, Value gi, ValueRange gArgs) {
                  Idx z{gb, gl};
                  Value off = at(gb, gl, offT, gi), n = at(gb, gl, lenT, gi);
                  Value col = at(gb, gl, colT, gi);
                  // Unigrams do not depend on the skip: distance 1 only.
                  Value distances = z.sel(z.eq(n, z.c(1)), z.c(1), maxDistance);
                  Value span = arith::SubIOp::create(gb, gl, n, z.c(1));
                  Value count = forLoop(
                      gb, gl, z.c(1), z.add(distances, z.c(1)), ValueRange{z.c(0)},
                      [&](OpBuilder &db, Location dl, Value d, ValueRange dArgs) {
                        Idx w{db, dl};
                        // Starts i with i + d * (n - 1) < C.
                        Value last = w.mul(d, span);
                        Value starts = arith::MaxSIOp::create(
                            db, dl, arith::SubIOp::create(db, dl, len, last), w.c(0));
                        return SmallVector<Value>{forLoop(
                            db, dl, w.c(0), starts, dArgs,
                            [&](OpBuilder &sb, Location sl, Value i, ValueRange sArgs) {
                              Idx v{sb, sl};
                              Value yes = arith::ConstantIntOp::create(sb, sl, 1, 1);
                              Value match = forLoop(
                                  sb, sl, v.c(0), n, ValueRange{yes},
                                  [&](OpBuilder &kb, Location kl, Value k, ValueRange kArgs) {
                                    Idx u{kb, kl};
                                    Value e = tensor::ExtractOp::create(
                                        kb, kl, rows, ValueRange{r, u.add(i, u.mul(k, d))});
                                    if (e.getType() != i64)
                                      e = arith::ExtSIOp::create(kb, kl, i64, e);
                                    Value p = tensor::ExtractOp::create(
                                        kb, kl, poolT, ValueRange{u.add(off, k)});
                                    Value eq = arith::CmpIOp::create(
                                        kb, kl, arith::CmpIPredicate::eq, e, p);
                                    return SmallVector<Value>{
                                        arith::AndIOp::create(kb, kl, kArgs[0], eq)};
                                  })[0];
                              return SmallVector<Value>{v.addIf(sArgs[0], match)};
                            })[0]};
                      })[0];
                  Value old = tensor::ExtractOp::create(gb, gl, gArgs[0], ValueRange{r, col});
                  Value c = arith::UIToFPOp::create(gb, gl, f32, z.toI64(count));
                  Value sum = arith::AddFOp::create(gb, gl, old, c);
                  return SmallVector<Value>{
                      tensor::InsertOp::create(gb, gl, sum, gArgs[0], ValueRange{r, col})};
                });
          })[0];
    }
    // Mode and weights.
    StringRef mode = op.getMode();
    std::optional<ArrayRef<float>> weights = op.getWeights();
    if (mode != "TF" || weights) {
      Value w;
      if (weights)
        w = arith::ConstantOp::create(
            rewriter, loc,
            DenseElementsAttr::get(RankedTensorType::get({numCols}, f32), *weights));
      freq = buildGenerate(rewriter, loc, countType, dimSizes(rewriter, loc, freq),
                           [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
                             Value c = tensor::ExtractOp::create(b, l, freq, ivs);
                             Value wt = w ? (Value)tensor::ExtractOp::create(
                                                b, l, w, ValueRange{ivs[1]})
                                          : createScalar(b, l, f32, 1);
                             if (mode == "TF")
                               return c;
                             if (mode == "TFIDF")
                               return arith::MulFOp::create(b, l, c, wt);
                             Value present = arith::CmpFOp::create(
                                 b, l, arith::CmpFPredicate::OGT, c, createScalar(b, l, f32, 0));
                             return arith::SelectOp::create(b, l, present, wt,
                                                            createScalar(b, l, f32, 0));
                           });
    }
    if (xType.getRank() == 1)
      freq = tensor::CollapseShapeOp::create(rewriter, loc, type, freq,
                                             ArrayRef<ReassociationIndices>{{0, 1}});
    else if (freq.getType() != type)
      freq = tensor::CastOp::create(rewriter, loc, type, freq);
    rewriter.replaceOp(op, freq);
    return success();
  }
};

} // namespace

void steed::populateSelectionLoweringPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<NonZeroLowering, CompressLowering, UniqueLowering, NonMaxSuppressionLowering,
               TfIdfVectorizerLowering>(
      converter, patterns.getContext());
}
