//===- ONNXFolds.cpp - Folders of elementwise onnx ops --------------------===//
//
// Constant folding of small constants (shape arithmetic mostly: the ONNX
// function bodies of the `_expanded` tests compute shapes with Equal, Not,
// Mod, And, Where, Neg, Sqrt, ... over constants). Resource blobs (weights)
// are never folded here: they stay one blob each.
//
// Every folder goes through one of three templates:
//  * foldElementwise: operands of one element type, numpy broadcasting,
//    a per-element function for floats (APFloat) and one for integers
//    (APInt, told whether the type is unsigned; i1 counts as unsigned);
//  * foldWhere: the select, whose operands differ in element type;
//  * Clip, whose bounds are optional.
// A per-element function may refuse an element (nullopt): the op then stays.
//
#include "dialects/onnx/ONNXOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include <cmath>

using namespace mlir;
using namespace steed::onnx;

namespace {
/// Results bigger than this are not folded (they would bloat the IR).
constexpr int64_t kMaxFoldedElements = 4096;

/// The result type of `op` if it is static and small enough to fold into.
RankedTensorType foldableType(Operation *op) {
  auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!t || !t.hasStaticShape() || t.getNumElements() > kMaxFoldedElements)
    return {};
  return t;
}

/// All operands as plain dense constants (not resource blobs), or nullopt.
std::optional<SmallVector<DenseElementsAttr>> denseOperands(ArrayRef<Attribute> operands) {
  SmallVector<DenseElementsAttr> out;
  for (Attribute a : operands) {
    auto d = dyn_cast_or_null<DenseElementsAttr>(a);
    if (!d)
      return std::nullopt;
    out.push_back(d);
  }
  return out;
}

/// Calls `fn(indices)` for each element of `shape` in row-major order, where
/// indices[i] is the linear position in operand i under numpy broadcasting.
/// Stops and returns false as soon as `fn` does.
template <typename Fn>
bool forEachBroadcast(ArrayRef<DenseElementsAttr> operands, ArrayRef<int64_t> shape, Fn fn) {
  int64_t rank = shape.size();
  // Strides of each operand in result coordinates (0 along broadcast dims).
  SmallVector<SmallVector<int64_t>> strides;
  for (DenseElementsAttr d : operands) {
    ArrayRef<int64_t> s = d.getType().getShape();
    if ((int64_t)s.size() > rank)
      return false;
    SmallVector<int64_t> st(rank, 0);
    int64_t stride = 1;
    for (int64_t i = (int64_t)s.size() - 1; i >= 0; --i) {
      int64_t r = rank - s.size() + i;
      if (s[i] != 1 && s[i] != shape[r])
        return false; // does not broadcast to the result (stale type)
      if (s[i] != 1)
        st[r] = stride;
      stride *= s[i];
    }
    strides.push_back(std::move(st));
  }
  SmallVector<int64_t> index(rank, 0), positions(operands.size());
  int64_t count = ShapedType::getNumElements(shape);
  for (int64_t n = 0; n < count; ++n) {
    for (size_t o = 0; o < operands.size(); ++o) {
      positions[o] = 0;
      for (int64_t d = 0; d < rank; ++d)
        positions[o] += index[d] * strides[o][d];
    }
    if (!fn(ArrayRef<int64_t>(positions)))
      return false;
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == shape[d]; --d)
      index[d] = 0;
  }
  return true;
}

/// Maps `fn` (ArrayRef<T> -> std::optional<R>) over the broadcast operands.
template <typename T, typename R, typename Fn>
OpFoldResult mapElements(RankedTensorType type, ArrayRef<DenseElementsAttr> operands, Fn fn) {
  SmallVector<SmallVector<T>> values;
  for (DenseElementsAttr d : operands)
    values.emplace_back(d.getValues<T>().begin(), d.getValues<T>().end());
  SmallVector<R> out;
  out.reserve(type.getNumElements());
  SmallVector<T> args;
  bool ok = forEachBroadcast(operands, type.getShape(), [&](ArrayRef<int64_t> pos) {
    args.clear();
    for (size_t o = 0; o < pos.size(); ++o)
      args.push_back(values[o][pos[o]]);
    std::optional<R> r = fn(ArrayRef<T>(args));
    if (!r)
      return false;
    out.push_back(*r);
    return true;
  });
  if (!ok || (int64_t)out.size() != type.getNumElements())
    return {};
  return DenseElementsAttr::get(type, ArrayRef<R>(out));
}

/// Folds an elementwise op whose constant operands share one element type.
/// `floatFn(ArrayRef<APFloat>) -> std::optional<RF>` and
/// `intFn(ArrayRef<APInt>, bool isUnsigned) -> std::optional<RI>`; RF/RI is
/// APFloat/APInt for results of the operands' type, bool for i1 results.
template <typename RF, typename RI, typename FloatFn, typename IntFn>
OpFoldResult foldElementwise(Operation *op, ArrayRef<Attribute> operands, FloatFn floatFn,
                             IntFn intFn) {
  auto type = foldableType(op);
  auto ins = denseOperands(operands);
  if (!type || !ins || ins->empty())
    return {};
  Type elementType = (*ins)[0].getElementType();
  for (DenseElementsAttr d : *ins)
    if (d.getElementType() != elementType)
      return {};
  if (isa<FloatType>(elementType))
    return mapElements<APFloat, RF>(type, *ins, floatFn);
  if (auto it = dyn_cast<IntegerType>(elementType)) {
    bool isUnsigned = it.isUnsigned() || it.getWidth() == 1;
    return mapElements<APInt, RI>(type, *ins, [&](ArrayRef<APInt> args) {
      return intFn(args, isUnsigned);
    });
  }
  return {};
}

/// For ops without a float form.
template <typename T>
std::optional<T> noFloat(ArrayRef<APFloat>) { return std::nullopt; }

/// `fn` on the double value, rounded back to the operand's semantics.
std::optional<APFloat> viaDouble(const APFloat &x, double (*fn)(double)) {
  APFloat r(fn(x.convertToDouble()));
  bool lost;
  r.convert(x.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return r;
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

template <typename FloatFn, typename IntFn>
OpFoldResult foldUnary(Operation *op, Attribute operand, FloatFn floatFn, IntFn intFn) {
  return foldElementwise<APFloat, APInt>(
      op, {operand}, [&](ArrayRef<APFloat> a) { return floatFn(a[0]); },
      [&](ArrayRef<APInt> a, bool isUnsigned) { return intFn(a[0], isUnsigned); });
}

/// Unary ops defined on floats only, computed in double.
OpFoldResult foldFloatMath(Operation *op, Attribute operand, double (*fn)(double)) {
  return foldUnary(
      op, operand, [&](const APFloat &x) { return viaDouble(x, fn); },
      [](const APInt &, bool) -> std::optional<APInt> { return std::nullopt; });
}

std::optional<APFloat> roundFloat(const APFloat &x, APFloat::roundingMode mode) {
  APFloat r = x;
  r.roundToIntegral(mode);
  return r;
}

std::optional<APInt> sameInt(const APInt &x, bool) { return x; }

//===----------------------------------------------------------------------===//
// Comparisons and logical ops (i1 results)
//===----------------------------------------------------------------------===//

/// `pred` maps a three-way comparison (-1, 0, 1) to the result; unordered
/// (NaN) float comparisons are false, as IEEE ordered predicates say.
template <typename Pred>
OpFoldResult foldCompare(Operation *op, ArrayRef<Attribute> operands, Pred pred) {
  return foldElementwise<bool, bool>(
      op, operands,
      [&](ArrayRef<APFloat> a) -> std::optional<bool> {
        APFloat::cmpResult c = a[0].compare(a[1]);
        if (c == APFloat::cmpUnordered)
          return false;
        return pred(c == APFloat::cmpLessThan ? -1 : c == APFloat::cmpEqual ? 0 : 1);
      },
      [&](ArrayRef<APInt> a, bool isUnsigned) -> std::optional<bool> {
        int c = isUnsigned ? (a[0].ult(a[1]) ? -1 : a[0] == a[1] ? 0 : 1)
                           : (a[0].slt(a[1]) ? -1 : a[0] == a[1] ? 0 : 1);
        return pred(c);
      });
}

/// And/Or/Xor over bool (i1) operands.
template <typename Fn>
OpFoldResult foldLogical(Operation *op, ArrayRef<Attribute> operands, Fn fn) {
  return foldElementwise<bool, bool>(
      op, operands, noFloat<bool>,
      [&](ArrayRef<APInt> a, bool) -> std::optional<bool> {
        if (a[0].getBitWidth() != 1)
          return std::nullopt;
        return fn(a[0].getBoolValue(), a[1].getBoolValue());
      });
}

//===----------------------------------------------------------------------===//
// Binary arithmetic (same element type in and out)
//===----------------------------------------------------------------------===//

/// Signless integers only (unsigned division differs; bool is no number).
template <typename FloatFn, typename IntFn>
OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands, FloatFn floatFn,
                        IntFn intFn) {
  if (operands.size() != 2)
    return {};
  return foldElementwise<APFloat, APInt>(
      op, operands,
      [&](ArrayRef<APFloat> a) -> std::optional<APFloat> { return floatFn(a[0], a[1]); },
      [&](ArrayRef<APInt> a, bool isUnsigned) -> std::optional<APInt> {
        if (isUnsigned)
          return std::nullopt;
        return intFn(a[0], a[1]);
      });
}

/// Max/Min/Sum/Mean: `floatFn`/`intFn` combine two values; Mean divides the
/// float sum by the operand count afterwards (integer Mean is left alone).
template <typename FloatFn, typename IntFn>
OpFoldResult foldVariadic(Operation *op, ArrayRef<Attribute> operands, bool mean,
                          FloatFn floatFn, IntFn intFn) {
  return foldElementwise<APFloat, APInt>(
      op, operands,
      [&](ArrayRef<APFloat> a) -> std::optional<APFloat> {
        APFloat r = a[0];
        for (const APFloat &x : a.drop_front())
          r = floatFn(r, x);
        if (mean) {
          APFloat n(r.getSemantics(), (uint64_t)a.size());
          r.divide(n, APFloat::rmNearestTiesToEven);
        }
        return r;
      },
      [&](ArrayRef<APInt> a, bool isUnsigned) -> std::optional<APInt> {
        if (mean || a[0].getBitWidth() == 1)
          return std::nullopt;
        APInt r = a[0];
        for (const APInt &x : a.drop_front())
          r = intFn(r, x, isUnsigned);
        return r;
      });
}

/// NaN-propagating max/min of floats (like numpy and the lowering).
APFloat floatMax(const APFloat &a, const APFloat &b) { return maximum(a, b); }
APFloat floatMin(const APFloat &a, const APFloat &b) { return minimum(a, b); }
} // namespace

//===----------------------------------------------------------------------===//
// Unary folders
//===----------------------------------------------------------------------===//

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(), [](const APFloat &x) -> std::optional<APFloat> { return abs(x); },
      [](const APInt &x, bool isUnsigned) -> std::optional<APInt> {
        return isUnsigned ? x : x.abs();
      });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(), [](const APFloat &x) -> std::optional<APFloat> { return -x; },
      [](const APInt &x, bool isUnsigned) -> std::optional<APInt> {
        if (isUnsigned)
          return std::nullopt;
        return -x;
      });
}

OpFoldResult SqrtOp::fold(FoldAdaptor adaptor) {
  return foldFloatMath(*this, adaptor.getX(), [](double x) { return std::sqrt(x); });
}
OpFoldResult ExpOp::fold(FoldAdaptor adaptor) {
  return foldFloatMath(*this, adaptor.getX(), [](double x) { return std::exp(x); });
}
OpFoldResult LogOp::fold(FoldAdaptor adaptor) {
  return foldFloatMath(*this, adaptor.getX(), [](double x) { return std::log(x); });
}

OpFoldResult ReciprocalOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(),
      [](const APFloat &x) -> std::optional<APFloat> {
        APFloat r(x.getSemantics(), 1);
        r.divide(x, APFloat::rmNearestTiesToEven);
        return r;
      },
      [](const APInt &, bool) -> std::optional<APInt> { return std::nullopt; });
}

OpFoldResult FloorOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(),
      [](const APFloat &x) { return roundFloat(x, APFloat::rmTowardNegative); }, sameInt);
}
OpFoldResult CeilOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(),
      [](const APFloat &x) { return roundFloat(x, APFloat::rmTowardPositive); }, sameInt);
}
OpFoldResult RoundOp::fold(FoldAdaptor adaptor) {
  // Half to even, like numpy and the lowering (math.roundeven).
  return foldUnary(
      *this, adaptor.getX(),
      [](const APFloat &x) { return roundFloat(x, APFloat::rmNearestTiesToEven); }, sameInt);
}

OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(),
      [](const APFloat &x) -> std::optional<APFloat> {
        if (x.isNaN())
          return std::nullopt; // the spec says NaN, the lowering 0: leave it
        if (x.isZero())
          return APFloat::getZero(x.getSemantics());
        APFloat one(x.getSemantics(), 1);
        return x.isNegative() ? -one : one;
      },
      [](const APInt &x, bool isUnsigned) -> std::optional<APInt> {
        unsigned w = x.getBitWidth();
        if (x.isZero())
          return APInt(w, 0);
        if (!isUnsigned && x.isNegative())
          return APInt::getAllOnes(w);
        return APInt(w, 1);
      });
}

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(),
      [](const APFloat &x) -> std::optional<APFloat> {
        if (x.isNaN())
          return std::nullopt;
        return x.isNegative() ? APFloat::getZero(x.getSemantics()) : x;
      },
      [](const APInt &x, bool isUnsigned) -> std::optional<APInt> {
        if (isUnsigned)
          return x;
        return x.isNegative() ? APInt(x.getBitWidth(), 0) : x;
      });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getX(), [](const APFloat &) -> std::optional<APFloat> { return std::nullopt; },
      [](const APInt &x, bool) -> std::optional<APInt> {
        if (x.getBitWidth() != 1)
          return std::nullopt;
        return ~x;
      });
}

//===----------------------------------------------------------------------===//
// Comparison and logical folders
//===----------------------------------------------------------------------===//

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](int c) { return c == 0; });
}
OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](int c) { return c < 0; });
}
OpFoldResult LessOrEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](int c) { return c <= 0; });
}
OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](int c) { return c > 0; });
}
OpFoldResult GreaterOrEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](int c) { return c >= 0; });
}

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return foldLogical(*this, adaptor.getOperands(), [](bool a, bool b) { return a && b; });
}
OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return foldLogical(*this, adaptor.getOperands(), [](bool a, bool b) { return a || b; });
}
OpFoldResult XorOp::fold(FoldAdaptor adaptor) {
  return foldLogical(*this, adaptor.getOperands(), [](bool a, bool b) { return a != b; });
}

//===----------------------------------------------------------------------===//
// Binary arithmetic folders
//===----------------------------------------------------------------------===//

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a - b; },
      [](const APInt &a, const APInt &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a * b; },
      [](const APInt &a, const APInt &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a / b; },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero() || (a.isMinSignedValue() && b.isAllOnes()))
          return std::nullopt;
        return a.sdiv(b);
      });
}

OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  bool fmod = getFmod() == 1;
  return foldElementwise<APFloat, APInt>(
      *this, adaptor.getOperands(),
      [&](ArrayRef<APFloat> a) -> std::optional<APFloat> {
        if (!fmod || a[1].isZero())
          return std::nullopt; // floats need fmod = 1
        APFloat r = a[0];
        r.mod(a[1]); // C fmod: the dividend's sign
        return r;
      },
      [&](ArrayRef<APInt> a, bool isUnsigned) -> std::optional<APInt> {
        if (a[1].isZero() || a[0].getBitWidth() == 1)
          return std::nullopt;
        if (isUnsigned)
          return a[0].urem(a[1]);
        if (a[0].isMinSignedValue() && a[1].isAllOnes())
          return APInt(a[0].getBitWidth(), 0);
        APInt r = a[0].srem(a[1]);
        // fmod = 0 is Python's %: the result takes the divisor's sign.
        if (!fmod && !r.isZero() && r.isNegative() != a[1].isNegative())
          r += a[1];
        return r;
      });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  // Same-typed operands only (Pow allows another exponent type).
  return foldElementwise<APFloat, APInt>(
      *this, adaptor.getOperands(),
      [](ArrayRef<APFloat> a) -> std::optional<APFloat> {
        APFloat r(std::pow(a[0].convertToDouble(), a[1].convertToDouble()));
        bool lost;
        r.convert(a[0].getSemantics(), APFloat::rmNearestTiesToEven, &lost);
        return r;
      },
      [](ArrayRef<APInt> a, bool isUnsigned) -> std::optional<APInt> {
        if (a[0].getBitWidth() == 1 || (!isUnsigned && a[1].isNegative()) ||
            a[1].getActiveBits() > 7)
          return std::nullopt; // negative or huge exponents are left alone
        APInt r(a[0].getBitWidth(), 1);
        for (uint64_t i = 0, n = a[1].getZExtValue(); i < n; ++i)
          r *= a[0];
        return r;
      });
}

//===----------------------------------------------------------------------===//
// Variadic folders
//===----------------------------------------------------------------------===//

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldVariadic(*this, adaptor.getOperands(), /*mean=*/false, floatMax,
                      [](const APInt &a, const APInt &b, bool isUnsigned) {
                        return (isUnsigned ? a.ult(b) : a.slt(b)) ? b : a;
                      });
}
OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldVariadic(*this, adaptor.getOperands(), /*mean=*/false, floatMin,
                      [](const APInt &a, const APInt &b, bool isUnsigned) {
                        return (isUnsigned ? b.ult(a) : b.slt(a)) ? b : a;
                      });
}
OpFoldResult SumOp::fold(FoldAdaptor adaptor) {
  return foldVariadic(
      *this, adaptor.getOperands(), /*mean=*/false,
      [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b, bool) { return a + b; });
}
OpFoldResult MeanOp::fold(FoldAdaptor adaptor) {
  return foldVariadic(
      *this, adaptor.getOperands(), /*mean=*/true,
      [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b, bool) { return a + b; });
}

//===----------------------------------------------------------------------===//
// Where / Clip
//===----------------------------------------------------------------------===//

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto cond = dyn_cast_or_null<DenseElementsAttr>(adaptor.getCondition());
  if (!cond || !cond.getElementType().isInteger(1))
    return {};
  // A uniform condition selects one operand when that one already has the
  // result type (no broadcast needed), constant or not.
  if (cond.isSplat()) {
    Value chosen = cond.getSplatValue<bool>() ? getX() : getY();
    if (chosen.getType() == getType())
      return chosen;
  }
  auto type = foldableType(*this);
  auto ins = denseOperands(adaptor.getOperands());
  if (!type || !ins || (*ins)[1].getElementType() != type.getElementType() ||
      (*ins)[2].getElementType() != type.getElementType())
    return {};
  return mapElements<Attribute, Attribute>(type, *ins, [](ArrayRef<Attribute> a) {
    return std::optional<Attribute>(cast<IntegerAttr>(a[0]).getValue().isZero() ? a[2] : a[1]);
  });
}

OpFoldResult ClipOp::fold(FoldAdaptor adaptor) {
  auto type = foldableType(*this);
  auto in = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!type || !in || in.getType() != type)
    return {};
  // Absent bounds are `none` (which folds to a unit attribute).
  auto bound = [](Value v, Attribute a, bool &absent) {
    absent = isa<NoneType>(v.getType());
    auto d = dyn_cast_or_null<DenseElementsAttr>(a);
    return d && d.getNumElements() == 1 ? d : DenseElementsAttr();
  };
  bool noMin, noMax;
  DenseElementsAttr lo = bound(getMin(), adaptor.getMin(), noMin);
  DenseElementsAttr hi = bound(getMax(), adaptor.getMax(), noMax);
  if ((!noMin && !lo) || (!noMax && !hi) ||
      (lo && lo.getElementType() != type.getElementType()) ||
      (hi && hi.getElementType() != type.getElementType()))
    return {};
  if (isa<FloatType>(type.getElementType())) {
    SmallVector<APFloat> out;
    for (APFloat x : in.getValues<APFloat>()) {
      if (lo)
        x = floatMax(x, *lo.getValues<APFloat>().begin());
      if (hi)
        x = floatMin(x, *hi.getValues<APFloat>().begin());
      out.push_back(x);
    }
    return DenseElementsAttr::get(type, out);
  }
  auto it = dyn_cast<IntegerType>(type.getElementType());
  if (!it || it.getWidth() == 1)
    return {};
  bool isUnsigned = it.isUnsigned();
  SmallVector<APInt> out;
  for (APInt x : in.getValues<APInt>()) {
    if (lo) {
      APInt l = *lo.getValues<APInt>().begin();
      if (isUnsigned ? x.ult(l) : x.slt(l))
        x = l;
    }
    if (hi) {
      APInt h = *hi.getValues<APInt>().begin();
      if (isUnsigned ? h.ult(x) : h.slt(x))
        x = h;
    }
    out.push_back(x);
  }
  return DenseElementsAttr::get(type, out);
}
