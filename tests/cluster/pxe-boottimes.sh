#!/usr/bin/env bash
# tests/cluster/pxe-boottimes.sh - how long `vcluster up` takes with the nodes booted by
# PXE (dnsmasq + iPXE, `up --pxe`) against booted directly by QEMU's -kernel, for each
# NIC model and cluster size (not part of `make test`: a measurement, not an assertion).
#   usage: tests/cluster/pxe-boottimes.sh [-r RUNS] [--nic e1000|virtio|both] [SIZES...]
# Default sizes 1 4 8, 3 runs each, both NICs. Prints one row per NIC and size: the
# median (and range) of the whole `up`, direct and PXE, and their difference. "Up" is
# vcluster's: every node printed `net: ... up` and answers a ping. Uses cluster name
# "pbt" (namespace vsys-pbt); takes any cluster of that name down first and at the end.
set -u
cd "$(dirname "$0")/../.." || exit 2
VC=cluster/vcluster
runs=3 nics=(e1000 virtio) sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    -r) runs=$2; shift 2 ;;
    --nic) [ "$2" = both ] || nics=("$2"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1 4 8)
trap '$VC down --name pbt >/dev/null 2>&1' EXIT
$VC down --name pbt >/dev/null 2>&1

# median of the numbers on stdin, and "min-max"
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "%s (%s-%s)", a[int((NR + 1) / 2)], a[1], a[NR] }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# up_secs N NIC [--pxe]: one `up`, then down; prints the seconds `up` took, or nothing.
up_secs() {
  local n=$1 nic=$2 line
  line=$($VC up --name pbt -n "$n" --nic "$nic" ${3:-} --wait 120 2>&1 | grep "all $n nodes up in")
  $VC down --name pbt >/dev/null 2>&1
  sed -nE 's/.* up in ([0-9.]+) s .*/\1/p' <<<"$line"
}

echo "vcluster up, direct (-kernel) against PXE (--pxe), $runs runs each; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s %-6s %-22s %-22s %s\n' nic nodes "direct (s)" "PXE (s)" "PXE - direct (s)"
for nic in "${nics[@]}"; do
  for n in "${sizes[@]}"; do
    direct=() pxe=()
    for (( r = 0; r < runs; r++ )); do
      t=$(up_secs "$n" "$nic"); [ -n "$t" ] && direct+=("$t")
      t=$(up_secs "$n" "$nic" --pxe); [ -n "$t" ] && pxe+=("$t")
    done
    if [ ${#direct[@]} = 0 ] || [ ${#pxe[@]} = 0 ]; then
      echo "$nic $n nodes: up failed (direct ${#direct[@]}, PXE ${#pxe[@]} of $runs runs)"; continue
    fi
    d=$(printf '%s\n' "${direct[@]}" | median); p=$(printf '%s\n' "${pxe[@]}" | median)
    printf '%-7s %-6s %-22s %-22s %s\n' "$nic" "$n" "$(printf '%s\n' "${direct[@]}" | stats)" \
      "$(printf '%s\n' "${pxe[@]}" | stats)" "$(awk -v a="$p" -v b="$d" 'BEGIN { printf "%.2f", a - b }')"
  done
done
