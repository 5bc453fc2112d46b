#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make demo` (busybox sh, run by /init): a scripted CLI
# session on the virtio disk. Each step prints the command, its output, and
# one TAP line; the host turns them into the "N passed, N failed" line.
begin() { echo "URPT-BEGIN $1"; }
end() { echo "URPT-END $1 rc=$2"; }

n=0
# step DESCRIPTION CMD...: show the command and its output, then a TAP line.
step() {
	desc=$1
	shift
	n=$((n + 1))
	echo
	echo "\$ $*"
	"$@" >/tmp/step.out 2>&1
	rc=$?
	cat /tmp/step.out
	if [ $rc = 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (exit $rc)"
	fi
	return $rc
}

begin demo
if [ ! -x /bin/urpt ]; then
	echo "not ok 1 - urpt CLI not packed (user build failed?)"
	echo "1..1"
	end demo 1
	exit 0
fi

dev=
if step "attach the virtio disk" urpt attach /dev/vda; then
	dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/step.out | head -n 1)
fi
if [ -z "$dev" ]; then
	n=$((n + 1))
	echo "not ok $n - urpt attach printed a /dev/urptN node"
	echo "1..$n"
	end demo 1
	exit 0
fi

size=$(wc -c </data/demo.bin)
step "urpt info" urpt info "$dev"
step "write /data/demo.bin ($size bytes) at 4 MiB" \
	urpt write "$dev" --offset 4M --input /data/demo.bin
step "read it back" \
	urpt read "$dev" --offset 4M --length "$size" --output /tmp/readback.bin
step "what was read is what was written" cmp /data/demo.bin /tmp/readback.bin
step "completion details of a read (CQE32, -v)" \
	urpt -v read "$dev" --offset 4M --length 4k --output /tmp/one-block.bin
step "urpt flush" urpt flush "$dev"
step "urpt list" urpt list
step "detach" urpt detach "${dev#/dev/urpt}"
echo "1..$n"
end demo 0
