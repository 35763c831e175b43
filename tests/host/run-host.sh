#!/usr/bin/env bash
# tests/host/run-host.sh [HOSTDIR] - libv on Linux for real: host V processes (hsrv,
# hcli, vctl from HOSTDIR, default build/host) talking docs/PROTOCOL.md over 127.0.0.1.
# Each case gets servers of its own on ephemeral ports; the cases run side by side.
# Nothing leaves loopback: WHERE goes to 127.255.255.255, at the case's own server port,
# and group Sends go out of 127.0.0.1 (V_MCAST_IF) to members that joined there.
# vctl's --json documents are parsed and checked by vjson.py (python3).
# Prints PASS/FAIL lines, then `host: N passed, M failed` last. Bounded (about 20 s when
# all is well, under 5 minutes if everything hung): every program has a timeout, every
# server a lifetime, and servers are killed by pid when their case ends and on exit.
set -u
dir=${1:-build/host}
T=$dir/test
logs=$dir/test-logs
rm -rf "$logs"
mkdir -p "$logs"
unset V_PEERS V_PORT V_LHOST V_LOCAL V_TEST_LOSS V_TEST_DUP V_TEST_SEED V_DEBUG V_WHERE_PORT \
  VSYS_NET V_NAMES
export V_BCAST=127.255.255.255 V_MCAST_IF=127.0.0.1
SECONDS=0

for b in "$T/hsrv" "$T/hcli" "$T/hgroup" "$dir/vctl"; do
  if [ ! -x "$b" ]; then
    echo "run-host: $b is missing (make host)" >&2
    echo "host: 0 passed, 1 failed"
    exit 1
  fi
done

# start_server NAME "ENV=... ..." [HSRV ARGS]: start an hsrv in the background; sets
# srv_lpid (Linux pid), srv_vpid (V pid), srv_port once it listens.
start_server() {
  local name=$1 envs=$2 line=""; shift 2
  # shellcheck disable=SC2086
  env $envs "$T/hsrv" "$@" >"$logs/$name.srv.out" 2>"$logs/$name.srv.err" &
  srv_lpid=$!
  mkdir -p "$logs/running"
  : >"$logs/running/$srv_lpid"
  for _ in $(seq 100); do
    line=$(head -1 "$logs/$name.srv.out" 2>/dev/null)
    [ -n "$line" ] && break
    sleep 0.05
  done
  srv_vpid=$(awk '{print $3}' <<<"$line")
  srv_port=$(awk '{print $5}' <<<"$line")
  [ -n "$srv_port" ]
}

# stop_server: end the case's server (it may be dead already), quietly: TERM, then KILL
# after 5 s, only while it is this shell's child (netns_kill; never waits longer).
. "$(dirname "$0")/../lib/netns.sh"
stop_server() {
  { netns_kill "$srv_lpid"; } 2>/dev/null
  rm -f "$logs/running/$srv_lpid"
}

# client NAME "ENV=..." PROGRAM ARGS...: run a test program against the case's server,
# bounded; a crash or a timeout without its own FAIL line still counts as one failure.
client() {
  local name=$1 envs=$2 rc; shift 2
  # shellcheck disable=SC2086
  env V_WHERE_PORT="$srv_port" $envs timeout 40 "$@" >"$logs/$name.out" 2>"$logs/$name.err"
  rc=$?
  if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$logs/$name.out"; then
    echo "FAIL $name: exit status $rc" >>"$logs/$name.out"
  fi
}

case_simple() {   # case_simple NAME SERVER_LHOST CLIENT_ENV HCLI_ARGS...
  local name=$1 lh=$2 cenv=$3; shift 3
  if ! start_server "$name" "V_LHOST=$lh" 50; then
    echo "FAIL $name: server did not start" >"$logs/$name.out"; return
  fi
  client "$name" "V_LHOST=$((lh + 1)) $cenv" "$T/hcli" "$1" "$srv_vpid" "${@:2}"
  stop_server
}

case_loss() {     # two lossy clients at one lossy server, side by side
  if ! start_server loss "V_LHOST=30 V_TEST_LOSS=10" 50; then
    echo "FAIL loss: server did not start" >"$logs/loss.out"; return
  fi
  client loss-a "V_LHOST=31 V_TEST_LOSS=10" "$T/hcli" loss "$srv_vpid" 1000 150 &
  local a=$!
  client loss-b "V_LHOST=32 V_TEST_LOSS=10" "$T/hcli" loss "$srv_vpid" 2000 150
  wait "$a"
  stop_server
}

case_garbage() {
  if ! start_server garbage "V_LHOST=40" 50; then
    echo "FAIL garbage: server did not start" >"$logs/garbage.out"; return
  fi
  client garbage "V_LHOST=41" "$T/hcli" garbage "$srv_vpid" "$srv_port"
  stop_server
}

case_dead() {
  if ! start_server dead "V_LHOST=42" 50; then
    echo "FAIL dead: server did not start" >"$logs/dead.out"; return
  fi
  client dead "V_LHOST=43" "$T/hcli" dead "$srv_vpid" "$srv_lpid" "$srv_port"
  stop_server
}

# vctl against an hsrv that impersonates node 5's kernel server (pid 0x02800001). Each
# run takes well under 2 s (the slowest: an unanswered ping with --timeout 1), so 3 s
# each keeps these under a minute even if every one hung.
vcheck() {        # vcheck NAME WANT_STATUS PATTERN VCTL_ARGS...
  local name=$1 want=$2 pat=$3 rc out; shift 3
  out=$(env V_WHERE_PORT="$srv_port" V_LHOST=51 timeout 3 "$dir/vctl" "$@" 2>&1)
  rc=$?
  printf '%s\n' "$ vctl $*" "$out" >>"$logs/vctl.log"
  if [ $rc -eq "$want" ] && grep -qE -- "$pat" <<<"$out"; then
    echo "PASS vctl_$name"
  else
    echo "FAIL vctl_$name: exit $rc (want $want), output: $(head -3 <<<"$out" | tr '\n' '|')"
  fi
}

# jcheck NAME WANT_STATUS EXPR [--text] VCTL_ARGS...: `vctl --json VCTL_ARGS` (5 s at most,
# like the text run: the slowest, a lookup of an unknown name, takes 1.5 s), run with
# $jenv in its environment, must print one JSON document that tests/host/vjson.py
# accepts: the rules every document keeps (one line, "exit" = its exit status, "error"
# exactly on failure, ...), then EXPR (a Python expression on the document d). With
# --text, vctl's text output of the same command is t in EXPR, so the two must agree.
H=$(dirname "$0")
jcheck() {
  local name=$1 want=$2 expr=$3 rc why f=$logs/json-$1 tf=(); shift 3
  if [ "${1:-}" = --text ]; then
    shift
    tf=("$f.txt")
    # shellcheck disable=SC2086
    env $jenv timeout 5 "$dir/vctl" "$@" >"$f.txt" 2>&1
  fi
  # shellcheck disable=SC2086
  env $jenv timeout 5 "$dir/vctl" --json "$@" >"$f.json" 2>"$f.err"
  rc=$?
  printf '%s\n' "$ vctl --json $*" "$(cat "$f.json")" >>"$logs/vctl-json.log"
  if why=$(python3 "$H/vjson.py" "$f.json" "$rc" "$want" "$expr" "${tf[@]}" 2>&1); then
    echo "PASS vctl_json_$name"
  else
    echo "FAIL vctl_json_$name: $why"
  fi
}

# The --json documents of every command that hsrv ks can answer, against what the
# text output says and what hsrv ks holds (tests/host/hsrv.c).
vctl_json_cases() {
  local P='d["processes"]' jenv="V_WHERE_PORT=$srv_port V_LHOST=51"
  jcheck ps 0 "d['node'] == 5 and d['ks_hex'] == '0x02800001' and d['total'] == 40
    and [p['pid_hex'] for p in $P] == col(t, 0) and [p['state'] for p in $P] == col(t, 2)
    and [p['priority'] for p in $P] == [int(x) for x in col(t, 3)]
    and all(p['ticks'] == 10 * i and p['team_size'] == 1024 * i and p['team'] == p['pid']
            for i, p in enumerate($P))
    and $P[39]['name'] == 'fake39' and $P[7]['name'] == 'odd\"\\\\\t\x01\u00e9\x7f'" --text ps @5
  jcheck proc 0 "len($P) == 1 and $P[0]['pid'] == 0x02800105 and $P[0]['name'] == 'fake5'
    and $P[0]['state'] == col(t, 2)[0] and $P[0]['pid_hex'] == col(t, 0)[0]" --text proc 0x02800105
  jcheck proc_none 1 "d['command'] == 'proc' and d['name'] == 'V_ENOPROC' and d['code'] == -1
    and d['error'] == 'no such process' and d['to_hex'] == '0x02800199'" proc 0x02800199
  jcheck mem 0 "d['total_kib'] == 131072 and d['free_kib'] == 120000 and d['page_size'] == 4096
    and d['teams'] == 3 and d['team_pages'] == 100
    and t[0].startswith('total %d KiB, free %d KiB, used by teams %d KiB (%d teams)'
                        % (d['total_kib'], d['free_kib'], d['team_kib'], d['teams']))
    and d['limits']['procs'] == 64 and d['limits']['procs_used'] == 41
    and d['limits']['team_groups'] == 12 and d['limits']['team_proxies'] == 16
    and 'processes %d of %d' % (d['limits']['procs_used'], d['limits']['procs']) in t[1]" \
    --text mem @5
  jcheck info 0 "d['node'] == 5 and d['lhost'] == 0x280 and d['lhost_hex'] == '0x0280'
    and d['ip'] == '127.0.0.1' and d['test_mode'] is False and d['uptime_ms'] > 0
    and d['cmdline'] == 'fake kernel server node=5' and 'cmdline: ' + d['cmdline'] in t
    and t[1] == 'kernel server %s, device server %s' % (d['ks_hex'], d['device_server_hex'])" \
    --text info @5
  jcheck stats 0 "[d[k] for k in ('ipc_sends', 'context_switches', 'exceptions',
    'syscall_errors', 'timer_ticks')] == [1, 2, 3, 4, 5]" stats 5
  jcheck net 0 "(d['rx'], d['tx'], d['retransmits'], d['give_ups'], d['aliens']) == (10, 11, 3, 6, 8)
    and d['malformed']['magic'] == 2 and sum(d['malformed'].values()) == 2
    and len(d['malformed']) == 8 and t[-1] == 'malformed: magic 2'" --text net @5
  jcheck ping 0 "(d['count'], d['sent'], d['answered']) == (3, 3, 3) and d['ks_hex'] == '0x02800001'
    and [r['seq'] for r in d['replies']] == [1, 2, 3]
    and d['rtt_ns']['min'] == min(r['time_ns'] for r in d['replies']) > 0
    and d['rtt_ns']['max'] == max(r['time_ns'] for r in d['replies'])
    and d['rtt_ns']['min'] <= d['rtt_ns']['avg'] <= d['rtt_ns']['max']" ping 5 -c 3
  jcheck send 0 "d['reply_code'] == 0 and d['reply_text'] == 'ok' and d['request_code'] == 0x103
    and d['replier_hex'] == d['to_hex'] == '0x02800001' and d['words'][2] == 1700000000
    and d['words_hex'][2] == '0x6553f100' and len(d['words']) == 5" send 0x02800001 0x103
  jcheck send_remote_error 1 "d['reply_code'] == d['code'] == -9 and d['name'] == 'V_EBADCALL'
    and d['replier_hex'] == '0x02800001' and d['error'] == 'bad call'" send 0x02800001 0x999 1 2 3
  jcheck ping_nobody 1 "d['node'] == 9 and d['name'] == 'V_ETIMEOUT' and d['answered'] == 0
    and d['sent'] == 1 and d['replies'] == [] and d['rtt_ns'] is None" --timeout 1 ping 9
  jcheck groups 0 "d['node'] == 5 and d['total'] == 3 and [(m['group_hex'], m['member_hex'],
    m['address']) for m in d['memberships']] == [tuple(l.split()) for l in t[1:-1]]
    and d['memberships'][0]['group'] == 0x80000002 and d['memberships'][1]['member_hex'] == '0x02800103'
    and d['memberships'][0]['address'] == '239.86.0.2'" --text groups @5
  jcheck whoami 0 "d['lhost'] == (254 << 7) | 51 and t[0].startswith('pid %s, logical host %s'
    % (d['pid_hex'], d['lhost_hex'])) and 0 < d['port'] < 65536" --text whoami
  jcheck usage_no_node 2 "d['command'] == 'ps' and d['error'] == 'usage: vctl ps @N | @*'
    and d['name'] == 'V_EINVAL'" ps
  jcheck usage_bad_number 2 "d['command'] == 'send' and d['error'].startswith('usage: vctl send PID')" \
    send 0x02800001 12x
  jcheck usage_unknown 2 "d['command'] is None and 'unknown command' in d['error']" frobnicate
  jcheck usage_bad_option 2 "d['command'] is None and \"bad option '--bogus'\" in d['error']" \
    --bogus ps @5
  jcheck usage_no_command 2 "d['command'] is None and d['error'].startswith('usage: vctl')"
  jenv+=" V_NAMES=[pm7]=0x00e00101:3"
  jcheck names_cache 0 "d['node'] is None and d['total'] == 1 and d['entries'] == [{'prefix': '[pm7]',
    'server': 0x00e00101, 'server_hex': '0x00e00101', 'context': 3, 'source': 'static'}]
    and col(t, 0) == ['[pm7]'] and col(t, 3) == ['static']" --text names
  jcheck lookup 0 "d['at'] is None and len(d['results']) == 1 and t[0].startswith(
    '%s -> server %s context %d prefix %s (%s, ' % tuple(d['results'][0][k] for k in
    ('query', 'server_hex', 'context', 'prefix', 'source')))
    and d['results'][0]['source'] == 'static' and d['results'][0]['query'] == '/pm7/x'" \
    --text lookup /pm7/x
  jcheck lookup_one_unknown 1 "d['name'] == 'V_ENOTFOUND' and d['results'][0]['prefix'] == '[pm7]'
    and 'error' not in d['results'][0] and d['results'][1]['query'] == '[nobody-here]'
    and d['results'][1]['name'] == 'V_ENOTFOUND' and d['results'][1]['time_us'] > 1000000" \
    lookup /pm7/x '[nobody-here]'
}

case_vctl() {
  if ! start_server vctl "V_LHOST=$((5 << 7)) V_LOCAL=1" ks 50; then
    echo "FAIL vctl: fake kernel server did not start" >"$logs/vctl.out"; return
  fi
  {
    vcheck ps 0 '^0x02800127 0x02800127 .* fake39$' ps @5
    vcheck proc 0 '^0x02800105 0x02800105 .* fake5$' proc 0x02800105
    vcheck proc_none 1 'proc: 0x02800199: no such process' proc 0x02800199
    vcheck mem 0 '^total 131072 KiB, free 120000 KiB' mem @5
    vcheck info 0 'node 5, logical host 0x0280, ip 127.0.0.1' info 5
    vcheck info_cmdline 0 '^cmdline: fake kernel server node=5$' info @5
    vcheck stats 0 '^ipc sends 1, context switches 2' stats @5
    vcheck net 0 '^malformed: magic 2$' net @5
    vcheck ping 0 '3 sent, 3 answered, rtt min/avg/max' ping 5 -c 3
    vcheck send 0 '^reply 0 \(ok\) from 0x02800001' send 0x02800001 0x103
    vcheck send_remote_error 1 '^reply -9 \(bad call\)' send 0x02800001 0x999 1 2 3 4 5
    vcheck ping_nobody 1 '0 answered' --timeout 1 ping 9
    vcheck usage_no_node 2 'usage: vctl ps' ps
    vcheck usage_bad_number 2 'usage: vctl send' send 0x02800001 12x
    vcheck usage_unknown 2 'unknown command' frobnicate
    vcheck help 0 'Exit status: 0 ok, 1 remote error' --help
    vcheck help_json_is_text 0 '^usage: vctl \[--json\] \[--timeout S\]' --json --help
    vctl_json_cases
  } >"$logs/vctl.out"
  stop_server
}

# Process groups over loopback multicast: members M1, M2 (answer), M3 (declines), M4 (in
# another group at G's address), each an hsrv; hgroup and vctl make the group Sends. The
# groups are created groups of a logical host no node has, numbered from our pid, so that
# runs side by side on one machine never answer each other's Sends.
glh=$(( 0x7e00 | ($$ % 256) )) gser=$(( ($$ / 256) % 60000 + 1 ))
G=$(printf '0x%08x' $(( 0x80000000 | (glh << 16) | gser )))
GNONE=$(printf '0x%08x' $(( 0x80000000 | (glh << 16) | (gser + 1) )))
GMISS=$(printf '0x%08x' $(( 0x80000000 | (glh << 16) | (gser + 2) )))

# gcheck NAME WANT_STATUS PATTERNS MAX_SECONDS "ENV=..." VCTL_ARGS...: vctl's exit status,
# time, and every line of PATTERNS (one extended regex a line) found in its output.
gcheck() {
  local name=$1 want=$2 pats=$3 max=$4 envs=$5 rc out t0 p ok=1; shift 5
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  out=$(env V_LHOST=68 V_PEERS="$gpeers" $envs timeout 10 "$dir/vctl" "$@" 2>&1)
  rc=$?
  t0=$(( ($(date +%s%N) - t0) / 1000000 ))
  printf '%s\n' "$ vctl $* ($t0 ms)" "$out" >>"$logs/group-vctl.log"
  while read -r p; do grep -qE -- "$p" <<<"$out" || ok=0; done <<<"$pats"
  if [ $rc -eq "$want" ] && [ $ok = 1 ] && [ "$t0" -le $((max * 1000)) ]; then
    echo "PASS vctl_$name"
  else
    echo "FAIL vctl_$name: exit $rc (want $want) in $t0 ms (max ${max}s), output: $(head -4 <<<"$out" | tr '\n' '|')"
  fi
}

# group send's --json documents: both answering members' replies, as the text has them;
# without reply; nobody (V_ETIMEOUT); a usage error. M1 M2: the answering members' pids.
group_json_cases() {
  local jenv="V_LHOST=69 V_PEERS=$gpeers"
  M1=$1 M2=$2 G=$G GNONE=$GNONE
  export M1 M2 G GNONE
  jcheck group_send 0 "d['command'] == 'group' and d['group_hex'] == E['G'] and d['no_reply'] is False
    and d['request_code'] == 0x7001 and d['count'] == len(d['replies']) == 2
    and sorted(r['replier_hex'] for r in d['replies']) == sorted([E['M1'], E['M2']])
    and all(r['reply_code'] == 0 and r['words'] == [1 ^ 0xa5a5a5a5, 2 ^ 0xa5a5a5a5,
            3 ^ 0xa5a5a5a5, 0xa5a5a5a5, 0xa5a5a5a5] for r in d['replies'])
    and sorted('reply %d (%s) from %s: %s' % (r['reply_code'], r['reply_text'], r['replier_hex'],
               ' '.join(r['words_hex'])) for r in d['replies']) == sorted(t[:-1])
    and t[-1] == '(%d replies)' % d['count']" --text group send "$G" 0x7001 1 2 3
  jcheck group_send_no_reply 0 "d['no_reply'] is True and d['group_hex'] == E['G']
    and 'replies' not in d" group send --no-reply "$G" 0x7001
  jcheck group_send_nobody 1 "d['group_hex'] == E['GNONE'] and d['name'] == 'V_ETIMEOUT'
    and d['error'] == 'timed out' and 'replies' not in d" group send "$GNONE" 0x7001
  jcheck group_send_usage 2 "d['command'] == 'group' and d['error'].startswith('usage: vctl group send')" \
    group send 0x00800101 0x7001
}

case_group() {
  local k lps=() vps=() join
  gpeers=""
  for k in 0 1 2 3; do
    case $k in 0|1) join="join=$G" ;; 2) join="join=$G decline" ;; 3) join="join=~$G" ;; esac
    # shellcheck disable=SC2086
    if ! start_server "group-m$((k + 1))" "V_LHOST=$((60 + k))" $join 60; then
      echo "FAIL group: member $((k + 1)) did not start: $(tail -1 "$logs/group-m$((k + 1)).srv.err")" \
        >"$logs/group.out"
      for srv_lpid in "${lps[@]}"; do stop_server; done
      return
    fi
    lps+=("$srv_lpid") vps+=("$srv_vpid")
    gpeers+="$(( (254 << 7) | (60 + k) ))=127.0.0.1:$srv_port,"
  done
  gpeers=${gpeers%,}
  client group-basic "V_LHOST=64 V_PEERS=$gpeers" "$T/hgroup" basic "$G" "$GNONE" "${vps[@]}"
  client group-dup "V_LHOST=65 V_PEERS=$gpeers V_TEST_DUP=1" "$T/hgroup" amo "$G" 1000 50 \
    "${vps[@]:0:3}"
  client group-loss "V_LHOST=66 V_PEERS=$gpeers V_TEST_LOSS=30" "$T/hgroup" amo "$G" 2000 40 \
    "${vps[@]:0:3}"
  client group-leave "V_LHOST=67 V_PEERS=$gpeers" "$T/hgroup" leave "$G" "${vps[@]:0:2}"
  {
    gcheck group_send 0 "^reply 0 \(ok\) from ${vps[0]}: 0xa5a5a5a4 0xa5a5a5a7 0xa5a5a5a6
^reply 0 \(ok\) from ${vps[1]}: 0xa5a5a5a4 0xa5a5a5a7 0xa5a5a5a6
^\(2 replies\)$" 4 "" group send "$G" 0x7001 1 2 3
    gcheck group_send_no_reply 0 "^sent to $G without reply" 1 "" group send --no-reply "$G" 0x7001
    gcheck group_send_nobody 1 "group send: $GNONE: timed out" 3 "" group send "$GNONE" 0x7001
    gcheck group_send_usage 2 'usage: vctl group send' 1 "" group send 0x00800101 0x7001
    gcheck lookup_unknown 1 'lookup: \[nobody-here\]: not found' 3 "" lookup '[nobody-here]'
    gcheck lookup_static 0 '^/pm7/x -> server 0x00e00101 context 3 prefix \[pm7\] \(static' 1 \
      "V_NAMES=[pm7]=0x00e00101:3" lookup /pm7/x
    group_json_cases "${vps[@]:0:2}"
  } >"$logs/group.out"
  for srv_lpid in "${lps[@]}"; do stop_server; done
}

# Members that miss the first copy of each group request (V_TEST_MISS_FIRST=1: M2, M3)
# beside one that does not (M1), in a group of their own: the client's repeats while the
# reply window is open must still reach them after M1's first reply.
case_gmiss() {
  local k lps=() vps=() peers="" envs
  for k in 0 1 2; do
    envs="V_LHOST=$((70 + k))"
    [ "$k" != 0 ] && envs+=" V_TEST_MISS_FIRST=1"
    if ! start_server "group-miss-m$((k + 1))" "$envs" "join=$GMISS" 60; then
      echo "FAIL group-miss: member $((k + 1)) did not start" >"$logs/group-miss.out"
      for srv_lpid in "${lps[@]}"; do stop_server; done
      return
    fi
    lps+=("$srv_lpid") vps+=("$srv_vpid")
    peers+="$(( (254 << 7) | (70 + k) ))=127.0.0.1:$srv_port,"
  done
  client group-miss "V_LHOST=73 V_PEERS=${peers%,}" "$T/hgroup" miss "$GMISS" 3000 10 "${vps[@]}"
  for srv_lpid in "${lps[@]}"; do stop_server; done
}

# On exit, servers whose case did not stop them (only if that pid still is an hsrv).
cleanup() {
  local f p
  for f in "$logs"/running/*; do
    [ -e "$f" ] || continue
    p=${f##*/}
    grep -qa hsrv "/proc/$p/cmdline" 2>/dev/null && kill "$p" 2>/dev/null
    rm -f "$f"
  done
}
trap cleanup EXIT

# The shell's own notes (a server killed by the dead case) go to jobs.err.
case_simple basic 10 "" basic 2>>"$logs/jobs.err" &
case_simple nack 12 "" nack 2>>"$logs/jobs.err" &
case_simple move 14 "" move 2>>"$logs/jobs.err" &
case_simple amo 16 "V_TEST_DUP=1" amo 0 300 2>>"$logs/jobs.err" &
case_loss 2>>"$logs/jobs.err" &
case_garbage 2>>"$logs/jobs.err" &
case_dead 2>>"$logs/jobs.err" &
case_vctl 2>>"$logs/jobs.err" &
case_group 2>>"$logs/jobs.err" &
case_gmiss 2>>"$logs/jobs.err" &
wait

for c in basic nack move amo loss-a loss-b garbage dead vctl group-basic group-dup group-loss \
  group-leave group group-miss; do
  grep -hE '^(PASS|FAIL) ' "$logs/$c.out" 2>/dev/null | sed "s/^\(PASS\|FAIL\) /\1 $c: /"
done
pass=$(cat "$logs"/*.out 2>/dev/null | grep -c '^PASS ')
fail=$(cat "$logs"/*.out 2>/dev/null | grep -c '^FAIL ')
if [ "$fail" -ne 0 ]; then
  echo "run-host: logs in $logs"
  for f in "$logs"/*.err; do
    [ -s "$f" ] && { echo "--- $f"; tail -5 "$f"; }
  done
fi
echo "run-host: ${SECONDS}s"
echo "host: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
