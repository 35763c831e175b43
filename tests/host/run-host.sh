#!/usr/bin/env bash
# tests/host/run-host.sh [HOSTDIR] - libv on Linux for real: host V processes (hsrv,
# hcli, vctl from HOSTDIR, default build/host) talking docs/PROTOCOL.md over 127.0.0.1.
# Each case gets servers of its own on ephemeral ports; the cases run side by side.
# Nothing leaves loopback: WHERE goes to 127.255.255.255, at the case's own server port,
# and group Sends go out of 127.0.0.1 (V_MCAST_IF) to members that joined there.
# Prints PASS/FAIL lines, then `host: N passed, M failed` last. Bounded (about 13 s when
# all is well, under a minute if everything hung): every program has a timeout, every
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
# each keeps the whole case under a minute even if every one hung.
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
