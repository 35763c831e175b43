/*
 * console.h - the device module's console: the serial port as a device reached by
 * messages to the device server (v/dev.h). Reads block the reader (awaiting the device
 * server's reply) until input arrives; the receive interrupt completes them.
 */
#ifndef KERNEL_DEV_CONSOLE_H
#define KERNEL_DEV_CONSOLE_H

#include "proc.h"

void console_init(void);
/* Serve a DEV_* request: the reply code, or IPC_DEFERRED for a read that must wait. */
int console_request(struct proc *client, struct v_msg *m);
/* p is being destroyed: drop it if it waits for input. */
void console_abandon(struct proc *p);

#endif
