//===- NormalizationOps.cpp - Result types of softmax/normalization ops ---===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

/// Same type as `input`; checks `axis` when the rank is known.
static LogicalResult inferAlongAxis(Operation *op, Value input, int64_t axis) {
  if (auto ranked = getRanked(input))
    if (!normalizeAxis(op, axis, ranked.getRank()))
      return failure();
  setResultType(op, 0, input.getType());
  return success();
}

LogicalResult SoftmaxOp::inferShapes() {
  return inferAlongAxis(getOperation(), getInput(), getAxis());
}
LogicalResult LogSoftmaxOp::inferShapes() {
  return inferAlongAxis(getOperation(), getInput(), getAxis());
}
LogicalResult HardmaxOp::inferShapes() {
  return inferAlongAxis(getOperation(), getInput(), getAxis());
}
LogicalResult LpNormalizationOp::inferShapes() {
  if (getP() != 1 && getP() != 2)
    return emitOpError() << "p must be 1 or 2, got " << getP();
  return inferAlongAxis(getOperation(), getInput(), getAxis());
}

LogicalResult MeanVarianceNormalizationOp::inferShapes() {
  if (auto ranked = getRanked(getX())) {
    SmallVector<bool> seen(ranked.getRank(), false);
    for (int64_t axis : getAxes()) {
      std::optional<int64_t> a = normalizeAxis(getOperation(), axis, ranked.getRank());
      if (!a)
        return failure();
      if (seen[*a])
        return emitOpError() << "axis " << axis << " is listed twice";
      seen[*a] = true;
    }
  }
  setResultType(getOperation(), 0, getX().getType());
  return success();
}

/// Checks that a per-channel parameter is 1-D with `channels` elements
/// (unknown sizes are accepted).
static LogicalResult checkPerChannel(Operation *op, Value v, StringRef name,
                                     int64_t channels) {
  auto t = getRanked(v);
  if (!t)
    return success();
  if (t.getRank() != 1)
    return op->emitOpError() << name << " must be 1-D, got " << v.getType();
  if (!ShapedType::isDynamic(channels) && !t.isDynamicDim(0) &&
      t.getDimSize(0) != channels)
    return op->emitOpError() << name << " has " << t.getDimSize(0)
                             << " elements but the input has " << channels
                             << " channels";
  return success();
}

LogicalResult BatchNormalizationOp::inferShapes() {
  auto x = getRanked(getX());
  // A rank-1 X is (N) with one channel.
  int64_t channels = !x ? ShapedType::kDynamic : x.getRank() == 1 ? 1 : x.getDimSize(1);
  if (x && x.getRank() == 0)
    return emitOpError("X must have rank >= 1");
  for (auto [v, name] : {std::pair{getScale(), "scale"}, {getB(), "B"},
                         {getInputMean(), "input_mean"}, {getInputVar(), "input_var"}})
    if (failed(checkPerChannel(getOperation(), v, name, channels)))
      return failure();
  setResultType(getOperation(), 0, getX().getType());
  setResultType(getOperation(), 1, getInputMean().getType());
  setResultType(getOperation(), 2, getInputVar().getType());
  return success();
}

LogicalResult InstanceNormalizationOp::inferShapes() {
  auto x = getRanked(getInput());
  if (x && x.getRank() < 2)
    return emitOpError() << "input must have rank >= 2 (N x C x ...), got "
                         << getInput().getType();
  int64_t channels = x ? x.getDimSize(1) : ShapedType::kDynamic;
  if (failed(checkPerChannel(getOperation(), getScale(), "scale", channels)) ||
      failed(checkPerChannel(getOperation(), getB(), "B", channels)))
    return failure();
  setResultType(getOperation(), 0, getInput().getType());
  return success();
}

LogicalResult GroupNormalizationOp::inferShapes() {
  auto x = getRanked(getX());
  if (getNumGroups() <= 0)
    return emitOpError() << "num_groups must be positive, got " << getNumGroups();
  if (x && x.getRank() < 2)
    return emitOpError() << "X must have rank >= 2 (N x C x ...), got " << getX().getType();
  int64_t channels = x ? x.getDimSize(1) : ShapedType::kDynamic;
  if (!ShapedType::isDynamic(channels) && channels % getNumGroups() != 0)
    return emitOpError() << "the " << channels << " channels do not split into "
                         << getNumGroups() << " groups";
  if (failed(checkPerChannel(getOperation(), getScale(), "scale", channels)) ||
      failed(checkPerChannel(getOperation(), getBias(), "bias", channels)))
    return failure();
  setResultType(getOperation(), 0, getX().getType());
  return success();
}

/// The element type named by LayerNormalization's stash_type (a TensorProto
/// data type), or null when it is not a float type.
static Type stashElementType(MLIRContext *ctx, int64_t stashType) {
  switch (stashType) {
  case 1: return Float32Type::get(ctx);
  case 10: return Float16Type::get(ctx);
  case 11: return Float64Type::get(ctx);
  case 16: return BFloat16Type::get(ctx);
  default: return {};
  }
}

/// Checks that LayerNormalization/RMSNormalization's scale and bias
/// broadcast to X's normalized dimensions [axis, rank); returns the axis in
/// [0, rank), or nullopt after an error.
static std::optional<int64_t> checkNormalizedParams(Operation *op, Value x, int64_t axis,
                                                    ArrayRef<Value> params) {
  auto xType = getRanked(x);
  std::optional<int64_t> a = normalizeAxis(op, axis, xType.getRank());
  if (!a)
    return std::nullopt;
  ArrayRef<int64_t> normalized = xType.getShape().drop_front(*a);
  for (Value v : params) {
    auto t = getRanked(v);
    if (isNone(v) || !t)
      continue;
    auto b = broadcastShapes(normalized, t.getShape());
    if (!b || (!llvm::any_of(normalized, ShapedType::isDynamic) &&
               ArrayRef<int64_t>(*b) != normalized)) {
      op->emitOpError() << "scale/bias " << v.getType()
                        << " does not broadcast to the normalized shape of " << x.getType()
                        << " at axis " << *a;
      return std::nullopt;
    }
  }
  return a;
}

LogicalResult RMSNormalizationOp::inferShapes() {
  if (!stashElementType(getContext(), getStashType()))
    return emitOpError() << "stash_type " << getStashType() << " is not a float type";
  if (getRanked(getX()) &&
      !checkNormalizedParams(getOperation(), getX(), getAxis(), {getScale()}))
    return failure();
  setResultType(getOperation(), 0, getX().getType());
  return success();
}

LogicalResult LayerNormalizationOp::inferShapes() {
  Type stash = stashElementType(getContext(), getStashType());
  if (!stash)
    return emitOpError() << "stash_type " << getStashType() << " is not a float type";
  setResultType(getOperation(), 0, getX().getType());
  auto x = getRanked(getX());
  if (!x) {
    setResultType(getOperation(), 1, UnrankedTensorType::get(stash));
    setResultType(getOperation(), 2, UnrankedTensorType::get(stash));
    return success();
  }
  std::optional<int64_t> axis =
      checkNormalizedParams(getOperation(), getX(), getAxis(), {getScale(), getB()});
  if (!axis)
    return failure();
  SmallVector<int64_t> statShape(x.getShape());
  for (int64_t d = *axis; d < x.getRank(); ++d)
    statShape[d] = 1;
  setResultType(getOperation(), 1, statShape, stash);
  setResultType(getOperation(), 2, statShape, stash);
  return success();
}
