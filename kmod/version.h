/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place the npt6 version is written.  dkms.conf, the Makefile and
 * nptctl all read it from here.
 */
#ifndef _NPT6_VERSION_H
#define _NPT6_VERSION_H

#define NPT6_VERSION "0.1.0"

#endif /* _NPT6_VERSION_H */
