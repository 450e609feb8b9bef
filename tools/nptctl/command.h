/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands, as one table of {name, parse, run} that the command line
 * (nptctl.c) and batch mode (batch.c) both read: a batch line is parsed by
 * exactly the code that parses the command line, and only what is done
 * with the result differs.
 */
#ifndef NPTCTL_COMMAND_H
#define NPTCTL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mapping.h"
#include "tunnel.h"

/* The global options, read before the subcommand. */
struct nptctl_opts {
	bool json;
	bool pretty;		/* implies json */
	unsigned int stats;	/* how often -s was given; more says no more */
	bool color;		/* colour the text tables (never JSON) */
};

/* What a subcommand does, for batch mode to plan by. */
enum command_op {
	CMD_MAP_ADD,
	CMD_MAP_CHANGE,
	CMD_MAP_DEL,
	CMD_MAP_SHOW,
	CMD_MAP_FLUSH,
	CMD_MONITOR,
	CMD_TUNNEL,		/* "tunnel": its parser picks one of these: */
	CMD_TNL_ADD,
	CMD_TNL_CHANGE,
	CMD_TNL_DEL,
	CMD_TNL_SHOW,
	CMD_TNL_HELP,
	CMD_HELP,
};

struct subcommand;

/* One command, parsed: what its run needs, or batch mode plans with. */
struct command {
	const struct subcommand *sc;	/* which, "tunnel add" rather than "tunnel" */
	struct npt6_mapping m;		/* add; the key for del */
	uint32_t ifindex;		/* show, flush: 0 for every device */
	struct npt6_tunnel t;		/* tunnel add, change: as asked */
	/*
	 * tunnel change, del, show: NAME as typed, NULL for every tunnel;
	 * tunnel help: the word after it, which is one too many.
	 */
	const char *name;
};

/*
 * The one convention of every parser: it takes the words from the
 * subcommand's own name on (argv[0] is that name as typed), fills @c, and
 * returns
 *
 *	PARSE_OK	to go on and run it;
 *	PARSE_HELP	"help" was asked for: nothing printed, the caller
 *			prints the usage of c->sc (or refuses, in a batch);
 *	PARSE_ERROR	after reporting the mistake, naming the bad word.
 *
 * Parsers check every word before anything opens a socket; device names
 * are resolved, so the devices must exist.  Nothing else is asked of the
 * kernel.
 */
enum { PARSE_ERROR = -1, PARSE_OK = 0, PARSE_HELP = 1 };

struct subcommand {
	const char *name;
	enum command_op op;		/* entries with the same op are aliases */
	int (*parse)(int argc, char *argv[], struct command *c);
	/* Returns the exit status; NULL for what only batch mode reads. */
	int (*run)(const struct command *c, const struct nptctl_opts *opts);
	const char *group;		/* "" or "tunnel ", for the usage line */
	const char *args;		/* NULL for an alias of the entry above */
	const char *description;
};

/*
 * The top-level table and its length, in the order of the help text.
 * "tunnel" is one entry whose parser finds the tunnel command in a table
 * of its own (tunnel.c), of the same kind.
 */
extern const struct subcommand nptctl_commands[];
extern const size_t nptctl_ncommands;

/*
 * The entry of @table that @word names, or an abbreviation of: the first
 * of its aliases.  NULL with KEYWORD_NONE or KEYWORD_AMBIGUOUS in *@err;
 * nothing is printed.
 */
const struct subcommand *subcommand_find(const struct subcommand *table,
					 size_t n, const char *word, int *err);

/* The help text of "nptctl -h" and "nptctl help". */
void nptctl_usage(FILE *f);

/* "Usage: nptctl [OPTIONS] GROUP NAME ARGS" for @sc, on stdout. */
void subcommand_usage(const struct subcommand *sc);

/*
 * Parse and run @sc on the command line: the usage if help was asked for.
 * Returns the exit status.
 */
int subcommand_main(const struct subcommand *sc, int argc, char *argv[],
		    const struct nptctl_opts *opts);

/* The print options that the global options ask for. */
struct print_opts;
void command_print_opts(struct print_opts *popts,
			const struct nptctl_opts *opts);

/* nptctl -b FILE: the exit status. */
int batch_main(const char *file, const struct nptctl_opts *opts);

/* The parsers and runners of the table, by file. */
int map_parse_add(int argc, char *argv[], struct command *c);
int map_parse_del(int argc, char *argv[], struct command *c);
int map_parse_filter(int argc, char *argv[], struct command *c);
int map_run(const struct command *c, const struct nptctl_opts *opts);

int monitor_parse(int argc, char *argv[], struct command *c);
int monitor_run(const struct command *c, const struct nptctl_opts *opts);

/* "tunnel ...": sets c->sc to the tunnel command it finds. */
int tunnel_parse(int argc, char *argv[], struct command *c);

#endif /* NPTCTL_COMMAND_H */
