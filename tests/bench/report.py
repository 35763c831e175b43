#!/usr/bin/env python3
"""tests/bench/report.py - turn the bench program's serial logs into a table and JSON.

Called by tests/bench/run-bench.sh:
    report.py OUTDIR SET... (logs are OUTDIR/logs/SET.icount.log and SET.tcg.log)
Metadata comes from the environment: BENCH_COMMIT, BENCH_DIRTY, BENCH_QEMU_VERSION,
BENCH_QEMU, BENCH_ICOUNT_ARGS, BENCH_TCG_ARGS. Writes OUTDIR/<file>.json per set (the
schema is in docs/BENCH.md) and prints the table. Exit status 0, or 1 when a log lacks
a result it should hold.
"""
import datetime
import json
import os
import platform
import re
import sys

# set -> (json file stem, what it measures)
SETS = {
    "null": ("null_syscall",
             "null system call (GetPid of self): one trap into the kernel and back"),
    "rtt": ("ipc_rtt",
            "local Send-Receive-Reply round trip of a 32-byte message between two teams"),
    "move4k": ("move_4k",
               "Send granting a 4 KiB segment; the peer team MoveFroms / MoveTos all of "
               "it, then Replies"),
    "move64k": ("move_64k",
                "Send granting a 64 KiB segment; the peer team MoveFroms / MoveTos all "
                "of it, then Replies"),
}
TARGET_RTT_INSNS = 1000
SEL4_NOTE = ("seL4's IPC fast path costs about 770 cycles for Call + ReplyRecv on x86 "
             "(a comparison, not a like-for-like figure)")

LINE = re.compile(r"^BENCH (.*)$")
TSC = re.compile(r"tsc (\d+) kHz")


def parse_log(path):
    """Return ({name: fields}, tsc_khz, errors) from one serial log."""
    results, tsc, errors = {}, None, []
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return results, tsc, ["missing log " + path]
    for raw in text.splitlines():
        line = raw.strip("\r")
        m = TSC.search(line)
        if m and tsc is None:
            tsc = int(m.group(1))
        if line.startswith("BENCH-ERROR"):
            errors.append(line)
        m = LINE.match(line)
        if not m:
            continue
        fields = dict(kv.split("=", 1) for kv in m.group(1).split() if "=" in kv)
        results[fields["name"]] = fields
    return results, tsc, errors


def num(fields, key):
    v = fields.get(key)
    return float(v) if v is not None else None


def ints(fields, key):
    v = fields.get(key, "")
    return [int(x) for x in v.split(",") if x]


def merge(icount, tcg, tcg_tsc):
    """One result record from the same benchmark's icount and TCG lines."""
    base = icount or tcg
    rec = {
        "name": base["name"],
        "bytes": int(base["bytes"]),
        "iters_per_round": int(base["iters"]),
        "rounds": int(base["rounds"]),
        "warmup_iters": max(10, int(base["iters"]) // 10),
    }
    if icount:
        rec["icount"] = {
            "instructions_per_op": num(icount, "cycles_per_op"),
            "round_instructions": ints(icount, "round_cycles"),
        }
    if tcg:
        rec["tcg"] = {
            "ns_per_op": num(tcg, "ns_per_op"),
            "cycles_per_op": num(tcg, "cycles_per_op"),
            "mb_per_s": num(tcg, "mb_per_s"),
            "tsc_khz": tcg_tsc,
            "round_ns": ints(tcg, "round_ns"),
            "round_cycles": ints(tcg, "round_cycles"),
        }
    return rec


def fmt(v, nd=1):
    return "-" if v is None else f"{v:,.{nd}f}"


def main(argv):
    outdir, sets = argv[1], argv[2:]
    env = os.environ
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    meta = {
        "date": now,
        "commit": env.get("BENCH_COMMIT", "unknown"),
        "worktree_dirty": env.get("BENCH_DIRTY", "unknown") == "yes",
        "qemu": env.get("BENCH_QEMU", "qemu-system-i386"),
        "qemu_version": env.get("BENCH_QEMU_VERSION", "unknown"),
        "qemu_args": {"icount": env.get("BENCH_ICOUNT_ARGS", ""),
                      "tcg": env.get("BENCH_TCG_ARGS", "")},
        "host": {"machine": platform.machine(), "kernel": platform.release()},
    }
    rows, bad, written = [], [], []
    for s in sets:
        stem, what = SETS[s]
        ic, _, ic_err = parse_log(os.path.join(outdir, "logs", s + ".icount.log"))
        tc, tsc, tc_err = parse_log(os.path.join(outdir, "logs", s + ".tcg.log"))
        bad += ic_err + tc_err
        names = sorted(set(ic) | set(tc), key=lambda n: (list(ic) + list(tc)).index(n))
        path = os.path.join(outdir, stem + ".json")
        if not names:
            bad.append(f"set {s}: no BENCH lines")
            if os.path.exists(path):   # never leave an older run's figures behind
                os.remove(path)
            continue
        results = []
        for n in names:
            if n not in ic or n not in tc:
                bad.append(f"{n}: missing from the {'icount' if n not in ic else 'tcg'} run")
            results.append(merge(ic.get(n), tc.get(n), tsc))
        doc = dict(benchmark=stem, set=s, description=what, **meta, results=results)
        if s == "rtt":
            insns = results[0].get("icount", {}).get("instructions_per_op")
            doc["target"] = {"instructions_per_op_max": TARGET_RTT_INSNS,
                             "met": insns is not None and insns <= TARGET_RTT_INSNS,
                             "note": SEL4_NOTE}
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        written.append(path)
        rows += results

    hdr = f"{'benchmark':<14} {'bytes':>6} {'iters x rounds':>15} " \
          f"{'guest insns/op':>15} {'TCG ns/op':>11} {'TCG MB/s':>9}"
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        ic, tc = r.get("icount", {}), r.get("tcg", {})
        print(f"{r['name']:<14} {r['bytes']:>6} "
              f"{str(r['iters_per_round']) + ' x ' + str(r['rounds']):>15} "
              f"{fmt(ic.get('instructions_per_op')):>15} {fmt(tc.get('ns_per_op')):>11} "
              f"{fmt(tc.get('mb_per_s')):>9}")
    rtt = next((r for r in rows if r["name"] == "rtt32"), None)
    if rtt and "icount" in rtt:
        v = rtt["icount"]["instructions_per_op"]
        verdict = "met" if v <= TARGET_RTT_INSNS else "NOT met"
        print(f"\nround trip: {v:,.0f} guest instructions; target <= {TARGET_RTT_INSNS:,}: "
              f"{verdict} ({SEL4_NOTE})")
    print(f"JSON: {', '.join(written) if written else 'none written'}")
    for b in bad:
        print("error: " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
