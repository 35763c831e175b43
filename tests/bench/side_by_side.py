#!/usr/bin/env python3
"""tests/bench/side_by_side.py OUT ROUNDS LABEL... - the rounds of tests/bench/side-by-side.sh
(OUT/rounds/rR/remote_LABEL.json, each holding our figures and the ratios against the
Linux peer of the same round) as one table: per benchmark the medians of ours, of
Linux's and of the per-round ratios, with the ratios' range. Writes OUT/side_by_side.json.
Targets (issue 3): our 32-byte round trip at most half of Linux's UDP round trip, and our
MoveTo/MoveFrom throughput at least Linux's TCP, judged on the median ratio."""
import datetime, json, os, statistics, sys

PAIRS = (("rtt32", "udp_rtt32", "us", True), ("moveto_64k", "tcp_64k", "MB/s", False),
         ("moveto_1m", "tcp_1m", "MB/s", False), ("movefrom_64k", "tcp_64k", "MB/s", False),
         ("movefrom_1m", "tcp_1m", "MB/s", False))


def value(rec, unit):
    return rec["ns_per_op"] / 1e3 if unit == "us" else rec["mb_per_s"]


def main(argv):
    out, rounds, labels = argv[1], int(argv[2]), argv[3:]
    doc = {"benchmark": "side_by_side", "rounds": rounds,
           "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
           "description": "vsys (2 nodes) against two Linux guests on the same bridge, NIC "
                          "model and MTU, in alternating rounds; medians over the rounds",
           "targets": {"rtt32_ratio_max": 0.5, "throughput_ratio_min": 1.0}, "results": {}}
    all_met, missing = True, 0
    for label in labels:
        runs = []
        for r in range(1, rounds + 1):
            p = os.path.join(out, "rounds", "r%d" % r, "remote_%s.json" % label)
            lp = os.path.join(out, "rounds", "r%d" % r, "linux_peer_%s.json" % label)
            if not (os.path.exists(p) and os.path.exists(lp)):
                missing += 1
                continue
            mine = json.load(open(p))
            linux = {x["name"]: x for x in json.load(open(lp))["results"]}
            runs.append((mine["results"], linux, mine.get("ratios", {})))
        print("\nside by side, %s: medians of %d rounds (emulated time under TCG)" % (label, len(runs)))
        print("%-13s %12s %12s %8s %13s %8s  %s" % ("benchmark", "vsys", "linux", "ratio",
                                                    "ratio range", "target", "met"))
        res = {}
        for ours, theirs, unit, low in PAIRS:
            mine = [value(m[ours], unit) for m, l, _ in runs if ours in m]
            lin = [value(l[theirs], unit) for m, l, _ in runs if theirs in l]
            rat = [x[ours] for _, _, x in runs if x.get(ours) is not None]
            if not mine or not lin or not rat:
                continue
            med = statistics.median(rat)
            met = med <= 0.5 if low else med >= 1.0
            all_met = all_met and met
            res[ours] = {"unit": unit, "vsys_median": statistics.median(mine),
                         "linux_median": statistics.median(lin), "ratio_median": med,
                         "ratios": rat, "met": met}
            print("%-13s %8.1f%-4s %8.1f%-4s %8.2f %6.2f-%-6.2f %8s  %s" % (
                ours, res[ours]["vsys_median"], unit, res[ours]["linux_median"], unit, med,
                min(rat), max(rat), "<= 0.50" if low else ">= 1.00", "yes" if met else "NO"))
        doc["results"][label] = {"rounds": len(runs), "benchmarks": res}
    doc["targets"]["met"] = all_met and not missing
    path = os.path.join(out, "side_by_side.json")
    json.dump(doc, open(path, "w"), indent=1)
    print("\ntargets met (median ratios, every NIC and MTU): %s   (%s)" % (doc["targets"]["met"], path))
    if missing:
        print("side-by-side: %d runs gave no results" % missing)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
