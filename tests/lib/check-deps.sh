#!/usr/bin/env bash
# tests/lib/check-deps.sh - the first part of `make test`: what the scripts run is what
# `make deps` installs. Checks:
#   commands_and_files_present  `tools/deps.sh --check`: every command of the inventory
#                               (CMDS in tools/deps.sh) is on the PATH, and the files the
#                               tests need (32-bit libgcc, libc.a, cmocka.h, iPXE) exist
#   scripts_run_only_listed_commands  every script of make test/run/bench and the cluster
#                               tools (tests/, cluster/, tools/, the Makefiles, .ci/run)
#                               is read by tests/lib/scan-cmds.py; each command it runs
#                               must be a bash builtin, a function of the scripts, the
#                               project's own vctl, or in CMDS; and none is pkill/killall
#   scanner_finds_commands      scan-cmds.py on a sample finds exactly its commands
#   check_fails_when_missing    `tools/deps.sh --check` fails with an empty PATH
# Prints PASS/FAIL lines and `deps: N passed, M failed`. Exit status 0 only if all passed.
#   usage: tests/lib/check-deps.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
passed=0 failed=0
pass() { echo "PASS deps/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL deps/$1"; failed=$((failed + 1)); }
SCAN="python3 tests/lib/scan-cmds.py"
OWN="vctl"              # the project's host tool (build/host, on the PATH of vcluster exec)
FORBIDDEN="pkill killall pgrep pidof"

# 1. The inventory is installed.
if out=$(timeout 60 bash tools/deps.sh --check 2>&1); then
  pass commands_and_files_present
else
  fail "commands_and_files_present: $(tr '\n' ' ' <<<"$out")"
fi

# 2. The scripts run only what the inventory lists.
shopt -s globstar nullglob
files=(tests/**/*.sh tests/**/*.py cluster/vcluster cluster/*.sh cluster/lib/*.sh
       cluster/lib/*.py tools/*.sh .ci/run Makefile tests/unit/unit.mk libv/host/host.mk)
listed=" $(sed -n "/^CMDS='/,/^'/p" tools/deps.sh | awk 'NF > 1 { print $1 }' | tr '\n' ' ') "
builtins=" $(compgen -b | tr '\n' ' ') $(compgen -k | tr '\n' ' ') "
if ! found=$(timeout 60 $SCAN "${files[@]}" 2>&1); then
  fail "scripts_run_only_listed_commands: scan-cmds.py failed: $(tail -2 <<<"$found" | tr '\n' ' ')"
else
  bad=""
  while read -r cmd where; do
    [ -n "$cmd" ] || continue
    if [[ " $FORBIDDEN " == *" $cmd "* ]]; then
      bad+=" $cmd ($where: never end processes by name; use netns_kill by pid)"
    elif [[ $builtins != *" $cmd "* && $listed != *" $cmd "* && " $OWN " != *" $cmd "* ]]; then
      bad+=" $cmd ($where)"
    fi
  done <<<"$found"
  n=$(awk '{ print $1 }' <<<"$found" | sort -u | wc -l)
  if [ -z "$bad" ]; then
    pass "scripts_run_only_listed_commands ($n commands in ${#files[@]} files)"
  else
    fail "scripts_run_only_listed_commands: not in tools/deps.sh's CMDS (add each with its Debian package):$bad"
  fi
fi

# 3. The scanner itself: a sample with commands in the places scripts put them, and
#    words that are no commands (a here-document, a case pattern, a function, arguments).
sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
cat >"$sample" <<'SAMPLE'
f() { local a=(x y) b; frobnicate -a "$(quux 1)"; }
x=$(timeout -k 1 5 ip netns exec ns wibble --x) y=`zorp`
case $x in foo|bar) blip "notcmd1" ;; baz) : ;; esac
cat <<EOF | sort -u >/dev/null 2>&1
notcmd2 $(notcmd3)
EOF
[[ $x == notcmd4 ]] && env A=1 flub || f
for w in notcmd5 notcmd6; do echo "$w" | xargs -n1 grak; done
SAMPLE
got=$($SCAN "$sample" 2>&1 | awk '{ print $1 }' | sort -u | tr '\n' ' ')
want="blip cat echo env flub frobnicate grak ip local quux sort timeout wibble xargs zorp "
if [ "$got" = "$want" ]; then
  pass scanner_finds_commands
else
  fail "scanner_finds_commands: got '$got', want '$want'"
fi

# 4. The check can fail: with nothing on the PATH every command is missing.
if PATH=/nonexistent "$BASH" tools/deps.sh --check >/dev/null 2>&1; then
  fail "check_fails_when_missing: tools/deps.sh --check passed with PATH=/nonexistent"
else
  pass check_fails_when_missing
fi

echo "deps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
