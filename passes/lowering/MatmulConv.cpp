//===- MatmulConv.cpp - Lowering of MatMul, Gemm, Conv, ConvTranspose -----===//
//
// Contractions lower to linalg named ops where one fits (linalg.matmul,
// linalg.batch_matmul, linalg.conv_*), so that later tiling/vectorization
// and micro-kernel selection see them; the remaining shapes (broadcast
// batches, grouped N-d convolutions) lower to a linalg.generic with the
// contraction's indexing maps.
//
// Accumulation: f16/bf16 operands accumulate in f32 (the named ops extend
// their inputs to the output type) and the result is truncated once at the
// end. Integer operands accumulate in their own width: two's complement
// products and sums modulo 2^n are the same for signed and unsigned
// values, so ui32/ui64 need no special casing.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/TypeUtilities.h"
#include <numeric>

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

int64_t product(ArrayRef<int64_t> shape) {
  int64_t p = 1;
  for (int64_t d : shape)
    p *= d;
  return p;
}

/// The type sums are accumulated in for a logical element type.
Type accumulatorType(Type logical) {
  if (isa<Float16Type, BFloat16Type>(logical))
    return Float32Type::get(logical.getContext());
  return toSignless(logical);
}

/// Reshapes a static tensor to `shape` (same element count) with
/// tensor.collapse_shape / tensor.expand_shape.
Value reshapeTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  auto target = RankedTensorType::get(shape, type.getElementType());
  if (type.getRank() > target.getRank())
    if (auto re = getReassociationIndicesForReshape(type, target))
      return tensor::CollapseShapeOp::create(b, loc, target, v, *re);
  if (type.getRank() < target.getRank())
    if (auto re = getReassociationIndicesForReshape(target, type))
      return tensor::ExpandShapeOp::create(b, loc, target, v, *re);
  // No single reshape: go through 1-D.
  auto flat = RankedTensorType::get({product(shape)}, type.getElementType());
  Value collapsed = v;
  if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < type.getRank(); ++i)
      all[0].push_back(i);
    collapsed = tensor::CollapseShapeOp::create(b, loc, flat, v, all);
  }
  if (target.getRank() == 1)
    return collapsed;
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < target.getRank(); ++i)
    all[0].push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, target, collapsed, all);
}

/// A tensor of `shape` filled with zeros of `type`.
Value zeroTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type type) {
  Value empty = createEmptyTensor(b, loc, shape, type);
  Value zero = createScalar(b, loc, type, 0);
  return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty}).getResult(0);
}

/// Inserts `src` into `dest` at static offsets/strides. The data moves with
/// a linalg.copy into an empty tensor that is then inserted:
/// eliminate-empty-tensors turns the empty into the destination's slot, so
/// the copy writes straight into the destination buffer. (A plain
/// tensor.insert_slice / tensor.pad would bufferize to a strided
/// memref.copy, which needs a runtime helper.)
Value insertByCopy(OpBuilder &b, Location loc, Value src, Value dest,
                   ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides) {
  auto type = cast<RankedTensorType>(src.getType());
  auto ofr = [&](ArrayRef<int64_t> v) {
    return llvm::map_to_vector(v, [&](int64_t i) -> OpFoldResult { return b.getIndexAttr(i); });
  };
  Value init = createEmptyTensor(b, loc, type.getShape(), type.getElementType());
  Value copied = linalg::CopyOp::create(b, loc, ValueRange{src}, ValueRange{init})->getResult(0);
  return tensor::InsertSliceOp::create(b, loc, copied, dest, ofr(offsets),
                                       ofr(type.getShape()), ofr(strides));
}

/// Elementwise conversion of a tensor from logical element type `from` to
/// `to` (e.g. the f32 accumulator back to f16); identity when equal.
Value convertTensor(OpBuilder &b, Location loc, Value t, Type from, Type to) {
  if (toSignless(from) == toSignless(to))
    return t;
  auto type = cast<RankedTensorType>(t.getType());
  return buildElementwise(b, loc, t, type.clone(toSignless(to)),
                          [&](OpBuilder &nb, Location nl, ValueRange a) {
                            return convertScalar(nb, nl, a[0], from, to);
                          });
}

/// Scalar arithmetic on the accumulator type.
Value addS(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}
Value mulS(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

/// Region body of a contraction generic: out += ext(in0) * ext(in1), with the
/// inputs of logical type `logical` extended to the accumulator type.
auto macBody(Type logical, Type acc) {
  return [logical, acc](OpBuilder &b, Location loc, ValueRange args) {
    Value x = convertScalar(b, loc, args[0], logical, acc);
    Value y = convertScalar(b, loc, args[1], logical, acc);
    linalg::YieldOp::create(b, loc, addS(b, loc, args[2], mulS(b, loc, x, y)));
  };
}

/// Fails the match unless `logical` is a float or integer element type the
/// contraction lowerings handle (not i1).
LogicalResult checkElementType(Operation *op, Type logical,
                               ConversionPatternRewriter &rewriter) {
  if (isa<FloatType>(logical) || (isa<IntegerType>(logical) && !logical.isInteger(1)))
    return success();
  return rewriter.notifyMatchFailure(op, "unsupported element type");
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

/// numpy matmul. After promoting 1-D operands ([K] -> [1, K] / [K, 1]):
///  * B without batch dims: A's batch folds into M -> one linalg.matmul;
///  * equal batch dims: one linalg.batch_matmul over the flattened batch;
///  * A without batch dims: linalg.batch_matmul whose A map broadcasts;
///  * broadcast batch dims: a contraction linalg.generic whose maps read
///    size-1 batch dims at index 0.
/// The promoted unit dims are dropped from the result at the end.
struct MatMulLowering : OpConversionPattern<o::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Type logical = getElementTypeOrSelf(op.getA().getType());
    if (logical != getElementTypeOrSelf(op.getB().getType()))
      return rewriter.notifyMatchFailure(op, "A and B element types differ");
    if (failed(checkElementType(op, logical, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Type acc = accumulatorType(logical);
    auto resultType = cast<RankedTensorType>(op.getY().getType());

    Value a = adaptor.getA(), b = adaptor.getB();
    SmallVector<int64_t> as(cast<RankedTensorType>(a.getType()).getShape());
    SmallVector<int64_t> bs(cast<RankedTensorType>(b.getType()).getShape());
    if (as.size() == 1) {
      as.insert(as.begin(), 1);
      a = reshapeTo(rewriter, loc, a, as);
    }
    if (bs.size() == 1) {
      bs.push_back(1);
      b = reshapeTo(rewriter, loc, b, bs);
    }
    int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
    ArrayRef<int64_t> aBatch = ArrayRef<int64_t>(as).drop_back(2);
    ArrayRef<int64_t> bBatch = ArrayRef<int64_t>(bs).drop_back(2);
    SmallVector<int64_t> batch = *o::broadcastShapes(aBatch, bBatch);
    SmallVector<int64_t> outShape(batch);
    outShape.append({m, n});

    // Batch shapes equal up to leading 1s need no broadcasting.
    auto dropLeadingOnes = [](ArrayRef<int64_t> s) {
      while (!s.empty() && s.front() == 1)
        s = s.drop_front();
      return s;
    };
    Value result;
    if (bBatch.empty() || product(bBatch) == 1) {
      int64_t rows = product(aBatch) * m;
      Value a2 = reshapeTo(rewriter, loc, a, {rows, k});
      Value b2 = reshapeTo(rewriter, loc, b, {k, n});
      Value init = zeroTensor(rewriter, loc, {rows, n}, acc);
      result = linalg::MatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                        ValueRange{a2, b2}, ValueRange{init})
                   .getResult(0);
    } else if (dropLeadingOnes(aBatch) == dropLeadingOnes(bBatch)) {
      int64_t p = product(batch);
      Value a3 = reshapeTo(rewriter, loc, a, {p, m, k});
      Value b3 = reshapeTo(rewriter, loc, b, {p, k, n});
      Value init = zeroTensor(rewriter, loc, {p, m, n}, acc);
      result = linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                             ValueRange{a3, b3}, ValueRange{init})
                   .getResult(0);
    } else if (product(aBatch) == 1) {
      // One A for every batch of B: batch_matmul with A's map broadcasting
      // it over the batch loop.
      int64_t p = product(batch);
      Value a2 = reshapeTo(rewriter, loc, a, {m, k});
      Value b3 = reshapeTo(rewriter, loc, b, {p, k, n});
      Value init = zeroTensor(rewriter, loc, {p, m, n}, acc);
      MLIRContext *ctx = rewriter.getContext();
      auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
      // Loops (batch, m, n, k).
      SmallVector<Attribute> maps{
          AffineMapAttr::get(AffineMap::get(4, 0, {d(1), d(3)}, ctx)),
          AffineMapAttr::get(AffineMap::get(4, 0, {d(0), d(3), d(2)}, ctx)),
          AffineMapAttr::get(AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx))};
      auto bmm = linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                               ValueRange{a2, b3}, ValueRange{init});
      bmm.setIndexingMapsAttr(rewriter.getArrayAttr(maps));
      result = bmm.getResult(0);
    } else {
      result = broadcastingMatmul(rewriter, loc, a, b, as, bs, batch, logical, acc);
    }
    result = reshapeTo(rewriter, loc, result, outShape);
    result = convertTensor(rewriter, loc, result, acc, logical);
    result = reshapeTo(rewriter, loc, result, resultType.getShape());
    rewriter.replaceOp(op, result);
    return success();
  }

  /// Loops (batch..., m, n, k); operands read broadcast batch dims at 0.
  static Value broadcastingMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                                  ArrayRef<int64_t> as, ArrayRef<int64_t> bs,
                                  ArrayRef<int64_t> batch, Type logical, Type acc) {
    MLIRContext *ctx = b.getContext();
    int64_t r = batch.size(), numLoops = r + 3;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    auto operandMap = [&](ArrayRef<int64_t> shape, AffineExpr row, AffineExpr col) {
      ArrayRef<int64_t> opBatch = shape.drop_back(2);
      int64_t off = r - opBatch.size();
      SmallVector<AffineExpr> exprs;
      for (auto [i, dim] : llvm::enumerate(opBatch))
        exprs.push_back(dim == 1 && batch[off + i] != 1 ? getAffineConstantExpr(0, ctx)
                                                        : d(off + i));
      exprs.append({row, col});
      return AffineMap::get(numLoops, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < r + 2; ++i)
      outExprs.push_back(d(i));
    SmallVector<AffineMap> maps{operandMap(as, d(r), d(r + 2)),
                                operandMap(bs, d(r + 2), d(r + 1)),
                                AffineMap::get(numLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(numLoops - 1, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    SmallVector<int64_t> outShape(batch);
    outShape.append({as[as.size() - 2], bs.back()});
    Value init = zeroTensor(b, loc, outShape, acc);
    return linalg::GenericOp::create(b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
                                     ValueRange{init}, maps, iterators, macBody(logical, acc))
        .getResult(0);
  }
};

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

/// Y = alpha * A' * B' + beta * C as one linalg.matmul whose indexing maps
/// express the transposes. When alpha == 1 the matmul accumulates directly
/// into beta * C (broadcast); otherwise an epilogue computes
/// alpha * acc + beta * C. f16/bf16 accumulate in f32.
struct GemmLowering : OpConversionPattern<o::GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::GemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Type logical = getElementTypeOrSelf(op.getA().getType());
    if (failed(checkElementType(op, logical, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type acc = accumulatorType(logical);
    auto resultType = cast<RankedTensorType>(op.getY().getType());
    int64_t m = resultType.getDimSize(0), n = resultType.getDimSize(1);
    double alpha = op.getAlpha().convertToDouble(), beta = op.getBeta().convertToDouble();
    bool hasC = !o::isNone(op.getC()) && beta != 0;
    Type cLogical = hasC ? getElementTypeOrSelf(op.getC().getType()) : logical;
    auto outType = RankedTensorType::get({m, n}, acc);

    // beta * C broadcast to [M, N], in the accumulator type.
    auto scaledC = [&](OpBuilder &b, Location l, Value c) {
      Value v = convertScalar(b, l, c, cLogical, acc);
      return beta == 1 ? v : mulS(b, l, v, createScalar(b, l, acc, beta));
    };
    Value init;
    if (hasC && alpha == 1)
      init = buildElementwise(rewriter, loc, adaptor.getC(), outType,
                              [&](OpBuilder &b, Location l, ValueRange a) {
                                return scaledC(b, l, a[0]);
                              });
    else
      init = zeroTensor(rewriter, loc, {m, n}, acc);

    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    auto map = [&](AffineExpr x, AffineExpr y) { return AffineMap::get(3, 0, {x, y}, ctx); };
    // Loops (m, n, k).
    SmallVector<Attribute> maps{
        AffineMapAttr::get(op.getTransA() ? map(d(2), d(0)) : map(d(0), d(2))),
        AffineMapAttr::get(op.getTransB() ? map(d(1), d(2)) : map(d(2), d(1))),
        AffineMapAttr::get(map(d(0), d(1)))};
    auto matmul = linalg::MatmulOp::create(rewriter, loc, TypeRange{outType},
                                           ValueRange{adaptor.getA(), adaptor.getB()},
                                           ValueRange{init});
    matmul.setIndexingMapsAttr(rewriter.getArrayAttr(maps));
    Value result = matmul.getResult(0);

    if (alpha != 1) {
      SmallVector<Value> inputs{result};
      if (hasC)
        inputs.push_back(adaptor.getC());
      result = buildElementwise(rewriter, loc, inputs, outType,
                                [&](OpBuilder &b, Location l, ValueRange a) {
                                  Value r = mulS(b, l, a[0], createScalar(b, l, acc, alpha));
                                  return hasC ? addS(b, l, r, scaledC(b, l, a[1])) : r;
                                });
    }
    result = convertTensor(rewriter, loc, result, acc, logical);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

/// The init of a convolution's accumulator [N, M, O...]: the bias B[m]
/// broadcast (converted to `acc`), or zeros when there is no bias.
Value convInit(OpBuilder &b, Location loc, Value bias, Type biasLogical,
               ArrayRef<int64_t> outShape, Type acc) {
  if (!bias)
    return zeroTensor(b, loc, outShape, acc);
  MLIRContext *ctx = b.getContext();
  int64_t rank = outShape.size();
  SmallVector<AffineMap> maps{AffineMap::get(rank, 0, getAffineDimExpr(1, ctx), ctx),
                              AffineMap::getMultiDimIdentityMap(rank, ctx)};
  Value empty = createEmptyTensor(b, loc, outShape, acc);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{empty.getType()}, ValueRange{bias}, ValueRange{empty}, maps,
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       convertScalar(nb, nl, args[0], biasLogical, acc));
             })
      .getResult(0);
}

/// A cross-correlation of an already padded X [N, C, D...] with
/// W [M, C/group, k...], accumulating into `init` [N, M, O...] (accumulator
/// type). Uses the linalg named convolution when one matches (group 1,
/// depthwise, 2-D grouped) and a linalg.generic otherwise.
Value buildConvolution(OpBuilder &b, Location loc, Value x, Value w, Value init,
                       int64_t group, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> dilations, Type logical) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t n = xType.getRank() - 2, c = xType.getDimSize(1), m = wType.getDimSize(0);
  Type acc = initType.getElementType();
  DenseIntElementsAttr stridesAttr = b.getI64TensorAttr(strides);
  DenseIntElementsAttr dilationsAttr = b.getI64TensorAttr(dilations);
  // Owning storage: a ValueRange/TypeRange over a braced list would dangle.
  SmallVector<Type> resultTypes{initType};

  if (group == 1) {
    SmallVector<Value> ins{x, w}, outs{init};
    if (n == 1)
      return linalg::Conv1DNcwFcwOp::create(b, loc, resultTypes, ins, outs, stridesAttr,
                                            dilationsAttr)
          .getResult(0);
    if (n == 2)
      return linalg::Conv2DNchwFchwOp::create(b, loc, resultTypes, ins, outs, stridesAttr,
                                              dilationsAttr)
          .getResult(0);
    if (n == 3)
      return linalg::Conv3DNcdhwFcdhwOp::create(b, loc, resultTypes, ins, outs,
                                                stridesAttr, dilationsAttr)
          .getResult(0);
  }
  if (group == c && m == c && n <= 3) {
    // Depthwise with multiplier 1: W [C, 1, k...] -> [C, k...].
    SmallVector<int64_t> dwShape{c};
    llvm::append_range(dwShape, wType.getShape().drop_front(2));
    Value dw = reshapeTo(b, loc, w, dwShape);
    SmallVector<Value> ins{x, dw}, outs{init};
    if (n == 1)
      return linalg::DepthwiseConv1DNcwCwOp::create(b, loc, resultTypes, ins, outs,
                                                    stridesAttr, dilationsAttr)
          .getResult(0);
    if (n == 2)
      return linalg::DepthwiseConv2DNchwChwOp::create(b, loc, resultTypes, ins, outs,
                                                      stridesAttr, dilationsAttr)
          .getResult(0);
    return linalg::DepthwiseConv3DNcdhwCdhwOp::create(b, loc, resultTypes, ins, outs,
                                                      stridesAttr, dilationsAttr)
        .getResult(0);
  }

  // Grouped: split the channel dims into (group, channels per group).
  auto splitChannels = [&](Value v, int64_t dim, int64_t total) {
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    SmallVector<int64_t> split(shape.take_front(dim));
    split.append({group, total / group});
    llvm::append_range(split, shape.drop_front(dim + 1));
    return reshapeTo(b, loc, v, split);
  };
  Value xg = splitChannels(x, 1, c);         // [N, G, C/G, D...]
  Value wg = splitChannels(w, 0, m);         // [G, M/G, C/G, k...]
  Value initg = splitChannels(init, 1, m);   // [N, G, M/G, O...]
  Value result;
  if (n == 2) {
    result = linalg::Conv2DNgchwGfchwOp::create(b, loc, TypeRange{initg.getType()},
                                                ValueRange{xg, wg}, ValueRange{initg},
                                                stridesAttr, dilationsAttr)
                 .getResult(0);
  } else {
    // Loops: (n, g, m, o_1..o_n | c, k_1..k_n).
    MLIRContext *ctx = b.getContext();
    int64_t numLoops = 3 + n + 1 + n;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    int64_t cLoop = 3 + n, kLoop = 4 + n;
    SmallVector<AffineExpr> xExprs{d(0), d(1), d(cLoop)}, wExprs{d(1), d(2), d(cLoop)},
        oExprs{d(0), d(1), d(2)};
    for (int64_t i = 0; i < n; ++i) {
      xExprs.push_back(d(3 + i) * strides[i] + d(kLoop + i) * dilations[i]);
      wExprs.push_back(d(kLoop + i));
      oExprs.push_back(d(3 + i));
    }
    SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, xExprs, ctx),
                                AffineMap::get(numLoops, 0, wExprs, ctx),
                                AffineMap::get(numLoops, 0, oExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(3 + n, utils::IteratorType::parallel);
    iterators.append(1 + n, utils::IteratorType::reduction);
    result = linalg::GenericOp::create(b, loc, TypeRange{initg.getType()},
                                       ValueRange{xg, wg}, ValueRange{initg}, maps,
                                       iterators, macBody(logical, acc))
                 .getResult(0);
  }
  return reshapeTo(b, loc, result, initType.getShape());
}

/// Zero-pads the spatial dims of X [N, C, D...] by pads [begin..., end...].
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads) {
  int64_t n = pads.size() / 2;
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape()), offsets{0, 0};
  for (int64_t i = 0; i < n; ++i) {
    shape[2 + i] += pads[i] + pads[n + i];
    offsets.push_back(pads[i]);
  }
  Value zeros = zeroTensor(b, loc, shape, type.getElementType());
  return insertByCopy(b, loc, x, zeros, offsets, SmallVector<int64_t>(n + 2, 1));
}

struct ConvLowering : OpConversionPattern<o::ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::ConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    // ONNX's Conv is float-only; integer (int32) Conv comes from the
    // ConvInteger / QLinearConv expansions and accumulates in its width.
    Type logical = getElementTypeOrSelf(op.getX().getType());
    if (failed(checkElementType(op, logical, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Type acc = accumulatorType(logical);
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto resultType = cast<RankedTensorType>(op.getY().getType());

    SmallVector<int64_t> pads = op.getResolvedPads(xType.getShape().drop_front(2));
    Value x = padSpatial(rewriter, loc, adaptor.getX(), pads);
    Value bias = o::isNone(op.getB()) ? Value() : adaptor.getB();
    Type biasLogical = bias ? getElementTypeOrSelf(op.getB().getType()) : logical;
    Value init = convInit(rewriter, loc, bias, biasLogical, resultType.getShape(), acc);
    Value result = buildConvolution(rewriter, loc, x, adaptor.getW(), init, op.getGroup(),
                                    op.getStridesOrDefault(), op.getDilationsOrDefault(),
                                    logical);
    result = convertTensor(rewriter, loc, result, acc, logical);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// One output phase of a transposed convolution along one spatial axis.
///
/// Along an axis with stride s, dilation d, kernel size K and begin padding
/// p, output o receives x[i] * w[k] for every o + p = i*s + k*d. Outputs
/// with (o + p) mod s == r (the phase r) are o = o0 + t*s, and only the taps
/// k with k*d mod s == r reach them: k = k0 + j*step (step = s/gcd(s, d)),
/// for which i = t + base + (J-1-j) * (d/gcd(s, d)). So each phase is a plain
/// stride-1 correlation of X (offset by `base`) with the sub-kernel
/// w[k0 + (J-1-j)*step], dilation d/gcd(s, d). No multiplication by the
/// zeros a zero-stuffed input would have.
struct AxisPhase {
  int64_t stride = 1;
  int64_t o0 = 0, count = 0;  // outputs o0, o0 + s, ... (count of them)
  int64_t k0 = 0, step = 1, taps = 0; // kernel taps k0 + j*step, j < taps
  int64_t dilation = 1;       // of the sub-kernel over X
  int64_t base = 0;           // X index read by t = 0, j = 0
};

AxisPhase axisPhase(int64_t r, int64_t s, int64_t d, int64_t k, int64_t padBegin,
                    int64_t out) {
  AxisPhase ph;
  int64_t g = std::gcd(s, d);
  ph.stride = s;
  ph.o0 = llvm::mod(r - padBegin, s);
  ph.count = ph.o0 < out ? llvm::divideCeil(out - ph.o0, s) : 0;
  ph.step = s / g;
  ph.dilation = d / g;
  ph.k0 = -1;
  for (int64_t kk = 0; kk < std::min(k, ph.step); ++kk)
    if ((kk * d) % s == r) {
      ph.k0 = kk;
      break;
    }
  if (ph.k0 < 0)
    return ph; // no tap reaches this phase
  ph.taps = (k - 1 - ph.k0) / ph.step + 1;
  int64_t a0 = (ph.k0 * d - r) / s;           // exact: k0*d = r (mod s)
  int64_t c0 = (ph.o0 + padBegin - r) / s;    // exact: o0 + p = r (mod s)
  ph.base = c0 - a0 - (ph.taps - 1) * ph.dilation;
  return ph;
}

/// ConvTranspose as one stride-1 correlation per output phase (the
/// combinations of per-axis phases, prod(strides) of them): each reads the
/// (zero-padded) input and a flipped, channel-swapped sub-kernel
/// ([C, M/G, k...] -> [M, C/G, taps...]) and writes the strided slice of the
/// output it owns, in place. Outputs that no kernel tap reaches keep the
/// bias. With stride 1 this is a single correlation with the flipped kernel.
struct ConvTransposeLowering : OpConversionPattern<o::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::ConvTransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Type logical = getElementTypeOrSelf(op.getX().getType());
    if (!isa<FloatType>(logical))
      return rewriter.notifyMatchFailure(op, "ConvTranspose is defined on float types only");
    Location loc = op.getLoc();
    Type acc = accumulatorType(logical);
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = cast<RankedTensorType>(adaptor.getW().getType());
    auto resultType = cast<RankedTensorType>(op.getY().getType());
    int64_t n = xType.getRank() - 2, batch = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t group = op.getGroup(), mg = wType.getDimSize(1), cg = c / group;
    ArrayRef<int64_t> in = xType.getShape().drop_front(2);
    ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
    SmallVector<int64_t> strides = op.getStridesOrDefault();
    SmallVector<int64_t> dilations = op.getDilationsOrDefault();
    SmallVector<int64_t> pads, outSpatial;
    op.getResolvedPadsAndOutputShape(in, pads, outSpatial);
    if (outSpatial != ArrayRef<int64_t>(resultType.getShape().drop_front(2)))
      return rewriter.notifyMatchFailure(op, "output shape disagrees with the attributes");

    Value bias = o::isNone(op.getB()) ? Value() : adaptor.getB();
    Type biasLogical = bias ? getElementTypeOrSelf(op.getB().getType()) : logical;
    Value out = convInit(rewriter, loc, bias, biasLogical, resultType.getShape(), acc);
    // W [C, M/G, k...] viewed as [G, C/G, M/G, k...].
    SmallVector<int64_t> wSplit{group, cg, mg};
    llvm::append_range(wSplit, kernel);
    Value w = reshapeTo(rewriter, loc, adaptor.getW(), wSplit);

    // Iterate over the phase combinations (odometer over per-axis phases).
    SmallVector<int64_t> r(n, 0);
    while (true) {
      SmallVector<AxisPhase> ph;
      bool empty = false;
      for (int64_t i = 0; i < n; ++i) {
        ph.push_back(axisPhase(r[i], strides[i], dilations[i], kernel[i], pads[i],
                               outSpatial[i]));
        empty |= ph.back().count == 0 || ph.back().taps == 0;
      }
      if (!empty)
        out = buildPhase(rewriter, loc, adaptor.getX(), w, out, ph, group, logical);
      int64_t i = n - 1;
      while (i >= 0 && ++r[i] == strides[i])
        r[i--] = 0;
      if (i < 0)
        break;
    }
    out = convertTensor(rewriter, loc, out, acc, logical);
    rewriter.replaceOp(op, out);
    return success();
  }

  /// Accumulates one phase into its strided slice of `out` [N, M, O...].
  static Value buildPhase(OpBuilder &b, Location loc, Value x, Value wSplit, Value out,
                          ArrayRef<AxisPhase> ph, int64_t group, Type logical) {
    MLIRContext *ctx = b.getContext();
    auto xType = cast<RankedTensorType>(x.getType());
    auto wType = cast<RankedTensorType>(wSplit.getType()); // [G, C/G, M/G, k...]
    auto outType = cast<RankedTensorType>(out.getType());
    int64_t n = ph.size(), batch = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t cg = wType.getDimSize(1), mg = wType.getDimSize(2);
    auto ofr = [&](ArrayRef<int64_t> v) {
      return llvm::map_to_vector(v, [&](int64_t i) -> OpFoldResult { return b.getIndexAttr(i); });
    };

    // Input window: X[base + t + j*dilation], zero outside X.
    SmallVector<int64_t> winShape{batch, c}, srcOff{0, 0}, srcSize{batch, c}, dstOff{0, 0};
    bool inside = true; // the window lies within X: a slice of X suffices
    for (auto [i, p] : llvm::enumerate(ph)) {
      int64_t len = p.count + (p.taps - 1) * p.dilation, size = xType.getDimSize(2 + i);
      int64_t from = std::max<int64_t>(0, p.base), to = std::min(size, p.base + len);
      if (to <= from)
        return out; // reads only zeros
      winShape.push_back(len);
      srcOff.push_back(from);
      srcSize.push_back(to - from);
      dstOff.push_back(from - p.base);
      inside &= from == p.base && to - from == len;
    }
    Value window = x;
    if (!llvm::equal(ArrayRef<int64_t>(srcSize), xType.getShape()))
      window = tensor::ExtractSliceOp::create(b, loc, x, ofr(srcOff), ofr(srcSize),
                                              ofr(SmallVector<int64_t>(n + 2, 1)));
    if (!inside) {
      Value src = window;
      window = zeroTensor(b, loc, winShape, xType.getElementType());
      window = insertByCopy(b, loc, src, window, dstOff, SmallVector<int64_t>(n + 2, 1));
    }

    // Sub-kernel W'[g, m, c, j...] = W[g, c, m, k0 + (taps-1-j)*step], then
    // [M, C/G, taps...].
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> readExprs{d(0), d(2), d(1)};
    SmallVector<int64_t> subShape{group, mg, cg}, convShape{group * mg, cg};
    for (auto [i, p] : llvm::enumerate(ph)) {
      readExprs.push_back(getAffineConstantExpr(p.k0 + (p.taps - 1) * p.step, ctx) -
                          d(3 + i) * p.step);
      subShape.push_back(p.taps);
      convShape.push_back(p.taps);
    }
    SmallVector<AffineMap> maps{AffineMap::get(n + 3, 0, readExprs, ctx),
                                AffineMap::getMultiDimIdentityMap(n + 3, ctx)};
    Value subEmpty = createEmptyTensor(b, loc, subShape, wType.getElementType());
    Value sub =
        linalg::GenericOp::create(
            b, loc, TypeRange{subEmpty.getType()}, ValueRange{wSplit}, ValueRange{subEmpty},
            maps, SmallVector<utils::IteratorType>(n + 3, utils::IteratorType::parallel),
            [](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(nb, l, args[0]);
            })
            .getResult(0);
    sub = reshapeTo(b, loc, sub, convShape);

    // Accumulate into the phase's strided slice of the output, in place
    // (the slice starts as the bias).
    SmallVector<int64_t> offs{0, 0}, sizes{batch, outType.getDimSize(1)}, steps{1, 1},
        dil;
    for (const AxisPhase &p : ph) {
      offs.push_back(p.o0);
      sizes.push_back(p.count);
      steps.push_back(p.stride);
      dil.push_back(p.dilation);
    }
    Value slice = tensor::ExtractSliceOp::create(b, loc, out, ofr(offs), ofr(sizes), ofr(steps));
    Value conv = buildConvolution(b, loc, window, sub, slice, group,
                                  SmallVector<int64_t>(n, 1), dil, logical);
    return tensor::InsertSliceOp::create(b, loc, conv, out, ofr(offs), ofr(sizes), ofr(steps));
  }
};

} // namespace

void steed::populateMatmulConvLoweringPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering, ConvLowering, ConvTransposeLowering>(
      converter, patterns.getContext());
}
