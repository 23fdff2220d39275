#!/usr/bin/python3
"""End-to-end model test: compile each generated model with steedc, run it with
steed-run and compare with PyTorch's output (scripts/gen_models.py).

Pass criterion, for every output: max|out - ref| <= tol * max|ref|   (tol = 1e-4
by default); the table shows the first failing output, else output 0.

  /usr/bin/python3 test/e2e/run_models.py --generate --models-dir build/models
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_MODELS = 'smallcnn,resnet18,mobilenet_v2,transformer'


def tool(cmd, timeout):
    """Returns (ok, seconds, message)."""
    t = time.time()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, time.time() - t, 'timed out after %gs' % timeout
    except OSError as e:
        return False, 0.0, '%s: %s' % (cmd[0], e.strerror)
    out = p.stdout.decode('utf-8', 'replace').strip()
    if p.returncode != 0:
        lines = out.splitlines()
        msg = next((l for l in lines if 'error' in l.lower()), lines[-1] if lines else '')
        return False, time.time() - t, 'exit %d: %s' % (p.returncode, msg[:150] or '(no message)')
    return True, time.time() - t, out


def numbered(d, prefix):
    """d/prefix_0.npy, prefix_1.npy, ... (model input/output order) while they exist."""
    files = []
    while os.path.exists(os.path.join(d, '%s_%d.npy' % (prefix, len(files)))):
        files.append(os.path.join(d, '%s_%d.npy' % (prefix, len(files))))
    return files


def batch_dirs(d):
    """[(label, dir)]: the reference data of each batch size a dynamic-batch model
    was generated with (meta.json "batches": {"1": "", "3": "b3"}), else [('', d)]."""
    try:
        with open(os.path.join(d, 'meta.json')) as f:
            batches = json.load(f).get('batches')
    except (OSError, ValueError):
        batches = None
    if not batches:
        return [('', d)]
    return [('b' + b, os.path.join(d, sub)) for b, sub in sorted(batches.items(), key=lambda kv: int(kv[0]))]


def compare(args, tmp, name, so, d, tc):
    """Runs `so` on the inputs in `d` and compares with the references there.
    Returns (status, run s, max err, max ref, note)."""
    ins, refs = numbered(d, 'input'), numbered(d, 'output')
    if not ins or not refs:
        return 'FAIL', None, None, None, 'no input_0.npy/output_0.npy in ' + d
    outs = [os.path.join(tmp, '%s.out%d.npy' % (name, k)) for k in range(len(refs))]
    ok, tr, msg = tool([args.steed_run, so] + ['--input=@' + f for f in ins] +
                       ['--output=@' + f for f in outs] + ['--threads=%d' % args.threads],
                       args.timeout)
    if not ok:
        return 'FAIL', tr, None, None, 'steed-run ' + msg
    err = mref = 0.0
    for k, (o, r) in enumerate(zip(outs, refs)):
        ref = np.load(r)
        try:
            got = np.load(o)
        except (OSError, ValueError) as e:
            return 'FAIL', tr, None, None, 'cannot read output %d: %s' % (k, e)
        if got.shape != ref.shape:
            return 'FAIL', tr, None, None, 'output %d: shape %s, expected %s' % (k, got.shape, ref.shape)
        e = float(np.max(np.abs(got.astype(np.float64) - ref))) if ref.size else 0.0
        m = float(np.max(np.abs(ref))) if ref.size else 0.0
        good = e <= args.tol * m  # NaN compares false: fails
        if not good or k == 0:
            err, mref = e, m
        if not good:
            break
    note = '' if good else '%serror > %g * max|ref|' % ('output %d: ' % k if k else '', args.tol)
    return 'ok' if good else 'FAIL', tr, err, mref, note


def check(name, args, tmp):
    """Returns table rows: (model, status, compile s, run s, max err, max ref, note),
    one per batch size the model has reference data for (one compiled model)."""
    d = os.path.join(args.models_dir, name)
    so = os.path.join(tmp, name + '.so')
    ok, tc, msg = tool([args.steedc, os.path.join(d, 'model.onnx'), '-o', so], args.timeout)
    if not ok:
        return [(name, 'FAIL', tc, None, None, None, 'steedc ' + msg)]
    rows = []
    for label, bd in batch_dirs(d):
        row = compare(args, tmp, name, so, bd, tc)
        rows.append(((name + ' ' + label).strip(), row[0], tc, row[1], row[2], row[3], row[4]))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steedc', default=os.path.join(REPO, 'build/bin/steedc'))
    ap.add_argument('--steed-run', default=os.path.join(REPO, 'build/bin/steed-run'))
    ap.add_argument('--models-dir', default=os.path.join(REPO, 'build/models'),
                    help='output of scripts/gen_models.py (default: %(default)s)')
    ap.add_argument('--models', default=DEFAULT_MODELS, help='comma-separated (default: %(default)s)')
    ap.add_argument('--generate', action='store_true', help='run scripts/gen_models.py first (skips up-to-date models)')
    ap.add_argument('--opset', type=int, help='with --generate: ONNX opset of the exports')
    ap.add_argument('--dynamic-batch', action='store_true',
                    help='with --generate: export with a symbolic batch dimension')
    ap.add_argument('--batches', help='with --generate: batch sizes to write reference data for, e.g. 1,3')
    ap.add_argument('--tol', type=float, default=1e-4, help='relative to max|ref| (default: %(default)g)')
    ap.add_argument('--timeout', type=float, default=600, help='per tool invocation, seconds')
    ap.add_argument('--threads', type=int, default=1,
                    help='steed-run --threads (2: the thread-pool paths of the kernels)')
    ap.add_argument('--keep', metavar='DIR', help='keep compiled models and outputs in DIR')
    args = ap.parse_args()
    names = [m for m in args.models.split(',') if m]

    if args.generate:
        gen = [sys.executable, os.path.join(REPO, 'scripts/gen_models.py'),
               '--out', args.models_dir, '--models', ','.join(names)]
        if args.opset:
            gen += ['--opset', str(args.opset)]
        if args.dynamic_batch:
            gen.append('--dynamic-batch')
        if args.batches:
            gen += ['--batches', args.batches]
        if subprocess.call(gen) != 0:
            print('error: model generation failed', file=sys.stderr)
            return 2
    missing = [m for m in names if not os.path.exists(os.path.join(args.models_dir, m, 'model.onnx'))]
    if missing:
        print('error: %s not generated in %s (run scripts/gen_models.py or pass --generate)'
              % (', '.join(missing), args.models_dir), file=sys.stderr)
        return 2

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='steed-models-') as tmp:
        rows = [r for m in names for r in check(m, args, args.keep or tmp)]

    fmt = lambda v, f: '-' if v is None else f % v
    print('\n%-20s %-6s %10s %10s %11s %11s  %s' % ('model', 'status', 'compile s', 'run s', 'max|err|', 'max|ref|', 'note'))
    for name, status, tc, tr, err, mref, note in rows:
        print('%-20s %-6s %10s %10s %11s %11s  %s' % (name, status, fmt(tc, '%.2f'), fmt(tr, '%.2f'),
                                                     fmt(err, '%.3g'), fmt(mref, '%.3g'), note))
    failed = [r[0] for r in rows if r[1] != 'ok']
    print('\n%d/%d model runs passed%s' % (len(rows) - len(failed), len(rows),
                                        ('; FAILED: ' + ', '.join(failed)) if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
