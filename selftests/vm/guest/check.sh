#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make check` (busybox sh, run by /init).
#
# 1. Every selftest binary in /selftests/ runs once per backing disk, with
#    URPT_BDEV=<disk> in its environment. The binary attaches the disk
#    through /dev/urpt-control itself, runs its tests, detaches, and prints
#    TAP. Each run is framed by URPT-BEGIN/URPT-END lines for the host.
# 2. CLI integrity: the urpt CLI writes /data/pattern.bin at 1 MiB of
#    /dev/vda; the host compares the image file after the VM is gone.
DISKS="/dev/vda /dev/nvme0n1 /dev/nullb0"
# Longer than the harness's own 30 s per test, shorter than the VM's timeout:
# a hung test is reported by name rather than as a dead VM.
TEST_TIMEOUT=240

begin() { echo "URPT-BEGIN $1"; }
end() { echo "URPT-END $1 rc=$2"; }

tests=$(ls /selftests/ 2>/dev/null)
if [ -z "$tests" ]; then
	begin selftests
	echo "not ok 1 - no selftest binaries packed (selftests/build/ empty or build failed)"
	end selftests 1
fi

# Programs that test the module or the control node rather than a disk run
# once, on null_blk, at the end (urpt_module_test unloads and reloads
# urpt.ko, so nothing may run beside it).
ONCE="urpt_ctl_test urpt_module_test"
export URPT_KO=$(ls /lib/modules/*/extra/urpt.ko | head -n 1)

is_once() {
	case " $ONCE " in *" $1 "*) return 0 ;; esac
	return 1
}

run_test() { # run_test PROGRAM DISK
	name="$1@${2#/dev/}"
	begin "$name"
	if [ ! -b "$2" ]; then
		echo "not ok 1 - $2 is missing"
		end "$name" 1
		return
	fi
	echo "# URPT_BDEV=$2 URPT_KO=$URPT_KO /selftests/$1"
	URPT_BDEV=$2 timeout -s KILL $TEST_TIMEOUT "/selftests/$1" 2>&1
	end "$name" $?
}

for disk in $DISKS; do
	for t in $tests; do
		is_once "$t" || run_test "$t" "$disk"
	done
done

# CLI integrity step: attach, write, flush, detach; TAP per step.
name=cli-integrity@vda
begin $name
n=0
step() { # step DESCRIPTION CMD...: run CMD, print its output and a TAP line
	desc=$1
	shift
	n=$((n + 1))
	echo "# \$ $*"
	"$@" >/tmp/step.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/step.out
	if [ $rc = 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (exit $rc)"
	fi
	return $rc
}
dev=
if [ ! -x /bin/urpt ]; then
	echo "not ok 1 - urpt CLI not packed (user build failed?)"
	n=1
elif step "urpt attach /dev/vda" urpt attach /dev/vda; then
	# "urpt attach" prints the new node, e.g. /dev/urpt0.
	dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/step.out | head -n 1)
	if [ -z "$dev" ]; then
		n=$((n + 1))
		echo "not ok $n - urpt attach printed a /dev/urptN node"
	else
		step "urpt write $dev --offset 1M --input /data/pattern.bin" \
			urpt write "$dev" --offset 1M --input /data/pattern.bin
		step "urpt flush $dev" urpt flush "$dev"
		step "urpt detach ${dev#/dev/urpt}" urpt detach "${dev#/dev/urpt}"
	fi
fi
echo "1..$n"
end $name 0

# Last: urpt_module_test unloads and reloads the module.
for t in $ONCE; do
	[ -x "/selftests/$t" ] && run_test "$t" /dev/nullb0
done
