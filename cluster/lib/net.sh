# shellcheck shell=bash
# cluster/lib/net.sh - the cluster's network: a namespace with a bridge and one tap per
# node (as root), or QEMU's socket-multicast segment on the loopback (rootless).
# Entry points: net_setup, net_teardown, net_netdev_args, net_exists, in_ns.
#
# Nothing here touches an interface outside the namespace vsys-NAME: every `ip` command
# that changes something runs inside it (`ip -n NS`), and the namespace has no route
# beyond 10.77.0.0/24.

# in_ns CMD...: run CMD inside the cluster's namespace (or on the host, rootless).
in_ns() {
  if [ "$MODE" = netns ]; then ip netns exec "$NS" "$@"; else "$@"; fi
}

# net_exists: does the cluster's namespace exist?
net_exists() { [ -e "/run/netns/$NS" ] || ip netns list 2>/dev/null | grep -qw -- "$NS"; }

# net_setup: create the namespace, its loopback, the bridge (10.77.0.1/24, IGMP snooping
# with the bridge as querier) and taps 1..N on it. Returns non-zero, having said why, on
# the first failure; net_teardown undoes any part of it.
net_setup() {
  [ "$MODE" = netns ] || return 0
  local k tap
  ip netns add "$NS" || { warn "cannot create network namespace $NS"; return 1; }
  ip -n "$NS" link set lo up || return 1
  # No IPv6 in the namespace: the bridge would otherwise send router solicitations and
  # MLD reports of its own; the cluster speaks IPv4 only. (Namespace-local sysctls.)
  ip netns exec "$NS" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
  # Snooping on, with the bridge as the segment's IGMP querier: multicast reaches only
  # the taps whose node joined the group (as on a lab switch), and the periodic queries
  # keep memberships alive (see docs/CLUSTER.md, "IGMP"). The querier is enabled after
  # the Max Response Time is set to 1 s, because the kernel floods all multicast for one
  # response interval after a querier is enabled (10 s by default).
  # The first queries come every second for 20 s (startup query count and interval),
  # not 2 at 31 s: a node whose own reports went before its port forwarded is asked
  # again within a second of booting, instead of being left out of its groups.
  ip -n "$NS" link add "$BR" type bridge mcast_snooping 1 mcast_query_use_ifaddr 1 \
      mcast_query_response_interval 100 mcast_startup_query_count 20 \
      mcast_startup_query_interval 100 &&
    ip -n "$NS" link set "$BR" type bridge mcast_querier 1 ||
    { warn "cannot create bridge $BR in $NS"; return 1; }
  ip -n "$NS" addr add "$BRIDGE_ADDR" dev "$BR" || return 1
  # ARP from the bridge is retried every 100 ms rather than 1 s: a node that misses the
  # first request while it boots answers the readiness ping sooner. (Namespace-local.)
  ip netns exec "$NS" sysctl -q -w "net.ipv4.neigh.$BR.retrans_time_ms=100" >/dev/null 2>&1 || true
  ip -n "$NS" link set "$BR" up || return 1
  for (( k = 1; k <= N; k++ )); do
    tap=$(tap_name "$k")
    ip -n "$NS" tuntap add dev "$tap" mode tap || { warn "cannot create tap $tap in $NS"; return 1; }
    if [ "${MTU:-1500}" != 1500 ]; then
      ip -n "$NS" link set "$tap" mtu "$MTU" || { warn "cannot set MTU $MTU on $tap"; return 1; }
    fi
    ip -n "$NS" link set "$tap" master "$BR" up || return 1
  done
  # Set by hand, the bridge's MTU no longer follows its ports' smallest.
  if [ "${MTU:-1500}" != 1500 ]; then
    ip -n "$NS" link set "$BR" mtu "$MTU" || { warn "cannot set MTU $MTU on $BR"; return 1; }
  fi
}

# net_netdev_args K: QEMU's -netdev for node K (id net0).
net_netdev_args() {
  if [ "$MODE" = netns ]; then
    echo "tap,id=net0,ifname=$(tap_name "$1"),script=no,downscript=no"
  else
    # localaddr keeps the segment on the loopback (without it, it leaves through eth0).
    echo "socket,id=net0,mcast=$MCAST_GROUP:$PORT,localaddr=127.0.0.1"
  fi
}

# net_teardown: remove the taps, the bridge and the namespace; quiet and idempotent. The
# namespace is left only while processes that are not ours still run in it (say so).
net_teardown() {
  [ "$MODE" = netns ] || return 0
  net_exists || return 0
  local dev others
  for dev in $(ip -n "$NS" -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    case "$dev" in vt-"$NAME"-*|"$BR") ip -n "$NS" link del "$dev" 2>/dev/null ;; esac
  done
  others=$(ip netns pids "$NS" 2>/dev/null | tr '\n' ' ')
  if [ -n "${others// /}" ]; then
    warn "processes still run inside $NS (pids $others); its name is removed, the namespace ends when they exit"
  fi
  ip netns del "$NS" 2>/dev/null || { warn "cannot remove namespace $NS"; return 1; }
}
