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

/* The NDP proxy's counters, indexed by enum npt6_ndp_stats_attr. */
struct npt6_ndp_stats {
	uint64_t c[NPT6_NSTATS_MAX + 1];
};

struct npt6_mapping {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* "" until known */
	struct in6_addr int_prefix;	/* host bits clear */
	struct in6_addr ext_prefix;	/* host bits clear; :: unless active */
	uint8_t plen;			/* 1..64, shared by both prefixes */
	/*
	 * Translating.  A static mapping always is; an auto one only while
	 * the device has an address to take its external /64 from.
	 */
	bool active;
	bool ext_auto;			/* external /64 follows the device */
	bool has_token;			/* ext_auto: follow this IID only */
	struct in6_addr token;		/* first 64 bits zero */
	bool has_ext_addr;		/* ext_auto and active */
	struct in6_addr ext_addr;	/* the address followed */
	/* ext_auto: the address is on this device, not the mapping's */
	uint32_t auto_ifindex;		/* 0: the mapping's own device */
	char auto_ifname[IF_NAMESIZE];	/* "" until known */
	bool auto_pd;			/* ext_auto: the delegated prefix */
	bool has_subnet;		/* ext_auto: the N-th subnet */
	uint32_t subnet;
	bool has_source;		/* ext_auto and active: the prefix */
	struct in6_addr source;		/* followed, source_len long */
	uint8_t source_len;
	bool has_inactive;		/* ext_auto and inactive: why */
	uint8_t inactive;		/* enum npt6_inactive */
	/*
	 * Asked for by the user (the kernel picks the default when not) or
	 * reported by the kernel; enum npt6_ndproxy_mode.
	 */
	bool has_ndproxy;
	uint8_t ndproxy;
	/*
	 * enum npt6_mode, asked for by the user or reported by the kernel.
	 * Without it a new mapping is RFC6296 and a changed one keeps its
	 * mode; a module too old to report it has no other.
	 */
	bool has_mode;
	uint8_t mode;
	bool has_stats;			/* the kernel sent NPT6_A_STATS */
	struct npt6_dir_stats snpt;
	struct npt6_dir_stats dnpt;
	bool has_ndp_stats;		/* the kernel sent NPT6_A_NDP_STATS */
	struct npt6_ndp_stats ndp;
};

/* A notification from the NPT6_MCGRP_EVENTS group. */
struct npt6_event {
	uint8_t cmd;			/* NPT6_CMD_MAP_ADD, _DEL or _CHANGE */
	struct npt6_mapping map;	/* as it is now (ADD, CHANGE) or was */
	bool has_old_ext;		/* CHANGE from an active mapping */
	struct in6_addr old_ext_prefix;	/* CHANGE: where it was */
};

#endif /* NPTCTL_MAPPING_H */
