/*
 * libv/exit.c - a program's start and end: v_start_main (the C half of crt0's _start),
 * exit, v_startup_info.
 */
#include <stdlib.h>
#include <v/ipc.h>
#include <v/kclient.h>
#include <v/pm.h>
#include <v/heap.h>

int main(int argc, char **argv);
__attribute__((noreturn)) void v_start_main(const struct v_startup *su);

static const struct v_startup *startup;

const struct v_startup *v_startup_info(void) { return startup; }

/* Called by _start with the record the program manager left at the top of our stack:
 * hand the free memory between the image and the stack to malloc, run main, exit. */
void v_start_main(const struct v_startup *su)
{
    startup = su;
    if (su->heap_end > su->heap_start)
        v_malloc_init((void *)(uintptr_t)su->heap_start, su->heap_end - su->heap_start);
    exit(main((int)su->argc, (char **)(uintptr_t)su->argv));
}

/* Tell the program manager our status (it passes it to whoever waits for us), then
 * end the team. The PM itself, and programs started without a PM, just end. */
void exit(int status)
{
    v_pid_t pm = V_PID_NONE, me = v_my_pid();
    struct v_msg m = { 0 };

    if (v_get_pid(V_LOGICAL_PM, &pm) == 0 && pm != V_PID_NONE && pm != me) {
        m.code = PM_EXIT;
        m.w[0] = (uint32_t)status;
        v_send(&m, pm);
    }
    v_exit_process(status);
}
