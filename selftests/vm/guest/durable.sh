#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make durability` (busybox sh, run by /init with
# urptvm.job=durable): selftests/vm/durability.sh boots the VM with one more
# virtio disk, serial "urpt-durable", and kills qemu while
# /selftests/urpt_durable writes to it. The claims ("DURABLE <seq> <block>
# <tag>") go straight to /dev/ttyS1, the results channel, not through /init's
# tee: no copy on the console, and each line leaves in one write().
#
# Kernel command line: urptvm.durable_seed=N (the seed), urptvm.durable_lie=1
# (the negative control: claims without FLUSH), urptvm.durable_seconds=S
# (stop on its own after S s if nobody killed the VM; default 300).
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^urptvm\.$1=//p"; }
seed=$(arg durable_seed)
seconds=$(arg durable_seconds)
lie=
[ "$(arg durable_lie)" = 1 ] && lie=--lie

echo "URPT-BEGIN durable"
disk=
for s in /sys/block/vd*/serial; do
	[ "$(cat "$s" 2>/dev/null)" = urpt-durable ] || continue
	disk=/dev/$(basename "$(dirname "$s")")
done
if [ -z "$disk" ] || [ ! -b "$disk" ]; then
	echo "not ok 1 - durable: no virtio disk with serial urpt-durable"
	echo "URPT-END durable rc=1"
	exit 0
fi
# "write back": the disk has a volatile cache, FLUSH and FUA matter (qemu
# cache=none or writeback). "write through" would make the test moot.
echo "# durable: disk $disk, write_cache '$(cat "/sys/block/${disk#/dev/}/queue/write_cache")'," \
	"fua $(cat "/sys/block/${disk#/dev/}/queue/fua" 2>/dev/null)"
echo "URPT-DURABLE-CACHE $(tr ' ' - <"/sys/block/${disk#/dev/}/queue/write_cache")"
rc=0
/selftests/urpt_durable run --disk "$disk" --seed "${seed:-1}" \
	--seconds "${seconds:-300}" --out /dev/ttyS1 $lie || rc=$?
echo "URPT-END durable rc=$rc"
