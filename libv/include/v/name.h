/*
 * v/name.h - character-string names, the client's prefix cache, and the name protocol
 * (docs/GROUPS.md, "Naming"). Shared by programs, the name handlers and host tools.
 *
 * Syntax (V's character-string names):
 *   name    = "[" context "]" rest          e.g. [pm2]   [storage]/usr/bin/ls
 *   context = 1..15 of  A-Z a-z 0-9 . _ -
 *   rest    = 0 or more bytes 0x21..0x7e (printable, no space), interpreted only by the
 *             server that owns the prefix
 *   a whole name is at most V_NAME_MAX bytes.
 * A path form is accepted as sugar and made canonical by v_name_canon:
 *   /context/rest  ==  [context]/rest            /pm2  ==  [pm2]
 * A prefix (what a server registers and a client caches) is a bracketed context
 * optionally followed by path components, each 1+ of the context characters:
 *   prefix  = "[" context "]" { "/" component }        at most V_NAME_PREFIX_MAX bytes
 * Prefix P matches name N when N starts with P and P ends in "]" or N continues with
 * "/" or ends there: [storage]/usr matches [storage]/usr and [storage]/usr/bin, not
 * [storage]/usrx; [pm] never matches [pm2]. The longest matching prefix owns the name,
 * so a server may hand a subtree to another by registering the longer prefix.
 *
 * Entry points: v_name_check, v_name_prefix_check, v_name_canon, v_name_match,
 * v_name_source_name, v_name_context_hash, v_name_context_group, v_name_cache_{init,insert,lookup,invalidate,invalidate_server,
 * invalidate_lhost,list} (libv/name_cache.c: pure, caller-supplied storage, no system
 * calls; times are passed in).
 */
#ifndef V_NAME_H
#define V_NAME_H

#include <stdint.h>
#include "msg.h"
#include "pid.h"

#define V_NAME_MAX          255   /* bytes of a whole name (no NUL) */
#define V_NAME_CONTEXT_MAX  15    /* bytes between the brackets */
#define V_NAME_PREFIX_MAX   31    /* bytes of a registered or cached prefix */

/* ---- The name protocol. Codes 0x500..0x5ff. ----
 * A name travels as the request's segment: a READ grant of exactly its bytes (no NUL),
 * seg_len = length <= V_NAME_MAX. It therefore rides inside the REQUEST packet (which
 * carries the first V_PROTO_MAX_DATA bytes of a READ grant), and ReceiveWithSegment gets it whole: a
 * lookup is one datagram each way. Reply codes are V_OK or a V_E* error. */
enum v_name_req {
    NAME_LOOKUP = 0x500,  /* seg R = name (canonical). Sent to the name's context
                             group (v_name_context_group: multicast to the handlers
                             that may own it), to V_GROUP_NAME_HANDLERS (every
                             handler), or to one handler (unicast). w0 = V_NAME_LK_*.
                             -> w0 = server pid, w1 = context id, w2 = bytes of the name
                                the owning prefix covers (the client caches name[0..w2)),
                                w3 = the answering handler's node.
                             A group member that owns no prefix of the name declines (it
                             replies with V_MSG_NO_REPLY: nothing goes on the wire).
                             Sent unicast, a handler that owns none: V_ENOTFOUND.      */
    NAME_REGISTER,        /* to the node's name handler (GetPid(V_LOGICAL_NAME)):
                             seg R = prefix; w0 = server (0: the sender), w1 = context id
                             -> V_OK; V_EINVAL (bad prefix), V_EBUSY (another live server
                             owns it, here or on another node), V_ENOPROC (the server
                             is not a live process of this node), V_ENOMEM             */
    NAME_UNREGISTER,      /* seg R = prefix; w0 = server (0: the sender)
                             -> V_OK, V_ENOTFOUND                                       */
    NAME_LIST,            /* seg W <- struct v_name_record[] (the handler's
                             registrations) -> w0 = total, w1 = records written,
                             w2 = NAME_LOOKUPs it has received, w3 = how many of them
                             it declined (group lookups for names it does not own)     */
};
#define V_NAME_LK_EXACT     0x1u  /* answer only for a prefix equal to the whole name */
#define V_NAME_LK_GROUP     0x2u  /* sent to the group: a handler that owns no prefix of
                                     the name declines instead of answering V_ENOTFOUND */
#define V_NAME_LK_VERIFY    0x4u  /* the asker found the last answer stale: check that the
                                     owner is alive (and drop it if not) before answering */
#define V_NAME_REG_UNIQUE   0x1u  /* NAME_REGISTER w2: first ask every handler (by group
                                     Send, up to V_GROUP_TIMEOUT_MS) that no other live
                                     server owns the prefix */

/* Where a cached answer came from. */
enum v_name_source {
    V_NAME_SRC_STATIC = 1,   /* configured; never evicted by LRU */
    V_NAME_SRC_MULTICAST,    /* a NAME_LOOKUP to a group of name handlers */
    V_NAME_SRC_UNICAST,      /* a NAME_LOOKUP to one known handler */
};

/* One registration or cache entry as a table travels (NAME_LIST, vctl, the shell). */
struct v_name_record {
    char prefix[V_NAME_PREFIX_MAX + 1];   /* NUL-terminated */
    v_pid_t server;
    uint32_t context;
    uint32_t source;                      /* enum v_name_source; 0 in a registration */
    uint32_t hits;
    uint32_t age_ms;                      /* since learned (or registered) */
};
_Static_assert(sizeof(struct v_name_record) == 52, "name records travel in tables");

/* V_OK if name (NUL-terminated) is a canonical name, else V_EINVAL. */
int v_name_check(const char *name);
/* V_OK if prefix is a valid prefix, else V_EINVAL. */
int v_name_prefix_check(const char *prefix);
/* Write the canonical form of in (bracketed, or the /context/rest path form) to out
 * (size bytes with the NUL). V_OK; V_EINVAL if in is not a name or does not fit. */
int v_name_canon(const char *in, char *out, uint32_t size);
/* The length of prefix when it matches name (rule above), else 0. */
uint32_t v_name_match(const char *prefix, const char *name);
/* "static", "multicast", "unicast", or "?" */
const char *v_name_source_name(uint32_t source);
/* The hash of the context of name or prefix (the bytes between its brackets):
 * FNV-1a, then v_group_mix. Fixed forever: every node and host tool must agree. */
uint32_t v_name_context_hash(const char *name);
/* The group a miss for name (or a registration of prefix) asks: the name handlers of
 * its context's slice, V_GROUP_NAME_CONTEXT(v_name_context_hash(name)) (v/group.h).
 * Every prefix of one context maps to one group, so the longest-prefix rule still sees
 * all candidates. V_PID_NONE if name does not start with a valid [context]. */
v_pid_t v_name_context_group(const char *name);

/* ---- The prefix cache ---- */
struct v_name_entry {
    char prefix[V_NAME_PREFIX_MAX + 1];   /* "": free */
    v_pid_t server;
    uint32_t context;
    uint32_t source;                      /* enum v_name_source */
    uint32_t hits;                        /* lookups it answered since learned */
    uint64_t learned_ns;                  /* inserted or last replaced */
    uint64_t used_ns;                     /* last hit (LRU order); learned_ns before */
};

struct v_name_cache {
    struct v_name_entry *e;
    uint32_t n;
    uint32_t hits, misses, evictions, invalidations;
};

void v_name_cache_init(struct v_name_cache *c, struct v_name_entry *storage, uint32_t n);
/* Remember prefix -> (server, context), learned from source at now_ns. An entry with
 * the same prefix is replaced (its hits restart if the server changed). Otherwise a free
 * entry is used, or the least recently used entry that is not static is evicted.
 * Errors: V_EINVAL (bad prefix, server 0, unknown source), V_ENOMEM (all static). */
int v_name_cache_insert(struct v_name_cache *c, const char *prefix, v_pid_t server,
                        uint32_t context, uint32_t source, uint64_t now_ns);
/* The entry with the longest prefix matching name (canonical): copied to *out (may be
 * 0), counted as a hit and marked used at now_ns; *rest_off (may be 0) = its length, so
 * name + *rest_off is what the server interprets. Errors: V_EINVAL (name malformed),
 * V_ENOTFOUND (a miss: ask the name handlers). */
int v_name_cache_lookup(struct v_name_cache *c, const char *name, uint64_t now_ns,
                        struct v_name_entry *out, uint32_t *rest_off);
/* Drop the entry for exactly prefix, if it still names server (server 0: whatever it
 * names), so that a stale answer found on use never drops a fresher one that replaced it
 * meanwhile. V_OK or V_ENOTFOUND. */
int v_name_cache_invalidate(struct v_name_cache *c, const char *prefix, v_pid_t server);
/* Drop every entry naming server (it died: V_EV_PROCESS_DIED). Returns how many. */
uint32_t v_name_cache_invalidate_server(struct v_name_cache *c, v_pid_t server);
/* Drop every entry whose server lives on logical host lhost (its node went down:
 * V_EV_NODE_DOWN names the node, whose own logical host is v_lhost_make(node, 0)). */
uint32_t v_name_cache_invalidate_lhost(struct v_name_cache *c, uint32_t lhost);
/* Copy up to max entries in use to out, sorted by prefix. Returns how many are in use. */
uint32_t v_name_cache_list(const struct v_name_cache *c, struct v_name_entry *out,
                           uint32_t max);

/* ---- The client (libv/name.c): a per-team cache in front of the name handlers ---- */

/* Resolve name (bracketed or /path form): the owning prefix's entry in *out, how many
 * bytes of the canonical name it covers in *rest_off (may be 0), and where the answer
 * came from in *source (V_NAME_SRC_*, or 0 for a cache hit; may be 0). A hit sends
 * nothing; a miss is one group Send to the name's context group
 * (v_name_context_group), and the answer is cached. Errors: V_EINVAL (not a name),
 * V_ENOTFOUND (no handler owns it; known within V_GROUP_TIMEOUT_MS). */
int v_name_resolve(const char *name, struct v_name_entry *out, uint32_t *rest_off,
                   uint32_t *source);
/* Ask `at` without looking in the cache: one handler (unicast; cached as unicast) or a
 * group of handlers (V_GROUP_NAME_HANDLERS, every one of them, or a context group;
 * cached as multicast). */
int v_name_resolve_at(v_pid_t at, const char *name, struct v_name_entry *out,
                      uint32_t *rest_off);
/* Resolve name, then Send m to its server (*replier may be 0). A Send that finds the
 * server gone (V_ENOPROC, V_EDESTROYED, V_ETIMEOUT) drops the cached entry, resolves
 * the name again by multicast with V_NAME_LK_VERIFY and retries once, so a server that
 * was replaced is found transparently. m must be resent intact: the caller's m is restored before the retry. */
int v_name_send(const char *name, struct v_msg *m, v_pid_t *replier);
/* Register prefix -> (server, context) with this node's name handler; server 0 = the
 * caller; flags V_NAME_REG_UNIQUE. Errors as NAME_REGISTER, V_ENOTFOUND (no handler). */
int v_name_register(const char *prefix, v_pid_t server, uint32_t context, uint32_t flags);
int v_name_unregister(const char *prefix, v_pid_t server);
/* This team's cache (for `names` listings and statistics). */
struct v_name_cache *v_name_cache_self(void);
/* Keep the cache fresh from a kernel event (v/group.h) that a process joined to
 * V_GROUP_EV_PROCESS_DIED or V_GROUP_EV_NODE received: a dead server's entries, or every
 * entry of a node that went down, are dropped. Returns how many; 0 for other messages. */
uint32_t v_name_cache_event(const struct v_msg *ev);

#endif
