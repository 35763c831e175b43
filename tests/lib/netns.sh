# tests/lib/netns.sh - a test's own network namespace (sourced, not run): a bridge br0,
# 10.77.0.1/24, IGMP snooping on with the bridge as querier (as a lab switch would be),
# and taps tap1..tapN enslaved to it. The querier is enabled after the Max Response
# Time is set to 1 s: the kernel floods all multicast for one response interval after
# a querier is enabled (10 s by default), which would cover a short test or benchmark. Every address a test uses stays inside it.
#   netns_up NS N [MTU]  create it; returns non-zero (the error on stderr) if any step
#                     fails. MTU (e.g. 9000 for jumbo frames) is set on every tap and
#                     on the bridge; without it they keep Linux's 1500
#   netns_down NS N   remove taps, bridge and namespace; idempotent, for traps
#   netns_kill PID... end the processes the test started (QEMU, dnsmasq, VDE...): only
#                     those still running as this shell's children (netns_own), so a pid
#                     that ended and was given to another process is never signalled;
#                     TERM, up to 5 s for them to go, then KILL and up to 2 s more; reaps
#                     those that went. Never waits longer than that. For traps too.
#   netns_own PID     is PID alive (not a zombie) and a child of this shell? From
#                     /proc/PID/stat, with builtins only (no ps).
# Nothing here waits without a bound.

netns_up() {
  local ns=$1 n=$2 mtu=${3:-} k
  ip netns add "$ns" && ip -n "$ns" link set lo up &&
    ip -n "$ns" link add br0 type bridge mcast_snooping 1 mcast_query_response_interval 100 \
      mcast_startup_query_count 20 mcast_startup_query_interval 100 &&
    ip -n "$ns" link set br0 type bridge mcast_querier 1 &&
    ip -n "$ns" addr add 10.77.0.1/24 dev br0 && ip -n "$ns" link set br0 up || return 1
  for ((k = 1; k <= n; k++)); do
    ip -n "$ns" tuntap add dev "tap$k" mode tap &&
      { [ -z "$mtu" ] || ip -n "$ns" link set "tap$k" mtu "$mtu"; } &&
      ip -n "$ns" link set "tap$k" master br0 && ip -n "$ns" link set "tap$k" up || return 1
  done
  # Set by hand, the bridge's MTU no longer follows its ports' smallest.
  [ -z "$mtu" ] || ip -n "$ns" link set br0 mtu "$mtu"
}

netns_down() {
  local ns=$1 n=$2 k
  ip netns list 2>/dev/null | grep -qw "$ns" || return 0
  for ((k = 1; k <= n; k++)); do ip -n "$ns" link del "tap$k" 2>/dev/null; done
  ip -n "$ns" link del br0 2>/dev/null
  ip netns del "$ns" 2>/dev/null
}

netns_own() {
  local stat rest
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest=${stat##*) }              # after "PID (COMM) ": STATE PPID ...
  set -- $rest
  [ "$1" != Z ] && [ "$1" != X ] && { [ "$2" = "$$" ] || [ "$2" = "$BASHPID" ]; }
}

netns_kill() {
  local p i ours=() left=()
  for p in "$@"; do netns_own "$p" && ours+=("$p"); done
  [ ${#ours[@]} -gt 0 ] || return 0
  kill "${ours[@]}" 2>/dev/null
  for ((i = 0; i < 70; i++)); do
    left=()
    for p in "${ours[@]}"; do netns_own "$p" && left+=("$p"); done
    [ ${#left[@]} -gt 0 ] || break
    [ $i = 50 ] && kill -9 "${left[@]}" 2>/dev/null   # 5 s of TERM: KILL, then 2 s more
    sleep 0.1
  done
  for p in "${ours[@]}"; do   # reap those that went (a reaped or gone pid returns at once)
    netns_own "$p" || wait "$p" 2>/dev/null
  done
  [ ${#left[@]} -eq 0 ] || echo "netns_kill: pids ${left[*]} are still there after SIGKILL" >&2
  return 0
}
