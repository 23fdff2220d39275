//===- DataMovement.cpp - Lowering of data movement and shape onnx ops ----===//
//
// Everything lowers to tensor ops (collapse/expand_shape, extract/insert_slice)
// or to linalg (transpose, fill, generic with broadcasting maps, generic with
// linalg.index + tensor.extract for data-dependent reads), so bufferization
// and later tiling apply.
//
// Result types are static by the time we get here (requireStaticShapes), and
// the lowerings read sizes from them: shape-like operands (Reshape's shape,
// Expand's shape, Tile's repeats, Split's split, ...) are not needed at run
// time. Values that are (Slice's starts/steps, Range's start/delta, Gather's
// indices) are read from the tensors, so they need not be constants.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/DynamicShapes.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {


/// `axis` (an I64Attr value, which ODS hands out as uint64_t) in [0, rank).
int64_t positiveAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }
RankedTensorType convertedResultType(const TypeConverter *converter, Value result) {
  return cast<RankedTensorType>(converter->convertType(result.getType()));
}

/// `src` with the static shape of `dst` (same element count): a single
/// collapse_shape or expand_shape when the dims group, else through 1-D.
Value reshapeTo(OpBuilder &b, Location loc, Value src, RankedTensorType dst) {
  auto srcType = cast<RankedTensorType>(src.getType());
  if (srcType == dst)
    return src;
  // 0-D <-> all-ones shapes: empty reassociation.
  if (srcType.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, dst, src, ArrayRef<ReassociationIndices>{});
  if (dst.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, dst, src, ArrayRef<ReassociationIndices>{});
  if (srcType.getRank() > dst.getRank())
    if (auto r = getReassociationIndicesForCollapse(srcType.getShape(), dst.getShape()))
      return tensor::CollapseShapeOp::create(b, loc, dst, src, *r);
  if (srcType.getRank() < dst.getRank())
    if (auto r = getReassociationIndicesForCollapse(dst.getShape(), srcType.getShape()))
      return tensor::ExpandShapeOp::create(b, loc, dst, src, *r);
  auto all = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t i = 0; i < rank; ++i)
      r.push_back(i);
    return SmallVector<ReassociationIndices>{r};
  };
  auto flatType = RankedTensorType::get({srcType.getNumElements()}, srcType.getElementType());
  Value flat = srcType.getRank() == 1
                   ? src
                   : (Value)tensor::CollapseShapeOp::create(b, loc, flatType, src,
                                                            all(srcType.getRank()));
  if (dst.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(b, loc, dst, flat, all(dst.getRank()));
}

/// A copy of `src` into a new tensor. Slices are materialized with
/// linalg.copy rather than left to bufferization: a strided view copied by
/// bufferization becomes memref.copy, which needs a runtime helper, while a
/// linalg op lowers to plain loops (and tiles/vectorizes later).
Value copyToNew(OpBuilder &b, Location loc, Value src) {
  auto type = cast<RankedTensorType>(src.getType());
  Value init = createEmptyTensor(b, loc, type.getShape(), type.getElementType());
  return linalg::CopyOp::create(b, loc, ValueRange{src}, ValueRange{init})->getResult(0);
}

/// Reshape, Flatten, Squeeze, Unsqueeze: only the result type matters.
template <typename OpTy>
struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertedResultType(this->getTypeConverter(), op->getResult(0));
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), adaptor.getOperands()[0], type));
    return success();
  }
};

struct IdentityLowering : OpConversionPattern<o::IdentityOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::IdentityOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (adaptor.getInput().getType() !=
        getTypeConverter()->convertType(op.getOutput().getType()))
      return rewriter.notifyMatchFailure(op, "input and output types differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<o::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertedResultType(getTypeConverter(), op.getTransposed());
    Value init = createEmptyTensor(rewriter, op.getLoc(), type.getShape(), type.getElementType());
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getData(), init,
                                         op.getPermOrDefault());
    rewriter.replaceOp(op, t->getResult(0));
    return success();
  }
};

/// Concat: insert_slice of each input into an empty result.
struct ConcatLowering : OpConversionPattern<o::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op.getConcatResult());
    int64_t axis = positiveAxis(op.getAxis(), type.getRank());
    Value result = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value in : adaptor.getInputs()) {
      auto inType = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes, strides(type.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offset += inType.getDimSize(axis);
      if (inType.getNumElements() == 0)
        continue;
      // linalg.copy into an empty tensor inserted into the result:
      // eliminate-empty-tensors turns the empty into the result's slot, so
      // the copy writes straight into the result buffer.
      Value copied = copyToNew(rewriter, loc, in);
      result =
          tensor::InsertSliceOp::create(rewriter, loc, copied, result, offsets, sizes, strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Split: one extract_slice per result, at the running offset along axis.
struct SplitLowering : OpConversionPattern<o::SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t axis = positiveAxis(op.getAxis(), inType.getRank());
    SmallVector<Value> results;
    int64_t offset = 0;
    for (Value r : op.getOutputs()) {
      auto type = convertedResultType(getTypeConverter(), r);
      SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes, strides(type.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d : type.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offset += type.getDimSize(axis);
      if (type.getNumElements() == 0) { // offsets may lie past the end
        results.push_back(
            createEmptyTensor(rewriter, op.getLoc(), type.getShape(), type.getElementType()));
        continue;
      }
      Value slice = tensor::ExtractSliceOp::create(rewriter, op.getLoc(), type,
                                                   adaptor.getInput(), offsets, sizes, strides);
      results.push_back(copyToNew(rewriter, op.getLoc(), slice));
    }
    if (offset != inType.getDimSize(axis))
      return rewriter.notifyMatchFailure(op, "result sizes do not add up to the input dim");
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// An index value from an integer scalar (sign-extended).
Value toIndex(OpBuilder &b, Location loc, Value v) {
  return b.createOrFold<arith::IndexCastOp>(loc, b.getIndexType(), v);
}

/// `i` if >= 0, else `i + dim` (ONNX negative indices).
Value wrapNegative(OpBuilder &b, Location loc, Value i, Value dim) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value neg = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = b.createOrFold<arith::AddIOp>(loc, i, dim);
  return b.createOrFold<arith::SelectOp>(loc, neg, wrapped, i);
}

/// Gather: out[pre, idx..., post] = data[pre, wrap(indices[idx...]), post].
struct GatherLowering : OpConversionPattern<o::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto idxType = cast<RankedTensorType>(indices.getType());
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t axis = positiveAxis(op.getAxis(), dataType.getRank());
    int64_t q = idxType.getRank(), rank = type.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < q; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(rank, 0, idxExprs, ctx),
                                AffineMap::getMultiDimIdentityMap(rank, ctx)};
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    int64_t dim = dataType.getDimSize(axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value i = wrapNegative(b, l, toIndex(b, l, args[0]),
                                 arith::ConstantIndexOp::create(b, l, dim));
          SmallVector<Value> coords;
          for (int64_t k = 0; k < axis; ++k)
            coords.push_back(linalg::IndexOp::create(b, l, k));
          coords.push_back(i);
          for (int64_t k = axis + 1; k < dataType.getRank(); ++k)
            coords.push_back(linalg::IndexOp::create(b, l, k - 1 + q));
          Value v = tensor::ExtractOp::create(b, l, data, coords);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// GatherElements: out[i] = data[i with i[axis] = wrap(indices[i])]. The
/// result has the indices' shape, which may be dynamic (sizes at run time).
struct GatherElementsLowering : OpConversionPattern<o::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t rank = type.getRank();
    int64_t axis = positiveAxis(op.getAxis(), rank);
    Value dim = dataType.isDynamicDim(axis)
                    ? (Value)tensor::DimOp::create(rewriter, loc, data, axis)
                    : (Value)arith::ConstantIndexOp::create(rewriter, loc,
                                                            dataType.getDimSize(axis));
    Value r = buildElementwise(
        rewriter, loc, ValueRange{adaptor.getIndices()}, type,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          SmallVector<Value> coords;
          for (int64_t k = 0; k < rank; ++k)
            coords.push_back(k == axis ? wrapNegative(b, l, toIndex(b, l, args[0]), dim)
                                       : (Value)linalg::IndexOp::create(b, l, k));
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Shape: a constant for a static tensor, else the run-time dims.
struct ShapeLowering : OpConversionPattern<o::ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto data = cast<RankedTensorType>(op.getData().getType());
    auto [start, end] = op.getClampedRange(data.getRank());
    auto type = convertedResultType(getTypeConverter(), op.getShape());
    auto dims = data.getShape().slice(start, end - start);
    if (!ShapedType::isDynamicShape(dims)) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, type, DenseElementsAttr::get(type, ArrayRef<int64_t>(dims)));
      return success();
    }
    SmallVector<Value> values;
    for (int64_t d = start; d < end; ++d)
      values.push_back(arith::IndexCastOp::create(
          rewriter, op.getLoc(), rewriter.getI64Type(),
          tensor::DimOp::create(rewriter, op.getLoc(), adaptor.getData(), d)));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, values);
    return success();
  }
};

/// Size: a constant for a static tensor, else the product of the dims.
struct SizeLowering : OpConversionPattern<o::SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::SizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto data = cast<RankedTensorType>(op.getData().getType());
    auto type = convertedResultType(getTypeConverter(), op.getSize());
    if (data.hasStaticShape()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, type, DenseElementsAttr::get(type, ArrayRef<int64_t>{data.getNumElements()}));
      return success();
    }
    Location loc = op.getLoc();
    Value n = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t d = 0; d < data.getRank(); ++d)
      n = arith::MulIOp::create(rewriter, loc, n,
                                tensor::DimOp::create(rewriter, loc, adaptor.getData(), d));
    Value v = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), n);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, ValueRange{v});
    return success();
  }
};

/// Slice: per data dim, a first index and a step (index values, constants
/// when the operands are). Positive constant steps give an extract_slice;
/// otherwise a generic reads data[first + i * step].
struct SliceLowering : OpConversionPattern<o::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    if (type.getNumElements() == 0) { // nothing to read; starts may be past the end
      rewriter.replaceOp(op, createEmptyTensor(rewriter, loc, type.getShape(),
                                               type.getElementType()));
      return success();
    }
    OpBuilder &b = rewriter;
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    int64_t rank = dataType.getRank();
    int64_t n = cast<RankedTensorType>(adaptor.getStarts().getType()).getNumElements();
    auto cst = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    auto element = [&](Value t, int64_t j) {
      auto tt = cast<RankedTensorType>(t.getType());
      SmallVector<Value> idx;
      if (tt.getRank() == 1)
        idx.push_back(cst(j));
      return toIndex(b, loc, b.createOrFold<tensor::ExtractOp>(loc, t, idx));
    };
    auto constAxes = o::isNone(op.getAxes()) ? std::optional(llvm::to_vector(llvm::seq<int64_t>(0, n)))
                                             : o::getConstantInts(op.getAxes());
    SmallVector<Value> first(rank, cst(0)), step(rank, cst(1));
    for (int64_t j = 0; j < n; ++j) {
      Value start = element(adaptor.getStarts(), j);
      Value st = o::isNone(op.getSteps()) ? cst(1) : element(adaptor.getSteps(), j);
      Value positive = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, st, cst(0));
      // ONNX: wrap negative starts, clamp to [0, dim] (step > 0) or
      // [-1, dim - 1] (step < 0).
      auto clamped = [&](int64_t dim) {
        Value s = wrapNegative(b, loc, start, cst(dim));
        Value lo = b.createOrFold<arith::SelectOp>(loc, positive, cst(0), cst(-1));
        Value hi = b.createOrFold<arith::SelectOp>(loc, positive, cst(dim), cst(dim - 1));
        s = b.createOrFold<arith::MaxSIOp>(loc, s, lo);
        return b.createOrFold<arith::MinSIOp>(loc, s, hi);
      };
      if (constAxes) {
        int64_t a = (*constAxes)[j] < 0 ? (*constAxes)[j] + rank : (*constAxes)[j];
        first[a] = clamped(dataType.getDimSize(a));
        step[a] = st;
        continue;
      }
      // Axes known at run time only: select this entry for the dim it names.
      Value a = wrapNegative(b, loc, element(adaptor.getAxes(), j), cst(rank));
      for (int64_t d = 0; d < rank; ++d) {
        Value is = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, a, cst(d));
        first[d] = b.createOrFold<arith::SelectOp>(loc, is, clamped(dataType.getDimSize(d)),
                                                   first[d]);
        step[d] = b.createOrFold<arith::SelectOp>(loc, is, st, step[d]);
      }
    }
    auto constFirst = llvm::map_to_vector(first, [](Value v) { return getConstantIntValue(v); });
    auto constStep = llvm::map_to_vector(step, [](Value v) { return getConstantIntValue(v); });
    bool simple = llvm::all_of(constFirst, [](auto v) { return v.has_value(); }) &&
                  llvm::all_of(constStep, [](auto v) { return v && *v > 0; });
    if (simple) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(b.getIndexAttr(*constFirst[d]));
        sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
        strides.push_back(b.getIndexAttr(*constStep[d]));
      }
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, type, data, offsets, sizes,
                                                   strides);
      rewriter.replaceOp(op, copyToNew(rewriter, loc, slice));
      return success();
    }
    Value r = buildElementwise(rewriter, loc, ValueRange{}, type,
                               [&](OpBuilder &nb, Location l, ValueRange) -> Value {
                                 SmallVector<Value> coords;
                                 for (int64_t d = 0; d < rank; ++d) {
                                   Value i = linalg::IndexOp::create(nb, l, d);
                                   Value off = arith::MulIOp::create(nb, l, i, step[d]);
                                   coords.push_back(arith::AddIOp::create(nb, l, first[d], off));
                                 }
                                 return tensor::ExtractOp::create(nb, l, data, coords);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Expand: a broadcasting copy.
struct ExpandLowering : OpConversionPattern<o::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    Value r = buildElementwise(rewriter, op.getLoc(), ValueRange{adaptor.getInput()}, type,
                               [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Tile: broadcast [d0, d1, ...] to [r0, d0, r1, d1, ...], then collapse
/// each (r_i, d_i) pair.
struct TileLowering : OpConversionPattern<o::TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::TileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t rank = inType.getRank();
    if (rank == 0) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    SmallVector<int64_t> wide;
    SmallVector<AffineExpr> inExprs;
    SmallVector<ReassociationIndices> pairs;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t d = inType.getDimSize(i), out = type.getDimSize(i);
      if (d != 0 && out % d != 0)
        return rewriter.notifyMatchFailure(op, "output dim is not a multiple of the input dim");
      wide.push_back(d ? out / d : 0);
      wide.push_back(d);
      inExprs.push_back(getAffineDimExpr(2 * i + 1, ctx));
      pairs.push_back({2 * i, 2 * i + 1});
    }
    SmallVector<AffineMap> maps{AffineMap::get(2 * rank, 0, inExprs, ctx),
                                AffineMap::getMultiDimIdentityMap(2 * rank, ctx)};
    Value init = createEmptyTensor(rewriter, loc, wide, type.getElementType());
    SmallVector<utils::IteratorType> iterators(2 * rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{adaptor.getInput()},
        ValueRange{init}, maps, iterators, [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type, generic.getResult(0), pairs);
    return success();
  }
};

/// ConstantOfShape: linalg.fill.
struct ConstantOfShapeLowering : OpConversionPattern<o::ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ConstantOfShapeOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    DenseElementsAttr value = op.getFillValue();
    Type et = type.getElementType();
    TypedAttr scalar;
    if (isa<FloatType>(et))
      scalar = FloatAttr::get(et, *value.getValues<APFloat>().begin());
    else
      scalar = IntegerAttr::get(et, *value.getValues<APInt>().begin());
    Value fillValue = arith::ConstantOp::create(rewriter, loc, scalar);
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), et);
    rewriter.replaceOp(op, linalg::FillOp::create(rewriter, loc, fillValue, init).getResult(0));
    return success();
  }
};

/// Range: out[i] = start + i * delta (f16/bf16 computed in f32).
struct RangeLowering : OpConversionPattern<o::RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::RangeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    Type logical = getElementTypeOrSelf(op.getOutput().getType());
    bool isFloat = isa<FloatType>(logical);
    Type compute = isa<Float16Type, BFloat16Type>(logical) ? rewriter.getF32Type() : logical;
    auto scalar = [&](Value t) {
      Value v = tensor::ExtractOp::create(rewriter, loc, t, ValueRange{});
      return convertScalar(rewriter, loc, v, logical, compute);
    };
    Value start = scalar(adaptor.getStart()), delta = scalar(adaptor.getDelta());
    Value r = buildElementwise(
        rewriter, loc, ValueRange{}, type, [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Value i = linalg::IndexOp::create(b, l, 0);
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

/// Cast: elementwise convertScalar (ONNX Cast semantics, `saturate` for
/// float8/float4 targets).
struct CastLowering : OpConversionPattern<o::CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::CastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    Type from = getElementTypeOrSelf(op.getInput().getType()), to = op.getTo();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    bool narrow = getNarrowFloatFormat(from) || getNarrowFloatFormat(to);
    if (from == to || (!narrow && toSignless(from) == toSignless(to) &&
                       from.isInteger() == to.isInteger() &&
                       from.isUnsignedInteger() == to.isUnsignedInteger())) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    bool saturate = op.getSaturate() != 0;
    Value r = buildElementwise(rewriter, op.getLoc(), ValueRange{adaptor.getInput()}, type,
                               [&](OpBuilder &b, Location l, ValueRange a) {
                                 return convertScalar(b, l, a[0], from, to, saturate);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Trilu: select(j - i >= k (upper) / <= k (lower), x, 0) over the last two
/// dims; k (default 0) is read at run time.
struct TriluLowering : OpConversionPattern<o::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::TriluOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t rank = type.getRank();
    Value k = arith::ConstantIndexOp::create(rewriter, loc, 0);
    if (!o::isNone(op.getK())) {
      auto kType = cast<RankedTensorType>(adaptor.getK().getType());
      SmallVector<Value> idx(kType.getRank(), arith::ConstantIndexOp::create(rewriter, loc, 0));
      k = toIndex(rewriter, loc, tensor::ExtractOp::create(rewriter, loc, adaptor.getK(), idx));
    }
    bool upper = op.getUpper() != 0;
    Value r = buildElementwise(
        rewriter, loc, ValueRange{adaptor.getInput()}, type,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value i = linalg::IndexOp::create(b, l, rank - 2);
          Value j = linalg::IndexOp::create(b, l, rank - 1);
          Value d = arith::SubIOp::create(b, l, j, i);
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle, d, k);
          Value zero = createScalar(b, l, type.getElementType(), 0);
          return arith::SelectOp::create(b, l, keep, a[0], zero);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Combines the current value `old` with an update per ONNX `reduction`.
Value combine(OpBuilder &b, Location loc, StringRef reduction, Type logical, Value old,
              Value update) {
  bool isFloat = isa<FloatType>(logical), isUnsigned = logical.isUnsignedInteger();
  if (reduction == "add")
    return isFloat ? (Value)arith::AddFOp::create(b, loc, old, update)
                   : (Value)arith::AddIOp::create(b, loc, old, update);
  if (reduction == "mul")
    return isFloat ? (Value)arith::MulFOp::create(b, loc, old, update)
                   : (Value)arith::MulIOp::create(b, loc, old, update);
  if (reduction == "max")
    return isFloat      ? (Value)arith::MaximumFOp::create(b, loc, old, update)
           : isUnsigned ? (Value)arith::MaxUIOp::create(b, loc, old, update)
                        : (Value)arith::MaxSIOp::create(b, loc, old, update);
  if (reduction == "min")
    return isFloat      ? (Value)arith::MinimumFOp::create(b, loc, old, update)
           : isUnsigned ? (Value)arith::MinUIOp::create(b, loc, old, update)
                        : (Value)arith::MinSIOp::create(b, loc, old, update);
  return update; // none
}

/// Scatters: a copy of data, then an scf.for nest over the updates that
/// tensor.insert's each update at its data-dependent position (sequential,
/// so duplicate indices reduce in order). `target` maps the loop indices to
/// the data coordinates. Data and updates may have dynamic dims.
Value buildScatter(OpBuilder &b, Location loc, Value data, Value updates,
                   StringRef reduction, Type logical,
                   function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> target) {
  auto updType = cast<RankedTensorType>(updates.getType());
  Value init = copyToNewDynamic(b, loc, data);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(updType.getRank(), zero), steps(updType.getRank(), one), ubs;
  for (OpFoldResult d : dimSizes(b, loc, updates))
    ubs.push_back(getValueOrCreateConstantIndexOp(b, loc, d));
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{init},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange acc) -> scf::ValueVector {
        SmallVector<Value> coords = target(nb, l, ivs);
        Value u = tensor::ExtractOp::create(nb, l, updates, ivs);
        if (reduction != "none")
          u = combine(nb, l, reduction, logical,
                      tensor::ExtractOp::create(nb, l, acc[0], coords), u);
        return {tensor::InsertOp::create(nb, l, u, acc[0], coords)};
      });
  return nest.results.empty() ? init : nest.results[0];
}

struct ScatterElementsLowering : OpConversionPattern<o::ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ScatterElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    // Dynamic dims are read with tensor.dim (a run-time sized data tensor,
    // e.g. MaxUnpool's zeros of a run-time output_shape).
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t axis = positiveAxis(op.getAxis(), dataType.getRank());
    Location loc = op.getLoc();
    Value indices = adaptor.getIndices();
    Value axisDim = getValueOrCreateConstantIndexOp(
        rewriter, loc, dimSize(rewriter, loc, adaptor.getData(), axis));
    Value r = buildScatter(
        rewriter, loc, adaptor.getData(), adaptor.getUpdates(), op.getReduction(),
        getElementTypeOrSelf(op.getData().getType()),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          SmallVector<Value> coords(ivs);
          Value i = toIndex(b, l, tensor::ExtractOp::create(b, l, indices, ivs));
          coords[axis] = wrapNegative(b, l, i, axisDim);
          return coords;
        });
    if (r.getType() != type)
      r = tensor::CastOp::create(rewriter, loc, type, r);
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ScatterNDLowering : OpConversionPattern<o::ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ScatterNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    Value indices = adaptor.getIndices();
    auto idxType = cast<RankedTensorType>(indices.getType());
    int64_t batch = idxType.getRank() - 1, k = idxType.getShape().back();
    Value r = buildScatter(
        rewriter, op.getLoc(), adaptor.getData(), adaptor.getUpdates(), op.getReduction(),
        getElementTypeOrSelf(op.getData().getType()),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          // updates index = (batch..., rest...); data index =
          // (indices[batch..., 0..k), rest...).
          SmallVector<Value> coords, at(ivs.take_front(batch));
          at.push_back(Value());
          for (int64_t j = 0; j < k; ++j) {
            at.back() = arith::ConstantIndexOp::create(b, l, j);
            Value i = toIndex(b, l, tensor::ExtractOp::create(b, l, indices, at));
            coords.push_back(wrapNegative(
                b, l, i, arith::ConstantIndexOp::create(b, l, dataType.getDimSize(j))));
          }
          llvm::append_range(coords, ivs.drop_front(batch));
          return coords;
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// EyeLike: (j - i == k) ? 1 : 0.
struct EyeLikeLowering : OpConversionPattern<o::EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::EyeLikeOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t k = op.getK();
    Value r = buildElementwise(
        rewriter, op.getLoc(), ValueRange{}, type,
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Value i = linalg::IndexOp::create(b, l, 0), j = linalg::IndexOp::create(b, l, 1);
          Value d = arith::SubIOp::create(b, l, j, i);
          Value on = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, d,
                                           arith::ConstantIndexOp::create(b, l, k));
          Type et = type.getElementType();
          return arith::SelectOp::create(b, l, on, createScalar(b, l, et, 1),
                                         createScalar(b, l, et, 0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// GatherND: out[o] = data[o[:b], wrap(indices[o[:q-1], 0..k)), o[q-1:]].
struct GatherNDLowering : OpConversionPattern<o::GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::GatherNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto idxType = cast<RankedTensorType>(indices.getType());
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t b = op.getBatchDims(), q = idxType.getRank(), k = idxType.getShape().back();
    Value r = buildElementwise(
        rewriter, op.getLoc(), ValueRange{}, type,
        [&](OpBuilder &nb, Location l, ValueRange) -> Value {
          SmallVector<Value> outIdx;
          for (int64_t d = 0; d < type.getRank(); ++d)
            outIdx.push_back(linalg::IndexOp::create(nb, l, d));
          SmallVector<Value> coords(outIdx.begin(), outIdx.begin() + b);
          SmallVector<Value> at(outIdx.begin(), outIdx.begin() + (q - 1));
          at.push_back(Value());
          for (int64_t j = 0; j < k; ++j) {
            at.back() = arith::ConstantIndexOp::create(nb, l, j);
            Value i = toIndex(nb, l, tensor::ExtractOp::create(nb, l, indices, at));
            coords.push_back(wrapNegative(
                nb, l, i, arith::ConstantIndexOp::create(nb, l, dataType.getDimSize(b + j))));
          }
          coords.append(outIdx.begin() + (q - 1), outIdx.end());
          return tensor::ExtractOp::create(nb, l, data, coords);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// OneHot: select(wrap(indices[...]) == index along axis, on, off).
struct OneHotLowering : OpConversionPattern<o::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::OneHotOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = convertedResultType(getTypeConverter(), op.getOutput());
    int64_t rank = type.getRank();
    int64_t axis = positiveAxis(op.getAxis(), rank);
    int64_t depth = type.getDimSize(axis);
    Type idxLogical = getElementTypeOrSelf(op.getIndices().getType());
    auto values = adaptor.getValues();
    auto vType = cast<RankedTensorType>(values.getType());
    auto valueAt = [&](int64_t i) {
      SmallVector<Value> idx;
      if (vType.getRank() == 1)
        idx.push_back(arith::ConstantIndexOp::create(rewriter, loc, i));
      return (Value)tensor::ExtractOp::create(rewriter, loc, values, idx);
    };
    Value off = valueAt(0), on = valueAt(1);
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        exprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(rank, 0, exprs, ctx),
                                AffineMap::getMultiDimIdentityMap(rank, ctx)};
    Value init = createEmptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndices()}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          // Indices may be float: truncate to an integer first.
          Value i = convertScalar(b, l, args[0], idxLogical, b.getI64Type());
          i = wrapNegative(b, l, toIndex(b, l, i), arith::ConstantIndexOp::create(b, l, depth));
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, i,
                                            linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(b, l, arith::SelectOp::create(b, l, hit, on, off).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void steed::populateDataMovementLoweringPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ReshapeLikeLowering<o::ReshapeOp>, ReshapeLikeLowering<o::FlattenOp>,
               ReshapeLikeLowering<o::SqueezeOp>, ReshapeLikeLowering<o::UnsqueezeOp>,
               IdentityLowering, TransposeLowering, ConcatLowering, SplitLowering,
               GatherLowering, GatherElementsLowering, ShapeLowering, SizeLowering, SliceLowering,
               ExpandLowering, TileLowering, ConstantOfShapeLowering, RangeLowering,
               CastLowering, TriluLowering, ScatterElementsLowering,
               ScatterNDLowering, EyeLikeLowering, GatherNDLowering, OneHotLowering>(converter, ctx);
  populateDynamicDataMovementLoweringPatterns(converter, patterns);
}
