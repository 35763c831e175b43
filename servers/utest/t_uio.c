/*
 * t_uio.c - the RAM store [tmp1] (servers/tmp) through the UIO client (libv/uio.c):
 * files, directories and their records, modes, and every error of docs/UIO.md's table
 * that a RAM store can give. t_uio2.c has instances of a dead creator, the 1 MiB file
 * and malformed requests. The node runs `init=name,tmp,utest` (tests/guest/run-guest.sh).
 */
#include "utest.h"
#include "t_uio.h"
#include <stdio.h>
#include <string.h>
#include <v/name.h>

/* Wait (up to 10 s) until [tmp1] resolves; its server's pid into *server (may be 0). */
int uio_ready(v_pid_t *server)
{
    struct v_name_entry e;
    int rc = V_ENOTFOUND;
    for (int i = 0; i < 100 && rc; i++)
        if ((rc = v_name_resolve("[tmp1]", &e, 0, 0)))
            v_delay(100);
    if (!rc && server)
        *server = e.server;
    return rc;
}

/* Open name with mode, and release at once: the open's result. */
int uio_try(const char *name, uint32_t mode)
{
    struct v_uio_file f;
    int rc = v_uio_open(name, mode, &f);
    if (!rc)
        v_uio_close(&f);
    return rc;
}

/* Make directory name (V_UIO_DIR | V_UIO_CREATE); the result. */
int uio_mkdir(const char *name) { return uio_try(name, V_UIO_DIR | V_UIO_CREATE); }

UTEST(uio_file_write_read_append_truncate_remove)
{
    struct v_uio_file f;
    char buf[32];
    uint32_t got;
    CHECK_EQ(uio_ready(0), V_OK);
    CHECK_EQ(v_uio_open("[tmp1]/f1", V_UIO_READ | V_UIO_WRITE | V_UIO_CREATE, &f), V_OK);
    CHECK(f.inst != 0);
    CHECK_EQ(f.kind, V_UIO_FILE);
    CHECK_EQ(f.size, 0);
    CHECK_EQ(f.flags, 0);
    CHECK_EQ(v_uio_write(&f, 0, "hello", 5, 0), V_OK);
    CHECK_EQ(v_uio_write(&f, 5, " world", 6, &got), V_OK);
    CHECK_EQ(got, 6);
    CHECK_EQ(v_uio_read(&f, 0, buf, sizeof(buf), &got), V_OK);
    CHECK_EQ(got, 11);
    CHECK(!memcmp(buf, "hello world", 11));
    CHECK_EQ(v_uio_read(&f, 6, buf, 3, &got), V_OK);     /* a middle */
    CHECK_EQ(got, 3);
    CHECK(!memcmp(buf, "wor", 3));
    CHECK_EQ(v_uio_read(&f, 11, buf, 8, &got), V_OK);    /* the end: 0 bytes */
    CHECK_EQ(got, 0);
    CHECK_EQ(v_uio_query(&f), V_OK);
    CHECK_EQ(f.size, 11);
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(v_uio_query(&f), V_EBADINST);               /* released */
    /* Append: the offset is ignored. */
    CHECK_EQ(v_uio_open("/tmp1/f1", V_UIO_WRITE | V_UIO_APPEND, &f), V_OK);
    CHECK_EQ(f.size, 11);
    CHECK_EQ(f.flags, 0);
    CHECK_EQ(v_uio_write(&f, 0, "!", 1, 0), V_OK);
    CHECK_EQ(v_uio_write(&f, 3, "?", 1, 0), V_OK);
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(v_uio_open("[tmp1]/f1", V_UIO_READ, &f), V_OK);
    CHECK_EQ(f.flags, V_UIO_F_READONLY);
    CHECK_EQ(f.size, 13);
    CHECK_EQ(v_uio_read(&f, 0, buf, sizeof(buf), &got), V_OK);
    CHECK_EQ(got, 13);
    CHECK(!memcmp(buf, "hello world!?", 13));
    CHECK_EQ(v_uio_write(&f, 0, "x", 1, 0), V_EROFS);    /* a read-only instance */
    CHECK_EQ(v_uio_set_size(&f, 0), V_EROFS);
    CHECK_EQ(v_uio_close(&f), V_OK);
    /* Truncation at open. */
    CHECK_EQ(v_uio_open("[tmp1]/f1", V_UIO_READ | V_UIO_WRITE | V_UIO_TRUNC, &f), V_OK);
    CHECK_EQ(f.size, 0);
    CHECK_EQ(v_uio_read(&f, 0, buf, sizeof(buf), &got), V_OK);
    CHECK_EQ(got, 0);
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/f1"), V_OK);
    CHECK_EQ(uio_try("[tmp1]/f1", V_UIO_READ), V_ENOTFOUND);
    CHECK_EQ(v_uio_remove("[tmp1]/f1"), V_ENOTFOUND);
}

UTEST(uio_set_size_and_writes_past_the_end_fill_zeros)
{
    struct v_uio_file f;
    uint8_t buf[64];
    uint32_t got;
    CHECK_EQ(uio_ready(0), V_OK);
    CHECK_EQ(v_uio_open("[tmp1]/f2", V_UIO_READ | V_UIO_WRITE | V_UIO_CREATE | V_UIO_EXCL,
                        &f), V_OK);
    CHECK_EQ(v_uio_write(&f, 0, "abcdef", 6, 0), V_OK);
    CHECK_EQ(v_uio_set_size(&f, 3), V_OK);
    CHECK_EQ(v_uio_set_size(&f, 8), V_OK);               /* grows with zeros */
    CHECK_EQ(v_uio_query(&f), V_OK);
    CHECK_EQ(f.size, 8);
    memset(buf, 0xee, sizeof(buf));
    CHECK_EQ(v_uio_read(&f, 0, buf, sizeof(buf), &got), V_OK);
    CHECK_EQ(got, 8);
    CHECK(!memcmp(buf, "abc\0\0\0\0\0", 8));
    CHECK_EQ(v_uio_write(&f, 12, "z", 1, 0), V_OK);      /* 4 bytes of zeros first */
    CHECK_EQ(v_uio_read(&f, 0, buf, sizeof(buf), &got), V_OK);
    CHECK_EQ(got, 13);
    CHECK(!memcmp(buf + 8, "\0\0\0\0z", 5));
    CHECK_EQ(v_uio_set_size(&f, 0), V_OK);
    CHECK_EQ(v_uio_read(&f, 0, buf, sizeof(buf), &got), V_OK);
    CHECK_EQ(got, 0);
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/f2"), V_OK);
}

/* Record k of the n in d named name, or 0. */
static const struct v_uio_dirent *find_ent(const struct v_uio_dirent *d, uint32_t n,
                                           const char *name)
{
    for (uint32_t k = 0; k < n; k++)
        if (!strcmp(d[k].name, name))
            return &d[k];
    return 0;
}

/* Every byte after a record's name's NUL is zero, name_len and reserved are right. */
static int ent_clean(const struct v_uio_dirent *e)
{
    if (e->reserved || e->name_len != strlen(e->name))
        return 0;
    for (uint32_t i = e->name_len; i < sizeof(e->name); i++)
        if (e->name[i])
            return 0;
    return 1;
}

UTEST(uio_directories_and_their_records)
{
    struct v_uio_dirent d[8];
    struct v_uio_file f;
    uint32_t n;
    CHECK_EQ(uio_ready(0), V_OK);
    CHECK_EQ(uio_mkdir("[tmp1]/d"), V_OK);
    CHECK_EQ(uio_mkdir("[tmp1]/d"), V_EEXIST);
    CHECK_EQ(uio_mkdir("[tmp1]/d/sub"), V_OK);
    CHECK_EQ(v_uio_open("[tmp1]/d/x", V_UIO_WRITE | V_UIO_CREATE, &f), V_OK);
    CHECK_EQ(v_uio_write(&f, 0, "1234567", 7, 0), V_OK);
    CHECK_EQ(v_uio_close(&f), V_OK);
    CHECK_EQ(uio_try("[tmp1]//d/./sub/", V_UIO_READ | V_UIO_DIR), V_OK);  /* / and . */
    CHECK_EQ(v_uio_list("[tmp1]/d", d, 8, &n), V_OK);
    CHECK_EQ(n, 2);
    const struct v_uio_dirent *x = find_ent(d, n, "x"), *sub = find_ent(d, n, "sub");
    CHECK(x && sub);
    CHECK_EQ(x->kind, V_UIO_FILE);
    CHECK_EQ(x->size, 7);
    CHECK_EQ(sub->kind, V_UIO_DIRECTORY);
    CHECK_EQ(sub->size, 0);
    CHECK(ent_clean(x) && ent_clean(sub));
    /* The directory's size is 64 per entry; records one at a time by offset. */
    CHECK_EQ(v_uio_open("[tmp1]/d", V_UIO_READ | V_UIO_DIR, &f), V_OK);
    CHECK_EQ(f.kind, V_UIO_DIRECTORY);
    CHECK_EQ(f.size, 2 * V_UIO_DIRENT_SIZE);
    CHECK_EQ(v_uio_read(&f, 64, d, 64, &n), V_OK);
    CHECK_EQ(n, 64);
    CHECK_EQ(v_uio_read(&f, 128, d, 64, &n), V_OK);       /* the end */
    CHECK_EQ(n, 0);
    CHECK_EQ(v_uio_read(&f, 32, d, 64, &n), V_EINVAL);    /* not a multiple of 64 */
    CHECK_EQ(v_uio_read(&f, 0, d, 100, &n), V_EINVAL);
    CHECK_EQ(v_uio_write(&f, 0, d, 64, 0), V_EROFS);      /* opened without WRITE */
    CHECK_EQ(v_uio_close(&f), V_OK);
    /* The root lists them too. */
    CHECK_EQ(v_uio_list("[tmp1]", d, 8, &n), V_OK);
    CHECK(find_ent(d, n, "d") != 0);
    CHECK_EQ(v_uio_remove("[tmp1]/d"), V_EBUSY);          /* not empty */
    CHECK_EQ(v_uio_remove("[tmp1]/d/sub"), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/d/x"), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/d"), V_OK);
    CHECK_EQ(v_uio_list("[tmp1]", d, 8, &n), V_OK);
    CHECK(find_ent(d, n, "d") == 0);
}

UTEST(uio_open_errors_of_the_table)
{
    char longname[80], comp[57];
    CHECK_EQ(uio_ready(0), V_OK);
    CHECK_EQ(uio_mkdir("[tmp1]/e"), V_OK);
    CHECK_EQ(uio_try("[tmp1]/e/f", V_UIO_WRITE | V_UIO_CREATE), V_OK);
    CHECK_EQ(uio_try("[tmp1]/e/none", V_UIO_READ), V_ENOTFOUND);
    CHECK_EQ(uio_try("[tmp1]/nodir/f", V_UIO_WRITE | V_UIO_CREATE), V_ENOTFOUND);
    CHECK_EQ(uio_try("[tmp1]/e/f", V_UIO_WRITE | V_UIO_CREATE | V_UIO_EXCL), V_EEXIST);
    CHECK_EQ(uio_try("[tmp1]/e", V_UIO_READ), V_EISDIR);
    CHECK_EQ(uio_try("[tmp1]/e", V_UIO_READ | V_UIO_WRITE | V_UIO_DIR), V_EISDIR);
    CHECK_EQ(uio_try("[tmp1]/e/f", V_UIO_READ | V_UIO_DIR), V_ENOTDIR);
    CHECK_EQ(uio_try("[tmp1]/e/f/g", V_UIO_READ | V_UIO_CREATE), V_ENOTDIR);
    CHECK_EQ(uio_mkdir("[tmp1]/e/f"), V_ENOTDIR);
    CHECK_EQ(uio_try("[tmp1]/e/f", 0x80 | V_UIO_READ), V_EINVAL);     /* a bad bit */
    CHECK_EQ(uio_try("[tmp1]/e/f", 0), V_EINVAL);                     /* no READ/WRITE */
    CHECK_EQ(uio_try("[tmp1]/e/f", V_UIO_CREATE), V_EINVAL);
    CHECK_EQ(uio_try("[tmp1]/e/../e/f", V_UIO_READ), V_EINVAL);       /* .. */
    CHECK_EQ(uio_try("[tmp1]/..", V_UIO_READ | V_UIO_DIR), V_EINVAL);
    CHECK_EQ(uio_try("[tmp1]", V_UIO_READ), V_EINVAL);                /* empty, a file */
    CHECK_EQ(uio_try("[tmp1]/", V_UIO_READ | V_UIO_DIR), V_OK);       /* the root */
    CHECK_EQ(uio_mkdir("[tmp1]"), V_EEXIST);
    memset(comp, 'n', 56);
    comp[56] = 0;
    snprintf(longname, sizeof(longname), "[tmp1]/e/%s", comp);
    CHECK_EQ(uio_try(longname, V_UIO_WRITE | V_UIO_CREATE), V_EINVAL); /* 56 bytes */
    longname[strlen(longname) - 1] = 0;                                /* 55: fine */
    CHECK_EQ(uio_try(longname, V_UIO_WRITE | V_UIO_CREATE), V_OK);
    CHECK_EQ(v_uio_remove(longname), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]"), V_EINVAL);                       /* the root */
    CHECK_EQ(v_uio_remove("[tmp1]/e/x/.."), V_EINVAL);
    CHECK_EQ(v_uio_remove("[tmp1]/e/f"), V_OK);
    CHECK_EQ(v_uio_remove("[tmp1]/e"), V_OK);
}
