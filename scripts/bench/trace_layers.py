#!/usr/bin/python3
"""Per-call time of the kernel library inside a compiled model (a developer tool).

Builds a copy of the kernel library (targets/cpu/kernels) whose entry points
record the time stamp counter around every call (scripts/bench/trace_kernels.c),
compiles the model against it (steedc with STEED_KERNEL_LIB), runs it with
steed-run --benchmark and prints, per library call in model order, the median
time over the timed runs, the GFLOP/s of GEMMs and convolutions and the share
of the run; then the same summed per shape, and the time spent outside the
library (the generated loop kernels that are not on the thread pool). This is
how docs/perf-log.md measures layers inside a model rather than in isolation.

  /usr/bin/python3 scripts/bench/trace_layers.py resnet50            # build/bench/models/resnet50
  /usr/bin/python3 scripts/bench/trace_layers.py m.onnx --input x.npy --threads 2
  /usr/bin/python3 scripts/bench/trace_layers.py resnet18 --cflags=-DKC=192   # a library variant

Needs clang-22, objcopy and an x86-64 host (rdtsc). The library copy goes to
build/bench/trace/<variant>/.
"""
import argparse
import collections
import hashlib
import math
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KERNELS = os.path.join(REPO, 'targets', 'cpu', 'kernels')
ENTRY = ['steedk_sgemm', 'steedk_sconv2d', 'steedk_dwconv2d', 'steedk_parallel']
CFLAGS = ['-O3', '-fPIC', '-std=c11', '-fno-math-errno', '-fno-stack-protector',
          '-fno-asynchronous-unwind-tables', '-I' + os.path.join(REPO, 'runtime', 'include')]


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.exit(f'trace_layers: {" ".join(cmd)} failed:\n{r.stdout}{r.stderr}')
    return r


def build_library(out_dir, extra):
    """The traced archive: the library's objects with their entry points
    renamed to <name>_impl, and trace_kernels.o defining the entry points."""
    os.makedirs(out_dir, exist_ok=True)
    objs = []
    for src in ('gemm.c', 'dwconv.c', 'parallel.c'):
        obj = os.path.join(out_dir, src.replace('.c', '.o'))
        run(['clang-22', *CFLAGS, *extra, '-c', os.path.join(KERNELS, src), '-o', obj])
        run(['objcopy', *[f'--redefine-sym={e}={e}_impl' for e in ENTRY], obj])
        objs.append(obj)
    obj = os.path.join(out_dir, 'trace_kernels.o')
    run(['clang-22', *CFLAGS, '-c', os.path.join(HERE, 'trace_kernels.c'), '-o', obj])
    objs.append(obj)
    lib = os.path.join(out_dir, 'libsteedk_trace.a')
    if os.path.exists(lib):
        os.remove(lib)
    run(['ar', 'rcs', lib, *objs])
    return lib


def describe(kind, a):
    """(label, shape key, FLOPs) of one call from its recorded arguments."""
    if kind == 0:
        flags, batch, m, n, k = a[:5]
        return f'gemm  M{m} N{n} K{k} x{batch}', f'gemm M{m} N{n} K{k}', 2 * batch * m * n * k
    if kind == 1:
        flags, c, h, w, f, k, s, g = a
        oh, ow = math.ceil(h / s), math.ceil(w / s)
        key = f'conv {c}->{f} {h}x{w} k{k} s{s}' + (f' g{g}' if g > 1 else '')
        return key, key, 2 * f * (c // g) * k * k * oh * ow
    if kind == 2:
        flags, c, h, w, k, s, oh, ow = a
        what = 'maxpool' if flags & 512 else 'dwconv'
        key = f'{what} {c} {h}x{w} k{k} s{s}'
        return key, key, 0 if flags & 512 else 2 * c * k * k * oh * ow
    return f'loop  n{a[0]}', f'loop n{a[0]}', 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model', help='model.onnx, or a name under build/bench/models')
    ap.add_argument('--input', action='append', default=[], help='input .npy (repeatable, model order)')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--runs', type=int, default=20)
    ap.add_argument('--cflags', default='', help='extra flags for the library copy (e.g. -DKC=192)')
    ap.add_argument('--steedc', default=os.path.join(REPO, 'build', 'bin', 'steedc'))
    ap.add_argument('--steed-run', default=os.path.join(REPO, 'build', 'bin', 'steed-run'))
    ap.add_argument('--calls', action='store_true', help='print every call, not only the shapes')
    args = ap.parse_args()

    model, inputs = args.model, args.input
    if not model.endswith('.onnx'):
        d = os.path.join(REPO, 'build', 'bench', 'models', model)
        model = os.path.join(d, 'model.onnx')
        if not inputs and os.path.isdir(d):
            inputs = sorted(os.path.join(d, f) for f in os.listdir(d) if f.startswith('input_'))
    if not os.path.exists(model):
        sys.exit(f'trace_layers: no model {model} (scripts/bench/bench.py generates the bench models)')
    extra = args.cflags.split()
    variant = hashlib.sha1(' '.join(extra).encode()).hexdigest()[:8] if extra else 'default'
    lib = build_library(os.path.join(REPO, 'build', 'bench', 'trace', variant), extra)

    with tempfile.TemporaryDirectory() as tmp:
        so, trace = os.path.join(tmp, 'model.so'), os.path.join(tmp, 'trace.txt')
        run([args.steedc, model, '-o', so], env=dict(os.environ, STEED_KERNEL_LIB=lib))
        out = run([args.steed_run, so, *[f'--input=@{i}' for i in inputs], '--benchmark',
                   f'--warmup={args.warmup}', f'--runs={args.runs}', f'--threads={args.threads}'],
                  env=dict(os.environ, STEED_TRACE=trace)).stdout
        lines = open(trace).read().split('\n')
    hz = float(lines[0].split()[1])
    recs = [[int(v) for v in l.split()] for l in lines[1:] if l]
    total_runs = args.warmup + args.runs
    if not recs or len(recs) % total_runs:
        sys.exit(f'trace_layers: {len(recs)} calls for {total_runs} runs (not a whole number per run)')
    n = len(recs) // total_runs
    per_call = [[] for _ in range(n)]
    gaps, totals = [], []
    for r in range(args.warmup, total_runs):
        seq = recs[r * n:(r + 1) * n]
        totals.append(seq[-1][2] - seq[0][1])
        gaps.append(sum(seq[i][1] - seq[i - 1][2] for i in range(1, n)))
        for i, x in enumerate(seq):
            per_call[i].append(x[2] - x[1])
    ms = lambda cycles: cycles / hz * 1e3
    total = ms(statistics.median(totals))
    print(out.strip().splitlines()[-1])
    print(f'{n} library calls per run; first to last call {total:.3f} ms (median), '
          f'outside the library between them {ms(statistics.median(gaps)):.3f} ms; '
          f'{args.threads} thread(s), TSC {hz / 1e9:.2f} GHz')
    shapes = collections.OrderedDict()
    if args.calls:
        print(f'\n{"#":>4}  {"call":<40} {"ms":>8} {"%":>6} {"GFLOP/s":>8}')
    for i in range(n):
        label, key, fl = describe(recs[i][0], recs[i][3:])
        t = ms(statistics.median(per_call[i]))
        s = shapes.setdefault(key, [0, 0.0, 0])
        s[0] += 1
        s[1] += t
        s[2] += fl
        if args.calls:
            gf = f'{fl / t / 1e6:8.1f}' if fl else ''
            print(f'{i:4d}  {label:<40} {t:8.3f} {100 * t / total:6.1f} {gf:>8}')
    print(f'\n{"shape":<40} {"calls":>5} {"ms":>8} {"%":>6} {"GFLOP/s":>8}')
    for key, (cnt, t, fl) in sorted(shapes.items(), key=lambda kv: -kv[1][1]):
        gf = f'{fl / t / 1e6:8.1f}' if fl else ''
        print(f'{key:<40} {cnt:5d} {t:8.3f} {100 * t / total:6.1f} {gf:>8}')


if __name__ == '__main__':
    main()
