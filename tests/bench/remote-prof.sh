#!/usr/bin/env bash
# tests/bench/remote-prof.sh - two vsys nodes for looking into the cross-node paths
# (docs/BENCH.md, "Profile of the network paths"): node 2 runs `bench peer`, node 1 the
# bench given by --init; prints node 1's BENCH lines and both nodes' NETPROF lines (a
# kernel built with `make BUILD=build/prof NETPROF=1 build/prof/kernel.elf` prints them).
#   usage: tests/bench/remote-prof.sh [--nic virtio-net|e1000] [--kernel ELF]
#          [--init "bench+remote=2+rtt+2000+rounds=5"] [--icount] [--append "WORDS"]
#          [--timeout SECONDS (300)] [--mtu N (1500)]
# --mtu N sets the bridge's and taps' MTU and boots both nodes with mtu=N.
# --icount runs both nodes under -icount shift=0: the cycles are then guest instructions.
# Logs in build/bench/logs/prof_<nic>.node{1,2}.log. Needs root (a namespace of its own).
# Prints each node's QEMU CPU time (user + system) up to node 1's end, too.
# Exits 0 when node 1's bench finished (QEMU status 33).
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
nic=virtio-net kernel=$build/kernel.elf init="bench+remote=2+rtt+2000+move64k+100+move1m+10+rounds=5"
accel="-accel tcg" extra="" limit=300 mtu=1500
while [ $# -gt 0 ]; do
  case $1 in
    --nic) nic=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --init) init=$2; shift 2 ;;
    --icount) accel="-accel tcg -icount shift=0"; shift ;;
    --append) extra=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --mtu) mtu=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "remote-prof: unknown option $1" >&2; exit 2 ;;
  esac
done
case $nic in virtio-net) dev=virtio-net-pci ;; e1000) dev=e1000 ;; *) echo "bad nic $nic" >&2; exit 2 ;; esac
if [ "$(id -u)" != 0 ]; then echo "remote-prof: skipped: needs root for a namespace"; exit 0; fi
ns=vsysprof$$
pids=()
. tests/lib/netns.sh
cleanup() {
  netns_kill "${pids[@]}"
  netns_down "$ns" 2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
logs=$build/bench/logs
mkdir -p "$logs"
mods=$(bash tools/bundle.sh "$build") || exit 1
netns_up "$ns" 2 "$mtu" || { echo "remote-prof: cannot set up the namespace" >&2; exit 1; }
for k in 2 1; do
  if [ $k = 1 ]; then i=$init; else i="bench+peer"; fi
  # shellcheck disable=SC2086
  ip netns exec "$ns" qemu-system-i386 $accel -m 128 -nodefaults -display none -no-reboot \
    -serial "file:$logs/prof_$nic.node$k.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
    -device "$dev,netdev=n0,mac=52:54:00:77:02:1$k" \
    -kernel "$kernel" -append "node=$k ip=10.77.0.1$k/24 mtu=$mtu init=$i $extra" -initrd "$mods" \
    </dev/null >/dev/null 2>&1 &
  pids+=($!)
done
# Each QEMU's CPU time (user + system, all its threads), read every 0.2 s while node 1
# runs: with the host's two cores shared, a figure less moved by other load than MB/s.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
SECONDS=0 cpu1=0 cpu2=0
while kill -0 "${pids[1]}" 2>/dev/null && [ $SECONDS -lt "$limit" ]; do
  c=$(cpu "${pids[1]}"); cpu1=${c:-$cpu1}
  c=$(cpu "${pids[0]}"); cpu2=${c:-$cpu2}
  sleep 0.2
done
rc=124
kill -0 "${pids[1]}" 2>/dev/null || { wait "${pids[1]}"; rc=$?; }
echo "node 1 ($nic):"
grep -h "BENCH \|BENCH-ERROR\|NETPROF" "$logs/prof_$nic.node1.log" | sed 's/ round_.*//'
echo "node 2 ($nic):"
grep -h "NETPROF" "$logs/prof_$nic.node2.log"
tck=$(getconf CLK_TCK)
echo "cpu: node 1 $(awk "BEGIN { printf \"%.2f\", $cpu1 / $tck }") s, node 2 $(awk "BEGIN { printf \"%.2f\", $cpu2 / $tck }") s, ${SECONDS} s of wall-clock time"
[ "$rc" = 33 ] || { echo "remote-prof: node 1 exited $rc; see $logs/prof_$nic.node1.log"; exit 1; }
