/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 6296 checksum-neutral prefix arithmetic.  Pure functions on
 * addresses; no skbs, no locking.
 */
#ifndef _NPT6_RFC6296_H
#define _NPT6_RFC6296_H

#include <linux/bits.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include <net/checksum.h>

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
	/*
	 * NPT6_MODE_KEEP_IID: swap the prefix and nothing else.  The
	 * address's one's-complement sum then grows by @delta, and every
	 * checksum that covers the address has to follow (l4csum.c).
	 */
	bool keep_iid;
	__wsum delta;
};

/* Prefixes longer than this cannot be translated checksum-neutrally. */
#define NPT6_MAX_PLEN	64

bool npt6_prefix_valid(const struct in6_addr *pfx, unsigned int plen);
void npt6_rewrite_init(struct npt6_rewrite *rw, const struct in6_addr *from,
		       const struct in6_addr *to, unsigned int plen,
		       bool keep_iid);

/*
 * The rest runs for every translated packet, so it is inline: a call
 * costs more than the arithmetic.
 */

/* Network-order mask of the first @plen (0..64) bits of the high 64. */
static inline __be64 npt6_plen_mask(unsigned int plen)
{
	if (!plen)
		return 0;
	return cpu_to_be64(~0ULL << (64 - plen));
}

/* The same for 1..64, without the branch: the lookup's version. */
static inline __be64 npt6_plen_mask_nz(unsigned int plen)
{
	return cpu_to_be64(~0ULL << (64 - plen));
}

/* High 64 bits of an address, in network order: the part prefixes live in. */
static inline __be64 npt6_addr_hi(const struct in6_addr *addr)
{
	__be64 hi;

	memcpy(&hi, addr, sizeof(hi));
	return hi;
}

/* Low 64 bits, the interface ID, in network order. */
static inline __be64 npt6_addr_lo(const struct in6_addr *addr)
{
	__be64 lo;

	memcpy(&lo, &addr->s6_addr[8], sizeof(lo));
	return lo;
}

/* Replace the prefix of @addr, keeping every other bit. */
static __always_inline void npt6_swap_prefix(const struct npt6_rewrite *rw,
					     struct in6_addr *addr)
{
	__be64 hi = (npt6_addr_hi(addr) & ~rw->mask) | rw->to;

	memcpy(addr, &hi, sizeof(hi));
}

/*
 * Rewrite @addr in place.  Returns false, leaving @addr untouched, when
 * RFC 6296 says the address cannot be mapped: a prefix longer than /48
 * and an interface identifier whose words are all 0xffff.  In keep-iid
 * mode every address can be mapped, and the caller fixes the checksums.
 */
static __always_inline bool npt6_rewrite_addr(const struct npt6_rewrite *rw,
					      struct in6_addr *addr)
{
	unsigned int idx = 3;
	__sum16 sum;

	if (rw->keep_iid) {
		npt6_swap_prefix(rw, addr);
		return true;
	}

	/*
	 * Up to /48 the adjustment goes into the subnet word, which the
	 * prefix never covers.  Beyond /48 that word may be part of the
	 * prefix, so the first interface-ID word that is not 0xffff takes
	 * it instead.  0xffff is the same in either byte order.
	 */
	if (rw->plen > 48) {
		for (idx = 4; idx < ARRAY_SIZE(addr->s6_addr16); idx++)
			if (addr->s6_addr16[idx] != (__force __be16)CSUM_MANGLED_0)
				break;
		if (idx == ARRAY_SIZE(addr->s6_addr16))
			return false;
	}

	npt6_swap_prefix(rw, addr);

	sum = ~csum_fold(csum_add(csum_unfold((__force __sum16)addr->s6_addr16[idx]),
				  csum_unfold(rw->adjustment)));
	/* One's complement has two zeroes; RFC 6296 writes the positive one. */
	if (sum == CSUM_MANGLED_0)
		sum = 0;
	addr->s6_addr16[idx] = (__force __be16)sum;
	return true;
}

#endif /* _NPT6_RFC6296_H */
