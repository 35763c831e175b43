#!/usr/bin/env python3
"""vprobe.py - the host side of the fault tests (tests/cluster/faults.sh): speaks the
inter-kernel protocol (docs/PROTOCOL.md) with plain UDP sockets, feeds nodes bad
datagrams, and steers a VDE wirefilter.

  vprobe.py call ADDR PID CODE [W0..W4]   one Send to PID at node ADDR; prints the reply
  vprobe.py killgo QPID ADDR PID [W0..]   SIGKILL process QPID, then at once Send CT_GO
                                          (with the words given) to PID at ADDR
  vprobe.py fuzz ADDR...                  bad datagrams to UDP port 4377 of each node, then
                                          checks that it answers and counted every one
                                          under the right reason; prints PASS/FAIL lines
  vprobe.py aliens FROM ADDR              requests of 40 clients of one node (sent from our
                                          address FROM) to a process of ADDR that never
                                          receives: ADDR takes its share, refuses the rest,
                                          forgets them 10 s after they stop asking
  vprobe.py wf SOCKET COMMAND...          management commands to a wirefilter

Exit status 0 if everything worked (fuzz: every check passed).
"""
import os
import random
import signal
import socket
import struct
import sys
import time

PORT = 4377
MAGIC, VERSION = 0x5653, 1
(REQUEST, REPLY, PENDING, NACK, ACK, DATA, DATA_ACK, MOVE_FROM, WHERE, HERE) = range(1, 11)
TYPE_MAX = HERE
F_RETRANSMIT, F_MULTICAST, F_LAST, F_START, F_KNOWN = 1, 2, 4, 8, 0xF
MSG_SIZE, MAX_DATA = 32, 1408                 # libv/include/v/proto.h
DATA_MAX = 6 * MAX_DATA                       # V_PROTO_DATA_MAX: jumbo DATA's 6 slots
HDR = struct.Struct("!HBBHHIIIIII")      # magic version type flags length txid client server offset aux seq
MSG = struct.Struct("!HHIIIIIII")        # code flags w0..w4 seg_ptr seg_len
REASONS = ["ok", "short", "magic", "version", "type", "flags", "length", "payload", "pid"]
ERR_MIN = -20
GROUP_BIT = 0x80000000
KS_NODE_INFO, KS_NET_STATS = 0x10D, 0x113
KS_PROCESS_INFO, KS_PROCESS_LIST = 0x100, 0x101
PROC_INFO = struct.Struct("<IIIIIII16s")        # struct v_proc_info, 44 bytes
V_ENOMEM = -8
PS_DELAYED = 6                                   # enum v_proc_state
SEG_WRITE = 2
NET_STATS = struct.Struct("<" + "I" * 24)  # struct v_net_stats, the node's byte order (i386)
CT_GO = 0x7180


def lhost_make(node, n):
    return ((node & 0xFF) << 7) | (n & 0x7F)


def pid_make(lhost, local):
    return ((lhost & 0x7FFF) << 16) | (local & 0xFFFF)


def ks_of(node):
    return pid_make(lhost_make(node, 0), 1)


def node_of(addr):
    return int(addr.split(".")[3]) - 10       # 10.77.0.1N is node N (faults.sh)


def header(typ, length, txid=1, client=0, server=0, offset=0, aux=0, seq=0, flags=0,
           magic=MAGIC, version=VERSION):
    return HDR.pack(magic, version, typ, flags, length, txid, client, server, offset, aux, seq)


def msg(code, words=(), flags=0, seg_ptr=0, seg_len=0):
    w = list(words) + [0] * (5 - len(words))
    return MSG.pack(code, flags, *w[:5], seg_ptr, seg_len)


def is_process(p):
    return p != 0 and not p & GROUP_BIT


def decode_rules(buf):
    """vp_decode's rules but the last one (LAST only on DATA): see decode."""
    if len(buf) < 32:
        return "short"
    magic, ver, typ, flags, length, txid, client, server, offset, aux, seq = HDR.unpack_from(buf)
    if magic != MAGIC:
        return "magic"
    if ver != VERSION:
        return "version"
    if typ == 0 or typ > TYPE_MAX:
        return "type"
    if flags & ~F_KNOWN:
        return "flags"
    if length > 4 + DATA_MAX or 32 + length != len(buf):
        return "length"
    n, pl = length, buf[32:]
    if typ == REQUEST:
        if n < MSG_SIZE or n > MSG_SIZE + MAX_DATA:
            return "length"
        if not is_process(client) or not server:
            return "pid"
        if bool(server & GROUP_BIT) != bool(flags & F_MULTICAST):
            return "flags"
        return "ok"
    if typ == REPLY:
        if n < MSG_SIZE or n > MSG_SIZE + MAX_DATA:
            return "length"
        return "ok" if is_process(client) and is_process(aux) else "pid"
    if typ in (PENDING, ACK, DATA_ACK):
        if n:
            return "length"
        return "ok" if is_process(client) else "pid"
    if typ == NACK:
        if n != 4:
            return "length"
        err = struct.unpack("!i", pl[:4])[0]
        if err >= 0 or err < ERR_MIN:
            return "payload"
        return "ok" if is_process(client) else "pid"
    if typ == DATA:
        if n <= 4 or n > 4 + DATA_MAX:
            return "length"
        if offset > aux or n - 4 > aux - offset:
            return "payload"
        return "ok" if is_process(client) and is_process(server) else "pid"
    if typ == MOVE_FROM:
        if n:
            return "length"
        if aux == 0 or offset + aux > 0xFFFFFFFF:
            return "payload"
        return "ok" if is_process(client) and is_process(server) else "pid"
    if typ in (WHERE, HERE):
        if n:
            return "length"
        return "ok" if aux and aux <= 0x7FFF else "payload"
    return "type"


def decode(buf):
    """The reason net/proto_codec.c's vp_decode gives for buf, by name ("ok" if valid)."""
    why = decode_rules(buf)
    if why != "ok":
        return why
    flags = HDR.unpack_from(buf)[3]
    if flags & F_LAST and buf[3] != DATA:
        return "flags"                   # LAST is DATA's alone, checked after every other rule
    if flags & F_START and (buf[3] != REQUEST or flags & F_MULTICAST):
        return "flags"                   # START: a unicast REQUEST's alone
    return why


class Client:
    """A V client process on the host: its own pid, txids, and UDP port."""

    def __init__(self, bind_to="0.0.0.0"):
        me = os.getpid()
        self.pid = pid_make(lhost_make(250, me % 127 + 1), 0x100 | (me & 0xFF))
        self.txid = (random.randrange(1, 256) << 24) | 1
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((bind_to, 0))

    def call(self, addr, server, m, limit=10.0):
        """Send message m to server at addr; returns (reply message words, data) or raises."""
        self.txid += 1
        txid = self.txid
        pkt = header(REQUEST, len(m), txid, self.pid, server) + m
        t0 = time.monotonic()
        rto, deadline = 0.1, t0 + 0.1
        self.sock.sendto(pkt, (addr, PORT))
        while True:
            now = time.monotonic()
            if now - t0 > limit:
                raise TimeoutError("no reply from %s in %.1f s" % (addr, limit))
            if now >= deadline:
                retx = bytearray(pkt)
                retx[5] |= F_RETRANSMIT
                self.sock.sendto(bytes(retx), (addr, PORT))
                rto = min(rto * 2, 1.0)
                deadline = now + rto
                continue
            self.sock.settimeout(deadline - now)
            try:
                data, src = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            if decode(data) != "ok":
                continue
            h = HDR.unpack_from(data)
            typ, rtx, client, aux = h[2], h[5], h[6], h[9]
            if client != self.pid or rtx != txid:
                continue
            if typ == PENDING:
                deadline = time.monotonic() + 1.0
            elif typ == NACK:
                raise OSError("NACK %d from %s" % (struct.unpack("!i", data[32:36])[0], addr))
            elif typ == REPLY:
                self.sock.sendto(header(ACK, 0, txid, self.pid, aux), src)
                return MSG.unpack_from(data, 32), data[64:]

    def net_stats(self, addr):
        r, data = self.call(addr, ks_of(node_of(addr)),
                            msg(KS_NET_STATS, flags=SEG_WRITE, seg_ptr=0x40000000,
                                seg_len=NET_STATS.size))
        if r[0] != 0 or len(data) < NET_STATS.size:
            raise OSError("KS_NET_STATS of %s: code %d, %d bytes" % (addr, r[0], len(data)))
        v = NET_STATS.unpack_from(data)
        return {"rx": v[0], "tx": v[1], "malformed": list(v[2:11])}


def net_counters(c, addr):
    """Every counter of a node's struct v_net_stats (KS_NET_STATS), as a list of words."""
    r, data = c.call(addr, ks_of(node_of(addr)),
                     msg(KS_NET_STATS, flags=SEG_WRITE, seg_ptr=0x40000000, seg_len=1400))
    if r[0] != 0 or len(data) < 31 * 4:
        raise OSError("KS_NET_STATS of %s: code %d, %d bytes" % (addr, r[0], len(data)))
    return list(struct.unpack_from("<31I", data))


ALIENS_REFUSED, ALIENS_EXPIRED = 29, 30        # word indexes in struct v_net_stats


def pm_ticker(c, addr):
    """The pid of node addr's program manager's ticker: the pm team's process that is not
    its root (it is delayed nearly always, and never receives), or 0."""
    node, first = node_of(addr), 0
    while True:
        r, data = c.call(addr, ks_of(node), msg(KS_PROCESS_LIST, (first,), flags=SEG_WRITE,
                                                 seg_ptr=0x40000000, seg_len=1400))
        if r[0] != 0 or r[3] == 0:
            return 0
        for k in range(min(r[3], len(data) // PROC_INFO.size)):
            pid, team, state, _, _, _, _, name = PROC_INFO.unpack_from(data, k * PROC_INFO.size)
            if name.split(b"\0")[0] == b"pm" and pid != team:
                return pid
        first += r[3]
        if first >= r[2]:
            return 0


def cmd_aliens(flood_from, addr, n=40, share=32, idle=10.0):
    """Requests from n clients of one node (flood_from: an address of our own) to a process
    of node addr that never receives (its program manager's ticker, found by its process
    list): the node takes its share of them and refuses the rest with V_ENOMEM, still
    serves others, and forgets the ones it took once nobody asks for them (issue 12,
    defect 1)."""
    c, node = Client(), node_of(addr)
    ticker = pm_ticker(c, addr)
    r, _ = c.call(addr, ks_of(node), msg(KS_PROCESS_INFO, (ticker,)))
    if not ticker or r[0] != 0 or r[2] != PS_DELAYED:
        print("FAIL faults/aliens_setup: pid 0x%08x code %d state %d" % (ticker, signed16(r[0]), r[2]))
        return 1
    primer = Client(flood_from)          # the node learns (ARPs) the other address now
    primer.pid = pid_make(lhost_make(251, 2), 0x1FF)
    primer.call(addr, ks_of(node), msg(KS_NODE_INFO))
    before = net_counters(c, addr)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((flood_from, 0))
    lh = lhost_make(251, 1)
    for k in range(n):
        s.sendto(header(REQUEST, 32, k + 1, pid_make(lh, 0x200 + k), ticker) + msg(0x7777), (addr, PORT))
    nacks, end = 0, time.monotonic() + 1.0
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            data, _ = s.recvfrom(4096)
        except socket.timeout:
            break
        if decode(data) == "ok" and data[3] == NACK and struct.unpack("!i", data[32:36])[0] == V_ENOMEM:
            nacks += 1
    mid = net_counters(c, addr)
    refused = mid[ALIENS_REFUSED] - before[ALIENS_REFUSED]
    r, _ = c.call(addr, ks_of(node), msg(KS_NODE_INFO))
    ok = nacks == n - share and refused == n - share and r[0] == 0 and r[2] == node
    print("  node %d: %d requests from one node, %d refused (V_ENOMEM), still answers others: %s"
          % (node, n, refused, r[0] == 0))
    print("%s faults/aliens_one_node_holds_at_most_its_share%s" % (
        "PASS" if ok else "FAIL", "" if ok else ": %d NACKs, %d refused, want %d" % (nacks, refused, n - share)))
    t0 = time.monotonic()
    expired = 0
    while time.monotonic() - t0 < idle + 5 and expired < share:
        time.sleep(0.5)
        expired = net_counters(c, addr)[ALIENS_EXPIRED] - before[ALIENS_EXPIRED]
    waited = time.monotonic() - t0
    ok2 = expired == share and waited >= idle - 1.5
    print("  node %d forgot %d aliens %.1f s after their clients stopped asking" % (node, expired, waited))
    print("%s faults/aliens_forgotten_when_their_clients_stop_asking%s" % (
        "PASS" if ok2 else "FAIL", "" if ok2 else ": %d of %d after %.1f s" % (expired, share, waited)))
    return 0 if ok and ok2 else 1


def signed16(v):
    return v - 0x10000 if v & 0x8000 else v


def cmd_call(addr, pid, code, words):
    c = Client()
    r, data = c.call(addr, pid, msg(code, words))
    print("reply code %d words %s" % (signed16(r[0]), " ".join("0x%x" % w for w in r[2:7])))
    return 0 if r[0] == 0 else 1


def cmd_killgo(qpid, addr, pid, words):
    c = Client()                          # everything set up before the kill
    m = msg(CT_GO, words)
    os.kill(qpid, signal.SIGKILL)
    t = time.monotonic()
    r, _ = c.call(addr, pid, m)
    print("killed %d; the client heard of it %.1f ms later" % (qpid, (time.monotonic() - t) * 1000))
    return 0 if r[0] == 0 else 1


# ---- bad datagrams ----

def valid_packets(rng):
    """Well-formed packets of every type, as material for mutations (never sent as is)."""
    c, s = pid_make(lhost_make(250, 1), 0x101), pid_make(lhost_make(2, 0), 0x205)
    m = msg(0x7101, (1, 2, 3, 4, 5))
    return [
        header(REQUEST, 32, 7, c, s) + m,
        header(REQUEST, 40, 7, c, s) + m + b"segment!",
        header(REPLY, 32, 7, c, s, aux=s) + m,
        header(PENDING, 0, 7, c, s),
        header(NACK, 4, 7, c, s) + struct.pack("!i", -1),
        header(ACK, 0, 7, c, s),
        header(DATA, 20, 7, c, s, offset=0, aux=4096) + bytes(20),
        header(DATA_ACK, 0, 7, c, s, offset=0, aux=0xFFFF),
        header(MOVE_FROM, 0, 7, c, s, offset=0x40000000, aux=100),
        header(WHERE, 0, aux=lhost_make(9, 0)),
        header(HERE, 0, aux=lhost_make(9, 0)),
    ]


def bad_datagrams(rng):
    """(kind, datagram) pairs, every one malformed."""
    c, s = pid_make(lhost_make(250, 1), 0x101), pid_make(lhost_make(2, 0), 0x205)
    m = msg(0x7101, (1, 2, 3, 4, 5))
    req = header(REQUEST, 32, 9, c, s) + m
    out = []
    for n in (0, 1, 2, 16, 31):
        out.append(("truncated", req[:n]))
    out.append(("truncated", req[:40]))                 # header says 32 bytes follow, 8 do
    out.append(("truncated", req[:63]))
    for n in (MAX_DATA + 1, MAX_DATA + 64, 2000):          # just past the limit (IP fragments)
        out.append(("oversized", header(REQUEST, 32 + n, 9, c, s) + m + bytes(n)))
    for n in (MAX_DATA + 1, 3000, 9000):                   # length field that fits, datagram not
        out.append(("oversized", header(REQUEST, 32, 9, c, s) + m + bytes(n)))
    out.append(("oversized", req + b"x"))                 # one byte more than it says
    out.append(("oversized", header(DATA, 4 + DATA_MAX + 1, 9, c, s, aux=1 << 20) +
                bytes(4 + DATA_MAX + 1)))                 # one byte past jumbo DATA
    out.append(("oversized", bytes(3000)))               # fragmented, all zero
    for magic in (0, 0x5356, 0x5354, 0xFFFF, 0x4D56):
        out.append(("wrong-magic", header(REQUEST, 32, 9, c, s, magic=magic) + m))
    for ver in (0, 2, 3, 255):
        out.append(("wrong-version", header(REQUEST, 32, 9, c, s, version=ver) + m))
    for typ in (0, 11, 12, 127, 255):
        out.append(("wrong-type", header(typ, 32, 9, c, s) + m))
    for fl in (0x0010, 0x0020, 0x0100, 0x8000, 0xFFF0, 0xFFFF):
        out.append(("bad-flags", header(REQUEST, 32, 9, c, s, flags=fl) + m))
    out.append(("bad-flags", header(REQUEST, 32, 9, c, s, flags=F_MULTICAST) + m))   # not a group
    out.append(("bad-flags", header(REQUEST, 32, 9, c, s | GROUP_BIT) + m))          # group, no flag
    out.append(("bad-flags", header(PENDING, 0, 9, c, s, flags=F_LAST)))            # LAST: DATA's only
    out.append(("bad-flags", header(PENDING, 0, 9, c, s, flags=F_START)))           # START: REQUEST's only
    out.append(("bad-length", header(REQUEST, 16, 9, c, s) + m[:16]))
    out.append(("bad-length", header(PENDING, 4, 9, c, s) + bytes(4)))
    out.append(("bad-length", header(NACK, 8, 9, c, s) + struct.pack("!ii", -1, 0)))
    out.append(("bad-length", header(DATA, 4, 9, c, s, aux=100) + bytes(4)))
    out.append(("bad-length", header(WHERE, 4, aux=5) + bytes(4)))
    for err in (0, 5, -21, -0x7FFFFFFF):
        out.append(("bad-payload", header(NACK, 4, 9, c, s) + struct.pack("!i", err)))
    out.append(("bad-payload", header(DATA, 104, 9, c, s, offset=50, aux=100) + bytes(104)))
    out.append(("bad-payload", header(DATA, 20, 9, c, s, offset=200, aux=100) + bytes(20)))
    out.append(("bad-payload", header(MOVE_FROM, 0, 9, c, s, offset=0xFFFFFF00, aux=0x200)))
    out.append(("bad-payload", header(MOVE_FROM, 0, 9, c, s, offset=0x40000000, aux=0)))
    out.append(("bad-payload", header(WHERE, 0, aux=0)))
    out.append(("bad-payload", header(HERE, 0, aux=0x8000)))
    out.append(("bad-pid", header(REQUEST, 32, 9, 0, s) + m))
    out.append(("bad-pid", header(REQUEST, 32, 9, c | GROUP_BIT, s) + m))
    out.append(("bad-pid", header(REQUEST, 32, 9, c, 0) + m))
    out.append(("bad-pid", header(REPLY, 32, 9, c, s, aux=0) + m))
    out.append(("bad-pid", header(ACK, 0, 9, 0, s)))
    out.append(("bad-pid", header(DATA, 8, 9, c, 0, aux=100) + bytes(8)))
    for _ in range(150):
        out.append(("random", bytes(rng.randrange(256) for _ in range(rng.choice(
            (rng.randrange(0, 64), rng.randrange(64, 1200)))))))
    base = valid_packets(rng)
    for _ in range(150):                                   # valid packets, 1-3 bits flipped
        p = bytearray(rng.choice(base))
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(len(p))
            p[i] ^= 1 << rng.randrange(8)
        out.append(("bit-flipped", bytes(p)))
    return [(k, d) for k, d in out if decode(d) != "ok"]  # a flip may leave it valid: not sent


def cmd_fuzz(addrs):
    rng = random.Random(int(os.environ.get("VPROBE_SEED", "4377")))
    bad = bad_datagrams(rng)
    kinds = {}
    for k, d in bad:
        kinds[k] = kinds.get(k, 0) + 1
    print("  %d bad datagrams per node: %s" % (len(bad), ", ".join("%s %d" % kv for kv in kinds.items())))
    c = Client()
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    failed = 0
    for addr in addrs:
        node = node_of(addr)
        name = "bad_input_node%d" % node
        try:
            before = c.net_stats(addr)
        except Exception as e:
            print("FAIL faults/%s_answers_before: %s" % (name, e))
            failed += 1
            continue
        want = [0] * len(REASONS)
        for i, (k, d) in enumerate(bad):
            tx.sendto(d, (addr, PORT))
            want[REASONS.index(decode(d))] += 1
            time.sleep(0.002 if len(d) < 1500 else 0.01)    # no NIC ring overflows
        time.sleep(0.3)
        try:
            after = c.net_stats(addr)
            r, _ = c.call(addr, ks_of(node), msg(KS_NODE_INFO))
            alive = r[0] == 0 and r[2] == node
            why = "KS_NODE_INFO code %d node %d" % (signed16(r[0]), r[2])
        except Exception as e:
            after, alive, why = None, False, str(e)
        if alive:
            print("PASS faults/%s_still_answers" % name)
        else:
            print("FAIL faults/%s_still_answers: %s" % (name, why))
            failed += 1
            continue
        got = [a - b for a, b in zip(after["malformed"], before["malformed"])]
        total = sum(got)
        detail = ", ".join("%s %d/%d" % (REASONS[i], got[i], want[i]) for i in range(1, len(REASONS))
                           if got[i] or want[i])
        print("  node %d counted %d malformed of %d sent (counted/sent by reason: %s)"
              % (node, total, len(bad), detail))
        if got == want:
            print("PASS faults/%s_counted_exactly_by_reason" % name)
        else:
            print("FAIL faults/%s_counted_exactly_by_reason: %d counted, %d sent; %s"
                  % (name, total, len(bad), detail))
            failed += 1
    return 1 if failed else 0


def cmd_wf(path, commands):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(2.0)

    def answer():
        out = b""
        while not out.endswith(b"$ "):
            d = s.recv(4096)
            if not d:
                break
            out += d
        return out.decode(errors="replace")

    answer()                              # the banner and prompt
    ok = True
    for cmd in commands:
        s.sendall(cmd.encode() + b"\n")
        a = answer()
        if "1000 Success" not in a:
            print("wirefilter: '%s' -> %s" % (cmd, a.strip()))
            ok = False
    s.close()
    return 0 if ok else 1


def num(s):
    return int(s, 0)


def main(argv):
    try:
        if len(argv) >= 4 and argv[0] == "call":
            return cmd_call(argv[1], num(argv[2]), num(argv[3]), [num(w) for w in argv[4:9]])
        if len(argv) >= 4 and argv[0] == "killgo":
            return cmd_killgo(num(argv[1]), argv[2], num(argv[3]), [num(w) for w in argv[4:9]])
        if len(argv) == 3 and argv[0] == "aliens":
            return cmd_aliens(argv[1], argv[2])
        if len(argv) >= 2 and argv[0] == "fuzz":
            return cmd_fuzz(argv[1:])
        if len(argv) >= 3 and argv[0] == "wf":
            return cmd_wf(argv[1], argv[2:])
    except (OSError, TimeoutError) as e:
        print("vprobe: %s" % e)
        return 1
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
