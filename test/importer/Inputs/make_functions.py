# Regenerates the model-local function test models (functions.lit) with
# Debian's /usr/bin/python3 (onnx 1.12):
#   functions.onnx       calls model-local functions: attribute references,
#                        an attribute default (FunctionProto.attribute_proto),
#                        a nested call, a function at its own opset (11: the
#                        ReduceSum axes attribute), an unused second output,
#                        internal names that clash with graph names;
#   functions_flat.onnx  the same computation written out by hand (the
#                        reference the expansion is compared with);
#   functions_x.npy, functions_b.npy  inputs;
#   function_recursive.onnx, function_undefined.onnx,
#   function_unsupported.onnx  error cases.
import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper

F = TensorProto.FLOAT


def ref(name, ref_name, attr_type):
    """An attribute that refers to the calling node's attribute `ref_name`."""
    a = AttributeProto()
    a.name = name
    a.ref_attr_name = ref_name
    a.type = attr_type
    return a


def with_defaults(fn, defaults):
    """Adds FunctionProto.attribute_proto (field 11, IR 9), which onnx 1.12's
    FunctionProto lacks: serialized by hand, kept as an unknown field."""
    extra = b""
    for a in defaults:
        data = a.SerializeToString()
        length, n = b"", len(data)
        while True:
            byte = n & 0x7F
            n >>= 7
            length += bytes([byte | (0x80 if n else 0)])
            if not n:
                break
        extra += b"\x5a" + length + data
    out = onnx.FunctionProto()
    out.ParseFromString(fn.SerializeToString() + extra)
    return out


def save(graph, name, functions, opsets, check=True):
    model = helper.make_model(graph, opset_imports=opsets, functions=functions)
    model.ir_version = 8
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, name)


opsets = [helper.make_opsetid("", 17), helper.make_opsetid("custom", 1)]

# custom.Scale(X) <scale = 2.0> = X * scale
scale_const = helper.make_node("Constant", [], ["s"])
scale_const.attribute.append(ref("value_float", "scale", AttributeProto.FLOAT))
scale = helper.make_function("custom", "Scale", ["X"], ["Y"],
                             [scale_const, helper.make_node("Mul", ["X", "s"], ["Y"])],
                             [helper.make_opsetid("", 17)], ["scale"])
scale = with_defaults(scale, [helper.make_attribute("scale", 2.0)])

# custom.SumRows(X) = (ReduceSum(X, axes=[1]), Neg(X)) at opset 11, where
# axes is still an attribute.
sum_rows = helper.make_function(
    "custom", "SumRows", ["X"], ["Y", "Z"],
    [helper.make_node("ReduceSum", ["X"], ["Y"], axes=[1], keepdims=1),
     helper.make_node("Neg", ["X"], ["Z"])],
    [helper.make_opsetid("", 11)])

# custom.Outer(X, B) <alpha, scale> = SumRows(LeakyRelu(Scale(X), alpha) + B)
leaky = helper.make_node("LeakyRelu", ["t"], ["u"])
leaky.attribute.append(ref("alpha", "alpha", AttributeProto.FLOAT))
inner_scale = helper.make_node("Scale", ["X"], ["t"], domain="custom")
inner_scale.attribute.append(ref("scale", "scale", AttributeProto.FLOAT))
outer = helper.make_function(
    "custom", "Outer", ["X", "B"], ["Y"],
    [inner_scale, leaky,
     helper.make_node("Add", ["u", "B"], ["v"]),
     helper.make_node("SumRows", ["v"], ["Y"], domain="custom")],
    [helper.make_opsetid("", 17), helper.make_opsetid("custom", 1)], ["alpha", "scale"])

inputs = [helper.make_tensor_value_info("x", F, [2, 3]), helper.make_tensor_value_info("b", F, [3])]
outputs = [helper.make_tensor_value_info("y", F, [2, 1]), helper.make_tensor_value_info("t", F, [2, 3])]

# Outer leaves scale unset (default 2.0); the graph has its own "t".
nodes = [helper.make_node("Outer", ["x", "b"], ["y1"], domain="custom", name="outer", alpha=0.1),
         helper.make_node("Scale", ["y1"], ["y"], domain="custom", name="half", scale=0.5),
         helper.make_node("Scale", ["x"], ["t"], domain="custom", name="double")]
# onnx 1.12's checker insists that a function's opsets match the model's for
# ops that changed in between (ReduceSum did at 13): not checked.
save(helper.make_graph(nodes, "functions", inputs, outputs), "functions.onnx",
     [scale, sum_rows, outer], opsets, check=False)

flat = [helper.make_node("Constant", [], ["two"], value_float=2.0),
        helper.make_node("Constant", [], ["half"], value_float=0.5),
        helper.make_node("Constant", [], ["axes"], value_ints=[1]),
        helper.make_node("Mul", ["x", "two"], ["xs"]),
        helper.make_node("LeakyRelu", ["xs"], ["u"], alpha=0.1),
        helper.make_node("Add", ["u", "b"], ["v"]),
        helper.make_node("ReduceSum", ["v", "axes"], ["y1"], keepdims=1),
        helper.make_node("Mul", ["y1", "half"], ["y"]),
        helper.make_node("Mul", ["x", "two"], ["t"])]
save(helper.make_graph(flat, "functions_flat", inputs, outputs), "functions_flat.onnx", [],
     [helper.make_opsetid("", 17)])

np.random.seed(0)
np.save("functions_x.npy", np.random.randn(2, 3).astype(np.float32))
np.save("functions_b.npy", np.random.randn(3).astype(np.float32))

one_in = [helper.make_tensor_value_info("x", F, [2, 3])]
one_out = [helper.make_tensor_value_info("y", F, [2, 3])]

# custom.Rec calls itself.
rec = helper.make_function("custom", "Rec", ["X"], ["Y"],
                           [helper.make_node("Rec", ["X"], ["Y"], domain="custom")],
                           [helper.make_opsetid("custom", 1)])
save(helper.make_graph([helper.make_node("Rec", ["x"], ["y"], domain="custom", name="call")],
                       "recursive", one_in, one_out),
     "function_recursive.onnx", [rec], opsets, check=False)

# custom.Undef reads a value nothing defines.
undef = helper.make_function("custom", "Undef", ["X"], ["Y"],
                             [helper.make_node("Add", ["X", "nowhere"], ["Y"])],
                             [helper.make_opsetid("", 17)])
save(helper.make_graph([helper.make_node("Undef", ["x"], ["y"], domain="custom", name="call")],
                       "undefined", one_in, one_out),
     "function_undefined.onnx", [undef], opsets, check=False)

# custom.Bad uses an op nobody defines.
bad = helper.make_function("custom", "Bad", ["X"], ["Y"],
                           [helper.make_node("Relu", ["X"], ["r"]),
                            helper.make_node("NoSuchOp", ["r"], ["Y"], name="inner")],
                           [helper.make_opsetid("", 17)])
save(helper.make_graph([helper.make_node("Bad", ["x"], ["y"], domain="custom", name="call")],
                       "unsupported", one_in, one_out),
     "function_unsupported.onnx", [bad], opsets, check=False)
