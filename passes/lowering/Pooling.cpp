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
//   interpolation coefficients of each axis are computed exactly as the
//   ONNX reference does in float64, into tables: nearest is a gather,
//   linear/cubic (and antialias) a weighted sum over the taps of each
//   resized axis (one reduction loop per resized axis). The math is written
//   once (ResizeAxisMath) over compile-time values, which make constant
//   tables, and over IR values: when scales/sizes/roi are known only at run
//   time (or the input has dynamic dims), DynResizeLowering computes the
//   output sizes and fills the same tables with linalg.generics at run time.
//
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/DynamicShapes.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
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

/// The gather over per-axis index tables (1-D i64 tensors of the output
/// sizes, possibly computed at run time; null for identity axes) into a
/// tensor of `type` and `outSizes`; `hasOutside[d]` when table d may hold -1.
Value buildGather(OpBuilder &b, Location loc, Value x, RankedTensorType type,
                  ArrayRef<OpFoldResult> outSizes, ArrayRef<Value> tables,
                  ArrayRef<bool> hasOutside, Value outsideValue) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = type.getRank();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<int> inputOfAxis(rank, -1);
  for (unsigned d = 0; d < rank; ++d) {
    if (!tables[d])
      continue;
    inputOfAxis[d] = inputs.size();
    inputs.push_back(tables[d]);
    maps.push_back(AffineMap::get(rank, 0, {getAffineDimExpr(d, ctx)}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value init = createEmptyOfType(b, loc, outSizes, type);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iterators,
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

/// The gather over compile-time tables.
Value buildGather(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> outShape,
                  ArrayRef<AxisTable> tables, Value outsideValue) {
  unsigned rank = outShape.size();
  SmallVector<Value> tableValues(rank);
  SmallVector<bool> hasOutside(rank, false);
  for (unsigned d = 0; d < rank; ++d) {
    if (!tables[d])
      continue;
    hasOutside[d] = llvm::is_contained(*tables[d], -1);
    tableValues[d] = constI64Tensor(b, loc, {outShape[d]}, *tables[d]);
  }
  auto type = RankedTensorType::get(outShape,
                                    cast<RankedTensorType>(x.getType()).getElementType());
  return buildGather(b, loc, x, type, getAsIndexOpFoldResult(b.getContext(), outShape),
                     tableValues, hasOutside, outsideValue);
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

/// The scalar arithmetic of the Resize coefficients on compile-time values
/// (float64, as the ONNX reference). ResizeAxisMath is written once over
/// this and over IRMath, which emits the same arithmetic for values known
/// only at run time.
struct ConstMath {
  using F = double;
  using I = int64_t;
  using B = bool;
  F f(double v) { return v; }
  I i(int64_t v) { return v; }
  B b(bool v) { return v; }
  F add(F x, F y) { return x + y; }
  F sub(F x, F y) { return x - y; }
  F mul(F x, F y) { return x * y; }
  F div(F x, F y) { return x / y; }
  F floor(F x) { return std::floor(x); }
  F abs(F x) { return std::fabs(x); }
  F clampF(F x, F lo, F hi) { return std::min(std::max(x, lo), hi); }
  I addI(I x, I y) { return x + y; }
  I subI(I x, I y) { return x - y; }
  I mulI(I x, I y) { return x * y; }
  I divI(I x, I y) { return x / y; }
  I clampI(I x, I lo, I hi) { return std::clamp(x, lo, hi); }
  I toI(F x) { return (int64_t)x; }
  F toF(I x) { return (double)x; }
  B lt(F x, F y) { return x < y; }
  B le(F x, F y) { return x <= y; }
  B eq(F x, F y) { return x == y; }
  B ltI(I x, I y) { return x < y; }
  B orB(B x, B y) { return x || y; }
  B andB(B x, B y) { return x && y; }
  F sel(B c, F x, F y) { return c ? x : y; }
  I selI(B c, I x, I y) { return c ? x : y; }
  /// The sum of fn(j) for j in [0, n).
  F sum(I n, function_ref<F(I)> fn) {
    F s = 0;
    for (I j = 0; j < n; ++j)
      s += fn(j);
    return s;
  }
};

/// ConstMath's operations as arith/math ops on f64, index and i1 values
/// (folded where the operands are constants).
struct IRMath {
  OpBuilder &bld;
  Location loc;
  using F = Value;
  using I = Value;
  using B = Value;
  F f(double v) { return arith::ConstantOp::create(bld, loc, bld.getF64FloatAttr(v)); }
  I i(int64_t v) { return indexConst(bld, loc, v); }
  B b(bool v) { return arith::ConstantOp::create(bld, loc, bld.getBoolAttr(v)); }
  F add(F x, F y) { return bld.createOrFold<arith::AddFOp>(loc, x, y); }
  F sub(F x, F y) { return bld.createOrFold<arith::SubFOp>(loc, x, y); }
  F mul(F x, F y) { return bld.createOrFold<arith::MulFOp>(loc, x, y); }
  F div(F x, F y) { return bld.createOrFold<arith::DivFOp>(loc, x, y); }
  F floor(F x) { return bld.createOrFold<math::FloorOp>(loc, x); }
  F abs(F x) { return bld.createOrFold<math::AbsFOp>(loc, x); }
  F clampF(F x, F lo, F hi) {
    return bld.createOrFold<arith::MinimumFOp>(
        loc, bld.createOrFold<arith::MaximumFOp>(loc, x, lo), hi);
  }
  I addI(I x, I y) { return bld.createOrFold<arith::AddIOp>(loc, x, y); }
  I subI(I x, I y) { return bld.createOrFold<arith::SubIOp>(loc, x, y); }
  I mulI(I x, I y) { return bld.createOrFold<arith::MulIOp>(loc, x, y); }
  I divI(I x, I y) { return bld.createOrFold<arith::DivSIOp>(loc, x, y); }
  I clampI(I x, I lo, I hi) {
    return bld.createOrFold<arith::MinSIOp>(loc, bld.createOrFold<arith::MaxSIOp>(loc, x, lo),
                                            hi);
  }
  I toI(F x) {
    Value v = bld.createOrFold<arith::FPToSIOp>(loc, bld.getI64Type(), x);
    return bld.createOrFold<arith::IndexCastOp>(loc, bld.getIndexType(), v);
  }
  F toF(I x) {
    Value v = bld.createOrFold<arith::IndexCastOp>(loc, bld.getI64Type(), x);
    return bld.createOrFold<arith::SIToFPOp>(loc, bld.getF64Type(), v);
  }
  B cmpF(arith::CmpFPredicate p, F x, F y) { return bld.createOrFold<arith::CmpFOp>(loc, p, x, y); }
  B lt(F x, F y) { return cmpF(arith::CmpFPredicate::OLT, x, y); }
  B le(F x, F y) { return cmpF(arith::CmpFPredicate::OLE, x, y); }
  B eq(F x, F y) { return cmpF(arith::CmpFPredicate::OEQ, x, y); }
  B ltI(I x, I y) { return bld.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y); }
  B orB(B x, B y) { return bld.createOrFold<arith::OrIOp>(loc, x, y); }
  B andB(B x, B y) { return bld.createOrFold<arith::AndIOp>(loc, x, y); }
  F sel(B c, F x, F y) { return bld.createOrFold<arith::SelectOp>(loc, c, x, y); }
  I selI(B c, I x, I y) { return bld.createOrFold<arith::SelectOp>(loc, c, x, y); }
  /// Unrolled when n is a constant, else an scf.for.
  F sum(I n, function_ref<F(I)> fn) {
    if (std::optional<int64_t> c = getConstantIntValue(n)) {
      F s = f(0);
      for (int64_t j = 0; j < *c; ++j)
        s = add(s, fn(i(j)));
      return s;
    }
    auto loop = scf::ForOp::create(
        bld, loc, i(0), n, i(1), ValueRange{f(0)},
        [&](OpBuilder &lb, Location ll, Value j, ValueRange acc) {
          OpBuilder::InsertionGuard guard(bld);
          bld.setInsertionPoint(lb.getInsertionBlock(), lb.getInsertionPoint());
          scf::YieldOp::create(bld, ll, add(acc[0], fn(j)));
        });
    return loop.getResult(0);
  }
};

template <typename M>
typename M::F cubicKernel(M &m, typename M::F x, double a) {
  x = m.abs(x);
  auto near = m.add(m.mul(m.mul(m.sub(m.mul(m.f(a + 2), x), m.f(a + 3)), x), x), m.f(1));
  auto far = m.sub(
      m.mul(m.add(m.mul(m.sub(m.mul(m.f(a), x), m.f(5 * a)), x), m.f(8 * a)), x), m.f(4 * a));
  return m.sel(m.le(x, m.f(1)), near, m.sel(m.lt(x, m.f(2)), far, m.f(0)));
}

/// The coordinate transformation and interpolation coefficients of one
/// resized axis, following the ONNX reference (interpolate_1d_with_x, the
/// _linear/_cubic/_nearest coefficients and their antialias forms), over
/// compile-time (ConstMath) or run-time (IRMath) values.
template <typename M>
struct ResizeAxisMath {
  using F = typename M::F;
  using I = typename M::I;
  using B = typename M::B;
  M &m;
  const ResizeParams &p;
  I inSize, outSize;
  F scale, roiStart, roiEnd;

  /// The taps of every output: `first` is the offset of the first tap
  /// from the left neighbour of the source point, `n` their number. Nearest
  /// has the two neighbours; linear 2 and cubic 4 (more when antialias
  /// stretches the kernel by 1/scale to downsample).
  struct Taps {
    I first, n;
    F kernelScale;
  };
  Taps taps() {
    if (p.mode == "nearest")
      return {m.i(0), m.i(2), m.f(1)};
    F ks = p.antialias ? m.sel(m.lt(scale, m.f(1)), scale, m.f(1)) : m.f(1);
    double support = p.mode == "linear" ? 1 : 2;
    I first = p.antialias ? m.addI(m.toI(m.floor(m.div(m.f(-support), ks))), m.i(1))
                          : m.i(p.mode == "linear" ? 0 : -1);
    return {first, m.subI(m.i(2), m.mulI(m.i(2), first)), ks};
  }

  /// One output index: its source coordinate, whether it lies outside the
  /// roi (tf_crop_and_resize), the ratio in (0, 1] of the source point
  /// right of its left neighbour, and the (unclamped) input index of tap 0.
  struct Point {
    F ratio;
    B integral, outside;
    I start;
  };
  Point point(I x, const Taps &t) {
    F xf = m.toF(x), in = m.toF(inSize), out = m.toF(outSize);
    F outWidth = m.mul(scale, in); // float width, as the reference
    F one = m.f(1), half = m.f(0.5);
    B widthOne = m.eq(outWidth, one);
    F xo;
    B outside = m.b(false);
    StringRef ctm = p.ctm;
    if (ctm == "align_corners") {
      xo = m.sel(widthOne, m.f(0), m.div(m.mul(xf, m.sub(in, one)), m.sub(outWidth, one)));
    } else if (ctm == "asymmetric") {
      xo = m.div(xf, scale);
    } else if (ctm == "tf_crop_and_resize") {
      F width = m.sub(roiEnd, roiStart), last = m.sub(in, one);
      xo = m.sel(widthOne, m.div(m.mul(width, last), m.f(2)),
                 m.div(m.mul(m.mul(xf, width), last), m.sub(outWidth, one)));
      xo = m.add(xo, m.mul(roiStart, last));
      outside = m.orB(m.lt(xo, m.f(0)), m.lt(last, xo));
    } else if (ctm == "pytorch_half_pixel") {
      xo = m.sel(widthOne, m.f(-0.5), m.sub(m.div(m.add(xf, half), scale), half));
    } else if (ctm == "half_pixel_symmetric") {
      F adjustment = m.div(out, outWidth);
      F offset = m.mul(m.div(in, m.f(2)), m.sub(one, adjustment));
      xo = m.sub(m.add(offset, m.div(m.add(xf, half), scale)), half);
    } else if (ctm == "tf_half_pixel_for_nn") {
      xo = m.div(m.add(xf, half), scale);
    } else { // half_pixel
      xo = m.sub(m.div(m.add(xf, half), scale), half);
    }
    F fl = m.floor(xo);
    B integral = m.eq(xo, fl);
    F ratio = m.sel(integral, one, m.sub(xo, fl));
    // The n nearest taps of the edge-padded input, preferring the left
    // ones: left neighbour = ceil(xo) - 1; near the borders the window
    // stays inside the padded input.
    I left = m.subI(m.toI(fl), m.selI(integral, m.i(1), m.i(0)));
    I halfTaps = m.divI(t.n, m.i(2));
    I start = m.subI(m.clampI(m.addI(left, m.i(1)), m.i(0), inSize), halfTaps);
    return {ratio, integral, outside, start};
  }

  /// The input index read by tap j (edge padding: clamped).
  I tapIndex(const Point &pt, I j) {
    return m.clampI(m.addI(pt.start, j), m.i(0), m.subI(inSize, m.i(1)));
  }

  /// Nearest: the one input index an output reads.
  I nearestIndex(const Point &pt) {
    // An integral source point reads its right tap (itself).
    B right = pt.integral;
    if (p.nearestMode == "round_prefer_ceil")
      right = m.orB(right, m.le(m.f(0.5), pt.ratio));
    else if (p.nearestMode == "ceil")
      right = m.b(true);
    else if (p.nearestMode != "floor") // round_prefer_floor
      right = m.orB(right, m.lt(m.f(0.5), pt.ratio));
    return tapIndex(pt, m.selI(right, m.i(1), m.i(0)));
  }

  /// Linear/cubic: the unnormalized coefficient of tap j (0 for taps
  /// outside the input with exclude_outside).
  F rawWeight(const Point &pt, const Taps &t, I j) {
    F d = m.mul(m.sub(m.toF(m.addI(t.first, j)), pt.ratio), t.kernelScale);
    F c = p.mode == "linear" ? m.clampF(m.sub(m.f(1), m.abs(d)), m.f(0), m.f(1))
                             : cubicKernel(m, d, p.cubicA);
    if (p.excludeOutside) {
      I i = m.addI(pt.start, j);
      B inside = m.andB(m.ltI(i, inSize), m.ltI(m.i(-1), i));
      c = m.sel(inside, c, m.f(0));
    }
    return c;
  }

  /// Linear/cubic: the coefficients' normalizer (antialias and
  /// exclude_outside make them sum to 1).
  F normalizer(const Point &pt, const Taps &t) {
    if (!p.antialias && !p.excludeOutside)
      return m.f(1);
    return m.sum(t.n, [&](I j) { return rawWeight(pt, t, j); });
  }
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

AxisInterp interpolateAxis(const ResizeParams &p, int64_t inSize, int64_t outSize,
                           double scale, double roiStart, double roiEnd) {
  ConstMath cm;
  ResizeAxisMath<ConstMath> am{cm, p, inSize, outSize, scale, roiStart, roiEnd};
  auto taps = am.taps();
  AxisInterp a;
  for (int64_t x = 0; x < outSize; ++x) {
    auto pt = am.point(x, taps);
    if (p.mode == "nearest") {
      int64_t i = am.nearestIndex(pt);
      a.index.push_back(pt.outside ? -1 : i);
      a.weight.push_back(1);
      a.identity &= !pt.outside && i == x;
    } else {
      a.taps = taps.n;
      double norm = am.normalizer(pt, taps), self = 0;
      for (int64_t j = 0; j < taps.n; ++j) {
        int64_t i = am.tapIndex(pt, j);
        double w = am.rawWeight(pt, taps, j) / norm;
        a.index.push_back(i);
        a.weight.push_back(w);
        if (i == x)
          self += w;
        else if (w != 0)
          a.identity = false;
      }
      a.identity &= !pt.outside && self == 1.0;
    }
    a.outside.push_back(pt.outside);
    a.anyOutside |= pt.outside;
  }
  a.identity &= inSize == outSize;
  return a;
}

/// The tables of one resized axis for buildResizeSum: index (i64) and
/// weight (compute type) of shape [out, taps]; outside (i1, [out]) or null.
struct AxisTables {
  Value index, weight, outside;
};

/// linear/cubic: acc[o] = sum over the taps t_d of every interpolated axis
/// d of prod_d weight_d[o_d, t_d] * X[index_d[o_d, t_d]] (identity axes,
/// with no tables, read X at o_d), in `compute`; then extrapolation_value
/// where any axis is outside, and the element type of `type`.
Value buildResizeSum(OpBuilder &b, Location loc, Value x, RankedTensorType type,
                     ArrayRef<OpFoldResult> outSizes, ArrayRef<AxisTables> tables,
                     Type logical, Type compute, double extrapolation) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<int64_t> interpolated;
  for (int64_t d = 0; d < rank; ++d)
    if (tables[d].index)
      interpolated.push_back(d);
  unsigned numLoops = rank + interpolated.size();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (auto [t, d] : llvm::enumerate(interpolated)) {
    SmallVector<AffineExpr> exprs{getAffineDimExpr(d, ctx), getAffineDimExpr(rank + t, ctx)};
    inputs.push_back(tables[d].index);
    inputs.push_back(tables[d].weight);
    maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
    maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
  }
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.append(interpolated.size(), utils::IteratorType::reduction);
  auto accType = RankedTensorType::get(type.getShape(), compute);
  Value init = createEmptyOfType(b, loc, outSizes, accType);
  init = linalg::FillOp::create(b, loc, createScalar(b, loc, compute, 0), init).getResult(0);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{accType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> indices;
        Value w;
        unsigned t = 0;
        for (int64_t d = 0; d < rank; ++d) {
          if (!tables[d].index) {
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
  SmallVector<AffineMap> epilogueMaps{AffineMap::getMultiDimIdentityMap(rank, ctx)};
  for (int64_t d = 0; d < rank; ++d) {
    if (!tables[d].outside)
      continue;
    epilogueInputs.push_back(tables[d].outside);
    epilogueMaps.push_back(AffineMap::get(rank, 0, {getAffineDimExpr(d, ctx)}, ctx));
  }
  if (epilogueInputs.size() == 1 && compute == type.getElementType())
    return acc;
  epilogueMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value out = createEmptyOfType(b, loc, outSizes, type);
  SmallVector<utils::IteratorType> parallel(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, epilogueInputs, ValueRange{out}, epilogueMaps, parallel,
             [&](OpBuilder &nb, Location nloc, ValueRange a) {
               Value r = a[0];
               if (epilogueInputs.size() > 1) {
                 Value outside = a[1];
                 for (Value m : a.slice(2, epilogueInputs.size() - 2))
                   outside = arith::OrIOp::create(nb, nloc, outside, m);
                 r = arith::SelectOp::create(nb, nloc, outside,
                                             createScalar(nb, nloc, compute, extrapolation), r);
               }
               linalg::YieldOp::create(nb, nloc, convertScalar(nb, nloc, r, compute, logical));
             })
      .getResult(0);
}

ResizeParams resizeParams(o::ResizeOp op) {
  return {op.getMode(),
          op.getCoordinateTransformationMode(),
          op.getNearestMode(),
          op.getCubicCoeffA().convertToDouble(),
          op.getExcludeOutside() != 0,
          op.getAntialias() != 0};
}

struct ResizeLowering : OpConversionPattern<o::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto xType = o::getRanked(op.getX());
    if (!xType || !xType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic input shape (DynResizeLowering)");
    ArrayRef<int64_t> inShape = xType.getShape();
    SmallVector<double> scales, roi;
    SmallVector<int64_t> outShape;
    bool notConstant = false;
    if (failed(op.resolveResize(inShape, scales, outShape, roi, notConstant)))
      return rewriter.notifyMatchFailure(
          op, "'scales'/'sizes'/'roi' are not constants (DynResizeLowering)");
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    if (ArrayRef<int64_t>(outShape) != cast<RankedTensorType>(op.getY().getType()).getShape())
      return rewriter.notifyMatchFailure(op, "result type disagrees with scales/sizes");
    Location loc = op.getLoc();
    Type logical = getElementTypeOrSelf(op.getX().getType());
    if (!logical.isIntOrFloat())
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Type elem = toSignless(logical);
    ResizeParams p = resizeParams(op);
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

    Type compute = isa<FloatType>(logical) ? floatComputeType(logical) : rewriter.getF32Type();
    auto computeF = cast<FloatType>(compute);
    SmallVector<AxisTables> tables(rank);
    for (int64_t d = 0; d < rank; ++d) {
      AxisInterp &a = axes[d];
      if (!a.identity) {
        tables[d].index = constI64Tensor(rewriter, loc, {outShape[d], a.taps}, a.index);
        tables[d].weight =
            constFloatTensor(rewriter, loc, {outShape[d], a.taps}, computeF, a.weight);
      }
      if (a.anyOutside) {
        auto type = RankedTensorType::get({outShape[d]}, rewriter.getI1Type());
        SmallVector<bool> bits(a.outside.begin(), a.outside.end());
        tables[d].outside =
            arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, bits));
      }
    }
    auto type = RankedTensorType::get(outShape, elem);
    rewriter.replaceOp(op, buildResizeSum(rewriter, loc, x, type,
                                          getAsIndexOpFoldResult(rewriter.getContext(), outShape),
                                          tables, logical, compute, extrapolation));
    return success();
  }
};

/// A 0-D/1-D operand that is none or has no elements (older opsets pass
/// empty tensors for unused inputs).
bool isAbsentOperand(Value v) {
  if (o::isNone(v))
    return true;
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getNumElements() == 0;
}

/// The number of values of a 0-D/1-D operand, or -1 when not static.
int64_t numOperandValues(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || t.getRank() > 1 || !t.hasStaticShape())
    return -1;
  return t.getRank() == 0 ? 1 : t.getDimSize(0);
}

/// Resize whose scales/sizes/roi are known only at run time, or whose input
/// has dynamic dimensions: the output sizes are computed at run time, and
/// the per-axis tables of the static lowering (the same ResizeAxisMath) are
/// computed at run time by linalg.generics over [out, taps], then gathered
/// (nearest) or summed (linear/cubic) as in the static lowering.
struct DynResizeLowering : OpConversionPattern<o::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto xType = o::getRanked(op.getX());
    auto type = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getY().getType()));
    if (!xType || !type || type.getRank() != xType.getRank())
      return rewriter.notifyMatchFailure(op, "unranked input or result");
    int64_t rank = xType.getRank();
    if (xType.hasStaticShape() && type.hasStaticShape()) {
      SmallVector<double> s, r;
      SmallVector<int64_t> shape;
      bool notConstant = false;
      if (succeeded(op.resolveResize(xType.getShape(), s, shape, r, notConstant)) ||
          !notConstant)
        return rewriter.notifyMatchFailure(op, "static Resize (ResizeLowering)");
    }
    Type logical = getElementTypeOrSelf(op.getX().getType());
    if (!logical.isIntOrFloat())
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    ResizeParams p = resizeParams(op);
    if (p.mode != "nearest" && p.mode != "linear" && p.mode != "cubic")
      return rewriter.notifyMatchFailure(op, "unknown mode");

    SmallVector<int64_t> axes;
    if (auto a = op.getAxes()) {
      for (int64_t axis : *a) {
        int64_t n = axis < 0 ? axis + rank : axis;
        if (n < 0 || n >= rank || llvm::is_contained(axes, n))
          return rewriter.notifyMatchFailure(op, "bad 'axes'");
        axes.push_back(n);
      }
    } else {
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    }
    int64_t n = axes.size();
    bool hasScales = !isAbsentOperand(op.getScales()), hasSizes = !isAbsentOperand(op.getSizes());
    if (hasScales == hasSizes)
      return rewriter.notifyMatchFailure(op, "needs exactly one of 'scales' and 'sizes'");
    if (numOperandValues(hasScales ? adaptor.getScales() : adaptor.getSizes()) != n)
      return rewriter.notifyMatchFailure(op, "'scales'/'sizes' length is not the axes count");
    bool useRoi = p.ctm == "tf_crop_and_resize" && !isAbsentOperand(op.getRoi());
    if (useRoi && numOperandValues(adaptor.getRoi()) != 2 * n)
      return rewriter.notifyMatchFailure(op, "'roi' length is not twice the axes count");
    StringRef policy = op.getKeepAspectRatioPolicy();
    if (hasSizes && policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
      return rewriter.notifyMatchFailure(op, "unknown keep_aspect_ratio_policy");

    Location loc = op.getLoc();
    IRMath m{rewriter, loc};
    Value x = adaptor.getX();
    SmallVector<Value> inSizes, outSizes, scales(rank, m.f(1)), roiStart(rank, m.f(0)),
        roiEnd(rank, m.f(1));
    for (OpFoldResult s : dimSizes(rewriter, loc, x))
      inSizes.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, s));
    outSizes = inSizes;
    auto toF64 = [&](Value onnxValue, Value converted, int64_t j) {
      Value v = extractScalar(rewriter, loc, converted, j);
      return convertScalar(rewriter, loc, v, getElementTypeOrSelf(onnxValue.getType()),
                           rewriter.getF64Type());
    };
    if (useRoi)
      for (auto [i, axis] : llvm::enumerate(axes)) {
        roiStart[axis] = toF64(op.getRoi(), adaptor.getRoi(), i);
        roiEnd[axis] = toF64(op.getRoi(), adaptor.getRoi(), i + n);
      }
    if (hasScales) {
      // out = floor(in * scale)
      for (auto [i, axis] : llvm::enumerate(axes)) {
        scales[axis] = toF64(op.getScales(), adaptor.getScales(), i);
        outSizes[axis] = m.toI(m.floor(m.mul(m.toF(inSizes[axis]), scales[axis])));
      }
    } else if (policy == "stretch") {
      for (auto [i, axis] : llvm::enumerate(axes)) {
        outSizes[axis] = extractIndex(rewriter, loc, adaptor.getSizes(), i);
        scales[axis] = m.div(m.toF(outSizes[axis]), m.toF(inSizes[axis]));
      }
    } else {
      // One scale for all resized axes, the smallest (not_larger) or
      // largest (not_smaller) ratio; sizes are then rounded half up.
      Value scale;
      for (auto [i, axis] : llvm::enumerate(axes)) {
        Value r = m.div(m.toF(extractIndex(rewriter, loc, adaptor.getSizes(), i)),
                        m.toF(inSizes[axis]));
        scale = !scale              ? r
                : policy == "not_larger" ? rewriter.createOrFold<arith::MinimumFOp>(loc, scale, r)
                                         : rewriter.createOrFold<arith::MaximumFOp>(loc, scale, r);
      }
      for (int64_t axis : axes) {
        scales[axis] = scale;
        outSizes[axis] =
            m.toI(m.floor(m.add(m.mul(m.toF(inSizes[axis]), scale), m.f(0.5))));
      }
    }
    // Non-positive scales/sizes are invalid; an empty result rather than a
    // negative allocation size.
    for (int64_t axis : axes)
      outSizes[axis] = rewriter.createOrFold<arith::MaxSIOp>(loc, outSizes[axis], m.i(0));
    SmallVector<OpFoldResult> outFold;
    for (Value v : outSizes)
      outFold.push_back(getAsOpFoldResult(v));

    Type elem = toSignless(logical);
    Type compute = isa<FloatType>(logical) ? floatComputeType(logical) : rewriter.getF32Type();
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    bool crop = p.ctm == "tf_crop_and_resize";
    int64_t dyn = ShapedType::kDynamic;
    SmallVector<Value> nearestTables(rank);
    SmallVector<AxisTables> tables(rank);
    for (int64_t axis : axes) {
      ResizeAxisMath<IRMath> am{m, p, inSizes[axis], outSizes[axis],
                                scales[axis], roiStart[axis], roiEnd[axis]};
      auto taps = am.taps();
      // The same math on the generic's builder, for one output index.
      auto inner = [&](IRMath &im) {
        return ResizeAxisMath<IRMath>{im, p, am.inSize, am.outSize,
                                      am.scale, am.roiStart, am.roiEnd};
      };
      if (p.mode == "nearest") {
        nearestTables[axis] = buildGenerate(
            rewriter, loc, RankedTensorType::get({dyn}, rewriter.getI64Type()),
            {outFold[axis]}, [&](OpBuilder &nb, Location nl, ValueRange ivs) -> Value {
              IRMath im{nb, nl};
              auto a = inner(im);
              auto pt = a.point(ivs[0], taps);
              Value i = a.nearestIndex(pt);
              if (crop)
                i = im.selI(pt.outside, im.i(-1), i);
              return nb.createOrFold<arith::IndexCastOp>(nl, nb.getI64Type(), i);
            });
        continue;
      }
      // An axis that turns out to be the identity at run time (scale 1 and
      // as many outputs as inputs: output x reads input x with weight 1 in
      // these coordinate transformations) gets a single tap, so that axes
      // "resized" by a run-time scale of 1 (batch, channels) do not
      // multiply the work by their tap count.
      Value identity;
      if (!crop && p.ctm != "tf_half_pixel_for_nn")
        identity = m.andB(m.eq(scales[axis], m.f(1)),
                          rewriter.createOrFold<arith::CmpIOp>(
                              loc, arith::CmpIPredicate::eq, outSizes[axis], inSizes[axis]));
      Value numTaps = identity ? m.selI(identity, m.i(1), taps.n) : taps.n;
      SmallVector<OpFoldResult> tableSizes{outFold[axis], getAsOpFoldResult(numTaps)};
      tables[axis].index = buildGenerate(
          rewriter, loc, RankedTensorType::get({dyn, dyn}, rewriter.getI64Type()), tableSizes,
          [&](OpBuilder &nb, Location nl, ValueRange ivs) -> Value {
            IRMath im{nb, nl};
            auto a = inner(im);
            auto pt = a.point(ivs[0], taps);
            Value i = a.tapIndex(pt, ivs[1]);
            if (identity)
              i = im.selI(identity, ivs[0], i);
            return nb.createOrFold<arith::IndexCastOp>(nl, nb.getI64Type(), i);
          });
      tables[axis].weight = buildGenerate(
          rewriter, loc, RankedTensorType::get({dyn, dyn}, compute), tableSizes,
          [&](OpBuilder &nb, Location nl, ValueRange ivs) -> Value {
            IRMath im{nb, nl};
            auto a = inner(im);
            auto pt = a.point(ivs[0], taps);
            Value w = im.div(a.rawWeight(pt, taps, ivs[1]), a.normalizer(pt, taps));
            if (identity)
              w = im.sel(identity, im.f(1), w);
            return convertScalar(nb, nl, w, nb.getF64Type(), compute);
          });
      if (crop)
        tables[axis].outside = buildGenerate(
            rewriter, loc, RankedTensorType::get({dyn}, rewriter.getI1Type()),
            {outFold[axis]}, [&](OpBuilder &nb, Location nl, ValueRange ivs) -> Value {
              IRMath im{nb, nl};
              return inner(im).point(ivs[0], taps).outside;
            });
    }

    auto resultType = RankedTensorType::get(type.getShape(), elem);
    Value y;
    if (p.mode == "nearest") {
      Value outsideValue = crop ? createScalar(rewriter, loc, elem, extrapolation) : Value();
      SmallVector<bool> hasOutside(rank, crop);
      y = buildGather(rewriter, loc, x, resultType, outFold, nearestTables, hasOutside,
                      outsideValue);
    } else {
      y = buildResizeSum(rewriter, loc, x, resultType, outFold, tables, logical, compute,
                         extrapolation);
    }
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
               ResizeLowering, DynResizeLowering>(converter, patterns.getContext());
}
