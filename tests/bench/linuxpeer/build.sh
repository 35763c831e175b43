#!/usr/bin/env bash
# tests/bench/linuxpeer/build.sh - builds the Linux peer of the side-by-side network
# benchmarks (docs/BENCH.md, "Linux peer") into build/linuxpeer/:
#   debs/         Debian's current linux-image-*-amd64 (what linux-image-amd64 depends
#                 on) and busybox-static, fetched with `apt-get download`
#   kernel/       vmlinuz and the NIC modules, unpacked from the kernel package
#   vpeer         tests/bench/linuxpeer/vpeer.c, gcc -static -O2
#   initramfs/    busybox, vpeer, /init (tests/bench/linuxpeer/init), the modules of
#                 virtio-net and e1000 with their dependencies, in load order
#   vmlinuz, initrd.gz, versions   what run.sh boots, and what it was built from
# Each step is skipped when its output is newer than its inputs: a second run takes
# well under a second. Nothing here goes into the repository.
#   usage: tests/bench/linuxpeer/build.sh [--force]
#   env: BUILD (default build), LINUXPEER_KERNEL (a linux-image package name, to pin it)
# Needs gcc with a static libc, cpio, gzip, dpkg-deb, apt-get (tools/deps.sh); the
# downloads need a configured apt (apt-get update) and no root.
set -euo pipefail
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/../../.."
SRC=tests/bench/linuxpeer
BUILD=${BUILD:-build}
OUT=$BUILD/linuxpeer
MODULES="virtio_pci virtio_net e1000"  # what /init loads, dependencies first
force=0

say() { echo "linuxpeer-build: $*"; }
die() { echo "linuxpeer-build: error: $*" >&2; exit 1; }
trap 'echo "linuxpeer-build: failed at line $LINENO (exit $?)" >&2' ERR

case "${1:-}" in
  --force) force=1 ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

for t in gcc cpio gzip dpkg-deb apt-get apt-cache; do
  command -v "$t" >/dev/null || die "'$t' not found: run 'make deps' (tools/deps.sh installs it)"
done
mkdir -p "$OUT/debs"
OUT=$(cd "$OUT" && pwd)

# newer OUTPUT INPUT...: true when OUTPUT exists and is newer than every INPUT.
newer() {
  local out=$1 f; shift
  [ $force = 0 ] && [ -e "$out" ] || return 1
  for f in "$@"; do [ "$out" -nt "$f" ] || return 1; done
}

# fetch PACKAGE: the package's .deb in debs/ (downloaded once); prints its path.
fetch() {
  local pkg=$1 deb tmp
  deb=$(ls "$OUT/debs/${pkg}_"*.deb 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$deb" ]; then echo "$deb"; return; fi
  say "downloading $pkg (apt-get download) ..." >&2
  tmp=$OUT/debs/.part
  rm -rf "$tmp"; mkdir -p "$tmp"
  local opts=(-q)
  [ "$(id -u)" = 0 ] && opts+=(-o APT::Sandbox::User=root)
  if ! (cd "$tmp" && apt-get download "${opts[@]}" "$pkg" >&2); then
    rm -rf "$tmp"
    die "apt-get download $pkg failed (no network, or run 'apt-get update' first)"
  fi
  deb=$(ls "$tmp"/*.deb 2>/dev/null | head -1 || true)
  [ -n "$deb" ] && dpkg-deb --info "$deb" >/dev/null 2>&1 || die "apt-get download $pkg gave no valid .deb"
  mv "$deb" "$OUT/debs/"
  rm -rf "$tmp"
  echo "$OUT/debs/$(basename "$deb")"
}

# 1. The packages. The kernel is whatever linux-image-amd64 depends on today, unless
#    pinned; without apt lists, a kernel package downloaded before is used.
kpkg=${LINUXPEER_KERNEL:-}
if [ -z "$kpkg" ]; then
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
         awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }' || true)
fi
if [ -z "$kpkg" ]; then
  old=$(ls "$OUT/debs"/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$old" ] || die "cannot tell which kernel linux-image-amd64 depends on: run 'apt-get update'"
  kpkg=$(basename "$old"); kpkg=${kpkg%%_*}
  say "apt does not know linux-image-amd64; using $kpkg downloaded before"
fi
kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)
say "kernel: $(dpkg-deb -f "$kdeb" Package) $(dpkg-deb -f "$kdeb" Version)," \
    "busybox-static $(dpkg-deb -f "$bdeb" Version)"
for old in "$OUT"/debs/linux-image-*.deb; do   # kernels linux-image-amd64 left behind
  [ "$old" = "$kdeb" ] || { say "removing the older $(basename "$old")"; rm -f "$old"; }
done

# 2. Unpack vmlinuz and the network and virtio modules (not the whole 400 MB tree).
if ! newer "$OUT/kernel/.unpacked" "$kdeb"; then
  say "unpacking $(basename "$kdeb") (vmlinuz, drivers/net, drivers/virtio, net/core) ..."
  rm -rf "$OUT/kernel"; mkdir -p "$OUT/kernel"
  dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$OUT/kernel" --wildcards \
    './boot/vmlinuz-*' './lib/modules/*/modules.builtin' \
    './lib/modules/*/kernel/drivers/net/*' './lib/modules/*/kernel/drivers/virtio/*' \
    './lib/modules/*/kernel/net/core/*' ||
    die "unpacking $kdeb failed (is it a kernel image package?)"
  find "$OUT/kernel" -name '*.ko.xz' -exec xz -d {} + 2>/dev/null || true
  find "$OUT/kernel" -name '*.ko.zst' -exec zstd -q -d --rm {} + 2>/dev/null || true
  touch "$OUT/kernel/.unpacked"
fi
vmlinuz=$(ls "$OUT"/kernel/boot/vmlinuz-* 2>/dev/null | head -1 || true)
[ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in $kdeb"
krel=${vmlinuz##*/vmlinuz-}
moddir=$OUT/kernel/lib/modules/$krel
if ! newer "$OUT/busybox/.unpacked" "$bdeb"; then
  say "unpacking $(basename "$bdeb") ..."
  rm -rf "$OUT/busybox"; mkdir -p "$OUT/busybox"
  dpkg -x "$bdeb" "$OUT/busybox"
  touch "$OUT/busybox/.unpacked"
fi
[ -x "$OUT/busybox/bin/busybox" ] || die "no bin/busybox in $bdeb"

# 3. The modules to load, each after what it depends on (the .ko's own depends= field;
#    the package has no modules.dep).
declare -A seen=()
order=()
ko_of() {   # ko_of NAME: the module file, '-' and '_' being the same in module names
  find "$moddir/kernel" \( -name "$1.ko" -o -name "${1//_/-}.ko" \) -print -quit
}
add_module() {
  local name=$1 ko dep
  [ -n "${seen[$name]:-}" ] && return 0
  seen[$name]=1
  ko=$(ko_of "$name")
  if [ -z "$ko" ]; then
    grep -qE "/(${name}|${name//_/-})\.ko$" "$moddir/modules.builtin" 2>/dev/null && return 0
    die "module $name not found under $moddir (not unpacked? see step 2)"
  fi
  for dep in $(tr '\0' '\n' <"$ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
    add_module "$dep"
  done
  order+=("$ko")
}
for m in $MODULES; do add_module "$m"; done

# 4. vpeer, static.
if ! newer "$OUT/vpeer" "$SRC/vpeer.c"; then
  say "compiling vpeer (gcc -static -O2) ..."
  gcc -static -O2 -Wall -Wextra -o "$OUT/vpeer.tmp" "$SRC/vpeer.c" ||
    die "gcc -static failed (a static libc is in libc6-dev)"
  mv "$OUT/vpeer.tmp" "$OUT/vpeer"
fi

# 5. The initramfs and what run.sh boots.
if ! newer "$OUT/initrd.gz" "$OUT/vpeer" "$SRC/init" "$SELF" "$OUT/kernel/.unpacked" \
     "$OUT/busybox/.unpacked"; then
  say "packing initrd.gz (busybox, vpeer, init, ${#order[@]} modules) ..."
  st=$OUT/initramfs
  rm -rf "$st"; mkdir -p "$st"/{bin,dev,proc,sys,tmp,lib/modules}
  cp "$OUT/busybox/bin/busybox" "$OUT/vpeer" "$st/bin/"
  ln -s busybox "$st/bin/sh"
  install -m 755 "$SRC/init" "$st/init"
  : >"$st/lib/modules/load-order"
  for ko in "${order[@]}"; do
    cp "$ko" "$st/lib/modules/"
    basename "$ko" >>"$st/lib/modules/load-order"
  done
  (cd "$st" && find . -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc -R 0:0 --quiet) |
    gzip -6 >"$OUT/initrd.gz.tmp"
  mv "$OUT/initrd.gz.tmp" "$OUT/initrd.gz"
fi
if ! newer "$OUT/vmlinuz" "$vmlinuz"; then cp "$vmlinuz" "$OUT/vmlinuz"; fi
bbver=$("$OUT/busybox/bin/busybox" 2>/dev/null | head -1 | awk '{print $2}' || true)
{ echo "kernel_package=$(dpkg-deb -f "$kdeb" Package) $(dpkg-deb -f "$kdeb" Version)"
  echo "kernel_release=$krel"
  echo "busybox_package=$(dpkg-deb -f "$bdeb" Package) $(dpkg-deb -f "$bdeb" Version)"
  echo "busybox_version=$bbver"
  echo "modules=$(tr '\n' ' ' <"$OUT/initramfs/lib/modules/load-order" | sed 's/ $//')"
} >"$OUT/versions.tmp"
mv "$OUT/versions.tmp" "$OUT/versions"
say "ready: $OUT/vmlinuz ($krel), $OUT/initrd.gz ($(du -k "$OUT/initrd.gz" | cut -f1) KiB)"
