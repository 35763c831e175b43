#!/usr/bin/env bash
# tests/run-unit.sh DIR - run every cmocka test binary (test_*) in DIR.
# Prints one line per binary with its counts (the full output when it failed or
# crashed; a binary is stopped after UNIT_TIMEOUT seconds, default 300), then exactly
# one summary line `unit: N passed, M failed` counting individual tests. Exits non-zero
# if any test failed or any binary crashed.
set -u

dir=${1:?usage: run-unit.sh DIR}
total_pass=0
total_fail=0
bad=0

# Count from cmocka's summary lines: "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s), listed below:" (on stderr, hence 2>&1 below).
count() { sed -n "s/^\[  $1  \] \([0-9][0-9]*\) test(s).*/\1/p" <<<"$2" | head -1; }

shopt -s nullglob
bins=("$dir"/test_*)
if [ ${#bins[@]} -eq 0 ]; then
  echo "run-unit: no test binaries in $dir" >&2
  echo "unit: 0 passed, 0 failed"
  exit 1
fi

for bin in "${bins[@]}"; do
  [ -x "$bin" ] && [ -f "$bin" ] || continue
  out=$(timeout "${UNIT_TIMEOUT:-300}" "$bin" 2>&1)
  rc=$?
  ran=$(sed -n 's/^\[==========\] Running \([0-9][0-9]*\) test(s).*/\1/p' <<<"$out" | head -1)
  pass=$(count PASSED "$out"); pass=${pass:-0}
  fail=$(count FAILED "$out"); fail=${fail:-0}
  note=""
  if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
    # Crashed (signal, sanitizer abort, timeout) before cmocka's summary: count the
    # tests that reported OK, and charge every other test to the failures.
    pass=$(grep -c '^\[       OK \] ' <<<"$out")
    fail=$(( ${ran:-1} - pass )); [ "$fail" -gt 0 ] || fail=1
    note=" (exit status $rc)"
  fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  name=$(basename "$bin")
  if [ $rc -ne 0 ] || [ "$fail" -ne 0 ]; then
    bad=1
    printf '%-16s %3d passed, %d failed%s\n' "$name" "$pass" "$fail" "$note"
    sed 's/^/    /' <<<"$out"
  else
    printf '%-16s %3d passed\n' "$name" "$pass"
  fi
done

echo "unit: $total_pass passed, $total_fail failed"
[ $bad -eq 0 ] && [ $total_fail -eq 0 ]
