#!/usr/bin/env bash
# Installs the Debian packages Gauntlet builds and tests with. Idempotent; silent when all is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-system-dev
  libcurl4-openssl-dev
  # the curl command: an independent HTTP client for the `gauntlet serve` protocol tests
  curl
  nlohmann-json3-dev
  libsqlite3-dev sqlite3
  libre2-dev
  libcli11-dev
  libfmt-dev
  libyaml-cpp-dev
  libseccomp-dev
  libpython3-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  python3 python3-numpy
  python3-sympy
  # the Jinja renderer's reference peer (scripts/peer_jinja2.py, the `peer` tests)
  python3-jinja2
  stockfish
  # benchmarks/testbed/train.py (the testbed model's training; its smoke test); OpenBLAS makes
  # Debian's torch ~10x faster than the reference BLAS it otherwise gets through libblas.so.3.
  python3-torch libopenblas0-pthread
  # make fuzz: libFuzzer with ASan and UBSan comes with Debian's clang.
  clang
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
