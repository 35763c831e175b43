#!/usr/bin/env bash
# tools/fetch-lwip.sh - put lwIP's source (Debian package `lwip`) into third_party/lwip,
# once. The Makefile calls it through a stamp file, so `make` on a fresh clone fetches it;
# afterwards it returns at once. lwIP is never committed (third_party/ is git-ignored).
#   usage: tools/fetch-lwip.sh [DEST]        (DEST default third_party/lwip)
# Needs a deb-src entry (`make deps` adds one) and dpkg-source (package dpkg-dev).
set -euo pipefail

cd "$(dirname "$0")/.."
DEST=${1:-third_party/lwip}
STAMP=$DEST/.vsys-fetched
# The files the kernel build needs: if they are there, there is nothing to do.
if [ -f "$STAMP" ] && [ -f "$DEST/src/core/init.c" ] && [ -f "$DEST/src/include/lwip/opt.h" ]; then
  exit 0
fi

die() { echo "fetch-lwip: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "apt-get not found: lwIP comes from Debian's source package 'lwip'"
command -v dpkg-source >/dev/null || die "dpkg-source not found: run 'make deps' (installs dpkg-dev)"
if ! grep -rqsE '^(deb-src\s|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  die "no deb-src entry in /etc/apt: run 'make deps' (as root) first"
fi

parent=$(dirname "$DEST")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.lwip-fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "fetch-lwip: apt-get source lwip -> $DEST"
if ! (cd "$tmp" && apt-get source -qq lwip >log 2>&1); then
  sed 's/^/  | /' "$tmp/log" >&2
  if grep -q "deb-src" "$tmp/log"; then
    die "apt has no source for lwip: run 'make deps' (adds deb-src), then 'apt-get update'"
  fi
  die "apt-get source lwip failed (log above)"
fi
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'lwip-*' | head -1)
[ -n "$src" ] && [ -f "$src/src/core/init.c" ] || die "apt-get source gave no lwip-*/src/core/init.c"
version=$(basename "$src")
rm -rf "$DEST"
mv "$src" "$DEST"
echo "$version" >"$STAMP"
echo "fetch-lwip: $version in $DEST"
