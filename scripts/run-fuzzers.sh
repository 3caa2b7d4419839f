#!/usr/bin/env bash
# Runs every fuzz_<name> in <build-dir>/fuzz for a bounded time over its seed corpus.
# A crash fails the run; its reproducer is kept in build/fuzz-artifacts/ (turn it into a test).
set -euo pipefail
build=${1:?build dir}; seconds=${2:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
art="$root/build/fuzz-artifacts"; mkdir -p "$art"
shopt -s nullglob
ran=0
for bin in "$build"/fuzz/fuzz_*; do
  name=${bin##*/fuzz_}
  work=$(mktemp -d)
  [[ -d "$root/fuzz/corpus/$name" ]] && cp -r "$root/fuzz/corpus/$name/." "$work/"
  echo "fuzz $name for ${seconds}s"
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -artifact_prefix="$art/$name-" "$work" 2>&1 | tail -n 3
  rm -rf "$work"
  ran=$((ran + 1))
done
echo "ran $ran fuzzers"
