#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: the whole test suite.
#
#  1. deps.sh (installs missing packages as root, kselftest headers)
#  2. make -C user, make -C user unit (host unit tests, TAP);
#     commands_test.sh (every command the harness runs is in deps.sh's table)
#  3. urpt.ko against the guest kernel's headers (W=1, sparse), checkpatch
#     --strict on kernel/ and include/, make -C selftests
#  4. initramfs, boot qemu with urptvm.job=check (guest/check.sh): the
#     disks are checked (sizes, poll queues), every selftest binary runs on
#     /dev/vda, /dev/nvme0n1, /dev/nullb0 and the partition /dev/vdb1,
#     `urpt verify` at queue depths 1, 32 and 128 on each of them, then
#     the CLI writes /data/pattern.bin at 1 MiB of /dev/vda
#  5. host: the virtio image at 1 MiB must hold pattern.bin, and the vdb
#     image outside vdb1 must be as the host wrote it (MBR, sector numbers)
#  6. host: packaging.sh (dkms build against the 6.1 headers in a private
#     DKMS tree; make install + uninstall into a DESTDIR)
#  7. durability.sh --from-check (docs/durability.md; ~1 min): the VM is
#     killed mid-write on 4 random seeds, every acknowledged durable write
#     must be on the image; plus the negative control
#
# Counted: every TAP ok/not ok line (unit tests, guest runs), the image
# check, each kernel WARNING/BUG/Oops/Call Trace/KASAN console line, a
# missing end marker, a test that exits non-zero without a not-ok line or
# reports nothing, each failed build step. Skips are listed, not passed.
# The last line is "N passed, N failed"; the exit status is non-zero when
# something failed or nothing passed.
#
# Environment: URPT_KVER (guest kernel; "debug": debugkernel.sh's),
# URPT_VM_TIMEOUT (default 900 s, 7200 s on the debug kernel),
# URPT_VM_QUIET=1 (console to the log only), URPT_VM_BZIMAGE=1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$URPT_VM_DIR/deps.sh"
kver=$(guest_kver) || die "no Debian 6.1 kernel installed"
# The debug kernel (URPT_KVER=debug, `make check-debug`): KASAN and lockdep
# make the guest several times slower under TCG. Longer time limits, the
# guest's too (urptvm.timeout_scale multiplies guest/check.sh's per-test
# limit). The fuzzer sends 10^6 commands there (URPT_DEBUG_FUZZ_COUNT),
# against 30000 on the other kernels. The bio and bio_vec caches carry
# failslab from boot (their attribute is read-only since 5.9), for
# urpt_pressure_test's failslab variant; nothing fails until it asks.
if debug_kernel_is "$kver"; then
	URPT_VM_TIMEOUT=${URPT_VM_TIMEOUT:-7200}
	URPT_VM_APPEND="${URPT_VM_APPEND:-} urptvm.timeout_scale=${URPT_DEBUG_TIMEOUT_SCALE:-5}"
	URPT_VM_APPEND+=" urptvm.fuzz_count=${URPT_DEBUG_FUZZ_COUNT:-1000000}"
	URPT_VM_APPEND+=" slub_debug=A,bio-*,biovec-*"
fi
logdir=$(new_logdir check)
rundir=$(mktemp -d "$URPT_CACHE/run.check.XXXXXX")
trap 'rm -rf "$rundir"' EXIT
start=$SECONDS

# Host unit tests run only if the library built: one failure, not two.
if build_user "$logdir"; then
	msg "make -C user unit"
	rc=0
	make -C "$URPT_ROOT/user" unit >"$logdir/unit.log" 2>&1 || rc=$?
	grep -aE '^(not )?ok ' "$logdir/unit.log" || true
	tally_tap "unit" "$logdir/unit.log" "$rc"
fi
# Every command the harness runs has its row in deps.sh's table.
rc=0
"$URPT_VM_DIR/commands_test.sh" >"$logdir/commands.tap" 2>&1 || rc=$?
grep -aE '^(not )?ok ' "$logdir/commands.tap" || true
tally_tap "harness commands" "$logdir/commands.tap" "$rc"
build_module "$logdir" "$kver" && lint_module "$logdir"
build_selftests "$logdir" || true

msg "initramfs"
"$URPT_VM_DIR/initramfs.sh" "$rundir/initramfs.cpio.gz" 2>&1 | tee "$logdir/initramfs.log"

# The VM's timeout only catches a guest that hangs as a whole: the guest
# kills each test program and each `urpt verify` after 240 s itself. 900 s
# leaves room for one or two of those on top of a normal run (the guest
# job takes ~30 s: ~20 s of selftests, ~11 s of urpt verify; each run and
# step logs its time in guest.log).
boot_vm check "$kver" "$rundir/initramfs.cpio.gz" "$rundir" "$logdir" "${URPT_VM_TIMEOUT:-900}" || true

tally_guest "$logdir/guest.log"
scan_console "$logdir/console.log"

# The CLI wrote pattern.bin at 1 MiB of /dev/vda: check it on the image
# itself, outside the guest, so a driver that lies to the guest is caught.
pattern=$rundir/pattern.bin
make_pattern "$pattern"
if cmp -n 262144 -i 1048576:0 "$rundir/vda.img" "$pattern" >"$logdir/image-check.log" 2>&1; then
	echo "ok - host: virtio image holds pattern.bin at 1 MiB"
	pass
else
	sed 's/^/    | /' "$logdir/image-check.log" >&2
	fail "host: virtio image does not hold pattern.bin at 1 MiB"
fi

# Writes through /dev/vdb1 must stay inside it: everything before 1 MiB
# (MBR and gap) and after 33 MiB (vdb2) still as make_vdb_image wrote it.
make_vdb_image "$rundir/vdb.ref"
if cmp -n "$VDB1_START" "$rundir/vdb.img" "$rundir/vdb.ref" >"$logdir/vdb-check.log" 2>&1 &&
	cmp -i "$((VDB1_START + VDB1_SIZE))" "$rundir/vdb.img" "$rundir/vdb.ref" \
		>>"$logdir/vdb-check.log" 2>&1; then
	echo "ok - host: vdb image outside vdb1 is as written before boot"
	pass
else
	sed 's/^/    | /' "$logdir/vdb-check.log" >&2
	fail "host: vdb image changed outside vdb1 (offsets are bytes, from 1)"
fi

# Packaging, on the host: dkms build in a private tree, make install and
# uninstall into a DESTDIR (packaging.sh; ~5 s).
rc=0
"$URPT_VM_DIR/packaging.sh" "$logdir" >"$logdir/packaging.tap" || rc=$?
cat "$logdir/packaging.tap"
tally_tap "host packaging" "$logdir/packaging.tap" "$rc"

# Durability: SIGKILL to qemu mid-write, then every write urpt acknowledged
# as durable (FUA, or covered by a FLUSH) must be on the image; its own
# logs are in .cache/logs/durability-latest (durability.sh; ~1 min).
# Not on the debug kernel: its single-threaded TCG boots (durability.sh)
# take longer than the seeds' 120 s limit, and the data path it checks is
# the same as on Debian's kernel.
rc=0
if debug_kernel_is "$kver"; then
	echo "ok 1 - durability # SKIP the debug kernel boots too slowly under single-threaded TCG (make durability)" \
		>"$logdir/durability.tap"
else
	"$URPT_VM_DIR/durability.sh" --from-check >"$logdir/durability.tap" || rc=$?
fi
grep -aE '^(not )?ok |^# durability' "$logdir/durability.tap" || true
tally_tap "durability" "$logdir/durability.tap" "$rc"

msg "check took $((SECONDS - start)) s (deps excluded)"
print_summary "$logdir" | tee "$logdir/summary.txt"
((FAILED == 0 && PASSED > 0))
