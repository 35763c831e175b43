# shellcheck shell=bash
# cluster/lib/cmd-up.sh - `vcluster up`: check, create the network, start the nodes,
# wait for them, and undo everything if any step fails. Sourced by cluster/vcluster.

# vcluster up -n N [options]
#   Create cluster NAME and boot N nodes in it; wait until every node is up, showing each
#   as it comes; then return, leaving the nodes running (vcluster down stops them).
#   As root: namespace vsys-NAME, bridge vbr-NAME (10.77.0.1/24, IGMP snooping with the
#   bridge as querier), tap vt-NAME-K per node. Node K: kernel command line
#   "node=K ip=10.77.0.(10+K)/24 [init=PROGS] [ARGS]", MAC 52:54:00:77:B:K.
#   With --pxe the nodes boot from the network instead of QEMU's -kernel: dnsmasq on the
#   bridge gives node K its address and the name vsysK by DHCP, and the iPXE script,
#   kernel and boot bundle by TFTP (run directory pxe/; docs/LAB.md). The script boots
#   "node=K name=vsysK ip=10.77.0.(10+K)/255.255.255.0 [init=PROGS] [ARGS]".
#   Options:
#     -n N             number of nodes, 1..200 (required)
#     --name NAME      cluster name, 1-8 of a-z 0-9 (default c1)
#     --nic e1000|virtio   the NIC model (default e1000)
#     --accel tcg|kvm  default tcg; kvm where /sys/module/kvm_intel or kvm_amd exists
#     --mem MB         memory per node (default 64)
#     --append ARGS    more kernel command-line arguments, for every node
#     --mtu N          the link MTU, 576..9000 (default 1500): the bridge's and taps'
#                      MTU and mtu=N on every node's command line; 9000 gives jumbo
#                      frames, in which moves go 6 times fewer packets (docs/NET.md)
#     --init PROGS     programs each node's program manager starts (init=PROGS)
#     --wait S         give up when not all nodes are up after S seconds (default 120)
#     --kernel FILE    the kernel to boot (default build/kernel.elf)
#     --rootless       QEMU socket multicast on 127.0.0.1 instead of a namespace (the
#                      default when not root; no host tool reaches the nodes by IP then)
#     --pcap           record each node's frames in its run directory (nodeK.pcap)
#     --pxe            boot the nodes by PXE (iPXE NIC ROMs, dnsmasq); needs root
#     --gdb K          node K waits at reset for gdb, on 127.0.0.1:(30000 + the cluster's
#                      byte) inside the namespace (on the host when rootless); `up`
#                      prints the command that attaches (docs/DEBUGGING.md) and does
#                      not wait for node K, which boots when gdb lets it continue
#     --ready auto|boot  what "up" means (default auto): a node is up when it printed
#                      its shell banner ("vsys shell on node K"), and (auto), once the
#                      kernel has a network driver, "net: NIC MAC IP/NN up" and it
#                      answers a ping from the namespace; boot: the banner alone.
#   If a node's QEMU ends, a PXE node cannot fetch its files, or time runs out,
#   everything made is removed again and the end of the failing node's log is shown.
#   Exit status: 0 all up; 1 failed; 2 bad usage.
cmd_up() {
  N="" NIC=e1000 ACCEL="" MEM=64 APPEND="" INIT="" WAIT=120 PCAP=0 MODE="" READY=auto PXE=0 MTU=1500
  GDB_NODE="" GDB_PORT=""
  KERNEL=$BUILDABS/kernel.elf
  while [ $# -gt 0 ]; do
    common_opt "$@"; [ "$SHIFT" -gt 0 ] && { shift "$SHIFT"; continue; }
    case "$1" in
      -n|--nodes) need_value "$@"; N=$2; shift 2 ;;
      --nic) need_value "$@"; NIC=$2; shift 2 ;;
      --accel) need_value "$@"; ACCEL=$2; shift 2 ;;
      --mem) need_value "$@"; MEM=$2; shift 2 ;;
      --append) need_value "$@"; APPEND=$2; shift 2 ;;
      --mtu) need_value "$@"; MTU=$2; shift 2 ;;
      --init) need_value "$@"; INIT=$2; shift 2 ;;
      --wait) need_value "$@"; WAIT=$2; shift 2 ;;
      --kernel) need_value "$@"; KERNEL=$2; shift 2 ;;
      --rootless) MODE=rootless; shift ;;
      --pcap) PCAP=1; shift ;;
      --pxe) PXE=1; shift ;;
      --ready) need_value "$@"; READY=$2; shift 2 ;;
      --gdb) need_value "$@"; GDB_NODE=$2; shift 2 ;;
      *) usage_error "up: unknown argument '$1'" ;;
    esac
  done
  up_check_args
  set_names "$CLUSTER"
  up_check_files
  take_lock 5
  up_check_free
  BYTE=$(pick_byte "$NAME") || die "no free cluster byte under $RUNROOT (250 clusters?)"
  PORT=$(( 20000 + BYTE ))
  [ -n "$GDB_NODE" ] && GDB_PORT=$(( 30000 + BYTE ))
  STARTED=$(date '+%Y-%m-%d %H:%M:%S')
  mkdir -p "$RUN" || die "cannot create the run directory $RUN"
  rm -f "$RUN"/node*.*
  local sock=$RUN/node$N.mon
  [ ${#sock} -lt 108 ] ||
    die "run directory path too long for unix sockets ($RUN): set VCLUSTER_RUNDIR to a shorter one"
  save_state || die "cannot write $STATE"
  UP_OK=0 FAILED_NODE="" FAIL_WHY=""
  trap up_on_exit EXIT
  trap 'FAIL_WHY="interrupted"; exit 130' INT TERM HUP
  up_run
  UP_OK=1
}

# up_check_args: validate the options of `up` (exits 2 on a bad one); settle MODE, ACCEL.
up_check_args() {
  [ -n "$N" ] || usage_error "up: how many nodes? (-n N)"
  [[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le "$MAX_NODES" ] ||
    usage_error "up: -n takes a number 1..$MAX_NODES"
  [[ $MEM =~ ^[0-9]+$ ]] && [ "$MEM" -ge 1 ] || usage_error "up: --mem takes a number of MB"
  [[ $WAIT =~ ^[0-9]+$ ]] && [ "$WAIT" -ge 1 ] || usage_error "up: --wait takes a number of seconds"
  case "$NIC" in e1000|virtio) ;; *) usage_error "up: --nic takes e1000 or virtio" ;; esac
  case "$READY" in auto|boot) ;; *) usage_error "up: --ready takes auto or boot" ;; esac
  if [ -n "$GDB_NODE" ]; then
    [[ $GDB_NODE =~ ^[0-9]+$ ]] && [ "$GDB_NODE" -ge 1 ] && [ "$GDB_NODE" -le "$N" ] ||
      usage_error "up: --gdb takes a node number 1..$N"
  fi
  [[ $MTU =~ ^[0-9]+$ ]] && [ "$MTU" -ge 576 ] && [ "$MTU" -le 9000 ] ||
    usage_error "up: --mtu takes a number 576..9000"
  # Every node learns the MTU from its command line (node_cmdline, and PXE's script).
  [ "$MTU" = 1500 ] || APPEND="mtu=$MTU${APPEND:+ $APPEND}"
  if [ -z "$ACCEL" ]; then
    ACCEL=tcg
    if [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; then ACCEL=kvm; fi
  fi
  case "$ACCEL" in
    tcg) ;;
    kvm) [ -r /dev/kvm ] && [ -w /dev/kvm ] || die "up: --accel kvm: /dev/kvm is not usable here" ;;
    *) usage_error "up: --accel takes tcg or kvm" ;;
  esac
  [[ $APPEND$INIT != *\"* ]] || usage_error "up: --append and --init cannot hold '\"'"
  if [ -z "$MODE" ]; then
    if is_root; then MODE=netns; else MODE=rootless; fi
  fi
  if [ "$PXE" = 1 ]; then
    [ "$MODE" = netns ] ||
      usage_error "up: --pxe needs root: dnsmasq serves the nodes on the namespace's bridge"
    [[ $APPEND$INIT != *[\$\'\\]* ]] || usage_error "up: with --pxe, --append and --init cannot hold \$, quotes or \\"
  fi
  return 0
}

# up_check_files: what booting needs must be there before anything is made.
up_check_files() {
  [ -f "$KERNEL" ] || die "kernel $KERNEL is missing: run 'make' first"
  KERNEL=$(cd "$(dirname "$KERNEL")" && pwd)/$(basename "$KERNEL")
  [ -f "$BUILDABS/user/pm.elf" ] || die "$BUILDABS/user/pm.elf is missing: run 'make' first"
  [[ $KERNEL$BUILDABS != *,* ]] || die "paths with ',' cannot go on QEMU's command line ($KERNEL)"
  command -v "$QEMU" >/dev/null || die "$QEMU not found (make deps installs it)"
  command -v setsid >/dev/null && command -v flock >/dev/null ||
    die "setsid and flock (util-linux) are needed"
  if [ "$MODE" = netns ]; then
    command -v ip >/dev/null || die "ip (iproute2) is needed (make deps installs it)"
  fi
  if [ "$PXE" = 1 ]; then
    pxe_check_tools
    pxe_rom_check "$NIC"
  fi
}

# up_check_free: the cluster must not run already; stale state of a dead one is cleaned.
up_check_free() {
  local k live=0
  if ( load_state ) 2>/dev/null; then
    if ( load_state; for (( k = 1; k <= N; k++ )); do node_alive "$k" && exit 0; done
         [ "$MODE" = netns ] && net_exists && exit 0; exit 1 ); then
      die "cluster $NAME is already up (vcluster status --name $NAME; vcluster down --name $NAME)"
    fi
    msg "$NAME: cleaning up what a previous run left"
    ( teardown ) >/dev/null || die "cannot clean up the previous run of $NAME: try 'vcluster down --name $NAME'"
  fi
  if [ "$MODE" = netns ] && net_exists; then
    die "namespace $NS exists but $RUN has no state for it (another checkout's cluster, or a lost run directory): 'vcluster down --name $NAME' removes it if nothing runs in it, or pick another --name"
  fi
  return 0
}

# up_run: make the network, start the nodes, wait for them; prints the timings.
up_run() {
  local t0 t1 t2 t3 how
  t0=$(now_ms)
  if [ "$MODE" = netns ]; then
    how="namespace $NS, bridge $BR $BRIDGE_ADDR"
  else
    how="rootless: socket multicast $MCAST_GROUP:$PORT on 127.0.0.1"
  fi
  [ "$PXE" = 1 ] && how+=", PXE boot (dnsmasq on $BR)"
  msg "$NAME: $N nodes ($NIC, $ACCEL, $MEM MB), $how"
  net_setup || { FAIL_WHY="cannot set up the network"; exit "$EX_FAIL"; }
  if [ "$PXE" = 1 ]; then
    pxe_start || { FAIL_WHY="cannot start dnsmasq (see $RUN/pxe/)"; exit "$EX_FAIL"; }
  fi
  t1=$(now_ms)
  nodes_start || { FAIL_WHY="node $FAILED_NODE's QEMU did not start"; exit "$EX_FAIL"; }
  t2=$(now_ms)
  msg "$NAME: network in $(secs $(( t1 - t0 ))) s, $N QEMUs started in $(secs $(( t2 - t1 ))) s; waiting for the nodes (at most ${WAIT} s)"
  [ -n "$GDB_NODE" ] && gdb_say
  nodes_wait $(( t2 + WAIT * 1000 )) "$t0" || exit "$EX_FAIL"
  t3=$(now_ms)
  msg "$NAME: all $N nodes up in $(secs $(( t3 - t0 ))) s (network $(secs $(( t1 - t0 ))) s, start $(secs $(( t2 - t1 ))) s, boot $(secs $(( t3 - t2 ))) s)"
  local o=""
  [ "$NAME" != c1 ] && o=" --name $NAME"
  msg "$NAME: vcluster status$o | console K$o (detach Ctrl-]) | logs K$o | exec$o CMD | down$o"
}

# gdb_say: how to attach gdb to the node that waits for it (--gdb K).
gdb_say() {
  local o="" at=""
  [ "$NAME" != c1 ] && o=" --name $NAME"
  [ "$MODE" = netns ] && at="$ROOT/cluster/vcluster exec$o "
  msg "$NAME: node $GDB_NODE waits for gdb on 127.0.0.1:$GDB_PORT$([ "$MODE" = netns ] && echo " in $NS"); attach with:"
  msg "  ${at}gdb -q -x $ROOT/tools/gdb/vsys.py -ex 'target remote 127.0.0.1:$GDB_PORT'"
  msg "$NAME: node $GDB_NODE boots when gdb continues; up does not wait for it"
}

# up_on_exit: at the end of `up`: if it did not finish, say why, show the failing node's
# log and remove everything made so far.
up_on_exit() {
  local rc=$?
  trap - EXIT INT TERM HUP
  [ "${UP_OK:-0}" = 1 ] && exit 0
  warn "$NAME: up FAILED: ${FAIL_WHY:-see above}"
  [ -n "$FAILED_NODE" ] && log_tail "$FAILED_NODE" >&2
  warn "$NAME: removing what was made"
  teardown >&2
  [ "$rc" = 0 ] && rc=$EX_FAIL
  exit "$rc"
}
