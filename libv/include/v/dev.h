/*
 * v/dev.h - the device server protocol. The kernel's device module answers as the pid
 * v_pid_make(L, V_LOCAL_DEVICE_SERVER). w0 names the unit; unit 0 is the serial console.
 */
#ifndef V_DEV_H
#define V_DEV_H

enum v_dev_req {
    DEV_WRITE = 0x200,   /* w0=unit; seg R = bytes to write          -> w0=bytes written */
    DEV_READ,            /* w0=unit; seg W = buffer. Blocks until at least one byte is
                            there, then returns what is buffered    -> w0=bytes read     */
    DEV_QUERY,           /* w0=unit -> w0=bytes buffered for reading, w1=pending readers */
};

#define V_DEV_CONSOLE 0

#endif
