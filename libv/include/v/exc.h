/*
 * v/exc.h - exceptions as messages. A fault in user mode blocks the faulting process
 * and sends, on its behalf, a V_REQ_EXCEPTION message to its team's exception handler.
 * The handler's Receive returns the faulting pid. It may Reply (code V_OK) to resume
 * the process, with V_EXC_SET_EIP in w0 to resume at w2, or destroy it (KS_DESTROY).
 */
#ifndef V_EXC_H
#define V_EXC_H

#define V_REQ_EXCEPTION 0x300
/* request: w0=vector, w1=hardware error code, w2=eip, w3=fault address (cr2), w4=esp */
#define V_EXC_SET_EIP   0x1u   /* in the reply's w0: resume at w2 instead of the same eip */

/* x86 vectors that reach a handler */
#define V_EXC_DIVIDE     0
#define V_EXC_BREAKPOINT 3
#define V_EXC_INVALID_OP 6
#define V_EXC_GPF        13
#define V_EXC_PAGE_FAULT 14

#endif
