// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the RFC 6296 arithmetic in rfc6296.c.
 *
 * No expected value here comes from the code under test.  They come from
 * the worked example in RFC 6296 section 3.6, from a model of the
 * translation in plain integer arithmetic (the one's-complement sum of an
 * address is its sum modulo 0xffff), and from a separate implementation
 * of the algorithm of net/ipv6/netfilter/ip6t_NPT.c, with which npt6
 * promises byte-identical results.
 *
 * Inputs are pseudo-random.  Each case draws a fresh seed, which the
 * failure messages of the random cases carry; to replay a failure, put
 * that seed in rfc6296_test_init().
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/inet.h>
#include <linux/minmax.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <net/checksum.h>

#include "../rfc6296.h"

/* Rounds per prefix length, and for the tests across all lengths. */
#define ROUNDS_PER_PLEN		200
#define ROUNDS_PROPERTY		20000

struct rfc6296_test_ctx {
	struct rnd_state rnd;
	u64 seed;
};

static int rfc6296_test_init(struct kunit *test)
{
	struct rfc6296_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->seed = get_random_u64();
	prandom_seed_state(&ctx->rnd, ctx->seed);
	test->priv = ctx;
	return 0;
}

static u64 seed_of(struct kunit *test)
{
	struct rfc6296_test_ctx *ctx = test->priv;

	return ctx->seed;
}

static u32 rand_below(struct kunit *test, u32 ceil)
{
	struct rfc6296_test_ctx *ctx = test->priv;

	return prandom_u32_state(&ctx->rnd) % ceil;
}

/* Word @i of @a in host order: words are what RFC 6296 talks about. */
static u16 word(const struct in6_addr *a, unsigned int i)
{
	return ntohs(a->s6_addr16[i]);
}

static void set_word(struct in6_addr *a, unsigned int i, u16 val)
{
	a->s6_addr16[i] = htons(val);
}

/* Bits are numbered from the most significant one, as in a prefix. */
static bool get_bit(const struct in6_addr *a, unsigned int bit)
{
	return a->s6_addr[bit / 8] & (0x80 >> (bit % 8));
}

static void put_bit(struct in6_addr *a, unsigned int bit, bool val)
{
	if (val)
		a->s6_addr[bit / 8] |= 0x80 >> (bit % 8);
	else
		a->s6_addr[bit / 8] &= ~(0x80 >> (bit % 8));
}

static void parse(struct kunit *test, const char *str, struct in6_addr *a)
{
	KUNIT_ASSERT_EQ_MSG(test, in6_pton(str, -1, a->s6_addr, -1, NULL), 1,
			    "not an IPv6 address: %s", str);
}

static void rand_addr(struct kunit *test, struct in6_addr *a)
{
	struct rfc6296_test_ctx *ctx = test->priv;

	prandom_bytes_state(&ctx->rnd, a, sizeof(*a));
}

/* Random bits, host bits cleared one by one. */
static void rand_prefix(struct kunit *test, unsigned int plen,
			struct in6_addr *pfx)
{
	unsigned int bit;

	rand_addr(test, pfx);
	for (bit = plen; bit < 128; bit++)
		put_bit(pfx, bit, false);
}

/*
 * A random address in @pfx/@plen.  Interface-ID words are 0xffff often
 * enough that the skipping rule of RFC 6296 section 3.7 gets exercised:
 * each is forced to 0xffff with probability 1/4.
 */
static void rand_host(struct kunit *test, const struct in6_addr *pfx,
		      unsigned int plen, struct in6_addr *addr)
{
	unsigned int bit, i;

	rand_addr(test, addr);
	for (i = 4; i < 8; i++)
		if (!rand_below(test, 4))
			set_word(addr, i, 0xffff);
	for (bit = 0; bit < plen; bit++)
		put_bit(addr, bit, get_bit(pfx, bit));
}

/* The model: plain integers, independent of <net/checksum.h>. */

/*
 * The one's-complement sum of the words of @a, as a residue modulo 0xffff.
 * This is what checksums see: 0x0000 and 0xffff are the same number.
 */
static u32 model_sum(const struct in6_addr *a)
{
	u32 sum = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		sum += word(a, i);
	return sum % 0xffff;
}

/* sum(@from) - sum(@to): what must be added back after the prefix swap. */
static u32 model_adjustment(const struct in6_addr *from,
			    const struct in6_addr *to)
{
	return (model_sum(from) + 0xffff - model_sum(to)) % 0xffff;
}

/* The adjustment word, or -1 when RFC 6296 says the address is unmappable. */
static int model_index(const struct in6_addr *addr, unsigned int plen)
{
	unsigned int idx;

	if (plen <= 48)
		return 3;
	for (idx = 4; idx < 8; idx++)
		if (word(addr, idx) != 0xffff)
			return idx;
	return -1;
}

/*
 * The translation of @addr from @from/@plen to @to/@plen.  A residue
 * modulo 0xffff is at most 0xfffe, so the sum comes out as 0x0000, never
 * as 0xffff, which is the representation ip6t_NPT writes.
 */
static bool model_translate(const struct in6_addr *from,
			    const struct in6_addr *to, unsigned int plen,
			    const struct in6_addr *addr, struct in6_addr *out)
{
	int idx = model_index(addr, plen);
	unsigned int bit;

	if (idx < 0)
		return false;
	*out = *addr;
	for (bit = 0; bit < plen; bit++)
		put_bit(out, bit, get_bit(to, bit));
	set_word(out, idx,
		 (word(out, idx) + model_adjustment(from, to)) % 0xffff);
	return true;
}

/*
 * The reference: the algorithm of ip6t_NPT, written out again the way it
 * reads there, on top of the kernel's checksum helpers: prefix sums with
 * csum_partial() over all 16 bytes, the prefix copied a 32-bit word at a
 * time under a mask, the adjustment added with csum_add() and folded.
 */
struct ref_npt {
	struct in6_addr to;
	unsigned int plen;
	__sum16 adjustment;
};

static void ref_init(struct ref_npt *npt, const struct in6_addr *from,
		     const struct in6_addr *to, unsigned int plen)
{
	__wsum from_sum = csum_partial(from, sizeof(*from), 0);
	__wsum to_sum = csum_partial(to, sizeof(*to), 0);

	npt->to = *to;
	npt->plen = plen;
	npt->adjustment = ~csum_fold(csum_sub(from_sum, to_sum));
}

static bool ref_map(const struct ref_npt *npt, struct in6_addr *addr)
{
	unsigned int i, idx;
	__sum16 sum;

	for (i = 0; i * 32 < npt->plen; i++) {
		unsigned int in_word = min(npt->plen - i * 32, 32U);
		/* The bits of word i that stay: the host part. */
		__be32 keep = in_word == 32 ? 0 :
			      htonl(GENMASK(31 - in_word, 0));

		addr->s6_addr32[i] = (addr->s6_addr32[i] & keep) |
				     (npt->to.s6_addr32[i] & ~keep);
	}

	idx = 3;
	if (npt->plen > 48) {
		for (idx = 4; idx < 8; idx++)
			if ((__force __sum16)addr->s6_addr16[idx] !=
			    CSUM_MANGLED_0)
				break;
		if (idx == 8)
			return false;
	}

	sum = csum_fold(csum_add(csum_unfold((__force __sum16)addr->s6_addr16[idx]),
				 csum_unfold(npt->adjustment)));
	sum = ~sum;
	if (sum == CSUM_MANGLED_0)
		sum = 0;
	addr->s6_addr16[idx] = (__force __be16)sum;
	return true;
}

/* Helpers around the code under test. */

static bool npt6_translate(const struct in6_addr *from,
			   const struct in6_addr *to, unsigned int plen,
			   struct in6_addr *addr)
{
	struct npt6_rewrite rw;

	npt6_rewrite_init(&rw, from, to, plen, false);
	return npt6_rewrite_addr(&rw, addr);
}

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* RFC 6296 section 3.6, the /48 example, both ways. */
static void rfc6296_example(struct kunit *test)
{
	struct in6_addr internal, external, host, expect, addr;

	parse(test, "fd01:0203:0405::", &internal);
	parse(test, "2001:0db8:0001::", &external);
	parse(test, "fd01:0203:0405:0001::1234", &host);
	parse(test, "2001:0db8:0001:d550::1234", &expect);

	/* The RFC shows its work; check the model against it first. */
	KUNIT_EXPECT_EQ(test, 0xffff - model_sum(&internal), 0xfcf5);
	KUNIT_EXPECT_EQ(test, 0xffff - model_sum(&external), 0xd245);
	KUNIT_EXPECT_EQ(test, model_adjustment(&internal, &external), 0xd54f);

	addr = host;
	KUNIT_ASSERT_TRUE(test, npt6_translate(&internal, &external, 48,
					       &addr));
	KUNIT_EXPECT_TRUE_MSG(test, addr_eq(&addr, &expect),
			      "got %pI6c, RFC 6296 says %pI6c", &addr, &expect);

	KUNIT_ASSERT_TRUE(test, npt6_translate(&external, &internal, 48,
					       &addr));
	KUNIT_EXPECT_TRUE_MSG(test, addr_eq(&addr, &host),
			      "back to %pI6c, not %pI6c", &addr, &host);
}

/*
 * Every length: the result is the model's, which means the prefix bits
 * are @to's, the adjustment word is the right one and no other host bit
 * moved; and translating back restores the address.
 */
static void rfc6296_every_length(struct kunit *test)
{
	struct in6_addr from, to, host, addr, expect;
	unsigned int plen, round;
	int idx;

	for (plen = 1; plen <= 64; plen++) {
		for (round = 0; round < ROUNDS_PER_PLEN; round++) {
			rand_prefix(test, plen, &from);
			rand_prefix(test, plen, &to);
			rand_host(test, &from, plen, &host);
			idx = model_index(&host, plen);

			addr = host;
			if (!model_translate(&from, &to, plen, &host,
					     &expect)) {
				/* Tested in rfc6296_ffff_unmappable. */
				continue;
			}
			KUNIT_ASSERT_TRUE_MSG(test,
					      npt6_translate(&from, &to, plen,
							     &addr),
					      "seed %llu: %pI6c/%u refused",
					      seed_of(test), &host, plen);
			KUNIT_ASSERT_TRUE_MSG(test, addr_eq(&addr, &expect),
					      "seed %llu: %pI6c from %pI6c/%u to %pI6c/%u gave %pI6c, expected %pI6c",
					      seed_of(test), &host, &from, plen,
					      &to, plen, &addr, &expect);

			/*
			 * The way back is exact, except that a word of
			 * 0xffff, which only /48 and shorter can pick,
			 * comes back as its twin 0x0000.
			 */
			expect = host;
			if (word(&host, idx) == 0xffff)
				set_word(&expect, idx, 0);
			KUNIT_ASSERT_TRUE(test, npt6_translate(&to, &from, plen,
							       &addr));
			KUNIT_ASSERT_TRUE_MSG(test, addr_eq(&addr, &expect),
					      "seed %llu: %pI6c/%u round trip gave %pI6c",
					      seed_of(test), &host, plen,
					      &addr);
		}
	}
}

/* The same, checked bit by bit rather than against the model. */
static void rfc6296_bits_in_place(struct kunit *test)
{
	struct in6_addr from, to, host, addr;
	unsigned int plen, bit;
	int idx;

	for (plen = 1; plen <= 64; plen++) {
		rand_prefix(test, plen, &from);
		rand_prefix(test, plen, &to);
		do {
			rand_host(test, &from, plen, &host);
			idx = model_index(&host, plen);
		} while (idx < 0);

		addr = host;
		KUNIT_ASSERT_TRUE(test, npt6_translate(&from, &to, plen,
						       &addr));
		for (bit = 0; bit < 128; bit++) {
			bool want;

			if (bit / 16 == idx)
				continue;
			want = bit < plen ? get_bit(&to, bit) :
					    get_bit(&host, bit);
			KUNIT_ASSERT_EQ_MSG(test, get_bit(&addr, bit), want,
					    "seed %llu: bit %u of %pI6c/%u (adjusted word %d) gave %pI6c",
					    seed_of(test), bit, &host, plen,
					    idx, &addr);
		}
	}
}

/*
 * Beyond /48, interface-ID words of 0xffff are skipped: with words 4..k-1
 * all 0xffff, word k takes the adjustment and the others stay.
 */
static void rfc6296_ffff_skipped(struct kunit *test)
{
	struct in6_addr from, to, host, addr;
	unsigned int plen, k, i;
	u32 adj;

	for (plen = 49; plen <= 64; plen++) {
		for (k = 4; k < 8; k++) {
			rand_prefix(test, plen, &from);
			rand_prefix(test, plen, &to);
			rand_host(test, &from, plen, &host);
			for (i = 4; i < k; i++)
				set_word(&host, i, 0xffff);
			if (word(&host, k) == 0xffff)
				set_word(&host, k, 0x1234);
			adj = model_adjustment(&from, &to);

			addr = host;
			KUNIT_ASSERT_TRUE(test, npt6_translate(&from, &to,
							       plen, &addr));
			for (i = 4; i < 8; i++) {
				u16 want = word(&host, i);

				if (i == k)
					want = (want + adj) % 0xffff;
				KUNIT_EXPECT_EQ_MSG(test, word(&addr, i), want,
						    "seed %llu: word %u of %pI6c/%u gave %pI6c",
						    seed_of(test), i, &host,
						    plen, &addr);
			}
		}
	}
}

/*
 * Beyond /48, an interface ID of all 0xffff has nowhere to put the
 * adjustment: refused, address untouched.  Up to /48 word 3 takes it and
 * the interface ID does not matter.
 */
static void rfc6296_ffff_unmappable(struct kunit *test)
{
	struct in6_addr from, to, host, addr, expect;
	unsigned int plen, i;

	for (plen = 1; plen <= 64; plen++) {
		rand_prefix(test, plen, &from);
		rand_prefix(test, plen, &to);
		rand_host(test, &from, plen, &host);
		for (i = 4; i < 8; i++)
			set_word(&host, i, 0xffff);

		addr = host;
		if (plen > 48) {
			KUNIT_EXPECT_FALSE_MSG(test,
					       npt6_translate(&from, &to, plen,
							      &addr),
					       "%pI6c/%u mapped", &host, plen);
			KUNIT_EXPECT_TRUE_MSG(test, addr_eq(&addr, &host),
					      "refused %pI6c/%u but changed it to %pI6c",
					      &host, plen, &addr);
			continue;
		}
		KUNIT_ASSERT_TRUE(test, model_translate(&from, &to, plen,
							&host, &expect));
		KUNIT_EXPECT_TRUE_MSG(test,
				      npt6_translate(&from, &to, plen, &addr),
				      "%pI6c/%u refused", &host, plen);
		KUNIT_EXPECT_TRUE_MSG(test, addr_eq(&addr, &expect),
				      "seed %llu: %pI6c/%u gave %pI6c, expected %pI6c",
				      seed_of(test), &host, plen, &addr,
				      &expect);
	}
}

/*
 * A sum that comes out as 0xffff is written as 0x0000: pick the word that
 * is the one's-complement negative of the adjustment.
 */
static void rfc6296_ffff_written_as_zero(struct kunit *test)
{
	static const unsigned int plens[] = { 16, 48, 56, 64 };
	struct in6_addr from, to, host, addr;
	unsigned int i;
	int idx;
	u32 adj;

	for (i = 0; i < ARRAY_SIZE(plens); i++) {
		do {
			rand_prefix(test, plens[i], &from);
			rand_prefix(test, plens[i], &to);
			adj = model_adjustment(&from, &to);
		} while (!adj);
		do {
			rand_host(test, &from, plens[i], &host);
			idx = model_index(&host, plens[i]);
		} while (idx < 0);
		set_word(&host, idx, 0xffff - adj);

		addr = host;
		KUNIT_ASSERT_TRUE(test, npt6_translate(&from, &to, plens[i],
						       &addr));
		KUNIT_EXPECT_EQ_MSG(test, word(&addr, idx), 0,
				    "seed %llu: %pI6c/%u gave %pI6c",
				    seed_of(test), &host, plens[i], &addr);

		/* And the way back gives the original word again. */
		KUNIT_ASSERT_TRUE(test, npt6_translate(&to, &from, plens[i],
						       &addr));
		KUNIT_EXPECT_TRUE_MSG(test, addr_eq(&addr, &host),
				      "seed %llu: %pI6c/%u came back as %pI6c",
				      seed_of(test), &host, plens[i], &addr);
	}
}

/*
 * The point of it all: the one's-complement sum of the address, and with
 * it every checksum over it, does not change.
 */
static void rfc6296_checksum_neutral(struct kunit *test)
{
	struct in6_addr from, to, host, addr;
	unsigned int round, plen;

	for (round = 0; round < ROUNDS_PROPERTY; round++) {
		plen = 1 + rand_below(test, 64);
		rand_prefix(test, plen, &from);
		rand_prefix(test, plen, &to);
		rand_host(test, &from, plen, &host);

		addr = host;
		if (!npt6_translate(&from, &to, plen, &addr))
			continue;
		KUNIT_ASSERT_EQ_MSG(test, model_sum(&addr), model_sum(&host),
				    "seed %llu: %pI6c/%u to %pI6c/%u gave %pI6c",
				    seed_of(test), &host, plen, &to, plen,
				    &addr);
	}
}

/* Byte for byte what ip6t_NPT computes, for every length. */
static void rfc6296_matches_ip6t_npt(struct kunit *test)
{
	struct in6_addr from, to, host, ours, theirs;
	unsigned int plen, round;
	struct ref_npt ref;
	bool ok;

	for (plen = 1; plen <= 64; plen++) {
		for (round = 0; round < ROUNDS_PER_PLEN; round++) {
			rand_prefix(test, plen, &from);
			rand_prefix(test, plen, &to);
			/* ip6t_NPT rewrites any address, inside or not. */
			if (round % 2)
				rand_host(test, &from, plen, &host);
			else
				rand_host(test, &to, 0, &host);
			ref_init(&ref, &from, &to, plen);

			ours = host;
			theirs = host;
			ok = ref_map(&ref, &theirs);
			KUNIT_ASSERT_EQ_MSG(test,
					    npt6_translate(&from, &to, plen,
							   &ours), ok,
					    "seed %llu: %pI6c/%u", seed_of(test),
					    &host, plen);
			/* ip6t_NPT drops what it cannot map; we leave it. */
			if (!ok)
				theirs = host;
			KUNIT_ASSERT_TRUE_MSG(test, addr_eq(&ours, &theirs),
					      "seed %llu: %pI6c from %pI6c/%u to %pI6c/%u: npt6 %pI6c, ip6t_NPT %pI6c",
					      seed_of(test), &host, &from, plen,
					      &to, plen, &ours, &theirs);
		}
	}
}

/* The adjustment itself, against the model: 0x0000 and 0xffff are one. */
static void rfc6296_adjustment(struct kunit *test)
{
	struct in6_addr from, to;
	struct npt6_rewrite rw;
	unsigned int plen;

	for (plen = 1; plen <= 64; plen++) {
		rand_prefix(test, plen, &from);
		rand_prefix(test, plen, &to);
		npt6_rewrite_init(&rw, &from, &to, plen, false);
		KUNIT_EXPECT_EQ(test, rw.plen, plen);
		KUNIT_EXPECT_EQ_MSG(test,
				    (u32)ntohs((__force __be16)rw.adjustment) %
				    0xffff, model_adjustment(&from, &to),
				    "seed %llu: %pI6c to %pI6c /%u",
				    seed_of(test), &from, &to, plen);
	}

	/* Equal prefixes: nothing to adjust. */
	rand_prefix(test, 64, &from);
	npt6_rewrite_init(&rw, &from, &from, 64, false);
	KUNIT_EXPECT_EQ(test, (u32)ntohs((__force __be16)rw.adjustment) %
			0xffff, 0);
}

static void rfc6296_plen_mask(struct kunit *test)
{
	unsigned int plen, bit;

	for (plen = 0; plen <= 64; plen++) {
		u64 mask = be64_to_cpu(npt6_plen_mask(plen));

		for (bit = 0; bit < 64; bit++)
			KUNIT_EXPECT_EQ_MSG(test, !!(mask & BIT_ULL(63 - bit)),
					    bit < plen, "/%u bit %u", plen,
					    bit);
	}
}

static void rfc6296_prefix_valid(struct kunit *test)
{
	static const struct {
		const char *pfx;
		unsigned int plen;
		bool valid;
	} cases[] = {
		{ "fd00::", 8, true },
		{ "fd00::", 7, false },		/* fd = 1111 1101 */
		{ "fc00::", 7, true },
		{ "8000::", 1, true },
		{ "4000::", 1, false },
		{ "fd01:203:405::", 48, true },
		{ "fd01:203:405:8000::", 48, false },
		{ "fd01:203:405:1::", 64, true },
		{ "fd01:203:405:1::", 63, false },
		{ "2406:2d40:3084:e000::", 64, true },
		{ "2406:2d40:3084:e000::", 51, true },
		{ "2406:2d40:3084:e000::", 50, false },
		{ "ffff:ffff:ffff:ffff::", 64, true },
		{ "ffff:ffff:ffff:fffe::", 63, true },
		{ "fd00::1", 64, false },
		{ "fd00::8000:0:0:0", 64, false },
		{ "fd00::", 0, false },
		{ "::", 0, false },
		{ "::", 65, false },
		{ "::", 128, false },
		{ "fd00::", 65, false },
		{ "fd00::", 96, false },
		{ "::", 1, true },
		{ "::", 64, true },
	};
	struct in6_addr pfx;
	unsigned int i, plen, bit;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(test, cases[i].pfx, &pfx);
		KUNIT_EXPECT_EQ_MSG(test,
				    npt6_prefix_valid(&pfx, cases[i].plen),
				    cases[i].valid, "%s/%u", cases[i].pfx,
				    cases[i].plen);
	}

	/* Exhaustively: one bit set is valid exactly when it is in the prefix. */
	for (plen = 0; plen <= 129; plen++) {
		for (bit = 0; bit < 128; bit++) {
			bool valid = plen >= 1 && plen <= 64 && bit < plen;

			memset(&pfx, 0, sizeof(pfx));
			put_bit(&pfx, bit, true);
			KUNIT_EXPECT_EQ_MSG(test, npt6_prefix_valid(&pfx, plen),
					    valid, "%pI6c/%u", &pfx, plen);
		}
	}
}

static struct kunit_case rfc6296_test_cases[] = {
	KUNIT_CASE(rfc6296_example),
	KUNIT_CASE(rfc6296_every_length),
	KUNIT_CASE(rfc6296_bits_in_place),
	KUNIT_CASE(rfc6296_ffff_skipped),
	KUNIT_CASE(rfc6296_ffff_unmappable),
	KUNIT_CASE(rfc6296_ffff_written_as_zero),
	KUNIT_CASE(rfc6296_checksum_neutral),
	KUNIT_CASE(rfc6296_matches_ip6t_npt),
	KUNIT_CASE(rfc6296_adjustment),
	KUNIT_CASE(rfc6296_plen_mask),
	KUNIT_CASE(rfc6296_prefix_valid),
	{}
};

static struct kunit_suite rfc6296_test_suite = {
	.name = "npt6_rfc6296",
	.init = rfc6296_test_init,
	.test_cases = rfc6296_test_cases,
};

kunit_test_suite(rfc6296_test_suite);
