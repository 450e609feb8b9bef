// SPDX-License-Identifier: GPL-2.0
/*
 * nptctl add | del | show | flush: the mapping table.
 *
 * Every word is checked before we open a netlink socket, so that a typo
 * never reaches the kernel and its error always names the word.  Only
 * what cannot be known locally (an existing mapping, an overlap, missing
 * privileges) is left to the kernel.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "netns.h"
#include "genl.h"
#include "parse.h"
#include "print.h"
#include "command.h"

enum {
	KW_DEV, KW_TOKEN, KW_NDPROXY, KW_FROM, KW_SUBNET, KW_PD, KW_MODE,
	KW_HELP
};

static const struct keyword map_keywords[] = {
	{ "dev", KW_DEV },
	{ "help", KW_HELP },
};

/* add and change describe a mapping, the others only name one. */
static const struct keyword add_keywords[] = {
	{ "dev", KW_DEV },
	{ "token", KW_TOKEN },
	{ "ndproxy", KW_NDPROXY },
	{ "from", KW_FROM },
	{ "subnet", KW_SUBNET },
	{ "pd", KW_PD },
	{ "mode", KW_MODE },
	{ "help", KW_HELP },
};

/* The words after the subcommand, sorted out but not yet checked. */
struct map_args {
	const char *pos[2];	/* prefixes (or "auto"), in order */
	unsigned int npos;
	const char *dev;	/* NULL: not given */
	const char *token;	/* add only; NULL: not given */
	const char *ndproxy;	/* add only; NULL: not given */
	const char *from;	/* add only, auto: the device followed */
	const char *subnet;	/* add only, auto: which subnet of it */
	bool pd;		/* add only, auto: the delegated prefix */
	const char *mode;	/* add only; NULL: not given */
};

static int check_required(const struct map_args *a, unsigned int npos);

/*
 * Split @argv into up to @maxpos positional words and the keywords of
 * @kw with their values; the first @need words and "dev DEV" must be
 * there if @need is not 0.  PARSE_* as in command.h.
 */
static int parse_args(int argc, char *argv[], unsigned int maxpos,
		      unsigned int need, const struct keyword *kw, size_t nkw,
		      struct map_args *a)
{
	const char **val, *what;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		switch (match_keyword(argv[i], kw, nkw)) {
		case KW_DEV:
			val = &a->dev;
			what = "device name";
			break;
		case KW_TOKEN:
			val = &a->token;
			what = "interface ID";
			break;
		case KW_NDPROXY:
			val = &a->ndproxy;
			what = "NDP proxy mode";
			break;
		case KW_FROM:
			val = &a->from;
			what = "device name";
			break;
		case KW_SUBNET:
			val = &a->subnet;
			what = "subnet number";
			break;
		case KW_MODE:
			val = &a->mode;
			what = "translation mode";
			break;
		case KW_PD:
			if (a->pd) {
				nptctl_err("duplicate \"%s\"", argv[i]);
				return PARSE_ERROR;
			}
			a->pd = true;
			continue;
		case KW_HELP:
			return PARSE_HELP;
		case KEYWORD_AMBIGUOUS:
			nptctl_err("ambiguous argument \"%s\"", argv[i]);
			return PARSE_ERROR;
		default:
			if (a->npos >= maxpos) {
				nptctl_err("unknown argument \"%s\"", argv[i]);
				return PARSE_ERROR;
			}
			a->pos[a->npos++] = argv[i];
			continue;
		}
		/* A keyword and its value. */
		if (*val) {
			nptctl_err("duplicate \"%s\"", argv[i]);
			return PARSE_ERROR;
		}
		if (i + 1 >= argc) {
			nptctl_err("missing %s after \"%s\"", what, argv[i]);
			return PARSE_ERROR;
		}
		*val = argv[++i];
	}
	return need ? check_required(a, need) : PARSE_OK;
}

/*
 * What add (@npos 2) and del (@npos 1) cannot do without, reported in
 * the order of the usage line.
 */
static int check_required(const struct map_args *a, unsigned int npos)
{
	static const char *const pos_name[] = { "INT_PFX", "EXT_PFX" };

	if (a->npos < npos) {
		nptctl_err("missing \"%s\"", pos_name[a->npos]);
		return PARSE_ERROR;
	}
	if (!a->dev) {
		nptctl_err("missing \"dev DEV\"");
		return PARSE_ERROR;
	}
	return PARSE_OK;
}

static int get_prefix(const char *arg, struct prefix *p)
{
	enum prefix_error err = parse_prefix(arg, p);
	char msg[512];

	if (err == PREFIX_OK)
		return 0;
	prefix_strerror(msg, sizeof(msg), err, arg, p);
	nptctl_err("%s", msg);
	return -1;
}

static int get_token(const char *arg, struct in6_addr *iid)
{
	enum token_error err = parse_token(arg, iid);
	char msg[512];

	if (err == TOKEN_OK)
		return 0;
	token_strerror(msg, sizeof(msg), err, arg);
	nptctl_err("%s", msg);
	return -1;
}

/* The mapping's device, by index for the kernel and by name for messages. */
static int map_set_dev(struct npt6_mapping *m, const char *dev)
{
	m->ifindex = netns_ifindex(dev);
	if (!m->ifindex)
		return -1;
	snprintf(m->ifname, sizeof(m->ifname), "%s", dev);
	return 0;
}

/* "from DEV", "pd" and "subnet N", which only "auto" takes. */
static int parse_auto_source(const struct map_args *a, struct npt6_mapping *m)
{
	const char *word = a->from ? "from" : a->pd ? "pd" : "subnet";
	char *end;

	if ((a->from || a->subnet || a->pd) && !m->ext_auto) {
		nptctl_err("\"%s\" is only valid with \"auto\"", word);
		return PARSE_ERROR;
	}
	/* A delegated prefix is followed by its route, not by an address. */
	if (a->pd && (a->from || a->token)) {
		nptctl_err("\"pd\" takes no \"%s\"", a->from ? "from" : "token");
		return PARSE_ERROR;
	}
	m->auto_pd = a->pd;
	if (a->from) {
		m->auto_ifindex = netns_ifindex(a->from);
		if (!m->auto_ifindex)
			return PARSE_ERROR;
		snprintf(m->auto_ifname, sizeof(m->auto_ifname), "%s", a->from);
	}
	if (a->subnet) {
		errno = 0;
		m->subnet = (uint32_t)strtoul(a->subnet, &end, 0);
		if (!*a->subnet || *end || errno || a->subnet[0] == '-' ||
		    strtoul(a->subnet, NULL, 0) > UINT32_MAX) {
			nptctl_err("invalid subnet \"%s\" (expected 0..4294967295)",
				   a->subnet);
			return PARSE_ERROR;
		}
		m->has_subnet = true;
	}
	return PARSE_OK;
}

int map_parse_add(int argc, char *argv[], struct command *c)
{
	struct npt6_mapping *m = &c->m;
	struct prefix ip, ep;
	struct map_args a;
	int ret, val;

	memset(m, 0, sizeof(*m));
	ret = parse_args(argc, argv, 2, 2, add_keywords,
			 sizeof(add_keywords) / sizeof(add_keywords[0]), &a);
	if (ret != PARSE_OK)
		return ret;
	if (get_prefix(a.pos[0], &ip))
		return PARSE_ERROR;
	m->int_prefix = ip.addr;
	m->plen = (uint8_t)ip.len;

	/*
	 * "auto": the external /64 is that of an address on the device, so
	 * the internal prefix must be a /64 too.
	 */
	m->ext_auto = !strcmp(a.pos[1], "auto");
	if (m->ext_auto) {
		if (ip.len != 64) {
			nptctl_err("\"auto\" needs a /64 internal prefix");
			return PARSE_ERROR;
		}
	} else {
		if (get_prefix(a.pos[1], &ep))
			return PARSE_ERROR;
		/*
		 * RFC 6296 maps prefixes of equal length only: the
		 * checksum-neutral rewrite needs the same number of bits on
		 * both sides.
		 */
		if (ip.len != ep.len) {
			nptctl_err("prefix lengths differ: \"%s\" and \"%s\"",
				   a.pos[0], a.pos[1]);
			return PARSE_ERROR;
		}
		m->ext_prefix = ep.addr;
		m->active = true;
	}

	/* Which address "auto" follows; a static prefix follows nothing. */
	if (a.token) {
		if (!m->ext_auto) {
			nptctl_err("token \"%s\" is only valid with \"auto\"",
				   a.token);
			return PARSE_ERROR;
		}
		if (get_token(a.token, &m->token))
			return PARSE_ERROR;
		m->has_token = true;
	}

	if (parse_auto_source(&a, m) != PARSE_OK)
		return PARSE_ERROR;

	/* Not given: the kernel's default, auto where there is a link layer. */
	if (a.ndproxy) {
		val = parse_ndproxy(a.ndproxy);
		if (val < 0) {
			nptctl_err("invalid ndproxy mode \"%s\" (expected auto, all or off)",
				   a.ndproxy);
			return PARSE_ERROR;
		}
		m->ndproxy = (uint8_t)val;
		m->has_ndproxy = true;
	}

	/* Not given: rfc6296 for add; change keeps the mapping's mode. */
	if (a.mode) {
		val = parse_mode(a.mode);
		if (val < 0) {
			nptctl_err("invalid mode \"%s\" (expected rfc6296 or keep-iid)",
				   a.mode);
			return PARSE_ERROR;
		}
		m->mode = (uint8_t)val;
		m->has_mode = true;
	}

	if (map_set_dev(m, a.dev))
		return PARSE_ERROR;
	return PARSE_OK;
}

int map_parse_del(int argc, char *argv[], struct command *c)
{
	struct npt6_mapping *m = &c->m;
	struct map_args a;
	struct prefix ip;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = parse_args(argc, argv, 1, 1, map_keywords,
			 sizeof(map_keywords) / sizeof(map_keywords[0]), &a);
	if (ret != PARSE_OK)
		return ret;
	if (get_prefix(a.pos[0], &ip) || map_set_dev(m, a.dev))
		return PARSE_ERROR;
	m->int_prefix = ip.addr;
	m->plen = (uint8_t)ip.len;
	return PARSE_OK;
}

/* show and flush: "[dev DEV]", 0 in c->ifindex for every device. */
int map_parse_filter(int argc, char *argv[], struct command *c)
{
	struct map_args a;
	int ret;

	c->ifindex = 0;
	ret = parse_args(argc, argv, 0, 0, map_keywords,
			 sizeof(map_keywords) / sizeof(map_keywords[0]), &a);
	if (ret != PARSE_OK || !a.dev)
		return ret;
	c->ifindex = netns_ifindex(a.dev);
	return c->ifindex ? PARSE_OK : PARSE_ERROR;
}

static int do_add(struct nptctl_genl *g, const struct command *c,
		  const struct nptctl_opts *opts)
{
	(void)opts;
	return genl_map_add(g, &c->m);
}

static int do_change(struct nptctl_genl *g, const struct command *c,
		     const struct nptctl_opts *opts)
{
	(void)opts;
	return genl_map_change(g, &c->m);
}

static int do_del(struct nptctl_genl *g, const struct command *c,
		  const struct nptctl_opts *opts)
{
	(void)opts;
	return genl_map_del(g, &c->m);
}

static int do_flush(struct nptctl_genl *g, const struct command *c,
		    const struct nptctl_opts *opts)
{
	(void)opts;
	return genl_map_flush(g, c->ifindex);
}

static int do_show(struct nptctl_genl *g, const struct command *c,
		   const struct nptctl_opts *opts)
{
	struct npt6_mapping *maps = NULL;
	struct print_opts popts;
	size_t n = 0;
	int ret;

	ret = genl_map_dump(g, c->ifindex, &maps, &n);
	if (ret < 0)
		return ret;

	/* Gathered first, printed after: a failed dump prints no half list. */
	command_print_opts(&popts, opts);
	print_mappings(stdout, maps, n, &popts);
	free(maps);
	return nptctl_flush_stdout();
}

/* The run of every mapping command: one socket, and do_*(). */
int map_run(const struct command *c, const struct nptctl_opts *opts)
{
	static int (*const fn[])(struct nptctl_genl *g,
				 const struct command *c,
				 const struct nptctl_opts *opts) = {
		[CMD_MAP_ADD]	= do_add,
		[CMD_MAP_CHANGE] = do_change,
		[CMD_MAP_DEL]	= do_del,
		[CMD_MAP_SHOW]	= do_show,
		[CMD_MAP_FLUSH]	= do_flush,
	};
	struct nptctl_genl *g = genl_open();
	int ret;

	if (!g)
		return 1;
	ret = fn[c->sc->op](g, c, opts);
	genl_close(g);
	return ret < 0;
}
