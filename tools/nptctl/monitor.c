// SPDX-License-Identifier: GPL-2.0
/*
 * nptctl monitor: print the npt6 notifications (mappings added, deleted,
 * and auto mappings moving to a new external prefix) as they happen.
 *
 * It runs until SIGINT or SIGTERM, which end it with status 0: being told
 * to stop is how a monitor is meant to finish.  Each event is flushed as
 * soon as it is printed, for whoever reads us through a pipe.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "genl.h"
#include "parse.h"
#include "print.h"
#include "command.h"

static volatile sig_atomic_t stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int print_cb(const struct npt6_event *ev, void *data)
{
	print_event(stdout, ev, data);
	return nptctl_flush_stdout() < 0 ? -EIO : 0;
}

/* Like the other commands: "help" prints the usage; no other words. */
int monitor_parse(int argc, char *argv[], struct command *c)
{
	static const struct keyword keywords[] = { { "help", 0 } };

	(void)c;
	if (argc < 2)
		return PARSE_OK;
	if (match_keyword(argv[1], keywords, 1) == 0)
		return PARSE_HELP;
	nptctl_err("unknown argument \"%s\"", argv[1]);
	return PARSE_ERROR;
}

int monitor_run(const struct command *c, const struct nptctl_opts *opts)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t block, waitmask;
	struct print_opts popts;
	struct nptctl_genl *g;
	int ret;

	(void)c;
	command_print_opts(&popts, opts);
	/*
	 * Blocked from here on and let through only while we wait for the
	 * kernel, so a signal is never lost between a check and the wait.
	 * No SA_RESTART: the wait must end when one arrives.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	g = genl_open();
	if (!g)
		return 1;
	ret = genl_monitor(g, print_cb, &popts, &stop, &waitmask);
	genl_close(g);
	return ret < 0;
}
