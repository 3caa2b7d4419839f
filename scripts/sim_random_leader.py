#!/usr/bin/env python3
"""The Alpenglow paper's stake-weighted random leader, without its sampling noise (docs/sim-validation.md).

A random leader's finalization median swings by 70 ms between runs (sd over leaders), so a plain mean over
tens of runs is off by 10 ms or more. The leader's place is what matters: this runs stakecast-sim once per
ping server that holds stake, with the heaviest validator there as the leader, and weights each run by the
stake at that server (stratified sampling; the leader's own stake within a site is the only difference
left out). Sites and weights follow the simulator's placement: with --unplaced keep (default) unlocated
validators count at the site with the most stake; with --unplaced drop the validators the paper's simulator
drops are left out (no coordinates, or at a server lacking a measured RTT to another occupied one).

Usage: sim_random_leader.py SIM OUT_DIR --stake FILE --data-dir DIR [--unplaced keep|drop] [sim flags...]
Prints the stake-weighted mean of each finalization figure; one JSON per site stays in OUT_DIR.
"""
import csv
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sim, out = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    opt = lambda name, default: args[args.index(name) + 1] if name in args else default
    stake_file = opt("--stake", None)
    data_dir = opt("--data-dir", None)
    if not stake_file or not data_dir:
        sys.exit("sim_random_leader.py: --stake FILE and --data-dir DIR are required")
    drop = opt("--unplaced", "keep") == "drop"
    measured = set()
    with open(os.path.join(data_dir, "wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv")) as f:
        for r in csv.DictReader(f):
            measured.add((r["source"], r["destination"]))
    with open(stake_file) as f:
        rows = list(csv.DictReader(f))
    servers = [r["nearest_wonderproxy_server_id"] for r in rows]
    occupied = sorted({s for s in servers if s})
    unmeasured = set()
    for a in occupied:
        for b in occupied:
            if a != b and (a, b) not in measured:
                unmeasured |= {a, b}
    # Leader index per site (the table is in stake order, and --unplaced drop keeps that order), weights.
    first, weight, index = {}, {}, 0
    for r, s in zip(rows, servers):
        if drop and (not s or s in unmeasured):
            continue
        if s:
            first.setdefault(s, index)
            weight[s] = weight.get(s, 0) + int(r["active_stake_lamports"])
        index += 1
    heaviest = max(weight, key=weight.get)
    if not drop:
        weight[heaviest] += sum(int(r["active_stake_lamports"]) for r, s in zip(rows, servers) if not s)
    total = sum(weight.values())
    os.makedirs(out, exist_ok=True)
    keys = [("finalized", "paper_ms", "50"), ("finalized", "paper_ms", "100"), ("finalized", "stake_ms", "50"),
            ("finalized", "stake_ms", "80"), ("finalized", "stake_ms", "100"), (None, "stake_ms", "50")]
    acc = dict.fromkeys(keys, 0.0)
    for s in sorted(first, key=lambda s: -weight[s]):
        path = os.path.join(out, f"server{s}.json")
        if not os.path.exists(path):
            subprocess.run([sim, *args, "--leader", str(first[s]), "--runs", "1",
                            "--json", path], check=True, stdout=subprocess.DEVNULL)
        with open(path) as f:
            run = json.load(f)["strategies"][0]["runs"][0]
        for k in keys:
            acc[k] += weight[s] / total * (run[k[0]] if k[0] else run)[k[1]][k[2]]
    print(f"{len(first)} sites, stake-weighted:")
    for k in keys:
        print(f"  {'block' if k[0] is None else k[0]} {k[1]} {k[2]}: {acc[k]:.1f}")


if __name__ == "__main__":
    main()
