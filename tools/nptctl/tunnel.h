/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one model of an npt6 ipip6 tunnel (link kind NPT6_TNL_KIND) that
 * nptctl has, as mapping.h is for mappings: the argument parser fills it
 * with what to ask for, the rtnetlink layer encodes it into RTM_NEWLINK and
 * decodes it from RTM_GETLINK replies, and the printer renders it.
 *
 * In a request, has_* says which settings to send; the kernel keeps (on
 * change) or defaults (on add) the others.  In a reply, has_* says which
 * the kernel reported; it reports all of them but ACTIVE_LOCAL always.
 */
#ifndef NPTCTL_TUNNEL_H
#define NPTCTL_TUNNEL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/npt6.h>

/* IFLA_MTU: IPv4's minimum, up to 65535 less the outer header and option. */
#define NPTCTL_TNL_MTU_MIN	68
#define NPTCTL_TNL_MTU_MAX	65487
/*
 * MSS: the kernel's floor, and the largest number that does not mean auto
 * (NPT6_TNL_MSS_AUTO is 65535).
 */
#define NPTCTL_TNL_MSS_MIN	88
#define NPTCTL_TNL_MSS_MAX	(NPT6_TNL_MSS_AUTO - 1)

/* The device counters "show -s" prints, from IFLA_STATS64. */
struct npt6_tnl_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
	uint64_t tx_carrier_errors;
};

struct npt6_tunnel {
	uint32_t ifindex;		/* 0 on add: the kernel picks */
	char name[IF_NAMESIZE];
	bool is_npt6;			/* reply: IFLA_INFO_KIND is ours */
	bool has_mtu;
	uint32_t mtu;

	bool has_link;
	uint32_t link;			/* IFLA_NPT6TNL_LINK, the "dev" */
	char link_name[IF_NAMESIZE];	/* reply: "" if unknown to us */
	bool has_remote;
	struct in6_addr remote;
	/* "local": an address (has_local), or auto (local_auto). */
	bool has_local;
	struct in6_addr local;
	bool local_auto;
	/* With local_auto; :: in a request means "no token". */
	bool has_token;
	struct in6_addr token;
	bool has_active_local;		/* reply: the local address in use */
	struct in6_addr active_local;

	bool has_hoplimit;
	uint8_t hoplimit;
	bool has_tclass;
	uint32_t tclass;		/* 0..255 or NPT6_TNL_INHERIT */
	bool has_flowlabel;
	uint32_t flowlabel;		/* 0..0xfffff or NPT6_TNL_INHERIT */
	bool has_encaplimit;
	uint16_t encaplimit;		/* 0..255 or NPT6_TNL_ENCAPLIMIT_NONE */
	bool has_mss;
	uint16_t mss;			/* 0 (off), 88.. or NPT6_TNL_MSS_AUTO */

	bool has_stats;
	struct npt6_tnl_stats stats;
};

/*
 * Make the change request @t fit the tunnel @cur it changes: refuses a
 * token without "local auto" (reported), and adds "no token" when a fixed
 * local address ends auto.  0 or -EINVAL.
 */
int tunnel_change_check(struct npt6_tunnel *t, const struct npt6_tunnel *cur);

#endif /* NPTCTL_TUNNEL_H */
