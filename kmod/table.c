// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device lookup of mappings by internal and by external prefix.
 *
 * Writers are serialised by rtnl; readers are the packet path under RCU.
 * rhashtable gives us RCU-safe lookups and resizing; on top of it we keep
 * a bitmap of the prefix lengths in use so that a lookup only probes the
 * lengths that exist.
 */

#include <linux/bitops.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "rfc6296.h"
#include "table.h"

static const struct rhashtable_params int_params = {
	.head_offset = offsetof(struct npt6_table_node, int_node),
	.key_offset = offsetof(struct npt6_table_node, int_key),
	.key_len = sizeof(__be64),
	.automatic_shrinking = true,
};

static const struct rhashtable_params ext_params = {
	.head_offset = offsetof(struct npt6_table_node, ext_node),
	.key_offset = offsetof(struct npt6_table_node, ext_key),
	.key_len = sizeof(__be64),
	.automatic_shrinking = true,
};

int npt6_table_init(struct npt6_table *t)
{
	int err;

	memset(t, 0, sizeof(*t));
	INIT_LIST_HEAD(&t->nodes);
	err = rhashtable_init(&t->by_int, &int_params);
	if (err)
		return err;
	err = rhashtable_init(&t->by_ext, &ext_params);
	if (err)
		rhashtable_destroy(&t->by_int);
	return err;
}

/* The caller has removed every node and waited for readers. */
void npt6_table_destroy(struct npt6_table *t)
{
	WARN_ON(t->count);
	rhashtable_destroy(&t->by_ext);
	rhashtable_destroy(&t->by_int);
}

/* Do prefixes @a/@alen and @b/@blen share any address? */
static bool overlaps(__be64 a, u8 alen, __be64 b, u8 blen)
{
	__be64 mask = npt6_plen_mask(min(alen, blen));

	return !((a ^ b) & mask);
}

/*
 * Check a prospective node against the table.  Returns -EEXIST when the
 * very same internal prefix is already mapped, -EBUSY on any other
 * overlap (setting *on_ext when it is the external side that overlaps), 0
 * when the node may be inserted.
 */
static int conflict(struct npt6_table *t, __be64 int_key, __be64 ext_key,
		    u8 plen, bool check_ext, bool *on_ext)
{
	struct npt6_table_node *n;
	u64 shorter, longer;
	unsigned int bit;

	*on_ext = false;
	if (npt6_table_find_int(t, int_key, plen))
		return -EEXIST;

	/*
	 * A node no longer than us overlaps exactly when it holds the key
	 * of our prefix cut to its length: one hash probe per length.  A
	 * key belongs to at most one node, so one probe per length is all.
	 */
	shorter = t->plens & GENMASK_ULL(plen - 1, 0);
	for (; shorter; shorter &= ~BIT_ULL(bit)) {
		__be64 mask;

		bit = fls64(shorter) - 1;
		mask = npt6_plen_mask(bit + 1);

		/*
		 * A longer node whose key ends in zeros can share the cut
		 * key without overlapping us: check the node's own length.
		 */
		n = rhashtable_lookup_fast(&t->by_int, &(__be64){ int_key & mask },
					   int_params);
		if (n && overlaps(n->int_key, n->plen, int_key, plen))
			return -EBUSY;
		if (!check_ext)
			continue;
		n = rhashtable_lookup_fast(&t->by_ext, &(__be64){ ext_key & mask },
					   ext_params);
		if (n && overlaps(n->ext_key, n->plen, ext_key, plen)) {
			*on_ext = true;
			return -EBUSY;
		}
	}

	/* Longer nodes could sit anywhere inside us: only a scan finds them. */
	longer = t->plens & ~GENMASK_ULL(plen - 1, 0);
	if (!longer)
		return 0;
	list_for_each_entry(n, &t->nodes, list) {
		if (n->plen <= plen)
			continue;
		if (overlaps(n->int_key, n->plen, int_key, plen))
			return -EBUSY;
		if (check_ext && overlaps(n->ext_key, n->plen, ext_key, plen)) {
			*on_ext = true;
			return -EBUSY;
		}
	}
	return 0;
}

int npt6_table_conflict(struct npt6_table *t, __be64 int_key, __be64 ext_key,
			u8 plen, bool *on_ext)
{
	return conflict(t, int_key, ext_key, plen, true, on_ext);
}

/* The same, for a node that has no external prefix yet. */
int npt6_table_conflict_int(struct npt6_table *t, __be64 int_key, u8 plen)
{
	bool on_ext;

	return conflict(t, int_key, 0, plen, false, &on_ext);
}

/* Insert a node that npt6_table_conflict() has cleared. */
int npt6_table_insert(struct npt6_table *t, struct npt6_table_node *n)
{
	int err;

	if (WARN_ON(n->plen < 1 || n->plen > NPT6_MAX_PLEN))
		return -EINVAL;
	err = rhashtable_lookup_insert_fast(&t->by_int, &n->int_node, int_params);
	if (err)
		return err;
	err = rhashtable_lookup_insert_fast(&t->by_ext, &n->ext_node, ext_params);
	if (err) {
		rhashtable_remove_fast(&t->by_int, &n->int_node, int_params);
		return err;
	}
	list_add_tail(&n->list, &t->nodes);
	if (!t->plen_refs[n->plen - 1]++)
		WRITE_ONCE(t->plens, t->plens | BIT_ULL(n->plen - 1));
	t->count++;
	return 0;
}

/*
 * Unlink a node.  Readers may still see it until a grace period has
 * passed; the caller frees it with RCU.
 */
void npt6_table_remove(struct npt6_table *t, struct npt6_table_node *n)
{
	rhashtable_remove_fast(&t->by_ext, &n->ext_node, ext_params);
	rhashtable_remove_fast(&t->by_int, &n->int_node, int_params);
	list_del(&n->list);
	if (!--t->plen_refs[n->plen - 1])
		WRITE_ONCE(t->plens, t->plens & ~BIT_ULL(n->plen - 1));
	t->count--;
}

struct npt6_table_node *npt6_table_find_int(struct npt6_table *t,
					    __be64 int_key, u8 plen)
{
	struct npt6_table_node *n;

	n = rhashtable_lookup_fast(&t->by_int, &int_key, int_params);
	return n && n->plen == plen ? n : NULL;
}

/*
 * Longest length first, although with non-overlapping nodes at most one
 * can match.  The final mask check matters: a probe with a long length can
 * hit a shorter node whose key happens to equal the cut address.
 */
static __always_inline struct npt6_table_node *match(struct rhashtable *ht,
						     const struct rhashtable_params params,
						     u64 plens,
						     const struct in6_addr *addr,
						     size_t key_offset)
{
	__be64 hi = npt6_addr_hi(addr);

	while (plens) {
		unsigned int bit = fls64(plens) - 1;
		__be64 key = hi & npt6_plen_mask(bit + 1);
		struct npt6_table_node *n;

		n = rhashtable_lookup(ht, &key, params);
		if (n) {
			__be64 nkey = *(__be64 *)((u8 *)n + key_offset);

			if (!((hi ^ nkey) & npt6_plen_mask(n->plen)))
				return n;
		}
		plens &= ~BIT_ULL(bit);
	}
	return NULL;
}

struct npt6_table_node *npt6_table_match_int(struct npt6_table *t,
					     const struct in6_addr *addr)
{
	return match(&t->by_int, int_params, READ_ONCE(t->plens), addr,
		     offsetof(struct npt6_table_node, int_key));
}

struct npt6_table_node *npt6_table_match_ext(struct npt6_table *t,
					     const struct in6_addr *addr)
{
	return match(&t->by_ext, ext_params, READ_ONCE(t->plens), addr,
		     offsetof(struct npt6_table_node, ext_key));
}

/*
 * Would a node with external prefix @ext_key/@plen overlap another one on
 * the external side?  @except, the node it is about to replace, does not
 * count.
 */
int npt6_table_conflict_ext(struct npt6_table *t, __be64 ext_key, u8 plen,
			    const struct npt6_table_node *except)
{
	struct npt6_table_node *n;

	list_for_each_entry(n, &t->nodes, list)
		if (n != except && overlaps(n->ext_key, n->plen, ext_key, plen))
			return -EBUSY;
	return 0;
}

/*
 * Swap @old for @new, which has the same internal key and length, so
 * that SNPT lookups never miss: rhashtable_replace_fast() is atomic for
 * readers.  On the external side there is a window where a DNPT lookup
 * finds either node, or neither when the external key changed, which is
 * the nature of a prefix change.  The caller has checked
 * npt6_table_conflict_ext().
 */
void npt6_table_replace(struct npt6_table *t, struct npt6_table_node *old,
			struct npt6_table_node *new)
{
	WARN_ON(old->int_key != new->int_key || old->plen != new->plen);
	WARN_ON(rhashtable_replace_fast(&t->by_int, &old->int_node,
					&new->int_node, int_params));
	if (old->ext_key == new->ext_key) {
		WARN_ON(rhashtable_replace_fast(&t->by_ext, &old->ext_node,
						&new->ext_node, ext_params));
	} else {
		rhashtable_remove_fast(&t->by_ext, &old->ext_node, ext_params);
		WARN_ON(rhashtable_lookup_insert_fast(&t->by_ext, &new->ext_node,
						      ext_params));
	}
	list_replace(&old->list, &new->list);
}
