# SPDX-License-Identifier: GPL-2.0
# Section 2b of guest/check.sh (sourced: it uses run_test, step, attach,
# begin and end from there): the kinds of disk people keep their data on,
# beyond the four every program runs on. Each is made here, gets the data
# tests (DISK_TESTS: the round trip against the disk read with O_DIRECT,
# every command, the NVMe personality), `urpt verify` at queue depths 1
# and 32, fio's verify through the NVMe personality; a stacked disk (loop,
# dm, md, NVMe/TCP) then has pattern.bin written at its start and read
# back from the layer below it; and it is taken down again:
#   sda        a SCSI disk: qemu's virtio-scsi with sd
#   scsi_debug a scsi_debug disk of 64 MiB
#   loop       a loop device over a file on ext2 (/dev/vde), buffered
#   loop-dio   the same with direct I/O on (util-linux losetup)
#   dm-linear  device-mapper linear over a null_blk disk completing in hard irq (dmsetup)
#   md-raid0   md raid0 over two null_blk disks (mdadm)
#   md-raid1   md raid1 over two more
#   zram       zram0, 64 MiB
#   nvme-mpath an NVMe multipath head (qemu's nvme-subsys, two
#              controllers sharing a namespace): bio-based
#   nvme-tcp   NVMe/TCP over loopback: nvmet exports a null_blk on
#              127.0.0.1, nvme-cli connects to it
#   vdc        a virtio disk with 4096-byte logical blocks (4Kn)
# Then two that take only what applies to them:
#   vdd        a read-only virtio disk: a read-write attach fails and
#              names --read-only; attached so, reads work, writes fail
#   nullb-4t   a 4 TiB null_blk (memory_backed=0, holds no data):
#              capacity and I/O past 2 TiB (LBAs past 32 bits)
# Each disk is one URPT-BEGIN/END run named disk-<kind>; the programs on
# it are runs of their own (<program>@<disk>), as for the other disks.
DISK_TESTS="urpt_test urpt_cmds_test urpt_nvme_test"
# util-linux's, packed from the host: busybox sh runs its own applet for
# a bare "losetup", and that one has no --direct-io.
LOSETUP=/usr/sbin/losetup
DISK_VERIFY_QDS="1 32"

# below_holds FILE SECTOR: FILE (the layer below a stacked disk) holds
# /data/pattern.bin from SECTOR on, read again from the disk, not from a
# page cache that kept what was there before.
below_holds() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	dd if="$1" of=/tmp/below.bin bs=512 skip="$2" \
		count=$(($(wc -c </data/pattern.bin) / 512)) 2>/dev/null &&
		cmp /tmp/below.bin /data/pattern.bin
}

# disk_run KIND DEV [BELOW SECTOR]...: the data tests, urpt verify and fio
# on DEV; then, for a stacked disk, pattern.bin written at offset 0 of DEV
# must be at SECTOR of each BELOW (a file or a disk). Runs are named
# PROGRAM@DEV[KIND] where the node's name does not say the kind.
disk_run() {
	tag=
	[ "${2#/dev/}" = "$1" ] || tag="[$1]"
	for t in $DISK_TESTS; do
		[ -x "/selftests/$t" ] && run_test "$t" "$2" "$tag"
	done
	name=cli-verify@${2#/dev/}$tag
	begin "$name"
	n=0
	if attach "$2"; then
		for q in $DISK_VERIFY_QDS; do
			step "urpt verify $dev --force --queue-depth $q ($1: $2)" \
				timeout -s KILL $TEST_TIMEOUT urpt verify "$dev" --force --queue-depth "$q"
		done
		# The NVMe personality, driven by fio (its crc32c verify reads
		# every block it wrote back).
		step "fio io_uring_cmd cmd_type=nvme randwrite 4M verify=crc32c ($1)" \
			timeout -s KILL $TEST_TIMEOUT fio --name=verify --filename="$dev" \
			--ioengine=io_uring_cmd --cmd_type=nvme --rw=randwrite --bs=4k \
			--size=4M --iodepth=16 --verify=crc32c --randseed=7
		if [ $# -ge 4 ]; then
			kind=$1 top=$2
			shift 2
			step "urpt write $dev --offset 0 --input /data/pattern.bin ($kind)" \
				urpt write "$dev" --offset 0 --input /data/pattern.bin
			while [ $# -ge 2 ]; do
				step "the layer below $top holds it: $1 at sector $2" below_holds "$1" "$2"
				shift 2
			done
		fi
		step "urpt detach ${dev#/dev/urpt}" urpt detach "${dev#/dev/urpt}"
	fi
	echo "1..$n"
	end "$name" 0
}

# disk_begin KIND ... disk_end KIND: one TAP run disk-KIND whose steps
# make the disk; the step that makes it names it in $made (empty when it
# could not be made).
disk_begin() { begin "disk-$1"; n=0; made=; }
disk_end() { echo "1..$n"; end "disk-$1" 0; }

# scsi_disk MODEL: the sdX whose SCSI model starts with MODEL.
scsi_disk() {
	for d in /sys/block/sd*; do
		[ -e "$d/device/model" ] || continue
		case "$(cat "$d/device/model")" in "$1"*) basename "$d"; return 0 ;; esac
	done
	return 1
}

# keep_trying CMD...: CMD until it succeeds, every 0.1 s for up to 10 s
# times URPT_TIMEOUT_SCALE (disks appear asynchronously, slowly on the
# debug kernel); only the last try's output is left.
keep_trying() {
	i=0
	until "$@"; do
		[ $i -lt $((100 * ${URPT_TIMEOUT_SCALE:-1})) ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
wait_block() { keep_trying [ -b "$1" ]; }

# null_make NAME MiB MEMORY_BACKED: a null_blk disk through configfs;
# prints its node: /dev/NAME where the kernel names it after its configfs
# item, /dev/nullb<index> where it does not (6.1).
null_make() {
	d=/sys/kernel/config/nullb/$1
	{ [ -d "$d" ] || mkdir "$d"; } && echo "$2" >"$d/size" && echo "$3" >"$d/memory_backed" &&
		echo 512 >"$d/blocksize" && echo 1 >"$d/power" || return 1
	keep_trying null_node "$1"
}
null_node() { # null_node NAME: the node of configfs disk NAME, if it is there
	for node in "/dev/$1" "/dev/nullb$(cat "/sys/kernel/config/nullb/$1/index")"; do
		[ -b "$node" ] && echo "$node" && return 0
	done
	return 1
}
null_disk() { null_make "$1" "$2" 1; }
# null_discarding NAME MiB: one that discards too (nvmet on 6.12 and later
# offers DSM over any disk, then fails it where the disk cannot discard).
null_discarding() {
	mkdir "/sys/kernel/config/nullb/$1" &&
		echo 1 >"/sys/kernel/config/nullb/$1/discard" &&
		null_make "$1" "$2" 1
}
# null_timer NAME MiB: one that completes from a timer, in hard irq (as a
# real disk's interrupt does; null_blk's default completes inline or in
# softirq), where a stacking driver above it puts its clones.
null_timer() {
	mkdir "/sys/kernel/config/nullb/$1" &&
		echo 2 >"/sys/kernel/config/nullb/$1/irqmode" &&
		null_make "$1" "$2" 1
}
# null_gone NAME: power the configfs disk NAME off and remove it.
null_gone() {
	d=/sys/kernel/config/nullb/$1
	[ -d "$d" ] || return 0
	echo 0 >"$d/power" && rmdir "$d"
}

# scsi_node MODEL: /dev/sdX of the SCSI disk MODEL, once it is there.
scsi_node() { keep_trying scsi_present "$1"; }
scsi_present() {
	d=$(scsi_disk "$1") && [ -b "/dev/$d" ] && echo "/dev/$d"
}
# The node of the device-mapper disk NAME.
dm_node() {
	for d in /sys/block/dm-*; do
		[ "$(cat "$d/dm/name" 2>/dev/null)" = "$1" ] && echo "/dev/${d#/sys/block/}" && return 0
	done
	return 1
}
dm_linear() { # dm_linear NAME DEV SECTORS (no udev in the guest)
	echo "0 $3 linear $2 0" | dmsetup --noudevsync create "$1"
}
mount_ext2() { mkdir -p /mnt/ext2 && mount -t ext2 /dev/vde /mnt/ext2; }
set_disksize() { echo "$2" >"/sys/block/$1/disksize"; }

# The SCSI disk qemu gives (virtio-scsi, scsi-hd "QEMU HARDDISK").
disk_begin sda
step "modprobe sd_mod" modprobe sd_mod
step "modprobe virtio_scsi" modprobe virtio_scsi
step "virtio-scsi disk present" scsi_node "QEMU HARDDISK" &&
	made=$(tail -n 1 /tmp/step.out)
disk_end sda
[ -n "$made" ] && disk_run sda "$made"

disk_begin scsi_debug
if step "modprobe scsi_debug dev_size_mb=64" modprobe scsi_debug dev_size_mb=64 &&
	step "scsi_debug disk present" scsi_node scsi_debug; then
	made=$(tail -n 1 /tmp/step.out)
fi
disk_end scsi_debug
[ -n "$made" ] && disk_run scsi_debug "$made"

# Loop over a file on ext2: buffered, then with direct I/O.
disk_begin loop
if step "modprobe loop" modprobe loop && step "modprobe ext4" modprobe ext4 &&
	step "mke2fs /dev/vde" mke2fs -q -b 4096 /dev/vde &&
	step "mount /dev/vde /mnt/ext2" mount_ext2 &&
	step "a 64 MiB file on ext2" dd if=/dev/zero of=/mnt/ext2/loop.img bs=1M count=64 &&
	step "losetup --find --show /mnt/ext2/loop.img" "$LOSETUP" --find --show /mnt/ext2/loop.img; then
	made=$(tail -n 1 /tmp/step.out)
fi
disk_end loop
if [ -n "$made" ]; then
	disk_run loop "$made" /mnt/ext2/loop.img 0
	buffered=$made
	disk_begin loop-dio
	step "losetup --detach $buffered" "$LOSETUP" --detach "$buffered"
	if step "losetup --direct-io=on --find --show /mnt/ext2/loop.img" \
		"$LOSETUP" --direct-io=on --find --show /mnt/ext2/loop.img; then
		made=$(tail -n 1 /tmp/step.out)
		step "$made has direct I/O on" [ "$(cat /sys/block/${made#/dev/}/loop/dio)" = 1 ]
	else
		made=
	fi
	disk_end loop-dio
	if [ -n "$made" ]; then
		disk_run loop-dio "$made" /mnt/ext2/loop.img 0
		"$LOSETUP" --detach "$made"
	fi
fi

# Device-mapper and md over null_blk disks of their own, removed after.
# dm-linear's completes in hard irq: dm over pollable disks clones bios
# into a bioset with a per-cpu cache, and 6.1's bio_put() WARNs when a
# clone of a bio allocated from a cache is put there.
disk_begin dm-linear
if step "null_blk urpt-dm, 64 MiB, completing in hard irq" null_timer urpt-dm 64; then
	base=$(tail -n 1 /tmp/step.out)
	# Written once, as /init does for nullb0: null_blk allocates a
	# sector's page on its first write, and for a polled write that is
	# inside the poller's RCU section (6.1's null_blk, with the block
	# layer's own iocb_bio_iopoll() too: docs/debug-kernel.md).
	step "write all of $base once" dd if=/dev/zero of="$base" bs=1M count=64 conv=fsync
	step "dmsetup create urpt-linear (all of $base)" dm_linear urpt-linear "$base" 131072 &&
		step "dm-linear node present" dm_node urpt-linear &&
		made=$(tail -n 1 /tmp/step.out)
fi
disk_end dm-linear
[ -n "$made" ] && disk_run dm-linear "$made" "$base" 0
dmsetup --noudevsync remove urpt-linear 2>/dev/null
null_gone urpt-dm

md_disk() { # md_disk KIND LEVEL MD: md LEVEL at MD over two null_blk
	disk_begin "$1"
	members=
	for m in a b; do
		step "null_blk urpt-$1-$m, 32 MiB" null_disk "urpt-$1-$m" 32 &&
			members="$members $(tail -n 1 /tmp/step.out)"
	done
	# shellcheck disable=SC2086 # two member nodes
	if [ "$(echo $members | wc -w)" = 2 ] &&
		step "mdadm --create $3 --level=$2 ($members )" \
			mdadm --create "$3" --run --level="$2" --raid-devices=2 \
			--metadata=1.2 --assume-clean $members &&
		step "$3 present" wait_block "$3"; then
		made=$3
	fi
	disk_end "$1"
	# Offset 0 of raid0 is its first member's first chunk; raid1 has it
	# on both. Each member's data starts at its md/dev-*/offset.
	below=
	for m in $members; do
		below="$below $m $(cat "/sys/block/${3#/dev/}/md/dev-${m#/dev/}/offset" 2>/dev/null)"
		[ "$2" = 0 ] && break
	done
	# shellcheck disable=SC2086 # MEMBER SECTOR pairs
	[ -n "$made" ] && disk_run "$1" "$made" $below
	mdadm --stop "$3" >/dev/null 2>&1
	null_gone "urpt-$1-a"
	null_gone "urpt-$1-b"
}
modprobe raid0
modprobe raid1
md_disk md-raid0 0 /dev/md0
md_disk md-raid1 1 /dev/md1

disk_begin zram
if step "modprobe zram num_devices=1" modprobe zram num_devices=1 &&
	step "zram0 disksize 64M" set_disksize zram0 64M; then
	made=/dev/zram0
fi
disk_end zram
[ -n "$made" ] && disk_run zram "$made"

# The NVMe multipath head qemu's subsystem of two controllers makes: a
# bio-based disk (no mq/) over the two hidden path disks.
mpath_head() {
	for d in /sys/block/nvme*n*; do
		# a path (nvmeXcYnZ) is no head, even before its mq appears
		case "${d##*/}" in nvme*c*n*) continue ;; esac
		[ -e "$d/mq" ] && continue
		# qemu puts its own prefix before the subsystem's nqn
		case "$(cat "$d/device/subsysnqn" 2>/dev/null)" in *:urpt-mpath) ;; *) continue ;; esac
		echo "/dev/${d#/sys/block/}"
		return 0
	done
	return 1
}
wait_mpath() { keep_trying mpath_head; }
# /init left its controllers unbound, so that the first NVMe stays nvme0.
bind_late_nvme() {
	for f in $(cat /etc/urpt/late-nvme 2>/dev/null); do
		echo >"/sys/bus/pci/devices/$f/driver_override" &&
			echo "$f" >/sys/bus/pci/drivers_probe || return 1
	done
}
disk_begin nvme-mpath
step "bind the subsystem's controllers ($(cat /etc/urpt/late-nvme 2>/dev/null))" bind_late_nvme
step "NVMe multipath head over two controllers" wait_mpath &&
	made=$(tail -n 1 /tmp/step.out)
disk_end nvme-mpath
[ -n "$made" ] && disk_run nvme-mpath "$made"

# NVMe/TCP over loopback: nvmet exports a null_blk on 127.0.0.1:4420 and
# nvme-cli connects to it; the namespace is the disk under test.
NVMET=/sys/kernel/config/nvmet
TCP_NQN=urpt-tcp
# The host's identity, given: the guest has no /etc/nvme (the kernel wants
# the uuid in the host NQN to be the host ID).
HOSTID=0f5a2d1c-7e0b-4c1a-9d1e-000000000001
nvmet_export() { # nvmet_export DEV: subsystem $TCP_NQN, namespace 1 = DEV
	s=$NVMET/subsystems/$TCP_NQN
	mkdir "$s" && echo 1 >"$s/attr_allow_any_host" &&
		mkdir "$s/namespaces/1" && echo "$1" >"$s/namespaces/1/device_path" &&
		echo 1 >"$s/namespaces/1/enable" &&
		mkdir "$NVMET/ports/1" && echo tcp >"$NVMET/ports/1/addr_trtype" &&
		echo ipv4 >"$NVMET/ports/1/addr_adrfam" &&
		echo 127.0.0.1 >"$NVMET/ports/1/addr_traddr" &&
		echo 4420 >"$NVMET/ports/1/addr_trsvcid" &&
		ln -s "$s" "$NVMET/ports/1/subsystems/$TCP_NQN"
}
nvmet_unexport() {
	rm -f "$NVMET/ports/1/subsystems/$TCP_NQN"
	rmdir "$NVMET/ports/1" "$NVMET/subsystems/$TCP_NQN/namespaces/1" \
		"$NVMET/subsystems/$TCP_NQN" 2>/dev/null
}
# nqn_disk NQN: the disk of subsystem NQN that has a node (the head
# where there is one; path disks are hidden).
nqn_disk() { keep_trying nqn_node "$1"; }
nqn_node() {
	for d in /sys/block/nvme*n*; do
		[ "$(cat "$d/device/subsysnqn" 2>/dev/null)" = "$1" ] || continue
		[ -b "/dev/${d#/sys/block/}" ] && echo "/dev/${d#/sys/block/}" && return 0
	done
	return 1
}
disk_begin nvme-tcp
if step "modprobe nvmet_tcp" modprobe nvmet_tcp && step "modprobe nvme_tcp" modprobe nvme_tcp &&
	step "loopback up" ip link set lo up &&
	step "null_blk urpt-tcp, 64 MiB, discard=1" null_discarding urpt-tcp 64 &&
	exported=$(tail -n 1 /tmp/step.out) &&
	step "nvmet exports $exported on 127.0.0.1:4420" nvmet_export "$exported" &&
	step "nvme connect -t tcp -a 127.0.0.1 -s 4420 -n $TCP_NQN" \
		nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$TCP_NQN" \
		--hostnqn="nqn.2014-08.org.nvmexpress:uuid:$HOSTID" --hostid="$HOSTID" &&
	step "the NVMe/TCP namespace is a disk" nqn_disk "$TCP_NQN"; then
	made=$(tail -n 1 /tmp/step.out)
fi
disk_end nvme-tcp
# 6.1's NVMe/TCP host sends a multi-page bio_vec with one sendpage(); over
# loopback the target copies it out of one skb fragment, and hardened
# usercopy BUG()s when that fragment runs past the end of a transparent
# huge page ("from page alloc", mm/usercopy.c:101). O_DIRECT builds the
# same bio_vecs (physically contiguous pages merge); 6.5 and later send
# page by page (MSG_SPLICE_PAGES). So on 6.1 the test buffers get no huge
# pages while NVMe/TCP is tested.
THP=/sys/kernel/mm/transparent_hugepage/enabled
thp_was=
case "$(uname -r)" in
6.1.*)
	if [ -w "$THP" ]; then
		thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP")
		echo never >"$THP"
	fi
	;;
esac
[ -n "$made" ] && disk_run nvme-tcp "$made" "$exported" 0
[ -n "$thp_was" ] && echo "$thp_was" >"$THP"
# On the debug kernel the connection stays up until power-off: tearing it
# down makes lockdep report the NVMe target's own circular dependency
# (nvmet_tcp_release_queue_work() flushing io_work on nvmet-wq; upstream's
# blktests nvme/005 still shows it on 7.0), and lockdep checks nothing
# after its first report.
case "$(uname -r)" in
*-urpt-debug-*) ;;
*)
	nvme disconnect -n "$TCP_NQN" >/dev/null 2>&1
	nvmet_unexport
	null_gone urpt-tcp
	;;
esac

disk_begin vdc
step "/dev/vdc has 4096-byte logical blocks" \
	[ "$(cat /sys/block/vdc/queue/logical_block_size 2>/dev/null)" = 4096 ] && made=/dev/vdc
disk_end vdc
[ -n "$made" ] && disk_run vdc "$made"

# A read-only disk: attaching it for writing fails and says how to attach
# it; attached --read-only, reads work and writing is refused.
disk_begin vdd
if step "/dev/vdd is read-only" [ "$(cat /sys/block/vdd/ro 2>/dev/null)" = 1 ]; then
	n=$((n + 1))
	if urpt attach /dev/vdd >/tmp/step.out 2>&1; then
		echo "not ok $n - urpt attach of read-only /dev/vdd succeeded: $(cat /tmp/step.out)"
		urpt detach "$(sed -n 's|^/dev/urpt||p' /tmp/step.out)" >/dev/null 2>&1
	elif grep -q -- "--read-only" /tmp/step.out; then
		echo "ok $n - urpt attach /dev/vdd fails: $(head -n 1 /tmp/step.out)"
	else
		echo "not ok $n - urpt attach /dev/vdd does not say to use --read-only: $(head -n 1 /tmp/step.out)"
	fi
	dev=
	step "urpt attach --read-only /dev/vdd" urpt attach --read-only /dev/vdd &&
		dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/step.out | head -n 1)
fi
if [ -n "$dev" ]; then
	step "urpt read $dev 4k" urpt read "$dev" --length 4k --output /tmp/ro.bin
	n=$((n + 1))
	if urpt write "$dev" --offset 0 --input /tmp/ro.bin >/tmp/step.out 2>&1; then
		echo "not ok $n - urpt write to read-only $dev succeeded"
	elif grep -q "EROFS" /tmp/step.out; then
		echo "ok $n - urpt write to read-only $dev: $(head -n 1 /tmp/step.out)"
	else
		echo "not ok $n - urpt write to read-only $dev: $(head -n 1 /tmp/step.out)"
	fi
	step "urpt detach ${dev#/dev/urpt}" urpt detach "${dev#/dev/urpt}"
fi
disk_end vdd

# 4 TiB that hold nothing: the capacity, and commands at LBAs past 2^32.
disk_begin nullb-4t
if step "null_blk urpt-4t, 4 TiB, memory_backed=0" null_make urpt-4t 4194304 0 &&
	attach "$(tail -n 1 /tmp/step.out)"; then
	cap=$((4194304 * 1048576))
	step "urpt info $dev" urpt info "$dev"
	n=$((n + 1))
	if grep -q "^capacity: *$cap bytes" /tmp/step.out; then
		echo "ok $n - urpt info says $cap bytes"
	else
		echo "not ok $n - urpt info does not say $cap bytes"
	fi
	step "urpt write at 3 TiB" urpt write "$dev" --offset 3T --input /data/demo.bin
	step "urpt read of the last 4 KiB" urpt read "$dev" --offset $((cap - 4096)) --length 4k --output /tmp/last.bin
	n=$((n + 1))
	if urpt read "$dev" --offset "$cap" --length 4k --output /tmp/past.bin >/tmp/step.out 2>&1; then
		echo "not ok $n - urpt read at the capacity succeeded"
	else
		echo "ok $n - urpt read at the capacity fails: $(head -n 1 /tmp/step.out)"
	fi
	step "urpt detach ${dev#/dev/urpt}" urpt detach "${dev#/dev/urpt}"
fi
disk_end nullb-4t
null_gone urpt-4t
