#!/usr/bin/env bash
# stakecast-sim --workload mixed on the Sui set: a block per slot from successive leaders with the vote
# workload; every slot must reach and finalize every validator, with per-slot times in the JSON.
# Usage: sim_mixed.sh <stakecast-sim> <data dir>
set -euo pipefail
SIM=$1
DATA=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$SIM" --data-dir "$DATA" --stake "$DATA/sui_mainnet_validators.csv" --workload mixed --slots 5 \
  --slot-ms 400 --block-size 65536 --strategies rotor-psp,turbine --runs 2 --progress off --seed 3 \
  --json "$T/mixed.json" >"$T/out.txt"
grep -q "Mixed workload, per slot" "$T/out.txt"
n=$(jq -r .validators "$T/mixed.json")
jq -e --argjson n "$n" '[.strategies[].runs[] | (.slots | length == 5) and
    ([.slots[] | .complete == $n - 1 and .block.stake_ms["100"] != null and
      .finalized.stake_ms["100"] != null and .block.stake_ms["50"] <= .finalized.stake_ms["50"]] | all) and
    ([.slots[].slot] == [range(.slot; .slot + 5)])] | all' "$T/mixed.json" >/dev/null
# Successive slots have their own leaders (stake-weighted draws), not one leader for all.
jq -e '[.strategies[0].runs[0].slots[].leader] | unique | length > 1' "$T/mixed.json" >/dev/null
echo "ok: mixed"
# Bad input names the flag.
out=$("$SIM" --data-dir "$DATA" --workload mixed --strategies direct 2>&1 >/dev/null) && exit 1
grep -qF -- "--workload mixed: only rotor-psp, rotor-iid and turbine" <<<"$out"
out=$("$SIM" --data-dir "$DATA" --workload mixed --slots 0 2>&1 >/dev/null) && exit 1
grep -qF -- "--slots 0" <<<"$out"
echo "ok: mixed bad input"
