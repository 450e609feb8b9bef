// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the filter in front of hairpin.c's table probes.  It
 * may let through what no mapping holds (the tables answer those), but it
 * must never turn away an address in an active external prefix: that
 * packet would not be hairpinned.  hairpin.c includes this file at its
 * end when built with NPT6_KUNIT.
 */

#include <kunit/test.h>
#include <linux/prandom.h>

#define HT_MAPS		300	/* more than NPT6_HAIRPIN_EXACT */

struct ht_ctx {
	struct npt6_net nn;
	struct npt6_dev xdev[2];
	struct npt6_map map[HT_MAPS];
	struct rnd_state rnd;
};

static u64 ht_u64(struct ht_ctx *ctx)
{
	return (u64)prandom_u32_state(&ctx->rnd) << 32 |
	       prandom_u32_state(&ctx->rnd);
}

static int ht_init(struct kunit *test)
{
	struct ht_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int i;

	if (!ctx)
		return -ENOMEM;
	INIT_LIST_HEAD(&ctx->nn.devs);
	for (i = 0; i < ARRAY_SIZE(ctx->xdev); i++) {
		INIT_LIST_HEAD(&ctx->xdev[i].maps);
		list_add_tail(&ctx->xdev[i].list, &ctx->nn.devs);
	}
	prandom_seed_state(&ctx->rnd, 6296);
	test->priv = ctx;
	return 0;
}

/* Map @i gets a random external prefix and goes on a random device. */
static void ht_add(struct ht_ctx *ctx, int i, bool near)
{
	struct npt6_map *map = &ctx->map[i];
	u64 key = ht_u64(ctx);

	map->node.plen = 1 + prandom_u32_state(&ctx->rnd) % 64;
	/* near: all in 2001:db8::/32, as one operator's prefixes are */
	if (near)
		key = 0x20010db800000000ULL | (key >> 32);
	map->node.ext_key = cpu_to_be64(key & ~0ULL << (64 - map->node.plen));
	map->active = prandom_u32_state(&ctx->rnd) % 8 != 0;
	list_add_tail(&map->list,
		      &ctx->xdev[prandom_u32_state(&ctx->rnd) % 2].maps);
}

/* Every active prefix's first and last address, and one inside, pass. */
static void ht_expect_covered(struct kunit *test, struct ht_ctx *ctx,
			      int nmaps)
{
	u64 filter = READ_ONCE(ctx->nn.hairpin_filter);
	int i;

	for (i = 0; i < nmaps; i++) {
		const struct npt6_table_node *n = &ctx->map[i].node;
		u64 key = be64_to_cpu(n->ext_key);
		u64 host = n->plen < 64 ? ~0ULL >> n->plen : 0;
		u64 in[] = { key, key | host,
			     key | (ht_u64(ctx) & host) };
		int j;

		if (!ctx->map[i].active)
			continue;
		for (j = 0; j < ARRAY_SIZE(in); j++)
			KUNIT_EXPECT_FALSE_MSG(test,
					       npt6_hairpin_filtered(filter,
								     cpu_to_be64(in[j])),
					       "filter %#llx turns away %#llx of /%u prefix %#llx",
					       filter, in[j], n->plen, key);
	}
}

/* Mappings added one by one, far apart and near, past the exact limit. */
static void hairpin_filter_covers(struct kunit *test)
{
	struct ht_ctx *ctx = test->priv;
	int near, i;

	for (near = 0; near <= 1; near++) {
		ht_init(test);
		ctx = test->priv;
		for (i = 0; i < HT_MAPS; i++) {
			ht_add(ctx, i, near);
			rtnl_lock();
			npt6_hairpin_update(&ctx->nn, ctx->map[i].active ?
						      &ctx->map[i].node : NULL);
			rtnl_unlock();
			ht_expect_covered(test, ctx, i + 1);
		}
		/* Removals never make it turn away what stays. */
		for (i = 0; i < HT_MAPS; i += 3) {
			list_del(&ctx->map[i].list);
			ctx->map[i].active = false;
			rtnl_lock();
			npt6_hairpin_update(&ctx->nn, NULL);
			rtnl_unlock();
			ht_expect_covered(test, ctx, HT_MAPS);
		}
	}
}

/*
 * The point of it: with one /64, or a few in one /48, Internet-bound
 * traffic is turned away by the filter; with none, nothing is.
 */
static void hairpin_filter_selective(struct kunit *test)
{
	struct ht_ctx *ctx = test->priv;
	struct npt6_map *map = &ctx->map[0];
	__be64 inet = cpu_to_be64(0x20010db8ffff0003ULL);

	rtnl_lock();
	npt6_hairpin_update(&ctx->nn, NULL);
	rtnl_unlock();
	KUNIT_EXPECT_FALSE(test, npt6_hairpin_filtered(ctx->nn.hairpin_filter,
						       inet));

	map->node.plen = 64;
	map->node.ext_key = cpu_to_be64(0x20010db85f000001ULL);
	map->active = true;
	list_add_tail(&map->list, &ctx->xdev[0].maps);
	rtnl_lock();
	npt6_hairpin_update(&ctx->nn, &map->node);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, npt6_hairpin_filtered(ctx->nn.hairpin_filter,
						      inet));
	/* A neighbouring /64 in the same /56 passes: the filter stops at 56. */
	KUNIT_EXPECT_FALSE(test,
			   npt6_hairpin_filtered(ctx->nn.hairpin_filter,
						 cpu_to_be64(0x20010db85f000002ULL)));
	KUNIT_EXPECT_TRUE(test,
			  npt6_hairpin_filtered(ctx->nn.hairpin_filter,
						cpu_to_be64(0x20010db85f000101ULL)));
}

static struct kunit_case hairpin_test_cases[] = {
	KUNIT_CASE(hairpin_filter_covers),
	KUNIT_CASE(hairpin_filter_selective),
	{}
};

static struct kunit_suite hairpin_test_suite = {
	.name = "npt6_hairpin",
	.init = ht_init,
	.test_cases = hairpin_test_cases,
};

kunit_test_suite(hairpin_test_suite);
