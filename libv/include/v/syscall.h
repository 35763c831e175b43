/*
 * v/syscall.h - system call numbers and the register convention.
 *
 * A program traps with `int $0x30`: eax = call number, ebx, ecx, edx, esi, edi =
 * arguments. On return eax = status (V_OK or a negative V_E* error), edx = first
 * result (a pid), ecx = second result (a byte count). Every call validates all its
 * arguments before it changes any state. docs/IPC.md documents each call.
 */
#ifndef V_SYSCALL_H
#define V_SYSCALL_H

#define V_SYSCALL_VECTOR 0x30

enum v_sys {
    V_SYS_SEND = 1,          /* ebx=msg*, ecx=to pid                        -> edx=replier */
    V_SYS_RECEIVE,           /* ebx=msg*, ecx=from pid or 0 (any)          -> edx=sender */
    V_SYS_REPLY,             /* ebx=msg*, ecx=to pid                                       */
    V_SYS_FORWARD,           /* ebx=msg*, ecx=from pid, edx=to pid                         */
    V_SYS_MOVETO,            /* ebx=to pid, ecx=dest (in to's space), edx=src, esi=len     */
    V_SYS_MOVEFROM,          /* ebx=from pid, ecx=dest, edx=src (in from's space), esi=len */
    V_SYS_RECEIVE_SEG,       /* ebx=msg*, ecx=from or 0, edx=buf, esi=buf len
                                                               -> edx=sender, ecx=bytes copied */
    V_SYS_REPLY_SEG,         /* ebx=msg*, ecx=to pid, edx=dest (in to's space), esi=src, edi=len */
    V_SYS_GETPID,            /* ebx=logical id (V_LOGICAL_*), 0 = self     -> edx=pid */
    V_SYS_SETPID,            /* ebx=logical id, ecx=pid                                    */
    V_SYS_DELAY,             /* ebx=milliseconds                                           */
    V_SYS_EXIT,              /* ebx=status: destroys the caller (its team if it is the root) */
    V_SYS_YIELD,             /* give up the CPU to a process of the same priority           */
    V_SYS_TIME,              /* -> edx=monotonic ns low, ecx=high                          */
    V_SYS_JOIN_GROUP,        /* ebx=group, ecx=pid of this node (0 = self)                 */
    V_SYS_LEAVE_GROUP,       /* ebx=group, ecx=pid (0 = self)                              */
    V_SYS_GET_REPLY,         /* ebx=msg*, ecx=timeout ms          -> edx=replier           */
    V_SYS_COUNT
};

/* Logical ids for GetPid/SetPid: services registered on this node. */
#define V_LOGICAL_SELF          0
#define V_LOGICAL_KERNEL_SERVER 1
#define V_LOGICAL_DEVICE_SERVER 2
#define V_LOGICAL_PM            3   /* program manager; default exception handler */
#define V_LOGICAL_EXCEPTION     4   /* node-wide default exception handler        */
#define V_LOGICAL_NAME          5   /* name handler (issue 4)                     */
#define V_LOGICAL_COUNT         8

#endif
