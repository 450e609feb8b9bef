/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every npt6 object (see Kbuild), so that differences
 * between kernels are handled here and nowhere else.  The core files are
 * written against the newest API; this file bends older kernels to it.
 *
 * Kbuild detects features by looking at the target kernel's headers and
 * defines NPT6_HAVE_*; we test those rather than version numbers, which
 * distribution kernels make unreliable.
 */
#ifndef _NPT6_COMPAT_H
#define _NPT6_COMPAT_H

#ifndef NPT6_HAVE_NF_NETDEV_EGRESS
#error "npt6 needs the netfilter netdev egress hook (Linux 5.16 or newer)"
#endif

/* genl_family.resv_start_op appeared in 6.1; before it, nothing to set. */
#ifdef NPT6_HAVE_GENL_RESV_START_OP
#define NPT6_GENL_RESV_START_OP(op)	.resv_start_op = (op),
#else
#define NPT6_GENL_RESV_START_OP(op)
#endif

/*
 * Privileged multicast groups arrived in 6.7 and stable kernels; without
 * them we refuse to build rather than leak events to unprivileged users.
 */
#ifndef NPT6_HAVE_GENL_MCAST_CAP
#error "npt6 needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.7, or a stable kernel with it)"
#endif

#endif /* _NPT6_COMPAT_H */
