#!/usr/bin/env bash
# tests/fuzz/run-fuzz.sh (--seconds S | --runs N) DIR NAME... - run the libFuzzer
# harnesses DIR/fuzz_NAME (tests/fuzz/fuzz.mk builds them; docs/TESTING.md).
#   --seconds S  fuzz each for S seconds (-max_total_time), starting from its committed
#                corpus tests/fuzz/corpus/NAME/ and what earlier runs found (DIR/corpus/NAME/,
#                where new inputs go)
#   --runs N     run each over its committed corpus, then N mutations of it with a fixed
#                seed (deterministic, seconds in all: `make test` runs this)
# Prints a table (harness, runs, seconds, result), the end of a failing harness's log
# (the rest is in DIR/log/NAME.log, the failing input in DIR/artifacts/), then one line
# `fuzz: N passed, M failed`, each harness one check. Exits non-zero if any failed.
set -u

mode=${1:-}; arg=${2:-}
dir=${3:-}
if [ "$mode" != --seconds ] && [ "$mode" != --runs ] || [ -z "$arg" ] || [ -z "$dir" ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
shift 3
corpus_root=$(dirname "$0")/corpus
mkdir -p "$dir/log" "$dir/artifacts"

# Inputs longer than most harnesses read are wasted time; the codec takes a jumbo DATA
# packet (8,484 bytes) and a little more, and an ELF image a few program headers.
max_len() {
  case $1 in
    proto_codec) echo 8600 ;;
    elf) echo 2048 ;;
    *) echo 1024 ;;
  esac
}

pass=0 fail=0 failed=()
printf '%-14s %12s %8s  %s\n' harness runs seconds result
for name in "$@"; do
  bin=$dir/fuzz_$name log=$dir/log/$name.log
  if [ "$mode" = --seconds ]; then
    work=$dir/corpus/$name
    opts=(-max_total_time="$arg" -timeout=10)
  else
    work=$dir/quick/$name
    rm -rf "$work"
    opts=(-runs="$arg" -seed=1 -timeout=10)
  fi
  mkdir -p "$work"
  start=$SECONDS
  "$bin" "${opts[@]}" -max_len="$(max_len "$name")" -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/$name-" "$work" "$corpus_root/$name" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  result=ok
  if [ $rc -ne 0 ]; then
    art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    result="FAILED (exit $rc${art:+, input $art})"
  fi
  printf '%-14s %12s %8s  %s\n' "$name" "${runs:-?}" $((SECONDS - start)) "$result"
  if [ $rc -eq 0 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); failed+=("$name")
  fi
done
for name in "${failed[@]}"; do
  echo "--- $name ($dir/log/$name.log):"
  grep -E 'model disagrees|ERROR:|runtime error|SUMMARY' "$dir/log/$name.log" | head -5 | sed 's/^/    /'
  echo "    reproduce: $dir/fuzz_$name <input>"
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
