//===- DynamicDataMovement.cpp - Shape ops with run-time-valued shapes ----===//
//
// Lowerings of the data-movement ops whose result shape depends on operand
// VALUES that are only known at run time (Reshape's shape, Expand's shape,
// Tile's repeats, Pad's pads, Squeeze/Unsqueeze's axes, Split's split,
// ConstantOfShape's input, Range's operands, OneHot's depth), or on input
// dimensions that are dynamic. Each pattern here only matches when a result
// type is not static, so the static lowerings (DataMovement.cpp, Pooling.cpp)
// keep the static cases. Sizes are computed as index values (constants where
// the operands are), results are tensor.empty of those sizes filled by a
// linalg.generic, or reshapes through 1-D.
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

/// True when every operand and result of `op` is ranked (or none) and some
/// has a dynamic dim: the static lowerings refuse exactly these.
bool hasDynamicRankedResult(Operation *op) {
  bool dynamic = false;
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    if (isa<NoneType>(t))
      continue;
    auto r = dyn_cast<RankedTensorType>(t);
    if (!r)
      return false;
    dynamic |= !r.hasStaticShape();
  }
  return dynamic;
}

/// The number of values of a 0-D/1-D operand, or -1 when not static.
int64_t numValues(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || t.getRank() > 1 || !t.hasStaticShape())
    return -1;
  return t.getRank() == 0 ? 1 : t.getDimSize(0);
}

/// The values of a 0-D/1-D integer operand as index values: constants when
/// the onnx operand is a constant, else tensor.extract + index_cast of the
/// converted operand.
SmallVector<Value> indexValues(OpBuilder &b, Location loc, Value onnxValue, Value converted) {
  SmallVector<Value> r;
  if (auto c = o::getConstantInts(onnxValue)) {
    for (int64_t v : *c)
      r.push_back(indexConst(b, loc, v));
    return r;
  }
  int64_t n = numValues(converted);
  for (int64_t j = 0; j < n; ++j)
    r.push_back(extractIndex(b, loc, converted, j));
  return r;
}

SmallVector<Value> dimValues(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> r;
  for (OpFoldResult f : dimSizes(b, loc, v))
    r.push_back(getValueOrCreateConstantIndexOp(b, loc, f));
  return r;
}

SmallVector<OpFoldResult> asFoldResults(ArrayRef<Value> values) {
  SmallVector<OpFoldResult> r;
  for (Value v : values)
    r.push_back(getAsOpFoldResult(v));
  return r;
}

//===----------------------------------------------------------------------===//
// ConstantOfShape
//===----------------------------------------------------------------------===//

struct DynConstantOfShapeLowering : OpConversionPattern<o::ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ConstantOfShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    if (!hasDynamicRankedResult(op) || !type || numValues(adaptor.getInput()) != type.getRank())
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    Location loc = op.getLoc();
    SmallVector<Value> sizes = indexValues(rewriter, loc, op.getInput(), adaptor.getInput());
    DenseElementsAttr value = op.getFillValue();
    Type et = type.getElementType();
    TypedAttr scalar;
    if (isa<FloatType>(et))
      scalar = FloatAttr::get(et, *value.getValues<APFloat>().begin());
    else
      scalar = IntegerAttr::get(et, *value.getValues<APInt>().begin());
    Value fillValue = arith::ConstantOp::create(rewriter, loc, scalar);
    Value init = createEmptyOfType(rewriter, loc, asFoldResults(sizes), type);
    rewriter.replaceOp(op, linalg::FillOp::create(rewriter, loc, fillValue, init).getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Range
//===----------------------------------------------------------------------===//

struct DynRangeLowering : OpConversionPattern<o::RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::RangeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    if (!hasDynamicRankedResult(op) || !type || type.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    Location loc = op.getLoc();
    Type logical = getElementTypeOrSelf(op.getOutput().getType());
    bool isFloat = isa<FloatType>(logical);
    Type compute = isa<Float16Type, BFloat16Type>(logical) ? rewriter.getF32Type() : logical;
    auto scalar = [&](Value t) {
      Value v = extractScalar(rewriter, loc, t, 0);
      return convertScalar(rewriter, loc, v, logical, compute);
    };
    Value start = scalar(adaptor.getStart()), limit = scalar(adaptor.getLimit()),
          delta = scalar(adaptor.getDelta());
    // max(ceil((limit - start) / delta), 0)
    Type i64 = rewriter.getI64Type();
    Value n;
    if (isFloat) {
      Value q = arith::DivFOp::create(rewriter, loc,
                                      arith::SubFOp::create(rewriter, loc, limit, start), delta);
      q = math::CeilOp::create(rewriter, loc, q);
      n = arith::FPToSIOp::create(rewriter, loc, i64, q);
    } else {
      auto wide = [&](Value v) { return convertScalar(rewriter, loc, v, logical, i64); };
      n = arith::CeilDivSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, wide(limit), wide(start)),
          wide(delta));
    }
    n = arith::MaxSIOp::create(rewriter, loc, n, createScalar(rewriter, loc, i64, 0));
    Value size = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), n);
    Value r = buildGenerate(
        rewriter, loc, type, {OpFoldResult(size)},
        [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Value i = ivs[0];
          Value v;
          if (isFloat) {
            Value fi = arith::IndexCastOp::create(b, l, b.getI64Type(), i);
            fi = arith::SIToFPOp::create(b, l, toSignless(compute), fi);
            v = arith::AddFOp::create(b, l, start, arith::MulFOp::create(b, l, fi, delta));
          } else {
            Value ii = arith::IndexCastOp::create(b, l, toSignless(compute), i);
            v = arith::AddIOp::create(b, l, start, arith::MulIOp::create(b, l, ii, delta));
          }
          return convertScalar(b, l, v, compute, logical);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Expand, Tile
//===----------------------------------------------------------------------===//

/// Expand: out[d] = shape[d] == 1 ? in[d] : shape[d] (bidirectional
/// broadcasting, dims aligned at the end); the input is read with index 0
/// along the dims where it is 1.
struct DynExpandLowering : OpConversionPattern<o::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    Value input = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(input.getType());
    int64_t n = numValues(adaptor.getShape());
    if (!hasDynamicRankedResult(op) || !type || !inType || n < 0)
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    int64_t rank = type.getRank(), inRank = inType.getRank();
    if (rank < inRank || rank < n)
      return rewriter.notifyMatchFailure(op, "result rank disagrees with the operands");
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> shape = indexValues(rewriter, loc, op.getShape(), adaptor.getShape());
    SmallVector<Value> inDims = dimValues(rewriter, loc, input);
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value s = d >= rank - n ? shape[d - (rank - n)] : x.c(1);
      Value in = d >= rank - inRank ? inDims[d - (rank - inRank)] : x.c(1);
      sizes.push_back(x.sel(x.eq(s, x.c(1)), in, s));
    }
    Value r;
    if (inType.hasStaticShape()) {
      MLIRContext *ctx = rewriter.getContext();
      Value init = createEmptyOfType(rewriter, loc, asFoldResults(sizes), type);
      SmallVector<AffineMap> maps{getBroadcastMap(ctx, inType.getShape(), type.getShape()),
                                  AffineMap::getMultiDimIdentityMap(rank, ctx)};
      SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
      r = linalg::GenericOp::create(rewriter, loc, TypeRange{type}, ValueRange{input},
                                    ValueRange{init}, maps, iterators,
                                    [](OpBuilder &b, Location l, ValueRange a) {
                                      linalg::YieldOp::create(b, l, a[0]);
                                    })
              .getResult(0);
    } else {
      r = buildGenerate(rewriter, loc, type, asFoldResults(sizes),
                        [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
                          Idx y{b, l};
                          SmallVector<Value> coords;
                          for (int64_t k = 0; k < inRank; ++k) {
                            Value iv = ivs[k + rank - inRank];
                            if (!inType.isDynamicDim(k))
                              coords.push_back(inType.getDimSize(k) == 1 ? y.c(0) : iv);
                            else
                              coords.push_back(y.sel(y.eq(inDims[k], y.c(1)), y.c(0), iv));
                          }
                          return tensor::ExtractOp::create(b, l, input, coords);
                        });
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Tile: out[d] = in[d] * repeats[d]; out[i] = in[i mod in_dims].
struct DynTileLowering : OpConversionPattern<o::TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::TileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    Value input = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(input.getType());
    if (!hasDynamicRankedResult(op) || !type || !inType ||
        numValues(adaptor.getRepeats()) != inType.getRank() || type.getRank() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> repeats =
        indexValues(rewriter, loc, op.getRepeats(), adaptor.getRepeats());
    SmallVector<Value> inDims = dimValues(rewriter, loc, input), sizes;
    for (int64_t d = 0; d < inType.getRank(); ++d)
      sizes.push_back(x.mul(inDims[d], repeats[d]));
    Value r = buildGenerate(rewriter, loc, type, asFoldResults(sizes),
                            [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
                              SmallVector<Value> coords;
                              for (int64_t d = 0; d < inType.getRank(); ++d)
                                coords.push_back(
                                    inType.getDimSize(d) == 1
                                        ? indexConst(b, l, 0)
                                        : (Value)arith::RemUIOp::create(b, l, ivs[d], inDims[d]));
                              return tensor::ExtractOp::create(b, l, input, coords);
                            });
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reshape, Squeeze, Unsqueeze: run-time sizes, then a reshape through 1-D
//===----------------------------------------------------------------------===//

struct DynReshapeLowering : OpConversionPattern<o::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getReshaped());
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!hasDynamicRankedResult(op) || !type || !inType ||
        numValues(adaptor.getShape()) != type.getRank())
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> shape = indexValues(rewriter, loc, op.getShape(), adaptor.getShape());
    SmallVector<Value> inDims = dimValues(rewriter, loc, data);
    bool allowZero = op.getAllowzero() != 0;
    // 0 copies the input dim (unless allowzero).
    if (!allowZero)
      for (int64_t i = 0; i < (int64_t)shape.size() && i < inType.getRank(); ++i)
        shape[i] = x.sel(x.eq(shape[i], x.c(0)), inDims[i], shape[i]);
    // -1 is the element count divided by the product of the other dims.
    Value total = x.c(1), known = x.c(1);
    for (Value d : inDims)
      total = x.mul(total, d);
    for (Value s : shape)
      known = x.mul(known, x.sel(x.eq(s, x.c(-1)), x.c(1), s));
    Value safeKnown = x.sel(x.eq(known, x.c(0)), x.c(1), known);
    Value inferred = rewriter.createOrFold<arith::DivSIOp>(loc, total, safeKnown);
    for (Value &s : shape)
      s = x.sel(x.eq(s, x.c(-1)), inferred, s);
    rewriter.replaceOp(op, reshapeToSizes(rewriter, loc, data, asFoldResults(shape), type));
    return success();
  }
};

/// Normalized (non-negative) axis values of `axes` for a rank-`rank` tensor.
SmallVector<Value> axisValues(OpBuilder &b, Location loc, Value onnxAxes, Value converted,
                              int64_t rank) {
  SmallVector<Value> axes = indexValues(b, loc, onnxAxes, converted);
  for (Value &a : axes)
    a = wrapIndex(b, loc, a, indexConst(b, loc, rank));
  return axes;
}

struct DynSqueezeLowering : OpConversionPattern<o::SqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::SqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getSqueezed());
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!hasDynamicRankedResult(op) || !type || !inType || o::isNone(op.getAxes()))
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result with axes");
    int64_t n = numValues(adaptor.getAxes()), rank = inType.getRank();
    if (n < 0 || type.getRank() != rank - n)
      return rewriter.notifyMatchFailure(op, "result rank disagrees with the axes");
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> axes = axisValues(rewriter, loc, op.getAxes(), adaptor.getAxes(), rank);
    SmallVector<Value> inDims = dimValues(rewriter, loc, data);
    // out[k] = the k-th input dim that is not squeezed.
    SmallVector<Value> sizes(type.getRank(), x.c(1));
    Value pos = x.c(0);
    for (int64_t d = 0; d < rank; ++d) {
      Value kept = rewriter.createOrFold<arith::ConstantIntOp>(loc, 1, 1);
      for (Value a : axes)
        kept = x.andI(kept, x.cmp(arith::CmpIPredicate::ne, a, x.c(d)));
      for (int64_t k = 0; k < type.getRank(); ++k)
        sizes[k] = x.sel(x.andI(kept, x.eq(pos, x.c(k))), inDims[d], sizes[k]);
      pos = x.add(pos, x.boolToIndex(kept));
    }
    rewriter.replaceOp(op, reshapeToSizes(rewriter, loc, data, asFoldResults(sizes), type));
    return success();
  }
};

struct DynUnsqueezeLowering : OpConversionPattern<o::UnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::UnsqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getExpanded());
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!hasDynamicRankedResult(op) || !type || !inType)
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    int64_t n = numValues(adaptor.getAxes()), rank = type.getRank();
    if (n < 0 || inType.getRank() != rank - n)
      return rewriter.notifyMatchFailure(op, "result rank disagrees with the axes");
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> axes = axisValues(rewriter, loc, op.getAxes(), adaptor.getAxes(), rank);
    SmallVector<Value> inDims = dimValues(rewriter, loc, data);
    // out[d] = 1 at the axes, else input dim (d - number of axes below d).
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value isAxis = rewriter.createOrFold<arith::ConstantIntOp>(loc, 0, 1);
      Value below = x.c(0);
      for (Value a : axes) {
        isAxis = x.orI(isAxis, x.eq(a, x.c(d)));
        below = x.add(below, x.boolToIndex(x.cmp(arith::CmpIPredicate::slt, a, x.c(d))));
      }
      sizes.push_back(x.sel(isAxis, x.c(1), x.pick(inDims, x.sub(x.c(d), below))));
    }
    rewriter.replaceOp(op, reshapeToSizes(rewriter, loc, data, asFoldResults(sizes), type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Split
//===----------------------------------------------------------------------===//

struct DynSplitLowering : OpConversionPattern<o::SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(input.getType());
    if (!hasDynamicRankedResult(op) || !inType)
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    int64_t rank = inType.getRank();
    int64_t axis = (int64_t)op.getAxis() < 0 ? (int64_t)op.getAxis() + rank : (int64_t)op.getAxis();
    int64_t numResults = op.getNumResults();
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> inDims = dimValues(rewriter, loc, input);
    Value dim = inDims[axis];
    SmallVector<Value> parts;
    if (!o::isNone(op.getSplit())) {
      if (numValues(adaptor.getSplit()) != numResults)
        return rewriter.notifyMatchFailure(op, "'split' size disagrees with the results");
      parts = indexValues(rewriter, loc, op.getSplit(), adaptor.getSplit());
    } else if (op.getNumOutputs()) {
      // ceil(dim / n) each, the last part smaller.
      Value chunk = rewriter.createOrFold<arith::CeilDivSIOp>(loc, dim, x.c(numResults));
      for (int64_t i = 0; i < numResults; ++i)
        parts.push_back(x.min(chunk, x.max(x.sub(dim, x.mul(x.c(i), chunk)), x.c(0))));
    } else {
      Value chunk = rewriter.createOrFold<arith::DivSIOp>(loc, dim, x.c(numResults));
      parts.assign(numResults, chunk);
    }
    SmallVector<Value> results;
    if (inType.hasStaticShape() && inType.getNumElements() == 0) {
      // Nothing to read (slices of an empty static tensor do not verify).
      for (auto [i, r] : llvm::enumerate(op.getOutputs())) {
        auto type = convertedType(getTypeConverter(), r);
        if (!type)
          return rewriter.notifyMatchFailure(op, "unranked result");
        SmallVector<OpFoldResult> sizes = asFoldResults(inDims);
        sizes[axis] = getAsOpFoldResult(parts[i]);
        results.push_back(createEmptyOfType(rewriter, loc, sizes, type));
      }
      rewriter.replaceOp(op, results);
      return success();
    }
    Value offset = x.c(0);
    for (auto [i, r] : llvm::enumerate(op.getOutputs())) {
      auto type = convertedType(getTypeConverter(), r);
      if (!type)
        return rewriter.notifyMatchFailure(op, "unranked result");
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = asFoldResults(inDims);
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = getAsOpFoldResult(offset);
      sizes[axis] = getAsOpFoldResult(parts[i]);
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, input, offsets, sizes, strides);
      Value copy = copyToNewDynamic(rewriter, loc, slice);
      if (copy.getType() != type)
        copy = tensor::CastOp::create(rewriter, loc, type, copy);
      results.push_back(copy);
      offset = x.add(offset, parts[i]);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

/// Slice whose result has a dynamic dim (run-time starts/ends/axes/steps, or
/// dynamic input dims): per data dim a first index, a step and a size as
/// index values, with the ONNX rules (negative starts/ends wrap once, then
/// clamp to [0, dim] for positive steps or [-1, dim - 1] for negative ones;
/// size = max(ceil((end - start) / step), 0)). Constant positive steps give
/// an extract_slice with run-time offsets and sizes; otherwise a generic
/// reads data[first + i * step].
struct DynSliceLowering : OpConversionPattern<o::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!hasDynamicRankedResult(op) || !type || !inType || type.getRank() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    int64_t rank = inType.getRank();
    int64_t n = numValues(adaptor.getStarts());
    if (n < 0 || numValues(adaptor.getEnds()) != n ||
        (!o::isNone(op.getAxes()) && numValues(adaptor.getAxes()) != n) ||
        (!o::isNone(op.getSteps()) && numValues(adaptor.getSteps()) != n) ||
        (o::isNone(op.getAxes()) && n > rank))
      return rewriter.notifyMatchFailure(op, "starts/ends/axes/steps of no static length");
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> starts = indexValues(rewriter, loc, op.getStarts(), adaptor.getStarts());
    SmallVector<Value> ends = indexValues(rewriter, loc, op.getEnds(), adaptor.getEnds());
    SmallVector<Value> steps, axes;
    if (o::isNone(op.getSteps()))
      steps.assign(n, x.c(1));
    else
      steps = indexValues(rewriter, loc, op.getSteps(), adaptor.getSteps());
    if (o::isNone(op.getAxes())) {
      for (int64_t j = 0; j < n; ++j)
        axes.push_back(x.c(j));
    } else {
      axes = axisValues(rewriter, loc, op.getAxes(), adaptor.getAxes(), rank);
    }
    SmallVector<Value> inDims = dimValues(rewriter, loc, data);
    SmallVector<Value> first(rank, x.c(0)), step(rank, x.c(1)), sizes(inDims);
    for (int64_t j = 0; j < n; ++j) {
      Value st = steps[j];
      Value positive = x.cmp(arith::CmpIPredicate::sgt, st, x.c(0));
      for (int64_t d = 0; d < rank; ++d) {
        Value is = x.eq(axes[j], x.c(d));
        if (auto c = getConstantIntValue(is); c && !*c)
          continue;
        Value dim = inDims[d];
        Value lo = x.sel(positive, x.c(0), x.c(-1));
        Value hi = x.sel(positive, dim, x.sub(dim, x.c(1)));
        auto clamp = [&](Value v) {
          v = wrapIndex(rewriter, loc, v, dim);
          return x.min(x.max(v, lo), hi);
        };
        Value s = clamp(starts[j]), e = clamp(ends[j]);
        Value size = rewriter.createOrFold<arith::CeilDivSIOp>(loc, x.sub(e, s), st);
        size = x.max(size, x.c(0));
        first[d] = x.sel(is, s, first[d]);
        step[d] = x.sel(is, st, step[d]);
        sizes[d] = x.sel(is, size, sizes[d]);
      }
    }
    // Every dim's step is 1 or one of `steps`.
    bool positiveSteps = llvm::all_of(steps, [](Value v) {
      auto c = getConstantIntValue(v);
      return c && *c > 0;
    });
    Value r;
    if (positiveSteps) {
      SmallVector<OpFoldResult> strides = asFoldResults(step);
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, data, asFoldResults(first),
                                                   asFoldResults(sizes), strides);
      r = copyToNewDynamic(rewriter, loc, slice);
      if (r.getType() != type)
        r = tensor::CastOp::create(rewriter, loc, type, r);
    } else {
      r = buildGenerate(rewriter, loc, type, asFoldResults(sizes),
                        [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
                          Idx y{b, l};
                          SmallVector<Value> coords;
                          for (int64_t d = 0; d < rank; ++d)
                            coords.push_back(y.add(first[d], y.mul(ivs[d], step[d])));
                          return tensor::ExtractOp::create(b, l, data, coords);
                        });
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// OneHot
//===----------------------------------------------------------------------===//

struct DynOneHotLowering : OpConversionPattern<o::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::OneHotOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    Value indices = adaptor.getIndices();
    auto idxType = dyn_cast<RankedTensorType>(indices.getType());
    if (!hasDynamicRankedResult(op) || !type || !idxType ||
        type.getRank() != idxType.getRank() + 1)
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    int64_t axis = (int64_t)op.getAxis() < 0 ? (int64_t)op.getAxis() + rank : (int64_t)op.getAxis();
    Type depthLogical = getElementTypeOrSelf(op.getDepth().getType());
    Value depth = convertScalar(rewriter, loc, extractScalar(rewriter, loc, adaptor.getDepth(), 0),
                                depthLogical, rewriter.getI64Type());
    depth = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), depth);
    SmallVector<OpFoldResult> sizes = dimSizes(rewriter, loc, indices);
    sizes.insert(sizes.begin() + axis, depth);
    Type idxLogical = getElementTypeOrSelf(op.getIndices().getType());
    Value values = adaptor.getValues();
    Value off = extractScalar(rewriter, loc, values, 0), on = extractScalar(rewriter, loc, values, 1);
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        exprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(rank, 0, exprs, ctx),
                                AffineMap::getMultiDimIdentityMap(rank, ctx)};
    Value init = createEmptyOfType(rewriter, loc, sizes, type);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value i = convertScalar(b, l, args[0], idxLogical, b.getI64Type());
          i = wrapIndex(b, l, arith::IndexCastOp::create(b, l, b.getIndexType(), i), depth);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, i,
                                            linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(b, l, arith::SelectOp::create(b, l, hit, on, off).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// Pad with run-time pads (or axes, or input dims): out[d] = in[d] + begin[d]
/// + end[d]; each output element reads input index o - begin mapped by the
/// mode (constant: the pad value outside, read under scf.if so that empty
/// inputs are never read; edge: clamp; wrap: modulo; reflect: mirror).
struct DynPadLowering : OpConversionPattern<o::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertedType(getTypeConverter(), op.getOutput());
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!hasDynamicRankedResult(op) || !type || !inType || type.getRank() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "not a ranked dynamic result");
    int64_t rank = inType.getRank();
    int64_t numPads = numValues(adaptor.getPads());
    if (numPads < 0 || numPads % 2)
      return rewriter.notifyMatchFailure(op, "'pads' has no static even length");
    int64_t n = numPads / 2;
    Location loc = op.getLoc();
    Idx x{rewriter, loc};
    SmallVector<Value> axes;
    if (o::isNone(op.getAxes())) {
      if (n != rank)
        return rewriter.notifyMatchFailure(op, "'pads' length disagrees with the rank");
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(x.c(d));
    } else {
      if (numValues(adaptor.getAxes()) != n)
        return rewriter.notifyMatchFailure(op, "'axes' length disagrees with 'pads'");
      axes = axisValues(rewriter, loc, op.getAxes(), adaptor.getAxes(), rank);
    }
    SmallVector<Value> padValues = indexValues(rewriter, loc, op.getPads(), adaptor.getPads());
    SmallVector<Value> begin(rank, x.c(0)), end(rank, x.c(0));
    for (int64_t j = 0; j < n; ++j)
      for (int64_t d = 0; d < rank; ++d) {
        Value is = x.eq(axes[j], x.c(d));
        begin[d] = x.sel(is, padValues[j], begin[d]);
        end[d] = x.sel(is, padValues[j + n], end[d]);
      }
    SmallVector<Value> inDims = dimValues(rewriter, loc, data), sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(x.add(x.add(inDims[d], begin[d]), end[d]));

    Type logical = getElementTypeOrSelf(op.getData().getType());
    Type elem = toSignless(logical);
    StringRef mode = op.getMode();
    Value padValue;
    if (mode == "constant")
      padValue = o::isNone(op.getConstantValue())
                     ? createScalar(rewriter, loc, elem, 0)
                     : extractScalar(rewriter, loc, adaptor.getConstantValue(), 0);
    Value r = buildGenerate(
        rewriter, loc, type, asFoldResults(sizes),
        [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Idx y{b, l};
          SmallVector<Value> coords;
          Value inside;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = y.sub(ivs[d], begin[d]), size = inDims[d];
            if (mode == "constant") {
              Value in = y.andI(y.cmp(arith::CmpIPredicate::sge, i, y.c(0)),
                                y.cmp(arith::CmpIPredicate::slt, i, size));
              inside = inside ? y.andI(inside, in) : in;
            } else if (mode == "edge") {
              i = y.max(y.min(i, y.sub(size, y.c(1))), y.c(0));
            } else if (mode == "wrap") {
              Value safe = y.max(size, y.c(1));
              Value m = b.createOrFold<arith::RemSIOp>(l, i, safe);
              i = y.sel(y.cmp(arith::CmpIPredicate::slt, m, y.c(0)), y.add(m, safe), m);
            } else { // reflect: period 2 * (size - 1)
              Value period = y.max(y.mul(y.c(2), y.sub(size, y.c(1))), y.c(1));
              Value m = b.createOrFold<arith::RemSIOp>(l, i, period);
              m = y.sel(y.cmp(arith::CmpIPredicate::slt, m, y.c(0)), y.add(m, period), m);
              m = y.sel(y.cmp(arith::CmpIPredicate::slt, m, size), m, y.sub(period, m));
              i = y.sel(y.eq(size, y.c(1)), y.c(0), m);
            }
            coords.push_back(i);
          }
          if (!inside)
            return tensor::ExtractOp::create(b, l, data, coords);
          auto ifOp = scf::IfOp::create(
              b, l, inside,
              [&](OpBuilder &tb, Location tl) {
                scf::YieldOp::create(tb, tl,
                                     tensor::ExtractOp::create(tb, tl, data, coords).getResult());
              },
              [&](OpBuilder &eb, Location el) { scf::YieldOp::create(eb, el, padValue); });
          return ifOp.getResult(0);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void steed::populateDynamicDataMovementLoweringPatterns(const TypeConverter &converter,
                                                        RewritePatternSet &patterns) {
  patterns.add<DynConstantOfShapeLowering, DynRangeLowering, DynExpandLowering,
               DynTileLowering, DynReshapeLowering, DynSqueezeLowering, DynUnsqueezeLowering,
               DynSplitLowering, DynSliceLowering, DynOneHotLowering, DynPadLowering>(converter,
                                                                     patterns.getContext());
}
