//===- DataMovementFolds.cpp - Folders of data movement onnx ops ----------===//
//
// Shapes are static for now, so the shape computations torch exports
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Range, ConstantOfShape,
// Cast of shape values) fold to constants. The importer folds eagerly while
// building (so that later ops see constant shapes), canonicalize folds again.
//
// Only plain dense constants (not resource blobs, i.e. weights) are folded,
// and only into results of at most kMaxFoldElements elements: folding must
// never copy weights or blow up the binary.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APSInt.h"

using namespace mlir;
using namespace steed::onnx;

namespace {
constexpr int64_t kMaxFoldElements = 4096;

/// `axis` (an I64Attr value, which ODS hands out as uint64_t) in [0, rank).
int64_t positiveAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

/// The static result type of `op` if it is small enough to fold into.
RankedTensorType foldableResultType(Operation *op, unsigned idx = 0) {
  auto t = dyn_cast<RankedTensorType>(op->getResult(idx).getType());
  if (!t || !t.hasStaticShape() || t.getNumElements() > kMaxFoldElements)
    return {};
  return t;
}

/// Plain dense constant operand (resource blobs are left alone).
DenseElementsAttr dense(Attribute a) { return dyn_cast_or_null<DenseElementsAttr>(a); }

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// Row-major multi-index of linear position `pos` in `shape`.
SmallVector<int64_t> delinearize(int64_t pos, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> idx(shape.size());
  for (int64_t i = (int64_t)shape.size() - 1; i >= 0; --i) {
    idx[i] = shape[i] ? pos % shape[i] : 0;
    pos = shape[i] ? pos / shape[i] : 0;
  }
  return idx;
}

/// Reshape-like ops: the same elements under the result type.
OpFoldResult foldReshapeLike(Operation *op, Attribute data) {
  Value in = op->getOperand(0);
  if (in.getType() == op->getResult(0).getType())
    return in;
  auto type = foldableResultType(op);
  auto d = dense(data);
  if (!type || !d || d.getElementType() != type.getElementType() ||
      d.getNumElements() != type.getNumElements())
    return {};
  return d.reshape(type);
}
} // namespace

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getData());
}
OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getInput());
}
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getData());
}
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getData());
}

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto data = getRanked(getData());
  auto type = foldableResultType(*this);
  if (!data || !type)
    return {};
  auto [start, end] = getClampedRange(data.getRank());
  SmallVector<int64_t> dims(data.getShape().slice(start, end - start));
  if (llvm::any_of(dims, ShapedType::isDynamic) || (int64_t)dims.size() != type.getNumElements())
    return {};
  return DenseElementsAttr::get(type, ArrayRef<int64_t>(dims));
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto data = getRanked(getData());
  auto type = foldableResultType(*this);
  if (!data || !data.hasStaticShape() || !type)
    return {};
  return DenseElementsAttr::get(type, ArrayRef<int64_t>{data.getNumElements()});
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  auto type = foldableResultType(*this);
  if (!type)
    return {};
  DenseElementsAttr value = getFillValue();
  if (value.getElementType() != type.getElementType())
    return {};
  return DenseElementsAttr::get(type, value.getValues<Attribute>()[0]);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  auto type = foldableResultType(*this);
  if (!type)
    return {};
  SmallVector<DenseElementsAttr> ins;
  for (Attribute a : adaptor.getInputs()) {
    auto d = dense(a);
    if (!d)
      return {};
    ins.push_back(d);
  }
  int64_t axis = positiveAxis(getAxis(), type.getRank());
  // Concatenation = for each outer index, the inputs' inner blocks in turn.
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= type.getDimSize(i);
  SmallVector<Attribute> values;
  values.reserve(type.getNumElements());
  SmallVector<SmallVector<Attribute>> inValues;
  for (DenseElementsAttr d : ins)
    inValues.emplace_back(d.getValues<Attribute>().begin(), d.getValues<Attribute>().end());
  for (int64_t o = 0; o < outer; ++o)
    for (auto &v : inValues) {
      int64_t block = (int64_t)v.size() / std::max<int64_t>(outer, 1);
      values.append(v.begin() + o * block, v.begin() + (o + 1) * block);
    }
  if ((int64_t)values.size() != type.getNumElements())
    return {};
  return DenseElementsAttr::get(type, values);
}

/// Gather of the static entries of a Shape whose other entries are dynamic
/// (Shape(x)[2] for x : tensor<?x16x64xf32> is 64).
static OpFoldResult foldGatherOfShape(GatherOp op, RankedTensorType type,
                                      ArrayRef<int64_t> indices) {
  auto shapeOp = op.getData().getDefiningOp<ShapeOp>();
  auto data = shapeOp ? getRanked(shapeOp.getData()) : RankedTensorType();
  if (!data || !type.getElementType().isInteger(64))
    return {};
  auto [start, end] = shapeOp.getClampedRange(data.getRank());
  ArrayRef<int64_t> dims = data.getShape().slice(start, end - start);
  SmallVector<int64_t> values;
  for (int64_t idx : indices) {
    if (idx < 0)
      idx += dims.size();
    if (idx < 0 || idx >= (int64_t)dims.size() || ShapedType::isDynamic(dims[idx]))
      return {};
    values.push_back(dims[idx]);
  }
  if ((int64_t)values.size() != type.getNumElements())
    return {};
  return DenseElementsAttr::get(type, ArrayRef<int64_t>(values));
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto type = foldableResultType(*this);
  auto data = dense(adaptor.getData());
  auto indices = getConstantInts(getIndices());
  if (type && indices && !data)
    return foldGatherOfShape(*this, type, *indices);
  if (!type || !data || !indices)
    return {};
  ArrayRef<int64_t> dshape = data.getType().getShape();
  int64_t axis = positiveAxis(getAxis(), dshape.size());
  int64_t outer = 1, inner = 1, dim = dshape[axis];
  for (int64_t i = 0; i < axis; ++i)
    outer *= dshape[i];
  for (size_t i = axis + 1; i < dshape.size(); ++i)
    inner *= dshape[i];
  SmallVector<Attribute> in(data.getValues<Attribute>().begin(), data.getValues<Attribute>().end());
  SmallVector<Attribute> values;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t idx : *indices) {
      if (idx < -dim || idx >= dim)
        return {};
      if (idx < 0)
        idx += dim;
      for (int64_t k = 0; k < inner; ++k)
        values.push_back(in[(o * dim + idx) * inner + k]);
    }
  if ((int64_t)values.size() != type.getNumElements())
    return {};
  return DenseElementsAttr::get(type, values);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto data = dense(adaptor.getData());
  auto type = foldableResultType(*this);
  if (!data || !type)
    return {};
  ArrayRef<int64_t> dshape = data.getType().getShape();
  int64_t rank = dshape.size();
  auto starts = getConstantInts(getStarts());
  std::optional<SmallVector<int64_t>> axes, steps;
  axes = isNone(getAxes()) ? std::optional(llvm::to_vector(llvm::seq<int64_t>(0, rank)))
                           : getConstantInts(getAxes());
  steps = isNone(getSteps()) ? std::optional(SmallVector<int64_t>(rank, 1))
                             : getConstantInts(getSteps());
  if (!starts || !axes || !steps)
    return {};
  // Per data dim: first index and step (the result type has the sizes).
  SmallVector<int64_t> first(rank, 0), step(rank, 1);
  for (size_t k = 0; k < starts->size() && k < axes->size() && k < steps->size(); ++k) {
    int64_t a = (*axes)[k] < 0 ? (*axes)[k] + rank : (*axes)[k];
    int64_t dim = dshape[a], s = (*starts)[k], st = (*steps)[k];
    if (s < 0)
      s += dim;
    first[a] = st > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, -1, dim - 1);
    step[a] = st;
  }
  SmallVector<Attribute> in(data.getValues<Attribute>().begin(), data.getValues<Attribute>().end());
  SmallVector<int64_t> strides = stridesOf(dshape);
  SmallVector<Attribute> values;
  for (int64_t pos = 0; pos < type.getNumElements(); ++pos) {
    SmallVector<int64_t> idx = delinearize(pos, type.getShape());
    int64_t src = 0;
    for (int64_t i = 0; i < rank; ++i)
      src += (first[i] + idx[i] * step[i]) * strides[i];
    values.push_back(in[src]);
  }
  return DenseElementsAttr::get(type, values);
}

OpFoldResult RangeOp::fold(FoldAdaptor) {
  auto type = foldableResultType(*this);
  if (!type || type.getRank() != 1)
    return {};
  Type et = type.getElementType();
  if (auto ft = dyn_cast<FloatType>(et)) {
    auto s = getConstantFloats(getStart()), d = getConstantFloats(getDelta());
    if (!s || !d)
      return {};
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < type.getDimSize(0); ++i) {
      APFloat v((*s)[0] + i * (*d)[0]);
      bool lost;
      v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return DenseElementsAttr::get(type, values);
  }
  if (!et.isInteger())
    return {};
  auto s = getConstantInts(getStart()), d = getConstantInts(getDelta());
  if (!s || !d)
    return {};
  SmallVector<APInt> values;
  for (int64_t i = 0; i < type.getDimSize(0); ++i)
    values.push_back(APInt(et.getIntOrFloatBitWidth(), (*s)[0] + i * (*d)[0], /*isSigned=*/true,
                           /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto type = foldableResultType(*this);
  auto d = dense(adaptor.getInput());
  if (!type || !d)
    return {};
  Type from = d.getElementType(), to = type.getElementType();
  auto toFloat = dyn_cast<FloatType>(to);
  if (!to.isInteger() && !toFloat)
    return {};
  // float8/float4 conversions follow ONNX's saturate rules (not APFloat's);
  // the lowering implements them.
  auto narrowFloat = [](Type t) { return isa<FloatType>(t) && t.getIntOrFloatBitWidth() <= 8; };
  if (narrowFloat(from) || narrowFloat(to))
    return {};
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  unsigned width = to.getIntOrFloatBitWidth();
  SmallVector<Attribute> values;
  auto push = [&](const APInt &i) { values.push_back(IntegerAttr::get(to, i)); };
  auto pushF = [&](APFloat f) {
    bool lost;
    f.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    values.push_back(FloatAttr::get(to, f));
  };
  if (from.isInteger()) {
    for (APInt v : d.getValues<APInt>()) {
      if (to.isInteger(1))
        push(APInt(1, !v.isZero()));
      else if (toFloat) {
        APFloat f(toFloat.getFloatSemantics());
        f.convertFromAPInt(v, !fromUnsigned, APFloat::rmNearestTiesToEven);
        pushF(f);
      } else
        push(fromUnsigned ? v.zextOrTrunc(width) : v.sextOrTrunc(width));
    }
  } else if (isa<FloatType>(from)) {
    for (APFloat v : d.getValues<APFloat>()) {
      if (to.isInteger(1))
        push(APInt(1, !v.isZero()));
      else if (toFloat)
        pushF(v);
      else {
        // Toward zero; out-of-range values are undefined in ONNX, skip them.
        APSInt i(width, to.isUnsignedInteger());
        bool exact;
        if (v.convertToInteger(i, APFloat::rmTowardZero, &exact) & APFloat::opInvalidOp)
          return {};
        push(i);
      }
    }
  } else {
    return {};
  }
  return DenseElementsAttr::get(type, values);
}

namespace {
/// Builds the result of a pure data-movement op on a constant: element `pos`
/// of `type` is element `source(outIndex)` of `data` (row-major linear).
template <typename SourceFn>
OpFoldResult moveElements(RankedTensorType type, DenseElementsAttr data, SourceFn source) {
  if (data.getElementType() != type.getElementType())
    return {};
  if (data.isSplat())
    return DenseElementsAttr::get(type, data.getSplatValue<Attribute>());
  SmallVector<Attribute> in(data.getValues<Attribute>().begin(), data.getValues<Attribute>().end());
  SmallVector<Attribute> values;
  values.reserve(type.getNumElements());
  for (int64_t pos = 0; pos < type.getNumElements(); ++pos) {
    int64_t src = source(delinearize(pos, type.getShape()));
    if (src < 0 || src >= (int64_t)in.size())
      return {};
    values.push_back(in[src]);
  }
  return DenseElementsAttr::get(type, values);
}
} // namespace

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  auto in = getRanked(getInput());
  // Broadcasting to the input's own (static) shape is the identity.
  if (in && in.hasStaticShape() && in == getType())
    return getInput();
  auto type = foldableResultType(*this);
  auto data = dense(adaptor.getInput());
  if (!type || !data || data.getType().getRank() > type.getRank())
    return {};
  // The input is right-aligned against the result; its size-1 dims repeat.
  ArrayRef<int64_t> dshape = data.getType().getShape();
  int64_t offset = type.getRank() - dshape.size();
  SmallVector<int64_t> strides = stridesOf(dshape);
  for (size_t i = 0; i < dshape.size(); ++i)
    if (dshape[i] != 1 && dshape[i] != type.getDimSize(offset + i))
      return {};
  return moveElements(type, data, [&](ArrayRef<int64_t> idx) {
    int64_t src = 0;
    for (size_t i = 0; i < dshape.size(); ++i)
      if (dshape[i] != 1)
        src += idx[offset + i] * strides[i];
    return src;
  });
}

OpFoldResult TileOp::fold(FoldAdaptor adaptor) {
  auto in = getRanked(getInput());
  if (in && in.hasStaticShape() && in == getType())
    return getInput(); // all repeats are 1
  auto type = foldableResultType(*this);
  auto data = dense(adaptor.getInput());
  if (!type || !data || data.getType().getRank() != type.getRank())
    return {};
  ArrayRef<int64_t> dshape = data.getType().getShape();
  if (llvm::is_contained(dshape, 0))
    return {};
  SmallVector<int64_t> strides = stridesOf(dshape);
  return moveElements(type, data, [&](ArrayRef<int64_t> idx) {
    int64_t src = 0;
    for (size_t i = 0; i < dshape.size(); ++i)
      src += (idx[i] % dshape[i]) * strides[i];
    return src;
  });
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  SmallVector<int64_t> perm = getPermOrDefault();
  auto in = getRanked(getData());
  if (in && in == getType() && llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getData();
  auto type = foldableResultType(*this);
  auto data = dense(adaptor.getData());
  if (!type || !data || (int64_t)perm.size() != type.getRank() ||
      data.getType().getRank() != type.getRank() ||
      llvm::any_of(perm, [&](int64_t p) { return p < 0 || p >= type.getRank(); }))
    return {};
  SmallVector<int64_t> strides = stridesOf(data.getType().getShape());
  // Result dim i is data dim perm[i].
  return moveElements(type, data, [&](ArrayRef<int64_t> idx) {
    int64_t src = 0;
    for (size_t i = 0; i < perm.size(); ++i)
      src += idx[i] * strides[perm[i]];
    return src;
  });
}
