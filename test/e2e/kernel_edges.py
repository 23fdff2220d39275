"""The harness shared by the kernel-library edge tests (run_gemm_edges.py,
run_dwconv_edges.py): builds each case's ONNX model, compiles it with steedc
for the host CPU (AVX-512 where it has it), AVX2 (--mcpu=haswell) and the
portable C kernels (--mcpu=x86-64), checks the host build's --emit=llvm with
the test's own check, and compares steed-run's output (1 and 2 threads on the
host build, 1 on the others) with the case's float64 reference.

A case is (name, node or [nodes], inputs, initializers, reference, *extra):
inputs and initializers are lists of (name, array); the output is 'y'.
"""
import argparse
import os
import re
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def random_source(seed):
    """rand(*shape): float32 standard normal values from a fixed seed."""
    rng = np.random.default_rng(seed)
    return lambda *shape: rng.standard_normal(shape).astype(np.float32)


def model(name, nodes, inputs, initializers, out_shape):
    graph = helper.make_graph(
        nodes if isinstance(nodes, list) else [nodes], name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in inputs],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, out_shape)],
        [numpy_helper.from_array(a, n) for n, a in initializers])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])


def call_flags(llvm_ir, callee_regex):
    """The flags operand (the first) of each call of a function matching
    callee_regex in --emit=llvm output (constants are numbered per function)."""
    consts, flags = {}, []
    for line in llvm_ir.splitlines():
        if line.lstrip().startswith('llvm.func'):
            consts = {}
        m = re.match(r'\s*(%\d+) = llvm.mlir.constant\((-?\d+) : (?:index|i64)\)', line)
        if m:
            consts[m.group(1)] = int(m.group(2))
        m = re.search(r'llvm.call @(?:' + callee_regex + r')\((%\w+)', line)
        if m and m.group(1) in consts:
            flags.append(consts[m.group(1)])
    return flags


def main(doc, cases, check_ir):
    """Runs every case; check_ir(case, llvm_text) returns a list of failure
    messages for the host build's IR. Returns the exit status."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steedc', required=True)
    ap.add_argument('--steed-run', required=True)
    ap.add_argument('--filter', default='', help='only the cases whose name contains this')
    args = ap.parse_args()
    failures = 0
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases():
            name, node, inputs, inits, ref = case[:5]
            if args.filter not in name:
                continue
            total += 1
            d = os.path.join(tmp, name)
            os.makedirs(d)
            onnx.save(model(name, node, inputs, inits, list(ref.shape)), f'{d}/model.onnx')
            np.save(f'{d}/ref.npy', ref.astype(np.float32))
            cmd_in = []
            for n, a in inputs:
                np.save(f'{d}/{n}.npy', a)
                cmd_in.append(f'--input={n}=@{d}/{n}.npy')
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
                    r = subprocess.run([args.steedc, f'{d}/model.onnx', '--emit=llvm'],
                                       capture_output=True, text=True)
                    for msg in check_ir(case, r.stdout):
                        print(f'FAIL {name}: {msg}')
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
