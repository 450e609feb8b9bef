// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output, iproute2 style: compact, or indented by four with -p.  What
 * nptctl prints as JSON is an interface (tools/schema/nptctl.schema.json),
 * so this file writes strings that are always valid UTF-8 JSON, and the
 * printer (print.c) decides only what goes in them.
 */

#include <inttypes.h>
#include <stdio.h>

#include "json.h"

/*
 * Length of the well-formed UTF-8 sequence that starts at @s, or 0 if there
 * is none (RFC 3629, section 4).  Device names are bytes to the kernel, and
 * JSON must be UTF-8, so we have to tell the two apart.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* beyond U+10FFFF */
	} else {
		return 0;
	}
	/* A NUL fails these tests, so we never read past the string. */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* The characters that JSON escapes with a letter, or that must be escaped. */
static const char *const escapes[0x80] = {
	['"']	= "\\\"",
	['\\']	= "\\\\",
	['\b']	= "\\b",
	['\f']	= "\\f",
	['\n']	= "\\n",
	['\r']	= "\\r",
	['\t']	= "\\t",
};

void json_put_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', f);
	for (; *s; s += n) {
		n = 1;
		if (*s < 0x80 && escapes[*s]) {
			fputs(escapes[*s], f);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s);
		} else if ((n = utf8_len(s))) {
			fwrite(s, 1, n, f);
		} else {
			/* Not UTF-8: say so rather than emit bad JSON. */
			fputs("\\ufffd", f);
			n = 1;
		}
	}
	fputc('"', f);
}

void jw_sep(struct jw *w)
{
	unsigned int i;

	if (!w->first)
		fputc(',', w->f);
	w->first = false;
	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->f);
}

void jw_begin(struct jw *w, char c)
{
	fputc(c, w->f);
	w->depth++;
	w->first = true;
}

void jw_end(struct jw *w, char c)
{
	unsigned int i;

	w->depth--;
	/* An empty container stays "[]" or "{}" even when pretty. */
	if (w->pretty && !w->first) {
		fputc('\n', w->f);
		for (i = 0; i < w->depth; i++)
			fputs("    ", w->f);
	}
	fputc(c, w->f);
	/* The parent now holds this container, so the next item needs ','. */
	w->first = false;
}

void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	json_put_string(w->f, key);
	fputs(w->pretty ? ": " : ":", w->f);
}

void jw_key_str(struct jw *w, const char *key, const char *val)
{
	jw_key(w, key);
	json_put_string(w->f, val);
}

void jw_key_u64(struct jw *w, const char *key, uint64_t val)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRIu64, val);
}

void jw_key_bool(struct jw *w, const char *key, bool val)
{
	jw_key(w, key);
	fputs(val ? "true" : "false", w->f);
}

void jw_key_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	fputs("null", w->f);
}
