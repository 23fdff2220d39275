//===- TensorOps.cpp - Import of Constant and friends ---------------------===//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"

using namespace mlir;

namespace steed {

/// Constant: every value_* attribute form becomes `value`.
static FailureOr<SmallVector<Value>> importConstant(NodeImporter &n) {
  OpBuilder &b = n.builder;
  ElementsAttr value;
  if (n.node.attribute_size() != 1)
    return n.emitError() << "Constant needs exactly one value attribute", failure();
  const ::onnx::AttributeProto &a = n.node.attribute(0);
  if (a.name() == "value") {
    auto t = convertTensor(a.t(), b.getContext(), "", n.loc);
    if (failed(t))
      return failure();
    value = *t;
  } else if (a.name() == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()), a.f());
  } else if (a.name() == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getF32Type()), ArrayRef<float>(v));
  } else if (a.name() == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()), (int64_t)a.i());
  } else if (a.name() == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()), ArrayRef<int64_t>(v));
  } else {
    return n.emitError() << "Constant attribute '" << a.name() << "' is not supported",
           failure();
  }
  return SmallVector<Value>{onnx::ConstantOp::create(b, n.loc, value)};
}

/// OptionalHasElement with a tensor input or none: optional values other
/// than plain tensors (optional/sequence types) do not reach the importer,
/// so the answer is known here (a missing input is an empty optional).
static FailureOr<SmallVector<Value>> importOptionalHasElement(NodeImporter &n) {
  Value in = n.input(0);
  if (!onnx::isNone(in) && !isa<TensorType>(in.getType()))
    return n.emitError() << "OptionalHasElement of " << in.getType()
                         << " is not supported (only tensors or a missing input)",
           failure();
  OpBuilder &b = n.builder;
  auto attr = DenseElementsAttr::get(RankedTensorType::get({}, b.getI1Type()),
                                     !onnx::isNone(in));
  return SmallVector<Value>{onnx::ConstantOp::create(b, n.loc, attr)};
}

/// OptionalGetElement of a tensor is the tensor; of an empty optional, an
/// error (ONNX leaves it undefined).
static FailureOr<SmallVector<Value>> importOptionalGetElement(NodeImporter &n) {
  Value in = n.input(0);
  if (onnx::isNone(in))
    return n.emitError() << "OptionalGetElement of an empty optional (missing input)",
           failure();
  if (!isa<TensorType>(in.getType()))
    return n.emitError() << "OptionalGetElement of " << in.getType()
                         << " is not supported (only tensors)",
           failure();
  return SmallVector<Value>{in};
}

void registerTensorOps(OpRegistry &r) {
  r.add("Constant", 1, 0, 1, importConstant);
  // Optional values are plain tensors or missing inputs here (opset 18
  // accepts tensors directly; 15 only optional types, which arrive as the
  // same values).
  r.add("OptionalHasElement", 15, 1, 1, importOptionalHasElement);
  r.add("OptionalGetElement", 15, 1, 1, importOptionalGetElement);
}

} // namespace steed
