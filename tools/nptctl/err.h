/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics.  Every failure of nptctl ends in exactly one line on stderr
 * that starts with "Error: ", which scripts and the selftests rely on.
 */
#ifndef NPTCTL_ERR_H
#define NPTCTL_ERR_H

/* "Error: <message>\n" on stderr. */
void nptctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "Warning: <message>\n" on stderr; for things that do not fail. */
void nptctl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Put "@where: " after the tag of every later message, until called again
 * with NULL: batch mode names the file and line a message is about.
 */
void nptctl_err_where(const char *where);

/*
 * Flush stdout.  A short write, to a full disk or a closed pipe, must not
 * look like success to the script that reads us: on failure this prints
 * the error and returns -1.
 */
int nptctl_flush_stdout(void);

#endif /* NPTCTL_ERR_H */
