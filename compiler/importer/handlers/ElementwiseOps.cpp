//===- ElementwiseOps.cpp - Import of elementwise ONNX ops ----------------===//
//
// One line per (op, since-version). Older versions that differ only in
// legacy attributes (consumed_inputs, broadcast/axis of opset < 7) import
// generically: opset-7 broadcasting is a superset for valid models.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"

using namespace mlir;

namespace steed {

void registerElementwiseOps(OpRegistry &r) {
  for (const char *op : {"Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Relu",
                         "Sigmoid", "Tanh", "Floor", "Ceil", "LeakyRelu", "Elu",
                         "Selu", "HardSigmoid"})
    r.add(op, 1, 1);
  for (const char *op : {"Erf", "Sign"})
    r.add(op, 9, 1);
  for (const char *op : {"Sin", "Cos", "Tan", "Asin", "Acos", "Atan"})
    r.add(op, 7, 1);
  for (const char *op : {"Sinh", "Cosh", "Asinh", "Acosh", "Atanh"})
    r.add(op, 9, 1);
  r.add("Round", 11, 1);
  r.add("Softplus", 1, 1);
  r.add("Softsign", 1, 1);
  r.add("HardSwish", 14, 1);
  r.add("Mish", 18, 1);
  r.add("Celu", 12, 1);
  r.add("ThresholdedRelu", 10, 1);
  r.add("Gelu", 20, 1);
  r.add("Not", 1, 1);
  r.add("BitwiseNot", 18, 1);
  r.add("IsNaN", 9, 1);
  r.add("IsInf", 10, 1);
  for (const char *op : {"BitwiseAnd", "BitwiseOr", "BitwiseXor"})
    r.add(op, 18, 2);
  r.add("BitShift", 11, 2);

  for (const char *op : {"Add", "Sub", "Mul", "Div"})
    r.add(op, 1, 2);
  r.add("Pow", 1, 2);
  r.add("PRelu", 1, 2);
  r.add("Mod", 10, 2);
  for (const char *op : {"And", "Or", "Xor", "Equal", "Less", "Greater"})
    r.add(op, 1, 2);
  r.add("LessOrEqual", 12, 2);
  r.add("GreaterOrEqual", 12, 2);

  for (const char *op : {"Max", "Min", "Sum", "Mean"})
    r.add(op, 1, -1);
  r.add("Where", 9, 3);

  // Clip-6: min/max attributes; Clip-11: optional inputs.
  r.add("Clip", 1, 3, 1, [](NodeImporter &n) -> FailureOr<SmallVector<Value>> {
    Value input = n.input(0);
    auto bound = [&](StringRef name, float dflt) {
      return n.constF32(n.floatAttr(name).value_or(dflt));
    };
    SmallVector<Value> operands{input, bound("min", -3.4028234663852886e38f),
                                bound("max", 3.4028234663852886e38f)};
    return n.createOp("Clip", operands, {}, 1);
  });
  r.add("Clip", 11, 3);

  // Dropout: inference semantics, output = input; the optional mask is all
  // true (all ones of the input type before opset 10). Opset 12+ takes
  // ratio/training_mode as inputs; training_mode must be a constant false.
  auto dropout = [](NodeImporter &n) -> FailureOr<SmallVector<Value>> {
    Value data = n.input(0);
    if (n.opset >= 12 && n.inputs.size() > 2 && !onnx::isNone(n.input(2))) {
      // A training_mode known only at run time could be true: refuse rather
      // than compute inference semantics silently.
      auto cst = n.input(2).getDefiningOp<onnx::ConstantOp>();
      auto dense = cst ? dyn_cast<DenseElementsAttr>(cst.getValue()) : DenseElementsAttr();
      if (!dense || dense.getNumElements() != 1)
        return n.emitError() << "Dropout training_mode must be a constant (only "
                                "inference semantics are supported)";
      if (!dense.getSplatValue<APInt>().isZero())
        return n.emitError() << "Dropout with training_mode = true is not supported "
                                "(only inference semantics)";
    } else if (n.opset < 7) {
      if (auto isTest = n.intAttr("is_test"); isTest && *isTest == 0)
        return n.emitError() << "Dropout with is_test = 0 is not supported "
                                "(only inference semantics)";
    }
    SmallVector<Value> results{data};
    if (n.node.output_size() > 1 && !n.node.output(1).empty()) {
      auto type = dyn_cast<RankedTensorType>(data.getType());
      if (!type || !type.hasStaticShape())
        return n.emitError() << "Dropout mask needs a statically shaped input";
      Type elem = n.opset >= 10 ? n.builder.getI1Type() : type.getElementType();
      auto maskType = RankedTensorType::get(type.getShape(), elem);
      Attribute one = n.builder.getOneAttr(elem);
      results.push_back(onnx::ConstantOp::create(
          n.builder, n.loc, DenseElementsAttr::get(maskType, one)));
    }
    return results;
  };
  for (int since : {1, 6, 7, 10, 12, 13, 22})
    r.add("Dropout", since, 3, 2, dropout);
}

} // namespace steed
