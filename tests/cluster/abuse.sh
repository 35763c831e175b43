#!/usr/bin/env bash
# tests/cluster/abuse.sh - the ring-3 abuse program (servers/abuse, docs/TESTING.md) on 2
# real QEMU nodes in a network namespace of their own (vsysab<pid>, bridge br0
# 10.77.0.1/24, taps tap1..2). Node 1 runs `abuse SEED COUNT remote=2 halt`: COUNT random
# system calls with hostile arguments from ring 3, aimed at both nodes' servers, then
# the checks that both nodes hold what they held (free pages, teams, process slots,
# memberships, names) and that their servers answer. Node 2 (startlimit=3, so that
# teams the calls create there and never start go in 3 s) only serves. Passes only if
# node 1 exits 33 with `abuse: N passed, 0 failed`, no node panicked, and node 2 is
# still running. Prints the PASS/FAIL lines and `abuse: N passed, M failed`.
#   usage: tests/cluster/abuse.sh [BUILD_DIR] [SEED] [COUNT] [NIC]
#          (defaults: build 1 3000 e1000; `make abuse` runs a longer one)
#   env: ABUSE_TIMEOUT (s, default 240); ABUSE_ARGS (more of the program's arguments,
#        '+' between them: e.g. verbose, trace, from=I)
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
seed=${2:-1}
count=${3:-3000}
nic=${4:-e1000}
limit=${ABUSE_TIMEOUT:-240}
case "$seed$count" in *[!0-9]*|'') echo "abuse.sh: SEED and COUNT are numbers" >&2; exit 2;; esac
ns=vsysab$$
dir=$build/test/abuse
pids=()

if [ "$(id -u)" != 0 ]; then
  echo "abuse: skipped: needs root for a network namespace and taps"
  echo "abuse: 0 passed, 0 failed"; exit 0
fi

. tests/lib/netns.sh
cleanup() {
  netns_kill "${pids[@]}"
  netns_down "$ns" 2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$dir"; mkdir -p "$dir"
mods=$(bash tools/bundle.sh "$build") || exit 1
grep -q 'abuse.elf' <<<"$mods" || { echo "abuse.sh: $build/user/abuse.elf is missing: run make" >&2; exit 1; }

netns_up "$ns" 2 ||
  { echo "FAIL abuse/setup"; echo "abuse: 0 passed, 1 failed"; exit 1; }

echo "  seed $seed, $count calls, node 1 -> nodes 1 and 2 ($nic)"
for k in 2 1; do
  init=name; [ $k = 1 ] && init="name,abuse+$seed+$count+remote=2+halt${ABUSE_ARGS:++$ABUSE_ARGS}"
  ip netns exec "$ns" qemu-system-i386 -accel tcg -m 128 -nodefaults -display none -no-reboot \
    -serial "file:$dir/node$k.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
    -device "$nic,netdev=n0,mac=52:54:00:77:02:1$k" \
    -kernel "$build/kernel.elf" -append "node=$k ip=10.77.0.1$k/24 startlimit=3 init=$init" \
    -initrd "$mods" </dev/null >"$dir/node$k.qemu" 2>&1 &
  pids+=($!)
done
client=${pids[1]} server=${pids[0]}

SECONDS=0
# Node 1 ends itself when the program is done; if the program itself died (a fault the
# program manager reports), waiting for the limit would tell nothing more.
while kill -0 "$client" 2>/dev/null && [ $SECONDS -lt "$limit" ]; do
  grep -aq "^pm: fault in 'abuse'" "$dir/node1.log" 2>/dev/null && break
  sleep 0.2
done
if kill -0 "$client" 2>/dev/null; then rc=124; else wait "$client"; rc=$?; fi

for k in 1 2; do tr -d '\r' <"$dir/node$k.log" >"$dir/node$k.txt"; done
grep -E '^(PASS|FAIL) |^  |^abuse: [0-9]+ calls' "$dir/node1.txt"
passed=$(grep -c '^PASS ' "$dir/node1.txt")
failed=$(grep -c '^FAIL ' "$dir/node1.txt")
verdict() {   # verdict NAME OK WHY
  if [ "$2" = 1 ]; then echo "PASS abuse/$1"; passed=$((passed + 1))
  else echo "FAIL abuse/$1: $3"; failed=$((failed + 1)); fi
}
ok=0; [ "$rc" = 33 ] && grep -qE '^abuse: [0-9]+ passed, 0 failed' "$dir/node1.txt" && ok=1
verdict node1_verdict $ok "QEMU exit $rc after ${SECONDS}s; see $dir/node1.txt"
ok=1; grep -qiE 'panic|assert' "$dir/node1.txt" "$dir/node2.txt" && ok=0
verdict no_kernel_panic $ok "$(grep -hiE 'panic|assert' "$dir"/node?.txt | head -3)"
ok=0; kill -0 "$server" 2>/dev/null && ok=1
verdict node2_still_runs $ok "node 2's QEMU ended ($(tail -3 "$dir/node2.txt"))"
if [ "$failed" -gt 0 ]; then
  for k in 1 2; do echo "-- node $k"; tail -12 "$dir/node$k.txt" | sed 's/^/  | /'; done
fi
echo "abuse ($nic, seed $seed, $count calls, ${SECONDS}s): logs in $dir"
echo "abuse: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
