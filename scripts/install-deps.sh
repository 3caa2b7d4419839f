#!/usr/bin/env bash
# The one list of Debian 12 packages Stakecast needs. Installs only what is missing.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang clang-format clang-tidy libclang-rt-14-dev
  libasio-dev          # io/: standalone Asio with C++20 coroutines
  libisal-dev          # erasure/: Reed-Solomon
  libssl-dev           # SHA-256 (SHA-NI), ChaCha20-Poly1305
  libsodium-dev        # Ed25519, X25519, ristretto255, randomness
  libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox          # PNG plots from the simulator and benchmarks
  jq openssl xxd       # tests/cli: check JSON output, verify Ed25519 signatures independently
  nodejs npm           # interop tests drive js-libp2p (Node 22 comes from npm, see tests/interop)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# nodejs/npm may come from elsewhere (e.g. NodeSource); accept any working node + npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""; [[ $(id -u) == 0 ]] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
