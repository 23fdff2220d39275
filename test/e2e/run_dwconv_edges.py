#!/usr/bin/python3
"""Edge cases of the CPU target's depthwise convolution kernel (dwconv.c).

Builds small ONNX models with a depthwise Conv (group == channels): 3x3 and
5x5 (the specialised paths) and other kernel sizes, strides 1, 2 and 3,
dilations, symmetric and asymmetric padding, widths below, at and above the
kernel's 16- and 64-column steps, batch 2, with and without bias, a shape
whose rows do not fit the kernel's row ring (its direct fallback); compiles
each with steedc and compares steed-run's output on 1 and 2 threads, and
with the AVX2 (--mcpu=haswell) and portable (--mcpu=x86-64) kernels, with a
float64 reference (torch). MaxPool runs through the same kernel (its max
mode): padding, strides, dilations, ceil mode, NaN. Every model must call
steedk_dwconv2d.
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

rand = kernel_edges.random_source(11)


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
        # Fewer input rows than the filter has, no top padding (no row reads
        # only rows inside X).
        dict(n=1, c=3, h=4, w=9, k=(5, 5), s=(2, 2), d=(1, 1), pads=(0, 1, 1, 2)),
        # Narrow planes: several output rows per block of vectors.
        dict(n=1, c=4, h=14, w=14, k=(5, 5), s=(1, 1), d=(1, 1), pads=(2, 2, 2, 2), act='silu'),
        dict(n=1, c=4, h=14, w=14, k=(3, 3), s=(2, 2), d=(1, 1), pads=(0, 0, 1, 1)),
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
    yield from maxpool_cases()


def maxpool_ref(x, k, s, d, pads, ceil):
    """ONNX MaxPool in float64: -inf padding, output size per the spec."""
    t, l, b, r = pads
    n, c, h, w = x.shape
    out = []
    for size, kk, ss, dd, p0, p1 in ((h, k[0], s[0], d[0], t, b), (w, k[1], s[1], d[1], l, r)):
        span = (kk - 1) * dd + 1
        q = (size + p0 + p1 - span) / ss + 1
        out.append(int(np.ceil(q)) if ceil else int(np.floor(q)))
    oh, ow = out
    extra_b = max(0, (oh - 1) * s[0] + (k[0] - 1) * d[0] + 1 - (h + t + b))
    extra_r = max(0, (ow - 1) * s[1] + (k[1] - 1) * d[1] + 1 - (w + l + r))
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (t, b + extra_b), (l, r + extra_r)),
                constant_values=-np.inf)
    y = np.full((n, c, oh, ow), -np.inf)
    for ky in range(k[0]):
        for kx in range(k[1]):
            win = xp[:, :, ky * d[0]:ky * d[0] + (oh - 1) * s[0] + 1:s[0],
                     kx * d[1]:kx * d[1] + (ow - 1) * s[1] + 1:s[1]]
            y = np.where(np.isnan(win) | (win > y), win, np.where(np.isnan(y), y, y))
    return y


def maxpool_cases():
    """MaxPool through the same kernel in its max mode (DW_MAX): -inf
    padding, strides, dilations, ceil mode, a window too large for the band
    buffers' tap table (the direct loops), NaN inputs."""
    pools = [  # k, s, d, pads (t, l, b, r), ceil, shape
        ((3, 3), (2, 2), (1, 1), (1, 1, 1, 1), 0, (1, 4, 16, 16)),   # resnet's stem pool
        ((3, 3), (2, 2), (1, 1), (0, 0, 0, 0), 1, (1, 3, 12, 13)),   # squeezenet: ceil mode
        ((2, 2), (2, 2), (1, 1), (0, 0, 0, 0), 0, (2, 3, 9, 70)),
        ((3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 0, (1, 2, 7, 40)),
        ((3, 2), (3, 1), (2, 1), (2, 0, 1, 1), 0, (1, 2, 15, 11)),
        ((9, 9), (1, 1), (1, 1), (4, 4, 4, 4), 0, (1, 2, 10, 12)),   # 81 taps: direct
        ((3, 3), (2, 2), (1, 1), (1, 1, 1, 1), 1, (1, 3, 9, 1500)),  # rows too wide: direct
    ]
    for k, s, d, pads, ceil, shape in pools:
        x = rand(*shape)
        node = helper.make_node('MaxPool', ['x'], ['y'], kernel_shape=list(k), strides=list(s),
                                dilations=list(d), pads=[pads[0], pads[1], pads[2], pads[3]],
                                ceil_mode=ceil)
        name = f'maxpool_k{k[0]}x{k[1]}_s{s[0]}x{s[1]}_d{d[0]}x{d[1]}_p{"".join(map(str, pads))}' \
               f'_c{ceil}_{"x".join(map(str, shape))}'
        yield name, node, [('x', x)], [], maxpool_ref(x, k, s, d, pads, ceil)
    x = rand(1, 2, 8, 8)
    x[0, 0, 3, 3] = np.nan
    x[0, 1, 0, 0] = np.nan
    node = helper.make_node('MaxPool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2],
                            pads=[1, 1, 1, 1])
    yield ('maxpool_nan', node, [('x', x)], [],
           maxpool_ref(x, (3, 3), (2, 2), (1, 1), (1, 1, 1, 1), 0))
    # 3x3 stride 2 runs a NaN-free fast path and recomputes a plane with a
    # NaN: one NaN in the last row and column (ceil mode) of one channel of
    # three, +-inf elsewhere.
    x = rand(1, 3, 13, 13)
    x[0, 1, 12, 12] = np.nan
    x[0, 0, 5, 6] = np.inf
    x[0, 2, 0, 0] = -np.inf
    node = helper.make_node('MaxPool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2],
                            ceil_mode=1)
    yield ('maxpool_nan_ceil', node, [('x', x)], [],
           maxpool_ref(x, (3, 3), (2, 2), (1, 1), (0, 0, 0, 0), 1))


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
