#!/usr/bin/env bash
# tests/cluster/net-smoke.sh - the network stack end to end, in a network namespace of
# its own (vsysnet-test<pid>): a bridge br0 (10.77.0.1/24) with one tap per node, all
# with MTU 9000, and
#   node 1  e1000       ip=10.77.0.11/24   udpecho, udpping=10.77.0.12, mcast=239.77.0.1
#   node 2  virtio-net  ip=10.77.0.12/24   udpecho, udpping=10.77.0.11, mcast=239.77.0.1,
#                       virtio=legacy (the legacy interface of the transitional device)
#   node 3  e1000       DHCP, from a dnsmasq on the bridge (which gives it 10.77.0.13)
#   node 4  e1000       ip=10.77.0.14/24   udpecho, udpping=10.77.0.15, mtu=9000 (jumbo)
#   node 5  virtio-net  ip=10.77.0.15/24   udpecho, udpping=10.77.0.14, mtu=9000, a
#                       modern-only device (disable-legacy=on: device id 0x1041)
# (the cluster tests drive transitional devices, through their modern interface)
# Jumbo frames: an 8000-byte ICMP echo and an 8400-byte UDP echo, sent with DF (don't
# fragment), are answered by nodes 4 and 5 each in one frame (seen on br0), so both
# drivers and lwIP take and send them; nodes 4 and 5 ping each other over UDP with
# 8972-byte datagrams; nodes 1 and 2 (default MTU 1500) take no such frame. Checks each node's `net: ... up` line, ICMP ping and UDP echo of the nodes from the
# namespace (tests/cluster/netprobe.py), that a datagram to the group 239.77.0.1 is
# answered by nodes 1 and 2 and one to 239.77.0.2 (joined by nobody) by none, that the
# bridge (IGMP snooping on, itself the querier) learned both members of 239.77.0.1 from
# the nodes' IGMP reports, UDP between nodes 1 and 2, and that no node panicked. Prints PASS/FAIL lines, the RTTs and boot-to-up times it measured, and
# `net: N passed, M failed`. Every address used is inside the namespace's 10.77.0.0/24.
# The namespace, bridge, taps, QEMU and dnsmasq are removed on exit, also on failure
# or interrupt; processes are stopped by their pid.
#   usage: tests/cluster/net-smoke.sh [BUILD_DIR]
#   env: NET_TIMEOUT (s to wait for the nodes, default 60), QEMU (qemu-system-i386)
# Needs root (namespaces and taps); without it prints a skip line and 0 passed, 0 failed.
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
QEMU=${QEMU:-qemu-system-i386}
limit=${NET_TIMEOUT:-60}
ns=vsysnet-test$$
dir=$build/test/net-smoke
passed=0 failed=0
pids=()

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+ ($2)}"; failed=$((failed + 1)); }
summary() { echo "net: $passed passed, $failed failed"; }

if [ "$(id -u)" != 0 ]; then
  echo "net: skipped: needs root for a network namespace and taps"
  summary; exit 0
fi
for f in "$build/kernel.elf" "$build/user/pm.elf"; do
  [ -f "$f" ] || { fail build "no $f: run make first"; summary; exit 1; }
done

. tests/lib/netns.sh
# Stop what we started (by pid), then remove the namespace and what is in it.
cleanup() {
  netns_kill "${pids[@]}"
  netns_down "$ns" 5
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$dir"; mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mods=$(bash tools/bundle.sh "$build") || exit 1

if ! netns_up "$ns" 5 9000 2>"$dir/setup.err"; then
  fail setup "$(head -1 "$dir/setup.err")"; summary; exit 1
fi

ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root \
  --interface=br0 --bind-interfaces --dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,10m \
  --dhcp-host=52:54:00:77:00:13,10.77.0.13 --dhcp-leasefile="$dir/leases" \
  --pid-file="$dir/dnsmasq.pid" --log-facility="$dir/dnsmasq.log" --log-dhcp \
  </dev/null >"$dir/dnsmasq.out" 2>&1 &
pids+=($!)

declare -A t0 up_wall
boot() {   # boot K NIC APPEND
  local k=$1 nic=$2
  ip netns exec "$ns" "$QEMU" -accel tcg -m 128 -nodefaults -display none -no-reboot \
    -serial "file:$dir/node$k.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
    -device "$nic,netdev=n0,mac=52:54:00:77:00:1$k" \
    -kernel "$build/kernel.elf" -append "node=$k $3 init=hello" -initrd "$mods" \
    </dev/null >"$dir/node$k.qemu" 2>&1 &
  pids+=($!)
  t0[$k]=$(date +%s%N)
}
boot 1 e1000 "ip=10.77.0.11/24 udpecho udpping=10.77.0.12 mcast=239.77.0.1"
boot 2 virtio-net-pci "ip=10.77.0.12/24 udpecho udpping=10.77.0.11 mcast=239.77.0.1 virtio=legacy"
boot 3 e1000 "udpecho"
boot 4 e1000 "ip=10.77.0.14/24 udpecho udpping=10.77.0.15 mtu=9000"
boot 5 virtio-net-pci,disable-legacy=on "ip=10.77.0.15/24 udpecho udpping=10.77.0.14 mtu=9000"

# Wait (bounded) for every node's up line; note how long each took, wall clock.
uplines() { tr -d '\r' 2>/dev/null <"$dir/node$1.log" | grep -E '^net: .* up \(' | tail -1; }
deadline=$((SECONDS + limit))
while [ $SECONDS -lt $deadline ]; do
  waiting=0
  for k in 1 2 3 4 5; do
    [ -n "${up_wall[$k]:-}" ] && continue
    if [ -n "$(uplines $k)" ]; then
      up_wall[$k]=$(( ($(date +%s%N) - t0[$k]) / 1000000 ))
    else
      waiting=1
    fi
  done
  [ $waiting = 0 ] && break
  sleep 0.05
done

check_up() {   # check_up K NIC ADDR KIND
  local line; line=$(uplines "$1")
  if [[ "$line" == "net: $2 52:54:00:77:00:1$1 $3/24 up ($4,"* ]]; then
    pass "node$1_$2_up"
    echo "  node $1: $line; seen ${up_wall[$1]} ms after QEMU started"
  else
    fail "node$1_$2_up" "${line:-no up line in ${limit}s}"
  fi
}
check_up 1 e1000 10.77.0.11 static
check_up 2 virtio-net 10.77.0.12 static
check_up 3 e1000 10.77.0.13 dhcp
check_up 4 e1000 10.77.0.14 static
check_up 5 virtio-net 10.77.0.15 static
transport() {   # transport K WHICH: node K's virtio-net driver took that interface
  if tr -d '\r' <"$dir/node$1.log" | grep -qE "^net: virtio-net at pci [0-9:.]+: $2 interface"; then
    pass "node$1_virtio_$3_interface"
  else
    fail "node$1_virtio_$3_interface" "$(tr -d '\r' <"$dir/node$1.log" | grep -E '^net: virtio' | head -1)"
  fi
}
transport 2 legacy legacy
transport 5 "virtio 1.0 \\(modern\\)" modern

probe() {   # probe NAME KIND ARGS...
  local name=$1 out; shift
  if out=$(ip netns exec "$ns" python3 tests/cluster/netprobe.py "$@" 2>&1); then
    pass "$name"
  else
    fail "$name" "$(tail -1 <<<"$out")"
  fi
  grep -E 'sent,|answered|frame|fragments|refused' <<<"$out" | sed 's/^/  /'
}
probe ping_node1_e1000 ping 10.77.0.11 5
probe ping_node2_virtio ping 10.77.0.12 5
probe ping_node3_dhcp ping 10.77.0.13 5
probe udpecho_node1_e1000 udpecho 10.77.0.11 5
probe udpecho_node2_virtio udpecho 10.77.0.12 5
probe mcast_group_joined mcast 239.77.0.1 10.77.0.1 10.77.0.11 10.77.0.12
probe mcast_group_not_joined mcast 239.77.0.2 10.77.0.1
# Jumbo frames (mtu=9000): answered whole, through lwIP (ICMP) and the fast path (UDP).
probe ping_node4_jumbo_e1000 ping 10.77.0.14 2 --size 8000 --iface br0
probe ping_node5_jumbo_virtio ping 10.77.0.15 2 --size 8000 --iface br0
probe udpecho_node4_jumbo_e1000 udpecho 10.77.0.14 2 --size 8400 --iface br0
probe udpecho_node5_jumbo_virtio udpecho 10.77.0.15 2 --size 8400 --iface br0
probe ping_node4_small_e1000 ping 10.77.0.14 2
probe ping_node5_small_virtio ping 10.77.0.15 2
# ... and not taken by a node with the default MTU, even though the segment passes them.
probe no_jumbo_node1_e1000 ping 10.77.0.11 1 --size 8000 --expect-none
probe no_jumbo_node2_virtio ping 10.77.0.12 1 --size 8000 --expect-none

mdb=$(ip netns exec "$ns" bridge mdb show 2>&1 | grep -E 'grp 239\.77\.0\.1( |$)')
if grep -qw tap1 <<<"$mdb" && grep -qw tap2 <<<"$mdb"; then
  pass igmp_reports
else
  fail igmp_reports "bridge mdb for 239.77.0.1: ${mdb:-empty}"
fi
sed 's/^/  /' <<<"$mdb"

# Node to node: each pings the other over UDP (5 datagrams, one a second; between the
# jumbo nodes 4 and 5, 8972 bytes each). The first may wait for ARP while its peer
# boots; one loss is allowed for a late peer.
pingline() { tr -d '\r' 2>/dev/null <"$dir/node$1.log" | grep -E '^net: udpping ' | tail -1; }
deadline=$((SECONDS + 15))
pinged() { for k in 1 2 4 5; do [ -n "$(pingline $k)" ] || return 1; done; }
while [ $SECONDS -lt $deadline ] && ! pinged; do
  sleep 0.2
done
declare -A peer=([1]=2 [2]=1 [4]=5 [5]=4)
for k in 1 2 4 5; do
  line=$(pingline $k)
  got=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' <<<"$line")
  name="udp_node${k}_to_node${peer[$k]}"
  [ $k -ge 4 ] && name+=_jumbo
  if [ -n "$got" ] && [ "$got" -ge 4 ]; then
    pass "$name"
  else
    fail "$name" "${line:-no udpping summary}"
  fi
  [ -n "$line" ] && echo "  node $k: $line"
  [ $k -ge 4 ] && tr -d '\r' 2>/dev/null <"$dir/node$k.log" | grep -E '^net: .* counters' |
    tail -1 | sed "s/^/  node $k: /"
done

bad=$(cat "$dir"/node*.log 2>/dev/null | tr -d '\r' | grep -E '^PANIC|panic|lwIP assertion' | head -3)
if [ -z "$bad" ]; then pass no_panic; else fail no_panic "$bad"; fi

if [ $failed -ne 0 ]; then
  for k in 1 2 3 4 5; do
    echo "  -- node $k log ($dir/node$k.log), last lines:"
    tr -d '\r' 2>/dev/null <"$dir/node$k.log" | tail -8 | sed 's/^/  | /'
  done
fi
summary
[ $failed -eq 0 ]
