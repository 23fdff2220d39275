//===- DataMovementOps.cpp - Result types of data movement onnx ops -------===//
//
// Shape-like operands (shape, axes, starts, repeats, ...) that are constants
// give exact result types; otherwise dims that depend on their values stay
// dynamic (the rank is still known when the operand's length is static).
// Inconsistent constant operands are op errors naming the offending value.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include <numeric>

using namespace mlir;
using namespace steed::onnx;

namespace {
bool isDyn(int64_t d) { return ShapedType::isDynamic(d); }

Type elementTypeOf(Value v) { return getElementTypeOrSelf(v.getType()); }

/// The 1-element piece of a Concat-built shape operand that gives entry `i`,
/// or a null value.
Value getShapeEntry(Value shape, int64_t i) {
  auto concat = shape.getDefiningOp<ConcatOp>();
  if (!concat)
    return {};
  int64_t pos = 0;
  for (Value piece : concat.getInputs()) {
    auto t = getRanked(piece);
    if (!t || t.getRank() != 1 || t.isDynamicDim(0))
      return {};
    if (i < pos + t.getDimSize(0))
      return t.getDimSize(0) == 1 ? piece : Value();
    pos += t.getDimSize(0);
  }
  return {};
}

/// The static length of a 1-D (or 0-D: 1) operand, or nullopt.
std::optional<int64_t> staticLength(Value v) {
  auto t = getRanked(v);
  if (!t || t.getRank() > 1)
    return std::nullopt;
  if (t.getRank() == 0)
    return 1;
  if (isDyn(t.getDimSize(0)))
    return std::nullopt;
  return t.getDimSize(0);
}

/// Sets result `idx` to `type`, but keeps static dims the result already
/// has where `type` does not know them: result types refined from outside
/// (an ONNX model's declared output shapes, pinned by the importer) survive
/// re-inference (steed-infer-shapes) when the operand values stay unknown.
void setRefined(Operation *op, unsigned idx, Type type) {
  auto now = dyn_cast<RankedTensorType>(op->getResult(idx).getType());
  auto next = dyn_cast<TensorType>(type);
  if (now && next && now.getElementType() == next.getElementType()) {
    if (!next.hasRank()) {
      type = now;
    } else if (next.getRank() == now.getRank() &&
               succeeded(verifyCompatibleShape(now.getShape(), next.getShape()))) {
      SmallVector<int64_t> shape(next.getShape());
      for (auto [d, known] : llvm::zip(shape, now.getShape()))
        if (isDyn(d))
          d = known;
      type = RankedTensorType::get(shape, next.getElementType());
    }
  }
  setResultType(op, idx, type);
}
void setRefined(Operation *op, unsigned idx, ArrayRef<int64_t> shape, Type elementType) {
  setRefined(op, idx, RankedTensorType::get(shape, elementType));
}

/// Sets an unranked result of `elementType`.
void setUnranked(Operation *op, unsigned idx, Type elementType) {
  setRefined(op, idx, UnrankedTensorType::get(elementType));
}
LogicalResult unranked(Operation *op, Type elementType) {
  setUnranked(op, 0, elementType);
  return success();
}

/// Product of dims, dynamic if any is.
int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims) {
    if (isDyn(d))
      return ShapedType::kDynamic;
    p *= d;
  }
  return p;
}

/// Normalizes a list of axes against `rank`; errors on out-of-range or
/// repeated axes.
std::optional<SmallVector<int64_t>> normalizeAxes(Operation *op, ArrayRef<int64_t> axes,
                                                  int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      op->emitOpError() << "axis " << a << " is out of range for rank " << rank;
      return std::nullopt;
    }
    int64_t n = a < 0 ? a + rank : a;
    if (llvm::is_contained(out, n)) {
      op->emitOpError() << "axis " << a << " is repeated";
      return std::nullopt;
    }
    out.push_back(n);
  }
  return out;
}
} // namespace

//===----------------------------------------------------------------------===//
// Reshape / Flatten / Squeeze / Unsqueeze
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData());
  auto shape = getConstantInts(getShape());
  if (!shape) {
    // Run-time shape: constant entries still give static dims (a positive
    // one directly, 0 the input's dim, -1 the rest when everything else is
    // known); entries computed at run time are dynamic.
    auto partial = getPartialConstantInts(getShape());
    if (!partial) {
      setUnranked(*this, 0, elementType);
      return success();
    }
    SmallVector<int64_t> out;
    int64_t minusOne = -1;
    bool allKnown = true;
    for (auto [i, d] : llvm::enumerate(*partial)) {
      if (!d) {
        out.push_back(ShapedType::kDynamic);
        allKnown = false;
      } else if (*d > 0) {
        out.push_back(*d);
      } else if (*d == 0 && !getAllowzero() && data && (int64_t)i < data.getRank()) {
        out.push_back(data.getDimSize(i));
      } else if (*d == -1 && minusOne < 0) {
        minusOne = i;
        out.push_back(ShapedType::kDynamic);
      } else {
        out.push_back(ShapedType::kDynamic);
        allKnown = false;
      }
    }
    // -1 is the input's size over the other entries' product. Dynamic dims
    // cancel out when each run-time entry is provably one of the input's
    // dynamic dims (a batch size read with Shape, carried through
    // Transpose/Reshape: shufflenet's channel shuffle, attention heads).
    if (minusOne >= 0 && data) {
      SmallVector<bool> matched(data.getRank(), false);
      bool cancels = true;
      for (auto [i, d] : llvm::enumerate(*partial)) {
        if ((int64_t)i == minusOne || (d && *d > 0))
          continue;
        if (d && *d == 0) {
          if (!getAllowzero() && (int64_t)i < data.getRank() && data.isDynamicDim(i) &&
              !matched[i]) {
            matched[i] = true;
            continue;
          }
          if (!isDyn(out[i]))
            continue;
          cancels = false;
          break;
        }
        auto src = shapeEntryDim(getShapeEntry(getShape(), i));
        bool found = false;
        for (int64_t k = 0; src && k < data.getRank() && !found; ++k)
          if (data.isDynamicDim(k) && !matched[k] &&
              provablySameDim(src->first, src->second, getData(), k))
            matched[k] = found = true;
        if (!found) {
          cancels = false;
          break;
        }
      }
      for (int64_t k = 0; k < data.getRank(); ++k)
        if (data.isDynamicDim(k) && !matched[k])
          cancels = false;
      (void)allKnown;
      if (cancels) {
        int64_t total = 1, known = 1;
        for (int64_t d : data.getShape())
          if (!isDyn(d))
            total *= d;
        for (auto [i, d] : llvm::enumerate(*partial))
          if ((int64_t)i != minusOne && d && *d > 0)
            known *= *d;
          else if ((int64_t)i != minusOne && d && *d == 0 && !isDyn(out[i]))
            known *= out[i];
        if (known > 0 && total % known == 0)
          out[minusOne] = total / known;
      }
    }
    setRefined(*this, 0, out, elementType);
    return success();
  }
  SmallVector<int64_t> out(*shape);
  int64_t inferred = -1;
  for (auto [i, d] : llvm::enumerate(out)) {
    if (d == -1) {
      if (inferred >= 0)
        return emitOpError("shape has more than one -1");
      inferred = i;
    } else if (d == 0 && !getAllowzero()) {
      if (!data) {
        d = ShapedType::kDynamic;
      } else if ((int64_t)i >= data.getRank()) {
        return emitOpError() << "shape[" << i << "] is 0 (copy the input dim) but the input "
                             << data << " has rank " << data.getRank();
      } else {
        d = data.getDimSize(i);
      }
    } else if (d < 0) {
      return emitOpError() << "shape[" << i << "] = " << d << " is negative";
    }
  }
  if (inferred >= 0 && getAllowzero() && llvm::is_contained(out, 0))
    return emitOpError("shape has both -1 and 0 with allowzero=1");
  int64_t total = data ? product(data.getShape()) : ShapedType::kDynamic;
  if (inferred >= 0) {
    SmallVector<int64_t> others(out);
    others.erase(others.begin() + inferred);
    int64_t known = product(others);
    if (isDyn(total) || isDyn(known))
      out[inferred] = ShapedType::kDynamic;
    else if (known == 0 || total % known != 0)
      return emitOpError() << "cannot reshape " << data << " to [" << *shape
                           << "]: " << total << " elements are not a multiple of " << known;
    else
      out[inferred] = total / known;
  } else if (!isDyn(total) && !isDyn(product(out)) && total != product(out)) {
    return emitOpError() << "cannot reshape " << data << " (" << total << " elements) to ["
                         << *shape << "] (" << product(out) << " elements)";
  }
  setRefined(*this, 0, out, elementType);
  return success();
}

LogicalResult FlattenOp::inferShapes() {
  Type elementType = elementTypeOf(getInput());
  auto in = getRanked(getInput());
  if (!in) {
    setRefined(*this, 0, {ShapedType::kDynamic, ShapedType::kDynamic}, elementType);
    return success();
  }
  int64_t rank = in.getRank(), axis = getAxis();
  if (axis < -rank || axis > rank)
    return emitOpError() << "axis " << axis << " is out of range [" << -rank << ", " << rank
                         << "] for " << in;
  if (axis < 0)
    axis += rank;
  setRefined(*this, 0,
                {product(in.getShape().take_front(axis)),
                 product(in.getShape().drop_front(axis))},
                elementType);
  return success();
}

LogicalResult UnsqueezeOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData());
  auto axes = getConstantInts(getAxes());
  if (!data || !axes) {
    auto n = staticLength(getAxes());
    if (data && n)
      setRefined(*this, 0, SmallVector<int64_t>(data.getRank() + *n, ShapedType::kDynamic),
                    elementType);
    else
      setUnranked(*this, 0, elementType);
    return success();
  }
  int64_t outRank = data.getRank() + axes->size();
  auto norm = normalizeAxes(*this, *axes, outRank);
  if (!norm)
    return failure();
  SmallVector<int64_t> out;
  auto it = data.getShape().begin();
  for (int64_t i = 0; i < outRank; ++i)
    out.push_back(llvm::is_contained(*norm, i) ? 1 : *it++);
  setRefined(*this, 0, out, elementType);
  return success();
}

LogicalResult SqueezeOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData());
  if (!data)
    return unranked(*this, elementType);
  SmallVector<int64_t> out;
  if (isNone(getAxes())) {
    // Every size-1 dim goes; a dynamic dim might be 1, so the rank is unknown.
    if (llvm::any_of(data.getShape(), isDyn))
      return unranked(*this, elementType);
    for (int64_t d : data.getShape())
      if (d != 1)
        out.push_back(d);
    setRefined(*this, 0, out, elementType);
    return success();
  }
  auto axes = getConstantInts(getAxes());
  if (!axes) {
    if (auto n = staticLength(getAxes()); n && *n <= data.getRank())
      setRefined(*this, 0, SmallVector<int64_t>(data.getRank() - *n, ShapedType::kDynamic),
                    elementType);
    else
      setUnranked(*this, 0, elementType);
    return success();
  }
  auto norm = normalizeAxes(*this, *axes, data.getRank());
  if (!norm)
    return failure();
  for (auto [i, d] : llvm::enumerate(data.getShape())) {
    if (!llvm::is_contained(*norm, (int64_t)i)) {
      out.push_back(d);
      continue;
    }
    if (!isDyn(d) && d != 1)
      return emitOpError() << "cannot squeeze dim " << i << " of size " << d << " of " << data;
  }
  setRefined(*this, 0, out, elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// Transpose / Concat / Split
//===----------------------------------------------------------------------===//

SmallVector<int64_t> TransposeOp::getPermOrDefault() {
  if (auto perm = getPerm())
    return SmallVector<int64_t>(*perm);
  auto data = getRanked(getData());
  if (!data)
    return {};
  SmallVector<int64_t> perm(data.getRank());
  std::iota(perm.rbegin(), perm.rend(), 0);
  return perm;
}

LogicalResult TransposeOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData());
  if (!data) {
    if (auto perm = getPerm())
      setRefined(*this, 0, SmallVector<int64_t>(perm->size(), ShapedType::kDynamic),
                    elementType);
    else
      setUnranked(*this, 0, elementType);
    return success();
  }
  SmallVector<int64_t> perm = getPermOrDefault();
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if ((int64_t)perm.size() != data.getRank() ||
      !llvm::equal(sorted, llvm::seq<int64_t>(0, data.getRank())))
    return emitOpError() << "perm [" << perm << "] is not a permutation of the "
                         << data.getRank() << " dims of " << data;
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(data.getDimSize(p));
  setRefined(*this, 0, out, elementType);
  return success();
}

LogicalResult ConcatOp::inferShapes() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  Type elementType = elementTypeOf(getInputs()[0]);
  SmallVector<int64_t> out;
  int64_t axis = -1;
  for (Value in : getInputs()) {
    auto t = getRanked(in);
    if (!t)
      return unranked(*this, elementType);
    if (elementTypeOf(in) != elementType)
      return emitOpError() << "inputs have different element types: " << elementType
                           << " and " << elementTypeOf(in);
    if (axis < 0) {
      auto a = normalizeAxis(*this, getAxis(), t.getRank());
      if (!a)
        return failure();
      if (t.getRank() == 0)
        return emitOpError("cannot concatenate 0-D tensors");
      axis = *a;
      out.assign(t.getShape().begin(), t.getShape().end());
      continue;
    }
    if (t.getRank() != (int64_t)out.size())
      return emitOpError() << "inputs have different ranks: " << out.size() << " and " << t;
    for (int64_t i = 0; i < t.getRank(); ++i) {
      int64_t d = t.getDimSize(i);
      if (i == axis)
        out[i] = isDyn(out[i]) || isDyn(d) ? ShapedType::kDynamic : out[i] + d;
      else if (isDyn(out[i]))
        out[i] = d;
      else if (!isDyn(d) && d != out[i])
        return emitOpError() << "dim " << i << " differs between inputs: " << out[i]
                             << " vs " << d << " (only the axis " << axis << " may differ)";
    }
  }
  setRefined(*this, 0, out, elementType);
  return success();
}

LogicalResult SplitOp::inferShapes() {
  Type elementType = elementTypeOf(getInput());
  unsigned n = getNumResults();
  if (n == 0)
    return emitOpError("needs at least one output");
  auto in = getRanked(getInput());
  if (!in) {
    for (unsigned i = 0; i < n; ++i)
      setUnranked(*this, i, elementType);
    return success();
  }
  auto axis = normalizeAxis(*this, getAxis(), in.getRank());
  if (!axis)
    return failure();
  int64_t dim = in.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  if (!isNone(getSplit())) {
    if (auto split = getConstantInts(getSplit())) {
      if (split->size() != n)
        return emitOpError() << "split has " << split->size() << " sizes for " << n
                             << " outputs";
      int64_t sum = 0;
      for (int64_t s : *split) {
        if (s < 0)
          return emitOpError() << "split size " << s << " is negative";
        sum += s;
      }
      if (!isDyn(dim) && sum != dim)
        return emitOpError() << "split sizes add up to " << sum << ", not to dim " << *axis
                             << " (" << dim << ") of " << in;
      sizes = *split;
    } else {
      sizes.assign(n, ShapedType::kDynamic);
    }
  } else if (auto numOutputs = getNumOutputs()) {
    if ((int64_t)n != (int64_t)*numOutputs)
      return emitOpError() << "num_outputs is " << *numOutputs << " but the op has " << n
                           << " results";
    if (isDyn(dim)) {
      sizes.assign(n, ShapedType::kDynamic);
    } else {
      // Opset 18: ceil-sized parts, the last one smaller.
      int64_t part = (dim + n - 1) / n;
      if (part * (n - 1) > dim)
        return emitOpError() << "cannot split dim " << dim << " into " << n
                             << " parts of " << part;
      sizes.assign(n, part);
      sizes.back() = dim - part * (n - 1);
    }
  } else if (isDyn(dim)) {
    sizes.assign(n, ShapedType::kDynamic);
  } else {
    if (dim % n != 0)
      return emitOpError() << "dim " << *axis << " (" << dim << ") of " << in
                           << " does not split into " << n << " equal parts";
    sizes.assign(n, dim / n);
  }
  for (unsigned i = 0; i < n; ++i) {
    SmallVector<int64_t> out(in.getShape());
    out[*axis] = sizes[i];
    setRefined(*this, i, out, elementType);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Gather / GatherElements
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData()), indices = getRanked(getIndices());
  if (!data || !indices)
    return unranked(*this, elementType);
  if (!elementTypeOf(getIndices()).isInteger())
    return emitOpError() << "indices must be integers, got " << getIndices().getType();
  auto axis = normalizeAxis(*this, getAxis(), data.getRank());
  if (!axis)
    return failure();
  if (data.getRank() == 0)
    return emitOpError("data must have rank >= 1");
  int64_t dim = data.getDimSize(*axis);
  if (auto idx = getConstantInts(getIndices()); idx && !isDyn(dim))
    for (int64_t i : *idx)
      if (i < -dim || i >= dim)
        return emitOpError() << "index " << i << " is out of range for dim " << *axis
                             << " (" << dim << ") of " << data;
  SmallVector<int64_t> out(data.getShape().take_front(*axis));
  llvm::append_range(out, indices.getShape());
  llvm::append_range(out, data.getShape().drop_front(*axis + 1));
  setRefined(*this, 0, out, elementType);
  return success();
}

LogicalResult GatherElementsOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData()), indices = getRanked(getIndices());
  if (!indices)
    return unranked(*this, elementType);
  if (data) {
    if (data.getRank() != indices.getRank())
      return emitOpError() << "data " << data << " and indices " << indices
                           << " must have the same rank";
    if (!normalizeAxis(*this, getAxis(), data.getRank()))
      return failure();
  }
  setRefined(*this, 0, indices.getShape(), elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// Shape / Slice
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> ShapeOp::getClampedRange(int64_t rank) {
  auto clamp = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  int64_t start = clamp(getStart());
  int64_t end = getEnd() ? clamp(*getEnd()) : rank;
  return {start, std::max(start, end)};
}

LogicalResult ShapeOp::inferShapes() {
  auto i64 = IntegerType::get(getContext(), 64);
  auto data = getRanked(getData());
  if (!data) {
    setRefined(*this, 0, {ShapedType::kDynamic}, i64);
    return success();
  }
  auto [start, end] = getClampedRange(data.getRank());
  setRefined(*this, 0, {end - start}, i64);
  return success();
}

LogicalResult SizeOp::inferShapes() {
  setRefined(*this, 0, {}, IntegerType::get(getContext(), 64));
  return success();
}

LogicalResult SliceOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData());
  if (!data)
    return unranked(*this, elementType);
  int64_t rank = data.getRank();
  auto starts = getConstantInts(getStarts()), ends = getConstantInts(getEnds());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (isNone(getAxes())) {
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  } else if ((axes = getConstantInts(getAxes()))) {
    auto norm = normalizeAxes(*this, *axes, rank);
    if (!norm)
      return failure();
    axes = norm;
  }
  if (!isNone(getSteps()))
    steps = getConstantInts(getSteps());
  auto n = staticLength(getStarts());
  if (!axes) {
    // Unknown axes: any dim may be sliced.
    setRefined(*this, 0, SmallVector<int64_t>(rank, ShapedType::kDynamic), elementType);
    return success();
  }
  if (isNone(getAxes()) && n)
    axes->resize(std::min<int64_t>(*n, rank));
  if (n && (int64_t)axes->size() != *n)
    return emitOpError() << "starts has " << *n << " values for " << axes->size() << " axes";
  if (!isNone(getSteps()) && steps && steps->size() != axes->size())
    return emitOpError() << "steps has " << steps->size() << " values for " << axes->size()
                         << " axes";
  if (isNone(getSteps()))
    steps.emplace(axes->size(), 1);
  SmallVector<int64_t> out(data.getShape());
  for (auto [k, axis] : llvm::enumerate(*axes)) {
    int64_t dim = out[axis];
    if (!starts || !ends || !steps || isDyn(dim)) {
      out[axis] = ShapedType::kDynamic;
      continue;
    }
    if ((*starts).size() != axes->size() || (*ends).size() != axes->size())
      return emitOpError() << "starts/ends have " << starts->size() << "/" << ends->size()
                           << " values for " << axes->size() << " axes";
    int64_t step = (*steps)[k];
    if (step == 0)
      return emitOpError() << "step for axis " << axis << " is 0";
    // ONNX clamping: [0, dim] for positive steps, [-1, dim-1] for negative.
    auto norm = [&](int64_t v) {
      if (v < 0)
        v += dim;
      return step > 0 ? std::clamp<int64_t>(v, 0, dim) : std::clamp<int64_t>(v, -1, dim - 1);
    };
    int64_t s = norm((*starts)[k]), e = norm((*ends)[k]);
    int64_t size = step > 0 ? (e - s + step - 1) / step : (s - e + (-step) - 1) / (-step);
    out[axis] = std::max<int64_t>(size, 0);
  }
  setRefined(*this, 0, out, elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// Expand / Tile / ConstantOfShape / Range
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::inferShapes() {
  Type elementType = elementTypeOf(getInput());
  auto in = getRanked(getInput());
  auto shape = getConstantInts(getShape());
  if (!in)
    return unranked(*this, elementType);
  if (!shape) {
    auto n = staticLength(getShape());
    if (!n)
      return unranked(*this, elementType);
    // A dim of the input other than 1 survives any broadcast.
    int64_t rank = std::max<int64_t>(*n, in.getRank());
    SmallVector<int64_t> out(rank, ShapedType::kDynamic);
    for (int64_t i = 0; i < in.getRank(); ++i)
      if (in.getDimSize(i) != 1)
        out[rank - in.getRank() + i] = in.getDimSize(i);
    setRefined(*this, 0, out, elementType);
    return success();
  }
  for (int64_t d : *shape)
    if (d < 0)
      return emitOpError() << "shape [" << *shape << "] has a negative dim";
  auto out = broadcastShapes(in.getShape(), *shape);
  if (!out)
    return emitOpError() << in << " does not broadcast to shape [" << *shape << "]";
  setRefined(*this, 0, *out, elementType);
  return success();
}

LogicalResult TileOp::inferShapes() {
  Type elementType = elementTypeOf(getInput());
  auto in = getRanked(getInput());
  if (!in)
    return unranked(*this, elementType);
  SmallVector<int64_t> out(in.getShape());
  auto repeats = getConstantInts(getRepeats());
  if (!repeats) {
    setRefined(*this, 0, SmallVector<int64_t>(in.getRank(), ShapedType::kDynamic),
                  elementType);
    return success();
  }
  if ((int64_t)repeats->size() != in.getRank())
    return emitOpError() << "repeats has " << repeats->size() << " values for " << in;
  for (auto [d, r] : llvm::zip(out, *repeats)) {
    if (r < 0)
      return emitOpError() << "repeat count " << r << " is negative";
    if (!isDyn(d))
      d *= r;
  }
  setRefined(*this, 0, out, elementType);
  return success();
}

DenseElementsAttr ConstantOfShapeOp::getFillValue() {
  if (auto v = getValueAttr()) {
    if (auto dense = dyn_cast<DenseElementsAttr>(v))
      return dense;
  }
  return DenseElementsAttr::get(RankedTensorType::get({1}, Float32Type::get(getContext())),
                                0.0f);
}

LogicalResult ConstantOfShapeOp::inferShapes() {
  if (auto v = getValueAttr(); v && (v.getNumElements() != 1 || !isa<DenseElementsAttr>(v)))
    return emitOpError() << "value must be a one-element dense tensor, got " << v.getType();
  Type elementType = getFillValue().getElementType();
  if (auto shape = getConstantInts(getInput())) {
    for (int64_t d : *shape)
      if (d < 0)
        return emitOpError() << "shape [" << *shape << "] has a negative dim";
    setRefined(*this, 0, *shape, elementType);
    return success();
  }
  if (auto n = staticLength(getInput()))
    setRefined(*this, 0, SmallVector<int64_t>(*n, ShapedType::kDynamic), elementType);
  else
    setUnranked(*this, 0, elementType);
  return success();
}

LogicalResult RangeOp::inferShapes() {
  Type elementType = elementTypeOf(getStart());
  for (Value v : {getLimit(), getDelta()})
    if (elementTypeOf(v) != elementType)
      return emitOpError() << "start, limit and delta must have the same type, got "
                           << getStart().getType() << ", " << getLimit().getType() << ", "
                           << getDelta().getType();
  auto start = getConstantFloats(getStart()), limit = getConstantFloats(getLimit()),
       delta = getConstantFloats(getDelta());
  if (!start || !limit || !delta) {
    setRefined(*this, 0, {ShapedType::kDynamic}, elementType);
    return success();
  }
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1)
    return emitOpError("start, limit and delta must be scalars");
  if ((*delta)[0] == 0)
    return emitOpError("delta is 0");
  double count = std::ceil(((*limit)[0] - (*start)[0]) / (*delta)[0]);
  setRefined(*this, 0, {std::max<int64_t>((int64_t)count, 0)}, elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// Identity / Cast
//===----------------------------------------------------------------------===//

LogicalResult IdentityOp::inferShapes() {
  setRefined(*this, 0, getInput().getType());
  return success();
}

LogicalResult CastOp::inferShapes() {
  Type to = getTo();
  if (!to.isIntOrFloat())
    return emitOpError() << "cannot cast to " << to;
  if (auto shaped = dyn_cast<ShapedType>(getInput().getType()))
    setRefined(*this, 0, shaped.clone(to));
  else
    return emitOpError() << "input must be a tensor, got " << getInput().getType();
  return success();
}

LogicalResult TriluOp::inferShapes() {
  if (auto in = getRanked(getInput()); in && in.getRank() < 2)
    return emitOpError() << "input must have rank >= 2, got " << in;
  if (auto k = getRanked(getK()); k && k.getNumElements() != 1)
    return emitOpError() << "k must be a scalar, got " << k;
  setRefined(*this, 0, getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// ScatterElements / ScatterND / EyeLike
//===----------------------------------------------------------------------===//

static LogicalResult checkReduction(Operation *op, StringRef reduction) {
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return op->emitOpError() << "unknown reduction '" << reduction << "'";
  return success();
}

LogicalResult ScatterElementsOp::inferShapes() {
  if (failed(checkReduction(*this, getReduction())))
    return failure();
  auto data = getRanked(getData()), indices = getRanked(getIndices()),
       updates = getRanked(getUpdates());
  if (data && indices && updates) {
    if (indices.getRank() != data.getRank() ||
        failed(verifyCompatibleShape(indices.getShape(), updates.getShape())))
      return emitOpError() << "indices " << indices << " and updates " << updates
                           << " must have the same shape and the rank of data " << data;
    if (!normalizeAxis(*this, getAxis(), data.getRank()))
      return failure();
  }
  setRefined(*this, 0, getData().getType());
  return success();
}

LogicalResult ScatterNDOp::inferShapes() {
  if (failed(checkReduction(*this, getReduction())))
    return failure();
  auto data = getRanked(getData()), indices = getRanked(getIndices()),
       updates = getRanked(getUpdates());
  if (data && indices && updates && indices.getRank() >= 1) {
    int64_t k = indices.getShape().back();
    if (!isDyn(k)) {
      if (k > data.getRank())
        return emitOpError() << "index tuples of " << k << " values for data of rank "
                             << data.getRank();
      SmallVector<int64_t> expected(indices.getShape().drop_back());
      llvm::append_range(expected, data.getShape().drop_front(k));
      if (failed(verifyCompatibleShape(expected, updates.getShape())))
        return emitOpError() << "updates " << updates << " do not match indices " << indices
                             << " and data " << data;
    }
  }
  setRefined(*this, 0, getData().getType());
  return success();
}

LogicalResult EyeLikeOp::inferShapes() {
  Type elementType = getDtype() ? *getDtype() : elementTypeOf(getInput());
  auto in = getRanked(getInput());
  if (in && in.getRank() != 2)
    return emitOpError() << "input must be 2-D, got " << in;
  if (!in) {
    setRefined(*this, 0, {ShapedType::kDynamic, ShapedType::kDynamic}, elementType);
    return success();
  }
  setRefined(*this, 0, in.getShape(), elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// GatherND / OneHot
//===----------------------------------------------------------------------===//

LogicalResult GatherNDOp::inferShapes() {
  Type elementType = elementTypeOf(getData());
  auto data = getRanked(getData()), indices = getRanked(getIndices());
  if (!data || !indices || indices.getRank() < 1 || isDyn(indices.getShape().back()))
    return unranked(*this, elementType);
  int64_t b = getBatchDims(), k = indices.getShape().back();
  if (b < 0 || b >= std::min(data.getRank(), indices.getRank()))
    return emitOpError() << "batch_dims " << b << " must be less than the ranks of data "
                         << data << " and indices " << indices;
  if (b + k > data.getRank())
    return emitOpError() << "index tuples of " << k << " values after " << b
                         << " batch dims exceed the rank of " << data;
  SmallVector<int64_t> out(indices.getShape().drop_back());
  llvm::append_range(out, data.getShape().drop_front(b + k));
  setRefined(*this, 0, out, elementType);
  return success();
}

LogicalResult OneHotOp::inferShapes() {
  Type elementType = elementTypeOf(getValues());
  auto indices = getRanked(getIndices());
  if (auto v = getRanked(getValues()); v && v.getNumElements() != 2)
    return emitOpError() << "values must hold [off, on], got " << v;
  if (!indices)
    return unranked(*this, elementType);
  int64_t rank = indices.getRank() + 1, axis = getAxis();
  if (axis < -rank || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for output rank " << rank;
  if (axis < 0)
    axis += rank;
  int64_t depth = ShapedType::kDynamic;
  if (auto d = getConstantFloats(getDepth())) {
    if (d->size() != 1 || (*d)[0] < 1)
      return emitOpError("depth must be a positive scalar");
    depth = (int64_t)(*d)[0];
  }
  SmallVector<int64_t> out(indices.getShape());
  out.insert(out.begin() + axis, depth);
  setRefined(*this, 0, out, elementType);
  return success();
}
