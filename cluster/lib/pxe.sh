# shellcheck shell=bash
# cluster/lib/pxe.sh - PXE boot (docs/LAB.md): the MAC file, the dnsmasq configuration,
# the TFTP directory with the iPXE boot script, and dnsmasq inside a cluster's namespace.
# Sourced by cluster/vcluster; used by `vcluster pxe-config` and `vcluster up --pxe`.
# Entry points: pxe_read_macs, pxe_conf, pxe_write_tftp, pxe_check_tools, pxe_rom_check,
# pxe_start, pxe_stop.
#
# How a node boots: its PXE ROM (iPXE in QEMU's NIC ROMs; a PC's own PXE ROM first loads
# undionly.kpxe, Debian's iPXE) asks DHCP. dnsmasq answers the MACs of the MAC file only:
# with a fixed address and name (or, in proxy mode, only with the boot file, beside the
# lab's own DHCP server). iPXE then fetches vsys.ipxe over TFTP; the script fetches
# nodes/MAC.ipxe (the node's number, name and extra kernel arguments, by MAC, because a
# proxy-DHCP answer cannot carry per-node options), then the kernel and every module of
# the boot bundle, and boots the kernel with "node=K name=NAME ip=IP/NETMASK [gw=GW]".

PXE_SCRIPT=vsys.ipxe        # the boot script every node fetches
PXE_RA_PREFIX=fd77::        # IPv6 prefix of the router advertisements (--ra), see pxe_conf
PXE_FAIL_MARK='vsys: boot FAILED'   # the script's failure line (nodes_wait looks for it)
PXE_RETRY_S=10              # a node that failed tries again after this many seconds

# ip_int A.B.C.D / int_ip N: dotted quad <-> integer.
ip_int() { local IFS=.; set -- $1; echo $(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )); }
int_ip() { echo "$(( $1 >> 24 & 255 )).$(( $1 >> 16 & 255 )).$(( $1 >> 8 & 255 )).$(( $1 & 255 ))"; }
# is_quad S: is S a dotted quad, each part 0..255?
is_quad() {
  [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
  local i
  for i in 1 2 3 4; do [ "${BASH_REMATCH[i]}" -le 255 ] || return 1; done
}

# pxe_parse_net A.B.C.D/NN: set PXE_NET (network address), PXE_PREFIX and PXE_MASK
# (dotted). Fails (with a message on stderr) on a malformed network.
pxe_parse_net() {
  local a=${1%/*} n=${1#*/} m
  [[ $1 == */* ]] && is_quad "$a" && [[ $n =~ ^[0-9]{1,2}$ ]] && [ "$n" -ge 8 ] &&
    [ "$n" -le 30 ] || { warn "--net $1: give a network as A.B.C.D/NN (NN 8..30)"; return 1; }
  m=$(( (0xffffffff << (32 - n)) & 0xffffffff ))
  PXE_NET=$(int_ip $(( $(ip_int "$a") & m )))
  PXE_PREFIX=$n
  PXE_MASK=$(int_ip "$m")
}

# pxe_in_net IP: is IP a host address of PXE_NET/PXE_PREFIX (not its network or
# broadcast address)?
pxe_in_net() {
  local i net size
  i=$(ip_int "$1"); net=$(ip_int "$PXE_NET"); size=$(( 1 << (32 - PXE_PREFIX) ))
  [ "$i" -gt "$net" ] && [ "$i" -lt $(( net + size - 1 )) ]
}

# pxe_read_macs FILE: read the MAC file. One node a line, node K being the K-th line that
# names a MAC:   MAC [NAME] [IP] [KEY=VALUE ...]
# '#' starts a comment; blank lines are skipped. NAME defaults to vsysK; IP (not in proxy
# mode) to the (10+K)th address of PXE_NET; KEY=VALUE words go on that node's kernel
# command line. Sets PXE_N and PXE_MAC[K], PXE_NAME[K], PXE_IP[K], PXE_ARGS[K]. Every bad
# line is reported as FILE:LINE: why; then it fails. Needs PXE_NET/PXE_PREFIX (normal mode)
# and PXE_PROXY (0 or 1).
pxe_read_macs() {
  local file=$1 line no=0 bad=0 ws w k mac name ip args where
  declare -gA PXE_SEEN=()
  PXE_N=0 PXE_MAC=() PXE_NAME=() PXE_IP=() PXE_ARGS=()
  [ -r "$file" ] && [ ! -d "$file" ] || { warn "MAC file $file: cannot read it"; return 1; }
  while IFS= read -r line || [ -n "$line" ]; do
    no=$(( no + 1 ))
    line=${line%%#*}
    line=${line//$'\r'/}
    read -r -a ws <<<"$line"
    [ ${#ws[@]} -gt 0 ] || continue
    where="$file:$no"
    k=$(( PXE_N + 1 ))
    mac=${ws[0],,}; mac=${mac//-/:}
    if ! [[ $mac =~ ^[0-9a-f]{2}(:[0-9a-f]{2}){5}$ ]]; then
      warn "$where: '${ws[0]}' is not a MAC address (want xx:xx:xx:xx:xx:xx)"; bad=1; continue
    fi
    if [ $(( 16#${mac:1:1} & 1 )) = 1 ] || [ "$mac" = 00:00:00:00:00:00 ]; then
      warn "$where: $mac is a multicast or null MAC, not a NIC's"; bad=1; continue
    fi
    name="" ip="" args=""
    for w in "${ws[@]:1}"; do
      if [[ $w == *=* ]]; then
        if [[ $w =~ ^[a-z][a-z0-9_]*=[^\$\"\'\\]*$ ]]; then args+=" $w"
        else warn "$where: kernel argument '$w': want key=value without \$ quotes or \\"; bad=1; fi
      elif is_quad "$w"; then
        if [ -n "$ip" ]; then warn "$where: two addresses ($ip, $w)"; bad=1
        elif [ "$PXE_PROXY" = 1 ]; then
          warn "$where: address $w: with --proxy the lab's DHCP server gives the addresses"; bad=1
        elif ! pxe_in_net "$w"; then warn "$where: address $w is not a host of $PXE_NET/$PXE_PREFIX"; bad=1
        else ip=$w; fi
      elif [[ $w =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]] && [[ $w =~ [A-Za-z] ]]; then
        if [ -n "$name" ]; then warn "$where: two names ($name, $w)"; bad=1; else name=$w; fi
      else
        warn "$where: '$w' is neither a host name (letters, digits, '-'), an address nor key=value"; bad=1
      fi
    done
    [ -n "$name" ] || name=vsys$k
    if [ -z "$ip" ] && [ "$PXE_PROXY" != 1 ]; then
      ip=$(int_ip $(( $(ip_int "$PXE_NET") + 10 + k )))
      pxe_in_net "$ip" || { warn "$where: node $k has no address: $PXE_NET/$PXE_PREFIX is too small for 10+$k; give one"; bad=1; }
    fi
    for w in "mac $mac" "name ${name,,}" ${ip:+"address $ip"}; do
      if [ -n "${PXE_SEEN[$w]:-}" ]; then
        warn "$where: ${w% *} ${w#* } is already on line ${PXE_SEEN[$w]}"; bad=1
      else
        PXE_SEEN[$w]=$no
      fi
    done
    [ "$k" -le "$MAX_NODES" ] || { warn "$where: more than $MAX_NODES nodes"; bad=1; continue; }
    PXE_N=$k PXE_MAC[k]=$mac PXE_NAME[k]=$name PXE_IP[k]=$ip PXE_ARGS[k]=${args# }
  done <"$file"
  [ "$bad" = 0 ] || return 1
  [ "$PXE_N" -gt 0 ] || { warn "MAC file $file names no node (one line per node: MAC [NAME] [IP] [KEY=VALUE ...])"; return 1; }
}

# pxe_conf: print the dnsmasq configuration. Reads PXE_IF (interface), PXE_PROXY,
# PXE_NET/PXE_MASK, PXE_RA (0/1), PXE_TFTP (the TFTP root), PXE_SERVER (the TFTP server's
# address, or empty: the interface's own), PXE_FROM (what made it) and the nodes.
pxe_conf() {
  local k
  cat <<EOF
# dnsmasq configuration for PXE-booting vsys nodes (docs/LAB.md).
# Made by: $PXE_FROM
# Check it with: dnsmasq --test -C THIS-FILE
# Run it with:   dnsmasq --keep-in-foreground --log-dhcp -C THIS-FILE
port=0
interface=$PXE_IF
bind-interfaces
EOF
  if [ "$PXE_PROXY" = 1 ]; then
    cat <<EOF
# Proxy-DHCP: the network's own DHCP server gives the addresses; this server only adds
# the boot information (a PXE menu of one entry, which PXE ROMs and iPXE boot at once).
dhcp-range=$PXE_NET,proxy,$PXE_MASK
EOF
  else
    cat <<EOF
# DHCP for the MACs below only (a static range: no pool for other machines).
dhcp-range=$PXE_NET,static,$PXE_MASK,12h
# No router (the nodes talk on this segment only): change to option:router,ADDRESS if
# they need one.
dhcp-option=option:router
EOF
  fi
  cat <<EOF
# Answer nobody but the nodes listed here.
dhcp-ignore=tag:!known
# iPXE says so in its user class (and asks for its option 175); a PC's own PXE ROM does not.
dhcp-userclass=set:ipxe,iPXE
dhcp-match=set:ipxe,175
EOF
  if [ "$PXE_PROXY" = 1 ]; then
    cat <<EOF
# A PC's PXE ROM first chainloads iPXE (undionly.kpxe); iPXE then fetches the script.
pxe-service=tag:!ipxe,x86PC,"vsys: load iPXE",undionly.kpxe${PXE_SERVER:+,$PXE_SERVER}
pxe-service=tag:ipxe,x86PC,"vsys",$PXE_SCRIPT${PXE_SERVER:+,$PXE_SERVER}
EOF
  else
    cat <<EOF
# A PC's PXE ROM first chainloads iPXE (undionly.kpxe); iPXE then fetches the script.
dhcp-boot=tag:!ipxe,undionly.kpxe${PXE_SERVER:+,,$PXE_SERVER}
dhcp-boot=tag:ipxe,$PXE_SCRIPT${PXE_SERVER:+,,$PXE_SERVER}
# ipxe.no-pxedhcp: iPXE need not wait for proxy-DHCP offers (saves about 2 s).
dhcp-option=tag:ipxe,encap:175,176,1
EOF
  fi
  if [ "$PXE_RA" = 1 ]; then
    cat <<EOF
# IPv6 router advertisements, router lifetime 0 (no default route): iPXE stops waiting
# for IPv6 autoconfiguration at once, about 15 s sooner. Needs an address in
# $PXE_RA_PREFIX/64 on $PXE_IF (ip addr add ${PXE_RA_PREFIX}1/64 dev $PXE_IF).
enable-ra
dhcp-range=$PXE_RA_PREFIX,ra-only,64
ra-param=$PXE_IF,0,0
EOF
  fi
  cat <<EOF
enable-tftp
tftp-root=$PXE_TFTP
# The nodes, node K on the K-th line. Each has its file nodes/MAC-WITH-HYPHENS.ipxe
# (node number, name, kernel arguments) in the TFTP root.
EOF
  for (( k = 1; k <= PXE_N; k++ )); do
    if [ "$PXE_PROXY" = 1 ]; then
      echo "dhcp-host=${PXE_MAC[k]},set:vsys"
    else
      echo "dhcp-host=${PXE_MAC[k]},${PXE_IP[k]},${PXE_NAME[k]}"
    fi
  done
}

# pxe_mods: the boot bundle's files, one a line, the program manager first.
pxe_mods() { bash "$ROOT/tools/bundle.sh" "$BUILDABS" | tr ',' '\n'; }

# pxe_script MODS...: print vsys.ipxe, which loads the kernel and the modules MODS (file
# names in the TFTP root). Reads PXE_APPEND (kernel arguments for every node).
pxe_script() {
  local m
  cat <<EOF
#!ipxe
# vsys.ipxe - boot a vsys node (made by vcluster pxe-config; docs/LAB.md). Every node
# fetches this script; it fetches the node's own file by MAC (node number, name and
# extra kernel arguments), then the kernel and the boot bundle, and boots the kernel
# with the address DHCP gave. A failure is said on the console; the node tries again.
:start
echo vsys: \${net0/mac} has \${net0/ip}/\${net0/netmask} (DHCP host name \${hostname})
chain --autofree nodes/\${net0/mac:hexhyp}.ipxe || goto nonode
isset \${net0/gateway} && set vsys-gw gw=\${net0/gateway} || clear vsys-gw
echo vsys: node \${vsys-node} (\${vsys-name}): loading the kernel and the boot bundle
kernel kernel.elf node=\${vsys-node} name=\${vsys-name} ip=\${net0/ip}/\${net0/netmask} \${vsys-gw}${PXE_APPEND:+ $PXE_APPEND} \${vsys-args} || goto nokernel
EOF
  for m in "$@"; do
    echo "set vsys-file $m"
    echo "initrd $m || goto nofile"
  done
  # SeaBIOS, which carries iPXE's text to the serial port (graphics=off), holds the
  # last few characters back until something polls the keyboard; the kernel's start
  # would lose them. sync polls, so the console line ends before the kernel's.
  cat <<EOF
echo vsys: starting the kernel
sync || echo
boot || goto noboot
:nonode
echo $PXE_FAIL_MARK: no node file nodes/\${net0/mac:hexhyp}.ipxe on \${next-server} (is \${net0/mac} in the MAC file?)
goto retry
:nokernel
echo $PXE_FAIL_MARK: cannot fetch kernel.elf from \${next-server}
goto retry
:nofile
echo $PXE_FAIL_MARK: cannot fetch \${vsys-file} (boot bundle) from \${next-server}
goto retry
:noboot
echo $PXE_FAIL_MARK: iPXE cannot boot kernel.elf (not an i386 Multiboot ELF?)
:retry
imgfree
prompt --timeout ${PXE_RETRY_S}000 vsys: trying again in $PXE_RETRY_S s, or press a key for the iPXE shell && shell || echo
goto start
EOF
}

# pxe_node_file K: print node K's file (nodes/MAC.ipxe).
pxe_node_file() {
  local k=$1
  echo "#!ipxe"
  echo "# node $k, MAC ${PXE_MAC[k]} (made by vcluster pxe-config)"
  echo "set vsys-node $k"
  echo "set vsys-name ${PXE_NAME[k]}"
  if [ -n "${PXE_ARGS[k]}" ]; then echo "set vsys-args ${PXE_ARGS[k]}"; else echo "clear vsys-args"; fi
}

# pxe_write_tftp DIR: fill the TFTP root DIR: vsys.ipxe, nodes/MAC.ipxe per node, the
# kernel (PXE_KERNEL) as kernel.elf, the boot bundle and undionly.kpxe (PXE_UNDI, if
# set). Fails, having said why, if a file is missing or cannot be written.
pxe_write_tftp() {
  local dir=$1 k f mods=() base
  mkdir -p "$dir/nodes" || { warn "cannot create $dir/nodes"; return 1; }
  rm -f "$dir"/nodes/*.ipxe
  cp "$PXE_KERNEL" "$dir/kernel.elf" || { warn "cannot copy the kernel $PXE_KERNEL to $dir"; return 1; }
  while IFS= read -r f; do
    base=$(basename "$f")
    cp "$f" "$dir/$base" || { warn "cannot copy $f to $dir"; return 1; }
    mods+=("$base")
  done < <(pxe_mods)
  [ ${#mods[@]} -gt 0 ] || { warn "the boot bundle is empty: run 'make'"; return 1; }
  if [ -n "${PXE_UNDI:-}" ]; then
    cp "$PXE_UNDI" "$dir/undionly.kpxe" || { warn "cannot copy $PXE_UNDI to $dir"; return 1; }
  fi
  pxe_script "${mods[@]}" >"$dir/$PXE_SCRIPT" || return 1
  for (( k = 1; k <= PXE_N; k++ )); do
    pxe_node_file "$k" >"$dir/nodes/${PXE_MAC[k]//:/-}.ipxe" || return 1
  done
  chmod -R a+rX "$dir" 2>/dev/null || true   # dnsmasq's TFTP runs as its own user
}

# pxe_check_tools: dnsmasq must be installed.
pxe_check_tools() {
  command -v dnsmasq >/dev/null ||
    die "dnsmasq is not installed: 'make deps' installs it (Debian package dnsmasq)"
}

# pxe_undi: the path of Debian's undionly.kpxe (package ipxe), or nothing.
pxe_undi() {
  local f
  for f in /usr/lib/ipxe/undionly.kpxe /usr/share/ipxe/undionly.kpxe; do
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}

# pxe_rom_check NIC: QEMU's iPXE ROM for the NIC model must be there (package ipxe-qemu).
pxe_rom_check() {
  local rom d
  case "$1" in e1000) rom=efi-e1000.rom ;; virtio) rom=efi-virtio.rom ;; esac
  for d in /usr/share/qemu /usr/lib/ipxe/qemu; do
    [ -f "$d/$rom" ] && return 0
  done
  die "QEMU's iPXE ROM $rom for --nic $1 is missing (Debian package ipxe-qemu: 'make deps')"
}

# pxe_pid_ours PID: is PID a dnsmasq of this run (its command line names our run dir)?
pxe_pid_ours() {
  local cmd
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  cmd=$( { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null ) || return 1
  [[ ${cmd%% *} == *dnsmasq ]] && [[ $cmd == *"$RUN/pxe/"* ]]
}

# pxe_start: make $RUN/pxe (MAC file, dnsmasq.conf, tftp/) for nodes 1..N of the open
# cluster and start dnsmasq inside its namespace on the bridge, with IPv6 router
# advertisements (the bridge gets $PXE_RA_PREFIX""1/64). Fails, having said why.
pxe_start() {
  local d=$RUN/pxe k i
  rm -rf "$d"; mkdir -p "$d" || { warn "cannot create $d"; return 1; }
  for (( k = 1; k <= N; k++ )); do
    echo "$(node_mac "$k") vsys$k $(node_ip "$k")"
  done >"$d/macs"
  PXE_PROXY=0 PXE_RA=1 PXE_IF=$BR PXE_SERVER="" PXE_TFTP=$d/tftp PXE_KERNEL=$KERNEL PXE_UNDI=""
  PXE_APPEND="${INIT:+init=$INIT}${INIT:+${APPEND:+ }}$APPEND"
  PXE_FROM="vcluster up --pxe (cluster $NAME)"
  pxe_parse_net "$NET_PREFIX.0/24" && pxe_read_macs "$d/macs" || return 1
  pxe_conf >"$d/dnsmasq.conf" && pxe_write_tftp "$d/tftp" || return 1
  dnsmasq --test -C "$d/dnsmasq.conf" >"$d/test.out" 2>&1 ||
    { warn "dnsmasq rejects $d/dnsmasq.conf: $(tail -1 "$d/test.out")"; return 1; }
  rm -f "$d/test.out"
  ip netns exec "$NS" sysctl -q -w "net.ipv6.conf.$BR.disable_ipv6=0" \
    "net.ipv6.conf.$BR.accept_ra=0" >/dev/null 2>&1 &&
    ip -n "$NS" addr add "${PXE_RA_PREFIX}1/64" dev "$BR" nodad ||
    warn "no IPv6 on $BR: iPXE will wait about 13 s more for IPv6 autoconfiguration"
  # fd 9 is the cluster's lock: dnsmasq must not hold it.
  setsid ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file="$d/dnsmasq.conf" \
    --user=root --pid-file="$d/dnsmasq.pid" --log-facility="$d/dnsmasq.log" --log-dhcp \
    --dhcp-leasefile="$d/leases" </dev/null >"$d/dnsmasq.out" 2>&1 9>&- &
  echo $! >"$d/dnsmasq.keeper"
  for (( i = 0; i < 50; i++ )); do
    grep -q 'TFTP root is' "$d/dnsmasq.log" 2>/dev/null && return 0
    pxe_pid_ours "$(cat "$d/dnsmasq.keeper")" || break
    sleep 0.1
  done
  warn "dnsmasq did not start in $NS: $(tail -2 "$d/dnsmasq.out" "$d/dnsmasq.log" 2>/dev/null | grep -v '^==' | tr '\n' ' ')"
  return 1
}

# pxe_stop: end the cluster's dnsmasq (by its recorded pid, and any dnsmasq of this run
# still inside the namespace); SIGTERM, then SIGKILL after 3 s. Quiet when there is none.
pxe_stop() {
  local pids=() p i left=()
  for p in "$(cat "$RUN/pxe/dnsmasq.keeper" 2>/dev/null)" "$(cat "$RUN/pxe/dnsmasq.pid" 2>/dev/null)"; do
    pxe_pid_ours "$p" && pids+=("$p")
  done
  if [ "$MODE" = netns ] && net_exists; then
    for p in $(ip netns pids "$NS" 2>/dev/null); do
      pxe_pid_ours "$p" && [[ " ${pids[*]} " != *" $p "* ]] && pids+=("$p")
    done
  fi
  rm -f "$RUN/pxe/dnsmasq.keeper" "$RUN/pxe/dnsmasq.pid"
  [ ${#pids[@]} -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null
  for (( i = 0; i < 30; i++ )); do
    left=()
    for p in "${pids[@]}"; do pxe_pid_ours "$p" && left+=("$p"); done
    [ ${#left[@]} = 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "${left[@]}" 2>/dev/null
  sleep 0.2
  for p in "${left[@]}"; do pxe_pid_ours "$p" && { warn "dnsmasq pid $p is still there"; return 1; }; done
  return 0
}
