# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, after the tests before it: "nptctl tunnel" against fake_rtnl: the attributes it sends, and how
# it decodes and prints what comes back.

# ------------------------------------------ tunnels, against a fake rtnetlink

FAKE_TNL_TESTS=(
	"fake tunnel: add transix sends LINK, REMOTE, LOCAL_AUTO, TOKEN"
	"fake tunnel: add site-to-site with every setting"
	"fake tunnel: add with the words for the defaults"
	"fake tunnel: add at the bounds, decimal tclass and flowlabel"
	"fake tunnel: change mtu only sends no LINKINFO"
	"fake tunnel: change mss and encaplimit"
	"fake tunnel: change to a fixed local drops the token"
	"fake tunnel: change a fixed tunnel to auto with a token"
	"fake tunnel: change token of a fixed tunnel refused"
	"fake tunnel: change token none sends TOKEN ::"
	"fake tunnel: change token of an auto tunnel"
	"fake tunnel: change remote and dev"
	"fake tunnel: change of another kind refused"
	"fake tunnel: change of a kind that only starts like ours"
	"fake tunnel: change of an unknown device"
	"fake tunnel: del looks up, then deletes by index"
	"fake tunnel: del of another kind sends no DELLINK"
	"fake tunnel: del of a link without a kind"
	"fake tunnel: del of an unknown device"
	"fake tunnel: show, sorted, other kinds left out"
	"fake tunnel: -s show adds the counters"
	"fake tunnel: -j -s show"
	"fake tunnel: -j show of an inactive auto tunnel"
	"fake tunnel: show of one tunnel"
	"fake tunnel: -p show of a fixed tunnel"
	"fake tunnel: show of another kind refused"
	"fake tunnel: bare tunnel is show"
	"fake tunnel: unknown kind means no module"
	"fake tunnel: add of an existing name"
	"fake tunnel: add, extack message printed as the error"
	"fake tunnel: del, extack message printed as the error"
	"fake tunnel: EPERM on the dump"
	"fake tunnel: EPERM on the lookup"
	"fake tunnel: change of a link gone since the lookup"
	"fake tunnel: del of a link gone since the lookup"
	"fake tunnel: interrupted dump retried"
	"fake tunnel: malformed REMOTE refused"
	"fake tunnel: tunnel without a local address refused"
	"fake tunnel: short IFLA_STATS64 refused"
	"fake tunnel: local errors send nothing"
	"fake tunnel: change fastpath"
	"fake tunnel: fastpath on refused for a module without it"
	"fake tunnel: fastpath off not sent to a module without it"
)

# fake_tnl SCENARIO DESC RC STDERR STDOUT LOG ARGS...: run the test build of
# nptctl against fake_rtnl, then compare its requests with LOG too.
fake_tnl()
{
	local scenario=$1 desc=$2 want_rc=$3 want_err=$4 want_out=$5 want_log=$6
	local fail=1
	shift 6

	if start_fake "$scenario" "$TMP/fake_rtnl"; then
		compare "$desc" "$want_rc" "$want_err" "$want_out" -- \
			env NPTCTL_TEST_RTNL_PEER="$(cat "$TMP/port")" \
			timeout 10 "${WRAP[@]}" "$TMP/nptctl-hooked" "$@"
		fail=$?
	fi
	stop_fake "$desc" "$want_log" || fail=1
	log_test $fail "$desc"
}

fake_tunnel_tests()
{
	local t R=2404:8e00::feed:140 dump get0 t0 t1 tun1 s0 s1 s2 j0 j1 j2
	local new='newlink flags=0x605 index=0' data='linkinfo{ kind=npt6tnl data{'
	local NOTNPT='is not an npt6 tunnel'

	if ! has_net_admin; then
		for t in "${FAKE_TNL_TESTS[@]}"; do log_test $ksft_skip "$t"; done
		return
	fi
	if [ ! -x "$TMP/nptctl-hooked" ] ||
	   ! cc "${CFLAGS[@]}" $MNL_CFLAGS -o "$TMP/fake_rtnl" "$HERE/fake_rtnl.c" \
		$MNL_LIBS >"$TMP/build.log" 2>&1; then
		cat "$TMP/build.log" >&2
		for t in "${FAKE_TNL_TESTS[@]}"; do log_test 1 "$t"; done
		return
	fi

	# add: exactly what goes on the wire.
	fake_tnl ok "${FAKE_TNL_TESTS[0]}" 0 "" "" \
		"$new ifname=sit1 $data link=1 remote=$R local_auto token=::feed } }" \
		tunnel add sit1 remote $R local auto token ::feed dev lo
	fake_tnl ok "${FAKE_TNL_TESTS[1]}" 0 "" "" \
		"$new ifname=tun1 mtu=1400 $data link=1 remote=2001:db8:2::7 local=2001:db8:1::c53b hoplimit=255 tclass=0xb8 flowlabel=0x12345 encaplimit=4 mss=0 fastpath=1 } }" \
		tunnel add tun1 remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo \
		mtu 1400 mss off hoplimit 255 tclass 0xb8 flowlabel 0x12345 encaplimit 4 \
		fastpath on
	fake_tnl ok "${FAKE_TNL_TESTS[2]}" 0 "" "" \
		"$new ifname=t0 $data link=1 remote=$R local_auto tclass=0xffffffff flowlabel=0xffffffff encaplimit=65535 mss=65535 fastpath=0 } }" \
		tunnel add t0 encaplimit none flowlabel inherit remote $R dev lo \
		tclass inherit fastpath off mss auto local auto
	fake_tnl ok "${FAKE_TNL_TESTS[3]}" 0 "" "" \
		"$new ifname=abcdefghijklmno mtu=65487 $data link=1 remote=::1 local=::2 hoplimit=1 tclass=0xff flowlabel=0xfffff encaplimit=0 mss=88 fastpath=0 } }" \
		tu a abcdefghijklmno r ::1 l ::2 d lo mt 65487 ms 88 ho 1 tc 255 \
		fl 1048575 e 0 fa off

	# change: looked up first, then only what was given, by index.
	get0='getlink flags=0x5 index=0 ifname=t0'
	fake_tnl ok "${FAKE_TNL_TESTS[4]}" 0 "" "" "$get0
newlink flags=0x5 index=7 mtu=1280" tunnel change t0 mtu 1280
	fake_tnl ok "${FAKE_TNL_TESTS[5]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data encaplimit=4 mss=1400 } }" \
		tunnel change t0 mss 1400 encaplimit 4
	fake_tnl ok "${FAKE_TNL_TESTS[6]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data local=2001:db8::1 token=:: } }" \
		tunnel change t0 local 2001:db8::1
	fake_tnl ok "${FAKE_TNL_TESTS[7]}" 0 "" "" "getlink flags=0x5 index=0 ifname=tun1
newlink flags=0x5 index=9 $data local_auto token=::1 } }" \
		tunnel c tun1 token ::1 local auto
	fake_tnl ok "${FAKE_TNL_TESTS[8]}" 1 'Error: token needs "local auto"' "" \
		"getlink flags=0x5 index=0 ifname=tun1" tunnel change tun1 token ::1
	fake_tnl ok "${FAKE_TNL_TESTS[9]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data token=:: } }" tunnel change t0 token none
	fake_tnl ok "${FAKE_TNL_TESTS[10]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data token=::2 } }" tunnel change t0 token ::2
	fake_tnl ok "${FAKE_TNL_TESTS[11]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data link=1 remote=2001:db8::9 } }" \
		tunnel change t0 dev lo remote 2001:db8::9
	fake_tnl ok "${FAKE_TNL_TESTS[12]}" 1 "Error: \"eth0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=eth0" tunnel change eth0 mtu 1400
	fake_tnl ok "${FAKE_TNL_TESTS[13]}" 1 "Error: \"fake0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=fake0" tunnel change fake0 mss off
	fake_tnl ok "${FAKE_TNL_TESTS[14]}" 1 'Error: unknown device "nope"' "" \
		"getlink flags=0x5 index=0 ifname=nope" tunnel change nope mtu 1400

	# del: never of a link that is not ours.
	fake_tnl ok "${FAKE_TNL_TESTS[15]}" 0 "" "" "$get0
dellink flags=0x5 index=7" tunnel del t0
	fake_tnl ok "${FAKE_TNL_TESTS[16]}" 1 "Error: \"eth0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=eth0" tunnel delete eth0
	fake_tnl ok "${FAKE_TNL_TESTS[17]}" 1 "Error: \"lo\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=lo" tunnel d lo
	fake_tnl ok "${FAKE_TNL_TESTS[18]}" 1 'Error: unknown device "nope"' "" \
		"getlink flags=0x5 index=0 ifname=nope" tunnel del nope

	# show.  t1's reply has no FASTPATH, as an older module's: nothing is
	# shown for it, in text or JSON.
	dump="getlink flags=0x305 index=0 linkinfo{ kind=npt6tnl }"
	t0="t0: remote $R local auto token ::feed (now 2400:1:2:3::feed) dev lo mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none fastpath off"
	t1="t1: remote $R local auto (no address yet) dev if99999 mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none"
	tun1="tun1: remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo mtu 1400 mss off hoplimit 255 tclass 0xb8 flowlabel 0x12345 encaplimit 4 fastpath on"
	s0='    rx: packets 100 bytes 102 errors 104 dropped 106  tx: packets 101 bytes 103 errors 105 dropped 107 carrier 117'
	s1='    rx: packets 0 bytes 0 errors 0 dropped 0  tx: packets 0 bytes 0 errors 0 dropped 0 carrier 0'
	s2='    rx: packets 1099511627776 bytes 1099511627778 errors 1099511627780 dropped 1099511627782  tx: packets 1099511627777 bytes 1099511627779 errors 1099511627781 dropped 1099511627783 carrier 1099511627793'
	j0="{\"name\":\"t0\",\"ifindex\":7,\"remote\":\"$R\",\"local\":null,\"local_auto\":true,\"token\":\"::feed\",\"active_local\":\"2400:1:2:3::feed\",\"dev\":\"lo\",\"mtu\":1460,\"mss\":\"auto\",\"hoplimit\":64,\"tclass\":\"inherit\",\"flowlabel\":\"inherit\",\"encaplimit\":\"none\",\"fastpath\":false"
	j1="{\"name\":\"t1\",\"ifindex\":8,\"remote\":\"$R\",\"local\":null,\"local_auto\":true,\"token\":null,\"active_local\":null,\"dev\":\"if99999\",\"mtu\":1460,\"mss\":\"auto\",\"hoplimit\":64,\"tclass\":\"inherit\",\"flowlabel\":\"inherit\",\"encaplimit\":\"none\""
	j2='{"name":"tun1","ifindex":9,"remote":"2001:db8:2::7","local":"2001:db8:1::c53b","local_auto":false,"token":null,"active_local":"2001:db8:1::c53b","dev":"lo","mtu":1400,"mss":"off","hoplimit":255,"tclass":184,"flowlabel":74565,"encaplimit":4,"fastpath":true'
	fake_tnl ok "${FAKE_TNL_TESTS[19]}" 0 "" "$t0
$t1
$tun1" "$dump" tunnel show
	fake_tnl ok "${FAKE_TNL_TESTS[20]}" 0 "" "$t0
$s0
$t1
$s1
$tun1
$s2" "$dump" -s tunnel ls
	fake_tnl ok "${FAKE_TNL_TESTS[21]}" 0 "" \
		"[$j0,\"stats\":{\"rx\":{\"packets\":100,\"bytes\":102,\"errors\":104,\"dropped\":106},\"tx\":{\"packets\":101,\"bytes\":103,\"errors\":105,\"dropped\":107,\"carrier\":117}}},$j1,\"stats\":{\"rx\":{\"packets\":0,\"bytes\":0,\"errors\":0,\"dropped\":0},\"tx\":{\"packets\":0,\"bytes\":0,\"errors\":0,\"dropped\":0,\"carrier\":0}}},$j2,\"stats\":{\"rx\":{\"packets\":1099511627776,\"bytes\":1099511627778,\"errors\":1099511627780,\"dropped\":1099511627782},\"tx\":{\"packets\":1099511627777,\"bytes\":1099511627779,\"errors\":1099511627781,\"dropped\":1099511627783,\"carrier\":1099511627793}}}]" \
		"$dump" -j -s tunnel show
	fake_tnl ok "${FAKE_TNL_TESTS[22]}" 0 "" "[$j1}]" "getlink flags=0x5 index=0 ifname=t1" \
		-j tunnel show t1
	fake_tnl ok "${FAKE_TNL_TESTS[23]}" 0 "" "$t0" "$get0" tunnel list t0
	fake_tnl ok "${FAKE_TNL_TESTS[24]}" 0 "" '[
    {
        "name": "tun1",
        "ifindex": 9,
        "remote": "2001:db8:2::7",
        "local": "2001:db8:1::c53b",
        "local_auto": false,
        "token": null,
        "active_local": "2001:db8:1::c53b",
        "dev": "lo",
        "mtu": 1400,
        "mss": "off",
        "hoplimit": 255,
        "tclass": 184,
        "flowlabel": 74565,
        "encaplimit": 4,
        "fastpath": true
    }
]' "getlink flags=0x5 index=0 ifname=tun1" -p tunnel show tun1
	fake_tnl ok "${FAKE_TNL_TESTS[25]}" 1 "Error: \"eth0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=eth0" tunnel show eth0
	fake_tnl ok "${FAKE_TNL_TESTS[26]}" 0 "" "$t0
$t1
$tun1" "$dump" tunnel

	# The kernel's errors.
	fake_tnl notloaded "${FAKE_TNL_TESTS[27]}" 1 "$NOTLOADED" "" \
		"$new ifname=sit1 $data link=1 remote=$R local_auto token=::feed } }" \
		tunnel add sit1 remote $R local auto token ::feed dev lo
	fake_tnl exists "${FAKE_TNL_TESTS[28]}" 1 'Error: device "t0" already exists' "" \
		"$new ifname=t0 $data link=1 remote=$R local=2001:db8::1 } }" \
		tunnel add t0 remote $R local 2001:db8::1 dev lo
	fake_tnl extack "${FAKE_TNL_TESTS[29]}" 1 'Error: A token needs local auto' "" \
		"$new ifname=t0 $data link=1 remote=$R local=2001:db8::1 } }" \
		tunnel add t0 remote $R local 2001:db8::1 dev lo
	fake_tnl extack "${FAKE_TNL_TESTS[30]}" 1 'Error: A token needs local auto' "" "$get0
dellink flags=0x5 index=7" tunnel del t0
	fake_tnl eperm "${FAKE_TNL_TESTS[31]}" 1 \
		'Error: Unable to list tunnels: Operation not permitted' "" \
		"$dump" -j tunnel show
	fake_tnl eperm "${FAKE_TNL_TESTS[32]}" 1 \
		'Error: Unable to find device "t0": Operation not permitted' "" \
		"$get0" tunnel del t0
	fake_tnl gone "${FAKE_TNL_TESTS[33]}" 1 'Error: unknown device "t0"' "" "$get0
newlink flags=0x5 index=7 mtu=1400" tunnel change t0 mtu 1400
	fake_tnl gone "${FAKE_TNL_TESTS[34]}" 1 'Error: unknown device "t0"' "" "$get0
dellink flags=0x5 index=7" tunnel del t0
	fake_tnl intr "${FAKE_TNL_TESTS[35]}" 0 "" "$t0
$t1
$tun1" "$dump
$dump" tunnel show
	fake_tnl badattr "${FAKE_TNL_TESTS[36]}" 1 \
		'Error: Unable to list tunnels: Protocol error' "" "$dump" tunnel show
	fake_tnl nolocal "${FAKE_TNL_TESTS[37]}" 1 \
		'Error: Unable to list tunnels: Protocol error' "" "$dump" tunnel show
	fake_tnl shortstats "${FAKE_TNL_TESTS[38]}" 1 \
		'Error: Unable to list tunnels: Protocol error' "" "$dump" -s tunnel show
	fake_tnl ok "${FAKE_TNL_TESTS[39]}" 1 'Error: invalid mss "87" (expected auto, off or 88..65534)' \
		"" "" tunnel add t0 remote $R local auto dev lo mss 87

	# fastpath: sent when given; where the module's reply has none (t1),
	# which it would ignore, on is refused and off is so already.
	fake_tnl ok "${FAKE_TNL_TESTS[40]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data fastpath=1 } }" tunnel change t0 fastpath on
	fake_tnl ok "${FAKE_TNL_TESTS[41]}" 1 \
		'Error: the npt6 module is too old for fastpath' "" \
		"getlink flags=0x5 index=0 ifname=t1" tunnel change t1 mtu 1400 fastpath on
	fake_tnl ok "${FAKE_TNL_TESTS[42]}" 0 "" "" "getlink flags=0x5 index=0 ifname=t1
newlink flags=0x5 index=8 mtu=1400" tunnel change t1 fastpath off mtu 1400
}
fake_tunnel_tests
