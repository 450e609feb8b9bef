// SPDX-License-Identifier: GPL-2.0
/*
 * Output of "nptctl show" and "nptctl tunnel show".  The text form is for people and may grow; the
 * JSON form is the interface for programs, so its keys never change meaning.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
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
	[NPT6_DSTATS_CSUM_UNKNOWN]	= "csum_unknown",
	[NPT6_DSTATS_DROP_TRUNCATED]	= "drop_truncated",
};

static const char *const nstat_names[NPT6_NSTATS_MAX + 1] = {
	[NPT6_NSTATS_NS_SEEN]		= "ns_seen",
	[NPT6_NSTATS_NA_SENT]		= "na_sent",
	[NPT6_NSTATS_IGN_LOCAL]		= "ign_local",
	[NPT6_NSTATS_IGN_OFF]		= "ign_off",
	[NPT6_NSTATS_IGN_UNRESOLVED]	= "ign_unresolved",
	[NPT6_NSTATS_IGN_OUTSIDE]	= "ign_outside",
	[NPT6_NSTATS_DROP_MALFORMED]	= "drop_malformed",
	[NPT6_NSTATS_IGN_BUDGET]	= "ign_budget",
};

/* Names of the notifications, indexed by command. */
static const char *const event_names[NPT6_CMD_MAX + 1] = {
	[NPT6_CMD_MAP_ADD]	= "add",
	[NPT6_CMD_MAP_DEL]	= "del",
	[NPT6_CMD_MAP_CHANGE]	= "change",
};

static const char *addr_ntop(char *buf, const struct in6_addr *a)
{
	/* inet_ntop() cannot fail for AF_INET6 with a big enough buffer. */
	inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
	return buf;
}

/* A mode from a newer kernel has no name here; its number will do. */
static const char *ndproxy_str(char *buf, size_t size, uint8_t mode)
{
	const char *name = ndproxy_name(mode);

	if (name)
		return name;
	snprintf(buf, size, "%u", mode);
	return buf;
}

/* Likewise a translation mode; a module that reports none has rfc6296. */
static const char *mode_str(char *buf, size_t size,
			    const struct npt6_mapping *m)
{
	const char *name = mode_name(m->mode);

	if (name)
		return name;
	snprintf(buf, size, "%u", m->mode);
	return buf;
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

/*
 * Colours of the text form, those ip(8) gives the same things: names of
 * devices, IPv6 addresses and prefixes, and what is down (inactive).
 */
enum color { C_NONE, C_IFNAME, C_INET6, C_DOWN };

static const char *const color_on[] = {
	[C_IFNAME]	= "\033[36m",	/* cyan */
	[C_INET6]	= "\033[34m",	/* blue */
	[C_DOWN]	= "\033[31m",	/* red */
};

#define COLOR_OFF	"\033[0m"

/* @s, in colour @c if @opts asks for colours. */
static void put_color(FILE *f, const struct print_opts *opts, enum color c,
		      const char *s)
{
	if (opts->color && c != C_NONE)
		fprintf(f, "%s%s" COLOR_OFF, color_on[c], s);
	else
		fputs(s, f);
}

/* One set of counters, named by @names, as an object under @key. */
static void json_counters(struct jw *w, const char *key,
			  const uint64_t *c, const char *const *names,
			  unsigned int max)
{
	unsigned int i;

	jw_key(w, key);
	jw_begin(w, '{');
	for (i = 0; i <= max; i++)
		if (names[i])
			jw_key_u64(w, names[i], c[i]);
	jw_end(w, '}');
}

/*
 * The device an auto mapping follows an address on, by name if we know
 * it, else "if" and its index (it may have gone away).
 */
static const char *auto_dev_name(const struct npt6_mapping *m, char *buf,
				 size_t size)
{
	if (m->auto_ifname[0])
		snprintf(buf, size, "%s", m->auto_ifname);
	else
		snprintf(buf, size, "if%" PRIu32, m->auto_ifindex);
	return buf;
}

/*
 * Why an auto mapping is inactive: a word for JSON, a phrase for text; a
 * reason newer than this nptctl is its number.
 */
static const char *inactive_str(char *buf, size_t size, uint8_t why,
				bool text)
{
	static const char *const words[][2] = {
		[NPT6_INACTIVE_NONE]	  = { "none", "active" },
		[NPT6_INACTIVE_NO_SOURCE] = { "no_source", "no address yet" },
		[NPT6_INACTIVE_SUBNET]	  = { "subnet", "subnet outside the prefix" },
		[NPT6_INACTIVE_OVERLAP]	  = { "overlap", "overlaps another mapping" },
	};

	if (why < sizeof(words) / sizeof(words[0]))
		return words[why][text];
	snprintf(buf, size, "%u", why);
	return buf;
}

/* @m as an object; the caller has placed it (jw_sep() or jw_key()). */
static void json_mapping(struct jw *w, const void *item,
			 const struct print_opts *opts)
{
	const struct npt6_mapping *m = item;
	char pfx[PREFIX_STRLEN], dev[IF_NAMESIZE + 16], a[INET6_ADDRSTRLEN];

	jw_begin(w, '{');
	jw_key_str(w, "dev", dev_name(m, dev, sizeof(dev)));
	jw_key_u64(w, "ifindex", m->ifindex);
	jw_key_str(w, "internal", prefix_ntop(pfx, &m->int_prefix, m->plen));
	/* An inactive auto mapping has no external prefix, for now. */
	if (m->active)
		jw_key_str(w, "external",
			   prefix_ntop(pfx, &m->ext_prefix, m->plen));
	else
		jw_key_null(w, "external");
	jw_key_u64(w, "prefix_len", m->plen);
	jw_key_str(w, "external_source", m->ext_auto ? "auto" : "static");
	if (m->has_token)
		jw_key_str(w, "token", addr_ntop(a, &m->token));
	if (m->auto_ifindex)
		jw_key_str(w, "auto_dev", auto_dev_name(m, dev, sizeof(dev)));
	if (m->auto_pd)
		jw_key_bool(w, "auto_pd", true);
	if (m->has_subnet)
		jw_key_u64(w, "subnet", m->subnet);
	if (m->ext_auto && m->active && m->has_ext_addr)
		jw_key_str(w, "external_address", addr_ntop(a, &m->ext_addr));
	if (m->ext_auto && m->active && m->has_source)
		jw_key_str(w, "source",
			   prefix_ntop(pfx, &m->source, m->source_len));
	jw_key_bool(w, "active", m->active);
	if (m->ext_auto && !m->active && m->has_inactive)
		jw_key_str(w, "inactive",
			   inactive_str(a, sizeof(a), m->inactive, false));
	if (m->has_ndproxy)
		jw_key_str(w, "ndproxy", ndproxy_str(a, sizeof(a), m->ndproxy));
	jw_key_str(w, "mode", mode_str(a, sizeof(a), m));
	if (opts->stats && (m->has_stats || m->has_ndp_stats)) {
		jw_key(w, "stats");
		jw_begin(w, '{');
		if (m->has_stats) {
			json_counters(w, "snpt", m->snpt.c, dstat_names,
				      NPT6_DSTATS_MAX);
			json_counters(w, "dnpt", m->dnpt.c, dstat_names,
				      NPT6_DSTATS_MAX);
		}
		if (m->has_ndp_stats)
			json_counters(w, "ndp", m->ndp.c, nstat_names,
				      NPT6_NSTATS_MAX);
		jw_end(w, '}');
	}
	jw_end(w, '}');
}

static void text_counters(FILE *f, const char *what, const uint64_t *c,
			  const char *const *names, unsigned int max)
{
	unsigned int i;

	fprintf(f, "    %s:", what);
	for (i = 0; i <= max; i++)
		if (names[i])
			fprintf(f, " %s %" PRIu64, names[i], c[i]);
	fputc('\n', f);
}

/* The external side: its prefix, or what stands for it while inactive. */
static const char *text_external(char *buf, const struct npt6_mapping *m)
{
	char num[4];

	if (m->active)
		return prefix_ntop(buf, &m->ext_prefix, m->plen);
	if (!m->ext_auto)
		return "inactive";
	snprintf(buf, PREFIX_STRLEN, "auto (%s)",
		 inactive_str(num, sizeof(num), m->has_inactive ? m->inactive :
			      NPT6_INACTIVE_NO_SOURCE, true));
	return buf;
}

/*
 * One line, in the words of "nptctl add" where there are some:
 *   INT -> EXT dev DEV [auto [token IID] [(from ADDR)]] [ndproxy MODE]
 *	[mode keep-iid]
 * An inactive auto mapping says "auto" in place of EXT instead.  The
 * mode is shown only when it is not the default, rfc6296, so that the
 * line of a mapping made before there were modes reads as it did.
 */
static void text_mapping(FILE *f, const void *item,
			 const struct print_opts *opts)
{
	const struct npt6_mapping *m = item;
	char ipfx[PREFIX_STRLEN], epfx[PREFIX_STRLEN], dev[IF_NAMESIZE + 16];
	char a[INET6_ADDRSTRLEN];

	put_color(f, opts, C_INET6, prefix_ntop(ipfx, &m->int_prefix, m->plen));
	fputs(" -> ", f);
	put_color(f, opts, m->active ? C_INET6 : C_DOWN, text_external(epfx, m));
	fputs(" dev ", f);
	put_color(f, opts, C_IFNAME, dev_name(m, dev, sizeof(dev)));
	if (m->ext_auto && m->active)
		fputs(" auto", f);
	if (m->auto_pd)
		fputs(" pd", f);
	if (m->auto_ifindex) {
		fputs(" from ", f);
		put_color(f, opts, C_IFNAME, auto_dev_name(m, dev, sizeof(dev)));
	}
	if (m->has_subnet)
		fprintf(f, " subnet %" PRIu32, m->subnet);
	if (m->has_token)
		fprintf(f, " token %s", addr_ntop(a, &m->token));
	if (m->ext_auto && m->active && m->has_ext_addr) {
		fputs(" (from ", f);
		put_color(f, opts, C_INET6, addr_ntop(a, &m->ext_addr));
		if (m->has_source && m->has_subnet)
			fprintf(f, " in %s",
				prefix_ntop(ipfx, &m->source, m->source_len));
		fputc(')', f);
	} else if (m->ext_auto && m->active && m->has_source) {
		fputs(" (in ", f);
		put_color(f, opts, C_INET6,
			  prefix_ntop(ipfx, &m->source, m->source_len));
		fputc(')', f);
	}
	if (m->has_ndproxy)
		fprintf(f, " ndproxy %s", ndproxy_str(a, sizeof(a), m->ndproxy));
	if (m->mode != NPT6_MODE_RFC6296)
		fprintf(f, " mode %s", mode_str(a, sizeof(a), m));
	fputc('\n', f);
	if (!opts->stats)
		return;
	if (m->has_stats) {
		text_counters(f, "snpt", m->snpt.c, dstat_names,
			      NPT6_DSTATS_MAX);
		text_counters(f, "dnpt", m->dnpt.c, dstat_names,
			      NPT6_DSTATS_MAX);
	}
	if (m->has_ndp_stats)
		text_counters(f, "ndp", m->ndp.c, nstat_names, NPT6_NSTATS_MAX);
}

/*
 * The @n items of @size bytes at @items: a line or so of text each, or a
 * JSON array of objects.
 */
static void print_all(FILE *f, const void *items, size_t n, size_t size,
		      void (*text)(FILE *f, const void *item,
				   const struct print_opts *opts),
		      void (*json)(struct jw *w, const void *item,
				   const struct print_opts *opts),
		      const struct print_opts *opts)
{
	struct jw w = JW_INIT(f, opts->pretty);
	const char *item = items;
	size_t i;

	if (!opts->json) {
		for (i = 0; i < n; i++)
			text(f, item + i * size, opts);
		return;
	}

	jw_begin(&w, '[');
	for (i = 0; i < n; i++) {
		jw_sep(&w);
		json(&w, item + i * size, opts);
	}
	jw_end(&w, ']');
	fputc('\n', f);
}

void print_mappings(FILE *f, const struct npt6_mapping *maps, size_t n,
		    const struct print_opts *opts)
{
	print_all(f, maps, n, sizeof(*maps), text_mapping, json_mapping, opts);
}

void print_event(FILE *f, const struct npt6_event *ev,
		 const struct print_opts *opts)
{
	struct jw w = JW_INIT(f, opts->pretty);
	const struct npt6_mapping *m = &ev->map;
	char ipfx[PREFIX_STRLEN], opfx[PREFIX_STRLEN], epfx[PREFIX_STRLEN];
	char dev[IF_NAMESIZE + 16];
	const char *name = ev->cmd <= NPT6_CMD_MAX ? event_names[ev->cmd] : NULL;

	if (!name)
		return;		/* the caller passes only what it knows */

	if (opts->json) {
		jw_begin(&w, '{');
		jw_key_str(&w, "event", name);
		jw_key(&w, "mapping");
		json_mapping(&w, m, opts);
		if (ev->cmd == NPT6_CMD_MAP_CHANGE) {
			if (ev->has_old_ext)
				jw_key_str(&w, "old_external",
					   prefix_ntop(opfx, &ev->old_ext_prefix,
						       m->plen));
			else
				jw_key_null(&w, "old_external");
		}
		jw_end(&w, '}');
		fputc('\n', f);
		return;
	}

	if (ev->cmd != NPT6_CMD_MAP_CHANGE) {
		fprintf(f, "%s ", name);
		text_mapping(f, m, opts);
		return;
	}
	/* "change INT dev DEV: OLD -> NEW", each side a prefix or "inactive". */
	fprintf(f, "%s ", name);
	put_color(f, opts, C_INET6, prefix_ntop(ipfx, &m->int_prefix, m->plen));
	fputs(" dev ", f);
	put_color(f, opts, C_IFNAME, dev_name(m, dev, sizeof(dev)));
	fputs(": ", f);
	if (ev->has_old_ext)
		put_color(f, opts, C_INET6,
			  prefix_ntop(opfx, &ev->old_ext_prefix, m->plen));
	else
		put_color(f, opts, C_DOWN, "inactive");
	fputs(" -> ", f);
	if (m->active)
		put_color(f, opts, C_INET6,
			  prefix_ntop(epfx, &m->ext_prefix, m->plen));
	else
		put_color(f, opts, C_DOWN, "inactive");
	fputc('\n', f);
}

/* Tunnels -------------------------------------------------------------- */

static const char *tunnel_dev(const struct npt6_tunnel *t, char *buf,
			      size_t size)
{
	if (t->link_name[0])
		return t->link_name;
	snprintf(buf, size, "if%" PRIu32, t->link);
	return buf;
}

/*
 * The settings that have a word for their special value, as text: the
 * word, or the number in @fmt.
 */
static const char *tnl_value(char *buf, size_t size, uint32_t v,
			     uint32_t special, const char *word,
			     const char *fmt)
{
	if (v == special)
		return word;
	snprintf(buf, size, fmt, v);
	return buf;
}

static const char *tnl_mss(char *buf, size_t size, uint16_t mss)
{
	if (mss == 0)
		return "off";
	return tnl_value(buf, size, mss, NPT6_TNL_MSS_AUTO, "auto", "%u");
}

static void jw_key_special(struct jw *w, const char *key, uint32_t v,
			   uint32_t special, const char *word)
{
	if (v == special)
		jw_key_str(w, key, word);
	else
		jw_key_u64(w, key, v);
}

static void json_tunnel(struct jw *w, const void *item,
			const struct print_opts *opts)
{
	const struct npt6_tunnel *t = item;
	char a[INET6_ADDRSTRLEN], dev[IF_NAMESIZE + 16];

	jw_begin(w, '{');
	jw_key_str(w, "name", t->name);
	jw_key_u64(w, "ifindex", t->ifindex);
	jw_key_str(w, "remote", addr_ntop(a, &t->remote));
	if (t->has_local)
		jw_key_str(w, "local", addr_ntop(a, &t->local));
	else
		jw_key_null(w, "local");
	jw_key_bool(w, "local_auto", t->local_auto);
	if (t->has_token)
		jw_key_str(w, "token", addr_ntop(a, &t->token));
	else
		jw_key_null(w, "token");
	if (t->has_active_local)
		jw_key_str(w, "active_local", addr_ntop(a, &t->active_local));
	else
		jw_key_null(w, "active_local");
	jw_key_str(w, "dev", tunnel_dev(t, dev, sizeof(dev)));
	if (t->has_mtu)
		jw_key_u64(w, "mtu", t->mtu);
	if (t->has_mss) {
		if (t->mss == 0)
			jw_key_str(w, "mss", "off");
		else
			jw_key_special(w, "mss", t->mss, NPT6_TNL_MSS_AUTO,
				       "auto");
	}
	if (t->has_hoplimit)
		jw_key_u64(w, "hoplimit", t->hoplimit);
	if (t->has_tclass)
		jw_key_special(w, "tclass", t->tclass, NPT6_TNL_INHERIT,
			       "inherit");
	if (t->has_flowlabel)
		jw_key_special(w, "flowlabel", t->flowlabel, NPT6_TNL_INHERIT,
			       "inherit");
	if (t->has_encaplimit)
		jw_key_special(w, "encaplimit", t->encaplimit,
			       NPT6_TNL_ENCAPLIMIT_NONE, "none");
	if (t->has_fastpath)
		jw_key_bool(w, "fastpath", t->fastpath);
	if (opts->stats && t->has_stats) {
		const struct npt6_tnl_stats *st = &t->stats;

		jw_key(w, "stats");
		jw_begin(w, '{');
		jw_key(w, "rx");
		jw_begin(w, '{');
		jw_key_u64(w, "packets", st->rx_packets);
		jw_key_u64(w, "bytes", st->rx_bytes);
		jw_key_u64(w, "errors", st->rx_errors);
		jw_key_u64(w, "dropped", st->rx_dropped);
		jw_end(w, '}');
		jw_key(w, "tx");
		jw_begin(w, '{');
		jw_key_u64(w, "packets", st->tx_packets);
		jw_key_u64(w, "bytes", st->tx_bytes);
		jw_key_u64(w, "errors", st->tx_errors);
		jw_key_u64(w, "dropped", st->tx_dropped);
		jw_key_u64(w, "carrier", st->tx_carrier_errors);
		jw_end(w, '}');
		jw_end(w, '}');
	}
	jw_end(w, '}');
}

/*
 * One line, in the words of "nptctl tunnel add", so that it can be pasted
 * back; the local address in effect follows an auto one in parentheses:
 *   NAME: remote ADDR local ADDR|auto [token IID] [(now ADDR)] dev DEV ...
 * The traffic class and flow label are in hexadecimal, as ip(8) shows
 * them, with the "0x" that nptctl needs to read them back.
 */
static void text_tunnel(FILE *f, const void *item,
			const struct print_opts *opts)
{
	const struct npt6_tunnel *t = item;
	char a[INET6_ADDRSTRLEN], dev[IF_NAMESIZE + 16], v[16];

	put_color(f, opts, C_IFNAME, t->name);
	fputs(": remote ", f);
	put_color(f, opts, C_INET6, addr_ntop(a, &t->remote));
	fputs(" local ", f);
	if (t->has_local)
		put_color(f, opts, C_INET6, addr_ntop(a, &t->local));
	else
		fputs("auto", f);
	if (t->has_token)
		fprintf(f, " token %s", addr_ntop(a, &t->token));
	if (t->local_auto) {
		if (t->has_active_local) {
			fputs(" (now ", f);
			put_color(f, opts, C_INET6,
				  addr_ntop(a, &t->active_local));
			fputc(')', f);
		} else {
			fputs(" (", f);
			put_color(f, opts, C_DOWN, "no address yet");
			fputc(')', f);
		}
	}
	fputs(" dev ", f);
	put_color(f, opts, C_IFNAME, tunnel_dev(t, dev, sizeof(dev)));
	if (t->has_mtu)
		fprintf(f, " mtu %" PRIu32, t->mtu);
	if (t->has_mss)
		fprintf(f, " mss %s", tnl_mss(v, sizeof(v), t->mss));
	if (t->has_hoplimit)
		fprintf(f, " hoplimit %u", t->hoplimit);
	if (t->has_tclass)
		fprintf(f, " tclass %s", tnl_value(v, sizeof(v), t->tclass,
						   NPT6_TNL_INHERIT, "inherit",
						   "0x%02x"));
	if (t->has_flowlabel)
		fprintf(f, " flowlabel %s",
			tnl_value(v, sizeof(v), t->flowlabel, NPT6_TNL_INHERIT,
				  "inherit", "0x%05x"));
	if (t->has_encaplimit)
		fprintf(f, " encaplimit %s",
			tnl_value(v, sizeof(v), t->encaplimit,
				  NPT6_TNL_ENCAPLIMIT_NONE, "none", "%u"));
	if (t->has_fastpath)
		fprintf(f, " fastpath %s", t->fastpath ? "on" : "off");
	fputc('\n', f);
	if (!opts->stats || !t->has_stats)
		return;
	fprintf(f, "    rx: packets %" PRIu64 " bytes %" PRIu64 " errors %"
		PRIu64 " dropped %" PRIu64 "  tx: packets %" PRIu64 " bytes %"
		PRIu64 " errors %" PRIu64 " dropped %" PRIu64 " carrier %"
		PRIu64 "\n", t->stats.rx_packets, t->stats.rx_bytes,
		t->stats.rx_errors, t->stats.rx_dropped, t->stats.tx_packets,
		t->stats.tx_bytes, t->stats.tx_errors, t->stats.tx_dropped,
		t->stats.tx_carrier_errors);
}

void print_tunnels(FILE *f, const struct npt6_tunnel *tuns, size_t n,
		   const struct print_opts *opts)
{
	print_all(f, tuns, n, sizeof(*tuns), text_tunnel, json_tunnel, opts);
}
