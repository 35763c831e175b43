#!/usr/bin/env python3
"""cluster/lib/console.py - a client for a node's serial console. Used by
`vcluster console K`.

The node's console output is its log file (QEMU writes a FIFO that the node's keeper
copies into the log, see cluster/lib/node-watch.sh); its input is a FIFO that QEMU
reads. So this client follows the log and writes into the input FIFO; any number of
clients may watch one node at a time (what they type is interleaved).

On a terminal: raw mode, everything typed goes to the node; Ctrl-] detaches (the node
keeps running). Without a terminal on stdin: sends stdin to the node a line at a time,
then prints what the node says until it has been quiet for --quiet seconds (at most
--max seconds), so scripts can do `echo ps | vcluster console 2`.

usage: console.py LOG INPUT-FIFO [--pid PID] [--quiet S] [--max S] [--label TEXT]
Exit status: 0; 1 if the node's console cannot be reached; 2 bad usage.
"""
import errno
import fcntl
import os
import select
import sys
import termios
import time
import tty

DETACH = 0x1D  # Ctrl-]
POLL = 0.03    # how often the log is looked at, seconds


def open_input(path):
    """Open the console's input FIFO for writing; fails if no QEMU reads it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as e:
        why = "the node is not running" if e.errno == errno.ENXIO else e.strerror
        sys.stderr.write("vcluster: cannot reach the console %s: %s\n" % (path, why))
        sys.exit(1)
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
    return fd


def alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def tail_start(log, lines):
    """Offset in the log from which the last `lines` lines start."""
    size = os.fstat(log.fileno()).st_size
    if lines <= 0:
        return size
    back = min(size, 4096)
    log.seek(size - back)
    data = log.read(back)
    cut = len(data)
    for _ in range(lines + 1):
        cut = data.rfind(b"\n", 0, cut)
        if cut < 0:
            return size - back
    return size - back + cut + 1


def interactive(log, fd_in, pid, label):
    """Copy the terminal to the node and the log to the terminal until Ctrl-]."""
    tty_fd = sys.stdin.fileno()
    saved = termios.tcgetattr(tty_fd)
    os.write(1, ("vcluster: connected to %s; detach with Ctrl-] (the node keeps running)\r\n" % label).encode())
    log.seek(tail_start(log, 10))
    checked = time.monotonic()
    try:
        tty.setraw(tty_fd)
        while True:
            data = log.read(65536)
            if data:
                os.write(1, data)
            now = time.monotonic()
            if now - checked > 0.5:
                checked = now
                if not alive(pid):
                    os.write(1, b"\r\nvcluster: the node's QEMU has ended\r\n")
                    return
            r, _, _ = select.select([tty_fd], [], [], POLL)
            if tty_fd in r:
                keys = os.read(tty_fd, 1024)
                if not keys:
                    return
                if DETACH in keys:
                    keys = keys[: keys.index(DETACH)]
                    if keys:
                        os.write(fd_in, keys)
                    return
                os.write(fd_in, keys)
    finally:
        termios.tcsetattr(tty_fd, termios.TCSADRAIN, saved)
        sys.stdout.write("\r\nvcluster: detached from %s\n" % label)


def scripted(log, fd_in, quiet, most):
    """Send stdin a line at a time, then print new output until quiet for `quiet` s."""
    start = time.monotonic()
    log.seek(0, os.SEEK_END)
    for line in sys.stdin.buffer.read().splitlines():
        os.write(fd_in, line + b"\r")   # the node's line discipline ends a line on '\r'
        time.sleep(0.05)
    last = time.monotonic()
    while True:
        data = log.read(65536)
        now = time.monotonic()
        if data:
            sys.stdout.buffer.write(data.replace(b"\r", b""))
            sys.stdout.flush()
            last = now
        elif now - last >= quiet or now - start >= most:
            return
        time.sleep(POLL)


def main(argv):
    args = argv[1:]
    opts = {"--quiet": "1.0", "--max": "30", "--label": "the node", "--pid": ""}
    paths = []
    while args:
        a = args.pop(0)
        if a in opts and args:
            opts[a] = args.pop(0)
        elif not a.startswith("--") and len(paths) < 2:
            paths.append(a)
        else:
            sys.stderr.write(__doc__)
            return 2
    if len(paths) != 2:
        sys.stderr.write(__doc__)
        return 2
    pid = int(opts["--pid"]) if opts["--pid"] else None
    fd_in = open_input(paths[1])
    with open(paths[0], "rb") as log:
        if sys.stdin.isatty():
            interactive(log, fd_in, pid, opts["--label"])
        else:
            scripted(log, fd_in, float(opts["--quiet"]), float(opts["--max"]))
    os.close(fd_in)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
