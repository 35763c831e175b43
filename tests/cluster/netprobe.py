#!/usr/bin/env python3
"""netprobe.py - ICMP ping and UDP echo probes for the cluster tests (no iputils needed).

  netprobe.py ping ADDR [COUNT]       ICMP echo (raw socket: root); prints each RTT and
                                      `ping ADDR: S sent, R received, rtt min/avg/max X/Y/Z ms`
  netprobe.py udpecho ADDR [COUNT]    datagrams to ADDR:7 (the kernel's `udpecho`); same lines
  netprobe.py mcast GROUP IFADDR [EXPECTED...]
                                      one datagram to GROUP:7 sent from IFADDR; prints who
                                      answered within 2 s: `mcast GROUP: answered by A B`
Exit status 0 if every probe was answered (mcast: exactly EXPECTED answered), else 1.
"""
import os
import socket
import struct
import sys
import time

TIMEOUT = 2.0


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
            data, src = sock.recvfrom(2048)
        except socket.timeout:
            return None
        verdict = match(data, src)
        if verdict is None:
            return None
        if verdict:
            return time.monotonic() - t0


def icmp_once(sock, addr, ident, seq):
    payload = struct.pack("!d", time.time()) + b"vsys-net-smoke"
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


def udp_once(sock, addr, ident, seq):
    payload = b"vsys-net-smoke %d %d" % (ident, seq)
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


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "mcast":
        return mcast(sys.argv[2], sys.argv[3], sys.argv[4:])
    if len(sys.argv) < 3 or sys.argv[1] not in ("ping", "udpecho"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    kind, addr = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    if kind == "ping":
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        once = icmp_once
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        once = udp_once
    ident = os.getpid() & 0xFFFF
    rtts = []
    for seq in range(1, count + 1):
        rtt = once(sock, addr, ident, seq)
        if rtt is None:
            print("%s %s: seq %d no answer" % (kind, addr, seq))
        else:
            rtts.append(rtt * 1000)
            print("%s %s: seq %d rtt %.3f ms" % (kind, addr, seq, rtt * 1000))
        if seq < count:
            time.sleep(0.2)
    if rtts:
        stats = "%.3f/%.3f/%.3f" % (min(rtts), sum(rtts) / len(rtts), max(rtts))
    else:
        stats = "-/-/-"
    print("%s %s: %d sent, %d received, rtt min/avg/max %s ms" % (kind, addr, count, len(rtts), stats))
    return 0 if len(rtts) == count else 1


if __name__ == "__main__":
    sys.exit(main())
