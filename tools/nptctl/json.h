/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal JSON writer: it tracks nesting only to place commas and, when
 * pretty, newlines and indentation.
 */
#ifndef NPTCTL_JSON_H
#define NPTCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct jw {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool first;	/* nothing written yet in the open container */
};

/* A writer on @f, before its first value. */
#define JW_INIT(file, indent) \
	{ .f = (file), .pretty = (indent), .first = true }

/* @s as a JSON string literal, quotes included. */
void json_put_string(FILE *f, const char *s);

/* The separator before the next value of the open array. */
void jw_sep(struct jw *w);
/* Open or close an array ('[', ']') or an object ('{', '}'). */
void jw_begin(struct jw *w, char c);
void jw_end(struct jw *w, char c);
/* A key of the open object, for the value that follows. */
void jw_key(struct jw *w, const char *key);
/* A key and its value. */
void jw_key_str(struct jw *w, const char *key, const char *val);
void jw_key_u64(struct jw *w, const char *key, uint64_t val);
void jw_key_bool(struct jw *w, const char *key, bool val);
void jw_key_null(struct jw *w, const char *key);

#endif /* NPTCTL_JSON_H */
