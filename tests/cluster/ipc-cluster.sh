#!/usr/bin/env bash
# tests/cluster/ipc-cluster.sh - network-transparent IPC on 3 real QEMU nodes, in a
# network namespace of its own (vsysipc<pid>, bridge br0 10.77.0.1/24, taps tap1..3).
# Every node runs servers/ctest: node 1 is the client and runs the tests
# (Send/Receive/Reply, Forward across three nodes, 1 MiB MoveTo/MoveFrom with
# checksums, segments, remote kernel servers, errors), nodes 2 and 3 serve. Passes only
# if node 1 exits with 33 and prints `ctest: N passed, 0 failed`. Prints the PASS/FAIL
# lines and `cluster: N passed, M failed`. Teardown by trap, also on failure.
# With MTU 9000 the bridge and taps carry jumbo frames and the nodes boot with mtu=9000,
# so every move goes in DATA packets of 6 slots (docs/PROTOCOL.md, "Jumbo DATA").
#   usage: tests/cluster/ipc-cluster.sh [BUILD_DIR] [NIC] [MTU]
#          (NIC: e1000 | virtio-net-pci; MTU 576..9000, default 1500)
#   env: IPC_TIMEOUT (s, default 120)
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
nic=${2:-e1000}
mtu=${3:-1500}
limit=${IPC_TIMEOUT:-120}
ns=vsysipc$$
dir=$build/test/ipc-cluster-$nic; [ "$mtu" = 1500 ] || dir=$dir-mtu$mtu
pids=()

if [ "$(id -u)" != 0 ]; then
  echo "cluster: skipped: needs root for a network namespace and taps"
  echo "cluster: 0 passed, 0 failed"; exit 0
fi

. tests/lib/netns.sh
cleanup() {
  netns_kill "${pids[@]}"
  netns_down "$ns" 3
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$dir"; mkdir -p "$dir"
mods=$(bash tools/bundle.sh "$build") || exit 1

netns_up "$ns" 3 "$mtu" ||
  { echo "FAIL cluster/setup"; echo "cluster: 0 passed, 1 failed"; exit 1; }

for k in 3 2 1; do
  ip netns exec "$ns" qemu-system-i386 -accel tcg -m 128 -nodefaults -display none -no-reboot \
    -serial "file:$dir/node$k.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
    -device "$nic,netdev=n0,mac=52:54:00:77:01:1$k" \
    -kernel "$build/kernel.elf" -append "node=$k ip=10.77.0.1$k/24 mtu=$mtu startlimit=3 init=name,tmp,ctest" -initrd "$mods" \
    </dev/null >"$dir/node$k.qemu" 2>&1 &
  pids+=($!)
  client=$!
done

SECONDS=0
: >"$dir/mdb.seen"            # every bridge mdb entry seen while the nodes run (IGMP check)
while kill -0 "$client" 2>/dev/null && [ $SECONDS -lt "$limit" ]; do
  ip netns exec "$ns" bridge mdb show 2>/dev/null | grep -E ' grp 239\.86\.' >>"$dir/mdb.seen"
  sleep 0.2
done
if kill -0 "$client" 2>/dev/null; then rc=124; else wait "$client"; rc=$?; fi

tr -d '\r' <"$dir/node1.log" >"$dir/node1.txt"
grep -E '^(PASS|FAIL) |^  ' "$dir/node1.txt"
passed=$(grep -c '^PASS ' "$dir/node1.txt")
failed=$(grep -c '^FAIL ' "$dir/node1.txt")
if [ "$rc" != 33 ] || ! grep -qE '^ctest: [0-9]+ passed, 0 failed' "$dir/node1.txt"; then
  echo "FAIL cluster/node1_verdict (QEMU exit $rc after ${SECONDS}s); node logs in $dir"
  for k in 1 2 3; do echo "-- node $k"; tr -d '\r' <"$dir/node$k.log" | tail -8 | sed 's/^/  | /'; done
  failed=$((failed + 1))
fi
# IGMP: the bridge (snooping on) learned each node's group memberships from its reports:
# every node's name handler (V_GROUP_NAME_HANDLERS, 239.86.0.3) and the server on node 3
# in CT_GROUP (0x80800001, at the address v/group.h's mix gives), sampled while the nodes
# ran; and node 2's server, which left CT_GROUP last, sent an IGMP leave that took tap2
# out of the bridge's table (within 6 s; node 2 still runs).
# [pm2]'s context group (v_name_context_group: FNV-1a of "pm2", the mix, mod 128, at
# 239.86.0.128+h) has node 2's handler as its only member, so only tap2 may be in the
# bridge's table for it: a miss for [pm2] then reaches node 2 alone.
read -r ctaddr pm2addr < <(python3 -c '
def mix(x):
    x ^= x >> 16; x = (x * 0x85ebca6b) & 0xffffffff; x ^= x >> 13
    x = (x * 0xc2b2ae35) & 0xffffffff; return x ^ (x >> 16)
a = 0x0100 + mix(0x80800001) % 0xff00
h = 0x811c9dc5
for c in b"pm2":
    h = ((h ^ c) * 0x01000193) & 0xffffffff
print("239.86.%d.%d 239.86.0.%d" % (a >> 8, a & 255, 128 + mix(h) % 128))')
mdb=$(sort -u "$dir/mdb.seen")
igmp_ok=1
for want in "239.86.0.3 tap1" "239.86.0.3 tap2" "239.86.0.3 tap3" "$ctaddr tap3"; do
  set -- $want
  grep -E "port $2 grp $1( |\$)" <<<"$mdb" >/dev/null || { igmp_ok=0; echo "  no bridge mdb entry: $1 on $2"; }
done
grep -E "port tap2 grp $ctaddr( |\$)" <<<"$mdb" >/dev/null ||
  { igmp_ok=0; echo "  no bridge mdb entry: $ctaddr on tap2 (node 2's server joined at start)"; }
now=$(ip netns exec "$ns" bridge mdb show 2>&1)
for ((i = 0; i < 30; i++)); do
  grep -E "port tap2 grp $ctaddr( |\$)" <<<"$now" >/dev/null || break
  sleep 0.2; now=$(ip netns exec "$ns" bridge mdb show 2>&1)
done
if grep -E "port tap2 grp $ctaddr( |\$)" <<<"$now" >/dev/null; then
  igmp_ok=0; echo "  node 2 left $ctaddr but tap2 is still in the bridge's mdb"
fi
grep -E "port tap2 grp $pm2addr( |\$)" <<<"$mdb" >/dev/null ||
  { igmp_ok=0; echo "  no bridge mdb entry: $pm2addr ([pm2]'s context group) on tap2"; }
if grep -E "port tap[13] grp $pm2addr( |\$)" <<<"$mdb"; then
  igmp_ok=0; echo "  $pm2addr ([pm2]'s context group) reaches a node other than node 2"
fi
if [ $igmp_ok = 1 ]; then
  echo "PASS cluster/igmp_group_memberships_on_the_bridge"; passed=$((passed + 1))
else
  echo "FAIL cluster/igmp_group_memberships_on_the_bridge"; failed=$((failed + 1))
  grep -E '239\.86\.' <<<"$mdb" | sed 's/^/  | /'
fi
# in_range NAME VALUE LO HI WHAT: one check, passed when VALUE (a number) is in LO..HI.
in_range() {
  echo "  node 1: $5: ${2:-none} (want $3..$4)"
  if [ -n "$2" ] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
    echo "PASS cluster/$1"; passed=$((passed + 1))
  else
    echo "FAIL cluster/$1: $5: ${2:-none} (want $3..$4)"; failed=$((failed + 1))
  fi
}
virtio=0; [ "${nic#virtio}" != "$nic" ] && virtio=1
# The 1 MiB moves' datagrams on node 1 (ctest prints them): 745 slots of 1,408 bytes,
# one DATA packet each at MTU 1500, six a packet with jumbo frames (docs/PROTOCOL.md),
# plus a few acks and the transaction itself either way.
if [ "$mtu" -ge 9000 ]; then lo=120; hi=200; else lo=745; hi=900; fi
for dir_word in "MoveFrom out" "MoveTo in"; do
  set -- $dir_word
  n=$(sed -nE "s/^  $1 1 MiB: [0-9]+ ms, ([0-9]+) datagrams $2(,.*)?\$/\1/p" "$dir/node1.txt" | head -1)
  in_range "${1}_1mib_datagram_count" "$n" $lo $hi "$1 of 1 MiB, datagrams $2 at MTU $mtu"
done
# MoveFrom's DATA leaves node 1 from the client's pages in place on virtio-net (indirect
# descriptors; docs/NET.md), copied on e1000: all but the transaction's few small frames.
out=$(sed -nE "s/^  MoveFrom 1 MiB: .* ([0-9]+) datagrams out, ([0-9]+) sent in place,.*/\1 \2/p" "$dir/node1.txt" | head -1)
read -r n k <<<"${out:-0 -1}"
if [ $virtio = 1 ]; then lo=$((n - 5)) hi=$n; else lo=0 hi=0; fi
in_range MoveFrom_1mib_sent_in_place "$([ "$n" -gt 0 ] && echo "$k")" $lo $hi \
  "MoveFrom of 1 MiB, datagrams of $n sent from its pages in place"
# On virtio-net (QEMU >= 8.2, which make deps installs) a packet group leaves node 1 as
# one frame the host cuts into its datagrams, and comes to node 1 as one uncut frame
# when node 2 sends it: a few dozen frames a MiB rather than hundreds (docs/NET.md, "UDP
# segmentation offload"). e1000: none.
if [ $virtio = 1 ]; then lo=1 hi=$([ "$mtu" -ge 9000 ] && echo 40 || echo 60); else lo=0 hi=0; fi
for dir_word in "MoveFrom frames cut by the host" "MoveTo frames uncut"; do
  set -- $dir_word
  what=${dir_word#* }
  g=$(sed -nE "s/^  $1 1 MiB: .*, ([0-9]+) $what\$/\1/p" "$dir/node1.txt" | head -1)
  in_range "${1}_1mib_segmentation_offload" "$g" $lo $hi "$1 of 1 MiB, $what (QEMU >= 8.2 offers USO)"
done
echo "cluster ($nic, MTU $mtu, ${SECONDS}s): see $dir"
echo "cluster: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
