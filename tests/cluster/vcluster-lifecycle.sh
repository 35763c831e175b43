#!/usr/bin/env bash
# tests/cluster/vcluster-lifecycle.sh - the life of a cluster under cluster/vcluster:
# up, status, the nodes' consoles, exec in the namespace, two clusters side by side,
# down, and that nothing is left afterwards (namespace, QEMU, keeper, tap, bridge); then
# failures halfway through `up` (a node's QEMU dies, time runs out, QEMU refuses to
# start, a bad --mem, no kernel, a signal) must leave nothing either. Also the rootless
# mode (socket multicast). As root; not as root only the rootless part runs.
#   usage: tests/cluster/vcluster-lifecycle.sh        (needs `make` first)
# Prints "ok|FAIL <what>" per check and, last, "cluster: N passed, M failed".
# Exit status 0 only if all passed. Bounded: every `up` has --wait, every wait a limit.
# Uses cluster names lc1, lc2, lcf and lcr with this run's number after them (lc1NNNN:
# namespaces vsys-lc1NNNN, ...), so that two checkouts can test at once; never c1.
set -u
cd "$(dirname "$0")/../.." || exit 2
VC=cluster/vcluster
RUNROOT=${VCLUSTER_RUNDIR:-$(pwd)/${BUILD:-build}/cluster}
OUT=${VCLUSTER_TEST_OUT:-${BUILD:-build}/test/cluster}
mkdir -p "$OUT"
rm -f "$OUT"/*.out                       # the last run's, named after its clusters
for d in "$RUNROOT"/lc[12fr]*; do          # earlier runs' node logs, of clusters now down
  [ -d "$d" ] && [ ! -e "$d/cluster.env" ] && rm -rf "$d"
done
PASS=0 FAIL=0
RUNNO=$(( $$ % 10000 ))
L1=lc1$RUNNO L2=lc2$RUNNO LF=lcf$RUNNO LR=lcr$RUNNO
NAMES=("$L1" "$L2" "$LF" "$LR")

ok()   { PASS=$((PASS + 1)); echo "ok   $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
# check WHAT COMMAND...: one check, passed when COMMAND succeeds.
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# run NAME ARGS...: run vcluster with a time limit, output in $OUT/NAME.out; its status.
run() { local n=$1; shift; timeout -k 5 120 "$VC" "$@" >"$OUT/$n.out" 2>&1; }
show() { sed 's/^/     | /' "$OUT/$1.out" | tail -"${2:-15}"; }

cleanup() { for n in "${NAMES[@]}"; do timeout 60 "$VC" down --name "$n" >/dev/null 2>&1; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

. tests/lib/leftovers.sh
# nothing_left NAME: check that nothing of cluster NAME is left.
nothing_left() {
  local left
  left=$(leftovers "$1")
  if [ -z "$left" ]; then ok "$2: nothing of $1 is left"; else bad "$2: left of $1:"; echo "$left" | sed 's/^/     | /'; fi
}

# status_alive NAME N: `status` exits 0 and lists N nodes as up with live pids.
status_alive() {
  run "status-$1" status --name "$1" || return 1
  [ "$(grep -cE '^[0-9]+ +[0-9]+ +up ' "$OUT/status-$1.out")" = "$2" ] || return 1
  local pid
  for pid in $(awk '/^[0-9]+ +[0-9]+ /{print $2}' "$OUT/status-$1.out"); do
    kill -0 "$pid" 2>/dev/null || return 1
  done
}
# logs_show_shells NAME N: node K's log shows "vsys shell on node K" and its prompt.
logs_show_shells() {
  local k
  for (( k = 1; k <= $2; k++ )); do
    "$VC" logs "$k" --name "$1" >"$OUT/log-$1-$k.out" 2>&1 || return 1
    grep -q "^vsys shell on node $k " "$OUT/log-$1-$k.out" || return 1
    grep -q "^vsys@$k> " "$OUT/log-$1-$k.out" || return 1
  done
}
# links_in_ns NAME N: `exec ip link` in the namespace shows the bridge and N taps, and
# the host's own list shows none of them.
links_in_ns() {
  local k
  "$VC" exec --name "$1" ip -o link show >"$OUT/links-$1.out" 2>&1 || return 1
  grep -q ": vbr-$1:" "$OUT/links-$1.out" || return 1
  for (( k = 1; k <= $2; k++ )); do
    grep -q ": vt-$1-$k:.* master vbr-$1 " "$OUT/links-$1.out" || return 1
  done
  ! ip -o link show | grep -qE ": (vbr-$1|vt-$1-[0-9]+)[:@]"
}
# jumbo NAME N: cluster NAME came up with --mtu 9000: its bridge and N taps are at MTU
# 9000, node 1 says so on its console, and answers an 8000-byte ping sent unfragmented.
jumbo() {
  local k
  grep -q ": vbr-$1: .* mtu 9000 " "$OUT/links-$1.out" || return 1
  for (( k = 1; k <= $2; k++ )); do grep -q ": vt-$1-$k: .* mtu 9000 " "$OUT/links-$1.out" || return 1; done
  grep -q "net: mtu 9000: frames up to 9014 bytes" "$RUNROOT/$1/node1.log" || return 1
  timeout 20 "$VC" exec --name "$1" ping -c 1 -W 5 -s 8000 -M do 10.77.0.11 >"$OUT/jumbo-$1.out" 2>&1
}
# console_answers NAME K: a line typed at node K's console is answered by node K.
console_answers() {
  echo info | timeout 20 "$VC" console "$2" --name "$1" >"$OUT/console-$1-$2.out" 2>&1 &&
    grep -q "^node $2, logical host" "$OUT/console-$1-$2.out"
}
# macs_differ: the two clusters' nodes got different MACs.
macs_differ() {
  local a b
  a=$(awk '/^1 /{print $5}' "$OUT/status-$L1.out")
  b=$(awk '/^1 /{print $5}' "$OUT/status-$L2.out")
  [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]
}
# up_fails WHAT NAME ARGS...: `up` fails with status 1, says FAILED or why, and leaves nothing.
up_fails() {
  local what=$1 n=$2 rc; shift 2
  run "fail-$n" up --name "$n" "$@"; rc=$?
  if [ "$rc" = 1 ]; then ok "$what: up fails (exit 1)"; else bad "$what: up exit $rc, wanted 1"; show "fail-$n"; fi
  nothing_left "$n" "$what"
}

netns_part() {
  echo "== namespaces (as root)"
  for n in "${NAMES[@]}"; do "$VC" down --name "$n" >/dev/null 2>&1; done
  if run up-$L1 up --name $L1 -n 3 --wait 90; then ok "up -n 3"; else bad "up -n 3"; show up-$L1; fi
  check "status shows 3 nodes up, pids alive" status_alive $L1 3
  check "each node's log shows its shell and prompt (node K)" logs_show_shells $L1 3
  check "exec ip link: bridge and 3 taps in the namespace, none on the host" links_in_ns $L1 3
  check "console: node 2 answers 'info' as node 2" console_answers $L1 2
  check "exec passes the command's exit status" bash -c "! '$VC' exec --name $L1 sh -c 'exit 3'"
  check "up of a running cluster is refused" bash -c "! timeout 30 '$VC' up --name $L1 -n 1 >/dev/null 2>&1"
  if run up-$L2 up --name $L2 -n 2 --nic virtio --mtu 9000 --wait 90; then ok "second cluster $L2 side by side (virtio, --mtu 9000)"; else bad "second cluster $L2"; show up-$L2; fi
  check "$L2: status shows 2 nodes up" status_alive $L2 2
  check "$L2: its own namespace, bridge and taps" links_in_ns $L2 2
  check "$L2: --mtu 9000 on bridge, taps and nodes; an 8000-byte ping unfragmented" jumbo $L2 2
  check "up --mtu 9001 is refused (exit 2)" bash -c "timeout 30 '$VC' up --name $LF -n 1 --mtu 9001 >/dev/null 2>&1; [ \$? = 2 ]"
  check "$L1 still up beside $L2" status_alive $L1 3
  check "the clusters' MACs differ" macs_differ
  check "down $L1" run down-$L1 down --name $L1
  nothing_left $L1 "down"
  check "$L2 unharmed by $L1's down" status_alive $L2 2
  check "down $L2" run down-$L2 down --name $L2
  nothing_left $L2 "down"
  check "down again is a no-op (exit 0)" run down-again down --name $L1
  check "status of a cluster that is down exits 3" bash -c "'$VC' status --name $L1 >/dev/null 2>&1; [ \$? = 3 ]"

  echo "== failures halfway through up"
  fail_node_dies
  VCLUSTER_QEMU_ARGS=-S up_fails "time runs out (CPUs stopped, --wait 3)" $LF -n 3 --wait 3
  grep -q "timed out" "$OUT/fail-$LF.out" && ok "  ... and says it timed out" || bad "  ... no 'timed out' message"
  VCLUSTER_QEMU_ARGS=--no-such-option up_fails "QEMU refuses to start" $LF -n 2 --wait 20
  grep -q "no-such-option" "$OUT/fail-$LF.out" && ok "  ... and shows QEMU's message" || bad "  ... QEMU's message not shown"
  up_fails "bad --mem 2 (the kernel cannot start)" $LF -n 2 --mem 2 --wait 20
  up_fails "missing kernel" $LF -n 2 --kernel /nonexistent/kernel.elf
  fail_signal
}

# fail_node_dies: node 2's QEMU is killed while `up` waits: up fails at once, names
# node 2, shows its log, and removes everything.
fail_node_dies() {
  local upid i rc p=""
  VCLUSTER_QEMU_ARGS=-S timeout -k 5 120 "$VC" up --name $LF -n 3 --wait 60 >"$OUT/fail-dies.out" 2>&1 &
  upid=$!
  for (( i = 0; i < 100; i++ )); do
    p=$(cat "$RUNROOT/$LF/node2.pid" 2>/dev/null) && [ -n "$p" ] && break
    sleep 0.1
  done
  [ -n "$p" ] && kill "$p"
  wait "$upid"; rc=$?
  if [ "$rc" = 1 ] && grep -q "node 2's QEMU ended" "$OUT/fail-dies.out"; then
    ok "a node's QEMU dies: up fails, naming node 2"
  else
    bad "a node's QEMU dies: up exit $rc"; show fail-dies
  fi
  nothing_left $LF "a node's QEMU dies"
}

# fail_signal: `up` gets SIGTERM while it waits: it removes everything.
fail_signal() {
  local upid i
  VCLUSTER_QEMU_ARGS=-S timeout -k 5 120 "$VC" up --name $LF -n 2 --wait 60 >"$OUT/fail-signal.out" 2>&1 &
  upid=$!
  for (( i = 0; i < 100; i++ )); do
    [ -s "$RUNROOT/$LF/node2.pid" ] && break
    sleep 0.1
  done
  sleep 0.3
  kill -TERM "$upid"
  wait "$upid"
  grep -q "interrupted" "$OUT/fail-signal.out" && ok "SIGTERM during up: it says so" || { bad "SIGTERM during up"; show fail-signal; }
  nothing_left $LF "SIGTERM during up"
}

rootless_part() {
  echo "== rootless (QEMU socket multicast on 127.0.0.1)"
  local extra=()
  is_root && extra=(--rootless)
  "$VC" down --name $LR >/dev/null 2>&1
  if run up-$LR up --name $LR -n 2 "${extra[@]}" --wait 90; then ok "rootless up -n 2"; else bad "rootless up -n 2"; show up-$LR; fi
  check "rootless: status shows 2 nodes up" status_alive $LR 2
  check "rootless: logs show the shells" logs_show_shells $LR 2
  check "rootless: QEMU joins the socket segment 230.0.0.1:PORT on 127.0.0.1" rootless_netdev
  check "rootless: no namespace made" bash -c "! ip netns list 2>/dev/null | grep -qw vsys-$LR"
  check "rootless: exec runs on the host" bash -c "'$VC' exec --name $LR sh -c 'echo \$VSYS_CLUSTER' | grep -qx $LR"
  check "rootless: down" run down-$LR down --name $LR
  nothing_left $LR "rootless down"
}

is_root() { [ "$(id -u)" = 0 ]; }

# rootless_netdev: status names the segment, and node 1's QEMU was given exactly it.
rootless_netdev() {
  local port pid
  port=$(grep -Eo 'socket multicast 230\.0\.0\.1:[0-9]+ on 127\.0\.0\.1' "$OUT/status-$LR.out" |
         sed -E 's/.*:([0-9]+) on.*/\1/')
  [ -n "$port" ] || return 1
  pid=$(awk '/^1 /{print $2}' "$OUT/status-$LR.out")
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "socket,id=net0,mcast=230.0.0.1:$port,localaddr=127.0.0.1"
}

SECONDS=0
if [ ! -f "${BUILD:-build}/kernel.elf" ]; then
  bad "no ${BUILD:-build}/kernel.elf: run make first"
else
  if is_root; then netns_part; else echo "== namespaces: skipped (not root)"; fi
  rootless_part
fi
echo "vcluster lifecycle tests in ${SECONDS}s (outputs in $OUT/)"
echo "cluster: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
