/*
 * tools/vctl/vctl.c - vctl, a Linux host tool that is itself a V process (libv on
 * Linux, docs/HOST.md): it asks nodes' kernel servers for their process list, memory,
 * node information, counters and time, and sends raw messages to any pid or group;
 * it resolves names through the nodes' name handlers.
 * This file: options, usage, dispatch, and the frame of --json's one document (the
 * top-level object, "command" and "exit"); the commands are in cmds.c and groups.c.
 * Exit status: 0 ok, 1 remote error or no answer, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vctl.h"

static const struct vctl_cmd cmds[] = {
    { "ps",     vctl_ps,     "@N | @*",           "process list of node N's kernel server, or of every node" },
    { "proc",   vctl_proc,   "PID",               "one process, from its own node's kernel server" },
    { "mem",    vctl_mem,    "@N",                "memory statistics of node N" },
    { "info",   vctl_info,   "@N",                "node, logical host, address, uptime, command line" },
    { "stats",  vctl_stats,  "@N",                "kernel counters of node N" },
    { "net",    vctl_net,    "@N",                "node N's protocol counters (packets, drops)" },
    { "ping",   vctl_ping,   "N [-c COUNT]",      "round trips (KS_GET_TIME) to node N's kernel server" },
    { "send",   vctl_send,   "PID CODE [W0..W4]", "one raw message: reply code, replier, words" },
    { "group",  vctl_group,  "send [--no-reply] GROUP CODE [W0..W4]",
                             "a group Send: every reply, one line each" },
    { "lookup", vctl_lookup, "[--at N] NAME...",  "resolve names ([pm2], /pm2): server, context, source" },
    { "names",  vctl_names,  "[@N]",              "node N's registered names (or this process's cache)" },
    { "groups", vctl_groups, "@N",                "node N's process group memberships" },
    { "whoami", vctl_whoami, "",                  "this process's pid and UDP port" },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

int vctl_json;

static void usage(FILE *f)
{
    fprintf(f, "usage: vctl [--json] [--timeout S] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NCMDS; i++)
        if (strlen(cmds[i].args) > 18)  /* too long for the column: help below it */
            fprintf(f, "  %-6s %s\n  %-6s %-18s %s\n", cmds[i].name, cmds[i].args, "", "",
                    cmds[i].help);
        else
            fprintf(f, "  %-6s %-18s %s\n", cmds[i].name, cmds[i].args, cmds[i].help);
    fprintf(f, "\noptions:\n"
            "  --timeout S  give up on each request after S seconds (default %u; 0: only\n"
            "               the protocol's own bound, 4.7 s of silence)\n"
            "  --json       print one JSON document on stdout instead of text, errors too:\n"
            "               an object with \"command\" and \"exit\" (the exit status), and on\n"
            "               failure \"error\", \"code\", \"name\" (V_E...); a value shown in\n"
            "               hex also as KEY_hex (docs/HOST.md has every command's keys)\n"
            "  -h, --help   this text (text, also with --json)\n\n"
            "Numbers are decimal or 0x hex; a node is N or @N (1..255). A GROUP is a group\n"
            "id (0x8...) or ks, pm, name (every kernel server, program manager, name handler).\n"
            "Environment (docs/HOST.md): V_BCAST and V_WHERE_PORT (where WHERE queries go,\n"
            "default 255.255.255.255:4377), V_PEERS (fixed bindings, e.g. @3=10.77.0.13),\n"
            "V_MCAST_IF (the address group Sends leave from; default: ours in VSYS_NET, else\n"
            "the first that is not loopback), V_NAMES (static names, e.g. [pm1]=0x00800101),\n"
            "V_LHOST, V_PORT, V_DEBUG=1 (trace packets on stderr).\n"
            "Exit status: 0 ok, 1 remote error or no answer, 2 usage (--json too).\n",
            VCTL_DEFAULT_TIMEOUT_S);
}

/* A usage error, as text on stderr or as the document's error members; returns the
 * usage exit status. */
static int usage_error(const char *text)
{
    if (vctl_json)
        jw_error(V_EINVAL, text);
    else
        fprintf(stderr, "%s\n", text);
    return VCTL_USAGE;
}

/* Report a usage error for cmd; returns the usage exit status. */
int vctl_usage(const char *cmd)
{
    char text[160];

    for (size_t i = 0; i < NCMDS; i++)
        if (!strcmp(cmds[i].name, cmd))
            snprintf(text, sizeof text, "usage: vctl %s %s", cmd, cmds[i].args);
    return usage_error(text);
}

/* --timeout S: seconds, fractions allowed, 0..86400. */
static int parse_timeout(const char *s, uint32_t *ms)
{
    char *end;
    double v = s ? strtod(s, &end) : -1;

    if (!s || !*s || *end || !(v >= 0 && v <= 86400))
        return -1;
    *ms = (uint32_t)(v * 1000 + 0.5);
    return 0;
}

/* The options before the command; the command's index, or -1 after --help (printed),
 * -2 after a bad option, -3 without a command (the error's text in err[len]). */
static int parse_options(int argc, char **argv, uint32_t *ms, char *err, size_t len)
{
    int i = 1;

    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(argv[i], "--json")) {
            i++;
        } else if (!strcmp(argv[i], "--timeout") && parse_timeout(argv[i + 1], ms) == 0) {
            i += 2;
        } else if (!strncmp(argv[i], "--timeout=", 10) && parse_timeout(argv[i] + 10, ms) == 0) {
            i++;
        } else {
            snprintf(err, len, "vctl: bad option '%.40s' (vctl --help)", argv[i]);
            return -2;
        }
    }
    if (i >= argc) {
        snprintf(err, len, "usage: vctl [--json] [--timeout S] COMMAND [ARGS] (vctl --help)");
        return -3;
    }
    return i;
}

/* Run the command argv[0] (argc words); vctl's exit status. */
static int dispatch(int argc, char **argv, uint32_t ms)
{
    char text[160];
    int rc;

    for (size_t c = 0; c < NCMDS; c++) {
        if (strcmp(cmds[c].name, argv[0]))
            continue;
        if (vctl_json)
            jw_str("command", cmds[c].name);
        if ((rc = v_host_init()) < 0) {
            snprintf(text, sizeof text, "vctl: cannot become a V process: %s", v_strerror(rc));
            if (vctl_json)
                jw_error(rc, text);
            else
                fprintf(stderr, "%s\n", text);
            return VCTL_FAIL;
        }
        v_host_set_timeout(ms);
        return cmds[c].fn(argc, argv);
    }
    if (vctl_json)
        jw_null("command");
    snprintf(text, sizeof text, "vctl: unknown command '%.40s' (vctl --help)", argv[0]);
    return usage_error(text);
}

/* --json anywhere among the options (before the command), so that a usage error in
 * an option before it is a document too. */
static int json_wanted(int argc, char **argv)
{
    for (int i = 1; i < argc && argv[i][0] == '-'; i++)
        if (!strcmp(argv[i], "--json"))
            return 1;
        else if (!strcmp(argv[i], "--timeout"))
            i++;
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t ms = VCTL_DEFAULT_TIMEOUT_S * 1000;
    char err[160];
    int i, rc;

    i = parse_options(argc, argv, &ms, err, sizeof err);
    if (i == -1)
        return VCTL_OK;                 /* --help: text, no document */
    vctl_json = json_wanted(argc, argv);
    if (vctl_json) {
        jw_start(stdout);
        jw_obj(NULL);
    }
    if (i == -3 && !vctl_json) {
        usage(stderr);                  /* no command: the whole usage text */
        rc = VCTL_USAGE;
    } else if (i < 0) {
        if (vctl_json)
            jw_null("command");
        rc = usage_error(err);
    } else {
        rc = dispatch(argc - i, argv + i, ms);
    }
    if (vctl_json) {
        jw_unwind(1);
        jw_int("exit", rc);
        if (jw_finish() < 0)
            fprintf(stderr, "vctl: bug: the JSON document was not nested right\n");
    }
    return rc;
}
