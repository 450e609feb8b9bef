// SPDX-License-Identifier: GPL-2.0
/*
 * Module metadata for npt6_kunit.ko, the standalone build of the npt6
 * KUnit suites (see Kbuild here).  npt6.ko has its own in kmod/main.c;
 * the suites register themselves through their .kunit_test_suites
 * section in either module.
 */

#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for npt6 (RFC 6296 arithmetic, table)");
