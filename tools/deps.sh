#!/usr/bin/env bash
# tools/deps.sh - install what the project needs from Debian, idempotently (`make deps`).
#   - the Debian packages below, when any is missing;
#   - a deb-src entry for the machine's own Debian mirror, so that `apt-get source lwip`
#     works (the network issue fetches lwIP that way);
#   - QEMU 8.2 or later: bookworm's 7.2 offers virtio-net no UDP segmentation offload
#     (docs/NET.md), so on bookworm QEMU comes from bookworm-backports (10.0 there), whose
#     entry this adds for the same mirror;
# Quick when everything is there: it only reads dpkg's status. Needs root to install.
# Then every command in CMDS below must be on the PATH and every file the tests need
# there, or it fails. `tools/deps.sh --check` makes only that check (exit 1: missing).
set -euo pipefail
trap 'echo "deps: failed at line $LINENO (exit $?)" >&2' ERR

# The inventory: every command that the scripts of `make test`, `make run`, `make bench`
# and the cluster tools run (tests/, cluster/, tools/, the Makefiles, .ci/run), with the
# Debian package that gives it and who runs it. A minimal Debian 12 (debootstrap
# --variant=minbase, plus gcc make git python3 iproute2) lacks those marked '+'.
# tests/lib/check-deps.sh (the first part of `make test`) reads every script and fails
# when one runs a command that is not listed here, or a listed one is not on the PATH.
# Bash builtins are not listed; nor are pkill and killall, which no script may use (end
# processes by pid: tests/lib/netns.sh netns_kill).
#   command             package            run by
CMDS='
bash                  bash               every script
sh                    dash               tests/cluster/vcluster-lifecycle.sh (exec sh -c)
awk                   mawk               cluster/, tests/
sed                   sed                cluster/, tests/
grep                  grep               cluster/, tests/, tools/
basename              coreutils          cluster/, tests/
cat                   coreutils          cluster/, tests/
chmod                 coreutils          cluster/lib/pxe.sh
cp                    coreutils          cluster/lib/pxe.sh, tests/bench/linuxpeer/build.sh
cut                   coreutils          cluster/lib/, tests/
date                  coreutils          cluster/, tests/
dirname               coreutils          every script
du                    coreutils          tests/bench/linuxpeer/build.sh
env                   coreutils          cluster/vcluster (exec), tests/host/
head                  coreutils          cluster/, tests/
id                    coreutils          cluster/, tests/, tools/deps.sh
install               coreutils          tests/bench/linuxpeer/build.sh
ln                    coreutils          tests/bench/linuxpeer/build.sh, libv/host/host.mk, tools/wireshark/install.sh
ls                    coreutils          cluster/lib/cmd-pxe.sh, tests/
mkdir                 coreutils          every script, the Makefiles
mkfifo                coreutils          cluster/lib/nodes.sh, tests/cluster/faults.sh
mktemp                coreutils          cluster/run-node.sh, tests/cluster/faults.sh, tools/fetch-lwip.sh
mv                    coreutils          cluster/lib/common.sh, tests/bench/linuxpeer/build.sh, tools/fetch-lwip.sh
nproc                 coreutils          tests/bench/naming-bench.sh, tests/cluster/*-boottimes.sh
rm                    coreutils          every script, the Makefiles
seq                   coreutils          tests/
sleep                 coreutils          cluster/, tests/
sort                  coreutils          cluster/, tests/
stty                  coreutils          cluster/run-node.sh (a terminal session)
tail                  coreutils          cluster/, tests/
tee                   coreutils          tests/run-all.sh
timeout               coreutils          cluster/run-*.sh, tests/ (every wait bounded)
touch                 coreutils          tests/bench/linuxpeer/build.sh
tr                    coreutils          cluster/, tests/
wc                    coreutils          tests/cluster/faults.sh
find                  findutils          the Makefiles, tools/fetch-lwip.sh, tests/bench/linuxpeer/build.sh
xargs                 findutils          tests/cluster/pxe.sh
cmp                   diffutils          tests/cluster/pxe.sh
gzip                  gzip               tests/bench/linuxpeer/build.sh
tar                   tar                tests/bench/linuxpeer/build.sh
flock                 util-linux         cluster/vcluster
setsid                util-linux         cluster/lib/nodes.sh, cluster/lib/pxe.sh
taskset               util-linux         tests/bench/naming-bench.sh
getconf               libc-bin           tests/bench/naming-bench.sh, tests/bench/remote-prof.sh
dpkg                  dpkg               tools/deps.sh, tests/bench/linuxpeer/build.sh
dpkg-deb              dpkg               tests/bench/linuxpeer/build.sh
dpkg-query            dpkg               tools/deps.sh
apt-get               apt                tools/deps.sh, tools/fetch-lwip.sh, tests/bench/linuxpeer/build.sh
apt-cache             apt                tests/bench/linuxpeer/build.sh
make                  make               .ci/run, tests/run-all.sh
gcc                   gcc                the Makefiles (CC, HOSTCC), tests/bench/linuxpeer/build.sh
clang                 clang              the Makefile (make fuzz, make fuzz-quick: tests/fuzz/)
ar                    binutils           the Makefiles
git                   git                tests/bench/ (the commit in the results)
python3               python3            tests/cluster/*probe.py, tests/bench/*.py, cluster/lib/console.py, tests/host/vjson.py
ip                    iproute2           cluster/lib/, tests/lib/netns.sh, tests/
bridge                iproute2           tests/cluster/ipc-cluster.sh, tests/cluster/net-smoke.sh
qemu-system-i386      qemu-system-x86    every test that boots a node (QEMU)
qemu-system-x86_64    qemu-system-x86    tests/bench/linuxpeer/run.sh
dpkg-source           dpkg-dev           + tools/fetch-lwip.sh (apt-get source lwip)
sysctl                procps             + cluster/lib/net.sh, cluster/lib/pxe.sh, tests/bench/linuxpeer/run.sh
ping                  iputils-ping       + cluster/lib/nodes.sh (readiness), tests/cluster/vcluster-lifecycle.sh
dnsmasq               dnsmasq            + cluster/lib/pxe.sh, tests/cluster/pxe.sh, tests/cluster/net-smoke.sh
vde_switch            vde-switch         + tests/cluster/faults.sh
wirefilter            vde-wirefilter     + tests/cluster/faults.sh
cpio                  cpio               + tests/bench/linuxpeer/build.sh
xz                    xz-utils           + tests/bench/linuxpeer/build.sh (kernel modules .ko.xz)
zstd                  zstd               + tests/bench/linuxpeer/build.sh (kernel modules .ko.zst)
gnuplot               gnuplot-nox        + tests/bench/naming_report.py (the plots of make bench)
gdb                   gdb                + tests/guest/gdb.sh, make debug (docs/DEBUGGING.md)
tshark                tshark             + tests/cluster/dissect.sh (capture, and decoding by tools/wireshark/vsys.lua)
debconf-set-selections debconf           tools/deps.sh (the setuid question of wireshark-common: no)
'
# Packages that give files rather than commands (checked below, deps_check_files):
#   gcc-multilib   + 32-bit libgcc and headers for the kernel and programs (gcc -m32)
#   libc6-dev        the C library headers and libc.a (host tools, gcc -static of the
#                    Linux peer); gcc only recommends it
#   libcmocka-dev  + cmocka for the unit tests (tests/unit)
#   libclang-rt-dev + libFuzzer and the sanitizers' runtimes for clang (make fuzz); clang
#                    only recommends them
#   ipxe           + undionly.kpxe for `vcluster pxe-config` (tests/cluster/pxe.sh)
#   ipxe-qemu      + QEMU's iPXE NIC ROMs efi-e1000.rom, efi-virtio.rom (PXE boot)
# And two no script runs, for looking at a cluster's network by hand (docs/CLUSTER.md):
#   bridge-utils (brctl), nftables (nft).
# QEMU (qemu-system-x86, >= 8.2) is handled apart, below.
EXTRA_PKGS=(gcc-multilib libc6-dev libcmocka-dev libclang-rt-dev ipxe ipxe-qemu bridge-utils
            nftables)
PKGS=("${EXTRA_PKGS[@]}")
while read -r _cmd pkg _; do
  [ -n "$pkg" ] && [ "$pkg" != qemu-system-x86 ] && [[ " ${PKGS[*]} " != *" $pkg "* ]] && PKGS+=("$pkg")
done <<<"$CMDS"

# deps_check: every command of CMDS on the PATH (with the sbin folders, where Debian
# puts dnsmasq and sysctl, for a user whose PATH lacks them), and the files the tests
# need. Prints what is missing with its package; returns 1 if anything is.
deps_check() {
  local cmd pkg rest bad=0 p f found
  while read -r cmd pkg rest; do
    [ -n "$cmd" ] || continue
    if ! PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1; then
      echo "deps: missing command $cmd (package $pkg; run by ${rest#+ })" >&2; bad=1
    fi
  done <<<"$CMDS"
  # gcc-multilib: the 32-bit libgcc the Makefile links (gcc -m32 -print-libgcc-file-name)
  f=$(gcc -m32 -print-libgcc-file-name 2>/dev/null || true)
  [ -n "$f" ] && [ -f "$f" ] || { echo "deps: missing 32-bit libgcc (package gcc-multilib)" >&2; bad=1; }
  f=$(gcc -print-file-name=libc.a 2>/dev/null || true)
  [ "${f#/}" != "$f" ] && [ -f "$f" ] || { echo "deps: missing libc.a (package libc6-dev)" >&2; bad=1; }
  [ -f /usr/include/cmocka.h ] || { echo "deps: missing /usr/include/cmocka.h (package libcmocka-dev)" >&2; bad=1; }
  f=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null || true)
  if [ "${f#/}" = "$f" ] || [ ! -f "$f" ]; then
    f=$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -1)
  fi
  [ -n "$f" ] && [ -f "$f" ] || { echo "deps: missing libFuzzer (package libclang-rt-dev)" >&2; bad=1; }
  found=0
  for f in /usr/lib/ipxe/undionly.kpxe /usr/share/ipxe/undionly.kpxe; do [ -f "$f" ] && found=1; done
  [ $found = 1 ] || { echo "deps: missing undionly.kpxe (package ipxe)" >&2; bad=1; }
  for p in efi-e1000.rom efi-virtio.rom; do
    found=0
    for f in /usr/share/qemu/$p /usr/lib/ipxe/qemu/$p; do [ -f "$f" ] && found=1; done
    [ $found = 1 ] || { echo "deps: missing QEMU's $p (package ipxe-qemu)" >&2; bad=1; }
  done
  return $bad
}
SRC_LIST=/etc/apt/sources.list.d/vsys-deb-src.sources
BPO_LIST=/etc/apt/sources.list.d/vsys-backports.sources
QEMU_MIN=1:8.2

case "${1:-}" in
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --check)
    if deps_check; then echo "deps: all $(grep -c . <<<"$CMDS") commands and the test files present"; exit 0; fi
    echo "deps: run 'make deps' (as root) to install what is missing" >&2; exit 1 ;;
  --list) printf '%s\n' "${PKGS[@]}" qemu-system-x86; exit 0 ;;
  "") ;;
  *) echo "deps: unknown argument '$1' (--check, --list, --help)" >&2; exit 2 ;;
esac

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# The mirror this machine already uses, from either apt source format.
mirror_uri() {
  local u
  u=$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      grep -v security | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit }}' | head -1 || true)
  [ -n "$u" ] || u=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources |
      grep -v security | awk '{print $2; exit}' || true)
  echo "$u"
}

# QEMU: installed and new enough?
qemu_ver=$(dpkg-query -W -f='${Status} ${Version}' qemu-system-x86 2>/dev/null |
           sed -n 's/^install ok installed //p' || true)
need_qemu=1
if [ -n "$qemu_ver" ] && dpkg --compare-versions "$qemu_ver" ge "$QEMU_MIN"; then need_qemu=0; fi

need_src=0
if ! grep -rqsE '^(deb-src\s|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  need_src=1
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ] && [ $need_qemu -eq 0 ]; then
  deps_check || { echo "deps: every package is installed, but the above is missing" >&2; exit 1; }
  echo "deps: all $((${#PKGS[@]} + 1)) packages present (QEMU $qemu_ver), deb-src configured"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "deps: missing packages: ${missing[*]:-none}; deb-src entry needed: $need_src;" \
       "QEMU >= $QEMU_MIN needed: $need_qemu (have ${qemu_ver:-none})" >&2
  echo "deps: run 'sudo make deps' (or as root: bash tools/deps.sh), then try again" >&2
  exit 1
fi

if [ $need_src -eq 1 ]; then
  uri=$(mirror_uri)
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  if [ -z "$uri" ]; then
    echo "deps: cannot find this machine's Debian mirror in /etc/apt; add a deb-src line by hand" >&2
    exit 1
  fi
  # apt refuses two entries for one mirror with different keys: reuse its Signed-By.
  key=$(grep -hs '^Signed-By:' /etc/apt/sources.list.d/*.sources | head -1 | awk '{print $2}' || true)
  { printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$suite"
    [ -n "$key" ] && printf 'Signed-By: %s\n' "$key"; } > "$SRC_LIST"
  echo "deps: added deb-src for $uri $suite ($SRC_LIST)"
fi

suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
if [ $need_qemu -eq 1 ] && [ "$suite" = bookworm ] && [ ! -e "$BPO_LIST" ]; then
  uri=$(mirror_uri)
  if [ -z "$uri" ]; then
    echo "deps: cannot find this machine's Debian mirror in /etc/apt for bookworm-backports" >&2
    exit 1
  fi
  key=$(grep -hs '^Signed-By:' /etc/apt/sources.list.d/*.sources | head -1 | awk '{print $2}' || true)
  { printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\n' "$uri"
    [ -n "$key" ] && printf 'Signed-By: %s\n' "$key"; } > "$BPO_LIST"
  echo "deps: added bookworm-backports for $uri ($BPO_LIST), for QEMU >= $QEMU_MIN"
fi

echo "deps: apt-get update"
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  if [[ " ${missing[*]} " == *" tshark "* ]]; then
    # wireshark-common asks whether users outside root may capture; answer no beforehand
    # so that nothing prompts (docs/DEBUGGING.md)
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  fi
  echo "deps: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_qemu -eq 1 ]; then
  from=(); [ "$suite" = bookworm ] && from=(-t bookworm-backports)
  echo "deps: installing qemu-system-x86 ${from[*]} (have ${qemu_ver:-none}, need >= $QEMU_MIN)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${from[@]}" \
    qemu-system-x86 >/dev/null
  qemu_ver=$(dpkg-query -W -f='${Version}' qemu-system-x86)
  dpkg --compare-versions "$qemu_ver" ge "$QEMU_MIN" ||
    { echo "deps: qemu-system-x86 $qemu_ver is older than $QEMU_MIN" >&2; exit 1; }
fi
deps_check || { echo "deps: installed, but the above is still missing" >&2; exit 1; }
echo "deps: done"
