/*
 * v/startup.h - what a program finds at the top of its stack when its team starts.
 * The program manager writes it there (MoveTo) before it starts the team; crt0 reads it.
 */
#ifndef V_STARTUP_H
#define V_STARTUP_H

#include <stdint.h>

#define V_USER_BASE   0x40000000u   /* first user address of every team */
#define V_USER_LIMIT  0x80000000u   /* first address past user space    */
#define V_STACK_SIZE  (64u * 1024u) /* the root process's stack, at the top of the team */

struct v_startup {
    uint32_t argc;
    uint32_t argv;        /* char **, in the team's space */
    uint32_t heap_start;  /* first free byte after the image */
    uint32_t heap_end;    /* first byte of the stack area */
    uint32_t parent;      /* pid that asked for this program to run */
};

#endif
