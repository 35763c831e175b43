#!/usr/bin/env python3
"""netprobe.py - ICMP ping and UDP echo probes for the cluster tests (no iputils needed).

  netprobe.py ping ADDR [COUNT]       ICMP echo (raw socket: root); prints each RTT and
                                      `ping ADDR: S sent, R received, rtt min/avg/max X/Y/Z ms`
  netprobe.py udpecho ADDR [COUNT]    datagrams to ADDR:7 (the kernel's `udpecho`); same lines
    options of both: --size N  N payload bytes (ICMP data or UDP payload), sent with DF
                               (don't fragment): more than the route's MTU is refused
                     --iface IF  watch IF (a packet socket) and fail unless each answer
                               came in one frame (not IP fragments); print its length
                     --expect-none  succeed only if nothing is answered (1 s each)
  netprobe.py mcast GROUP IFADDR [EXPECTED...]
                                      one datagram to GROUP:7 sent from IFADDR; prints who
                                      answered within 2 s: `mcast GROUP: answered by A B`
Exit status 0 if every probe was answered (mcast: exactly EXPECTED answered), else 1.
"""
import argparse
import os
import socket
import struct
import sys
import time

TIMEOUT = 2.0
IP_MTU_DISCOVER, IP_PMTUDISC_DO = 10, 2      # <linux/in.h>: set DF, never fragment
ETH_P_IP = 0x0800


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def answered(sock, t0, match):
    """Seconds from t0 until a datagram for which match(data, src) is true arrives, or
    None at TIMEOUT. match returns True (the answer), False (someone else's), or None
    (our answer, but wrong: give up)."""
    while True:
        left = TIMEOUT - (time.monotonic() - t0)
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            data, src = sock.recvfrom(65536)
        except socket.timeout:
            return None
        verdict = match(data, src)
        if verdict is None:
            return None
        if verdict:
            return time.monotonic() - t0


def fill(payload, size):
    """payload padded (or cut) to size bytes, if size is given."""
    if size is None:
        return payload
    return (payload + bytes(i & 0xFF for i in range(size)))[:size]


def icmp_once(sock, addr, ident, seq, size):
    payload = fill(struct.pack("!d", time.time()) + b"vsys-net-smoke", size)
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
    t0 = time.monotonic()
    sock.sendto(pkt, (addr, 0))

    def match(data, src):
        ihl = (data[0] & 0x0F) * 4
        typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if src[0] == addr and typ == 0 and rid == ident and rseq == seq:
            return True if data[ihl + 8:] == payload else None
        return False
    return answered(sock, t0, match)


def udp_once(sock, addr, ident, seq, size):
    payload = fill(b"vsys-net-smoke %d %d " % (ident, seq), size)
    t0 = time.monotonic()
    sock.sendto(payload, (addr, 7))
    return answered(sock, t0, lambda data, src: src == (addr, 7) and data == payload)


def mcast(group, ifaddr, expected):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((ifaddr, 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ifaddr))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    payload = b"vsys-net-smoke mcast %d" % os.getpid()
    sock.sendto(payload, (group, 7))
    answered = set()
    t0 = time.monotonic()
    while time.monotonic() - t0 < TIMEOUT:
        sock.settimeout(TIMEOUT - (time.monotonic() - t0))
        try:
            data, src = sock.recvfrom(2048)
        except socket.timeout:
            break
        if data == payload and src[1] == 7:
            answered.add(src[0])
    print("mcast %s: answered by %s" % (group, " ".join(sorted(answered)) or "nobody"))
    return 0 if answered == set(expected) else 1


def frames_from(psock, addr):
    """(whole, pieces): lengths of the IPv4 frames from addr that the packet socket
    holds, whole datagrams and fragments apart."""
    whole, pieces = [], []
    src = socket.inet_aton(addr)
    while True:
        try:
            f = psock.recv(65536)
        except BlockingIOError:
            return whole, pieces
        if len(f) < 34 or f[26:30] != src:
            continue
        frag = struct.unpack("!H", f[20:22])[0] & 0x3FFF     # MF and the offset
        (pieces if frag else whole).append(len(f))


def probe(kind, addr, count, size, iface, expect_none):
    if kind == "ping":
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        once = icmp_once
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        once = udp_once
    if size is not None:
        sock.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
    psock = None
    if iface:
        psock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        psock.bind((iface, ETH_P_IP))
        psock.setblocking(False)
    ident = os.getpid() & 0xFFFF
    rtts, split = [], 0
    for seq in range(1, count + 1):
        if psock:
            frames_from(psock, addr)                         # forget older frames
        try:
            rtt = once(sock, addr, ident, seq, size)
        except OSError as e:                                 # EMSGSIZE: over the MTU
            print("%s %s: seq %d refused: %s" % (kind, addr, seq, e.strerror))
            rtt = None
        note = ""
        if rtt is not None and psock:
            whole, pieces = frames_from(psock, addr)
            if pieces or not whole:
                split += 1
                note = ", answer in %d fragments (%s bytes)" % (len(pieces), pieces)
            else:
                note = ", answer in one %d-byte frame" % max(whole)
        if rtt is None:
            print("%s %s: seq %d no answer" % (kind, addr, seq))
        else:
            rtts.append(rtt * 1000)
            print("%s %s: seq %d rtt %.3f ms%s" % (kind, addr, seq, rtt * 1000, note))
        if seq < count:
            time.sleep(0.2)
    if rtts:
        stats = "%.3f/%.3f/%.3f" % (min(rtts), sum(rtts) / len(rtts), max(rtts))
    else:
        stats = "-/-/-"
    print("%s %s: %d sent, %d received, rtt min/avg/max %s ms" % (kind, addr, count, len(rtts), stats))
    if expect_none:
        return 0 if not rtts else 1
    return 0 if len(rtts) == count and split == 0 else 1


def main():
    global TIMEOUT
    if len(sys.argv) >= 4 and sys.argv[1] == "mcast":
        return mcast(sys.argv[2], sys.argv[3], sys.argv[4:])
    ap = argparse.ArgumentParser(usage=__doc__.strip())
    ap.add_argument("kind", choices=("ping", "udpecho"))
    ap.add_argument("addr")
    ap.add_argument("count", nargs="?", type=int, default=3)
    ap.add_argument("--size", type=int)
    ap.add_argument("--iface")
    ap.add_argument("--expect-none", action="store_true")
    a = ap.parse_args()
    if a.expect_none:
        TIMEOUT = 1.0
    return probe(a.kind, a.addr, a.count, a.size, a.iface, a.expect_none)


if __name__ == "__main__":
    sys.exit(main())
