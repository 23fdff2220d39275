#!/usr/bin/python3
"""Accuracy of the CPU target's vectorized math (steed-cpu-approximate-math,
steed-cpu-reduction-loops) on values the node suite does not reach.

Exp/Tanh/Erf/Log/Sigmoid/Softplus/Gelu-style chains are compiled to
polynomial approximations instead of libm calls, and innermost reductions
are vectorized with reassociated sums: this checks them over wide ranges
and special values (+-0, +-inf, NaN, subnormals, overflow and underflow
bounds) and reductions with -inf/NaN entries and long rows, against a
float64 reference (numpy/torch) rounded to float32, with the node suite's
tolerance (rtol 1e-3, atol 1e-7), on the host CPU and the AVX2 and portable
targets. Needs Debian's /usr/bin/python3 (onnx, numpy, torch).

  run_math_edges.py --steedc build/bin/steedc --steed-run build/bin/steed-run
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

rng = np.random.default_rng(11)

SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-38, 1.1e-38, 1e-30, -1e-30,
           1e-8, -1e-8, 1e-3, -1e-3, 0.5, -0.5, 1, -1, 5, -5, 9, -9, 20, -20, 88.7, 88.73, 89,
           -87.3, -88, -103, -104, -200, 200, 3e38, -3e38]


def unary_input():
    x = np.concatenate([
        np.array(SPECIAL, np.float32),
        rng.uniform(-100, 100, 3000), rng.uniform(-10, 10, 3000),
        rng.uniform(-1e-3, 1e-3, 500),
        np.exp(rng.uniform(-100, 88, 1500)),  # positive, subnormal to huge (Log)
    ]).astype(np.float32)
    return x


def reference_unary(op, x):
    t = torch.from_numpy(x.astype(np.float64))
    with np.errstate(all='ignore'):
        return {
            'Exp': torch.exp(t),
            'Tanh': torch.tanh(t),
            'Erf': torch.special.erf(t),
            'Log': torch.log(t),
            'Sigmoid': torch.sigmoid(t),
            # ONNX's reference: log(exp(x) + 1) in float32 (inf above ~88.7)
            'Softplus': torch.from_numpy(np.log(np.exp(x) + np.float32(1)).astype(np.float64)),
        }[op].numpy()


def run(args, d, name, nodes, inputs, outputs, refs, cpu):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, r.shape) for n, r in zip(outputs, refs)])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    onnx.save(m, f'{d}/{name}.onnx')
    cmd = []
    for n, a in inputs:
        np.save(f'{d}/{name}_{n}.npy', a)
        cmd.append(f'--input={n}=@{d}/{name}_{n}.npy')
    so = f'{d}/{name}{cpu}.so'
    r = subprocess.run([args.steedc, f'{d}/{name}.onnx', *([f'--mcpu={cpu}'] if cpu else []),
                        '-o', so], capture_output=True, text=True)
    if r.returncode:
        print(f'FAIL {name} {cpu}: steedc: {r.stderr.strip()}')
        return 1
    failures = 0
    for n, ref in zip(outputs, refs):
        with np.errstate(all='ignore'):
            ref32 = ref.astype(np.float32)
        np.save(f'{d}/{name}_{n}_ref.npy', ref32)
        cmd.append(f'--expected-output={n}=@{d}/{name}_{n}_ref.npy')
    r = subprocess.run([args.steed_run, so, *cmd], capture_output=True, text=True)
    if r.returncode:
        print(f'FAIL {name} {cpu}: {(r.stdout + r.stderr).strip()[-600:]}')
        failures += 1
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steedc', required=True)
    ap.add_argument('--steed-run', required=True)
    args = ap.parse_args()
    failures = total = 0
    x = unary_input()
    ops = ['Exp', 'Tanh', 'Erf', 'Log', 'Sigmoid', 'Softplus']
    # Rows with -inf (masked attention), NaN, huge values and long rows.
    rows = rng.standard_normal((6, 1000)).astype(np.float32) * 10
    rows[1, ::3] = -np.inf
    rows[2, 17] = np.nan
    rows[3] *= 1e4
    rows[4, :] = -np.inf
    rows[4, 5] = 0
    rows[5] = rng.uniform(0, 1, 1000)
    rt = torch.from_numpy(rows.astype(np.float64))
    with tempfile.TemporaryDirectory() as tmp:
        for cpu in ('', 'haswell', 'x86-64'):
            total += 1
            failures += run(args, tmp, 'unary', [helper.make_node(o, ['x'], ['y_' + o]) for o in ops],
                            [('x', x)], ['y_' + o for o in ops],
                            [reference_unary(o, x) for o in ops], cpu)
            total += 1
            nodes = [helper.make_node('Softmax', ['r'], ['softmax'], axis=-1),
                     helper.make_node('LogSoftmax', ['r'], ['logsoftmax'], axis=-1),
                     helper.make_node('ReduceMax', ['r'], ['max'], axes=[1], keepdims=0),
                     helper.make_node('Constant', [], ['axes'], value=helper.make_tensor(
                         'axes', TensorProto.INT64, [1], [1])),
                     helper.make_node('ReduceSum', ['r', 'axes'], ['sum'], keepdims=0),
                     helper.make_node('ReduceMean', ['r'], ['mean'], axes=[0], keepdims=0)]
            with np.errstate(all='ignore'):
                refs = [torch.softmax(rt, -1).numpy(), torch.log_softmax(rt, -1).numpy(),
                        rt.amax(1).numpy(), rt.sum(1).numpy(), rt.mean(0).numpy()]
            failures += run(args, tmp, 'rows', nodes, [('r', rows)],
                            ['softmax', 'logsoftmax', 'max', 'sum', 'mean'], refs, cpu)
    print(f'{total} models, {failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
