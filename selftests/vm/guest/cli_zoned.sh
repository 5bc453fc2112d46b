#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest: the urpt CLI's zone commands (busybox sh; run by guest/check.sh)
# on a zoned null_blk made here through configfs: 64 MiB of 8 MiB zones,
# the first conventional.
#
#  cli-zoned  urpt info shows the zone fields; urpt zones lists every
#             zone (table and JSON) and a range of them; urpt append
#             twice into one zone (and once more with --fua --bounce)
#             says where each landed, and the data reads back there; urpt zone finish, open, close and reset
#             leave the conditions the report shows; reset --all empties
#             every sequential zone; bad input (an offset off a zone
#             start, --all with finish, a missing action) is exit 2 with
#             its message; what the disk refuses (finish of a
#             conventional zone) exit 1; a disk without zones exit 1.
# One TAP line per check.
TIMEOUT=60
RUN_OUT_LINES=12
CFS=/sys/kernel/config/nullb/clizoned
ZONE=8388608

. /jobs/tap.sh
. /jobs/cli_run.sh

begin cli-zoned
if [ ! -x /bin/urpt ]; then
	nok "urpt CLI not packed (user build failed?)"
	end cli-zoned
	exit 0
fi
if ! mkdir $CFS 2>/dev/null; then
	skip "a zoned null_blk" "configfs or null_blk missing"
	end cli-zoned
	exit 0
fi
for kv in memory_backed=1 blocksize=512 size=64 submit_queues=1 poll_queues=0 \
	zoned=1 zone_size=8 zone_nr_conv=1 power=1; do
	echo "${kv#*=}" >"$CFS/${kv%%=*}" || echo "# $CFS/${kv%%=*} = ${kv#*=} failed"
done
blk=/dev/clizoned
[ -b $blk ] || blk=/dev/nullb$(cat $CFS/index)
i=0
while [ ! -b $blk ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

run att urpt attach $blk
dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/att.out | head -n 1)
if [ -z "$dev" ]; then
	nok "urpt attach $blk (a zoned null_blk): a node"
	echo 0 >$CFS/power
	rmdir $CFS
	end cli-zoned
	exit 0
fi
ok "urpt attach $blk (a zoned null_blk): $dev"

run info urpt info "$dev" --no-nvme
zone_info() {
	[ $rc = 0 ] && grep -q '^zoned: *host-managed$' /tmp/info.out &&
		grep -q "^zone size: *$ZONE$" /tmp/info.out &&
		grep -q '^zones: *8$' /tmp/info.out &&
		grep -q '^features:.* zoned' /tmp/info.out
}
check "urpt info $dev: host-managed, 8 zones of 8 MiB, the zoned feature" zone_info

# line N of the table (1 is the first zone)
row() { sed -n "$(($1 + 1))p" /tmp/zones.out; }
zrow() { # zrow START LEN CAP WP TYPE COND: the table has that zone
	awk -v s="$1" -v l="$2" -v c="$3" -v w="$4" -v t="$5" -v k="$6" \
		'$1 == s && $2 == l && $3 == c && $4 == w && $5 == t && $6 == k { f = 1 } END { exit !f }' \
		/tmp/zones.out
}
run zones urpt zones "$dev"
all_zones() {
	[ $rc = 0 ] && [ "$(wc -l </tmp/zones.out)" = 9 ] &&
		zrow 0 $ZONE $ZONE $ZONE conventional not-write-pointer &&
		zrow $ZONE $ZONE $ZONE $ZONE seq-write-required empty &&
		zrow $((7 * ZONE)) $ZONE $ZONE $((7 * ZONE)) seq-write-required empty
}
check "urpt zones $dev: 8 zones, the first conventional, the others empty" all_zones
run zones urpt zones "$dev" --offset 17M --count 2
some_zones() {
	[ $rc = 0 ] && [ "$(wc -l </tmp/zones.out)" = 3 ] &&
		[ "$(row 1 | awk '{print $1}')" = $((2 * ZONE)) ] &&
		[ "$(row 2 | awk '{print $1}')" = $((3 * ZONE)) ]
}
check "urpt zones --offset 17M --count 2: zones 2 and 3" some_zones
run zjson urpt zones "$dev" --json
zones_json() {
	[ $rc = 0 ] && [ "$(grep -o '"start": ' /tmp/zjson.out | wc -l)" = 8 ] &&
		grep -q '"type": "conventional", "cond": "not-write-pointer"' /tmp/zjson.out &&
		grep -q "^{\"device\": \"$dev\", \"zones\": \[" /tmp/zjson.out
}
check "urpt zones --json: an object with 8 zones" zones_json

dd if=/dev/urandom of=/tmp/z1.in bs=4096 count=2 2>/dev/null
dd if=/dev/urandom of=/tmp/z2.in bs=4096 count=2 2>/dev/null
run app1 urpt append "$dev" --offset 8M --input /tmp/z1.in
check "urpt append 8 KiB to the zone at 8M: landed at its start" \
	grep -qx "8192 bytes appended at $ZONE" /tmp/app1.out
run app2 urpt append "$dev" --offset 8M --input /tmp/z2.in --json
check "urpt append --json again: landed after the first" \
	grep -qx "{\"device\": \"$dev\", \"zone\": $ZONE, \"length\": 8192, \"landed\": $((ZONE + 8192))}" /tmp/app2.out
run back urpt read "$dev" --offset $((ZONE + 8192)) --length 8k --output /tmp/z2.out
check "urpt read where the second append landed: its data" cmp -s /tmp/z2.in /tmp/z2.out
run zones urpt zones "$dev" --offset 8M --count 1
check "urpt zones: the zone at 8M is implicitly open, wp after both appends" \
	zrow $ZONE $ZONE $ZONE $((ZONE + 16384)) seq-write-required implicit-open
run app4 urpt append "$dev" --offset 8M --input /tmp/z1.in --fua --bounce
check "urpt append --fua --bounce: landed after both" \
	grep -qx "8192 bytes appended at $((ZONE + 16384))" /tmp/app4.out
run back urpt read "$dev" --offset $((ZONE + 16384)) --length 8k --output /tmp/z4.out
check "urpt read where the --fua --bounce append landed: its data" cmp -s /tmp/z1.in /tmp/z4.out

run fin urpt zone finish "$dev" --offset 8M
run zones urpt zones "$dev" --offset 8M --count 1
check "urpt zone finish --offset 8M: full" \
	zrow $ZONE $ZONE $ZONE $((2 * ZONE)) seq-write-required full
run opn urpt zone open "$dev" --offset 16M
run zones urpt zones "$dev" --offset 16M --count 1
check "urpt zone open --offset 16M: explicitly open" \
	zrow $((2 * ZONE)) $ZONE $ZONE $((2 * ZONE)) seq-write-required explicit-open
run cls urpt zone close "$dev" --offset 16M
run zones urpt zones "$dev" --offset 16M --count 1
check "urpt zone close --offset 16M: empty again (nothing written)" \
	zrow $((2 * ZONE)) $ZONE $ZONE $((2 * ZONE)) seq-write-required empty
run rst urpt zone reset "$dev" --offset 8M
run zones urpt zones "$dev" --offset 8M --count 1
check "urpt zone reset --offset 8M: empty, wp at its start" \
	zrow $ZONE $ZONE $ZONE $ZONE seq-write-required empty
run app3 urpt append "$dev" --offset 24M --input /tmp/z1.in
run all urpt zone reset "$dev" --all
run zones urpt zones "$dev"
reset_all() {
	[ $rc = 0 ] && ! grep -q 'implicit-open\|full' /tmp/zones.out &&
		[ "$(grep -c ' empty$' /tmp/zones.out)" = 7 ]
}
check "urpt zone reset --all: every sequential zone empty" reset_all

usage() { # usage DESCRIPTION MESSAGE CMD...: exit 2 and MESSAGE on stderr
	d=$1
	m=$2
	shift 2
	run usage "$@"
	if [ $rc = 2 ] && grep -q -- "$m" /tmp/usage.err; then ok "$d"; else nok "$d (exit $rc)"; fi
}
usage "urpt append off a zone start: exit 2" "does not start a zone" \
	urpt append "$dev" --offset $((ZONE + 512)) --input /tmp/z1.in
usage "urpt zone finish --all: exit 2" "\-\-all goes with reset only" \
	urpt zone finish "$dev" --all
usage "urpt zone without an action: exit 2" "unknown zone action" \
	urpt zone "$dev" --offset 0
usage "urpt zone reset --offset 3M: exit 2" "does not start a zone" \
	urpt zone reset "$dev" --offset 3M
run conv urpt zone finish "$dev" --offset 0
check "urpt zone finish of the conventional zone: exit 1 (the disk refuses)" [ $rc = 1 ]

run det urpt detach "${dev#/dev/urpt}"
check "urpt detach ${dev#/dev/urpt}" [ $rc = 0 ]
echo 0 >$CFS/power
rmdir $CFS

# A disk without zones.
run att urpt attach /dev/nullb0
dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/att.out | head -n 1)
if [ -n "$dev" ]; then
	run plain urpt zones "$dev"
	check "urpt zones on nullb0 (no zones): exit 1, the 'zoned' feature named" \
		sh -c "[ $rc = 1 ] && grep -q \"no 'zoned' feature\" /tmp/plain.err"
	run det urpt detach "${dev#/dev/urpt}"
else
	nok "urpt attach /dev/nullb0 (a disk without zones)"
fi
end cli-zoned
