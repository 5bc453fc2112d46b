# SPDX-License-Identifier: GPL-2.0
# Shared by the VM harness scripts (deps.sh, initramfs.sh, check.sh, demo.sh).
# Sourced, never run: it only defines paths and functions.
#
# Everything derived (extracted vmlinux, module copies, kselftest headers,
# images, logs) lives under $URPT_CACHE so a rerun only redoes what changed.

URPT_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
URPT_ROOT=$(cd "$URPT_VM_DIR/../.." && pwd)
URPT_CACHE=${URPT_CACHE:-$URPT_ROOT/.cache}
URPT_LOGS=$URPT_CACHE/logs

msg() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The guest kernel: the newest Debian 6.1 flavour installed for amd64. The
# host runs another kernel, so `uname -r` would be wrong here. URPT_KVER
# overrides the choice (it must still be installed: image, modules, headers);
# URPT_KVER=debug is the debug kernel built by debugkernel.sh.
guest_kver() {
	if [[ ${URPT_KVER:-} == debug ]]; then
		debug_kernel_kver
		return
	fi
	if [[ -n ${URPT_KVER:-} ]]; then
		echo "$URPT_KVER"
		return
	fi
	local v
	v=$(find /lib/modules -mindepth 1 -maxdepth 1 -name '6.1.*-amd64' -printf '%f\n' 2>/dev/null |
		sort -V | tail -n 1)
	[[ -n $v ]] || return 1
	echo "$v"
}

# A stamp that changes when a source file changes (size and mtime are
# enough for packaged files: an upgrade rewrites them).
file_key() { stat -L -c '%n %s %Y' "$@"; }

# Extract the ELF vmlinux from Debian's bzImage. Booting the ELF directly
# (PVH entry) saves the ~3 s the bzImage spends decompressing itself under
# TCG. The payload is the xz stream that starts somewhere inside the
# bzImage: try each xz magic until one decompresses to an ELF file. Only
# xz: the zstd-compressed 6.12 and 7.x images boot as they are (7.2's
# extracted ELF oopses at boot under PVH, on an int3 left in the idle path).
extract_vmlinux() {
	local bz=$1 out=$2 off tmp=$2.tmp
	while read -r off; do
		tail -c "+$((off + 1))" "$bz" | xz -dc 2>/dev/null >"$tmp" || true
		if [[ $(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ') == 7f454c46 ]]; then
			mv "$tmp" "$out"
			return 0
		fi
	done < <(grep -abo $'\xfd7zXZ\x00' "$bz" | cut -d: -f1)
	rm -f "$tmp"
	return 1
}

# Prints the kernel to boot for $1 (kver): the cached ELF vmlinux if it can
# be extracted, else the bzImage itself. URPT_VM_BZIMAGE=1 forces the latter.
# A kernel fetched by kernels.sh boots from its unpacked packages.
guest_kernel() {
	local kver=$1 bz=/boot/vmlinuz-$1 dir=$URPT_CACHE/kernel/$1
	[[ -n $(kernel_root "$kver") ]] && bz=$(kernel_image "$kver")
	[[ -r $bz ]] || die "$bz is missing (linux-image-$kver)"
	if [[ ${URPT_VM_BZIMAGE:-0} == 1 ]]; then
		echo "$bz"
		return
	fi
	mkdir -p "$dir"
	local key
	key=$(file_key "$bz")
	if [[ ! -s $dir/vmlinux || $(cat "$dir/vmlinux.key" 2>/dev/null) != "$key" ]]; then
		msg "extracting vmlinux from $bz"
		if ! extract_vmlinux "$bz" "$dir/vmlinux"; then
			msg "no ELF vmlinux inside $bz: booting the bzImage"
			echo "$bz"
			return
		fi
		echo "$key" >"$dir/vmlinux.key"
	fi
	echo "$dir/vmlinux"
}

# The 256 KiB the check job writes through the CLI and the host then
# compares with the disk image: 16-byte records "urpt-<offset>\n" (offset in
# 10 decimal digits), so a misplaced block shows where it came from.
make_pattern() {
	awk 'BEGIN { for (o = 0; o < 262144; o += 16) printf "urpt-%010d\n", o }' >"$1"
}

# The partitioned virtio disk (/dev/vdb in the guest), 64 MiB:
#  - every 512-byte sector holds its absolute sector number, as 32 records
#    "sect <10 digits>\n" (16 bytes each), so a stray write shows where
#    it landed and where it came from;
#  - then an MBR (sfdisk, fixed disk identifier 0x75727074 so the image is
#    the same every time), which rewrites bytes 440-511 of sector 0 only:
#    vdb1 from 1 MiB (sector 2048), 32 MiB long; vdb2 the rest.
# The check job writes only inside vdb1; the host then compares everything
# else with a fresh copy of this image (check.sh).
VDB_SIZE=$((64 << 20))
VDB1_START=$((1 << 20))
VDB1_SIZE=$((32 << 20))

make_vdb_image() {
	local img=$1
	perl -e 'my $n = shift; for my $s (0 .. $n - 1) { print sprintf("sect %010d\n", $s) x 32 }' \
		$((VDB_SIZE / 512)) >"$img"
	sfdisk --no-reread --no-tell-kernel -q "$img" >/dev/null <<-EOF
		label: dos
		label-id: 0x75727074
		start=$((VDB1_START / 512)), size=$((VDB1_SIZE / 512)), type=83
		start=$(((VDB1_START + VDB1_SIZE) / 512)), type=83
	EOF
}

# Counting -------------------------------------------------------------------
#
# Results are tallied in these globals and printed by print_summary. A TAP
# line is `ok N ...` or `not ok N ...` at the start of a line (indented
# lines are subtests, already summed up by their parent line); a `# SKIP`
# directive makes it a skip, whatever ok/not ok says.

PASSED=0
FAILED=0
SKIPS=()	# "name: reason" of every skipped test
FAILS=()	# "name: what" of every failure, for the summary
BOOT_RETRIES=()	# "kver: first report line" of every boot booted again (boot_vm)

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); FAILS+=("$1"); msg "FAIL: $1"; }

# tally_tap NAME FILE RC: count the TAP lines of one test program's output.
# RC is its exit status, or "cut" if it never finished. A non-zero exit without any
# `not ok` line is one failure, and so is a program that reported nothing.
tally_tap() {
	local name=$1 file=$2 rc=$3 line n=0 nok=0 desc run="" why=()
	while IFS= read -r line; do
		line=${line%$'\r'}
		# kselftest_harness.h announces "#  RUN  fixture.test ..." but its
		# skip lines carry only the reason: remember the name for them.
		if [[ $line =~ ^#\ +RUN\ +([^ ]+) ]]; then
			run=${BASH_REMATCH[1]}
			why=()
			continue
		fi
		# Why a test failed goes with it into the summary, so a failure
		# in CI says why without its logs: the harness's first failed
		# check ("file.c:LINE:test:Expected ...") and the line the test
		# logs after it, or "Test terminated ..." (timeout, signal).
		if ((${#why[@]} < 2)) && [[ $line =~ :Expected\ |Test\ terminated ||
			(${#why[@]} == 1 && $line =~ ^#\ [^\ ]+\.c:[0-9]+:) ]]; then
			why+=("${line#\# }")
			continue
		fi
		[[ $line =~ ^(not\ )?ok([[:space:]]|$) ]] || continue
		n=$((n + 1))
		desc=${line#not }
		desc=${desc#ok }
		if [[ -n $run && $desc =~ ^[0-9]+\ \# ]]; then
			desc="${desc%% *} $run ${desc#* }"
		fi
		run=""
		if [[ $line =~ \#[[:space:]]*[Ss][Kk][Ii][Pp] ]]; then
			SKIPS+=("$name: ${desc}")
		elif [[ $line == not* ]]; then
			nok=$((nok + 1))
			if ((${#why[@]})); then
				fail "$name: $desc: $(printf '%s | ' "${why[@]}")"
			else
				fail "$name: $desc"
			fi
		else
			pass
		fi
		why=()
	done <"$file"
	# "cut" (cut short): the program never finished; the guest's missing
	# end marker is the failure, counted once by tally_guest.
	[[ $rc == cut ]] && return 0
	if [[ -n $rc && $rc != 0 && $nok == 0 ]]; then
		fail "$name: exited with status $rc without a 'not ok' line"
	elif [[ $n == 0 ]]; then
		fail "$name: no TAP results"
	fi
}

# tally_guest FILE: the guest's results channel holds one section per test
# program run, framed by the guest scripts:
#   URPT-BEGIN <name>
#   ...its TAP output...
#   URPT-END <name> rc=<status>
# followed by URPT-VM-END once the job is over.
tally_guest() {
	local file=$1 dir name rc line
	dir=$(mktemp -d)
	local cur="" i=0 unfinished=""
	while IFS= read -r line; do
		line=${line%$'\r'}
		if [[ $line =~ ^URPT-BEGIN\ (.*)$ ]]; then
			cur=${BASH_REMATCH[1]}
			i=$((i + 1))
			: >"$dir/$i.out"
			echo "$cur" >"$dir/$i.name"
		elif [[ -n $cur && $line =~ ^URPT-END\ .*\ rc=([0-9]+)$ ]]; then
			echo "${BASH_REMATCH[1]}" >"$dir/$i.rc"
			cur=""
		elif [[ -n $cur ]]; then
			printf '%s\n' "$line" >>"$dir/$i.out"
		fi
	done <"$file"
	local k
	for ((k = 1; k <= i; k++)); do
		name=$(cat "$dir/$k.name")
		if [[ -f $dir/$k.rc ]]; then
			rc=$(cat "$dir/$k.rc")
			tally_tap "guest $name" "$dir/$k.out" "$rc"
		else
			# Cut short: the guest died or hung inside it. Count what it
			# printed; the missing end marker is the failure.
			tally_tap "guest $name" "$dir/$k.out" cut
			unfinished=$name
		fi
	done
	rm -rf "$dir"
	if ! grep -q '^URPT-VM-END' "$file"; then
		fail "guest: no end marker (hung, crashed or timed out${unfinished:+ in $unfinished}; see console.log)"
	fi
}

# scan_console FILE: every kernel line reporting a bug is one failure.
# Only kernel lines are scanned (they carry a printk timestamp), so test
# output echoed on the console cannot match by accident. The debug kernel's
# reports start with these words too: KASAN ("BUG: KASAN: ..."), lockdep
# ("WARNING: possible circular locking dependency detected", "WARNING:
# inconsistent lock state", ...), DEBUG_ATOMIC_SLEEP ("BUG: sleeping
# function called from invalid context"), DEBUG_LIST (a WARNING); and a
# task blocked for minutes (hung task detector) or an RCU stall is one too.
scan_console() {
	local file=$1 line
	while IFS= read -r line; do
		fail "console: ${line%$'\r'}"
	done < <(grep -aE '^\[ *[0-9]+\.[0-9]+\] .*(WARNING:|BUG:|Oops|Call Trace|KASAN|kernel BUG|INFO: task .* blocked for more than|rcu: INFO: .*detected stall)' "$file" || true)
}

# print_summary LOGDIR: the last line is exactly "N passed, N failed".
print_summary() {
	local logdir=$1 s
	echo
	echo "==== summary"
	if ((${#SKIPS[@]})); then
		echo "skipped (${#SKIPS[@]}):"
		for s in "${SKIPS[@]}"; do echo "  $s"; done
	fi
	if ((${#BOOT_RETRIES[@]})); then
		echo "booted again after a crash before /init (${#BOOT_RETRIES[@]}):"
		for s in "${BOOT_RETRIES[@]}"; do echo "  $s"; done
	fi
	if ((${#FAILS[@]})); then
		echo "failed (${#FAILS[@]}):"
		for s in "${FAILS[@]}"; do echo "  $s"; done
	fi
	echo "logs: $logdir"
	echo "$PASSED passed, $FAILED failed"
}

# Run directories ------------------------------------------------------------

# new_logdir JOB: .cache/logs/JOB-<UTC time>-<pid>, plus a JOB-latest link.
# Only the newest 20 runs of each job are kept.
new_logdir() {
	local job=$1 d
	mkdir -p "$URPT_LOGS"
	d=$URPT_LOGS/$job-$(date -u +%Y%m%dT%H%M%SZ)-$$
	mkdir -p "$d"
	ln -sfn "$(basename "$d")" "$URPT_LOGS/$job-latest"
	find "$URPT_LOGS" -mindepth 1 -maxdepth 1 -type d -name "$job-*" -printf '%f\n' |
		sort -r | tail -n +21 | while read -r old; do rm -rf "${URPT_LOGS:?}/$old"; done
	echo "$d"
}

# run_logged LOG CMD...: run a build step with its output in LOG; on
# failure show the end of it, so the reason is on the screen too.
run_logged() {
	local log=$1 rc=0
	shift
	"$@" >"$log" 2>&1 || rc=$?
	if ((rc)); then
		tail -n 30 "$log" | sed 's/^/    | /' >&2
	fi
	return "$rc"
}

# Booting --------------------------------------------------------------------

# direct_io_ok DIR: can qemu open images in DIR with O_DIRECT (cache=none)?
# tmpfs and some overlay setups cannot.
direct_io_ok() {
	local probe=$1/.odirect-probe rc=0
	dd if=/dev/zero of="$probe" bs=4096 count=1 oflag=direct status=none 2>/dev/null || rc=1
	rm -f "$probe"
	return "$rc"
}

# vm_images RUNDIR: fresh disk images for one boot (boot_vm).
vm_images() {
	local rundir=$1
	rm -f "$rundir"/{vda,vdb,vdc,vdd,vde,sda,nvme,mpath,zns}.img
	truncate -s 64M "$rundir/vda.img" "$rundir/nvme.img" "$rundir/vdc.img" "$rundir/sda.img" "$rundir/zns.img"
	truncate -s 32M "$rundir/mpath.img"
	# guest/disks.sh: a read-only disk, and one for the ext2 under its loops
	truncate -s 16M "$rundir/vdd.img"
	truncate -s 128M "$rundir/vde.img"
	make_vdb_image "$rundir/vdb.img"
}

# The kernel's first report line in console log $1.
boot_crash_line() {
	grep -aE -m 1 '^\[ *[0-9]+\.[0-9]+\] .*(Oops|BUG:|kernel BUG|Kernel panic)' "$1" | tr -d '\r'
}

# boot_crashed CONSOLE: the kernel reported a crash and /init never ran
# (it prints "urpt-vm: kernel ..." first): nothing of urpt's was loaded.
boot_crashed() {
	! grep -aq '^urpt-vm: ' "$1" && [[ -n $(boot_crash_line "$1") ]]
}

# boot_vm JOB KVER INITRD RUNDIR LOGDIR TIMEOUT
#
# Boots the guest with fresh disks in RUNDIR and the job on the kernel
# command line:
#   vda.img   virtio-blk, 64 MiB, zeros                     /dev/vda
#   vdb.img   virtio-blk, 64 MiB, MBR + sector pattern      /dev/vdb, vdb1, vdb2
#             (make_vdb_image)
#   nvme.img  NVMe namespace, 64 MiB, serial urpt0001       /dev/nvme0n1
#   zns.img   NVMe zoned namespace, 64 MiB, serial urptzns1 (guest/zns_tools.sh)
# The null_blk disks live in guest memory (init makes them). The NVMe
# controller offers more I/O queue pairs (max_ioqpairs, 64) than the guest
# asks for (one per CPU plus nvme.poll_queues=2), so poll queues exist. The console (ttyS0) goes to LOGDIR/console.log and,
# unless URPT_VM_QUIET=1, to the terminal; URPT_VM_ACCEL (default tcg),
# URPT_VM_SMP (default 2),
# URPT_VM_QEMU_ARGS and URPT_VM_APPEND change the machine and the kernel
# command line; the guest's results channel
# (ttyS1) goes to LOGDIR/guest.log. Returns qemu's exit status through
# timeout: 124 when the guest was killed for taking longer than TIMEOUT s.
boot_vm() {
	local job=$1 kver=$2 initrd=$3 rundir=$4 logdir=$5 limit=$6
	local kernel cache=none rc=0 vm_lock attempt
	kernel=$(guest_kernel "$kver")
	direct_io_ok "$rundir" || cache=writeback

	local cmdline=(
		console=ttyS0 panic=-1 oops=panic
		# 5 shows KERN_WARNING and above: WARN, BUG, oops and call traces
		# stay visible, the boot's info/notice chatter does not.
		loglevel=5 printk.time=1
		# Pages come unzeroed, as on kernels built without
		# INIT_ON_ALLOC_DEFAULT_ON: memory urpt hands to user space
		# without zeroing it shows.
		init_on_alloc=0
		"urptvm.job=$job"
		# URPT_VM_APPEND: more words for the job (bench.sh: I/O counts)
		${URPT_VM_APPEND:-}
	)
	# shellcheck disable=SC2054 # the commas are qemu's, not array separators
	local qemu=(
		qemu-system-x86_64 -accel "${URPT_VM_ACCEL:-tcg}" -nodefaults -nographic -no-reboot
		# 2 GiB: null_blk's 320 MiB live in guest memory, and the
		# tests map 64 MiB transfers (several at once).
		# URPT_VM_SMP, URPT_VM_QEMU_ARGS (split on blanks): bench.sh
		# boots one vCPU under -icount.
		-m 2048 -smp "${URPT_VM_SMP:-2}" ${URPT_VM_QEMU_ARGS:-}
		-serial mon:stdio
		-serial "file:$logdir/guest.log"
		-kernel "$kernel" -initrd "$initrd" -append "${cmdline[*]}"
		# Virtio disks are named in the order of their -device: vda, vdb,
		# then guest/disks.sh's vdc (4096-byte blocks), vdd (read-only)
		# and vde (the ext2 under its loop devices).
		-drive "file=$rundir/vda.img,if=none,id=dvda,format=raw,cache=$cache"
		-device virtio-blk-pci,drive=dvda
		-drive "file=$rundir/vdb.img,if=none,id=dvdb,format=raw,cache=$cache"
		-device virtio-blk-pci,drive=dvdb
		-drive "file=$rundir/vdc.img,if=none,id=dvdc,format=raw,cache=$cache"
		-device virtio-blk-pci,drive=dvdc,logical_block_size=4096,physical_block_size=4096
		-drive "file=$rundir/vdd.img,if=none,id=dvdd,format=raw,readonly=on"
		-device virtio-blk-pci,drive=dvdd
		-drive "file=$rundir/vde.img,if=none,id=dvde,format=raw,cache=$cache"
		-device virtio-blk-pci,drive=dvde
		-drive "file=$rundir/nvme.img,if=none,id=nvm,format=raw,cache=$cache"
		-device nvme,serial=urpt0001,drive=nvm
		# guest/disks.sh: a SCSI disk on virtio-scsi
		-device virtio-scsi-pci,id=scsi0
		-drive "file=$rundir/sda.img,if=none,id=dsc,format=raw,cache=$cache"
		-device scsi-hd,drive=dsc,bus=scsi0.0
		# and an NVMe subsystem of two controllers sharing namespace 1:
		# the guest's multipath head (after nvme0, so it stays nvme0)
		-device nvme-subsys,id=mpsubsys,nqn=urpt-mpath
		-device nvme,serial=urptmp01,subsys=mpsubsys
		-device nvme,serial=urptmp01,subsys=mpsubsys
		-drive "file=$rundir/mpath.img,if=none,id=nvmp,format=raw,cache=$cache"
		-device nvme-ns,drive=nvmp,nsid=1,shared=on
		# and, last, a controller with a zoned namespace (qemu's ZNS):
		# 16 zones of 4 MiB, 3 MiB writable in each, 4 open at most
		# (guest/zns_tools.sh binds it at 0000:00:1e.0, finds it by serial)
		-device nvme,serial=urptzns1,id=nvmezns,addr=0x1e
		-drive "file=$rundir/zns.img,if=none,id=dzns,format=raw,cache=$cache"
		-device nvme-ns,drive=dzns,bus=nvmezns,nsid=1,zoned=true,zoned.zone_size=4M,zoned.zone_capacity=3M,zoned.max_open=4,zoned.max_active=6
	)
	echo "${qemu[*]}" >"$logdir/qemu.cmd"
	# One VM at a time on this machine (two TCG guests on two cores
	# slow each other past their time limits): wait for the lock.
	mkdir -p "$URPT_CACHE"
	exec {vm_lock}>"$URPT_CACHE/vm.lock"
	if ! flock -n "$vm_lock"; then
		msg "waiting for another VM to finish ($URPT_CACHE/vm.lock)"
		flock "$vm_lock"
	fi
	for attempt in 1 2; do
		vm_images "$rundir"
		: >"$logdir/guest.log"
		msg "booting $(basename "$kernel") ($kver), job=$job, timeout ${limit}s; console: $logdir/console.log"
		rc=0
		# stdin from /dev/null: no terminal is put in raw mode, nothing
		# typed reaches the monitor.
		if [[ ${URPT_VM_QUIET:-0} == 1 ]]; then
			timeout -k 10 "$limit" "${qemu[@]}" </dev/null >"$logdir/console.log" 2>&1 || rc=$?
		else
			# Show the console live and keep it; qemu's status is
			# the verdict.
			set +e
			timeout -k 10 "$limit" "${qemu[@]}" </dev/null 2>&1 | tee "$logdir/console.log"
			rc=${PIPESTATUS[0]}
			set -e
		fi
		if ((attempt > 1)) || ! boot_crashed "$logdir/console.log"; then
			break
		fi
		# Debian's kernels now and then oops at boot under
		# multi-threaded TCG, on an int3 that text patching left
		# behind on the other vCPU (sched_clock_cpu() in the idle
		# loop): before /init, so before urpt.ko, ran. Once more.
		mv "$logdir/console.log" "$logdir/console.boot1.log"
		BOOT_RETRIES+=("$kver: $(boot_crash_line "$logdir/console.boot1.log") (console.boot1.log)")
		msg "the kernel crashed while booting, before /init ran: booting again, once"
	done
	exec {vm_lock}>&-
	if ((rc == 124 || rc == 137)); then
		msg "guest killed after ${limit}s (hung?)"
	elif ((rc)); then
		msg "qemu exited with status $rc"
	fi
	return "$rc"
}

# Building -------------------------------------------------------------------
#
# Each build step logs to LOGDIR/build-<what>.log. A failed step is one
# failure, and its product is then not packed (URPT_KO, URPT_CLI or
# URPT_SELFTESTS left empty): a stale binary from an earlier build must not
# be tested as if it were the current source.

build_user() {
	local logdir=$1
	msg "make -C user"
	if run_logged "$logdir/build-user.log" make -C "$URPT_ROOT/user"; then
		export URPT_CLI=$URPT_ROOT/user/cli/urpt
		[[ -x $URPT_CLI ]] || { fail "build: make -C user did not produce user/cli/urpt"; URPT_CLI=; }
		return 0
	fi
	fail "build: make -C user (see $logdir/build-user.log)"
	export URPT_CLI=
	return 1
}

build_module() {
	local logdir=$1 kver=$2 kdir=/usr/src/linux-headers-$2 vermagic
	export URPT_KO=
	# A kernel fetched by kernels.sh (in its suite's chroot, or on the
	# host for bookworm-backports): its unpacked headers, its build dir.
	if [[ -n $(kernel_root "$kver") ]]; then
		build_module_chroot "$logdir" "$kver"
		return
	fi
	msg "make -C kernel KDIR=$kdir"
	# W=1 and sparse (C=2 checks every file) on the build that is tested.
	if ! run_logged "$logdir/build-module.log" make -C "$URPT_ROOT/kernel" KDIR="$kdir" W=1 C=2; then
		fail "build: urpt.ko against $kdir (see $logdir/build-module.log)"
		return 1
	fi
	if [[ ! -f $URPT_ROOT/kernel/urpt.ko ]]; then
		fail "build: make -C kernel did not produce kernel/urpt.ko"
		return 1
	fi
	# The guest refuses a module built for another kernel: say so here.
	vermagic=$(modinfo -F vermagic "$URPT_ROOT/kernel/urpt.ko")
	if [[ $vermagic != "$kver "* ]]; then
		fail "build: kernel/urpt.ko is for '$vermagic', not $kver"
		return 1
	fi
	export URPT_KO=$URPT_ROOT/kernel/urpt.ko
}

# build_module_chroot LOGDIR KVER: urpt.ko for a kernel fetched by
# kernels.sh, built in its suite's chroot with the kernel's own compiler
# (W=1; no sparse there), or on the host when that is the kernel's own
# toolchain (bookworm-backports on bookworm; W=1 too, like the others). The compiler's first errors are shown, and the
# whole log is kept in LOGDIR/build-module.log and
# .cache/build/<kver>/build.log (the newest build for that kernel).
build_module_chroot() {
	local logdir=$1 kver=$2 suite ko vermagic where
	suite=$(kernel_suite "$kver")
	where="in the $suite chroot"
	[[ $suite == host ]] && where="on the host"
	msg "make -C kernel for $kver $where (W=1)"
	if ! ensure_chroot "$kver" 2>"$logdir/chroot.log"; then
		sed 's/^/    | /' "$logdir/chroot.log" >&2
		fail "build: no $suite chroot to build urpt.ko for $kver (see $logdir/chroot.log)"
		return 1
	fi
	if ! ko=$(build_module_for "$kver" "$logdir/build-module.log"); then
		cp "$logdir/build-module.log" "$URPT_CACHE/build/$kver/build.log"
		msg "first errors building urpt.ko for $kver:"
		first_errors "$logdir/build-module.log" | sed 's/^/    | /' >&2
		fail "build: urpt.ko for $kver $where (see $logdir/build-module.log)"
		return 1
	fi
	cp "$logdir/build-module.log" "$URPT_CACHE/build/$kver/build.log"
	vermagic=$(modinfo -F vermagic "$ko")
	if [[ $vermagic != "$kver "* ]]; then
		fail "build: $ko is for '$vermagic', not $kver"
		return 1
	fi
	export URPT_KO=$ko
}

# lint_module LOGDIR: the kernel code's standards, one test each: no
# compiler or sparse warning in the build above, checkpatch --strict clean.
lint_module() {
	local logdir=$1 cp=$URPT_CACHE/checkpatch/checkpatch.pl files
	if grep -E 'warning:|error:' "$logdir/build-module.log" >"$logdir/lint-build.log"; then
		sed 's/^/    | /' "$logdir/lint-build.log" >&2
		fail "lint: urpt.ko builds with W=1 and sparse without warnings"
	else
		echo "ok - lint: urpt.ko builds with W=1 and sparse without warnings"
		pass
	fi
	files=$(cd "$URPT_ROOT" && ls kernel/*.[ch] include/urpt.h | grep -v '\.mod\.c$')
	if (cd "$URPT_ROOT" && perl "$cp" --strict --no-tree --terse \
		-f $files) >"$logdir/lint-checkpatch.log" 2>&1; then
		echo "ok - lint: checkpatch --strict is clean on kernel/ and include/"
		pass
	else
		grep -E 'ERROR|WARNING|CHECK' "$logdir/lint-checkpatch.log" | sed 's/^/    | /' >&2
		fail "lint: checkpatch --strict on kernel/ and include/"
	fi
}

# make -k: one program that does not compile is one failure, the others
# still run. The Makefile deletes a binary before rebuilding it, so what is
# in build/ afterwards is current.
build_selftests() {
	local logdir=$1 rc=0 prog nbad=0
	msg "make -k -C selftests"
	run_logged "$logdir/build-selftests.log" make -k -C "$URPT_ROOT/selftests" || rc=$?
	export URPT_SELFTESTS=
	for prog in "$URPT_ROOT"/selftests/*.c $(make -s -C "$URPT_ROOT/selftests" list-m32); do
		[[ $prog == *.c && ! -e $prog ]] && continue
		prog=$URPT_ROOT/selftests/build/$(basename "$prog" .c)
		if [[ -x $prog ]]; then
			URPT_SELFTESTS+="$prog "
		else
			fail "build: selftests/build/$(basename "$prog") (see $logdir/build-selftests.log)"
			nbad=$((nbad + 1))
		fi
	done
	if ((rc && nbad == 0)); then
		# Nothing to blame on one program (liburpt.a or the headers).
		fail "build: make -C selftests (see $logdir/build-selftests.log)"
	fi
	[[ -n $URPT_SELFTESTS ]] || msg "no selftest programs (selftests/*.c) built"
	return "$rc"
}

# The kernel matrix (fetched kernels, build chroots): kernels.sh.
. "$URPT_VM_DIR/kernels.sh"
# The debug kernel (KASAN, lockdep, kmemleak): debugkernel.sh.
. "$URPT_VM_DIR/debugkernel.sh"
