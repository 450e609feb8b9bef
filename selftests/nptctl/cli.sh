# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, after the tests before it: the built nptctl on bad input: the exact exit status and
# "Error: ..." line of every mistake caught before netlink, for mappings,
# "nptctl tunnel" and batch files; help, version and options.

# Help and version.
"${WRAP[@]}" "$NPTCTL" -h >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/err" ] &&
	head -n1 "$TMP/out" | grep -qx 'Usage: nptctl \[OPTIONS\] COMMAND \[ARGS\]' &&
	grep -qx '  add INT_PFX EXT_PFX|auto \[from DEV2|pd\] \[subnet N\] \[token IID\] dev DEV \[ndproxy auto|all|off\] \[mode rfc6296|keep-iid\]' "$TMP/out" &&
	grep -qx '  change INT_PFX EXT_PFX|auto \[from DEV2|pd\] \[subnet N\] \[token IID\] dev DEV \[ndproxy auto|all|off\] \[mode rfc6296|keep-iid\]' "$TMP/out" &&
	grep -q '^  monitor  *print mapping events until interrupted$' "$TMP/out" &&
	grep -qx '  mode keep-iid replaces the prefix and keeps the interface ID,' "$TMP/out"
log_test $? "cli: -h prints usage and exits 0"

"${WRAP[@]}" "$NPTCTL" help >"$TMP/out2" 2>"$TMP/err"
[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$TMP/out" "$TMP/out2"
log_test $? "cli: help is -h"

"${WRAP[@]}" "$NPTCTL" --help >"$TMP/out2" 2>"$TMP/err"
[ $? -eq 0 ] && cmp -s "$TMP/out" "$TMP/out2"
log_test $? "cli: --help is -h"

"${WRAP[@]}" "$NPTCTL" -V >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ -n "$VERSION" ] &&
	[ "$(head -n1 "$TMP/out")" = "nptctl $VERSION" ]
log_test $? "cli: -V prints nptctl $VERSION from kmod/version.h"

if [ -r /sys/module/npt6/version ]; then
	log_test $ksft_skip "cli: -V without the module prints one line"
else
	expect "cli: -V without the module prints one line" 0 "" \
		"nptctl $VERSION" -- "${WRAP[@]}" "$NPTCTL" -V
fi

expect "cli: add help" 0 "" \
	"Usage: nptctl [OPTIONS] add INT_PFX EXT_PFX|auto [from DEV2|pd] [subnet N] [token IID] dev DEV [ndproxy auto|all|off] [mode rfc6296|keep-iid]" -- \
	"${WRAP[@]}" "$NPTCTL" add help
expect "cli: change help" 0 "" \
	"Usage: nptctl [OPTIONS] change INT_PFX EXT_PFX|auto [from DEV2|pd] [subnet N] [token IID] dev DEV [ndproxy auto|all|off] [mode rfc6296|keep-iid]" -- \
	"${WRAP[@]}" "$NPTCTL" change help
expect "cli: monitor help" 0 "" "Usage: nptctl [OPTIONS] monitor" -- \
	"${WRAP[@]}" "$NPTCTL" monitor help

# Global options and commands.
bad "cli: no command" 'Error: missing command (try "nptctl help")'
bad "cli: only options" 'Error: missing command (try "nptctl help")' -j -s
bad "cli: unknown command" 'Error: unknown command "bogus" (try "nptctl help")' bogus
bad "cli: unknown option" 'Error: unknown option "-x" (try "nptctl -h")' -x show
bad "cli: lone dash" 'Error: unknown option "-" (try "nptctl -h")' - show
bad "cli: -n without NETNS" 'Error: missing "NETNS" after "-n"' -n
bad "cli: unknown netns" "Error: unknown netns \"$NONS\"" -n "$NONS" show
bad "cli: netns name with a slash" 'Error: invalid netns name "../x"' -n ../x show
bad "cli: help takes no argument" 'Error: unknown argument "bar"' help bar

# add: arguments.
bad "add: nothing" 'Error: missing "INT_PFX"' add
bad "add: no internal prefix" 'Error: missing "INT_PFX"' add dev lo
bad "add: no external prefix" 'Error: missing "EXT_PFX"' add fd00::/64 dev lo
bad "add: no dev" 'Error: missing "dev DEV"' add fd00::/64 2406::/64
bad "add: dev without name" 'Error: missing device name after "dev"' \
	add fd00::/64 2406::/64 dev
bad "add: dev twice" 'Error: duplicate "dev"' add fd00::/64 2406::/64 dev lo dev lo
bad "add: extra argument at the end" 'Error: unknown argument "bar"' \
	add fd00::/64 2406::/64 dev lo bar
bad "add: extra argument before dev" 'Error: unknown argument "bar"' \
	add fd00::/64 2406::/64 bar dev lo

# add: prefixes.
bad "add: malformed internal prefix" 'Error: invalid prefix "fd00::zz/64"' \
	add fd00::zz/64 2406::/64 dev lo
bad "add: malformed external prefix" 'Error: invalid prefix "2406::zz/64"' \
	add fd00::/64 2406::zz/64 dev lo
bad "add: IPv4 prefix" 'Error: invalid prefix "10.0.0.0/8"' \
	add 10.0.0.0/8 2406::/64 dev lo
bad "add: prefix with a space" 'Error: invalid prefix " fd00::/64"' \
	add " fd00::/64" 2406::/64 dev lo
bad "add: control character shown as ?" 'Error: invalid prefix "fd00::?/64"' \
	add $'fd00::\n/64' 2406::/64 dev lo
bad "add: missing length" \
	'Error: missing length in prefix "fd00::" (expected ADDR/LEN, LEN 1..64)' \
	add fd00:: 2406::/64 dev lo
for len in 0 129; do
	bad "add: length /$len" \
		"Error: invalid length in prefix \"fd00::/$len\" (expected 1..64)" \
		add fd00::/$len 2406::/$len dev lo
done
for len in 65 128; do
	bad "add: length /$len unsupported" \
		"Error: prefix \"fd00::/$len\" is too long: prefixes longer than /64 are unsupported" \
		add fd00::/$len 2406::/$len dev lo
done
bad "add: external /96 unsupported" \
	'Error: prefix "2406::/96" is too long: prefixes longer than /64 are unsupported' \
	add fd00::/64 2406::/96 dev lo
bad "add: host bits in internal prefix" \
	'Error: prefix "fd00::1/64" has host bits set (did you mean fd00::/64?)' \
	add fd00::1/64 2406::/64 dev lo
bad "add: host bits in external prefix" \
	'Error: prefix "2406:2d40:3084:e000::1/64" has host bits set (did you mean 2406:2d40:3084:e000::/64?)' \
	add fdce:b680:5c56:5::/64 2406:2d40:3084:e000::1/64 dev lo
bad "add: prefix lengths differ" \
	'Error: prefix lengths differ: "fd00::/64" and "2406::/56"' \
	add fd00::/64 2406::/56 dev lo
bad "add: unknown device" "Error: unknown device \"$NODEV\"" \
	add fd00::/64 2406::/64 dev "$NODEV"
bad "add: device name too long" "Error: unknown device \"$LONGDEV\"" \
	add fd00::/64 2406::/64 dev "$LONGDEV"
bad "add: abbreviated keyword, unknown device" "Error: unknown device \"$NODEV\"" \
	a fd00::/64 2406::/64 d "$NODEV"

# add: auto, token, ndproxy.
bad "add: auto needs a /64" 'Error: "auto" needs a /64 internal prefix' \
	add fd00::/48 auto dev lo
bad "add: auto needs a /64, not /56" 'Error: "auto" needs a /64 internal prefix' \
	add fd00:0:0:100::/56 auto token ::feed dev lo
bad "add: auto is no internal prefix" 'Error: invalid prefix "auto"' \
	add auto 2406::/64 dev lo
bad "add: auto is lower case" 'Error: invalid prefix "AUTO"' \
	add fd00::/64 AUTO dev lo
bad "add: bad internal prefix before auto" \
	'Error: prefix "fd00::1/64" has host bits set (did you mean fd00::/64?)' \
	add fd00::1/64 auto dev lo
bad "add: from without auto" 'Error: "from" is only valid with "auto"' \
	add fd00::/64 2406::/64 from lo dev lo
bad "add: subnet without auto" 'Error: "subnet" is only valid with "auto"' \
	add fd00::/64 2406::/64 subnet 1 dev lo
bad "change: from without auto" 'Error: "from" is only valid with "auto"' \
	change fd00::/64 2406::/64 from lo dev lo
bad "add: from an unknown device" "Error: unknown device \"$NODEV\"" \
	add fd00::/64 auto from "$NODEV" dev lo
bad "add: subnet not a number" 'Error: invalid subnet "x1" (expected 0..4294967295)' \
	add fd00::/64 auto subnet x1 dev lo
bad "add: subnet negative" 'Error: invalid subnet "-1" (expected 0..4294967295)' \
	add fd00::/64 auto subnet -1 dev lo
bad "add: subnet too large" 'Error: invalid subnet "4294967296" (expected 0..4294967295)' \
	add fd00::/64 auto subnet 4294967296 dev lo
bad "add: from without a device" 'Error: missing device name after "from"' \
	add fd00::/64 auto dev lo from
bad "change: no external prefix" 'Error: missing "EXT_PFX"' change fd00::/64 dev lo
bad "add: pd without auto" 'Error: "pd" is only valid with "auto"' \
	add fd00::/64 2406::/64 pd dev lo
bad "add: pd with from" 'Error: "pd" takes no "from"' \
	add fd00::/64 auto pd from lo dev lo
bad "add: pd with token" 'Error: "pd" takes no "token"' \
	add fd00::/64 auto pd token ::feed dev lo
bad "add: pd twice" 'Error: duplicate "pd"' add fd00::/64 auto pd pd dev lo
bad "add: token without auto" 'Error: token "::feed" is only valid with "auto"' \
	add fd00::/64 2406::/64 token ::feed dev lo
bad "add: token not an interface ID" \
	'Error: token "2001::feed" is not an interface ID (first 64 bits must be zero)' \
	add fd00::/64 auto token 2001::feed dev lo
bad "add: token with a length" \
	'Error: invalid token "::feed/64" (expected an interface ID such as ::feed)' \
	add fd00::/64 auto token ::feed/64 dev lo
bad "add: token is a word" \
	'Error: invalid token "feed" (expected an interface ID such as ::feed)' \
	add fd00::/64 auto token feed dev lo
bad "add: zero token" \
	'Error: token "::" is the zero interface ID, which no address has' \
	add fd00::/64 auto token :: dev lo
bad "add: token without value" 'Error: missing interface ID after "token"' \
	add fd00::/64 auto dev lo token
bad "add: token twice" 'Error: duplicate "token"' \
	add fd00::/64 auto token ::feed token ::1 dev lo
bad "add: invalid ndproxy mode" \
	'Error: invalid ndproxy mode "x" (expected auto, all or off)' \
	add fd00::/64 2406::/64 dev lo ndproxy x
bad "add: ndproxy mode not abbreviated" \
	'Error: invalid ndproxy mode "al" (expected auto, all or off)' \
	add fd00::/64 auto dev lo ndproxy al
bad "add: ndproxy enable is SEIL's, not ours" \
	'Error: invalid ndproxy mode "enable" (expected auto, all or off)' \
	add fd00::/64 2406::/64 dev lo ndproxy enable
bad "add: ndproxy without value" 'Error: missing NDP proxy mode after "ndproxy"' \
	add fd00::/64 2406::/64 dev lo ndproxy
bad "add: ndproxy twice" 'Error: duplicate "ndproxy"' \
	add fd00::/64 2406::/64 ndproxy all dev lo ndproxy off
bad "add: invalid mode" \
	'Error: invalid mode "x" (expected rfc6296 or keep-iid)' \
	add fd00::/64 2406::/64 dev lo mode x
bad "add: mode not abbreviated" \
	'Error: invalid mode "keep" (expected rfc6296 or keep-iid)' \
	add fd00::/64 2406::/64 dev lo mode keep
bad "add: mode is a word, not a number" \
	'Error: invalid mode "1" (expected rfc6296 or keep-iid)' \
	add fd00::/64 auto dev lo mode 1
bad "add: mode without value" 'Error: missing translation mode after "mode"' \
	add fd00::/64 2406::/64 dev lo mode
bad "add: mode twice" 'Error: duplicate "mode"' \
	add fd00::/64 2406::/64 mode keep-iid dev lo mode rfc6296
bad "add: abbreviated mode twice" 'Error: duplicate "mo"' \
	add fd00::/64 2406::/64 m keep-iid dev lo mo keep-iid
bad "change: invalid mode" \
	'Error: invalid mode "keep_iid" (expected rfc6296 or keep-iid)' \
	change fd00::/64 2406::/64 dev lo mode keep_iid
bad "add: keep-iid, unknown device" "Error: unknown device \"$NODEV\"" \
	add fd00::/64 2406::/64 mode keep-iid dev "$NODEV"
bad "add: auto, unknown device" "Error: unknown device \"$NODEV\"" \
	add fd00:192:168:1::/64 auto token ::feed dev "$NODEV" ndproxy auto
bad "add: abbreviated token and ndproxy, unknown device" \
	"Error: unknown device \"$NODEV\"" \
	add fd00::/64 auto t ::feed n all d "$NODEV"

# del.
bad "del: nothing" 'Error: missing "INT_PFX"' del
bad "del: no dev" 'Error: missing "dev DEV"' del fd00::/64
bad "del: no prefix" 'Error: missing "INT_PFX"' del dev lo
bad "del: external prefix given" 'Error: unknown argument "2406::/64"' \
	del fd00::/64 2406::/64 dev lo
bad "del: malformed prefix" 'Error: invalid prefix "fd00::zz/64"' \
	del fd00::zz/64 dev lo
bad "del: host bits" \
	'Error: prefix "fd00::1/64" has host bits set (did you mean fd00::/64?)' \
	del fd00::1/64 dev lo
bad "delete: length /65 unsupported" \
	'Error: prefix "fd00::/65" is too long: prefixes longer than /64 are unsupported' \
	delete fd00::/65 dev lo
bad "del: unknown device" "Error: unknown device \"$NODEV\"" \
	del fd00::/64 dev "$NODEV"
bad "del: no token" 'Error: unknown argument "token"' \
	del fd00::/64 token ::feed dev lo
bad "del: no ndproxy" 'Error: unknown argument "ndproxy"' \
	del fd00::/64 dev lo ndproxy all
bad "del: no mode (a mapping is named by device and prefix)" \
	'Error: unknown argument "mode"' del fd00::/64 dev lo mode keep-iid

# show, flush.
bad "show: unknown argument" 'Error: unknown argument "bar"' show bar
bad "show: dev without name" 'Error: missing device name after "dev"' show dev
bad "show: unknown device" "Error: unknown device \"$NODEV\"" show dev "$NODEV"
bad "list: unknown device" "Error: unknown device \"$NODEV\"" list dev "$NODEV"
bad "ls: unknown argument" 'Error: unknown argument "bar"' -j ls bar
bad "flush: unknown argument" 'Error: unknown argument "bar"' flush bar
bad "flush: unknown device" "Error: unknown device \"$NODEV\"" flush dev "$NODEV"
bad "show: no ndproxy" 'Error: unknown argument "ndproxy"' show ndproxy all
bad "show: no mode" 'Error: unknown argument "mode"' show mode keep-iid

# monitor.
bad "monitor: unknown argument" 'Error: unknown argument "bar"' monitor bar
bad "monitor: no dev" 'Error: unknown argument "dev"' monitor dev lo

# tunnel: commands and help.
TADD="Usage: nptctl [OPTIONS] tunnel add NAME remote ADDR local ADDR|auto [token IID] dev DEV [mtu N] [mss auto|N|off] [hoplimit N] [tclass inherit|N] [flowlabel inherit|N] [encaplimit none|N] [fastpath on|off]"
"${WRAP[@]}" "$NPTCTL" -h >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] && grep -q '^  tunnel add|change|del|show \.\.\.$' "$TMP/out"
log_test $? "cli: -h lists tunnel"
"${WRAP[@]}" "$NPTCTL" tunnel help >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/err" ] && [ "$(head -n1 "$TMP/out")" = "$TADD" ] &&
	grep -qx '       nptctl \[OPTIONS\] tunnel del NAME' "$TMP/out" &&
	grep -qx '       nptctl \[OPTIONS\] tunnel show \[NAME\]' "$TMP/out" &&
	grep -q '^       nptctl \[OPTIONS\] tunnel change NAME \[remote ADDR\] .*\[token IID|none\]' "$TMP/out"
log_test $? "tunnel: help lists add, change, del, show"
"${WRAP[@]}" "$NPTCTL" t h >"$TMP/out2" 2>"$TMP/err"
[ $? -eq 0 ] && cmp -s "$TMP/out" "$TMP/out2"
log_test $? "tunnel: abbreviated help"
expect "tunnel: add help" 0 "" "$TADD" -- "${WRAP[@]}" "$NPTCTL" tunnel add help
expect "tunnel: help after a name" 0 "" "$TADD" -- \
	"${WRAP[@]}" "$NPTCTL" tunnel a t0 remote 2001:db8::1 help
expect "tunnel: del help" 0 "" "Usage: nptctl [OPTIONS] tunnel del NAME" -- \
	"${WRAP[@]}" "$NPTCTL" tunnel delete help
expect "tunnel: ls help" 0 "" "Usage: nptctl [OPTIONS] tunnel show [NAME]" -- \
	"${WRAP[@]}" "$NPTCTL" tunnel ls help
bad "tunnel: unknown command" \
	'Error: unknown tunnel command "bogus" (try "nptctl tunnel help")' tunnel bogus
bad "tunnel: help takes no argument" 'Error: unknown argument "x"' tunnel help x

# tunnel add: what is missing.
R=2404:8e00::feed:140
bad "tunnel add: nothing" 'Error: missing "NAME"' tunnel add
bad "tunnel add: a keyword is no name" 'Error: missing "NAME"' \
	tunnel add remote $R local auto dev lo
bad "tunnel add: no remote" 'Error: missing "remote ADDR"' tunnel add t0
bad "tunnel add: no local" 'Error: missing "local ADDR|auto"' \
	tunnel add t0 remote $R dev lo
bad "tunnel add: no dev" 'Error: missing "dev DEV"' \
	tunnel add t0 remote $R local auto token ::feed
bad "tunnel add: remote without value" 'Error: missing address after "remote"' \
	tunnel add t0 remote
bad "tunnel add: local without value" \
	'Error: missing address or "auto" after "local"' tunnel add t0 remote $R local
bad "tunnel add: mtu without value" 'Error: missing MTU after "mtu"' \
	tunnel add t0 remote $R local auto dev lo mtu
bad "tunnel add: encaplimit without value" \
	'Error: missing encapsulation limit after "encaplimit"' \
	tunnel add t0 remote $R local auto dev lo encaplimit
bad "tunnel add: fastpath without value" \
	'Error: missing "on" or "off" after "fastpath"' \
	tunnel add t0 remote $R local auto dev lo fastpath
bad "tunnel add: remote twice" 'Error: duplicate "remote"' \
	tunnel add t0 remote $R local auto remote $R dev lo
bad "tunnel add: mss twice, abbreviated" 'Error: duplicate "ms"' \
	tunnel add t0 remote $R local auto dev lo mss off ms auto
bad "tunnel add: unknown argument" 'Error: unknown argument "bar"' \
	tunnel add t0 remote $R local auto dev lo bar
bad "tunnel add: ambiguous t (token, tclass)" 'Error: ambiguous argument "t"' \
	tunnel add t0 remote $R local auto t ::feed dev lo
bad "tunnel add: ambiguous m (mtu, mss)" 'Error: ambiguous argument "m"' \
	tunnel add t0 remote $R local auto dev lo m 1400
bad "tunnel add: ambiguous f (flowlabel, fastpath)" 'Error: ambiguous argument "f"' \
	tunnel add t0 remote $R local auto dev lo f 7
bad "tunnel add: fastpath twice, abbreviated" 'Error: duplicate "fa"' \
	tunnel add t0 remote $R local auto dev lo fastpath on fa off

# tunnel add: names and addresses.
bad "tunnel add: name too long" \
	'Error: invalid tunnel name "abcdefghijklmnop" (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add abcdefghijklmnop remote $R local auto dev lo
bad "tunnel add: name with a slash" \
	'Error: invalid tunnel name "a/b" (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add a/b remote $R local auto dev lo
bad "tunnel add: name with a colon" \
	'Error: invalid tunnel name "t:0" (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add t:0 remote $R local auto dev lo
bad "tunnel add: name .." \
	'Error: invalid tunnel name ".." (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add .. remote $R local auto dev lo
bad "tunnel add: invalid remote" 'Error: invalid remote address "x"' \
	tunnel add t0 remote x local auto dev lo
bad "tunnel add: remote with a length" \
	'Error: invalid remote address "2001:db8::1/64"' \
	tunnel add t0 remote 2001:db8::1/64 local auto dev lo
bad "tunnel add: IPv4 remote" 'Error: invalid remote address "192.0.2.1"' \
	tunnel add t0 remote 192.0.2.1 local auto dev lo
bad "tunnel add: multicast remote" \
	'Error: remote address "ff02::1" is not a unicast address' \
	tunnel add t0 remote ff02::1 local auto dev lo
bad "tunnel add: remote ::" 'Error: remote address "::" is not a unicast address' \
	tunnel add t0 remote :: local auto dev lo
bad "tunnel add: IPv4-mapped remote" \
	'Error: remote address "::ffff:192.0.2.1" is not a unicast address' \
	tunnel add t0 remote ::ffff:192.0.2.1 local auto dev lo
bad "tunnel add: invalid local" 'Error: invalid local address "x"' \
	tunnel add t0 remote $R local x dev lo
bad "tunnel add: local AUTO is no word" 'Error: invalid local address "AUTO"' \
	tunnel add t0 remote $R local AUTO dev lo
bad "tunnel add: multicast local" \
	'Error: local address "ff02::2" is not a unicast address' \
	tunnel add t0 remote $R local ff02::2 dev lo

# tunnel add: token.
bad "tunnel add: token with a fixed local" 'Error: token needs "local auto"' \
	tunnel add t0 remote $R local 2001:db8::1 token ::feed dev lo
bad "tunnel add: token not an interface ID" \
	'Error: token "2001::feed" is not an interface ID (first 64 bits must be zero)' \
	tunnel add t0 remote $R local auto token 2001::feed dev lo
bad "tunnel add: zero token" \
	'Error: token "::" is the zero interface ID, which no address has' \
	tunnel add t0 remote $R local auto token :: dev lo
bad "tunnel add: token none is for change" \
	'Error: invalid token "none" (expected an interface ID such as ::feed)' \
	tunnel add t0 remote $R local auto token none dev lo
bad "tunnel add: token is a word" \
	'Error: invalid token "feed" (expected an interface ID such as ::feed)' \
	tunnel add t0 remote $R local auto token feed dev lo

# tunnel add: numbers.
badnum()
{
	local what=$1 val=$2 expected=$3

	bad "tunnel add: $what \"$val\"" \
		"Error: invalid $what \"$val\" (expected $expected)" \
		tunnel add t0 remote $R local auto dev lo "$what" "$val"
}
for v in x 67 65488 -1 0x 1e3 " 1460" 70000; do badnum mtu "$v" 68..65487; done
for v in 87 0 65535 x AUTO of 0x10000; do
	badnum mss "$v" "auto, off or 88..65534"
done
for v in 0 256 x -1; do badnum hoplimit "$v" 1..255; done
for v in 256 0x100 inherited -1 ff; do badnum tclass "$v" "inherit or 0..255"; done
for v in 0x100000 1048576 x none; do
	badnum flowlabel "$v" "inherit or 0..0xfffff"
done
for v in 256 0x100 65535 inherit x; do badnum encaplimit "$v" "none or 0..255"; done
for v in 1 0 0x1 yes true ON o of none; do badnum fastpath "$v" "on or off"; done
bad "tunnel add: abbreviated keyword, value named in full" \
	'Error: invalid encaplimit "9999" (expected none or 0..255)' \
	tunnel add t0 remote $R local auto dev lo e 9999
bad "tunnel add: unknown device" "Error: unknown device \"$NODEV\"" \
	tunnel add t0 remote $R local auto token ::feed dev "$NODEV" mtu 1460 mss auto
bad "tunnel add: abbreviated keywords, unknown device" \
	"Error: unknown device \"$NODEV\"" \
	tu a t0 r $R l auto to ::feed d "$NODEV" mt 1400 ms 1360 ho 64 tc 0x20 fl 7 e none fa on
bad "tunnel add: bad value wins over unknown device" \
	'Error: invalid hoplimit "0" (expected 1..255)' \
	tunnel add t0 remote $R local auto dev "$NODEV" hoplimit 0

# tunnel change, del, show: arguments.
bad "tunnel change: nothing" 'Error: missing "NAME"' tunnel change
bad "tunnel change: no settings" \
	'Error: nothing to change (try "nptctl tunnel change help")' tunnel change t0
bad "tunnel change: bad mtu" 'Error: invalid mtu "65536" (expected 68..65487)' \
	tunnel change t0 mtu 65536
bad "tunnel change: bad fastpath, abbreviated" \
	'Error: invalid fastpath "enabled" (expected on or off)' \
	tunnel change t0 fas enabled
bad "tunnel change: token with a fixed local" 'Error: token needs "local auto"' \
	tunnel change t0 local 2001:db8::1 token ::feed
bad "tunnel change: bad remote" 'Error: remote address "ff02::1" is not a unicast address' \
	tunnel change t0 remote ff02::1
bad "tunnel change: unknown device" "Error: unknown device \"$NODEV\"" \
	tunnel change t0 dev "$NODEV"
bad "tunnel del: nothing" 'Error: missing "NAME"' tunnel del
bad "tunnel del: unknown argument" 'Error: unknown argument "extra"' \
	tunnel del t0 extra
bad "tunnel delete: no settings" 'Error: unknown argument "remote"' \
	tunnel delete t0 remote $R
bad "tunnel show: two names" 'Error: unknown argument "b"' tunnel show a b
bad "tunnel ls: no dev" 'Error: unknown argument "lo"' tunnel ls dev lo

# batch: mistakes found before anything is sent, each named by file and line.
B="$TMP/batch.conf"
# batchfile LINES...: write $B, one argument a line.
batchfile() { printf '%s\n' "$@" >"$B"; }
batchfile "# comment" "" "add fd00::/64 2406::/64 dev lo" \
	"add fd00::1/64 2406::/64 dev lo"
bad "batch: error names the file, the line and the word" \
	"Error: $B:4: prefix \"fd00::1/64\" has host bits set (did you mean fd00::/64?)" -b "$B"
batchfile "frob fd00::/64"
bad "batch: unknown command" "Error: $B:1: unknown command \"frob\"" -b "$B"
batchfile "flush" "  sh dev lo"
bad "batch: show is no batch command" \
	"Error: $B:2: command \"sh\" is not allowed in a batch file (only add, del, flush and tunnel add|change|del)" -b "$B"
batchfile "monitor"
bad "batch: monitor is no batch command" \
	"Error: $B:1: command \"monitor\" is not allowed in a batch file (only add, del, flush and tunnel add|change|del)" -b "$B"
batchfile "tunnel show"
bad "batch: tunnel show is no batch command" \
	"Error: $B:1: \"tunnel show\" is not allowed in a batch file (only add, change and del)" -b "$B"
batchfile "add help"
bad "batch: help is refused" "Error: $B:1: \"help\" is not allowed in a batch file" -b "$B"
batchfile "-j add fd00::/64 2406::/64 dev lo"
bad "batch: global options are refused on a line" \
	"Error: $B:1: global option \"-j\" is not allowed in a batch file (give it before -b)" -b "$B"
batchfile "nptctl flush"
bad "batch: a leading nptctl is refused" \
	"Error: $B:1: unexpected \"nptctl\": batch lines are commands without it" -b "$B"
batchfile "flush" "add fd00::/64 2406::/64 dev $NODEV"
bad "batch: unknown device" "Error: $B:2: unknown device \"$NODEV\"" -b "$B"
batchfile "tunnel change t0"
bad "batch: tunnel change without settings" \
	"Error: $B:1: nothing to change (try \"nptctl tunnel change help\")" -b "$B"
batchfile "tunnel del $LONGDEV"
bad "batch: tunnel del of a name no device can have" \
	"Error: $B:1: unknown device \"$LONGDEV\"" -b "$B"
printf 'flush\nadd fd00::/64 2406::/64 dev lo\0 x\n' >"$B"
bad "batch: NUL byte" "Error: $B:2: NUL byte in line" -b "$B"
bad "batch: missing file" "Error: Unable to open \"$TMP/nope\": No such file or directory" \
	-b "$TMP/nope"
bad "batch: -b without FILE" 'Error: missing "FILE" after "-b"' -b
batchfile "flush"
bad "batch: a command after -b FILE" \
	"Error: unexpected \"flush\" after \"-b $B\" (the commands are in the file)" -b "$B" flush
printf '# nothing\n\n   # at all\n' >"$B"
expect "batch: only comments change nothing, successfully" 0 "" "" -- \
	"${WRAP[@]}" "$NPTCTL" -b "$B"
printf 'flush\n  add fd00::/64 2406::/64 dev lo ndproxy on\n' |
	"${WRAP[@]}" "$NPTCTL" -b - >"$TMP/out" 2>"$TMP/err"
check_output "batch: stdin is <stdin> in messages" $? 1 \
	'Error: <stdin>:2: invalid ndproxy mode "on" (expected auto, all or off)' ""
log_test $? "batch: stdin is <stdin> in messages"

# -c: colour.
bad "cli: -color=WHEN" \
	'Error: invalid color "sometimes" in "-color=sometimes" (expected always, auto or never)' \
	-color=sometimes show
bad "cli: only -color takes =" 'Error: unknown option "-json=yes" (try "nptctl -h")' \
	-json=yes show
