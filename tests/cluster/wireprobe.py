#!/usr/bin/env python3
"""wireprobe.py - the host side of tests/cluster/dissect.sh: bad datagrams to a node, its
own counters, and the checks of a capture decoded by tools/wireshark/vsys.lua.

  wireprobe.py bad ADDR OUT      the bad datagrams of vprobe.py (those that fit one frame
                                 and are not empty) to ADDR:4377, from one socket; OUT
                                 gets `port P`, then the reason vp_decode gives each
                                 (vprobe.decode), one a line, in the order sent
  wireprobe.py stats ADDR OUT    ADDR's KS_NET_STATS; OUT gets `client PID`, `txid T` (of
                                 that request) and one `NAME VALUE` line per counter
  wireprobe.py check FIELDS BAD STATS0 STATS NODE1LOG
                                 the checks of dissect.sh on the decoded capture (FIELDS:
                                 tshark -T fields, columns as FIELD_NAMES); prints
                                 PASS/FAIL lines and the counts by type and sender

Exit status 0 if it worked (check: if every check passed).
"""
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vprobe as V  # noqa: E402  (the protocol's reference decoder and a host client)

NODE1, NODE2 = "10.77.0.11", "10.77.0.12"
TYPES = ["REQUEST", "REPLY", "PENDING", "NACK", "ACK", "DATA", "DATA_ACK", "MOVE_FROM",
         "WHERE", "HERE"]
# struct v_net_stats, word by word (docs/NUMBERS.md)
COUNTERS = (["rx", "tx"] + ["malformed_" + r for r in V.REASONS] +
            ["retransmits", "duplicates", "stale", "give_ups", "nacks_sent", "aliens", "moves",
             "group_sends", "group_delivered", "group_no_member", "group_replies",
             "group_late", "group_overflow", "tx_inplace", "pages_held", "tx_gso", "rx_gso",
             "group_mcasts", "aliens_refused", "aliens_expired"])
# The columns dissect.sh asks tshark for, in order.
FIELD_NAMES = ["frame", "src", "dst", "sport", "dport", "protocols", "type", "flags", "txid",
               "client", "drop", "severity", "malformed", "code", "seg_len", "info"]
SEVERITY_ERROR = 0x00800000            # PI_ERROR, as tshark prints _ws.expert.severity
CT_SUM, CT_FILL, CT_BIG = 0x7102, 0x7103, 1 << 20   # servers/ctest/ctest.h


def cmd_bad(addr, out):
    rng = random.Random(int(os.environ.get("VPROBE_SEED", "4377")))
    bad = [d for _, d in V.bad_datagrams(rng) if 0 < len(d) <= V.HDR.size + V.MAX_DATA + 32]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    with open(out, "w") as f:
        f.write("port %d\n" % s.getsockname()[1])
        for d in bad:
            s.sendto(d, (addr, V.PORT))
            f.write(V.decode(d) + "\n")
            time.sleep(0.002)            # no NIC ring overflows
    return 0


def cmd_stats(addr, out):
    c = V.Client()
    words = V.net_counters(c, addr)
    with open(out, "w") as f:
        f.write("client %d\ntxid %d\n" % (c.pid, c.txid))
        for name, v in zip(COUNTERS, words):
            f.write("%s %d\n" % (name, v))
    return 0


def num(s):
    return int(s, 0) if s else None


def read_fields(path):
    rows = []
    for line in open(path, errors="replace"):
        cols = line.rstrip("\n").split("\t")
        cols += [""] * (len(FIELD_NAMES) - len(cols))
        r = dict(zip(FIELD_NAMES, cols))
        for k in ("frame", "sport", "dport", "type", "flags", "txid", "client", "drop", "code",
                  "seg_len"):
            r[k] = num(r[k].split(",")[0])
        rows.append(r)
    return rows


def is_multi(addr):
    first = int(addr.split(".")[0]) if addr else 0
    return 224 <= first <= 239 or addr.endswith(".255")


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, why=""):
        if ok:
            self.passed += 1
            print("PASS dissect/%s" % name)
        else:
            self.failed += 1
            print("FAIL dissect/%s: %s" % (name, why))


def check_decoding(ck, rows, badport):
    """Every datagram of port 4377 is vsys, the workload's are all well-formed, every type
    has its name, and the bad datagrams are flagged by the receiver's reasons."""
    notvsys = [r["frame"] for r in rows if ":vsys" not in r["protocols"] or
               r["protocols"].endswith(":data")]
    ck.check("every_4377_datagram_decoded_as_vsys", rows and not notvsys,
             "%d datagrams, frames not vsys: %s" % (len(rows), notvsys[:10]))
    work = [r for r in rows if r["sport"] != badport]
    bad = [r["frame"] for r in work if r["drop"] is not None or r["malformed"] or
           any(s and int(s) >= SEVERITY_ERROR for s in r["severity"].split(","))]
    ck.check("workload_has_no_malformed_packet", work and not bad,
             "%d of %d flagged, frames %s" % (len(bad), len(work), bad[:10]))
    unnamed = [r["frame"] for r in work if not r["type"] or r["type"] > len(TYPES) or
               not r["info"].startswith(TYPES[r["type"] - 1] + " ")]
    ck.check("every_packet_named_by_its_type", work and not unnamed,
             "frames whose Info does not start with their type's name: %s" % unnamed[:10])
    seen = {TYPES[r["type"] - 1] for r in work if r["type"] and r["type"] <= len(TYPES)}
    missing = [t for t in TYPES if t not in seen]
    ck.check("every_packet_type_seen", not missing, "never seen: %s" % " ".join(missing))
    return work


def check_bad(ck, rows, badfile):
    lines = open(badfile).read().split()
    badport, want = int(lines[1]), lines[2:]
    got = [r for r in rows if r["sport"] == badport]
    names = [V.REASONS[r["drop"]] if r["drop"] is not None else "ok" for r in got]
    experts = [r for r in got if not any(s and int(s) >= SEVERITY_ERROR
                                         for s in r["severity"].split(","))]
    wrong = [(i, w, g) for i, (w, g) in enumerate(zip(want, names)) if w != g]
    by = {}
    for w in want:
        by[w] = by.get(w, 0) + 1
    print("  %d bad datagrams sent to node 2 (%s)" % (len(want), ", ".join(
        "%s %d" % (r, by[r]) for r in V.REASONS if r in by)))
    ck.check("bad_datagrams_flagged_with_the_receivers_reason",
             len(got) == len(want) and not wrong and not experts,
             "%d captured of %d sent, %d with another reason (first: %s), %d without an "
             "expert error" % (len(got), len(want), len(wrong), wrong[:3], len(experts)))
    return badport


def read_stats(path):
    d = {}
    for line in open(path):
        k, v = line.split()
        d[k] = int(v)
    return d


def stats_frames(rows, st):
    """The frames of the host's KS_NET_STATS request to node 2 and of node 2's reply."""
    q = [r["frame"] for r in rows if r["type"] == 1 and r["client"] == st["client"] and
         r["txid"] == st["txid"] and r["dst"] == NODE2]
    a = [r["frame"] for r in rows if r["type"] == 2 and r["client"] == st["client"] and
         r["txid"] == st["txid"] and r["src"] == NODE2]
    return (q[0], a[0]) if q and a else (None, None)


def check_node2(ck, rows, st0, st):
    """Node 2's own counters (KS_NET_STATS) against the capture. The host asks twice:
    once while ctest runs (st0), once at the end (st). A node reads its counters and
    then sends its reply, so its datagrams captured before the reply are exactly those
    counted, and the change between the two answers is exactly what the capture holds
    from the first reply up to the second. The window starts after boot because a
    node's tx counts a datagram when lwIP takes it: at boot, answers that wait for ARP
    beyond lwIP's queue (ARP_QUEUE_LEN, 3 per neighbour) are dropped unseen (node 2
    answers node 1's first WHEREs before it knows node 1's MAC). malformed[] is compared
    since boot: the bad datagrams are all sent inside the window anyway."""
    q0, a0 = stats_frames(rows, st0)
    q1, a1 = stats_frames(rows, st)
    if not a0 or not a1:
        ck.check("node2_stats_requests_captured", False, "the host's requests or node 2's "
                 "replies are not in the capture")
        return
    d = {k: st[k] - st0[k] for k in st}
    sent = [r for r in rows if r["src"] == NODE2 and r["sport"] == V.PORT and a0 <= r["frame"] < a1]
    flagged = lambda r, f: r["flags"] is not None and r["flags"] & f
    nacks = sum(r["type"] == 4 for r in sent)
    mcasts = sum(r["type"] == 1 and flagged(r, V.F_MULTICAST) and not flagged(r, V.F_RETRANSMIT)
                 for r in sent)
    retx = sum(bool(flagged(r, V.F_RETRANSMIT)) for r in sent)
    to = [r for r in rows if q0 < r["frame"] <= q1 and r["dport"] == V.PORT and r["src"] != NODE2]
    uni = sum(r["dst"] == NODE2 for r in to)
    multi = sum(is_multi(r["dst"]) for r in to)
    boot = sum(r["src"] == NODE2 and r["sport"] == V.PORT and r["frame"] < a1 for r in rows)
    print("  node 2 counted, between the host's two requests: tx %d, nacks_sent %d, "
          "group_mcasts %d, retransmits %d, rx %d" % (d["tx"], d["nacks_sent"],
                                                      d["group_mcasts"], d["retransmits"], d["rx"]))
    print("  capture, the same window: from node 2 %d (NACK %d, first multicast REQUEST %d, "
          "RETRANSMIT set %d); to node 2 %d unicast + %d multicast" % (
              len(sent), nacks, mcasts, retx, uni, multi))
    print("  since boot (not compared): node 2 counted tx %d, the capture has %d from it"
          % (st["tx"], boot))
    ck.check("node2_tx_equals_its_datagrams_captured", d["tx"] == len(sent),
             "tx %d, captured %d" % (d["tx"], len(sent)))
    ck.check("node2_nacks_sent_equals_nacks_captured", d["nacks_sent"] == nacks,
             "nacks_sent %d, captured %d" % (d["nacks_sent"], nacks))
    ck.check("node2_group_mcasts_equals_first_multicast_requests", d["group_mcasts"] == mcasts,
             "group_mcasts %d, captured %d" % (d["group_mcasts"], mcasts))
    # A DATA burst resent counts once however many packets it has, and a stored packet
    # sent again keeps its flag: the flag count bounds retransmits from above only.
    ck.check("node2_retransmits_within_packets_flagged", d["retransmits"] <= retx,
             "retransmits %d, RETRANSMIT set on %d" % (d["retransmits"], retx))
    # rx: every unicast datagram to node 2 reaches it on a clean bridge; of the multicast
    # ones only those of groups it has joined (and the capture cannot see memberships).
    ck.check("node2_rx_within_unicast_and_multicast_captured", uni <= d["rx"] <= uni + multi,
             "rx %d, want %d..%d" % (d["rx"], uni, uni + multi))
    got = [0] * len(V.REASONS)
    for r in rows:
        if r["dst"] == NODE2 and r["frame"] < a1 and r["drop"] is not None:
            got[r["drop"]] += 1
    mine = [st["malformed_" + r] for r in V.REASONS]
    print("  node 2's malformed counters since boot: %s" % ", ".join(
        "%s %d" % (V.REASONS[i], mine[i]) for i in range(1, len(V.REASONS))))
    ck.check("node2_malformed_counters_equal_flagged_by_reason", got[1:] == mine[1:],
             "node 2 counted %s, the dissector flagged %s (%s)" % (mine[1:], got[1:],
                                                                  " ".join(V.REASONS[1:])))


def check_node1(ck, rows, log):
    """Node 1's own counters as ctest prints them around its 1 MiB moves (its tx across
    the MoveFrom, its rx across the MoveTo) against the capture of that transaction."""
    said = {}
    for line in open(log, errors="replace"):
        w = line.split()
        if len(w) >= 7 and w[0] in ("MoveFrom", "MoveTo") and w[1:3] == ["1", "MiB:"]:
            said[w[0]] = int(w[5])
    for what, code, sent in (("MoveFrom", CT_SUM, True), ("MoveTo", CT_FILL, False)):
        req = [r for r in rows if r["src"] == NODE1 and r["type"] == 1 and r["code"] == code
               and r["seg_len"] == CT_BIG]
        if not req or what not in said:
            ck.check("node1_%s_counter_equals_capture" % what, False,
                     "no %s of 1 MiB in the capture or in node 1's log" % what)
            continue
        q = req[0]
        rep = [r for r in rows if r["type"] == 2 and r["txid"] == q["txid"] and
               r["client"] == q["client"] and r["dst"] == NODE1]
        end = rep[0]["frame"] if rep else 1 << 60
        span = [r for r in rows if q["frame"] <= r["frame"] <= end]
        if sent:
            lo = hi = sum(r["src"] == NODE1 for r in span)
            how = "datagrams node 1 sent"
        else:
            lo = sum(r["dst"] == NODE1 for r in span)
            hi = lo + sum(is_multi(r["dst"]) and r["src"] != NODE1 for r in span)
            how = "datagrams to node 1"
        types = {}
        for r in span:
            if (r["src"] == NODE1) == sent:
                types[TYPES[r["type"] - 1]] = types.get(TYPES[r["type"] - 1], 0) + 1
        print("  node 1's %s of 1 MiB: it counted %d, the capture has %d..%d %s (%s)" % (
            what, said[what], lo, hi, how, ", ".join("%s %d" % kv for kv in sorted(types.items()))))
        ck.check("node1_%s_counter_equals_capture" % what, lo <= said[what] <= hi,
                 "node 1 counted %d, capture %d..%d" % (said[what], lo, hi))


def print_counts(rows):
    senders = sorted({r["src"] for r in rows})
    print("  %-10s %s" % ("type", " ".join("%12s" % s for s in senders)))
    for i, t in enumerate(TYPES):
        n = [sum(r["type"] == i + 1 and r["src"] == s and r["drop"] is None for r in rows)
             for s in senders]
        if any(n):
            print("  %-10s %s" % (t, " ".join("%12d" % k for k in n)))


def cmd_check(fields, badfile, stats0, stats, log):
    ck = Checks()
    rows = read_fields(fields)
    badport = int(open(badfile).read().split()[1])
    check_decoding(ck, rows, badport)
    print_counts(rows)
    check_bad(ck, rows, badfile)
    check_node2(ck, rows, read_stats(stats0), read_stats(stats))
    check_node1(ck, rows, log)
    return 1 if ck.failed else 0


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "bad":
            return cmd_bad(argv[1], argv[2])
        if len(argv) == 3 and argv[0] == "stats":
            return cmd_stats(argv[1], argv[2])
        if len(argv) == 6 and argv[0] == "check":
            return cmd_check(*argv[1:])
    except (OSError, ValueError) as e:
        print("wireprobe: %s" % e)
        return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
