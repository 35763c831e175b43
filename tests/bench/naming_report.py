#!/usr/bin/env python3
"""tests/bench/naming_report.py OUTDIR LOG... - the NAMING lines of node 1's serial logs
(one log per cluster size, from tests/bench/naming-bench.sh) into OUTDIR/naming.json, a
table on the terminal, and PNG plots drawn by gnuplot (tests/bench/naming.gp).

Targets (issue 4): a miss costs at most 1.5 times a unicast round trip (the 32-byte
Send-Receive-Reply to a process on the owner's node, `rtt`) at every cluster size,
compared by medians; a cache hit sends and receives no datagram at all. They are
reported, never the exit status. Metadata comes from the environment: BENCH_COMMIT,
BENCH_DIRTY, BENCH_QEMU, BENCH_QEMU_VERSION, BENCH_NIC, BENCH_MEM, BENCH_WALL_S.
Exit status 0, or 1 when a log lacks a figure it should hold or the plots failed.
"""
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys

LOOKUPS = ("hit", "miss", "unicast", "rtt", "rtt_ks", "miss_all")
DESCRIPTIONS = {
    "hit": "v_name_resolve answered by the team's cache (no datagram)",
    "miss": "cache entry dropped, then v_name_resolve: one NAME_LOOKUP group Send to "
            "the name's context group (the handlers holding a registration whose context "
            "hashes alike); the owner (node N) answers, any other member declines",
    "miss_all": "the same NAME_LOOKUP group Send to every name handler "
                "(V_GROUP_NAME_HANDLERS); the owner answers, all the others decline",
    "unicast": "v_name_resolve_at(node N's name handler): NAME_LOOKUP to one handler",
    "rtt": "32-byte Send-Receive-Reply to a bench peer process on node N (the baseline)",
    "rtt_ks": "KS_GET_TIME Send to node N's kernel server (answered in its kernel)",
    "clock": "an empty interval: the timing's own cost (two v_time_ns system calls), "
             "included in every other figure",
}
MISS_RATIO_MAX = 1.5
KV = re.compile(r"(\w+)=([^ ]+)")
TSC = re.compile(r"tsc (\d+) kHz")


def num(v):
    try:
        return int(v)
    except ValueError:
        return v


def parse(path):
    """(nodes, {lookup: fields}, traffic, [group fields], done fields, errors)"""
    look, groups, traffic, done, errors, nodes = {}, [], None, None, [], None
    for raw in open(path, encoding="utf-8", errors="replace"):
        line = raw.strip().replace("\r", "")
        kv = {k: num(v) for k, v in KV.findall(line)}
        tsc = TSC.search(line)
        if tsc:
            look["tsc_khz"] = int(tsc.group(1))
        if line.startswith("NAMING-START"):
            nodes = kv["nodes"]
        elif line.startswith("NAMING name="):
            look[kv.pop("name")] = kv
        elif line.startswith("NAMING-TRAFFIC"):
            traffic = kv
        elif line.startswith("NAMING-GROUP"):
            groups.append(kv)
        elif line.startswith("NAMING-DONE"):
            done = kv
        elif line.startswith("BENCH-ERROR"):
            errors.append(line)
    missing = [n for n in LOOKUPS if n not in look]
    if nodes is None or missing or traffic is None or done is None:
        errors.append("%s: incomplete (missing %s)" % (path, ", ".join(missing) or "lines"))
    return nodes, look, traffic, groups, done, errors


def figure(kv):
    return {k: kv[k] for k in ("ops", "median_ns", "p95_ns", "mean_ns", "min_ns", "max_ns",
                               "errors") if k in kv}


def git_meta():
    commit = os.environ.get("BENCH_COMMIT")
    if not commit:
        try:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                    capture_output=True, text=True).stdout.strip()
        except OSError:
            commit = ""
    return commit or "unknown"


def us(ns):
    return "%.1f" % (ns / 1000.0) if ns >= 10000 else "%.2f" % (ns / 1000.0)


def write_lookup_dat(path, sizes):
    with open(path, "w") as f:
        f.write("# nodes " + " ".join("%s_median_us %s_p95_us" % (n, n) for n in LOOKUPS)
                + " miss_over_rtt miss_over_unicast miss_all_over_rtt\n")
        for s in sizes:
            cols = []
            for n in LOOKUPS:
                cols += [s["lookups"][n]["median_ns"] / 1e3, s["lookups"][n]["p95_ns"] / 1e3]
            cols += [s["ratios"]["miss_over_rtt"], s["ratios"]["miss_over_unicast"],
                     s["ratios"]["miss_all_over_rtt"]]
            f.write("%d %s\n" % (s["nodes"], " ".join("%.3f" % c for c in cols)))


def plot(out, placements, group_rows, group_nodes):
    """Write the .dat files and run gnuplot; returns the PNGs made, or None."""
    dat = {}
    for pl in ("shared", "pinned"):
        dat[pl] = os.path.join(out, "naming_lookup_%s.dat" % pl)
        write_lookup_dat(dat[pl], placements.get(pl, []))
    gr = os.path.join(out, "naming_group.dat")
    with open(gr, "w") as f:
        f.write("# members first_median_us first_p95_us all_median_us all_p95_us\n")
        for g in group_rows:
            f.write("%d %.3f %.3f %.3f %.3f\n" % (g["members"], g["first"]["median_ns"] / 1e3,
                    g["first"]["p95_ns"] / 1e3, g["all"]["median_ns"] / 1e3,
                    g["all"]["p95_ns"] / 1e3))
    if not shutil.which("gnuplot"):
        print("naming-bench: gnuplot not found (make deps installs gnuplot-nox): no plots")
        return None
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "naming.gp")
    pngs = [os.path.join(out, p) for p in ("naming_lookup.png", "naming_ratio.png")]
    if group_rows:
        pngs.append(os.path.join(out, "naming_group.png"))
    args = ("shared='%s'; pinned='%s'; group='%s'; outdir='%s'; groups=%d; group_max=%d; "
            "group_nodes=%d; nic='%s'" % (dat["shared"], dat["pinned"], gr, out,
                                          1 if group_rows else 0, len(group_rows),
                                          group_nodes or 0, os.environ.get("BENCH_NIC", "?")))
    r = subprocess.run(["gnuplot", "-e", args, script], capture_output=True, text=True)
    if r.returncode != 0:
        print("naming-bench: gnuplot failed:\n" + r.stderr)
        return None
    return pngs


def host_cpu(log):
    """{node: host CPU seconds of its QEMU} from the .cpu file beside node 1's log."""
    path = log.replace(".node1.log", ".cpu")
    try:
        return {int(k): float(v) for k, v in (l.split() for l in open(path) if l.strip())}
    except (OSError, ValueError):
        return {}


def bystander_frames(log, nodes, ops, with_groups):
    """Mean frames the bridge delivered to each node other than node 1 and node N over
    the run (the .taps file beside node 1's log), per interleaved lookup round (warm-up
    included). In a round only miss_all should reach them (1.0); a figure near 2.0 would
    mean the context-group miss reached them too. None with groups (their Sends add
    frames) or below 3 nodes."""
    path = log.replace(".node1.log", ".taps")
    try:
        taps = {int(k): int(v) for k, v in (l.split() for l in open(path) if l.strip())}
    except (OSError, ValueError):
        return None
    others = [v for k, v in taps.items() if 1 < k < nodes]
    if with_groups or not others:
        return None
    rounds = ops + max(10, ops // 10)
    return round(sum(others) / len(others) / rounds, 3)


def size_record(nodes, path, look, traffic, done, with_groups):
    rtt, unicast, miss = (look[n]["median_ns"] for n in ("rtt", "unicast", "miss"))
    cpu = host_cpu(path)
    others = [v for k, v in cpu.items() if 1 < k < nodes]
    return {
        "nodes": nodes, "log": path, "guest_ms": done.get("guest_ms"),
        "tsc_khz": look.get("tsc_khz"),
        "host_cpu_s": {"owner": cpu.get(nodes), "others_mean":
                       round(sum(others) / len(others), 3) if others else None,
                       "per_node": {str(k): v for k, v in sorted(cpu.items())}},
        "lookups": {n: figure(look[n]) for n in LOOKUPS},
        "clock": figure(look["clock"]) if "clock" in look else None,
        "hit_traffic": {"ops": traffic["ops"], "tx": traffic["tx"], "rx": traffic["rx"]},
        "bystander_frames_per_round": bystander_frames(path, nodes, look["miss"]["ops"],
                                                       with_groups),
        "ratios": {"miss_over_rtt": round(miss / rtt, 3),
                   "miss_over_unicast": round(miss / unicast, 3),
                   "miss_over_rtt_p95": round(look["miss"]["p95_ns"] / look["rtt"]["p95_ns"], 3),
                   "unicast_over_rtt": round(unicast / rtt, 3),
                   "miss_all_over_rtt": round(look["miss_all"]["median_ns"] / rtt, 3)},
    }


def group_record(g):
    return {
        "members": g["members"], "ops": g["ops"], "errors": g["errors"],
        "first": {"median_ns": g["first_median_ns"], "p95_ns": g["first_p95_ns"],
                  "mean_ns": g["first_mean_ns"]},
        "all": {"median_ns": g["all_median_ns"], "p95_ns": g["all_p95_ns"],
                "mean_ns": g["all_mean_ns"], "max_ns": g["all_max_ns"]},
    }


def print_lookups(placement, sizes, nic):
    print("naming by multicast, %s, %s placement (emulated time under TCG; us, median / p95 "
          "of %d ops each):" % (nic, placement, sizes[0]["lookups"]["miss"]["ops"]))
    print("%5s %13s %16s %15s %15s %15s %16s %9s %9s %8s %10s %7s" % (
        "nodes", "hit", "miss", "unicast", "rtt", "rtt_ks", "miss_all", "miss/rtt", "miss/uni",
        "all/rtt", "hit tx/rx", "others"))
    for s in sizes:
        L = s["lookups"]
        b = s["bystander_frames_per_round"]
        print("%5d %13s %16s %15s %15s %15s %16s %9.2f %9.2f %8.2f %10s %7s" % (
            s["nodes"], *("%s / %s" % (us(L[n]["median_ns"]), us(L[n]["p95_ns"])) for n in LOOKUPS),
            s["ratios"]["miss_over_rtt"], s["ratios"]["miss_over_unicast"],
            s["ratios"]["miss_all_over_rtt"],
            "%d/%d" % (s["hit_traffic"]["tx"], s["hit_traffic"]["rx"]),
            "-" if b is None else "%.2f" % b))
    print()


def print_legend():
    print("miss: one group Send to the name's context group; miss_all: to every name handler.\n"
          "others: frames the bridge delivered to each node but the client and the owner, per\n"
          "round of the interleaved figures (1.00: only miss_all reached them; -: not measured,\n"
          "or group Sends in the same run).")
    print()


def print_groups(group_rows, group_nodes):
    print("group Send of a 32-byte message, %d-node cluster, members on other nodes "
          "(us: median / p95 of %d ops):" % (group_nodes, group_rows[0]["ops"]))
    print("%8s %17s %17s" % ("members", "first reply", "all replies"))
    for g in group_rows:
        print("%8d %17s %17s" % (g["members"],
              "%s / %s" % (us(g["first"]["median_ns"]), us(g["first"]["p95_ns"])),
              "%s / %s" % (us(g["all"]["median_ns"]), us(g["all"]["p95_ns"]))))
    print()


def main():
    out, args = sys.argv[1], sys.argv[2:]
    placements, group_rows, group_nodes, errors = {}, [], None, []
    for arg in args:
        placement, path = arg.split(":", 1) if ":" in arg else ("shared", arg)
        nodes, look, traffic, groups, done, errs = parse(path)
        errors += errs
        if errs:
            continue
        placements.setdefault(placement, []).append(
            size_record(nodes, path, look, traffic, done, bool(groups)))
        for g in groups:
            group_nodes = nodes
            group_rows.append(group_record(g))
    for e in errors:
        print("naming-bench: " + e)
    if not placements:
        return 1
    nic = os.environ.get("BENCH_NIC", "e1000")
    verdict = {}
    for placement in ("shared", "pinned"):
        sizes = placements.get(placement)
        if not sizes:
            continue
        sizes.sort(key=lambda s: s["nodes"])
        print_lookups(placement, sizes, nic)
        worst = max(sizes, key=lambda s: s["ratios"]["miss_over_rtt"])
        verdict[placement] = {
            "met": worst["ratios"]["miss_over_rtt"] <= MISS_RATIO_MAX,
            "worst_ratio": worst["ratios"]["miss_over_rtt"], "worst_nodes": worst["nodes"]}
    print_legend()
    if group_rows:
        print_groups(group_rows, group_nodes)
    every = [s for sizes in placements.values() for s in sizes]
    khz = sorted(s["tsc_khz"] for s in every if s.get("tsc_khz"))
    for s in every:
        if khz and s.get("tsc_khz") and abs(s["tsc_khz"] - khz[len(khz) // 2]) > khz[len(khz) // 2] / 20:
            print("note: node 1 of the %d-node cluster calibrated its clock at %d kHz, not about "
                  "%d: its absolute figures are off by that ratio (its ratios are not)" % (
                      s["nodes"], s["tsc_khz"], khz[len(khz) // 2]))
    hit_ok = all(s["hit_traffic"]["tx"] == 0 and s["hit_traffic"]["rx"] == 0 for s in every)
    for placement, v in verdict.items():
        print("target: miss <= %.1f x unicast round trip (rtt, medians) at every size, %s "
              "placement: %s (worst %.2f at %d nodes)" % (
                  MISS_RATIO_MAX, placement, "met" if v["met"] else "NOT met",
                  v["worst_ratio"], v["worst_nodes"]))
    print("target: a cache hit sends and receives no datagram: %s" % ("met" if hit_ok else "NOT met"))

    doc = {
        "benchmark": "naming",
        "description": "name lookups (cache hit, multicast miss to the context group and "
                       "to every handler, unicast query) and plain "
                       "round trips across vsys nodes on one bridge, per cluster size, and "
                       "group Sends to groups of 1..M members; emulated wall-clock ns per "
                       "operation, median and 95th percentile of single operations",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": git_meta(),
        "worktree_dirty": {"yes": True, "no": False}.get(os.environ.get("BENCH_DIRTY"), None),
        "qemu": os.environ.get("BENCH_QEMU", "qemu-system-i386"),
        "qemu_version": os.environ.get("BENCH_QEMU_VERSION", "unknown"),
        "accel": "tcg", "qemu_args": "-accel tcg -m %s" % os.environ.get("BENCH_MEM", "64"),
        "nic": nic,
        "host": {"machine": platform.machine(), "kernel": platform.release(),
                 "cpus": os.cpu_count()},
        "wall_s": int(os.environ.get("BENCH_WALL_S", "0")) or None,
        "lookup_descriptions": DESCRIPTIONS,
        "placement_descriptions": {
            "shared": "every node's QEMU on any host CPU, as the host's scheduler likes",
            "pinned": "node 1 (client) and node N (owner) on host CPU 0, the other nodes "
                      "on the other CPUs (taskset)"},
        "placements": placements,
        "groups": {"nodes": group_nodes, "placement": "shared",
                   "description": "BENCH_ECHO group Send to a created group of m bench "
                   "peers on other nodes; first = v_send_r's return, all = the m-th "
                   "distinct reply through v_get_reply", "results": group_rows},
        "targets": {"miss_over_rtt_max": MISS_RATIO_MAX, "miss": verdict,
                    "hit_traffic_zero": hit_ok,
                    "met": hit_ok and bool(verdict) and all(v["met"] for v in verdict.values()),
                    "note": "medians compared; rtt = 32-byte Send-Receive-Reply to a "
                            "process on the owner's node, measured in the same cluster"},
        "complete": not errors,
    }
    pngs = plot(out, placements, group_rows, group_nodes)
    doc["plots"] = pngs or []
    path = os.path.join(out, "naming.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    print("results: %s%s" % (path, "; plots: " + ", ".join(pngs) if pngs else ""))
    return 1 if errors or pngs is None else 0


if __name__ == "__main__":
    sys.exit(main())
