#!/usr/bin/env bash
# tests/bench/naming-bench.sh - `make bench-naming`: the cost of naming by multicast and
# of group Sends (docs/BENCH.md, "Naming by multicast").
#
# For each cluster size N it boots N vsys nodes (QEMU, TCG) on a bridge in a network
# namespace of its own (vsysnam<pid>). Every node runs its name handler; nodes 2..N run
# `bench peer` (on the largest size each also joins the bench groups: node k is member
# k-1 of G_(k-1)..G_M, and node 2 runs a second peer as member M), node 1 runs
# `bench naming nodes=N`: cache hits, misses (one group Send to the name's context group,
# and for comparison to every name handler),
# unicast NAME_LOOKUPs and plain round trips, for names owned by node N, then group
# Sends to groups of 1..M members.
#
# Each size runs in two placements of the QEMU processes on the host's CPUs:
#   shared   as the host's scheduler likes (every figure, groups included)
#   pinned   node 1 and node N on CPU 0, the other nodes on the other CPUs (taskset),
#            so that their work on each multicast cannot delay the exchange between
#            node 1 and node N, as it could not on a cluster with a CPU per node
#            (lookups only; skipped on a one-CPU host or with --no-pin)
# Prints a table, writes build/bench/naming.json and PNG plots (gnuplot) into
# build/bench/. Serial logs: build/bench/logs/naming_nN.PLACEMENT.nodeK.log.
#
# Options:
#   --nodes "2 4 8 16"   cluster sizes (2..16)
#   --ops K              timed operations per figure (default 1000; under 1000 is a smoke run)
#   --members M          group sizes 1..M on the largest cluster (default: its size, <= 16; 0 none)
#   --nic e1000|virtio-net   (default e1000, as vcluster)
#   --mem MB             memory per node (default 64)
#   --no-pin             the shared placement only
#   --timeout S          limit for one cluster (default 300 s)
#   --out DIR            results folder (default build/bench)
# Exit status: 0 when every cluster ran to the end with all its figures, 1 otherwise.
# The targets (miss <= 1.5 x unicast round trip; hits send and receive nothing) are only
# reported, never the exit status.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-i386}
SIZES="2 4 8 16"
OPS=1000
MEMBERS=""
NIC=e1000
MEM=64
TIMEOUT=300
OUT=$BUILD/bench
PLACEMENTS="shared pinned"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "naming-bench: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --nodes) SIZES=$2; shift 2 ;;
    --ops) OPS=$2; shift 2 ;;
    --members) MEMBERS=$2; shift 2 ;;
    --nic) NIC=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --no-pin) PLACEMENTS=shared; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
case "$OPS$MEM$TIMEOUT$MEMBERS" in *[!0-9]*) die "--ops, --members, --mem and --timeout take numbers" ;; esac
max=0
for n in $SIZES; do
  case $n in ''|*[!0-9]*) die "--nodes takes numbers 2..16" ;; esac
  [ "$n" -ge 2 ] && [ "$n" -le 16 ] || die "--nodes takes numbers 2..16"
  [ "$n" -gt "$max" ] && max=$n
done
[ "$max" -gt 0 ] || die "no cluster size given"
[ -n "$MEMBERS" ] || MEMBERS=$max
[ "$MEMBERS" -le "$max" ] && [ "$MEMBERS" -le 16 ] || die "--members is at most the largest size and 16"
case $NIC in virtio-net) DEV=virtio-net-pci ;; e1000) DEV=e1000 ;; *) die "--nic: e1000 or virtio-net" ;; esac
[ "$OPS" -ge 10 ] && [ "$OPS" -le 2000 ] || die "--ops takes 10..2000"
if [ "$(id -u)" != 0 ]; then echo "naming-bench: skipped: needs root for a namespace"; exit 0; fi
for f in kernel.elf user/pm.elf user/name.elf user/bench.elf; do
  [ -f "$BUILD/$f" ] || die "$BUILD/$f is missing: run 'make' first"
done
command -v "$QEMU" >/dev/null || die "$QEMU not found (make deps installs it)"
CPUS=$(nproc)
if [ "$CPUS" -lt 2 ] || ! command -v taskset >/dev/null; then
  [ "$PLACEMENTS" = shared ] || echo "naming-bench: one CPU (or no taskset): the shared placement only"
  PLACEMENTS=shared
fi

ns=vsysnam$$
pids=()
. tests/lib/netns.sh
stop_nodes() {
  netns_kill "${pids[@]}"
  pids=()
}
cleanup() { stop_nodes; netns_down "$ns" "$max"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$OUT/logs" || die "cannot create $OUT/logs"
mods=$(bash tools/bundle.sh "$BUILD") || exit 1

# The init= of node k in a cluster of n nodes with group sizes 1..m (m = 0: no groups).
node_init() {
  local k=$1 n=$2 m=$3
  if [ "$k" = 1 ]; then echo "name,bench+naming+nodes=$n+ops=$OPS+members=$m"; return; fi
  if [ "$m" = 0 ] || [ $((k - 1)) -gt "$m" ]; then echo "name,bench+peer"; return; fi
  local init="name,bench+peer+slot=$((k - 1))+max=$m"
  [ "$k" = 2 ] && [ "$m" -ge "$n" ] && init="$init,bench+peer+slot=$m+max=$m"
  echo "$init"
}

# The taskset prefix of node k of n in a placement (nothing when shared).
node_cpus() {
  local k=$1 n=$2 placement=$3
  [ "$placement" = pinned ] || return 0
  if [ "$k" = 1 ] || [ "$k" = "$n" ]; then echo "taskset -c 0"; else echo "taskset -c 1-$((CPUS - 1))"; fi
}

# cpu_times N PLACEMENT: host CPU seconds (user + system) each node's QEMU has used, for
# the report's estimate of what the other nodes spend per multicast (node 1 has ended:
# its own figure is not kept). Lines "k seconds" into the cluster's .cpu file.
cpu_times() {
  local n=$1 placement=$2 i k tck
  tck=$(getconf CLK_TCK)
  for ((i = 0; i < ${#pids[@]} - 1; i++)); do
    k=$((n - i))
    awk -v k="$k" -v t="$tck" '{ sub(/^.*\) /, ""); printf "%d %.3f\n", k, ($12 + $13) / t }' \
      "/proc/${pids[$i]}/stat" 2>/dev/null
  done >"$OUT/logs/naming_n$n.$placement.cpu"
}

# tap_frames N PLACEMENT: the frames the bridge delivered to each node (its tap's TX
# packets) over the whole run, lines "k frames" into the cluster's .taps file: the
# report's measure of how many nodes each multicast reached.
tap_frames() {
  local n=$1 placement=$2 k
  for ((k = 1; k <= n; k++)); do
    echo "$k $(ip netns exec "$ns" cat "/sys/class/net/tap$k/statistics/tx_packets" 2>/dev/null || echo 0)"
  done >"$OUT/logs/naming_n$n.$placement.taps"
}

# run_size N M PLACEMENT: one cluster of N nodes; sets RC (node 1's QEMU exit status).
run_size() {
  local n=$1 m=$2 placement=$3 k log
  netns_up "$ns" "$n" || { echo "naming-bench: cannot set up the namespace" >&2; RC=1; return; }
  for ((k = n; k >= 1; k--)); do
    log=$OUT/logs/naming_n$n.$placement.node$k.log
    # shellcheck disable=SC2046
    ip netns exec "$ns" $(node_cpus "$k" "$n" "$placement") "$QEMU" -accel tcg -m "$MEM" \
      -nodefaults -display none -no-reboot \
      -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
      -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
      -device "$DEV,netdev=n0,mac=52:54:00:77:04:$(printf %02x "$k")" \
      -kernel "$BUILD/kernel.elf" -append "node=$k ip=10.77.0.$((10 + k))/24 init=$(node_init "$k" "$n" "$m")" \
      -initrd "$mods" </dev/null >"$log.qemu" 2>&1 &
    pids+=($!)
  done
  local client=$! start=$SECONDS
  while kill -0 "$client" 2>/dev/null && [ $((SECONDS - start)) -lt "$TIMEOUT" ]; do sleep 0.2; done
  if kill -0 "$client" 2>/dev/null; then RC=124; else wait "$client"; RC=$?; fi
  cpu_times "$n" "$placement"
  tap_frames "$n" "$placement"
  stop_nodes
  netns_down "$ns" "$n"
}

failed=0
start=$SECONDS
logs=()
for placement in $PLACEMENTS; do
  for n in $SIZES; do
    m=0
    [ "$n" = "$max" ] && [ "$placement" = shared ] && m=$MEMBERS
    printf 'naming-bench: %2d nodes, %s%s ... ' "$n" "$placement" \
      "$([ "$m" -gt 0 ] && echo ", groups of 1..$m")"
    t0=$SECONDS
    run_size "$n" "$m" "$placement"
    log=$OUT/logs/naming_n$n.$placement.node1.log
    if [ "$RC" = 33 ] && tr -d '\r' <"$log" | grep -q "^NAMING-DONE nodes=$n status=0"; then
      echo "ok ($((SECONDS - t0)) s)"
      logs+=("$placement:$log")
    else
      echo "FAILED: node 1 exited $RC - see $log"
      tr -d '\r' <"$log" | grep -E 'BENCH-ERROR|panic|PANIC|fault' | head -5 | sed 's/^/    /'
      failed=1
    fi
  done
done
echo "naming-bench: $((SECONDS - start)) s for all clusters"
echo

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=unknown
if [ "$COMMIT" != unknown ]; then
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then DIRTY=yes; else DIRTY=no; fi
fi
BENCH_QEMU_VERSION=$("$QEMU" --version | head -1 | sed 's/^QEMU emulator version //')
export BENCH_COMMIT=$COMMIT BENCH_DIRTY=$DIRTY BENCH_QEMU=$QEMU BENCH_QEMU_VERSION
export BENCH_NIC=$NIC BENCH_MEM=$MEM BENCH_WALL_S=$((SECONDS - start)) BENCH_CPUS=$CPUS
if [ ${#logs[@]} -gt 0 ]; then
  python3 tests/bench/naming_report.py "$OUT" "${logs[@]}" || failed=1
fi
[ "$failed" = 0 ] || echo "naming-bench: FAILED (see the messages above and $OUT/logs/)" >&2
exit $failed
