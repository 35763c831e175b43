/*
 * servers/shell/shell.h - the console shell's internal interfaces.
 *   main.c      the read-parse-dispatch loop, the command table, help and echo.
 *   cmd_proc.c  commands about processes and programs: ps, run, kill, programs, send.
 *   cmd_node.c  commands about the node: mem, time, settime, devices, info, stats, halt.
 *   cmd_name.c  commands about names: lookup, names.
 *   cmd_cluster.c  the cluster view: nodes, groups (and the node-event watcher).
 * A command gets its words (argv[0] is the command) and prints its own errors; its
 * result only says whether it succeeded.
 */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include <stdint.h>
#include <v/ipc.h>

#define SH_LINE_MAX 256
#define SH_ARGS     16

struct sh_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *args;           /* usage, after the name */
    const char *help;
};

/* main.c */
int sh_usage(const char *name);
void sh_join(char *buf, uint32_t size, int argc, char **argv);
int sh_number(const char *s, uint32_t *out);   /* decimal or 0x hex; 0 or -1 */
const char *sh_status_text(int status, char *buf, uint32_t len);

/* cmd_proc.c */
int cmd_ps(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_programs(int argc, char **argv);
int cmd_send(int argc, char **argv);

/* cmd_cluster.c */
void sh_cluster_start(void);
extern uint32_t names_dropped;  /* shell name-cache entries dropped on kernel events */
int cmd_nodes(int argc, char **argv);
int cmd_groups(int argc, char **argv);

/* cmd_name.c */
int cmd_lookup(int argc, char **argv);
int cmd_names(int argc, char **argv);

/* cmd_node.c */
extern uint32_t sh_node;
int cmd_mem(int argc, char **argv);
int cmd_time(int argc, char **argv);
int cmd_settime(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_halt(int argc, char **argv);

#endif
