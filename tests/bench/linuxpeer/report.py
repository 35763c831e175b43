#!/usr/bin/env python3
"""tests/bench/linuxpeer/report.py - results of the Linux peer (docs/BENCH.md).

  report.py write OUT.json     JSON from one NIC's run; the run's facts come from LP_*
                               environment variables set by run.sh, the figures from
                               the client's serial log (its LINUXBENCH lines)
  report.py table FILE.json... the table of one or more such files
"""
import datetime
import json
import os
import platform
import sys

NAMES = ("udp_rtt32", "tcp_64k", "tcp_1m")
DESCRIPTIONS = {
    "udp_rtt32": "32-byte UDP request, 32-byte response (first word + 1), client to server",
    "tcp_64k": "64 KiB over one TCP connection, acknowledged by the sink with 8 bytes",
    "tcp_1m": "1 MiB over one TCP connection, acknowledged by the sink with 8 bytes",
}


def parse_line(line):
    """The key=value fields of one LINUXBENCH line."""
    fields = {}
    for word in line.split()[1:]:
        key, _, value = word.partition("=")
        fields[key] = value
    return fields


def num(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def results_of(log):
    """One record per LINUXBENCH line of the client's log."""
    out = []
    try:
        lines = open(log, errors="replace").read().replace("\r", "").splitlines()
    except OSError:
        return out
    for line in lines:
        if not line.startswith("LINUXBENCH "):
            continue
        f = parse_line(line)
        rec = {
            "name": f.get("name"),
            "description": DESCRIPTIONS.get(f.get("name"), ""),
            "bytes": num(f.get("bytes", "0")),
            "iters_per_round": num(f.get("iters", "0")),
            "rounds": num(f.get("rounds", "0")),
            "warmup_iters": num(f.get("warmup", "0")),
            "ns_per_op": num(f.get("ns_per_op", "0")),
            "us_per_op": round(num(f.get("ns_per_op", "0")) / 1000.0, 2),
            "mb_per_s": num(f["mb_per_s"]) if "mb_per_s" in f else None,
            "resends": num(f["resends"]) if "resends" in f else None,
            "round_ns": [int(x) for x in f.get("round_ns", "").split(",") if x],
        }
        out.append(rec)
    return out


def up_line(log):
    """The guest's LINUXPEER-UP fields (driver, kernel, uptime), or {}."""
    try:
        for line in open(log, errors="replace").read().replace("\r", "").splitlines():
            if line.startswith("LINUXPEER-UP "):
                return parse_line(line)
    except OSError:
        pass
    return {}


def versions():
    out = {}
    try:
        for line in open(os.environ["LP_VERSIONS"]):
            key, _, value = line.strip().partition("=")
            out[key] = value
    except (OSError, KeyError):
        pass
    return out


def ms_to_s(text):
    return round(int(text) / 1000.0, 2) if text else None


def write(path):
    env = os.environ
    ver = versions()
    client_up, server_up = up_line(env["LP_CLIENT_LOG"]), up_line(env["LP_SERVER_LOG"])
    results = results_of(env["LP_CLIENT_LOG"])
    report = {
        "benchmark": "linux_peer",
        "description": "two Linux guests on one bridge, the same exchanges as the vsys"
                       " network benchmarks, for side-by-side ratios",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": env.get("LP_COMMIT", "unknown"),
        "worktree_dirty": {"yes": True, "no": False}.get(env.get("LP_DIRTY"), None),
        "qemu": env.get("LP_QEMU"),
        "qemu_version": env.get("LP_QEMU_VERSION"),
        "accel": "tcg",
        "qemu_args": "%s -m %s" % (env.get("LP_ACCEL_ARGS"), env.get("LP_MEM")),
        "nic": env["LP_NIC"],
        "nic_device": env["LP_DEVICE"],
        "mtu": int(env.get("LP_MTU", "1500")),
        "guest": {
            "kernel_package": ver.get("kernel_package"),
            "kernel_release": ver.get("kernel_release"),
            "busybox": ver.get("busybox_package"),
            "modules": ver.get("modules", "").split(),
            "driver": client_up.get("driver"),
            "memory_mb": int(env.get("LP_MEM", "0")),
            "server": env.get("LP_SERVER_IP"),
            "client": env.get("LP_CLIENT_IP"),
        },
        "host": {"machine": platform.machine(), "kernel": platform.release(),
                 "cpus": os.cpu_count()},
        "boot": {
            "server_up_wall_s": ms_to_s(env.get("LP_SERVER_UP_MS")),
            "client_up_wall_s": ms_to_s(env.get("LP_CLIENT_UP_MS")),
            "server_up_guest_s": num(server_up["uptime"]) if "uptime" in server_up else None,
            "client_up_guest_s": num(client_up["uptime"]) if "uptime" in client_up else None,
        },
        "wall_s": ms_to_s(env.get("LP_WALL_MS")),
        "complete": env.get("LP_OK") == "1" and [r["name"] for r in results] == list(NAMES),
        "results": results,
        "logs": {"client": env["LP_CLIENT_LOG"], "server": env["LP_SERVER_LOG"]},
    }
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    print("linux-peer: %s: %d results, %.1f s wall, written %s" % (
        report["nic"], len(results), report["wall_s"] or 0, path))
    return 0 if report["complete"] else 1


def table(paths):
    reports = [json.load(open(p)) for p in paths]
    print()
    print("Linux peer (%s, QEMU %s, TCG): median round, emulated wall clock" % (
        reports[0]["guest"]["kernel_release"] if reports else "?",
        reports[0]["qemu_version"] if reports else "?"))
    print("%-11s %-10s %8s %6s %14s %10s %12s" % (
        "nic", "benchmark", "bytes", "iters", "us/op", "MB/s", "boot (s)"))
    for r in reports:
        boot = r["boot"].get("client_up_wall_s")
        for res in r["results"]:
            print("%-11s %-10s %8d %6d %14.1f %10s %12s" % (
                r["nic"], res["name"], res["bytes"], res["iters_per_round"],
                res["ns_per_op"] / 1000.0,
                "%.1f" % res["mb_per_s"] if res["mb_per_s"] is not None else "-",
                "%.1f" % boot if boot is not None else "-"))
    print()
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "write":
        return write(argv[2])
    if len(argv) >= 3 and argv[1] == "table":
        return table(argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
