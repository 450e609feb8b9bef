// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for xlat.c's rewrite of a whole packet, frag-list GRO
 * trains in particular.  xlat.c includes this file at its end when built
 * with NPT6_KUNIT, so the cases reach its static functions.
 *
 * A train (rx-gro-list) is a head skb whose frag_list holds the other
 * datagrams GRO merged, each with its own IPv6 header.  Some kernels copy
 * the head's addresses into every segment when the train is split, and
 * hide a rewrite that forgot the list; others do not.  These cases look
 * at the list skbs' headers directly, so they fail on any kernel if a
 * datagram of the train keeps its old address, and they check that the
 * UDP checksum of every datagram is still right for its new addresses.
 */

#include <kunit/test.h>
#include <linux/inet.h>
#include <linux/percpu.h>
#include <linux/udp.h>
#include <net/ip6_checksum.h>

#define XT_PLEN		48
#define XT_PAYLOAD	200
#define XT_LIST		3	/* datagrams on the frag_list, after the head */

struct xlat_test_ctx {
	struct npt6_map *map;
	struct in6_addr int_host;	/* a LAN host */
	struct in6_addr ext_host;	/* its external twin */
	struct in6_addr peer;		/* somewhere on the internet */
};

/* An address from its text; l4csum_test.c uses it too. */
static void xt_addr(struct kunit *test, const char *s, struct in6_addr *a)
{
	KUNIT_ASSERT_EQ(test, in6_pton(s, -1, a->s6_addr, -1, NULL), 1);
}

static int xlat_test_init(struct kunit *test)
{
	struct in6_addr int_pfx, ext_pfx;
	struct xlat_test_ctx *ctx;
	struct npt6_map *map;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	map = kunit_kzalloc(test, sizeof(*map), GFP_KERNEL);
	if (!ctx || !map)
		return -ENOMEM;
	map->stats = alloc_percpu(struct npt6_stats);
	if (!map->stats)
		return -ENOMEM;
	ctx->map = map;
	test->priv = ctx;

	xt_addr(test, "fd01:203:405::", &int_pfx);
	xt_addr(test, "2001:db8:1::", &ext_pfx);
	xt_addr(test, "fd01:203:405:1::42", &ctx->int_host);
	xt_addr(test, "2001:db8:ffff::9", &ctx->peer);
	map->node.plen = XT_PLEN;
	npt6_rewrite_init(&map->rw[NPT6_DIR_SNPT], &int_pfx, &ext_pfx, XT_PLEN,
			  false);
	npt6_rewrite_init(&map->rw[NPT6_DIR_DNPT], &ext_pfx, &int_pfx, XT_PLEN,
			  false);
	ctx->ext_host = ctx->int_host;
	KUNIT_ASSERT_TRUE(test, npt6_rewrite_addr(&map->rw[NPT6_DIR_SNPT],
						  &ctx->ext_host));
	return 0;
}

static void xlat_test_exit(struct kunit *test)
{
	struct xlat_test_ctx *ctx = test->priv;

	if (ctx && ctx->map)
		free_percpu(ctx->map->stats);
}

/* One UDP datagram from @src to @dst, network header at skb->data. */
static struct sk_buff *xt_datagram(struct kunit *test,
				   const struct in6_addr *src,
				   const struct in6_addr *dst, u8 fill)
{
	unsigned int ulen = sizeof(struct udphdr) + XT_PAYLOAD;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct udphdr *uh;
	__wsum csum;

	skb = alloc_skb(LL_MAX_HEADER + sizeof(*ip6h) + ulen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->payload_len = htons(ulen);
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = 64;
	ip6h->saddr = *src;
	ip6h->daddr = *dst;
	skb_set_transport_header(skb, skb->len);
	uh = skb_put_zero(skb, sizeof(*uh));
	uh->source = htons(4500);
	uh->dest = htons(5000 + fill);
	uh->len = htons(ulen);
	memset(skb_put(skb, XT_PAYLOAD), fill, XT_PAYLOAD);
	csum = csum_partial(uh, ulen, 0);
	uh->check = csum_ipv6_magic(src, dst, ulen, IPPROTO_UDP, csum);
	skb->protocol = htons(ETH_P_IPV6);
	return skb;
}

/*
 * A train as rx-gro-list leaves it: the head, and XT_LIST datagrams of
 * the same flow on its frag_list, accounted in the head's lengths.
 */
static struct sk_buff *xt_train(struct kunit *test,
				const struct in6_addr *src,
				const struct in6_addr *dst)
{
	struct sk_buff *head = xt_datagram(test, src, dst, 0);
	struct sk_buff **tail = &skb_shinfo(head)->frag_list;
	int i;

	for (i = 1; i <= XT_LIST; i++) {
		struct sk_buff *seg = xt_datagram(test, src, dst, i);

		*tail = seg;
		tail = &seg->next;
		head->len += seg->len;
		head->data_len += seg->len;
		head->truesize += seg->truesize;
	}
	skb_shinfo(head)->gso_type = SKB_GSO_UDP_L4 | SKB_GSO_FRAGLIST;
	skb_shinfo(head)->gso_size = sizeof(struct udphdr) + XT_PAYLOAD;
	skb_shinfo(head)->gso_segs = XT_LIST + 1;
	return head;
}

/* The datagram's addresses are @src and @dst, and its checksum fits them. */
static void xt_expect(struct kunit *test, const struct sk_buff *skb,
		      const struct in6_addr *src, const struct in6_addr *dst,
		      const char *which)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int ulen = ntohs(ip6h->payload_len);
	const void *uh = (const void *)(ip6h + 1);

	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&ip6h->saddr, src),
			      "%s: source %pI6c, want %pI6c", which,
			      &ip6h->saddr, src);
	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&ip6h->daddr, dst),
			      "%s: destination %pI6c, want %pI6c", which,
			      &ip6h->daddr, dst);
	/* A checksum over the pseudo-header and a right datagram folds to 0. */
	KUNIT_EXPECT_EQ_MSG(test,
			    (__force u16)csum_ipv6_magic(&ip6h->saddr,
							 &ip6h->daddr, ulen,
							 IPPROTO_UDP,
							 csum_partial(uh, ulen, 0)),
			    0, "%s: UDP checksum no longer fits", which);
}

/* Run one direction's rewrite as the hook would, with BH off. */
static unsigned int xt_run(struct xlat_test_ctx *ctx, struct sk_buff *skb,
			   enum npt6_dir dir)
{
	unsigned int verdict;

	local_bh_disable();
	verdict = npt6_xlat_outer(ctx->map, skb, 0, dir);
	local_bh_enable();
	return verdict;
}

/* A counter of @map, summed over the CPUs; l4csum_test.c uses it too. */
static u64 xt_count(const struct npt6_map *map, enum npt6_dir dir,
		    enum npt6_dir_stats_attr ctr)
{
	const struct npt6_stats *s;
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(map->stats, cpu);
		n += u64_stats_read(&s->ctr[dir][ctr - NPT6_CTR_FIRST]);
	}
	return n;
}

static void xt_expect_train(struct kunit *test, struct sk_buff *head,
			    const struct in6_addr *src,
			    const struct in6_addr *dst)
{
	struct sk_buff *seg;
	char which[32];
	int i = 0;

	xt_expect(test, head, src, dst, "head");
	skb_walk_frags(head, seg) {
		snprintf(which, sizeof(which), "datagram %d of the list", ++i);
		xt_expect(test, seg, src, dst, which);
	}
	KUNIT_EXPECT_EQ(test, i, XT_LIST);
}

/*
 * A train from @src to @dst through @dir must come out from @want_src to
 * @want_dst, every datagram of it, and count as datagrams, not trains, as
 * any GSO packet does.
 */
static void xt_check_train(struct kunit *test, enum npt6_dir dir,
			   const struct in6_addr *src,
			   const struct in6_addr *dst,
			   const struct in6_addr *want_src,
			   const struct in6_addr *want_dst)
{
	struct xlat_test_ctx *ctx = test->priv;
	struct sk_buff *head = xt_train(test, src, dst);

	KUNIT_EXPECT_EQ(test, xt_run(ctx, head, dir), NF_ACCEPT);
	xt_expect_train(test, head, want_src, want_dst);
	KUNIT_EXPECT_EQ(test, xt_count(ctx->map, dir, NPT6_DSTATS_PACKETS), XT_LIST + 1);
	kfree_skb(head);
}

/* Outbound: every datagram of the train leaves from the external twin. */
static void xlat_fraglist_snpt(struct kunit *test)
{
	struct xlat_test_ctx *ctx = test->priv;

	xt_check_train(test, NPT6_DIR_SNPT, &ctx->int_host, &ctx->peer,
		       &ctx->ext_host, &ctx->peer);
}

/* Inbound: every datagram goes to the internal host. */
static void xlat_fraglist_dnpt(struct kunit *test)
{
	struct xlat_test_ctx *ctx = test->priv;

	xt_check_train(test, NPT6_DIR_DNPT, &ctx->peer, &ctx->ext_host,
		       &ctx->peer, &ctx->int_host);
}

/*
 * A datagram of the list that someone else holds too (a second reference,
 * as a tap's list would have) is replaced by our own copy before we write:
 * the other holder still sees the untranslated datagram.
 */
static void xlat_fraglist_shared(struct kunit *test)
{
	struct xlat_test_ctx *ctx = test->priv;
	struct sk_buff *head = xt_train(test, &ctx->int_host, &ctx->peer);
	struct sk_buff *theirs = skb_shinfo(head)->frag_list->next;

	skb_get(theirs);
	KUNIT_EXPECT_EQ(test, xt_run(ctx, head, NPT6_DIR_SNPT), NF_ACCEPT);
	xt_expect_train(test, head, &ctx->ext_host, &ctx->peer);
	KUNIT_EXPECT_PTR_NE(test, skb_shinfo(head)->frag_list->next, theirs);
	xt_expect(test, theirs, &ctx->int_host, &ctx->peer, "the other holder's");
	kfree_skb(head);
	kfree_skb(theirs);
}

static struct kunit_case xlat_test_cases[] = {
	KUNIT_CASE(xlat_fraglist_snpt),
	KUNIT_CASE(xlat_fraglist_dnpt),
	KUNIT_CASE(xlat_fraglist_shared),
	{}
};

static struct kunit_suite xlat_test_suite = {
	.name = "npt6_xlat",
	.init = xlat_test_init,
	.exit = xlat_test_exit,
	.test_cases = xlat_test_cases,
};

kunit_test_suite(xlat_test_suite);
