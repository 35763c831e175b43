/*
 * tools/vctl/vctl.h - vctl's commands (cmds.c, groups.c) and the dispatch table (vctl.c).
 * Each command takes its own argv (argv[0] = the command's name) and returns vctl's
 * exit status. Under --json (vctl_json) a command writes the members of the document's
 * top-level object (json.h), which vctl.c opens and closes, instead of text.
 */
#ifndef VCTL_H
#define VCTL_H

#include <v/kclient.h>
#include "vhost.h"
#include "json.h"

enum { VCTL_OK = 0, VCTL_FAIL = 1, VCTL_USAGE = 2 };
#define VCTL_DEFAULT_TIMEOUT_S 10u

struct vctl_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *args, *help;
};

extern int vctl_json;           /* --json: one JSON document on stdout */

int vctl_usage(const char *cmd);
void vctl_ps_line(const struct v_proc_info *p);
void vctl_ps_json(const struct v_proc_info *p);
void vctl_reply(const struct v_msg *m, v_pid_t from);
int vctl_ps(int argc, char **argv);
int vctl_proc(int argc, char **argv);
int vctl_mem(int argc, char **argv);
int vctl_info(int argc, char **argv);
int vctl_stats(int argc, char **argv);
int vctl_net(int argc, char **argv);
int vctl_ping(int argc, char **argv);
int vctl_send(int argc, char **argv);
int vctl_whoami(int argc, char **argv);
/* groups.c */
int vctl_ps_all(void);
int vctl_group(int argc, char **argv);
int vctl_lookup(int argc, char **argv);
int vctl_names(int argc, char **argv);
int vctl_groups(int argc, char **argv);

#endif
