# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, after the tests before it: the bash completion in tools/completion.

# ------------------------------------------------------------ completion

# What the completion offers for the command line LINE (cursor at its end),
# space-separated, in a clean bash of its own.
complete_line()
{
	COMPLETION="$REPO/tools/completion/nptctl" LINE="$1" bash --norc -c '
		complete() { :; }
		. "$COMPLETION" || exit 1
		COMP_LINE=$LINE
		COMP_POINT=${#LINE}
		_nptctl
		if [ ${#COMPREPLY[@]} -gt 0 ]; then printf "%s\n" "${COMPREPLY[*]}"; fi'
}

# completes DESC LINE WANT
completes()
{
	expect "completion: $1" 0 "" "$3" -- complete_line "$2"
}

completes "commands" "nptctl " "add change del delete show list ls flush monitor tunnel help"
completes "monitor takes nothing but help" "nptctl -j monitor " "help"
completes "auto in place of EXT_PFX" "nptctl add fd00::/64 a" "auto"
completes "token, from and subnet only after auto" "nptctl add fd00::/64 auto " \
	"dev token from pd subnet ndproxy mode"
completes "no token after a prefix" "nptctl add fd00::/64 2406::/64 " "dev ndproxy mode"
completes "nothing for an IID" "nptctl add fd00::/64 auto token " ""
completes "ndproxy modes" "nptctl add fd00::/64 auto token ::feed dev lo ndproxy " \
	"auto all off"
completes "keywords used up" \
	"nptctl add fd00::/64 auto token ::feed ndproxy all dev lo from lo subnet 1 mode rfc6296 " ""
completes "devices after dev" "nptctl add fd00::/64 auto dev l" "lo"
completes "devices after from" "nptctl add fd00::/64 auto from l" "lo"
completes "nothing for a subnet" "nptctl add fd00::/64 auto subnet " ""
completes "pd, then neither from nor token" "nptctl add fd00::/64 auto pd " "dev subnet ndproxy mode"
completes "change takes what add takes" "nptctl change fd00::/64 2406::/64 " "dev ndproxy mode"
completes "del has no ndproxy or mode" "nptctl del fd00::/64 " "dev"
completes "translation modes" "nptctl add fd00::/64 2406::/64 dev lo mode " \
	"rfc6296 keep-iid"
completes "translation mode k" "nptctl change fd00::/64 auto mode k" "keep-iid"
completes "mode used up" "nptctl add fd00::/64 2406::/64 mode keep-iid " \
	"dev ndproxy"
completes "tunnel commands" "nptctl -n x tunnel " \
	"add change del delete show list ls help"
completes "tunnel add: a new name" "nptctl tunnel add " "help"
completes "tunnel add: keywords, no token before local auto" \
	"nptctl tunnel add t0 " "remote local dev mtu mss hoplimit tclass flowlabel encaplimit fastpath"
completes "tunnel add: token after local auto" \
	"nptctl tunnel add t0 remote 2404:8e00::feed:140 local auto " \
	"token dev mtu mss hoplimit tclass flowlabel encaplimit fastpath"
completes "tunnel add: no token after a fixed local" \
	"nptctl tunnel add t0 local 2001:db8::1 remote 2404:8e00::feed:140 d" "dev"
completes "tunnel add: local auto" "nptctl tunnel add t0 remote ::1 local " "auto"
completes "tunnel add: nothing for an address" "nptctl tunnel add t0 remote " ""
completes "tunnel add: nothing for an IID" "nptctl tunnel add t0 local auto token " ""
completes "tunnel add: mss words" "nptctl tunnel add t0 mss " "auto off"
completes "tunnel add: tclass inherit" "nptctl tunnel add t0 tclass i" "inherit"
completes "tunnel add: flowlabel inherit" "nptctl tunnel add t0 flowlabel " "inherit"
completes "tunnel add: encaplimit none" "nptctl tunnel add t0 encaplimit " "none"
completes "tunnel add: fastpath words" "nptctl tunnel add t0 fastpath " "on off"
completes "tunnel change: fastpath o" "nptctl tunnel change t0 fastpath o" "on off"
completes "tunnel change: f" "nptctl tunnel change t0 mtu 1400 f" \
	"flowlabel fastpath"
completes "tunnel add: devices after dev" "nptctl tunnel add t0 dev l" "lo"
completes "tunnel add: keywords used up" \
	"nptctl tunnel add t0 remote ::1 local auto token ::feed dev lo mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none fastpath off " ""
completes "tunnel change: token any time" "nptctl tunnel change t0 mtu 1400 t" \
	"token tclass"
completes "tunnel change: token none" "nptctl t c t0 token " "none"
completes "tunnel del: nothing after the name" "nptctl tunnel del t0 " ""
completes "tunnel show: nothing after the name" "nptctl tunnel show t0 " ""
completes "options" "nptctl -" \
	"-j -p -s -n -b -c -V -h -json -pretty -stats -netns -batch -color -Version -help"
completes "-color=WHEN" "nptctl -color=a" "always auto"
completes "-c=WHEN" "nptctl -j -c=" "always auto never"
mkdir -p "$TMP/conf.d" && : >"$TMP/conf.d/npt6.conf"
completes "a file after -b" "nptctl -n x -b $TMP/conf.d/n" "$TMP/conf.d/npt6.conf"
completes "- for stdin after -b" "nptctl -b " "$(compgen -f -- "" | tr '\n' ' ')-"
completes "nothing after -b FILE" "nptctl -b $TMP/conf.d/npt6.conf " ""
