#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest: a DEV that is no urpt node, and urpt help (busybox sh; run by
# guest/check.sh).
#
#  cli-dev  urpt info on a block device (/dev/nullb0), the control node,
#           /dev/null and a path that does not exist: each refused with
#           exit status 3 and its own message, as urpt(1)'s ERRORS has
#           them; urpt read on the block device and urpt nvme --uring on
#           /dev/null the same way; urpt help, urpt help read and urpt -h
#           print help and exit 0; urpt info on /dev/urptN attached to
#           nullb0 still works; urpt verify of the whole disk without
#           --force, stdin no terminal, exits 2 naming the disk and writes
#           nothing, while a range or --force needs no question.
# One TAP line per check.
TIMEOUT=60
RUN_OUT_LINES=20	# of a command's stdout, shown by run
BLOCK=/dev/nullb0
CONTROL=/dev/urpt-control

# now, since, begin, end, ok, nok, skip, check
. /jobs/tap.sh
# run
. /jobs/cli_run.sh

# refused DESCRIPTION MESSAGE CMD...: CMD exits 3, and its stderr is the
# one line "urpt: MESSAGE".
refused() {
	desc=$1
	msg=$2
	shift 2
	run refused "$@"
	if [ $rc = 3 ] && [ "$(cat /tmp/refused.err)" = "urpt: $msg" ]; then
		ok "$desc: exit 3, '$msg'"
	else
		nok "$desc: exit 3, '$msg' (got exit $rc)"
	fi
}

begin cli-dev
if [ ! -x /bin/urpt ]; then
	nok "urpt CLI not packed (user build failed?)"
	end cli-dev
	exit 0
fi

if [ -b $BLOCK ]; then
	refused "urpt info $BLOCK (a block device)" \
		"$BLOCK is a block device, not a urpt node: attach it first: urpt attach $BLOCK" \
		urpt info $BLOCK
	refused "urpt read $BLOCK --length 4k (a block device)" \
		"$BLOCK is a block device, not a urpt node: attach it first: urpt attach $BLOCK" \
		urpt read $BLOCK --length 4k
else
	skip "urpt info $BLOCK (a block device)" "$BLOCK is missing"
	skip "urpt read $BLOCK (a block device)" "$BLOCK is missing"
fi
if [ -c $CONTROL ]; then
	refused "urpt info $CONTROL (the control node)" \
		"$CONTROL is the control node; commands go to a /dev/urptN node (urpt list shows them)" \
		urpt info $CONTROL
else
	nok "urpt info $CONTROL (the control node): $CONTROL is missing (urpt.ko not loaded?)"
fi
refused "urpt info /dev/null (a character device of class mem)" \
	"/dev/null is not a urpt node (a character device of class mem)" \
	urpt info /dev/null
refused "urpt nvme id-ctrl /dev/null --uring" \
	"/dev/null is not a urpt node or an NVMe node (a character device of class mem)" \
	urpt nvme id-ctrl /dev/null --uring
echo data >/tmp/cli-dev.file
refused "urpt info /tmp/cli-dev.file (a regular file)" \
	"/tmp/cli-dev.file is not a urpt node (a regular file)" \
	urpt info /tmp/cli-dev.file
# urpt.ko is loaded: no "is urpt.ko loaded?" after the message.
refused "urpt info /nonexistent" "/nonexistent does not exist" \
	urpt info /nonexistent

# Help, on stdout, exit 0. Checks of more than one command, for check().
lists_commands() {
	[ $rc = 0 ] && grep -q '^Commands:$' /tmp/help.out &&
		grep -q '^  info ' /tmp/help.out && grep -q '^  help ' /tmp/help.out
}
same_help() { [ $rc = 0 ] && [ -s "$1" ] && cmp -s "$1" /tmp/help.out; }
read_help() {
	[ $rc = 0 ] && grep -q '^Usage: urpt read ' /tmp/helpread.out &&
		grep -q -e '--length' /tmp/helpread.out
}
unknown_cmd() { [ $rc = 2 ] && grep -q "^urpt: unknown command 'bogus'\$" /tmp/bogus.err; }
run help urpt help
check "urpt help: exit 0, the commands listed" lists_commands
run dashdash urpt --help
check "urpt --help prints what urpt help does" same_help /tmp/dashdash.out
run dashh urpt -h
check "urpt -h: exit 0, prints what urpt help does" same_help /tmp/dashh.out
run helpread urpt help read
check "urpt help read: exit 0, urpt read's usage and options" read_help
run bogus urpt help bogus
check "urpt help bogus: exit 2, 'urpt: unknown command'" unknown_cmd

# A real node still works.
dev=
if [ -b $BLOCK ]; then
	run att urpt attach $BLOCK
	dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/att.out | head -n 1)
fi
bytes=$(($(cat /sys/block/${BLOCK#/dev/}/size 2>/dev/null || echo 0) * 512))
shows_capacity() { [ $rc = 0 ] && grep -q "^capacity: *$bytes bytes" /tmp/info.out; }
if [ -n "$dev" ]; then
	run info urpt info "$dev" --no-nvme
	check "urpt info $dev ($BLOCK): exit 0, its capacity ($bytes bytes)" \
		shows_capacity
	# verify over the whole disk asks first; without a terminal, --force.
	dd if=/dev/urandom of=/tmp/marker.in bs=4096 count=1 2>/dev/null
	run mark urpt write "$dev" --offset 0 --input /tmp/marker.in
	check "urpt write $dev: a marker block at offset 0" [ $rc = 0 ]
	whole_refused() {
		[ $rc = 2 ] && grep -q "would overwrite the whole disk (${BLOCK#/dev/}, $bytes bytes): give --force" /tmp/whole.err
	}
	run whole urpt verify "$dev" </dev/null
	check "urpt verify $dev (whole disk, no --force, no terminal): exit 2, the disk named" \
		whole_refused
	run markback urpt read "$dev" --offset 0 --length 4k --output /tmp/marker.out
	check "urpt verify $dev refused: the marker block is still there" \
		cmp -s /tmp/marker.in /tmp/marker.out
	run range urpt verify "$dev" --length 1M </dev/null
	check "urpt verify $dev --length 1M: no question for a range, exit 0" [ $rc = 0 ]
	run forced urpt verify "$dev" --force </dev/null
	check "urpt verify $dev --force: the whole disk, exit 0" [ $rc = 0 ]
	run flush urpt flush "${dev#/dev/urpt}"
	check "urpt flush ${dev#/dev/urpt} (N for /dev/urptN)" [ $rc = 0 ]
	run det urpt detach "${dev#/dev/urpt}"
	check "urpt detach ${dev#/dev/urpt}" [ $rc = 0 ]
	# Gone now: does not exist (or, with a static /dev, not listed).
	run gone urpt info "$dev"
	check "urpt info $dev after detach: exit 3" [ $rc = 3 ]
else
	nok "urpt attach $BLOCK (for urpt info on a urpt node)"
fi
end cli-dev
