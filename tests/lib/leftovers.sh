# tests/lib/leftovers.sh - what a vcluster cluster left behind (sourced, not run).
#   leftovers NAME   print what is left of cluster NAME, one line each: its namespace,
#                    host interfaces (rootless), processes naming its run directory
#                    (QEMU, keeper, dnsmasq), its state file. Nothing when all is gone.
# Needs RUNROOT: the clusters' run directory (vcluster's VCLUSTER_RUNDIR, build/cluster).

leftovers() {
  local n=$1 p cmd
  ip netns list 2>/dev/null | grep -qw "vsys-$n" && echo "namespace vsys-$n"
  ip -o link show 2>/dev/null | grep -Eo "(vt-$n-[0-9]+|vbr-$n)[:@]" | sed 's/^/host interface /'
  for p in /proc/[0-9]*; do
    cmd=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null ) || continue
    [[ $cmd == *"$RUNROOT/$n/"* || $cmd == *"$RUNROOT/$n "* ]] && echo "process ${p#/proc/}: ${cmd:0:80}"
  done
  [ -e "$RUNROOT/$n/cluster.env" ] && echo "state file $RUNROOT/$n/cluster.env"
  return 0
}
