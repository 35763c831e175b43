# shellcheck shell=bash
# cluster/lib/common.sh - shared helpers of cluster/vcluster: messages, names derived
# from the cluster name, the run directory and its state file, clocks, process checks.
# Sourced by cluster/vcluster; defines no commands of its own.
#
# Naming (docs/CLUSTER.md): cluster NAME (1-8 of [a-z0-9], starting with a letter) gives
#   namespace vsys-NAME, bridge vbr-NAME, taps vt-NAME-K (K = node number), run directory
#   $VCLUSTER_RUNDIR/NAME (default build/cluster/NAME), a cluster byte B (MAC
#   52:54:00:77:B:K) and a multicast port 20000+B for the rootless segment.

# Exit statuses every command uses.
EX_OK=0        # done
EX_FAIL=1      # the operation failed (the reason is printed)
EX_USAGE=2     # bad command line
EX_NOCLUSTER=3 # no such cluster running

NET_PREFIX=10.77.0          # the cluster's /24; nodes are .(10+K), the bridge is .1
BRIDGE_ADDR=$NET_PREFIX.1/24
MCAST_GROUP=230.0.0.1       # rootless segment: QEMU's socket multicast netdev
MAX_NODES=200               # 10+K stays below .255; "vt-NAME-K" stays within 15 chars

msg()  { echo "vcluster: $*"; }
warn() { echo "vcluster: $*" >&2; }
die()  { echo "vcluster: $*" >&2; exit "$EX_FAIL"; }
# usage_error MESSAGE: a bad command line; points at --help.
usage_error() { echo "vcluster: $*" >&2; echo "vcluster: try 'vcluster ${CMD:+$CMD }--help'" >&2; exit "$EX_USAGE"; }
# need_value OPTION ARGS...: the option must be followed by a value.
need_value() { [ $# -ge 2 ] || usage_error "$1 needs a value"; }

# now_ms: wall-clock milliseconds (bash 5's EPOCHREALTIME, no fork).
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $(( t / 1000 )); }
# secs MS: "1.234" from milliseconds.
secs() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }

is_root() { [ "$(id -u)" = 0 ]; }

# check_name NAME: the cluster name must make valid, distinct interface names.
check_name() {
  [[ $1 =~ ^[a-z][a-z0-9]{0,7}$ ]] ||
    usage_error "cluster name '$1': use 1-8 characters a-z 0-9, starting with a letter"
}

# set_names NAME: the names and paths derived from the cluster name (globals).
set_names() {
  NAME=$1
  NS=vsys-$NAME
  BR=vbr-$NAME
  RUN=$RUNROOT/$NAME
  STATE=$RUN/cluster.env
}
tap_name() { echo "vt-$NAME-$1"; }
node_ip()  { echo "$NET_PREFIX.$(( 10 + $1 ))"; }
node_mac() { printf '52:54:00:77:%02x:%02x' "$BYTE" "$1"; }

# pick_byte NAME: the cluster byte, from a checksum of the name, moved on past bytes that
# other clusters under $RUNROOT already hold, so that clusters side by side differ.
pick_byte() {
  local b used f i
  b=$(( $(printf '%s' "$1" | cksum | cut -d' ' -f1) % 250 + 1 ))
  used=" "
  for f in "$RUNROOT"/*/cluster.env; do
    [ -f "$f" ] && [ "$f" != "$RUNROOT/$1/cluster.env" ] || continue
    used+="$(sed -n 's/^BYTE=//p' "$f") "
  done
  for (( i = 0; i < 250; i++ )); do
    [[ $used == *" $b "* ]] || { echo "$b"; return 0; }
    b=$(( b % 250 + 1 ))
  done
  return 1
}

# save_state: write the cluster's settings (written before anything is created, so that
# `down` can undo a half-made cluster even after the tool itself crashed).
save_state() {
  local v
  {
    for v in NAME MODE NS BR BYTE PORT N NIC ACCEL MEM MTU KERNEL INIT APPEND PCAP READY PXE GDB_NODE GDB_PORT STARTED; do
      printf '%s=%q\n' "$v" "${!v}"
    done
  } >"$STATE.tmp" && mv "$STATE.tmp" "$STATE"
}

# load_state: read the state file of the cluster set by set_names; fails if none.
load_state() {
  [ -f "$STATE" ] || return 1
  # shellcheck disable=SC1090
  . "$STATE"
}

# qemu_pid_ours PID: is PID alive, a qemu-system process, and one of this run's (its
# command line names our run directory)? Only such a process is ever killed.
qemu_pid_ours() {
  local pid=$1 cmd exe
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmd=$( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null ) || return 1
  exe=${cmd%% *}
  [[ ${exe##*/} == qemu-system-* ]] || return 1
  [[ $cmd == *"$RUN/"* ]]
}

# node_pid K: the pid recorded for node K (empty if none).
node_pid() { cat "$RUN/node$1.pid" 2>/dev/null; }

# node_alive K: is node K's QEMU running?
node_alive() { qemu_pid_ours "$(node_pid "$1")"; }

# qemu_exit_text RC: what a QEMU exit status means (isa-debug-exit gives (v<<1)|1).
qemu_exit_text() {
  case "$1" in
    33) echo "halted, status 0" ;;
    65) echo "kernel panic" ;;
    0) echo "triple fault or quit" ;;
    *) if [ "$1" -gt 33 ] && [ $(( $1 & 1 )) = 1 ]; then
         echo "halted, status $(( ($1 >> 1) - 16 ))"
       else
         echo "QEMU error"
       fi ;;
  esac
}

# node_end_text K: how node K's QEMU ended, short: "exit 65: kernel panic".
node_end_text() {
  local rc sig
  rc=$(cat "$RUN/node$1.rc" 2>/dev/null) || { echo "gone"; return; }
  sig=$(grep -o 'terminating on signal [0-9]*' "$RUN/node$1.err" 2>/dev/null | tail -1)
  if [ "$rc" = 0 ] && [ -n "$sig" ]; then
    echo "exit 0: killed, signal ${sig##* }"
  else
    echo "exit $rc: $(qemu_exit_text "$rc")"
  fi
}

# log_tail K [LINES]: the end of node K's console log and of QEMU's own messages.
log_tail() {
  local k=$1 n=${2:-15}
  echo "---- last $n lines of $RUN/node$k.log"
  tail -n "$n" "$RUN/node$k.log" 2>/dev/null | tr -d '\r' | awk '{ print "  | " $0 }'
  if [ -s "$RUN/node$k.err" ]; then
    echo "---- QEMU's messages ($RUN/node$k.err)"
    tail -n 5 "$RUN/node$k.err" | awk '{ print "  | " $0 }'
  fi
}
