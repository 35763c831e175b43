#!/usr/bin/env bash
# tests/bench/linuxpeer/run.sh - the Linux side of the side-by-side network benchmarks
# (docs/BENCH.md, "Linux peer"). For each NIC model, in a network namespace of its own
# (vsys-lpeer<pid>: a bridge br0 and taps tap1, tap2, no address on the host side),
# boots two Linux guests built by build.sh under QEMU TCG,
#   server  10.77.0.102/24  tap1  52:54:00:77:01:02   udp echo :7001, tcp sink :7002
#   client  10.77.0.101/24  tap2  52:54:00:77:01:01   runs the three benchmarks
# collects the client's LINUXBENCH lines (UDP 32-byte round trip, TCP 64 KiB and 1 MiB
# acknowledged transfers), prints a table and writes build/bench/linux_peer_<nic>.json.
# Serial logs: build/bench/logs/linux_peer_<nic>.{server,client}.log (+ .qemu).
# The namespace, bridge, taps and QEMU (stopped by pid) are removed on any exit.
#
# Options:
#   --nic "virtio-net e1000"   NIC models to run, in turn (default: both)
#   --mtu N                    the link MTU (576..9000, default 1500): the bridge, the
#                              taps and the guests' eth0 (virtio-net also gets QEMU's
#                              host_mtu); results then go to linux_peer_<nic>-mtuN.json
#   --udp-iters N              UDP round trips per round (default 2000)
#   --tcp64k-iters N           64 KiB transfers per round (default 100)
#   --tcp1m-iters N            1 MiB transfers per round (default 16)
#   --rounds R                 timed rounds of each (default 5, max 16; median reported)
#   --timeout S                limit for one NIC's pair of guests (default 120 s)
#   --out DIR                  results folder (default build/bench)
#   --no-build                 do not run build.sh first
# Exit status: 0 when every NIC's run gave all three results (or the run was skipped
# for want of root), 1 otherwise. Figures never fail the run.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-x86_64}
LP=$BUILD/linuxpeer
NICS="virtio-net e1000"
UDP_ITERS=2000 TCP64K_ITERS=100 TCP1M_ITERS=16 ROUNDS=5 TIMEOUT=120
OUT=$BUILD/bench
MTU=1500
do_build=1
MEM=256
ACCEL_ARGS="-accel tcg"
SERVER_IP=10.77.0.102 CLIENT_IP=10.77.0.101

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
say() { echo "linux-peer: $*"; }
die() { echo "linux-peer: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --nic) NICS=$2; shift 2 ;;
    --mtu) MTU=$2; shift 2 ;;
    --udp-iters) UDP_ITERS=$2; shift 2 ;;
    --tcp64k-iters) TCP64K_ITERS=$2; shift 2 ;;
    --tcp1m-iters) TCP1M_ITERS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
case "$UDP_ITERS$TCP64K_ITERS$TCP1M_ITERS$ROUNDS$TIMEOUT" in
  *[!0-9]*) die "--udp-iters, --tcp64k-iters, --tcp1m-iters, --rounds, --timeout take numbers" ;;
esac
[ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 16 ] || die "--rounds must be 1 .. 16"
case "$MTU" in ''|*[!0-9]*) die "--mtu takes a number" ;; esac
[ "$MTU" -ge 576 ] && [ "$MTU" -le 9000 ] || die "--mtu must be 576 .. 9000"
TAG=""; [ "$MTU" = 1500 ] || TAG=-mtu$MTU      # in the result and log names
for n in $NICS; do
  case "$n" in virtio-net|virtio|virtio-net-pci|e1000) ;; *) die "unknown NIC '$n' (virtio-net or e1000)" ;; esac
done

if [ "$(id -u)" != 0 ]; then
  say "skipped: needs root for a network namespace and taps"
  exit 0
fi
command -v "$QEMU" >/dev/null || die "$QEMU not found (make deps installs qemu-system-x86)"
command -v python3 >/dev/null || die "python3 not found (make deps installs it)"
if [ $do_build = 1 ]; then
  bash tests/bench/linuxpeer/build.sh || die "build.sh failed"
fi
for f in "$LP/vmlinuz" "$LP/initrd.gz" "$LP/versions"; do
  [ -f "$f" ] || die "$f is missing: run tests/bench/linuxpeer/build.sh"
done

ns=vsys-lpeer$$
pids=()
. tests/lib/netns.sh                   # netns_kill, netns_down (its own set-up is below)
# Stop the QEMUs we started (by pid: TERM, then KILL), then remove the namespace.
stop_guests() {
  netns_kill "${pids[@]}"
  pids=()
}
cleanup() {
  stop_guests
  netns_down "$ns" 2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$OUT/logs" || die "cannot create $OUT/logs"
OUT=$(cd "$OUT" && pwd)

# The namespace: a bridge with no address (the guests talk only to each other), IPv6
# off so that the host side adds no traffic of its own.
setup() {
  ip netns add "$ns" &&
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 &&
  ip -n "$ns" link set lo up &&
  ip -n "$ns" link add br0 type bridge &&
  ip -n "$ns" link set br0 mtu "$MTU" &&
  ip -n "$ns" link set br0 up || return 1
  for i in 1 2; do
    ip -n "$ns" tuntap add dev "tap$i" mode tap &&
    ip -n "$ns" link set "tap$i" mtu "$MTU" &&
    ip -n "$ns" link set "tap$i" master br0 &&
    ip -n "$ns" link set "tap$i" up || return 1
  done
}
setup 2>"$OUT/logs/linux_peer.setup.err" ||
  die "namespace setup failed: $(head -1 "$OUT/logs/linux_peer.setup.err")"

# boot ROLE TAP MAC DEVICE LOG APPEND: one guest in the background; its pid in pids.
boot() {
  local role=$1 tap=$2 mac=$3 dev=$4 log=$5 append=$6
  # shellcheck disable=SC2086
  ip netns exec "$ns" "$QEMU" $ACCEL_ARGS -m $MEM -nodefaults -display none -no-reboot \
    -serial "file:$log" \
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
    -device "$dev,netdev=n0,mac=$mac" \
    -kernel "$LP/vmlinuz" -initrd "$LP/initrd.gz" \
    -append "console=ttyS0 quiet panic=-1 ipv6.disable=1 vpeer.role=$role $append" \
    </dev/null >"$log.qemu" 2>&1 &
  pids+=($!)
}

clean_log() { tr -d '\r' 2>/dev/null <"$1"; }

# run_nic NIC: both guests for one NIC model; writes the JSON. Returns 1 on failure.
run_nic() {
  local nic=$1 dev slog clog t0 deadline now sup="" cup="" cpid spid rc=0
  case "$nic" in virtio*) nic=virtio-net dev=virtio-net-pci ;; e1000) dev=e1000 ;; esac
  [ "$MTU" != 1500 ] && [ "$nic" = virtio-net ] && dev="$dev,host_mtu=$MTU"
  local label=$nic$TAG
  slog=$OUT/logs/linux_peer_$label.server.log
  clog=$OUT/logs/linux_peer_$label.client.log
  rm -f "$slog" "$clog" "$slog.qemu" "$clog.qemu"
  local common="vpeer.timeout=$TIMEOUT vpeer.rounds=$ROUNDS vpeer.mtu=$MTU"
  t0=$(date +%s%N)
  boot server tap1 52:54:00:77:01:02 "$dev" "$slog" "vpeer.ip=$SERVER_IP/24 $common"
  spid=${pids[-1]}
  boot client tap2 52:54:00:77:01:01 "$dev" "$clog" \
    "vpeer.ip=$CLIENT_IP/24 vpeer.peer=$SERVER_IP vpeer.udp_iters=$UDP_ITERS vpeer.tcp64k_iters=$TCP64K_ITERS vpeer.tcp1m_iters=$TCP1M_ITERS $common"
  cpid=${pids[-1]}
  # Wait (bounded) for the client to finish and both guests to power off; note when
  # each came up.
  deadline=$((SECONDS + TIMEOUT + 10))
  while [ $SECONDS -lt $deadline ]; do
    now=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ -z "$sup" ] && grep -q LINUXPEER-UP "$slog" 2>/dev/null && sup=$now
    [ -z "$cup" ] && grep -q LINUXPEER-UP "$clog" 2>/dev/null && cup=$now
    if ! kill -0 "$cpid" 2>/dev/null; then
      # The client is off; give the server a few seconds to see its QUIT.
      local i
      for ((i = 0; i < 50; i++)); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
      break
    fi
    sleep 0.1
  done
  local wall_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if kill -0 "$cpid" 2>/dev/null; then
    say "$nic: the client did not finish within $((TIMEOUT + 10)) s"
    rc=1
  fi
  stop_guests
  local done_line
  done_line=$(clean_log "$clog" | grep '^LINUXPEER-DONE' | tail -1)
  if [[ "$done_line" != *"status=0"* ]] || [ "$(clean_log "$clog" | grep -c '^LINUXBENCH ')" != 3 ]; then
    say "$nic: FAILED (client: ${done_line:-no LINUXPEER-DONE line}) - see $clog"
    clean_log "$clog" | grep -E 'ERROR|TIMEOUT|panic|Kernel' | head -5 | sed 's/^/    /'
    clean_log "$slog" | grep -E 'ERROR|TIMEOUT|panic|Kernel' | head -5 | sed 's/^/    server: /'
    cat "$clog.qemu" "$slog.qemu" 2>/dev/null | head -3 | sed 's/^/    qemu: /'
    rc=1
  fi
  LP_NIC=$label LP_DEVICE=$dev LP_CLIENT_LOG=$clog LP_SERVER_LOG=$slog LP_MTU=$MTU \
    LP_SERVER_UP_MS=$sup LP_CLIENT_UP_MS=$cup LP_WALL_MS=$wall_ms LP_OK=$((1 - rc)) \
    python3 tests/bench/linuxpeer/report.py write "$OUT/linux_peer_$label.json" || rc=1
  written+=("$OUT/linux_peer_$label.json")
  return $rc
}

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=unknown
if [ "$COMMIT" != unknown ]; then
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then DIRTY=yes; else DIRTY=no; fi
fi
export LP_COMMIT=$COMMIT LP_DIRTY=$DIRTY LP_QEMU=$QEMU LP_ACCEL_ARGS=$ACCEL_ARGS LP_MEM=$MEM
LP_QEMU_VERSION=$("$QEMU" --version | head -1 | sed 's/^QEMU emulator version //')
export LP_QEMU_VERSION LP_VERSIONS=$LP/versions LP_SERVER_IP=$SERVER_IP LP_CLIENT_IP=$CLIENT_IP

failed=0
written=()
start=$SECONDS
for nic in $NICS; do
  say "$nic$TAG: booting server and client (${QEMU##*/} $ACCEL_ARGS -m $MEM, MTU $MTU) ..."
  run_nic "$nic" || failed=1
done
say "$((SECONDS - start)) s for all runs"
[ ${#written[@]} -gt 0 ] && python3 tests/bench/linuxpeer/report.py table "${written[@]}"
if [ $failed != 0 ]; then
  say "FAILED (see the messages above and $OUT/logs/linux_peer_*)" >&2
  exit 1
fi
