#!/usr/bin/python3
"""Regenerates the tiny .npy/.pb fixtures of test/runtime (needs numpy, onnx).

Run from this directory: /usr/bin/python3 gen_inputs.py
The files are committed so that the tests need neither Python nor numpy.
"""
import numpy as np
from onnx import TensorProto, numpy_helper


def save_npy(name, array, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, np.asanyarray(array), version=version)


def save_pb(name, tensor):
    with open(name, "wb") as f:
        f.write(tensor.SerializeToString())


def typed(name, data_type, dims, field, values):
    """A TensorProto using a typed repeated field instead of raw_data."""
    t = TensorProto(name=name, data_type=data_type, dims=dims)
    getattr(t, field).extend(values)
    return t


# fake_add: x, y: f32[2,3] -> z = x + y
x = (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3)
y = (np.arange(6, dtype=np.float32) * 10 + 0.25).reshape(2, 3)
z = x + y
save_npy("x.npy", x)
save_npy("y.npy", y)
save_npy("z.npy", z)
save_npy("x_v2.npy", x, version=(2, 0))
save_npy("y_v3.npy", y, version=(3, 0))
save_pb("x.pb", numpy_helper.from_array(x, "x"))
save_pb("y_typed.pb", typed("y", TensorProto.FLOAT, [2, 3], "float_data", y.ravel()))
save_pb("z.pb", numpy_helper.from_array(z, "z"))
z_off = z.copy()
z_off[1, 2] += 0.1
save_npy("z_off.npy", z_off)
x_special = x.copy()
x_special[0, 1], x_special[1, 0], x_special[1, 1] = np.nan, np.inf, -np.inf
save_npy("x_special.npy", x_special)
save_npy("z_special.npy", x_special + y)
save_npy("x_2x4.npy", np.zeros((2, 4), np.float32))
save_npy("x_f64.npy", x.astype(np.float64))
save_npy("x_fortran.npy", np.asfortranarray(x))
with open("x.npy", "rb") as f:
    data = f.read()
with open("x_trunc.npy", "wb") as f:
    f.write(data[:-5])
with open("garbage.pb", "wb") as f:
    f.write(b"\xff\xff\xff\xff garbage")

# fake_i64: "a b": i64[4], s: i64 scalar -> "sum:0" = a + s
a = np.array([1, -2, 3, 1 << 40], np.int64)
s = np.int64(7)
save_npy("a.npy", a)
save_npy("s.npy", np.array(s))
save_pb("s.pb", typed("s", TensorProto.INT64, [], "int64_data", [int(s)]))
save_npy("sum.npy", a + s)
save_npy("sum_off.npy", a + s + np.array([0, 0, 1, 0]))

# fake_copy: h f16[3], b bf16[2], k bool[1,3], c i8[2], u u16[2], d f64[2]
h = np.array([1.5, -0.0, 65504], np.float16)
b_bits = np.array([0x3FC0, 0xC2F7], np.uint16)  # bf16 1.5, -123.5
k = np.array([[True, False, True]])
c = np.array([-128, 127], np.int8)
u = np.array([0, 65535], np.uint16)
d = np.array([np.pi, -1e300], np.float64)
save_pb("h.pb", typed("h", TensorProto.FLOAT16, [3], "int32_data", h.view(np.uint16)))
save_pb("b.pb", typed("b", TensorProto.BFLOAT16, [2], "int32_data", b_bits))
save_pb("k.pb", typed("k", TensorProto.BOOL, [1, 3], "int32_data", k.ravel().astype(int)))
save_pb("c.pb", typed("c", TensorProto.INT8, [2], "int32_data", c))
save_pb("u.pb", typed("u", TensorProto.UINT16, [2], "int32_data", u))
save_pb("d.pb", typed("d", TensorProto.DOUBLE, [2], "double_data", d))
b_raw = TensorProto(name="b", data_type=TensorProto.BFLOAT16, dims=[2], raw_data=b_bits.tobytes())
save_pb("b_raw.pb", b_raw)
for name, array in [("h", h), ("k", k), ("c", c), ("u", u), ("d", d)]:
    save_npy(name + ".npy", array)

# fake_dyn: x: f32[?,3] -> y = 2 * x: f32[?,3], n: i64 scalar = rows.
# 2 rows: x.npy (above); 4 rows and 0 rows here.
save_npy("dyn_y2.npy", 2 * x)
save_npy("dyn_n2.npy", np.array(np.int64(2)))
x4 = (np.arange(12, dtype=np.float32) * 0.25 - 1).reshape(4, 3)
save_npy("dyn_x4.npy", x4)
save_pb("dyn_x4.pb", numpy_helper.from_array(x4, "x"))
save_npy("dyn_y4.npy", 2 * x4)
save_npy("dyn_n4.npy", np.array(np.int64(4)))
save_npy("dyn_x0.npy", np.zeros((0, 3), np.float32))
save_npy("dyn_y0.npy", np.zeros((0, 3), np.float32))
y2_off = 2 * x
y2_off[1, 0] += 0.5
save_npy("dyn_y2_off.npy", y2_off)
save_npy("dyn_x_rank3.npy", np.zeros((1, 2, 3), np.float32))
