/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands.  Each takes the words from its own name on (argv[0] is
 * the subcommand as typed) and returns the process exit status.
 */
#ifndef NPTCTL_SUBCOMMANDS_H
#define NPTCTL_SUBCOMMANDS_H

#include <stdbool.h>

/* The global options, parsed before the subcommand. */
struct nptctl_opts {
	bool json;
	bool pretty;		/* implies json */
	unsigned int stats;	/* how often -s was given; more says no more */
};

int map_add_main(int argc, char *argv[], const struct nptctl_opts *opts);
int map_del_main(int argc, char *argv[], const struct nptctl_opts *opts);
int map_show_main(int argc, char *argv[], const struct nptctl_opts *opts);
int map_flush_main(int argc, char *argv[], const struct nptctl_opts *opts);
int tunnel_main(int argc, char *argv[], const struct nptctl_opts *opts);
int monitor_main(int argc, char *argv[], const struct nptctl_opts *opts);

#endif /* NPTCTL_SUBCOMMANDS_H */
