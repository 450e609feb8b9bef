// SPDX-License-Identifier: GPL-2.0
/*
 * nptctl: configure npt6, stateless NPTv6 (RFC 6296) over generic netlink
 * and its ipip6 tunnels (RFC 2473) over rtnetlink.
 *
 * This file only reads the global options and hands the rest of the command
 * line to a subcommand from the table below.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "netns.h"
#include "parse.h"
#include "subcommands.h"

#ifndef NPTCTL_VERSION
#error "NPTCTL_VERSION must be defined by the Makefile, from kmod/version.h"
#endif

#define MODULE_VERSION_FILE "/sys/module/npt6/version"

static int help_main(int argc, char *argv[], const struct nptctl_opts *opts);

/*
 * Subcommands, in the order of the help text.  Entries without a
 * description are aliases of the entry above them with the same function.
 */
static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[], const struct nptctl_opts *opts);
	const char *args;
	const char *description;
} subcommands[] = {
	{ "add", map_add_main,
	  "INT_PFX EXT_PFX|auto [token IID] dev DEV [ndproxy auto|all|off]",
	  "translate INT_PFX to EXT_PFX on DEV" },
	{ "del", map_del_main, "INT_PFX dev DEV",
	  "delete the mapping of INT_PFX on DEV" },
	{ "delete", map_del_main, NULL, NULL },
	{ "show", map_show_main, "[dev DEV]",
	  "list mappings, or those on DEV" },
	{ "list", map_show_main, NULL, NULL },
	{ "ls", map_show_main, NULL, NULL },
	{ "flush", map_flush_main, "[dev DEV]",
	  "delete all mappings, or those on DEV" },
	{ "monitor", monitor_main, "",
	  "print mapping events until interrupted" },
	{ "tunnel", tunnel_main, "add|change|del|show ...",
	  "manage ipip6 tunnels (try \"nptctl tunnel help\")" },
	{ "help", help_main, "", "show this help" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: nptctl [OPTIONS] COMMAND [ARGS]\n"
	      "       nptctl [-n NETNS] -b FILE\n"
	      "\n"
	      "Stateless IPv6-to-IPv6 network prefix translation (RFC 6296),\n"
	      "and IPv4-in-IPv6 tunnels (RFC 2473).\n"
	      "Prefixes are ADDR/LEN with LEN 1..64 and no host bits set.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < N_SUBCOMMANDS; i++) {
		char synopsis[128];

		if (!subcommands[i].description)
			continue;
		snprintf(synopsis, sizeof(synopsis), "%s %s",
			 subcommands[i].name, subcommands[i].args);
		/* A long synopsis gets a line of its own. */
		if (strlen(synopsis) > 28)
			fprintf(f, "  %s\n  %-28s %s\n", synopsis, "",
				subcommands[i].description);
		else
			fprintf(f, "  %-28s %s\n", synopsis,
				subcommands[i].description);
	}
	fputs("\n"
	      "  EXT_PFX auto follows the /64 of DEV's global address (the one\n"
	      "  with interface ID IID if given); INT_PFX must be a /64 then.\n"
	      "  delete is an alias of del, list and ls are aliases of show.\n"
	      "\n"
	      "Options:\n"
	      "  -b, -batch FILE              apply the commands in FILE (- for stdin),\n"
	      "                               all or nothing\n"
	      "  -c, -color[=always|auto|never]\n"
	      "                               colour the text output (default auto)\n"
	      "  -j, -json                    JSON output\n"
	      "  -p, -pretty                  indented JSON output (implies -j)\n"
	      "  -s, -stats                   show counters\n"
	      "  -n, -netns NETNS             run in network namespace NETNS\n"
	      "  -V, -Version                 print versions and exit\n"
	      "  -h, -help                    print this help and exit\n", f);
}

int parsed_status(int ret, const char *group, const char *cmd,
		  const char *usage)
{
	if (ret == 0)
		return -1;
	if (ret > 0)
		printf("Usage: nptctl [OPTIONS] %s%s %s\n", group, cmd, usage);
	return ret < 0;
}

static int help_main(int argc, char *argv[], const struct nptctl_opts *opts)
{
	(void)opts;
	if (argc > 1) {
		nptctl_err("unknown argument \"%s\"", argv[1]);
		return 1;
	}
	usage(stdout);
	return 0;
}

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

static int find_subcommand(const char *name)
{
	struct keyword kw[N_SUBCOMMANDS];
	size_t i, j;
	int id;

	/* Aliases share the id of their first entry, so "l" is not ambiguous. */
	for (i = 0; i < N_SUBCOMMANDS; i++) {
		kw[i].name = subcommands[i].name;
		for (j = 0; subcommands[j].fn != subcommands[i].fn; j++)
			;
		kw[i].id = (int)j;
	}
	id = match_keyword(name, kw, N_SUBCOMMANDS);
	if (id == KEYWORD_AMBIGUOUS)
		nptctl_err("ambiguous command \"%s\"", name);
	else if (id == KEYWORD_NONE)
		nptctl_err("unknown command \"%s\" (try \"nptctl help\")", name);
	return id;
}

int main(int argc, char *argv[])
{
	struct nptctl_opts opts = { 0 };
	const char *netns = NULL, *batch = NULL;
	int cmd, color = COLOR_AUTO;

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
			if (argc < 2) {
				nptctl_err("missing \"NETNS\" after \"%s\"",
					   argv[0]);
				return 1;
			}
			netns = argv[1];
			argc--;
			argv++;
			break;
		case OPT_BATCH:
			if (argc < 2) {
				nptctl_err("missing \"FILE\" after \"%s\"",
					   argv[0]);
				return 1;
			}
			batch = argv[1];
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
			usage(stdout);
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
	cmd = find_subcommand(argv[0]);
	if (cmd < 0)
		return 1;

	/* Before the subcommand resolves device names or opens a socket. */
	if (netns && netns_enter(netns) < 0)
		return 1;

	/* Its usage message names it in full, whatever abbreviation was used. */
	argv[0] = (char *)subcommands[cmd].name;
	return subcommands[cmd].fn(argc, argv, &opts);
}
