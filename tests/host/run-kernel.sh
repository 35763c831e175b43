#!/usr/bin/env bash
# tests/host/run-kernel.sh [BUILD] - libv on Linux against real kernels: a 2-node cluster
# of its own (cluster/vcluster, namespace vsys-hkNNNN; root), servers/ctest's server on
# node 2, and from the namespace:
#   - vctl against both kernel servers (ps, info, mem, ping, send, a remote error);
#   - hkernel: echo, 1 MiB MoveTo into and MoveFrom out of a host client, segment in the
#     REQUEST and data in the REPLY, PENDING, NACK, counted requests executed once,
#     also with every REQUEST sent twice and with 10 % of our datagrams lost;
#   - hcreate: the host as creator of a team on node 2 (KS_CREATE_TEAM, VPF_START), and
#     a creator that dies before starting its team (node 2 reclaims it);
#   - a kernel client (node 1's shell) sending to a host server (hsrv on port 4377);
#   - process groups and names: vctl ps @*, lookup (multicast, cache, --at, unknown),
#     names @N, group send to the kernel servers; a host member (hsrv join=...) that a
#     guest's group Send reaches, and that answers a host's group Send beside ctest's
#     server (a guest member); without reply; leaving; a second host program on 4377;
#   - vctl --json of those commands, parsed (tests/host/vjson.py) and checked against
#     the text output and what the nodes say.
# Prints PASS/FAIL lines, then `hostnet: N passed, M failed` last. About 40 s.
# Needs build/kernel.elf, build/user/*.elf and build/host (make all). The cluster is
# always taken down again (also on failure or interrupt).
# Needs root (a namespace and taps); without it prints a skip line and 0 passed, 0 failed,
# as the other cluster tests do.
set -u
if [ "$(id -u)" != 0 ]; then
  echo "hostnet: skipped: needs root for a network namespace and taps"
  echo "hostnet: 0 passed, 0 failed"
  exit 0
fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "run-kernel: no ${1:-build}"; echo "hostnet: 0 passed, 1 failed"; exit 1; }
export BUILD=$B                 # vcluster's kernel, host tools and run directories
NAME=hk$(( $$ % 100000 ))
VC="$ROOT/cluster/vcluster"
logs=$B/host/kernel-logs
rm -rf "$logs"
mkdir -p "$logs"
pass=0 fail=0
unset V_PEERS V_PORT V_LHOST V_LOCAL V_TEST_LOSS V_TEST_DUP V_TEST_SEED V_DEBUG V_WHERE_PORT V_BCAST \
  V_MCAST_IF V_NAMES
# Every vctl here is logical host 99 on node 254. Left to the default (from the Linux
# pid, 1..127), one of the many vctl runs could take the number of a host server below
# (9, 20-25, 30, 31), and a kernel that talked to that vctl would send the server's
# requests to the dead vctl's port until it gave up.
export V_LHOST=99

result() {        # result NAME OK [WHY]
  if [ "$2" = 1 ]; then echo "PASS $1"; pass=$((pass + 1)); else echo "FAIL $1: ${3:-}"; fail=$((fail + 1)); fi
}
finish() {
  "$VC" down --name "$NAME" >>"$logs/vcluster.log" 2>&1
  # The nodes' logs join ours (build/host/kernel-logs); the run directory goes, so that
  # runs (each its own cluster name) do not pile up under build/cluster/.
  for f in "$B/cluster/$NAME"/node*.log; do [ -e "$f" ] && cp "$f" "$logs/"; done
  rm -rf "${B:?}/cluster/$NAME"
  echo "hostnet: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}
trap finish EXIT
trap 'exit 1' INT TERM

for f in "$B/kernel.elf" "$B/host/vctl" "$B/host/test/hkernel" "$B/host/test/hsrv"; do
  [ -e "$f" ] || { result setup 0 "$f is missing (make all)"; exit 1; }
done
if ! "$VC" up -n 2 --name "$NAME" >"$logs/vcluster.log" 2>&1; then
  result cluster_up 0 "$(tail -3 "$logs/vcluster.log" | tr '\n' '|')"
  exit 1
fi
x() { timeout 60 "$VC" exec --name "$NAME" "$@"; }   # in the namespace, bounded
con() { timeout 30 "$VC" console "$1" --name "$NAME" 2>&1; }

# vctl against the two kernel servers.
vc() {            # vc NAME WANT_STATUS PATTERN ARGS...
  local name=$1 want=$2 pat=$3 out rc; shift 3
  out=$(x vctl --timeout 5 "$@" 2>&1); rc=$?
  printf '%s\n' "$ vctl $*" "$out" >>"$logs/vctl.log"
  if [ $rc -eq "$want" ] && grep -qE -- "$pat" <<<"$out"; then result "vctl_$name" 1
  else result "vctl_$name" 0 "exit $rc, $(head -3 <<<"$out" | tr '\n' '|')"; fi
}
vc ps 0 '^0x00800101 0x00800101 .* pm$' ps @1
vc info 0 'node 2, logical host 0x0100, ip 10.77.0.12' info @2
vc mem 0 '^total [0-9]+ KiB, free' mem @2
vc net 0 '^packets in [0-9]+, out [0-9]+' net @1
vc ping 0 '3 sent, 3 answered' ping 2 -c 3
vc send 0 '^reply 0 \(ok\) from 0x01000001' send 0x01000001 0x103
vc remote_error 1 '^reply -9 \(bad call\)' send 0x00800001 0x999
vc no_node 1 '0 answered' ping 9

# servers/ctest's server on node 2, found by name in node 2's process list.
con 2 <<<"run ctest &" >"$logs/ctest-start.log"
ct=""
for _ in $(seq 50); do
  ct=$(x vctl ps @2 2>/dev/null | awk '$NF == "ctest" && $1 == $2 { print $1; exit }')
  [ -n "$ct" ] && break
  sleep 0.1
done
# hprog_run NAME CMD ENV...: one run of a host test program (CMD: its name in
# build/host/test and its arguments, one word list); its PASS/FAIL lines are ours, and a
# run that ended badly without saying why is a failure of its own.
hprog_run() {
  local name=$1 cmd=$2 rc verdict rest n=0; shift 2
  # shellcheck disable=SC2086
  x env "$@" "$B/host/test/"$cmd >"$logs/$name.out" 2>"$logs/$name.err"
  rc=$?
  while read -r verdict rest; do
    case $verdict in
      PASS) result "$name: $rest" 1; n=$((n + 1)) ;;
      FAIL) result "$name: ${rest%%:*}" 0 "${rest#*: }"; n=$((n + 1)) ;;
    esac
  done <"$logs/$name.out"
  if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$logs/$name.out"; then
    result "$name" 0 "exit status $rc after $n results: $(tail -2 "$logs/$name.err" | tr '\n' '|')"
  fi
}
hkernel_run() { local name=$1; shift; hprog_run "$name" "hkernel $ct${count:+ $count}" "$@"; }
if [ -z "$ct" ]; then
  result ctest_server 0 "no ctest on node 2: $(tail -3 "$logs/ctest-start.log" | tr '\n' '|')"
else
  count="" hkernel_run hkernel V_LHOST=20
  count=200 hkernel_run dup V_LHOST=21 V_TEST_DUP=1
  count=200 hkernel_run loss V_LHOST=22 V_TEST_LOSS=10
fi

# The host as creator (hcreate): a team made on node 2 by KS_CREATE_TEAM, moved to and
# from, loaded and started by Reply; its message comes to us and it exits. Then a
# creator (as 24; hcreate itself as 25) that dies before starting its team: node 2
# reclaims the team within 12 s (its start Send gives up 6 s after the last PENDING).
hprog_run hcreate "hcreate 2" V_LHOST=23
hprog_run hcreate_orphan "hcreate 2 orphan" V_LHOST=24

# vcm NAME WANT_STATUS PATTERNS MAX_SECONDS VCTL_ARGS...: vctl's exit status, its time,
# and every line of PATTERNS (one extended regex a line) found in its output. vctl runs
# with $venv in its environment (V_PEERS for host members, which WHERE does not find).
venv=""
vcm() {
  local name=$1 want=$2 pats=$3 max=$4 out rc t0 p ok=1; shift 4
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  out=$(x env $venv vctl --timeout 5 "$@" 2>&1); rc=$?
  t0=$(( ($(date +%s%N) - t0) / 1000000 ))
  printf '%s\n' "$ vctl $* ($t0 ms)" "$out" >>"$logs/vctl.log"
  while read -r p; do grep -qE -- "$p" <<<"$out" || ok=0; done <<<"$pats"
  if [ $rc -eq "$want" ] && [ $ok = 1 ] && [ "$t0" -le $((max * 1000)) ]; then result "vctl_$name" 1
  else result "vctl_$name" 0 "exit $rc (want $want) in $t0 ms, $(head -4 <<<"$out" | tr '\n' '|')"; fi
}

# Process groups and names from the host. Node N's program manager is the pm line of
# its ps; node 2's handler registered [pm2] for it.
out=$(x vctl ps @2 2>&1); echo "$out" >"$logs/ps2-for-pm2.log"
pm2=$(awk '$NF == "pm" && $1 == $2 { print $1; exit }' <<<"$out")
vcm ps_all 0 '^   1 0x00800101 0x00800101 .* pm$
^   2 0x01000101 0x01000101 .* pm$
^   2 0x0100[0-9a-f]{4} .* name$
^\(2 nodes\)$' 5 ps @*
vcm lookup_multicast_then_cache 0 "^\[pm2\] -> server ${pm2:-none} context 0 prefix \[pm2\] \(multicast to group 0x800000[89a-f][0-9a-f], 
^/pm2/x -> server ${pm2:-none} context 0 prefix \[pm2\] \(cache hit, " 3 lookup '[pm2]' /pm2/x
vcm lookup_at_node 0 "^\[pm2\] -> server ${pm2:-none} context 0 prefix \[pm2\] \(unicast, " 3 \
  lookup --at 2 '[pm2]'
vcm lookup_at_wrong_node 1 'lookup: \[pm2\]: not found' 3 lookup --at 1 '[pm2]'
vcm lookup_unknown 1 'lookup: \[nosuch\]: not found \(1[4-9][0-9]{5} us\)' 3 lookup '[nosuch]'
vcm names_of_node 0 "^\[pm2\] +${pm2:-none} +0 
^\[name2\] +0x0100[0-9a-f]{4} 
^\[ks2\] +0x01000001 
^\[tmp2\] +0x0100[0-9a-f]{4} 
^\(4 registrations on node 2\)$" 3 names @2
vcm groups_of_node 0 "^0x80000002 ${pm2:-none} 239\.86\.0\.2$
^0x80000003 0x0100[0-9a-f]{4} 239\.86\.0\.3$
^0x80000010 0x0100[0-9a-f]{4} 239\.86\.0\.16$" 3 groups @2
vcm group_send_kernel_servers 0 '^reply 0 \(ok\) from 0x00800001: 
^reply 0 \(ok\) from 0x01000001: 
^\(2 replies\)$' 3 group send ks 0x103

# vj NAME WANT_STATUS EXPR [--text] VCTL_ARGS...: `vctl --json` from the namespace must
# print one document that tests/host/vjson.py accepts (the rules of every document, then
# EXPR on the document d); with --text, the text output of the same command is t.
vj() {
  local name=$1 want=$2 expr=$3 rc why f=$logs/json-$1 tf=(); shift 3
  if [ "${1:-}" = --text ]; then
    shift
    tf=("$f.txt")
    x vctl --timeout 5 "$@" >"$f.txt" 2>&1
  fi
  x vctl --json --timeout 5 "$@" >"$f.json" 2>"$f.err"; rc=$?
  printf '%s\n' "$ vctl --json $*" "$(cat "$f.json")" >>"$logs/vctl.log"
  if why=$(python3 "$ROOT/tests/host/vjson.py" "$f.json" "$rc" "$want" "$expr" "${tf[@]}" 2>&1); then
    result "vctl_json_$name" 1
  else
    result "vctl_json_$name" 0 "$why"
  fi
}

# The --json documents against real kernels: the commands of the sections above, and
# those only a cluster answers (ps @*, names @N, lookup, groups @N, group send ks).
# The pm and name lines must be the text's (the rest of a process list may change
# between two runs); PM2 is node 2's program manager, from ps @2.
PM2=${pm2:-none}
export PM2
vj ps 0 "d['node'] == 1 and d['ks_hex'] == '0x00800001' and d['total'] >= len(d['processes']) > 3
  and [(p['pid_hex'], p['team_hex']) for p in d['processes'] if p['name'] in ('pm', 'name')]
   == [(l.split()[0], l.split()[1]) for l in t[1:] if l.split()[-1] in ('pm', 'name')]
  and any({'pid_hex': '0x00800101', 'team_hex': '0x00800101', 'name': 'pm'}.items()
          <= p.items() for p in d['processes'])" --text ps @1
vj ps_all 0 "d['count'] == len(d['nodes']) == 2 and [n['node'] for n in d['nodes']] == [1, 2]
  and not any('error' in n for n in d['nodes']) and t[-1] == '(%d nodes)' % d['count']
  and sorted((str(n['node']), p['pid_hex']) for n in d['nodes'] for p in n['processes']
             if p['name'] in ('pm', 'name'))
   == sorted((l.split()[0], l.split()[1]) for l in t[1:-1] if l.split()[-1] in ('pm', 'name'))
  and E['PM2'] in [p['pid_hex'] for p in d['nodes'][1]['processes'] if p['name'] == 'pm']" \
  --text ps @*
vj info 0 "d['node'] == 2 and d['lhost_hex'] == '0x0100' and d['ip'] == '10.77.0.12'
  and d['ks_hex'] == '0x01000001' and 'cmdline: ' + d['cmdline'] in t and d['uptime_ms'] > 0
  and t[0].startswith('node 2, logical host 0x0100, ip 10.77.0.12, up ')" --text info @2
vj mem 0 "d['total_kib'] == d['total_pages'] * d['page_size'] // 1024 > d['free_kib'] > 0
  and t[0].startswith('total %d KiB, free ' % d['total_kib'])
  and d['limits']['procs'] >= d['limits']['procs_used'] > 0 and re.search(
   r'processes \d+ of %d \(%d a team\), teams \d+ of %d' % (d['limits']['procs'],
   d['limits']['team_procs'], d['limits']['teams']), t[1])" --text mem @2
vj stats 0 "d['node'] == 1 and d['ipc_sends'] > 0 and d['timer_ticks'] > 0" stats @1
vj net 0 "d['rx'] > 0 and d['tx'] > 0 and len(d['malformed']) == 8" net @1
vj ping 0 "d['answered'] == d['sent'] == 3 and len(d['replies']) == 3
  and 0 < d['rtt_ns']['min'] <= d['rtt_ns']['max']" ping 2 -c 3
vj send 0 "d['reply_code'] == 0 and d['replier_hex'] == '0x01000001'" send 0x01000001 0x103
vj remote_error 1 "d['reply_code'] == d['code'] == -9 and d['name'] == 'V_EBADCALL'
  and d['replier_hex'] == '0x00800001'" send 0x00800001 0x999
vj no_node 1 "d['name'] == 'V_ENOPROC' and d['answered'] == 0 and d['rtt_ns'] is None" ping 9
vj lookup_multicast_then_cache 0 "[r['source'] for r in d['results']] == ['multicast', 'cache hit']
  and [r['server_hex'] for r in d['results']] == [E['PM2']] * 2
  and d['results'][0]['prefix'] == d['results'][1]['prefix'] == '[pm2]'
  and d['results'][0]['group'] >= 0x80000008 and 'group' not in d['results'][1]" \
  lookup '[pm2]' /pm2/x
vj lookup_at_node 0 "d['at'] == 2 and d['results'][0]['source'] == 'unicast'
  and d['results'][0]['server_hex'] == E['PM2']" lookup --at 2 '[pm2]'
vj lookup_at_wrong_node 1 "d['at'] == 1 and d['results'][0]['name'] == d['name'] == 'V_ENOTFOUND'
  and d['results'][0]['no_handler'] is False" lookup --at 1 '[pm2]'
vj names_of_node 0 "d['node'] == 2 and d['total'] == len(d['entries']) == 4
  and {e['prefix']: e['server_hex'] for e in d['entries']}['[pm2]'] == E['PM2']
  and {'[pm2]', '[name2]', '[ks2]', '[tmp2]'} == {e['prefix'] for e in d['entries']}
  and sorted((e['prefix'], e['server_hex'], str(e['context'])) for e in d['entries'])
   == sorted(tuple(l.split()[:3]) for l in t[1:-1])" --text names @2
vj groups_of_node 0 "d['node'] == 2 and d['total'] == len(d['memberships']) >= 3
  and [(m['group_hex'], m['member_hex'], m['address']) for m in d['memberships']]
   == [tuple(l.split()) for l in t[1:-1]]
  and any({'group_hex': '0x80000002', 'member_hex': E['PM2'], 'address': '239.86.0.2'}.items()
          <= m.items() for m in d['memberships'])" --text groups @2
vj group_send_kernel_servers 0 "d['group_hex'] == '0x80000001' and d['count'] == 2
  and sorted(r['replier_hex'] for r in d['replies']) == ['0x00800001', '0x01000001']
  and all(r['reply_code'] == 0 for r in d['replies'])" group send ks 0x103

# A host member of G and of ctest's group (CT_GROUP, which ctest's server on node 2
# joined): a guest's group Send reaches it, and a host's reaches it and ctest's server.
# It is also a member of the kernel-event group of process deaths (EV_PROCESS_DIED).
G=0xff010007 CTG=0x80800001 EVD=0x80000010
x env V_LHOST=30 "$B/host/test/hsrv" "join=$G,$CTG,$EVD" 60 >"$logs/member.out" 2>"$logs/member.err" &
m1="" m1port=""
for _ in $(seq 50); do m1=$(awk '{ print $3; exit }' "$logs/member.out" 2>/dev/null); [ -n "$m1" ] && break; sleep 0.1; done
m1port=$(awk '{ print $5; exit }' "$logs/member.out" 2>/dev/null)
venv="V_PEERS=$(( (254 << 7) | 30 ))=10.77.0.1:${m1port:-1}"
out=$(timeout 30 "$VC" console 1 --name "$NAME" --quiet 3 2>&1 <<<"send $G 0x7001 1 2 3")
echo "$out" >"$logs/shell-group-send.log"
grep -q "reply 0 (ok) from ${m1:-none}: 0xa5a5a5a4 0xa5a5a5a7 0xa5a5a5a6" <<<"$out"
result guest_group_send_reaches_host_member $((1 - $?)) "member ${m1:-none}: $(grep -m1 'reply\|send:' <<<"$out")"
vcm group_send_guest_and_host_members 0 "^reply 0 \(ok\) from ${ct:-none}: 0x00000002 0x00000003 0x00000004 
^reply -9 \(bad call\) from ${m1:-none}: 
^\(2 replies\)$" 3 group send "$CTG" 0x710a 1 2 3
x vctl send "${ct:-0x1}" 0x710c 1 >/dev/null 2>&1            # CT_GROUP_STATS: reset
vcm group_send_without_reply 0 "^sent to $CTG without reply" 1 group send --no-reply "$CTG" 0x710a
sleep 0.3
vcm no_reply_reached_guest_member 0 "^reply 0 \(ok\) from ${ct:-none}: 0x00000001 0x00000001 " 3 \
  send "${ct:-0x1}" 0x710c
vcm no_reply_reached_host_member 0 "^reply 0 \(ok\) from ${m1:-none}: 0x[0-9a-f]{8} 0x[0-9a-f]{8} 0x00000000 0x00000000 0x00000001$" 3 \
  send "${m1:-0x1}" 0x700a

# A program that ends on node 1: node 1's kernel multicasts V_EV_PROCESS_DIED (0x600,
# w0 = pid, w1 = team, w2 = node), which the host member hears (T_EVENTS: count, code,
# w0..w2).
out=$(timeout 30 "$VC" console 1 --name "$NAME" --quiet 3 2>&1 <<<"run hello")
echo "$out" >"$logs/shell-run-hello.log"
hello=$(sed -nE 's/.*\[(0x[0-9a-f]{8})\] hello: .*/\1/p' <<<"$out" | head -1)
vcm host_member_hears_process_died 0 "^reply 0 \(ok\) from ${m1:-none}: 0x0000000[1-9] 0x00000600 ${hello:-none} ${hello:-none} 0x00000001$" 3 \
  send "${m1:-0x1}" 0x700e

# A kernel client sends to a host server: hsrv on port 4377 answers the kernel's WHERE.
# Then vctl, from the namespace, tells it to quit (found by WHERE on the bridge too).
x env V_PORT=4377 V_LHOST=9 "$B/host/test/hsrv" 30 >"$logs/hsrv.out" 2>"$logs/hsrv.err" &
for _ in $(seq 50); do [ -s "$logs/hsrv.out" ] && break; sleep 0.1; done
# (3 s of console quiet: the kernel's WHERE may need a retransmission or two.)
out=$(timeout 30 "$VC" console 1 --name "$NAME" --quiet 3 2>&1 <<<"send 0x7f090101 0x7001 1 2 3")
echo "$out" >"$logs/shell-send.log"
grep -q 'reply 0 (ok) from 0x7f090101: 0xa5a5a5a4 0xa5a5a5a7 0xa5a5a5a6' <<<"$out"
result kernel_client_to_host_server $((1 - $?)) "$(grep -m1 'send' <<<"$out")"
# It shares port 4377 with the member's group sockets; another host program may not.
out=$(x env V_PORT=4377 V_LHOST=31 "$B/host/test/hsrv" 5 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q 'another host V process has it' <<<"$out"
result second_host_program_on_4377_refused $((1 - $?)) "exit $rc: $(head -2 <<<"$out" | tr '\n' '|')"
vc host_server_quit 0 '^reply 0 \(ok\) from 0x7f090101' send 0x7f090101 0x7009

# The member leaves G: a guest's group Send to it then finds no one (1.5 s).
vcm member_leaves 0 "^reply 0 \(ok\) from ${m1:-none}: 0x00000000 0xfffffff5 " 3 send "${m1:-0x1}" 0x700c "$G"
out=$(timeout 30 "$VC" console 1 --name "$NAME" --quiet 3 2>&1 <<<"send $G 0x7001 1")
echo "$out" >"$logs/shell-group-left.log"
grep -q "send: $G: timed out" <<<"$out"
result guest_group_send_after_host_member_left $((1 - $?)) "$(grep -m1 'reply\|send:' <<<"$out")"
vcm member_quit 0 "^reply 0 \(ok\) from ${m1:-none}" 3 send "${m1:-0x1}" 0x7009
wait
