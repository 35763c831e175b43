#!/usr/bin/env bash
# tests/host/run-kernel.sh [BUILD] - libv on Linux against real kernels: a 2-node cluster
# of its own (cluster/vcluster, namespace vsys-hkNNNN; root), servers/ctest's server on
# node 2, and from the namespace:
#   - vctl against both kernel servers (ps, info, mem, ping, send, a remote error);
#   - hkernel: echo, 1 MiB MoveTo into and MoveFrom out of a host client, segment in the
#     REQUEST and data in the REPLY, PENDING, NACK, counted requests executed once,
#     also with every REQUEST sent twice and with 10 % of our datagrams lost;
#   - a kernel client (node 1's shell) sending to a host server (hsrv on port 4377).
# Prints PASS/FAIL lines, then `hostnet: N passed, M failed` last. About 12 s.
# Needs build/kernel.elf, build/user/*.elf and build/host (make all). The cluster is
# always taken down again (also on failure or interrupt).
# Needs root (a namespace and taps); without it prints a skip line and 0 passed, 0 failed,
# as the other cluster tests do.
set -u
if [ "$(id -u)" != 0 ]; then
  echo "hostnet: skipped: needs root for a network namespace and taps"
  echo "hostnet: 0 passed, 0 failed"
  exit 0
fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "run-kernel: no ${1:-build}"; echo "hostnet: 0 passed, 1 failed"; exit 1; }
export BUILD=$B                 # vcluster's kernel, host tools and run directories
NAME=hk$(( $$ % 100000 ))
VC="$ROOT/cluster/vcluster"
logs=$B/host/kernel-logs
rm -rf "$logs"
mkdir -p "$logs"
pass=0 fail=0
unset V_PEERS V_PORT V_LHOST V_LOCAL V_TEST_LOSS V_TEST_DUP V_TEST_SEED V_DEBUG V_WHERE_PORT V_BCAST

result() {        # result NAME OK [WHY]
  if [ "$2" = 1 ]; then echo "PASS $1"; pass=$((pass + 1)); else echo "FAIL $1: ${3:-}"; fail=$((fail + 1)); fi
}
finish() {
  "$VC" down --name "$NAME" >>"$logs/vcluster.log" 2>&1
  echo "hostnet: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}
trap finish EXIT
trap 'exit 1' INT TERM

for f in "$B/kernel.elf" "$B/host/vctl" "$B/host/test/hkernel" "$B/host/test/hsrv"; do
  [ -e "$f" ] || { result setup 0 "$f is missing (make all)"; exit 1; }
done
if ! "$VC" up -n 2 --name "$NAME" >"$logs/vcluster.log" 2>&1; then
  result cluster_up 0 "$(tail -3 "$logs/vcluster.log" | tr '\n' '|')"
  exit 1
fi
x() { timeout 60 "$VC" exec --name "$NAME" "$@"; }   # in the namespace, bounded
con() { timeout 30 "$VC" console "$1" --name "$NAME" 2>&1; }

# vctl against the two kernel servers.
vc() {            # vc NAME WANT_STATUS PATTERN ARGS...
  local name=$1 want=$2 pat=$3 out rc; shift 3
  out=$(x vctl --timeout 5 "$@" 2>&1); rc=$?
  printf '%s\n' "$ vctl $*" "$out" >>"$logs/vctl.log"
  if [ $rc -eq "$want" ] && grep -qE -- "$pat" <<<"$out"; then result "vctl_$name" 1
  else result "vctl_$name" 0 "exit $rc, $(head -3 <<<"$out" | tr '\n' '|')"; fi
}
vc ps 0 '^0x00800101 0x00800101 .* pm$' ps @1
vc info 0 'node 2, logical host 0x0100, ip 10.77.0.12' info @2
vc mem 0 '^total [0-9]+ KiB, free' mem @2
vc net 0 '^packets in [0-9]+, out [0-9]+' net @1
vc ping 0 '3 sent, 3 answered' ping 2 -c 3
vc send 0 '^reply 0 \(ok\) from 0x01000001' send 0x01000001 0x103
vc remote_error 1 '^reply -9 \(bad call\)' send 0x00800001 0x999
vc no_node 1 '0 answered' ping 9

# servers/ctest's server on node 2, found by name in node 2's process list.
con 2 <<<"run ctest &" >"$logs/ctest-start.log"
ct=""
for _ in $(seq 50); do
  ct=$(x vctl ps @2 2>/dev/null | awk '$NF == "ctest" && $1 == $2 { print $1; exit }')
  [ -n "$ct" ] && break
  sleep 0.1
done
# hkernel_run NAME ENV...: one hkernel run; its PASS/FAIL lines are ours, and a run that
# ended badly without saying why is a failure of its own.
hkernel_run() {
  local name=$1 rc verdict rest n=0; shift
  x env "$@" "$B/host/test/hkernel" "$ct" ${count:+"$count"} >"$logs/$name.out" 2>"$logs/$name.err"
  rc=$?
  while read -r verdict rest; do
    case $verdict in
      PASS) result "$name: $rest" 1; n=$((n + 1)) ;;
      FAIL) result "$name: ${rest%%:*}" 0 "${rest#*: }"; n=$((n + 1)) ;;
    esac
  done <"$logs/$name.out"
  if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$logs/$name.out"; then
    result "$name" 0 "exit status $rc after $n results: $(tail -2 "$logs/$name.err" | tr '\n' '|')"
  fi
}
if [ -z "$ct" ]; then
  result ctest_server 0 "no ctest on node 2: $(tail -3 "$logs/ctest-start.log" | tr '\n' '|')"
else
  count="" hkernel_run hkernel V_LHOST=20
  count=200 hkernel_run dup V_LHOST=21 V_TEST_DUP=1
  count=200 hkernel_run loss V_LHOST=22 V_TEST_LOSS=10
fi

# A kernel client sends to a host server: hsrv on port 4377 answers the kernel's WHERE.
# Then vctl, from the namespace, tells it to quit (found by WHERE on the bridge too).
x env V_PORT=4377 V_LHOST=9 "$B/host/test/hsrv" 30 >"$logs/hsrv.out" 2>"$logs/hsrv.err" &
for _ in $(seq 50); do [ -s "$logs/hsrv.out" ] && break; sleep 0.1; done
out=$(con 1 <<<"send 0x7f090101 0x7001 1 2 3")
echo "$out" >"$logs/shell-send.log"
grep -q 'reply 0 (ok) from 0x7f090101: 0xa5a5a5a4 0xa5a5a5a7 0xa5a5a5a6' <<<"$out"
result kernel_client_to_host_server $((1 - $?)) "$(grep -m1 'send' <<<"$out")"
vc host_server_quit 0 '^reply 0 \(ok\) from 0x7f090101' send 0x7f090101 0x7009
wait
