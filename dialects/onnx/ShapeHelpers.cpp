//===- ShapeHelpers.cpp - Helpers for onnx result-type inference ----------===//
#include "dialects/onnx/ShapeHelpers.h"
#include "dialects/onnx/ONNXOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace steed::onnx {

bool isNone(Value v) { return !v || isa<NoneType>(v.getType()); }

RankedTensorType getRanked(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (ShapedType::isDynamic(da))
      out[i] = db;
    else if (ShapedType::isDynamic(db) || da == db)
      out[i] = da;
    else
      return std::nullopt;
  }
  return out;
}

static ElementsAttr getConstantElements(Value v) {
  if (!v)
    return {};
  if (auto c = v.getDefiningOp<ConstantOp>())
    return c.getValue();
  return {};
}

std::optional<SmallVector<int64_t>> getConstantInts(Value v) {
  ElementsAttr attr = getConstantElements(v);
  if (!attr || !attr.getElementType().isIntOrIndex())
    return std::nullopt;
  auto values = attr.tryGetValues<APInt>();
  if (!values)
    return std::nullopt;
  SmallVector<int64_t> out;
  bool isUnsigned = attr.getElementType().isUnsignedInteger();
  for (const APInt &x : *values)
    out.push_back(x.getBitWidth() == 1 || isUnsigned ? (int64_t)x.getZExtValue()
                                                     : x.getSExtValue());
  return out;
}

std::optional<SmallVector<std::optional<int64_t>>> getPartialConstantInts(Value v) {
  if (auto ints = getConstantInts(v))
    return SmallVector<std::optional<int64_t>>(ints->begin(), ints->end());
  auto type = getRanked(v);
  if (!type || type.getRank() > 1 || !type.hasStaticShape())
    return std::nullopt;
  SmallVector<std::optional<int64_t>> out;
  if (auto concat = v.getDefiningOp<ConcatOp>(); concat && type.getRank() == 1) {
    for (Value piece : concat.getInputs()) {
      auto entries = getPartialConstantInts(piece);
      if (!entries)
        return std::nullopt;
      out.append(entries->begin(), entries->end());
    }
    if ((int64_t)out.size() == type.getNumElements())
      return out;
    return std::nullopt;
  }
  out.assign(type.getNumElements(), std::nullopt);
  return out;
}

std::optional<std::pair<Value, int64_t>> shapeEntryDim(Value piece) {
  while (piece) {
    if (auto un = piece.getDefiningOp<UnsqueezeOp>())
      piece = un.getData();
    else if (auto cast = piece.getDefiningOp<CastOp>())
      piece = cast.getInput();
    else
      break;
  }
  auto gather = piece ? piece.getDefiningOp<GatherOp>() : GatherOp();
  if (!gather || gather.getAxis() != 0)
    return std::nullopt;
  auto shape = gather.getData().getDefiningOp<ShapeOp>();
  auto index = getConstantInts(gather.getIndices());
  auto data = shape ? getRanked(shape.getData()) : RankedTensorType();
  if (!data || !index || index->size() != 1)
    return std::nullopt;
  auto [start, end] = shape.getClampedRange(data.getRank());
  int64_t k = (*index)[0] < 0 ? (*index)[0] + (end - start) : (*index)[0];
  if (k < 0 || k >= end - start)
    return std::nullopt;
  return std::make_pair(shape.getData(), start + k);
}

bool provablySameDim(Value a, int64_t i, Value b, int64_t j) {
  for (int depth = 0; depth < 64; ++depth) {
    if (a == b && i == j)
      return true;
    auto bt = getRanked(b);
    if (!bt || j < 0 || j >= bt.getRank())
      return false;
    Operation *op = b.getDefiningOp();
    if (!op)
      return false;
    if (auto t = dyn_cast<TransposeOp>(op)) {
      auto perm = t.getPerm();
      if (!perm || j >= (int64_t)perm->size())
        return false;
      b = t.getData();
      j = (*perm)[j];
    } else if (auto r = dyn_cast<ReshapeOp>(op)) {
      // Entry j of the target shape, when it is a Shape entry of some value.
      Value shape = r.getShape();
      auto concat = shape.getDefiningOp<ConcatOp>();
      if (!concat)
        return false;
      int64_t pos = 0;
      std::optional<std::pair<Value, int64_t>> src;
      for (Value piece : concat.getInputs()) {
        auto len = getRanked(piece);
        if (!len || len.getRank() != 1 || len.isDynamicDim(0))
          return false;
        if (j < pos + len.getDimSize(0)) {
          if (len.getDimSize(0) == 1)
            src = shapeEntryDim(piece);
          break;
        }
        pos += len.getDimSize(0);
      }
      if (!src)
        return false;
      std::tie(b, j) = *src;
    } else if (auto c = dyn_cast<ConcatOp>(op)) {
      int64_t axis = c.getAxis() < 0 ? c.getAxis() + bt.getRank() : c.getAxis();
      if (axis == j || c.getInputs().empty())
        return false;
      b = c.getInputs().front();
    } else if (isa<ConvOp, MaxPoolOp, AveragePoolOp, GlobalAveragePoolOp, GlobalMaxPoolOp,
                   BatchNormalizationOp, InstanceNormalizationOp>(op)) {
      if (j != 0)
        return false;
      b = op->getOperand(0);
    } else if (op->getNumOperands() == 1 && op->getNumResults() == 1 &&
               isa<ReluOp, SigmoidOp, TanhOp, CastOp, IdentityOp, NegOp, ExpOp, ErfOp, SqrtOp,
                   AbsOp, LeakyReluOp, SoftmaxOp, LogSoftmaxOp, HardSigmoidOp, HardSwishOp>(op)) {
      b = op->getOperand(0);
    } else {
      return false;
    }
  }
  return false;
}

std::optional<SmallVector<double>> getConstantFloats(Value v) {
  ElementsAttr attr = getConstantElements(v);
  if (!attr)
    return std::nullopt;
  SmallVector<double> out;
  if (isa<FloatType>(attr.getElementType())) {
    auto values = attr.tryGetValues<APFloat>();
    if (!values)
      return std::nullopt;
    for (const APFloat &x : *values)
      out.push_back(x.convertToDouble());
    return out;
  }
  auto ints = getConstantInts(v);
  if (!ints)
    return std::nullopt;
  for (int64_t x : *ints)
    out.push_back((double)x);
  return out;
}

std::optional<int64_t> normalizeAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1) ||
      (rank == 0 && axis != 0 && axis != -1)) {
    op->emitOpError() << "axis " << axis << " is out of range for rank " << rank;
    return std::nullopt;
  }
  return axis < 0 ? axis + rank : axis;
}

void setResultType(Operation *op, unsigned idx, ArrayRef<int64_t> shape,
                   Type elementType) {
  op->getResult(idx).setType(RankedTensorType::get(shape, elementType));
}

void setResultType(Operation *op, unsigned idx, Type type) {
  op->getResult(idx).setType(type);
}

//===----------------------------------------------------------------------===//
// Family inference shared through ONNXBase.td
//===----------------------------------------------------------------------===//

LogicalResult inferUnaryShapes(Operation *op) {
  Type in = op->getOperand(0).getType();
  if (isa<NotOp, IsNaNOp, IsInfOp>(op))
    if (auto shaped = dyn_cast<ShapedType>(in))
      in = shaped.clone(IntegerType::get(op->getContext(), 1));
  setResultType(op, 0, in);
  return success();
}

LogicalResult inferBroadcastShapes(Operation *op, bool boolResult) {
  if (op->getNumOperands() == 0)
    return op->emitOpError("needs at least one input");
  Type elementType = getElementTypeOrSelf(op->getOperand(0).getType());
  SmallVector<int64_t> shape;
  for (Value operand : op->getOperands()) {
    auto ranked = getRanked(operand);
    if (!ranked) {
      setResultType(op, 0,
                    UnrankedTensorType::get(boolResult
                                                ? IntegerType::get(op->getContext(), 1)
                                                : elementType));
      return success();
    }
    auto b = broadcastShapes(shape, ranked.getShape());
    if (!b) {
      auto diag = op->emitOpError("operands do not broadcast:");
      for (Value o : op->getOperands())
        diag << " " << o.getType();
      return diag;
    }
    shape = *b;
  }
  if (boolResult)
    elementType = IntegerType::get(op->getContext(), 1);
  setResultType(op, 0, shape, elementType);
  return success();
}

} // namespace steed::onnx
