#!/usr/bin/env bash
# tests/guest/run-guest.sh - boot one node in test mode (kernel tests, then the user-level
# tests of servers/utest; init=name,tmp,utest: the RAM store tests need the name handler
# and [tmp1]), and pass only if QEMU exits with the agreed code 33 AND the
# serial log ends with "N passed, 0 failed". Prints the PASS/FAIL lines and one summary
# line `guest: N passed, M failed`.
#   usage: tests/guest/run-guest.sh [BUILD_DIR]       env: GUEST_TIMEOUT (s, default 240)
set -u
build=${1:-build}
log=$build/test/guest.log
mkdir -p "$build/test"
mods=$(bash "$(dirname "$0")/../../tools/bundle.sh" "$build") || exit 1

qemu-system-i386 -accel tcg -m 128 -nodefaults -display none -no-reboot \
  -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -kernel "$build/kernel.elf" -append "node=1 test init=name,tmp,utest" -initrd "$mods" \
  </dev/null >"$build/test/guest.qemu.out" 2>&1 &
qpid=$!
. "$(dirname "$0")/../lib/netns.sh"      # netns_kill: TERM, then KILL; bounded
trap 'netns_kill $qpid' EXIT
limit=${GUEST_TIMEOUT:-240}
for ((i = 0; i < limit * 10; i++)); do
  kill -0 $qpid 2>/dev/null || break
  sleep 0.1
done
if kill -0 $qpid 2>/dev/null; then
  netns_kill $qpid
  rc=124
else
  wait $qpid; rc=$?
fi
trap - EXIT

tr -d '\r' <"$log" >"$log.txt"
grep -E '^(PASS|FAIL) ' "$log.txt"
grep -E '^  note:|^PANIC|^kernel: .*destroyed' "$log.txt" | head -20
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log.txt" | tail -1)
passed=$(grep -c '^PASS ' "$log.txt")
failed=$(grep -c '^FAIL ' "$log.txt")
case $rc in
  33) why="" ;;
  124) why="timed out after ${limit}s (hang)" ;;
  65) why="kernel panic" ;;
  0) why="QEMU exited 0: a triple fault" ;;
  *) why="QEMU exit code $rc" ;;
esac
if [ -z "$summary" ]; then
  why="${why:+$why; }no closing 'N passed, N failed' line"
  failed=$((failed + 1))
fi
if [ -n "$why" ] || [ "$failed" -ne 0 ]; then
  echo "guest: FAILED ($why) - last lines of $log.txt:"
  tail -15 "$log.txt" | sed 's/^/  | /'
  [ "$failed" -eq 0 ] && failed=1
fi
echo "guest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
