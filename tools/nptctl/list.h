/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one growable array of nptctl: what a dump collects, and what batch
 * mode reads and plans.
 */
#ifndef NPTCTL_LIST_H
#define NPTCTL_LIST_H

#include <stddef.h>

/*
 * @n items of @size bytes each at @items, with room for @cap.  Set @size,
 * zero the rest, and free(@items) when done.
 */
struct list {
	void *items;
	size_t n, cap, size;
};

/*
 * A new item at the end, zeroed, doubling the room when it is full;
 * NULL with the list as it was if there is no memory (nothing printed).
 */
void *list_push(struct list *l);

/* A copy of @item at the end: 0, or -ENOMEM with the list as it was. */
int list_append(struct list *l, const void *item);

/* Take item @i out, keeping the order of the others. */
void list_remove(struct list *l, size_t i);

#endif /* NPTCTL_LIST_H */
