/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of mappings and tunnels, as text for people and as JSON for programs.
 */
#ifndef NPTCTL_PRINT_H
#define NPTCTL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "json.h"
#include "mapping.h"
#include "tunnel.h"

struct print_opts {
	bool json;
	bool pretty;	/* indented JSON */
	bool stats;	/* counters too */
	bool color;	/* ANSI colours in the text form; JSON never has any */
};

/* All of @maps; an empty table prints nothing as text and "[]" as JSON. */
void print_mappings(FILE *f, const struct npt6_mapping *maps, size_t n,
		    const struct print_opts *opts);

/*
 * All of @tuns, as "nptctl tunnel show" prints them: one line each as
 * text (and a line of counters with stats), or a JSON array.
 */
void print_tunnels(FILE *f, const struct npt6_tunnel *tuns, size_t n,
		   const struct print_opts *opts);

/*
 * One notification, flushed by the caller: a line of text, or one JSON
 * object and a newline (indented when pretty).  Events of commands this
 * nptctl does not know print nothing.
 */
void print_event(FILE *f, const struct npt6_event *ev,
		 const struct print_opts *opts);

#endif /* NPTCTL_PRINT_H */
