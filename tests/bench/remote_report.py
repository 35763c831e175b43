#!/usr/bin/env python3
"""tests/bench/remote_report.py LOG NIC OUTDIR - the cross-node BENCH lines of node 1's
log into OUTDIR/remote_NIC.json, a table, and the ratios against the Linux peer of the
same NIC (OUTDIR/linux_peer_NIC.json) when it exists. Targets (issue 3): our round trip
at most half of Linux's UDP round trip; our bulk throughput at least Linux's TCP."""
import datetime, json, os, re, subprocess, sys

log, nic, out = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(log, errors="replace").read().replace("\r", "")
res = {}
for line in text.splitlines():
    if line.startswith("BENCH name="):
        kv = dict(re.findall(r"(\w+)=([^ ]+)", line))
        res[kv["name"]] = {
            "bytes": int(kv["bytes"]), "iters_per_round": int(kv["iters"]),
            "rounds": int(kv["rounds"]), "ns_per_op": float(kv["ns_per_op"]),
            "mb_per_s": float(kv["mb_per_s"]) if "mb_per_s" in kv else None,
            "round_ns": [int(x) for x in kv["round_ns"].split(",")],
        }
if "rtt32" not in res:
    sys.exit("remote-bench: no BENCH lines in " + log)
try:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
except OSError:
    commit = "unknown"
mtu = int(nic.rsplit("-mtu", 1)[1]) if "-mtu" in nic else 1500
doc = {"benchmark": "remote", "nic": nic, "mtu": mtu, "accel": "tcg", "commit": commit,
       "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
       "description": "vsys node 1 -> node 2 on one bridge: Send-Receive-Reply and moves; "
                      "emulated wall-clock ns per operation (median round)",
       "results": res}
linux = None
lp = os.path.join(out, "linux_peer_%s.json" % nic)
if os.path.exists(lp):
    linux = {r["name"]: r for r in json.load(open(lp))["results"]}
rows, ratios = [], {}
def ratio(name, ours, theirs, better_low):
    r = ours / theirs if theirs else None
    ratios[name] = r
    return r
print("\nremote benchmarks, %s (emulated time under TCG):" % nic)
print("%-14s %12s %12s %14s %8s" % ("benchmark", "vsys", "linux", "vsys/linux", "target"))
if linux and "udp_rtt32" in linux:
    r = ratio("rtt32", res["rtt32"]["ns_per_op"], linux["udp_rtt32"]["ns_per_op"], True)
    print("%-14s %10.1fus %10.1fus %14.2f %8s" % ("rtt32", res["rtt32"]["ns_per_op"] / 1e3,
          linux["udp_rtt32"]["ns_per_op"] / 1e3, r, "<= 0.50"))
else:
    print("%-14s %10.1fus %12s" % ("rtt32", res["rtt32"]["ns_per_op"] / 1e3, "-"))
for ours, theirs in (("moveto_64k", "tcp_64k"), ("moveto_1m", "tcp_1m"),
                     ("movefrom_64k", "tcp_64k"), ("movefrom_1m", "tcp_1m")):
    if ours not in res:
        continue
    mine = res[ours]["mb_per_s"]
    if linux and theirs in linux and linux[theirs].get("mb_per_s"):
        r = ratio(ours, mine, linux[theirs]["mb_per_s"], False)
        print("%-14s %9.1fMB/s %9.1fMB/s %14.2f %8s" % (ours, mine, linux[theirs]["mb_per_s"], r, ">= 1.00"))
    else:
        print("%-14s %9.1fMB/s %12s" % (ours, mine, "-"))
doc["linux_peer"] = lp if linux else None
doc["ratios"] = ratios
doc["targets"] = {"rtt32_ratio_max": 0.5, "throughput_ratio_min": 1.0,
                  "met": bool(ratios) and ratios.get("rtt32", 9) <= 0.5 and
                  all(v >= 1.0 for k, v in ratios.items() if k != "rtt32")}
json.dump(doc, open(os.path.join(out, "remote_%s.json" % nic), "w"), indent=1)
print("targets met: %s   (%s)" % (doc["targets"]["met"], os.path.join(out, "remote_%s.json" % nic)))
