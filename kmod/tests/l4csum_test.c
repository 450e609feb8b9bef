// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for keep-iid mode (l4csum.c, and xlat.c's use of it): after
 * the prefix swap, every checksum that covers the address must fit the
 * new address, whatever form skb->ip_summed says it is in.  xlat.c
 * includes this file at its end when built with NPT6_KUNIT, after
 * xlat_test.c, whose xt_addr() and xt_count() it shares, so the cases
 * reach its static functions; they run packets through the same calls
 * the hooks make.
 *
 * Expected values never come from the code under test: addresses are
 * written out, and a checksum "fits" when the sum over the pseudo-header
 * and the upper-layer bytes, computed here from scratch, folds to zero.
 */

#include <kunit/test.h>
#include <linux/dccp.h>
#include <linux/icmpv6.h>
#include <linux/inet.h>
#include <linux/percpu.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip6_checksum.h>

#define KT_PLEN		56
#define KT_PAYLOAD	64
#define KT_LIST		2	/* datagrams on a train's frag_list */

struct kt_ctx {
	struct npt6_dev xdev;
	struct npt6_map *map;
	struct in6_addr int_host;	/* fd01:203:405:607::42, a LAN host */
	struct in6_addr ext_host;	/* 2001:db8:aa:bb00::42, its twin */
	struct in6_addr peer;		/* somewhere on the internet */
};

static int kt_init(struct kunit *test)
{
	struct in6_addr int_pfx, ext_pfx;
	struct npt6_map *map;
	struct kt_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	map = kunit_kzalloc(test, sizeof(*map), GFP_KERNEL);
	if (!ctx || !map)
		return -ENOMEM;
	map->stats = alloc_percpu(struct npt6_stats);
	if (!map->stats)
		return -ENOMEM;
	ctx->map = map;
	test->priv = ctx;

	/* /56: the swap ends inside the fourth word, which keeps its 07. */
	xt_addr(test, "fd01:203:405:600::", &int_pfx);
	xt_addr(test, "2001:db8:aa:bb00::", &ext_pfx);
	xt_addr(test, "fd01:203:405:607::42", &ctx->int_host);
	xt_addr(test, "2001:db8:aa:bb07::42", &ctx->ext_host);
	xt_addr(test, "2001:db8:ffff::9", &ctx->peer);
	map->int_pfx = int_pfx;
	map->ext_pfx = ext_pfx;
	map->mode = NPT6_MODE_KEEP_IID;
	map->node.plen = KT_PLEN;
	map->node.int_key = npt6_addr_hi(&int_pfx);
	map->node.ext_key = npt6_addr_hi(&ext_pfx);
	npt6_rewrite_init(&map->rw[NPT6_DIR_SNPT], &int_pfx, &ext_pfx, KT_PLEN,
			  true);
	npt6_rewrite_init(&map->rw[NPT6_DIR_DNPT], &ext_pfx, &int_pfx, KT_PLEN,
			  true);
	map->xdev = &ctx->xdev;
	KUNIT_ASSERT_EQ(test, npt6_table_init(&ctx->xdev.table), 0);
	KUNIT_ASSERT_EQ(test, npt6_table_insert(&ctx->xdev.table, &map->node),
			0);
	return 0;
}

static void kt_exit(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;

	if (!ctx || !ctx->map)
		return;
	npt6_table_remove(&ctx->xdev.table, &ctx->map->node);
	npt6_table_destroy(&ctx->xdev.table);
	free_percpu(ctx->map->stats);
}

/* What a packet is made of, in front of its payload. */
struct kt_pkt {
	const struct in6_addr *src, *dst;
	u8 proto;		/* the upper layer */
	unsigned int l4len;	/* its header's length */
	unsigned int coff;	/* its checksum's offset in it */
	const u8 *ext;		/* extension headers, or NULL */
	unsigned int extlen;
	u8 ext_nexthdr;		/* the first of them */
};

/*
 * An IPv6 packet as @p says, network header at skb->data, the upper-layer
 * header zero but for its checksum, which is the right full checksum for
 * @p's addresses (@csum_zero: 0, a UDP sender that sent none).
 */
static struct sk_buff *kt_build(struct kunit *test, const struct kt_pkt *p,
				bool csum_zero)
{
	unsigned int plen = p->extlen + p->l4len + KT_PAYLOAD;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	__sum16 *check;
	u8 *l4;
	int i;

	skb = alloc_skb(LL_MAX_HEADER + sizeof(*ip6h) + plen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->payload_len = htons(plen);
	ip6h->nexthdr = p->ext ? p->ext_nexthdr : p->proto;
	ip6h->hop_limit = 64;
	ip6h->saddr = *p->src;
	ip6h->daddr = *p->dst;
	if (p->ext)
		skb_put_data(skb, p->ext, p->extlen);
	skb_set_transport_header(skb, skb->len);
	l4 = skb_put_zero(skb, p->l4len);
	for (i = 0; i < KT_PAYLOAD; i++)
		*(u8 *)skb_put(skb, 1) = 0x5a + i;
	if (p->proto == IPPROTO_UDP || p->proto == IPPROTO_UDPLITE)
		((struct udphdr *)l4)->len = htons(p->l4len + KT_PAYLOAD);
	check = (__sum16 *)(l4 + p->coff);
	if (!csum_zero)
		*check = csum_ipv6_magic(p->src, p->dst, p->l4len + KT_PAYLOAD,
					 p->proto,
					 csum_partial(l4, p->l4len + KT_PAYLOAD,
						      0));
	skb->protocol = htons(ETH_P_IPV6);
	return skb;
}

/* The sum over pseudo-header and upper layer: 0 when the checksum fits. */
static u16 kt_sum(const struct in6_addr *src, const struct in6_addr *dst,
		  u8 proto, const void *l4, unsigned int len)
{
	return (__force u16)csum_ipv6_magic(src, dst, len, proto,
					    csum_partial(l4, len, 0));
}

static __sum16 *kt_check(const struct sk_buff *skb, const struct kt_pkt *p)
{
	return (__sum16 *)(skb_transport_header(skb) + p->coff);
}

/*
 * The packet now goes from @src to @dst, and its upper-layer checksum
 * fits those addresses: the sum over pseudo-header and upper layer folds
 * to 0.
 */
static void kt_expect(struct kunit *test, const struct sk_buff *skb,
		      const struct kt_pkt *p, const struct in6_addr *src,
		      const struct in6_addr *dst)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int len = p->l4len + KT_PAYLOAD;

	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&ip6h->saddr, src),
			      "source %pI6c, want %pI6c", &ip6h->saddr, src);
	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&ip6h->daddr, dst),
			      "destination %pI6c, want %pI6c", &ip6h->daddr,
			      dst);
	KUNIT_EXPECT_EQ_MSG(test,
			    kt_sum(&ip6h->saddr, &ip6h->daddr, p->proto,
				   skb_transport_header(skb), len),
			    0, "protocol %u: checksum %#06x does not fit",
			    p->proto, ntohs((__force __be16)*kt_check(skb, p)));
}

static unsigned int kt_run(struct kt_ctx *ctx, struct sk_buff *skb,
			   enum npt6_dir dir)
{
	unsigned int verdict;

	/* As netfilter calls a hook: BH off, under rcu_read_lock(). */
	local_bh_disable();
	rcu_read_lock();
	verdict = npt6_xlat_both(&ctx->xdev, ctx->map, skb,
				 skb_network_offset(skb), dir);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

static const struct kt_pkt kt_protos[] = {
	{ .proto = IPPROTO_TCP, .l4len = sizeof(struct tcphdr),
	  .coff = offsetof(struct tcphdr, check) },
	{ .proto = IPPROTO_UDP, .l4len = sizeof(struct udphdr),
	  .coff = offsetof(struct udphdr, check) },
	{ .proto = IPPROTO_UDPLITE, .l4len = sizeof(struct udphdr),
	  .coff = offsetof(struct udphdr, check) },
	{ .proto = IPPROTO_DCCP, .l4len = sizeof(struct dccp_hdr),
	  .coff = offsetof(struct dccp_hdr, dccph_checksum) },
	{ .proto = IPPROTO_ICMPV6, .l4len = sizeof(struct icmp6hdr),
	  .coff = offsetof(struct icmp6hdr, icmp6_cksum) },
};

/*
 * Full checksums (CHECKSUM_NONE), every protocol, both ways: the address
 * is the prefix swap, the interface ID and the /56's subnet bits kept.
 */
static void keep_iid_full(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;
	struct sk_buff *skb;
	struct kt_pkt p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_protos); i++) {
		p = kt_protos[i];
		p.src = &ctx->int_host;
		p.dst = &ctx->peer;
		skb = kt_build(test, &p, false);
		KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
		kt_expect(test, skb, &p, &ctx->ext_host, &ctx->peer);
		kfree_skb(skb);

		p.src = &ctx->peer;
		p.dst = &ctx->ext_host;
		skb = kt_build(test, &p, false);
		KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_DNPT), NF_ACCEPT);
		kt_expect(test, skb, &p, &ctx->peer, &ctx->int_host);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT, NPT6_DSTATS_PACKETS),
			ARRAY_SIZE(kt_protos));
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT,
				       NPT6_DSTATS_CSUM_UNKNOWN), 0);
}

/*
 * UDP: a checksum of 0 (none sent) stays 0; a translated checksum that
 * computes to 0 is sent as 0xffff.  UDP-Lite has no "none": its 0 after
 * translation is 0xffff too.
 */
static void keep_iid_udp_zero(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;
	struct kt_pkt p = kt_protos[1];
	struct sk_buff *skb;
	__wsum sum;
	__sum16 c;

	p.src = &ctx->int_host;
	p.dst = &ctx->peer;
	skb = kt_build(test, &p, true);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, (__force u16)*kt_check(skb, &p), 0);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(skb)->saddr,
						&ctx->ext_host));
	kfree_skb(skb);

	/*
	 * Choose the payload's first word so that the datagram's checksum
	 * with the *translated* source is 0: put there what the checksum
	 * is with it zero (x + ~x is one's-complement zero).
	 */
	p.src = &ctx->ext_host;
	skb = kt_build(test, &p, true);
	memset(skb_transport_header(skb) + p.l4len, 0, sizeof(c));
	sum = csum_partial(skb_transport_header(skb), p.l4len + KT_PAYLOAD, 0);
	c = csum_ipv6_magic(&ctx->ext_host, &ctx->peer, p.l4len + KT_PAYLOAD,
			    IPPROTO_UDP, sum);
	memcpy(skb_transport_header(skb) + p.l4len, &c, sizeof(c));
	sum = csum_partial(skb_transport_header(skb), p.l4len + KT_PAYLOAD, 0);
	KUNIT_ASSERT_EQ(test, (__force u16)csum_ipv6_magic(&ctx->ext_host,
							   &ctx->peer,
							   p.l4len + KT_PAYLOAD,
							   IPPROTO_UDP, sum), 0);
	/* Now the same datagram from the internal address, checksummed. */
	ipv6_hdr(skb)->saddr = ctx->int_host;
	*kt_check(skb, &p) = csum_ipv6_magic(&ctx->int_host, &ctx->peer,
					     p.l4len + KT_PAYLOAD, IPPROTO_UDP,
					     sum);
	KUNIT_ASSERT_NE(test, (__force u16)*kt_check(skb, &p), 0);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, (__force u16)*kt_check(skb, &p), 0xffff);
	kt_expect(test, skb, &p, &ctx->ext_host, &ctx->peer);
	kfree_skb(skb);
}

/*
 * CHECKSUM_PARTIAL, as a local sender or GRO leaves it: the field holds
 * the pseudo-header sum, and whoever completes it later must get a
 * checksum that fits the new address.
 */
static void keep_iid_partial(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;
	struct sk_buff *skb;
	struct kt_pkt p;
	unsigned int i;

	for (i = 0; i < 2; i++) {	/* TCP, UDP */
		p = kt_protos[i];
		p.src = &ctx->int_host;
		p.dst = &ctx->peer;
		skb = kt_build(test, &p, true);
		*kt_check(skb, &p) = ~csum_ipv6_magic(p.src, p.dst,
						      p.l4len + KT_PAYLOAD,
						      p.proto, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = p.coff;
		KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
		KUNIT_EXPECT_TRUE(test, skb->ip_summed == CHECKSUM_PARTIAL);
		KUNIT_ASSERT_EQ(test, skb_checksum_help(skb), 0);
		kt_expect(test, skb, &p, &ctx->ext_host, &ctx->peer);
		kfree_skb(skb);
	}
}

/*
 * CHECKSUM_COMPLETE, as a NIC hands a packet to the ingress hook:
 * skb->csum is the sum of everything from skb->data on and must still be
 * after the rewrite, both when the UDP checksum takes the change and when
 * there is none to take it (0).
 */
static void keep_iid_complete(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;
	struct kt_pkt p = kt_protos[1];
	struct sk_buff *skb;
	int zero;

	p.src = &ctx->peer;
	p.dst = &ctx->ext_host;
	for (zero = 0; zero <= 1; zero++) {
		skb = kt_build(test, &p, zero);
		skb->ip_summed = CHECKSUM_COMPLETE;
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
		KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_DNPT), NF_ACCEPT);
		KUNIT_EXPECT_EQ_MSG(test, (__force u16)csum_fold(skb->csum),
				    (__force u16)csum_fold(skb_checksum(skb, 0,
									skb->len,
									0)),
				    "skb->csum stale (UDP checksum %s)",
				    zero ? "none" : "present");
		if (!zero)
			kt_expect(test, skb, &p, &ctx->peer, &ctx->int_host);
		kfree_skb(skb);
	}
}

/*
 * Extension headers: the checksum behind a hop-by-hop header and a first
 * fragment's header is updated; a later fragment has none to update; a
 * routing header with segments left means the pseudo-header holds the
 * final destination, so rewriting the current one touches no checksum.
 */
static void keep_iid_exthdr(struct kunit *test)
{
	static const u8 hbh_frag[] = {
		NEXTHDR_FRAGMENT, 0, 1, 4, 0, 0, 0, 0,	/* hop-by-hop, PadN */
		IPPROTO_UDP, 0, 0x00, 0x01, 0, 0, 0, 7,	/* offset 0, M */
	};
	static const u8 later_frag[] = {
		IPPROTO_UDP, 0, 0x00, 0xb9, 0, 0, 0, 7,	/* offset 184, M */
	};
	static const u8 rh_left[] = {
		/* type 0 with one address, one segment left */
		IPPROTO_UDP, 2, 0, 1, 0, 0, 0, 0,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	struct kt_ctx *ctx = test->priv;
	struct kt_pkt p = kt_protos[1];
	struct sk_buff *skb;
	__sum16 before;

	p.src = &ctx->int_host;
	p.dst = &ctx->peer;
	p.ext = hbh_frag;
	p.extlen = sizeof(hbh_frag);
	p.ext_nexthdr = NEXTHDR_HOP;
	skb = kt_build(test, &p, false);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
	kt_expect(test, skb, &p, &ctx->ext_host, &ctx->peer);
	kfree_skb(skb);

	p.ext = later_frag;
	p.extlen = sizeof(later_frag);
	p.ext_nexthdr = NEXTHDR_FRAGMENT;
	skb = kt_build(test, &p, false);
	before = *kt_check(skb, &p);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(skb)->saddr,
						&ctx->ext_host));
	KUNIT_EXPECT_EQ(test, (__force u16)*kt_check(skb, &p),
			(__force u16)before);
	kfree_skb(skb);

	p.src = &ctx->peer;
	p.dst = &ctx->ext_host;
	p.ext = rh_left;
	p.extlen = sizeof(rh_left);
	p.ext_nexthdr = NEXTHDR_ROUTING;
	skb = kt_build(test, &p, false);
	before = *kt_check(skb, &p);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_DNPT), NF_ACCEPT);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(skb)->daddr,
						&ctx->int_host));
	KUNIT_EXPECT_EQ(test, (__force u16)*kt_check(skb, &p),
			(__force u16)before);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT, NPT6_DSTATS_PACKETS), 2);
}

/*
 * A protocol npt6 does not know is translated and counted; SCTP, which has
 * no pseudo-header, is translated and not counted; a TCP header cut short
 * of its checksum is dropped and counted.
 */
static void keep_iid_unknown_truncated(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;
	struct kt_pkt p = {
		.src = &ctx->int_host, .dst = &ctx->peer,
		.proto = 253, .l4len = 8, .coff = 0,
	};
	struct sk_buff *skb;

	skb = kt_build(test, &p, true);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(skb)->saddr,
						&ctx->ext_host));
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT,
				       NPT6_DSTATS_CSUM_UNKNOWN), 1);

	p.proto = IPPROTO_SCTP;
	skb = kt_build(test, &p, true);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT,
				       NPT6_DSTATS_CSUM_UNKNOWN), 1);

	p.proto = IPPROTO_TCP;
	skb = kt_build(test, &p, true);
	skb_trim(skb, sizeof(struct ipv6hdr) + 10);
	ipv6_hdr(skb)->payload_len = htons(10);
	KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_DROP);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT,
				       NPT6_DSTATS_DROP_TRUNCATED), 1);
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT, NPT6_DSTATS_PACKETS), 2);
}

/*
 * An ICMPv6 error a LAN host sends about a datagram it got from the peer:
 * the source is SNPT'd, and so is the destination of the datagram it
 * quotes, whose UDP checksum must fit again; the ICMPv6 checksum fits the
 * whole.  Then the same with the quote cut short before the UDP
 * checksum: the ICMPv6 checksum takes the change alone.
 */
static void keep_iid_icmp_error(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;
	struct kt_pkt u = kt_protos[1];
	unsigned int qlen, cut;
	struct sk_buff *quote, *skb;
	struct ipv6hdr *inner;
	struct icmp6hdr *ih;

	u.src = &ctx->peer;
	u.dst = &ctx->int_host;
	quote = kt_build(test, &u, false);
	qlen = quote->len;

	for (cut = 0; cut <= 1; cut++) {
		unsigned int len = cut ? sizeof(*inner) + 4 : qlen;

		skb = alloc_skb(LL_MAX_HEADER + sizeof(struct ipv6hdr) +
				sizeof(*ih) + len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		skb_reserve(skb, LL_MAX_HEADER);
		skb_reset_network_header(skb);
		inner = skb_put_zero(skb, sizeof(*inner));
		inner->version = 6;
		inner->payload_len = htons(sizeof(*ih) + len);
		inner->nexthdr = IPPROTO_ICMPV6;
		inner->hop_limit = 64;
		inner->saddr = ctx->int_host;
		inner->daddr = ctx->peer;
		skb_set_transport_header(skb, skb->len);
		ih = skb_put_zero(skb, sizeof(*ih));
		ih->icmp6_type = ICMPV6_DEST_UNREACH;
		ih->icmp6_code = ICMPV6_PORT_UNREACH;
		skb_put_data(skb, quote->data, len);
		ih->icmp6_cksum = csum_ipv6_magic(&ctx->int_host, &ctx->peer,
						  sizeof(*ih) + len,
						  IPPROTO_ICMPV6,
						  csum_partial(ih, sizeof(*ih) + len, 0));
		skb->protocol = htons(ETH_P_IPV6);

		KUNIT_EXPECT_EQ(test, kt_run(ctx, skb, NPT6_DIR_SNPT), NF_ACCEPT);
		ih = icmp6_hdr(skb);
		inner = (struct ipv6hdr *)(ih + 1);
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(skb)->saddr,
							&ctx->ext_host));
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&inner->daddr,
							&ctx->ext_host));
		KUNIT_EXPECT_EQ(test, kt_sum(&ipv6_hdr(skb)->saddr,
					     &ipv6_hdr(skb)->daddr, IPPROTO_ICMPV6,
					     ih, sizeof(*ih) + len), 0);
		if (!cut)
			KUNIT_EXPECT_EQ(test, kt_sum(&inner->saddr, &inner->daddr,
						     IPPROTO_UDP, inner + 1,
						     qlen - sizeof(*inner)), 0);
		kfree_skb(skb);
	}
	kfree_skb(quote);
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, NPT6_DIR_SNPT,
				       NPT6_DSTATS_ICMP_INNER), 2);
}

/*
 * A frag-list train: every datagram's own checksum fits its new source.
 * The first datagram of the list is CHECKSUM_PARTIAL, as a veth passes a
 * local sender's datagrams on: its field holds the pseudo-header sum, and
 * completing it must give a checksum that fits.
 */
static void keep_iid_fraglist(struct kunit *test)
{
	struct kt_ctx *ctx = test->priv;
	struct kt_pkt p = kt_protos[1];
	struct sk_buff *head, *seg, **tail;
	int i = 0;

	p.src = &ctx->int_host;
	p.dst = &ctx->peer;
	head = kt_build(test, &p, false);
	tail = &skb_shinfo(head)->frag_list;
	for (i = 0; i < KT_LIST; i++) {
		seg = kt_build(test, &p, false);
		if (!i) {
			*kt_check(seg, &p) = ~csum_ipv6_magic(p.src, p.dst,
							      p.l4len + KT_PAYLOAD,
							      p.proto, 0);
			seg->ip_summed = CHECKSUM_PARTIAL;
			seg->csum_start = skb_transport_header(seg) - seg->head;
			seg->csum_offset = p.coff;
		}
		*tail = seg;
		tail = &seg->next;
		head->len += seg->len;
		head->data_len += seg->len;
		head->truesize += seg->truesize;
	}
	skb_shinfo(head)->gso_type = SKB_GSO_UDP_L4 | SKB_GSO_FRAGLIST;
	skb_shinfo(head)->gso_size = p.l4len + KT_PAYLOAD;
	skb_shinfo(head)->gso_segs = KT_LIST + 1;

	KUNIT_EXPECT_EQ(test, kt_run(ctx, head, NPT6_DIR_SNPT), NF_ACCEPT);
	kt_expect(test, head, &p, &ctx->ext_host, &ctx->peer);
	i = 0;
	skb_walk_frags(head, seg) {
		if (seg->ip_summed == CHECKSUM_PARTIAL)
			KUNIT_ASSERT_EQ(test, skb_checksum_help(seg), 0);
		kt_expect(test, seg, &p, &ctx->ext_host, &ctx->peer);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, KT_LIST);
	kfree_skb(head);
}

static struct kunit_case keep_iid_test_cases[] = {
	KUNIT_CASE(keep_iid_full),
	KUNIT_CASE(keep_iid_udp_zero),
	KUNIT_CASE(keep_iid_partial),
	KUNIT_CASE(keep_iid_complete),
	KUNIT_CASE(keep_iid_exthdr),
	KUNIT_CASE(keep_iid_unknown_truncated),
	KUNIT_CASE(keep_iid_icmp_error),
	KUNIT_CASE(keep_iid_fraglist),
	{}
};

static struct kunit_suite keep_iid_test_suite = {
	.name = "npt6_keep_iid",
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = keep_iid_test_cases,
};

kunit_test_suite(keep_iid_test_suite);
