// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device lookup of mappings by internal and by external prefix.
 *
 * Writers are serialised by rtnl; readers are the packet path under RCU.
 * Each side is a small open-addressing hash of node pointers (see struct
 * npt6_slots), and a bitmap of the prefix lengths in use means a lookup
 * only probes the lengths that exist.
 *
 * Why not rhashtable: measured under icount, its lookup (jhash, bucket
 * lock bits, nulls markers, the future-table recheck) cost about a
 * hundred instructions per packet; a probe here costs a multiply, a
 * load and a compare.  Our writers are rare and already serialised, so
 * we can afford to rebuild an array to resize it.
 */

#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "rfc6296.h"
#include "table.h"

/* Slots per side for an empty table. */
#define NPT6_SLOTS_MIN	8

static struct npt6_slots *slots_alloc(u32 nslots)
{
	struct npt6_slots *s;

	s = kvzalloc(struct_size(s, slot, nslots), GFP_KERNEL);
	if (!s)
		return NULL;
	s->mask = nslots - 1;
	s->bits = ilog2(nslots);
	s->seed = get_random_u64();
	return s;
}

static struct npt6_slots *slots_of(struct npt6_table *t, enum npt6_side side)
{
	/* Writers only: the caller serialises them. */
	return rcu_dereference_protected(t->slots[side], true);
}

static struct npt6_table_node *find(struct npt6_table *t, enum npt6_side side,
				    __be64 key)
{
	return npt6_slots_find(slots_of(t, side), side, key, true);
}

/* Put @n in the first free slot of its probe sequence; there is one. */
static void slots_put(struct npt6_slots *s, enum npt6_side side,
		      struct npt6_table_node *n)
{
	struct npt6_table_node *cur;
	u32 i;

	for (i = npt6_slot_hash(s, n->key[side]);; i = (i + 1) & s->mask) {
		cur = rcu_dereference_protected(s->slot[i], true);
		if (!cur || cur == NPT6_SLOT_TOMB)
			break;
	}
	if (!cur)
		s->used++;
	rcu_assign_pointer(s->slot[i], n);
}

/* The slot that holds @n; it must be there. */
static u32 slots_index(struct npt6_slots *s, enum npt6_side side,
		       const struct npt6_table_node *n)
{
	u32 i;

	for (i = npt6_slot_hash(s, n->key[side]);; i = (i + 1) & s->mask)
		if (rcu_dereference_protected(s->slot[i], true) == n)
			return i;
}

/*
 * Make room for one more node on @side: keep nodes plus tombstones at
 * most half the slots, and shrink a mostly empty array.  Readers keep
 * using the old array until the pointer swap, and for a grace period
 * after it, so it is freed with RCU.
 */
static int slots_resize(struct npt6_table *t, enum npt6_side side,
			unsigned int nodes)
{
	struct npt6_slots *old = slots_of(t, side), *new;
	struct npt6_table_node *n;
	u32 want = NPT6_SLOTS_MIN;

	while (want < 4 * nodes)
		want <<= 1;
	if (2 * (old->used + 1) <= old->mask + 1 &&
	    (want >= old->mask + 1 || 8 * nodes > old->mask + 1))
		return 0;

	new = slots_alloc(want);
	if (!new)
		return -ENOMEM;
	list_for_each_entry(n, &t->nodes, list)
		slots_put(new, side, n);
	rcu_assign_pointer(t->slots[side], new);
	kvfree_rcu(old, rcu);
	return 0;
}

int npt6_table_init(struct npt6_table *t)
{
	enum npt6_side side;

	memset(t, 0, sizeof(*t));
	INIT_LIST_HEAD(&t->nodes);
	for (side = 0; side < NPT6_SIDE_MAX; side++) {
		struct npt6_slots *s = slots_alloc(NPT6_SLOTS_MIN);

		if (!s) {
			while (side--)
				kvfree(slots_of(t, side));
			return -ENOMEM;
		}
		RCU_INIT_POINTER(t->slots[side], s);
	}
	return 0;
}

/* The caller has removed every node and waited for readers. */
void npt6_table_destroy(struct npt6_table *t)
{
	enum npt6_side side;

	WARN_ON(t->count);
	for (side = 0; side < NPT6_SIDE_MAX; side++) {
		kvfree(slots_of(t, side));
		RCU_INIT_POINTER(t->slots[side], NULL);
	}
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
		n = find(t, NPT6_SIDE_INT, int_key & mask);
		if (n && overlaps(n->key[NPT6_SIDE_INT], n->plen, int_key, plen))
			return -EBUSY;
		if (!check_ext)
			continue;
		n = find(t, NPT6_SIDE_EXT, ext_key & mask);
		if (n && overlaps(n->key[NPT6_SIDE_EXT], n->plen, ext_key, plen)) {
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
		if (overlaps(n->key[NPT6_SIDE_INT], n->plen, int_key, plen))
			return -EBUSY;
		if (check_ext &&
		    overlaps(n->key[NPT6_SIDE_EXT], n->plen, ext_key, plen)) {
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

/*
 * Insert a node that npt6_table_conflict() has cleared.  A key already on
 * either side is refused, with nothing changed.
 */
int npt6_table_insert(struct npt6_table *t, struct npt6_table_node *n)
{
	enum npt6_side side;
	int err;

	if (WARN_ON(n->plen < 1 || n->plen > NPT6_MAX_PLEN))
		return -EINVAL;
	for (side = 0; side < NPT6_SIDE_MAX; side++)
		if (find(t, side, n->key[side]))
			return -EEXIST;
	/* Make room on both sides first, so nothing can fail halfway. */
	for (side = 0; side < NPT6_SIDE_MAX; side++) {
		err = slots_resize(t, side, t->count + 1);
		if (err)
			return err;
	}
	/* The list first: a resize from here on must carry @n along. */
	list_add_tail(&n->list, &t->nodes);
	for (side = 0; side < NPT6_SIDE_MAX; side++)
		slots_put(slots_of(t, side), side, n);
	if (!t->plen_refs[n->plen - 1]++)
		WRITE_ONCE(t->plens, t->plens | BIT_ULL(n->plen - 1));
	t->count++;
	return 0;
}

/*
 * Unlink a node.  Readers may still see it until a grace period has
 * passed; the caller frees it with RCU.  A failed shrink is harmless.
 */
void npt6_table_remove(struct npt6_table *t, struct npt6_table_node *n)
{
	enum npt6_side side;

	for (side = 0; side < NPT6_SIDE_MAX; side++) {
		struct npt6_slots *s = slots_of(t, side);

		rcu_assign_pointer(s->slot[slots_index(s, side, n)],
				   NPT6_SLOT_TOMB);
	}
	list_del(&n->list);
	if (!--t->plen_refs[n->plen - 1])
		WRITE_ONCE(t->plens, t->plens & ~BIT_ULL(n->plen - 1));
	t->count--;
	for (side = 0; side < NPT6_SIDE_MAX; side++)
		slots_resize(t, side, t->count);
}

struct npt6_table_node *npt6_table_find_int(struct npt6_table *t,
					    __be64 int_key, u8 plen)
{
	struct npt6_table_node *n = find(t, NPT6_SIDE_INT, int_key);

	return n && n->plen == plen ? n : NULL;
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
		if (n != except &&
		    overlaps(n->key[NPT6_SIDE_EXT], n->plen, ext_key, plen))
			return -EBUSY;
	return 0;
}

/*
 * Swap @old for @new, which has the same internal key and length, so
 * that SNPT lookups never miss: one pointer store.  On the external side
 * there is a window where a DNPT lookup finds either node, or neither
 * when the external key changed, which is the nature of a prefix change.
 * The caller has checked npt6_table_conflict_ext().  Returns -ENOMEM,
 * with nothing changed, if the external side had no room for @new's key.
 */
int npt6_table_replace(struct npt6_table *t, struct npt6_table_node *old,
		       struct npt6_table_node *new)
{
	struct npt6_slots *s = slots_of(t, NPT6_SIDE_INT);
	bool ext_moves = old->ext_key != new->ext_key;
	int err;

	WARN_ON(old->int_key != new->int_key || old->plen != new->plen);
	/* A new external key takes a slot; the old one leaves a tombstone. */
	if (ext_moves) {
		err = slots_resize(t, NPT6_SIDE_EXT, t->count + 1);
		if (err)
			return err;
	}
	rcu_assign_pointer(s->slot[slots_index(s, NPT6_SIDE_INT, old)], new);

	s = slots_of(t, NPT6_SIDE_EXT);
	rcu_assign_pointer(s->slot[slots_index(s, NPT6_SIDE_EXT, old)],
			   ext_moves ? NPT6_SLOT_TOMB : new);
	/* The list too: a resize after this must carry @new, not @old. */
	list_replace(&old->list, &new->list);
	if (ext_moves)
		slots_put(s, NPT6_SIDE_EXT, new);
	return 0;
}
