#!/usr/bin/python3
"""Run the ONNX backend node tests through steedc + steed-run.

Per test: `steedc model.onnx -o model.so`, then for each test_data_set_*:
`steed-run model.so --input=@input_K.pb ... --expected-output=@output_K.pb ...`.
Outcome: pass | compile-error | run-error | mismatch | timeout | crash.

Results go to a TSV (test, outcome, reason) and are compared with the checked-in
expectations (test/e2e/node_expectations.tsv, same format; only test + outcome
are compared). Exit 1 on a regression (expected pass, now fails) or an
unexpected pass (then rerun with --update to record the progress); exit 2 on
usage errors, e.g. a missing test suite.
"""
import argparse
import collections
import concurrent.futures
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTCOMES = ('pass', 'compile-error', 'run-error', 'mismatch', 'timeout', 'crash')


def run(cmd, timeout):
    """Run cmd in its own process group; returns (rc, output, timed_out).
    rc < 0 means killed by signal -rc. A timeout kills the whole group."""
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        return 127, '%s: %s' % (cmd[0], e.strerror), False
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out.decode('utf-8', 'replace'), False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, out.decode('utf-8', 'replace'), True


def first_line(text, prefer='error'):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for l in lines:
        if prefer in l.lower():
            return l[:200]
    return lines[0][:200] if lines else ''


def signame(rc):
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return 'signal %d' % -rc


def classify(tool, rc, out, timed_out, timeout, fail_class):
    """Map a tool's result to (outcome, reason); None when it succeeded."""
    if timed_out:
        return 'timeout', '%s timed out after %gs' % (tool, timeout)
    if rc < 0:
        return 'crash', ('%s killed by %s %s' % (tool, signame(rc), first_line(out))).strip()
    if rc != 0:
        return fail_class(rc), first_line(out) or '%s exited with %d (no message)' % (tool, rc)
    return None


def run_test(test, args):
    tdir = os.path.join(args.suite, 'node', test)
    wdir = os.path.join(args.work_dir, test)
    os.makedirs(wdir, exist_ok=True)
    so = os.path.join(wdir, 'model.so')
    try:
        rc, out, to = run([args.steedc, os.path.join(tdir, 'model.onnx'), '-o', so], args.compile_timeout)
        bad = classify('steedc', rc, out, to, args.compile_timeout, lambda rc: 'compile-error')
        if bad:
            return bad
        if not os.path.exists(so):
            return 'compile-error', 'steedc exited 0 but wrote no %s' % os.path.basename(so)
        sets = sorted(glob.glob(os.path.join(tdir, 'test_data_set_*')))
        if not sets:
            return 'run-error', 'no test_data_set_* directory'
        for ds in sets:
            pbs = lambda kind: sorted(glob.glob(os.path.join(ds, kind + '_*.pb')),
                                      key=lambda p: int(re.search(r'_(\d+)\.pb$', p).group(1)))
            cmd = [args.steed_run, so] + ['--input=@' + p for p in pbs('input')] + \
                  ['--expected-output=@' + p for p in pbs('output')] + \
                  ['--rtol=%g' % args.rtol, '--atol=%g' % args.atol]
            rc, out, to = run(cmd, args.run_timeout)
            bad = classify('steed-run', rc, out, to, args.run_timeout,
                           lambda rc: 'mismatch' if rc == 1 else 'run-error')
            if bad:
                outcome, reason = bad
                return outcome, '%s: %s' % (os.path.basename(ds), reason) if len(sets) > 1 else reason
        return 'pass', ''
    finally:
        if not args.keep:
            shutil.rmtree(wdir, ignore_errors=True)


def read_tsv(path):
    """Rows of a TSV file, '#' lines skipped."""
    with open(path) as f:
        return [l.rstrip('\n').split('\t') for l in f if l.strip() and not l.startswith('#')]


def write_results(path, rows):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        f.write('# test\toutcome\treason   (regenerate: test/e2e/run_node_tests.py --update)\n')
        for test, outcome, reason in rows:
            f.write('%s\t%s\t%s\n' % (test, outcome, reason.replace('\t', ' ').replace('\n', ' ')))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steedc', default=os.path.join(REPO, 'build/bin/steedc'))
    ap.add_argument('--steed-run', default=os.path.join(REPO, 'build/bin/steed-run'))
    ap.add_argument('--suite', default=os.environ.get('STEED_ONNX_BACKEND_TESTS',
                                                      os.path.join(REPO, '..', 'shared', 'onnx-backend-tests')),
                    help='ONNX backend test dir with manifest.tsv and node/ '
                         '(default: $STEED_ONNX_BACKEND_TESTS or <repo>/../shared/onnx-backend-tests)')
    ap.add_argument('--categories', default='core', help='comma-separated manifest categories, or "all" (default: core)')
    ap.add_argument('-k', '--filter', help='only tests whose name matches this regex (re.search)')
    ap.add_argument('--limit', type=int, help='only the first N selected tests')
    ap.add_argument('-j', '--jobs', type=int,
                    default=int(os.environ.get('STEED_E2E_JOBS') or len(os.sched_getaffinity(0))),
                    help='parallel tests (default: $STEED_E2E_JOBS or the number of CPUs)')
    ap.add_argument('--compile-timeout', type=float, default=60)
    ap.add_argument('--run-timeout', type=float, default=30)
    ap.add_argument('--rtol', type=float, default=1e-3)
    ap.add_argument('--atol', type=float, default=1e-7)
    ap.add_argument('--expectations', default=os.path.join(REPO, 'test/e2e/node_expectations.tsv'))
    ap.add_argument('--results', default=os.path.join(REPO, 'build/node_results.tsv'),
                    help='results TSV (default: %(default)s)')
    ap.add_argument('--work-dir', help='scratch dir for compiled models (default: a temp dir)')
    ap.add_argument('--keep', action='store_true', help='keep compiled models in the work dir')
    ap.add_argument('--update', action='store_true',
                    help='rewrite the expectations of the tests that were run from the results')
    ap.add_argument('-v', '--verbose', action='store_true', help='print every test as it finishes')
    args = ap.parse_args()

    args.suite = os.path.abspath(args.suite)
    manifest = os.path.join(args.suite, 'manifest.tsv')
    if not os.path.isfile(manifest):
        print('error: ONNX backend node tests not found: %s does not exist.\n'
              '       They are expected next to the repo (../shared/onnx-backend-tests);\n'
              '       point --suite or STEED_ONNX_BACKEND_TESTS (CMake: -DSTEED_ONNX_BACKEND_TESTS=...) at them.'
              % manifest, file=sys.stderr)
        return 2
    for name in ('steedc', 'steed_run'):
        path = getattr(args, name)
        path = os.path.abspath(path if os.sep in path else shutil.which(path) or path)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            print('warning: %s not found or not executable: %s (every test will fail)'
                  % (name.replace('_', '-'), path), file=sys.stderr)
        setattr(args, name, path)

    ops_of = {}
    cats = set(args.categories.split(','))
    for row in read_tsv(manifest):
        test, cat, _opset, ops = row[:4]
        if ('all' in cats or cat in cats) and (not args.filter or re.search(args.filter, test)):
            ops_of[test] = [o for o in ops.split(',') if o]
    tests = list(ops_of)[:args.limit] if args.limit else list(ops_of)
    if not tests:
        print('error: no test selected', file=sys.stderr)
        return 2

    tmp = None if args.work_dir else tempfile.mkdtemp(prefix='steed-node-')
    args.work_dir = os.path.abspath(args.work_dir or tmp)
    results_path = args.results

    print('Running %d node tests with -j%d (steedc=%s)' % (len(tests), args.jobs, args.steedc), flush=True)
    start, results = time.time(), {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_test, t, args): t for t in tests}
        for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            t = futures[fut]
            try:
                results[t] = fut.result()
            except Exception as e:  # a bug here must not lose the whole run
                results[t] = ('run-error', 'runner exception: %r' % e)
            if args.verbose:
                print('[%d/%d] %-55s %s %s' % (i, len(tests), t, *results[t]), flush=True)
            elif i % 100 == 0:
                print('  %d/%d done (%.0fs)' % (i, len(tests), time.time() - start), flush=True)
    if tmp and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [(t,) + results[t] for t in tests]
    write_results(results_path, rows)

    # ---- summary ----
    counts = collections.Counter(o for _, o, _ in rows)
    print('\nPassed %d/%d node tests in %.0fs  (results: %s)' % (
        counts['pass'], len(rows), time.time() - start, results_path))
    print('  ' + '  '.join('%s: %d' % (o, counts[o]) for o in OUTCOMES if counts[o]))
    per_op = collections.defaultdict(lambda: [0, 0])
    for t, o, _ in rows:
        for op in ops_of[t]:
            per_op[op][0] += o == 'pass'
            per_op[op][1] += 1
    print('Pass counts by op (passed/tests using the op):')
    cells = ['%s %d/%d' % (op, p, n) for op, (p, n) in sorted(per_op.items())]
    width = max(map(len, cells)) + 2
    for i in range(0, len(cells), max(1, 100 // width)):
        print('  ' + ''.join(c.ljust(width) for c in cells[i:i + max(1, 100 // width)]))
    reasons = collections.Counter(r for _, o, r in rows if o == 'compile-error')
    if reasons:
        print('Most common compile errors:')
        for r, n in reasons.most_common(8):
            print('  %5d  %s' % (n, r[:110]))

    # ---- compare with expectations ----
    expected = {}
    if os.path.exists(args.expectations):
        expected = {r[0]: r[1] for r in read_tsv(args.expectations)}
    else:
        print('warning: no expectations file %s' % args.expectations, file=sys.stderr)
    regressions = [(t, o, r) for t, o, r in rows if expected.get(t) == 'pass' and o != 'pass']
    unexpected = [t for t, o, _ in rows if t in expected and expected[t] != 'pass' and o == 'pass']
    changed = [(t, expected[t], o) for t, o, _ in rows
               if t in expected and expected[t] != o and 'pass' not in (expected[t], o)]
    new = [t for t, _, _ in rows if t not in expected]
    if changed:
        print('%d test(s) changed failure class (not an error), e.g. %s' % (
            len(changed), ', '.join('%s: %s -> %s' % c for c in changed[:3])))
    if new:
        print('%d test(s) have no expectation yet, e.g. %s' % (len(new), ', '.join(new[:3])))

    if args.update:
        old = read_tsv(args.expectations) if os.path.exists(args.expectations) else []
        merged = {r[0]: (r[0], r[1], r[2] if len(r) > 2 else '') for r in old}
        merged.update({r[0]: r for r in rows})
        order = [r[0] for r in old] + [t for t in tests if t not in expected]
        write_results(args.expectations, [merged[t] for t in order])
        print('Updated %s: %d regression(s), %d new pass(es) recorded.' % (
            args.expectations, len(regressions), len(unexpected)))
        return 0
    for t, o, r in regressions:
        print('REGRESSION      %-50s %s: %s' % (t, o, r))
    for t in unexpected:
        print('UNEXPECTED PASS %-50s (expected %s)' % (t, expected[t]))
    if regressions or unexpected:
        print('\nFAILED: %d regression(s), %d unexpected pass(es).' % (len(regressions), len(unexpected)))
        if unexpected:
            print('If the new passes are real progress, record them in %s with:\n  %s --update' % (
                args.expectations,
                ' '.join(map(shlex.quote, [os.path.relpath(__file__)] + sys.argv[1:]))))
        return 1
    print('OK: matches %s' % os.path.relpath(args.expectations))
    return 0


if __name__ == '__main__':
    sys.exit(main())
