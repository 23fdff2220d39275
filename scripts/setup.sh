#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install the packages, configure and
# build Steed into build/, then run the demo (scripts/demo.sh).
#   scripts/setup.sh [--no-install] [--no-build] [--no-demo] [-j N]
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,4s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
INSTALL=1 BUILD=1 DEMO=1 JOBS=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) INSTALL=0 ;;
    --no-build) BUILD=0 ;;
    --no-demo) DEMO=0 ;;
    -j) JOBS=$2; shift ;;
    -j*) JOBS=${1#-j} ;;
    -h|--help) usage ;;
    *) echo "error: unknown option $1" >&2; usage 2 ;;
  esac
  shift
done

PACKAGES=(llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
          libprotobuf-dev protobuf-compiler libonnx-dev
          python3-onnx python3-numpy python3-torch python3-torchvision
          ninja-build ccache cmake)

if [ "$INSTALL" = 1 ]; then
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null |
              awk '$2 == "ii" {print $1}' || true)
  missing=()
  for p in "${PACKAGES[@]}"; do
    grep -qx "$p" <<<"$installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "== all ${#PACKAGES[@]} packages already installed"
  else
    if [ "$(id -u)" = 0 ]; then SUDO=()
    elif command -v sudo >/dev/null; then SUDO=(sudo)
    else echo "error: missing packages (${missing[*]}); run as root or install sudo" >&2; exit 1
    fi
    echo "== installing: ${missing[*]}"
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${PACKAGES[@]}"
  fi
fi

if [ "$BUILD" = 1 ]; then
  echo "== configure + build (build/)"
  if [ -f build/CMakeCache.txt ]; then cmake -S . -B build
  else cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
         -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22
  fi
  cmake --build build ${JOBS:+-j "$JOBS"}
fi

if [ "$DEMO" = 1 ]; then
  echo "== demo"
  scripts/demo.sh
fi
