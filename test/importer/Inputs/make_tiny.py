# Regenerates tiny.onnx (y = Relu(x @ W + b), nodes fc/bias/act; the model of
# docs/architecture.md) with Debian's /usr/bin/python3.
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

np.random.seed(0)
W = numpy_helper.from_array(np.random.randn(4, 3).astype(np.float32), "W")
b = numpy_helper.from_array(np.random.randn(3).astype(np.float32), "b")
nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"], name="fc"),
         helper.make_node("Add", ["xw", "b"], ["y0"], name="bias"),
         helper.make_node("Relu", ["y0"], ["y"], name="act")]
graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], [W, b])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "tiny.onnx")
