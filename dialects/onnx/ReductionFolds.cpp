//===- ReductionFolds.cpp - Folders of the Reduce* onnx ops ---------------===//
//
// Reductions of small dense constants (masks and shape tensors in the ONNX
// function bodies, e.g. ReduceMax over a constant causal mask) fold to
// constants, all ten Reduce* ops through one template. Floats are reduced
// in double and rounded once; integers wrap like the target type (Mean and
// the log/sqrt reductions of integers are left alone). Axes must be absent
// or constant.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include <cmath>
#include <limits>

using namespace mlir;
using namespace steed::onnx;

namespace {
constexpr int64_t kMaxFoldElements = 4096;
/// Inputs bigger than this are not reduced at compile time.
constexpr int64_t kMaxReducedInput = 1 << 16;

enum class Reduction { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

/// Reduces one group of float values.
double reduceFloats(Reduction kind, ArrayRef<double> xs) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  auto sum = [&](auto f) {
    double s = 0;
    for (double x : xs)
      s += f(x);
    return s;
  };
  switch (kind) {
  case Reduction::Sum:
    return sum([](double x) { return x; });
  case Reduction::Mean:
    return sum([](double x) { return x; }) / (double)xs.size();
  case Reduction::Max:
  case Reduction::Min: {
    double r = kind == Reduction::Max ? -inf : inf;
    for (double x : xs) {
      if (std::isnan(x))
        return x;
      r = kind == Reduction::Max ? std::max(r, x) : std::min(r, x);
    }
    return r;
  }
  case Reduction::Prod: {
    double p = 1;
    for (double x : xs)
      p *= x;
    return p;
  }
  case Reduction::L1:
    return sum([](double x) { return std::fabs(x); });
  case Reduction::L2:
    return std::sqrt(sum([](double x) { return x * x; }));
  case Reduction::LogSum:
    return std::log(sum([](double x) { return x; }));
  case Reduction::LogSumExp: {
    double m = -inf;
    for (double x : xs)
      m = std::max(m, x);
    if (std::isinf(m))
      return std::log(sum([](double x) { return std::exp(x); }));
    return m + std::log(sum([&](double x) { return std::exp(x - m); }));
  }
  case Reduction::SumSquare:
    return sum([](double x) { return x * x; });
  }
  return 0;
}

/// Reduces one group of integers; nullopt for reductions integers do not fold.
std::optional<APInt> reduceInts(Reduction kind, ArrayRef<APInt> xs, unsigned width,
                                bool isUnsigned) {
  bool isBool = width == 1;
  switch (kind) {
  case Reduction::Max:
  case Reduction::Min: {
    bool max = kind == Reduction::Max;
    // The empty set gives the type's smallest (Max) or largest (Min) value.
    APInt r = max ? (isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width))
                  : (isUnsigned ? APInt::getMaxValue(width) : APInt::getSignedMaxValue(width));
    for (const APInt &x : xs) {
      bool less = isUnsigned ? x.ult(r) : x.slt(r);
      if (max ? (!less && x != r) : less)
        r = x;
    }
    return r;
  }
  case Reduction::Sum:
  case Reduction::Prod:
  case Reduction::L1:
  case Reduction::SumSquare: {
    if (isBool)
      return std::nullopt;
    APInt r(width, kind == Reduction::Prod ? 1 : 0);
    for (const APInt &x : xs) {
      if (kind == Reduction::Sum)
        r += x;
      else if (kind == Reduction::Prod)
        r *= x;
      else if (kind == Reduction::L1)
        r += isUnsigned ? x : x.abs();
      else
        r += x * x;
    }
    return r;
  }
  default:
    return std::nullopt;
  }
}

/// The result type (from inference) says where keepdims leaves size-1 dims;
/// the values only depend on which dims are reduced.
OpFoldResult foldReduce(Operation *op, Attribute dataAttr, Value axes, bool noopWithEmptyAxes,
                        Reduction kind) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  auto data = dyn_cast_or_null<DenseElementsAttr>(dataAttr);
  if (!type || !type.hasStaticShape() || type.getNumElements() > kMaxFoldElements || !data ||
      data.getNumElements() > kMaxReducedInput ||
      data.getElementType() != type.getElementType())
    return {};
  ArrayRef<int64_t> dshape = data.getType().getShape();
  int64_t rank = dshape.size();
  std::optional<SmallVector<int64_t>> axisValues;
  if (isNone(axes))
    axisValues.emplace();
  else
    axisValues = getConstantInts(axes);
  if (!axisValues)
    return {};
  if (axisValues->empty() && noopWithEmptyAxes)
    return data.getType() == type ? data : OpFoldResult();
  SmallVector<bool> reduced(rank, axisValues->empty());
  for (int64_t a : *axisValues) {
    if (rank == 0 && (a == 0 || a == -1))
      continue;
    if (a < -rank || a >= rank)
      return {};
    reduced[a < 0 ? a + rank : a] = true;
  }
  // The output position of each input element: its kept dims, row-major.
  SmallVector<int64_t> outStride(rank, 0);
  int64_t groups = 1;
  for (int64_t d = rank - 1; d >= 0; --d)
    if (!reduced[d]) {
      outStride[d] = groups;
      groups *= dshape[d];
    }
  if (groups != type.getNumElements())
    return {};
  auto groupOf = [&](int64_t pos) {
    int64_t g = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      g += (pos % dshape[d]) * outStride[d];
      pos /= dshape[d];
    }
    return g;
  };

  Type et = type.getElementType();
  if (auto ft = dyn_cast<FloatType>(et)) {
    SmallVector<SmallVector<double>> members(groups);
    int64_t pos = 0;
    for (const APFloat &x : data.getValues<APFloat>())
      members[groupOf(pos++)].push_back(x.convertToDouble());
    SmallVector<APFloat> out;
    for (auto &m : members) {
      APFloat r(reduceFloats(kind, m));
      bool lost;
      r.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(r);
    }
    return DenseElementsAttr::get(type, out);
  }
  auto it = dyn_cast<IntegerType>(et);
  if (!it)
    return {};
  bool isUnsigned = it.isUnsigned() || it.getWidth() == 1;
  SmallVector<SmallVector<APInt>> members(groups);
  int64_t pos = 0;
  for (const APInt &x : data.getValues<APInt>())
    members[groupOf(pos++)].push_back(x);
  SmallVector<APInt> out;
  for (auto &m : members) {
    auto r = reduceInts(kind, m, it.getWidth(), isUnsigned);
    if (!r)
      return {};
    out.push_back(*r);
  }
  return DenseElementsAttr::get(type, out);
}
} // namespace

#define STEED_REDUCE_FOLD(Op, Kind)                                                        \
  OpFoldResult Op::fold(FoldAdaptor adaptor) {                                             \
    return foldReduce(getOperation(), adaptor.getData(), getAxes(),                        \
                      getNoopWithEmptyAxes() != 0, Reduction::Kind);                       \
  }
STEED_REDUCE_FOLD(ReduceSumOp, Sum)
STEED_REDUCE_FOLD(ReduceMeanOp, Mean)
STEED_REDUCE_FOLD(ReduceMaxOp, Max)
STEED_REDUCE_FOLD(ReduceMinOp, Min)
STEED_REDUCE_FOLD(ReduceProdOp, Prod)
STEED_REDUCE_FOLD(ReduceL1Op, L1)
STEED_REDUCE_FOLD(ReduceL2Op, L2)
STEED_REDUCE_FOLD(ReduceLogSumOp, LogSum)
STEED_REDUCE_FOLD(ReduceLogSumExpOp, LogSumExp)
STEED_REDUCE_FOLD(ReduceSumSquareOp, SumSquare)
#undef STEED_REDUCE_FOLD
