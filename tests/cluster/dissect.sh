#!/usr/bin/env bash
# tests/cluster/dissect.sh - the Wireshark dissector (tools/wireshark/vsys.lua) against
# real traffic: 3 QEMU nodes (e1000) in a network namespace of their own (vsysws<pid>,
# bridge br0 10.77.0.1/24, taps tap1..3) run the cross-node IPC tests of ipc-cluster.sh
# (servers/ctest) while tshark captures the bridge inside the namespace. Then the host
# sends node 2 the bad datagrams of vprobe.py and asks its KS_NET_STATS, the capture
# stops, and tshark decodes it with the dissector (tests/cluster/wireprobe.py checks):
#   - every datagram of port 4377 is decoded as vsys, none of the workload's is flagged,
#     each has its type's name, and every one of the 10 types is seen;
#   - each bad datagram is flagged with the reason vp_decode gives it (vprobe.decode),
#     as an expert error;
#   - node 2's own counters equal the capture's: tx (its datagrams up to its reply to
#     the host's request), nacks_sent, group_mcasts (multicast REQUESTs sent first time)
#     and malformed[] reason by reason (what the dissector flagged); retransmits and rx
#     are bounded, not equal (the reasons are in wireprobe.py);
#   - node 1's own counters around its 1 MiB moves (ctest prints them) equal the
#     capture of those transactions. Nodes 1 and 3 halt at the end of ctest, so only
#     node 2 can be asked afterwards.
# Prints PASS/FAIL lines and `dissect: N passed, M failed`. Teardown by trap, also on
# failure: QEMUs and tshark by pid, then the namespace.
#   usage: tests/cluster/dissect.sh [BUILD_DIR]
#   env: DISSECT_TIMEOUT (s, the workload's bound, default 120)
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
limit=${DISSECT_TIMEOUT:-120}
ns=vsysws$$
dir=$build/test/dissect
lua=tools/wireshark/vsys.lua
pids=()
passed=0 failed=0
pass() { echo "PASS dissect/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL dissect/$1"; failed=$((failed + 1)); }
finish() { echo "dissect (${SECONDS}s): see $dir"; echo "dissect: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

if [ "$(id -u)" != 0 ]; then
  echo "dissect: skipped: needs root for a network namespace, taps and a capture"
  echo "dissect: 0 passed, 0 failed"; exit 0
fi
if ! command -v tshark >/dev/null; then
  fail "tshark_installed: no tshark (make deps installs it)"; finish
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
SECONDS=0

# 1. The dissector loads without an error. tshark runs with a HOME of its own, so that
# a copy installed by `make wireshark` (loaded first, and then ours is not) stays out.
mkdir -p "$dir/home"
out=$(HOME=$dir/home timeout 30 tshark -G fields -X "lua_script:$lua" 2>&1)
if grep -qP '^P\t.*\tvsys$' <<<"$out" && ! grep -q 'Lua:' <<<"$out"; then
  pass dissector_loads
else
  fail "dissector_loads: $(grep 'Lua:' <<<"$out" | head -3)"; finish
fi

netns_up "$ns" 3 || { fail setup; finish; }

# 2. Capture the bridge (every port's frames pass it) before any node boots.
ip netns exec "$ns" tshark -i br0 -B 32 -w "$dir/capture.pcapng" >"$dir/tshark.log" 2>&1 &
cap=$!
pids+=($cap)
for ((i = 0; i < 100; i++)); do
  grep -q "Capturing on 'br0'" "$dir/tshark.log" && break
  sleep 0.1
done
if grep -q "Capturing on 'br0'" "$dir/tshark.log"; then
  pass capture_started
else
  fail "capture_started: $(tail -3 "$dir/tshark.log" | tr '\n' ' ')"; finish
fi

# 3. The workload: ctest on 3 nodes, as tests/cluster/ipc-cluster.sh runs it.
for k in 3 2 1; do
  ip netns exec "$ns" qemu-system-i386 -accel tcg -m 128 -nodefaults -display none -no-reboot \
    -serial "file:$dir/node$k.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
    -device "e1000,netdev=n0,mac=52:54:00:77:01:1$k" \
    -kernel "$build/kernel.elf" -append "node=$k ip=10.77.0.1$k/24 mtu=1500 startlimit=3 init=name,tmp,ctest" \
    -initrd "$mods" </dev/null >"$dir/node$k.qemu" 2>&1 &
  pids+=($!)
  client=$!
  [ $k = 2 ] && node2=$!
done
start=$SECONDS
# Node 2's counters once ctest has begun (its first check passed): the start of the
# window in which they must equal the capture (wireprobe.py check_node2 says why).
while kill -0 "$client" 2>/dev/null && [ $((SECONDS - start)) -lt "$limit" ] &&
      ! grep -q '^PASS ' "$dir/node1.log" 2>/dev/null; do sleep 0.1; done
timeout 30 ip netns exec "$ns" python3 tests/cluster/wireprobe.py stats 10.77.0.12 "$dir/stats0.txt" ||
  fail "node2_answers_KS_NET_STATS_during_the_workload"
while kill -0 "$client" 2>/dev/null && [ $((SECONDS - start)) -lt "$limit" ]; do sleep 0.2; done
if kill -0 "$client" 2>/dev/null; then rc=124; else wait "$client"; rc=$?; fi
tr -d '\r' <"$dir/node1.log" >"$dir/node1.txt"
summary=$(grep -E '^ctest: [0-9]+ passed' "$dir/node1.txt" | tail -1)
if [ "$rc" = 33 ] && grep -qE '^ctest: [0-9]+ passed, 0 failed' <<<"$summary"; then
  echo "  node 1: $summary in $((SECONDS - start)) s"
  pass workload_ctest_on_3_nodes
else
  fail "workload_ctest_on_3_nodes: QEMU exit $rc, '${summary:-no summary}'"
  grep '^FAIL' "$dir/node1.txt" | head -5 | sed 's/^/  | /'
fi

# 4. Bad datagrams to node 2, then its counters (node 2 still runs: ctest halted 1 and 3).
if ! kill -0 "$node2" 2>/dev/null; then
  fail "node2_alive_after_the_workload"; finish
fi
timeout 30 ip netns exec "$ns" python3 tests/cluster/wireprobe.py bad 10.77.0.12 "$dir/bad.txt" ||
  fail "bad_datagrams_sent"
timeout 30 ip netns exec "$ns" python3 tests/cluster/wireprobe.py stats 10.77.0.12 "$dir/stats.txt" ||
  { fail "node2_answers_KS_NET_STATS"; finish; }
sleep 0.5                                 # the last frames reach the capture file
netns_kill "$cap"
ip -n "$ns" -s -s link show >"$dir/links.txt" 2>&1    # the taps' and bridge's own counts
grep -E 'packets (captured|dropped)' "$dir/tshark.log" | sed 's/^/  tshark: /'

# 5. Decode with the dissector and check (tests/cluster/wireprobe.py).
if ! HOME=$dir/home timeout 60 tshark -r "$dir/capture.pcapng" -X "lua_script:$lua" -Y 'udp.port == 4377' \
     -T fields -E separator=/t -e frame.number -e ip.src -e ip.dst -e udp.srcport \
     -e udp.dstport -e frame.protocols -e vsys.type -e vsys.flags -e vsys.txid -e vsys.client \
     -e vsys.drop -e _ws.expert.severity -e _ws.malformed -e vsys.msg.code \
     -e vsys.msg.seg_len -e _ws.col.Info >"$dir/fields.tsv" 2>"$dir/decode.log"; then
  fail "capture_decoded: $(grep -v '^Running as' "$dir/decode.log" | head -3 | tr '\n' ' ')"; finish
fi
out=$(timeout 60 python3 tests/cluster/wireprobe.py check "$dir/fields.tsv" "$dir/bad.txt" \
      "$dir/stats0.txt" "$dir/stats.txt" "$dir/node1.txt" 2>&1)
printf '%s\n' "$out"
passed=$((passed + $(grep -c '^PASS ' <<<"$out")))
failed=$((failed + $(grep -c '^FAIL ' <<<"$out")))
grep -qE '^(PASS|FAIL) ' <<<"$out" || fail "checks_ran"
finish
