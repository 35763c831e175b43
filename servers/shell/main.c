/*
 * servers/shell/main.c - the console shell: prompt "vsys@N> ", read a line, split it
 * into words, run the command the first word names (table below).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v/kclient.h>
#include <v/pm.h>
#include "shell.h"

static int cmd_help(int argc, char **argv);
static int cmd_echo(int argc, char **argv);

static const struct sh_cmd commands[] = {
    { "help",     cmd_help,     "",                      "list the commands" },
    { "ps",       cmd_ps,       "[@NODE|@*]",            "processes of this node, of node NODE, or of every node" },
    { "lookup",   cmd_lookup,   "NAME [@NODE]",          "resolve a name ([pm2], /pm2), or ask node NODE's handler" },
    { "names",    cmd_names,    "[@NODE]",               "this shell's name cache, or node NODE's registrations" },
    { "nodes",    cmd_nodes,    "",                      "nodes that answer now, and node events heard" },
    { "groups",   cmd_groups,   "[@NODE]",               "process group memberships of this node or of NODE" },
    { "run",      cmd_run,      "[@*] NAME [ARGS...] [&]", "run a program, wait for it unless '&'; @*: on every node" },
    { "kill",     cmd_kill,     "PID",                   "destroy the team of PID" },
    { "programs", cmd_programs, "",                      "programs in the boot bundle" },
    { "send",     cmd_send,     "PID CODE [W0..W4]",     "send a raw message, show the reply" },
    { "mem",      cmd_mem,      "",                      "memory use" },
    { "time",     cmd_time,     "",                      "uptime and time of day" },
    { "settime",  cmd_settime,  "SECONDS",               "set the time of day (seconds since 1970)" },
    { "devices",  cmd_devices,  "",                      "PCI devices" },
    { "info",     cmd_info,     "",                      "node, logical host, server pids, command line" },
    { "stats",    cmd_stats,    "",                      "kernel counters" },
    { "echo",     cmd_echo,     "[WORDS...]",            "print the words" },
    { "halt",     cmd_halt,     "[STATUS]",              "stop the node" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

int sh_usage(const char *name)
{
    uint32_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            printf("usage: %s %s\n", name, commands[i].args);
    return -1;
}

/* Parse a whole word as a number: decimal, or hex after 0x. */
int sh_number(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;

    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    v = strtoul(s, &end, 0);
    if (*end)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* An exit status as words: "status N", "killed", "faulted". */
const char *sh_status_text(int status, char *buf, uint32_t len)
{
    if (status == V_PM_KILLED)
        return "killed";
    if (status == V_PM_FAULTED)
        return "faulted";
    snprintf(buf, len, "exit status %d", status);
    return buf;
}

static int cmd_help(int argc, char **argv)
{
    uint32_t i;
    char left[48];

    (void)argv;
    if (argc != 1)
        return sh_usage("help");
    for (i = 0; i < NCOMMANDS; i++) {
        snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].args);
        printf("  %-28s %s\n", left, commands[i].help);
    }
    printf("Numbers may be given in hex with 0x. Pids print as 0x%%08x.\n");
    return 0;
}

/* Join words with single blanks into buf (truncated to fit). */
void sh_join(char *buf, uint32_t size, int argc, char **argv)
{
    uint32_t n = 0, l;
    int i;

    for (i = 0; i < argc && n + 1 < size; i++) {
        if (i > 0)
            buf[n++] = ' ';
        l = strlen(argv[i]);
        if (l > size - 1 - n)
            l = size - 1 - n;
        memcpy(buf + n, argv[i], l);
        n += l;
    }
    buf[n < size ? n : size - 1] = 0;
}

static int cmd_echo(int argc, char **argv)
{
    char line[SH_LINE_MAX + 2];

    sh_join(line, sizeof line, argc - 1, argv + 1);
    printf("%s\n", line);
    return 0;
}

static int split(char *line, char **argv, int max)
{
    int argc = 0;

    for (;;) {
        while (*line == ' ' || *line == '\t')
            *line++ = 0;
        if (!*line)
            return argc;
        if (argc == max)
            return -1;
        argv[argc++] = line;
        while (*line && *line != ' ' && *line != '\t')
            line++;
    }
}

static void execute(char *line)
{
    char *argv[SH_ARGS + 1];
    int argc;
    uint32_t i;

    if ((argc = split(line, argv, SH_ARGS)) < 0) {
        printf("too many words (at most %d)\n", SH_ARGS);
        return;
    }
    if (argc == 0)
        return;
    argv[argc] = 0;
    for (i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, argv[0])) {
            commands[i].fn(argc, argv);
            return;
        }
    printf("unknown command '%s' (try help)\n", argv[0]);
}

int main(int argc, char **argv)
{
    static char line[SH_LINE_MAX];
    struct v_node_info ni;
    int n;

    (void)argc;
    (void)argv;
    if (v_ks_node_info(v_kernel_server(), &ni, 0, 0) == 0)
        sh_node = ni.node;
    printf("vsys shell on node %u (pid 0x%08x); type help\n", sh_node, v_my_pid());
    sh_cluster_start();
    for (;;) {
        printf("vsys@%u> ", sh_node);
        if ((n = v_readline(line, sizeof line)) < 0) {
            printf("shell: console read failed: %s\n", v_strerror(n));
            v_delay(1000);
            continue;
        }
        execute(line);
    }
}
