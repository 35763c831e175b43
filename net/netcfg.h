/*
 * netcfg.h - the node's IPv4 settings from the kernel command line (net/netcfg.c).
 * Pure: no arch or lwIP headers, so tests/unit/test_netcfg.c checks it on the host.
 *
 *   ip=A.B.C.D/NN   static address and prefix length (/NN may be left out: /24)
 *   ip=A.B.C.D/M.M.M.M  the same with a netmask (contiguous), as an iPXE script passes
 *                   ${net0/ip}/${net0/netmask}
 *   gw=A.B.C.D      default gateway (optional)
 *   mtu=N           the link's IP MTU, decimal NETCFG_MTU_MIN..NETCFG_MTU_MAX (default
 *                   1500); above 1500 the NIC sends and takes jumbo frames (docs/NET.md)
 * No ip= (or ip=dhcp) means DHCP. Addresses are host byte order here.
 */
#ifndef NET_NETCFG_H
#define NET_NETCFG_H

#include <stdint.h>

struct netcfg {
    int dhcp;                     /* 1: no ip= given, ask DHCP */
    uint32_t addr, mask, gw;      /* host byte order; gw 0 if none */
    uint32_t prefix;              /* 0..32 */
};

/* Parse "A.B.C.D" (four decimal parts 0..255, nothing after): 0 or V_EINVAL. */
int netcfg_parse_addr(const char *s, uint32_t *out);
/* Parse "A.B.C.D/NN", "A.B.C.D/M.M.M.M" (a contiguous netmask) or "A.B.C.D": 0 or
 * V_EINVAL. */
int netcfg_parse_cidr(const char *s, uint32_t *addr, uint32_t *prefix);
/* Fill cfg from the command line cl. V_EINVAL names a malformed ip= or gw= (cfg then
 * says DHCP, or no gateway); 0 otherwise. */
int netcfg_from_cmdline(const char *cl, struct netcfg *cfg);

#define NETCFG_MTU_DEFAULT 1500u      /* plain Ethernet: 1,514-byte frames */
#define NETCFG_MTU_MIN     576u       /* the least every IPv4 host must take (RFC 791) */
#define NETCFG_MTU_MAX     9000u      /* the usual jumbo frame: 9,014 bytes */

/* The IP MTU from mtu=N on the command line cl (N decimal, MIN..MAX) into *mtu. Returns
 * 0; V_ENOTFOUND when there is no mtu= (*mtu = NETCFG_MTU_DEFAULT); V_EINVAL when N is
 * malformed or out of range (*mtu = NETCFG_MTU_DEFAULT too: the caller says so). */
int netcfg_mtu(const char *cl, uint32_t *mtu);

#endif
