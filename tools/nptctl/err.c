// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics on stderr, one line each.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* "FILE:LINE" in batch mode, else NULL. */
static const char *err_where;

void nptctl_err_where(const char *where)
{
	err_where = where;
}

/*
 * Messages quote what the user typed and what the kernel said.  A newline
 * or an escape sequence in either would break the one-line promise or play
 * tricks on the terminal, so control characters are shown as '?'.  Long
 * messages are cut rather than allocated for.
 */
static void emit(const char *tag, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t off = 0;
	char *c;

	/* The file name is the user's too, so it is cleaned with the rest. */
	if (err_where)
		off = (size_t)snprintf(msg, sizeof(msg), "%s: ", err_where);
	if (off < sizeof(msg))
		vsnprintf(msg + off, sizeof(msg) - off, fmt, ap);
	for (c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fprintf(stderr, "%s: %s\n", tag, msg);
}

void nptctl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("Error", fmt, ap);
	va_end(ap);
}

void nptctl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("Warning", fmt, ap);
	va_end(ap);
}

int nptctl_flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	nptctl_err("Unable to write output: %s", strerror(errno));
	return -1;
}
