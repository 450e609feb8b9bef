/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands.  Each takes the words from its own name on (argv[0] is
 * the subcommand as typed) and returns the process exit status.
 */
#ifndef NPTCTL_SUBCOMMANDS_H
#define NPTCTL_SUBCOMMANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "mapping.h"
#include "tunnel.h"

/* The global options, parsed before the subcommand. */
struct nptctl_opts {
	bool json;
	bool pretty;		/* implies json */
	unsigned int stats;	/* how often -s was given; more says no more */
	bool color;		/* colour the text tables (never JSON) */
};

int map_add_main(int argc, char *argv[], const struct nptctl_opts *opts);
int map_del_main(int argc, char *argv[], const struct nptctl_opts *opts);
int map_show_main(int argc, char *argv[], const struct nptctl_opts *opts);
int map_flush_main(int argc, char *argv[], const struct nptctl_opts *opts);
int tunnel_main(int argc, char *argv[], const struct nptctl_opts *opts);
int batch_main(const char *file, const struct nptctl_opts *opts);

/*
 * A subcommand parser's result (below) as an exit status: 0 after
 * printing "Usage: nptctl [OPTIONS] @group@cmd @usage" for "help", 1
 * after an error that the parser has reported, or -1 to go on.
 */
int parsed_status(int ret, const char *group, const char *cmd,
		  const char *usage);
int monitor_main(int argc, char *argv[], const struct nptctl_opts *opts);

/*
 * The parsers behind the subcommands, for batch mode (batch.c) to read a
 * line exactly as the command line is read.  Each takes the words from
 * the subcommand's name on, reports its errors naming the bad word, and
 * returns 0, 1 if "help" was asked for (nothing printed), or -1.  Device
 * names are resolved: the devices must exist.
 */

/* add: @m with the ifindex and ifname of its device; has_ndproxy if given. */
int map_parse_add(int argc, char *argv[], struct npt6_mapping *m);
/* del: the key of @m (ifindex, int_prefix, plen). */
int map_parse_del(int argc, char *argv[], struct npt6_mapping *m);
/* show and flush: "[dev DEV]", 0 in @ifindex for every device. */
int map_parse_filter(int argc, char *argv[], uint32_t *ifindex);

enum tunnel_cmd { TUNNEL_ADD, TUNNEL_CHANGE, TUNNEL_DEL, TUNNEL_SHOW,
		  TUNNEL_HELP };

/*
 * "tunnel CMD NAME ..." (argv[0] is "tunnel"): which command, the NAME as
 * typed in @name (NULL for a bare show), and in @t what add and change
 * ask for.  add checks NAME and fills t->name; change asks for
 * something to change; neither can know whether NAME exists.  Returns
 * the enum tunnel_cmd, or -1 after an error; "help" anywhere is
 * TUNNEL_HELP.
 */
int tunnel_parse(int argc, char *argv[], const char **name,
		 struct npt6_tunnel *t);

#endif /* NPTCTL_SUBCOMMANDS_H */
