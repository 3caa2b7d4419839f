#!/usr/bin/env bash
# stakecast-sim --upload-by-stake on the Sui set (106 validators, seconds): the leader's upload follows its
# stake share, so direct broadcast from the heaviest validator (2.9% of the stake: 3.1x the mean upload)
# finishes well before the same run with equal links, and from the lightest (0.28x) well after.
# Usage: sim_upload_by_stake.sh <stakecast-sim> <data dir>
set -euo pipefail
SIM=$1
DATA=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run() {  # leader, extra flags... -> time until all the stake has the block, ms
  local leader=$1
  shift
  "$SIM" --data-dir "$DATA" --stake "$DATA/sui_mainnet_validators.csv" --block-size 65536 --progress off \
    --strategies direct --leader "$leader" --upload-mbps 100 "$@" --json "$T/out.json" >/dev/null
  jq -e --argjson s "$([ $# -gt 0 ] && echo true || echo false)" '.upload_by_stake == $s' "$T/out.json" >/dev/null
  jq -r '.strategies[0].mean.stake_ms["100"]' "$T/out.json"
}
heavy_equal=$(run 0)
heavy_stake=$(run 0 --upload-by-stake)
light_equal=$(run 105)
light_stake=$(run 105 --upload-by-stake)
echo "heaviest leader: $heavy_equal ms equal links, $heavy_stake ms by stake"
echo "lightest leader: $light_equal ms equal links, $light_stake ms by stake"
awk -v a="$heavy_equal" -v b="$heavy_stake" 'BEGIN { exit !(b < a / 2) }'
awk -v a="$light_equal" -v b="$light_stake" 'BEGIN { exit !(b > a * 2) }'
echo "ok: upload by stake"
