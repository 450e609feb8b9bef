// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of nptctl's pure helpers: prefix parsing and validation
 * (parse.c), keyword matching, the values of tunnel settings, and JSON/text
 * rendering of mappings and tunnels (print.c).
 *
 * Prints one "TEST: ... [ OK ]" or "[FAIL]" line per test, as the kernel
 * selftests do, explains failures on stderr, and exits 1 if any failed.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "print.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static unsigned int failed;

static void result(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void result(bool ok, const char *fmt, ...)
{
	char desc[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	printf("TEST: %-60s  [%s]\n", desc, ok ? " OK " : "FAIL");
	if (!ok)
		failed++;
}

/* Explain a failed check on stderr, so that stdout stays TEST: lines. */
static bool check(bool cond, const char *what, ...)
	__attribute__((format(printf, 2, 3)));

static bool check(bool cond, const char *what, ...)
{
	va_list ap;

	if (cond)
		return true;
	fputs("    check failed: ", stderr);
	va_start(ap, what);
	vfprintf(stderr, what, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

static const char *err_name(enum prefix_error e)
{
	switch (e) {
	case PREFIX_OK: return "OK";
	case PREFIX_MALFORMED: return "MALFORMED";
	case PREFIX_NO_LENGTH: return "NO_LENGTH";
	case PREFIX_BAD_LENGTH: return "BAD_LENGTH";
	case PREFIX_TOO_LONG: return "TOO_LONG";
	case PREFIX_HOST_BITS: return "HOST_BITS";
	}
	return "?";
}

/* parse_prefix(@arg) returns @want, and on success the right address. */
static bool expect_prefix(const char *arg, enum prefix_error want,
			  const char *want_addr, unsigned int want_len)
{
	struct in6_addr a;
	struct prefix p;
	enum prefix_error got = parse_prefix(arg, &p);

	if (!check(got == want, "parse_prefix(\"%s\") = %s, want %s", arg,
		   err_name(got), err_name(want)))
		return false;
	if (want != PREFIX_OK)
		return true;
	inet_pton(AF_INET6, want_addr, &a);
	return check(!memcmp(&a, &p.addr, sizeof(a)) && p.len == want_len,
		     "parse_prefix(\"%s\") parsed the wrong prefix", arg);
}

/* An input, the text wanted for it, and what the case is about. */
struct text_case {
	const char *arg, *want, *what;
};

/* nptctl's message about a prefix or a token it refuses, for @arg. */
typedef void message_fn(char *buf, size_t size, const char *arg);

static void prefix_message(char *buf, size_t size, const char *arg)
{
	struct prefix p;

	prefix_strerror(buf, size, parse_prefix(arg, &p), arg, &p);
}

static void token_message(char *buf, size_t size, const char *arg)
{
	struct in6_addr iid;

	token_strerror(buf, size, parse_token(arg, &iid), arg);
}

static bool expect_message(message_fn *message, const char *arg,
			   const char *want)
{
	char msg[512];

	message(msg, sizeof(msg), arg);
	return check(!strcmp(msg, want), "message for \"%s\" is \"%s\", want \"%s\"",
		     arg, msg, want);
}

static void expect_messages(message_fn *message, const struct text_case *c,
			    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		result(expect_message(message, c[i].arg, c[i].want),
		       "message: %s", c[i].what);
}

static void test_good(void)
{
	static const struct {
		const char *arg, *addr;
		unsigned int len;
	} good[] = {
		{ "fd00::/64", "fd00::", 64 },
		{ "2406::/64", "2406::", 64 },
		{ "fdce:b680:5c56:5::/64", "fdce:b680:5c56:5::", 64 },
		{ "2406:2d40:3084:e000::/64", "2406:2d40:3084:e000::", 64 },
		{ "fd00:192:168:1::/64", "fd00:192:168:1::", 64 },
		{ "FDCE:B680:5C56:5::/64", "fdce:b680:5c56:5::", 64 },
		{ "2001:0db8:0000:0000::/48", "2001:db8::", 48 },
		{ "2001:db8::/32", "2001:db8::", 32 },
		{ "fd00::/8", "fd00::", 8 },
		{ "8000::/1", "8000::", 1 },
		{ "::/1", "::", 1 },
		{ "::/64", "::", 64 },
		{ "ffff:ffff:ffff:ffff::/64", "ffff:ffff:ffff:ffff::", 64 },
		{ "2001:db8:0:0:0:0:0:0/56", "2001:db8::", 56 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		result(expect_prefix(good[i].arg, PREFIX_OK, good[i].addr,
				     good[i].len),
		       "parse good prefix %s", good[i].arg);
}

/* "ADDR/LEN" for @a into @buf. */
static const char *fmt(char *buf, const struct in6_addr *a, unsigned int len)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	snprintf(buf, 64, "%s/%u", s, len);
	return buf;
}

static void set_bit(struct in6_addr *a, unsigned int bit)
{
	a->s6_addr[bit / 8] |= 0x80 >> (bit % 8);
}

/*
 * For each length: the prefix whose last bit is set, and the all-ones
 * prefix, are accepted as they are; setting the first or the last host
 * bit is refused, and the message suggests the prefix without it.
 */
static void test_lengths(void)
{
	unsigned int len, i;

	for (len = 1; len <= 64; len++) {
		struct in6_addr last = IN6ADDR_ANY_INIT, ones = IN6ADDR_ANY_INIT;
		struct in6_addr h;
		char arg[64], fix[64], want[256], s[INET6_ADDRSTRLEN];
		bool ok = true;

		set_bit(&last, len - 1);
		for (i = 0; i < len; i++)
			set_bit(&ones, i);

		inet_ntop(AF_INET6, &last, s, sizeof(s));
		ok &= expect_prefix(fmt(arg, &last, len), PREFIX_OK, s, len);
		inet_ntop(AF_INET6, &ones, s, sizeof(s));
		ok &= expect_prefix(fmt(arg, &ones, len), PREFIX_OK, s, len);

		h = last;
		set_bit(&h, len);		/* first host bit */
		ok &= expect_prefix(fmt(arg, &h, len), PREFIX_HOST_BITS, NULL, 0);
		snprintf(want, sizeof(want),
			 "prefix \"%s\" has host bits set (did you mean %s?)",
			 arg, fmt(fix, &last, len));
		ok &= expect_message(prefix_message, arg, want);

		h = ones;
		set_bit(&h, 127);		/* last host bit */
		ok &= expect_prefix(fmt(arg, &h, len), PREFIX_HOST_BITS, NULL, 0);
		snprintf(want, sizeof(want),
			 "prefix \"%s\" has host bits set (did you mean %s?)",
			 arg, fmt(fix, &ones, len));
		ok &= expect_message(prefix_message, arg, want);

		result(ok, "prefix length /%u: valid, and host bits refused", len);
	}
}

static void test_bad(void)
{
	static const struct {
		const char *arg;
		enum prefix_error err;
		const char *what;
	} bad[] = {
		{ "", PREFIX_MALFORMED, "empty string" },
		{ "/", PREFIX_MALFORMED, "lone slash" },
		{ "/64", PREFIX_MALFORMED, "length without address" },
		{ "foo", PREFIX_MALFORMED, "a word" },
		{ "fd00::zz/64", PREFIX_MALFORMED, "bad hex digits" },
		{ "fd00:::/64", PREFIX_MALFORMED, "three colons" },
		{ "fd00::1::/64", PREFIX_MALFORMED, "two ::" },
		{ "1:2:3:4:5:6:7:8:9/64", PREFIX_MALFORMED, "nine groups" },
		{ "12345::/64", PREFIX_MALFORMED, "five-digit group" },
		{ "fd00::/abc", PREFIX_MALFORMED, "length not a number" },
		{ "fd00::/", PREFIX_MALFORMED, "empty length" },
		{ "fd00::/64/64", PREFIX_MALFORMED, "two lengths" },
		{ "fd00::/64x", PREFIX_MALFORMED, "garbage after length" },
		{ "fd00::/+64", PREFIX_MALFORMED, "signed length" },
		{ "fd00::/-1", PREFIX_MALFORMED, "negative length" },
		{ "fd00::/0x40", PREFIX_MALFORMED, "hex length" },
		{ "fe80::%eth0/64", PREFIX_MALFORMED, "zone index" },
		{ "[fd00::]/64", PREFIX_MALFORMED, "brackets" },
		{ "192.168.0.0/24", PREFIX_MALFORMED, "IPv4 prefix" },
		{ "10.0.0.1", PREFIX_MALFORMED, "IPv4 address" },
		{ "0.0.0.0/0", PREFIX_MALFORMED, "IPv4 default route" },
		{ " fd00::/64", PREFIX_MALFORMED, "leading space" },
		{ "fd00::/64 ", PREFIX_MALFORMED, "trailing space" },
		{ "fd00:: /64", PREFIX_MALFORMED, "space before slash" },
		{ "fd00::/ 64", PREFIX_MALFORMED, "space after slash" },
		{ "\tfd00::/64", PREFIX_MALFORMED, "leading tab" },
		{ "fd00::/64\n", PREFIX_MALFORMED, "trailing newline" },
		{ "fd00::", PREFIX_NO_LENGTH, "missing slash" },
		{ "2406:2d40:3084:e000::", PREFIX_NO_LENGTH, "missing slash (2)" },
		{ "fd00::/0", PREFIX_BAD_LENGTH, "/0" },
		{ "::/0", PREFIX_BAD_LENGTH, "::/0" },
		{ "fd00::/129", PREFIX_BAD_LENGTH, "/129" },
		{ "fd00::/999", PREFIX_BAD_LENGTH, "/999" },
		{ "fd00::/1000", PREFIX_BAD_LENGTH, "/1000" },
		{ "fd00::/99999999999999999999", PREFIX_BAD_LENGTH, "huge length" },
		{ "fd00::/064", PREFIX_BAD_LENGTH, "leading zero in length" },
		{ "fd00::/00", PREFIX_BAD_LENGTH, "/00" },
		{ "fd00::/65", PREFIX_TOO_LONG, "/65" },
		{ "fd00::/96", PREFIX_TOO_LONG, "/96" },
		{ "fd00::/127", PREFIX_TOO_LONG, "/127" },
		{ "fd00::/128", PREFIX_TOO_LONG, "/128" },
		{ "fd00::1/128", PREFIX_TOO_LONG, "host address /128" },
		{ "::ffff:192.168.0.0/96", PREFIX_TOO_LONG, "IPv4-mapped /96" },
		{ "fd00::1/64", PREFIX_HOST_BITS, "host bits in /64" },
		{ "2406:2d40:3084:e001::/56", PREFIX_HOST_BITS, "host bits in /56" },
		{ "fd00::/7", PREFIX_HOST_BITS, "fd00::/7 (fc00::/7 meant)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		result(expect_prefix(bad[i].arg, bad[i].err, NULL, 0),
		       "refuse prefix: %s", bad[i].what);
}

static void test_messages(void)
{
	static const struct text_case cases[] = {
		{ "fd00::zz/64", "invalid prefix \"fd00::zz/64\"", "invalid prefix" },
		{ "fd00::", "missing length in prefix \"fd00::\" (expected ADDR/LEN, LEN 1..64)",
		  "missing length" },
		{ "fd00::/0", "invalid length in prefix \"fd00::/0\" (expected 1..64)", "/0" },
		{ "fd00::/129", "invalid length in prefix \"fd00::/129\" (expected 1..64)", "/129" },
		{ "fd00::/65", "prefix \"fd00::/65\" is too long: prefixes longer than /64 are unsupported",
		  "/65" },
		{ "fd00::/128", "prefix \"fd00::/128\" is too long: prefixes longer than /64 are unsupported",
		  "/128" },
		{ "fd00::1/64", "prefix \"fd00::1/64\" has host bits set (did you mean fd00::/64?)",
		  "host bits, /64" },
		{ "2406:2d40:3084:e0ff::/56",
		  "prefix \"2406:2d40:3084:e0ff::/56\" has host bits set (did you mean 2406:2d40:3084:e000::/56?)",
		  "host bits, /56" },
	};

	expect_messages(prefix_message, cases, ARRAY_SIZE(cases));
}

static void test_mask_ntop(void)
{
	struct in6_addr a;
	char buf[PREFIX_STRLEN];
	bool ok = true;

	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a);
	prefix_mask(&a, 61);
	ok &= check(!strcmp(prefix_ntop(buf, &a, 61), "ffff:ffff:ffff:fff8::/61"),
		    "mask /61 gave %s", buf);
	prefix_mask(&a, 1);
	ok &= check(!strcmp(prefix_ntop(buf, &a, 1), "8000::/1"),
		    "mask /1 gave %s", buf);
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &a);
	ok &= check(strlen(prefix_ntop(buf, &a, 128)) < PREFIX_STRLEN,
		    "longest prefix string does not fit");
	result(ok, "prefix_mask() and prefix_ntop()");
}

static void test_keywords(void)
{
	static const struct keyword kw[] = {
		{ "del", 1 }, { "delete", 1 }, { "dev", 2 }, { "show", 3 },
		{ "list", 3 }, { "ls", 3 },
	};
	const size_t n = ARRAY_SIZE(kw);

	result(match_keyword("dev", kw, n) == 2, "keyword: exact match");
	result(match_keyword("sh", kw, n) == 3, "keyword: unambiguous abbreviation");
	result(match_keyword("de", kw, n) == KEYWORD_AMBIGUOUS,
	       "keyword: ambiguous abbreviation (del/dev)");
	result(match_keyword("l", kw, n) == 3,
	       "keyword: abbreviation of two aliases is not ambiguous");
	result(match_keyword("dele", kw, n) == 1, "keyword: abbreviation of alias");
	result(match_keyword("", kw, n) == KEYWORD_NONE, "keyword: empty names nothing");
	result(match_keyword("shows", kw, n) == KEYWORD_NONE,
	       "keyword: longer than keyword is no match");
	result(match_keyword("DEV", kw, n) == KEYWORD_NONE, "keyword: case matters");
}

/* parse_token(@arg) returns @want, and on success the right IID. */
static bool expect_token(const char *arg, enum token_error want,
			 const char *want_iid)
{
	struct in6_addr iid, a;
	enum token_error got = parse_token(arg, &iid);

	if (!check(got == want, "parse_token(\"%s\") = %d, want %d", arg,
		   got, want))
		return false;
	if (want != TOKEN_OK)
		return true;
	inet_pton(AF_INET6, want_iid, &a);
	return check(!memcmp(&a, &iid, sizeof(a)),
		     "parse_token(\"%s\") parsed the wrong IID", arg);
}

static void test_tokens(void)
{
	static const struct {
		const char *arg, *iid;
	} good[] = {
		{ "::feed", "::feed" },
		{ "::FEED", "::feed" },
		{ "::1", "::1" },
		{ "::0:0:0:feed", "::feed" },
		{ "0:0:0:0:1:2:3:4", "::1:2:3:4" },
		{ "::ffff:ffff:ffff:ffff", "::ffff:ffff:ffff:ffff" },
		{ "::1a2b:3c4d:5e6f:7a8b", "::1a2b:3c4d:5e6f:7a8b" },
		{ "::192.0.2.1", "::c000:201" },
	};
	static const struct {
		const char *arg;
		enum token_error err;
		const char *what;
	} bad[] = {
		{ "", TOKEN_MALFORMED, "empty" },
		{ "feed", TOKEN_MALFORMED, "no colons" },
		{ "::feed/64", TOKEN_MALFORMED, "with a length" },
		{ "::fe ed", TOKEN_MALFORMED, "with a space" },
		{ " ::feed", TOKEN_MALFORMED, "leading space" },
		{ "::feed%ge0", TOKEN_MALFORMED, "zone index" },
		{ "::zz", TOKEN_MALFORMED, "bad hex" },
		{ "192.0.2.1", TOKEN_MALFORMED, "IPv4" },
		{ "2001::feed", TOKEN_NOT_IID, "a global address" },
		{ "fe80::feed", TOKEN_NOT_IID, "a link-local address" },
		{ "0:0:0:1::feed", TOKEN_NOT_IID, "bit 63 set" },
		{ "8000::", TOKEN_NOT_IID, "bit 0 set" },
		{ "::", TOKEN_ZERO, "::" },
		{ "0:0:0:0:0:0:0:0", TOKEN_ZERO, "all zero, long form" },
	};
	static const struct text_case msgs[] = {
		{ "2001::feed",
		  "token \"2001::feed\" is not an interface ID (first 64 bits must be zero)",
		  "token not an interface ID" },
		{ "::feed/64",
		  "invalid token \"::feed/64\" (expected an interface ID such as ::feed)",
		  "malformed token" },
		{ "::", "token \"::\" is the zero interface ID, which no address has",
		  "zero token" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		result(expect_token(good[i].arg, TOKEN_OK, good[i].iid),
		       "parse good token %s", good[i].arg);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		result(expect_token(bad[i].arg, bad[i].err, NULL),
		       "refuse token: %s", bad[i].what);
	expect_messages(token_message, msgs, ARRAY_SIZE(msgs));
}

static void test_ndproxy(void)
{
	result(parse_ndproxy("off") == NPT6_NDPROXY_OFF &&
	       parse_ndproxy("auto") == NPT6_NDPROXY_AUTO &&
	       parse_ndproxy("all") == NPT6_NDPROXY_ALL,
	       "ndproxy: off, auto and all");
	result(parse_ndproxy("a") < 0 && parse_ndproxy("au") < 0 &&
	       parse_ndproxy("") < 0 && parse_ndproxy("AUTO") < 0 &&
	       parse_ndproxy("on") < 0 && parse_ndproxy("enable") < 0 &&
	       parse_ndproxy("auto ") < 0 && parse_ndproxy("1") < 0,
	       "ndproxy: no abbreviations, no other words");
	result(!strcmp(ndproxy_name(NPT6_NDPROXY_OFF), "off") &&
	       !strcmp(ndproxy_name(NPT6_NDPROXY_AUTO), "auto") &&
	       !strcmp(ndproxy_name(NPT6_NDPROXY_ALL), "all") &&
	       !ndproxy_name(NPT6_NDPROXY_MAX + 1) && !ndproxy_name(255),
	       "ndproxy: names, and none for unknown modes");
}

static void test_mode(void)
{
	result(parse_mode("rfc6296") == NPT6_MODE_RFC6296 &&
	       parse_mode("keep-iid") == NPT6_MODE_KEEP_IID,
	       "mode: rfc6296 and keep-iid");
	result(parse_mode("k") < 0 && parse_mode("keep") < 0 &&
	       parse_mode("rfc") < 0 && parse_mode("") < 0 &&
	       parse_mode("KEEP-IID") < 0 && parse_mode("keep_iid") < 0 &&
	       parse_mode("keepiid") < 0 && parse_mode("rfc6296 ") < 0 &&
	       parse_mode("0") < 0 && parse_mode("1") < 0 &&
	       parse_mode("nptv6") < 0,
	       "mode: no abbreviations, no other words");
	result(!strcmp(mode_name(NPT6_MODE_RFC6296), "rfc6296") &&
	       !strcmp(mode_name(NPT6_MODE_KEEP_IID), "keep-iid") &&
	       !mode_name(NPT6_MODE_MAX + 1) && !mode_name(255),
	       "mode: names, and none for unknown modes");
}

/* @fn(@arg) prints exactly @want. */
static bool expect_output(void (*fn)(FILE *f, const void *arg), const void *arg,
			  const char *want)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);
	bool ok;

	if (!f)
		abort();
	fn(f, arg);
	fclose(f);
	ok = check(!strcmp(got, want), "printed\n%s\nwant\n%s", got, want);
	free(got);
	return ok;
}

static void put_string(FILE *f, const void *arg)
{
	json_put_string(f, arg);
}

static void test_json_strings(void)
{
	static const struct text_case cases[] = {
		{ "ge0", "\"ge0\"", "plain string" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash escaped" },
		{ "\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"", "short escapes" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"",
		  "other control characters as \\u" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "valid UTF-8 kept" },
		{ "a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82",
		  "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\"",
		  "invalid UTF-8 replaced, not passed on" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		result(expect_output(put_string, cases[i].arg, cases[i].want),
		       "json: %s", cases[i].what);
}

/* What nptctl prints: one event, or a list of tunnels or of mappings. */
struct print_case {
	const struct npt6_event *ev;
	const struct npt6_tunnel *tuns;
	const struct npt6_mapping *maps;
	size_t n;
	struct print_opts opts;
};

static void put_case(FILE *f, const void *arg)
{
	const struct print_case *c = arg;

	if (c->ev)
		print_event(f, c->ev, &c->opts);
	else if (c->tuns)
		print_tunnels(f, c->tuns, c->n, &c->opts);
	else
		print_mappings(f, c->maps, c->n, &c->opts);
}

/* The first @n of a list (none for an event), printed with @opts. */
struct print_step {
	size_t n;
	struct print_opts opts;
	const char *want, *what;
};

static void expect_prints(struct print_case *c, const struct print_step *s,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		c->n = s[i].n;
		c->opts = s[i].opts;
		result(expect_output(put_case, c, s[i].want), "%s", s[i].what);
	}
}

#define TEXT		{ 0 }
#define STATS		{ .stats = true }
#define JSON		{ .json = true }
#define JSON_STATS	{ .json = true, .stats = true }
#define PRETTY		{ .json = true, .pretty = true }

#define GE0_TEXT	"fdce:b680:5c56:5::/64 -> 2406:2d40:3084:e000::/64 dev ge0"
#define IF42_TEXT	"fd00::/48 -> 2406::/48 dev if42\n"
#define GE0_JSON \
	"{\"dev\":\"ge0\",\"ifindex\":3,\"internal\":\"fdce:b680:5c56:5::/64\"," \
	"\"external\":\"2406:2d40:3084:e000::/64\",\"prefix_len\":64," \
	"\"external_source\":\"static\",\"active\":true"
/* A mapping the kernel did not report a mode for is an rfc6296 one. */
#define RFC6296_JSON	"\"mode\":\"rfc6296\""
#define ZERO_STATS \
	"{\"packets\":0,\"bytes\":0,\"icmp_inner\":0,\"local\":0," \
	"\"collision\":0,\"drop_unmappable\":0,\"drop_nomem\":0," \
	"\"csum_unknown\":0,\"drop_truncated\":0}"
#define ZERO_TEXT \
	"packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 " \
	"drop_nomem 0 csum_unknown 0 drop_truncated 0\n"
#define NDP_JSON \
	"\"ndp\":{\"ns_seen\":20,\"na_sent\":30,\"ign_local\":40,\"ign_off\":50," \
	"\"ign_unresolved\":60,\"ign_outside\":70,\"drop_malformed\":80,\"ign_budget\":90}"

/* The static mapping that GE0_TEXT and GE0_JSON print. */
static void ge0_mapping(struct npt6_mapping *m)
{
	m->ifindex = 3;
	strcpy(m->ifname, "ge0");
	inet_pton(AF_INET6, "fdce:b680:5c56:5::", &m->int_prefix);
	inet_pton(AF_INET6, "2406:2d40:3084:e000::", &m->ext_prefix);
	m->plen = 64;
	m->active = true;
}

static void test_print(void)
{
	static const struct print_step steps[] = {
		{ 0, TEXT, "", "print: empty table as text is nothing" },
		{ 0, JSON, "[]\n", "print: empty table as JSON is []" },
		{ 0, PRETTY, "[]\n", "print: empty table as pretty JSON is []" },
		{ 2, TEXT, GE0_TEXT "\n" IF42_TEXT, "print: text" },
		{ 2, STATS, GE0_TEXT "\n"
		  "    snpt: packets 2 bytes 3 icmp_inner 4 local 5 collision 6 drop_unmappable 7 drop_nomem 8 csum_unknown 9 drop_truncated 10\n"
		  "    dnpt: packets 102 bytes 103 icmp_inner 104 local 105 collision 106 drop_unmappable 107 drop_nomem 108 csum_unknown 109 drop_truncated 110\n"
		  IF42_TEXT, "print: text with counters" },
		{ 2, JSON, "[" GE0_JSON "," RFC6296_JSON "},"
		  "{\"dev\":\"if42\",\"ifindex\":42,\"internal\":\"fd00::/48\","
		  "\"external\":\"2406::/48\",\"prefix_len\":48,"
		  "\"external_source\":\"static\",\"active\":true,"
		  RFC6296_JSON "}]\n", "print: JSON" },
		{ 1, JSON_STATS, "[" GE0_JSON "," RFC6296_JSON ","
		  "\"stats\":{\"snpt\":{\"packets\":2,\"bytes\":3,\"icmp_inner\":4,"
		  "\"local\":5,\"collision\":6,\"drop_unmappable\":7,\"drop_nomem\":8,"
		  "\"csum_unknown\":9,\"drop_truncated\":10},"
		  "\"dnpt\":{\"packets\":102,\"bytes\":103,\"icmp_inner\":104,"
		  "\"local\":105,\"collision\":106,\"drop_unmappable\":107,"
		  "\"drop_nomem\":108,\"csum_unknown\":109,\"drop_truncated\":110}}}]\n",
		  "print: JSON with counters" },
		{ 1, PRETTY,
		  "[\n"
		  "    {\n"
		  "        \"dev\": \"ge0\",\n"
		  "        \"ifindex\": 3,\n"
		  "        \"internal\": \"fdce:b680:5c56:5::/64\",\n"
		  "        \"external\": \"2406:2d40:3084:e000::/64\",\n"
		  "        \"prefix_len\": 64,\n"
		  "        \"external_source\": \"static\",\n"
		  "        \"active\": true,\n"
		  "        \"mode\": \"rfc6296\"\n"
		  "    }\n"
		  "]\n", "print: pretty JSON" },
	};
	struct npt6_mapping m[2];
	struct print_case c = { .maps = m };
	unsigned int i;

	memset(m, 0, sizeof(m));
	ge0_mapping(&m[0]);
	m[0].has_stats = true;
	for (i = NPT6_DSTATS_PACKETS; i <= NPT6_DSTATS_MAX; i++) {
		m[0].snpt.c[i] = i;
		m[0].dnpt.c[i] = 100 + i;
	}
	m[1].ifindex = 42;	/* no name: printed as "if42" */
	inet_pton(AF_INET6, "fd00::", &m[1].int_prefix);
	inet_pton(AF_INET6, "2406::", &m[1].ext_prefix);
	m[1].plen = 48;
	m[1].active = true;

	expect_prints(&c, steps, ARRAY_SIZE(steps));
}

/* Mappings as the kernel reports them now: auto, inactive, NDP counters. */
static void test_print_auto(void)
{
	static const struct print_step ndp[] = {
		{ 1, STATS, GE0_TEXT " ndproxy auto\n"
		  "    snpt: " ZERO_TEXT
		  "    dnpt: " ZERO_TEXT
		  "    ndp: ns_seen 20 na_sent 30 ign_local 40 ign_off 50 ign_unresolved 60 ign_outside 70 drop_malformed 80 ign_budget 90\n",
		  "print: text with NDP counters" },
		{ 1, JSON_STATS, "[" GE0_JSON ",\"ndproxy\":\"auto\"," RFC6296_JSON ","
		  "\"stats\":{\"snpt\":" ZERO_STATS ",\"dnpt\":" ZERO_STATS ","
		  NDP_JSON "}}]\n", "print: JSON with NDP counters" },
	};
	/* NDP counters alone still make a stats object. */
	static const struct print_step ndp_only[] = {
		{ 1, JSON_STATS, "[" GE0_JSON ",\"ndproxy\":\"auto\"," RFC6296_JSON ","
		  "\"stats\":{" NDP_JSON "}}]\n", "print: JSON with NDP counters only" },
	};
	static const struct print_step autos[] = {
		{ 3, TEXT,
		  "fd00::/64 -> 2406:2d40:3084:e000::/64 dev ge0 auto token ::feed (from 2406:2d40:3084:e000::feed) ndproxy auto\n"
		  "fd00::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy all\n"
		  "fd00::/64 -> 2406:2d40:3084:e000::/64 dev ge0 auto (from 2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b) ndproxy 9\n",
		  "print: text of auto mappings, active and not" },
		{ 3, JSON,
		  "[{\"dev\":\"ge0\",\"ifindex\":3,\"internal\":\"fd00::/64\","
		  "\"external\":\"2406:2d40:3084:e000::/64\",\"prefix_len\":64,"
		  "\"external_source\":\"auto\",\"token\":\"::feed\","
		  "\"external_address\":\"2406:2d40:3084:e000::feed\",\"active\":true,"
		  "\"ndproxy\":\"auto\"," RFC6296_JSON "},"
		  "{\"dev\":\"ge0\",\"ifindex\":3,\"internal\":\"fd00::/64\","
		  "\"external\":null,\"prefix_len\":64,"
		  "\"external_source\":\"auto\",\"token\":\"::feed\",\"active\":false,"
		  "\"ndproxy\":\"all\"," RFC6296_JSON "},"
		  "{\"dev\":\"ge0\",\"ifindex\":3,\"internal\":\"fd00::/64\","
		  "\"external\":\"2406:2d40:3084:e000::/64\",\"prefix_len\":64,"
		  "\"external_source\":\"auto\","
		  "\"external_address\":\"2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b\","
		  "\"active\":true,\"ndproxy\":\"9\"," RFC6296_JSON "}]\n",
		  "print: JSON of auto mappings, active and not" },
	};
	struct npt6_mapping m[4];
	struct print_case c = { .maps = m };
	unsigned int i;

	memset(m, 0, sizeof(m));
	/* Static, Starlink: ndproxy and the NDP counters. */
	ge0_mapping(&m[0]);
	m[0].has_ndproxy = true;
	m[0].ndproxy = NPT6_NDPROXY_AUTO;
	m[0].has_stats = true;
	m[0].has_ndp_stats = true;
	for (i = NPT6_NSTATS_NS_SEEN; i <= NPT6_NSTATS_MAX; i++)
		m[0].ndp.c[i] = 10 * i;
	/* Auto with a token, following its address. */
	m[1] = m[0];
	inet_pton(AF_INET6, "fd00::", &m[1].int_prefix);
	m[1].ext_auto = true;
	m[1].has_token = true;
	inet_pton(AF_INET6, "::feed", &m[1].token);
	m[1].has_ext_addr = true;
	inet_pton(AF_INET6, "2406:2d40:3084:e000::feed", &m[1].ext_addr);
	m[1].has_stats = m[1].has_ndp_stats = false;
	/* The same, before the address has come. */
	m[2] = m[1];
	m[2].active = false;
	m[2].has_ext_addr = false;
	memset(&m[2].ext_prefix, 0, sizeof(m[2].ext_prefix));
	m[2].ndproxy = NPT6_NDPROXY_ALL;
	/* Auto without a token, and a proxy mode from the future. */
	m[3] = m[1];
	m[3].has_token = false;
	inet_pton(AF_INET6, "2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b",
		  &m[3].ext_addr);
	m[3].ndproxy = 9;

	expect_prints(&c, ndp, ARRAY_SIZE(ndp));
	m[0].has_stats = false;
	expect_prints(&c, ndp_only, ARRAY_SIZE(ndp_only));
	c.maps = &m[1];
	expect_prints(&c, autos, ARRAY_SIZE(autos));
}

/*
 * Modes: keep-iid is shown after the proxy mode, in the words of "add";
 * rfc6296, the default, only in JSON, so that a text line reads as it
 * did before there were modes.
 */
static void test_print_mode(void)
{
	static const struct print_step keep[] = {
		{ 2, TEXT, GE0_TEXT " ndproxy auto mode keep-iid\n"
		  GE0_TEXT " ndproxy auto\n", "print: mode keep-iid, text" },
		{ 1, STATS, GE0_TEXT " ndproxy auto mode keep-iid\n"
		  "    snpt: packets 1 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 2 drop_truncated 3\n"
		  "    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 4 drop_truncated 5\n",
		  "print: keep-iid counters, text" },
		{ 2, JSON, "[" GE0_JSON ",\"ndproxy\":\"auto\",\"mode\":\"keep-iid\"},"
		  GE0_JSON ",\"ndproxy\":\"auto\"," RFC6296_JSON "}]\n",
		  "print: mode keep-iid and rfc6296, JSON" },
		{ 1, JSON_STATS, "[" GE0_JSON ",\"ndproxy\":\"auto\",\"mode\":\"keep-iid\","
		  "\"stats\":{\"snpt\":{\"packets\":1,\"bytes\":0,\"icmp_inner\":0,"
		  "\"local\":0,\"collision\":0,\"drop_unmappable\":0,\"drop_nomem\":0,"
		  "\"csum_unknown\":2,\"drop_truncated\":3},"
		  "\"dnpt\":{\"packets\":0,\"bytes\":0,\"icmp_inner\":0,"
		  "\"local\":0,\"collision\":0,\"drop_unmappable\":0,\"drop_nomem\":0,"
		  "\"csum_unknown\":4,\"drop_truncated\":5}}}]\n",
		  "print: keep-iid counters, JSON" },
	};
	/* A mode from the future is its number, as a proxy mode is. */
	static const struct print_step future[] = {
		{ 1, TEXT, GE0_TEXT " ndproxy auto mode 7\n",
		  "print: unknown mode, text" },
		{ 1, JSON, "[" GE0_JSON ",\"ndproxy\":\"auto\",\"mode\":\"7\"}]\n",
		  "print: unknown mode, JSON" },
	};
	struct npt6_mapping m[2];
	struct print_case c = { .maps = m };

	memset(m, 0, sizeof(m));
	ge0_mapping(&m[0]);
	m[0].has_ndproxy = true;
	m[0].ndproxy = NPT6_NDPROXY_AUTO;
	m[0].has_mode = true;
	m[0].mode = NPT6_MODE_KEEP_IID;
	m[0].has_stats = true;
	m[0].snpt.c[NPT6_DSTATS_PACKETS] = 1;
	m[0].snpt.c[NPT6_DSTATS_CSUM_UNKNOWN] = 2;
	m[0].snpt.c[NPT6_DSTATS_DROP_TRUNCATED] = 3;
	m[0].dnpt.c[NPT6_DSTATS_CSUM_UNKNOWN] = 4;
	m[0].dnpt.c[NPT6_DSTATS_DROP_TRUNCATED] = 5;
	m[1] = m[0];
	m[1].mode = NPT6_MODE_RFC6296;
	m[1].has_stats = false;
	expect_prints(&c, keep, ARRAY_SIZE(keep));

	m[0].mode = 7;
	m[0].has_stats = false;
	expect_prints(&c, future, ARRAY_SIZE(future));
}

/* An event about the mapping fd00::/64 on ge0, with ndproxy off. */
#define EVENT_JSON(event, ext, source, active)				\
	"{\"event\":\"" event "\",\"mapping\":{\"dev\":\"ge0\",\"ifindex\":3,"	\
	"\"internal\":\"fd00::/64\",\"external\":" ext ",\"prefix_len\":64,"	\
	"\"external_source\":\"" source "\",\"active\":" active		\
	",\"ndproxy\":\"off\"," RFC6296_JSON "}"

static void test_print_events(void)
{
	static const struct print_step add_del[] = {
		{ 0, TEXT, "add fd00::/64 -> 2406:1::/64 dev ge0 ndproxy off\n",
		  "event: add, text" },
		{ 0, STATS, "add fd00::/64 -> 2406:1::/64 dev ge0 ndproxy off\n"
		  "    ndp: ns_seen 5 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 0 ign_budget 0\n",
		  "event: add, text with counters" },
	};
	static const struct print_step del[] = {
		{ 0, TEXT, "del fd00::/64 -> 2406:1::/64 dev ge0 ndproxy off\n",
		  "event: del, text" },
		{ 0, JSON, EVENT_JSON("del", "\"2406:1::/64\"", "static", "true") "}\n",
		  "event: del, JSON" },
	};
	static const struct print_step change[] = {
		{ 0, TEXT, "change fd00::/64 dev ge0: 2406:1::/64 -> 2406:2::/64\n",
		  "event: change, text" },
		{ 0, JSON, EVENT_JSON("change", "\"2406:2::/64\"", "auto", "true")
		  ",\"old_external\":\"2406:1::/64\"}\n", "event: change, JSON" },
		{ 0, PRETTY,
		  "{\n"
		  "    \"event\": \"change\",\n"
		  "    \"mapping\": {\n"
		  "        \"dev\": \"ge0\",\n"
		  "        \"ifindex\": 3,\n"
		  "        \"internal\": \"fd00::/64\",\n"
		  "        \"external\": \"2406:2::/64\",\n"
		  "        \"prefix_len\": 64,\n"
		  "        \"external_source\": \"auto\",\n"
		  "        \"active\": true,\n"
		  "        \"ndproxy\": \"off\",\n"
		  "        \"mode\": \"rfc6296\"\n"
		  "    },\n"
		  "    \"old_external\": \"2406:1::/64\"\n"
		  "}\n", "event: change, pretty JSON" },
	};
	static const struct print_step to_inactive[] = {
		{ 0, JSON, EVENT_JSON("change", "null", "auto", "false")
		  ",\"old_external\":\"2406:1::/64\"}\n",
		  "event: change to inactive, JSON" },
		{ 0, TEXT, "change fd00::/64 dev ge0: 2406:1::/64 -> inactive\n",
		  "event: change to inactive, text" },
	};
	static const struct print_step from_inactive[] = {
		{ 0, TEXT, "change fd00::/64 dev ge0: inactive -> 2406:2::/64\n",
		  "event: change from inactive, text" },
		{ 0, JSON, EVENT_JSON("change", "\"2406:2::/64\"", "auto", "true")
		  ",\"old_external\":null}\n", "event: change from inactive, JSON" },
	};
	/* The mode is part of the mapping an add or del event shows. */
	static const struct print_step keep_iid[] = {
		{ 0, TEXT, "add fd00::/64 -> 2406:2::/64 dev ge0 ndproxy off mode keep-iid\n",
		  "event: add of a keep-iid mapping, text" },
		{ 0, JSON, "{\"event\":\"add\",\"mapping\":{\"dev\":\"ge0\",\"ifindex\":3,"
		  "\"internal\":\"fd00::/64\",\"external\":\"2406:2::/64\",\"prefix_len\":64,"
		  "\"external_source\":\"static\",\"active\":true,\"ndproxy\":\"off\","
		  "\"mode\":\"keep-iid\"}}\n", "event: add of a keep-iid mapping, JSON" },
	};
	static const struct print_step not_event[] = {
		{ 0, JSON, "", "event: not an event prints nothing" },
	};
	static const struct print_step unknown[] = {
		{ 0, TEXT, "", "event: unknown command prints nothing" },
	};
	struct npt6_event ev;
	struct print_case c = { .ev = &ev };
	struct npt6_mapping *m = &ev.map;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = NPT6_CMD_MAP_ADD;
	m->ifindex = 3;
	strcpy(m->ifname, "ge0");
	inet_pton(AF_INET6, "fd00::", &m->int_prefix);
	inet_pton(AF_INET6, "2406:1::", &m->ext_prefix);
	m->plen = 64;
	m->active = true;
	m->has_ndproxy = true;
	m->ndproxy = NPT6_NDPROXY_OFF;
	m->has_ndp_stats = true;
	m->ndp.c[NPT6_NSTATS_NS_SEEN] = 5;
	expect_prints(&c, add_del, ARRAY_SIZE(add_del));

	ev.cmd = NPT6_CMD_MAP_DEL;
	expect_prints(&c, del, ARRAY_SIZE(del));

	m->ext_auto = true;
	ev.cmd = NPT6_CMD_MAP_CHANGE;
	inet_pton(AF_INET6, "2406:2::", &m->ext_prefix);
	ev.has_old_ext = true;
	inet_pton(AF_INET6, "2406:1::", &ev.old_ext_prefix);
	expect_prints(&c, change, ARRAY_SIZE(change));

	m->active = false;
	memset(&m->ext_prefix, 0, sizeof(m->ext_prefix));
	expect_prints(&c, to_inactive, ARRAY_SIZE(to_inactive));

	m->active = true;
	inet_pton(AF_INET6, "2406:2::", &m->ext_prefix);
	ev.has_old_ext = false;
	expect_prints(&c, from_inactive, ARRAY_SIZE(from_inactive));

	ev.cmd = NPT6_CMD_MAP_ADD;
	m->ext_auto = false;
	m->has_mode = true;
	m->mode = NPT6_MODE_KEEP_IID;
	expect_prints(&c, keep_iid, ARRAY_SIZE(keep_iid));

	ev.cmd = NPT6_CMD_MAP_GET;
	expect_prints(&c, not_event, ARRAY_SIZE(not_event));
	ev.cmd = NPT6_CMD_MAX + 1;
	expect_prints(&c, unknown, ARRAY_SIZE(unknown));
}

/* Tunnels -------------------------------------------------------------- */

static void test_numbers(void)
{
	static const struct {
		const char *arg;
		uint32_t min, max, want;
	} good[] = {
		{ "0", 0, 255, 0 },
		{ "255", 0, 255, 255 },
		{ "1460", 68, 65487, 1460 },
		{ "68", 68, 65487, 68 },
		{ "65487", 68, 65487, 65487 },
		{ "0x20", 0, 255, 0x20 },
		{ "0XfF", 0, 255, 255 },
		{ "0xfffff", 0, 0xfffff, 0xfffff },
		{ "010", 0, 255, 10 },		/* decimal, not octal */
		{ "0x0", 0, 255, 0 },
		{ "4294967295", 0, 0xffffffff, 0xffffffff },
	};
	static const struct {
		const char *arg;
		uint32_t min, max;
		const char *what;
	} bad[] = {
		{ "", 0, 255, "empty" },
		{ "256", 0, 255, "above the range" },
		{ "67", 68, 65487, "below the range" },
		{ "65488", 68, 65487, "mtu above 65487" },
		{ "0x100", 0, 255, "hex above the range" },
		{ "0x100000", 0, 0xfffff, "flow label of 21 bits" },
		{ "-1", 0, 255, "negative" },
		{ "+1", 0, 255, "plus sign" },
		{ " 1", 0, 255, "leading space" },
		{ "1 ", 0, 255, "trailing space" },
		{ "0x", 0, 255, "0x without digits" },
		{ "1e3", 0, 2000, "exponent" },
		{ "12a", 0, 255, "hex digits without 0x" },
		{ "0x-1", 0, 255, "0x and a sign" },
		{ "4294967296", 0, 0xffffffff, "beyond 32 bits" },
		{ "99999999999999999999", 0, 0xffffffff, "beyond 64 bits" },
		{ "0x10000000000000000", 0, 0xffffffff, "hex beyond 64 bits" },
		{ "auto", 0, 255, "a word" },
	};
	uint32_t v;
	size_t i;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		v = 12345;
		ok = parse_number(good[i].arg, good[i].min, good[i].max, &v) == 0;
		result(check(ok && v == good[i].want,
			     "parse_number(\"%s\") = %u, want %u", good[i].arg,
			     v, good[i].want),
		       "number: %s in %u..%u", good[i].arg, good[i].min,
		       good[i].max);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		result(check(parse_number(bad[i].arg, bad[i].min, bad[i].max,
					  &v) < 0,
			     "parse_number(\"%s\") accepted", bad[i].arg),
		       "number refused: %s", bad[i].what);
}

static void test_ifnames(void)
{
	result(valid_ifname("t0") && valid_ifname("sit1") &&
	       valid_ifname("vlan1000") && valid_ifname("a") &&
	       valid_ifname("abcdefghijklmno") && valid_ifname("tun-1.2_x") &&
	       valid_ifname("..."),
	       "ifname: ordinary names, 15 bytes at most");
	result(!valid_ifname("") && !valid_ifname("abcdefghijklmnop") &&
	       !valid_ifname(".") && !valid_ifname("..") &&
	       !valid_ifname("a/b") && !valid_ifname("a:b") &&
	       !valid_ifname("a b") && !valid_ifname("a\tb") &&
	       !valid_ifname("ab\n"),
	       "ifname: what dev_valid_name() refuses");
}

static void test_unicast(void)
{
	static const struct {
		const char *arg;
		enum unicast_error want;
	} cases[] = {
		{ "2404:8e00::feed:140", UNICAST_OK },
		{ "2001:db8::1", UNICAST_OK },
		{ "fe80::1", UNICAST_OK },
		{ "fd00::1", UNICAST_OK },
		{ "::1", UNICAST_OK },
		{ "::", UNICAST_NOT_UNICAST },
		{ "ff02::1", UNICAST_NOT_UNICAST },
		{ "ff0e::101", UNICAST_NOT_UNICAST },
		{ "::ffff:192.0.2.1", UNICAST_NOT_UNICAST },
		{ "x", UNICAST_MALFORMED },
		{ "", UNICAST_MALFORMED },
		{ "192.0.2.1", UNICAST_MALFORMED },
		{ "2001:db8::1/64", UNICAST_MALFORMED },
		{ "2001:db8::1%eth0", UNICAST_MALFORMED },
		{ " 2001:db8::1", UNICAST_MALFORMED },
		{ "auto", UNICAST_MALFORMED },
	};
	struct in6_addr a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum unicast_error got = parse_unicast(cases[i].arg, &a);

		result(check(got == cases[i].want,
			     "parse_unicast(\"%s\") = %d, want %d",
			     cases[i].arg, got, cases[i].want),
		       "endpoint \"%s\"", cases[i].arg);
	}
}

/* A tunnel as the kernel reports one: every setting, at its default. */
static void kernel_tunnel(struct npt6_tunnel *t, uint32_t ifindex,
			  const char *name, const char *dev)
{
	memset(t, 0, sizeof(*t));
	t->ifindex = ifindex;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->is_npt6 = true;
	t->has_mtu = true;
	t->mtu = 1460;
	t->has_link = true;
	t->link = 4;
	snprintf(t->link_name, sizeof(t->link_name), "%s", dev);
	t->has_remote = true;
	inet_pton(AF_INET6, "2404:8e00::feed:140", &t->remote);
	t->has_hoplimit = true;
	t->hoplimit = 64;
	t->has_tclass = true;
	t->tclass = NPT6_TNL_INHERIT;
	t->has_flowlabel = true;
	t->flowlabel = NPT6_TNL_INHERIT;
	t->has_encaplimit = true;
	t->encaplimit = NPT6_TNL_ENCAPLIMIT_NONE;
	t->has_mss = true;
	t->mss = NPT6_TNL_MSS_AUTO;
	t->has_fastpath = true;
	t->fastpath = NPT6_TNL_DEFAULT_FASTPATH;
}

#define T0_TEXT "t0: remote 2404:8e00::feed:140 local auto token ::feed (now 2400:1:2:3::feed) dev vlan1000 mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none fastpath off\n"
#define T1_TEXT "t1: remote 2404:8e00::feed:140 local auto (no address yet) dev if99 mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none\n"
#define TUN1_TEXT "tun1: remote 2001:db8:2::7 local 2001:db8:1::c53b dev ge0 mtu 1400 mss off hoplimit 255 tclass 0xb8 flowlabel 0x12345 encaplimit 4 fastpath on\n"

static void test_print_tunnels(void)
{
	static const struct print_step three[] = {
		{ 3, TEXT, T0_TEXT T1_TEXT TUN1_TEXT,
		  "tunnels: text, active and inactive auto, static; fastpath off, unreported, on" },
		{ 3, STATS, T0_TEXT
		  "    rx: packets 1 bytes 2 errors 3 dropped 4  tx: packets 5 bytes 6 errors 7 dropped 8 carrier 9\n"
		  T1_TEXT TUN1_TEXT, "tunnels: text with counters where there are some" },
		{ 3, JSON_STATS,
		  "[{\"name\":\"t0\",\"ifindex\":7,\"remote\":\"2404:8e00::feed:140\",\"local\":null,\"local_auto\":true,\"token\":\"::feed\",\"active_local\":\"2400:1:2:3::feed\",\"dev\":\"vlan1000\",\"mtu\":1460,\"mss\":\"auto\",\"hoplimit\":64,\"tclass\":\"inherit\",\"flowlabel\":\"inherit\",\"encaplimit\":\"none\",\"fastpath\":false,\"stats\":{\"rx\":{\"packets\":1,\"bytes\":2,\"errors\":3,\"dropped\":4},\"tx\":{\"packets\":5,\"bytes\":6,\"errors\":7,\"dropped\":8,\"carrier\":9}}},"
		  "{\"name\":\"t1\",\"ifindex\":8,\"remote\":\"2404:8e00::feed:140\",\"local\":null,\"local_auto\":true,\"token\":null,\"active_local\":null,\"dev\":\"if99\",\"mtu\":1460,\"mss\":\"auto\",\"hoplimit\":64,\"tclass\":\"inherit\",\"flowlabel\":\"inherit\",\"encaplimit\":\"none\"},"
		  "{\"name\":\"tun1\",\"ifindex\":9,\"remote\":\"2001:db8:2::7\",\"local\":\"2001:db8:1::c53b\",\"local_auto\":false,\"token\":null,\"active_local\":\"2001:db8:1::c53b\",\"dev\":\"ge0\",\"mtu\":1400,\"mss\":\"off\",\"hoplimit\":255,\"tclass\":184,\"flowlabel\":74565,\"encaplimit\":4,\"fastpath\":true}]\n",
		  "tunnels: JSON, numbers and words, null where absent, no fastpath from an older module" },
	};
	static const struct print_step mss[] = {
		{ 1, PRETTY,
		  "[\n"
		  "    {\n"
		  "        \"name\": \"t0\",\n"
		  "        \"ifindex\": 7,\n"
		  "        \"remote\": \"2404:8e00::feed:140\",\n"
		  "        \"local\": null,\n"
		  "        \"local_auto\": true,\n"
		  "        \"token\": \"::feed\",\n"
		  "        \"active_local\": \"2400:1:2:3::feed\",\n"
		  "        \"dev\": \"vlan1000\",\n"
		  "        \"mtu\": 1460,\n"
		  "        \"mss\": 1420,\n"
		  "        \"hoplimit\": 64,\n"
		  "        \"tclass\": \"inherit\",\n"
		  "        \"flowlabel\": \"inherit\",\n"
		  "        \"encaplimit\": \"none\",\n"
		  "        \"fastpath\": false\n"
		  "    }\n"
		  "]\n", "tunnels: pretty JSON, mss as a number" },
		{ 0, PRETTY, "[]\n", "tunnels: none, JSON" },
		{ 0, TEXT, "", "tunnels: none, text" },
	};
	struct npt6_tunnel t[3];
	struct print_case c = { .tuns = t };

	/* Transix (S3): auto with ::feed, following its address. */
	kernel_tunnel(&t[0], 7, "t0", "vlan1000");
	t[0].local_auto = true;
	t[0].has_token = true;
	inet_pton(AF_INET6, "::feed", &t[0].token);
	t[0].has_active_local = true;
	inet_pton(AF_INET6, "2400:1:2:3::feed", &t[0].active_local);
	t[0].has_stats = true;
	t[0].stats = (struct npt6_tnl_stats){ 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	/* The same before RA: no address yet, and no token either. */
	kernel_tunnel(&t[1], 8, "t1", "");
	t[1].link = 99;
	t[1].local_auto = true;
	/* From a module older than fastpath, which reports none. */
	t[1].has_fastpath = false;
	/* Site to site (S4): fixed ends, everything set by hand. */
	kernel_tunnel(&t[2], 9, "tun1", "ge0");
	inet_pton(AF_INET6, "2001:db8:2::7", &t[2].remote);
	t[2].has_local = true;
	inet_pton(AF_INET6, "2001:db8:1::c53b", &t[2].local);
	t[2].has_active_local = true;
	t[2].active_local = t[2].local;
	t[2].mtu = 1400;
	t[2].mss = 0;
	t[2].hoplimit = 255;
	t[2].tclass = 0xb8;
	t[2].flowlabel = 0x12345;
	t[2].encaplimit = 4;
	t[2].fastpath = 1;

	expect_prints(&c, three, ARRAY_SIZE(three));
	t[0].mss = 1420;
	expect_prints(&c, mss, ARRAY_SIZE(mss));
}

int main(void)
{
	test_good();
	test_lengths();
	test_bad();
	test_messages();
	test_mask_ntop();
	test_keywords();
	test_json_strings();
	test_tokens();
	test_ndproxy();
	test_mode();
	test_print();
	test_print_auto();
	test_print_mode();
	test_print_events();
	test_numbers();
	test_ifnames();
	test_unicast();
	test_print_tunnels();
	return failed ? 1 : 0;
}
