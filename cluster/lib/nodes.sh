# shellcheck shell=bash
# cluster/lib/nodes.sh - the QEMU nodes of a cluster: their command lines, starting them,
# deciding when one is up, waiting for all, stopping them.
# Entry points: node_cmdline, node_qemu_args, nodes_start, node_ready, nodes_wait,
# nodes_stop.
#
# Per node K the run directory holds: nodeK.log (the serial console: everything the node
# printed), nodeK.con.in and nodeK.con.out (FIFOs: the console's input and output, see
# lib/node-watch.sh), nodeK.mon (QEMU's monitor, a unix socket), nodeK.pid and nodeK.rc
# (QEMU's pid and, once it ended, its exit status), nodeK.err (QEMU's own messages),
# nodeK.pcap (with --pcap: every frame of the node's NIC).

# node_cmdline K: the kernel command line of node K (booted by QEMU's -kernel; a PXE
# node's comes from its boot script, see cluster/lib/pxe.sh).
node_cmdline() {
  local c
  c="node=$1 ip=$(node_ip "$1")/24"
  [ -n "$INIT" ] && c+=" init=$INIT"
  [ -n "$APPEND" ] && c+=" $APPEND"
  echo "$c"
}

# boot_bundle: the -initrd list, the program manager first (the kernel starts it).
boot_bundle() {
  bash "$ROOT/tools/bundle.sh" "$BUILDABS"
}

# node_boot_args K: how node K boots: QEMU loads the kernel and the bundle, or (PXE) the
# NIC's iPXE ROM boots from the network; graphics=off sends the firmware's and iPXE's
# text to the serial console too, so the log shows a failed network boot.
node_boot_args() {
  if [ "${PXE:-0}" = 1 ]; then
    printf '%s\n' -boot n -machine graphics=off
  else
    printf '%s\n' -kernel "$KERNEL" -initrd "$(boot_bundle)" -append "$(node_cmdline "$1")"
  fi
}

# node_qemu_args K: QEMU's whole command line for node K, one word a line.
node_qemu_args() {
  local k=$1 dev
  case "$NIC" in e1000) dev=e1000 ;; virtio) dev=virtio-net-pci ;; esac
  printf '%s\n' "$QEMU" -name "vsys-$NAME-node$k" -accel "$ACCEL" -m "$MEM" \
    -nodefaults -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04
  node_boot_args "$k"
  printf '%s\n' \
    -chardev "pipe,id=con0,path=$RUN/node$k.con" -serial chardev:con0 \
    -monitor "unix:$RUN/node$k.mon,server=on,wait=off" \
    -netdev "$(net_netdev_args "$k")" \
    -device "$dev,netdev=net0,mac=$(node_mac "$k")"
  [ "$PCAP" = 1 ] && printf '%s\n' -object "filter-dump,id=dump0,netdev=net0,file=$RUN/node$k.pcap"
  [ "$k" = "${GDB_NODE:-}" ] && printf '%s\n' -gdb "tcp:127.0.0.1:$GDB_PORT" -S
  # Extra QEMU arguments for experiments (word-split): VCLUSTER_QEMU_ARGS="-icount shift=0".
  [ -n "${VCLUSTER_QEMU_ARGS:-}" ] && printf '%s\n' ${VCLUSTER_QEMU_ARGS}
  return 0
}

# node_start K: start node K's QEMU (inside the namespace) under its keeper, detached.
node_start() {
  local k=$1 args=() pre=()
  mapfile -t args < <(node_qemu_args "$k")
  [ "$MODE" = netns ] && pre=(ip netns exec "$NS")
  rm -f "$RUN/node$k".{pid,rc,log,err,mon,pcap,con.in,con.out}
  mkfifo "$RUN/node$k.con.in" "$RUN/node$k.con.out" || return 1
  : >"$RUN/node$k.log"
  # fd 9 is the cluster's lock: the node must not hold it.
  setsid bash "$LIB/node-watch.sh" "$RUN" "$k" "${pre[@]}" "${args[@]}" \
    </dev/null >/dev/null 2>&1 9>&- &
}

# nodes_start: start every node; fails if a keeper did not record its QEMU's pid within
# 5 s. The recorded pid is first `ip netns exec`, which then becomes QEMU: wait (as long
# again) until it has, or has ended, so that nodes_wait never takes a QEMU still
# starting on a loaded machine for one that ended.
nodes_start() {
  local k i
  for (( k = 1; k <= N; k++ )); do
    node_start "$k" || { FAILED_NODE=$k; warn "node $k: cannot make its console FIFOs"; return 1; }
  done
  for (( k = 1; k <= N; k++ )); do
    for (( i = 0; i < 50; i++ )); do
      [ -s "$RUN/node$k.pid" ] && break
      sleep 0.1
    done
    [ -s "$RUN/node$k.pid" ] || { FAILED_NODE=$k; warn "node $k: QEMU did not start"; return 1; }
    for (( i = 0; i < 50; i++ )); do
      node_alive "$k" || [ -e "$RUN/node$k.rc" ] && break
      sleep 0.1
    done
  done
}

# boot_marker K: the console line that says node K has booted: its shell's banner, or the
# program manager's start when --init names no shell.
boot_marker() {
  case ",$INIT," in
    ,,|*,shell,*|*,shell+*) echo "^vsys shell on node $1 " ;;
    *) echo "^kernel: program manager is pid " ;;
  esac
}

# node_ready K: is node K up? This is the one place that decides it; change it here.
#  - it printed its boot marker, and
#  - unless READY=boot: if its kernel speaks of the network at all (a line starting
#    "net:"), it printed "net: <nic> <mac> <ip>/<nn> up" and, when ping is at hand (and
#    not rootless), it answers a ping from inside the namespace. A kernel without a NIC
#    driver prints no "net:" line, and then the boot marker is enough.
node_ready() {
  local k=$1 log=$RUN/node$1.log
  grep -q -- "$(boot_marker "$k")" "$log" 2>/dev/null || return 1
  [ "${READY:-auto}" = boot ] && return 0
  grep -q '^net:' "$log" 2>/dev/null || return 0
  grep -qE "^net: [^ ]+ [^ ]+ $(node_ip "$k")/[0-9]+ up" "$log" || return 1
  [ "$MODE" = netns ] && command -v ping >/dev/null || return 0
  ip netns exec "$NS" ping -c1 -W0.3 -q "$(node_ip "$k")" >/dev/null 2>&1
}

# node_boot_failed K: did node K say it cannot boot? Only a PXE node does: the boot
# script's failure line, or iPXE's own when DHCP or the script fetch failed. Prints the
# line. Only whole lines count: the console may be caught in the middle of writing one,
# and a half-written line would be a half-quoted reason.
node_boot_failed() {
  [ "${PXE:-0}" = 1 ] || return 1
  local text
  text=$(tr -d '\r\0' <"$RUN/node$1.log" 2>/dev/null; echo x)
  text=${text%$'\n'*}
  grep -m1 -aoE "$PXE_FAIL_MARK.*|No configuration methods succeeded.*|No more network devices|No bootable device.*" <<<"$text"
}

# nodes_wait DEADLINE_MS T0_MS: wait until every node is ready, printing each as it comes
# up. Fails (setting FAILED_NODE and FAIL_WHY) when a node's QEMU ends, a PXE node cannot
# fetch its files, or time runs out.
nodes_wait() {
  local deadline=$1 t0=$2 ready=() nready=0 k why
  while :; do
    for (( k = 1; k <= N; k++ )); do
      [ "${ready[k]:-0}" = 1 ] && continue
      if [ "$k" = "${GDB_NODE:-}" ]; then   # it waits for gdb: counted, not waited for
        ready[k]=1; nready=$(( nready + 1 ))
      elif node_ready "$k"; then
        ready[k]=1; nready=$(( nready + 1 ))
        msg "$NAME: node $k up ($(node_ip "$k")) after $(secs $(( $(now_ms) - t0 ))) s [$nready/$N]"
      elif why=$(node_boot_failed "$k"); then
        FAILED_NODE=$k
        FAIL_WHY="node $k cannot boot from the network: $why"
        return 1
      elif ! node_alive "$k"; then
        FAILED_NODE=$k
        FAIL_WHY="node $k's QEMU ended before the node was up"
        sleep 0.1   # let its keeper record the exit status
        FAIL_WHY+=" ($(node_end_text "$k"))"
        return 1
      fi
    done
    [ "$nready" = "$N" ] && return 0
    if [ "$(now_ms)" -ge "$deadline" ]; then
      for (( k = 1; k <= N; k++ )); do [ "${ready[k]:-0}" = 1 ] || break; done
      FAILED_NODE=$k
      FAIL_WHY="timed out: $nready of $N nodes up; node $k is not (see its log)"
      return 1
    fi
    sleep 0.2
  done
}

# nodes_stop: end every QEMU of this run: first those recorded in nodeK.pid, then any
# other process in our namespace that is a QEMU of this run (e.g. its pid file was lost).
# Each is checked to be ours (qemu_pid_ours) before it is signalled; SIGTERM, then
# SIGKILL after 5 s.
nodes_stop() {
  local rc=0
  nodes_stop_qemu || rc=$?
  keepers_wait
  return $rc
}

# keepers_wait: up to 3 s for the keepers of this run (node-watch.sh and the console
# copy it runs), which end on their own once their QEMU has, to be gone: `down` returns
# with nothing of the cluster left (seen on a slow machine: a keeper still there).
keepers_wait() {
  local i p cmd busy
  for (( i = 0; i < 30; i++ )); do
    busy=0
    for p in /proc/[0-9]*; do
      cmd=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null ) || continue
      [[ $cmd == *"$RUN/"* || $cmd == *"$RUN "* ]] && [ "${p#/proc/}" != $$ ] && { busy=1; break; }
    done
    [ $busy = 0 ] && return 0
    sleep 0.1
  done
  return 0
}

nodes_stop_qemu() {
  local pids=() f p i left
  for f in "$RUN"/node*.pid; do
    [ -f "$f" ] && pids+=("$(cat "$f")")
  done
  if [ "$MODE" = netns ] && net_exists; then
    mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$NS" 2>/dev/null)
  fi
  local ours=()
  for p in "${pids[@]}"; do
    qemu_pid_ours "$p" && [[ " ${ours[*]} " != *" $p "* ]] && ours+=("$p")
  done
  [ ${#ours[@]} -gt 0 ] || return 0
  kill -TERM "${ours[@]}" 2>/dev/null
  for (( i = 0; i < 50; i++ )); do
    left=()
    for p in "${ours[@]}"; do qemu_pid_ours "$p" && left+=("$p"); done
    [ ${#left[@]} = 0 ] && return 0
    sleep 0.1
  done
  warn "QEMU pids ${left[*]} ignored SIGTERM: SIGKILL"
  kill -KILL "${left[@]}" 2>/dev/null
  for (( i = 0; i < 30; i++ )); do
    left=()
    for p in "${ours[@]}"; do qemu_pid_ours "$p" && left+=("$p"); done
    [ ${#left[@]} = 0 ] && return 0
    sleep 0.1
  done
  warn "QEMU pids ${left[*]} are still there"
  return 1
}
