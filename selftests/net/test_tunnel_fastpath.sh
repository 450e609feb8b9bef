#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole tunnel suite (test_tunnel.sh) again, with every npt6 tunnel of
# its scenarios made "fastpath on": the short cut past the IPv6 stack
# must pass every check the full path passes (interop with ip6tnl, MSS,
# PTB, ECN, GSO, fwmark, ESP, remote changes, carrier, unload under
# traffic).  Arguments as for test_tunnel.sh.

NPT6_TNL_FASTPATH=1 exec bash "$(dirname "${BASH_SOURCE[0]}")/test_tunnel.sh" "$@"
