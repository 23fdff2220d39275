#!/usr/bin/python3
"""Edge cases of the CPU target's depthwise convolution kernel (dwconv.c).

Builds small ONNX models with a depthwise Conv (group == channels): 3x3 and
5x5 (the specialised paths) and other kernel sizes, strides 1, 2 and 3,
dilations, symmetric and asymmetric padding, widths below, at and above the
kernel's 16- and 64-column steps, batch 2, with and without bias, a shape
whose rows do not fit the kernel's row ring (its direct fallback); compiles
each with steedc and compares steed-run's output on 1 and 2 threads, and
with the AVX2 (--mcpu=haswell) and portable (--mcpu=x86-64) kernels, with a
float64 reference (torch). Every model must call steedk_dwconv2d.
Needs Debian's /usr/bin/python3 (onnx, numpy, torch).

  run_dwconv_edges.py --steedc build/bin/steedc --steed-run build/bin/steed-run
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(11)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def model(name, nodes, inputs, initializers, out_shape):
    graph = helper.make_graph(
        nodes if isinstance(nodes, list) else [nodes], name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in inputs],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, out_shape)],
        [numpy_helper.from_array(a, n) for n, a in initializers])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])


def cases():
    # k: (kh, kw); pads: (top, left, bottom, right); s, d: (h, w).
    convs = [
        dict(n=1, c=3, h=11, w=13, k=(3, 3), s=(1, 1), d=(1, 1), pads=(1, 1, 1, 1)),
        dict(n=1, c=5, h=16, w=16, k=(3, 3), s=(1, 1), d=(1, 1), pads=(1, 1, 1, 1)),
        dict(n=2, c=4, h=9, w=70, k=(3, 3), s=(1, 1), d=(1, 1), pads=(1, 1, 1, 1)),
        dict(n=1, c=6, h=15, w=15, k=(3, 3), s=(2, 2), d=(1, 1), pads=(1, 1, 1, 1)),
        dict(n=1, c=3, h=24, w=131, k=(3, 3), s=(2, 2), d=(1, 1), pads=(0, 0, 1, 1)),
        dict(n=1, c=7, h=13, w=29, k=(5, 5), s=(1, 1), d=(1, 1), pads=(2, 2, 2, 2)),
        dict(n=1, c=4, h=17, w=17, k=(5, 5), s=(2, 2), d=(1, 1), pads=(1, 2, 2, 1)),
        dict(n=1, c=3, h=12, w=10, k=(3, 3), s=(1, 1), d=(2, 2), pads=(2, 2, 2, 2)),
        dict(n=1, c=2, h=20, w=21, k=(3, 5), s=(2, 1), d=(1, 2), pads=(0, 3, 1, 0)),
        dict(n=1, c=3, h=10, w=40, k=(7, 7), s=(3, 3), d=(1, 1), pads=(3, 3, 3, 3)),
        dict(n=1, c=2, h=6, w=5, k=(1, 1), s=(1, 1), d=(1, 1), pads=(0, 0, 0, 0)),
        dict(n=1, c=2, h=4, w=3, k=(3, 3), s=(1, 1), d=(1, 1), pads=(4, 3, 2, 5)),
        dict(n=1, c=2, h=9, w=1500, k=(3, 3), s=(1, 1), d=(5, 1), pads=(5, 1, 5, 1)),
        dict(n=1, c=40, h=28, w=28, k=(3, 3), s=(1, 1), d=(1, 1), pads=(1, 1, 1, 1), bias=False),
        # ReLU6 / ReLU after it: folded into the kernel's output store.
        dict(n=1, c=5, h=16, w=16, k=(3, 3), s=(1, 1), d=(1, 1), pads=(1, 1, 1, 1), act='clip'),
        dict(n=2, c=6, h=15, w=15, k=(3, 3), s=(2, 2), d=(1, 1), pads=(1, 1, 1, 1), act='clip'),
        dict(n=1, c=3, h=24, w=131, k=(3, 3), s=(2, 2), d=(1, 1), pads=(0, 0, 1, 1), act='relu'),
        dict(n=1, c=2, h=9, w=1500, k=(3, 3), s=(1, 1), d=(5, 1), pads=(5, 1, 5, 1), act='clip'),
    ]
    for p in convs:
        x = rand(p['n'], p['c'], p['h'], p['w'])
        w = rand(p['c'], 1, *p['k'])
        bias = rand(p['c']) if p.get('bias', True) else None
        t, l, b, r = p['pads']
        xp = torch.nn.functional.pad(torch.from_numpy(x).double(), (l, r, t, b))
        ref = torch.nn.functional.conv2d(
            xp, torch.from_numpy(w).double(),
            None if bias is None else torch.from_numpy(bias).double(),
            stride=p['s'], dilation=p['d'], groups=p['c']).numpy()
        ins = ['x', 'w'] + (['b'] if bias is not None else [])
        act = p.get('act')
        node = helper.make_node('Conv', ins, ['t' if act else 'y'], strides=list(p['s']),
                                pads=[t, l, b, r], dilations=list(p['d']), group=p['c'],
                                kernel_shape=list(p['k']))
        inits = [('w', w)] + ([('b', bias)] if bias is not None else [])
        if act == 'clip':
            # Scaled so that both bounds clamp some outputs.
            node = [node, helper.make_node('Clip', ['t', 'lo', 'hi'], ['y'])]
            inits += [('lo', np.array(-0.5, np.float32)), ('hi', np.array(1.0, np.float32))]
            ref = np.clip(ref, -0.5, 1.0)
        elif act == 'relu':
            node = [node, helper.make_node('Relu', ['t'], ['y'])]
            ref = np.maximum(ref, 0)
        name = 'dw_' + '_'.join(f'{k}{"x".join(map(str, v)) if isinstance(v, tuple) else v}'
                                for k, v in p.items())
        yield name, node, [('x', x)], inits, ref


def call_flags(llvm_ir):
    """The flags operand of each steedk_dwconv2d call in --emit=llvm output
    (constants are numbered per function)."""
    consts, flags = {}, []
    for line in llvm_ir.splitlines():
        if line.lstrip().startswith('llvm.func'):
            consts = {}
        m = re.match(r'\s*(%\d+) = llvm.mlir.constant\((-?\d+) : (?:index|i64)\)', line)
        if m:
            consts[m.group(1)] = int(m.group(2))
        m = re.search(r'llvm.call @steedk_dwconv2d\((%\w+)', line)
        if m and m.group(1) in consts:
            flags.append(consts[m.group(1)])
    return flags


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
                    # Every case must actually take the depthwise kernel.
                    r = subprocess.run([args.steedc, f'{d}/model.onnx', '--emit=llvm'],
                                       capture_output=True, text=True)
                    if 'call @steedk_dwconv2d' not in r.stdout:
                        print(f'FAIL {name}: no steedk_dwconv2d call in --emit=llvm')
                        failures += 1
                    # An activation must be folded into the call (flags 64/128).
                    if isinstance(node, list) and not any(f & 192 for f in call_flags(r.stdout)):
                        print(f'FAIL {name}: activation not folded, flags {call_flags(r.stdout)}')
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
