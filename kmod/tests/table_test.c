// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the per-device mapping table in table.c.
 *
 * Each case gets an empty table from the init fixture; the exit fixture
 * unlinks whatever the case left in it and destroys it, so a case that
 * fails half-way cleans up as well as one that passes.  Besides cases
 * written out by hand, two cases compare the table with a brute-force
 * model (a plain array scanned in full) on random, crowded prefixes.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/inet.h>
#include <linux/minmax.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/vmalloc.h>

#include "../table.h"

#define MANY_NODES	10000
#define MODEL_NODES	300
#define MODEL_PROBES	5000

struct table_test_ctx {
	struct npt6_table table;
	struct npt6_table_node *bulk;	/* vmalloc()ed, for table_many */
	struct rnd_state rnd;
	u64 seed;
};

static int table_test_init(struct kunit *test)
{
	struct table_test_ctx *ctx;
	int err;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	err = npt6_table_init(&ctx->table);
	if (err)
		return err;
	ctx->seed = get_random_u64();
	prandom_seed_state(&ctx->rnd, ctx->seed);
	test->priv = ctx;
	return 0;
}

/* KUnit calls this even when init failed; then there is nothing to undo. */
static void table_test_exit(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;
	struct npt6_table_node *n, *tmp;

	if (!ctx)
		return;
	list_for_each_entry_safe(n, tmp, &ctx->table.nodes, list)
		npt6_table_remove(&ctx->table, n);
	/* No reader ran concurrently, so no grace period to wait for. */
	npt6_table_destroy(&ctx->table);
	vfree(ctx->bulk);
}

static struct npt6_table *table_of(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;

	return &ctx->table;
}

/* Plain-integer helpers: host-order u64 for the high half of an address. */

static u64 mask_of(unsigned int plen)
{
	return plen ? ~0ULL << (64 - plen) : 0;
}

static void parse(struct kunit *test, const char *str, struct in6_addr *a)
{
	KUNIT_ASSERT_EQ_MSG(test, in6_pton(str, -1, a->s6_addr, -1, NULL), 1,
			    "not an IPv6 address: %s", str);
}

static u64 hi_of(const struct in6_addr *a)
{
	return ((u64)ntohl(a->s6_addr32[0]) << 32) | ntohl(a->s6_addr32[1]);
}

static void set_hi(struct in6_addr *a, u64 hi)
{
	a->s6_addr32[0] = htonl(hi >> 32);
	a->s6_addr32[1] = htonl((u32)hi);
}

static __be64 key_of(struct kunit *test, const char *str)
{
	struct in6_addr a;

	parse(test, str, &a);
	return cpu_to_be64(hi_of(&a));
}

static struct npt6_table_node *node_new(struct kunit *test, const char *int_pfx,
					const char *ext_pfx, u8 plen)
{
	struct npt6_table_node *n;

	n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, n);
	n->int_key = key_of(test, int_pfx);
	n->ext_key = key_of(test, ext_pfx);
	n->plen = plen;
	return n;
}

/* What the config path does: check, then insert. */
static int add(struct kunit *test, struct npt6_table_node *n, bool *on_ext)
{
	struct npt6_table *t = table_of(test);
	bool ignored;
	int err;

	err = npt6_table_conflict(t, n->int_key, n->ext_key, n->plen,
				  on_ext ?: &ignored);
	if (err)
		return err;
	return npt6_table_insert(t, n);
}

/* What the packet path does, under RCU as it must. */
static struct npt6_table_node *match(struct kunit *test, bool ext,
				     const struct in6_addr *addr)
{
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *n;

	rcu_read_lock();
	n = ext ? npt6_table_match_ext(t, addr) : npt6_table_match_int(t, addr);
	rcu_read_unlock();
	return n;
}

static struct npt6_table_node *match_str(struct kunit *test, bool ext,
					 const char *str)
{
	struct in6_addr a;

	parse(test, str, &a);
	return match(test, ext, &a);
}

static void table_insert_lookup_remove(struct kunit *test)
{
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *n;

	n = node_new(test, "fd00:1::", "2001:db8:1::", 64);
	KUNIT_ASSERT_EQ(test, add(test, n, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->count, 1U);
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(63));

	KUNIT_EXPECT_PTR_EQ(test, npt6_table_find_int(t, n->int_key, 64), n);
	KUNIT_EXPECT_NULL(test, npt6_table_find_int(t, n->int_key, 48));
	KUNIT_EXPECT_NULL(test, npt6_table_find_int(t, n->ext_key, 64));

	KUNIT_EXPECT_PTR_EQ(test, match_str(test, false, "fd00:1::1234"), n);
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, false,
					    "fd00:1::ffff:ffff:ffff:ffff"), n);
	KUNIT_EXPECT_NULL(test, match_str(test, false, "fd00:1:0:1::1234"));
	KUNIT_EXPECT_NULL(test, match_str(test, false, "fd00:2::1234"));
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, true, "2001:db8:1::5"), n);
	KUNIT_EXPECT_NULL(test, match_str(test, true, "2001:db8:1:1::5"));

	/* Each side answers for its own prefix only. */
	KUNIT_EXPECT_NULL(test, match_str(test, true, "fd00:1::1234"));
	KUNIT_EXPECT_NULL(test, match_str(test, false, "2001:db8:1::5"));

	npt6_table_remove(t, n);
	KUNIT_EXPECT_EQ(test, t->count, 0U);
	KUNIT_EXPECT_EQ(test, t->plens, 0ULL);
	KUNIT_EXPECT_NULL(test, npt6_table_find_int(t, n->int_key, 64));
	KUNIT_EXPECT_NULL(test, match_str(test, false, "fd00:1::1234"));
	KUNIT_EXPECT_NULL(test, match_str(test, true, "2001:db8:1::5"));
}

/*
 * An insert that fails on the external side must take its internal half
 * back out.  The conflict check would have refused it; we skip it here.
 */
static void table_insert_rollback(struct kunit *test)
{
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *a, *b;

	a = node_new(test, "fd00:1::", "2001:db8:1::", 64);
	b = node_new(test, "fd00:2::", "2001:db8:1::", 64);
	KUNIT_ASSERT_EQ(test, add(test, a, NULL), 0);
	KUNIT_EXPECT_NE(test, npt6_table_insert(t, b), 0);

	KUNIT_EXPECT_EQ(test, t->count, 1U);
	KUNIT_EXPECT_NULL(test, npt6_table_find_int(t, b->int_key, 64));
	KUNIT_EXPECT_NULL(test, match_str(test, false, "fd00:2::1"));
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, true, "2001:db8:1::1"), a);
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, false, "fd00:1::1"), a);
}

/*
 * Every length on its own: addresses inside match on their side only,
 * flipping the last prefix bit leaves the prefix, flipping the first host
 * bit does not.
 */
static void table_every_length(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *n;
	struct in6_addr in, out;
	unsigned int plen;

	n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, n);

	for (plen = 1; plen <= 64; plen++) {
		u64 int_key, ext_key, host;

		/* The first bit tells the sides apart, even at /1. */
		int_key = (prandom_u32_state(&ctx->rnd) | (u64)
			   prandom_u32_state(&ctx->rnd) << 32) & mask_of(plen);
		int_key &= ~BIT_ULL(63);
		ext_key = ~int_key & mask_of(plen);
		n->int_key = cpu_to_be64(int_key);
		n->ext_key = cpu_to_be64(ext_key);
		n->plen = plen;
		KUNIT_ASSERT_EQ(test, add(test, n, NULL), 0);
		KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(plen - 1));

		prandom_bytes_state(&ctx->rnd, &in, sizeof(in));
		host = hi_of(&in) & ~mask_of(plen);
		set_hi(&in, int_key | host);
		out = in;
		set_hi(&out, ext_key | host);

		KUNIT_EXPECT_PTR_EQ_MSG(test, match(test, false, &in), n,
					"%pI6c /%u", &in, plen);
		KUNIT_EXPECT_PTR_EQ_MSG(test, match(test, true, &out), n,
					"%pI6c /%u", &out, plen);
		KUNIT_EXPECT_NULL_MSG(test, match(test, true, &in),
				      "%pI6c /%u", &in, plen);
		KUNIT_EXPECT_NULL_MSG(test, match(test, false, &out),
				      "%pI6c /%u", &out, plen);

		set_hi(&in, (int_key | host) ^ BIT_ULL(64 - plen));
		set_hi(&out, (ext_key | host) ^ BIT_ULL(64 - plen));
		KUNIT_EXPECT_NULL_MSG(test, match(test, false, &in),
				      "%pI6c /%u", &in, plen);
		KUNIT_EXPECT_NULL_MSG(test, match(test, true, &out),
				      "%pI6c /%u", &out, plen);

		if (plen < 64) {
			set_hi(&in, (int_key | host) ^ BIT_ULL(63 - plen));
			set_hi(&out, (ext_key | host) ^ BIT_ULL(63 - plen));
			KUNIT_EXPECT_PTR_EQ_MSG(test, match(test, false, &in),
						n, "%pI6c /%u", &in, plen);
			KUNIT_EXPECT_PTR_EQ_MSG(test, match(test, true, &out),
						n, "%pI6c /%u", &out, plen);
		}

		npt6_table_remove(t, n);
		KUNIT_EXPECT_EQ(test, t->plens, 0ULL);
	}
}

static void table_conflict_same_internal(struct kunit *test)
{
	struct npt6_table_node *a, *b;
	bool on_ext;

	a = node_new(test, "fd00:1::", "2001:db8:1::", 48);
	b = node_new(test, "fd00:1::", "2001:db8:2::", 48);
	KUNIT_ASSERT_EQ(test, add(test, a, NULL), 0);
	KUNIT_EXPECT_EQ(test, add(test, b, &on_ext), -EEXIST);
	KUNIT_EXPECT_EQ(test, table_of(test)->count, 1U);
}

/* Internal prefixes that nest, in both orders, and at the same key. */
static void table_conflict_internal(struct kunit *test)
{
	static const struct {
		const char *int_pfx;
		const char *ext_pfx;
		u8 plen;
	} cases[] = {
		{ "fd00::", "2001:db8:9::", 48 },	   /* holds the /56 */
		{ "fd00::", "2001:db8:9::", 52 },	   /* likewise */
		{ "fd00:0:0:1a0::", "2001:db8:9::", 60 },  /* inside it */
		{ "fd00:0:0:1ff::", "2001:db8:9::", 64 },  /* last /64 */
		{ "fd00:0:0:100::", "2001:db8:9::", 64 },  /* same key */
		{ "fd00:0:0:100::", "2001:db8:9::", 60 },  /* same key */
		{ "fc00::", "::", 7 },
	};
	struct npt6_table_node *a, *b;
	unsigned int i;
	bool on_ext;

	a = node_new(test, "fd00:0:0:100::", "2001:db8:0:100::", 56);
	KUNIT_ASSERT_EQ(test, add(test, a, NULL), 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		b = node_new(test, cases[i].int_pfx, cases[i].ext_pfx,
			     cases[i].plen);
		on_ext = true;
		KUNIT_EXPECT_EQ_MSG(test, add(test, b, &on_ext), -EBUSY,
				    "%s/%u", cases[i].int_pfx, cases[i].plen);
		KUNIT_EXPECT_FALSE_MSG(test, on_ext, "%s/%u",
				       cases[i].int_pfx, cases[i].plen);
	}
	KUNIT_EXPECT_EQ(test, table_of(test)->count, 1U);
}

/* Disjoint internal prefixes whose external prefixes nest. */
static void table_conflict_external(struct kunit *test)
{
	static const struct {
		const char *int_pfx;
		const char *ext_pfx;
		u8 plen;
	} cases[] = {
		{ "fd00:2::", "2001:db8:1::", 48 },	/* same prefix */
		{ "fd00:2::", "2001:db8:1:5::", 64 },	/* inside it */
		{ "fd00:2::", "2001:db8::", 32 },	/* holds it */
		{ "fd00:2::", "2001:db8:1:8000::", 49 },
	};
	struct npt6_table_node *a, *b;
	unsigned int i;
	bool on_ext;

	a = node_new(test, "fd00:1::", "2001:db8:1::", 48);
	KUNIT_ASSERT_EQ(test, add(test, a, NULL), 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		b = node_new(test, cases[i].int_pfx, cases[i].ext_pfx,
			     cases[i].plen);
		on_ext = false;
		KUNIT_EXPECT_EQ_MSG(test, add(test, b, &on_ext), -EBUSY,
				    "%s/%u", cases[i].ext_pfx, cases[i].plen);
		KUNIT_EXPECT_TRUE_MSG(test, on_ext, "%s/%u",
				      cases[i].ext_pfx, cases[i].plen);
	}
	KUNIT_EXPECT_EQ(test, table_of(test)->count, 1U);
}

/*
 * Neighbours do not overlap.  The third /64 is the interesting one: with
 * a /48 in the table, cutting fd00:0:0:1:: to /48 gives the key of the
 * unrelated fd00::/64, and a hit on that key alone is no overlap.
 */
static void table_conflict_neighbours(struct kunit *test)
{
	static const struct {
		const char *int_pfx;
		const char *ext_pfx;
		u8 plen;
	} nodes[] = {
		{ "fd00::", "2001:db8::", 64 },
		{ "fd01::", "2001:db8:1::", 48 },
		{ "fd00:0:0:1::", "2001:db8:0:1::", 64 },
		{ "fd00:0:0:2::", "2001:db8:0:2::", 63 },
		{ "fd00:0:1::", "2001:db8:2::", 56 },
		{ "fd00:0:1:100::", "2001:db8:2:100::", 56 },
		{ "fd02::", "2001:db8:3::", 64 },
		{ "fd02:0:0:1::", "2001:db8:4::", 64 },
	};
	struct npt6_table_node *n;
	unsigned int i;
	bool on_ext;
	int err;

	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		n = node_new(test, nodes[i].int_pfx, nodes[i].ext_pfx,
			     nodes[i].plen);
		err = add(test, n, &on_ext);
		KUNIT_EXPECT_EQ_MSG(test, err, 0,
				    "%s/%u <-> %s/%u refused (%s side)",
				    nodes[i].int_pfx, nodes[i].plen,
				    nodes[i].ext_pfx, nodes[i].plen,
				    on_ext ? "external" : "internal");
	}
}

/*
 * Nodes are chosen in a narrow space so that they collide often, and
 * half the keys of each side end in zeros beyond some shorter length, so
 * that keys of different lengths coincide.
 */
static void rand_node(struct table_test_ctx *ctx, struct npt6_table_node *n)
{
	static const u8 plens[] = { 44, 48, 52, 56, 60, 62, 63, 64 };
	u32 r = prandom_u32_state(&ctx->rnd);
	u8 plen = plens[r % ARRAY_SIZE(plens)];
	u8 cut = plens[(r >> 8) % ARRAY_SIZE(plens)];
	u64 int_key = 0xfd00000000000000ULL |
		      (prandom_u32_state(&ctx->rnd) & 0xffffff);
	u64 ext_key = 0x20010db800000000ULL |
		      (prandom_u32_state(&ctx->rnd) & 0xffffff);

	if (r & BIT(16))
		int_key &= mask_of(cut);
	if (r & BIT(17))
		ext_key &= mask_of(cut);
	n->int_key = cpu_to_be64(int_key & mask_of(plen));
	n->ext_key = cpu_to_be64(ext_key & mask_of(plen));
	n->plen = plen;
}

static bool model_overlap(__be64 a, u8 alen, __be64 b, u8 blen)
{
	return !((be64_to_cpu(a) ^ be64_to_cpu(b)) & mask_of(min(alen, blen)));
}

/*
 * What npt6_table_conflict() must say about @n given the @count nodes of
 * @nodes: -EEXIST, or -EBUSY with the side in *@int_ov / *@ext_ov, or 0.
 */
static int model_conflict(const struct npt6_table_node *nodes,
			  unsigned int count, const struct npt6_table_node *n,
			  bool *int_ov, bool *ext_ov)
{
	bool same = false;
	unsigned int i;

	*int_ov = false;
	*ext_ov = false;
	for (i = 0; i < count; i++) {
		if (nodes[i].int_key == n->int_key && nodes[i].plen == n->plen)
			same = true;
		if (model_overlap(nodes[i].int_key, nodes[i].plen, n->int_key,
				  n->plen))
			*int_ov = true;
		if (model_overlap(nodes[i].ext_key, nodes[i].plen, n->ext_key,
				  n->plen))
			*ext_ov = true;
	}
	if (same)
		return -EEXIST;
	return *int_ov || *ext_ov ? -EBUSY : 0;
}

/*
 * Random crowded nodes against the model.  Only what the model accepts
 * goes in, so that one wrong answer does not spoil the rest of the run.
 */
static void table_conflict_model(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;
	struct npt6_table *t = table_of(test);
	unsigned int count = 0, tries, wrong = 0;
	struct npt6_table_node *nodes, cand;
	bool on_ext, int_ov, ext_ov;
	int want, got;

	nodes = kunit_kcalloc(test, MODEL_NODES, sizeof(*nodes), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nodes);

	for (tries = 0; count < MODEL_NODES && tries < 20 * MODEL_NODES;
	     tries++) {
		rand_node(ctx, &cand);
		want = model_conflict(nodes, count, &cand, &int_ov, &ext_ov);
		got = npt6_table_conflict(t, cand.int_key, cand.ext_key,
					  cand.plen, &on_ext);

		if (got != want ||
		    (got == -EBUSY && !on_ext && !int_ov) ||
		    (got == -EBUSY && on_ext && !ext_ov)) {
			if (!wrong++)
				KUNIT_FAIL(test,
					   "seed %llu, %u nodes in: %016llx <-> %016llx /%u got %d%s, model %d (internal overlap %d, external %d)",
					   ctx->seed, count,
					   be64_to_cpu(cand.int_key),
					   be64_to_cpu(cand.ext_key),
					   cand.plen, got,
					   on_ext ? " on ext" : "", want,
					   int_ov, ext_ov);
		}
		if (want)
			continue;

		nodes[count] = cand;
		KUNIT_ASSERT_EQ(test, npt6_table_insert(t, &nodes[count]), 0);
		count++;
	}
	KUNIT_EXPECT_EQ_MSG(test, wrong, 0U, "wrong answers out of %u",
			    tries);
	KUNIT_EXPECT_EQ(test, t->count, count);
	/* A nearly empty table would prove little. */
	KUNIT_EXPECT_GE(test, count, MODEL_NODES / 2);
}

/*
 * Random non-overlapping nodes of mixed lengths, inserted straight (the
 * conflict check has cases of its own), then random addresses near them
 * looked up on both sides against a scan of all nodes.
 */
static void table_lookup_model(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *nodes, *want, *got;
	unsigned int count = 0, tries, probe, i;
	bool int_ov, ext_ov;
	struct in6_addr a;

	nodes = kunit_kcalloc(test, MODEL_NODES, sizeof(*nodes), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nodes);

	for (tries = 0; count < MODEL_NODES && tries < 20 * MODEL_NODES;
	     tries++) {
		rand_node(ctx, &nodes[count]);
		if (model_conflict(nodes, count, &nodes[count], &int_ov,
				   &ext_ov))
			continue;
		KUNIT_ASSERT_EQ(test, npt6_table_insert(t, &nodes[count]), 0);
		count++;
	}
	KUNIT_EXPECT_GE(test, count, MODEL_NODES / 2);

	for (probe = 0; probe < MODEL_PROBES; probe++) {
		bool ext = probe % 2;
		u64 hi, base;

		/*
		 * Half the probes fall inside a node, the others anywhere
		 * in the crowded space, where they may or may not hit.
		 */
		prandom_bytes_state(&ctx->rnd, &a, sizeof(a));
		hi = hi_of(&a);
		if (probe % 4 < 2) {
			struct npt6_table_node *n;

			n = &nodes[prandom_u32_state(&ctx->rnd) % count];
			base = be64_to_cpu(ext ? n->ext_key : n->int_key);
			set_hi(&a, base | (hi & ~mask_of(n->plen)));
		} else {
			base = ext ? 0x20010db800000000ULL :
				     0xfd00000000000000ULL;
			set_hi(&a, base | (hi & 0xffffff));
		}

		want = NULL;
		for (i = 0; i < count; i++) {
			__be64 key = ext ? nodes[i].ext_key : nodes[i].int_key;

			if (!((hi_of(&a) ^ be64_to_cpu(key)) &
			      mask_of(nodes[i].plen)))
				want = &nodes[i];
		}
		got = match(test, ext, &a);
		KUNIT_ASSERT_PTR_EQ_MSG(test, got, want,
					"seed %llu: %s lookup of %pI6c found /%d, expected /%d",
					ctx->seed, ext ? "external" : "internal",
					&a, got ? got->plen : -1,
					want ? want->plen : -1);
	}
}

/* Hand-picked mixed lengths, including keys that coincide across lengths. */
static void table_mixed_lengths(struct kunit *test)
{
	static const struct {
		const char *int_pfx;
		const char *ext_pfx;
		u8 plen;
	} nodes[] = {
		{ "fd10::", "2a10::", 16 },
		{ "fd20:1::", "2a20:1::", 32 },
		{ "fd00::", "2001:db8:a::", 48 },
		{ "fd30:0:0:100::", "2001:db8:b:100::", 56 },
		{ "fd30:0:0:210::", "2001:db8:b:210::", 60 },
		{ "fd30::", "2001:db8:b::", 64 },
		{ "fd30:0:0:1::", "2001:db8:b:1::", 64 },
	};
	static const struct {
		const char *int_addr;
		const char *ext_addr;
		int node;
	} probes[] = {
		{ "fd10:ffff::1", "2a10:ffff::1", 0 },
		{ "fd11::1", "2a11::1", -1 },
		{ "fd20:1:ffff::1", "2a20:1:ffff::1", 1 },
		{ "fd20:2::1", "2a20:2::1", -1 },
		/* At /64 this cuts to the key of the /48 node: still it. */
		{ "fd00::1", "2001:db8:a::1", 2 },
		{ "fd00:0:0:ffff::1", "2001:db8:a:ffff::1", 2 },
		{ "fd00:1::1", "2001:db8:9::1", -1 },
		{ "fd30:0:0:1ab::1", "2001:db8:b:1ab::1", 3 },
		{ "fd30:0:0:21f:ffff:ffff:ffff:ffff",
		  "2001:db8:b:21f:ffff:ffff:ffff:ffff", 4 },
		{ "fd30::5", "2001:db8:b::5", 5 },
		{ "fd30:0:0:1::5", "2001:db8:b:1::5", 6 },
		/* At /56 and /60 these cut to the key of a /64 node. */
		{ "fd30:0:0:7::1", "2001:db8:b:7::1", -1 },
		{ "fd30:0:0:10::1", "2001:db8:b:10::1", -1 },
		{ "fd30:0:0:200::1", "2001:db8:b:200::1", -1 },
		{ "::", "::", -1 },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", -1 },
	};
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *n[ARRAY_SIZE(nodes)], *want;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		n[i] = node_new(test, nodes[i].int_pfx, nodes[i].ext_pfx,
				nodes[i].plen);
		KUNIT_ASSERT_EQ(test, npt6_table_insert(t, n[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(15) | BIT_ULL(31) |
			BIT_ULL(47) | BIT_ULL(55) | BIT_ULL(59) | BIT_ULL(63));

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		want = probes[i].node < 0 ? NULL : n[probes[i].node];
		KUNIT_EXPECT_PTR_EQ_MSG(test,
					match_str(test, false,
						  probes[i].int_addr),
					want, "%s", probes[i].int_addr);
		KUNIT_EXPECT_PTR_EQ_MSG(test,
					match_str(test, true,
						  probes[i].ext_addr),
					want, "%s", probes[i].ext_addr);
	}
}

/* Ten thousand /64s: every one is found, on both sides. */
static void table_many(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *n;
	struct in6_addr a;
	unsigned int i;
	int err;

	ctx->bulk = vzalloc(array_size(MANY_NODES, sizeof(*ctx->bulk)));
	KUNIT_ASSERT_NOT_NULL(test, ctx->bulk);

	for (i = 0; i < MANY_NODES; i++) {
		n = &ctx->bulk[i];
		n->int_key = cpu_to_be64(0xfd00000000000000ULL | i);
		/* Multiplying by an odd number permutes the low 32 bits. */
		n->ext_key = cpu_to_be64(0x20010db800000000ULL |
					 (u32)(i * 0x9e3779b1U));
		n->plen = 64;
		err = add(test, n, NULL);
		KUNIT_ASSERT_EQ_MSG(test, err, 0, "node %u", i);
	}
	KUNIT_EXPECT_EQ(test, t->count, MANY_NODES);
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(63));

	/* The last one first: the table had to grow many times before it. */
	n = &ctx->bulk[MANY_NODES - 1];
	KUNIT_EXPECT_PTR_EQ(test, npt6_table_find_int(t, n->int_key, 64), n);
	parse(test, "::1234", &a);
	set_hi(&a, be64_to_cpu(n->int_key));
	KUNIT_EXPECT_PTR_EQ(test, match(test, false, &a), n);
	set_hi(&a, be64_to_cpu(n->ext_key));
	KUNIT_EXPECT_PTR_EQ(test, match(test, true, &a), n);

	for (i = 0; i < MANY_NODES; i++) {
		n = &ctx->bulk[i];
		set_hi(&a, be64_to_cpu(n->int_key));
		KUNIT_ASSERT_PTR_EQ_MSG(test, match(test, false, &a), n,
					"node %u", i);
		set_hi(&a, be64_to_cpu(n->ext_key));
		KUNIT_ASSERT_PTR_EQ_MSG(test, match(test, true, &a), n,
					"node %u", i);
	}
	set_hi(&a, 0xfd00000000000000ULL | MANY_NODES);
	KUNIT_EXPECT_NULL(test, match(test, false, &a));

	/* Remove every other one; the rest stay found. */
	for (i = 0; i < MANY_NODES; i += 2)
		npt6_table_remove(t, &ctx->bulk[i]);
	KUNIT_EXPECT_EQ(test, t->count, MANY_NODES / 2);
	for (i = 0; i < MANY_NODES; i++) {
		n = &ctx->bulk[i];
		set_hi(&a, be64_to_cpu(n->int_key));
		KUNIT_ASSERT_PTR_EQ_MSG(test, match(test, false, &a),
					i % 2 ? n : NULL, "node %u", i);
	}
}

/* The length bitmap follows the nodes, with a count per length. */
static void table_remove_clears_bitmap(struct kunit *test)
{
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *a, *b, *c;

	a = node_new(test, "fd00::", "2001:db8::", 48);
	b = node_new(test, "fd01::", "2001:db8:1::", 64);
	c = node_new(test, "fd02:0:0:1::", "2001:db8:2:1::", 64);
	KUNIT_ASSERT_EQ(test, add(test, a, NULL), 0);
	KUNIT_ASSERT_EQ(test, add(test, b, NULL), 0);
	KUNIT_ASSERT_EQ(test, add(test, c, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(47) | BIT_ULL(63));

	npt6_table_remove(t, a);
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(63));
	KUNIT_EXPECT_NULL(test, match_str(test, false, "fd00::1"));
	KUNIT_EXPECT_NULL(test, match_str(test, true, "2001:db8::1"));

	npt6_table_remove(t, b);
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(63));
	KUNIT_EXPECT_NULL(test, match_str(test, false, "fd01::1"));
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, false, "fd02:0:0:1::1"), c);
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, true, "2001:db8:2:1::1"), c);

	npt6_table_remove(t, c);
	KUNIT_EXPECT_EQ(test, t->plens, 0ULL);
	KUNIT_EXPECT_EQ(test, t->count, 0U);
	KUNIT_EXPECT_NULL(test, match_str(test, false, "fd02:0:0:1::1"));

	/* A removed prefix can come back. */
	KUNIT_EXPECT_EQ(test, add(test, a, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(47));
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, false, "fd00::1"), a);
}

/* A node without an external prefix yet (an inactive auto mapping). */
static void table_conflict_int_only(struct kunit *test)
{
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *a;

	a = node_new(test, "fd00:1::", "2001:db8:1::", 64);
	KUNIT_ASSERT_EQ(test, add(test, a, NULL), 0);
	/* The external side is not looked at, however it would clash. */
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_int(t, key_of(test, "fd00:2::"), 64), 0);
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_int(t, key_of(test, "fd00:1::"), 64),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_int(t, key_of(test, "fd00::"), 16),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_int(t, key_of(test, "2001:db8:1::"), 64),
			0);
}

/* The external check ignores the node being replaced, and only it. */
static void table_conflict_ext_except(struct kunit *test)
{
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *a, *b;

	a = node_new(test, "fd00:1::", "2001:db8:1::", 64);
	b = node_new(test, "fd00:2::", "2001:db8:2::", 64);
	KUNIT_ASSERT_EQ(test, add(test, a, NULL), 0);
	KUNIT_ASSERT_EQ(test, add(test, b, NULL), 0);
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_ext(t, a->ext_key, 64, a), 0);
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_ext(t, b->ext_key, 64, a), -EBUSY);
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_ext(t, key_of(test, "2001:db8::"), 32, a),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, npt6_table_conflict_ext(t, key_of(test, "2001:db8:3::"), 64, a),
			0);
}

/*
 * Replacing a node by one with a new external prefix: the internal side
 * finds the new node, the old external prefix no longer matches, counts
 * and the length bitmap are unchanged.
 */
static void table_replace_moves_ext(struct kunit *test)
{
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *old, *new, *same;

	old = node_new(test, "fd00:1::", "2001:db8:1::", 64);
	new = node_new(test, "fd00:1::", "2001:db8:9::", 64);
	same = node_new(test, "fd00:1::", "2001:db8:9::", 64);
	KUNIT_ASSERT_EQ(test, add(test, old, NULL), 0);

	KUNIT_ASSERT_EQ(test, npt6_table_replace(t, old, new), 0);
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, false, "fd00:1::5"), new);
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, true, "2001:db8:9::5"), new);
	KUNIT_EXPECT_NULL(test, match_str(test, true, "2001:db8:1::5"));
	KUNIT_EXPECT_EQ(test, t->count, 1U);
	KUNIT_EXPECT_EQ(test, t->plens, BIT_ULL(63));

	/* The same external key takes the other branch of the swap. */
	KUNIT_ASSERT_EQ(test, npt6_table_replace(t, new, same), 0);
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, true, "2001:db8:9::5"), same);
	KUNIT_EXPECT_PTR_EQ(test, match_str(test, false, "fd00:1::5"), same);
	KUNIT_EXPECT_EQ(test, t->count, 1U);
	npt6_table_remove(t, same);
	KUNIT_EXPECT_EQ(test, t->count, 0U);
}

/*
 * The longest probe any node of @t needs on @side: how far it sits from
 * the slot its key hashes to.  A poor hash shows up here long before it
 * shows up as a wrong answer.
 */
static u32 longest_probe(struct npt6_table *t, int side)
{
	const struct npt6_slots *s = rcu_dereference_protected(t->slots[side], true);
	struct npt6_table_node *n;
	u32 i, worst = 0;

	for (i = 0; i <= s->mask; i++) {
		n = rcu_dereference_protected(s->slot[i], true);
		if (!n || n == NPT6_SLOT_TOMB)
			continue;
		worst = max(worst, (i - npt6_slot_hash(s, n->key[side])) & s->mask);
	}
	return worst;
}

/* Nodes plus tombstones never take more than half of a side's slots. */
static void expect_room(struct kunit *test, struct npt6_table *t)
{
	int side;

	for (side = 0; side < NPT6_SIDE_MAX; side++) {
		const struct npt6_slots *s = rcu_dereference_protected(t->slots[side], true);

		KUNIT_EXPECT_LE(test, 2 * s->used, s->mask + 1);
		KUNIT_EXPECT_GE(test, s->used, t->count);
	}
}

/*
 * Churn: removals leave tombstones, renumbering an external prefix moves
 * a node to another slot again and again, and the table grows and shrinks
 * back.  Lookups must stay exact and always end (an array with no empty
 * slot would make a miss spin forever), and a drained table must not keep
 * its peak size.
 */
static void table_churn(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *n, *cur, *next;
	const struct npt6_slots *s;
	struct in6_addr a;
	unsigned int i, round;

	ctx->bulk = vzalloc(array_size(2 * MODEL_NODES + 2, sizeof(*ctx->bulk)));
	KUNIT_ASSERT_NOT_NULL(test, ctx->bulk);
	parse(test, "::77", &a);

	for (round = 0; round < 4; round++) {
		for (i = 0; i < MODEL_NODES; i++) {
			n = &ctx->bulk[i];
			n->int_key = cpu_to_be64(0xfd00000000000000ULL | i);
			n->ext_key = cpu_to_be64(0x20010db800000000ULL | (i << 8) | round);
			n->plen = 64;
			KUNIT_ASSERT_EQ(test, add(test, n, NULL), 0);
		}
		expect_room(test, t);
		for (i = 0; i < MODEL_NODES; i++) {
			n = &ctx->bulk[i];
			set_hi(&a, be64_to_cpu(n->ext_key));
			KUNIT_ASSERT_PTR_EQ(test, match(test, true, &a), n);
			npt6_table_remove(t, n);
			KUNIT_ASSERT_NULL(test, match(test, true, &a));
		}
		expect_room(test, t);
		KUNIT_EXPECT_EQ(test, t->count, 0U);
	}
	s = rcu_dereference_protected(t->slots[NPT6_SIDE_EXT], true);
	KUNIT_EXPECT_LE(test, s->mask + 1, 16U);

	/* One mapping renumbered many times, as an auto prefix may be. */
	cur = &ctx->bulk[2 * MODEL_NODES];
	cur->int_key = cpu_to_be64(0xfd00000000000001ULL);
	cur->ext_key = cpu_to_be64(0x20010db8ffff0000ULL);
	cur->plen = 64;
	KUNIT_ASSERT_EQ(test, add(test, cur, NULL), 0);
	for (i = 1; i <= 1000; i++) {
		next = &ctx->bulk[2 * MODEL_NODES + (i & 1)];
		if (next == cur)
			next = &ctx->bulk[2 * MODEL_NODES + !(i & 1)];
		next->int_key = cur->int_key;
		next->ext_key = cpu_to_be64(0x20010db8ffff0000ULL + i);
		next->plen = 64;
		KUNIT_ASSERT_EQ(test, npt6_table_replace(t, cur, next), 0);
		set_hi(&a, be64_to_cpu(cur->ext_key));
		KUNIT_ASSERT_NULL(test, match(test, true, &a));
		set_hi(&a, be64_to_cpu(next->ext_key));
		KUNIT_ASSERT_PTR_EQ(test, match(test, true, &a), next);
		set_hi(&a, be64_to_cpu(next->int_key));
		KUNIT_ASSERT_PTR_EQ(test, match(test, false, &a), next);
		cur = next;
	}
	expect_room(test, t);
	npt6_table_remove(t, cur);
}

/*
 * 10000 /64s numbered the usual way, in their last 16 bits, as a router
 * with many LANs (or the benchmark) has them: every key must still sit
 * within a few slots of where its probe starts.
 */
static void table_probe_length(struct kunit *test)
{
	struct table_test_ctx *ctx = test->priv;
	struct npt6_table *t = table_of(test);
	struct npt6_table_node *n;
	unsigned int i;

	ctx->bulk = vzalloc(array_size(MANY_NODES, sizeof(*ctx->bulk)));
	KUNIT_ASSERT_NOT_NULL(test, ctx->bulk);
	for (i = 0; i < MANY_NODES; i++) {
		n = &ctx->bulk[i];
		n->int_key = cpu_to_be64(0xfd8e52a13c070000ULL | i);
		n->ext_key = cpu_to_be64(0x20010db85f000000ULL | i);
		n->plen = 64;
		KUNIT_ASSERT_EQ(test, add(test, n, NULL), 0);
	}
	KUNIT_EXPECT_LE(test, longest_probe(t, NPT6_SIDE_INT), 32U);
	KUNIT_EXPECT_LE(test, longest_probe(t, NPT6_SIDE_EXT), 32U);
}

static struct kunit_case table_test_cases[] = {
	KUNIT_CASE(table_insert_lookup_remove),
	KUNIT_CASE(table_insert_rollback),
	KUNIT_CASE(table_every_length),
	KUNIT_CASE(table_conflict_same_internal),
	KUNIT_CASE(table_conflict_internal),
	KUNIT_CASE(table_conflict_external),
	KUNIT_CASE(table_conflict_neighbours),
	KUNIT_CASE(table_conflict_model),
	KUNIT_CASE(table_lookup_model),
	KUNIT_CASE(table_mixed_lengths),
	KUNIT_CASE(table_many),
	KUNIT_CASE(table_remove_clears_bitmap),
	KUNIT_CASE(table_conflict_int_only),
	KUNIT_CASE(table_conflict_ext_except),
	KUNIT_CASE(table_replace_moves_ext),
	KUNIT_CASE(table_churn),
	KUNIT_CASE(table_probe_length),
	{}
};

static struct kunit_suite table_test_suite = {
	.name = "npt6_table",
	.init = table_test_init,
	.exit = table_test_exit,
	.test_cases = table_test_cases,
};

kunit_test_suite(table_test_suite);
