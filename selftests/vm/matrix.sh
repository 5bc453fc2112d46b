#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check KERNELS="6.1 6.12-bpo 6.12 newest"`: the whole check suite (check.sh)
# once per kernel, the same module source built for each.
#
#   selftests/vm/matrix.sh NAME...
#
# NAME: 6.1 (the installed bookworm kernel, built and booted exactly as by
# `make check`), 6.12-bpo (bookworm-backports' newest 6.12 kernel, built
# on a bookworm host with its gcc-12), 6.12 (trixie's current kernel),
# newest (sid's newest kernel, resolved from sid's index at each run), or
# a version. See
# kernels.sh for where the kernels and build chroots come from.
#
#  1. deps.sh --matrix (mmdebstrap on top of check's packages)
#  2. set-up, cached: resolve each name, fetch and unpack the kernel, make
#     its suite's build chroot (a failure here is one failure for that
#     kernel, which is then not booted)
#  3. for each kernel in turn: URPT_KVER=<kver> check.sh. The userspace is
#     built on the host (static binaries, the same for every kernel; only
#     the first run rebuilds anything); urpt.ko is built for the kernel
#     (6.1: kernel/urpt.ko on the host, W=1 and sparse; 6.12-bpo: on the
#     host, W=1; others: in the chroot, W=1; all but 6.1 into
#     .cache/build/<kver>/). A module that does not build
#     is a failure and its first compiler errors are shown; the guest then
#     reports every test that needed it as failed.
#
# Kernels run one after the other, each guest with two vCPUs (the same
# machine as `make check`, and multi-threaded TCG uses both cores).
# Output: each kernel's check output, then "<kver>: N passed, N failed" per
# kernel, and last the overall "N passed, N failed" line. The exit status
# is non-zero when something failed or nothing passed. Logs:
# .cache/logs/matrix-latest/ (one check log per kernel, plus set-up).
#
# Environment: as check.sh; URPT_VM_QUIET defaults to 1 here (each
# kernel's console is in its check log directory).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

(($#)) || set -- 6.1
"$URPT_VM_DIR/deps.sh" --matrix
export URPT_VM_QUIET=${URPT_VM_QUIET:-1}
mlog=$(new_logdir matrix)
start=$SECONDS

# wait_for_qemu: the machine has two cores; another engineer's guest would
# slow ours down (and time it out): wait while one runs.
wait_for_qemu() {
	local waited=0
	# -f: a process name is cut to 15 characters ("qemu-system-x86").
	while pgrep -f '^qemu-system' >/dev/null; do
		((waited % 30 == 0)) && msg "another qemu is running: waiting (${waited}s)"
		sleep 5
		waited=$((waited + 5))
	done
}

names=("$@")
kvers=()
setup_err=()
for name in "${names[@]}"; do
	t=$SECONDS
	err=""
	if ! kver=$(resolve_kernel "$name" 2>>"$mlog/setup.log"); then
		kvers+=("$name")
		setup_err+=("cannot resolve kernel '$name' (see $mlog/setup.log)")
		continue
	fi
	if ! fetch_kernel "$kver" 2>>"$mlog/setup.log"; then
		err="fetching $kver failed (see $mlog/setup.log)"
	elif ! ensure_chroot "$kver" 2>>"$mlog/setup.log"; then
		err="the $(kernel_suite "$kver") build chroot for $kver failed (see $mlog/setup.log)"
	fi
	msg "kernel $name: $kver ($(kernel_suite "$kver")), set-up $((SECONDS - t)) s"
	kvers+=("$kver")
	setup_err+=("$err")
done
msg "set-up took $((SECONDS - start)) s"

results=()
total_p=0 total_f=0
for i in "${!kvers[@]}"; do
	kver=${kvers[$i]}
	t=$SECONDS
	if [[ -n ${setup_err[$i]} ]]; then
		msg "$kver: ${setup_err[$i]}"
		p=0 f=1
	else
		wait_for_qemu
		msg "==== check on $kver"
		rc=0
		URPT_KVER=$kver "$URPT_VM_DIR/check.sh" 2>&1 | tee "$mlog/check-$kver.log" || rc=$?
		line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$mlog/check-$kver.log" | tail -n 1 || true)
		if [[ -n $line ]]; then
			p=${line%% passed*}
			f=${line#*, }
			f=${f%% failed}
		else
			msg "$kver: check.sh ended (status $rc) without a summary line"
			p=0 f=1
		fi
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	results+=("$kver: $p passed, $f failed ($((SECONDS - t)) s)")
done

{
	echo
	echo "==== matrix (${names[*]}), $((SECONDS - start)) s"
	for r in "${results[@]}"; do echo "$r"; done
	# Name the failures here: CI shows only the end of the output.
	for i in "${!kvers[@]}"; do
		c=$mlog/check-${kvers[$i]}.log
		[[ -f $c ]] || continue
		sed -n '/^failed ([0-9]*):$/,/^logs: /p' "$c" | sed '$d' |
			sed "s/^failed/${kvers[$i]}: failed/; s/^  /    /"
	done
	for i in "${!kvers[@]}"; do
		b=$URPT_CACHE/build/${kvers[$i]}/build.log
		# The compiler's errors for the compat work, once more at the end.
		# (only for kernels whose module failed in this run)
		[[ -f $b && ! -f ${b%/build.log}/kernel/urpt.ko ]] || continue
		echo "urpt.ko does not build for ${kvers[$i]}; distinct errors ($b):"
		{
			grep -aoE '[^ /]+\.[ch]:[0-9]+:[0-9]+: (fatal )?error: .*' "$b" | sort -u -t: -k1,1 -k2,2n
			grep -aE '^ERROR: ' "$b" | sort -u
		} | head -n 40 | sed 's/^/    /'
	done
	echo "logs: $mlog"
	echo "$total_p passed, $total_f failed"
} | tee "$mlog/summary.txt"
((total_f == 0 && total_p > 0))
