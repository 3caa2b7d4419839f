#!/usr/bin/env bash
# Reproduces docs/sim-validation.md: the Alpenglow white paper's latency figures (13: Zurich leader,
# 14: stake-weighted random leader) with its convention (full RTT per hop, no transmission or CPU time),
# with and without the paper simulator's leader and validator-set conventions, then the same runs with
# one-way delays, and with bandwidth and CPU costs on.
# Usage: scripts/sim_validation.sh [OUT_DIR] [RUNS_ZURICH] [RUNS_RANDOM]   (release build first)
set -euo pipefail
cd "$(dirname "$0")/.."
SIM=./build/release/apps/stakecast-sim/stakecast-sim
OUT=${1:-build/validation}
RZ=${2:-40}
RR=${3:-30}
mkdir -p "$OUT"
# One slice of gamma = 32 data and Gamma = 64 shreds (the paper's latency figures use a single slice).
COMMON=(--data-dir data/network --stake data/network/solana_epoch780_stake_location.csv --block-size 32768
        --shred-size 1024 --gamma 32 --total-shreds 64 --strategies rotor-psp --votes --progress off --seed 1)
# The paper simulator's conventions: the leader has its block (and votes) when gamma shreds came back
# through relays; validators it cannot place are dropped.
PAPER=(--leader-block relays --unplaced drop)
# The CPU model: per shred received (leaf hash + Merkle path, 1 KiB), per slice (decode, re-encode, 64
# leaves, tree, one Ed25519 check), per leader shred, per vote (a batched signature check).
CPU=(--upload-mbps 1000 --download-mbps 1000 --cpu-shred-us 3 --cpu-slice-us 140 --cpu-leader-shred-us 2.5
     --cpu-vote-us 20)
run() {
  local name=$1
  shift
  echo "== $name: $*"
  nice "$SIM" "${COMMON[@]}" "$@" --json "$OUT/$name.json" | tail -8
}
# A stake-weighted random leader without the sampling noise: one run per site, weighted by its stake.
random() {
  local name=$1
  shift
  echo "== $name (one run per site, stake-weighted): $*"
  nice python3 scripts/sim_random_leader.py "$SIM" "$OUT/$name" "${COMMON[@]}" "$@"
}
run zurich-rtt --hop rtt --leader zurich --runs "$RZ"
run zurich-rtt-relays --hop rtt --leader zurich --runs "$RZ" --leader-block relays
run zurich-rtt-paper --hop rtt --leader zurich --runs "$RZ" "${PAPER[@]}"
random random-rtt-sites --hop rtt
random random-rtt-paper-sites --hop rtt "${PAPER[@]}"
run random-rtt --hop rtt --leader random --runs "$RR"
run zurich-half --hop half-rtt --leader zurich --runs "$RZ"
run random-half --hop half-rtt --leader random --runs "$RR"
run zurich-half-bw-cpu --hop half-rtt --leader zurich --runs "$RZ" "${CPU[@]}"
run random-half-bw-cpu --hop half-rtt --leader random --runs "$RR" "${CPU[@]}"
