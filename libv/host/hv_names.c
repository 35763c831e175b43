/*
 * hv_names.c - static names for host programs (docs/GROUPS.md, "The client" 5):
 * V_NAMES="[pm1]=0x00800101,[storage]/usr=0x01000105:3" puts each PREFIX=PID[:CONTEXT]
 * into this process's name cache (libv/name.c) as V_NAME_SRC_STATIC, so that it is
 * never evicted and never asked for by multicast.
 *
 * Entry point: hv_names_setup (hv.h), called once by hv_init.
 */
#include "hv.h"
#include <stdlib.h>
#include <string.h>
#include <v/name.h>

/* One PREFIX=PID[:CONTEXT] (NUL-terminated, modified in place) into the cache. */
static int add(char *e, uint64_t now)
{
    char *eq = strrchr(e, '='), *colon;
    uint32_t pid, ctx = 0;

    if (!eq)
        return V_EINVAL;
    *eq = 0;
    if ((colon = strchr(eq + 1, ':'))) {
        *colon = 0;
        if (hv_parse_u32(colon + 1, &ctx) < 0)
            return V_EINVAL;
    }
    if (hv_parse_u32(eq + 1, &pid) < 0 || !pid || v_pid_is_group(pid) ||
        v_name_prefix_check(e) < 0)
        return V_EINVAL;
    return v_name_cache_insert(v_name_cache_self(), e, pid, ctx, V_NAME_SRC_STATIC, now);
}

/* V_NAMES, if set: V_OK, or V_EINVAL (malformed: stderr says so; nothing is kept). */
int hv_names_setup(void)
{
    const char *s = getenv("V_NAMES");
    char buf[1024];
    int rc = V_OK;

    if (!s || !*s)
        return V_OK;
    if (strlen(s) >= sizeof buf)
        rc = V_EINVAL;
    else
        strcpy(buf, s);
    for (char *e = rc ? 0 : strtok(buf, ","); e && rc == V_OK; e = strtok(0, ","))
        rc = add(e, hv_now());
    if (rc < 0) {
        fprintf(stderr, "libv: V_NAMES=%s: want PREFIX=PID[:CONTEXT],... (e.g. "
                "[pm1]=0x00800101)\n", s);
        struct v_name_cache *c = v_name_cache_self();
        for (uint32_t i = 0; i < c->n; i++)
            c->e[i].prefix[0] = 0;
        return V_EINVAL;
    }
    return V_OK;
}
