/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 6296 checksum-neutral prefix arithmetic.  Pure functions on
 * addresses; no skbs, no locking.
 */
#ifndef _NPT6_RFC6296_H
#define _NPT6_RFC6296_H

#include <linux/in6.h>
#include <linux/string.h>
#include <linux/types.h>

/*
 * One direction of a mapping, precomputed when the mapping is created so
 * that the packet path does a mask, an or and one 16-bit one's-complement
 * addition.
 */
struct npt6_rewrite {
	__be64 mask;		/* network-order mask of the prefix bits */
	__be64 to;		/* target prefix, host bits clear */
	__sum16 adjustment;	/* same value ip6t_NPT computes */
	u8 plen;
};

/* Prefixes longer than this cannot be translated checksum-neutrally. */
#define NPT6_MAX_PLEN	64

__be64 npt6_plen_mask(unsigned int plen);
bool npt6_prefix_valid(const struct in6_addr *pfx, unsigned int plen);
void npt6_rewrite_init(struct npt6_rewrite *rw, const struct in6_addr *from,
		       const struct in6_addr *to, unsigned int plen);
bool npt6_rewrite_addr(const struct npt6_rewrite *rw, struct in6_addr *addr);

/* High 64 bits of an address, in network order: the part prefixes live in. */
static inline __be64 npt6_addr_hi(const struct in6_addr *addr)
{
	__be64 hi;

	memcpy(&hi, addr, sizeof(hi));
	return hi;
}

#endif /* _NPT6_RFC6296_H */
