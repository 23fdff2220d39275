#!/usr/bin/python3
"""Edge cases of the CPU target's GEMM/convolution kernel library.

Builds small ONNX models (MatMul, Gemm, Conv) whose shapes are not multiples
of the library's blocks (8x32 tiles, 128-row / 256-column tasks, 256-deep K
slices), with constant and run-time operands, batches, transposes, groups,
strides, padding and dilations, and with the epilogues the library folds
into its C update (bias, Relu, Clip, residual Add: the case names the flag
bits the kernel call must carry); compiles each with steedc and compares
steed-run's output on 1 and 2 threads, and with the AVX2 (--mcpu=haswell)
and portable (--mcpu=x86-64) kernels, with a float64 reference (torch).
Needs Debian's /usr/bin/python3 (onnx, numpy, torch).

  run_gemm_edges.py --steedc build/bin/steedc --steed-run build/bin/steed-run
"""
import os
import sys

import numpy as np
import torch
from onnx import helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_edges  # noqa: E402

rand = kernel_edges.random_source(7)


# The convolution path the host's AVX-512 build must take, per case (flag
# TAP_MAJOR: "same" stride-1, >= 16 channels, B read in place tap by tap;
# WINOGRAD: of those, 3x3 with pads 1 and >= 48 2x2 output tiles, or >= 16
# with >= 128 channels).
CONV_PATH = {}
TAP_MAJOR, WINOGRAD = 2048, 4096


def same_conv(c, h, w, k, stride, pads, dil=1, group=1):
    t, l, b, r = pads
    return (stride == 1 and dil == 1 and group == 1 and c >= 16 and k > 1 and
            t + b == k - 1 and l + r == k - 1)


def expect_path(name, c, h, w, k, stride, pads, dil=1, group=1):
    if not same_conv(c, h, w, k, stride, pads, dil, group):
        return
    tiles = ((h + 1) // 2) * ((w + 1) // 2)
    wino = k == 3 and tuple(pads) == (1, 1, 1, 1) and (tiles >= 48 or (tiles >= 16 and c >= 128))
    CONV_PATH[name] = WINOGRAD if wino else TAP_MAJOR


def cases():
    # MatMul: odd M/N/K, constant B (prepacked) and run-time B, K > 256.
    # N > 1024: column blocks of NC_WIDE (B prepacked or read in place);
    # 12 rows read a run-time B in place (from 8 rows on).
    for m, k, n in [(1, 1, 1), (7, 13, 33), (9, 300, 31), (130, 257, 260), (3, 520, 65),
                    (40, 70, 1100), (12, 50, 100)]:
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
        # "Same" stride-1 convolutions with >= 16 channels read their input
        # in place, tap by tap (K tap-major): K slices that split a tap's
        # channels, rows that straddle 32-column panels, a narrow last
        # panel, fewer than 32 filters (packed instead), batch 2.
        dict(n=2, c=16, h=13, w=11, f=40, k=5, stride=1, pad=2, dil=1, group=1),
        dict(n=1, c=64, h=9, w=40, f=33, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=1, c=20, h=7, w=7, f=24, k=3, stride=1, pad=1, dil=1, group=1),
        # Winograd F(2x2, 3x3): odd sizes (partial tiles at the bottom and
        # right), 7 tiles per tile row (panels across tile rows), filters
        # past a 64 block and a partial row panel, batch 2; channels past
        # 256 (K slices of 256 and a short one, the patches remade per block
        # of filters); 156 tiles with 16 channels; the smallest tile count
        # (48).
        dict(n=2, c=130, h=15, w=13, f=70, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=1, c=300, h=13, w=14, f=70, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=1, c=16, h=25, w=23, f=16, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=1, c=20, h=12, w=15, f=9, k=3, stride=1, pad=1, dil=1, group=1),
        # 16-tile panels (a 7x7 image: 16 tiles), with all channels' patches
        # kept and, past 512 channels, remade per block of filters; 25 tiles
        # (32-tile panels); 36 tiles: three 16-tile panels with 128
        # channels, tap-major with 64.
        dict(n=1, c=128, h=7, w=7, f=20, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=2, c=600, h=8, w=7, f=9, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=1, c=130, h=9, w=10, f=70, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=1, c=64, h=12, w=12, f=16, k=3, stride=1, pad=1, dil=1, group=1),
        dict(n=1, c=128, h=12, w=11, f=12, k=3, stride=1, pad=1, dil=1, group=1),
        # Few channels and output rows >= 64 wide pack B from each output
        # row's phase rows (rowphase_ok): a stem (7x7 stride 2, a narrow
        # last panel in every row), K = 392 in two K slices, stride 3 with
        # dilation 2, groups, batch 2.
        dict(n=1, c=3, h=21, w=150, f=20, k=7, stride=2, pad=3, dil=1, group=1),
        dict(n=1, c=8, h=5, w=66, f=9, k=7, stride=1, pad=3, dil=1, group=1),
        dict(n=1, c=2, h=9, w=200, f=8, k=3, stride=3, pad=0, dil=2, group=1),
        dict(n=2, c=6, h=6, w=140, f=8, k=3, stride=2, pad=1, dil=1, group=2),
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
        expect_path(name, p['c'], p['h'], p['w'], p['k'], p['stride'], [p['pad']] * 4, p['dil'],
                    p['group'])
        yield name, node, [('x', x)], [('w', w), ('b', bias)], ref
    # Padding read in place by the im2col packing: asymmetric pads larger
    # than the filter's reach (whole rows and pieces of zeros), a stride of
    # 3 (the gather), pads on a 1x1 filter, and a 9x9 filter (81 taps: its
    # pieces are planned per row).
    for name, c, h, w, f, k, s, pads in [
            ('conv_pads_asym', 5, 9, 37, 7, 3, 1, (0, 2, 3, 1)),
            ('conv_pads_s3', 4, 17, 23, 9, 5, 3, (2, 4, 1, 0)),
            ('conv_pads_1x1', 6, 5, 5, 8, 1, 1, (1, 1, 1, 1)),
            ('conv_pads_9x9', 3, 12, 12, 4, 9, 1, (4, 4, 4, 4)),
            # row phases (a wide output row) with asymmetric pads
            ('conv_pads_phase', 8, 6, 70, 9, 5, 1, (2, 1, 2, 3)),
            # an even filter with "same" padding (tap-major, read in place)
            ('conv_pads_same_4x4', 17, 10, 12, 35, 4, 1, (1, 1, 2, 2))]:
        x, wt, bias = rand(1, c, h, w), rand(f, c, k, k), rand(f)
        t, l, b_, r = pads
        xp = torch.nn.functional.pad(torch.from_numpy(x).double(), (l, r, t, b_))
        ref = torch.nn.functional.conv2d(xp, torch.from_numpy(wt).double(),
                                         torch.from_numpy(bias).double(), stride=s).numpy()
        node = helper.make_node('Conv', ['x', 'w', 'b'], ['y'], strides=[s, s],
                                pads=[t, l, b_, r])
        expect_path(name, c, h, w, k, s, pads)
        yield name, node, [('x', x)], [('w', wt), ('b', bias)], ref
    yield from epilogue_cases()


# Epilogue flag bits of steedk_sgemm/steedk_sconv2d (targets/cpu/kernels/gemm.c).
C_INIT, BIAS_ROW, BIAS_COL, RESIDUAL, ACT_MIN, ACT_MAX, SILU = 16, 32, 64, 128, 256, 512, 1024


def silu(v):
    return v / (1 + np.exp(-v))


def epilogue_cases():
    """Conv/Gemm/MatMul + bias + Relu/Clip/Add(residual) chains whose
    epilogue is folded into the kernel call: odd shapes, K over one to three
    256-deep slices, batches and groups of problems."""
    clip_bounds = [('lo', np.array(0, np.float32)), ('hi', np.array(6, np.float32))]

    def chain(first, kind, ref):
        """first (output 't') -> [Add(t, r)] -> [Relu | Clip | SiLU] -> 'y'."""
        nodes, bits, cur = [first], C_INIT, 't'
        steps = kind.split('_')
        for i, step in enumerate(steps):
            out = 'y' if i == len(steps) - 1 else f's{i}'
            if step == 'add':
                nodes.append(helper.make_node('Add', [cur, 'r'], [out]))
                bits |= RESIDUAL
            elif step == 'silu':
                nodes += [helper.make_node('Sigmoid', [cur], [f'g{i}']),
                          helper.make_node('Mul', [cur, f'g{i}'], [out])]
                ref, bits = silu(ref), bits | SILU
            elif step == 'relu':
                nodes.append(helper.make_node('Relu', [cur], [out]))
                ref, bits = np.maximum(ref, 0), bits | ACT_MIN
            else:
                nodes.append(helper.make_node('Clip', [cur, 'lo', 'hi'], [out]))
                ref, bits = np.clip(ref, 0, 6), bits | ACT_MIN | ACT_MAX
            cur = out
        return nodes, ref, bits

    convs = [  # n, c, h, w, f, k, stride, pad
        (1, 30, 20, 20, 70, 3, 1, 1),   # K = 270: two slices, F = 70 (8 x 8 + 6)
        (1, 16, 24, 26, 20, 3, 1, 1),   # Winograd (156 tiles): its output transform's epilogue
        (2, 70, 9, 11, 33, 3, 2, 1),    # K = 630: three slices, batch 2
        (1, 40, 7, 7, 19, 1, 1, 0),     # 1x1: B is X itself, N = 49
        (1, 3, 17, 17, 8, 7, 2, 3),     # the stem's shape: K = 147
        # 1x1 on a 1x1 image (squeeze-and-excitation): the matrix-vector
        # path, two filter panels per vector, K in two slices, a lone last
        # panel of 5 filters; batch 2 with 9 filters.
        (1, 300, 1, 1, 37, 1, 1, 0),
        (2, 20, 1, 1, 9, 1, 1, 0),
    ]
    for n, c, h, w, f, k, stride, pad in convs:
        x, wt, bias = rand(n, c, h, w), rand(f, c, k, k), rand(f)
        conv = torch.nn.functional.conv2d(
            torch.from_numpy(x).double(), torch.from_numpy(wt).double(),
            torch.from_numpy(bias).double(), stride=stride, padding=pad).numpy()
        r = rand(*conv.shape)
        node = helper.make_node('Conv', ['x', 'w', 'b'], ['t'], strides=[stride] * 2,
                                pads=[pad] * 4)
        base = f'epi_conv_n{n}c{c}h{h}w{w}f{f}k{k}s{stride}'
        for kind in ('relu', 'clip', 'add', 'add_relu', 'silu'):
            residual = kind.startswith('add')
            nodes, ref, bits = chain(node, kind, conv + r if residual else conv)
            inputs = [('x', x)] + ([('r', r)] if residual else [])
            inits = [('w', wt), ('b', bias)] + (clip_bounds if kind == 'clip' else [])
            expect_path(f'{base}_{kind}', c, h, w, k, stride, [pad] * 4)
            yield f'{base}_{kind}', nodes, inputs, inits, ref, bits | BIAS_ROW
    # Conv without bias: the zero fill goes (C_INIT alone).
    x, wt = rand(1, 30, 12, 12), rand(20, 30, 3, 3)
    ref = np.maximum(torch.nn.functional.conv2d(torch.from_numpy(x).double(),
                                                torch.from_numpy(wt).double(), padding=1).numpy(), 0)
    CONV_PATH['epi_conv_nobias_relu'] = TAP_MAJOR  # 20 filters, 36 tiles: tap-major, packed
    yield ('epi_conv_nobias_relu',
           [helper.make_node('Conv', ['x', 'w'], ['t'], pads=[1] * 4),
            helper.make_node('Relu', ['t'], ['y'])],
           [('x', x)], [('w', wt)], ref, C_INIT | ACT_MIN)
    # SiLU over large magnitudes: exp's argument is clamped (x * sigmoid(x)
    # is 0 or x there).
    x, wt, bias = rand(1, 16, 9, 9) * 40, rand(24, 16, 1, 1), rand(24) * 40
    conv = torch.nn.functional.conv2d(torch.from_numpy(x).double(), torch.from_numpy(wt).double(),
                                      torch.from_numpy(bias).double()).numpy()
    nodes, ref, bits = chain(helper.make_node('Conv', ['x', 'w', 'b'], ['t']), 'silu', conv)
    yield ('epi_conv_silu_large', nodes, [('x', x)], [('w', wt), ('b', bias)], ref,
           bits | BIAS_ROW)
    # Gemm (bias along the columns) + Relu / + residual; MatMul (zero fill) +
    # Clip, + residual + Relu; a batch of MatMuls + Relu. 1-4 rows against a
    # constant B take the library's small-M path, which keeps its epilogue
    # ops (no bits expected).
    for m, k, n in [(7, 13, 33), (130, 600, 45), (1, 300, 70)]:
        small = 0 if m <= 4 else ~0
        a, b, c = rand(m, k), rand(n, k), rand(n)
        mm = a.astype(np.float64) @ b.T.astype(np.float64)
        gemm = helper.make_node('Gemm', ['a', 'b', 'c'], ['t'], transB=1)
        nodes, ref, bits = chain(gemm, 'relu', mm + c)
        yield (f'epi_gemm_{m}x{k}x{n}_relu', nodes, [('a', a)], [('b', b), ('c', c)], ref,
               (bits | BIAS_COL) & small)
        r = rand(m, n)
        nodes, ref, bits = chain(gemm, 'add', mm + c + r)
        yield (f'epi_gemm_{m}x{k}x{n}_add', nodes, [('a', a), ('r', r)], [('b', b), ('c', c)],
               ref, (bits | BIAS_COL) & small)
        bt = np.ascontiguousarray(b.T)
        matmul = helper.make_node('MatMul', ['a', 'b'], ['t'])
        nodes, ref, bits = chain(matmul, 'clip', mm)
        yield (f'epi_matmul_{m}x{k}x{n}_clip', nodes, [('a', a), ('b', bt)], clip_bounds, ref,
               bits)
        nodes, ref, bits = chain(matmul, 'add_relu', mm + r)
        yield (f'epi_matmul_{m}x{k}x{n}_add_relu', nodes, [('a', a), ('r', r)], [('b', bt)],
               ref, bits & small)
        nodes, ref, bits = chain(matmul, 'silu', mm)
        yield (f'epi_matmul_{m}x{k}x{n}_silu', nodes, [('a', a)], [('b', bt)], ref,
               bits & small)
    a, b = rand(3, 17, 300), rand(3, 300, 35)
    yield ('epi_matmul_batched_relu',
           [helper.make_node('MatMul', ['a', 'b'], ['t']), helper.make_node('Relu', ['t'], ['y'])],
           [('a', a), ('b', b)], [], np.maximum(a.astype(np.float64) @ b, 0), C_INIT | ACT_MIN)


def check_ir(case, ir):
    """Every case must take the library path; epilogue cases (a sixth field:
    the flag bits) must have the epilogue folded into the call."""
    msgs = []
    if 'call @steedk_' not in ir:
        msgs.append('no kernel library call in --emit=llvm')
    bits = case[5:]
    flags = kernel_edges.call_flags(ir, 'steedk_s(?:gemm|conv2d)')
    avx512 = any(f & 3 == 2 for f in flags)
    want = CONV_PATH.get(case[0], 0) if avx512 else 0
    for bit, what in ((TAP_MAJOR, 'tap-major'), (WINOGRAD, 'Winograd')):
        if want == bit and not any(f & bit for f in flags):
            msgs.append(f'kernel call flags {flags}: want the {what} convolution ({bit})')
        if want != bit and any(f & bit for f in flags):
            msgs.append(f'kernel call flags {flags}: {what} where it must not be')
    if bits and not any((f & 0x7f0) == bits[0] for f in flags):
        msgs.append(f'kernel call flags {flags}, want epilogue bits {bits[0]}')
    return msgs


if __name__ == '__main__':
    sys.exit(kernel_edges.main(__doc__, cases, check_ir))
