#!/usr/bin/env bash
# tests/guest/gdb.sh - gdb on a node (docs/DEBUGGING.md): one QEMU node waits at reset
# under the gdb stub, as `make debug` boots it, and gdb in batch mode, with
# tools/gdb/vsys.py, attaches, breaks in the kernel's send path (ipc_send), continues,
# and prints a backtrace, the process table, the ready queues, the current process and,
# with a program's symbols added, a line of that program. The test checks what gdb
# printed. QEMU and gdb run in a network namespace of their own (vsysgdb<pid>, only its
# loopback), so the stub's port is nobody else's. Then `vcluster up -n 2 --gdb 2`: up
# returns with node 1 up and prints the command that attaches to node 2; that command,
# in batch mode, stops node 2 in ipc_send and detaches, and node 2 then boots; down
# leaves nothing. Prints PASS/FAIL lines and `gdb: N passed, M failed`.
#   usage: tests/guest/gdb.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
ns=vsysgdb$$
dir=$build/test/gdb
port=1234
qpid=""
passed=0 failed=0

if [ "$(id -u)" != 0 ]; then
  echo "gdb: skipped: needs root for a network namespace"
  echo "gdb: 0 passed, 0 failed"; exit 0
fi

. tests/lib/netns.sh
VC=cluster/vcluster
RUNROOT=${VCLUSTER_RUNDIR:-$(pwd)/$build/cluster}
cname=gdb$(( $$ % 10000 ))
cleanup() {
  [ -n "$qpid" ] && netns_kill "$qpid"
  ip netns del "$ns" 2>/dev/null
  timeout 60 "$VC" down --name "$cname" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check() {   # check NAME PATTERN WHAT: does gdb's output match PATTERN (ERE)?
  if grep -Eq -- "$2" "$dir/gdb.out"; then
    echo "PASS gdb/$1"; passed=$((passed + 1))
  else
    echo "FAIL gdb/$1: gdb printed no $3"; failed=$((failed + 1))
  fi
}

rm -rf "$dir"; mkdir -p "$dir"
mods=$(bash tools/bundle.sh "$build") || exit 1
ip netns add "$ns" && ip -n "$ns" link set lo up ||
  { echo "FAIL gdb/setup"; echo "gdb: 0 passed, 1 failed"; exit 1; }
ip netns exec "$ns" qemu-system-i386 -accel tcg -m 128 -nodefaults -display none -no-reboot \
  -serial "file:$dir/node.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -kernel "$build/kernel.elf" -append "node=1 init=hello" -initrd "$mods" \
  -gdb "tcp:127.0.0.1:$port" -S </dev/null >"$dir/qemu.out" 2>&1 &
qpid=$!
for ((i = 0; i < 50; i++)); do   # until the stub listens
  ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
  sleep 0.1
done
SECONDS=0
VSYS_BUILD=$build timeout -k 5 60 ip netns exec "$ns" gdb -q -batch -nx -x tools/gdb/vsys.py \
  -ex "target remote 127.0.0.1:$port" -ex 'break ipc_send' -ex continue -ex bt \
  -ex vsys-ps -ex vsys-runq -ex 'vsys-proc current' -ex 'vsys-program pm' \
  -ex 'info line req_run' -ex kill </dev/null >"$dir/gdb.out" 2>&1
rc=$?
echo "  gdb ended with status $rc after ${SECONDS}s; its output in $dir/gdb.out"

check loads_the_kernel '^Breakpoint 1 at 0x[0-9a-f]+: file kernel/ipc\.c' "breakpoint set in kernel/ipc.c"
check stops_in_the_send_path '^Breakpoint 1, ipc_send \(' "stop in ipc_send"
check backtrace_reaches_the_trap '^#1 .* in sys_send .*kernel/syscall\.c' "sys_send frame"
check backtrace_reaches_the_dispatch '^#2 .* in syscall_dispatch ' "syscall_dispatch frame"
check process_table_lists_idle '^ +0  0x00800100 +(ready|running) +8 +\(kernel\)' "idle process (slot 0) in vsys-ps"
check process_table_marks_the_sender '^ +[0-9]+\* 0x0080010[0-9a-f] +running +[0-9] +pm ' "running program manager marked in vsys-ps"
check run_queue_names_who_runs '^running: 0x0080010[0-9a-f] pm$' "running process in vsys-runq"
check one_process_in_full '^pid +0x0080010[0-9a-f] \(node 1, local 0x10[0-9a-f]\)' "vsys-proc current"
check one_process_team '^team +pm, root 0x00800101, [0-9]+ bytes' "the current process's team"
check program_symbols_added 'symbols of .*/user/pm\.elf added' "vsys-program pm"
check program_line_found '^Line [0-9]+ of "servers/pm/req\.c" starts at address 0x4[0-9a-f]{7} <req_run>' "a line of the program manager"
if [ "$failed" -gt 0 ]; then sed 's/^/  | /' "$dir/gdb.out" | tail -40; fi
netns_kill "$qpid"; qpid=""

# ---- vcluster up --gdb K ----
verdict() {   # verdict NAME OK WHY
  if [ "$2" = 1 ]; then echo "PASS gdb/$1"; passed=$((passed + 1))
  else echo "FAIL gdb/$1: $3"; failed=$((failed + 1)); fi
}
timeout -k 5 120 "$VC" up -n 2 --name "$cname" --gdb 2 --wait 60 >"$dir/up.out" 2>&1
rc=$?
attach=$(sed -n "s/^vcluster:   \(.*gdb -q -x .*'target remote 127\.0\.0\.1:[0-9]*'\)\$/\1/p" "$dir/up.out")
ok=0; [ $rc = 0 ] && [ -n "$attach" ] && grep -q "node 1 up" "$dir/up.out" && ok=1
verdict vcluster_up_prints_the_attach_command $ok "up exited $rc; see $dir/up.out"
ok=0; grep -q '^vsys shell on node 2 ' "$RUNROOT/$cname/node2.log" 2>/dev/null || ok=1
verdict vcluster_node_waits_for_gdb $ok "node 2 booted before gdb let it"
if [ -n "$attach" ]; then
  eval "timeout -k 5 60 $attach -batch -ex 'break ipc_send' -ex continue -ex vsys-ps -ex delete -ex detach" \
    </dev/null >"$dir/vcluster-gdb.out" 2>&1
fi
ok=0; grep -q '^Breakpoint 1, ipc_send (' "$dir/vcluster-gdb.out" 2>/dev/null &&
  grep -qE '^ +[0-9]+\* 0x0100010[0-9a-f] ' "$dir/vcluster-gdb.out" && ok=1
verdict vcluster_gdb_stops_node_2 $ok "see $dir/vcluster-gdb.out"
for ((i = 0; i < 100; i++)); do
  grep -q '^vsys shell on node 2 ' "$RUNROOT/$cname/node2.log" 2>/dev/null && break
  sleep 0.2
done
ok=0; grep -q '^vsys shell on node 2 ' "$RUNROOT/$cname/node2.log" 2>/dev/null && ok=1
verdict vcluster_node_boots_after_detach $ok "node 2's log: $(tail -2 "$RUNROOT/$cname/node2.log" 2>/dev/null)"
timeout 60 "$VC" down --name "$cname" >"$dir/down.out" 2>&1
. tests/lib/leftovers.sh
left=$(leftovers "$cname")
ok=0; [ -z "$left" ] && ok=1
verdict vcluster_down_leaves_nothing $ok "$left"
echo "gdb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
