#!/usr/bin/env bash
# tests/run-all.sh - the whole suite behind `make test` (set-up and build are done by
# make first): that every command the scripts run is installed (tests/lib/check-deps.sh),
# the quiet build (tests/lib/check-build.sh), host unit tests, the libFuzzer harnesses
# over their seed corpus (tests/fuzz/, docs/TESTING.md), the in-guest kernel and user
# tests, gdb attached to a node (tests/guest/gdb.sh), and the scripted
# shell session of `make run`, the network smoke test, and IPC across 3 nodes (real QEMU
# nodes with e1000 and with virtio-net, on a bridge in a namespace of their own), and
# the same nodes booted by PXE (dnsmasq + iPXE, tests/cluster/pxe.sh), the fault tests,
# 3,000 hostile system calls of the abuse program (tests/cluster/abuse.sh), the
# Wireshark dissector on a captured cluster (tests/cluster/dissect.sh), and Linux
# processes as V processes (tests/host/). Each
# part prints `<part>: N passed, M failed`; the last line sums them as `N passed, M failed`.
# Exit status 0 only if everything passed.
# Bounded: each part that is a command runs under `timeout` (PART_TIMEOUT seconds, default
# 900; a part takes 2 minutes at most when all is well), which ends the part and every
# process of its group; the part's own traps then clean up (by pid, bounded). A part
# stopped so counts as failed.
set -u
build=${BUILD:-build}
limit=${PART_TIMEOUT:-900}
mkdir -p "$build/test"
total_p=0 total_f=0 failed_parts=()

part() {   # part NAME COMMAND... : run it, keep its output, add up its summary line
  local name=$1; shift
  echo "== $name"
  local out rc
  if declare -F "$1" >/dev/null; then       # a function of this file, bounded inside
    out=$("$@" 2>&1); rc=$?
  else
    out=$(timeout -k 30 "$limit" "$@" 2>&1); rc=$?
    [ $rc = 124 ] || [ $rc = 137 ] && out+=$'\n'"run-all: part $name stopped after $limit s (PART_TIMEOUT)"
  fi
  printf '%s\n' "$out" | tee "$build/test/$name.out" | grep -vE '^PASS ' | tail -40
  local line p f
  line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -1)
  p=$(sed -nE 's/^[a-z]+: ([0-9]+) passed.*/\1/p' <<<"$line"); p=${p:-0}
  f=$(sed -nE 's/^[a-z]+: [0-9]+ passed, ([0-9]+) failed.*/\1/p' <<<"$line"); f=${f:-1}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  total_p=$((total_p + p)); total_f=$((total_f + f))
  [ "$f" -eq 0 ] || failed_parts+=("$name")
}

session() {   # the scripted `make run` sessions: one node, then a 3-node cluster
  local p=0 f=0
  if timeout -k 30 "$limit" bash cluster/run-node.sh </dev/null >"$build/test/session.log" 2>&1; then
    tail -1 "$build/test/session.log"; p=$((p + 1))
  else
    tail -25 "$build/test/session.log"; f=$((f + 1))
  fi
  if timeout -k 30 "$limit" bash cluster/run-cluster.sh </dev/null >"$build/test/session-cluster.log" 2>&1; then
    tail -1 "$build/test/session-cluster.log"; p=$((p + 1))
  else
    tail -25 "$build/test/session-cluster.log"; f=$((f + 1))
  fi
  echo "session: $p passed, $f failed"
}

SECONDS=0
part deps bash tests/lib/check-deps.sh
part build bash tests/lib/check-build.sh
part unit make -s --no-print-directory unit
part fuzz make -s --no-print-directory fuzz-quick
part guest bash tests/guest/run-guest.sh "$build"
part gdb bash tests/guest/gdb.sh "$build"
part session session
part vcluster bash tests/cluster/vcluster-lifecycle.sh
part net bash tests/cluster/net-smoke.sh "$build"
part cluster-e1000 bash tests/cluster/ipc-cluster.sh "$build" e1000
part cluster-virtio bash tests/cluster/ipc-cluster.sh "$build" virtio-net-pci
part jumbo-virtio bash tests/cluster/ipc-cluster.sh "$build" virtio-net-pci 9000
part jumbo-e1000 bash tests/cluster/ipc-cluster.sh "$build" e1000 9000
part pxe bash tests/cluster/pxe.sh "$build"
part faults bash tests/cluster/faults.sh "$build"
part faults-virtio bash tests/cluster/faults.sh "$build" virtio-net-pci
part abuse bash tests/cluster/abuse.sh "$build" 1 3000
part dissect bash tests/cluster/dissect.sh "$build"
part host bash tests/host/run-host.sh "$build/host"
part hostnet bash tests/host/run-kernel.sh "$build"
echo
if [ ${#failed_parts[@]} -gt 0 ]; then
  echo "failing parts: ${failed_parts[*]} (logs in $build/test/)"
fi
echo "whole suite in ${SECONDS}s:"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
