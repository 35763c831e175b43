/*
 * t_uio2.c - the RAM store [tmp1] under load and abuse: instances released when their
 * creator dies, a 1 MiB file (MoveFrom and MoveTo), no room (V_ENOSPC), and malformed
 * requests sent raw (no grant, bad ids, huge counts and offsets, long paths, forged
 * events), each answered with its error while the store keeps serving.
 */
#include "utest.h"
#include "t_uio.h"
#include <string.h>
#include <v/group.h>
#include <v/pm.h>

#define BIG      (1024u * 1024u)
#define CHUNK    (256u * 1024u)

static uint8_t chunk[CHUNK];

/* `utest uio-open`: open [tmp1]/dead/f, write its instance id into [tmp1]/dead/id,
 * and exit with the instance still open (its creator dies). */
int uio_child_main(void)
{
    struct v_uio_file f, idf;
    int rc = v_uio_open("[tmp1]/dead/f", V_UIO_READ | V_UIO_WRITE | V_UIO_CREATE, &f);
    if (!rc)
        rc = v_uio_open("[tmp1]/dead/id", V_UIO_WRITE | V_UIO_CREATE, &idf);
    if (!rc)
        rc = v_uio_write(&idf, 0, &f.inst, sizeof(f.inst), 0);
    if (!rc)
        rc = v_uio_close(&idf);
    return rc ? 1 : 0;
}

UTEST(uio_instances_of_a_dead_creator_are_released)
{
    struct v_uio_file f;
    uint32_t id = 0, got = 0;
    int status = -1, rc = V_OK;
    CHECK_EQ(uio_ready(0), V_OK);
    CHECK_EQ(uio_mkdir("[tmp1]/dead"), V_OK);
    v_pid_t child = ut_spawn("uio-open");
    CHECK(child != 0);
    CHECK_EQ(v_pm_wait(child, &status), V_OK);
    CHECK_EQ(status, 0);
    CHECK_EQ(v_uio_open("[tmp1]/dead/id", V_UIO_READ, &f), V_OK);
    CHECK_EQ(v_uio_read(&f, 0, &id, sizeof(id), &got), V_OK);
    CHECK_EQ(got, sizeof(id));
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK(id != 0);
    f.inst = id;                         /* the dead child's instance, on our server */
    for (int i = 0; i < 100 && (rc = v_uio_query(&f)) == V_OK; i++)
        v_delay(20);                     /* the death event is on its way */
    CHECK_EQ(rc, V_EBADINST);
    CHECK_EQ(v_uio_remove("[tmp1]/dead/f"), V_OK);   /* no instance holds it now */
    CHECK_EQ(v_uio_remove("[tmp1]/dead/id"), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/dead"), V_OK);
}

/* A byte of the big file's pattern at offset i. */
static uint8_t pat(uint32_t i) { return (uint8_t)(i * 7 + (i >> 11) * 13 + 1); }

static uint32_t sum(const uint8_t *p, uint32_t n, uint32_t s)
{
    for (uint32_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

UTEST(uio_one_mib_file_with_checksum)
{
    struct v_uio_file f;
    uint32_t got, sw = 0, sr = 0;
    CHECK_EQ(uio_ready(0), V_OK);
    CHECK_EQ(v_uio_open("[tmp1]/big", V_UIO_READ | V_UIO_WRITE | V_UIO_CREATE, &f), V_OK);
    for (uint32_t off = 0; off < BIG; off += CHUNK) {
        for (uint32_t i = 0; i < CHUNK; i++)
            chunk[i] = pat(off + i);
        sw = sum(chunk, CHUNK, sw);
        CHECK_EQ(v_uio_write(&f, off, chunk, CHUNK, &got), V_OK);
        CHECK_EQ(got, CHUNK);
    }
    CHECK_EQ(v_uio_query(&f), V_OK);
    CHECK_EQ(f.size, BIG);
    for (uint32_t off = 0; off < BIG; off += CHUNK) {
        memset(chunk, 0, CHUNK);
        CHECK_EQ(v_uio_read(&f, off, chunk, CHUNK, &got), V_OK);
        CHECK_EQ(got, CHUNK);
        sr = sum(chunk, CHUNK, sr);
    }
    CHECK_EQ(sr, sw);
    /* Around the inline limit: 1,408 bytes come with the reply, 1,409 by MoveTo. */
    CHECK_EQ(v_uio_read(&f, 5000, chunk, 1408, &got), V_OK);
    CHECK_EQ(got, 1408);
    CHECK(chunk[1407] == pat(5000 + 1407));
    CHECK_EQ(v_uio_read(&f, 5000, chunk, 1409, &got), V_OK);
    CHECK_EQ(got, 1409);
    CHECK(chunk[1408] == pat(5000 + 1408));
    CHECK_EQ(v_uio_read(&f, BIG - 100, chunk, CHUNK, &got), V_OK);  /* short at the end */
    CHECK_EQ(got, 100);
    CHECK(chunk[99] == pat(BIG - 1));
    /* An overwrite longer than the inline bytes, in the middle. */
    memset(chunk, 0x5a, 3000);
    CHECK_EQ(v_uio_write(&f, 100000, chunk, 3000, 0), V_OK);
    memset(chunk, 0, 3002);
    CHECK_EQ(v_uio_read(&f, 99999, chunk, 3002, &got), V_OK);
    CHECK(chunk[0] == pat(99999) && chunk[1] == 0x5a && chunk[3000] == 0x5a);
    CHECK(chunk[3001] == pat(103000));
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/big"), V_OK);
}

UTEST(uio_no_room_is_enospc_and_changes_nothing)
{
    struct v_uio_file f;
    uint32_t got;
    char b[4];
    CHECK_EQ(uio_ready(0), V_OK);
    CHECK_EQ(v_uio_open("[tmp1]/full", V_UIO_READ | V_UIO_WRITE | V_UIO_CREATE, &f), V_OK);
    CHECK_EQ(v_uio_write(&f, 0, "abc", 3, 0), V_OK);
    CHECK_EQ(v_uio_set_size(&f, 64u * 1024u * 1024u), V_ENOSPC);
    CHECK_EQ(v_uio_write(&f, 0x7ffffff0u, "x", 1, 0), V_ENOSPC);
    CHECK_EQ(v_uio_write(&f, 0xfffffff0u, chunk, 100, 0), V_EINVAL);   /* past 4 GiB */
    CHECK_EQ(v_uio_query(&f), V_OK);
    CHECK_EQ(f.size, 3);
    CHECK_EQ(v_uio_read(&f, 0, b, 4, &got), V_OK);
    CHECK_EQ(got, 3);
    CHECK(!memcmp(b, "abc", 3));
    /* Past the end: a read gives 0 bytes. */
    CHECK_EQ(v_uio_read(&f, 0x80000000u, b, 4, &got), V_OK);
    CHECK_EQ(got, 0);
    /* Instances: the table holds 128; more is V_ENOSPC, and nothing is left made. */
    static struct v_uio_file many[130];
    int n = 0, rc = V_OK;
    while (n < 130 && !(rc = v_uio_open("[tmp1]/full", V_UIO_READ, &many[n])))
        n++;
    CHECK_EQ(rc, V_ENOSPC);
    CHECK(n >= 100 && n < 130);
    CHECK_EQ(uio_try("[tmp1]/new", V_UIO_WRITE | V_UIO_CREATE), V_ENOSPC);
    for (int i = 0; i < n; i++)
        CHECK_EQ(v_uio_close(&many[i]), V_OK);
    CHECK_EQ(uio_try("[tmp1]/new", V_UIO_READ), V_ENOTFOUND);   /* was not made */
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/full"), V_OK);
}

/* Send a raw request to server; the reply code (or the Send's error). */
static int raw(v_pid_t server, struct v_msg *m)
{
    int rc = v_send(m, server);
    return rc ? rc : v_msg_reply_code(m);
}

/* A UIO_CREATE of path (len bytes granted) in context ctx with mode; an instance it
 * made is released at once. */
static int raw_create(v_pid_t server, const char *path, uint32_t len, uint32_t ctx,
                      uint32_t mode)
{
    struct v_msg m = { .code = UIO_CREATE, .w = { mode, ctx } };
    v_msg_grant(&m, V_MSG_SEG_READ, path, len);
    int rc = raw(server, &m);
    if (!rc) {
        struct v_uio_file f = { .server = server, .inst = m.w[0] };
        v_uio_close(&f);
    }
    return rc;
}

UTEST(uio_malformed_requests_are_refused_and_the_store_serves_on)
{
    static char longpath[300];
    struct v_uio_file f;
    v_pid_t s = 0;
    char b[64];
    CHECK_EQ(uio_ready(&s), V_OK);
    CHECK_EQ(v_uio_open("[tmp1]/raw", V_UIO_READ | V_UIO_WRITE | V_UIO_CREATE, &f), V_OK);
    CHECK_EQ(v_uio_write(&f, 0, "0123456789", 10, 0), V_OK);
    struct v_msg m = { .code = UIO_CREATE, .w = { V_UIO_READ } };     /* no grant */
    CHECK_EQ(raw(s, &m), V_ENOACCESS);
    m = (struct v_msg){ .code = UIO_READ, .w = { f.inst, 0, 4 } };     /* no W grant */
    v_msg_grant(&m, V_MSG_SEG_READ, b, 4);
    CHECK_EQ(raw(s, &m), V_ENOACCESS);
    m = (struct v_msg){ .code = UIO_WRITE, .w = { f.inst, 0, 4 } };    /* no R grant */
    v_msg_grant(&m, V_MSG_SEG_WRITE, b, 4);
    CHECK_EQ(raw(s, &m), V_ENOACCESS);
    m = (struct v_msg){ .code = UIO_READ, .w = { f.inst, 0, 0xffffffffu } }; /* huge */
    v_msg_grant(&m, V_MSG_SEG_WRITE, b, sizeof(b));
    CHECK_EQ(raw(s, &m), V_EINVAL);
    m = (struct v_msg){ .code = UIO_WRITE, .w = { f.inst, 0, 65 } };   /* > the grant */
    v_msg_grant(&m, V_MSG_SEG_READ, b, sizeof(b));
    CHECK_EQ(raw(s, &m), V_EINVAL);
    for (uint32_t id = 0; id < 3; id++) {                              /* bad ids */
        uint32_t bad = id == 0 ? 0 : id == 1 ? 0xdeadbeefu : f.inst + 1000;
        m = (struct v_msg){ .code = UIO_QUERY, .w = { bad } };
        CHECK_EQ(raw(s, &m), V_EBADINST);
        m = (struct v_msg){ .code = UIO_RELEASE, .w = { bad } };
        CHECK_EQ(raw(s, &m), V_EBADINST);
        m = (struct v_msg){ .code = UIO_SET_SIZE, .w = { bad, 5 } };
        CHECK_EQ(raw(s, &m), V_EBADINST);
        m = (struct v_msg){ .code = UIO_READ, .w = { bad, 0, 4 } };
        v_msg_grant(&m, V_MSG_SEG_WRITE, b, 4);
        CHECK_EQ(raw(s, &m), V_EBADINST);
    }
    m = (struct v_msg){ .code = 0x707 };
    CHECK_EQ(raw(s, &m), V_EBADCALL);
    memset(longpath, 'a', sizeof(longpath));
    for (uint32_t i = 50; i < sizeof(longpath); i += 50)
        longpath[i] = '/';
    CHECK_EQ(raw_create(s, longpath, 256, 0, V_UIO_READ), V_EINVAL);  /* 256 bytes */
    CHECK_EQ(raw_create(s, "a\0b", 3, 0, V_UIO_READ), V_EINVAL);     /* a NUL inside */
    CHECK_EQ(raw_create(s, "raw", 3, 0, V_UIO_READ | V_UIO_WRITE), V_OK);  /* no NUL */
    CHECK_EQ(raw_create(s, "raw", 4, 7, V_UIO_READ), V_ENOTFOUND);   /* no context 7 */
    m = (struct v_msg){ .code = V_EV_PROCESS_DIED, .w = { v_my_pid() } };  /* forged */
    CHECK_EQ(raw(s, &m), V_EPERM);
    CHECK_EQ(v_uio_query(&f), V_OK);                                  /* still ours */
    CHECK_EQ(f.size, 10);
    uint32_t got;
    CHECK_EQ(v_uio_read(&f, 2, b, 3, &got), V_OK);                    /* serving on */
    CHECK(got == 3 && !memcmp(b, "234", 3));
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/raw"), V_OK);
}
