#!/usr/bin/python3
"""FLOPs of an ONNX model: 2 * multiply-accumulates of Conv, ConvTranspose, Gemm and
MatMul (elementwise ops, pooling, normalization, softmax are not counted), with the
shapes from onnx shape inference.

onnx 1.12's shape inference cannot see through shape arithmetic written out as ops
(Shape -> Gather -> Div -> Concat -> Reshape, as torch exports channel shuffles), so
such constant subgraphs are first evaluated with numpy and the Reshape targets they
compute made initializers of a copy of the model; then shapes are inferred again.

  /usr/bin/python3 scripts/bench/flops.py model.onnx [...]
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


def _shapes(model):
    shapes = {}
    g = model.graph
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        t = vi.type.tensor_type
        if t.HasField('shape'):
            dims = [d.dim_value if d.HasField('dim_value') else None for d in t.shape.dim]
            shapes[vi.name] = dims
    for init in g.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def _fold_shape_arithmetic(model, shapes):
    """Evaluates integer shape subgraphs whose inputs are known; returns {name: array}."""
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for node in model.graph.node:
        ins = list(node.input)
        try:
            if node.op_type == 'Constant':
                consts[node.output[0]] = numpy_helper.to_array(_attr(node, 'value'))
                continue
            if node.op_type == 'Shape':
                s = shapes.get(ins[0])
                if s is not None and None not in s:
                    consts[node.output[0]] = np.array(s, dtype=np.int64)
                continue
            if not ins or any(i and i not in consts for i in ins):
                continue
            v = [consts[i] if i else None for i in ins]
            op = node.op_type
            if op == 'Gather':
                r = np.take(v[0], v[1], axis=_attr(node, 'axis', 0))
            elif op == 'Unsqueeze':
                axes = _attr(node, 'axes') if len(v) == 1 else list(v[1])
                r = v[0]
                for a in sorted(a % (r.ndim + len(axes)) for a in axes):
                    r = np.expand_dims(r, a)
            elif op == 'Squeeze':
                axes = _attr(node, 'axes') if len(v) == 1 else list(v[1])
                r = np.squeeze(v[0], axis=tuple(axes)) if axes else np.squeeze(v[0])
            elif op == 'Concat':
                r = np.concatenate(v, axis=_attr(node, 'axis'))
            elif op in ('Add', 'Sub', 'Mul'):
                r = {'Add': np.add, 'Sub': np.subtract, 'Mul': np.multiply}[op](v[0], v[1])
            elif op == 'Div':
                r = v[0] // v[1] if np.issubdtype(v[0].dtype, np.integer) else v[0] / v[1]
            elif op == 'Cast':
                r = v[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[_attr(node, 'to')])
            elif op == 'Slice':
                starts, ends = v[1], v[2]
                axes = v[3] if len(v) > 3 and v[3] is not None else range(len(starts))
                steps = v[4] if len(v) > 4 and v[4] is not None else [1] * len(starts)
                sl = [slice(None)] * v[0].ndim
                for s, e, a, st in zip(starts, ends, axes, steps):
                    sl[a] = slice(int(s), int(e), int(st))
                r = v[0][tuple(sl)]
            else:
                continue
            consts[node.output[0]] = np.asarray(r)
        except Exception:  # an op variant not handled here: leave it unknown
            continue
    return consts


def infer(model):
    """Returns {tensor name: shape list (None for unknown dims)} after shape inference,
    folding shape arithmetic into Reshape/Expand/Tile targets until nothing changes."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    for _ in range(8):
        model = shape_inference.infer_shapes(model)
        shapes = _shapes(model)
        consts = _fold_shape_arithmetic(model, shapes)
        have = {i.name for i in model.graph.initializer}
        changed = False
        for node in model.graph.node:
            if node.op_type in ('Reshape', 'Expand', 'Tile', 'ConstantOfShape', 'Range') or \
                    (node.op_type in ('Slice', 'Squeeze', 'Unsqueeze') and len(node.input) > 1):
                for i, name in enumerate(node.input):
                    if (i > 0 or node.op_type == 'ConstantOfShape') and name in consts and name not in have:
                        model.graph.initializer.append(numpy_helper.from_array(consts[name], name))
                        have.add(name)
                        changed = True
        if not changed:
            return shapes
    return shapes


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def count(model):
    """Returns (flops, per-op-type flops dict, list of node names whose shapes were unknown)."""
    if isinstance(model, str):
        model = onnx.load(model)
    shapes = infer(model)
    total, by_op, unknown = 0, {}, []
    for node in model.graph.node:
        op = node.op_type
        if op not in ('Conv', 'ConvTranspose', 'Gemm', 'MatMul'):
            continue
        a, b = shapes.get(node.input[0]), shapes.get(node.input[1])
        y = shapes.get(node.output[0])
        need = [a, b] + ([y] if op in ('Conv', 'MatMul') else [])
        if any(s is None or None in s for s in need):
            unknown.append(node.name or node.output[0])
            continue
        if op == 'Conv':  # y [N, M, spatial...], w [M, C/g, k...]
            macs = _prod(y) * _prod(b[1:])
        elif op == 'ConvTranspose':  # x [N, C, spatial...], w [C, M/g, k...]
            macs = _prod(a) * _prod(b[1:])
        elif op == 'Gemm':
            m = a[1] if _attr(node, 'transA', 0) else a[0]
            k = a[0] if _attr(node, 'transA', 0) else a[1]
            n = b[0] if _attr(node, 'transB', 0) else b[1]
            macs = m * n * k
        else:  # MatMul, numpy broadcasting; y holds the broadcast batch and M, N
            macs = _prod(y) * a[-1]
        total += 2 * macs
        by_op[op] = by_op.get(op, 0) + 2 * macs
    return total, by_op, unknown


def main():
    for path in sys.argv[1:]:
        total, by_op, unknown = count(path)
        print('%s: %.4f GFLOP %s%s' % (path, total / 1e9, {k: round(v / 1e9, 4) for k, v in by_op.items()},
                                       '  UNKNOWN SHAPES: %s' % unknown if unknown else ''))


if __name__ == '__main__':
    main()
