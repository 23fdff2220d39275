#!/usr/bin/python3
"""Edge cases of the CPU target's GEMM/convolution kernel library.

Builds small ONNX models (MatMul, Gemm, Conv) whose shapes are not multiples
of the library's blocks (8x32 tiles, 128-row / 256-column tasks, 256-deep K
slices), with constant and run-time operands, batches, transposes, groups,
strides, padding and dilations; compiles each with steedc and compares
steed-run's output on 1 and 2 threads, and with the AVX2 (--mcpu=haswell)
and portable (--mcpu=x86-64) kernels, with a float64 reference (torch).
Needs Debian's /usr/bin/python3 (onnx, numpy, torch).

  run_gemm_edges.py --steedc build/bin/steedc --steed-run build/bin/steed-run
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def model(name, node, inputs, initializers, out_shape):
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in inputs],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, out_shape)],
        [numpy_helper.from_array(a, n) for n, a in initializers])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])


def cases():
    # MatMul: odd M/N/K, constant B (prepacked) and run-time B, K > 256.
    for m, k, n in [(1, 1, 1), (7, 13, 33), (9, 300, 31), (130, 257, 260), (3, 520, 65)]:
        a, b = rand(m, k), rand(k, n)
        yield (f'matmul_const_{m}x{k}x{n}', helper.make_node('MatMul', ['a', 'b'], ['y']),
               [('a', a)], [('b', b)], a.astype(np.float64) @ b)
        yield (f'matmul_rt_{m}x{k}x{n}', helper.make_node('MatMul', ['a', 'b'], ['y']),
               [('a', a), ('b', b)], [], a.astype(np.float64) @ b)
    # Small M (1..4 rows) against a constant B: the streaming path (column
    # tails of 1..31 below and above 16, many panels to split over threads,
    # odd K for the k-unrolled loop, a batch, a transposed A).
    for m, k, n in [(1, 1024, 1000), (2, 7, 16), (4, 33, 600), (2, 64, 47), (4, 1, 5)]:
        a, b = rand(m, k), rand(k, n)
        yield (f'matmul_small_m_{m}x{k}x{n}', helper.make_node('MatMul', ['a', 'b'], ['y']),
               [('a', a)], [('b', b)], a.astype(np.float64) @ b)
    a, b = rand(3, 2, 45), rand(45, 70)
    yield ('matmul_small_m_batched', helper.make_node('MatMul', ['a', 'b'], ['y']),
           [('a', a)], [('b', b)], a.astype(np.float64) @ b)
    a, b, c = rand(37, 3), rand(70, 37), rand(70)
    yield ('gemm_small_m_t11', helper.make_node('Gemm', ['a', 'b', 'c'], ['y'], transA=1, transB=1),
           [('a', a)], [('b', b), ('c', c)], a.T.astype(np.float64) @ b.T + c)
    # Constant A (left operand prepacked).
    a, b = rand(19, 45), rand(45, 40)
    yield ('matmul_const_a', helper.make_node('MatMul', ['a', 'b'], ['y']), [('b', b)],
           [('a', a)], a.astype(np.float64) @ b)
    # Batched, and batch-broadcast.
    a, b = rand(3, 17, 40), rand(3, 40, 35)
    yield ('matmul_batched', helper.make_node('MatMul', ['a', 'b'], ['y']),
           [('a', a), ('b', b)], [], a.astype(np.float64) @ b)
    a, b = rand(17, 40), rand(2, 40, 35)
    yield ('matmul_bcast_a', helper.make_node('MatMul', ['a', 'b'], ['y']),
           [('a', a), ('b', b)], [], a.astype(np.float64) @ b)
    # Gemm with transposes and bias.
    for ta, tb in [(0, 1), (1, 0), (1, 1)]:
        a, b, c = rand(*((37, 21) if ta else (21, 37))), rand(*((45, 37) if tb else (37, 45))), rand(45)
        ref = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b) + c
        yield (f'gemm_t{ta}{tb}', helper.make_node('Gemm', ['a', 'b', 'c'], ['y'], transA=ta, transB=tb),
               [('a', a)], [('b', b), ('c', c)], ref)
    # Conv: padding, strides, dilations, groups, 1x1, odd channels, batch 2.
    convs = [
        dict(n=1, c=3, h=11, w=13, f=5, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=2, c=16, h=9, w=9, f=24, k=3, stride=2, pad=1, dil=1, group=1),
        dict(n=1, c=8, h=12, w=10, f=12, k=3, stride=1, pad=2, dil=2, group=1),
        dict(n=1, c=12, h=7, w=7, f=18, k=3, stride=1, pad=1, dil=1, group=3),
        dict(n=1, c=40, h=6, w=6, f=33, k=1, stride=1, pad=0, dil=1, group=1),
        dict(n=1, c=40, h=7, w=7, f=16, k=1, stride=2, pad=0, dil=1, group=1),
        dict(n=1, c=30, h=20, w=20, f=70, k=3, stride=1, pad=1, dil=1, group=1),
    ]
    for p in convs:
        x = rand(p['n'], p['c'], p['h'], p['w'])
        w = rand(p['f'], p['c'] // p['group'], p['k'], p['k'])
        bias = rand(p['f'])
        ref = torch.nn.functional.conv2d(
            torch.from_numpy(x).double(), torch.from_numpy(w).double(), torch.from_numpy(bias).double(),
            stride=p['stride'], padding=p['pad'], dilation=p['dil'], groups=p['group']).numpy()
        node = helper.make_node('Conv', ['x', 'w', 'b'], ['y'], strides=[p['stride']] * 2,
                                pads=[p['pad']] * 4, dilations=[p['dil']] * 2, group=p['group'])
        name = 'conv_' + '_'.join(f'{k}{v}' for k, v in p.items())
        yield name, node, [('x', x)], [('w', w), ('b', bias)], ref


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steedc', required=True)
    ap.add_argument('--steed-run', required=True)
    args = ap.parse_args()
    failures = 0
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, node, inputs, inits, ref in cases():
            total += 1
            d = os.path.join(tmp, name)
            os.makedirs(d)
            onnx.save(model(name, node, inputs, inits, list(ref.shape)), f'{d}/model.onnx')
            np.save(f'{d}/ref.npy', ref.astype(np.float32))
            cmd_in = []
            for n, a in inputs:
                np.save(f'{d}/{n}.npy', a)
                cmd_in.append(f'--input={n}=@{d}/{n}.npy')
            # Host CPU (AVX-512 where it has it), AVX2 and portable C kernels.
            for cpu in ('', 'haswell', 'x86-64'):
                mcpu = [f'--mcpu={cpu}'] if cpu else []
                so = f'{d}/model{cpu}.so'
                r = subprocess.run([args.steedc, f'{d}/model.onnx', *mcpu, '-o', so],
                                   capture_output=True, text=True)
                if r.returncode:
                    print(f'FAIL {name} {cpu}: steedc: {r.stderr.strip()}')
                    failures += 1
                    continue
                if not cpu:
                    # Every case must actually take the library path.
                    r = subprocess.run([args.steedc, f'{d}/model.onnx', '--emit=llvm'],
                                       capture_output=True, text=True)
                    if 'call @steedk_' not in r.stdout:
                        print(f'FAIL {name}: no kernel library call in --emit=llvm')
                        failures += 1
                for threads in ((1, 2) if not cpu else (1,)):
                    r = subprocess.run([args.steed_run, so, *cmd_in, f'--threads={threads}',
                                        f'--expected-output=@{d}/ref.npy', '--rtol=1e-4',
                                        '--atol=1e-4'], capture_output=True, text=True)
                    if r.returncode:
                        print(f'FAIL {name} {cpu} ({threads} threads): '
                              f'{(r.stdout + r.stderr).strip()[-400:]}')
                        failures += 1
    print(f'{total} models, {failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
