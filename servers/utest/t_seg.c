/* t_seg.c - MoveTo, MoveFrom, ReceiveWithSegment, ReplyWithSegment and their checks. */
#include "utest.h"
#include <string.h>

static v_pid_t main_pid;
static uint8_t client_buf[8192];
static volatile int client_done, client_status;
static volatile uint16_t client_flags;

/* Sends one request granting client_flags over client_buf[0..4096), then records. */
static void grant_client(uint32_t code)
{
    struct v_msg m = { .code = (uint16_t)code, .flags = client_flags,
                       .seg_ptr = (uint32_t)client_buf, .seg_len = 4096 };
    int err = v_send(&m, main_pid);
    client_status = err ? err : v_msg_reply_code(&m);
    client_done = 1;
}

static v_pid_t start_client(uint16_t flags)
{
    main_pid = v_my_pid();
    client_done = 0;
    client_flags = flags;
    for (int i = 0; i < 4096; i++)
        client_buf[i] = (uint8_t)(i * 3);
    return ut_thread(grant_client, 0x66);
}

UTEST(move_to_and_move_from_within_the_grant)
{
    v_pid_t c = start_client(V_MSG_SEG_READ | V_MSG_SEG_WRITE);
    struct v_msg m;
    CHECK_EQ(v_receive_from(&m, c), V_OK);
    CHECK_EQ(m.seg_ptr, (uint32_t)client_buf);
    static uint8_t buf[4096];
    CHECK_EQ(v_move_from(c, buf, m.seg_ptr, 4096), V_OK);
    for (int i = 0; i < 4096; i++)
        CHECK_EQ(buf[i], (uint8_t)(i * 3));
    memset(buf, 0xa5, sizeof(buf));
    CHECK_EQ(v_move_to(c, m.seg_ptr + 100, buf, 200), V_OK);
    m.code = V_OK;
    CHECK_EQ(v_reply(&m, c), V_OK);
    ut_wait_flag(&client_done, 1000);
    CHECK_EQ(client_status, V_OK);
    CHECK_EQ(client_buf[99], (uint8_t)(99 * 3));
    CHECK_EQ(client_buf[100], 0xa5);
    CHECK_EQ(client_buf[299], 0xa5);
    CHECK_EQ(client_buf[300], (uint8_t)(300 * 3));
}

UTEST(move_errors_access_range_and_state)
{
    v_pid_t c = start_client(V_MSG_SEG_READ);  /* read-only grant */
    static uint8_t buf[64];
    v_delay(20);                               /* c is queued on us, not yet received */
    CHECK_EQ(v_move_from(c, buf, (uint32_t)client_buf, 16), V_ENOTAWAITING);
    struct v_msg m;
    CHECK_EQ(v_receive_from(&m, c), V_OK);
    CHECK_EQ(v_move_to(c, m.seg_ptr, buf, 16), V_ENOACCESS);        /* no write right */
    CHECK_EQ(v_move_from(c, buf, m.seg_ptr + 4090, 16), V_ERANGE); /* past its end */
    CHECK_EQ(v_move_from(c, buf, m.seg_ptr - 1, 2), V_ERANGE);     /* before its start */
    CHECK_EQ(v_move_from(c, buf, m.seg_ptr + 4096, 0), V_OK);      /* empty, at the end */
    CHECK_EQ(v_move_from(c, (void *)0x00100000, m.seg_ptr, 16), V_EBADADDR); /* kernel memory */
    CHECK_EQ(v_move_from(c, (void *)0x7ff00000, m.seg_ptr, 16), V_EBADADDR); /* unmapped */
    CHECK_EQ(v_move_from(main_pid, buf, m.seg_ptr, 16), V_ENOTAWAITING);      /* ourselves */
    CHECK_EQ(v_move_from(0x00fe7777, buf, m.seg_ptr, 16), V_ENOPROC);
    m.code = V_OK;
    CHECK_EQ(v_reply(&m, c), V_OK);
    CHECK_EQ(v_reply(&m, c), V_ENOTAWAITING);                       /* only once */
    ut_wait_flag(&client_done, 1000);
    CHECK_EQ(client_status, V_OK);
}

UTEST(move_to_write_only_grant_and_bad_source)
{
    v_pid_t c = start_client(V_MSG_SEG_WRITE);
    struct v_msg m;
    static uint8_t buf[64];
    CHECK_EQ(v_receive_from(&m, c), V_OK);
    CHECK_EQ(v_move_from(c, buf, m.seg_ptr, 16), V_ENOACCESS);
    CHECK_EQ(v_move_to(c, m.seg_ptr, (void *)0x00100000, 16), V_EBADADDR);
    CHECK_EQ(v_move_to(c, m.seg_ptr, buf, 4097), V_ERANGE);
    CHECK_EQ(v_move_to(c, m.seg_ptr + 4095, buf, 1), V_OK);
    m.code = V_OK;
    CHECK_EQ(v_reply(&m, c), V_OK);
    ut_wait_flag(&client_done, 1000);
}

UTEST(receive_with_segment_and_reply_with_segment)
{
    v_pid_t c = start_client(V_MSG_SEG_READ | V_MSG_SEG_WRITE);
    struct v_msg m;
    static uint8_t buf[64];
    v_pid_t from = 0;
    uint32_t len = sizeof(buf);
    v_delay(20);
    CHECK_EQ(v_receive_with_segment(&m, 0, &from, buf, &len), V_OK);
    CHECK_EQ(from, c);
    CHECK_EQ(len, 64);                        /* what fits of the 4096-byte segment */
    for (int i = 0; i < 64; i++)
        CHECK_EQ(buf[i], (uint8_t)(i * 3));
    const char text[] = "written by ReplyWithSegment";
    /* Out of range: an error, and the client is not replied to. */
    CHECK_EQ(v_reply_with_segment(&m, c, m.seg_ptr + 4090, text, sizeof(text)), V_ERANGE);
    CHECK_EQ(client_done, 0);
    m.code = V_OK;
    CHECK_EQ(v_reply_with_segment(&m, c, m.seg_ptr + 8, text, sizeof(text)), V_OK);
    ut_wait_flag(&client_done, 1000);
    CHECK_EQ(client_status, V_OK);
    CHECK(!memcmp(client_buf + 8, text, sizeof(text)));
}

UTEST(receive_with_segment_without_read_grant_copies_nothing)
{
    v_pid_t c = start_client(V_MSG_SEG_WRITE);
    struct v_msg m;
    static uint8_t buf[64];
    uint32_t len = sizeof(buf);
    v_pid_t from;
    CHECK_EQ(v_receive_with_segment(&m, c, &from, buf, &len), V_OK);
    CHECK_EQ(len, 0);
    m.code = V_OK;
    CHECK_EQ(v_reply(&m, c), V_OK);
    ut_wait_flag(&client_done, 1000);
}

UTEST(move_across_teams_64k_checksum)
{
    v_pid_t peer = ut_spawn("peer");
    CHECK(peer);
    static uint8_t big[65536];
    uint32_t want = 0;
    for (uint32_t i = 0; i < sizeof(big); i++) {
        big[i] = (uint8_t)(i ^ (i >> 8));
        want = want * 31 + big[i];
    }
    struct v_msg m = { .code = PEER_SUM, .flags = V_MSG_SEG_READ, .seg_ptr = (uint32_t)big,
                       .seg_len = sizeof(big) };
    CHECK_EQ(v_send(&m, peer), V_OK);
    CHECK_EQ(v_msg_reply_code(&m), V_OK);
    CHECK_EQ(m.w[0], want);
    struct v_msg f = { .code = PEER_FILL, .flags = V_MSG_SEG_WRITE, .seg_ptr = (uint32_t)big,
                       .seg_len = sizeof(big), .w = { 9 } };
    CHECK_EQ(v_send(&f, peer), V_OK);
    CHECK_EQ(v_msg_reply_code(&f), V_OK);
    for (uint32_t i = 0; i < sizeof(big); i += 997)
        CHECK_EQ(big[i], (uint8_t)(9 + i * 7));
    /* Without a grant the peer's MoveFrom fails, and it says so in its reply. */
    struct v_msg g = { .code = PEER_SUM, .seg_ptr = (uint32_t)big, .seg_len = 16 };
    CHECK_EQ(v_send(&g, peer), V_OK);
    CHECK_EQ(v_msg_reply_code(&g), V_ENOACCESS);
    CHECK_EQ(v_pm_kill(peer), V_OK);
}
