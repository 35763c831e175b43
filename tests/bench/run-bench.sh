#!/usr/bin/env bash
# tests/bench/run-bench.sh - the IPC benchmarks (`make bench`).
#
# Boots one node per benchmark set and mode with `init=bench+SET`: once under
# `-icount shift=0` (figures in guest instructions, deterministic) and once under plain
# TCG (wall-clock ns from the kernel's clock). Prints a table and writes one JSON file
# per set into build/bench/ (docs/BENCH.md). Serial logs go to build/bench/logs/.
#
# Options:
#   --sets "null rtt move4k move64k"   which sets to run (default: all four)
#   --iters N                          iterations per round for every set
#   --rounds R                         timed rounds per benchmark (default 7, max 16)
#   --timeout S                        limit for each boot (default 60 s)
#   --out DIR                          results folder (default build/bench)
# Exit status: 0 when every run halted cleanly with all its results, 1 otherwise.
# Benchmarks never fail on their figures; the round-trip target is only reported.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-i386}
SETS="null rtt move4k move64k"
ITERS=""
ROUNDS=7
TIMEOUT=60
OUT=$BUILD/bench

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "run-bench: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --sets) SETS=$2; shift 2 ;;
    --iters) ITERS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

for f in kernel.elf user/pm.elf user/bench.elf; do
  [ -f "$BUILD/$f" ] || die "$BUILD/$f is missing: run 'make' first"
done
command -v "$QEMU" >/dev/null || die "$QEMU not found (make deps installs it)"
command -v python3 >/dev/null || die "python3 not found (make deps installs it)"
for s in $SETS; do
  case "$s" in null|rtt|move4k|move64k) ;; *) die "unknown set '$s'" ;; esac
done
case "$ITERS$ROUNDS" in *[!0-9]*) die "--iters and --rounds take numbers" ;; esac

# The QEMU we started (through timeout, which passes TERM on to it); killed on any exit,
# TERM then KILL, waiting 7 s at most (netns_kill).
. tests/lib/netns.sh
QPID=""
cleanup() {
  [ -n "$QPID" ] && netns_kill "$QPID"
  QPID=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ICOUNT_ARGS="-accel tcg -icount shift=0"
TCG_ARGS="-accel tcg"

# boot SET MODE-ARGS LOG: one node running `bench SET`; sets RC to QEMU's exit status.
boot() {
  local set=$1 mode_args=$2 log=$3 init="bench+$1+rounds=$ROUNDS"
  [ -n "$ITERS" ] && init="bench+$set+$ITERS+rounds=$ROUNDS"
  # shellcheck disable=SC2086
  timeout -k 5 "$TIMEOUT" "$QEMU" $mode_args -m 128 -nodefaults -display none -no-reboot \
    -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$BUILD/kernel.elf" -append "node=1 init=$init" \
    -initrd "$BUILD/user/pm.elf,$BUILD/user/bench.elf" </dev/null >"$log.stderr" 2>&1 &
  QPID=$!
  wait "$QPID"
  RC=$?
  QPID=""
}

# What an exit status means (see docs/BENCH.md).
explain() {
  case "$1" in
    33) echo "halted with status 0" ;;
    35) echo "the bench program reported errors (halt status 1)" ;;
    65) echo "kernel panic" ;;
    0) echo "crash (triple fault or QEMU quit without a halt)" ;;
    124|137) echo "timed out after ${TIMEOUT}s (hang)" ;;
    *) echo "unexpected exit status $1" ;;
  esac
}

mkdir -p "$OUT/logs" || die "cannot create $OUT/logs"
failed=0
start=$(date +%s)
for s in $SETS; do
  for mode in icount tcg; do
    log=$OUT/logs/$s.$mode.log
    args=$ICOUNT_ARGS
    [ "$mode" = tcg ] && args=$TCG_ARGS
    printf 'run-bench: %-8s %-6s ... ' "$s" "$mode"
    boot "$s" "$args" "$log"
    if [ "$RC" = 33 ] && grep -q '^BENCH-DONE results=[1-9][0-9]* errors=0' <(tr -d '\r' <"$log"); then
      echo "ok"
    else
      echo "FAILED: $(explain "$RC") - see $log"
      tr -d '\r' <"$log" | grep -E 'BENCH-ERROR|panic|PANIC|fault' | head -5 | sed 's/^/    /'
      failed=1
    fi
  done
done
echo "run-bench: $(( $(date +%s) - start )) s for all boots"
echo

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=unknown
if [ "$COMMIT" != unknown ]; then
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then DIRTY=yes; else DIRTY=no; fi
fi
export BENCH_COMMIT=$COMMIT BENCH_DIRTY=$DIRTY BENCH_QEMU=$QEMU
BENCH_QEMU_VERSION=$("$QEMU" --version | head -1 | sed 's/^QEMU emulator version //')
export BENCH_QEMU_VERSION
export BENCH_ICOUNT_ARGS=$ICOUNT_ARGS BENCH_TCG_ARGS=$TCG_ARGS
# shellcheck disable=SC2086
python3 tests/bench/report.py "$OUT" $SETS || failed=1

# Across two nodes, side by side with two Linux guests on the same kind of bridge
# (docs/BENCH.md, "Linux peer" and "Side by side"): alternating rounds, with standard
# frames and with jumbo frames (MTU 9000 on the bridge, the taps and every guest);
# skips itself without root. SIDE_ROUNDS sets the rounds (default 3).
BUILD=$BUILD bash tests/bench/side-by-side.sh --rounds "${SIDE_ROUNDS:-3}" --out "$OUT" || failed=1

if [ "$failed" != 0 ]; then
  echo "run-bench: FAILED (see the messages above and $OUT/logs/)" >&2
  exit 1
fi
echo "run-bench: all benchmarks ran"
