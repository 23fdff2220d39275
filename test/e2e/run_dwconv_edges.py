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
import os
import sys

import numpy as np
import torch
from onnx import helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_edges  # noqa: E402

rng = np.random.default_rng(11)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


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
        # SiLU (Sigmoid + Mul) after it: also folded (the bands' stores, the
        # direct loops of a row too wide for the buffers, the 5x5 spec).
        dict(n=1, c=5, h=16, w=16, k=(3, 3), s=(1, 1), d=(1, 1), pads=(1, 1, 1, 1), act='silu'),
        dict(n=1, c=7, h=13, w=29, k=(5, 5), s=(2, 2), d=(1, 1), pads=(2, 2, 2, 2), act='silu'),
        dict(n=1, c=2, h=9, w=1500, k=(3, 3), s=(1, 1), d=(5, 1), pads=(5, 1, 5, 1), act='silu'),
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
        elif act == 'silu':
            node = [node, helper.make_node('Sigmoid', ['t'], ['g']),
                    helper.make_node('Mul', ['t', 'g'], ['y'])]
            ref = ref / (1 + np.exp(-ref))
        elif act == 'relu':
            node = [node, helper.make_node('Relu', ['t'], ['y'])]
            ref = np.maximum(ref, 0)
        name = 'dw_' + '_'.join(f'{k}{"x".join(map(str, v)) if isinstance(v, tuple) else v}'
                                for k, v in p.items())
        yield name, node, [('x', x)], inits, ref


def check_ir(case, ir):
    """Every case must take the depthwise kernel; an activation (a list of
    nodes) must be folded into the call (flag bits 64/128/256)."""
    msgs = []
    if 'call @steedk_dwconv2d' not in ir:
        msgs.append('no steedk_dwconv2d call in --emit=llvm')
    flags = kernel_edges.call_flags(ir, 'steedk_dwconv2d')
    if isinstance(case[1], list) and not any(f & 448 for f in flags):
        msgs.append(f'activation not folded, flags {flags}')
    return msgs


if __name__ == '__main__':
    sys.exit(kernel_edges.main(__doc__, cases, check_ir))
