#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest: tools nobody here wrote, against /dev/urptN's NVMe personality
# (busybox sh; run by guest/check.sh, or alone as urptvm.job=tools).
#
# Targets: /dev/urptN attached to /dev/nullb0 (poll queues) and to
# /dev/vda (none), and, as the reference the harness is checked against,
# NVMe's own /dev/ng0n1. On each:
#  - fio (Debian's 3.33), ioengine=io_uring_cmd cmd_type=nvme: a random
#    write of SIZE with verify=crc32c (fio reads every block back), then a
#    verify_only=1 pass, once plain and once with each of fixedbufs=1,
#    hipri=1 (polled; only where the disk has poll queues), sqthread_poll=1
#    and nonvectored=0 (NVME_URING_CMD_IO_VEC); fio's exit status, its
#    job error and its I/O counts (JSON) are checked; last, with 16 KiB
#    of the region zeroed, a verify_only pass must fail (EILSEQ), so the
#    verification is not vacuous;
#  - nvme-cli (Debian's 2.3): get-ns-id, id-ns (nsze, ncap and the LBA
#    size against the backing disk's sysfs geometry), id-ctrl, write then
#    read (same data, and on the backing disk at that LBA), flush,
#    write-zeroes (reads back as zeros) and dsm --ad where id-ctrl's ONCS
#    offers them, refused with Invalid Command Opcode where it does not;
#  - liburing 2.3's test/io_uring_passthrough: 0 passes, 77 (its own
#    skip: the node did not answer NVME_IOCTL_ID / Identify) is a SKIP.
# One TAP line per check, one URPT-BEGIN/URPT-END section per tool and
# target, so the host counts them; a check that cannot run is a SKIP with
# the reason.
#
# Disk areas: on /dev/vda only from 32 MiB on (guest/check.sh's CLI
# writes the pattern the host checks at 1 MiB) and liburing's test's
# first 256 KiB; /dev/nullb0 and /dev/nvme0n1 are scratch by now.
SIZE=4M
BS=4k
IOS=1024		# SIZE / BS: what fio must report per pass
TIMEOUT=120		# seconds, per tool run

# now, since, begin, end, ok, nok, skip, check
. /jobs/tap.sh
# fio_jobs
. /jobs/fio_jobs.sh

# run LOG CMD...: CMD's output into LOG and, prefixed, into the TAP stream
# as a comment; its status is returned.
run() {
	log=$1
	shift
	echo "# \$ $*"
	timeout -s KILL $TIMEOUT "$@" >"$log" 2>&1
	rc=$?
	sed 's/^/#   /' "$log" | head -n 12
	[ $rc = 0 ] || echo "#   (exit $rc)"
	return $rc
}

attr() { cat "$1" 2>/dev/null; }
has_poll() { [ "$(attr "/sys/block/$1/queue/io_poll")" = 1 ]; }

t_all=$(now)
head -c 16384 /dev/zero >/tmp/zero.bin

# Attach -------------------------------------------------------------------
# TARGETS: "label node backing-disk offset" per line.
begin tools-attach
TARGETS="ng0n1 /dev/ng0n1 nvme0n1 0"
if [ ! -c /dev/ng0n1 ]; then
	nok "/dev/ng0n1 exists (NVMe's generic node, the reference)"
fi
for disk in nullb0 vda; do
	off=0
	[ $disk = vda ] && off=33554432
	node=$(urpt attach /dev/$disk 2>/tmp/attach.err)
	rc=$?
	sed 's/^/# /' /tmp/attach.err
	case "$node" in
	/dev/urpt[0-9]*)
		ok "urpt attach /dev/$disk: $node"
		TARGETS="$TARGETS
urpt-$disk $node $disk $off"
		;;
	*)
		nok "urpt attach /dev/$disk (exit $rc, printed '$node')"
		TARGETS="$TARGETS
urpt-$disk - $disk $off"
		;;
	esac
done
end tools-attach

# fio ----------------------------------------------------------------------

# The variants: one write job and one verify_only job each. Fixed
# buffers and polling take nonvectored commands.
FIO_VARIANTS="nonvectored=1 fixedbufs=1 hipri=1 sqthread_poll=1 nonvectored=0"

# fio_run LABEL JOBFILE: run fio on JOBFILE; one TAP line for its exit
# status, and /tmp/fio.jobs (fio_jobs) for the per-job lines.
fio_run() {
	rm -f /tmp/fio.json /tmp/fio.jobs
	echo "# job file $2:"
	sed 's/^/#   /' "$2"
	run /tmp/fio.out fio --output-format=json --output=/tmp/fio.json "$2"
	rc=$?
	[ $rc = 0 ] || grep -v '^[ {}]' /tmp/fio.json 2>/dev/null | head -n 5 | sed 's/^/#   /'
	fio_jobs /tmp/fio.json >/tmp/fio.jobs 2>/dev/null
	sed 's/^/# fio: /' /tmp/fio.jobs
	check "fio $2 exits 0 ($1)" [ $rc = 0 ]
	return $rc
}

# fio_job NAME WANT DESCRIPTION: the TAP line for job NAME of the last
# fio_run: error 0 and the I/O counts WANT ("read=N write=N").
fio_job() {
	got=$(awk -v j="$1" '$1 == j { $1 = ""; print substr($0, 2) }' /tmp/fio.jobs)
	if [ "$got" = "$2 error=0" ]; then
		ok "$3"
	else
		nok "$3 (got '${got:-no result}', want '$2 error=0')"
	fi
}

for target in $(echo "$TARGETS" | tr ' ' ':'); do
	IFS=: read -r label node disk off <<-EOF
		$target
	EOF
	name=tools-fio@$label
	begin "$name"
	if [ "$node" = - ]; then
		nok "fio on $label # not attached"
		end "$name"
		continue
	fi
	# One fio process for all variants: each start maps ~60 libraries,
	# most of a second under TCG. stonewall: one job after the other;
	# the verify_only job after a write job, with its seed, rereads and
	# checks what that job wrote.
	jobs=/tmp/fio-$label.fio
	cat >"$jobs" <<-EOF
		[global]
		filename=$node
		ioengine=io_uring_cmd
		cmd_type=nvme
		rw=randwrite
		bs=$BS
		size=$SIZE
		offset=$off
		iodepth=16
		verify=crc32c
		stonewall
	EOF
	seed=1
	want=""
	for v in $FIO_VARIANTS; do
		seed=$((seed + 1))
		if [ "${v%=*}" = hipri ] && ! has_poll "$disk"; then
			want="$want skip:$v"
			continue
		fi
		opts="$v"
		case $v in nonvectored=*) ;; *) opts="$v nonvectored=1" ;; esac
		for kind in write verify; do
			echo "[$kind-${v%=*}-${v#*=}]"
			echo "randseed=$seed"
			for o in $opts; do echo "$o"; done
			[ $kind = verify ] && echo "verify_only=1"
		done >>"$jobs"
		want="$want $v"
	done
	fio_run "$label" "$jobs"
	for v in $want; do
		case $v in
		skip:*)
			v=${v#skip:}
			skip "fio randwrite $SIZE verify=crc32c $v ($label)" "/dev/$disk has no poll queues"
			skip "fio verify_only $v ($label)" "/dev/$disk has no poll queues"
			continue
			;;
		esac
		# fio verifies what it wrote (IOS reads). verify_only counts
		# the writes it skips as done: the reads are the real ones.
		fio_job "write-${v%=*}-${v#*=}" "read=$IOS write=$IOS" \
			"fio randwrite $SIZE verify=crc32c $v ($label)"
		fio_job "verify-${v%=*}-${v#*=}" "read=$IOS write=$IOS" \
			"fio verify_only $v ($label)"
	done

	# The negative control: 16 KiB of zeros over the start of the
	# region (through the urpt CLI, or NVMe's block device), then the
	# last verify_only job again must fail with EILSEQ (84), fio's
	# verify error: the passes above did check the data.
	desc="fio verify_only after 16 KiB were zeroed fails with EILSEQ ($label)"
	case $node in
	/dev/urpt*) run /tmp/zero.out urpt write "$node" --offset "$off" --input /tmp/zero.bin ;;
	*) run /tmp/zero.out dd if=/tmp/zero.bin of="/dev/$disk" bs=16384 seek="$((off / 16384))" oflag=direct ;;
	esac
	{
		sed -n '1,/^stonewall/p' "$jobs"
		echo "[control]"
		echo "randseed=$seed"
		echo "verify_only=1"
		echo "nonvectored=1"
	} >/tmp/fio-control.fio
	run /tmp/fio.out fio --output-format=json --output=/tmp/fio.json /tmp/fio-control.fio
	rc=$?
	got=$(fio_jobs /tmp/fio.json 2>/dev/null)
	echo "# fio: $got (want error=84)"
	case "$rc $got" in
	0*) nok "$desc (exit 0)" ;;
	*error=84) ok "$desc" ;;
	*) nok "$desc (exit $rc, $got)" ;;
	esac
	end "$name"
done

# nvme-cli -----------------------------------------------------------------

# id_field FILE NAME: the value of "NAME : value" in nvme's normal output.
id_field() { awk -v f="$2" '$1 == f && $2 == ":" { print $3; exit }' "$1"; }
# The in-use LBA format's lbads: "lbaf  0 : ms:0   lbads:9  rp:0 (in use)".
in_use_lbads() { sed -n 's/^lbaf.*lbads:\([0-9]*\).*(in use).*/\1/p' "$1" | head -n 1; }
lba_size_is() { [ -n "$1" ] && [ "$((1 << $1))" = "$2" ]; }

for target in $(echo "$TARGETS" | tr ' ' ':'); do
	IFS=: read -r label node disk off <<-EOF
		$target
	EOF
	name=tools-nvme@$label
	begin "$name"
	if [ "$node" = - ]; then
		nok "nvme-cli on $label # not attached"
		end "$name"
		continue
	fi
	lbs=$(attr "/sys/block/$disk/queue/logical_block_size")
	sectors=$(attr "/sys/block/$disk/size")
	nlba=$((sectors * 512 / lbs))
	echo "# /dev/$disk: $sectors sectors, logical block size $lbs: $nlba LBAs"

	if run /tmp/nvme.out nvme get-ns-id "$node"; then
		nsid=$(sed -n 's/.*namespace-id:[ ]*\([0-9]*\).*/\1/p' /tmp/nvme.out)
		check "nvme get-ns-id $node: a namespace id ($nsid)" [ "${nsid:-0}" -ge 1 ]
	else
		nok "nvme get-ns-id $node"
	fi

	# Identify Namespace against the backing disk's geometry.
	if run /tmp/idns.out nvme id-ns "$node"; then
		ok "nvme id-ns $node"
		nsze=$(id_field /tmp/idns.out nsze)
		ncap=$(id_field /tmp/idns.out ncap)
		lbads=$(in_use_lbads /tmp/idns.out)
		echo "# nsze $nsze ncap $ncap lbads ${lbads:-?}"
		check "id-ns nsze ($nsze) is /dev/$disk's $nlba LBAs" [ "$((nsze))" = "$nlba" ]
		check "id-ns ncap ($ncap) is /dev/$disk's $nlba LBAs" [ "$((ncap))" = "$nlba" ]
		check "id-ns in-use LBA format: 2^${lbads:-?} is /dev/$disk's logical block size $lbs" \
			lba_size_is "$lbads" "$lbs"
	else
		nok "nvme id-ns $node"
	fi

	oncs=
	if run /tmp/idctrl.out nvme id-ctrl "$node"; then
		ok "nvme id-ctrl $node"
		nn=$(id_field /tmp/idctrl.out nn)
		oncs=$(id_field /tmp/idctrl.out oncs)
		oncs=${oncs:-0}
		echo "# nn $nn oncs $oncs mdts $(id_field /tmp/idctrl.out mdts)"
		check "id-ctrl nn ($nn) covers namespace ${nsid:-?}" [ "$((nn))" -ge "${nsid:-1}" ]
	else
		nok "nvme id-ctrl $node"
	fi

	# 16 KiB of random data at OFFSET + 1 MiB, in LBAs.
	slba=$(((off + 1048576) / lbs))
	nblk=$((16384 / lbs))
	head -c 16384 /dev/urandom >/tmp/nvw.bin
	rw="-s $slba -c $((nblk - 1)) -z 16384"
	# shellcheck disable=SC2086 # $rw: options
	if run /tmp/nvme.out nvme write "$node" $rw -d /tmp/nvw.bin &&
		run /tmp/nvme.out nvme read "$node" $rw -d /tmp/nvr.bin; then
		check "nvme write then read $node, 16 KiB at LBA $slba: same data" cmp /tmp/nvw.bin /tmp/nvr.bin
		dd if="/dev/$disk" of=/tmp/disk.bin bs="$lbs" skip="$slba" count="$nblk" \
			iflag=direct 2>/dev/null
		check "/dev/$disk holds nvme write's data at LBA $slba" cmp /tmp/nvw.bin /tmp/disk.bin
	else
		nok "nvme write then read $node, 16 KiB at LBA $slba"
		nok "/dev/$disk holds nvme write's data at LBA $slba # no write"
	fi

	check "nvme flush $node" run /tmp/nvme.out nvme flush "$node"

	# Write Zeroes (ONCS bit 3) and Dataset Management (bit 2) are
	# optional: where the controller offers one it must work, where it
	# does not it must refuse it as the spec says (Invalid Command
	# Opcode) rather than do something else.
	zdesc="nvme write-zeroes $node at LBA $slba reads back as zeros"
	ddesc="nvme dsm --ad $node, $nblk LBAs at $slba"
	if [ -z "$oncs" ]; then
		nok "$zdesc # id-ctrl failed: ONCS unknown"
		nok "$ddesc # id-ctrl failed: ONCS unknown"
		end "$name"
		continue
	fi
	if [ $((oncs & 8)) != 0 ]; then
		# shellcheck disable=SC2086
		if run /tmp/nvme.out nvme write-zeroes "$node" -s "$slba" -c $((nblk - 1)) &&
			run /tmp/nvme.out nvme read "$node" $rw -d /tmp/nvr.bin; then
			check "$zdesc" cmp /tmp/zero.bin /tmp/nvr.bin
		else
			nok "$zdesc"
		fi
	else
		skip "$zdesc" "id-ctrl oncs $oncs: no Write Zeroes (/dev/$disk write_zeroes_max_bytes $(attr "/sys/block/$disk/queue/write_zeroes_max_bytes"))"
		run /tmp/nvme.out nvme write-zeroes "$node" -s "$slba" -c $((nblk - 1))
		check "nvme write-zeroes $node is refused as ONCS says (Invalid Command Opcode)" \
			grep -q 'Invalid Command Opcode' /tmp/nvme.out
	fi
	if [ $((oncs & 4)) != 0 ]; then
		check "$ddesc" run /tmp/nvme.out nvme dsm "$node" --ad -s "$slba" -b "$nblk"
	else
		skip "$ddesc" "id-ctrl oncs $oncs: no Dataset Management (/dev/$disk discard_max_bytes $(attr "/sys/block/$disk/queue/discard_max_bytes"))"
		run /tmp/nvme.out nvme dsm "$node" --ad -s "$slba" -b "$nblk"
		check "nvme dsm $node is refused as ONCS says (Invalid Command Opcode)" \
			grep -q 'Invalid Command Opcode' /tmp/nvme.out
	fi
	end "$name"
done

# liburing's io_uring_passthrough ---------------------------------------------
for target in $(echo "$TARGETS" | tr ' ' ':'); do
	IFS=: read -r label node disk off <<-EOF
		$target
	EOF
	name=tools-liburing@$label
	begin "$name"
	desc="liburing 2.3 test/io_uring_passthrough $node ($label)"
	if [ "$node" = - ]; then
		nok "$desc # not attached"
	elif [ ! -x /tools/io_uring_passthrough ]; then
		# The host says why: "skip: ..." (source not fetched) or
		# "fail: ..." (did not build).
		why=$(cat /etc/urpt/liburing.status 2>/dev/null)
		case "$why" in
		skip:*) skip "$desc" "${why#skip: }" ;;
		*) nok "$desc # not packed: ${why:-no reason recorded}" ;;
		esac
	else
		run /tmp/liburing.out /tools/io_uring_passthrough "$node"
		rc=$?
		case $rc in
		0) ok "$desc" ;;
		77) skip "$desc" "the test skipped itself (exit 77): $node did not answer NVME_IOCTL_ID or Identify Namespace" ;;
		*) nok "$desc (exit $rc)" ;;
		esac
	fi
	end "$name"
done

# Detach -------------------------------------------------------------------
begin tools-detach
for target in $(echo "$TARGETS" | tr ' ' ':'); do
	IFS=: read -r label node disk off <<-EOF
		$target
	EOF
	case "$node" in
	/dev/urpt*) check "urpt detach $node" run /tmp/detach.out urpt detach "${node#/dev/urpt}" ;;
	esac
done
end tools-detach
echo "# tools: $(since "$t_all") s in all"
