#!/usr/bin/env bash
# stakecast-sim fault flags end to end on the Sui set (~100 validators, seconds): crashed stake, withholding
# and corrupting relays, loss and jitter; checks outcomes in the JSON that a broken fault model would fail.
# Usage: sim_faults.sh <stakecast-sim> <data dir>
set -euo pipefail
SIM=$1
DATA=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
COMMON=(--data-dir "$DATA" --stake "$DATA/sui_mainnet_validators.csv" --block-size 65536 --progress off
        --seed 5 --runs 2)

# 20% of the stake crashed: Rotor still gets the block to every live validator, and every live validator
# finalizes (notarization needs 60%); the crashed stake never has the block.
"$SIM" "${COMMON[@]}" --strategies rotor-psp,turbine --votes --crash 0.2 --json "$T/crash.json" >/dev/null
jq -e '.faults.crash == 0.2' "$T/crash.json" >/dev/null
n=$(jq -r .validators "$T/crash.json")
jq -e --argjson n "$n" '[.strategies[].runs[] | .faults.crashed > 0 and .faults.crashed_stake <= 0.2 and
        .faults.crashed_stake > 0.1 and .live == $n - 1 - .faults.crashed and .complete == .live and
        .fast_finalized + .slow_finalized == .live + 1 and .stake_ms["100"] == null] | all' "$T/crash.json" >/dev/null
echo "ok: crash"

# Corrupting relays (15% of the stake): their shreds are rejected by the receivers' checks, and everyone
# still rebuilds the block from the others.
"$SIM" "${COMMON[@]}" --strategies rotor-psp,rotor-iid --byzantine corrupt 0.15 --json "$T/corrupt.json" >/dev/null
jq -e '.faults.byzantine == "corrupt" and .faults.byzantine_share == 0.15' "$T/corrupt.json" >/dev/null
jq -e --argjson n "$n" '[.strategies[].runs[] | .faults.byzantine > 0 and .faults.shreds_rejected > 0 and
        .complete == $n - 1] | all' "$T/corrupt.json" >/dev/null
echo "ok: corrupt"

# Withholding relays: nothing to reject, nothing missing (Gamma = 2 gamma covers 15% of the stake).
"$SIM" "${COMMON[@]}" --strategies rotor-psp --byzantine withhold 0.15 --json "$T/withhold.json" >/dev/null
jq -e --argjson n "$n" '[.strategies[].runs[] | .faults.byzantine > 0 and .faults.shreds_rejected == 0 and
        .complete == $n - 1] | all' "$T/withhold.json" >/dev/null
echo "ok: withhold"

# A partition cutting off 30% of the stake: those validators never get the block, the others do.
"$SIM" "${COMMON[@]}" --strategies rotor-psp --partition 0.3 --json "$T/partition.json" >/dev/null
jq -e --argjson n "$n" '[.strategies[].runs[] | .faults.partitioned > 0 and
        .complete == $n - 1 - .faults.partitioned] | all' "$T/partition.json" >/dev/null
echo "ok: partition"

# Loss and jitter are recorded, and the same seed gives the same trace.
"$SIM" "${COMMON[@]}" --strategies direct --loss 0.05 --jitter-ms 3 --json "$T/loss1.json" >/dev/null
"$SIM" "${COMMON[@]}" --strategies direct --loss 0.05 --jitter-ms 3 --json "$T/loss2.json" >/dev/null
jq -e '.faults.loss == 0.05 and .faults.jitter_ms == 3' "$T/loss1.json" >/dev/null
# direct: a lost copy is never resent, so about 5% of the validators miss the block.
jq -e --argjson n "$n" '[.strategies[].runs[] | .complete < $n - 1 and .complete > ($n - 1) * 0.8] | all' \
  "$T/loss1.json" >/dev/null
[ "$(jq -c '[.strategies[].runs[].trace]' "$T/loss1.json")" = "$(jq -c '[.strategies[].runs[].trace]' "$T/loss2.json")" ]
echo "ok: loss, jitter"
