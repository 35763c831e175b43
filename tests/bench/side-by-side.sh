#!/usr/bin/env bash
# tests/bench/side-by-side.sh - ours against Linux across two nodes, in alternating rounds
# (`make bench`; docs/BENCH.md, "Side by side"). One round, for each MTU and NIC model:
# the two Linux guests (tests/bench/linuxpeer/run.sh), then two vsys nodes on the same
# kind of bridge (tests/bench/remote-bench.sh), each writing its JSON into
# OUT/rounds/rR/. The host's load swings between runs by more than the figures differ,
# so the rounds alternate and the verdict is the median of the per-round ratios
# (tests/bench/side_by_side.py: a table, and OUT/side_by_side.json).
#   usage: tests/bench/side-by-side.sh [--rounds R] [--nic "virtio-net e1000"]
#                                      [--mtu "1500 9000"] [--out DIR]
# Exit status: 0 when every run gave its results (or all skipped for want of root).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
rounds=3 nics="virtio-net e1000" mtus="1500 9000" out=$BUILD/bench
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --nic) nics=$2; shift 2 ;;
    --mtu) mtus=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "side-by-side: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$rounds" in ''|*[!0-9]*) echo "side-by-side: --rounds takes a number" >&2; exit 2 ;; esac
[ "$rounds" -ge 1 ] && [ "$rounds" -le 15 ] || { echo "side-by-side: --rounds must be 1..15" >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then echo "side-by-side: skipped: needs root for network namespaces"; exit 0; fi
bash tests/bench/linuxpeer/build.sh || { echo "side-by-side: the Linux peer did not build" >&2; exit 1; }
rm -rf "$out/rounds"
failed=0 labels=()
SECONDS=0
for mtu in $mtus; do
  for nic in $nics; do
    if [ "$mtu" = 1500 ]; then labels+=("$nic"); else labels+=("$nic-mtu$mtu"); fi
  done
  for ((r = 1; r <= rounds; r++)); do
    dir=$out/rounds/r$r
    mkdir -p "$dir"
    for nic in $nics; do
      echo "side-by-side: MTU $mtu, $nic, round $r of $rounds (${SECONDS}s so far) ..."
      BUILD=$BUILD bash tests/bench/linuxpeer/run.sh --no-build --mtu "$mtu" --nic "$nic" \
        --out "$dir" >"$dir/linux-$nic-$mtu.out" 2>&1 || { failed=1; tail -5 "$dir/linux-$nic-$mtu.out"; }
      BUILD=$BUILD bash tests/bench/remote-bench.sh --mtu "$mtu" --nic "$nic" --out "$dir" \
        >"$dir/vsys-$nic-$mtu.out" 2>&1 || { failed=1; tail -5 "$dir/vsys-$nic-$mtu.out"; }
    done
  done
done
echo "side-by-side: $rounds rounds in ${SECONDS}s"
python3 tests/bench/side_by_side.py "$out" "$rounds" "${labels[@]}" || failed=1
exit $failed
