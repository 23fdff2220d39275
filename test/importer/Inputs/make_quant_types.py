# Regenerates quant_types.onnx and quant_bad_int4.onnx with Debian's
# /usr/bin/python3 (onnx 1.12 predates the data types, so their numbers are
# written directly: INT4 = 22, FLOAT8E4M3FN = 17).
#   quant_types.onnx: y = DequantizeLinear(w, 0.5, zp) with w an INT4
#     initializer [1, -2, 3, -8, 7] packed in raw_data and zp = -1 an INT4
#     scalar in int32_data; f = Cast(c, FLOAT) with c an FLOAT8E4M3FN
#     initializer [1.0, -2.0] in int32_data.
#   quant_bad_int4.onnx: the INT4 initializer has 2 bytes for 5 elements.
import onnx
from onnx import TensorProto, helper

INT4, FLOAT8E4M3FN = 22, 17


def tensor(name, data_type, dims, raw=None, int32=None):
    t = TensorProto()
    t.name, t.data_type = name, data_type
    t.dims.extend(dims)
    if raw is not None:
        t.raw_data = raw
    if int32 is not None:
        t.int32_data.extend(int32)
    return t


def model(w_raw, path):
    w = tensor("w", INT4, [5], raw=w_raw)
    zp = tensor("zp", INT4, [], int32=[0xF])
    scale = helper.make_tensor("scale", TensorProto.FLOAT, [], [0.5])
    c = tensor("c", FLOAT8E4M3FN, [2], int32=[0x38, 0xC0])
    nodes = [helper.make_node("DequantizeLinear", ["w", "scale", "zp"], ["y"], name="dq"),
             helper.make_node("Cast", ["c"], ["f"], to=TensorProto.FLOAT, name="cast")]
    graph = helper.make_graph(nodes, "quant_types", [],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [5]),
                               helper.make_tensor_value_info("f", TensorProto.FLOAT, [2])],
                              [w, zp, scale, c])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    m.ir_version = 10
    onnx.save(m, path)


# Low nibble first: (1, -2) -> 0xE1, (3, -8) -> 0x83, (7) -> 0x07.
model(bytes([0xE1, 0x83, 0x07]), "quant_types.onnx")
model(bytes([0xE1, 0x83]), "quant_bad_int4.onnx")
