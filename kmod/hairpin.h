/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hairpinning: LAN hosts that reach each other by their external
 * addresses (RFC 6296 section 4.3).
 */
#ifndef _NPT6_HAIRPIN_H
#define _NPT6_HAIRPIN_H

#include <linux/bits.h>
#include <linux/hash.h>
#include <linux/types.h>

/* One hook before conntrack, one after: hairpin.c says why. */
#define NPT6_HAIRPIN_HOOKS	2

struct npt6_net;

/*
 * The two bits of the prefix filter that an external prefix (its high 64
 * bits, host bits clear) sets: two 6-bit fields of one multiplication.
 * Two bits, because the destinations the filter sees most are the
 * internal twins of the prefixes in it (every packet from the Internet,
 * after DNPT), and with one bit a 1-in-64 unlucky pair would send all of
 * them down the slow path.
 */
static inline u64 npt6_hairpin_bits(__be64 key)
{
	u64 h = (__force u64)key * GOLDEN_RATIO_64;

	return BIT_ULL(h >> 58) | BIT_ULL((h >> 52) & 63);
}

int npt6_hairpin_register(struct npt6_net *nn);
void npt6_hairpin_unregister(struct npt6_net *nn);
void npt6_hairpin_refresh(struct npt6_net *nn);

#endif /* _NPT6_HAIRPIN_H */
