#!/usr/bin/env bash
# tests/cluster/vcluster-boottimes.sh - measure how long `vcluster up` takes for clusters
# of several sizes (not part of `make test`: a measurement, not an assertion).
#   usage: tests/cluster/vcluster-boottimes.sh [-r RUNS] [--ready auto|boot] [SIZES...]
# Default sizes 2 4 8 16, 3 runs each. Prints one table row per size: the median and the
# range of the whole `up` and of its parts (network, QEMU start, boot). Uses cluster name
# "bt" (namespace vsys-bt); it takes any cluster of that name down first and at the end.
set -u
cd "$(dirname "$0")/../.." || exit 2
VC=cluster/vcluster
runs=3 ready=auto sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    -r) runs=$2; shift 2 ;;
    --ready) ready=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(2 4 8 16)
trap '$VC down --name bt >/dev/null 2>&1' EXIT
$VC down --name bt >/dev/null 2>&1

# median of the numbers on stdin, and "min-max"
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "%s (%s-%s)", a[int((NR + 1) / 2)], a[1], a[NR] }'; }

echo "vcluster up, $runs runs per size, --ready $ready, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-22s %-22s %-22s %s\n' nodes "up (s)" "network (s)" "QEMU start (s)" "boot (s)"
for n in "${sizes[@]}"; do
  tot=() net=() start=() boot=()
  for (( r = 0; r < runs; r++ )); do
    line=$($VC up --name bt -n "$n" --ready "$ready" 2>&1 | grep "all $n nodes up in")
    $VC down --name bt >/dev/null 2>&1
    [ -n "$line" ] || { echo "$n nodes: up failed"; continue; }
    # "... all N nodes up in T s (network A s, start B s, boot C s)"
    read -r t a b c < <(sed -E 's/.* up in ([0-9.]+) s \(network ([0-9.]+) s, start ([0-9.]+) s, boot ([0-9.]+) s\)/\1 \2 \3 \4/' <<<"$line")
    tot+=("$t") net+=("$a") start+=("$b") boot+=("$c")
  done
  [ ${#tot[@]} -gt 0 ] || continue
  printf '%-6s %-22s %-22s %-22s %s\n' "$n" "$(printf '%s\n' "${tot[@]}" | stats)" \
    "$(printf '%s\n' "${net[@]}" | stats)" "$(printf '%s\n' "${start[@]}" | stats)" \
    "$(printf '%s\n' "${boot[@]}" | stats)"
done
