#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest: tools nobody here wrote against the NVMe personality's Zoned
# Namespace (busybox sh; run by guest/check.sh, or alone as
# urptvm.job=zns_tools).
#
# Disks, each with /dev/urptN attached to its block device:
#  - qemu's own ZNS namespace (serial urptzns1: 16 zones of 4 MiB, 3 MiB
#    writable in each, 4 open and 6 active at most); its /dev/ngXn1 is
#    the reference the urpt node is held to;
#  - znseq, a zoned null_blk of 4 MiB sequential zones;
#  - znconv, one of 8 MiB zones, the first two conventional, 6 MiB
#    writable, 4 open and 6 active at most;
#  - zlinear, dm-linear over zndm (another null_blk like znseq): a
#    bio-based zoned disk;
#  - scsi_debug emulating a host-managed SMR disk (ZBC; the block layer
#    emulates its zone append), loaded here with zbc=managed in place of
#    guest/disks.sh's plain one.
# On each, `blkzone report` (util-linux) of the block device is the
# reference for the zones.
#
#  urpt_zns_test@qemu-zns  the selftest on qemu's ZNS namespace, first.
#  zns-attach         bind qemu's ZNS controller, make the other disks,
#                     attach them all.
#  zns-nvme-cli@DISK  nvme-cli's zns plugin (Debian's 2.3): id-ctrl (ZASL
#                     within the disk's append limit), id-ns (MOR, MAR from
#                     its limits), report-zones (every zone as blkzone has
#                     it; on qemu's ZNS the same text as ng's, and the same
#                     JSON), a write then close-zone, open-zone,
#                     finish-zone, reset-zone (the state each leaves, as
#                     blkzone sees it), zone-append twice (the LBAs it
#                     prints, the data read back from the block device),
#                     zone-mgmt-recv, reset-zone --select-all; the statuses
#                     of a write off the write pointer (Zone Invalid Write)
#                     and an open of a full zone (Invalid Zone State
#                     Transition), on qemu's ZNS the same as ng's.
#  zns-fio@DISK       fio (Debian's 3.33) with zonemode=zbd: a sequential
#                     write of 4 zones with verify=crc32c, the same again
#                     (fio resets the zones first), and a random write over
#                     8 zones, two open at a time, with verify (at queue
#                     depth 4, 1 on a bio-based disk): through
#                     ioengine=io_uring_cmd on urpt and on ng, and through
#                     ioengine=io_uring on the block device. fio's nvme
#                     engine takes only sequential-write-required zones:
#                     on znconv that is a SKIP.
# One TAP line per check.
TIMEOUT=120
RUN_OUT_LINES=8
ZNS_PCI=0000:00:1e.0	# selftests/vm/lib.sh puts the controller there
CFS=/sys/kernel/config/nullb

. /jobs/tap.sh
. /jobs/cli_run.sh
. /jobs/fio_jobs.sh

# cond 'EXPR': EXPR, a shell condition, for check (which runs one command).
cond() { eval "$1"; }

# DISKS: "label urpt-node block-device reference-node" per line.
DISKS=""

# zns_ctrl: the sysfs directory of qemu's ZNS controller, bound now.
zns_ctrl() {
	if [ "$(cat /sys/bus/pci/devices/$ZNS_PCI/driver_override 2>/dev/null)" = none ]; then
		echo >/sys/bus/pci/devices/$ZNS_PCI/driver_override &&
			echo $ZNS_PCI >/sys/bus/pci/drivers_probe
	fi
	i=0
	while [ $i -lt 100 ]; do
		for c in /sys/class/nvme/nvme*; do
			[ "$(tr -d ' ' <"$c/serial" 2>/dev/null)" = urptzns1 ] || continue
			ls "$c" | grep -q '^nvme[0-9]*n1$' && echo "$c" && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# zoned_nullb NAME ATTR=VALUE...: a zoned null_blk through configfs; its
# device node printed.
zoned_nullb() {
	d=$CFS/$1
	shift
	mkdir "$d" || return 1
	for kv in memory_backed=1 submit_queues=1 poll_queues=0 zoned=1 "$@" power=1; do
		echo "${kv#*=}" >"$d/${kv%%=*}" ||
			{ echo "# $d/${kv%%=*} = ${kv#*=} failed" >&2; return 1; }
	done
	# The disk is named after the configfs item (or, before 6.0, nullbN).
	blk=/dev/${d##*/}
	[ -b "$blk" ] || blk=/dev/nullb$(cat "$d/index")
	i=0
	while [ ! -b "$blk" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -b "$blk" ] && echo "$blk"
}

# dm_node NAME: the node of the device-mapper disk NAME.
dm_node() {
	for d in /sys/block/dm-*; do
		[ "$(cat "$d/dm/name" 2>/dev/null)" = "$1" ] && echo "/dev/${d#/sys/block/}" && return 0
	done
	return 1
}

# zoned_scsi_debug: scsi_debug's host-managed disk of 4 MiB zones, loaded
# again with zbc=managed; its node printed.
zoned_scsi_debug() {
	modprobe sd_mod 2>/dev/null
	modprobe -r scsi_debug 2>/dev/null
	modprobe scsi_debug zbc=managed dev_size_mb=64 zone_size_mb=4 \
		zone_nr_conv=0 zone_max_open=4 || return 1
	i=0
	while [ $i -lt 100 ]; do
		for b in /sys/block/sd*; do
			[ "$(tr -d ' ' <"$b/device/model" 2>/dev/null)" = scsi_debug ] &&
				[ "$(cat "$b/queue/zoned")" = host-managed ] &&
				echo "/dev/${b#/sys/block/}" && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# attach LABEL BLOCK REFERENCE: /dev/urptN over BLOCK, into DISKS.
attach() {
	run att urpt attach "$2"
	node=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/att.out | head -n 1)
	if [ -n "$node" ]; then
		ok "urpt attach $2 ($1): $node"
		DISKS="$DISKS
$1 $node $2 $3"
	else
		nok "urpt attach $2 ($1)"
	fi
}

zblk=
if ctrl=$(zns_ctrl); then
	zblk=/dev/$(ls "$ctrl" | grep '^nvme[0-9]*n1$')
	zng=/dev/$(ls "$ctrl" | grep '^ng[0-9]*n1$')
fi
# urpt_zns_test on qemu's ZNS namespace (its null_blk variants SKIP),
# before urpt attaches the disk here.
if [ -n "$zblk" ] && [ -x /selftests/urpt_zns_test ]; then
	echo "URPT-BEGIN urpt_zns_test@qemu-zns"
	URPT_ZNS_BDEV=$zblk timeout -s KILL 300 /selftests/urpt_zns_test 2>&1
	echo "URPT-END urpt_zns_test@qemu-zns rc=$?"
fi

begin zns-attach
if [ -n "$zblk" ]; then
	ok "qemu's ZNS namespace: $zblk, $zng ($(cat /sys/block/${zblk#/dev/}/queue/zoned))"
	attach qemu-zns "$zblk" "$zng"
else
	nok "qemu's ZNS controller (serial urptzns1 at $ZNS_PCI) and its namespace"
fi
if [ -d $CFS ]; then
	if blk=$(zoned_nullb znseq blocksize=4096 size=64 zone_size=4); then
		attach znseq "$blk" -
	else
		nok "a zoned null_blk of sequential zones"
	fi
	if blk=$(zoned_nullb znconv blocksize=512 size=64 zone_size=8 \
		zone_capacity=6 zone_nr_conv=2 zone_max_open=4 zone_max_active=6); then
		attach znconv "$blk" -
	else
		nok "a zoned null_blk with conventional zones"
	fi
	if blk=$(zoned_nullb zndm blocksize=512 size=64 zone_size=4) &&
		echo "0 $(cat /sys/block/${blk#/dev/}/size) linear $blk 0" |
		dmsetup --noudevsync create zlinear; then
		attach zlinear "$(dm_node zlinear)" -
	else
		nok "dm-linear over a zoned null_blk"
	fi
else
	skip "zoned null_blk disks" "$CFS missing (configfs, null_blk)"
fi
if blk=$(zoned_scsi_debug); then
	attach scsi_debug "$blk" -
else
	nok "scsi_debug zbc=managed: a host-managed disk"
fi
end zns-attach

# sysattr BLOCK NAME: the block device's queue attribute.
sysattr() { cat "/sys/block/${1#/dev/}/queue/$2" 2>/dev/null; }

# zones_nvme FILE: nvme-cli's report-zones text as "slba wp cap state
# type" lines, decimal; the write pointer "-" where it means nothing (a
# conventional or full zone).
zones_nvme() {
	grep '^SLBA:' "$1" | while read -r _ slba _ wp _ cap _ zs _ zt _; do
		st=$((zs >> 4))
		if [ $((zt)) != 2 ] || [ $st = 14 ]; then w=-; else w=$((wp)); fi
		echo "$((slba)) $w $((cap)) $st $((zt))"
	done
}

# zones_blk BLOCK: blkzone report of BLOCK the same way, in LBAs.
zones_blk() {
	r=$(($(sysattr "$1" logical_block_size) / 512))
	blkzone report "$1" | tr -d ',' | sed 's/zcond:/zcond: /; s/(\([^)]*\))//g; s/\]//' |
		while read -r _ start _ _ _ cap _ wptr _ _ _ cond _ type; do
			if [ "$type" != 2 ] || [ "$cond" = 14 ]; then
				w=-
			else
				w=$(((start + wptr) / r))
			fi
			echo "$((start / r)) $w $((cap / r)) $cond $type"
		done
}

# state_of BLOCK LBA: the blkzone condition of the zone at LBA.
state_of() {
	zones_blk "$1" | awk -v s="$2" '$1 == s { print $4 }'
}

# same_as_ng NAME CMD...: run CMD on the urpt node and on ng (qemu's ZNS
# only): the same exit status and the same output.
same_as_ng() {
	what=$1
	shift
	run ngA "$@" "$ref"
	rca=$rc
	run ngB "$@" "$node"
	if [ $rc = $rca ] && cmp -s /tmp/ngA.out /tmp/ngB.out &&
		cmp -s /tmp/ngA.err /tmp/ngB.err; then
		ok "$what: the same as ng's ($label)"
	else
		nok "$what: ng exit $rca, urpt exit $rc, outputs $(cmp -s /tmp/ngA.out /tmp/ngB.out && echo same || echo differ) ($label)"
	fi
}

nvme_cli() {
	lbs=$(sysattr "$blk" logical_block_size)
	zblocks=$(($(sysattr "$blk" chunk_sectors) * 512 / lbs))
	nzones=$(sysattr "$blk" nr_zones)
	first=$(zones_blk "$blk" | awk '$5 == 2 { print $1; exit }')

	run idc nvme zns id-ctrl "$node"
	zasl=$(awk '$1 == "zasl" { print $3 }' /tmp/idc.out)
	amax=$(sysattr "$blk" zone_append_max_bytes)
	check "zns id-ctrl: ZASL $zasl, 4096 << ZASL within the disk's append limit $amax ($label)" \
		cond '[ $rc = 0 ] && [ "${zasl:-0}" -ge 1 ] && [ $((4096 << zasl)) -le "$amax" ]'

	run idn nvme zns id-ns "$node" -n 1
	mo=$(sysattr "$blk" max_open_zones)
	ma=$(sysattr "$blk" max_active_zones)
	want_mor=$(printf '0x%x' $((mo ? mo - 1 : 0xffffffff)))
	want_mar=$(printf '0x%x' $((ma ? ma - 1 : 0xffffffff)))
	got_mor=$(awk '$1 == "mor" { print $3 }' /tmp/idn.out)
	got_mar=$(awk '$1 == "mar" { print $3 }' /tmp/idn.out)
	check "zns id-ns: mor $got_mor mar $got_mar, the disk's $want_mor $want_mar ($label)" \
		cond '[ $rc = 0 ] && [ "$got_mor" = "$want_mor" ] && [ "$got_mar" = "$want_mar" ]'

	# Data in the first sequential zone, so not every write pointer is 0.
	head -c $((3 * lbs)) /dev/urandom >/tmp/w.bin
	run wr nvme write "$node" -s "$first" -c 2 -z $((3 * lbs)) -d /tmp/w.bin
	check "nvme write of 3 blocks at the first zone's start ($label)" [ $rc = 0 ]

	run rz nvme zns report-zones "$node"
	zones_nvme /tmp/rz.out >/tmp/rz.urpt
	zones_blk "$blk" >/tmp/rz.blk
	if [ $rc = 0 ] && [ "$(wc -l </tmp/rz.urpt)" = "$nzones" ] && cmp -s /tmp/rz.urpt /tmp/rz.blk; then
		ok "zns report-zones: $nzones zones, each as blkzone report has it ($label)"
	else
		nok "zns report-zones: exit $rc, $(wc -l </tmp/rz.urpt) zones of $nzones, $(cmp /tmp/rz.urpt /tmp/rz.blk 2>&1) ($label)"
		diff /tmp/rz.urpt /tmp/rz.blk 2>&1 | head -n 8 | sed 's/^/#   /'
	fi
	if [ "$ref" != - ]; then
		same_as_ng "zns report-zones" nvme zns report-zones
		same_as_ng "zns report-zones -o json" nvme zns report-zones -o json
		same_as_ng "zns report-zones -d 2 -S 2 (implicitly open)" nvme zns report-zones -d 2 -S 2
	fi

	z=$((first + 2 * zblocks))
	run w1 nvme write "$node" -s $z -c 0 -z "$lbs" -d /tmp/w.bin
	step_state() { # step_state DESCRIPTION WANT CMD...
		d=$1 want=$2
		shift 2
		run zs "$@"
		got=$(state_of "$blk" $z)
		check "$d: condition $got, wanted $want ($label)" cond '[ $rc = 0 ] && [ "$got" = "$want" ]'
	}
	step_state "nvme write, then zns close-zone" 4 nvme zns close-zone "$node" -s $z
	step_state "zns open-zone" 3 nvme zns open-zone "$node" -s $z
	step_state "zns finish-zone" 14 nvme zns finish-zone "$node" -s $z
	if [ "$ref" != - ]; then
		run ngfin nvme zns finish-zone "$ref" -s $z
		same_as_ng "zns open-zone of a full zone (Invalid Zone State Transition)" \
			nvme zns open-zone -s $z
	else
		# ZNS refuses the transition; ZBC's OPEN ZONE leaves a full zone
		# as it is and succeeds (scsi_debug).
		run zo nvme zns open-zone "$node" -s $z
		got=$(state_of "$blk" $z)
		check "zns open-zone of a full zone: Invalid Zone State Transition, or (ZBC) still full: exit $rc, condition $got ($label)" \
			cond '{ [ $rc != 0 ] && cat /tmp/zo.out /tmp/zo.err | grep -qi 1bf; } ||
				{ [ $rc = 0 ] && [ "$got" = 14 ] && [ $label = scsi_debug ]; }'
	fi
	step_state "zns reset-zone" 1 nvme zns reset-zone "$node" -s $z

	# Zone append, twice: where each landed, and the data there.
	za=$((first + zblocks))
	head -c $((8 * lbs)) /dev/urandom >/tmp/a1.bin
	head -c $((8 * lbs)) /dev/urandom >/tmp/a2.bin
	run ap1 nvme zns zone-append "$node" -s $za -z $((8 * lbs)) -d /tmp/a1.bin
	rc1=$rc
	run ap2 nvme zns zone-append "$node" -s $za -z $((8 * lbs)) -d /tmp/a2.bin
	check "zns zone-append twice: at LBA $(printf %x $za), then $(printf %x $((za + 8))) ($label)" \
		cond '[ $rc1 = 0 ] && [ $rc = 0 ] &&
		grep -q "to LBA $(printf %x $za)\$" /tmp/ap1.out &&
		grep -q "to LBA $(printf %x $((za + 8)))\$" /tmp/ap2.out'
	cat /tmp/a1.bin /tmp/a2.bin >/tmp/a.bin
	dd if="$blk" of=/tmp/a.rd bs="$lbs" skip=$za count=16 2>/dev/null
	check "the appended data reads back from $blk ($label)" cmp -s /tmp/a.bin /tmp/a.rd

	# A write off the write pointer.
	if [ "$ref" != - ]; then
		same_as_ng "nvme write off the write pointer (Zone Invalid Write)" \
			nvme write -s $((za + 1)) -c 0 -z "$lbs" -d /tmp/w.bin
	else
		run off nvme write "$node" -s $((za + 1)) -c 0 -z "$lbs" -d /tmp/w.bin
		check "nvme write off the write pointer: Zone Invalid Write ($label)" \
			cond '[ $rc != 0 ] && cat /tmp/off.out /tmp/off.err | grep -qi 1bc'
	fi

	run zmr nvme zns zone-mgmt-recv "$node" -s 0 -z 0 -l 4096
	check "zns zone-mgmt-recv of 4 KiB ($label)" [ $rc = 0 ]
	[ "$ref" != - ] && same_as_ng "zns zone-mgmt-recv" nvme zns zone-mgmt-recv -s 0 -z 0 -l 4096

	run ra nvme zns reset-zone "$node" -a
	left=$(zones_blk "$blk" | awk '$5 == 2 && $4 != 1' | wc -l)
	check "zns reset-zone --select-all: $left sequential zones not empty ($label)" \
		cond '[ $rc = 0 ] && [ "$left" = 0 ]'
}

zns_fio() {
	lbs=$(sysattr "$blk" logical_block_size)
	zbytes=$(($(sysattr "$blk" chunk_sectors) * 512))
	if zones_blk "$blk" | awk '$5 != 2 { bad = 1 } END { exit !bad }'; then
		skip "fio zonemode=zbd ($label)" "fio's nvme engine takes only sequential-write-required zones; $blk has others"
		return
	fi
	cap=$(zones_blk "$blk" | awk '{ print $3; exit }')
	# A bio-based disk (dm) takes urpt's commands from io_uring's
	# workers, several at once: writes to one zone must not overlap
	# there (docs/zoned.md).
	depth=4
	[ -e "/sys/block/${blk#/dev/}/mq" ] || depth=1
	seq_ios=$((4 * cap * lbs / 65536))
	for target in "urpt:$node" "ng:$ref" "block:$blk"; do
		kind=${target%%:*}
		dev=${target#*:}
		[ "$dev" = - ] && continue
		if [ $kind = block ]; then
			engine="ioengine=io_uring
direct=1"
		else
			engine="ioengine=io_uring_cmd
cmd_type=nvme"
		fi
		cat >/tmp/zbd.fio <<-EOF
			[global]
			filename=$dev
			$engine
			zonemode=zbd
			max_open_zones=2
			bs=64k
			iodepth=$depth
			verify=crc32c
			stonewall
			[seq]
			rw=write
			size=$((4 * zbytes))
			[again]
			rw=write
			size=$((4 * zbytes))
			[rand]
			rw=randwrite
			offset=$((4 * zbytes))
			size=$((8 * zbytes))
			randseed=7
		EOF
		rm -f /tmp/fio.json
		run fio fio --output-format=json --output=/tmp/fio.json /tmp/zbd.fio
		fio_jobs /tmp/fio.json >/tmp/fio.jobs 2>/dev/null
		sed 's/^/# fio: /' /tmp/fio.jobs
		check "fio zonemode=zbd on $dev exits 0 ($label, $kind)" [ $rc = 0 ]
		for j in seq again; do
			got=$(awk -v j=$j '$1 == j { print $2, $3, $4 }' /tmp/fio.jobs)
			check "fio $j: $seq_ios writes of 64 KiB into 4 zones, verified ($label, $kind)" \
				[ "$got" = "read=$seq_ios write=$seq_ios error=0" ]
		done
		read -r rd wr er <<-EOF
			$(awk '$1 == "rand" { print $2, $3, $4 }' /tmp/fio.jobs)
		EOF
		check "fio rand: random writes over 8 zones, two open, all verified ($label, $kind: $rd $wr $er)" \
			cond '[ "${wr#write=}" -gt 0 ] 2>/dev/null && [ "${rd#read=}" = "${wr#write=}" ] && [ "$er" = error=0 ]'
	done
}

for disk in $(echo "$DISKS" | tr ' ' ':'); do
	IFS=: read -r label node blk ref <<-EOF
		$disk
	EOF
	begin "zns-nvme-cli@$label"
	nvme_cli
	end "zns-nvme-cli@$label"
	begin "zns-fio@$label"
	zns_fio
	end "zns-fio@$label"
	urpt detach "${node#/dev/urpt}" >/dev/null 2>&1
done
dmsetup --noudevsync remove zlinear 2>/dev/null
for d in znseq znconv zndm; do
	[ -d $CFS/$d ] && echo 0 >$CFS/$d/power && rmdir $CFS/$d
done
modprobe -r scsi_debug 2>/dev/null
exit 0
