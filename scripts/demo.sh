#!/usr/bin/env bash
# Demo: a small PyTorch CNN -> ONNX -> steedc -> native code, run by steed-run
# and checked against PyTorch's output.   scripts/demo.sh [model] (default smallcnn)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${STEED_BUILD_DIR:-build} MODEL=${1:-smallcnn} PY=/usr/bin/python3
D=$BUILD/demo/$MODEL
run() { echo "+ $*"; "$@"; }

run "$PY" scripts/gen_models.py --out "$BUILD/demo" --models "$MODEL"
run "$BUILD/bin/steedc" "$D/model.onnx" -o "$D/model.so"
run "$BUILD/bin/steed-run" "$D/model.so" --input=@"$D/input_0.npy" --output=@"$D/steed_out.npy"
"$PY" - "$D" <<'PYEOF'
import sys, numpy as np
d = sys.argv[1]
out, ref = np.load(d + '/steed_out.npy'), np.load(d + '/output_0.npy')
np.set_printoptions(precision=5, suppress=True, linewidth=200)
print('Steed   output', out.shape, out.ravel()[:10])
print('PyTorch output', ref.shape, ref.ravel()[:10])
err = float(np.abs(out.astype(np.float64) - ref).max()) if out.shape == ref.shape else float('inf')
ok = err <= 1e-4 * float(np.abs(ref).max())
print('max|steed - pytorch| = %.3g (max|pytorch| = %.3g): %s' % (err, np.abs(ref).max(), 'OK' if ok else 'MISMATCH'))
sys.exit(0 if ok else 1)
PYEOF
run "$BUILD/bin/steed-run" "$D/model.so" --input=@"$D/input_0.npy" --benchmark --runs=100
