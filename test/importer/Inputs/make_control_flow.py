# Regenerates the control-flow test models in control_flow/ (If, Loop, Scan
# with subgraphs) with Debian's /usr/bin/python3, plus inputs and expected
# outputs (.npy) that a plain numpy loop computes from the same definition.
# Run from this directory.
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = "control_flow"
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(0)

F, I64, B, U8 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL, TensorProto.UINT8


def vi(name, t, shape):
    return helper.make_tensor_value_info(name, t, shape)


def const(name, value, node_name=None):
    value = np.asarray(value)
    return helper.make_node("Constant", [], [name], name=node_name or name,
                            value=numpy_helper.from_array(value, name))


def save(name, graph, opset, inputs=None, outputs=None):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    for i, a in enumerate(inputs or []):
        np.save(os.path.join(OUT, "%s.in%d.npy" % (name, i)), a)
    for i, a in enumerate(outputs or []):
        np.save(os.path.join(OUT, "%s.out%d.npy" % (name, i)), a)


# loop_if: a counted Loop (M = 4, cond = true) whose body holds an If. The If
# branches read the loop-carried value (captured from the Loop body) and `w`
# (captured from the main graph). Outputs: the final value and the stacked
# per-iteration values (a scan output).
def loop_if():
    then_g = helper.make_graph([helper.make_node("Add", ["x_in", "w"], ["t"], name="then_add")],
                               "then", [], [vi("t", F, [2])])
    else_g = helper.make_graph([helper.make_node("Mul", ["x_in", "w"], ["e"], name="else_mul")],
                               "else", [], [vi("e", F, [2])])
    body = helper.make_graph(
        [const("two", np.array(2, np.int64), "two"),
         const("zero", np.array(0, np.int64), "zero"),
         helper.make_node("Mod", ["iter", "two"], ["r"], name="mod"),
         helper.make_node("Equal", ["r", "zero"], ["even"], name="even"),
         helper.make_node("If", ["even"], ["y"], name="branch", then_branch=then_g,
                          else_branch=else_g),
         helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep")],
        "body", [vi("iter", I64, []), vi("cond_in", B, []), vi("x_in", F, [2])],
        [vi("cond_out", B, []), vi("y", F, [2]), vi("y", F, [2])])
    graph = helper.make_graph(
        [const("M", np.array(4, np.int64), "M"), const("c", np.array(True), "c"),
         helper.make_node("Loop", ["M", "c", "x"], ["x_final", "xs"], name="loop", body=body)],
        "loop_if", [vi("x", F, [2]), vi("w", F, [2])],
        [vi("x_final", F, [2]), vi("xs", F, [4, 2])])
    x = rng.rand(2).astype(np.float32) + 0.5
    w = rng.rand(2).astype(np.float32) + 0.5
    v, xs = x.copy(), []
    for i in range(4):
        v = v + w if i % 2 == 0 else v * w
        xs.append(v)
    save("loop_if", graph, 17, [x, w], [v, np.stack(xs)])


# loop_while: the condition turns false before M runs out (scf.while).
def loop_while():
    body = helper.make_graph(
        [const("k2", np.array(2, np.float32), "k2"), const("lim", np.array(100, np.float32), "lim"),
         helper.make_node("Mul", ["v_in", "k2"], ["v_out"], name="double"),
         helper.make_node("Less", ["v_out", "lim"], ["cond_out"], name="below")],
        "body", [vi("i", I64, []), vi("cond_in", B, []), vi("v_in", F, [])],
        [vi("cond_out", B, []), vi("v_out", F, [])])
    graph = helper.make_graph(
        [const("M", np.array(20, np.int64), "M"), const("c", np.array(True), "c"),
         helper.make_node("Loop", ["M", "c", "a"], ["v"], name="loop", body=body)],
        "loop_while", [vi("a", F, [])], [vi("v", F, [])])
    a = np.array(3, np.float32)
    v, cond, i = a.copy(), True, 0
    while i < 20 and cond:
        v = v * 2
        cond = v < 100
        i += 1
    save("loop_while", graph, 13, [a], [np.asarray(v, np.float32)])


# scan_axes: Scan-9+ over axis 1 of xs in reverse, scan outputs at axis 1
# (reverse) and axis 0 (forward); the body captures `w` from the main graph.
def scan_axes():
    body = helper.make_graph(
        [helper.make_node("Mul", ["x_t", "w"], ["xw"], name="scale"),
         helper.make_node("Add", ["s_in", "xw"], ["s_out"], name="acc"),
         helper.make_node("Sub", ["s_out", "x_t"], ["o1"], name="diff")],
        "body", [vi("s_in", F, [3]), vi("x_t", F, [3])],
        [vi("s_out", F, [3]), vi("o1", F, [3]), vi("s_out", F, [3])])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["s0", "xs"], ["s", "o1s", "ss"], name="scan", body=body,
                          num_scan_inputs=1, scan_input_axes=[1], scan_input_directions=[1],
                          scan_output_axes=[1, 0], scan_output_directions=[1, 0])],
        "scan_axes", [vi("s0", F, [3]), vi("xs", F, [3, 5]), vi("w", F, [3])],
        [vi("s", F, [3]), vi("o1s", F, [3, 5]), vi("ss", F, [5, 3])])
    s0 = rng.rand(3).astype(np.float32)
    xs = rng.rand(3, 5).astype(np.float32)
    w = rng.rand(3).astype(np.float32)
    s, o1s, ss = s0.copy(), np.zeros((3, 5), np.float32), np.zeros((5, 3), np.float32)
    for t in range(5):
        x_t = xs[:, 4 - t]
        s = s + x_t * w
        o1s[:, 4 - t] = s - x_t
        ss[t, :] = s
    save("scan_axes", graph, 17, [s0, xs, w], [s, o1s, ss])


# scan_uint8: unsigned state and scan values (wrapping adds).
def scan_uint8():
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x_t"], ["s_out"], name="acc")],
        "body", [vi("s_in", U8, [4]), vi("x_t", U8, [4])],
        [vi("s_out", U8, [4]), vi("s_out", U8, [4])])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["s0", "xs"], ["s", "ss"], name="scan", body=body,
                          num_scan_inputs=1)],
        "scan_uint8", [vi("s0", U8, [4]), vi("xs", U8, [3, 4])],
        [vi("s", U8, [4]), vi("ss", U8, [3, 4])])
    s0 = rng.randint(0, 256, 4).astype(np.uint8)
    xs = rng.randint(0, 256, (3, 4)).astype(np.uint8)
    s, ss = s0.copy(), []
    for t in range(3):
        s = (s + xs[t]).astype(np.uint8)
        ss.append(s)
    save("scan_uint8", graph, 17, [s0, xs], [s, np.stack(ss)])


# scan8_batch: Scan-8 with batch 2 (axis 0) and a reversed scan input.
def scan8_batch():
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x_t"], ["s_out"], name="acc"),
         helper.make_node("Mul", ["s_out", "x_t"], ["o"], name="prod")],
        "body", [vi("s_in", F, [2]), vi("x_t", F, [2])],
        [vi("s_out", F, [2]), vi("o", F, [2])])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["", "s0", "xs"], ["s", "os"], name="scan", body=body,
                          num_scan_inputs=1, directions=[1])],
        "scan8_batch", [vi("s0", F, [2, 2]), vi("xs", F, [2, 3, 2])],
        [vi("s", F, [2, 2]), vi("os", F, [2, 3, 2])])
    s0 = rng.rand(2, 2).astype(np.float32)
    xs = rng.rand(2, 3, 2).astype(np.float32)
    s, os_ = s0.copy(), np.zeros((2, 3, 2), np.float32)
    for b in range(2):
        for t in range(3):
            x_t = xs[b, 2 - t]
            s[b] = s[b] + x_t
            os_[b, t] = s[b] * x_t
    save("scan8_batch", graph, 8, [s0, xs], [s, os_])


# if_const: a constant condition; the importer keeps only the taken branch
# and never imports the other, which is invalid for these shapes (a Split of
# 2 values into 4 parts, as a function body's branch for another rank).
def if_const():
    then_g = helper.make_graph([const("parts", np.array([1, 1, 1, 1], np.int64)),
                                helper.make_node("Split", ["x", "parts"], ["t", "t1", "t2", "t3"],
                                                 name="then_split")],
                               "then", [], [vi("t", F, [1])])
    else_g = helper.make_graph([helper.make_node("Mul", ["x", "x"], ["e"], name="else_mul")],
                               "else", [], [vi("e", F, [2])])
    graph = helper.make_graph(
        [const("c", np.array(False), "c"),
         helper.make_node("If", ["c"], ["y"], name="branch", then_branch=then_g,
                          else_branch=else_g)],
        "if_const", [vi("x", F, [2])], [vi("y", F, [2])])
    x = rng.rand(2).astype(np.float32)
    save("if_const", graph, 17, [x], [x * x])


# Errors: branches with different output counts; a Loop body with the wrong
# number of inputs; a Loop stacking scan outputs for a trip count known only
# at run time (needs dynamic shapes).
def errors():
    one = helper.make_graph([const("o1", np.array([1.0], np.float32))], "one", [],
                            [vi("o1", F, [1])])
    two = helper.make_graph([const("o2", np.array([1.0], np.float32)),
                             const("o3", np.array([2.0], np.float32))], "two", [],
                            [vi("o2", F, [1]), vi("o3", F, [1])])
    graph = helper.make_graph(
        [helper.make_node("If", ["c"], ["r"], name="bad_if", then_branch=one, else_branch=two)],
        "bad_if", [vi("c", B, [])], [vi("r", F, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, "bad_if.onnx"))

    body = helper.make_graph([helper.make_node("Identity", ["cond_in"], ["cond_out"], name="k")],
                             "body", [vi("cond_in", B, [])], [vi("cond_out", B, [])])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["M", "c"], [], name="bad_loop", body=body)],
        "bad_loop", [vi("M", I64, []), vi("c", B, [])], [])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, "bad_loop.onnx"))

    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"], name="k"),
         helper.make_node("Add", ["v_in", "v_in"], ["v_out"], name="twice")],
        "body", [vi("i", I64, []), vi("cond_in", B, []), vi("v_in", F, [2])],
        [vi("cond_out", B, []), vi("v_out", F, [2]), vi("v_out", F, [2])])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["M", "", "v"], ["r", "rs"], name="runtime_trips", body=body)],
        "runtime_trips", [vi("M", I64, []), vi("v", F, [2])],
        [vi("r", F, [2]), vi("rs", F, [None, 2])])
    save("runtime_trips", graph, 17)


loop_if()
loop_while()
scan_axes()
scan_uint8()
scan8_batch()
if_const()
errors()
