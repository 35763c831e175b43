# shellcheck shell=bash
# cluster/lib/cmd-pxe.sh - `vcluster pxe-config`: the dnsmasq configuration and the TFTP
# directory that PXE-boot vsys nodes, for a lab (docs/LAB.md). Sourced by cluster/vcluster;
# the work is done by cluster/lib/pxe.sh, which `up --pxe` uses too.

# vcluster pxe-config --macs FILE [options]
#   Make what one dnsmasq server needs to PXE-boot vsys nodes (lab PCs, or QEMU nodes):
#   its configuration, and with --out the TFTP directory too. docs/LAB.md tells the rest.
#   FILE has one node a line, node K on the K-th:   MAC [NAME] [IP] [KEY=VALUE ...]
#     NAME defaults to vsysK; IP to the (10+K)th address of --net (not with --proxy);
#     KEY=VALUE words go on that node's kernel command line; '#' starts a comment.
#   Options:
#     --macs FILE       the MAC file (required)
#     --out DIR         write DIR/dnsmasq.conf and fill DIR/tftp/: the boot script
#                       vsys.ipxe, nodes/MAC.ipxe per node, kernel.elf, the boot bundle
#                       and undionly.kpxe. Without --out the configuration is printed.
#     --interface IF    the server's interface on the nodes' network (default eth0)
#     --net A.B.C.D/NN  the nodes' network (default 10.77.0.0/24)
#     --proxy           proxy-DHCP beside the network's own DHCP server, which gives the
#                       addresses (so FILE has no IP column); this server gives the boot files
#     --ra, --no-ra     IPv6 router advertisements (router lifetime 0) that let iPXE stop
#                       waiting for IPv6 at once: about 15 s less per boot. Default --ra,
#                       but --no-ra with --proxy. Needs an address in fd77::/64 on IF.
#     --server IP       the TFTP server to name, when it is not this dnsmasq
#     --tftp-root DIR   where the TFTP files are on the server (default: DIR/tftp with
#                       --out, else /srv/vsys/tftp)
#     --append ARGS     kernel arguments for every node
#     --kernel FILE     the kernel (default build/kernel.elf); the bundle: build/user/*.elf
#   Exit status: 0; 1 a bad MAC file (every bad line named as FILE:LINE: why) or a file
#   that cannot be written or found; 2 bad usage.
cmd_pxe_config() {
  local macs="" out="" net=10.77.0.0/24 ra="" tftp=""
  PXE_IF=eth0 PXE_PROXY=0 PXE_SERVER="" PXE_APPEND="" PXE_KERNEL=$BUILDABS/kernel.elf
  while [ $# -gt 0 ]; do
    common_opt "$@"; [ "$SHIFT" -gt 0 ] && { shift "$SHIFT"; continue; }
    case "$1" in
      --macs) need_value "$@"; macs=$2; shift 2 ;;
      --out) need_value "$@"; out=$2; shift 2 ;;
      --interface) need_value "$@"; PXE_IF=$2; shift 2 ;;
      --net) need_value "$@"; net=$2; shift 2 ;;
      --proxy) PXE_PROXY=1; shift ;;
      --ra) ra=1; shift ;;
      --no-ra) ra=0; shift ;;
      --server) need_value "$@"; PXE_SERVER=$2; shift 2 ;;
      --tftp-root) need_value "$@"; tftp=$2; shift 2 ;;
      --append) need_value "$@"; PXE_APPEND=$2; shift 2 ;;
      --kernel) need_value "$@"; PXE_KERNEL=$2; shift 2 ;;
      *) usage_error "pxe-config: unknown argument '$1'" ;;
    esac
  done
  [ -n "$macs" ] || usage_error "pxe-config: which nodes? (--macs FILE)"
  [[ $PXE_IF =~ ^[A-Za-z0-9._@-]{1,15}$ ]] || usage_error "pxe-config: --interface '$PXE_IF' is not an interface name"
  [ -z "$PXE_SERVER" ] || is_quad "$PXE_SERVER" || usage_error "pxe-config: --server takes an IPv4 address"
  [[ $PXE_APPEND != *[\$\"\'\\]* ]] || usage_error "pxe-config: --append cannot hold \$, quotes or \\"
  [[ $tftp != *[[:space:],]* ]] || usage_error "pxe-config: --tftp-root cannot hold blanks or ','"
  pxe_parse_net "$net" || exit "$EX_USAGE"
  PXE_RA=${ra:-$(( 1 - PXE_PROXY ))}
  PXE_FROM="vcluster pxe-config --macs $macs"
  [ "$PXE_PROXY" = 1 ] && PXE_FROM+=" --proxy"
  PXE_FROM+=", $(date '+%Y-%m-%d %H:%M')"
  pxe_read_macs "$macs" || exit "$EX_FAIL"
  if [ -z "$out" ]; then
    PXE_TFTP=${tftp:-/srv/vsys/tftp}
    pxe_conf
    return 0
  fi
  pxe_config_write "$out" "$tftp"
}

# pxe_config_write DIR TFTP: write DIR/dnsmasq.conf and fill the TFTP directory (DIR/tftp,
# named TFTP in the configuration if given); check the result with dnsmasq --test.
pxe_config_write() {
  local out=$1 tftp=$2
  [ -f "$PXE_KERNEL" ] || die "kernel $PXE_KERNEL is missing: run 'make' first"
  PXE_UNDI=$(pxe_undi) ||
    die "undionly.kpxe (Debian package ipxe) is missing: PCs with their own PXE ROM need it to chainload iPXE ('make deps')"
  mkdir -p "$out" || die "cannot create $out"
  out=$(cd "$out" && pwd)
  PXE_TFTP=${tftp:-$out/tftp}
  pxe_conf >"$out/dnsmasq.conf" || die "cannot write $out/dnsmasq.conf"
  pxe_write_tftp "$out/tftp" || die "cannot fill $out/tftp"
  if command -v dnsmasq >/dev/null; then
    dnsmasq --test -C "$out/dnsmasq.conf" >"$out/.test" 2>&1 ||
      die "dnsmasq rejects $out/dnsmasq.conf: $(tail -1 "$out/.test")"
    rm -f "$out/.test"
  fi
  msg "pxe-config: $PXE_N nodes: $out/dnsmasq.conf and $out/tftp/ ($(ls "$out/tftp" | wc -l) files, nodes/ has $PXE_N)"
  [ -z "$tftp" ] || msg "pxe-config: copy $out/tftp/ to $tftp on the server (the configuration names it)"
}
