/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one model of a mapping that nptctl has.  The argument parser fills
 * it, the netlink layer encodes it into and decodes it from messages, and
 * the printer renders it, so a field added here is added everywhere.
 */
#ifndef NPTCTL_MAPPING_H
#define NPTCTL_MAPPING_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/npt6.h>

/*
 * Counters of one direction, indexed by enum npt6_dir_stats_attr so that
 * the netlink layer can store a counter without knowing what it means.
 * Slots the kernel did not send stay 0.
 */
struct npt6_dir_stats {
	uint64_t c[NPT6_DSTATS_MAX + 1];
};

struct npt6_mapping {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* "" until known */
	struct in6_addr int_prefix;	/* host bits clear */
	struct in6_addr ext_prefix;	/* host bits clear */
	uint8_t plen;			/* 1..64, shared by both prefixes */
	bool has_stats;			/* the kernel sent NPT6_A_STATS */
	struct npt6_dir_stats snpt;
	struct npt6_dir_stats dnpt;
};

#endif /* NPTCTL_MAPPING_H */
