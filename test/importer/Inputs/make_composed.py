# Regenerates the models of composed-ops.test, dft.test and errors.test with Debian's
# /usr/bin/python3 (onnx 1.12): nodes the import-time expansions must refuse,
# and an operator nobody defines.
import onnx
from onnx import TensorProto, helper

F = TensorProto.FLOAT


def save(name, node, inputs, outputs, opset):
    graph = helper.make_graph([node], name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, name + ".onnx")


def vi(name, shape, t=F):
    return helper.make_tensor_value_info(name, t, shape)


# Det of 6x6 matrices: beyond the cofactor expansion's limit.
save("det_6x6", helper.make_node("Det", ["x"], ["y"], name="det"),
     [vi("x", [2, 6, 6])], [vi("y", [2])], 17)
# RotaryEmbedding of a 3-D input without num_heads.
save("rotary_3d_no_heads",
     helper.make_node("RotaryEmbedding", ["x", "cos", "sin"], ["y"], name="rope"),
     [vi("x", [1, 3, 8]), vi("cos", [1, 3, 4]), vi("sin", [1, 3, 4])], [vi("y", [1, 3, 8])], 23)
# Einsum whose equation gives an operand the wrong rank.
save("einsum_bad_rank", helper.make_node("Einsum", ["a", "b"], ["y"], name="es", equation="ij,jk->ik"),
     [vi("a", [2, 3, 4]), vi("b", [4, 5])], [vi("y", [2, 5])], 12)
# LRN of an input with a dynamic dimension.
save("lrn_dynamic", helper.make_node("LRN", ["x"], ["y"], name="lrn", size=3),
     [vi("x", ["N", 4, 5, 5])], [vi("y", ["N", 4, 5, 5])], 13)
# CenterCropPad whose run-time target shape has no static length.
save("center_crop_pad_shape_dynamic_length",
     helper.make_node("CenterCropPad", ["x", "shape"], ["y"], name="ccp"),
     [vi("x", [4, 6]), vi("shape", ["K"], TensorProto.INT64)], [vi("y", None)], 18)
# MaxUnpool whose run-time output_shape has the wrong length.
save("maxunpool_output_shape_length",
     helper.make_node("MaxUnpool", ["x", "i", "shape"], ["y"], name="unpool",
                      kernel_shape=[2, 2], strides=[2, 2]),
     [vi("x", [1, 1, 2, 2]), vi("i", [1, 1, 2, 2], TensorProto.INT64),
      vi("shape", [3], TensorProto.INT64)], [vi("y", None)], 11)
# An inverse onesided DFT of a real signal along a run-time axis: no axis
# allows it.
save("dft_runtime_axis_real_irfft",
     helper.make_node("DFT", ["x", "", "axis"], ["y"], name="dft", inverse=1, onesided=1),
     [vi("x", [2, 4, 3, 1]), vi("axis", [], TensorProto.INT64)], [vi("y", None)], 20)
# An operator no registry entry or function body defines.
save("unsupported_op", helper.make_node("NoSuchOp", ["x"], ["y"], name="mystery"),
     [vi("x", [2])], [vi("y", [2])], 17)
# Attention whose nonpad_kv_seqlen is not int64.
save("attention_nonpad_i32",
     helper.make_node("Attention", ["q", "k", "v", "", "", "", "nonpad"], ["y"], name="attn"),
     [vi("q", [2, 3, 4, 8]), vi("k", [2, 3, 6, 8]), vi("v", [2, 3, 6, 8]),
      vi("nonpad", [2], TensorProto.INT32)], [vi("y", [2, 3, 4, 8])], 24)
# Attention whose attn_mask is longer than the key sequence.
save("attention_long_mask",
     helper.make_node("Attention", ["q", "k", "v", "mask"], ["y"], name="attn"),
     [vi("q", [2, 3, 4, 8]), vi("k", [2, 3, 6, 8]), vi("v", [2, 3, 6, 8]),
      vi("mask", [2, 3, 4, 7])], [vi("y", [2, 3, 4, 8])], 24)
