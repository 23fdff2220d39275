#!/usr/bin/python3
"""Steed vs ONNX Runtime benchmark (docs/benchmark.md).

One command does everything:
  1. installs onnxruntime-node (npm, --ignore-scripts) into build/bench/ort unless there;
  2. generates the models with scripts/gen_models.py (batch 1, float32) into build/bench/models;
  3. measures this machine's FP32 peak (scripts/bench/peak.c: AVX-512 FMA chains) on each
     thread count;
  4. per model: counts its FLOPs (scripts/bench/flops.py), compiles it with steedc (time,
     peak RSS), runs Steed (steed-run) and ORT (scripts/bench/ort_run.js) once on the same
     input and compares their outputs, then alternates them for --rounds rounds per
     thread count (Steed first in even rounds, ORT first in odd ones), each round a fresh
     process with warm-up runs and a fixed number of timed runs;
  5. writes OUT/results.md (table) and OUT/results.json (everything, per-run times
     included), rewritten after every model.

  /usr/bin/python3 scripts/bench/bench.py                       # all models, 1 and 2 threads
  /usr/bin/python3 scripts/bench/bench.py --quick               # smoke test (a minute)
  /usr/bin/python3 scripts/bench/bench.py --models resnet18,matmul --threads 1 --rounds 3
"""
import argparse
import datetime
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import flops as flops_mod  # noqa: E402

MODELS = ['resnet18', 'resnet50', 'mobilenet_v2', 'squeezenet1_1', 'efficientnet_b0', 'shufflenet_v2_x1_0',
          'transformer_encoder', 'gpt_decoder', 'mlp3', 'matmul', 'conv3x3']
QUICK_MODELS = ['mlp3', 'conv3x3']
ORT_VERSION = '1.30.0'
TOL = 1e-4  # output check: max|steed - ort| <= TOL * max|ort|


def log(*a):
    print(*a, file=sys.stderr, flush=True)


RUSAGE = None  # the scripts/bench/rusage.c wrapper, compiled by build_helpers()


def run_proc(cmd, timeout, env=None):
    """Runs cmd; returns dict(rc, out, err, seconds, max_rss_mb) with the command's own peak RSS
    (measured by the rusage wrapper: a child forked from this Python process would inherit
    Python's RSS high-water mark)."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe, \
            tempfile.NamedTemporaryFile(suffix='.json') as fr:
        t0 = time.time()
        try:
            p = subprocess.Popen([RUSAGE, fr.name] + cmd, stdout=fo, stderr=fe, env=env, start_new_session=True)
        except OSError as e:
            return {'rc': -1, 'out': '', 'err': '%s: %s' % (cmd[0], e.strerror), 'seconds': 0, 'max_rss_mb': None}
        timed_out = False
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)  # its own session: the wrapper and the command
            p.wait()
        seconds = time.time() - t0
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read().decode('utf-8', 'replace'), fe.read().decode('utf-8', 'replace')
        try:
            rss = json.load(open(fr.name))['max_rss_kb'] / 1024.0
        except (OSError, ValueError, KeyError):
            rss = None
    if timed_out:
        err = 'timed out after %.0f s' % timeout
    return {'rc': -9 if timed_out else p.returncode, 'out': out, 'err': err, 'seconds': seconds, 'max_rss_mb': rss}


def error_line(r):
    lines = [l for l in (r['err'] + '\n' + r['out']).splitlines() if l.strip()]
    msg = next((l for l in lines if 'error' in l.lower()), lines[-1] if lines else '(no message)')
    return ('exit %d: ' % r['rc'] if r['rc'] not in (0, -9) else '') + msg.strip()[:300]


def loadavg():
    try:
        return float(open('/proc/loadavg').read().split()[0])
    except OSError:
        return None


# ---- Setup ------------------------------------------------------------------------

def ensure_ort(work):
    mod = os.path.join(work, 'ort', 'node_modules')
    pkg = os.path.join(mod, 'onnxruntime-node', 'package.json')
    if os.path.exists(pkg) and json.load(open(pkg)).get('version') == ORT_VERSION:
        return mod
    os.makedirs(os.path.join(work, 'ort'), exist_ok=True)
    log('installing onnxruntime-node@%s into %s' % (ORT_VERSION, os.path.join(work, 'ort')))
    # --ignore-scripts: its install script downloads GPU binaries and fails offline;
    # the bundled Linux x64 CPU library is all that is needed.
    r = subprocess.run(['npm', 'install', '--prefix', os.path.join(work, 'ort'), '--ignore-scripts', '--no-audit',
                        '--no-fund', '--no-save', 'onnxruntime-node@' + ORT_VERSION])
    if r.returncode != 0 or not os.path.exists(pkg):
        sys.exit('error: npm install onnxruntime-node@%s failed' % ORT_VERSION)
    return mod


def build_helpers(work):
    """Compiles peak.c and rusage.c into WORK; returns the peak program's path."""
    global RUSAGE
    exes = []
    for name, flags in (('peak', ['-mavx512f', '-mfma', '-pthread']), ('rusage', [])):
        src, exe = os.path.join(HERE, name + '.c'), os.path.join(work, name)
        if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
            if subprocess.run(['clang-22', '-O2'] + flags + [src, '-o', exe]).returncode != 0:
                sys.exit('error: cannot compile %s' % src)
        exes.append(exe)
    RUSAGE = exes[1]
    return exes[0]


def measure_peak(exe, threads):
    peaks = {}
    for t in threads:
        r = subprocess.run([exe, str(t)], stdout=subprocess.PIPE, check=True)
        peaks[t] = json.loads(r.stdout)
        log('FP32 peak, %d thread(s): %.1f GFLOP/s (per-thread CPU time; %.1f GFLOP/s by wall time now)'
            % (t, peaks[t]['gflops'], peaks[t]['gflops_wall']))
    return peaks


def git_describe():
    try:
        rev = subprocess.run(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout.strip()
        dirty = subprocess.run(['git', '-C', REPO, 'status', '--porcelain', '--untracked-files=no'],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
        return rev + ('-dirty' if dirty else '')
    except OSError:
        return None


def cpu_name():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# ---- Runs ---------------------------------------------------------------------------

def numbered(d, prefix):
    files = []
    while os.path.exists(os.path.join(d, '%s_%d.npy' % (prefix, len(files)))):
        files.append(os.path.join(d, '%s_%d.npy' % (prefix, len(files))))
    return files


class Side:
    """One engine: builds its command line for a run of W warm-up and N timed runs."""

    def __init__(self, name, args, model_dir, so, ort_modules):
        self.name, self.args, self.model_dir, self.so = name, args, model_dir, so
        self.inputs = numbered(model_dir, 'input')
        self.env = dict(os.environ, NODE_PATH=ort_modules) if ort_modules else None
        self.last_session_ms = None

    def command(self, threads, warmup, runs, outputs=None):
        if self.name == 'steed':
            return [self.args.steed_run, self.so] + ['--input=@' + f for f in self.inputs] + \
                ['--output=@' + f for f in (outputs or [])] + \
                ['--benchmark', '--warmup=%d' % warmup, '--runs=%d' % runs, '--threads=%d' % threads, '--json']
        cfg = {'model': os.path.join(self.model_dir, 'model.onnx'), 'inputs': self.inputs, 'threads': threads,
               'warmup': warmup, 'runs': runs, 'outputs': outputs or []}
        return ['node', os.path.join(HERE, 'ort_run.js'), json.dumps(cfg)]

    def run(self, threads, warmup, runs, timeout, outputs=None):
        """Returns (times_ms or None, max_rss_mb, error or None)."""
        r = run_proc(self.command(threads, warmup, runs, outputs), timeout, self.env)
        if r['rc'] != 0:
            return None, r['max_rss_mb'], error_line(r)
        try:
            rep = json.loads(r['out'].strip().splitlines()[-1])
            times = rep['times_ms']
            self.last_session_ms = rep.get('session_ms')
        except (ValueError, KeyError, IndexError):
            return None, r['max_rss_mb'], 'unexpected output: %s' % r['out'][-200:]
        if len(times) != runs:
            return None, r['max_rss_mb'], 'expected %d times, got %d' % (runs, len(times))
        return times, r['max_rss_mb'], None


def compare(got_files, ref_files):
    """Worst output: (ok, max_abs_err, max_abs_ref, message)."""
    worst = (True, 0.0, 0.0, '')
    for k, (g, r) in enumerate(zip(got_files, ref_files)):
        try:
            got, ref = np.load(g).astype(np.float64), np.load(r).astype(np.float64)
        except (OSError, ValueError) as e:
            return False, None, None, 'output %d: %s' % (k, e)
        if got.shape != ref.shape:
            return False, None, None, 'output %d: shape %s, expected %s' % (k, got.shape, ref.shape)
        err = float(np.max(np.abs(got - ref))) if ref.size else 0.0
        mref = float(np.max(np.abs(ref))) if ref.size else 0.0
        ok = bool(err <= TOL * mref)  # NaN: False
        if math.isnan(err):
            err = None
        if not ok or k == 0:
            worst = (ok, err, mref, '' if ok else 'output %d: max|err| %s > %g * max|ref| %.4g'
                     % (k, '%.3g' % err if err is not None else 'NaN', TOL, mref))
        if not ok:
            break
    return worst


def summarize(times):
    if not times:
        return {}
    return {'median_ms': statistics.median(times), 'min_ms': min(times), 'mean_ms': statistics.mean(times),
            'max_ms': max(times), 'count': len(times)}


def plan(seconds_per_run, args):
    """(warm-up, timed runs) per round for a side whose one run takes seconds_per_run."""
    t = max(seconds_per_run, 1e-5)
    runs = args.runs or max(args.min_runs, min(args.max_runs, int(round(args.budget / t))))
    warmup = args.warmup if args.warmup is not None else max(1, min(10, int(math.ceil(args.budget / 4 / t))))
    return warmup, runs


def bench_model(name, args, ort_modules, peaks, work):
    d = os.path.join(args.models_dir, name)
    res = {'model': name, 'threads': {}}
    total, by_op, unknown = flops_mod.count(os.path.join(d, 'model.onnx'))
    res.update(gflop=total / 1e9, gflop_by_op={k: v / 1e9 for k, v in by_op.items()},
               flops_unknown_nodes=unknown)
    res['inputs'] = [os.path.basename(f) for f in numbered(d, 'input')]

    so = os.path.join(work, 'so', name + '.so')
    os.makedirs(os.path.dirname(so), exist_ok=True)
    if os.path.exists(so):
        os.remove(so)
    log('%s: %.3f GFLOP; compiling with steedc' % (name, res['gflop']))
    r = run_proc([args.steedc, os.path.join(d, 'model.onnx'), '-o', so], args.timeout)
    res['compile'] = {'ok': r['rc'] == 0, 'seconds': r['seconds'], 'max_rss_mb': r['max_rss_mb'],
                      'error': None if r['rc'] == 0 else 'steedc ' + error_line(r)}
    if r['rc'] != 0:
        log('  steedc failed: %s' % res['compile']['error'])
    sides = {'steed': Side('steed', args, d, so, None), 'ort': Side('ort', args, d, None, ort_modules)}
    refs = numbered(d, 'output')
    outdir = os.path.join(work, 'out', name)
    os.makedirs(outdir, exist_ok=True)

    for t in args.threads:
        row = {'load_before': loadavg(), 'steed': {}, 'ort': {}}
        res['threads'][str(t)] = row
        active = [s for s in ('steed', 'ort') if s == 'ort' or res['compile']['ok']]
        if not res['compile']['ok']:
            row['steed']['error'] = res['compile']['error']
        # Check run: one run of each on the same input, outputs saved and compared.
        outs = {}
        for s in list(active):
            outs[s] = [os.path.join(outdir, '%s_t%d_%d.npy' % (s, t, k)) for k in range(len(refs))]
            for f in outs[s]:
                if os.path.exists(f):
                    os.remove(f)
            warm = 0 if s == 'steed' else 1  # ORT's first run is much slower than the rest
            times, rss, err = sides[s].run(t, warm, 1, args.timeout, outs[s])
            row[s]['max_rss_mb'] = rss
            if err:
                row[s]['error'] = ('steed-run ' if s == 'steed' else 'ort ') + err
                active.remove(s)
                log('  %s failed (%d thread(s)): %s' % (s, t, row[s]['error']))
                continue
            row[s]['check_run_ms'] = times[0]
        if 'steed' in active and 'ort' in active:
            ok, err, mref, msg = compare(outs['steed'], outs['ort'])
            row['check'] = {'ok': ok, 'max_abs_err': err, 'max_abs_ref': mref, 'tol': TOL, 'message': msg}
        for s in active:  # each engine against PyTorch too (information only)
            ok, err, mref, msg = compare(outs[s], refs)
            row[s]['vs_torch'] = {'ok': ok, 'max_abs_err': err, 'max_abs_ref': mref}
        # Rounds, alternating the order.
        plans = {s: plan(row[s]['check_run_ms'] / 1e3, args) for s in active}
        for s in active:
            row[s]['warmup'], row[s]['runs_per_round'] = plans[s]
            row[s]['times_ms'], row[s]['rounds'] = [], []
        # Time-bounded rounds: a slow engine (Steed on the big models) gets fewer rounds, so that
        # one engine's rounds take about --max-seconds, but never fewer than --min-rounds.
        round_s = max([sum(plans[s]) * row[s]['check_run_ms'] / 1e3 for s in active] or [0])
        rounds = args.rounds
        if round_s > 0 and rounds * round_s > args.max_seconds:
            rounds = max(min(args.min_rounds, args.rounds), int(args.max_seconds // round_s))
        row['rounds'] = rounds
        for rnd in range(rounds):
            order = active if rnd % 2 == 0 else active[::-1]
            for s in order:
                if row[s].get('error'):
                    continue
                w, n = plans[s]
                timeout = (w + n) * row[s]['check_run_ms'] / 1e3 * 10 + 120
                times, rss, err = sides[s].run(t, w, n, timeout)
                row[s]['max_rss_mb'] = max(row[s].get('max_rss_mb') or 0, rss or 0)
                if err:
                    row[s]['error'] = 'round %d: %s' % (rnd, err)
                    log('  %s failed (%d thread(s)): %s' % (s, t, row[s]['error']))
                    continue
                row[s]['times_ms'] += times
                row[s]['rounds'].append(statistics.median(times))
                if s == 'ort' and sides[s].last_session_ms is not None:
                    row[s].setdefault('session_ms', []).append(sides[s].last_session_ms)
        for s in active:
            if not row[s].get('error'):
                row[s].update(summarize(row[s]['times_ms']))
                g = res['gflop'] / (row[s]['median_ms'] / 1e3)
                row[s]['gflops'] = g
                row[s]['pct_peak'] = 100.0 * g / peaks[t]['gflops']
        if row['steed'].get('median_ms') and row['ort'].get('median_ms'):
            row['ratio'] = row['ort']['median_ms'] / row['steed']['median_ms']  # > 1: Steed faster
        row['load_after'] = loadavg()
        log('  %d thread(s): steed %s, ort %s, ratio %s, check %s' % (
            t, fmt_ms(row['steed'].get('median_ms')), fmt_ms(row['ort'].get('median_ms')),
            '%.3g' % row['ratio'] if 'ratio' in row else '-',
            ('ok' if row['check']['ok'] else 'FAIL') if 'check' in row else '-'))
    return res


# ---- Report -------------------------------------------------------------------------

def fmt_ms(v):
    if v is None:
        return '-'
    return '%.3g' % v if v < 100 else '%.0f' % v


def fmt(v, f):
    return '-' if v is None else f % v


def write_results(out, meta, peaks, results):
    os.makedirs(out, exist_ok=True)
    doc = {'meta': meta, 'peak': {str(t): p for t, p in peaks.items()}, 'models': results}
    with open(os.path.join(out, 'results.json.tmp'), 'w') as f:
        json.dump(doc, f, indent=1)
    os.replace(os.path.join(out, 'results.json.tmp'), os.path.join(out, 'results.json'))

    L = ['# Steed vs ONNX Runtime', '',
         'Generated by `scripts/bench/bench.py` (see docs/benchmark.md for the columns) on %s.' % meta['date'], '',
         '- machine: %s, %d CPUs; load average %s at start, %s at end' % (
             meta['cpu'], meta['cpus'], fmt(meta['load_start'], '%.2f'), fmt(meta.get('load_end'), '%.2f')),
         '- FP32 peak (AVX-512 FMA loop, per-thread CPU time): %s' % ', '.join(
             '%.1f GFLOP/s on %s thread%s' % (p['gflops'], t, '' if str(t) == '1' else 's') for t, p in peaks.items()),
         '- Steed %s; ONNX Runtime %s (onnxruntime-node, CPU EP, all graph optimizations)' % (
             meta['steed_commit'], meta['ort_version']),
         '- up to %d rounds alternating Steed and ORT (fresh process each; fewer, at least %d, where one engine\'s '
         'rounds would take over %.0f s); runs per round chosen for a %.1f s budget (%s); medians over all timed runs'
         % (meta['rounds'], min(meta['min_rounds'], meta['rounds']), meta['max_seconds'], meta['budget_s'], meta['runs_note']),
         '- baseline peak RSS of the processes alone: steed-run %.0f MB, Node + onnxruntime-node %.0f MB' % (
             meta['steed_run_baseline_rss_mb'] or 0, meta['ort_baseline_rss_mb'] or 0),
         '']
    if meta.get('note'):
        L += ['Note: ' + meta['note'], '']
    L += ['| model | GFLOP | thr | Steed ms | ORT ms | ORT/Steed | Steed GFLOP/s | Steed %peak | ORT GFLOP/s | '
          'ORT %peak | compile s | Steed RSS MB | ORT RSS MB | rounds | runs S/O | check | notes |',
          '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|']
    for r in results:
        if r.get('error'):
            L.append('| %s | - | - | - | - | - | - | - | - | - | - | - | - | - | - | - | %s |'
                     % (r['model'], r['error'].replace('|', '\\|')))
            continue
        c = r['compile']
        for t, row in r['threads'].items():
            s, o = row['steed'], row['ort']
            notes = []
            if s.get('error'):
                notes.append('Steed: ' + s['error'])
            if o.get('error'):
                notes.append('ORT: ' + o['error'])
            if r.get('flops_unknown_nodes'):
                notes.append('FLOPs miss %d nodes (unknown shapes)' % len(r['flops_unknown_nodes']))
            chk = row.get('check')
            check = '-' if not chk else ('ok' if chk['ok'] else '**FAIL**') + ' %s' % (
                fmt(chk['max_abs_err'] / chk['max_abs_ref'] if chk['max_abs_err'] is not None and chk['max_abs_ref']
                    else None, '%.1e'))
            runs = '%s/%s' % (fmt(s.get('count'), '%d'), fmt(o.get('count'), '%d'))
            L.append('| %s | %.3f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                r['model'], r['gflop'], t, fmt_ms(s.get('median_ms')), fmt_ms(o.get('median_ms')),
                fmt(row.get('ratio'), '%.3g'), fmt(s.get('gflops'), '%.2f'), fmt(s.get('pct_peak'), '%.2f'),
                fmt(o.get('gflops'), '%.1f'), fmt(o.get('pct_peak'), '%.1f'),
                fmt(c['seconds'], '%.1f') if c['ok'] else 'fail', fmt(s.get('max_rss_mb'), '%.0f'),
                fmt(o.get('max_rss_mb'), '%.0f'), fmt(row.get('rounds'), '%d'), runs, check, '; '.join(notes).replace('|', '\\|')))
    L += ['', 'ORT/Steed: ratio of the median latencies, > 1 means Steed is faster. '
          'check: max|Steed - ORT| / max|ORT| over the outputs (ok when <= %g).' % TOL, '']
    for t in meta['threads']:
        ratios = [r['threads'][str(t)]['ratio'] for r in results
                  if not r.get('error') and 'ratio' in r['threads'].get(str(t), {})]
        rows = [r['threads'][str(t)] for r in results if not r.get('error') and 'ratio' in r['threads'].get(str(t), {})]
        if rows:
            g = math.exp(statistics.mean(math.log(row['ratio']) for row in rows))
            gmin = math.exp(statistics.mean(math.log(row['ort']['min_ms'] / row['steed']['min_ms']) for row in rows))
            L.append('- %d thread%s: geometric mean of ORT/Steed over %d models: %.3g (Steed %.3gx %s); '
                     'with the fastest run of each instead of the median: %.3g' % (
                         t, '' if t == 1 else 's', len(rows), g, max(g, 1 / g), 'slower' if g < 1 else 'faster', gmin))
    L.append('')
    with open(os.path.join(out, 'results.md'), 'w') as f:
        f.write('\n'.join(L))


# ---- Main ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--models', help='comma-separated (default: %s)' % ','.join(MODELS))
    ap.add_argument('--threads', default=None, help='comma-separated thread counts (default: 1,2)')
    ap.add_argument('--rounds', type=int, default=None, help='A/B rounds (default: 5)')
    ap.add_argument('--runs', type=int, help='timed runs per round and engine (default: from --budget)')
    ap.add_argument('--warmup', type=int, help='warm-up runs per round and engine (default: from --budget, 1..10)')
    ap.add_argument('--budget', type=float, default=None,
                    help='seconds of timed runs per round and engine, used to pick --runs (default: 1.0)')
    ap.add_argument('--max-seconds', type=float, default=None,
                    help='fewer rounds for slow models: at most about this many seconds of one engine\'s rounds '
                    'per model and thread count, but at least --min-rounds (default: 100)')
    ap.add_argument('--min-rounds', type=int, default=3, help='see --max-seconds (default: 3)')
    ap.add_argument('--min-runs', type=int, default=2, help='at least this many timed runs per round (default: 2)')
    ap.add_argument('--max-runs', type=int, default=None, help='at most this many (default: 200)')
    ap.add_argument('--quick', action='store_true',
                    help='smoke test: %s, 1 thread, 2 rounds, tiny budget (options given still apply)'
                    % ','.join(QUICK_MODELS))
    ap.add_argument('--out', default=os.path.join(REPO, 'build', 'bench', 'results'),
                    help='results.md and results.json go here (default: %(default)s)')
    ap.add_argument('--work', default=os.path.join(REPO, 'build', 'bench'),
                    help='ORT install, models, compiled models (default: %(default)s)')
    ap.add_argument('--steedc', default=os.path.join(REPO, 'build', 'bin', 'steedc'))
    ap.add_argument('--steed-run', default=os.path.join(REPO, 'build', 'bin', 'steed-run'))
    ap.add_argument('--opset', type=int, default=13, help='ONNX opset of the generated models (default: 13)')
    ap.add_argument('--timeout', type=float, default=600,
                    help='for steedc and the check runs, seconds (default: 600); rounds get 10 x their expected '
                    'time + 120 s')
    ap.add_argument('--note', help='a line to put into the results (e.g. about the machine load)')
    ap.add_argument('--report', metavar='RESULTS_JSON',
                    help='only rewrite results.md (into --out) from a results.json, e.g. after a report change')
    args = ap.parse_args()
    if args.report:
        doc = json.load(open(args.report))
        write_results(args.out, doc['meta'], doc['peak'], doc['models'])
        log('wrote %s' % os.path.join(args.out, 'results.md'))
        return 0
    q = args.quick
    args.models = [m for m in (args.models or ','.join(QUICK_MODELS if q else MODELS)).split(',') if m]
    args.threads = [int(t) for t in (args.threads or ('1' if q else '1,2')).split(',') if t]
    args.rounds = args.rounds or (2 if q else 5)
    args.budget = args.budget if args.budget is not None else (0.1 if q else 1.0)
    args.max_seconds = args.max_seconds if args.max_seconds is not None else (10 if q else 100)
    args.max_runs = args.max_runs or (10 if q else 200)
    args.min_runs = min(args.min_runs, args.max_runs)
    for tool in (args.steedc, args.steed_run):
        if not os.access(tool, os.X_OK):
            sys.exit('error: %s not found: build Steed first (README.md)' % tool)
    for prog in ('node', 'npm', 'clang-22'):
        if not shutil.which(prog):
            sys.exit('error: %s not found on PATH' % prog)
    work = os.path.abspath(args.work)
    args.models_dir = os.path.join(work, 'models' if args.opset == 13 else 'models-op%d' % args.opset)

    ort_modules = ensure_ort(work)
    log('generating models into %s' % args.models_dir)
    gen = [sys.executable, os.path.join(REPO, 'scripts', 'gen_models.py'), '--out', args.models_dir,
           '--opset', str(args.opset), '--models']
    gen_errors = {}
    if subprocess.run(gen + [','.join(args.models)]).returncode != 0:
        log('model generation failed; generating the models one by one')
        for name in args.models:
            r = run_proc(gen + [name], args.timeout)
            if r['rc'] != 0:
                gen_errors[name] = 'gen_models.py ' + error_line(r)
                log('  %s: %s' % (name, gen_errors[name]))
    peaks = measure_peak(build_helpers(work), args.threads)
    base_steed = run_proc([args.steed_run, '--help'], 60)
    base_ort = run_proc(['node', os.path.join(HERE, 'ort_run.js'), '{}'], 60, dict(os.environ, NODE_PATH=ort_modules))
    ort_version = json.loads(base_ort['out'] or '{}').get('version') if base_ort['rc'] == 0 else None
    meta = {'date': datetime.datetime.now().strftime('%Y-%m-%d %H:%M'), 'cpu': cpu_name(), 'cpus': os.cpu_count(),
            'steed_commit': git_describe(), 'ort_version': ort_version or ORT_VERSION, 'opset': args.opset,
            'threads': args.threads, 'rounds': args.rounds, 'budget_s': args.budget,
            'min_rounds': args.min_rounds, 'max_seconds': args.max_seconds,
            'runs_note': 'fixed %d' % args.runs if args.runs else '%d..%d' % (args.min_runs, args.max_runs),
            'check_tolerance': TOL, 'load_start': loadavg(), 'note': args.note,
            'steed_run_baseline_rss_mb': base_steed['max_rss_mb'], 'ort_baseline_rss_mb': base_ort['max_rss_mb'],
            'command': ' '.join(sys.argv)}
    results = []
    for name in args.models:
        if name in gen_errors:
            res = {'model': name, 'error': gen_errors[name]}
        else:
            try:
                res = bench_model(name, args, ort_modules, peaks, work)
            except KeyboardInterrupt:
                raise
            except Exception as e:  # a bug or an unexpected file: keep the row and go on
                import traceback
                traceback.print_exc()
                res = {'model': name, 'error': 'bench.py: %s: %s' % (type(e).__name__, e)}
        results.append(res)
        meta['load_end'] = loadavg()
        write_results(args.out, meta, peaks, results)
    log('wrote %s and %s' % (os.path.join(args.out, 'results.md'), os.path.join(args.out, 'results.json')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
