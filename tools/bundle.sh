#!/usr/bin/env bash
# tools/bundle.sh BUILD_DIR - print the boot bundle as QEMU's -initrd wants it: every
# program in BUILD_DIR/user/, the program manager first (the kernel starts the module
# named pm), comma-separated. Exits 1 if the program manager is missing.
build=${1:-build}
[ -f "$build/user/pm.elf" ] || { echo "bundle: $build/user/pm.elf is missing: run make" >&2; exit 1; }
list=$build/user/pm.elf
for f in "$build"/user/*.elf; do
  [ "$f" = "$build/user/pm.elf" ] || list="$list,$f"
done
echo "$list"
