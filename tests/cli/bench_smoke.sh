#!/usr/bin/env bash
# stakecast-bench runs and writes every figure with its same-run baseline: a short erasure run (two passes,
# a few configurations) must produce positive throughputs, ratios within their per-pass spread, the
# receiver's and leader's splits, and the shred overhead (exact numbers: 316 bytes per shred). Timings are
# not judged here; that is the benchmark's job.
# Usage: bench_smoke.sh <stakecast-bench>
set -euo pipefail
BENCH=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$BENCH" erasure --repetitions 2 --min-time 0.001 \
  --filter 'rs_.*/32:16/shard=1024/block=1048576|pipeline/' --json "$T/erasure.json" >/dev/null 2>&1
J="$T/erasure.json"
jq -e '.reed_solomon | length == 2' "$J" >/dev/null
jq -e '[.reed_solomon[] | .ours_bytes_per_second > 0 and .baseline_bytes_per_second > 0
        and .ratio_min <= .ratio and .ratio <= .ratio_max] | all' "$J" >/dev/null
jq -e '[.pipelines[] | .median_ms > 0 and .median_cpu_ms > 0 and .baseline_ms > 0 and ([.split_ms[]] | length == 3 and all(. > 0))]
        | length == 2 and all' "$J" >/dev/null
jq -e '.shred_overhead[0] | .shred_payload == 32768 and .header_proof_signature_bytes == 316
        and .overhead_fraction < .target_fraction' "$J" >/dev/null
echo "ok: stakecast-bench erasure writes every figure with its baseline"
