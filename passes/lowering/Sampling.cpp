//===- Sampling.cpp - Lowering of GridSample and RoiAlign -----------------===//
//
// Both become one linalg.generic over the output whose scalar body reads
// the sampling coordinates (grid / rois) and the input with tensor.extract
// at computed indices. Every index is clamped into the input before it is
// read, so out-of-range or NaN coordinates never read outside the buffer;
// the `zeros` padding of GridSample selects 0 for taps outside instead.
// * GridSample: f32 arithmetic (f64 for f64 inputs; f16/bf16 extended), the
//   coordinate handling and tap order of the ONNX reference: denormalize,
//   round half to even (nearest; the backend test data does so in 3-D
//   too), clamp/reflect outside coordinates, then a nested separable
//   interpolation (first spatial axis outermost) over 1, 2 or 4 taps per
//   axis (nearest, linear, cubic with a = -0.75).
// * RoiAlign: f64 arithmetic like the reference; the sampling grid of a bin
//   is an scf.for nest whose bounds are per-ROI values when sampling_ratio
//   is 0.
// * AffineGrid: one generic over the (N, [D,] H, W, r) grid: theta's row k
//   dotted with the base coordinates (x, y[, z], 1), in f64 as the
//   reference's numpy arithmetic; the spatial sizes are size's values.
// * Col2Im: one generic over the (N, C, image...) output; each pixel sums,
//   in block-offset order (the reference's accumulation order), the column
//   entries of the block offsets whose block position lands on it (an
//   scf.for over prod(block_shape)). image_shape and block_shape may be
//   run-time values; C = input dim 1 / prod(block_shape).
// * STFT: one generic over (B, frames, bins, 2); each element is an scf.for
//   over the frame of (sample * window, in the element type) times the
//   twiddle cos/sin(2 pi (k t mod L) / L), summed in f64 (numpy's FFT
//   precision, so near-zero bins match). frame_step, frame_length may be
//   run-time values.
// * MelWeightMatrix: one generic over (dft_length / 2 + 1, num_mel_bins);
//   each element recomputes the three mel bin edges of its filter in f64
//   (the reference's formula, floor to integer bins).
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/DynamicShapes.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/TypeUtilities.h"
#include <functional>
#include <limits>

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

/// Scalar arithmetic helpers on one builder and location.
struct Scalar {
  OpBuilder &b;
  Location loc;
  Type ft; // the float compute type

  Value f(double v) { return createScalar(b, loc, ft, v); }
  Value i64(int64_t v) { return createScalar(b, loc, b.getI64Type(), (double)v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  Value abs(Value x) { return math::AbsFOp::create(b, loc, x); }
  Value lt(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value gt(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
  }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, loc, c, x, y); }
  Value maxf(Value x, Value y) { return arith::MaxNumFOp::create(b, loc, x, y); }
  Value minf(Value x, Value y) { return arith::MinNumFOp::create(b, loc, x, y); }
  /// Float -> i64 truncating toward zero; the value is first clamped to
  /// +-2^24 (NaN becomes -2^24), so the conversion is always defined.
  Value toI64(Value x) {
    x = minf(maxf(x, f(-16777216.0)), f(16777216.0));
    return arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
  }
  Value toFloat(Value i) { return arith::SIToFPOp::create(b, loc, ft, i); }
  Value clampI(Value i, int64_t lo, int64_t hi) {
    i = arith::MaxSIOp::create(b, loc, i, i64(lo));
    return arith::MinSIOp::create(b, loc, i, i64(hi));
  }
  Value toIndex(Value i) { return arith::IndexCastOp::create(b, loc, b.getIndexType(), i); }
  /// Converts a float scalar between float types.
  Value convert(Value v, Type to) {
    Type from = v.getType();
    if (from == to)
      return v;
    if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, to, v);
    return arith::TruncFOp::create(b, loc, to, v);
  }
};

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

/// Reflects `x` into [lo, hi] (the ONNX reference's _gs_reflect).
Value reflect(Scalar &s, Value x, double lo, double hi) {
  double range = hi - lo;
  Value rng = s.f(range), vlo = s.f(lo), vhi = s.f(hi), two = s.f(2.0);
  auto fold = [&](Value dx, bool below) {
    Value n = s.floor(s.div(dx, rng));
    Value r = s.sub(dx, s.mul(n, rng));
    Value odd = s.gt(s.abs(s.sub(n, s.mul(two, s.floor(s.div(n, two))))), s.f(0.5));
    Value fromLo = s.add(vlo, r), fromHi = s.sub(vhi, r);
    return below ? s.select(odd, fromHi, fromLo) : s.select(odd, fromLo, fromHi);
  };
  Value below = fold(s.sub(vlo, x), true), above = fold(s.sub(x, vhi), false);
  return s.select(s.lt(x, vlo), below, s.select(s.gt(x, vhi), above, x));
}

struct GridSampleLowering : OpConversionPattern<o::GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::GridSampleOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto yType = cast<RankedTensorType>(op.getY().getType());
    Type elem = xType.getElementType();
    Type gridElem = getElementTypeOrSelf(op.getGrid().getType());
    Type ct = elem.isF64() ? elem : rewriter.getF32Type();
    int64_t rank = xType.getRank(), r = rank - 2;
    SmallVector<int64_t> sizes(xType.getShape().drop_front(2));
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    bool align = op.getAlignCorners() != 0;
    Value x = adaptor.getX(), grid = adaptor.getGrid();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();

    Value init = createEmptyTensor(rewriter, loc, yType.getShape(), elem);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{yType}, ValueRange{}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          Scalar s{b, l, ct};
          SmallVector<Value> idx;
          for (int64_t d = 0; d < rank; ++d)
            idx.push_back(linalg::IndexOp::create(b, l, d));
          // Denormalized coordinates, first spatial axis first.
          SmallVector<Value> coords;
          SmallVector<double> lo, hi;
          for (int64_t a = 0; a < r; ++a) {
            SmallVector<Value> gi = {idx[0]};
            for (int64_t d = 2; d < rank; ++d)
              gi.push_back(idx[d]);
            gi.push_back(arith::ConstantIndexOp::create(b, l, r - 1 - a));
            Value g = s.convert(tensor::ExtractOp::create(b, l, grid, gi), ct);
            (void)gridElem;
            double size = (double)sizes[a];
            Value c = align ? s.mul(s.div(s.add(g, s.f(1.0)), s.f(2.0)), s.f(size - 1))
                            : s.div(s.sub(s.mul(s.add(g, s.f(1.0)), s.f(size)), s.f(1.0)),
                                    s.f(2.0));
            if (mode == "nearest")
              c = math::RoundEvenOp::create(b, l, c);
            lo.push_back(align ? 0.0 : -0.5);
            hi.push_back(align ? size - 1 : size - 0.5);
            if (padding == "border")
              c = s.select(s.lt(c, s.f(lo[a])), s.f(0.0),
                           s.select(s.gt(c, s.f(hi[a])), s.f(size - 1), c));
            else if (padding == "reflection")
              c = reflect(s, c, lo[a], hi[a]);
            coords.push_back(c);
          }
          // The input value at integer tap indices, with the padding rule.
          auto pixel = [&](ArrayRef<Value> taps) -> Value {
            SmallVector<Value> xi = {idx[0], idx[1]};
            Value valid;
            for (int64_t a = 0; a < r; ++a) {
              Value i = taps[a];
              if (padding == "zeros") {
                Value ok = arith::AndIOp::create(
                    b, l,
                    arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, i, s.i64(0)),
                    arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, s.i64(sizes[a])));
                valid = valid ? (Value)arith::AndIOp::create(b, l, valid, ok) : ok;
              } else if (padding == "reflection") {
                i = s.toI64(reflect(s, s.toFloat(i), lo[a], hi[a]));
              }
              xi.push_back(s.toIndex(s.clampI(i, 0, sizes[a] - 1)));
            }
            Value v = s.convert(tensor::ExtractOp::create(b, l, x, xi), ct);
            return valid ? s.select(valid, v, s.f(0.0)) : v;
          };
          // Nested separable interpolation over the axes from `a` on.
          std::function<Value(int64_t, SmallVector<Value>)> interp =
              [&](int64_t a, SmallVector<Value> taps) -> Value {
            if (a == r)
              return pixel(taps);
            Value c = coords[a];
            if (mode == "nearest") {
              taps.push_back(s.toI64(c));
              return interp(a + 1, taps);
            }
            Value x0f = s.floor(c), t = s.sub(c, x0f);
            Value x0 = s.toI64(x0f);
            SmallVector<Value> coeffs;
            int64_t first;
            if (mode == "linear") {
              coeffs = {s.sub(s.f(1.0), t), t};
              first = 0;
            } else {
              const double A = -0.75;
              Value one = s.f(1.0), two = s.f(2.0);
              Value t1 = s.add(t, one), u = s.sub(one, t), u1 = s.sub(two, t);
              auto outer = [&](Value z) { // ((A z - 5A) z + 8A) z - 4A
                Value v = s.sub(s.mul(s.f(A), z), s.f(5 * A));
                v = s.add(s.mul(v, z), s.f(8 * A));
                return s.sub(s.mul(v, z), s.f(4 * A));
              };
              auto inner = [&](Value z) { // ((A + 2) z - (A + 3)) z z + 1
                Value v = s.sub(s.mul(s.f(A + 2), z), s.f(A + 3));
                return s.add(s.mul(s.mul(v, z), z), one);
              };
              coeffs = {outer(t1), inner(t), inner(u), outer(u1)};
              first = -1;
            }
            Value sum;
            for (auto [k, coeff] : llvm::enumerate(coeffs)) {
              SmallVector<Value> next = taps;
              next.push_back(arith::AddIOp::create(b, l, x0, s.i64(first + (int64_t)k)));
              Value term = s.mul(coeff, interp(a + 1, next));
              sum = sum ? s.add(sum, term) : term;
            }
            return sum;
          };
          Value result = s.convert(interp(0, {}), elem);
          linalg::YieldOp::create(b, l, result);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

struct RoiAlignLowering : OpConversionPattern<o::RoiAlignOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::RoiAlignOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto yType = cast<RankedTensorType>(op.getY().getType());
    Type elem = xType.getElementType();
    Type roiElem = getElementTypeOrSelf(op.getRois().getType());
    Type idxElem = getElementTypeOrSelf(op.getBatchIndices().getType());
    if (!isa<FloatType>(roiElem) || !isa<IntegerType>(idxElem))
      return rewriter.notifyMatchFailure(op, "rois must be float and batch_indices integer");
    Type f64 = rewriter.getF64Type();
    int64_t batch = xType.getDimSize(0), height = xType.getDimSize(2),
            width = xType.getDimSize(3);
    int64_t outH = (int64_t)op.getOutputHeight(), outW = (int64_t)op.getOutputWidth();
    int64_t ratio = (int64_t)op.getSamplingRatio();
    double scale = op.getSpatialScale().convertToDouble();
    bool halfPixel = op.getCoordinateTransformationMode() == "half_pixel";
    bool isMax = op.getMode() == "max";
    Value x = adaptor.getX(), rois = adaptor.getRois(), indices = adaptor.getBatchIndices();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();

    Value init = createEmptyTensor(rewriter, loc, yType.getShape(), elem);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(4, ctx)};
    SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{yType}, ValueRange{}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          Scalar s{b, l, f64};
          Value r = linalg::IndexOp::create(b, l, 0), c = linalg::IndexOp::create(b, l, 1);
          Value ph = s.toFloat(arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                          linalg::IndexOp::create(b, l, 2)));
          Value pw = s.toFloat(arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                          linalg::IndexOp::create(b, l, 3)));
          auto roi = [&](int64_t k) {
            Value v = tensor::ExtractOp::create(
                b, l, rois, ValueRange{r, arith::ConstantIndexOp::create(b, l, k)});
            return s.convert(v, f64);
          };
          Value bi = tensor::ExtractOp::create(b, l, indices, ValueRange{r});
          if (bi.getType() != b.getI64Type())
            bi = arith::ExtSIOp::create(b, l, b.getI64Type(), bi);
          Value bidx = s.toIndex(s.clampI(bi, 0, batch - 1));
          Value offset = s.f(halfPixel ? 0.5 : 0.0), sc = s.f(scale);
          Value startW = s.sub(s.mul(roi(0), sc), offset);
          Value startH = s.sub(s.mul(roi(1), sc), offset);
          Value endW = s.sub(s.mul(roi(2), sc), offset);
          Value endH = s.sub(s.mul(roi(3), sc), offset);
          Value roiW = s.sub(endW, startW), roiH = s.sub(endH, startH);
          if (!halfPixel) {
            roiW = s.maxf(roiW, s.f(1.0));
            roiH = s.maxf(roiH, s.f(1.0));
          }
          Value binH = s.div(roiH, s.f((double)outH)), binW = s.div(roiW, s.f((double)outW));
          auto gridCount = [&](Value size, int64_t out) -> Value {
            if (ratio > 0)
              return s.i64(ratio);
            Value n = s.toI64(math::CeilOp::create(b, l, s.div(size, s.f((double)out))));
            return arith::MaxSIOp::create(b, l, n, s.i64(0));
          };
          Value gridH = gridCount(roiH, outH), gridW = gridCount(roiW, outW);
          Value gridHf = s.toFloat(gridH), gridWf = s.toFloat(gridW);
          Value baseH = s.add(startH, s.mul(ph, binH)), baseW = s.add(startW, s.mul(pw, binW));
          Value hF = s.f((double)height), wF = s.f((double)width);
          Value acc0 = s.f(isMax ? -std::numeric_limits<double>::infinity() : 0.0);
          Value c0 = arith::ConstantIndexOp::create(b, l, 0);
          Value c1 = arith::ConstantIndexOp::create(b, l, 1);
          auto outerLoop = scf::ForOp::create(
              b, l, c0, s.toIndex(gridH), c1, ValueRange{acc0},
              [&](OpBuilder &b1, Location l1, Value iy, ValueRange accs) {
                Scalar s1{b1, l1, f64};
                Value iyF = s1.toFloat(arith::IndexCastOp::create(b1, l1, b1.getI64Type(), iy));
                Value yy = s1.add(baseH, s1.div(s1.mul(s1.add(iyF, s1.f(0.5)), binH), gridHf));
                auto innerLoop = scf::ForOp::create(
                    b1, l1, c0, s1.toIndex(gridW), c1, ValueRange{accs[0]},
                    [&](OpBuilder &b2, Location l2, Value ix, ValueRange accs2) {
                      Scalar s2{b2, l2, f64};
                      Value ixF =
                          s2.toFloat(arith::IndexCastOp::create(b2, l2, b2.getI64Type(), ix));
                      Value xx =
                          s2.add(baseW, s2.div(s2.mul(s2.add(ixF, s2.f(0.5)), binW), gridWf));
                      Value outside = arith::OrIOp::create(
                          b2, l2,
                          arith::OrIOp::create(b2, l2, s2.lt(yy, s2.f(-1.0)), s2.gt(yy, hF)),
                          arith::OrIOp::create(b2, l2, s2.lt(xx, s2.f(-1.0)), s2.gt(xx, wF)));
                      // One axis: low/high indices and the fraction.
                      auto axis = [&](Value v, int64_t size, Value &lowI, Value &highI,
                                      Value &frac) {
                        v = s2.maxf(v, s2.f(0.0));
                        Value low = s2.toI64(v);
                        Value atEnd = arith::CmpIOp::create(b2, l2, arith::CmpIPredicate::sge,
                                                            low, s2.i64(size - 1));
                        Value last = s2.i64(size - 1);
                        lowI = arith::SelectOp::create(b2, l2, atEnd, last, low);
                        highI = arith::SelectOp::create(
                            b2, l2, atEnd, last,
                            arith::AddIOp::create(b2, l2, low, s2.i64(1)));
                        v = s2.select(atEnd, s2.toFloat(last), v);
                        frac = s2.sub(v, s2.toFloat(lowI));
                      };
                      Value yLow, yHigh, ly, xLow, xHigh, lx;
                      axis(yy, height, yLow, yHigh, ly);
                      axis(xx, width, xLow, xHigh, lx);
                      Value hy = s2.sub(s2.f(1.0), ly), hx = s2.sub(s2.f(1.0), lx);
                      Value zero = s2.f(0.0);
                      auto weight = [&](Value a, Value c2) {
                        return s2.select(outside, zero, s2.mul(a, c2));
                      };
                      Value w1 = weight(hy, hx), w2 = weight(hy, lx), w3 = weight(ly, hx),
                            w4 = weight(ly, lx);
                      auto at = [&](Value yi, Value xi) {
                        yi = s2.toIndex(s2.clampI(yi, 0, height - 1));
                        xi = s2.toIndex(s2.clampI(xi, 0, width - 1));
                        Value v = tensor::ExtractOp::create(b2, l2, x,
                                                            ValueRange{bidx, c, yi, xi});
                        return s2.convert(v, f64);
                      };
                      Value t1 = s2.mul(w1, at(yLow, xLow)), t2 = s2.mul(w2, at(yLow, xHigh));
                      Value t3 = s2.mul(w3, at(yHigh, xLow)), t4 = s2.mul(w4, at(yHigh, xHigh));
                      Value next;
                      if (isMax) {
                        Value m = arith::MaximumFOp::create(
                            b2, l2, arith::MaximumFOp::create(b2, l2, t1, t2),
                            arith::MaximumFOp::create(b2, l2, t3, t4));
                        next = arith::MaximumFOp::create(b2, l2, accs2[0], m);
                      } else {
                        next = s2.add(accs2[0], s2.add(s2.add(s2.add(t1, t2), t3), t4));
                      }
                      scf::YieldOp::create(b2, l2, next);
                    });
                scf::YieldOp::create(b1, l1, innerLoop.getResult(0));
              });
          Value acc = outerLoop.getResult(0);
          Value count = arith::MulIOp::create(b, l, gridH, gridW);
          Value none = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle, count, s.i64(0));
          if (isMax)
            acc = s.select(none, s.f(0.0), acc);
          else
            acc = s.div(acc, s.toFloat(arith::MaxSIOp::create(b, l, count, s.i64(1))));
          linalg::YieldOp::create(b, l, s.convert(acc, elem));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// AffineGrid, Col2Im
//===----------------------------------------------------------------------===//

struct AffineGridLowering : OpConversionPattern<o::AffineGridOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::AffineGridOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getGrid().getType()));
    int64_t rank = type.getRank(), r = rank - 2;
    auto thetaType = cast<RankedTensorType>(adaptor.getTheta().getType());
    Type elem = type.getElementType();
    Location loc = op.getLoc();
    Value theta = adaptor.getTheta(), size = adaptor.getSize();
    bool align = op.getAlignCorners() != 0;
    // Sizes: N from theta, the spatial ones from `size`, then r.
    SmallVector<OpFoldResult> sizes{dimSize(rewriter, loc, theta, 0)};
    SmallVector<Value> spatial; // index values of D, H, W (as given)
    for (int64_t i = 0; i < r; ++i) {
      Value v = extractIndex(rewriter, loc, size, 2 + i);
      spatial.push_back(v);
      sizes.push_back(type.isDynamicDim(1 + i) ? OpFoldResult(v)
                                                : rewriter.getIndexAttr(type.getDimSize(1 + i)));
    }
    sizes.push_back(rewriter.getIndexAttr(r));
    (void)thetaType;
    Type f64 = rewriter.getF64Type();
    Value grid = buildGenerate(
        rewriter, loc, type, sizes, [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Scalar s{b, l, f64};
          auto toF = [&](Value idx) {
            return s.toFloat(arith::IndexCastOp::create(b, l, b.getI64Type(), idx));
          };
          // Base coordinate along spatial axis i (0 = outermost).
          auto coord = [&](int64_t i) {
            Value pos = toF(ivs[1 + i]), n = toF(spatial[i]);
            if (!align) // -1 + step / 2 + pos * step, step = 2 / n
              return s.add(s.add(s.f(-1.0), s.div(s.div(s.f(2.0), n), s.f(2.0))),
                           s.mul(pos, s.div(s.f(2.0), n)));
            // -1 + pos * 2 / (n - 1); a size of 1 gives -1.
            Value step = s.div(s.f(2.0), s.sub(n, s.f(1.0)));
            Value one = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle, spatial[i],
                                              arith::ConstantIndexOp::create(b, l, 1));
            return s.select(one, s.f(-1.0), s.add(s.f(-1.0), s.mul(pos, step)));
          };
          Value n = ivs[0], k = ivs[rank - 1];
          auto th = [&](int64_t j) {
            Value v = tensor::ExtractOp::create(
                b, l, theta, ValueRange{n, k, arith::ConstantIndexOp::create(b, l, j)});
            return s.convert(v, f64);
          };
          // (x, y[, z]) = coordinates of the innermost axis first.
          Value acc;
          for (int64_t j = 0; j < r; ++j) {
            Value t = s.mul(th(j), coord(r - 1 - j));
            acc = acc ? s.add(acc, t) : t;
          }
          acc = s.add(acc, th(r));
          return s.convert(acc, elem);
        });
    rewriter.replaceOp(op, grid);
    return success();
  }
};

struct Col2ImLowering : OpConversionPattern<o::Col2ImOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::Col2ImOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getOutput().getType()));
    Type elem = type.getElementType();
    if (!isa<FloatType>(elem) && !isa<IntegerType>(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    int64_t r = type.getRank() - 2;
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto attrOr = [&](std::optional<ArrayRef<int64_t>> a, size_t n, int64_t dflt) {
      return a ? SmallVector<int64_t>(*a) : SmallVector<int64_t>(n, dflt);
    };
    SmallVector<int64_t> dil = attrOr(op.getDilations(), r, 1),
                         str = attrOr(op.getStrides(), r, 1),
                         pads = attrOr(op.getPads(), 2 * r, 0);
    auto ic = [&](int64_t v) { return (Value)arith::ConstantIndexOp::create(rewriter, loc, v); };
    SmallVector<Value> image, block, cols;
    Value kernel = ic(1);
    for (int64_t i = 0; i < r; ++i) {
      image.push_back(extractIndex(rewriter, loc, adaptor.getImageShape(), i));
      block.push_back(extractIndex(rewriter, loc, adaptor.getBlockShape(), i));
      kernel = arith::MulIOp::create(rewriter, loc, kernel, block[i]);
    }
    // Block positions per axis: (image + pads - (dil * (block - 1) + 1)) / stride + 1.
    for (int64_t i = 0; i < r; ++i) {
      Value span = arith::AddIOp::create(
          rewriter, loc,
          arith::MulIOp::create(rewriter, loc, ic(dil[i]),
                                arith::SubIOp::create(rewriter, loc, block[i], ic(1))),
          ic(1));
      Value room = arith::SubIOp::create(
          rewriter, loc, arith::AddIOp::create(rewriter, loc, image[i], ic(pads[i] + pads[r + i])),
          span);
      cols.push_back(arith::AddIOp::create(
          rewriter, loc, arith::FloorDivSIOp::create(rewriter, loc, room, ic(str[i])), ic(1)));
    }
    SmallVector<OpFoldResult> sizes{dimSize(rewriter, loc, input, 0)};
    sizes.push_back(type.isDynamicDim(1)
                        ? OpFoldResult(arith::DivSIOp::create(
                              rewriter, loc,
                              getValueOrCreateConstantIndexOp(rewriter, loc,
                                                              dimSize(rewriter, loc, input, 1)),
                              kernel)
                              .getResult())
                        : rewriter.getIndexAttr(type.getDimSize(1)));
    for (int64_t i = 0; i < r; ++i)
      sizes.push_back(type.isDynamicDim(2 + i) ? OpFoldResult(image[i])
                                                : rewriter.getIndexAttr(type.getDimSize(2 + i)));
    bool isFloat = isa<FloatType>(elem);
    Value out = buildGenerate(
        rewriter, loc, type, sizes, [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          auto c = [&](int64_t v) { return (Value)arith::ConstantIndexOp::create(b, l, v); };
          Value zero = isFloat ? createScalar(b, l, elem, 0.0)
                               : (Value)arith::ConstantOp::create(b, l, b.getIntegerAttr(elem, 0));
          Value row0 = arith::MulIOp::create(b, l, ivs[1], kernel);
          auto loop = scf::ForOp::create(
              b, l, c(0), kernel, c(1), ValueRange{zero},
              [&](OpBuilder &b1, Location l1, Value k, ValueRange acc) {
                auto c1 = [&](int64_t v) {
                  return (Value)arith::ConstantIndexOp::create(b1, l1, v);
                };
                // Offsets inside the block (row-major), then the block
                // position each axis implies; valid when in range and on
                // the stride.
                Value rest = k, valid, col = c1(0);
                SmallVector<Value> offs(r);
                for (int64_t i = r - 1; i >= 0; --i) {
                  offs[i] = arith::RemUIOp::create(b1, l1, rest, block[i]);
                  rest = arith::DivUIOp::create(b1, l1, rest, block[i]);
                }
                for (int64_t i = 0; i < r; ++i) {
                  Value t = arith::SubIOp::create(
                      b1, l1, arith::AddIOp::create(b1, l1, ivs[2 + i], c1(pads[i])),
                      arith::MulIOp::create(b1, l1, offs[i], c1(dil[i])));
                  Value q = arith::FloorDivSIOp::create(b1, l1, t, c1(str[i]));
                  Value ok = arith::AndIOp::create(
                      b1, l1,
                      arith::CmpIOp::create(b1, l1, arith::CmpIPredicate::sge, t, c1(0)),
                      arith::AndIOp::create(
                          b1, l1,
                          arith::CmpIOp::create(b1, l1, arith::CmpIPredicate::eq,
                                                arith::MulIOp::create(b1, l1, q, c1(str[i])), t),
                          arith::CmpIOp::create(b1, l1, arith::CmpIPredicate::slt, q, cols[i])));
                  valid = valid ? arith::AndIOp::create(b1, l1, valid, ok).getResult() : ok;
                  col = arith::AddIOp::create(b1, l1, arith::MulIOp::create(b1, l1, col, cols[i]),
                                              q);
                }
                auto ifOp = scf::IfOp::create(
                    b1, l1, valid,
                    [&](OpBuilder &b2, Location l2) {
                      Value row = arith::AddIOp::create(b2, l2, row0, k);
                      Value v = tensor::ExtractOp::create(b2, l2, input,
                                                          ValueRange{ivs[0], row, col});
                      Value sum = isFloat ? (Value)arith::AddFOp::create(b2, l2, acc[0], v)
                                          : (Value)arith::AddIOp::create(b2, l2, acc[0], v);
                      scf::YieldOp::create(b2, l2, sum);
                    },
                    [&](OpBuilder &b2, Location l2) { scf::YieldOp::create(b2, l2, acc[0]); });
                scf::YieldOp::create(b1, l1, ifOp.getResult(0));
              });
          return loop.getResult(0);
        });
    rewriter.replaceOp(op, out);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// STFT, MelWeightMatrix
//===----------------------------------------------------------------------===//

struct STFTLowering : OpConversionPattern<o::STFTOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::STFTOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getOutput().getType()));
    Type elem = type.getElementType();
    Value signal = adaptor.getSignal();
    auto sigType = cast<RankedTensorType>(signal.getType());
    if (sigType.isDynamicDim(2))
      return rewriter.notifyMatchFailure(op, "the signal's last dimension must be static");
    bool complex = sigType.getDimSize(2) == 2;
    bool hasWindow = !o::isNone(op.getWindow());
    Location loc = op.getLoc();
    auto toIdx = [&](OpFoldResult f) { return getValueOrCreateConstantIndexOp(rewriter, loc, f); };
    Value window = hasWindow ? adaptor.getWindow() : Value();
    Value length = hasWindow ? toIdx(dimSize(rewriter, loc, window, 0))
                   : !o::isNone(op.getFrameLength())
                       ? extractIndex(rewriter, loc, adaptor.getFrameLength(), 0)
                       : toIdx(dimSize(rewriter, loc, signal, 1));
    Value step = extractIndex(rewriter, loc, adaptor.getFrameStep(), 0);
    Value total = toIdx(dimSize(rewriter, loc, signal, 1));
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value frames = arith::AddIOp::create(
        rewriter, loc,
        arith::DivSIOp::create(rewriter, loc, arith::SubIOp::create(rewriter, loc, total, length),
                               step),
        c1);
    Value bins = op.getOnesided()
                     ? (Value)arith::AddIOp::create(
                           rewriter, loc,
                           arith::DivUIOp::create(rewriter, loc, length,
                                                  arith::ConstantIndexOp::create(rewriter, loc, 2)),
                           c1)
                     : length;
    auto pick = [&](int64_t d, Value v) -> OpFoldResult {
      return type.isDynamicDim(d) ? OpFoldResult(v) : rewriter.getIndexAttr(type.getDimSize(d));
    };
    SmallVector<OpFoldResult> sizes{dimSize(rewriter, loc, signal, 0), pick(1, frames),
                                    pick(2, bins), rewriter.getIndexAttr(2)};
    Type f64 = rewriter.getF64Type();
    Value out = buildGenerate(
        rewriter, loc, type, sizes, [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Scalar s{b, l, f64};
          Value zero = s.f(0.0);
          Value start = arith::MulIOp::create(b, l, ivs[1], step);
          Value lenF = s.toFloat(arith::IndexCastOp::create(b, l, b.getI64Type(), length));
          auto loop = scf::ForOp::create(
              b, l, arith::ConstantIndexOp::create(b, l, 0), length,
              arith::ConstantIndexOp::create(b, l, 1), ValueRange{zero, zero},
              [&](OpBuilder &b1, Location l1, Value t, ValueRange acc) {
                Scalar s1{b1, l1, f64};
                Value pos = arith::AddIOp::create(b1, l1, start, t);
                auto sample = [&](int64_t part) {
                  Value v = tensor::ExtractOp::create(
                      b1, l1, signal,
                      ValueRange{ivs[0], pos, arith::ConstantIndexOp::create(b1, l1, part)});
                  if (hasWindow)
                    v = arith::MulFOp::create(
                        b1, l1, v, tensor::ExtractOp::create(b1, l1, window, ValueRange{t}));
                  return s1.convert(v, f64);
                };
                Value xr = sample(0), xi = complex ? sample(1) : Value();
                Value kt = arith::RemUIOp::create(b1, l1,
                                                  arith::MulIOp::create(b1, l1, ivs[2], t), length);
                Value ang = s1.div(
                    s1.mul(s1.f(2.0 * M_PI),
                           s1.toFloat(arith::IndexCastOp::create(b1, l1, b1.getI64Type(), kt))),
                    lenF);
                Value cs = math::CosOp::create(b1, l1, ang), sn = math::SinOp::create(b1, l1, ang);
                // (xr + i xi)(cos - i sin)
                Value re = s1.mul(xr, cs), im = s1.sub(zero, s1.mul(xr, sn));
                if (complex) {
                  re = s1.add(re, s1.mul(xi, sn));
                  im = s1.add(im, s1.mul(xi, cs));
                }
                scf::YieldOp::create(b1, l1, ValueRange{s1.add(acc[0], re), s1.add(acc[1], im)});
              });
          Value isRe = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, ivs[3],
                                             arith::ConstantIndexOp::create(b, l, 0));
          return s.convert(s.select(isRe, loop.getResult(0), loop.getResult(1)), elem);
        });
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct MelWeightMatrixLowering : OpConversionPattern<o::MelWeightMatrixOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(o::MelWeightMatrixOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireRankedShapes(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getOutput().getType()));
    Type elem = type.getElementType();
    Location loc = op.getLoc();
    Type f64 = rewriter.getF64Type(), i64 = rewriter.getI64Type();
    Value numMel = extractIndex(rewriter, loc, adaptor.getNumMelBins(), 0);
    Value dft = extractIndex(rewriter, loc, adaptor.getDftLength(), 0);
    Value rows = arith::AddIOp::create(
        rewriter, loc,
        arith::DivSIOp::create(rewriter, loc, dft, arith::ConstantIndexOp::create(rewriter, loc, 2)),
        arith::ConstantIndexOp::create(rewriter, loc, 1));
    Scalar s0{rewriter, loc, f64};
    auto idxF = [&](Scalar &s, Value v) {
      return s.toFloat(arith::IndexCastOp::create(s.b, s.loc, i64, v));
    };
    Value dftF = idxF(s0, dft), melF = idxF(s0, numMel);
    Value rate = idxF(s0, extractIndex(rewriter, loc, adaptor.getSampleRate(), 0));
    auto hz = [&](Value t) {
      return s0.convert(extractScalar(rewriter, loc, t, 0), f64);
    };
    // mel(hz) = 2595 log10(1 + hz / 700)
    auto mel = [&](Value h) {
      return s0.mul(s0.f(2595.0),
                    math::Log10Op::create(rewriter, loc, s0.add(s0.f(1.0), s0.div(h, s0.f(700.0)))));
    };
    Value lowMel = mel(hz(adaptor.getLowerEdgeHertz()));
    Value highMel = mel(hz(adaptor.getUpperEdgeHertz()));
    Value melStep = s0.div(s0.sub(highMel, lowMel), s0.add(melF, s0.f(2.0)));
    auto pick = [&](int64_t d, Value v) -> OpFoldResult {
      return type.isDynamicDim(d) ? OpFoldResult(v) : rewriter.getIndexAttr(type.getDimSize(d));
    };
    Value out = buildGenerate(
        rewriter, loc, type, {pick(0, rows), pick(1, numMel)},
        [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Scalar s{b, l, f64};
          Value i = arith::IndexCastOp::create(b, l, i64, ivs[1]);
          Value j = arith::IndexCastOp::create(b, l, i64, ivs[0]);
          // Bin of mel point p: floor((dft + 1) * (700 (10^(mel / 2595) - 1)) / rate).
          auto bin = [&](int64_t offset) {
            Value p = s.toFloat(arith::AddIOp::create(b, l, i, s.i64(offset)));
            Value m = s.add(s.mul(p, melStep), lowMel);
            Value h = s.mul(s.f(700.0),
                            s.sub(math::PowFOp::create(b, l, s.f(10.0), s.div(m, s.f(2595.0))),
                                  s.f(1.0)));
            Value q = s.floor(s.div(s.mul(s.add(dftF, s.f(1.0)), h), rate));
            return (Value)arith::FPToSIOp::create(b, l, i64, q);
          };
          Value lo = bin(0), ce = bin(1), hi = bin(2);
          auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
            return (Value)arith::CmpIOp::create(b, l, p, x, y);
          };
          auto andI = [&](Value x, Value y) { return (Value)arith::AndIOp::create(b, l, x, y); };
          using P = arith::CmpIPredicate;
          Value ltc = arith::SubIOp::create(b, l, ce, lo), cth = arith::SubIOp::create(b, l, hi, ce);
          Value zeroI = s.i64(0);
          Value rising = andI(cmp(P::ne, ltc, zeroI), andI(cmp(P::sle, lo, j), cmp(P::sle, j, ce)));
          Value peak = andI(cmp(P::eq, ltc, zeroI), cmp(P::eq, j, ce));
          Value falling = andI(cmp(P::sgt, cth, zeroI), andI(cmp(P::sle, ce, j), cmp(P::slt, j, hi)));
          Value up = s.div(s.toFloat(arith::SubIOp::create(b, l, j, lo)), s.toFloat(ltc));
          Value down = s.div(s.toFloat(arith::SubIOp::create(b, l, hi, j)), s.toFloat(cth));
          Value v = s.select(peak, s.f(1.0), s.f(0.0));
          v = s.select(rising, up, v);
          v = s.select(falling, down, v);
          return s.convert(v, elem);
        });
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void steed::populateSamplingLoweringPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<GridSampleLowering, RoiAlignLowering, AffineGridLowering, Col2ImLowering,
               STFTLowering, MelWeightMatrixLowering>(converter, patterns.getContext());
}
