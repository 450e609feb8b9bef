/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every npt6 object (see Kbuild), so that version
 * checks live here and nowhere else.  The core files are written against
 * the newest API; this file bends older kernels to it.
 */
#ifndef _NPT6_COMPAT_H
#define _NPT6_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 16, 0)
#error "npt6 needs Linux 5.16 or newer (netfilter netdev egress hook)"
#endif

/* genl_family.resv_start_op appeared in 6.1; before it, nothing to set. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#define NPT6_GENL_RESV_START_OP(op)
#else
#define NPT6_GENL_RESV_START_OP(op)	.resv_start_op = (op),
#endif

#endif /* _NPT6_COMPAT_H */
