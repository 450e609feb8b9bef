#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nptctl against the real module (selftests/nptctl/module.sh), here so that
# the vm suite runs it with the module as installed (DKMS), every time:
# selftests/nptctl/run.sh runs it only when NPT6_KO names a module.

exec bash "$(dirname "${BASH_SOURCE[0]}")/../nptctl/module.sh" "$@"
