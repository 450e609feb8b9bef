// SPDX-License-Identifier: GPL-2.0
/*
 * nptctl: configure npt6, stateless NPTv6 (RFC 6296) over generic netlink
 * and its ipip6 tunnels (RFC 2473) over rtnetlink.
 *
 * This file only reads the global options and hands the rest of the command
 * line to a subcommand from the table in command.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "netns.h"
#include "parse.h"
#include "command.h"

#ifndef NPTCTL_VERSION
#error "NPTCTL_VERSION must be defined by the Makefile, from kmod/version.h"
#endif

#define MODULE_VERSION_FILE "/sys/module/npt6/version"

/*
 * Our version, and the module's if it is loaded.  They come from one
 * kmod/version.h, so a difference means that they were installed apart.
 */
static int version_main(void)
{
	const char *path = MODULE_VERSION_FILE;
	char mod[64] = "";
	FILE *f;

#ifdef NPTCTL_TEST_HOOKS
	/* Test builds only: a module of any version, without loading one. */
	if (getenv("NPTCTL_TEST_MODULE_VERSION"))
		path = getenv("NPTCTL_TEST_MODULE_VERSION");
#endif
	printf("nptctl %s\n", NPTCTL_VERSION);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(mod, sizeof(mod), f))
		mod[strcspn(mod, "\n")] = '\0';
	fclose(f);
	if (!mod[0])
		return 0;
	printf("npt6 module %s\n", mod);
	if (strcmp(mod, NPTCTL_VERSION))
		nptctl_warn("nptctl %s and npt6 module %s differ",
			    NPTCTL_VERSION, mod);
	return 0;
}

enum {
	OPT_JSON, OPT_PRETTY, OPT_STATS, OPT_NETNS, OPT_VERSION, OPT_HELP,
	OPT_BATCH, OPT_COLOR,
};

/*
 * iproute2 style: one or two dashes, and any unambiguous abbreviation
 * ("-j", "-json", "--json").  Single letters are abbreviations too, which
 * is why "statistics" and "stats" share one id.
 */
static const struct keyword options[] = {
	{ "json", OPT_JSON },
	{ "pretty", OPT_PRETTY },
	{ "stats", OPT_STATS },
	{ "statistics", OPT_STATS },
	{ "netns", OPT_NETNS },
	{ "Version", OPT_VERSION },
	{ "version", OPT_VERSION },
	{ "help", OPT_HELP },
	{ "batch", OPT_BATCH },
	{ "color", OPT_COLOR },
	{ "colour", OPT_COLOR },
};

enum { COLOR_NEVER, COLOR_AUTO, COLOR_ALWAYS };

/* The WHEN of "-color=WHEN"; -1 after an error. */
static int parse_color(const char *opt, const char *when)
{
	if (!when)
		return COLOR_ALWAYS;	/* a bare -c asks for it, as in ip(8) */
	if (!strcmp(when, "always"))
		return COLOR_ALWAYS;
	if (!strcmp(when, "auto"))
		return COLOR_AUTO;
	if (!strcmp(when, "never"))
		return COLOR_NEVER;
	nptctl_err("invalid color \"%s\" in \"%s\" (expected always, auto or never)",
		   when, opt);
	return -1;
}

/*
 * Colours are for a person at a terminal: never into a pipe or a file
 * unless asked for, and never when NO_COLOR says so (https://no-color.org).
 */
static bool use_color(int when)
{
	const char *no = getenv("NO_COLOR");

	if (when != COLOR_AUTO)
		return when == COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !(no && *no);
}

static const struct subcommand *find_subcommand(const char *name)
{
	const struct subcommand *sc;
	int err;

	sc = subcommand_find(nptctl_commands, nptctl_ncommands, name, &err);
	if (!sc && err == KEYWORD_AMBIGUOUS)
		nptctl_err("ambiguous command \"%s\"", name);
	else if (!sc)
		nptctl_err("unknown command \"%s\" (try \"nptctl help\")", name);
	return sc;
}

int main(int argc, char *argv[])
{
	struct nptctl_opts opts = { 0 };
	const char *netns = NULL, *batch = NULL;
	const struct subcommand *sc;
	int color = COLOR_AUTO;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		const char *opt = argv[0] + 1, *value;
		char name[32];
		int id;

		if (!strcmp(argv[0], "--")) {
			argc--;
			argv++;
			break;
		}
		if (*opt == '-')
			opt++;

		/* Only -color takes its value after '=', as in ip(8). */
		value = strchr(opt, '=');
		snprintf(name, sizeof(name), "%.*s",
			 (int)(value ? value - opt : (int)strlen(opt)), opt);
		id = match_keyword(name, options,
				   sizeof(options) / sizeof(options[0]));
		if (value && id != OPT_COLOR)
			id = KEYWORD_NONE;

		switch (id) {
		case OPT_JSON:
			opts.json = true;
			break;
		case OPT_PRETTY:
			opts.pretty = true;
			break;
		case OPT_STATS:
			opts.stats++;
			break;
		case OPT_NETNS:
		case OPT_BATCH:
			if (argc < 2) {
				nptctl_err("missing \"%s\" after \"%s\"",
					   id == OPT_NETNS ? "NETNS" : "FILE",
					   argv[0]);
				return 1;
			}
			*(id == OPT_NETNS ? &netns : &batch) = argv[1];
			argc--;
			argv++;
			break;
		case OPT_COLOR:
			color = parse_color(argv[0], value ? value + 1 : NULL);
			if (color < 0)
				return 1;
			break;
		case OPT_VERSION:
			return version_main();
		case OPT_HELP:
			nptctl_usage(stdout);
			return 0;
		default:
			nptctl_err("unknown option \"%s\" (try \"nptctl -h\")",
				   argv[0]);
			return 1;
		}
		argc--;
		argv++;
	}

	opts.color = use_color(color);

	if (batch) {
		if (argc > 0) {
			nptctl_err("unexpected \"%s\" after \"-b %s\" (the commands are in the file)",
				   argv[0], batch);
			return 1;
		}
		if (netns && netns_enter(netns) < 0)
			return 1;
		return batch_main(batch, &opts);
	}

	if (argc < 1) {
		nptctl_err("missing command (try \"nptctl help\")");
		return 1;
	}
	sc = find_subcommand(argv[0]);
	if (!sc)
		return 1;

	/* Before the subcommand resolves device names or opens a socket. */
	if (netns && netns_enter(netns) < 0)
		return 1;

	return subcommand_main(sc, argc, argv, &opts);
}
