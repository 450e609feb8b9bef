// SPDX-License-Identifier: GPL-2.0
/*
 * nptctl -b FILE: a file of nptctl commands, applied all or nothing.
 *
 * A batch file is a configuration (the systemd unit applies one at boot
 * and again on reload), so we read it as a description of the state we
 * want rather than as a script to replay:
 *
 *   1. Every line is parsed, with the command line's own parsers, before
 *      anything else happens; a mistake stops us with "FILE:LINE: ...".
 *   2. We dump the mappings and npt6 tunnels there are now, and run the
 *      lines on that model: what we get is the state the file asks for.
 *      Lines that cannot apply to it (a change of a tunnel that does not
 *      exist, a name taken by another kind of link) stop us here, still
 *      with nothing changed.
 *   3. We send only the difference between the two states.  Applying the
 *      same file again therefore sends nothing at all, and a mapping that
 *      stays keeps its counters even when the file says "flush" first.
 *   4. Should the kernel refuse a request, we undo the ones it accepted,
 *      newest first, so that the state is the one we started from.
 *
 * Between our dump and our last request, someone else may change the
 * table too; we do not lock it against them, as no other tool does.
 */

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "genl.h"
#include "parse.h"
#include "rtnl.h"
#include "command.h"
#include "list.h"

/* One command of the file, parsed; c.sc->op says which. */
struct line {
	unsigned int no;
	struct command c;	/* tunnel change, del: the name in c.t.name */
};

/* A mapping or tunnel of the state we want, and the line it comes from. */
/* Each starts with its mapping or tunnel: find() relies on it. */
struct want_map {
	struct npt6_mapping m;
	unsigned int line;		/* 0: as it is now */
};

struct want_tnl {
	struct npt6_tunnel t;
	unsigned int line;
};

/*
 * The requests that take the kernel from what is to what we want, in the
 * order they are sent: what goes, before what comes, so that a prefix or
 * a name is free by the time it is taken again.
 */
enum op_kind {
	OP_MAP_DEL, OP_TNL_DEL, OP_TNL_CHANGE, OP_TNL_ADD, OP_MAP_CHANGE,
	OP_MAP_ADD
};

struct op {
	enum op_kind kind;
	unsigned int line;		/* the line that asked for it */
	struct npt6_mapping m;		/* MAP_DEL: all of it, to re-add */
	struct npt6_mapping m_undo;	/* MAP_CHANGE: as it was */
	struct npt6_tunnel t;		/* TNL_DEL: all of it; else the request */
	struct npt6_tunnel undo;	/* TNL_CHANGE: the request back */
};

struct batch {
	const char *file;		/* as named in messages */
	char where[512];

	struct list lines;		/* struct line */
	bool need_genl, need_rtnl;
	struct nptctl_genl *g;
	struct nptctl_rtnl *r;

	/* What there is now, and which line (if any) did away with it. */
	struct npt6_mapping *cur_maps;
	size_t ncur_maps;
	unsigned int *map_gone;
	struct npt6_tunnel *cur_tnls;
	size_t ncur_tnls;
	unsigned int *tnl_gone;

	/* What the file asks for: struct want_map, struct want_tnl. */
	struct list want_maps, want_tnls;

	struct list ops;		/* struct op */
};

/* Item @i of list @l, of @type. */
#define ITEM(l, type, i)	(&((type *)(l)->items)[i])
#define WANT_MAP(b, i)		ITEM(&(b)->want_maps, struct want_map, i)
#define WANT_TNL(b, i)		ITEM(&(b)->want_tnls, struct want_tnl, i)
#define OP(b, i)		ITEM(&(b)->ops, struct op, i)

/* Messages from here on are about line @no of the file (0: the file). */
static void at_line(struct batch *b, unsigned int no)
{
	if (no)
		snprintf(b->where, sizeof(b->where), "%s:%u", b->file, no);
	else
		snprintf(b->where, sizeof(b->where), "%s", b->file);
	nptctl_err_where(b->where);
}

/* list_push(), reporting a failure. */
static void *push(struct list *l)
{
	void *item = list_push(l);

	if (!item)
		nptctl_err("Unable to allocate memory: %s", strerror(ENOMEM));
	return item;
}

/* Parsing --------------------------------------------------------------- */

/*
 * Split @s into @words at white space, in place, up to a word that starts
 * with '#', and end them with a NULL as an argv is.  Quotes mean nothing:
 * no word nptctl takes has a space.  The number of words, or -1.
 */
static int split_words(char *s, struct list *words)
{
	const char *sep = " \t\r\n\v\f";
	char *w, *save = NULL, **slot;

	words->n = 0;
	for (w = strtok_r(s, sep, &save); w && *w != '#';
	     w = strtok_r(NULL, sep, &save)) {
		slot = push(words);
		if (!slot)
			return -1;
		*slot = w;
	}
	if (!push(words))
		return -1;
	return (int)--words->n;
}

/*
 * One line's words into @l, by the parser of the command line; reports
 * and returns -1 for a mistake, and for what changes nothing.
 */
static int parse_line(struct batch *b, int argc, char *argv[], struct line *l)
{
	const struct subcommand *sc;
	int err;

	/* "-j add ..." would mean nothing different here: say so. */
	if (argv[0][0] == '-') {
		nptctl_err("global option \"%s\" is not allowed in a batch file (give it before -b)",
			   argv[0]);
		return -1;
	}
	if (!strcmp(argv[0], "nptctl")) {
		nptctl_err("unexpected \"nptctl\": batch lines are commands without it");
		return -1;
	}
	sc = subcommand_find(nptctl_commands, nptctl_ncommands, argv[0], &err);
	if (!sc) {
		if (err == KEYWORD_AMBIGUOUS)
			nptctl_err("ambiguous command \"%s\"", argv[0]);
		else
			nptctl_err("unknown command \"%s\"", argv[0]);
		return -1;
	}
	if (sc->op == CMD_MAP_SHOW || sc->op == CMD_MONITOR ||
	    sc->op == CMD_HELP) {
		nptctl_err("command \"%s\" is not allowed in a batch file (only add, del, flush and tunnel add|change|del)",
			   argv[0]);
		return -1;
	}

	l->c.sc = sc;
	err = sc->parse(argc, argv, &l->c);
	if (err == PARSE_HELP || (!err && l->c.sc->op == CMD_TNL_HELP)) {
		nptctl_err("\"help\" is not allowed in a batch file");
		return -1;
	}
	if (err)
		return -1;

	switch (l->c.sc->op) {
	case CMD_TNL_SHOW:
		nptctl_err("\"tunnel show\" is not allowed in a batch file (only add, change and del)");
		return -1;
	case CMD_TNL_CHANGE:
	case CMD_TNL_DEL:
		/* No device has such a name, so none of ours could. */
		if (!valid_ifname(l->c.name)) {
			nptctl_err("unknown device \"%s\"", l->c.name);
			return -1;
		}
		/* The words go with the next line; the name stays. */
		snprintf(l->c.t.name, sizeof(l->c.t.name), "%s", l->c.name);
		l->c.name = NULL;
		b->need_rtnl = true;
		return 0;
	case CMD_TNL_ADD:
		b->need_rtnl = true;
		return 0;
	default:
		b->need_genl = true;
		return 0;
	}
}

static int read_lines(struct batch *b, FILE *f)
{
	struct list words = { .size = sizeof(char *) };
	char *buf = NULL;
	size_t bufsize = 0;
	unsigned int no = 0;
	struct line *l;
	ssize_t len;
	int argc, ret = 0;

	while ((len = getline(&buf, &bufsize, f)) >= 0) {
		at_line(b, ++no);
		/* A NUL would silently cut the line short. */
		if (strlen(buf) != (size_t)len) {
			nptctl_err("NUL byte in line");
			ret = -1;
			break;
		}
		argc = split_words(buf, &words);
		if (argc < 0) {
			ret = -1;
			break;
		}
		if (argc == 0)
			continue;
		l = push(&b->lines);
		if (!l) {
			ret = -1;
			break;
		}
		l->no = no;
		if (parse_line(b, argc, words.items, l) < 0) {
			ret = -1;
			break;
		}
	}
	if (ret == 0 && ferror(f)) {
		at_line(b, 0);
		nptctl_err("Unable to read: %s", strerror(errno));
		ret = -1;
	}
	free(words.items);
	free(buf);
	return ret;
}

/* The kernel's defaults ------------------------------------------------ */

/*
 * A file says what it wants, and a setting it leaves out means the
 * kernel's default: take "hoplimit 10" out of a line and the tunnel goes
 * back to 64, as test_batch.sh's "edited" wants, keeping its ifindex and
 * counters.  So we must know the default of a setting to compare, or to
 * send it.  Neither rtnetlink nor the npt6 family report defaults without
 * making an object, which every monitor would see, so the module and we
 * take them from the same place: the NPT6_*_DEFAULT_* constants of
 * uapi/linux/npt6.h.  Nothing here restates a value.
 */

/*
 * What "tunnel add" asks for in full: every setting it leaves out takes
 * the value a new tunnel would get (uapi/linux/npt6.h), except the MTU,
 * whose default depends on the device under it; an MTU left out is left
 * as it is.  We send these on add too, so that what we make is what we
 * compare against on the next run, whatever the kernel does.
 */
static void tunnel_defaults(struct npt6_tunnel *t)
{
	static const uint32_t kernel_default[TN_COUNT] = {
		[TN_HOPLIMIT]	= NPT6_TNL_DEFAULT_HOPLIMIT,
		[TN_TCLASS]	= NPT6_TNL_DEFAULT_TCLASS,
		[TN_FLOWLABEL]	= NPT6_TNL_DEFAULT_FLOWLABEL,
		[TN_ENCAPLIMIT]	= NPT6_TNL_DEFAULT_ENCAPLIMIT,
		[TN_MSS]	= NPT6_TNL_DEFAULT_MSS,
		[TN_FASTPATH]	= NPT6_TNL_DEFAULT_FASTPATH,
	};
	uint32_t v;
	int id;

	for (id = TN_HOPLIMIT; id < TN_COUNT; id++)
		if (!tunnel_get_number(t, id, &v))
			tunnel_set_number(t, id, kernel_default[id]);
}

/*
 * The NDP proxy mode a mapping on @ifname gets when none is asked for,
 * as the module picks it: auto on Ethernet, off elsewhere.  -1 if we
 * cannot tell, and then we do not compare.
 */
static int default_ndproxy(const struct npt6_mapping *m)
{
	struct ifreq ifr = { 0 };
	int fd, type = -1;

	if (!if_indextoname(m->ifindex, ifr.ifr_name))
		return -1;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		type = ifr.ifr_hwaddr.sa_family;
	close(fd);
	if (type < 0)
		return -1;
	return type == ARPHRD_ETHER ? NPT6_NDPROXY_DEFAULT_ETHER :
				      NPT6_NDPROXY_DEFAULT_OTHER;
}

/*
 * The translation mode: a line without "mode" means rfc6296, the mode
 * of a new mapping, and so does a module too old to report one.
 */
static uint8_t mapping_mode(const struct npt6_mapping *m)
{
	return m->has_mode ? m->mode : NPT6_MODE_RFC6296;
}

/* The model --------------------------------------------------------------- */

/*
 * The index of the item among @n, @stride bytes apart, that @match says
 * is @key, or -1.  The items of what we want start with the mapping or
 * tunnel, so one search serves them and what there is now.
 */
static int find(const void *items, size_t n, size_t stride,
		bool (*match)(const void *item, const void *key),
		const void *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (match((const char *)items + i * stride, key))
			return (int)i;
	return -1;
}

/* Mappings are known by device, internal prefix and length. */
static bool same_key(const void *item, const void *key)
{
	const struct npt6_mapping *a = item, *b = key;

	return a->ifindex == b->ifindex && a->plen == b->plen &&
	       !memcmp(&a->int_prefix, &b->int_prefix, sizeof(a->int_prefix));
}

/* Tunnels by name. */
static bool same_name(const void *item, const void *key)
{
	return !strcmp(((const struct npt6_tunnel *)item)->name, key);
}

#define find_map(b, m) \
	find((b)->want_maps.items, (b)->want_maps.n, sizeof(struct want_map), \
	     same_key, m)
#define find_cur_map(b, m) \
	find((b)->cur_maps, (b)->ncur_maps, sizeof(struct npt6_mapping), \
	     same_key, m)
#define find_tnl(b, name) \
	find((b)->want_tnls.items, (b)->want_tnls.n, sizeof(struct want_tnl), \
	     same_name, name)
#define find_cur_tnl(b, name) \
	find((b)->cur_tnls, (b)->ncur_tnls, sizeof(struct npt6_tunnel), \
	     same_name, name)

/* Take mapping @i out of what we want, on behalf of line @no. */
static void drop_map(struct batch *b, size_t i, unsigned int no)
{
	int cur = find_cur_map(b, &WANT_MAP(b, i)->m);

	if (cur >= 0 && !b->map_gone[cur])
		b->map_gone[cur] = no;
	list_remove(&b->want_maps, i);
}

static int run_map_line(struct batch *b, const struct line *l)
{
	struct want_map *w;
	size_t i;
	int k;

	switch (l->c.sc->op) {
	case CMD_MAP_ADD:
		/*
		 * The same key again replaces the mapping: the file wins.
		 * Should the new one be the same, the diff sends nothing.
		 */
		k = find_map(b, &l->c.m);
		if (k >= 0)
			drop_map(b, (size_t)k, l->no);
		w = push(&b->want_maps);
		if (!w)
			return -1;
		w->m = l->c.m;
		w->line = l->no;
		return 0;
	case CMD_MAP_DEL:
		/* Absent already is what del asks for. */
		k = find_map(b, &l->c.m);
		if (k >= 0)
			drop_map(b, (size_t)k, l->no);
		return 0;
	case CMD_MAP_FLUSH:
		for (i = b->want_maps.n; i-- > 0;)
			if (!l->c.ifindex || WANT_MAP(b, i)->m.ifindex == l->c.ifindex)
				drop_map(b, i, l->no);
		return 0;
	default:
		return 0;
	}
}

/*
 * A name that is not one of our tunnels may still be another link's.
 * Returns 0 if it is free, or -1 after saying why it is not ours to use.
 */
static int check_foreign(struct batch *b, const char *name)
{
	struct npt6_tunnel t;
	int err;

	err = rtnl_tunnel_lookup(b->r, name, &t);
	if (err == -ENODEV)
		return 0;
	if (err < 0)
		return -1;
	if (t.is_npt6)
		nptctl_err("tunnel \"%s\" appeared while we read the file; try again",
			   name);
	else
		nptctl_err("\"%s\" is not an npt6 tunnel", name);
	return -1;
}

static int run_tnl_line(struct batch *b, const struct line *l)
{
	struct npt6_tunnel req = l->c.t;
	struct want_tnl *w;
	int k, cur;

	switch (l->c.sc->op) {
	case CMD_TNL_ADD:
		tunnel_defaults(&req);
		k = find_tnl(b, req.name);
		if (k < 0) {
			if (find_cur_tnl(b, req.name) < 0 &&
			    check_foreign(b, req.name) < 0)
				return -1;
			w = push(&b->want_tnls);
			if (!w)
				return -1;
		} else {
			w = WANT_TNL(b, k);
			/* Changed in place: fastpath as on change. */
			if (tunnel_fastpath_check(&req, &w->t) < 0)
				return -1;
			/* An MTU not given is the one it has. */
			if (!req.has_mtu && w->t.has_mtu) {
				req.has_mtu = true;
				req.mtu = w->t.mtu;
			}
		}
		w->t = req;
		w->line = l->no;
		return 0;
	case CMD_TNL_CHANGE:
		k = find_tnl(b, l->c.t.name);
		if (k < 0) {
			cur = find_cur_tnl(b, l->c.t.name);
			if (cur >= 0)
				nptctl_err("tunnel \"%s\" is deleted by line %u",
					   l->c.t.name, b->tnl_gone[cur]);
			else if (check_foreign(b, l->c.t.name) == 0)
				nptctl_err("unknown device \"%s\"", l->c.t.name);
			return -1;
		}
		w = WANT_TNL(b, k);
		if (tunnel_change_check(&req, &w->t) < 0)
			return -1;
		tunnel_apply(&w->t, &req);
		w->line = l->no;
		return 0;
	case CMD_TNL_DEL:
		k = find_tnl(b, l->c.t.name);
		if (k >= 0) {
			cur = find_cur_tnl(b, l->c.t.name);
			if (cur >= 0 && !b->tnl_gone[cur])
				b->tnl_gone[cur] = l->no;
			list_remove(&b->want_tnls, (size_t)k);
			return 0;
		}
		/* Absent already is what del asks for; eth0 is not ours. */
		if (find_cur_tnl(b, l->c.t.name) < 0)
			return check_foreign(b, l->c.t.name);
		return 0;
	default:
		return 0;
	}
}

/*
 * What there is, as where what we want starts: an item of @want (line 0)
 * for each of the @n objects of @size bytes at @cur, which it starts with.
 */
static int seed(struct list *want, const void *cur, size_t n, size_t size)
{
	void *w;
	size_t i;

	for (i = 0; i < n; i++) {
		w = push(want);
		if (!w)
			return -1;
		memcpy(w, (const char *)cur + i * size, size);
	}
	return 0;
}

/* Read what there is, and run every line on it. */
static int plan_state(struct batch *b)
{
	size_t i;
	int err;

	/* Failures to read the state are no line's fault. */
	nptctl_err_where(NULL);
	if (b->need_genl) {
		b->g = genl_open();
		if (!b->g || genl_map_dump(b->g, 0, &b->cur_maps,
					   &b->ncur_maps) < 0)
			return -1;
	}
	if (b->need_rtnl) {
		b->r = rtnl_open();
		if (!b->r || rtnl_tunnel_dump(b->r, &b->cur_tnls,
					      &b->ncur_tnls) < 0)
			return -1;
	}

	b->map_gone = calloc(b->ncur_maps + 1, sizeof(*b->map_gone));
	b->tnl_gone = calloc(b->ncur_tnls + 1, sizeof(*b->tnl_gone));
	if (!b->map_gone || !b->tnl_gone) {
		nptctl_err("Unable to allocate memory: %s", strerror(ENOMEM));
		return -1;
	}
	if (seed(&b->want_maps, b->cur_maps, b->ncur_maps,
		 sizeof(*b->cur_maps)) < 0 ||
	    seed(&b->want_tnls, b->cur_tnls, b->ncur_tnls,
		 sizeof(*b->cur_tnls)) < 0)
		return -1;

	for (i = 0; i < b->lines.n; i++) {
		const struct line *l = ITEM(&b->lines, struct line, i);

		at_line(b, l->no);
		if (l->c.sc->op == CMD_TNL_ADD || l->c.sc->op == CMD_TNL_CHANGE ||
		    l->c.sc->op == CMD_TNL_DEL)
			err = run_tnl_line(b, l);
		else
			err = run_map_line(b, l);
		if (err < 0)
			return -1;
	}
	return 0;
}

/* The difference ---------------------------------------------------------- */

/* Whether the mapping @cur already is what "add" asked for in @want. */
static bool same_mapping(const struct npt6_mapping *want,
			 const struct npt6_mapping *cur)
{
	int mode;

	if (want->ext_auto != cur->ext_auto)
		return false;
	if (!want->ext_auto &&
	    memcmp(&want->ext_prefix, &cur->ext_prefix, sizeof(want->ext_prefix)))
		return false;
	if (want->ext_auto &&
	    (want->has_token != cur->has_token ||
	     (want->has_token &&
	      memcmp(&want->token, &cur->token, sizeof(want->token))) ||
	     want->auto_ifindex != cur->auto_ifindex ||
	     want->auto_pd != cur->auto_pd ||
	     want->has_subnet != cur->has_subnet ||
	     (want->has_subnet && want->subnet != cur->subnet)))
		return false;
	if (mapping_mode(want) != mapping_mode(cur))
		return false;
	/* A module too old to say has only one NDP proxy mode. */
	if (!cur->has_ndproxy)
		return true;
	mode = want->has_ndproxy ? want->ndproxy : default_ndproxy(want);
	return mode < 0 || mode == cur->ndproxy;
}

static struct op *add_op(struct batch *b, enum op_kind kind, unsigned int line)
{
	struct op *op = push(&b->ops);

	if (op) {
		memset(op, 0, sizeof(*op));
		op->kind = kind;
		op->line = line;
	}
	return op;
}

static int op_cmp(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	/* The same kind in the order of the file, then of the dump. */
	return x->line < y->line ? -1 : x->line > y->line;
}

static int plan_ops(struct batch *b)
{
	size_t i, j;
	struct op *op;
	int k;

	for (i = 0; i < b->ncur_maps; i++) {
		const struct npt6_mapping *cur = &b->cur_maps[i];

		k = find_map(b, cur);
		if (k >= 0) {
			struct want_map *w = WANT_MAP(b, k);

			if (!w->line || same_mapping(&w->m, cur)) {
				w->line = 0;	/* nothing to add */
				continue;
			}
			/*
			 * The same internal prefix on the same device, another
			 * external side: re-pointed in place, counters kept.
			 */
			op = add_op(b, OP_MAP_CHANGE, w->line);
			if (!op)
				return -1;
			op->m = w->m;
			/*
			 * CHANGE keeps a proxy or translation mode it is not
			 * given, and a line without one asks for the default,
			 * which same_mapping() compared with: say so.  A module
			 * that reports no mode knows no other, and would refuse
			 * the word.
			 */
			if (cur->has_ndproxy && !op->m.has_ndproxy) {
				int mode = default_ndproxy(&op->m);

				op->m.has_ndproxy = mode >= 0;
				op->m.ndproxy = (uint8_t)(mode >= 0 ? mode : 0);
			}
			if (cur->has_mode && !op->m.has_mode) {
				op->m.has_mode = true;
				op->m.mode = NPT6_MODE_RFC6296;
			}
			op->m_undo = *cur;
			w->line = 0;
			continue;
		}
		/* Gone from the file. */
		op = add_op(b, OP_MAP_DEL, b->map_gone[i]);
		if (!op)
			return -1;
		op->m = *cur;
	}
	for (j = 0; j < b->want_maps.n; j++) {
		if (!WANT_MAP(b, j)->line)
			continue;
		op = add_op(b, OP_MAP_ADD, WANT_MAP(b, j)->line);
		if (!op)
			return -1;
		op->m = WANT_MAP(b, j)->m;
	}

	for (i = 0; i < b->ncur_tnls; i++) {
		const struct npt6_tunnel *cur = &b->cur_tnls[i];
		struct npt6_tunnel req;

		k = find_tnl(b, cur->name);
		if (k < 0) {
			op = add_op(b, OP_TNL_DEL, b->tnl_gone[i]);
			if (!op)
				return -1;
			op->t = *cur;
			continue;
		}
		/* Found, so not to be added: line 0 says so below. */
		if (WANT_TNL(b, k)->line &&
		    tunnel_diff(&WANT_TNL(b, k)->t, cur, &req)) {
			op = add_op(b, OP_TNL_CHANGE, WANT_TNL(b, k)->line);
			if (!op)
				return -1;
			op->t = req;
			/* Back: every setting we change, as it is now. */
			tunnel_diff(cur, &WANT_TNL(b, k)->t, &op->undo);
			op->undo.ifindex = cur->ifindex;
		}
		WANT_TNL(b, k)->line = 0;
	}
	for (j = 0; j < b->want_tnls.n; j++) {
		if (!WANT_TNL(b, j)->line)
			continue;
		op = add_op(b, OP_TNL_ADD, WANT_TNL(b, j)->line);
		if (!op)
			return -1;
		op->t = WANT_TNL(b, j)->t;
	}

	qsort(b->ops.items, b->ops.n, sizeof(struct op), op_cmp);
	return 0;
}

/* Applying ---------------------------------------------------------------- */

static int do_op(struct batch *b, const struct op *op)
{
	switch (op->kind) {
	case OP_MAP_DEL:
		return genl_map_del(b->g, &op->m);
	case OP_MAP_ADD:
		return genl_map_add(b->g, &op->m);
	case OP_MAP_CHANGE:
		return genl_map_change(b->g, &op->m);
	case OP_TNL_DEL:
		return rtnl_tunnel_del(b->r, &op->t);
	case OP_TNL_CHANGE:
		return rtnl_tunnel_change(b->r, &op->t);
	case OP_TNL_ADD:
		return rtnl_tunnel_add(b->r, &op->t);
	}
	return -EINVAL;
}

/*
 * Undo @op, which the kernel accepted, by the request that does the
 * opposite.  A deleted mapping or tunnel comes back with every setting it
 * had (its counters start again from zero); a new tunnel is found by its
 * name, since we did not ask for its index.
 */
static int undo_op(struct batch *b, const struct op *op)
{
	static const enum op_kind opposite[] = {
		[OP_MAP_DEL]	= OP_MAP_ADD,
		[OP_MAP_ADD]	= OP_MAP_DEL,
		[OP_MAP_CHANGE]	= OP_MAP_CHANGE,
		[OP_TNL_DEL]	= OP_TNL_ADD,
		[OP_TNL_CHANGE]	= OP_TNL_CHANGE,
		[OP_TNL_ADD]	= OP_TNL_DEL,
	};
	struct op back = *op;
	int err;

	back.kind = opposite[op->kind];
	if (op->kind == OP_TNL_CHANGE)
		back.t = op->undo;
	if (op->kind == OP_MAP_CHANGE)
		back.m = op->m_undo;
	if (op->kind == OP_TNL_ADD) {
		err = rtnl_tunnel_get(b->r, op->t.name, &back.t);
		if (err < 0)
			return err;
		if (!back.t.is_npt6)
			return -EINVAL;
	}
	return do_op(b, &back);
}

static int apply(struct batch *b)
{
	size_t i, k;
	unsigned int failed = 0;

	for (i = 0; i < b->ops.n; i++) {
		at_line(b, OP(b, i)->line);
		if (do_op(b, OP(b, i)) < 0)
			break;
	}
	if (i == b->ops.n)
		return 0;

	/* Newest first, each the reverse of what the kernel took. */
	for (k = i; k-- > 0;) {
		snprintf(b->where, sizeof(b->where), "%s:%u: rollback", b->file,
			 OP(b, k)->line);
		nptctl_err_where(b->where);
		if (undo_op(b, OP(b, k)) < 0)
			failed++;
	}
	if (failed) {
		at_line(b, 0);
		nptctl_err("%u of %zu changes could not be undone", failed, i);
	}
	return -1;
}

static void batch_free(struct batch *b)
{
	genl_close(b->g);
	rtnl_close(b->r);
	free(b->lines.items);
	free(b->cur_maps);
	free(b->map_gone);
	free(b->cur_tnls);
	free(b->tnl_gone);
	free(b->want_maps.items);
	free(b->want_tnls.items);
	free(b->ops.items);
}

int batch_main(const char *file, const struct nptctl_opts *opts)
{
	struct batch b = {
		.lines.size = sizeof(struct line),
		.want_maps.size = sizeof(struct want_map),
		.want_tnls.size = sizeof(struct want_tnl),
		.ops.size = sizeof(struct op),
	};
	FILE *f;
	int ret = 1;

	(void)opts;
	if (!strcmp(file, "-")) {
		b.file = "<stdin>";
		f = stdin;
	} else {
		b.file = file;
		f = fopen(file, "re");
		if (!f) {
			nptctl_err("Unable to open \"%s\": %s", file,
				   strerror(errno));
			return 1;
		}
	}

	if (read_lines(&b, f) < 0)
		goto out;
	/* Nothing but comments: nothing to read from the kernel either. */
	if (!b.lines.n) {
		ret = 0;
		goto out;
	}
	if (plan_state(&b) < 0 || plan_ops(&b) < 0 || apply(&b) < 0)
		goto out;
	ret = 0;
out:
	nptctl_err_where(NULL);
	if (f != stdin)
		fclose(f);
	batch_free(&b);
	return ret;
}
