/*
 * timer.c - the PIT drives the scheduler tick; the TSC, calibrated against PIT channel 2
 * at boot, gives fine time. Under `-icount shift=0` both advance one ns per guest
 * instruction, so the calibration reads about 1 GHz there.
 */
#include "arch.h"
#include "cpu.h"
#include "x86.h"

#define PIT_HZ 1193182u

volatile uint64_t pit_ticks;
static uint32_t tsc_khz = 1000000;

/* PIT channel 2's count, latched, with the TSC read just before and just after the
 * latch: *tsc = their midpoint, *width = how far apart they were. */
static uint32_t pit2_sample(uint64_t *tsc, uint64_t *width)
{
    uint64_t a = rdtsc();
    outb(0x43, 0x80);                            /* latch channel 2 */
    uint32_t lo = inb(0x42), hi = inb(0x42);
    uint64_t b = rdtsc();
    *tsc = a + (b - a) / 2;
    *width = b - a;
    return lo | hi << 8;
}

/* Of 3 samples, the one whose TSC bracket is narrowest: a virtual CPU that its host
 * descheduled between the latch and the TSC read shows a wide bracket. */
static uint32_t pit2_best(uint64_t *tsc)
{
    uint64_t t, w, best_w = ~0ull;
    uint32_t c = 0;
    for (int i = 0; i < 3; i++) {
        uint32_t ci = pit2_sample(&t, &w);
        if (w < best_w) {
            best_w = w;
            c = ci;
            *tsc = t;
        }
    }
    return c;
}

/* TSC kHz over about 10 ms of PIT channel 2, counting down from 0xffff (mode 0). Both
 * ends are a latched count paired with a TSC read taken right then, so a host that
 * deschedules the virtual CPU while the window runs does not stretch it; only one that
 * does so inside a sample's few instructions can, and pit2_best avoids those. The old
 * way, polling the channel's output bit, counted every descheduled moment after the
 * window closed (seen: clocks 15-38% off under host load). 0 if the PIT did not count. */
static uint32_t tsc_khz_once(void)
{
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);     /* gate on, speaker off */
    outb(0x43, 0xb0);                            /* channel 2, lo/hi, mode 0 */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    uint64_t t0, t1;
    uint32_t c0 = pit2_best(&t0), c1 = c0;
    for (uint32_t spins = 0; spins < 100000000u; spins++) {
        c1 = pit2_best(&t1);
        if (c1 <= c0 && c0 - c1 >= PIT_HZ / 100)
            break;                               /* 10 ms of PIT ticks */
    }
    uint32_t ticks = c0 - c1;
    if (c1 > c0 || ticks < PIT_HZ / 200 || t1 <= t0)
        return 0;
    return (uint32_t)((t1 - t0) * PIT_HZ / ticks / 1000u);
}

/* The median of 5 measurements. */
static void calibrate_tsc(void)
{
    uint32_t k[5], n = 0;
    for (int i = 0; i < 5; i++) {
        uint32_t v = tsc_khz_once();
        if (v > 1000)
            k[n++] = v;
    }
    for (uint32_t i = 1; i < n; i++)             /* insertion sort, 5 at most */
        for (uint32_t j = i; j && k[j] < k[j - 1]; j--) {
            uint32_t x = k[j]; k[j] = k[j - 1]; k[j - 1] = x;
        }
    if (n)
        tsc_khz = k[n / 2];
}

void arch_timer_init(uint32_t hz)
{
    calibrate_tsc();
    uint32_t div = PIT_HZ / hz;
    outb(0x43, 0x34);                            /* channel 0, lo/hi, rate generator */
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
    arch_irq_enable(0);
}

uint64_t arch_cycles(void) { return rdtsc(); }
uint32_t arch_cycles_khz(void) { return tsc_khz; }

static uint32_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static uint32_t bcd(uint32_t v, int binary) { return binary ? v : (v & 0x0f) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_since_epoch(uint32_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2;
    uint32_t era = y / 400, yoe = y - era * 400;
    uint32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

uint64_t arch_rtc_epoch_seconds(void)
{
    while (cmos(0x0a) & 0x80)                    /* wait out an update in progress */
        ;
    int binary = cmos(0x0b) & 0x04;
    uint32_t s = bcd(cmos(0x00), binary), mi = bcd(cmos(0x02), binary), h = bcd(cmos(0x04) & 0x7f, binary);
    uint32_t d = bcd(cmos(0x07), binary), mo = bcd(cmos(0x08), binary), y = bcd(cmos(0x09), binary) + 2000;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    return days_since_epoch(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}
