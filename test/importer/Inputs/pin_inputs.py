# Turns graph inputs of an ONNX model into initializers holding the given
# TensorProto files, so that a test can compile with values the compiler
# needs as constants (TopK's K, ...):
#   pin_inputs.py IN.onnx OUT.onnx NAME=FILE.pb [NAME=FILE.pb ...]
import sys
import onnx

model = onnx.load(sys.argv[1])
for spec in sys.argv[3:]:
    name, path = spec.split("=", 1)
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    tensor.name = name
    inputs = [i for i in model.graph.input if i.name != name]
    if len(inputs) == len(model.graph.input):
        sys.exit("pin_inputs.py: no graph input named '%s'" % name)
    del model.graph.input[:]
    model.graph.input.extend(inputs)
    model.graph.initializer.append(tensor)
onnx.save(model, sys.argv[2])
