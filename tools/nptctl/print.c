// SPDX-License-Identifier: GPL-2.0
/*
 * Output of "nptctl show".  The text form is for people and may grow; the
 * JSON form is the interface for programs, so its keys never change meaning.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "print.h"

/* Names of the counters, in both output forms; indexed by attribute. */
static const char *const dstat_names[NPT6_DSTATS_MAX + 1] = {
	[NPT6_DSTATS_PACKETS]		= "packets",
	[NPT6_DSTATS_BYTES]		= "bytes",
	[NPT6_DSTATS_ICMP_INNER]	= "icmp_inner",
	[NPT6_DSTATS_LOCAL]		= "local",
	[NPT6_DSTATS_COLLISION]		= "collision",
	[NPT6_DSTATS_DROP_UNMAPPABLE]	= "drop_unmappable",
	[NPT6_DSTATS_DROP_NOMEM]	= "drop_nomem",
};

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

void json_put_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', f);
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			n = utf8_len(s);
			if (!n) {
				/* Not UTF-8: say so rather than emit bad JSON. */
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', f);
}

/*
 * A minimal JSON writer: it tracks nesting only to place commas and, when
 * pretty, newlines and indentation.
 */
struct jw {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool first;	/* nothing written yet in the open container */
};

static void jw_sep(struct jw *w)
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

static void jw_begin(struct jw *w, char c)
{
	fputc(c, w->f);
	w->depth++;
	w->first = true;
}

static void jw_end(struct jw *w, char c)
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

static void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	json_put_string(w->f, key);
	fputs(w->pretty ? ": " : ":", w->f);
}

static void jw_key_str(struct jw *w, const char *key, const char *val)
{
	jw_key(w, key);
	json_put_string(w->f, val);
}

static void jw_key_u64(struct jw *w, const char *key, uint64_t val)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRIu64, val);
}

static const char *dev_name(const struct npt6_mapping *m, char *buf,
			    size_t size)
{
	if (m->ifname[0])
		return m->ifname;
	/* The device is gone or nameless to us; the index still identifies it. */
	snprintf(buf, size, "if%" PRIu32, m->ifindex);
	return buf;
}

static void json_dir_stats(struct jw *w, const char *key,
			   const struct npt6_dir_stats *st)
{
	unsigned int i;

	jw_key(w, key);
	jw_begin(w, '{');
	for (i = 0; i <= NPT6_DSTATS_MAX; i++)
		if (dstat_names[i])
			jw_key_u64(w, dstat_names[i], st->c[i]);
	jw_end(w, '}');
}

static void json_mapping(struct jw *w, const struct npt6_mapping *m,
			 const struct print_opts *opts)
{
	char pfx[PREFIX_STRLEN], dev[IF_NAMESIZE + 16];

	jw_sep(w);
	jw_begin(w, '{');
	jw_key_str(w, "dev", dev_name(m, dev, sizeof(dev)));
	jw_key_u64(w, "ifindex", m->ifindex);
	jw_key_str(w, "internal", prefix_ntop(pfx, &m->int_prefix, m->plen));
	jw_key_str(w, "external", prefix_ntop(pfx, &m->ext_prefix, m->plen));
	jw_key_u64(w, "prefix_len", m->plen);
	if (opts->stats && m->has_stats) {
		jw_key(w, "stats");
		jw_begin(w, '{');
		json_dir_stats(w, "snpt", &m->snpt);
		json_dir_stats(w, "dnpt", &m->dnpt);
		jw_end(w, '}');
	}
	jw_end(w, '}');
}

static void text_dir_stats(FILE *f, const char *dir,
			   const struct npt6_dir_stats *st)
{
	unsigned int i;

	fprintf(f, "    %s:", dir);
	for (i = 0; i <= NPT6_DSTATS_MAX; i++)
		if (dstat_names[i])
			fprintf(f, " %s %" PRIu64, dstat_names[i], st->c[i]);
	fputc('\n', f);
}

static void text_mapping(FILE *f, const struct npt6_mapping *m,
			 const struct print_opts *opts)
{
	char ipfx[PREFIX_STRLEN], epfx[PREFIX_STRLEN], dev[IF_NAMESIZE + 16];

	fprintf(f, "%s -> %s dev %s\n",
		prefix_ntop(ipfx, &m->int_prefix, m->plen),
		prefix_ntop(epfx, &m->ext_prefix, m->plen),
		dev_name(m, dev, sizeof(dev)));
	if (opts->stats && m->has_stats) {
		text_dir_stats(f, "snpt", &m->snpt);
		text_dir_stats(f, "dnpt", &m->dnpt);
	}
}

void print_mappings(FILE *f, const struct npt6_mapping *maps, size_t n,
		    const struct print_opts *opts)
{
	struct jw w = { .f = f, .pretty = opts->pretty, .first = true };
	size_t i;

	if (!opts->json) {
		for (i = 0; i < n; i++)
			text_mapping(f, &maps[i], opts);
		return;
	}

	jw_begin(&w, '[');
	for (i = 0; i < n; i++)
		json_mapping(&w, &maps[i], opts);
	jw_end(&w, ']');
	fputc('\n', f);
}
