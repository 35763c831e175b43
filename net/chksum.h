/* chksum.h - the Internet checksum (RFC 1071) that lwIP uses (LWIP_CHKSUM, lwipopts.h). */
#ifndef NET_CHKSUM_H
#define NET_CHKSUM_H

#include <stdint.h>

/* The 16-bit one's complement sum of len bytes at data, taken as little-endian 16-bit
 * words from data's first byte (an odd last byte is the low half of a word), folded
 * and not complemented: what lwIP's own lwip_standard_chksum returns. Any alignment. */
uint16_t net_chksum(const void *data, int len);

#endif
