#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build what the demo needs, boot the VM with urptvm.job=demo
# and show a CLI session on the virtio disk (guest/demo.sh): attach, info,
# write a file, read it back, compare, CQE32 details (-v), list, detach.
# Each step is one check; the last line is "N passed, N failed".
#
# Environment: as check.sh (URPT_KVER, URPT_VM_TIMEOUT, default 300 s).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$URPT_VM_DIR/deps.sh"
kver=$(guest_kver) || die "no Debian 6.1 kernel installed"
logdir=$(new_logdir demo)
rundir=$(mktemp -d "$URPT_CACHE/run.demo.XXXXXX")
trap 'rm -rf "$rundir"' EXIT

build_user "$logdir" || true
build_module "$logdir" "$kver" || true

msg "initramfs"
# The demo needs no selftests: keep them out of its initramfs.
URPT_SELFTESTS="" "$URPT_VM_DIR/initramfs.sh" "$rundir/initramfs.cpio.gz" 2>&1 |
	tee "$logdir/initramfs.log"

# The session is shown from the results channel below; the console stays in
# its log unless asked for.
URPT_VM_QUIET=${URPT_VM_QUIET:-1} \
	boot_vm demo "$kver" "$rundir/initramfs.cpio.gz" "$rundir" "$logdir" "${URPT_VM_TIMEOUT:-300}" || true

echo
echo "==== guest session"
grep -avE '^URPT-(BEGIN|END|VM-END)' "$logdir/guest.log" || true

tally_guest "$logdir/guest.log"
scan_console "$logdir/console.log"
print_summary "$logdir" | tee "$logdir/summary.txt"
((FAILED == 0 && PASSED > 0))
