#!/usr/bin/env bash
# The test command (README.md; .ci/run calls exactly this): bring build/ up to
# date, then run every ctest test. Extra arguments go to ctest (e.g. -R e2e-models).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build
ctest --test-dir build --output-on-failure -j2 "$@"
