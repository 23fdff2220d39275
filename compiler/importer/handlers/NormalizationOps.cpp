//===- NormalizationOps.cpp - Import of softmax/normalization ONNX ops ----===//
//
// Opset differences normalized here:
//  * Softmax/LogSoftmax/Hardmax < 13 coerce the input to 2-D at `axis`
//    (default 1) and normalize each row, i.e. over all dimensions
//    [axis, rank) at once; opset 13 normalizes along the single `axis`
//    (default -1).
//  * BatchNormalization < 14: `spatial` = 0 (opset < 9) means per-activation
//    statistics; `is_test`/consumed_inputs carry no meaning for inference;
//    training was selected by the number of outputs (not supported there).
//  * GroupNormalization 18 had one scale/bias per group; 21 per channel.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace steed {
namespace {

NamedAttribute i64Attr(NodeImporter &n, StringRef name, int64_t value) {
  return n.builder.getNamedAttr(name, n.builder.getI64IntegerAttr(value));
}
NamedAttribute f32Attr(NodeImporter &n, StringRef name, float value) {
  return n.builder.getNamedAttr(name, n.builder.getF32FloatAttr(value));
}

/// Softmax, LogSoftmax, Hardmax before opset 13: normalize over the
/// dimensions [axis, rank) taken together.
FailureOr<SmallVector<Value>> importCoerced2D(NodeImporter &n, StringRef opType) {
  Value input = n.input(0);
  auto type = onnx::getRanked(input);
  if (!type)
    return n.emitError() << opType << "-" << n.opset
                         << " needs an input of known rank (it flattens the input at 'axis')",
           failure();
  int64_t rank = type.getRank(), axis = n.intAttr("axis").value_or(1);
  if (axis < -rank || axis > std::max<int64_t>(rank - 1, 0))
    return n.emitError() << opType << " axis " << axis << " is out of range for rank " << rank,
           failure();
  if (axis < 0)
    axis += rank;
  // Dimensions of size 1 do not change the rows: when at most one dimension
  // in [axis, rank) is not 1, the row is exactly that dimension and the
  // opset-13 op along it is equivalent.
  SmallVector<int64_t> rowDims;
  for (int64_t d = axis; d < rank; ++d)
    if (type.getDimSize(d) != 1)
      rowDims.push_back(d);
  if (rowDims.size() <= 1) {
    int64_t along = rowDims.empty() ? std::max<int64_t>(rank - 1, 0) : rowDims[0];
    return n.createOp(opType, {input}, {i64Attr(n, "axis", along)}, 1);
  }

  // Otherwise flatten to the 2-D form, apply the opset-13 op to the rows,
  // and restore the shape (Reshape of a contiguous tensor is free).
  if (!type.hasStaticShape())
    return n.emitError() << opType << "-" << n.opset
                         << " over several dimensions needs a static input shape, got "
                         << input.getType(),
           failure();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= type.getDimSize(d);
  FailureOr<Value> flat = n.createOne("Reshape", {input, n.constI64({outer, inner})});
  if (failed(flat))
    return failure();
  FailureOr<Value> rows = n.createOne(opType, {*flat}, {i64Attr(n, "axis", 1)});
  if (failed(rows))
    return failure();
  return n.createOp("Reshape", {*rows, n.constI64(type.getShape())}, {}, 1);
}

/// BatchNormalization 1-13 (inference only).
FailureOr<SmallVector<Value>> importOldBatchNorm(NodeImporter &n) {
  bool isTest = n.opset < 7 && n.intAttr("is_test").value_or(0) != 0;
  if (n.node.output_size() > 1 && !isTest)
    return n.emitError() << "BatchNormalization-" << n.opset
                         << " in training mode (more than one output) is not supported",
           failure();
  float epsilon = n.floatAttr("epsilon").value_or(1e-5f);
  Value x = n.input(0), scale = n.input(1), bias = n.input(2), mean = n.input(3),
        var = n.input(4);
  if (n.opset < 9 && n.intAttr("spatial").value_or(1) == 0) {
    // Per-activation: the statistics have X's shape without N, so plain
    // broadcasting applies: Y = (X - mean) * (scale / sqrt(var + eps)) + B.
    FailureOr<Value> v = n.createOne("Add", {var, n.constF32(epsilon)});
    if (failed(v) || failed(v = n.createOne("Sqrt", {*v})) ||
        failed(v = n.createOne("Div", {scale, *v})))
      return failure();
    FailureOr<Value> centered = n.createOne("Sub", {x, mean});
    if (failed(centered) || failed(v = n.createOne("Mul", {*centered, *v})))
      return failure();
    return n.createOp("Add", {*v, bias}, {}, 1);
  }
  return n.createOp("BatchNormalization", {x, scale, bias, mean, var},
                    {f32Attr(n, "epsilon", epsilon)}, 3);
}

/// GroupNormalization 18: scale/bias per group; repeat each value over the
/// group's channels (they are weights, so constants in practice).
FailureOr<SmallVector<Value>> importGroupNorm18(NodeImporter &n) {
  auto x = onnx::getRanked(n.input(0));
  std::optional<int64_t> groups = n.intAttr("num_groups");
  if (!groups || *groups <= 0)
    return n.emitError() << "GroupNormalization needs a positive num_groups", failure();
  if (!x || x.getRank() < 2 || x.isDynamicDim(1))
    return n.emitError() << "GroupNormalization-18 needs the channel count of X statically",
           failure();
  int64_t channels = x.getDimSize(1);
  if (channels % *groups != 0)
    return n.emitError() << channels << " channels do not split into " << *groups
                         << " groups",
           failure();
  SmallVector<Value> operands{n.input(0)};
  for (unsigned i : {1u, 2u}) {
    Value v = n.input(i);
    auto values = onnx::getConstantFloats(v);
    auto type = onnx::getRanked(v);
    if (!values || !type || (int64_t)values->size() != *groups)
      return n.emitError() << "GroupNormalization-18 needs constant per-group scale and "
                              "bias with num_groups elements",
             failure();
    Type elementType = type.getElementType();
    auto outType = RankedTensorType::get({channels}, elementType);
    SmallVector<Attribute> repeated;
    for (int64_t c = 0; c < channels; ++c)
      repeated.push_back(FloatAttr::get(elementType, (*values)[c / (channels / *groups)]));
    auto attr = DenseElementsAttr::get(outType, repeated);
    auto c = n.createOp("Constant", {}, {n.builder.getNamedAttr("value", attr)}, 1);
    if (failed(c))
      return failure();
    operands.push_back((*c)[0]);
  }
  auto attrs = n.convertAttributes("onnx.GroupNormalization");
  if (failed(attrs))
    return failure();
  return n.createOp("GroupNormalization", operands, *attrs, 1);
}

} // namespace

void registerNormalizationOps(OpRegistry &r) {
  for (const char *op : {"Softmax", "LogSoftmax", "Hardmax"}) {
    std::string name = op;
    r.add(op, 1, 1, 1, [name](NodeImporter &n) { return importCoerced2D(n, name); });
    r.add(op, 13, 1);
  }
  r.add("BatchNormalization", 1, 5, 3, importOldBatchNorm);
  r.add("BatchNormalization", 14, 5, 3);
  r.add("LayerNormalization", 17, 3, 3);
  r.add("RMSNormalization", 23, 2);
  r.add("InstanceNormalization", 1, 3);
  r.add("GroupNormalization", 18, 3, 1, importGroupNorm18);
  r.add("GroupNormalization", 21, 3);
  r.add("LpNormalization", 1, 1);
  r.add("MeanVarianceNormalization", 9, 1);
}

} // namespace steed
