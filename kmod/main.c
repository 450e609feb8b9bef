// SPDX-License-Identifier: GPL-2.0
/*
 * npt6: stateless IPv6 network prefix translation (RFC 6296), its NDP
 * proxy, and an ipip6 tunnel (RFC 2473).
 *
 * This file only orders initialisation and teardown.  The files, top
 * down; each calls only into files listed below it (net.h's inlines are
 * how the lower ones reach their namespace's state):
 *
 *   netlink.c      the "npt6" genl family          -> map.c, msg.c
 *   net.c          per-namespace core: pernet ops, the address notifier,
 *                  the watcher of auto addresses   -> map.c, tunnel_link.c,
 *                                                     localaddr.c, pdroute.c
 *   tunnel_link.c  npt6tnl's rtnl link ops, endpoints -> tunnel.c,
 *                                                     tunnel_fastpath.c,
 *                                                     autoprefix.c
 *   tunnel_fastpath.c  the opt-in short cut past the IPv6 stack -> tunnel.c
 *   tunnel.c       the ipip6 packet path            -> tunnel_fastpath.c
 *   map.c          mappings and their external devices -> msg.c, table.c,
 *                  hairpin.c, autoprefix.c, pdroute.c, localaddr.c (and
 *                  hooks xlat.c)
 *   msg.c          a mapping as a netlink message; events
 *   hairpin.c      LAN to LAN by external address   -> xlat.c, ndproxy.c
 *   xlat.c         the NPT packet path (netdev hooks) -> ndproxy.c,
 *                  l4csum.c; xlat_postrouting.c stands in for the
 *                  egress hook
 *   ndproxy.c      answers NS for translated addresses
 *   l4csum.c       keep-iid mode: the checksums that cover an address
 *   autoprefix.c   which address an auto prefix or tunnel follows
 *   pdroute.c      delegated prefixes, from the routing table (auto pd)
 *   localaddr.c    the router's own addresses, for the packet path
 *   table.c, rfc6296.c  lookup; the address arithmetic of both modes
 */

#include <linux/module.h>
#include <net/genetlink.h>

#include <uapi/linux/npt6.h>

#include "map.h"
#include "net.h"
#include "netlink.h"
#include "tunnel.h"
#include "version.h"

static int __init npt6_init(void)
{
	int err;

	err = npt6_net_init();
	if (err)
		return err;
	err = npt6_map_init();
	if (err)
		goto err_net;
	err = npt6_tnl_init();
	if (err)
		goto err_map;
	/* Userspace can reach us once the family exists: register it last. */
	err = npt6_netlink_init();
	if (err)
		goto err_tnl;
	pr_info("version %s loaded\n", NPT6_VERSION);
	return 0;

err_tnl:
	npt6_tnl_uninit();
err_map:
	npt6_map_uninit();
err_net:
	npt6_net_uninit();
	return err;
}

static void __exit npt6_exit(void)
{
	npt6_netlink_uninit();
	npt6_tnl_uninit();
	npt6_map_uninit();
	/* Last: its namespace teardown flushes what the others left. */
	npt6_net_uninit();
	pr_info("unloaded\n");
}

module_init(npt6_init);
module_exit(npt6_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Stateless IPv6 network prefix translation (RFC 6296)");
MODULE_AUTHOR("npt6 developers");
MODULE_VERSION(NPT6_VERSION);
MODULE_ALIAS_GENL_FAMILY(NPT6_GENL_NAME);
