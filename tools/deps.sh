#!/usr/bin/env bash
# tools/deps.sh - install what the project needs from Debian, idempotently (`make deps`).
#   - the Debian packages below, when any is missing;
#   - a deb-src entry for the machine's own Debian mirror, so that `apt-get source lwip`
#     works (the network issue fetches lwIP that way);
#   - QEMU 8.2 or later: bookworm's 7.2 offers virtio-net no UDP segmentation offload
#     (docs/NET.md), so on bookworm QEMU comes from bookworm-backports (10.0 there), whose
#     entry this adds for the same mirror;
# Quick when everything is there: it only reads dpkg's status. Needs root to install.
set -euo pipefail
trap 'echo "deps: failed at line $LINENO (exit $?)" >&2' ERR

PKGS=(gcc gcc-multilib make ipxe ipxe-qemu libcmocka-dev dnsmasq
      iproute2 iputils-ping bridge-utils nftables dpkg-dev python3 cpio
      vde-switch vde-wirefilter gnuplot-nox)
SRC_LIST=/etc/apt/sources.list.d/vsys-deb-src.sources
BPO_LIST=/etc/apt/sources.list.d/vsys-backports.sources
QEMU_MIN=1:8.2

case "${1:-}" in
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
echo "deps: done"
