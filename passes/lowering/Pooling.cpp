//===- Pooling.cpp - Lowering of pooling, Pad and Resize onnx ops ---------===//
//
// * MaxPool / AveragePool / LpPool / Global*Pool: padding (explicit pads
//   plus the extra end padding ceil_mode needs), then one linalg.generic
//   with window indexing maps (input (n, c, o*s + w*d), a window-shaped
//   tensor that only bounds the w loops, linalg.fill'ed accumulator), then an
//   elementwise epilogue (average divisor, Lp root, f16/bf16 truncation).
//   The average divisors depend on how many window elements are padding; all
//   shapes are static, so they are computed here and become a constant.
// * Pad: constant mode is tensor.extract_slice (negative pads crop) +
//   padding; reflect/edge/wrap gather through per-axis index tables.
// Padding is linalg.fill + linalg.copy into the interior slice, which
// bufferizes in place (tensor.pad would leave a strided memref.copy).
// * Resize: every mode is separable, so the coordinate transformation and
//   interpolation coefficients of each axis are computed here, exactly as
//   the ONNX reference does in float64, into constant tables: nearest is a
//   gather, linear/cubic (and antialias) a weighted sum over the taps of
//   each resized axis (one reduction loop per resized axis).
//
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/IR/TypeUtilities.h"
#include <cmath>

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The smallest value of a logical element type: -inf, INT_MIN, or 0 for
/// unsigned/bool.
Value lowestValue(OpBuilder &b, Location loc, Type logical) {
  if (auto f = dyn_cast<FloatType>(logical))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(), /*Negative=*/true)));
  unsigned width = logical.getIntOrFloatBitWidth();
  APInt v = logical.isUnsignedInteger() || width == 1 ? APInt::getZero(width)
                                                      : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(toSignless(logical), v));
}

/// `x` padded by static `low`/`high` with `padValue`; `x` itself when
/// nothing is padded. Built as fill + linalg.copy into the interior slice
/// (rather than tensor.pad) so that bufferization writes the interior in
/// place and needs no strided memref.copy.
Value padStatic(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> low,
                ArrayRef<int64_t> high, Value padValue) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape, strides(type.getRank(), 1);
  for (int64_t i = 0; i < type.getRank(); ++i)
    shape.push_back(type.getDimSize(i) + low[i] + high[i]);
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  Value filled = linalg::FillOp::create(b, loc, padValue, init).getResult(0);
  Value interior = tensor::ExtractSliceOp::create(b, loc, type, filled, ValueRange{},
                                                  ValueRange{}, ValueRange{}, low,
                                                  type.getShape(), strides);
  Value copied = linalg::CopyOp::create(b, loc, x, interior).getResult(0);
  return tensor::InsertSliceOp::create(b, loc, copied, filled, ValueRange{}, ValueRange{},
                                       ValueRange{}, low, type.getShape(), strides);
}

Value constI64Tensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

Value constFloatTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, FloatType t,
                       ArrayRef<double> values) {
  SmallVector<APFloat> converted;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(t.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    converted.push_back(f);
  }
  auto type = RankedTensorType::get(shape, t);
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, converted));
}

Value toIndex(OpBuilder &b, Location loc, Value v) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

/// f16/bf16 compute in f32; other floats in themselves.
Type floatComputeType(Type logical) {
  if (isa<Float16Type, BFloat16Type>(logical))
    return Float32Type::get(logical.getContext());
  return logical;
}

//===----------------------------------------------------------------------===//
// Windowed pooling
//===----------------------------------------------------------------------===//

enum class PoolKind { Max, Average, Lp };

struct PoolSpec {
  PoolKind kind;
  SmallVector<int64_t> kernel, strides, dilations, pads, outSpatial;
  bool countIncludePad = false;
  int64_t p = 2;
  int64_t storageOrder = 0;
  bool withIndices = false;
};

/// Per output position, how many window elements the average divides by:
/// the elements inside the input (or inside the explicitly padded input for
/// count_include_pad). Separable, so the count is a product over dims.
SmallVector<double> averageDivisors(ArrayRef<int64_t> inSpatial, const PoolSpec &s) {
  size_t k = inSpatial.size();
  SmallVector<SmallVector<int64_t>> perDim(k);
  for (size_t i = 0; i < k; ++i) {
    int64_t lo = s.countIncludePad ? -s.pads[i] : 0;
    int64_t hi = s.countIncludePad ? inSpatial[i] + s.pads[i + k] : inSpatial[i];
    for (int64_t o = 0; o < s.outSpatial[i]; ++o) {
      int64_t count = 0;
      for (int64_t w = 0; w < s.kernel[i]; ++w) {
        int64_t pos = o * s.strides[i] + w * s.dilations[i] - s.pads[i];
        count += pos >= lo && pos < hi;
      }
      perDim[i].push_back(count);
    }
  }
  SmallVector<double> table{1.0};
  for (size_t i = 0; i < k; ++i) {
    SmallVector<double> next;
    for (double t : table)
      for (int64_t c : perDim[i])
        next.push_back(t * (double)c);
    table = std::move(next);
  }
  return table;
}

/// Lowers a pooling op over static `x` (converted operand) with logical
/// element type `logical`. Returns Y and, for withIndices, Indices.
SmallVector<Value> buildWindowPool(OpBuilder &b, Location loc, Value x, Type logical,
                                   const PoolSpec &s) {
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  ArrayRef<int64_t> inShape = xType.getShape();
  size_t k = inShape.size() - 2;
  bool isFloat = isa<FloatType>(logical), isUnsigned = logical.isUnsignedInteger();
  Type elem = toSignless(logical);
  Type acc = s.kind == PoolKind::Max ? elem : floatComputeType(logical);

  // Pad: the explicit begin pads, and at the end whatever the last window
  // reaches past the input (the end pads, or more in ceil mode).
  SmallVector<int64_t> low(inShape.size(), 0), high(inShape.size(), 0);
  for (size_t i = 0; i < k; ++i) {
    int64_t last = (s.outSpatial[i] - 1) * s.strides[i] +
                   (s.kernel[i] - 1) * s.dilations[i] - s.pads[i];
    low[i + 2] = s.pads[i];
    high[i + 2] = std::max<int64_t>(0, last - (inShape[i + 2] - 1));
  }
  Value padValue = s.kind == PoolKind::Max ? lowestValue(b, loc, logical)
                                           : createScalar(b, loc, elem, 0);
  Value padded = padStatic(b, loc, x, low, high, padValue);

  // Loops: n, c, o_1..o_k (parallel), w_1..w_k (reduction).
  unsigned numLoops = 2 + 2 * k;
  SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
  SmallVector<AffineExpr> windowExprs, outExprs{getAffineDimExpr(0, ctx),
                                                getAffineDimExpr(1, ctx)};
  for (size_t i = 0; i < k; ++i) {
    AffineExpr od = getAffineDimExpr(2 + i, ctx), wd = getAffineDimExpr(2 + k + i, ctx);
    inExprs.push_back(od * s.strides[i] + wd * s.dilations[i]);
    windowExprs.push_back(wd);
    outExprs.push_back(od);
  }
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inExprs, ctx),
                              AffineMap::get(numLoops, 0, windowExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(2 + k, utils::IteratorType::parallel);
  iterators.append(k, utils::IteratorType::reduction);

  SmallVector<int64_t> outShape{inShape[0], inShape[1]};
  outShape.append(s.outSpatial);
  // The window operand only gives the w loops their bounds.
  Value window = createEmptyTensor(b, loc, s.kernel, acc);
  Value init = createEmptyTensor(b, loc, outShape, acc);
  Value neutral = s.kind == PoolKind::Max ? padValue : createScalar(b, loc, acc, 0);
  SmallVector<Value> inits{linalg::FillOp::create(b, loc, neutral, init).getResult(0)};
  SmallVector<Type> resultTypes{init.getType()};
  if (s.withIndices) {
    Value idxInit = createEmptyTensor(b, loc, outShape, b.getI64Type());
    inits.push_back(
        linalg::FillOp::create(b, loc, createScalar(b, loc, b.getI64Type(), 0), idxInit)
            .getResult(0));
    resultTypes.push_back(idxInit.getType());
  }
  for (size_t i = 0; i < inits.size(); ++i)
    maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));

  auto generic = linalg::GenericOp::create(
      b, loc, resultTypes, ValueRange{padded, window}, inits, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = args[0], cur = args[2];
        if (s.kind == PoolKind::Max) {
          if (!s.withIndices) {
            Value m = isFloat ? (Value)arith::MaximumFOp::create(nb, nloc, cur, v)
                      : isUnsigned ? (Value)arith::MaxUIOp::create(nb, nloc, cur, v)
                                   : (Value)arith::MaxSIOp::create(nb, nloc, cur, v);
            linalg::YieldOp::create(nb, nloc, m);
            return;
          }
          // Strictly greater: the first maximum in window order wins.
          Value gt = isFloat ? (Value)arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OGT, v, cur)
                             : (Value)arith::CmpIOp::create(
                                   nb, nloc,
                                   isUnsigned ? arith::CmpIPredicate::ugt
                                              : arith::CmpIPredicate::sgt,
                                   v, cur);
          // Flat index of the element in the unpadded input.
          auto idx = [&](unsigned d) { return linalg::IndexOp::create(nb, nloc, d); };
          auto cst = [&](int64_t c) {
            return arith::ConstantIndexOp::create(nb, nloc, c).getResult();
          };
          auto mul = [&](Value a, Value c) { return arith::MulIOp::create(nb, nloc, a, c).getResult(); };
          auto add = [&](Value a, Value c) { return arith::AddIOp::create(nb, nloc, a, c).getResult(); };
          SmallVector<Value> pos;
          int64_t spatialSize = 1;
          for (size_t i = 0; i < k; ++i) {
            Value p = add(mul(idx(2 + i), cst(s.strides[i])),
                          mul(idx(2 + k + i), cst(s.dilations[i])));
            pos.push_back(arith::SubIOp::create(nb, nloc, p, cst(s.pads[i])));
            spatialSize *= inShape[2 + i];
          }
          Value flat = cst(0);
          if (s.storageOrder == 0) {
            for (size_t i = 0; i < k; ++i)
              flat = add(mul(flat, cst(inShape[2 + i])), pos[i]);
          } else { // column-major over the spatial dims
            for (size_t i = k; i-- > 0;)
              flat = add(mul(flat, cst(inShape[2 + i])), pos[i]);
          }
          Value plane = add(mul(idx(0), cst(inShape[1])), idx(1));
          flat = add(mul(plane, cst(spatialSize)), flat);
          Value flat64 = arith::IndexCastOp::create(nb, nloc, nb.getI64Type(), flat);
          linalg::YieldOp::create(nb, nloc,
                                  ValueRange{arith::SelectOp::create(nb, nloc, gt, v, cur),
                                             arith::SelectOp::create(nb, nloc, gt, flat64, args[3])});
          return;
        }
        Value e = convertScalar(nb, nloc, v, logical, acc);
        if (s.kind == PoolKind::Lp) {
          e = math::AbsFOp::create(nb, nloc, e);
          if (s.p == 2)
            e = arith::MulFOp::create(nb, nloc, e, e);
          else if (s.p != 1)
            e = math::PowFOp::create(nb, nloc, e, createScalar(nb, nloc, acc, (double)s.p));
        }
        linalg::YieldOp::create(nb, nloc, arith::AddFOp::create(nb, nloc, cur, e).getResult());
      });
  SmallVector<Value> results(generic.getResults());
  if (s.kind == PoolKind::Max)
    return results;

  // Epilogue: average divisor or Lp root, then back to the element type.
  auto outType = RankedTensorType::get(outShape, elem);
  SmallVector<Value> inputs{results[0]};
  std::optional<double> uniform;
  if (s.kind == PoolKind::Average) {
    SmallVector<double> divisors = averageDivisors(inShape.drop_front(2), s);
    if (llvm::all_equal(divisors)) {
      uniform = divisors[0];
    } else {
      SmallVector<int64_t> shape{1, 1};
      shape.append(s.outSpatial);
      inputs.push_back(constFloatTensor(b, loc, shape, cast<FloatType>(acc), divisors));
    }
  }
  Value y = buildElementwise(
      b, loc, inputs, outType, [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
        Value r = a[0];
        if (s.kind == PoolKind::Average) {
          Value d = uniform ? createScalar(nb, nloc, acc, *uniform) : a[1];
          r = arith::DivFOp::create(nb, nloc, r, d);
        } else if (s.p == 2) {
          r = math::SqrtOp::create(nb, nloc, r);
        } else if (s.p != 1) {
          r = math::PowFOp::create(nb, nloc, r, createScalar(nb, nloc, acc, 1.0 / (double)s.p));
        }
        return convertScalar(nb, nloc, r, acc, logical);
      });
  return {y};
}

/// Checks the element type a pooling kind supports.
LogicalResult checkPoolType(Operation *op, PoolKind kind, Type logical,
                            ConversionPatternRewriter &rewriter) {
  if (kind != PoolKind::Max && !isa<FloatType>(logical))
    return rewriter.notifyMatchFailure(op, "average/Lp pooling needs a float input");
  if (kind == PoolKind::Max && !logical.isIntOrFloat())
    return rewriter.notifyMatchFailure(op, "unsupported element type");
  return success();
}

/// True when nothing reads `v`: no uses, or only the yield of a kernel
/// group whose corresponding result is itself unused (kernel formation
/// yields every result of the op it wraps).
bool isDead(Value v) {
  for (OpOperand &use : v.getUses()) {
    auto yield = dyn_cast<exec::YieldOp>(use.getOwner());
    if (!yield)
      return false;
    auto group = cast<exec::GroupOp>(yield->getParentOp());
    if (!group->getResult(use.getOperandNumber()).use_empty())
      return false;
  }
  return true;
}

template <typename OpTy>
struct WindowPoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    PoolSpec s;
    if constexpr (std::is_same_v<OpTy, o::MaxPoolOp>) {
      s.kind = PoolKind::Max;
      s.storageOrder = op.getStorageOrder();
      s.withIndices = !isDead(op.getIndices());
    } else if constexpr (std::is_same_v<OpTy, o::AveragePoolOp>) {
      s.kind = PoolKind::Average;
      s.countIncludePad = op.getCountIncludePad() != 0;
    } else {
      s.kind = PoolKind::Lp;
      s.p = op.getP();
    }
    Type logical = getElementTypeOrSelf(op.getX().getType());
    if (failed(checkPoolType(op, s.kind, logical, rewriter)))
      return failure();
    if (failed(op.resolveWindow(s.kernel, s.strides, s.dilations, s.pads, s.outSpatial)))
      return failure();
    auto declared = cast<RankedTensorType>(op.getY().getType()).getShape().drop_front(2);
    if (declared != ArrayRef<int64_t>(s.outSpatial))
      return rewriter.notifyMatchFailure(op, "result type disagrees with the window");
    SmallVector<Value> results =
        buildWindowPool(rewriter, op.getLoc(), adaptor.getX(), logical, s);
    if constexpr (std::is_same_v<OpTy, o::MaxPoolOp>) {
      if (!s.withIndices) { // Indices is dead: not computed.
        Value none;
        if (!op.getIndices().use_empty())
          none = createEmptyTensor(
              rewriter, op.getLoc(),
              cast<RankedTensorType>(op.getIndices().getType()).getShape(),
              rewriter.getI64Type());
        results.push_back(none);
      }
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Global pooling is windowed pooling with the whole spatial extent as window.
template <typename OpTy, PoolKind Kind>
struct GlobalPoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Type logical = getElementTypeOrSelf(op.getX().getType());
    if (failed(checkPoolType(op, Kind, logical, rewriter)))
      return failure();
    auto shape = cast<RankedTensorType>(op.getX().getType()).getShape();
    size_t k = shape.size() - 2;
    PoolSpec s;
    s.kind = Kind;
    s.kernel.assign(shape.begin() + 2, shape.end());
    s.strides.assign(k, 1);
    s.dilations.assign(k, 1);
    s.pads.assign(2 * k, 0);
    s.outSpatial.assign(k, 1);
    if constexpr (std::is_same_v<OpTy, o::GlobalLpPoolOp>)
      s.p = op.getP();
    rewriter.replaceOp(op, buildWindowPool(rewriter, op.getLoc(), adaptor.getX(), logical, s));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Gather through per-axis index tables (Pad reflect/edge/wrap, nearest Resize)
//===----------------------------------------------------------------------===//

/// Per output axis: nullopt when the output index is the input index, else
/// the input index for each output index; -1 marks "outside", which reads
/// `outsideValue` instead.
using AxisTable = std::optional<SmallVector<int64_t>>;

Value buildGather(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> outShape,
                  ArrayRef<AxisTable> tables, Value outsideValue) {
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  unsigned rank = outShape.size();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<int> inputOfAxis(rank, -1);
  SmallVector<bool> hasOutside(rank, false);
  for (unsigned d = 0; d < rank; ++d) {
    if (!tables[d])
      continue;
    inputOfAxis[d] = inputs.size();
    hasOutside[d] = llvm::is_contained(*tables[d], -1);
    inputs.push_back(constI64Tensor(b, loc, {outShape[d]}, *tables[d]));
    maps.push_back(AffineMap::get(rank, 0, {getAffineDimExpr(d, ctx)}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value init = createEmptyTensor(b, loc, outShape, xType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> indices;
        Value outside, zero;
        for (unsigned d = 0; d < rank; ++d) {
          if (inputOfAxis[d] < 0) {
            indices.push_back(linalg::IndexOp::create(nb, nloc, d));
            continue;
          }
          Value i = args[inputOfAxis[d]];
          if (hasOutside[d]) {
            if (!zero)
              zero = createScalar(nb, nloc, nb.getI64Type(), 0);
            Value isOut = arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::slt, i, zero);
            outside = outside ? (Value)arith::OrIOp::create(nb, nloc, outside, isOut) : isOut;
            i = arith::MaxSIOp::create(nb, nloc, i, zero); // a valid index to read
          }
          indices.push_back(toIndex(nb, nloc, i));
        }
        Value v = tensor::ExtractOp::create(nb, nloc, x, indices);
        if (outside)
          v = arith::SelectOp::create(nb, nloc, outside, outsideValue, v);
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// The input index read by output index `o` of an axis of size `size` with
/// begin pad `pb`, for reflect/edge/wrap.
int64_t padSourceIndex(StringRef mode, int64_t o, int64_t pb, int64_t size) {
  int64_t i = o - pb;
  if (i >= 0 && i < size)
    return i;
  if (mode == "edge")
    return std::clamp<int64_t>(i, 0, size - 1);
  if (mode == "wrap")
    return ((i % size) + size) % size;
  // reflect: mirror at the edges without repeating them (period 2*(size-1)).
  if (size == 1)
    return 0;
  int64_t period = 2 * (size - 1);
  i = ((i % period) + period) % period;
  return i < size ? i : period - i;
}

/// The pad value as a scalar of the (converted) element type.
Value padScalar(OpBuilder &b, Location loc, o::PadOp op, Value converted, Type logical) {
  Type elem = toSignless(logical);
  if (o::isNone(op.getConstantValue()))
    return createScalar(b, loc, elem, 0);
  if (isa<IntegerType>(elem))
    if (auto ints = o::getConstantInts(op.getConstantValue()); ints && ints->size() == 1)
      return arith::ConstantOp::create(b, loc, b.getIntegerAttr(elem, (*ints)[0]));
  if (isa<FloatType>(elem))
    if (auto fs = o::getConstantFloats(op.getConstantValue()); fs && fs->size() == 1)
      return createScalar(b, loc, elem, (*fs)[0]);
  // A runtime scalar (0-D, or a one-element 1-D tensor).
  auto type = cast<RankedTensorType>(converted.getType());
  SmallVector<Value> zeros(type.getRank(), arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, converted, zeros);
}

struct PadLowering : OpConversionPattern<o::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dataType = o::getRanked(op.getData());
    if (!dataType)
      return rewriter.notifyMatchFailure(op, "unranked input");
    int64_t rank = dataType.getRank();
    SmallVector<int64_t> pads;
    bool notConstant = false;
    if (failed(op.resolvePads(rank, pads, notConstant)))
      return rewriter.notifyMatchFailure(
          op, "'pads'/'axes' are not constants: the output shape is dynamic");
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(adaptor.getData().getType());
    auto outShape = cast<RankedTensorType>(op.getOutput().getType()).getShape();
    for (int64_t d = 0; d < rank; ++d)
      if (outShape[d] != inType.getDimSize(d) + pads[d] + pads[d + rank])
        return rewriter.notifyMatchFailure(op, "result type disagrees with the pads");
    Type logical = getElementTypeOrSelf(op.getData().getType());
    Value x = adaptor.getData();
    StringRef mode = op.getMode();

    if (mode != "constant") {
      SmallVector<AxisTable> tables(rank);
      for (int64_t d = 0; d < rank; ++d) {
        if (pads[d] == 0 && pads[d + rank] == 0)
          continue;
        SmallVector<int64_t> t;
        for (int64_t i = 0; i < outShape[d]; ++i)
          t.push_back(padSourceIndex(mode, i, pads[d], inType.getDimSize(d)));
        tables[d] = std::move(t);
      }
      rewriter.replaceOp(op, buildGather(rewriter, loc, x, outShape, tables, Value()));
      return success();
    }

    // Negative pads crop first; the rest is a tensor.pad.
    SmallVector<int64_t> offsets(rank), sizes(rank), strides(rank, 1), low(rank), high(rank);
    bool crop = false;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t pb = pads[d], pe = pads[d + rank];
      offsets[d] = std::max<int64_t>(0, -pb);
      sizes[d] = inType.getDimSize(d) - offsets[d] - std::max<int64_t>(0, -pe);
      low[d] = std::max<int64_t>(0, pb);
      high[d] = std::max<int64_t>(0, pe);
      crop |= pb < 0 || pe < 0;
    }
    if (crop)
      x = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(sizes, inType.getElementType()), x,
          ValueRange{}, ValueRange{}, ValueRange{}, offsets, sizes, strides);
    Value value = padScalar(rewriter, loc, op, adaptor.getConstantValue(), logical);
    rewriter.replaceOp(op, padStatic(rewriter, loc, x, low, high, value));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// The attributes of a Resize that shape its per-axis coefficients.
struct ResizeParams {
  StringRef mode, ctm, nearestMode;
  double cubicA;
  bool excludeOutside, antialias;
};

/// The interpolation of one axis: for each output index, taps (input
/// index, weight); `outside` marks outputs that take extrapolation_value
/// (tf_crop_and_resize). Nearest has one tap of weight 1.
struct AxisInterp {
  int64_t taps = 1;
  SmallVector<int64_t> index;  // [out][taps]
  SmallVector<double> weight;  // [out][taps]
  SmallVector<bool> outside;   // [out]
  bool identity = true;        // output i reads exactly input i
  bool anyOutside = false;
};

double cubicKernel(double x, double a) {
  x = std::fabs(x);
  if (x <= 1)
    return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2)
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/// Coefficients of the taps around a point at `ratio` in (0, 1] right of
/// the left tap, following the ONNX reference (_linear_coeffs, _cubic_coeffs
/// and their antialias forms, _nearest_coeffs).
SmallVector<double> resizeCoeffs(const ResizeParams &p, double ratio, double scale,
                                 bool integral) {
  if (p.mode == "nearest") {
    if (integral)
      return {0, 1};
    bool right;
    if (p.nearestMode == "round_prefer_ceil")
      right = ratio >= 0.5;
    else if (p.nearestMode == "floor")
      right = false;
    else if (p.nearestMode == "ceil")
      right = true;
    else // round_prefer_floor
      right = ratio > 0.5;
    return {right ? 0.0 : 1.0, right ? 1.0 : 0.0};
  }
  if (!p.antialias || scale >= 1.0) {
    if (p.mode == "linear")
      return {1 - ratio, ratio};
    SmallVector<double> c;
    for (int j = -1; j <= 2; ++j)
      c.push_back(cubicKernel(j - ratio, p.cubicA));
    return c;
  }
  // Antialias (downsampling): the kernel is stretched by 1/scale and
  // normalized.
  SmallVector<double> c;
  double sum = 0;
  if (p.mode == "linear") {
    int64_t start = (int64_t)std::floor(-1 / scale) + 1;
    int64_t footprint = 2 - 2 * start;
    for (int64_t i = start; i < start + footprint; ++i) {
      double v = std::clamp(1 - std::fabs((i - ratio) * scale), 0.0, 1.0);
      c.push_back(v);
      sum += v;
    }
  } else {
    int64_t start = (int64_t)std::floor(-2 / scale) + 1;
    int64_t end = 2 - start;
    for (int64_t i = start; i < end; ++i) {
      double v = cubicKernel(scale * (i - ratio), p.cubicA);
      c.push_back(v);
      sum += v;
    }
  }
  for (double &v : c)
    v /= sum;
  return c;
}

AxisInterp interpolateAxis(const ResizeParams &p, int64_t inSize, int64_t outSize,
                           double scale, double roiStart, double roiEnd) {
  AxisInterp a;
  double outWidth = scale * (double)inSize; // float width, as the reference
  for (int64_t x = 0; x < outSize; ++x) {
    double xo = 0;
    bool outside = false;
    StringRef ctm = p.ctm;
    if (ctm == "align_corners") {
      xo = outWidth == 1 ? 0 : x * (double)(inSize - 1) / (outWidth - 1);
    } else if (ctm == "asymmetric") {
      xo = x / scale;
    } else if (ctm == "tf_crop_and_resize") {
      xo = outWidth == 1 ? (roiEnd - roiStart) * (inSize - 1) / 2
                         : x * (roiEnd - roiStart) * (inSize - 1) / (outWidth - 1);
      xo += roiStart * (inSize - 1);
      outside = xo < 0 || xo > inSize - 1;
    } else if (ctm == "pytorch_half_pixel") {
      xo = outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    } else if (ctm == "half_pixel_symmetric") {
      double adjustment = (double)outSize / outWidth;
      double offset = (double)inSize / 2 * (1 - adjustment);
      xo = offset + (x + 0.5) / scale - 0.5;
    } else if (ctm == "tf_half_pixel_for_nn") {
      xo = (x + 0.5) / scale;
    } else { // half_pixel
      xo = (x + 0.5) / scale - 0.5;
    }
    double fl = std::floor(xo);
    bool integral = xo == fl;
    double ratio = integral ? 1.0 : xo - fl;
    SmallVector<double> coeffs = resizeCoeffs(p, ratio, scale, integral);
    int64_t n = coeffs.size(), m = n / 2;
    // The n nearest taps of the edge-padded input, preferring the left
    // ones: left tap = ceil(xo) - 1; near the borders the window stays
    // inside the padded input.
    int64_t base = integral ? (int64_t)xo - 1 : (int64_t)fl;
    int64_t start = std::clamp<int64_t>(base + 1, 0, inSize) - m;
    if (p.excludeOutside && p.mode != "nearest") {
      double sum = 0;
      for (int64_t j = 0; j < n; ++j) {
        int64_t i = start + j;
        if (i < 0 || i >= inSize)
          coeffs[j] = 0;
        sum += coeffs[j];
      }
      for (double &c : coeffs)
        c /= sum;
    }
    if (p.mode == "nearest") {
      int64_t j = coeffs[0] != 0 ? 0 : 1;
      int64_t i = std::clamp<int64_t>(start + j, 0, inSize - 1);
      a.index.push_back(outside ? -1 : i);
      a.weight.push_back(1);
      a.identity &= !outside && i == x;
    } else {
      a.taps = n;
      double self = 0;
      for (int64_t j = 0; j < n; ++j) {
        int64_t i = std::clamp<int64_t>(start + j, 0, inSize - 1);
        a.index.push_back(i);
        a.weight.push_back(coeffs[j]);
        if (i == x)
          self += coeffs[j];
        else if (coeffs[j] != 0)
          a.identity = false;
      }
      a.identity &= !outside && self == 1.0;
    }
    a.outside.push_back(outside);
    a.anyOutside |= outside;
  }
  a.identity &= inSize == outSize;
  return a;
}

struct ResizeLowering : OpConversionPattern<o::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto xType = o::getRanked(op.getX());
    if (!xType || !xType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported yet");
    ArrayRef<int64_t> inShape = xType.getShape();
    SmallVector<double> scales, roi;
    SmallVector<int64_t> outShape;
    bool notConstant = false;
    if (failed(op.resolveResize(inShape, scales, outShape, roi, notConstant)))
      return rewriter.notifyMatchFailure(
          op, "'scales'/'sizes'/'roi' are not constants: the output shape is dynamic");
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    if (ArrayRef<int64_t>(outShape) != cast<RankedTensorType>(op.getY().getType()).getShape())
      return rewriter.notifyMatchFailure(op, "result type disagrees with scales/sizes");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type logical = getElementTypeOrSelf(op.getX().getType());
    if (!logical.isIntOrFloat())
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Type elem = toSignless(logical);
    ResizeParams p{op.getMode(),
                   op.getCoordinateTransformationMode(),
                   op.getNearestMode(),
                   op.getCubicCoeffA().convertToDouble(),
                   op.getExcludeOutside() != 0,
                   op.getAntialias() != 0};
    int64_t rank = inShape.size();
    SmallVector<AxisInterp> axes;
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(interpolateAxis(p, inShape[d], outShape[d], scales[d], roi[d],
                                     roi[d + rank]));
    Value x = adaptor.getX();
    double extrapolation = op.getExtrapolationValue().convertToDouble();

    if (p.mode == "nearest") {
      SmallVector<AxisTable> tables(rank);
      bool anyOutside = false;
      for (int64_t d = 0; d < rank; ++d) {
        if (!axes[d].identity)
          tables[d] = axes[d].index;
        anyOutside |= axes[d].anyOutside;
      }
      Value outsideValue = anyOutside ? createScalar(rewriter, loc, elem, extrapolation)
                                      : Value();
      rewriter.replaceOp(op, buildGather(rewriter, loc, x, outShape, tables, outsideValue));
      return success();
    }

    // linear/cubic: acc[o] = sum over the taps t_d of every interpolated
    // axis d of prod_d weight_d[o_d, t_d] * X[index_d[o_d, t_d]].
    Type compute = isa<FloatType>(logical) ? floatComputeType(logical) : rewriter.getF32Type();
    auto computeF = cast<FloatType>(compute);
    SmallVector<int64_t> interpolated;
    for (int64_t d = 0; d < rank; ++d)
      if (!axes[d].identity)
        interpolated.push_back(d);
    unsigned numLoops = rank + interpolated.size();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (auto [t, d] : llvm::enumerate(interpolated)) {
      AxisInterp &a = axes[d];
      SmallVector<AffineExpr> exprs{getAffineDimExpr(d, ctx),
                                    getAffineDimExpr(rank + t, ctx)};
      inputs.push_back(constI64Tensor(rewriter, loc, {outShape[d], a.taps}, a.index));
      inputs.push_back(
          constFloatTensor(rewriter, loc, {outShape[d], a.taps}, computeF, a.weight));
      maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
      maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < rank; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.append(interpolated.size(), utils::IteratorType::reduction);
    Value init = createEmptyTensor(rewriter, loc, outShape, compute);
    init = linalg::FillOp::create(rewriter, loc, createScalar(rewriter, loc, compute, 0), init)
               .getResult(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          SmallVector<Value> indices;
          Value w;
          unsigned t = 0;
          for (int64_t d = 0; d < rank; ++d) {
            if (axes[d].identity) {
              indices.push_back(linalg::IndexOp::create(nb, nloc, d));
              continue;
            }
            indices.push_back(toIndex(nb, nloc, args[2 * t]));
            Value wd = args[2 * t + 1];
            w = w ? (Value)arith::MulFOp::create(nb, nloc, w, wd) : wd;
            ++t;
          }
          Value v = tensor::ExtractOp::create(nb, nloc, x, indices);
          v = convertScalar(nb, nloc, v, logical, compute);
          if (w)
            v = arith::MulFOp::create(nb, nloc, v, w);
          linalg::YieldOp::create(nb, nloc,
                                  arith::AddFOp::create(nb, nloc, args.back(), v).getResult());
        });
    Value acc = generic.getResult(0);

    // Epilogue: extrapolation_value outside the roi, element type.
    SmallVector<Value> epilogueInputs{acc};
    SmallVector<int64_t> maskAxes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!axes[d].anyOutside)
        continue;
      SmallVector<int64_t> shape(rank, 1);
      shape[d] = outShape[d];
      auto type = RankedTensorType::get(shape, rewriter.getI1Type());
      SmallVector<bool> bits(axes[d].outside.begin(), axes[d].outside.end());
      epilogueInputs.push_back(
          arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, bits)));
      maskAxes.push_back(d);
    }
    if (epilogueInputs.size() == 1 && compute == elem) {
      rewriter.replaceOp(op, acc);
      return success();
    }
    Value y = buildElementwise(
        rewriter, loc, epilogueInputs, RankedTensorType::get(outShape, elem),
        [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
          Value r = a[0];
          if (a.size() > 1) {
            Value outside = a[1];
            for (Value m : a.drop_front(2))
              outside = arith::OrIOp::create(nb, nloc, outside, m);
            r = arith::SelectOp::create(nb, nloc, outside,
                                        createScalar(nb, nloc, compute, extrapolation), r);
          }
          return convertScalar(nb, nloc, r, compute, logical);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void steed::populatePoolingLoweringPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<WindowPoolLowering<o::MaxPoolOp>, WindowPoolLowering<o::AveragePoolOp>,
               WindowPoolLowering<o::LpPoolOp>,
               GlobalPoolLowering<o::GlobalMaxPoolOp, PoolKind::Max>,
               GlobalPoolLowering<o::GlobalAveragePoolOp, PoolKind::Average>,
               GlobalPoolLowering<o::GlobalLpPoolOp, PoolKind::Lp>, PadLowering,
               ResizeLowering>(converter, patterns.getContext());
}
