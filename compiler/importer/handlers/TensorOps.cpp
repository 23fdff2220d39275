//===- TensorOps.cpp - Import of Constant and friends ---------------------===//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"

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

void registerTensorOps(OpRegistry &r) {
  r.add("Constant", 1, 0, 1, importConstant);
}

} // namespace steed
