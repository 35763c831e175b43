#!/usr/bin/env bash
# cluster/run-node.sh - boot one vsys node in QEMU (`make run`, RUNARGS="...").
#
# On a terminal: the node's console (its shell) is this terminal. Quit with Ctrl-A X
# (Ctrl-A C opens QEMU's monitor), or type `halt` in the shell.
# Without a terminal on stdin (or with --script): a scripted session is fed to the shell
# under a time limit, its output printed, and the run checked: QEMU must exit with 33
# (halt status 0) and the output must show what the session asked for.
#
# Options:
#   --node N          node number, 1..255 (default 1)
#   --mem MB          guest memory (default 128)
#   --append "ARGS"   more kernel command-line arguments
#   --init PROGS      programs the program manager starts (init=PROGS; a,b+x+y)
#   --script FILE     feed FILE to the console ('-' = stdin); else the built-in session
#   --timeout S       time limit; default none on a terminal, 60 s for a script
#   --accel tcg|kvm   default tcg, kvm where /sys/module/kvm_intel or kvm_amd exists
#   --gdb PORT        wait at reset for gdb on 127.0.0.1:PORT (`make debug`); prints
#                     the command that attaches (docs/DEBUGGING.md)
# Exit status (scripted): 0 passed; 1 failed (the reason is printed); 2 bad usage.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-i386}
NODE=1
MEM=128
APPEND=""
INIT=""
SCRIPT=""
TIMEOUT=""
ACCEL=""
GDBPORT=""

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "run-node: $*" >&2; exit 1; }
need() { [ $# -ge 2 ] || { echo "run-node: $1 needs a value" >&2; usage >&2; exit 2; }; }

while [ $# -gt 0 ]; do
  case "$1" in
    --node) need "$@"; NODE=$2; shift 2 ;;
    --mem) need "$@"; MEM=$2; shift 2 ;;
    --append) need "$@"; APPEND=$2; shift 2 ;;
    --init) need "$@"; INIT=$2; shift 2 ;;
    --script) need "$@"; SCRIPT=$2; shift 2 ;;
    --timeout) need "$@"; TIMEOUT=$2; shift 2 ;;
    --accel) need "$@"; ACCEL=$2; shift 2 ;;
    --gdb) need "$@"; GDBPORT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-node: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

case "$NODE" in ''|*[!0-9]*) die "--node takes a number 1..255" ;; esac
if [ "$NODE" -lt 1 ] || [ "$NODE" -gt 255 ]; then die "--node takes a number 1..255"; fi
case "$MEM" in ''|*[!0-9]*) die "--mem takes a number of MB" ;; esac
case "$TIMEOUT" in *[!0-9]*) die "--timeout takes a number of seconds" ;; esac
case "$GDBPORT" in *[!0-9]*) die "--gdb takes a TCP port number" ;; esac
if [ -z "$ACCEL" ]; then
  ACCEL=tcg
  if [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; then ACCEL=kvm; fi
fi
case "$ACCEL" in
  tcg) ;;
  kvm) if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then die "--accel kvm: /dev/kvm is not usable here"; fi ;;
  *) die "--accel takes tcg or kvm" ;;
esac

# The boot bundle: every program, the program manager first (the kernel starts it).
[ -f "$BUILD/kernel.elf" ] || die "$BUILD/kernel.elf is missing: run 'make' first"
[ -f "$BUILD/user/pm.elf" ] || die "$BUILD/user/pm.elf is missing: run 'make' first"
command -v "$QEMU" >/dev/null || die "$QEMU not found (make deps installs it)"
BUNDLE=$(bash tools/bundle.sh "$BUILD") || exit 1

CMDLINE="node=$NODE"
[ -n "$INIT" ] && CMDLINE="$CMDLINE init=$INIT"
[ -n "$APPEND" ] && CMDLINE="$CMDLINE $APPEND"
# shellcheck disable=SC2054  # the commas belong to QEMU's option values
QEMU_ARGS=(-accel "$ACCEL" -m "$MEM" -nodefaults -display none -no-reboot
           -device isa-debug-exit,iobase=0xf4,iosize=0x04
           -kernel "$BUILD/kernel.elf" -append "$CMDLINE" -initrd "$BUNDLE")
if [ -n "$GDBPORT" ]; then
  QEMU_ARGS+=(-gdb "tcp:127.0.0.1:$GDBPORT" -S)
  echo "run-node: the node waits for gdb on 127.0.0.1:$GDBPORT; attach from another terminal with:"
  echo "  gdb -q -x $PWD/tools/gdb/vsys.py -ex 'target remote 127.0.0.1:$GDBPORT'"
fi

# The QEMU we started, killed by pid on any exit; the terminal's settings, restored.
QPID=""
STTY=""
TMP=""
# Bounded: TERM, up to 5 s, then KILL; waited for only once it has gone.
cleanup() {
  local i
  if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
    kill "$QPID" 2>/dev/null
    for ((i = 0; i < 50; i++)); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$QPID" 2>/dev/null && kill -9 "$QPID" 2>/dev/null && sleep 0.2
    kill -0 "$QPID" 2>/dev/null || wait "$QPID" 2>/dev/null
  fi
  [ -n "$STTY" ] && stty "$STTY" 2>/dev/null
  [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Wait for QPID; RC = its exit status.
wait_qemu() {
  wait "$QPID"
  RC=$?
  QPID=""
}

# What a QEMU exit status means.
explain() {
  case "$1" in
    33) echo "the node halted with status 0" ;;
    65) echo "kernel panic (exit 65)" ;;
    0) echo "crash: triple fault or QEMU ended without a halt (exit 0)" ;;
    124|137) echo "timed out after ${TIMEOUT}s: the node hung or never halted" ;;
    *) if [ "$1" -ge 33 ] && [ $(($1 & 1)) = 1 ]; then
         echo "the node halted with status $(( ($1 >> 1) - 16 )) (exit $1)"
       else
         echo "QEMU failed (exit $1)"
       fi ;;
  esac
}

interactive() {
  echo "run-node: node $NODE ($ACCEL, ${MEM} MB), kernel args '$CMDLINE'"
  echo "run-node: quit with Ctrl-A X (Ctrl-A C: QEMU monitor), or type 'halt'"
  STTY=$(stty -g 2>/dev/null || true)
  if [ -n "$TIMEOUT" ]; then
    timeout --foreground -k 5 "$TIMEOUT" "$QEMU" "${QEMU_ARGS[@]}" -serial mon:stdio <&0 &
  else
    "$QEMU" "${QEMU_ARGS[@]}" -serial mon:stdio <&0 &
  fi
  QPID=$!
  wait_qemu
  echo
  if [ "$RC" = 0 ]; then
    # Ctrl-A X and a triple fault both end QEMU with 0: only the user knows which.
    echo "run-node: QEMU ended (exit 0): you quit with Ctrl-A X, or the guest crashed"
  else
    echo "run-node: $(explain "$RC")"
  fi
  [ "$RC" = 33 ] || [ "$RC" = 0 ]
}

# The built-in session: the shell's commands, one request to the kernel server
# (KS_MEMORY_STATS = 0x102), a program run, a halt.
KS=$(printf '0x%08x' $(( (((NODE & 0xff) << 7) << 16) | 1 )))
default_script() {
  printf '%s\n' help ps mem time devices info programs "run hello a b" \
    "send $KS 0x102" stats "echo scripted session done" halt
}

# Does the node start a shell? (init= items are separated by ',', arguments by '+'.)
starts_shell() {
  [ -z "$INIT" ] && return 0
  case ",$INIT," in *,shell,*|*,shell+*) return 0 ;; esac
  return 1
}

# check LOG PATTERN WHAT: report whether the session output matches PATTERN (ERE).
MISSING=0
check() {
  if grep -Eq -- "$2" "$1"; then
    echo "  ok      $3"
  else
    echo "  MISSING $3"
    MISSING=1
  fi
}

scripted() {
  local builtin=0 script log
  TMP=$(mktemp -d) || die "mktemp failed"
  script=$TMP/script
  log=$TMP/out
  if [ -z "$SCRIPT" ] && ! starts_shell; then
    : >"$script"    # nothing reads the console: only the halt is checked
  elif [ -z "$SCRIPT" ]; then
    builtin=1
    default_script >"$script"
  elif [ "$SCRIPT" = - ]; then
    cat >"$script"
  else
    [ -r "$SCRIPT" ] || die "cannot read script '$SCRIPT'"
    cp "$SCRIPT" "$script"
  fi
  # Every session ends the node, so the run always finishes.
  grep -Eq '^[[:space:]]*halt([[:space:]]|$)' "$script" || echo halt >>"$script"
  TIMEOUT=${TIMEOUT:-60}
  echo "run-node: scripted session on node $NODE ($ACCEL, limit ${TIMEOUT}s), kernel args '$CMDLINE'"
  timeout -k 5 "$TIMEOUT" "$QEMU" "${QEMU_ARGS[@]}" -serial stdio <"$script" >"$log.raw" 2>&1 &
  QPID=$!
  wait_qemu
  tr -d '\r' <"$log.raw" >"$log"
  cat "$log"
  echo "run-node: --------"
  echo "run-node: QEMU: $(explain "$RC")"
  MISSING=0
  check "$log" "node $NODE halted \(status 0\)" "node $NODE halted"
  if [ "$builtin" = 1 ]; then
    check "$log" "^vsys shell on node $NODE " "the shell started"
    check "$log" '^0x[0-9a-f]{8} .* pm$' "ps lists the program manager"
    check "$log" '^0x[0-9a-f]{8} .* shell$' "ps lists the shell"
    check "$log" '^total [0-9]+ KiB, free [0-9]+ KiB' "mem shows memory use"
    check "$log" '^up [0-9]+\.[0-9]+ s' "time shows the uptime"
    check "$log" '^00:00\.0 [0-9a-f]{4}:[0-9a-f]{4}' "devices lists PCI functions"
    check "$log" "^node $NODE, logical host" "info shows the node"
    check "$log" '^hello$' "programs lists hello"
    check "$log" '^hello from pid 0x[0-9a-f]{8} .*args: a b$' "hello ran with its arguments"
    check "$log" 'hello: exit status 2' "hello's exit status reached the shell"
    check "$log" "^reply 0 .* from $KS: " "the kernel server answered a raw send"
    check "$log" '^scripted session done$' "the shell read the whole script"
  fi
  if grep -Eqi 'panic' "$log"; then
    echo "  FOUND   a panic message"
    MISSING=1
  fi
  if [ "$RC" = 33 ] && [ "$MISSING" = 0 ]; then
    echo "run-node: PASSED: scripted session on node $NODE"
    return 0
  fi
  echo "run-node: FAILED: scripted session on node $NODE ($(explain "$RC")$([ "$MISSING" = 1 ] && echo '; expected output missing'))"
  return 1
}

if [ -z "$SCRIPT" ] && [ -t 0 ]; then
  interactive
else
  scripted
fi
