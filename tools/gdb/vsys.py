# tools/gdb/vsys.py - gdb for a vsys node (docs/DEBUGGING.md). Load it with
#     gdb -q -x tools/gdb/vsys.py -ex 'target remote 127.0.0.1:1234'
# (`make debug` and `vcluster up --gdb K` print that line). It loads the kernel's symbols
# (build/kernel.elf, or $VSYS_BUILD/kernel.elf) and adds these commands:
#     vsys-ps              the process table: slot, pid, state, priority, team, what it
#                          waits for, the message it holds
#     vsys-proc PID|SLOT|current
#                          one process: state, team, message, grant, the senders queued
#                          on it, its kernel stack pointer
#     vsys-runq            the ready queues, most urgent first, and who runs now
#     vsys-program NAME    add the symbols of program NAME (build/user/NAME.elf); every
#                          program is linked at V_USER_BASE, so load the one that runs
# The tables are read through the kernel's own debug information (struct proc in
# kernel/proc.h, procs[] in kernel/proc.c, readyq[] in kernel/sched.c), so they follow
# the source when it changes.
import os

import gdb

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("VSYS_BUILD") or os.path.join(HERE, "..", "..", "build")
BUILD = os.path.abspath(BUILD)

STATES = {1: "ready", 2: "running", 3: "receive", 4: "await-reply", 5: "send",
          6: "delayed", 7: "dead", 8: "move"}            # enum v_proc_state (v/ksrv.h)
ALIENS = {1: "alien", 2: "alien-group", 3: "proxy"}       # enum alien_kind (proc.h)
AWAITS = {0: "send", 1: "start", 2: "exception", 3: "probe"}   # enum await_kind


def pid_text(pid):
    pid = int(pid) & 0xFFFFFFFF
    if not pid:
        return "-"
    if pid & 0x80000000:
        return "group 0x%08x" % pid
    lhost = (pid >> 16) & 0x7FFF
    return "0x%08x (node %d, local 0x%x)" % (pid, lhost >> 7, pid & 0xFFFF)


def procs():
    """Every slot of the process table, as gdb values (struct proc)."""
    table = gdb.parse_and_eval("'proc.c'::procs")
    lo, hi = table.type.range()
    return [table[i] for i in range(lo, hi + 1)]


def proc_of(node, member):
    """The struct proc whose field `member` (a struct list) is at node."""
    ptype = gdb.lookup_type("struct proc")
    off = next(f.bitpos // 8 for f in ptype.fields() if f.name == member)
    return gdb.Value(int(node) - off).cast(ptype.pointer()).dereference()


def walk(head, member):
    """The processes on list head, linked through their field `member`."""
    out, node, start = [], head["next"], int(head.address)
    while int(node) not in (start, 0) and len(out) < 1024:   # 0: a list never set up
        out.append(proc_of(node, member))
        node = node["next"]
    return out


def team_name(p):
    if not int(p["team"]):
        return "(kernel)" if not int(p["alien"]) else "(%s)" % ALIENS.get(int(p["alien"]), "?")
    return p["team"]["name"].string(length=16).split("\0")[0] or "?"


def find(arg):
    """A process by pid (0x...), slot number, or `current`."""
    if arg.strip() == "current":
        return gdb.parse_and_eval("current").dereference()
    n = int(gdb.parse_and_eval(arg))
    table = procs()
    if n < len(table):
        return table[n]
    for p in table:
        if int(p["pid"]) == n:
            return p
    raise gdb.GdbError("no process with pid or slot 0x%x" % n)


class Ps(gdb.Command):
    """vsys-ps: the process table (every slot in use)."""

    def __init__(self):
        super().__init__("vsys-ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = int(gdb.parse_and_eval("current"))
        print("slot pid        state       prio team             waits for  msg code")
        for i, p in enumerate(procs()):
            if not int(p["pid"]):
                continue
            mark = "*" if int(p.address) == cur else " "
            print("%3d%s 0x%08x %-11s %4d %-16s 0x%08x 0x%04x" % (
                i, mark, int(p["pid"]), STATES.get(int(p["state"]), "?"), int(p["prio"]),
                team_name(p), int(p["blocked_on"]) & 0xFFFFFFFF, int(p["msg"]["code"])))
        print("(* runs now)")


class Proc(gdb.Command):
    """vsys-proc PID|SLOT|current: one process in full."""

    def __init__(self):
        super().__init__("vsys-proc", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        p = find(arg or "current")
        if not int(p["pid"]):
            print("slot %s is free" % arg.strip())
            return
        m = p["msg"]
        print("pid      %s, slot generation %d" % (pid_text(p["pid"]), int(p["slot_gen"])))
        print("state    %s, priority %d, %d ticks run" % (
            STATES.get(int(p["state"]), "?"), int(p["prio"]), int(p["ticks"])))
        if int(p["team"]):
            t = p["team"]
            print("team     %s, root 0x%08x, %d bytes, %d processes" % (
                team_name(p), int(t["root"]), int(t["size"]), int(t["nproc"])))
        else:
            print("team     %s" % team_name(p))
        print("waits    for %s (await %s), status %d" % (
            pid_text(p["blocked_on"]), AWAITS.get(int(p["await"]), "?"), int(p["ipc_status"])))
        print("message  code 0x%04x flags 0x%04x w %s seg 0x%08x+%d" % (
            int(m["code"]), int(m["flags"]), " ".join("0x%x" % int(m["w"][k]) for k in range(5)),
            int(m["seg_ptr"]), int(m["seg_len"])))
        print("grant    flags 0x%x 0x%08x+%d" % (
            int(p["grant_flags"]), int(p["grant_ptr"]), int(p["grant_len"])))
        senders = walk(p["senders"], "qlink")
        print("senders  %s" % (" ".join("0x%08x" % int(s["pid"]) for s in senders) or "none"))
        print("kstack   saved sp 0x%08x" % int(p["ctx"]["sp"]))


class RunQ(gdb.Command):
    """vsys-runq: the ready queues, most urgent first, and who runs now."""

    def __init__(self):
        super().__init__("vsys-runq", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = gdb.parse_and_eval("current").dereference()
        print("running: 0x%08x %s" % (int(cur["pid"]), team_name(cur)))
        qs = gdb.parse_and_eval("'sched.c'::readyq")
        lo, hi = qs.type.range()
        for prio in range(lo, hi + 1):
            ready = walk(qs[prio], "qlink")
            if ready:
                print("prio %d: %s" % (prio, " ".join(
                    "0x%08x(%s)" % (int(r["pid"]), team_name(r)) for r in ready)))


class Program(gdb.Command):
    """vsys-program NAME: add the symbols of build/user/NAME.elf."""

    def __init__(self):
        super().__init__("vsys-program", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        path = os.path.join(BUILD, "user", name + ".elf")
        if not name or not os.path.exists(path):
            raise gdb.GdbError("vsys-program: no program '%s' (%s)" % (name, path))
        gdb.execute("add-symbol-file %s" % path, to_string=True)
        print("symbols of %s added (linked at V_USER_BASE 0x40000000)" % path)


def load_kernel():
    kernel = os.path.join(BUILD, "kernel.elf")
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("set architecture i386", to_string=True)
    if not os.path.exists(kernel):
        print("vsys.py: %s is missing: run make (or set VSYS_BUILD)" % kernel)
    elif gdb.current_progspace().filename is None:
        gdb.execute("file %s" % kernel)


load_kernel()
Ps()
Proc()
RunQ()
Program()
print("vsys: vsys-ps, vsys-proc PID|SLOT|current, vsys-runq, vsys-program NAME")
