#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make check` (busybox sh, run by /init).
#
# 0. guest-disks: the disks /init and qemu were asked for are there, with
#    the geometry and poll queues the tests rely on (one TAP test each).
# 1. Every selftest binary in /selftests/ runs once per disk in $DISKS,
#    with in its environment:
#      URPT_BDEV=<disk>            the disk under test
#      URPT_EAGAIN_BDEV=/dev/nullb1  two tags, one queue (every run)
#      URPT_WHOLE=/dev/vdb         only for the partition /dev/vdb1: the
#                                  whole disk behind it
#      URPT_POLL=1                 only when the disk's queue has poll
#                                  queues (queue/io_poll is 1)
#    The binary attaches the disk through /dev/urpt-control itself, runs
#    its tests, detaches, and prints TAP. Each run is framed by
#    URPT-BEGIN/URPT-END lines for the host.
# 2. CLI verify: for each disk, urpt attach, then `urpt verify` over the
#    whole node at queue depths 1, 32 and 128 (one TAP test each), detach.
# 2b. guest/disks.sh: SCSI, scsi_debug, loop (buffered and direct I/O),
#    dm-linear, md raid0 and raid1, an NVMe multipath head, NVMe/TCP over
#    loopback, zram and a 4Kn disk, each made in turn: the data selftests,
#    `urpt verify` at queue depths 1 and 32 and fio's verify through the
#    NVMe personality on each; a read-only disk and a 4 TiB null_blk get
#    what applies to them.
# 3. CLI integrity: the urpt CLI writes /data/pattern.bin at 1 MiB of
#    /dev/vda; the host compares the image file after the VM is gone. The
#    host also checks that nothing on /dev/vdb outside vdb1 changed.
# 3b. guest/tools.sh: fio, nvme-cli and liburing's io_uring_passthrough
#    test on /dev/urptN (nullb0, vda) and on /dev/ng0n1 as the reference.
# 3c. guest/cli_nvme.sh: the urpt CLI's libnvme side (urpt nvme on
#    /dev/ng0n1 and /dev/urptN, urpt info's NVMe identity).
# 3d. guest/cli_dev.sh: a DEV that is no urpt node (a block device, the
#    control node, /dev/null, a file, a missing path) refused with its own
#    message; urpt help, urpt help read, urpt -h; urpt info on /dev/urptN.
# 3e. guest/cli_zoned.sh: the CLI's zone commands (urpt zones, zone,
#    append, info's zone fields) on a zoned null_blk made through configfs.
# 3f. guest/zns_tools.sh: nvme-cli's zns plugin and fio's zonemode=zbd on
#    the NVMe personality over qemu's ZNS namespace (its ng the reference)
#    and over zoned null_blk disks.
# 4. The control-node, fault and module tests, once, on /dev/nullb0
#    (urpt_fault_test makes null_blk disks of its own).
# 4b. Programs in $LAST run last on /dev/nvme0n1, for tests that take it
#    away and bring it back (urpt_hotremove_test: PCI remove, rescan).
# 5. guest/kmemleak.sh: on a kernel with kmemleak (the debug kernel), scan
#    and fail on a leak allocated through urpt.
DISKS="/dev/vda /dev/nvme0n1 /dev/nullb0 /dev/vdb1"
EAGAIN_BDEV=/dev/nullb1
VERIFY_QDS="1 32 128"
# Longer than the harness's own 30 s per test, shorter than the VM's timeout:
# a hung test is reported by name rather than as a dead VM.
TEST_TIMEOUT=240
# urptvm.timeout_scale=N on the command line (check.sh, debug kernel): N
# times as long, for every time limit that reads URPT_TIMEOUT_SCALE.
URPT_TIMEOUT_SCALE=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^urptvm\.timeout_scale=//p')
export URPT_TIMEOUT_SCALE="${URPT_TIMEOUT_SCALE:-1}"
TEST_TIMEOUT=$((TEST_TIMEOUT * URPT_TIMEOUT_SCALE))

# The guest's uptime, and the seconds since $1 (an earlier uptime): each
# run and step prints how long it took, for the time budget.
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

begin() { echo "URPT-BEGIN $1"; t_begin=$(now); }
end() { echo "# $1: $(since "$t_begin") s"; echo "URPT-END $1 rc=$2"; }

# sysfs_disk DISK: the sysfs directory of the whole disk DISK is, or is a
# partition of (a partition has no queue/ of its own).
sysfs_disk() {
	d=/sys/class/block/${1#/dev/}
	if [ -e "$d/partition" ]; then
		readlink -f "$d/.."
	else
		readlink -f "$d"
	fi
}

has_poll() { [ "$(cat "$(sysfs_disk "$1")/queue/io_poll" 2>/dev/null)" = 1 ]; }

# disk_env DISK: the environment of a selftest run on DISK, as NAME=VALUE
# words for env(1).
disk_env() {
	e="URPT_BDEV=$1 URPT_EAGAIN_BDEV=$EAGAIN_BDEV URPT_KO=$URPT_KO"
	if [ -e "/sys/class/block/${1#/dev/}/partition" ]; then
		e="$e URPT_WHOLE=/dev/$(basename "$(sysfs_disk "$1")")"
	fi
	has_poll "$1" && e="$e URPT_POLL=1"
	echo "$e"
}

# Section 0 ------------------------------------------------------------------
n=0
expect() { # expect DESCRIPTION CMD...: one TAP line for CMD's status
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fi
}
attr() { cat "$1" 2>/dev/null; }
sectors_are() { [ "$(attr "/sys/class/block/$1/size")" = "$2" ]; }
begin guest-disks
for d in vda vdb vdb1 vdb2 nvme0n1 nullb0 nullb1; do
	echo "# /dev/$d: $(attr /sys/class/block/$d/size) sectors," \
		"io_poll $(attr "$(sysfs_disk /dev/$d)/queue/io_poll")," \
		"hw queues: $(ls "$(sysfs_disk /dev/$d)/mq" 2>/dev/null | tr '\n' ' ')"
done
expect "/dev/vda is 64 MiB" sectors_are vda 131072
expect "/dev/vdb1 starts at 1 MiB" [ "$(attr /sys/class/block/vdb1/start)" = 2048 ]
expect "/dev/vdb1 is 32 MiB" sectors_are vdb1 65536
expect "/dev/vdb2 is the rest of /dev/vdb" sectors_are vdb2 63488
expect "/dev/nvme0n1 is 64 MiB" sectors_are nvme0n1 131072
expect "nvme loaded with poll_queues=2" [ "$(attr /sys/module/nvme/parameters/poll_queues)" = 2 ]
expect "/dev/nvme0n1 has poll queues (queue/io_poll 1)" has_poll /dev/nvme0n1
expect "/dev/nullb0 is 256 MiB" sectors_are nullb0 524288
expect "/dev/nullb0 has poll queues (queue/io_poll 1)" has_poll /dev/nullb0
expect "/dev/nullb1 is 64 MiB" sectors_are nullb1 131072
expect "/dev/nullb1 has one hardware queue" [ "$(ls /sys/block/nullb1/mq 2>/dev/null)" = 0 ]
expect "/dev/nullb1 has 2 tags" [ "$(attr /sys/block/nullb1/mq/0/nr_tags)" = 2 ]
# shellcheck disable=SC2005 # the unquoted echo drops the trailing blank
# 6.1 shows "[none]"; 6.12 and 7.x show a queue that cannot have one as
# "none", without the brackets.
# No active scheduler: "[none] ..." or "none" (6.12+ without brackets), or
# nothing at all where the queue cannot have one.
no_sched() {
	sched=$(echo $(attr /sys/block/nullb1/queue/scheduler))
	echo "# nullb1 queue/scheduler: '$sched'"
	case "$sched" in "" | none | "[none]"*) ;; *) return 1 ;; esac
}
expect "/dev/nullb1 has no I/O scheduler" no_sched
echo "1..$n"
end guest-disks 0

# Section 1 ------------------------------------------------------------------
tests=$(ls /selftests/ 2>/dev/null)
if [ -z "$tests" ]; then
	begin selftests
	echo "not ok 1 - no selftest binaries packed (selftests/build/ empty or build failed)"
	end selftests 1
fi

# Programs that test the module or the control node rather than a disk run
# once, on null_blk, at the end (urpt_module_test unloads and reloads
# urpt.ko, so nothing may run beside it). urpt_fuzz_test's command stream
# needs one fast disk, not every disk (URPT_FUZZ_COUNT, or
# urptvm.fuzz_count=N on the kernel command line, for longer runs).
ONCE="urpt_ctl_test urpt_nowait_test urpt_disk_kinds_test urpt_zone_test urpt_zns_test urpt_pressure_test urpt_isolation_test urpt_fuzz_test urpt_fault_test urpt_module_test"
# Takes /dev/nvme0n1 away (PCI remove, then rescan): at the very end.
LAST="urpt_hotremove_test"
URPT_KO=$(ls /lib/modules/*/extra/urpt.ko | head -n 1)
export URPT_KO

is_once() {
	case " $ONCE $LAST " in *" $1 "*) return 0 ;; esac
	return 1
}

run_test() { # run_test PROGRAM DISK [SUFFIX]
	name="$1@${2#/dev/}${3:-}"
	begin "$name"
	if [ ! -b "$2" ]; then
		echo "not ok 1 - $2 is missing"
		end "$name" 1
		return
	fi
	vars=$(disk_env "$2")
	echo "# $vars /selftests/$1"
	# shellcheck disable=SC2086 # NAME=VALUE words, split on purpose
	env $vars timeout -s KILL $TEST_TIMEOUT "/selftests/$1" 2>&1
	end "$name" $?
}

for disk in $DISKS; do
	for t in $tests; do
		is_once "$t" || run_test "$t" "$disk"
	done
done

# The data tests on a bio-based disk (brd: no blk-mq queue), where
# nothing that assumes blk-mq may run.
BIO_TESTS="urpt_test urpt_cmds_test urpt_nvme_test"
for t in $BIO_TESTS; do
	[ -x "/selftests/$t" ] && run_test "$t" /dev/ram0
done


# step DESCRIPTION CMD...: run CMD, print its output and a TAP line.
step() {
	desc=$1
	shift
	n=$((n + 1))
	echo "# \$ $*"
	t_step=$(now)
	"$@" >/tmp/step.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/step.out
	echo "# ($(since "$t_step") s)"
	if [ $rc = 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (exit $rc)"
	fi
	return $rc
}

# attach DISK: step "urpt attach DISK"; sets $dev to the node it printed
# (e.g. /dev/urpt0), or empty after a failure (counted).
attach() {
	dev=
	step "urpt attach $1" urpt attach "$1" || return 1
	dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/step.out | head -n 1)
	if [ -z "$dev" ]; then
		n=$((n + 1))
		echo "not ok $n - urpt attach printed a /dev/urptN node"
		return 1
	fi
}

# Section 2 ------------------------------------------------------------------
# Every disk gives the same count (attach, one verify per queue depth,
# detach) whatever fails, so the totals stay comparable between runs.
for disk in $DISKS; do
	name=cli-verify@${disk#/dev/}
	begin "$name"
	n=0
	if [ ! -x /bin/urpt ]; then
		echo "not ok 1 - urpt CLI not packed (user build failed?)"
		echo "1..1"
		end "$name" 1
		continue
	fi
	if attach "$disk"; then
		for q in $VERIFY_QDS; do
			step "urpt verify $dev --force --queue-depth $q ($disk)" \
				timeout -s KILL $TEST_TIMEOUT urpt verify "$dev" --force --queue-depth "$q"
		done
		step "urpt detach ${dev#/dev/urpt}" urpt detach "${dev#/dev/urpt}"
	else
		for q in $VERIFY_QDS; do
			n=$((n + 1))
			echo "not ok $n - urpt verify --queue-depth $q ($disk) # not attached"
		done
		n=$((n + 1))
		echo "not ok $n - urpt detach # not attached"
	fi
	echo "1..$n"
	end "$name" 0
done

# Section 2b -----------------------------------------------------------------
# SCSI, scsi_debug, loop, dm, md, NVMe multipath and NVMe/TCP, zram, 4Kn,
# read-only and a 4 TiB disk, each made and taken down in turn:
# guest/disks.sh (sourced: it runs its tests with run_test and step).
. /jobs/disks.sh

# Section 3 ------------------------------------------------------------------
# CLI integrity: attach, write, flush, detach; TAP per step.
name=cli-integrity@vda
begin $name
n=0
if [ ! -x /bin/urpt ]; then
	echo "not ok 1 - urpt CLI not packed (user build failed?)"
	n=1
elif attach /dev/vda; then
	step "urpt write $dev --offset 1M --input /data/pattern.bin" \
		urpt write "$dev" --offset 1M --input /data/pattern.bin
	step "urpt flush $dev" urpt flush "$dev"
	step "urpt detach ${dev#/dev/urpt}" urpt detach "${dev#/dev/urpt}"
fi
echo "1..$n"
end $name 0

# Section 3a: a failed read leaves the user's --output file as it was
# (past the end by a block, and 1 TiB on a 64 MiB disk); a good one
# replaces it. No temporary file is left behind either way.
name=cli-output-kept@nullb1
begin $name
n=0
keep_out() { # keep_out DESC ARGS...: urpt read fails, /tmp/out still "precious"
	desc=$1
	shift
	echo precious >/tmp/out
	n=$((n + 1))
	if urpt read "$dev" "$@" --output /tmp/out >/tmp/step.out 2>&1; then
		echo "not ok $n - $desc: urpt read succeeded"
	elif [ "$(cat /tmp/out)" = precious ] && [ -z "$(ls /tmp/out.urpt-* 2>/dev/null)" ]; then
		echo "ok $n - $desc: failed ($(head -n 1 /tmp/step.out)), /tmp/out intact"
	else
		echo "not ok $n - $desc: /tmp/out is now $(wc -c </tmp/out) bytes: $(ls /tmp/out* | tr '\n' ' ')"
	fi
}
if [ ! -x /bin/urpt ]; then
	echo "not ok 1 - urpt CLI not packed (user build failed?)"
	n=1
elif attach /dev/nullb1; then
	cap=$(($(cat /sys/block/nullb1/size) * 512))
	keep_out "read at the capacity" --offset "$cap" --length 4k
	keep_out "read of 1 TiB on a 64 MiB disk" --offset 0 --length 1T
	echo precious >/tmp/out
	step "a good read replaces /tmp/out" urpt read "$dev" --length 8k --output /tmp/out
	n=$((n + 1))
	if [ "$(wc -c </tmp/out)" = 8192 ] && [ -z "$(ls /tmp/out.urpt-* 2>/dev/null)" ]; then
		echo "ok $n - /tmp/out holds the 8 KiB read, nothing else is left"
	else
		echo "not ok $n - /tmp/out is $(wc -c </tmp/out) bytes after a good 8 KiB read"
	fi
	step "urpt detach ${dev#/dev/urpt}" urpt detach "${dev#/dev/urpt}"
fi
echo "1..$n"
end $name 0

# Section 3b: tools nobody here wrote (fio, nvme-cli, liburing's
# passthrough test) on /dev/urptN's NVMe personality: guest/tools.sh.
sh /jobs/tools.sh

# Section 3c: the CLI's libnvme side: guest/cli_nvme.sh.
sh /jobs/cli_nvme.sh

# Section 3d: what the CLI says of a DEV that is no urpt node, and urpt
# help: guest/cli_dev.sh.
sh /jobs/cli_dev.sh
sh /jobs/cli_zoned.sh
# Section 3f: nvme-cli's zns plugin and fio's zonemode=zbd on the NVMe
# personality's Zoned Namespace: guest/zns_tools.sh.
sh /jobs/zns_tools.sh

# Section 4 ------------------------------------------------------------------
# Last: urpt_module_test unloads and reloads the module.
for t in $ONCE; do
	[ -x "/selftests/$t" ] && run_test "$t" /dev/nullb0
done

# Section 4b -----------------------------------------------------------------
# Last of the tests: the NVMe disk hot-removed under load, then brought
# back by a PCI rescan (nothing after this needs /dev/nvme0n1).
for t in $LAST; do
	[ -x "/selftests/$t" ] && run_test "$t" /dev/nvme0n1
done

# Section 5 ------------------------------------------------------------------
# The debug kernel only (it has kmemleak): no leak allocated through urpt,
# now that every test is over: guest/kmemleak.sh.
sh /jobs/kmemleak.sh
