//===- ComposedOps.cpp - ONNX ops expanded into basic onnx ops ------------===//
//
// Ops that are exact compositions of existing onnx ops, expanded at import
// (like Attention). Shapes must be static; anything else is refused with a
// diagnostic at the node.
//   RotaryEmbedding-23: per the spec's function body (4-D [B, H, S, D] or
//     3-D [B, S, H*D] input, interleaved or split halves, partial rotary dim,
//     cos/sin caches gathered by position_ids when given).
//   TensorScatter-24: ScatterElements along `axis` at write_indices[b] + s
//     (mod the cache length in circular mode).
//   LRN: the channel-window sum of squares as an AveragePool over a
//     [N, 1, C, rest] view (count_include_pad), x / (bias + alpha*avg)^beta.
//   ReverseSequence-10: GatherElements along time_axis with
//     t < len[b] ? len[b] - 1 - t : t.
//   MaxUnpool-9/11: ScatterElements of X into zeros at the flat indices I
//     (zeros of a run-time size when output_shape is only known at run time).
//   Det-11: cofactor expansion along the first row (n <= 5).
//   CenterCropPad-18: per axis a centered Slice (crop) or Pad (zeros); a
//     target shape known only at run time gives a Slice and a Pad with
//     run-time values (dynamic result dims along the axes).
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include <numeric>

using namespace mlir;

namespace steed {
namespace {

/// Builds onnx ops for one node; after the first failure every further op is
/// skipped (check `failed` before using the results).
class Emitter {
public:
  explicit Emitter(NodeImporter &n) : n(n), b(n.builder) {}

  Value op(StringRef name, ArrayRef<Value> operands, ArrayRef<NamedAttribute> attrs = {}) {
    if (failed || llvm::any_of(operands, [](Value v) { return !v; })) {
      failed = true;
      return {};
    }
    FailureOr<Value> r = n.createOne(name, operands, attrs);
    if (mlir::failed(r)) {
      failed = true;
      return {};
    }
    return *r;
  }
  Value i64s(ArrayRef<int64_t> values) { return n.constI64(values); }
  /// A constant of `type` (static shape) holding `values` (i64).
  Value i64Tensor(ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
    auto type = RankedTensorType::get(shape, b.getI64Type());
    return onnx::ConstantOp::create(b, n.loc, DenseElementsAttr::get(type, values));
  }
  /// A 0-D constant of float element type `elem`.
  Value scalar(Type elem, double value) {
    auto type = RankedTensorType::get({}, elem);
    return onnx::ConstantOp::create(b, n.loc,
                                    DenseElementsAttr::get(type, b.getFloatAttr(elem, value)));
  }
  NamedAttribute attr(StringRef name, int64_t v) {
    return b.getNamedAttr(name, b.getI64IntegerAttr(v));
  }
  NamedAttribute ints(StringRef name, ArrayRef<int64_t> v) {
    return b.getNamedAttr(name, b.getDenseI64ArrayAttr(v));
  }
  Value slice(Value x, int64_t start, int64_t end, int64_t axis, int64_t step = 1) {
    return op("Slice", {x, i64s({start}), i64s({end}), i64s({axis}), i64s({step})});
  }
  Value reshape(Value x, ArrayRef<int64_t> shape) { return op("Reshape", {x, i64s(shape)}); }

  NodeImporter &n;
  OpBuilder &b;
  bool failed = false;
};

bool present(NodeImporter &n, unsigned i) {
  return i < n.inputs.size() && !onnx::isNone(n.inputs[i]);
}

/// The input's static ranked type, or null after a diagnostic.
RankedTensorType staticInput(NodeImporter &n, unsigned i, StringRef what) {
  auto t = onnx::getRanked(n.input(i));
  if (!t || !t.hasStaticShape()) {
    (void)(n.emitError() << n.node.op_type() << ": " << what << " needs a static shape");
    return {};
  }
  return t;
}

FailureOr<SmallVector<Value>> done(Emitter &e, Value v) {
  if (e.failed || !v)
    return failure();
  return SmallVector<Value>{v};
}

//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> importRotaryEmbedding(NodeImporter &n) {
  Emitter e(n);
  auto xt = staticInput(n, 0, "the input");
  if (!xt)
    return failure();
  int64_t interleaved = n.intAttr("interleaved").value_or(0);
  int64_t numHeads = n.intAttr("num_heads").value_or(0);
  int64_t rotaryDim = n.intAttr("rotary_embedding_dim").value_or(0);
  Value x = n.input(0);
  int64_t rank = xt.getRank(), B, S, H, D;
  if (rank == 4) { // [B, H, S, D] -> [B, S, H, D]
    B = xt.getDimSize(0);
    H = xt.getDimSize(1);
    S = xt.getDimSize(2);
    D = xt.getDimSize(3);
    x = e.op("Transpose", {x}, {e.ints("perm", {0, 2, 1, 3})});
  } else if (rank == 3) { // [B, S, H*D] -> [B, S, H, D]
    B = xt.getDimSize(0);
    S = xt.getDimSize(1);
    if (numHeads <= 0 || xt.getDimSize(2) % numHeads)
      return n.emitError() << "RotaryEmbedding: a 3-D input needs num_heads dividing its "
                              "hidden size",
             failure();
    H = numHeads;
    D = xt.getDimSize(2) / H;
    x = e.reshape(x, {B, S, H, D});
  } else {
    return n.emitError() << "RotaryEmbedding: the input must be 3-D or 4-D", failure();
  }
  if (rotaryDim == 0)
    rotaryDim = D;
  if (rotaryDim <= 0 || rotaryDim > D || rotaryDim % 2)
    return n.emitError() << "RotaryEmbedding: rotary_embedding_dim " << rotaryDim
                         << " must be even and at most the head size " << D,
           failure();
  int64_t half = rotaryDim / 2;

  // cos/sin: [B, S, half] (gathered by position_ids when given), then
  // [B, S, 1, half] to broadcast over the heads.
  auto cache = [&](unsigned i) -> Value {
    Value c = n.input(i);
    if (present(n, 3))
      c = e.op("Gather", {c, n.input(3)}, {e.attr("axis", 0)});
    c = e.slice(c, 0, half, -1);
    return e.op("Unsqueeze", {c, e.i64s({2})});
  };
  Value cos = cache(1), sin = cache(2);

  Value rot = rotaryDim < D ? e.slice(x, 0, rotaryDim, 3) : x;
  Value x1 = interleaved ? e.slice(rot, 0, rotaryDim, 3, 2) : e.slice(rot, 0, half, 3);
  Value x2 = interleaved ? e.slice(rot, 1, rotaryDim, 3, 2) : e.slice(rot, half, rotaryDim, 3);
  Value real = e.op("Sub", {e.op("Mul", {cos, x1}), e.op("Mul", {sin, x2})});
  Value imag = e.op("Add", {e.op("Mul", {sin, x1}), e.op("Mul", {cos, x2})});
  Value rotated;
  if (interleaved) {
    Value r = e.op("Unsqueeze", {real, e.i64s({4})});
    Value i = e.op("Unsqueeze", {imag, e.i64s({4})});
    rotated = e.reshape(e.op("Concat", {r, i}, {e.attr("axis", 4)}), {B, S, H, rotaryDim});
  } else {
    rotated = e.op("Concat", {real, imag}, {e.attr("axis", 3)});
  }
  Value y = rotated;
  if (rotaryDim < D)
    y = e.op("Concat", {rotated, e.slice(x, rotaryDim, D, 3)}, {e.attr("axis", 3)});
  y = rank == 4 ? e.op("Transpose", {y}, {e.ints("perm", {0, 2, 1, 3})})
                : e.reshape(y, xt.getShape());
  return done(e, y);
}

FailureOr<SmallVector<Value>> importTensorScatter(NodeImporter &n) {
  Emitter e(n);
  auto pt = staticInput(n, 0, "past_cache");
  auto ut = pt ? staticInput(n, 1, "update") : RankedTensorType();
  if (!ut)
    return failure();
  int64_t rank = pt.getRank();
  int64_t axis = n.intAttr("axis").value_or(-2);
  if (axis < 0)
    axis += rank;
  if (axis < 1 || axis >= rank || ut.getRank() != rank)
    return n.emitError() << "TensorScatter: axis " << n.intAttr("axis").value_or(-2)
                         << " must name a non-batch axis of inputs of equal rank",
           failure();
  std::string mode = "linear";
  if (auto *a = n.attr("mode"))
    mode = a->s();
  if (mode != "linear" && mode != "circular")
    return n.emitError() << "TensorScatter: unknown mode '" << mode << "'", failure();
  int64_t maxLen = pt.getDimSize(axis), len = ut.getDimSize(axis);

  // idx[b, .., s, ..] = write_indices[b] + s (mod maxLen when circular).
  SmallVector<int64_t> seqShape(rank, 1), seq(len);
  seqShape[axis] = len;
  std::iota(seq.begin(), seq.end(), 0);
  Value idx = e.i64Tensor(seqShape, seq);
  if (present(n, 2)) {
    SmallVector<int64_t> batchShape(rank, 1);
    batchShape[0] = pt.getDimSize(0);
    idx = e.op("Add", {e.reshape(n.input(2), batchShape), idx});
  }
  if (mode == "circular")
    idx = e.op("Mod", {idx, e.i64Tensor({}, {maxLen})});
  idx = e.op("Expand", {idx, e.i64s(ut.getShape())});
  return done(e, e.op("ScatterElements", {n.input(0), idx, n.input(1)}, {e.attr("axis", axis)}));
}

FailureOr<SmallVector<Value>> importLRN(NodeImporter &n) {
  Emitter e(n);
  auto xt = staticInput(n, 0, "the input");
  if (!xt)
    return failure();
  auto size = n.intAttr("size");
  if (!size || *size <= 0)
    return n.emitError() << "LRN: the size attribute must be positive", failure();
  if (xt.getRank() < 3 || !isa<FloatType>(xt.getElementType()))
    return n.emitError() << "LRN: the input must be a float tensor [N, C, ...]", failure();
  Type elem = xt.getElementType();
  float alpha = n.floatAttr("alpha").value_or(1e-4f);
  float beta = n.floatAttr("beta").value_or(0.75f);
  float bias = n.floatAttr("bias").value_or(1.0f);
  int64_t N = xt.getDimSize(0), C = xt.getDimSize(1), rest = 1;
  for (int64_t d : xt.getShape().drop_front(2))
    rest *= d;
  int64_t lo = (*size - 1) / 2, hi = *size - 1 - lo;
  Value x = n.input(0);
  Value sq = e.reshape(e.op("Mul", {x, x}), {N, 1, C, rest});
  // avg = sum / size over the channel window (zeros outside).
  Value avg = e.op("AveragePool", {sq},
                   {e.ints("kernel_shape", {*size, 1}), e.ints("pads", {lo, 0, hi, 0}),
                    e.attr("count_include_pad", 1)});
  avg = e.reshape(avg, xt.getShape());
  // alpha / size * sum = alpha * avg.
  Value base = e.op("Add", {e.scalar(elem, bias), e.op("Mul", {e.scalar(elem, alpha), avg})});
  return done(e, e.op("Div", {x, e.op("Pow", {base, e.scalar(elem, beta)})}));
}

FailureOr<SmallVector<Value>> importReverseSequence(NodeImporter &n) {
  Emitter e(n);
  auto xt = staticInput(n, 0, "the input");
  if (!xt)
    return failure();
  int64_t rank = xt.getRank();
  int64_t timeAxis = n.intAttr("time_axis").value_or(0);
  int64_t batchAxis = n.intAttr("batch_axis").value_or(1);
  if (rank < 2 || !((timeAxis == 0 && batchAxis == 1) || (timeAxis == 1 && batchAxis == 0)))
    return n.emitError() << "ReverseSequence: time_axis/batch_axis must be 0/1 or 1/0 of "
                            "an input of rank >= 2",
           failure();
  auto lt = onnx::getRanked(n.input(1));
  if (!lt || !lt.getElementType().isInteger(64))
    return n.emitError() << "ReverseSequence: sequence_lens must be an i64 tensor", failure();
  int64_t T = xt.getDimSize(timeAxis);
  SmallVector<int64_t> tShape(rank, 1), lShape(rank, 1), t(T);
  tShape[timeAxis] = T;
  lShape[batchAxis] = xt.getDimSize(batchAxis);
  std::iota(t.begin(), t.end(), 0);
  Value time = e.i64Tensor(tShape, t);
  Value lens = e.reshape(n.input(1), lShape);
  // Inside the sequence: len - 1 - t; past its end: t.
  Value reversed = e.op("Sub", {e.op("Sub", {lens, e.i64Tensor({}, {1})}), time});
  Value idx = e.op("Where", {e.op("Less", {time, lens}), reversed, time});
  idx = e.op("Expand", {idx, e.i64s(xt.getShape())});
  return done(e, e.op("GatherElements", {n.input(0), idx}, {e.attr("axis", timeAxis)}));
}

FailureOr<SmallVector<Value>> importMaxUnpool(NodeImporter &n) {
  Emitter e(n);
  auto xt = staticInput(n, 0, "X");
  auto it = xt ? staticInput(n, 1, "I") : RankedTensorType();
  if (!it)
    return failure();
  int64_t rank = xt.getRank(), spatial = rank - 2;
  if (spatial < 1 || it.getShape() != xt.getShape())
    return n.emitError() << "MaxUnpool: X and I must have the same shape [N, C, ...]",
           failure();
  SmallVector<int64_t> outShape;
  Type elem = xt.getElementType();
  if (present(n, 2)) {
    auto cst = n.input(2).getDefiningOp<onnx::ConstantOp>();
    auto dense = cst ? dyn_cast<DenseIntElementsAttr>(cst.getValue()) : nullptr;
    auto st = onnx::getRanked(n.input(2));
    if (!dense && st && st.getRank() == 1 && st.getDimSize(0) == rank &&
        st.getElementType().isInteger(64)) {
      // Known at run time only: zeros of prod(output_shape) elements
      // (ConstantOfShape of the ReduceProd), the scatter, and a Reshape to
      // output_shape, all of run-time size.
      Value shape = n.input(2);
      Value total = e.op("ReduceProd", {shape, n.none()}, {e.attr("keepdims", 1)});
      auto oneType = RankedTensorType::get({1}, elem);
      Value zeros = e.op("ConstantOfShape", {total},
                         {e.b.getNamedAttr("value", DenseElementsAttr::get(
                                                        oneType, e.b.getZeroAttr(elem)))});
      Value y = e.op("ScatterElements",
                     {zeros, e.reshape(n.input(1), {-1}), e.reshape(n.input(0), {-1})},
                     {e.attr("axis", 0)});
      return done(e, e.op("Reshape", {y, shape}));
    }
    if (!dense || dense.getNumElements() != rank)
      return n.emitError() << "MaxUnpool: output_shape must be an i64 tensor of " << rank
                           << " values",
             failure();
    for (const APInt &v : dense.getValues<APInt>())
      outShape.push_back(v.getSExtValue());
  } else {
    auto kernel = n.intsAttr("kernel_shape");
    if (!kernel || (int64_t)kernel->size() != spatial)
      return n.emitError() << "MaxUnpool: kernel_shape must have " << spatial << " values",
             failure();
    auto strides = n.intsAttr("strides").value_or(SmallVector<int64_t>(spatial, 1));
    auto pads = n.intsAttr("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
    if ((int64_t)strides.size() != spatial || (int64_t)pads.size() != 2 * spatial)
      return n.emitError() << "MaxUnpool: strides/pads do not match the input rank",
             failure();
    outShape = {xt.getDimSize(0), xt.getDimSize(1)};
    for (int64_t i = 0; i < spatial; ++i)
      outShape.push_back((xt.getDimSize(2 + i) - 1) * strides[i] - pads[i] -
                         pads[spatial + i] + (*kernel)[i]);
  }
  int64_t total = 1;
  for (int64_t d : outShape)
    total *= d;
  if (total <= 0)
    return n.emitError() << "MaxUnpool: the output shape is empty or negative", failure();
  auto zerosType = RankedTensorType::get({total}, elem);
  Value zeros = onnx::ConstantOp::create(
      e.b, n.loc, DenseElementsAttr::get(zerosType, e.b.getZeroAttr(elem)));
  Value y = e.op("ScatterElements",
                 {zeros, e.reshape(n.input(1), {-1}), e.reshape(n.input(0), {-1})},
                 {e.attr("axis", 0)});
  return done(e, e.reshape(y, outShape));
}

/// det of [..., m, m] (static m) by cofactor expansion along the first row.
Value determinant(Emitter &e, Value a, int64_t rank, int64_t m) {
  auto entry = [&](Value x, int64_t row, int64_t col) {
    Value r = e.slice(e.slice(x, row, row + 1, rank - 2), col, col + 1, rank - 1);
    return e.op("Squeeze", {r, e.i64s({rank - 2, rank - 1})});
  };
  if (m == 1)
    return entry(a, 0, 0);
  if (m == 2)
    return e.op("Sub", {e.op("Mul", {entry(a, 0, 0), entry(a, 1, 1)}),
                        e.op("Mul", {entry(a, 0, 1), entry(a, 1, 0)})});
  Value rows = e.slice(a, 1, m, rank - 2);
  Value sum;
  for (int64_t j = 0; j < m; ++j) {
    SmallVector<int64_t> cols;
    for (int64_t c = 0; c < m; ++c)
      if (c != j)
        cols.push_back(c);
    Value minor = e.op("Gather", {rows, e.i64s(cols)}, {e.attr("axis", rank - 1)});
    Value term = e.op("Mul", {entry(a, 0, j), determinant(e, minor, rank, m - 1)});
    sum = !sum ? term : e.op(j % 2 ? "Sub" : "Add", {sum, term});
  }
  return sum;
}

FailureOr<SmallVector<Value>> importDet(NodeImporter &n) {
  Emitter e(n);
  auto xt = staticInput(n, 0, "the input");
  if (!xt)
    return failure();
  int64_t rank = xt.getRank();
  if (rank < 2 || xt.getDimSize(rank - 1) != xt.getDimSize(rank - 2) ||
      !isa<FloatType>(xt.getElementType()))
    return n.emitError() << "Det: the input must be float [..., M, M]", failure();
  int64_t m = xt.getDimSize(rank - 1);
  if (m < 1 || m > 5)
    return n.emitError() << "Det: only matrices of size 1 to 5 are supported (got " << m
                         << "x" << m << ")",
           failure();
  return done(e, determinant(e, n.input(0), rank, m));
}

/// CenterCropPad with a target shape known only at run time: per axis,
/// crop = max(dim - size, 0) and pad = max(size - dim, 0); a Slice from
/// crop / 2 to crop / 2 + min(dim, size) and a Pad of pad / 2 before and the
/// rest after, both along `axes` with run-time values (the result dims along
/// the axes are dynamic).
FailureOr<SmallVector<Value>> importCenterCropPadRuntime(NodeImporter &n, Emitter &e,
                                                         RankedTensorType xt,
                                                         ArrayRef<int64_t> axes) {
  int64_t rank = xt.getRank();
  auto st = onnx::getRanked(n.input(1));
  if (!st || st.getRank() != 1 || st.isDynamicDim(0) || !isa<IntegerType>(st.getElementType()))
    return n.emitError() << "CenterCropPad: shape must be a 1-D integer tensor of static length",
           failure();
  if (st.getDimSize(0) != (int64_t)axes.size() ||
      llvm::any_of(axes, [&](int64_t a) { return a < 0 || a >= rank; }))
    return n.emitError() << "CenterCropPad: shape has " << st.getDimSize(0) << " values for "
                         << axes.size() << " axes of a rank-" << rank << " input",
           failure();
  Value size = n.input(1);
  if (!st.getElementType().isInteger(64))
    size = e.op("Cast", {size}, {e.b.getNamedAttr("to", TypeAttr::get(e.b.getI64Type()))});
  SmallVector<int64_t> dimValues;
  for (int64_t a : axes)
    dimValues.push_back(xt.getDimSize(a));
  Value dims = e.i64s(dimValues), zero = e.i64s({0}), two = e.i64s({2});
  Value axesValue = e.i64s(axes);
  Value crop = e.op("Max", {e.op("Sub", {dims, size}), zero});
  Value start = e.op("Div", {crop, two});
  Value end = e.op("Add", {start, e.op("Min", {dims, size})});
  Value y = e.op("Slice", {n.input(0), start, end, axesValue, n.none()});
  Value pad = e.op("Max", {e.op("Sub", {size, dims}), zero});
  Value before = e.op("Div", {pad, two});
  Value pads = e.op("Concat", {before, e.op("Sub", {pad, before})}, {e.attr("axis", 0)});
  return done(e, e.op("Pad", {y, pads, n.none(), axesValue}));
}

FailureOr<SmallVector<Value>> importCenterCropPad(NodeImporter &n) {
  Emitter e(n);
  auto xt = staticInput(n, 0, "the input");
  if (!xt)
    return failure();
  int64_t rank = xt.getRank();
  SmallVector<int64_t> axes;
  if (auto a = n.intsAttr("axes")) {
    for (int64_t axis : *a)
      axes.push_back(axis < 0 ? axis + rank : axis);
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  auto target = onnx::getConstantInts(n.input(1));
  if (!target)
    return importCenterCropPadRuntime(n, e, xt, axes);
  if (axes.size() != target->size() ||
      llvm::any_of(axes, [&](int64_t a) { return a < 0 || a >= rank; }))
    return n.emitError() << "CenterCropPad: shape has " << target->size()
                         << " values for " << axes.size() << " axes of a rank-" << rank
                         << " input",
           failure();
  Value y = n.input(0);
  SmallVector<int64_t> pads(2 * rank, 0);
  bool pad = false;
  for (auto [axis, size] : llvm::zip(axes, *target)) {
    int64_t dim = xt.getDimSize(axis);
    if (size < 0)
      return n.emitError() << "CenterCropPad: negative target size " << size, failure();
    if (size < dim) { // Crop: start at floor((dim - size) / 2).
      int64_t start = (dim - size) / 2;
      y = e.slice(y, start, start + size, axis);
    } else if (size > dim) { // Pad: floor((size - dim) / 2) zeros before.
      pads[axis] = (size - dim) / 2;
      pads[rank + axis] = size - dim - pads[axis];
      pad = true;
    }
  }
  if (pad)
    y = e.op("Pad", {y, e.i64s(pads), n.none(), n.none()});
  return done(e, y);
}

} // namespace

void registerComposedOps(OpRegistry &r) {
  r.add("CenterCropPad", 18, 2, 1, importCenterCropPad);
  r.add("RotaryEmbedding", 23, 4, 1, importRotaryEmbedding);
  r.add("TensorScatter", 24, 3, 1, importTensorScatter);
  r.add("LRN", 1, 1, 1, importLRN);
  r.add("ReverseSequence", 10, 2, 1, importReverseSequence);
  r.add("MaxUnpool", 9, 3, 1, importMaxUnpool);
  r.add("Det", 11, 1, 1, importDet);
}

} // namespace steed
