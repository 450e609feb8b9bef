// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 6296 section 3: replace the prefix and fix one 16-bit word so that the
 * one's-complement sum of the address, and with it every checksum that
 * covers the address, does not change.
 *
 * We deliberately compute exactly what net/ipv6/netfilter/ip6t_NPT.c
 * computes, including its choices where the RFC leaves room (0xffff is
 * written as 0x0000), because users compare the two byte for byte and
 * because a box running ip6t_NPT may sit on the other side of a VRRP pair.
 */

#include <linux/bits.h>
#include <linux/ipv6.h>
#include <net/checksum.h>
#include <net/ipv6.h>

#include "rfc6296.h"

/* A usable prefix has a length of 1..64 and no host bits set. */
bool npt6_prefix_valid(const struct in6_addr *pfx, unsigned int plen)
{
	if (plen < 1 || plen > NPT6_MAX_PLEN)
		return false;
	if (pfx->s6_addr32[2] || pfx->s6_addr32[3])
		return false;
	return !(npt6_addr_hi(pfx) & ~npt6_plen_mask(plen));
}

static __wsum npt6_prefix_sum(const struct in6_addr *pfx)
{
	__wsum sum = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pfx->s6_addr16); i++)
		sum = csum_add(sum, (__force __wsum)pfx->s6_addr16[i]);
	return sum;
}

/*
 * Prepare the rewrite of addresses in @from/@plen into @to/@plen.  Both
 * prefixes must be valid.  The adjustment is (sum(from) - sum(to)) in
 * one's-complement arithmetic, so that adding it to one word of the
 * rewritten address restores the original sum.
 *
 * With @keep_iid no word is adjusted, and the address's sum changes by
 * (sum(to) - sum(from)) instead.  That holds for any @plen, also one that
 * splits a 16-bit word: the prefix bits and the bits kept are disjoint,
 * so the word changes by exactly the difference of its prefix bits.
 */
void npt6_rewrite_init(struct npt6_rewrite *rw, const struct in6_addr *from,
		       const struct in6_addr *to, unsigned int plen,
		       bool keep_iid)
{
	rw->plen = plen;
	rw->mask = npt6_plen_mask(plen);
	rw->to = npt6_addr_hi(to);
	rw->adjustment = ~csum_fold(csum_sub(npt6_prefix_sum(from),
					     npt6_prefix_sum(to)));
	rw->keep_iid = keep_iid;
	rw->delta = keep_iid ? csum_sub(npt6_prefix_sum(to),
					npt6_prefix_sum(from)) : 0;
}
