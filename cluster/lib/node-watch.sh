#!/usr/bin/env bash
# cluster/lib/node-watch.sh - keeper of one node: copies the node's console output into
# its log, runs its QEMU, records QEMU's pid and, once QEMU ends, its exit status (so
# that `vcluster status` can say how a node ended after the tool that started it has
# gone). Started by vcluster under setsid, detached from any terminal.
#   usage: node-watch.sh DIR K QEMU-COMMAND...
# Files in DIR: nodeK.con.out (FIFO: the console's output, QEMU writes it), nodeK.log (the
# copy, appended), nodeK.pid, nodeK.rc, nodeK.err (QEMU's own messages).
# Why a FIFO and a copier rather than QEMU's socket chardev with logfile=: a unix socket
# takes only a few hundred one-byte writes before EAGAIN, and then the 16550 model holds
# output back while the guest may already write the next byte; a FIFO holds 64 KiB and
# this copier drains it at once, so the log is complete whoever watches.
dir=$1 k=$2
shift 2
out=$dir/node$k.con.out
rm -f "$dir/node$k.rc"
# Hold the FIFO open for writing ourselves, so that the copier's open does not wait for
# QEMU (which may never come) and the copier sees end-of-file only after QEMU has gone
# and we let go (fd 3).
exec 3<>"$out"
cat "$out" >>"$dir/node$k.log" 3>&- &
copier=$!
"$@" </dev/null >>"$dir/node$k.err" 2>&1 3>&- &
qpid=$!
echo "$qpid" >"$dir/node$k.pid.tmp" && mv "$dir/node$k.pid.tmp" "$dir/node$k.pid"
wait "$qpid"
echo $? >"$dir/node$k.rc"
exec 3>&-
wait "$copier"
