#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make bench` (busybox sh, run by /init): `urpt bench` on
# /dev/nullb0 and /dev/nvme0n1, each workload through each path, a fixed
# number of I/Os per run (under qemu -icount the I/O count, not the
# seconds, is what is stable). Every run prints one --json line (label
# "disk=.. workload=.. path=..") and one TAP line; the host builds the
# tables from the JSON lines (selftests/vm/bench.sh).
#
# Kernel command line (set by the host): urptbench.ios=N (4 KiB runs),
# urptbench.ios_big=N (128 KiB runs).
# Guest seconds (under icount, instructions): a normal run takes well
# under one; a run that spins longer is killed and reported as failed.
RUN_TIMEOUT=20
# disk:workload:path runs left to the very end: 128 KiB O_DIRECT reads on
# an IOPOLL ring spin without completing on the memory-backed null_blk of
# Debian's 6.1 (seen in the first make bench), so they must not hold up
# the other runs.
DEFER=" nullb0:128k-read-qd8:block-poll "
SIZE=64M
SEED=1

arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^urptbench\.$1=//p"; }
IOS=$(arg ios)
IOS_BIG=$(arg ios_big)
IOS=${IOS:-2000}
IOS_BIG=${IOS_BIG:-500}

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# workload NAME -> the urpt bench options of it, and its I/O count
workload_opts() {
	case $1 in
	4k-randread-qd1) echo "--rw randread --bs 4k --qd 1 --ios $IOS" ;;
	4k-randread-qd32) echo "--rw randread --bs 4k --qd 32 --ios $IOS" ;;
	4k-randwrite-qd32) echo "--rw randwrite --bs 4k --qd 32 --ios $IOS" ;;
	128k-read-qd8) echo "--rw read --bs 128k --qd 8 --ios $IOS_BIG" ;;
	esac
}
WORKLOADS="4k-randread-qd1 4k-randread-qd32 4k-randwrite-qd32 128k-read-qd8"

# path NAME -> engine, device and options; $urpt, $bdev and $ng are set
# per disk.
path_args() {
	case $1 in
	urpt) echo "--engine urpt $urpt" ;;
	urpt-fixed) echo "--engine urpt $urpt --fixed" ;;
	urpt-rq) echo "--engine urpt $urpt" ;; # request_path=1, see bench_one
	urpt-poll-fixed) echo "--engine urpt $urpt --poll --fixed" ;;
	block) echo "--engine block $bdev" ;;
	block-fixed) echo "--engine block $bdev --fixed" ;;
	block-poll) echo "--engine block $bdev --poll" ;;
	nvme) echo "--engine nvme $ng" ;;
	nvme-fixed) echo "--engine nvme $ng --fixed" ;;
	esac
}

n=0
# run DESCRIPTION CMD...: the JSON line as it is, a TAP line, errors as
# diagnostics.
run() {
	desc=$1
	shift
	n=$((n + 1))
	t=$(now)
	timeout -s KILL $RUN_TIMEOUT "$@" >/tmp/run.out 2>/tmp/run.err
	rc=$?
	cat /tmp/run.out
	sed 's/^/# /' /tmp/run.err
	if [ $rc = 0 ]; then
		echo "ok $n - $desc ($(since "$t") s)"
	else
		echo "not ok $n - $desc (exit $rc)"
	fi
}

# urpt's request path (blk_insert_cloned_request) is a module parameter:
# on for the urpt-rq rows only.
request_path() { echo "$1" >/sys/module/urpt/parameters/request_path; }

bench_one() { # bench_one DISK WORKLOAD PATH
	[ "$3" = urpt-rq ] && request_path 1
	# shellcheck disable=SC2046 # option words, split on purpose
	run "$2 $3" urpt bench $(path_args "$3") $(workload_opts "$2") \
		--size $SIZE --seed $SEED --json \
		--label "disk=${1#/dev/} workload=$2 path=$3"
	[ "$3" = urpt-rq ] && request_path 0
}

bench_disk() { # bench_disk DISK PATHS...
	disk=$1
	shift
	name=bench@${disk#/dev/}
	echo "URPT-BEGIN $name"
	n=0
	t_disk=$(now)
	urpt=$(urpt attach "$disk" 2>/tmp/attach.err | grep -o '/dev/urpt[0-9][0-9]*')
	if [ -z "$urpt" ]; then
		echo "not ok 1 - urpt attach $disk: $(cat /tmp/attach.err)"
		echo "URPT-END $name rc=1"
		return
	fi
	bdev=$disk
	ng=/dev/ng0n1
	echo "# $disk via $urpt; io_poll $(cat /sys/block/${disk#/dev/}/queue/io_poll)"
	# Every block of the range written once, so that reads find data
	# (null_blk reads unwritten sectors without touching memory).
	run "precondition $disk: sequential write of $SIZE" \
		urpt bench --engine urpt "$urpt" --rw write --bs 1M --qd 4 \
		--size $SIZE --ios 64 --seed $SEED
	for w in $WORKLOADS; do
		for p in "$@"; do
			case $DEFER in
			*" ${disk#/dev/}:$w:$p "*) continue ;;
			esac
			bench_one "$disk" "$w" "$p"
		done
	done
	urpt detach "${urpt#/dev/urpt}"
	echo "# $name: $(since "$t_disk") s"
	echo "1..$n"
	echo "URPT-END $name rc=0"
}

# Under -icount with sleep=off an idle guest's clock jumps ahead, so
# /init's 30 s wait for the disks can pass before qemu's NVMe model (which
# runs in host time) has been probed: wait here by executing instructions,
# which lets host time pass.
spin_for() { # spin_for PATH: up to ~ a minute of host time
	i=0
	while [ ! -e "$1" ] && [ $i -lt 3000000 ]; do i=$((i + 1)); done
}
spin_for /dev/nvme0n1
spin_for /dev/ng0n1

echo "URPT-BEGIN bench-env"
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU(s), clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "# nvme0n1 $([ -b /dev/nvme0n1 ] && echo present || echo MISSING), ng0n1 $([ -c /dev/ng0n1 ] && echo present || echo MISSING)"
echo "# ios $IOS (4 KiB), $IOS_BIG (128 KiB); range $SIZE; seed $SEED"
if [ -x /bin/urpt ]; then echo "ok 1 - urpt CLI packed"; else echo "not ok 1 - urpt CLI packed"; fi
echo "1..1"
echo "URPT-END bench-env rc=0"
[ -x /bin/urpt ] || exit 0

bench_disk /dev/nullb0 urpt urpt-rq urpt-fixed urpt-poll-fixed block block-fixed \
	block-poll
bench_disk /dev/nvme0n1 urpt urpt-rq urpt-fixed urpt-poll-fixed block block-fixed \
	block-poll nvme nvme-fixed

# The deferred runs, each on its own disk (block paths need no attach).
echo "URPT-BEGIN bench-deferred"
n=0
for d in $DEFER; do
	bdev=/dev/${d%%:*}
	rest=${d#*:}
	bench_one "$bdev" "${rest%%:*}" "${rest#*:}"
done
echo "1..$n"
echo "URPT-END bench-deferred rc=0"
