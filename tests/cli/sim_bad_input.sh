#!/usr/bin/env bash
# stakecast-sim refuses bad input with exit status 2 and a message naming the file, line or flag.
# Usage: sim_bad_input.sh <stakecast-sim> <data dir>
set -u
SIM=$1
DATA=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

# expect <what the message must contain> <args...>
expect() {
  local want=$1
  shift
  local out rc
  out=$("$SIM" "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne 2 ] || ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL: stakecast-sim $* -> status $rc, stderr: $out (wanted status 2 and '$want')"
    fail=1
  else
    echo "ok: $want"
  fi
}

printf 'identity_key,stake,region,addrs\n%064x,0,,\n%064x,0,,\n' 1 2 >"$T/zero.csv"
printf 'identity_key,stake,region,addrs\n%064x,100,,\n%064x,abc,,\n' 1 2 >"$T/bad_row.csv"
mkdir "$T/data"
cp "$DATA/wonderproxy_servers-2020-07-19.csv" "$T/data/"
head -5 "$DATA/wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv" >"$T/data/wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv"
echo "1,2,not-a-number" >>"$T/data/wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv"
cp "$DATA/solana_epoch780_stake_location.csv" "$T/data/"

expect "$T/missing.csv" --stake "$T/missing.csv"
expect "$T/zero.csv" --stake "$T/zero.csv" --stake-format stakecast
expect "$T/bad_row.csv:3" --stake "$T/bad_row.csv" --stake-format stakecast
expect "wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv:6" --data-dir "$T/data"
expect "--leader atlantis" --leader atlantis
expect "--leader 99999" --leader 99999
expect "Gamma 30 < gamma 40" --gamma 40 --total-shreds 30
expect "Gamma 16 < gamma 32" --kappa 0.5
expect "above 255" --gamma 200 --kappa 2
expect "--total-shreds 300" --total-shreds 300
expect "--gamma 0" --gamma 0
expect "unknown strategy 'gossip-ish'" --strategies rotor-psp,gossip-ish
expect "--hop" --hop quarter-rtt
expect "--block-size" --block-size 0
expect "--shred-size" --shred-size 0
expect "--uplink" --uplink lifo
expect "--leader-block sideways" --leader-block sideways
expect "--leader-block relays: only for rotor-psp and rotor-iid (not turbine)" --leader-block relays --strategies rotor-psp,turbine
expect "--unplaced maybe" --unplaced maybe
expect "--crash 1.5" --crash 1.5
expect "--crash -0.1" --crash -0.1
expect "shares add up to 1.0" --crash 0.5 --partition 0.5
expect "--byzantine lie" --byzantine lie 0.1
expect "SHARE must be a number" --byzantine withhold lots
expect "--byzantine: only for strategies that relay shreds" --byzantine corrupt 0.1 --strategies rotor-psp,direct
expect "--loss 1.0" --loss 1
expect "--jitter-ms -1" --jitter-ms -1
expect "--upload-by-stake: needs --upload-mbps" --upload-by-stake
exit $fail
