#!/usr/bin/env bash
# cluster/run-cluster.sh - what `make run` does: boot a cluster (3 nodes by default) with
# cluster/vcluster and put node 1's shell on this terminal. Detaching (Ctrl-]) or `halt`
# ends the session, and the cluster is taken down either way.
# Without a terminal on stdin (or with --script FILE) it feeds a short session to node 1's
# shell instead, working across nodes (ps @2, ps @3, a raw message to node 3's kernel
# server, a program run on node 1), checks what came back, and exits 0 on success.
#   usage: cluster/run-cluster.sh [-n N] [--nic e1000|virtio] [--pxe] [--script FILE] [--timeout S]
#          (--pxe: the nodes boot from the network, dnsmasq + iPXE; docs/LAB.md)
#          cluster/run-cluster.sh --single [run-node.sh options]   (one node, no network)
set -u
cd "$(dirname "$0")/.."
n=3 nic=e1000 script="" limit=60 name=run pxe=()
while [ $# -gt 0 ]; do
  case $1 in
    -n) n=$2; shift 2 ;;
    --nic) nic=$2; shift 2 ;;
    --pxe) pxe=(--pxe); shift ;;
    --script) script=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --single) shift; exec bash cluster/run-node.sh "$@" ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-cluster: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ "$n" -ge 1 ] 2>/dev/null || { echo "run-cluster: -n wants a number" >&2; exit 2; }
vc() { bash cluster/vcluster "$@" --name "$name"; }
trap 'vc down >/dev/null 2>&1' EXIT
vc up -n "$n" --nic "$nic" "${pxe[@]}" || { echo "run-cluster: the cluster did not come up" >&2; exit 1; }

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
  printf 'info\nps @2\nps @3\nsend %s 0x102\nrun hello across the cluster\nhalt\n' "$ks3"
fi | timeout "$limit" bash cluster/vcluster console 1 --name "$name" >"$log" 2>&1
cat "$log"
[ -n "$script" ] && exit 0
ok=1
expect() {   # expect WHAT PATTERN
  if grep -qE "$2" "$log"; then echo "  ok      $1"; else echo "  MISSING $1"; ok=0; fi
}
expect "node 1's shell has its address"      'ip 10\.77\.0\.11'
expect "ps @2 lists node 2's program manager" '^0x01000101 0x01000101 .* pm'
expect "ps @3 lists node 3's shell"           '^0x01800103 .* shell'
expect "node 3's kernel server answered"      "reply 0 \(ok\) from $ks3"
expect "hello ran on node 1"                  'hello from pid 0x0080'
expect "node 1 halted"                        'node 1 halted'
if [ $ok = 1 ]; then echo "run-cluster: PASSED: scripted session on a $n-node cluster"; exit 0; fi
echo "run-cluster: FAILED (console log: $log)"; exit 1
