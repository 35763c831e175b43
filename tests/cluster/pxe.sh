#!/usr/bin/env bash
# tests/cluster/pxe.sh - PXE boot (docs/LAB.md): `vcluster pxe-config` and `vcluster up
# --pxe`, end to end. Five groups of checks:
#   config  pxe-config's output for a good MAC file (parsed line by line, and accepted by
#           `dnsmasq --test`), in normal and proxy mode, its TFTP directory (--out), and
#           the errors for bad MAC files (each bad line named FILE:LINE) and bad usage;
#           a missing dnsmasq is a clear error (runs without root too)
#   e1000   `up --pxe -n 3`: each node's console shows the address and name dnsmasq gave
#           it (iPXE's line, the kernel's command line, the kernel's `net: ... up`),
#           dnsmasq's log acknowledges each MAC, vctl from the host reads node 2's
#           command line and process list, node 1's shell reaches nodes 2 and 3; down
#           leaves nothing (namespace, QEMU, dnsmasq, state)
#   virtio  `up --pxe --nic virtio -n 3 --init ctest` (the init= of ipc-cluster.sh): the
#           cross-node IPC tests of tests/cluster/ipc-cluster.sh (servers/ctest) pass on
#           a PXE-booted cluster
#   missing a node whose kernel.elf is gone from the TFTP directory says so on its
#           console, and `up` fails at once with that line and leaves nothing
#   proxy   the lab recipe: proxy-DHCP (pxe-config --proxy) beside another DHCP server
#           in a namespace of its own: a node in the MAC file boots with the other
#           server's address and its own node file's name; a node not in it is not
#           booted; and a node made to chainload undionly.kpxe first (as a PC's own PXE
#           ROM would: UNDI over its NIC ROM's PXE stack) boots the same way
# Prints PASS/FAIL lines and, last, `pxe: N passed, M failed`. Every wait is bounded;
# clusters are named pxe1..pxe3 (namespaces vsys-pxe1...), the proxy test's namespace
# vsyspxe<pid>; everything is removed on exit, also on failure. As root; not as root
# only the config group runs.
#   usage: tests/cluster/pxe.sh [BUILD_DIR]
#   env: PXE_GROUPS (default "e1000 virtio missing proxy": the cluster groups to run)
set -u
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build}
export BUILD=$build
VC=cluster/vcluster
RUNROOT=${VCLUSTER_RUNDIR:-$(pwd)/$build/cluster}
OUT=$build/test/pxe
QEMU=${QEMU:-qemu-system-i386}
NAMES=(pxe1 pxe2 pxe3)
passed=0 failed=0 pids=() ns=vsyspxe$$

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+ ($2)}"; failed=$((failed + 1)); }
# check NAME COMMAND...: one check, passed when COMMAND succeeds.
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n"; fi; }
summary() { echo "pxe: $passed passed, $failed failed"; }
# clog NAME K: node K's console log of cluster NAME, without CRs.
clog() { tr -d '\r' <"$RUNROOT/$1/node$2.log" 2>/dev/null; }

. tests/lib/netns.sh
cleanup() {
  local n
  for n in "${NAMES[@]}"; do timeout 60 "$VC" down --name "$n" >/dev/null 2>&1; done
  netns_kill "${pids[@]}"
  netns_down "$ns" 3
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$OUT"; mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# ---- config: pxe-config ----------------------------------------------------------

cat >"$OUT/macs" <<'EOF'
# a good MAC file: comments, blank lines, hyphens and capitals, names, addresses, args

52:54:00:aa:00:01
52-54-00-AA-00-02  pc-two   10.77.0.40     # an explicit name and address
52:54:00:aa:00:03  init=hello
52:54:00:aa:00:04  10.77.0.200 pc-four
EOF
want_hosts="dhcp-host=52:54:00:aa:00:01,10.77.0.11,vsys1
dhcp-host=52:54:00:aa:00:02,10.77.0.40,pc-two
dhcp-host=52:54:00:aa:00:03,10.77.0.13,vsys3
dhcp-host=52:54:00:aa:00:04,10.77.0.200,pc-four"

# conf_ok FILE: every line is a comment or a dnsmasq option we mean to write (KEY or
# KEY=VALUE), and dnsmasq --test accepts the file.
conf_ok() {
  local bad
  bad=$(grep -vE '^#|^(port|interface|dhcp-range|dhcp-option|dhcp-ignore|dhcp-userclass|dhcp-match|dhcp-boot|pxe-service|ra-param|tftp-root|dhcp-host)=[^ ]|^(bind-interfaces|enable-ra|enable-tftp)$' "$1")
  [ -z "$bad" ] || { echo "  unexpected lines in $1:"; sed 's/^/  | /' <<<"$bad"; return 1; }
  dnsmasq --test -C "$1" >"$1.test" 2>&1 || { sed 's/^/  | /' "$1.test"; return 1; }
}
# has FILE LINE...: FILE has each LINE, whole.
has() { local f=$1 l; shift; for l; do grep -qxF -- "$l" "$f" || { echo "  no line '$l' in $f"; return 1; }; done; }

config_checks() {
  local rc c=$OUT/normal.conf p=$OUT/proxy.conf d=$OUT/lab k
  check config_help bash -c "'$VC' pxe-config --help | grep -q -- '--macs FILE'"
  "$VC" pxe-config --macs "$OUT/macs" --interface br9 >"$c" 2>"$OUT/normal.err"; rc=$?
  check config_normal_exit0 [ "$rc" = 0 ]
  check config_normal_valid conf_ok "$c"
  check config_normal_hosts [ "$(grep '^dhcp-host=' "$c")" = "$want_hosts" ]
  check config_normal_lines has "$c" interface=br9 bind-interfaces port=0 \
    dhcp-range=10.77.0.0,static,255.255.255.0,12h 'dhcp-ignore=tag:!known' \
    'dhcp-boot=tag:!ipxe,undionly.kpxe' dhcp-boot=tag:ipxe,vsys.ipxe \
    dhcp-option=tag:ipxe,encap:175,176,1 enable-ra ra-param=br9,0,0 enable-tftp \
    tftp-root=/srv/vsys/tftp

  "$VC" pxe-config --macs <(grep -v 10.77 "$OUT/macs") --proxy --interface br9 \
    --net 192.168.5.0/24 >"$p" 2>"$OUT/proxy.err"; rc=$?
  check config_proxy_exit0 [ "$rc" = 0 ]
  check config_proxy_valid conf_ok "$p"
  check config_proxy_lines has "$p" dhcp-range=192.168.5.0,proxy,255.255.255.0 \
    'pxe-service=tag:!ipxe,x86PC,"vsys: load iPXE",undionly.kpxe' \
    'pxe-service=tag:ipxe,x86PC,"vsys",vsys.ipxe' dhcp-host=52:54:00:aa:00:01,set:vsys
  check config_proxy_no_dhcp_boot_ra [ -z "$(grep -E '^(dhcp-boot|enable-ra|dhcp-option)' "$p")" ]
  "$VC" pxe-config --macs "$OUT/macs" --server 10.77.0.5 --no-ra >"$OUT/server.conf" 2>/dev/null
  check config_server_and_no_ra eval 'conf_ok "$OUT/server.conf" &&
    has "$OUT/server.conf" dhcp-boot=tag:ipxe,vsys.ipxe,,10.77.0.5 && ! grep -q "^enable-ra" "$OUT/server.conf"'

  "$VC" pxe-config --macs "$OUT/macs" --out "$d" >"$OUT/out.out" 2>&1; rc=$?
  check config_out_exit0 [ "$rc" = 0 ]
  check config_out_valid conf_ok "$d/dnsmasq.conf"
  check config_out_tftp_root has "$d/dnsmasq.conf" "tftp-root=$d/tftp"
  check config_out_kernel cmp -s "$build/kernel.elf" "$d/tftp/kernel.elf"
  check config_out_undionly [ -s "$d/tftp/undionly.kpxe" ]
  # The script loads every module of the bundle, the program manager first.
  local want got
  want=$(bash tools/bundle.sh "$build" | tr ',' '\n' | xargs -n1 basename | tr '\n' ' ')
  got=$(sed -n 's/^initrd \([^ ]*\) .*/\1/p' "$d/tftp/vsys.ipxe" | tr '\n' ' ')
  check config_out_script_modules eval '[ -n "$got" ] && [ "$got" = "$want" ] && [[ $got == pm.elf* ]]'
  for k in $want; do [ -f "$d/tftp/$k" ] || { fail "config_out_module_$k"; }; done
  check config_out_node_files [ "$(ls "$d/tftp/nodes" | tr '\n' ' ')" = \
    "52-54-00-aa-00-01.ipxe 52-54-00-aa-00-02.ipxe 52-54-00-aa-00-03.ipxe 52-54-00-aa-00-04.ipxe " ]
  check config_out_node2 has "$d/tftp/nodes/52-54-00-aa-00-02.ipxe" 'set vsys-node 2' 'set vsys-name pc-two' 'clear vsys-args'
  check config_out_node3_args has "$d/tftp/nodes/52-54-00-aa-00-03.ipxe" 'set vsys-node 3' 'set vsys-args init=hello'

  # Bad lines: each is named by its line number, good lines are not; nothing on stdout.
  cat >"$OUT/bad" <<'EOF'
52:54:00:aa:00:01
52:54:00:aa:00:1
01:00:5e:00:00:01
52:54:00:AA:00:01 again
52:54:00:aa:00:05 vsys1
52:54:00:aa:00:06 10.78.0.5
52:54:00:aa:00:07 na_me
52:54:00:aa:00:08 one two
52:54:00:aa:00:09 10.77.0.11
52:54:00:aa:00:0a init=$x
52:54:00:aa:00:0b fine
EOF
  "$VC" pxe-config --macs "$OUT/bad" >"$OUT/bad.out" 2>"$OUT/bad.err"; rc=$?
  check config_bad_exit1 [ "$rc" = 1 ]
  check config_bad_no_output [ ! -s "$OUT/bad.out" ]
  local n missing="" extra=""
  for n in 2 3 4 5 6 7 8 9 10; do grep -q "bad:$n: " "$OUT/bad.err" || missing+=" $n"; done
  for n in 1 11; do grep -q "bad:$n: " "$OUT/bad.err" && extra+=" $n"; done
  check config_bad_lines_named [ -z "$missing$extra" ]
  [ -z "$missing$extra" ] || { echo "  not named:$missing; named wrongly:$extra"; sed 's/^/  | /' "$OUT/bad.err"; }
  check config_bad_duplicate_says_where grep -q 'bad:4: mac 52:54:00:aa:00:01 is already on line 1' "$OUT/bad.err"

  : >"$OUT/empty"
  "$VC" pxe-config --macs "$OUT/empty" >/dev/null 2>"$OUT/empty.err"; rc=$?
  check config_empty_is_error eval '[ "$rc" = 1 ] && grep -q "names no node" "$OUT/empty.err"'
  "$VC" pxe-config --macs "$OUT/nonesuch" >/dev/null 2>&1; rc=$?
  check config_no_file_is_error [ "$rc" = 1 ]
  "$VC" pxe-config >/dev/null 2>&1; rc=$?
  check config_no_macs_is_usage [ "$rc" = 2 ]
  "$VC" pxe-config --macs "$OUT/macs" --net 10.77.0.0/33 >/dev/null 2>&1; rc=$?
  check config_bad_net_is_usage [ "$rc" = 2 ]
  "$VC" pxe-config --macs "$OUT/macs" --proxy >/dev/null 2>"$OUT/proxyip.err"; rc=$?
  check config_proxy_refuses_addresses eval '[ "$rc" = 1 ] && grep -q "macs:4: address 10.77.0.40: with --proxy" "$OUT/proxyip.err"'
  # Without dnsmasq on PATH, `up --pxe` says so before it makes anything. (Debian puts
  # dnsmasq in /usr/sbin, so a PATH of /usr/bin:/bin lacks it.)
  if PATH=/usr/bin:/bin command -v dnsmasq >/dev/null; then
    echo "  (dnsmasq is in /usr/bin or /bin here: the missing-dnsmasq check is skipped)"
  else
    env PATH=/usr/bin:/bin "$VC" up --pxe -n 1 --name pxe3 >"$OUT/nodnsmasq.out" 2>&1; rc=$?
    check config_up_without_dnsmasq eval '[ "$rc" = 1 ] && grep -q "dnsmasq is not installed" "$OUT/nodnsmasq.out" &&
      ! ip netns list 2>/dev/null | grep -qw vsys-pxe3'
  fi
}

# ---- e1000: up --pxe, addresses, names, IPC across the nodes ------------------------

. tests/lib/leftovers.sh
# nothing_left NAME: succeeds when nothing of cluster NAME is left, else shows what is.
nothing_left() {
  local left; left=$(leftovers "$1")
  [ -z "$left" ] || { sed 's/^/  | /' <<<"$left"; return 1; }
}

# node_got K MAC NIC: node K's console shows the address and name dnsmasq gave it.
node_got() {
  local k=$1 mac=$2 nic=$3 ip=10.77.0.$((10 + $1)) log
  log=$(clog pxe1 "$k")
  grep -qF "vsys: $mac has $ip/255.255.255.0 (DHCP host name vsys$k)" <<<"$log" &&
    grep -qE "^vsys kernel: node $k, .*cmdline 'tftp://10\.77\.0\.1/kernel\.elf node=$k name=vsys$k ip=$ip/255\.255\.255\.0 " <<<"$log" &&
    grep -qE "^net: $nic $mac $ip/24 up \(static" <<<"$log" ||
    { echo "  node $k's console:"; grep -aE '^(vsys|net|kernel)' <<<"$log" | head -8 | sed 's/^/  | /'; return 1; }
}

e1000_checks() {
  local rc k mac acks
  timeout -k 5 150 "$VC" up --pxe -n 3 --name pxe1 --wait 120 >"$OUT/pxe1-up.out" 2>&1; rc=$?
  check e1000_up [ "$rc" = 0 ]
  [ "$rc" = 0 ] || { tail -25 "$OUT/pxe1-up.out" | sed 's/^/  | /'; return; }
  grep 'all 3 nodes up' "$OUT/pxe1-up.out" | sed 's/^/  /'
  for k in 1 2 3; do
    mac=$(sed -n "${k}p" "$RUNROOT/pxe1/pxe/macs" | cut -d' ' -f1)
    check "e1000_node${k}_address_and_name" node_got "$k" "$mac" e1000
    grep -qE "DHCPACK\(vbr-pxe1\) 10\.77\.0\.$((10 + k)) $mac vsys$k\$" "$RUNROOT/pxe1/pxe/dnsmasq.log" &&
      acks=$(( ${acks:-0} + 1 ))
  done
  check e1000_dnsmasq_acked_each_mac [ "${acks:-0}" = 3 ]
  "$VC" exec --name pxe1 vctl info @2 >"$OUT/pxe1-info.out" 2>&1
  check e1000_vctl_info_name grep -qE 'cmdline: .*node=2 name=vsys2 ip=10\.77\.0\.12/255\.255\.255\.0' "$OUT/pxe1-info.out"
  "$VC" exec --name pxe1 vctl ps @2 >"$OUT/pxe1-ps.out" 2>&1
  check e1000_vctl_ps grep -qE '^0x01000[0-9a-f]{3} .* shell$' "$OUT/pxe1-ps.out"
  printf 'ps @2\nsend 0x01800001 0x102\n' | timeout 40 "$VC" console 1 --name pxe1 --quiet 2 >"$OUT/pxe1-con.out" 2>&1
  check e1000_shell_ps_node2 grep -qE '^0x01000101 .* pm' "$OUT/pxe1-con.out"
  check e1000_shell_send_node3 grep -q 'reply 0 (ok) from 0x01800001' "$OUT/pxe1-con.out"
  timeout 60 "$VC" down --name pxe1 >"$OUT/pxe1-down.out" 2>&1; rc=$?
  check e1000_down [ "$rc" = 0 ]
  check e1000_nothing_left nothing_left pxe1
}

# ---- virtio: the cross-node IPC tests on a PXE-booted cluster ----------------------

virtio_checks() {
  local rc i log init
  # The programs each node runs for the IPC tests: the same as ipc-cluster.sh's.
  init=$(sed -n 's/.*-append "[^"]*init=\([^ "]*\).*/\1/p' tests/cluster/ipc-cluster.sh | head -1)
  echo "  init=${init:=ctest} startlimit=3, as in tests/cluster/ipc-cluster.sh"
  timeout -k 5 150 "$VC" up --pxe --nic virtio -n 3 --name pxe2 --init "$init" --ready boot \
    --append startlimit=3 \
    --wait 120 >"$OUT/pxe2-up.out" 2>&1; rc=$?
  check virtio_up [ "$rc" = 0 ]
  [ "$rc" = 0 ] || { tail -25 "$OUT/pxe2-up.out" | sed 's/^/  | /'; return; }
  grep 'all 3 nodes up' "$OUT/pxe2-up.out" | sed 's/^/  /'
  # Node 1 runs the client and halts with the verdict (QEMU exit 33 when all passed).
  for (( i = 0; i < 600; i++ )); do [ -s "$RUNROOT/pxe2/node1.rc" ] && break; sleep 0.2; done
  rc=$(cat "$RUNROOT/pxe2/node1.rc" 2>/dev/null)
  log=$(clog pxe2 1)
  grep -aE '^(PASS|FAIL) ' <<<"$log" | sed 's/^/  ctest /'
  check virtio_booted_by_pxe grep -qE "^vsys kernel: node 1, .*cmdline 'tftp://10\.77\.0\.1/kernel\.elf node=1 name=vsys1 ip=10\.77\.0\.11/255\.255\.255\.0 +init=$init" <<<"$log"
  if [ "$rc" = 33 ] && grep -qE '^ctest: [0-9]+ passed, 0 failed' <<<"$log"; then
    pass virtio_ctest_across_3_pxe_nodes
    grep -E '^ctest: ' <<<"$log" | sed 's/^/  /'
  else
    fail virtio_ctest_across_3_pxe_nodes "node 1 QEMU exit ${rc:-none}"
    tail -8 <<<"$log" | sed 's/^/  | /'
  fi
  timeout 60 "$VC" down --name pxe2 >/dev/null 2>&1
  check virtio_nothing_left nothing_left pxe2
}

# ---- missing: a node that cannot fetch its kernel says so, and up fails at once ----

missing_checks() {
  local up_pid rc i t0 secs
  timeout 60 "$VC" down --name pxe3 >/dev/null 2>&1
  rm -rf "$RUNROOT/pxe3/pxe"
  t0=$SECONDS
  timeout -k 5 100 "$VC" up --pxe -n 1 --name pxe3 --wait 90 >"$OUT/pxe3-up.out" 2>&1 &
  up_pid=$!
  # dnsmasq runs once the TFTP directory is filled; the node's iPXE needs 2 s more
  # (its banner) before it asks for anything.
  for (( i = 0; i < 300; i++ )); do
    grep -qs 'TFTP root is' "$RUNROOT/pxe3/pxe/dnsmasq.log" && break
    sleep 0.05
  done
  rm -f "$RUNROOT/pxe3/pxe/tftp/kernel.elf"
  wait "$up_pid"; rc=$?
  secs=$(( SECONDS - t0 ))
  check missing_up_fails [ "$rc" = 1 ]
  check missing_console_says_so grep -q '^vsys: boot FAILED: cannot fetch kernel.elf from 10.77.0.1' <(clog pxe3 1)
  check missing_up_names_it grep -q 'node 1 cannot boot from the network: vsys: boot FAILED: cannot fetch kernel.elf' "$OUT/pxe3-up.out"
  check missing_fails_fast [ "$secs" -le 45 ]
  echo "  up failed after $secs s:"; grep -E 'FAILED|No such file' "$OUT/pxe3-up.out" | head -3 | sed 's/^/  | /'
  check missing_nothing_left nothing_left pxe3
}

# ---- proxy: the lab recipe, beside another DHCP server ------------------------------

proxy_checks() {
  local d=$OUT/proxy k i lease a b
  local mac_a=52:54:00:77:fe:01 mac_b=52:54:00:77:fe:02 mac_c=52:54:00:77:fe:03 c
  printf '%s labpc1\n%s labpc2\n' "$mac_a" "$mac_c" >"$OUT/proxy-macs"
  if ! "$VC" pxe-config --macs "$OUT/proxy-macs" --proxy --ra --interface br0 --out "$d" >"$OUT/proxy-config.out" 2>&1; then
    fail proxy_config "$(tail -1 "$OUT/proxy-config.out")"; return
  fi
  # Node C's NIC ROM (iPXE) is made to load undionly.kpxe first, as a PC's PXE ROM is
  # told to by the configuration; undionly's iPXE then runs the script as usual.
  sed -i "2i iseq \${net0/mac} $mac_c || goto vsys_main\niseq \${net0/chip} undionly || chain undionly.kpxe\n:vsys_main" "$d/tftp/vsys.ipxe"
  netns_up "$ns" 3 2>"$OUT/proxy-netns.err" || { fail proxy_setup "$(head -1 "$OUT/proxy-netns.err")"; return; }
  ip netns exec "$ns" sysctl -q -w net.ipv6.conf.br0.disable_ipv6=0 >/dev/null 2>&1
  ip -n "$ns" addr add fd77::1/64 dev br0 nodad
  # The lab's own DHCP server: addresses from a pool, and no boot information.
  ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root \
    --interface=br0 --bind-interfaces --dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,10m \
    --dhcp-leasefile="$OUT/lab.leases" --log-facility="$OUT/lab-dhcp.log" --log-dhcp \
    </dev/null >"$OUT/lab-dhcp.out" 2>&1 &
  pids+=($!)
  # Ours, as docs/LAB.md runs it.
  ip netns exec "$ns" dnsmasq --keep-in-foreground --user=root -C "$d/dnsmasq.conf" \
    --log-dhcp --log-facility="$OUT/proxy-dnsmasq.log" --dhcp-leasefile="$OUT/proxy.leases" \
    </dev/null >"$OUT/proxy-dnsmasq.out" 2>&1 &
  pids+=($!)
  sleep 0.5
  for k in 1 2 3; do
    case $k in 1) a=virtio-net-pci,mac=$mac_a ;; 2) a=virtio-net-pci,mac=$mac_b ;; 3) a=e1000,mac=$mac_c ;; esac
    ip netns exec "$ns" "$QEMU" -accel tcg -m 64 -nodefaults -display none -no-reboot \
      -machine graphics=off -boot n -serial "file:$OUT/proxy-node$k.log" \
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
      -netdev "tap,id=n0,ifname=tap$k,script=no,downscript=no" \
      -device "${a%%,*},netdev=n0,${a#*,}" </dev/null >"$OUT/proxy-node$k.qemu" 2>&1 &
    pids+=($!)
  done
  a="" b="" c=""
  for (( i = 0; i < 450; i++ )); do
    grep -qa '^net: virtio-net .* up (' "$OUT/proxy-node1.log" 2>/dev/null && a=1
    grep -qaE 'No more network devices|No bootable device' "$OUT/proxy-node2.log" 2>/dev/null && b=1
    grep -qa '^net: e1000 .* up (' "$OUT/proxy-node3.log" 2>/dev/null && c=1
    [ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && break
    sleep 0.2
  done
  lease=$(sed -nE "s/.*DHCPACK\(br0\) ([0-9.]+) $mac_a.*/\1/p" "$OUT/lab-dhcp.log" | tail -1)
  check proxy_lab_server_gave_address [ -n "$lease" ]
  echo "  the lab's DHCP server gave $mac_a ${lease:-nothing}; the three nodes settled after $((i / 5)) s"
  check proxy_node_booted grep -qaE "^vsys kernel: node 1, .*cmdline 'tftp://10\.77\.0\.1/kernel\.elf node=1 name=labpc1 ip=${lease//./\\.}/255\.255\.255\.0 gw=10\.77\.0\.1 " <(tr -d '\r' <"$OUT/proxy-node1.log")
  check proxy_node_up grep -qaE "^net: virtio-net $mac_a ${lease//./\\.}/24 up \(static" <(tr -d '\r' <"$OUT/proxy-node1.log")
  check proxy_unknown_mac_not_booted eval '[ -n "$b" ] && ! grep -qa "vsys kernel" "$OUT/proxy-node2.log"'
  lease=$(sed -nE "s/.*DHCPACK\(br0\) ([0-9.]+) $mac_c.*/\1/p" "$OUT/lab-dhcp.log" | tail -1)
  check proxy_undionly_chainloaded grep -qa 'undionly.kpxe\.\.\. ok' "$OUT/proxy-node3.log"
  check proxy_undionly_node_booted grep -qaE "^vsys kernel: node 2, .*cmdline 'tftp://10\.77\.0\.1/kernel\.elf node=2 name=labpc2 ip=${lease:-none}/255\.255\.255\.0 " <(tr -d '\r' <"$OUT/proxy-node3.log")
  check proxy_undionly_node_up grep -qaE "^net: e1000 $mac_c ${lease:-none}/24 up" <(tr -d '\r' <"$OUT/proxy-node3.log")
  for k in 1 3; do
    [ -n "$a" ] && [ "$k" = 1 ] && continue
    [ -n "$c" ] && [ "$k" = 3 ] && continue
    tr -d '\r' <"$OUT/proxy-node$k.log" | grep -av '^ *$' | tail -8 | sed 's/^/  | /'
  done
}

for f in "$build/kernel.elf" "$build/user/pm.elf"; do
  [ -f "$f" ] || { fail build "no $f: run make first"; summary; exit 1; }
done
SECONDS=0
config_checks
if [ "$(id -u)" != 0 ]; then
  echo "pxe: the clusters are skipped: they need root (namespaces, taps, dnsmasq)"
else
  for g in ${PXE_GROUPS:-e1000 virtio missing proxy}; do
    if declare -F "${g}_checks" >/dev/null; then "${g}_checks"; else fail "group_$g" "no such group"; fi
  done
fi
echo "pxe (${SECONDS}s): logs in $OUT and $RUNROOT/pxe1..pxe3"
summary
[ "$failed" -eq 0 ]
