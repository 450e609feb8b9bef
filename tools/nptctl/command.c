// SPDX-License-Identifier: GPL-2.0
/*
 * The table of subcommands, and what the command line does with an entry:
 * find it, parse the words after it, print its usage or run it.  Batch
 * mode finds and parses lines with the same entries (batch.c).
 */

#include <stdio.h>
#include <string.h>

#include "command.h"
#include "err.h"
#include "parse.h"
#include "print.h"

static int help_parse(int argc, char *argv[], struct command *c);
static int help_run(const struct command *c, const struct nptctl_opts *opts);

/* In the order of the help text; an alias follows its entry, without args. */
const struct subcommand nptctl_commands[] = {
	{ "add", CMD_MAP_ADD, map_parse_add, map_run, "",
	  "INT_PFX EXT_PFX|auto [from DEV2|pd] [subnet N] [token IID] dev DEV "
	  "[ndproxy auto|all|off] [mode rfc6296|keep-iid]",
	  "translate INT_PFX to EXT_PFX on DEV" },
	{ "change", CMD_MAP_CHANGE, map_parse_add, map_run, "",
	  "INT_PFX EXT_PFX|auto [from DEV2|pd] [subnet N] [token IID] dev DEV "
	  "[ndproxy auto|all|off] [mode rfc6296|keep-iid]",
	  "re-point the mapping of INT_PFX on DEV, counters kept" },
	{ "del", CMD_MAP_DEL, map_parse_del, map_run, "", "INT_PFX dev DEV",
	  "delete the mapping of INT_PFX on DEV" },
	{ "delete", CMD_MAP_DEL, map_parse_del, map_run, "", NULL, NULL },
	{ "show", CMD_MAP_SHOW, map_parse_filter, map_run, "", "[dev DEV]",
	  "list mappings, or those on DEV" },
	{ "list", CMD_MAP_SHOW, map_parse_filter, map_run, "", NULL, NULL },
	{ "ls", CMD_MAP_SHOW, map_parse_filter, map_run, "", NULL, NULL },
	{ "flush", CMD_MAP_FLUSH, map_parse_filter, map_run, "",
	  "[dev DEV]", "delete all mappings, or those on DEV" },
	{ "monitor", CMD_MONITOR, monitor_parse, monitor_run, "", "",
	  "print mapping events until interrupted" },
	{ "tunnel", CMD_TUNNEL, tunnel_parse, NULL, "",
	  "add|change|del|show ...",
	  "manage ipip6 tunnels (try \"nptctl tunnel help\")" },
	{ "help", CMD_HELP, help_parse, help_run, "", "", "show this help" },
};

const size_t nptctl_ncommands = sizeof(nptctl_commands) /
				sizeof(nptctl_commands[0]);

const struct subcommand *subcommand_find(const struct subcommand *table,
					 size_t n, const char *word, int *err)
{
	struct keyword kw[16];
	size_t i, j;
	int id;

	if (n > sizeof(kw) / sizeof(kw[0]))
		n = sizeof(kw) / sizeof(kw[0]);
	/* Aliases share the id of their first entry, so "l" is not ambiguous. */
	for (i = 0; i < n; i++) {
		kw[i].name = table[i].name;
		for (j = 0; table[j].op != table[i].op; j++)
			;
		kw[i].id = (int)j;
	}
	id = match_keyword(word, kw, n);
	if (id < 0) {
		*err = id;
		return NULL;
	}
	return &table[id];
}

void subcommand_usage(const struct subcommand *sc)
{
	printf("Usage: nptctl [OPTIONS] %s%s%s%s\n", sc->group, sc->name,
	       sc->args[0] ? " " : "", sc->args);
}

int subcommand_main(const struct subcommand *sc, int argc, char *argv[],
		    const struct nptctl_opts *opts)
{
	struct command c = { .sc = sc };

	switch (sc->parse(argc, argv, &c)) {
	case PARSE_OK:
		return c.sc->run(&c, opts);
	case PARSE_HELP:
		subcommand_usage(c.sc);
		return 0;
	default:
		return 1;
	}
}

void command_print_opts(struct print_opts *popts,
			const struct nptctl_opts *opts)
{
	popts->json = opts->json || opts->pretty;
	popts->pretty = opts->pretty;
	popts->stats = opts->stats > 0;
	popts->color = opts->color;
}

void nptctl_usage(FILE *f)
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
	for (i = 0; i < nptctl_ncommands; i++) {
		const struct subcommand *sc = &nptctl_commands[i];
		char synopsis[192];

		if (!sc->description)
			continue;
		snprintf(synopsis, sizeof(synopsis), "%s %s", sc->name,
			 sc->args);
		/* A long synopsis gets a line of its own. */
		if (strlen(synopsis) > 28)
			fprintf(f, "  %s\n  %-28s %s\n", synopsis, "",
				sc->description);
		else
			fprintf(f, "  %-28s %s\n", synopsis, sc->description);
	}
	fputs("\n"
	      "  EXT_PFX auto follows the /64 of DEV's global address (the one\n"
	      "  with interface ID IID if given); INT_PFX must be a /64 then.\n"
	      "  mode keep-iid replaces the prefix and keeps the interface ID,\n"
	      "  updating checksums; rfc6296, the default, adjusts one word of\n"
	      "  the address so that no checksum changes.\n"
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

/* "help" takes no words, not even "help". */
static int help_parse(int argc, char *argv[], struct command *c)
{
	(void)c;
	if (argc > 1) {
		nptctl_err("unknown argument \"%s\"", argv[1]);
		return PARSE_ERROR;
	}
	return PARSE_OK;
}

static int help_run(const struct command *c, const struct nptctl_opts *opts)
{
	(void)c;
	(void)opts;
	nptctl_usage(stdout);
	return 0;
}
