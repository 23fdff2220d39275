//===- ElementwiseOps.cpp - Import of elementwise ONNX ops ----------------===//
//
// One line per (op, since-version). Older versions that differ only in
// legacy attributes (consumed_inputs, broadcast/axis of opset < 7) import
// generically: opset-7 broadcasting is a superset for valid models.
//
#include "compiler/importer/OpRegistry.h"

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
}

} // namespace steed
