/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The npt6 generic netlink family, as nptctl sees it.  Every function prints
 * its own "Error: ..." line on failure, naming the kernel's extended-ack
 * message when there is one, and returns a negative errno.
 */
#ifndef NPTCTL_GENL_H
#define NPTCTL_GENL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "mapping.h"

struct nptctl_genl;

/*
 * Open a socket in the current network namespace and look the family up;
 * refuses a family whose version is not NPT6_GENL_VERSION.  NULL on error.
 */
struct nptctl_genl *genl_open(void);
void genl_close(struct nptctl_genl *g);

int genl_map_add(struct nptctl_genl *g, const struct npt6_mapping *m);
int genl_map_change(struct nptctl_genl *g, const struct npt6_mapping *m);
int genl_map_del(struct nptctl_genl *g, const struct npt6_mapping *m);

/* All mappings, or only those on @ifindex if it is not 0. */
int genl_map_flush(struct nptctl_genl *g, uint32_t ifindex);

/*
 * Collect the mappings (all, or those on @ifindex if not 0) into a new
 * array for the caller to free(), sorted by device and internal prefix.
 */
int genl_map_dump(struct nptctl_genl *g, uint32_t ifindex,
		  struct npt6_mapping **maps, size_t *n);

/* Returns 0 to go on, or a negative errno (already reported) to stop. */
typedef int (*genl_event_cb)(const struct npt6_event *ev, void *data);

/*
 * Join the NPT6_MCGRP_EVENTS group and pass each notification to @cb,
 * until *@stop is set (returns 0) or something fails (a negative errno).
 * It waits in ppoll() with @waitmask, so a caller that blocks its stop
 * signals everywhere else and lets them through there never misses one.
 * Malformed events are skipped with a warning, lost ones reported.
 */
int genl_monitor(struct nptctl_genl *g, genl_event_cb cb, void *data,
		 const volatile sig_atomic_t *stop, const sigset_t *waitmask);

#endif /* NPTCTL_GENL_H */
