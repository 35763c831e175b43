/* client_uio.c - the ctest client's test of UIO across nodes (ct_test_uio): node 1
 * writes a 64 KiB file into node 2's RAM store [tmp2] (servers/tmp) and reads it back,
 * by MoveFrom and MoveTo across the network, and by the inline bytes of a short read. */
#include "client.h"
#include <string.h>
#include <v/name.h>
#include <v/uioclient.h>

#define UIO_N (64u * 1024u)

static uint8_t out[UIO_N], in[UIO_N];

/* Wait up to 10 s for [tmp2] to resolve (node 2 starts it at boot). */
static int tmp2_ready(v_pid_t *server)
{
    struct v_name_entry e;
    int rc = V_ENOTFOUND;
    for (int i = 0; i < 50 && rc; i++)
        if ((rc = v_name_resolve("[tmp2]", &e, 0, 0)))
            v_delay(200);
    *server = rc ? 0 : e.server;
    return rc;
}

/* Write out[] to [tmp2]/ct64, then read it back into in[]: V_OK or the first error. */
static int uio_round_trip(uint32_t *size, uint32_t *got)
{
    struct v_uio_file f;
    uint32_t mode = V_UIO_READ | V_UIO_WRITE | V_UIO_CREATE | V_UIO_TRUNC;
    int rc = v_uio_open("[tmp2]/ct64", mode, &f);
    if (!rc && !(rc = v_uio_write(&f, 0, out, UIO_N, 0)))
        rc = v_uio_close(&f);
    if (!rc && !(rc = v_uio_open("[tmp2]/ct64", V_UIO_READ, &f))) {
        *size = f.size;
        rc = v_uio_read(&f, 0, in, UIO_N, got);
        int crc = v_uio_close(&f);
        rc = rc ? rc : crc;
    }
    return rc;
}

/* A short read (its bytes come with the reply), then the file removed. */
static int uio_short_then_remove(uint8_t *b, uint32_t *got)
{
    struct v_uio_file f;
    int rc = v_uio_open("[tmp2]/ct64", V_UIO_READ, &f);
    if (!rc) {
        rc = v_uio_read(&f, 1000, b, 100, got);
        int crc = v_uio_close(&f);
        rc = rc ? rc : crc;
    }
    int rrc = v_uio_remove("[tmp2]/ct64");
    return rc ? rc : rrc;
}

void ct_test_uio(void)
{
    v_pid_t server = 0;
    uint32_t size = 0, got = 0, got2 = 0;
    uint8_t b[100];
    int rc = tmp2_ready(&server);
    CHECK("uio_tmp2_resolves_to_node_2", !rc && v_pid_lhost(server) == v_lhost_make(2, 0),
          "rc %d, server 0x%08x", rc, server);
    for (uint32_t i = 0; i < UIO_N; i++)
        out[i] = (uint8_t)(i * 13 + (i >> 9));
    memset(in, 0, sizeof(in));
    if (!rc)
        rc = uio_round_trip(&size, &got);
    CHECK("uio_64k_file_on_node_2_written_and_read_back", !rc && size == UIO_N &&
          got == UIO_N && ct_sum(in, UIO_N) == ct_sum(out, UIO_N),
          "rc %d, size %u, got %u, sums 0x%08x 0x%08x", rc, size, got, ct_sum(in, UIO_N),
          ct_sum(out, UIO_N));
    if (!rc)
        rc = uio_short_then_remove(b, &got2);
    CHECK("uio_short_read_inline_then_remove", !rc && got2 == 100 && !memcmp(b, out + 1000, 100)
          && v_uio_remove("[tmp2]/ct64") == V_ENOTFOUND, "rc %d, got %u", rc, got2);
}
