// SPDX-License-Identifier: GPL-2.0
/*
 * nptctl tunnel add | change | del | show: npt6's ipip6 tunnels.
 *
 * As with mappings, every word is checked before we open a socket, so that
 * a typo never reaches the kernel and its error names the word.  What only
 * the kernel knows (whether a name is taken, whether a link is one of our
 * tunnels) is asked for; del, change and show of one tunnel first look the
 * name up and refuse a link of any other kind, so that a slip of the
 * finger never deletes or rewrites eth0.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "netns.h"
#include "parse.h"
#include "print.h"
#include "rtnl.h"
#include "command.h"

/* The settings of add and change, in the order they are checked. */
enum {
	TK_REMOTE,
	TK_LOCAL,
	TK_TOKEN,
	TK_MTU,
	TK_MSS,
	TK_HOPLIMIT,
	TK_TCLASS,
	TK_FLOWLABEL,
	TK_ENCAPLIMIT,
	TK_FASTPATH,
	TK_DEV,
	TK_NSETTINGS,
	TK_HELP = TK_NSETTINGS,
};

/* The keywords in full, for messages about their values. */
static const char *const setting_name[TK_NSETTINGS] = {
	[TK_REMOTE]	= "remote",
	[TK_LOCAL]	= "local",
	[TK_TOKEN]	= "token",
	[TK_MTU]	= "mtu",
	[TK_MSS]	= "mss",
	[TK_HOPLIMIT]	= "hoplimit",
	[TK_TCLASS]	= "tclass",
	[TK_FLOWLABEL]	= "flowlabel",
	[TK_ENCAPLIMIT]	= "encaplimit",
	[TK_FASTPATH]	= "fastpath",
	[TK_DEV]	= "dev",
};

/* What a setting's value is, for "missing ... after". */
static const char *const setting_what[TK_NSETTINGS] = {
	[TK_REMOTE]	= "address",
	[TK_LOCAL]	= "address or \"auto\"",
	[TK_TOKEN]	= "interface ID",
	[TK_MTU]	= "MTU",
	[TK_MSS]	= "MSS",
	[TK_HOPLIMIT]	= "hop limit",
	[TK_TCLASS]	= "traffic class",
	[TK_FLOWLABEL]	= "flow label",
	[TK_ENCAPLIMIT]	= "encapsulation limit",
	[TK_FASTPATH]	= "\"on\" or \"off\"",
	[TK_DEV]	= "device name",
};

static const struct keyword setting_keywords[] = {
	{ "remote", TK_REMOTE },
	{ "local", TK_LOCAL },
	{ "token", TK_TOKEN },
	{ "dev", TK_DEV },
	{ "mtu", TK_MTU },
	{ "mss", TK_MSS },
	{ "hoplimit", TK_HOPLIMIT },
	{ "tclass", TK_TCLASS },
	{ "flowlabel", TK_FLOWLABEL },
	{ "encaplimit", TK_ENCAPLIMIT },
	{ "fastpath", TK_FASTPATH },
	{ "help", TK_HELP },
};

/* del and show only name a tunnel. */
static const struct keyword name_keywords[] = {
	{ "help", TK_HELP },
};

#define N_KEYWORDS(t)	(sizeof(t) / sizeof((t)[0]))

/*
 * The numeric settings: a range, and up to two words for special values.
 * The words are values, not keywords, and are not abbreviated.  fastpath
 * is its two words only: no number is in 1..0.
 */
static const struct {
	uint32_t min, max;
	const char *word[2];
	uint32_t word_val[2];
	const char *expected;
} numeric[TK_NSETTINGS] = {
	[TK_MTU] = { NPTCTL_TNL_MTU_MIN, NPTCTL_TNL_MTU_MAX, { NULL }, { 0 },
		     "68..65487" },
	[TK_MSS] = { NPTCTL_TNL_MSS_MIN, NPTCTL_TNL_MSS_MAX,
		     { "auto", "off" }, { NPT6_TNL_MSS_AUTO, 0 },
		     "auto, off or 88..65534" },
	[TK_HOPLIMIT] = { 1, 255, { NULL }, { 0 }, "1..255" },
	[TK_TCLASS] = { 0, 255, { "inherit" }, { NPT6_TNL_INHERIT },
			"inherit or 0..255" },
	[TK_FLOWLABEL] = { 0, 0xfffff, { "inherit" }, { NPT6_TNL_INHERIT },
			   "inherit or 0..0xfffff" },
	[TK_ENCAPLIMIT] = { 0, 255, { "none" }, { NPT6_TNL_ENCAPLIMIT_NONE },
			    "none or 0..255" },
	[TK_FASTPATH] = { 1, 0, { "on", "off" }, { 1, 0 }, "on or off" },
};

static const char usage_add[] =
	"NAME remote ADDR local ADDR|auto [token IID] dev DEV [mtu N] [mss auto|N|off] [hoplimit N] [tclass inherit|N] [flowlabel inherit|N] [encaplimit none|N] [fastpath on|off]";
static const char usage_change[] =
	"NAME [remote ADDR] [local ADDR|auto] [token IID|none] [dev DEV] [mtu N] [mss auto|N|off] [hoplimit N] [tclass inherit|N] [flowlabel inherit|N] [encaplimit none|N] [fastpath on|off]";
static const char usage_del[] = "NAME";
static const char usage_show[] = "[NAME]";

/* The words after "tunnel CMD", sorted out but not yet checked. */
struct tunnel_args {
	const char *name;			/* NULL: not given */
	const char *val[TK_NSETTINGS];		/* NULL: not given */
};

/* Whether @arg is spelled out as one of the keywords of @kw. */
static bool is_keyword(const char *arg, const struct keyword *kw, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(arg, kw[i].name))
			return true;
	return false;
}

/*
 * NAME comes first, then keywords with their values.  A first word that
 * spells a keyword out is no name ("tunnel add remote ..." lacks one); an
 * abbreviation is, so a tunnel may be called "d" or "re".  PARSE_* as
 * in command.h.
 */
static int parse_args(int argc, char *argv[], const struct keyword *kw,
		      size_t nkw, bool need_name, struct tunnel_args *a)
{
	int i = 1, id;

	memset(a, 0, sizeof(*a));
	if (argc > 1 && !is_keyword(argv[1], kw, nkw)) {
		a->name = argv[1];
		i = 2;
	}
	for (; i < argc; i++) {
		id = match_keyword(argv[i], kw, nkw);
		if (id == TK_HELP)
			return PARSE_HELP;
		if (id == KEYWORD_AMBIGUOUS) {
			nptctl_err("ambiguous argument \"%s\"", argv[i]);
			return PARSE_ERROR;
		}
		if (id == KEYWORD_NONE) {
			nptctl_err("unknown argument \"%s\"", argv[i]);
			return PARSE_ERROR;
		}
		if (a->val[id]) {
			nptctl_err("duplicate \"%s\"", argv[i]);
			return PARSE_ERROR;
		}
		if (i + 1 >= argc) {
			nptctl_err("missing %s after \"%s\"", setting_what[id],
				   argv[i]);
			return PARSE_ERROR;
		}
		a->val[id] = argv[++i];
	}
	if (need_name && !a->name) {
		nptctl_err("missing \"NAME\"");
		return PARSE_ERROR;
	}
	return PARSE_OK;
}

/* A numeric setting, or one of its words, into @val. */
static int get_numeric(const struct tunnel_args *a, int id, uint32_t *val)
{
	const char *arg = a->val[id];
	size_t i;

	for (i = 0; i < 2; i++) {
		if (numeric[id].word[i] && !strcmp(arg, numeric[id].word[i])) {
			*val = numeric[id].word_val[i];
			return 0;
		}
	}
	if (parse_number(arg, numeric[id].min, numeric[id].max, val) == 0)
		return 0;
	/* Named as the keyword is spelled in full, even if abbreviated. */
	nptctl_err("invalid %s \"%s\" (expected %s)", setting_name[id], arg,
		   numeric[id].expected);
	return -1;
}

/* The numbers of struct npt6_tunnel that the numeric settings set. */
static const int setting_number[TK_NSETTINGS] = {
	[TK_MTU]	= TN_MTU,
	[TK_MSS]	= TN_MSS,
	[TK_HOPLIMIT]	= TN_HOPLIMIT,
	[TK_TCLASS]	= TN_TCLASS,
	[TK_FLOWLABEL]	= TN_FLOWLABEL,
	[TK_ENCAPLIMIT]	= TN_ENCAPLIMIT,
	[TK_FASTPATH]	= TN_FASTPATH,
};

static int get_endpoint(const char *which, const char *arg,
			struct in6_addr *addr)
{
	switch (parse_unicast(arg, addr)) {
	case UNICAST_OK:
		return 0;
	case UNICAST_NOT_UNICAST:
		nptctl_err("%s address \"%s\" is not a unicast address", which,
			   arg);
		return -1;
	case UNICAST_MALFORMED:
	default:
		nptctl_err("invalid %s address \"%s\"", which, arg);
		return -1;
	}
}

/*
 * Check every setting given in @a, in a fixed order, into @t.  "token
 * none" (change only, with @allow_none) asks for no token: :: on the wire.
 */
static int get_settings(const struct tunnel_args *a, struct npt6_tunnel *t,
			bool allow_none)
{
	static const struct in6_addr zero = IN6ADDR_ANY_INIT;
	enum token_error terr;
	char msg[512];
	uint32_t v;
	int id;

	if (a->val[TK_REMOTE]) {
		if (get_endpoint("remote", a->val[TK_REMOTE], &t->remote))
			return -1;
		t->has_remote = true;
	}
	if (a->val[TK_LOCAL]) {
		if (!strcmp(a->val[TK_LOCAL], "auto")) {
			t->local_auto = true;
		} else {
			if (get_endpoint("local", a->val[TK_LOCAL], &t->local))
				return -1;
			t->has_local = true;
		}
	}
	if (a->val[TK_TOKEN]) {
		if (allow_none && !strcmp(a->val[TK_TOKEN], "none")) {
			t->token = zero;
		} else {
			terr = parse_token(a->val[TK_TOKEN], &t->token);
			if (terr != TOKEN_OK) {
				token_strerror(msg, sizeof(msg), terr,
					       a->val[TK_TOKEN]);
				nptctl_err("%s", msg);
				return -1;
			}
		}
		t->has_token = true;
	}
	/* A token picks among the addresses auto follows; a fixed one has none. */
	if (t->has_local && t->has_token &&
	    memcmp(&t->token, &zero, sizeof(zero))) {
		nptctl_err("token needs \"local auto\"");
		return -1;
	}

	for (id = TK_MTU; id <= TK_FASTPATH; id++) {
		if (!a->val[id])
			continue;
		if (get_numeric(a, id, &v))
			return -1;
		tunnel_set_number(t, setting_number[id], v);
	}
	if (a->val[TK_DEV]) {
		t->link = netns_ifindex(a->val[TK_DEV]);
		if (!t->link)
			return -1;
		t->has_link = true;
	}
	return 0;
}

/*
 * The tunnel called @name, which must be one of ours; reports why not.
 * A name no device can have is unknown without asking.
 */
static int get_tunnel(struct nptctl_rtnl *r, const char *name,
		      struct npt6_tunnel *t)
{
	int err;

	if (!valid_ifname(name)) {
		nptctl_err("unknown device \"%s\"", name);
		return -ENODEV;
	}
	err = rtnl_tunnel_get(r, name, t);
	if (err < 0)
		return err;
	if (!t->is_npt6) {
		nptctl_err("\"%s\" is not an npt6 tunnel", name);
		return -EINVAL;
	}
	return 0;
}

/* add: NAME and the settings it needs, into c->t. */
static int parse_add(int argc, char *argv[], struct command *c)
{
	struct tunnel_args a;
	int ret;

	ret = parse_args(argc, argv, setting_keywords,
			 N_KEYWORDS(setting_keywords), true, &a);
	if (ret != PARSE_OK)
		return ret;
	if (!valid_ifname(a.name)) {
		nptctl_err("invalid tunnel name \"%s\" (1 to %d characters, no \"/\", \":\" or spaces)",
			   a.name, IF_NAMESIZE - 1);
		return PARSE_ERROR;
	}
	if (!a.val[TK_REMOTE]) {
		nptctl_err("missing \"remote ADDR\"");
		return PARSE_ERROR;
	}
	if (!a.val[TK_LOCAL]) {
		nptctl_err("missing \"local ADDR|auto\"");
		return PARSE_ERROR;
	}
	if (!a.val[TK_DEV]) {
		nptctl_err("missing \"dev DEV\"");
		return PARSE_ERROR;
	}
	snprintf(c->t.name, sizeof(c->t.name), "%s", a.name);
	return get_settings(&a, &c->t, false) ? PARSE_ERROR : PARSE_OK;
}

/* change: NAME as typed, and at least one setting into c->t. */
static int parse_change(int argc, char *argv[], struct command *c)
{
	struct tunnel_args a;
	int ret, i;

	ret = parse_args(argc, argv, setting_keywords,
			 N_KEYWORDS(setting_keywords), true, &a);
	if (ret != PARSE_OK)
		return ret;
	for (i = 0; i < TK_NSETTINGS && !a.val[i]; i++)
		;
	if (i == TK_NSETTINGS) {
		nptctl_err("nothing to change (try \"nptctl tunnel change help\")");
		return PARSE_ERROR;
	}
	c->name = a.name;
	return get_settings(&a, &c->t, true) ? PARSE_ERROR : PARSE_OK;
}

/* del and show: NAME only, which del needs. */
static int parse_name(int argc, char *argv[], struct command *c)
{
	struct tunnel_args a;
	int ret;

	ret = parse_args(argc, argv, name_keywords, N_KEYWORDS(name_keywords),
			 c->sc->op == CMD_TNL_DEL, &a);
	c->name = a.name;
	return ret;
}

/*
 * help: PARSE_OK, so that batch mode can refuse it by name; a word after
 * it is kept for the run to refuse.
 */
static int parse_help(int argc, char *argv[], struct command *c)
{
	c->name = argc > 1 ? argv[1] : NULL;
	return PARSE_OK;
}

/*
 * The commands that talk to the kernel, each on the socket tunnel_run()
 * opened: 0, or a negative errno (reported).
 */
static int do_add(struct nptctl_rtnl *r, const struct command *c,
		  const struct nptctl_opts *opts)
{
	(void)opts;
	return rtnl_tunnel_add(r, &c->t);
}

/*
 * A module older than fastpath reports none, and would ignore the
 * attribute: its tunnels have it off, and cannot have it on.
 */
int tunnel_fastpath_check(struct npt6_tunnel *t, const struct npt6_tunnel *cur)
{
	if (!t->has_fastpath || cur->has_fastpath)
		return 0;
	if (t->fastpath) {
		nptctl_err("the npt6 module is too old for fastpath");
		return -EINVAL;
	}
	t->has_fastpath = false;
	return 0;
}

int tunnel_change_check(struct npt6_tunnel *t, const struct npt6_tunnel *cur)
{
	static const struct in6_addr zero = IN6ADDR_ANY_INIT;
	bool want_auto;

	/* Whether the tunnel will follow an address, to check a token by. */
	want_auto = t->local_auto || (!t->has_local && cur->local_auto);
	if (t->has_token && !want_auto &&
	    memcmp(&t->token, &zero, sizeof(zero))) {
		nptctl_err("token needs \"local auto\"");
		return -EINVAL;
	}
	if (tunnel_fastpath_check(t, cur) < 0)
		return -EINVAL;
	/*
	 * A fixed local address ends auto and with it the token, which the
	 * kernel would otherwise refuse to keep (and not roll back).
	 */
	if (t->has_local && cur->has_token && !t->has_token) {
		t->has_token = true;
		t->token = zero;
	}
	return 0;
}

void tunnel_apply(struct npt6_tunnel *t, const struct npt6_tunnel *req)
{
	static const struct in6_addr zero = IN6ADDR_ANY_INIT;
	uint32_t v;
	int id;

	if (req->has_link) {
		t->link = req->link;
		t->link_name[0] = '\0';
	}
	if (req->has_remote)
		t->remote = req->remote;
	if (req->has_local) {
		t->has_local = true;
		t->local = req->local;
		t->local_auto = false;
	} else if (req->local_auto) {
		t->has_local = false;
		t->local_auto = true;
	}
	if (req->has_token) {
		t->has_token = !!memcmp(&req->token, &zero, sizeof(zero));
		t->token = req->token;
	}
	for (id = 0; id < TN_COUNT; id++)
		if (tunnel_get_number(req, id, &v))
			tunnel_set_number(t, id, v);
}

bool tunnel_diff(const struct npt6_tunnel *want,
		 const struct npt6_tunnel *cur, struct npt6_tunnel *req)
{
	static const struct in6_addr zero = IN6ADDR_ANY_INIT;
	const struct in6_addr *wt = want->has_token ? &want->token : &zero;
	const struct in6_addr *ct = cur->has_token ? &cur->token : &zero;
	uint32_t w, c;
	bool any = false;
	int id;

	memset(req, 0, sizeof(*req));
	req->ifindex = cur->ifindex;
	snprintf(req->name, sizeof(req->name), "%s", cur->name);

	if (want->link != cur->link) {
		req->has_link = true;
		req->link = want->link;
		any = true;
	}
	if (memcmp(&want->remote, &cur->remote, sizeof(want->remote))) {
		req->has_remote = true;
		req->remote = want->remote;
		any = true;
	}
	if (want->local_auto != cur->local_auto ||
	    (!want->local_auto &&
	     memcmp(&want->local, &cur->local, sizeof(want->local)))) {
		req->local_auto = want->local_auto;
		req->has_local = !want->local_auto;
		req->local = want->local;
		any = true;
	}
	/* "No token" is :: on the wire, which also ends auto's token. */
	if (memcmp(wt, ct, sizeof(*wt))) {
		req->has_token = true;
		req->token = *wt;
		any = true;
	}
	/*
	 * A number the tunnel wants that it has not, or not so.  A module
	 * older than fastpath reports none and has it off.
	 */
	for (id = 0; id < TN_COUNT; id++) {
		if (!tunnel_get_number(want, id, &w))
			continue;
		if (tunnel_get_number(cur, id, &c) ? w == c :
		    id == TN_FASTPATH && w == NPT6_TNL_DEFAULT_FASTPATH)
			continue;
		tunnel_set_number(req, id, w);
		any = true;
	}
	return any;
}

static int do_change(struct nptctl_rtnl *r, const struct command *c,
		     const struct nptctl_opts *opts)
{
	struct npt6_tunnel t = c->t, cur;
	int ret;

	(void)opts;
	ret = get_tunnel(r, c->name, &cur);
	if (ret == 0)
		ret = tunnel_change_check(&t, &cur);
	if (ret < 0)
		return ret;
	t.ifindex = cur.ifindex;
	snprintf(t.name, sizeof(t.name), "%s", cur.name);
	return rtnl_tunnel_change(r, &t);
}

static int do_del(struct nptctl_rtnl *r, const struct command *c,
		  const struct nptctl_opts *opts)
{
	struct npt6_tunnel t;
	int ret;

	(void)opts;
	ret = get_tunnel(r, c->name, &t);
	return ret < 0 ? ret : rtnl_tunnel_del(r, &t);
}

static int do_show(struct nptctl_rtnl *r, const struct command *c,
		   const struct nptctl_opts *opts)
{
	struct npt6_tunnel *tuns = NULL, one;
	struct print_opts popts;
	size_t n = 0;
	int ret;

	if (c->name) {
		ret = get_tunnel(r, c->name, &one);
		tuns = &one;
		n = 1;
	} else {
		ret = rtnl_tunnel_dump(r, &tuns, &n);
	}
	if (ret < 0)
		return ret;

	/* Gathered first, printed after: a failed dump prints no half list. */
	command_print_opts(&popts, opts);
	print_tunnels(stdout, tuns, n, &popts);
	if (tuns != &one)
		free(tuns);
	return nptctl_flush_stdout();
}

/* The run of every tunnel command but help: one socket, and do_*(). */
static int tunnel_run(const struct command *c, const struct nptctl_opts *opts)
{
	static int (*const fn[])(struct nptctl_rtnl *r,
				 const struct command *c,
				 const struct nptctl_opts *opts) = {
		[CMD_TNL_ADD]		= do_add,
		[CMD_TNL_CHANGE]	= do_change,
		[CMD_TNL_DEL]		= do_del,
		[CMD_TNL_SHOW]		= do_show,
	};
	struct nptctl_rtnl *r = rtnl_open();
	int ret;

	if (!r)
		return 1;
	ret = fn[c->sc->op](r, c, opts);
	rtnl_close(r);
	return ret < 0;
}

static int tunnel_help_run(const struct command *c,
			   const struct nptctl_opts *opts);

#define T_ENTRY(name, op, parse, run, args) \
	{ name, op, parse, run, "tunnel ", args, NULL }

/* The tunnel commands, as nptctl_commands are the top level's. */
static const struct subcommand tunnel_commands[] = {
	T_ENTRY("add", CMD_TNL_ADD, parse_add, tunnel_run, usage_add),
	T_ENTRY("change", CMD_TNL_CHANGE, parse_change, tunnel_run,
		usage_change),
	T_ENTRY("del", CMD_TNL_DEL, parse_name, tunnel_run, usage_del),
	T_ENTRY("delete", CMD_TNL_DEL, parse_name, tunnel_run, NULL),
	T_ENTRY("show", CMD_TNL_SHOW, parse_name, tunnel_run, usage_show),
	T_ENTRY("list", CMD_TNL_SHOW, parse_name, tunnel_run, NULL),
	T_ENTRY("ls", CMD_TNL_SHOW, parse_name, tunnel_run, NULL),
	T_ENTRY("help", CMD_TNL_HELP, parse_help, tunnel_help_run, NULL),
};

#define N_TUNNEL_COMMANDS	N_KEYWORDS(tunnel_commands)
#define TUNNEL_SHOW_ENTRY	(&tunnel_commands[4])

static int tunnel_help_run(const struct command *c,
			   const struct nptctl_opts *opts)
{
	size_t i;

	(void)opts;
	if (c->name) {
		nptctl_err("unknown argument \"%s\"", c->name);
		return 1;
	}
	for (i = 0; i < N_TUNNEL_COMMANDS; i++)
		if (tunnel_commands[i].args)
			printf("%s nptctl [OPTIONS] tunnel %s %s\n",
			       i ? "      " : "Usage:", tunnel_commands[i].name,
			       tunnel_commands[i].args);
	fputs("\n"
	      "  An ipip6 tunnel (IPv4 in IPv6, RFC 2473) to ADDR over DEV.  local auto\n"
	      "  follows DEV's global address (the one with interface ID IID if given).\n"
	      "  Defaults: mtu DEV's less 40, mss auto (mtu - 40), hoplimit 64, tclass\n"
	      "  and flowlabel inherit, encaplimit none, fastpath off.  fastpath on\n"
	      "  takes the outer packets past most of the IPv6 stack (see nptctl(8)).\n"
	      "  Numbers are decimal, or hexadecimal after 0x.  delete is an alias of\n"
	      "  del, list and ls of show.\n",
	      stdout);
	return 0;
}

int tunnel_parse(int argc, char *argv[], struct command *c)
{
	const struct subcommand *sc;
	int err;

	memset(&c->t, 0, sizeof(c->t));
	c->name = NULL;
	/* "nptctl tunnel" alone lists them, as "ip tunnel" does. */
	if (argc < 2) {
		c->sc = TUNNEL_SHOW_ENTRY;
		return PARSE_OK;
	}
	sc = subcommand_find(tunnel_commands, N_TUNNEL_COMMANDS, argv[1],
			     &err);
	if (!sc) {
		if (err == KEYWORD_AMBIGUOUS)
			nptctl_err("ambiguous tunnel command \"%s\"", argv[1]);
		else
			nptctl_err("unknown tunnel command \"%s\" (try \"nptctl tunnel help\")",
				   argv[1]);
		return PARSE_ERROR;
	}
	c->sc = sc;
	return sc->parse(argc - 1, argv + 1, c);
}
