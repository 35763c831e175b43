/*
 * servers/hello/main.c - a demo program: says who it is and what it was given, and
 * exits with the number of its arguments (so `run hello a b` shows status 2).
 */
#include <stdio.h>
#include <v/ipc.h>
#include <v/kclient.h>

int main(int argc, char **argv)
{
    struct v_proc_info pi;
    v_pid_t me = v_my_pid(), team = me;
    char line[256];
    int i, n;

    if (v_ks_process_info(v_kernel_server(), me, &pi) == 0)
        team = pi.team;
    n = snprintf(line, sizeof line, "hello from pid 0x%08x (team 0x%08x) args:", me, team);
    for (i = 1; i < argc && n < (int)sizeof line; i++)
        n += snprintf(line + n, sizeof line - n, " %s", argv[i]);
    if (argc <= 1)
        snprintf(line + n, sizeof line - n, " (none)");
    printf("%s\n", line);
    return argc - 1;
}
