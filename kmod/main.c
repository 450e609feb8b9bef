// SPDX-License-Identifier: GPL-2.0
/*
 * npt6: stateless IPv6 network prefix translation (RFC 6296).
 *
 * This file only orders initialisation and teardown.  The pieces:
 *   rfc6296.c  checksum-neutral address arithmetic
 *   table.c    per-device lookup by internal and external prefix
 *   map.c      mappings, the devices that carry them, namespaces
 *   xlat.c     the packet path (netfilter netdev ingress/egress hooks)
 *   hairpin.c  LAN hosts that reach each other by external address
 *   ndproxy.c  answers Neighbor Solicitations for translated addresses
 *   autoprefix.c  external prefixes that follow RA / DHCPv6-PD
 *   tunnel.c   the ipip6 (RFC 2473) tunnel device "npt6tnl"
 *   netlink.c  the "npt6" generic netlink family
 */

#include <linux/module.h>
#include <net/genetlink.h>

#include <uapi/linux/npt6.h>

#include "map.h"
#include "netlink.h"
#include "tunnel.h"
#include "version.h"

static int __init npt6_init(void)
{
	int err;

	err = npt6_map_init();
	if (err)
		return err;
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
	return err;
}

static void __exit npt6_exit(void)
{
	npt6_netlink_uninit();
	npt6_tnl_uninit();
	npt6_map_uninit();
	pr_info("unloaded\n");
}

module_init(npt6_init);
module_exit(npt6_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Stateless IPv6 network prefix translation (RFC 6296)");
MODULE_AUTHOR("npt6 developers");
MODULE_VERSION(NPT6_VERSION);
MODULE_ALIAS_GENL_FAMILY(NPT6_GENL_NAME);
