//===- ONNXFolds.cpp - Folders of onnx ops --------------------------------===//
//
// Constant folding of small constants (shape arithmetic mostly). Resource
// blobs (weights) are never folded here: they stay one blob each.
//
#include "dialects/onnx/ONNXOps.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace steed::onnx;

namespace {
/// Results bigger than this are not folded (they would bloat the IR).
constexpr int64_t kMaxFoldedElements = 4096;

/// Applies `fn` elementwise over `a` and `b` with numpy broadcasting into
/// `shape`; nullopt when `fn` refuses an element (e.g. integer division by 0).
template <typename T, typename Fn>
std::optional<SmallVector<T>> broadcastApply(DenseElementsAttr a, DenseElementsAttr b,
                                             ArrayRef<int64_t> shape, Fn fn) {
  SmallVector<T> av(a.getValues<T>()), bv(b.getValues<T>());
  int64_t rank = shape.size();
  // Strides of each operand in result coordinates (0 along broadcast dims).
  auto strides = [&](ArrayRef<int64_t> s) {
    SmallVector<int64_t> out(rank, 0);
    int64_t stride = 1;
    for (int64_t i = (int64_t)s.size() - 1; i >= 0; --i) {
      if (s[i] != 1)
        out[rank - s.size() + i] = stride;
      stride *= s[i];
    }
    return out;
  };
  SmallVector<int64_t> sa = strides(a.getType().getShape()), sb = strides(b.getType().getShape());
  SmallVector<int64_t> index(rank, 0);
  int64_t count = ShapedType::getNumElements(shape);
  SmallVector<T> out;
  out.reserve(count);
  for (int64_t n = 0; n < count; ++n) {
    int64_t ia = 0, ib = 0;
    for (int64_t d = 0; d < rank; ++d) {
      ia += index[d] * sa[d];
      ib += index[d] * sb[d];
    }
    std::optional<T> v = fn(av[ia], bv[ib]);
    if (!v)
      return std::nullopt;
    out.push_back(*v);
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == shape[d]; --d)
      index[d] = 0;
  }
  return out;
}

/// Folds a binary op over small dense (non-resource) constants of the
/// result's element type, with broadcasting. Unsigned and bool element types
/// are left alone (their arithmetic differs).
template <typename FloatFn, typename IntFn>
OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands, FloatFn floatFn,
                        IntFn intFn) {
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.hasStaticShape() || operands.size() != 2 ||
      resultType.getNumElements() > kMaxFoldedElements)
    return {};
  auto a = dyn_cast_or_null<DenseElementsAttr>(operands[0]);
  auto b = dyn_cast_or_null<DenseElementsAttr>(operands[1]);
  Type elementType = resultType.getElementType();
  if (!a || !b || a.getElementType() != elementType || b.getElementType() != elementType)
    return {};
  if (isa<FloatType>(elementType)) {
    auto values = broadcastApply<APFloat>(
        a, b, resultType.getShape(),
        [&](const APFloat &x, const APFloat &y) -> std::optional<APFloat> {
          return floatFn(x, y);
        });
    if (values)
      return DenseElementsAttr::get(resultType, *values);
    return {};
  }
  if (elementType.isSignlessInteger() && elementType.getIntOrFloatBitWidth() > 1) {
    auto values = broadcastApply<APInt>(
        a, b, resultType.getShape(),
        [&](const APInt &x, const APInt &y) -> std::optional<APInt> { return intFn(x, y); });
    if (values)
      return DenseElementsAttr::get(resultType, *values);
  }
  return {};
}
} // namespace

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
        if (b.isZero())
          return std::nullopt;
        return a.sdiv(b);
      });
}
