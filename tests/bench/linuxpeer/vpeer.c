/*
 * vpeer.c - the Linux side of the side-by-side network benchmarks (docs/BENCH.md,
 * "Linux peer"). Built static by tests/bench/linuxpeer/build.sh and run by the
 * initramfs's /init inside a Linux guest on the benchmark bridge.
 *
 *   vpeer udp-server PORT                 echo 32-byte requests (word 0 + 1) until QUIT
 *   vpeer udp-client IP PORT N [R]        R rounds (default 5) of N 32-byte round trips
 *   vpeer udp-quit IP PORT                tell the udp-server to exit
 *   vpeer tcp-sink PORT                   receive transfers, acknowledge each one
 *   vpeer tcp-send IP PORT BYTES N [R]    R rounds of N transfers of BYTES each
 *
 * Clients print one line each, times from clock_gettime(CLOCK_MONOTONIC) in the guest:
 *   LINUXBENCH name=udp_rtt32 bytes=32 iters=N rounds=R warmup=W ns_per_op=... ...
 *   LINUXBENCH name=tcp_64k bytes=65536 iters=N rounds=R warmup=W ns_per_op=...
 *              mb_per_s=... round_ns=...
 * The figures are those of the median round; round_ns lists every round. A transfer is
 * an 8-byte header (magic, length), the bytes, then an 8-byte acknowledgment from the
 * sink once it holds them all (as a V MoveTo ends with the mover's reply). Clients wait
 * (bounded) for their server to come up, since both guests boot at once.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG_BYTES 32
#define MAX_ROUNDS 16
#define CONTACT_S 90          /* how long a client waits for its server */
#define MAGIC_DATA 0x56504552u /* "VPER" */
#define MAGIC_QUIT 0x51554954u /* "QUIT" */

static uint64_t now_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void die(const char *what)
{
  fprintf(stderr, "vpeer: %s: %s\n", what, strerror(errno));
  printf("LINUXBENCH-ERROR what=\"%s\" errno=%d\n", what, errno);
  fflush(stdout);
  exit(1);
}

static unsigned long num(const char *s, const char *what)
{
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (*s == 0 || *end != 0) {
    fprintf(stderr, "vpeer: bad %s '%s'\n", what, s);
    exit(2);
  }
  return v;
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
  struct sockaddr_in a = { .sin_family = AF_INET };
  a.sin_port = htons((uint16_t)num(port, "port"));
  if (ip == NULL)
    a.sin_addr.s_addr = htonl(INADDR_ANY);
  else if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
    fprintf(stderr, "vpeer: bad address '%s'\n", ip);
    exit(2);
  }
  return a;
}

static void set_rcvtimeo(int s, long ms)
{
  struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
  if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
    die("setsockopt SO_RCVTIMEO");
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The median of n round times (the upper one for even n). */
static uint64_t median(const uint64_t *round_ns, int n)
{
  uint64_t sorted[MAX_ROUNDS];
  memcpy(sorted, round_ns, (size_t)n * sizeof *sorted);
  qsort(sorted, (size_t)n, sizeof *sorted, cmp_u64);
  return sorted[n / 2];
}

static void print_rounds(const uint64_t *round_ns, int n)
{
  printf(" round_ns=");
  for (int i = 0; i < n; i++)
    printf("%s%llu", i ? "," : "", (unsigned long long)round_ns[i]);
  printf("\n");
  fflush(stdout);
}

/* ---- UDP: 32-byte request, 32-byte response ---------------------------------------- */

static int udp_server(const char *port)
{
  struct sockaddr_in a = addr_of(NULL, port), from;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0)
    die("udp-server bind");
  printf("VPEER udp-server port=%s ready\n", port);
  fflush(stdout);
  for (;;) {
    uint32_t buf[MSG_BYTES / 4 + 1];
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      die("udp-server recvfrom");
    }
    if (n != MSG_BYTES)
      continue;
    int quit = buf[1] == MAGIC_QUIT;
    buf[0] += 1;
    sendto(s, buf, MSG_BYTES, 0, (struct sockaddr *)&from, fl);
    if (quit) {
      printf("VPEER udp-server quit\n");
      return 0;
    }
  }
}

/* One round trip of request seq; resends after 200 ms without an answer (counted in
 * *lost) and drops stale answers. Returns 0, or -1 once `deadline` (ns) has passed. */
static int udp_exchange(int s, uint32_t seq, uint32_t kind, unsigned long *lost,
                        uint64_t deadline)
{
  uint32_t req[MSG_BYTES / 4] = { seq, kind }, rep[MSG_BYTES / 4 + 1];
  for (int i = 2; i < MSG_BYTES / 4; i++)
    req[i] = seq * 2654435761u + (uint32_t)i;
  if (send(s, req, sizeof req, 0) < 0 && errno != ECONNREFUSED)
    die("udp send");
  for (;;) {
    ssize_t n = recv(s, rep, sizeof rep, 0);
    if (n == MSG_BYTES && rep[0] == seq + 1 && rep[2] == req[2])
      return 0;
    if (n >= 0 || errno == EINTR)
      continue;                      /* a stale or foreign datagram */
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED)
      die("udp recv");
    if (now_ns() > deadline)
      return -1;
    if (errno == ECONNREFUSED)       /* server's port not open yet: don't spin */
      usleep(100000);
    (*lost)++;
    if (send(s, req, sizeof req, 0) < 0 && errno != ECONNREFUSED)
      die("udp resend");
  }
}

static int udp_connect(const char *ip, const char *port)
{
  struct sockaddr_in a = addr_of(ip, port);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0)
    die("udp connect");
  set_rcvtimeo(s, 200);
  return s;
}

static int udp_client(const char *ip, const char *port, unsigned long n, int rounds)
{
  int s = udp_connect(ip, port);
  unsigned long lost = 0, warm = n / 10 < 100 ? 100 : n / 10;
  uint32_t seq = 1;
  uint64_t t0 = now_ns(), round_ns[MAX_ROUNDS];

  if (udp_exchange(s, seq++, MAGIC_DATA, &lost, t0 + CONTACT_S * 1000000000ull) < 0) {
    printf("LINUXBENCH-ERROR name=udp_rtt32 error=no-answer-from-%s:%s\n", ip, port);
    return 1;
  }
  printf("VPEER udp-client contact after %.1f ms (%lu resends)\n",
         (now_ns() - t0) / 1e6, lost);
  for (unsigned long i = 0; i < warm; i++)
    if (udp_exchange(s, seq++, MAGIC_DATA, &lost, now_ns() + 10000000000ull) < 0)
      goto timeout;
  lost = 0;
  for (int r = 0; r < rounds; r++) {
    uint64_t start = now_ns();
    for (unsigned long i = 0; i < n; i++)
      if (udp_exchange(s, seq++, MAGIC_DATA, &lost, start + 60000000000ull) < 0)
        goto timeout;
    round_ns[r] = now_ns() - start;
  }
  printf("LINUXBENCH name=udp_rtt32 bytes=%d iters=%lu rounds=%d warmup=%lu ns_per_op=%.1f"
         " resends=%lu", MSG_BYTES, n, rounds, warm, (double)median(round_ns, rounds) / n,
         lost);
  print_rounds(round_ns, rounds);
  return 0;
timeout:
  printf("LINUXBENCH-ERROR name=udp_rtt32 error=timeout seq=%u\n", seq);
  return 1;
}

static int udp_quit(const char *ip, const char *port)
{
  int s = udp_connect(ip, port);
  unsigned long lost = 0;
  return udp_exchange(s, 0x7fffffff, MAGIC_QUIT, &lost, now_ns() + 5000000000ull) < 0;
}

/* ---- TCP: bulk transfers, each acknowledged ---------------------------------------- */

static int read_full(int s, void *buf, size_t len)
{
  for (size_t got = 0; got < len;) {
    ssize_t n = read(s, (char *)buf + got, len - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    got += (size_t)n;
  }
  return 0;
}

static int write_full(int s, const void *buf, size_t len)
{
  for (size_t put = 0; put < len;) {
    ssize_t n = write(s, (const char *)buf + put, len - put);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    put += (size_t)n;
  }
  return 0;
}

/* Serve one connection: transfers until the sender closes. Returns 1 on QUIT. */
static int tcp_serve(int c, char *buf, size_t cap)
{
  uint32_t hdr[2];
  while (read_full(c, hdr, sizeof hdr) == 0) {
    if (hdr[0] == MAGIC_QUIT)
      return 1;
    if (hdr[0] != MAGIC_DATA)
      return 0;
    for (uint32_t left = hdr[1]; left > 0;) {
      size_t chunk = left < cap ? left : cap;
      if (read_full(c, buf, chunk) < 0)
        return 0;
      left -= (uint32_t)chunk;
    }
    if (write_full(c, hdr, sizeof hdr) < 0)
      return 0;
  }
  return 0;
}

static int tcp_sink(const char *port)
{
  struct sockaddr_in a = addr_of(NULL, port);
  static char buf[1 << 16];
  int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0)
    die("tcp-sink socket");
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4) < 0)
    die("tcp-sink bind");
  printf("VPEER tcp-sink port=%s ready\n", port);
  fflush(stdout);
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c < 0) {
      if (errno == EINTR)
        continue;
      die("tcp-sink accept");
    }
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int quit = tcp_serve(c, buf, sizeof buf);
    close(c);
    if (quit)
      return 0;
  }
}

/* Connect, retrying while the server's guest is still booting. */
static int tcp_connect(const char *ip, const char *port)
{
  struct sockaddr_in a = addr_of(ip, port);
  uint64_t deadline = now_ns() + CONTACT_S * 1000000000ull;
  int one = 1;
  for (;;) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
      die("tcp socket");
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return s;
    }
    close(s);
    if (now_ns() > deadline)
      die("tcp connect");
    usleep(200000);
  }
}

static int tcp_transfer(int s, const char *data, uint32_t bytes)
{
  uint32_t hdr[2] = { MAGIC_DATA, bytes }, ack[2];
  if (write_full(s, hdr, sizeof hdr) < 0 || write_full(s, data, bytes) < 0 ||
      read_full(s, ack, sizeof ack) < 0)
    return -1;
  return ack[0] == MAGIC_DATA && ack[1] == bytes ? 0 : -1;
}

static int tcp_send(const char *ip, const char *port, unsigned long bytes, unsigned long n,
                    int rounds)
{
  char name[32];
  if (bytes % (1 << 20) == 0)
    snprintf(name, sizeof name, "tcp_%lum", bytes >> 20);
  else if (bytes % 1024 == 0)
    snprintf(name, sizeof name, "tcp_%luk", bytes >> 10);
  else
    snprintf(name, sizeof name, "tcp_%lu", bytes);
  if (bytes == 0 || bytes > (1ul << 30)) {
    fprintf(stderr, "vpeer: BYTES must be 1 .. 2^30\n");
    return 2;
  }
  char *data = malloc(bytes);
  if (data == NULL)
    die("malloc");
  for (unsigned long i = 0; i < bytes; i++)
    data[i] = (char)(i * 7 + 1);
  int s = tcp_connect(ip, port);
  unsigned long warm = n / 10 < 2 ? 2 : n / 10;
  uint64_t round_ns[MAX_ROUNDS];
  for (unsigned long i = 0; i < warm; i++)
    if (tcp_transfer(s, data, (uint32_t)bytes) < 0)
      goto fail;
  for (int r = 0; r < rounds; r++) {
    uint64_t start = now_ns();
    for (unsigned long i = 0; i < n; i++)
      if (tcp_transfer(s, data, (uint32_t)bytes) < 0)
        goto fail;
    round_ns[r] = now_ns() - start;
  }
  uint64_t med = median(round_ns, rounds);
  printf("LINUXBENCH name=%s bytes=%lu iters=%lu rounds=%d warmup=%lu ns_per_op=%.1f"
         " mb_per_s=%.2f", name, bytes, n, rounds, warm, (double)med / n,
         (double)bytes * n * 1000.0 / (double)med);
  print_rounds(round_ns, rounds);
  close(s);
  return 0;
fail:
  printf("LINUXBENCH-ERROR name=%s error=transfer-failed\n", name);
  return 1;
}

static int tcp_quit(const char *ip, const char *port)
{
  uint32_t hdr[2] = { MAGIC_QUIT, 0 };
  int s = tcp_connect(ip, port);
  int rc = write_full(s, hdr, sizeof hdr) < 0;
  close(s);
  return rc;
}

static int rounds_arg(int argc, char **argv, int i)
{
  unsigned long r = argc > i ? num(argv[i], "rounds") : 5;
  if (r < 1 || r > MAX_ROUNDS) {
    fprintf(stderr, "vpeer: rounds must be 1 .. %d\n", MAX_ROUNDS);
    exit(2);
  }
  return (int)r;
}

static int usage(void)
{
  fprintf(stderr, "usage: vpeer udp-server PORT | udp-client IP PORT N [ROUNDS] |"
                  " udp-quit IP PORT\n"
                  "       vpeer tcp-sink PORT | tcp-send IP PORT BYTES N [ROUNDS] |"
                  " tcp-quit IP PORT\n");
  return 2;
}

int main(int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : "";
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!strcmp(cmd, "udp-server") && argc == 3)
    return udp_server(argv[2]);
  if (!strcmp(cmd, "udp-client") && (argc == 5 || argc == 6) && num(argv[4], "N") > 0)
    return udp_client(argv[2], argv[3], num(argv[4], "N"), rounds_arg(argc, argv, 5));
  if (!strcmp(cmd, "udp-quit") && argc == 4)
    return udp_quit(argv[2], argv[3]);
  if (!strcmp(cmd, "tcp-sink") && argc == 3)
    return tcp_sink(argv[2]);
  if (!strcmp(cmd, "tcp-send") && (argc == 6 || argc == 7) && num(argv[5], "N") > 0)
    return tcp_send(argv[2], argv[3], num(argv[4], "BYTES"), num(argv[5], "N"),
                    rounds_arg(argc, argv, 6));
  if (!strcmp(cmd, "tcp-quit") && argc == 4)
    return tcp_quit(argv[2], argv[3]);
  return usage();
}
