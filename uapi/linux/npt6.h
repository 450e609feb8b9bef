/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * npt6: stateless IPv6-to-IPv6 network prefix translation (RFC 6296).
 *
 * This header is the whole contract between the npt6 kernel module and
 * userspace (nptctl).  It is shared verbatim by both.
 *
 * Transport
 * ---------
 * Generic netlink family NPT6_GENL_NAME, version NPT6_GENL_VERSION.  The
 * version is bumped only on incompatible changes; new attributes and
 * commands are appended and old ones never change meaning.  Userspace
 * should read CTRL_ATTR_VERSION and refuse to talk to a family whose
 * version differs from the one it was built for.
 *
 * The family is per network namespace (netnsok).  Every command, including
 * the read-only ones, requires CAP_NET_ADMIN in the user namespace that
 * owns the network namespace; others get -EPERM.  Attributes are validated
 * strictly: unknown attributes and trailing garbage are rejected, and
 * errors carry an extended-ack message naming the offending attribute.
 *
 * Model
 * -----
 * A mapping translates an internal prefix to an external prefix of the same
 * length (1..64) on one external device, identified by ifindex.  Packets
 * leaving that device have their source rewritten internal->external
 * (SNPT); packets arriving on it have their destination rewritten
 * external->internal (DNPT).  The rewrite is the checksum-neutral
 * algorithm of RFC 6296 section 3, byte-identical to Linux's ip6t_NPT,
 * or with MODE KEEP_IID a plain prefix swap with the checksums updated.
 *
 * A mapping is identified by (NPT6_A_IFINDEX, NPT6_A_INT_PREFIX,
 * NPT6_A_PREFIX_LEN).  On one device, no two mappings may overlap, neither
 * on the internal side nor on the external side.  Prefixes must have all
 * host bits clear.
 *
 * Commands
 * --------
 * NPT6_CMD_MAP_ADD    IFINDEX, INT_PREFIX, PREFIX_LEN, and either
 *                     EXT_PREFIX or EXT_AUTO [TOKEN]; optional NDPROXY
 *                     and MODE (default RFC6296).
 *                     -EEXIST if the same mapping exists, -EBUSY if it
 *                     overlaps another one, -ENODEV for an unknown device.
 *                     An EXT_AUTO mapping (a /64) takes its external /64
 *                     from a global, non-ULA address on the device (the one
 *                     whose interface ID is TOKEN, if given), preferring
 *                     non-deprecated and then newer addresses, and follows
 *                     it as RA or DHCPv6-PD change it.  Until such an
 *                     address exists the mapping is inactive (ACTIVE 0).
 *                     AUTO_IFINDEX makes it follow an address on that
 *                     device instead (where dhcpcd or systemd-networkd put
 *                     the delegated prefix).  Without SUBNET the external
 *                     prefix is the address's own PREFIX_LEN prefix; with
 *                     SUBNET N it is the N-th subnet of PREFIX_LEN inside
 *                     the address's on-link prefix (a /56 holds 256 /64s).
 *                     While there is no such address, or its prefix is
 *                     too short for N, the mapping is inactive and
 *                     INACTIVE says why; SOURCE/SOURCE_LEN report the
 *                     prefix followed.  AUTO_PD follows no address but the
 *                     delegated prefix itself, as the PD client announces
 *                     it in the main routing table: an unreachable,
 *                     prohibit or blackhole route of protocol dhcp (16),
 *                     /1 to /PREFIX_LEN; with several, the newest.  SUBNET
 *                     picks in it as above (default 0).  Not with TOKEN
 *                     or AUTO_IFINDEX.
 * NPT6_CMD_MAP_CHANGE doit: IFINDEX, INT_PREFIX, PREFIX_LEN and a new
 *                     external side (EXT_PREFIX, or EXT_AUTO with its
 *                     options): re-point the mapping in one step.  Its
 *                     counters stay, no packet goes untranslated, and the
 *                     events group gets one MAP_CHANGE.  NDPROXY and
 *                     MODE, if given, change the proxy mode and the
 *                     translation mode too; else they stay.
 * NPT6_CMD_MAP_DEL    IFINDEX, INT_PREFIX, PREFIX_LEN: delete.  -ENOENT if
 *                     there is no such mapping.
 * NPT6_CMD_MAP_GET    doit: IFINDEX, INT_PREFIX, PREFIX_LEN -> one mapping.
 *                     dumpit: all mappings, or those of IFINDEX if given.
 *                     Replies carry IFINDEX, IFNAME, INT_PREFIX, PREFIX_LEN,
 *                     NDPROXY, MODE, ACTIVE, EXT_PREFIX (when active), EXT_AUTO,
 *                     TOKEN, AUTO_IFINDEX, AUTO_PD, SUBNET, SOURCE,
 *                     SOURCE_LEN, EXT_ADDR and INACTIVE (auto mappings),
 *                     STATS and NDP_STATS.
 * NPT6_CMD_MAP_FLUSH  delete all mappings, or those of IFINDEX if given.
 *
 * Events
 * ------
 * Members of the multicast group NPT6_MCGRP_EVENTS receive a message for
 * every change, with the attributes of a MAP_GET reply: cmd MAP_ADD for a
 * new mapping, MAP_DEL for one removed (by request, flush or because its
 * device went away), MAP_CHANGE when a mapping's external side changed (an
 * auto prefix moved or lost its source, or a MAP_CHANGE request), with
 * OLD_EXT_PREFIX set to where it was if it was active.
 */
#ifndef _UAPI_LINUX_NPT6_H
#define _UAPI_LINUX_NPT6_H

#define NPT6_GENL_NAME		"npt6"
#define NPT6_GENL_VERSION	1

enum npt6_cmd {
	NPT6_CMD_UNSPEC,
	NPT6_CMD_MAP_ADD,
	NPT6_CMD_MAP_DEL,
	NPT6_CMD_MAP_GET,
	NPT6_CMD_MAP_FLUSH,
	NPT6_CMD_MAP_CHANGE,	/* re-point a mapping; and its notification */
	__NPT6_CMD_MAX
};

#define NPT6_CMD_MAX (__NPT6_CMD_MAX - 1)

enum npt6_attr {
	NPT6_A_UNSPEC,
	NPT6_A_IFINDEX,		/* u32: external device */
	NPT6_A_IFNAME,		/* string: external device name (replies only) */
	NPT6_A_INT_PREFIX,	/* binary, struct in6_addr: internal prefix */
	NPT6_A_EXT_PREFIX,	/* binary, struct in6_addr: external prefix */
	NPT6_A_PREFIX_LEN,	/* u8, 1..64: length of both prefixes */
	NPT6_A_STATS,		/* nested, enum npt6_stats_attr (replies only) */
	NPT6_A_PAD,
	/* u8, enum npt6_ndproxy_mode; default AUTO on Ethernet, else OFF */
	NPT6_A_NDPROXY,
	/* flag: the external /64 follows an address on the device */
	NPT6_A_EXT_AUTO,
	/* binary, struct in6_addr: with EXT_AUTO, the interface ID of the
	 * address to follow (e.g. ::feed); any global address if absent
	 */
	NPT6_A_TOKEN,
	/* binary, struct in6_addr: the address followed (replies only) */
	NPT6_A_EXT_ADDR,
	/* u8: 1 if translating, 0 while an auto mapping has no address */
	NPT6_A_ACTIVE,
	/* binary, struct in6_addr: previous external prefix (CHANGE events) */
	NPT6_A_OLD_EXT_PREFIX,
	/* nested, enum npt6_ndp_stats_attr (replies only) */
	NPT6_A_NDP_STATS,
	/* u32: with EXT_AUTO, follow an address on this device, not IFINDEX */
	NPT6_A_AUTO_IFINDEX,
	/* u32: with EXT_AUTO, the N-th subnet of PREFIX_LEN in the source */
	NPT6_A_SUBNET,
	/* binary, struct in6_addr: the prefix followed (replies only) */
	NPT6_A_SOURCE,
	/* u8: its length (replies only) */
	NPT6_A_SOURCE_LEN,
	/* u8, enum npt6_inactive: why an auto mapping is inactive (replies) */
	NPT6_A_INACTIVE,
	/* flag: with EXT_AUTO, follow the delegated prefix's route instead */
	NPT6_A_AUTO_PD,
	/* u8, enum npt6_mode: how addresses are translated; default RFC6296 */
	NPT6_A_MODE,
	__NPT6_A_MAX
};

#define NPT6_A_MAX (__NPT6_A_MAX - 1)

/*
 * How a mapping translates an address.  RFC6296 keeps every checksum valid
 * by adjusting one 16-bit word of the address (RFC 6296 section 3.2), so
 * with fd00::/64 mapped to 2406::/64, fd00::10 becomes 2406::d8fa:0:0:10.
 * KEEP_IID replaces the prefix and keeps the rest, fd00::10 becoming
 * 2406::10, and instead updates the checksums that cover the address:
 * TCP, UDP, UDP-Lite, DCCP and ICMPv6, and those of the packet an ICMPv6
 * error carries.  Both are stateless; the second gives the bytes
 * nftables' "snat/dnat ip6 prefix to" gives.
 */
enum npt6_mode {
	NPT6_MODE_RFC6296,
	NPT6_MODE_KEEP_IID,
	__NPT6_MODE_MAX
};

#define NPT6_MODE_MAX (__NPT6_MODE_MAX - 1)

/* Why an auto mapping is not translating. */
enum npt6_inactive {
	NPT6_INACTIVE_NONE,	/* it is */
	NPT6_INACTIVE_NO_SOURCE, /* no address, or delegated prefix, (yet) */
	NPT6_INACTIVE_SUBNET,	/* the source is too short for SUBNET */
	NPT6_INACTIVE_OVERLAP,	/* the prefix overlaps another mapping's */
	__NPT6_INACTIVE_MAX
};

/* NPT6_A_STATS holds one nested set per direction. */
enum npt6_stats_attr {
	NPT6_STATS_UNSPEC,
	NPT6_STATS_SNPT,	/* nested, enum npt6_dir_stats_attr */
	NPT6_STATS_DNPT,	/* nested, enum npt6_dir_stats_attr */
	__NPT6_STATS_MAX
};

#define NPT6_STATS_MAX (__NPT6_STATS_MAX - 1)

/* All counters are u64 and monotonically increasing. */
enum npt6_dir_stats_attr {
	NPT6_DSTATS_UNSPEC,
	NPT6_DSTATS_PAD,
	NPT6_DSTATS_PACKETS,	/* packets translated */
	NPT6_DSTATS_BYTES,	/* bytes of those, from the IPv6 header on */
	NPT6_DSTATS_ICMP_INNER,	/* ICMPv6 errors whose embedded header was translated too */
	NPT6_DSTATS_LOCAL,	/* DNPT: left alone, destination owned by this host */
	NPT6_DSTATS_COLLISION,	/* SNPT: result is an address owned by this host */
	NPT6_DSTATS_DROP_UNMAPPABLE, /* /49../64 and the interface ID is all 0xffff */
	NPT6_DSTATS_DROP_NOMEM,	/* could not make the header writable */
	/*
	 * KEEP_IID: translated, but the packet's upper-layer protocol is one
	 * npt6 does not know, so a checksum of it that covers the addresses
	 * (RFC 8200 section 8.1) is left as it was
	 */
	NPT6_DSTATS_CSUM_UNKNOWN,
	/* KEEP_IID: dropped, the L4 header ends before its checksum */
	NPT6_DSTATS_DROP_TRUNCATED,
	__NPT6_DSTATS_MAX
};

#define NPT6_DSTATS_MAX (__NPT6_DSTATS_MAX - 1)

/*
 * Which Neighbor Solicitations arriving on the external device npt6 answers
 * for addresses in a mapping's external prefix.  Never for addresses this
 * host owns: the kernel answers those itself.
 */
enum npt6_ndproxy_mode {
	NPT6_NDPROXY_OFF,	/* never */
	NPT6_NDPROXY_AUTO,	/* when the internal twin is a live neighbour inside */
	NPT6_NDPROXY_ALL,	/* always */
	__NPT6_NDPROXY_MAX
};

#define NPT6_NDPROXY_MAX (__NPT6_NDPROXY_MAX - 1)

/*
 * The mode an ADD without NDPROXY gets: AUTO on an Ethernet device, OFF
 * on any other, which has no link layer to proxy.  Tools that compare a
 * configuration with the kernel's (nptctl -b) take it from here.
 */
#define NPT6_NDPROXY_DEFAULT_ETHER	NPT6_NDPROXY_AUTO
#define NPT6_NDPROXY_DEFAULT_OTHER	NPT6_NDPROXY_OFF

enum npt6_ndp_stats_attr {
	NPT6_NSTATS_UNSPEC,
	NPT6_NSTATS_PAD,
	NPT6_NSTATS_NS_SEEN,	/* NS for a target in the external prefix */
	NPT6_NSTATS_NA_SENT,	/* NA sent in reply (DAD defences included) */
	NPT6_NSTATS_IGN_LOCAL,	/* target is this host's own: left to the kernel */
	NPT6_NSTATS_IGN_OFF,	/* ndproxy off for this mapping */
	NPT6_NSTATS_IGN_UNRESOLVED, /* AUTO: no live neighbour inside (yet) */
	NPT6_NSTATS_IGN_OUTSIDE, /* AUTO: internal twin is not routed inside */
	NPT6_NSTATS_DROP_MALFORMED, /* bad hop limit, checksum, options, length */
	NPT6_NSTATS_IGN_BUDGET,	/* not resolved inside: over the budget */
	__NPT6_NSTATS_MAX
};

#define NPT6_NSTATS_MAX (__NPT6_NSTATS_MAX - 1)

/* Multicast group for NPT6_CMD_MAP_ADD/DEL/CHANGE notifications. */
#define NPT6_MCGRP_EVENTS	"events"

/*
 * The ipip6 tunnel (RFC 2473, IPv4 in IPv6)
 * -----------------------------------------
 * An rtnetlink link kind of its own, NPT6_TNL_KIND, so that it never
 * collides with the in-tree "ip6tnl": create it with RTM_NEWLINK,
 * IFLA_LINKINFO { IFLA_INFO_KIND "npt6tnl", IFLA_INFO_DATA { ... } }, and
 * delete it like any link.  Packets from REMOTE to the local address carry
 * IPv4 into the tunnel device; other ipip6 packets are left to ip6_tunnel.
 *
 * IFLA_INFO_DATA attributes:
 *   LINK       u32, required: the device the tunnel runs over; with
 *              LOCAL_AUTO the local address comes from its addresses
 *   REMOTE     in6_addr, required: the far end (AFTR, peer router)
 *   LOCAL      in6_addr: fixed local address; or
 *   LOCAL_AUTO flag: follow LINK's global address (its /64 plus TOKEN if
 *              given, e.g. ::feed for transix), as RA or DHCPv6-PD change it
 *   TOKEN      in6_addr: interface ID, first 64 bits zero (LOCAL_AUTO only)
 *   HOPLIMIT   u8 1..255, default 64
 *   TCLASS     u32: 0..255 fixed traffic class, or NPT6_TNL_INHERIT (the
 *              default) to copy DSCP from the inner header; ECN follows
 *              RFC 6040 either way
 *   FLOWLABEL  u32: 0..0xfffff fixed, or NPT6_TNL_INHERIT (the default) to
 *              derive it from the inner flow hash
 *   ENCAPLIMIT u16: 0..255 adds an RFC 2473 encapsulation-limit option, or
 *              NPT6_TNL_ENCAPLIMIT_NONE (the default): no extension header
 *   MSS        u16: clamp the MSS of TCP SYNs both ways to this value;
 *              0 = off, NPT6_TNL_MSS_AUTO (the default) = MTU - 40
 *   ACTIVE_LOCAL in6_addr (replies only): the local address in effect;
 *              absent while LOCAL_AUTO has no address to follow
 *   FASTPATH   u8: 0 (the default) or 1.  With 1 the outer packets take a
 *              short cut past the IPv6 stack: received ones are
 *              decapsulated by a receive handler on LINK, before IPv6
 *              input; forwarded IPv4 goes from the tunnel's neighbour to
 *              its transmit function, and the outer packet from there to
 *              the neighbour, through the LOCAL_OUT and POST_ROUTING
 *              hooks only.  A received packet takes the full path while
 *              IPv6 PRE_ROUTING or LOCAL_IN has a netfilter hook (other
 *              than npt6's own), a sent one while its route has an xfrm
 *              bundle, an lwtunnel or a VRF, or the tunnel device a qdisc,
 *              an egress hook or a packet socket.  Outer packets on the
 *              short cut are not counted in the IPv6 MIB and not seen by
 *              raw IPv6 sockets.  LINK must have no other receive handler
 *              (bridge port, bond or team slave, macvlan or ipvlan lower
 *              device): EBUSY.
 */
#define NPT6_TNL_KIND			"npt6tnl"
#define NPT6_TNL_INHERIT		0xffffffff
#define NPT6_TNL_ENCAPLIMIT_NONE	0xffff
#define NPT6_TNL_MSS_AUTO		0xffff

/*
 * What a new tunnel gets for each setting NEWLINK leaves out; the module
 * uses these, and so does a tool that compares a configuration with the
 * kernel's (nptctl -b).  The MTU's default depends on LINK: its MTU less
 * the outer header.
 */
#define NPT6_TNL_DEFAULT_HOPLIMIT	64
#define NPT6_TNL_DEFAULT_TCLASS		NPT6_TNL_INHERIT
#define NPT6_TNL_DEFAULT_FLOWLABEL	NPT6_TNL_INHERIT
#define NPT6_TNL_DEFAULT_ENCAPLIMIT	NPT6_TNL_ENCAPLIMIT_NONE
#define NPT6_TNL_DEFAULT_MSS		NPT6_TNL_MSS_AUTO
#define NPT6_TNL_DEFAULT_FASTPATH	0

enum {
	IFLA_NPT6TNL_UNSPEC,
	IFLA_NPT6TNL_LINK,
	IFLA_NPT6TNL_REMOTE,
	IFLA_NPT6TNL_LOCAL,
	IFLA_NPT6TNL_LOCAL_AUTO,
	IFLA_NPT6TNL_TOKEN,
	IFLA_NPT6TNL_HOPLIMIT,
	IFLA_NPT6TNL_TCLASS,
	IFLA_NPT6TNL_FLOWLABEL,
	IFLA_NPT6TNL_ENCAPLIMIT,
	IFLA_NPT6TNL_MSS,
	IFLA_NPT6TNL_ACTIVE_LOCAL,
	IFLA_NPT6TNL_FASTPATH,
	__IFLA_NPT6TNL_MAX
};

#define IFLA_NPT6TNL_MAX (__IFLA_NPT6TNL_MAX - 1)

#endif /* _UAPI_LINUX_NPT6_H */
