#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make bench` (busybox sh, run by /init): `urpt bench` on
# two null_blk disks of its own (memory_backed=1 and 0) and /dev/nvme0n1,
# each workload through each path, a fixed number of I/Os per run (under
# qemu -icount the I/O count, not the seconds, is what is stable). Every
# run prints one JSON line (label "disk=.. workload=.. path=..") and one
# TAP line; the host builds the tables from the JSON lines
# (selftests/vm/bench.sh). fio's runs are turned into the same JSON line.
#
# Kernel command line (set by the host): urptbench.ios=N (4 KiB runs),
# urptbench.ios_big=N (128 KiB runs).
# Guest seconds (under icount, instructions): a normal run takes well
# under one; a run that spins longer is killed and reported as failed.
RUN_TIMEOUT=20
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
	urpt-poll-fixed) echo "--engine urpt $urpt --poll --fixed" ;;
	block) echo "--engine block $bdev" ;;
	block-fixed) echo "--engine block $bdev --fixed" ;;
	block-poll) echo "--engine block $bdev --poll" ;;
	nvme) echo "--engine nvme $ng" ;;
	nvme-fixed) echo "--engine nvme $ng --fixed" ;;
	esac
}

# fio_opts WORKLOAD: fio's options for the same workload: random offsets
# with repeats (--norandommap), as urpt bench draws them, over $SIZE.
# Five times the I/Os: fio reports its runtime in whole milliseconds,
# which would round the IOPS of a 40 ms run by a few percent.
fio_opts() {
	case $1 in
	4k-randread-qd1) echo "--rw=randread --bs=4k --iodepth=1 --number_ios=$((IOS * 5))" ;;
	4k-randread-qd32) echo "--rw=randread --bs=4k --iodepth=32 --number_ios=$((IOS * 5))" ;;
	4k-randwrite-qd32) echo "--rw=randwrite --bs=4k --iodepth=32 --number_ios=$((IOS * 5))" ;;
	128k-read-qd8) echo "--rw=read --bs=128k --iodepth=8 --number_ios=$((IOS_BIG * 5))" ;;
	esac
}

# fio_json LABEL < terse: fio's --output-format=terse line (version 3) as
# urpt bench's JSON line. Fields 6-9 are the read side (KiB, KiB/s, IOPS,
# ms), 47-50 the write side; latency percentiles are "P%=usec" words
# (--lat_percentiles=1: submission to completion, as urpt bench measures).
fio_json() {
	awk -F';' -v label="$1" '
	/^3;/ {
		r = ($8 > 0) ? 0 : 41	# read side, or the write side
		iops = $(8 + r); bw = $(7 + r)
		for (i = 18 + r; i <= 37 + r; i++) {
			split($i, kv, "%=")
			if (kv[1] + 0 == 50) p50 = kv[2]
			if (kv[1] + 0 == 99) p99 = kv[2]
		}
		printf "{\"label\":\"%s\",\"iops\":%.1f,\"mb_s\":%.1f,", label, iops, bw * 1024 / 1e6
		printf "\"lat_ns\":{\"p50\":%d,\"p99\":%d}}\n", p50 * 1000, p99 * 1000
		found = 1
	}
	END { exit !found }'
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

# bench_fio DISK WORKLOAD PATH: fio on the block device (fio: io_uring
# engine, O_DIRECT) or through an NVMe passthrough node with the
# io_uring_cmd engine (fio-nvme: /dev/ng0n1; fio-urpt: urpt's NVMe
# personality on $urpt).
bench_fio() {
	n=$((n + 1))
	if ! command -v fio >/dev/null; then
		echo "ok $n - $2 $3 # SKIP fio is not in the initramfs"
		return
	fi
	case $3 in
	fio) target="--filename=$1 --ioengine=io_uring --direct=1" ;;
	fio-nvme) target="--filename=$ng --ioengine=io_uring_cmd --cmd_type=nvme" ;;
	fio-urpt) target="--filename=$urpt --ioengine=io_uring_cmd --cmd_type=nvme" ;;
	esac
	t=$(now)
	# shellcheck disable=SC2046,SC2086 # option words, split on purpose
	timeout -s KILL $RUN_TIMEOUT fio --name=bench $target --size=$SIZE \
		--norandommap --randseed=$SEED --lat_percentiles=1 \
		--output-format=terse $(fio_opts "$2") >/tmp/fio.terse 2>/tmp/run.err
	rc=$?
	sed 's/^/# /' /tmp/run.err
	if [ $rc = 0 ] &&
		fio_json "disk=${1#/dev/} workload=$2 path=$3" </tmp/fio.terse; then
		echo "ok $n - $2 $3 ($(since "$t") s)"
	else
		sed 's/^/# /' /tmp/fio.terse
		echo "not ok $n - $2 $3 (exit $rc)"
	fi
}

bench_one() { # bench_one DISK WORKLOAD PATH
	case $3 in
	fio*)
		bench_fio "$1" "$2" "$3"
		return
		;;
	esac
	# shellcheck disable=SC2046 # option words, split on purpose
	run "$2 $3" urpt bench $(path_args "$3") $(workload_opts "$2") \
		--size $SIZE --seed $SEED --json \
		--label "disk=${1#/dev/} workload=$2 path=$3"
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
	echo "# $disk via $urpt; io_poll $(cat /sys/block/"${disk#/dev/}"/queue/io_poll)"
	# Every block of the range written once, so that reads find data
	# (null_blk reads unwritten sectors without touching memory).
	run "precondition $disk: sequential write of $SIZE" \
		urpt bench --engine urpt "$urpt" --rw write --bs 1M --qd 4 \
		--size $SIZE --ios 64 --seed $SEED
	for w in $WORKLOADS; do
		for p in "$@"; do
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

# The bench's own null_blk disks, /dev/nullb2 and /dev/nullb3: 64 MiB, two submit and two poll queues,
# max_sectors 2048 (1 MiB) so that 128 KiB reads go as one request, as
# on NVMe (null_blk's default, 255 sectors, splits them, and split bios are
# not polled), with and without memory behind them (memory_backed=1 also
# makes 6.1's null_blk a blocking driver).
nullb() { # nullb NAME ATTR=VALUE...
	d=/sys/kernel/config/nullb/$1
	shift
	mkdir "$d" || return 1
	for kv in "$@" power=1; do
		echo "${kv#*=}" >"$d/${kv%%=*}" || return 1
	done
}
echo "URPT-BEGIN bench-disks"
n=0
for mb in 1 0; do
	n=$((n + 1))
	# configfs' directory name is the disk's name: nullb2, nullb3
	if nullb nullb$((3 - mb)) size=64 memory_backed=$mb blocksize=512 \
		submit_queues=2 poll_queues=2 max_sectors=2048; then
		echo "ok $n - null_blk memory_backed=$mb, max_sectors 2048"
	else
		echo "not ok $n - null_blk memory_backed=$mb, max_sectors 2048"
	fi
done
echo "1..$n"
echo "URPT-END bench-disks rc=0"

PATHS="urpt urpt-fixed urpt-poll-fixed block block-fixed block-poll fio fio-urpt"
# shellcheck disable=SC2086 # the path words
bench_disk /dev/nullb2 $PATHS
# shellcheck disable=SC2086
bench_disk /dev/nullb3 $PATHS
# shellcheck disable=SC2086
bench_disk /dev/nvme0n1 $PATHS nvme nvme-fixed fio-nvme
