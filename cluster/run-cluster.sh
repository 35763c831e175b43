#!/usr/bin/env bash
# cluster/run-cluster.sh - what `make run` does: boot a cluster (3 nodes by default) with
# cluster/vcluster and put node 1's shell on this terminal. Detaching (Ctrl-]) or `halt`
# ends the session, and the cluster is taken down either way.
# Without a terminal on stdin (or with --script FILE) it feeds a short session to node 1's
# shell instead, working across nodes (ps @2, ps @3, ps @*, a raw message to node 3's kernel
# server, a program run on node 1), checks what came back, and exits 0 on success.
#   usage: cluster/run-cluster.sh [-n N] [--nic e1000|virtio] [--mtu N] [--pxe] [--script FILE]
#                                 [--timeout S]
#          (--pxe: the nodes boot from the network, dnsmasq + iPXE; docs/LAB.md;
#           --mtu 9000: jumbo frames, docs/NET.md)
#          cluster/run-cluster.sh --single [run-node.sh options]   (one node, no network)
set -u
cd "$(dirname "$0")/.."
n=3 nic=e1000 script="" limit=60 name=run pxe=() mtu=()
while [ $# -gt 0 ]; do
  case $1 in
    -n) n=$2; shift 2 ;;
    --nic) nic=$2; shift 2 ;;
    --pxe) pxe=(--pxe); shift ;;
    --mtu) mtu=(--mtu "$2"); shift 2 ;;
    --script) script=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --single) shift; exec bash cluster/run-node.sh "$@" ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-cluster: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ "$n" -ge 1 ] 2>/dev/null || { echo "run-cluster: -n wants a number" >&2; exit 2; }
vc() { bash cluster/vcluster "$@" --name "$name"; }
trap 'vc down >/dev/null 2>&1' EXIT
vc up -n "$n" --nic "$nic" "${pxe[@]}" "${mtu[@]}" || { echo "run-cluster: the cluster did not come up" >&2; exit 1; }

if [ -t 0 ] && [ -z "$script" ]; then
  echo "run-cluster: node 1's shell; try 'ps @2' or 'help'. Detach with Ctrl-] (the cluster then goes down)."
  vc console 1
  exit 0
fi

log=${BUILD:-build}/test/run-cluster.log
mkdir -p "$(dirname "$log")"
ks3=$(printf '0x%08x' $(( (3 << 7) << 16 | 1 )))
if [ -n "$script" ]; then
  cat "$script"
else
  printf 'info\nps @2\nps @3\nps @*\nsend %s 0x102\nlookup [pm2]\nlookup /pm2\nlookup [nosuch]\nnames\nnodes\ngroups @2\nrun @* hello everywhere\nrun hello across the cluster\nhalt\n' "$ks3"
fi | timeout "$limit" bash cluster/vcluster console 1 --name "$name" --quiet 3 >"$log" 2>&1
cat "$log"
[ -n "$script" ] && exit 0
ok=1
expect() {   # expect WHAT PATTERN
  if grep -qE "$2" "$log"; then echo "  ok      $1"; else echo "  MISSING $1"; ok=0; fi
}
expect "node 1's shell has its address"      'ip 10\.77\.0\.11'
expect "ps @2 lists node 2's program manager" '^0x01000101 0x01000101 .* pm'
expect "ps @3 lists node 3's shell"           '^0x018001[0-9a-f]{2} .* shell'
expect "ps @* lists node 2's program manager" '^   2 0x01000101 0x01000101 .* pm'
expect "ps @* lists node 3's shell"           '^   3 0x018001[0-9a-f]{2} .* shell'
expect "ps @* lists node 2's name handler"    '^   2 0x010001[0-9a-f]{2} .* name'
expect "ps @* found all three nodes"          '^\(3 nodes\)'
expect "node 3's kernel server answered"      "reply 0 \(ok\) from $ks3"
expect "[pm2] resolved by multicast"         '^\[pm2\] -> server 0x01000101 context 0 prefix \[pm2\] \(multicast'
expect "/pm2 then from the cache"             '^/pm2 -> server 0x01000101 .*\(cache hit'
expect "an unknown name is an error"          '^lookup: \[nosuch\]: '
expect "names lists the cached [pm2]"         '^\[pm2\] +0x01000101 +0 multicast'
expect "nodes: node 2 answers"                '^   2 10\.77\.0\.12 +answers'
expect "nodes: all three"                     '^\(3 nodes\)'
expect "groups @2: its name handler"          '^0x80000003 0x010001[0-9a-f]{2} 239\.86\.0\.3 '
expect "groups @2: its shell hears node events" '^0x80000012 0x010001[0-9a-f]{2} 239\.86\.0\.18 '
expect "run @* started hello on node 3"       '^node 3: started 0x0180[0-9a-f]{4}$'
expect "run @* reached all three PMs"         '^\(started on 3 nodes, failed on 0\)'
expect "hello ran on node 1"                  'hello from pid 0x0080'
expect "node 1 halted"                        'node 1 halted'
if [ $ok = 1 ]; then echo "run-cluster: PASSED: scripted session on a $n-node cluster"; exit 0; fi
echo "run-cluster: FAILED (console log: $log)"; exit 1
