// SPDX-License-Identifier: GPL-2.0
/*
 * A growable array of items of one size.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"

void *list_push(struct list *l)
{
	void *item;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *bigger = reallocarray(l->items, cap, l->size);

		if (!bigger)
			return NULL;
		l->items = bigger;
		l->cap = cap;
	}
	item = (char *)l->items + l->n++ * l->size;
	memset(item, 0, l->size);
	return item;
}

int list_append(struct list *l, const void *item)
{
	void *slot = list_push(l);

	if (!slot)
		return -ENOMEM;
	memcpy(slot, item, l->size);
	return 0;
}

void list_remove(struct list *l, size_t i)
{
	char *at = (char *)l->items + i * l->size;

	memmove(at, at + l->size, (l->n - i - 1) * l->size);
	l->n--;
}
