// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of the words on nptctl's command line.  Everything here is a pure
 * function of its arguments; the callers decide what to print.
 */

#include <arpa/inet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/npt6.h>

#include "parse.h"

void prefix_mask(struct in6_addr *addr, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < sizeof(addr->s6_addr); i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		/* len < 8 here: keep its top @len bits, then none at all. */
		addr->s6_addr[i] &= (uint8_t)(0xff00 >> len);
		len = 0;
	}
}

char *prefix_ntop(char *buf, const struct in6_addr *addr, unsigned int len)
{
	char a[INET6_ADDRSTRLEN];

	/* inet_ntop() cannot fail for AF_INET6 with a big enough buffer. */
	inet_ntop(AF_INET6, addr, a, sizeof(a));
	snprintf(buf, PREFIX_STRLEN, "%s/%u", a, len);
	return buf;
}

/*
 * The length must be plain decimal.  strtoul() alone would take " 64",
 * "+64" and "0x40", and iproute2's base-0 parsing reads "010" as 8; none of
 * that is worth being clever about in a prefix.
 */
static enum prefix_error parse_length(const char *s, unsigned int *len)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || s[digits] != '\0')
		return PREFIX_MALFORMED;
	if ((s[0] == '0' && digits > 1) || digits > 3)
		return PREFIX_BAD_LENGTH;
	*len = (unsigned int)strtoul(s, NULL, 10);
	if (*len < 1 || *len > 128)
		return PREFIX_BAD_LENGTH;
	return PREFIX_OK;
}

enum prefix_error parse_prefix(const char *arg, struct prefix *p)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(arg, '/');
	size_t alen = slash ? (size_t)(slash - arg) : strlen(arg);
	struct in6_addr masked;
	enum prefix_error err;

	memset(p, 0, sizeof(*p));

	/* inet_pton() rejects whitespace, zone IDs ("%eth0") and IPv4 for us. */
	if (alen == 0 || alen >= sizeof(addr))
		return PREFIX_MALFORMED;
	memcpy(addr, arg, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET6, addr, &p->addr) != 1)
		return PREFIX_MALFORMED;

	/*
	 * No default length: "fd00::" might mean /16 to one reader and /64 to
	 * another, and a wrong guess translates the wrong hosts.
	 */
	if (!slash)
		return PREFIX_NO_LENGTH;
	err = parse_length(slash + 1, &p->len);
	if (err)
		return err;
	if (p->len > NPTCTL_PLEN_MAX)
		return PREFIX_TOO_LONG;

	/*
	 * Host bits are refused rather than masked: "fd00::1/64" is more often
	 * a pasted host address than a prefix, and silently translating
	 * fd00::/64 instead hides the mistake.
	 */
	masked = p->addr;
	prefix_mask(&masked, p->len);
	if (memcmp(&masked, &p->addr, sizeof(masked)))
		return PREFIX_HOST_BITS;
	return PREFIX_OK;
}

void prefix_strerror(char *buf, size_t size, enum prefix_error err,
		     const char *arg, const struct prefix *p)
{
	char fix[PREFIX_STRLEN];
	struct in6_addr masked;

	switch (err) {
	case PREFIX_OK:
		snprintf(buf, size, "prefix \"%s\" is valid", arg);
		break;
	case PREFIX_MALFORMED:
		snprintf(buf, size, "invalid prefix \"%s\"", arg);
		break;
	case PREFIX_NO_LENGTH:
		snprintf(buf, size,
			 "missing length in prefix \"%s\" (expected ADDR/LEN, LEN %d..%d)",
			 arg, NPTCTL_PLEN_MIN, NPTCTL_PLEN_MAX);
		break;
	case PREFIX_BAD_LENGTH:
		snprintf(buf, size,
			 "invalid length in prefix \"%s\" (expected %d..%d)",
			 arg, NPTCTL_PLEN_MIN, NPTCTL_PLEN_MAX);
		break;
	case PREFIX_TOO_LONG:
		snprintf(buf, size,
			 "prefix \"%s\" is too long: prefixes longer than /%d are unsupported",
			 arg, NPTCTL_PLEN_MAX);
		break;
	case PREFIX_HOST_BITS:
		masked = p->addr;
		prefix_mask(&masked, p->len);
		snprintf(buf, size,
			 "prefix \"%s\" has host bits set (did you mean %s?)",
			 arg, prefix_ntop(fix, &masked, p->len));
		break;
	default:
		snprintf(buf, size, "invalid prefix \"%s\"", arg);
		break;
	}
}

enum token_error parse_token(const char *arg, struct in6_addr *iid)
{
	static const struct in6_addr zero = IN6ADDR_ANY_INIT;

	memset(iid, 0, sizeof(*iid));
	/* inet_pton() rejects whitespace, "/LEN" and zone IDs. */
	if (inet_pton(AF_INET6, arg, iid) != 1) {
		memset(iid, 0, sizeof(*iid));
		return TOKEN_MALFORMED;
	}
	if (memcmp(iid->s6_addr, zero.s6_addr, 8))
		return TOKEN_NOT_IID;
	if (!memcmp(iid, &zero, sizeof(zero)))
		return TOKEN_ZERO;
	return TOKEN_OK;
}

void token_strerror(char *buf, size_t size, enum token_error err,
		    const char *arg)
{
	switch (err) {
	case TOKEN_OK:
		snprintf(buf, size, "token \"%s\" is valid", arg);
		break;
	case TOKEN_NOT_IID:
		snprintf(buf, size,
			 "token \"%s\" is not an interface ID (first 64 bits must be zero)",
			 arg);
		break;
	case TOKEN_ZERO:
		snprintf(buf, size,
			 "token \"%s\" is the zero interface ID, which no address has",
			 arg);
		break;
	case TOKEN_MALFORMED:
	default:
		snprintf(buf, size,
			 "invalid token \"%s\" (expected an interface ID such as ::feed)",
			 arg);
		break;
	}
}

static const char *const ndproxy_names[NPT6_NDPROXY_MAX + 1] = {
	[NPT6_NDPROXY_OFF]	= "off",
	[NPT6_NDPROXY_AUTO]	= "auto",
	[NPT6_NDPROXY_ALL]	= "all",
};

int parse_ndproxy(const char *arg)
{
	unsigned int i;

	for (i = 0; i <= NPT6_NDPROXY_MAX; i++)
		if (ndproxy_names[i] && !strcmp(arg, ndproxy_names[i]))
			return (int)i;
	return -1;
}

const char *ndproxy_name(unsigned int mode)
{
	return mode <= NPT6_NDPROXY_MAX ? ndproxy_names[mode] : NULL;
}

static const char *const mode_names[NPT6_MODE_MAX + 1] = {
	[NPT6_MODE_RFC6296]	= "rfc6296",
	[NPT6_MODE_KEEP_IID]	= "keep-iid",
};

int parse_mode(const char *arg)
{
	unsigned int i;

	for (i = 0; i <= NPT6_MODE_MAX; i++)
		if (mode_names[i] && !strcmp(arg, mode_names[i]))
			return (int)i;
	return -1;
}

const char *mode_name(unsigned int mode)
{
	return mode <= NPT6_MODE_MAX ? mode_names[mode] : NULL;
}

int parse_number(const char *arg, uint32_t min, uint32_t max, uint32_t *val)
{
	const char *digits = "0123456789";
	unsigned long long v;
	size_t n;
	int base = 10;
	char *end;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		arg += 2;
		digits = "0123456789abcdefABCDEF";
		base = 16;
	}
	/* strtoull() alone would take " 1", "+1" and "-1" (as a huge number). */
	n = strspn(arg, digits);
	if (n == 0 || arg[n] != '\0' || n > 16)
		return -1;
	v = strtoull(arg, &end, base);
	if (*end || v < min || v > max)
		return -1;
	*val = (uint32_t)v;
	return 0;
}

bool valid_ifname(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IF_NAMESIZE || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	/* The kernel's isspace() is the C locale's. */
	return strcspn(name, "/: \t\n\v\f\r") == len;
}

enum unicast_error parse_unicast(const char *arg, struct in6_addr *addr)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (inet_pton(AF_INET6, arg, addr) != 1) {
		memset(addr, 0, sizeof(*addr));
		return UNICAST_MALFORMED;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(addr) || addr->s6_addr[0] == 0xff ||
	    !memcmp(addr->s6_addr, mapped, sizeof(mapped)))
		return UNICAST_NOT_UNICAST;
	return UNICAST_OK;
}

int match_keyword(const char *arg, const struct keyword *table, size_t n)
{
	size_t arglen = strlen(arg), i;
	int found = KEYWORD_NONE;

	/* "" abbreviates everything, so it must name nothing. */
	if (!arglen)
		return KEYWORD_NONE;

	/* An exact match wins even when it abbreviates a longer keyword. */
	for (i = 0; i < n; i++)
		if (!strcmp(arg, table[i].name))
			return table[i].id;

	for (i = 0; i < n; i++) {
		if (strncmp(arg, table[i].name, arglen))
			continue;
		if (found != KEYWORD_NONE && found != table[i].id)
			return KEYWORD_AMBIGUOUS;
		found = table[i].id;
	}
	return found;
}
