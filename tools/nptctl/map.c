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
#include "genl.h"
#include "parse.h"
#include "print.h"
#include "subcommands.h"

enum { KW_DEV, KW_HELP };

static const struct keyword map_keywords[] = {
	{ "dev", KW_DEV },
	{ "help", KW_HELP },
};

/* The words after the subcommand, sorted out but not yet checked. */
struct map_args {
	const char *pos[2];	/* prefixes, in order */
	unsigned int npos;
	const char *dev;	/* NULL: not given */
};

/*
 * Split @argv into up to @maxpos positional words and "dev DEV".  Returns 0,
 * 1 if "help" was asked for (and printed), or -1 after an error.
 */
static int parse_args(int argc, char *argv[], unsigned int maxpos,
		      const char *usage, struct map_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		switch (match_keyword(argv[i], map_keywords,
				      sizeof(map_keywords) / sizeof(map_keywords[0]))) {
		case KW_DEV:
			if (a->dev) {
				nptctl_err("duplicate \"%s\"", argv[i]);
				return -1;
			}
			if (i + 1 >= argc) {
				nptctl_err("missing device name after \"%s\"",
					   argv[i]);
				return -1;
			}
			a->dev = argv[++i];
			break;
		case KW_HELP:
			printf("Usage: nptctl [OPTIONS] %s %s\n", argv[0], usage);
			return 1;
		case KEYWORD_AMBIGUOUS:
			nptctl_err("ambiguous argument \"%s\"", argv[i]);
			return -1;
		default:
			if (a->npos >= maxpos) {
				nptctl_err("unknown argument \"%s\"", argv[i]);
				return -1;
			}
			a->pos[a->npos++] = argv[i];
			break;
		}
	}
	return 0;
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

/* 0 and an error if there is no such device in our namespace. */
static uint32_t get_ifindex(const char *dev)
{
	unsigned int ifindex = if_nametoindex(dev);

	if (ifindex)
		return ifindex;
	/* glibc says ENODEV for names too long to exist, too. */
	if (errno == ENODEV || errno == ENXIO)
		nptctl_err("unknown device \"%s\"", dev);
	else
		nptctl_err("Unable to find device \"%s\": %s", dev,
			   strerror(errno));
	return 0;
}

/* The optional "dev DEV" of show and flush: 0 means every device. */
static int get_optional_ifindex(const struct map_args *a, uint32_t *ifindex)
{
	*ifindex = 0;
	if (!a->dev)
		return 0;
	*ifindex = get_ifindex(a->dev);
	return *ifindex ? 0 : -1;
}

/*
 * A short write, to a full disk or a closed pipe, must not look like
 * success to the script that reads us.
 */
static int flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	nptctl_err("Unable to write output: %s", strerror(errno));
	return -1;
}

int map_add_main(int argc, char *argv[], const struct nptctl_opts *opts)
{
	static const char usage[] = "INT_PFX EXT_PFX dev DEV";
	struct npt6_mapping m = { 0 };
	struct prefix ip, ep;
	struct nptctl_genl *g;
	struct map_args a;
	int ret;

	(void)opts;
	ret = parse_args(argc, argv, 2, usage, &a);
	if (ret)
		return ret < 0;
	if (a.npos < 1) {
		nptctl_err("missing \"INT_PFX\"");
		return 1;
	}
	if (a.npos < 2) {
		nptctl_err("missing \"EXT_PFX\"");
		return 1;
	}
	if (!a.dev) {
		nptctl_err("missing \"dev DEV\"");
		return 1;
	}
	if (get_prefix(a.pos[0], &ip) || get_prefix(a.pos[1], &ep))
		return 1;
	/*
	 * RFC 6296 maps prefixes of equal length only: the checksum-neutral
	 * rewrite needs the same number of bits on both sides.
	 */
	if (ip.len != ep.len) {
		nptctl_err("prefix lengths differ: \"%s\" and \"%s\"",
			   a.pos[0], a.pos[1]);
		return 1;
	}
	m.ifindex = get_ifindex(a.dev);
	if (!m.ifindex)
		return 1;
	m.int_prefix = ip.addr;
	m.ext_prefix = ep.addr;
	m.plen = (uint8_t)ip.len;

	g = genl_open();
	if (!g)
		return 1;
	ret = genl_map_add(g, &m);
	genl_close(g);
	return ret < 0;
}

int map_del_main(int argc, char *argv[], const struct nptctl_opts *opts)
{
	static const char usage[] = "INT_PFX dev DEV";
	struct npt6_mapping m = { 0 };
	struct nptctl_genl *g;
	struct map_args a;
	struct prefix ip;
	int ret;

	(void)opts;
	ret = parse_args(argc, argv, 1, usage, &a);
	if (ret)
		return ret < 0;
	if (a.npos < 1) {
		nptctl_err("missing \"INT_PFX\"");
		return 1;
	}
	if (!a.dev) {
		nptctl_err("missing \"dev DEV\"");
		return 1;
	}
	if (get_prefix(a.pos[0], &ip))
		return 1;
	m.ifindex = get_ifindex(a.dev);
	if (!m.ifindex)
		return 1;
	m.int_prefix = ip.addr;
	m.plen = (uint8_t)ip.len;

	g = genl_open();
	if (!g)
		return 1;
	ret = genl_map_del(g, &m);
	genl_close(g);
	return ret < 0;
}

int map_show_main(int argc, char *argv[], const struct nptctl_opts *opts)
{
	struct print_opts popts = {
		.json = opts->json || opts->pretty,
		.pretty = opts->pretty,
		.stats = opts->stats > 0,
	};
	struct npt6_mapping *maps = NULL;
	struct nptctl_genl *g;
	struct map_args a;
	uint32_t ifindex;
	size_t n = 0;
	int ret;

	ret = parse_args(argc, argv, 0, "[dev DEV]", &a);
	if (ret)
		return ret < 0;
	if (get_optional_ifindex(&a, &ifindex))
		return 1;

	g = genl_open();
	if (!g)
		return 1;
	ret = genl_map_dump(g, ifindex, &maps, &n);
	genl_close(g);
	if (ret < 0)
		return 1;

	/* Gathered first, printed after: a failed dump prints no half list. */
	print_mappings(stdout, maps, n, &popts);
	free(maps);
	return flush_stdout() < 0;
}

int map_flush_main(int argc, char *argv[], const struct nptctl_opts *opts)
{
	struct nptctl_genl *g;
	struct map_args a;
	uint32_t ifindex;
	int ret;

	(void)opts;
	ret = parse_args(argc, argv, 0, "[dev DEV]", &a);
	if (ret)
		return ret < 0;
	if (get_optional_ifindex(&a, &ifindex))
		return 1;

	g = genl_open();
	if (!g)
		return 1;
	ret = genl_map_flush(g, ifindex);
	genl_close(g);
	return ret < 0;
}
