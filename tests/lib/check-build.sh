#!/usr/bin/env bash
# tests/lib/check-build.sh - the quiet build (Makefile, `V=`): by default make prints one
# short line a step (`  CC      kernel/ipc.c`) and no compiler command; `make V=1` prints
# the whole command; a compiler error (warnings are errors: -Werror) is shown either way.
# It compiles two of the tree's files and one file with an error of its own into a build
# folder of its own, so the real build is untouched. Prints PASS/FAIL lines and
# `build: N passed, M failed`.
set -u
cd "$(dirname "$0")/../.."
unset MAKEFLAGS MFLAGS MAKELEVEL   # a `make -s test` around us must not make these quiet
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {   # check NAME OK WHY
  if [ "$2" = 1 ]; then echo "PASS build/$1"; passed=$((passed + 1))
  else echo "FAIL build/$1: $3"; failed=$((failed + 1)); fi
}

out=$(timeout 120 make --no-print-directory BUILD="$tmp/q" "$tmp/q/k/kernel/ipc.o" \
      "$tmp/q/u/libv/string.o" 2>&1)
ok=0; [ "$out" = $'  CC      kernel/ipc.c\n  CC      libv/string.c' ] && ok=1
check quiet_one_line_a_file $ok "make printed: $(head -3 <<<"$out")"

out=$(timeout 120 make --no-print-directory V=1 BUILD="$tmp/v" "$tmp/v/k/kernel/ipc.o" 2>&1)
ok=0; grep -qE -- '^(cc|gcc|[^ ]*-gcc) .*-Werror.* -c kernel/ipc\.c -o ' <<<"$out" &&
  ! grep -q '^  CC ' <<<"$out" && ok=1
check v1_prints_the_command $ok "make V=1 printed: $(head -c 200 <<<"$out")"

# A file with an error, compiled by the kernel's rule (sources are named relative to the
# tree, so it sits in a folder the tree ignores).
mkdir -p build/check-build
printf 'int f(void)\n{\n    int unused;\n    return 0;\n}\n' >build/check-build/bad.c
out=$(timeout 120 make --no-print-directory BUILD="$tmp/e" "$tmp/e/k/build/check-build/bad.o" 2>&1)
rc=$?
rm -rf build/check-build
ok=0; [ $rc != 0 ] && grep -q '^  CC      build/check-build/bad.c' <<<"$out" &&
  grep -qE "bad\.c:3:9: error: unused variable .unused." <<<"$out" && ok=1
check errors_shown_when_quiet $ok "make exited $rc and printed: $(head -c 300 <<<"$out")"

echo "build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
