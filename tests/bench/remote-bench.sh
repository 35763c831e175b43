#!/usr/bin/env bash
# tests/bench/remote-bench.sh - the cross-node benchmarks of `make bench`: two vsys nodes
# on a bridge in a namespace of their own (vsysbench<pid>), node 2 running `bench peer`,
# node 1 `bench remote=2 rtt move64k move1m`: the 32-byte Send-Receive-Reply round trip
# and MoveTo/MoveFrom of 64 KiB and 1 MiB, wall clock under TCG (emulated ns), for each
# NIC model. Writes build/bench/remote_<nic>.json and, when the Linux peer's results of
# the same run exist (build/bench/linux_peer_<nic>.json), prints the ratios against it.
# --mtu N (576..9000, default 1500) sets the bridge's and taps' MTU and boots the nodes
# with mtu=N (jumbo DATA: docs/PROTOCOL.md); results then go to remote_<nic>-mtuN.json,
# compared with linux_peer_<nic>-mtuN.json (tests/bench/linuxpeer/run.sh --mtu N).
#   usage: tests/bench/remote-bench.sh [--nic "virtio-net e1000"] [--mtu N] [--out DIR]
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
out=$build/bench
nics="virtio-net e1000"
mtu=1500
while [ $# -gt 0 ]; do
  case $1 in
    --nic) nics=$2; shift 2 ;;
    --mtu) mtu=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "remote-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$mtu" in ''|*[!0-9]*) echo "remote-bench: --mtu takes a number" >&2; exit 2 ;; esac
if [ "$mtu" -lt 576 ] || [ "$mtu" -gt 9000 ]; then echo "remote-bench: --mtu must be 576..9000" >&2; exit 2; fi
tag=""; [ "$mtu" = 1500 ] || tag=-mtu$mtu
if [ "$(id -u)" != 0 ]; then echo "remote-bench: skipped: needs root for a namespace"; exit 0; fi
ns=vsysbench$$
pids=()
. tests/lib/netns.sh
cleanup() {
  netns_kill "${pids[@]}"
  netns_down "$ns" 2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$out/logs"
mods=$(bash tools/bundle.sh "$build") || exit 1
netns_up "$ns" 2 "$mtu" || { echo "remote-bench: cannot set up the namespace" >&2; exit 1; }

failed=0
for nic in $nics; do
  case $nic in virtio-net) dev=virtio-net-pci ;; e1000) dev=e1000 ;; *) echo "bad nic $nic"; exit 2 ;; esac
  pids=()
  for k in 2 1; do
    if [ $k = 1 ]; then init="bench+remote=2+rtt+2000+move64k+100+move1m+10+rounds=5"; else init="bench+peer"; fi
    ip netns exec "$ns" qemu-system-i386 -accel tcg -m 128 -nodefaults -display none -no-reboot \
      -serial "file:$out/logs/remote_$nic$tag.node$k.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
      -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
      -device "$dev,netdev=n0,mac=52:54:00:77:02:1$k" \
      -kernel "$build/kernel.elf" -append "node=$k ip=10.77.0.1$k/24 mtu=$mtu init=$init" -initrd "$mods" \
      </dev/null >/dev/null 2>&1 &
    pids+=($!)
  done
  client=${pids[1]}
  SECONDS=0
  while kill -0 "$client" 2>/dev/null && [ $SECONDS -lt 180 ]; do sleep 0.2; done
  netns_kill "${pids[0]}"
  if kill -0 "$client" 2>/dev/null; then netns_kill "$client"; rc=124; else wait "$client"; rc=$?; fi
  log=$out/logs/remote_$nic$tag.node1.log
  if [ "$rc" != 33 ]; then
    echo "remote-bench: $nic$tag: node 1 exited $rc; see $log"; failed=1; continue
  fi
  python3 tests/bench/remote_report.py "$log" "$nic$tag" "$out" || failed=1
done
exit $failed
