#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest: the urpt CLI's libnvme side (busybox sh; run by guest/check.sh).
#
#  cli-nvme@ng0n1  `urpt nvme` on NVMe's own generic node, the reference:
#                  id-ctrl, id-ns (against sysfs; over --uring,
#                  NVME_URING_CMD_ADMIN, on the controller node /dev/nvme0,
#                  which the namespace node refuses), write/read round trip
#                  over io_uring and over the ioctl (and against the block
#                  device), flush, write-zeroes, dsm, --json, an LBA out of
#                  range printed by name, a kernel error by errno name.
#  cli-nvme@urpt   urpt info on /dev/urptN attached to nvme0n1 shows the
#                  real controller (the same as id-ctrl on /dev/ng0n1 says)
#                  and namespace, also in --json; on nullb0 it shows none;
#                  then the same `urpt nvme` checks on /dev/urptN itself,
#                  through its NVMe personality (these fail until the
#                  module has one), cross-checked through /dev/ng0n1.
# One TAP line per check; a check that cannot run is a SKIP with the
# reason. /dev/nvme0n1 is scratch by now: LBAs from 100000 on are used.
TIMEOUT=60
RUN_OUT_LINES=40	# of a command's stdout, shown by run
NG=/dev/ng0n1
CTRL=/dev/nvme0
NS=nvme0n1
NG_SLBA=100000
URPT_SLBA=110000
NLB=8

# now, since, begin, end, ok, nok, skip, check
. /jobs/tap.sh
# run
. /jobs/cli_run.sh

# field FILE KEY: the value of "KEY: value" (leading blanks allowed).
field() { sed -n "s/^ *$2: *//p" "$1" | head -n 1; }
# The identity lines of id-ctrl, without their indentation.
ident() { grep -E '^ *(vid|ssvid|sn|mn|fr|cntlid|ver|nn):' "$1" | sed 's/^ *//'; }

# A JSON string member, as printed by the CLI ("key": "value").
json_str() { sed -n "s/.*\"$2\": \"\\([^\"]*\\)\".*/\\1/p" "$1" | head -n 1; }

# Checks of more than one command, for check().
same_but_device() { # FILE1 FILE2: the same but for the device: line
	grep -v '^device:' "$1" >/tmp/sbd.1
	grep -v '^device:' "$2" >/tmp/sbd.2
	[ -s /tmp/sbd.1 ] && cmp -s /tmp/sbd.1 /tmp/sbd.2
}
same_ident() { [ -s /tmp/ng.ident ] && cmp -s /tmp/info.ident /tmp/ng.ident; }
info_json_nvme() {
	[ "$rc" = 0 ] &&
		grep -q "\"nvme\": {\"namespace_device\": \"/dev/$NS\", \"nsid\": 1, \"controller\": {\"vid\": " /tmp/infoj.out &&
		[ -n "$(json_str /tmp/infoj.out sn)" ] &&
		[ "$(json_str /tmp/infoj.out sn)" = "$(field /tmp/ng-ctrl.out sn)" ]
}
no_nvme_lines() { [ "$rc" = 0 ] && ! grep -q '^nvme' /tmp/info.out; }
# The value of KEY in the "nvme namespace identify:" part of urpt info.
info_ns_field() { sed -n '/^nvme namespace identify:/,$p' /tmp/info.out | sed -n "s/^ *$1: *//p"; }

t_all=$(now)
disk_bytes=$(($(cat /sys/block/$NS/size 2>/dev/null || echo 0) * 512))
lbs=$(cat /sys/block/$NS/queue/logical_block_size 2>/dev/null || echo 512)
len=$((NLB * lbs))
head -c $len /data/pattern.bin >/tmp/nvme-w.bin
tr '0-9' 'k-t' </tmp/nvme-w.bin >/tmp/nvme-w2.bin
head -c $len /dev/zero >/tmp/nvme-zero.bin

# io_checks LABEL DEV SLBA: the urpt nvme io checks on DEV at SLBA.
io_checks() {
	label=$1 dev=$2 s=$3
	# Write, then read back over io_uring and over the ioctl.
	run w urpt nvme io "$dev" --opcode write --slba "$s" --nlb $NLB \
		--input /tmp/nvme-w.bin
	check "$label: io write $NLB LBAs at $s (NVME_URING_CMD_IO)" \
		grep -q 'Successful Completion' /tmp/w.out
	run r urpt nvme io "$dev" --opcode read --slba "$s" --nlb $NLB \
		--output /tmp/nvme-r.bin
	check "$label: io read returns what io write wrote" \
		cmp -s /tmp/nvme-r.bin /tmp/nvme-w.bin
	run r urpt nvme io "$dev" --opcode read --slba "$s" --nlb $NLB --ioctl
	check "$label: io read --ioctl (NVME_IOCTL_IO_CMD) too, data on stdout" \
		cmp -s /tmp/r.out /tmp/nvme-w.bin
	# The same LBAs as NVMe's own node sees them.
	if [ "$dev" != $NG ] && [ -c $NG ]; then
		run rr urpt nvme io $NG --opcode read --slba "$s" --nlb $NLB \
			--output /tmp/nvme-rr.bin
		check "$label: $NG reads the same data at LBA $s" \
			cmp -s /tmp/nvme-rr.bin /tmp/nvme-w.bin
	fi
	# Overwrite through the ioctl with the second pattern; FUA.
	run w urpt nvme io "$dev" --opcode write --slba "$s" --nlb $NLB --fua \
		--ioctl --input /tmp/nvme-w2.bin
	run r urpt nvme io "$dev" -O read -s "$s" -l $NLB --output /tmp/nvme-r.bin
	check "$label: io write --fua --ioctl, read back" \
		cmp -s /tmp/nvme-r.bin /tmp/nvme-w2.bin
	run f urpt nvme io "$dev" --opcode flush --json
	check "$label: io flush --json: status 0" \
		grep -q '"opcode": "flush", "opcode_value": 0, "data_len": 0, "transport": "io_uring", "res": 0, "status": 0' /tmp/f.out
	run wz urpt nvme io "$dev" --opcode write-zeroes --slba "$s" --nlb $NLB
	run r urpt nvme io "$dev" -O read -s "$s" -l $NLB --output /tmp/nvme-r.bin
	check "$label: io write-zeroes, reads back as zeros" \
		cmp -s /tmp/nvme-r.bin /tmp/nvme-zero.bin
	run d urpt nvme io "$dev" --opcode dsm --slba "$s" --nlb $NLB
	check "$label: io dsm (deallocate) $NLB LBAs" \
		grep -q 'Successful Completion' /tmp/d.out
	# An NVMe status is printed by name, and is exit status 1.
	run oor urpt nvme io "$dev" --opcode read --slba "$nsze" --output /tmp/nvme-r.bin
	if [ $rc = 1 ] && grep -q 'LBA Out of Range' /tmp/oor.err; then
		ok "$label: read at LBA nsze ($nsze): 'LBA Out of Range', exit 1"
	else
		nok "$label: read at LBA nsze ($nsze): 'LBA Out of Range', exit 1 (got exit $rc)"
	fi
}

# Section cli-nvme@ng0n1 -----------------------------------------------------
begin cli-nvme@ng0n1
if [ ! -x /bin/urpt ]; then
	nok "urpt CLI not packed (user build failed?)"
elif [ ! -c $NG ]; then
	skip "urpt nvme on $NG" "$NG is missing (no NVMe generic node)"
else
	run ctrl urpt nvme id-ctrl $NG
	check "$NG: id-ctrl prints the controller (mn, sn)" \
		[ $rc = 0 -a -n "$(field /tmp/ctrl.out mn)" -a -n "$(field /tmp/ctrl.out sn)" ]
	cp /tmp/ctrl.out /tmp/ng-ctrl.out
	# Admin commands over io_uring: the kernel takes NVME_URING_CMD_ADMIN
	# on the controller node only; a namespace's generic node refuses it.
	run ctrlu urpt nvme id-ctrl $NG --uring
	if [ $rc = 1 ] && grep -q '(ENOTTY)$' /tmp/ctrlu.err; then
		ok "$NG: id-ctrl --uring: NVME_URING_CMD_ADMIN refused, -ENOTTY printed by name"
	else
		nok "$NG: id-ctrl --uring: NVME_URING_CMD_ADMIN refused, -ENOTTY printed by name (got exit $rc)"
	fi
	if [ -c $CTRL ]; then
		run ctrlu urpt nvme id-ctrl $CTRL --uring
		check "$CTRL: id-ctrl --uring (NVME_URING_CMD_ADMIN) prints what $NG's ioctl did" \
			same_but_device /tmp/ctrlu.out /tmp/ng-ctrl.out
	else
		skip "$CTRL: id-ctrl --uring" "$CTRL is missing"
	fi
	run ctrlj urpt nvme id-ctrl $NG --json
	check "$NG: id-ctrl --json has the same sn and mn" \
		[ $rc = 0 -a "$(json_str /tmp/ctrlj.out sn)" = "$(field /tmp/ng-ctrl.out sn)" \
		  -a "$(json_str /tmp/ctrlj.out mn)" = "$(field /tmp/ng-ctrl.out mn)" ]
	run ns urpt nvme id-ns $NG
	nsze=$(field /tmp/ns.out nsze)
	cap=$(field /tmp/ns.out capacity | cut -d' ' -f1)
	check "$NG: id-ns: nsid 1, LBA size $lbs and capacity $disk_bytes as sysfs says" \
		[ $rc = 0 -a "$(field /tmp/ns.out nsid)" = 1 \
		  -a "$(field /tmp/ns.out 'lba size')" = "$lbs" -a "$cap" = "$disk_bytes" ]
	if [ -c $CTRL ]; then
		run nsu urpt nvme id-ns $CTRL --uring --namespace-id 1
		check "$CTRL: id-ns --uring --namespace-id 1 prints what $NG's ioctl did" \
			same_but_device /tmp/nsu.out /tmp/ns.out
	else
		skip "$CTRL: id-ns --uring" "$CTRL is missing"
	fi
	run nsj urpt nvme $NG id-ns --json
	check "$NG: 'urpt nvme DEV id-ns --json' (DEV first): lba_size and capacity" \
		grep -q "\"lba_size\": $lbs, \"metadata_size\": 0, \"extended_metadata\": false, \"capacity\": $disk_bytes}" /tmp/nsj.out
	[ -n "$nsze" ] || nsze=$((disk_bytes / lbs))
	io_checks "$NG" $NG $NG_SLBA
	# The block device, after the page cache is dropped, agrees.
	run w urpt nvme io $NG -O write -s $NG_SLBA -l $NLB --input /tmp/nvme-w.bin
	sync
	echo 3 >/proc/sys/vm/drop_caches
	dd if=/dev/$NS of=/tmp/nvme-blk.bin bs="$lbs" skip=$NG_SLBA count=$NLB 2>/dev/null
	check "$NG: /dev/$NS reads what io write wrote at LBA $NG_SLBA" \
		cmp -s /tmp/nvme-blk.bin /tmp/nvme-w.bin
	# A kernel error (-errno) is printed by its errno name: 65536 LBAs
	# are more than one passthrough command may carry.
	run big urpt nvme io $NG --opcode read --slba 0 --nlb 65536 --output /tmp/nvme-r.bin
	if [ $rc = 1 ] && grep -q '(E[A-Z0-9]*)$' /tmp/big.err; then
		ok "$NG: a read of 65536 LBAs fails with an errno, printed by name"
	else
		nok "$NG: a read of 65536 LBAs fails with an errno, printed by name (got exit $rc)"
	fi
	run usage urpt nvme io $NG --opcode flush --slba 0
	check "$NG: --slba with flush is a usage error (exit 2)" [ $rc = 2 ]
fi
end cli-nvme@ng0n1

# Section cli-nvme@urpt ------------------------------------------------------
begin cli-nvme@urpt
dev=
if [ ! -x /bin/urpt ]; then
	nok "urpt CLI not packed (user build failed?)"
else
	run att urpt attach /dev/$NS
	dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/att.out | head -n 1)
	check "urpt attach /dev/$NS" [ -n "$dev" ]
fi
if [ -n "$dev" ]; then
	run info urpt info "$dev"
	check "urpt info $dev: 'nvme namespace: /dev/$NS, nsid 1'" \
		grep -q "^nvme namespace: */dev/$NS, nsid 1\$" /tmp/info.out
	if [ -f /tmp/ng-ctrl.out ]; then
		ident /tmp/info.out >/tmp/info.ident
		ident /tmp/ng-ctrl.out >/tmp/ng.ident
		sed 's/^/# ng0n1: /' /tmp/ng.ident
		check "urpt info $dev: the controller identity is $NG's (vid ssvid sn mn fr cntlid ver nn)" \
			same_ident
	else
		skip "urpt info $dev: the controller identity is $NG's" "no id-ctrl of $NG to compare with"
	fi
	check "urpt info $dev: namespace identify (LBA size $lbs, capacity $disk_bytes)" \
		[ "$(info_ns_field 'lba size')" = "$lbs" -a \
		  "$(info_ns_field capacity | cut -d' ' -f1)" = "$disk_bytes" ]
	run infoj urpt info "$dev" --json
	check "urpt info $dev --json: \"nvme\" with namespace_device, nsid, controller sn" \
		info_json_nvme

	# Through /dev/urptN's NVMe personality.
	run uctrl urpt nvme id-ctrl "$dev"
	check "urpt nvme id-ctrl $dev (personality: NVME_IOCTL_ADMIN_CMD)" \
		[ $rc = 0 -a -n "$(field /tmp/uctrl.out mn)" ]
	run uns urpt nvme id-ns "$dev"
	nsze=$(field /tmp/uns.out nsze)
	cap=$(field /tmp/uns.out capacity | cut -d' ' -f1)
	check "urpt nvme id-ns $dev: nsid 1, LBA size $lbs, capacity $disk_bytes" \
		[ $rc = 0 -a "$(field /tmp/uns.out nsid)" = 1 \
		  -a "$(field /tmp/uns.out 'lba size')" = "$lbs" -a "$cap" = "$disk_bytes" ]
	run uctrlu urpt nvme id-ctrl "$dev" --uring
	check "urpt nvme id-ctrl $dev --uring (NVME_URING_CMD_ADMIN) prints the same" \
		cmp -s /tmp/uctrlu.out /tmp/uctrl.out
	run unsu urpt nvme id-ns "$dev" --uring --namespace-id 1
	check "urpt nvme id-ns $dev --uring --namespace-id 1 prints the same" \
		cmp -s /tmp/unsu.out /tmp/uns.out
	[ -n "$nsze" ] || nsze=$((disk_bytes / lbs))
	io_checks "$dev" "$dev" $URPT_SLBA
	run det urpt detach "${dev#/dev/urpt}"
	check "urpt detach ${dev#/dev/urpt}" [ $rc = 0 ]
else
	nok "urpt info and urpt nvme on /dev/urptN # not attached"
fi

# A disk that is no NVMe namespace: no NVMe identity, "nvme": null.
dev=
if [ -x /bin/urpt ]; then
	run att urpt attach /dev/nullb0
	dev=$(grep -o '/dev/urpt[0-9][0-9]*' /tmp/att.out | head -n 1)
fi
if [ -n "$dev" ]; then
	run info urpt info "$dev"
	check "urpt info $dev (nullb0): no NVMe lines, exit 0" no_nvme_lines
	run infoj urpt info "$dev" --json
	check "urpt info $dev --json (nullb0): \"nvme\": null" \
		grep -q '"nvme": null}$' /tmp/infoj.out
	urpt detach "${dev#/dev/urpt}" >/dev/null 2>&1
else
	nok "urpt attach /dev/nullb0 (for urpt info without NVMe)"
fi
end cli-nvme@urpt
echo "# cli_nvme.sh: $(since "$t_all") s"
