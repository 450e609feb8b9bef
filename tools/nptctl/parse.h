/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure parsing helpers: no I/O, no global state, so that
 * selftests/nptctl/test_parse.c can call them directly.
 */
#ifndef NPTCTL_PARSE_H
#define NPTCTL_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * npt6 translates prefixes of 1..64 bits: RFC 6296 puts its adjustment in
 * the first 64 bits of the address, or in the first interface-ID word, so
 * a longer prefix would leave it no word to adjust.
 */
#define NPTCTL_PLEN_MIN	1
#define NPTCTL_PLEN_MAX	64

/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" and a NUL. */
#define PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)

struct prefix {
	struct in6_addr addr;
	unsigned int len;
};

enum prefix_error {
	PREFIX_OK,
	PREFIX_MALFORMED,	/* not ADDR/LEN, or ADDR is not IPv6 */
	PREFIX_NO_LENGTH,	/* a valid address without "/LEN" */
	PREFIX_BAD_LENGTH,	/* LEN is 0 or longer than 128 */
	PREFIX_TOO_LONG,	/* LEN is 65..128: IPv6, but not for npt6 */
	PREFIX_HOST_BITS,	/* bits beyond LEN are set */
};

/*
 * Parse "ADDR/LEN" strictly: no whitespace, LEN in decimal without
 * leading zeros, and no host bits.  On PREFIX_HOST_BITS, @p holds what
 * was written (unmasked), so that the caller can suggest the fix.
 */
enum prefix_error parse_prefix(const char *arg, struct prefix *p);

/*
 * Write the message for a parse_prefix() failure on @arg into @buf,
 * without the "Error: " tag.  @p is what parse_prefix() left.
 */
void prefix_strerror(char *buf, size_t size, enum prefix_error err,
		     const char *arg, const struct prefix *p);

/* Clear the bits of @addr beyond @len. */
void prefix_mask(struct in6_addr *addr, unsigned int len);

/* "ADDR/LEN" into @buf of PREFIX_STRLEN bytes; returns @buf. */
char *prefix_ntop(char *buf, const struct in6_addr *addr, unsigned int len);

/*
 * A token is the interface ID of the address an auto mapping follows, as
 * "ip token" writes it: "::feed" is the address PREFIX::feed.
 */
enum token_error {
	TOKEN_OK,
	TOKEN_MALFORMED,	/* not an IPv6 address ("/LEN" included) */
	TOKEN_NOT_IID,		/* bits set in the first 64 */
	TOKEN_ZERO,		/* "::": no address has that interface ID */
};

/* Parse @arg strictly into @iid. */
enum token_error parse_token(const char *arg, struct in6_addr *iid);

/* The message for a parse_token() failure, like prefix_strerror(). */
void token_strerror(char *buf, size_t size, enum token_error err,
		    const char *arg);

/*
 * The enum npt6_ndproxy_mode that @arg names exactly ("auto", "all",
 * "off"), or -1.  The modes are values, not keywords: abbreviating "a"
 * would be ambiguous, and a wrong guess answers for other hosts.
 */
int parse_ndproxy(const char *arg);

/* The name of NDP proxy @mode, or NULL for one this nptctl does not know. */
const char *ndproxy_name(unsigned int mode);

/*
 * The enum npt6_mode that @arg names exactly ("rfc6296", "keep-iid"), or
 * -1.  Values again, not keywords: the two translate to other addresses.
 */
int parse_mode(const char *arg);

/* The name of translation @mode, or NULL for one this nptctl does not know. */
const char *mode_name(unsigned int mode);

/*
 * An unsigned number in decimal, or in hexadecimal after "0x", between
 * @min and @max.  Unlike ip(8) we never read octal, and never hexadecimal
 * without "0x": "tclass 10" is ten, whatever "ip tunnel" would make of it.
 * Returns 0, or -1 for anything else (signs, spaces, overflow).
 */
int parse_number(const char *arg, uint32_t min, uint32_t max, uint32_t *val);

/*
 * Whether the kernel would take @name for a new device: 1 to IF_NAMESIZE - 1
 * bytes, not "." or "..", and no '/', ':' or white space (dev_valid_name()).
 */
bool valid_ifname(const char *name);

enum unicast_error {
	UNICAST_OK,
	UNICAST_MALFORMED,	/* not an IPv6 address ("/LEN" included) */
	UNICAST_NOT_UNICAST,	/* ::, multicast, or IPv4-mapped */
};

/*
 * Parse a tunnel endpoint strictly into @addr.  The kernel refuses the
 * same remote addresses; a local one of those kinds could never be ours.
 */
enum unicast_error parse_unicast(const char *arg, struct in6_addr *addr);

/*
 * Keyword matching with iproute2's habit of accepting any unambiguous
 * abbreviation.  Entries that share an @id are aliases ("del", "delete"),
 * so an abbreviation of several aliases of one keyword is not ambiguous.
 */
struct keyword {
	const char *name;
	int id;
};

#define KEYWORD_NONE		(-1)
#define KEYWORD_AMBIGUOUS	(-2)

/* The @id of what @arg names in @table, or KEYWORD_NONE/AMBIGUOUS. */
int match_keyword(const char *arg, const struct keyword *table, size_t n);

#endif /* NPTCTL_PARSE_H */
