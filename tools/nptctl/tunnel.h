/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one model of an npt6 ipip6 tunnel (link kind NPT6_TNL_KIND) that
 * nptctl has, as mapping.h is for mappings: the argument parser fills it
 * with what to ask for, the rtnetlink layer encodes it into RTM_NEWLINK and
 * decodes it from RTM_GETLINK replies, and the printer renders it.
 *
 * In a request, has_* says which settings to send; the kernel keeps (on
 * change) or defaults (on add) the others.  In a reply, has_* says which
 * the kernel reported; it reports all of them but ACTIVE_LOCAL always,
 * and FASTPATH unless it is a module older than that setting.
 */
#ifndef NPTCTL_TUNNEL_H
#define NPTCTL_TUNNEL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
	bool has_fastpath;
	uint8_t fastpath;		/* 0 (off) or 1 (on) */

	bool has_stats;
	struct npt6_tnl_stats stats;
};

/*
 * The settings that are numbers, in the order of the UAPI after the MTU
 * (IFLA_MTU, outside IFLA_INFO_DATA), so that the parser, the rtnetlink
 * layer and batch mode read and write them by one table rather than one
 * field at a time.
 */
enum tunnel_number_id {
	TN_MTU,
	TN_HOPLIMIT,
	TN_TCLASS,
	TN_FLOWLABEL,
	TN_ENCAPLIMIT,
	TN_MSS,
	TN_FASTPATH,
	TN_COUNT,
};

struct tunnel_number {
	uint16_t attr;		/* IFLA_NPT6TNL_*; 0 for the MTU */
	uint8_t size;		/* of the field and the attribute: 1, 2 or 4 */
	size_t has, val;	/* where they are in struct npt6_tunnel */
};

#define TUNNEL_NUMBER(a, f) \
	{ a, sizeof(((struct npt6_tunnel *)0)->f), \
	  offsetof(struct npt6_tunnel, has_##f), offsetof(struct npt6_tunnel, f) }

static inline const struct tunnel_number *tunnel_number(int id)
{
	static const struct tunnel_number numbers[TN_COUNT] = {
		[TN_MTU]	= TUNNEL_NUMBER(0, mtu),
		[TN_HOPLIMIT]	= TUNNEL_NUMBER(IFLA_NPT6TNL_HOPLIMIT, hoplimit),
		[TN_TCLASS]	= TUNNEL_NUMBER(IFLA_NPT6TNL_TCLASS, tclass),
		[TN_FLOWLABEL]	= TUNNEL_NUMBER(IFLA_NPT6TNL_FLOWLABEL, flowlabel),
		[TN_ENCAPLIMIT]	= TUNNEL_NUMBER(IFLA_NPT6TNL_ENCAPLIMIT, encaplimit),
		[TN_MSS]	= TUNNEL_NUMBER(IFLA_NPT6TNL_MSS, mss),
		[TN_FASTPATH]	= TUNNEL_NUMBER(IFLA_NPT6TNL_FASTPATH, fastpath),
	};

	return &numbers[id];
}

/* Whether @t has number @id, with its value in *@v if so. */
static inline bool tunnel_get_number(const struct npt6_tunnel *t, int id,
				     uint32_t *v)
{
	const struct tunnel_number *n = tunnel_number(id);
	const char *base = (const char *)t;
	uint16_t v16;
	uint8_t v8;

	if (!*(const bool *)(base + n->has))
		return false;
	switch (n->size) {
	case 1:
		memcpy(&v8, base + n->val, 1);
		*v = v8;
		break;
	case 2:
		memcpy(&v16, base + n->val, 2);
		*v = v16;
		break;
	default:
		memcpy(v, base + n->val, 4);
		break;
	}
	return true;
}

/* Give @t number @id, @v, which fits its field. */
static inline void tunnel_set_number(struct npt6_tunnel *t, int id,
				     uint32_t v)
{
	const struct tunnel_number *n = tunnel_number(id);
	char *base = (char *)t;
	uint16_t v16 = (uint16_t)v;
	uint8_t v8 = (uint8_t)v;

	*(bool *)(base + n->has) = true;
	if (n->size == 1)
		memcpy(base + n->val, &v8, 1);
	else if (n->size == 2)
		memcpy(base + n->val, &v16, 2);
	else
		memcpy(base + n->val, &v, 4);
}

/*
 * The change request that makes the tunnel @cur into @want, in @req: the
 * settings that differ, and no others.  Returns whether there are any.
 * A @cur from a module without fastpath has it off.
 */
bool tunnel_diff(const struct npt6_tunnel *want,
		 const struct npt6_tunnel *cur, struct npt6_tunnel *req);

/* The settings of change request @req, onto the tunnel @t. */
void tunnel_apply(struct npt6_tunnel *t, const struct npt6_tunnel *req);

/*
 * Make the change request @t fit the tunnel @cur it changes: refuses a
 * token without "local auto" (reported), adds "no token" when a fixed
 * local address ends auto, and does what tunnel_fastpath_check() does.
 * 0 or -EINVAL.
 */
int tunnel_change_check(struct npt6_tunnel *t, const struct npt6_tunnel *cur);

/*
 * Where @cur's module reports no fastpath, refuse "fastpath on" in @t
 * (reported), and drop "fastpath off", which it has already.  0 or
 * -EINVAL.
 */
int tunnel_fastpath_check(struct npt6_tunnel *t, const struct npt6_tunnel *cur);

#endif /* NPTCTL_TUNNEL_H */
