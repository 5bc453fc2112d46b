#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make durability`: acknowledged durable writes survive a killed VM.
#
# For each seed, the VM boots with urptvm.job=durable (guest/durable.sh) and
# one more virtio disk (serial urpt-durable) whose qemu cache mode honours
# flushes: cache=none (O_DIRECT) where the run directory takes O_DIRECT,
# else cache=writeback; never writethrough (every write durable: nothing
# to prove) nor unsafe (flushes ignored). The image alternates between qcow2
# (4 KiB clusters: most writes allocate a cluster, and qemu keeps the new
# L2 entries in memory until the guest flushes) and raw. urpt_durable
# (selftests/durable/) writes 4 KiB records through /dev/urptN, FUA writes
# and plain writes with FLUSHes, and prints "DURABLE <seq> <block> <tag>" on
# the results channel once a write is durable. When the guest has printed a
# number of claims drawn from the seed (URPT_DURABLE_MIN..URPT_DURABLE_MAX),
# plus a random delay of up to 300 ms, qemu gets SIGKILL. Once it is gone,
# `urpt_durable check` reads every claim back from the image: the block must
# hold a valid record (CRC, magic, seed, block number) with that sequence
# number or a newer one. One lost claim fails the seed.
#
# Then the negative control (URPT_DURABLE_CONTROL=0 leaves it out): the
# same on qcow2 with `urpt_durable run --lie`, plain writes claimed at
# completion and never flushed; the check must find lost writes there, or
# the test could not tell a flush from none.
#
# What is proven: the writes urpt acknowledged as durable had been issued
# by qemu to the host file (and, for qcow2, qemu's metadata written too),
# i.e. FLUSH and FUA reached the virtual disk before urpt completed them.
# The host's page cache survives qemu, so this is not power-loss
# durability of the host's own disk (docs/durability.md).
#
# Environment:
#   URPT_DURABLE_SEEDS    seeds to run (default: 4 random ones, printed)
#   URPT_DURABLE_FORMATS  image formats, cycled over the seeds (default
#                         "qcow2 raw")
#   URPT_DURABLE_MIN, URPT_DURABLE_MAX   claims before the kill (50, 2000)
#   URPT_DURABLE_CONTROL  1 (default): run the negative control
#   URPT_DURABLE_LIMIT    seconds from qemu's start for the claims (120)
#   URPT_DURABLE_CACHE    none or writeback (default: none where O_DIRECT
#                         works in the run directory, else writeback)
#   URPT_KVER, URPT_VM_TIMEOUT (per boot, default 180 s)
# --no-deps: do not run deps.sh. --from-check (check.sh runs it so): no
# deps.sh, and the urpt.ko and CLI check.sh built (URPT_KO, URPT_CLI), not
# built again; liburpt must be there.
# The last line is "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

from_check=0
case ${1:-} in
--from-check) from_check=1 ;;
--no-deps) ;;
"") "$URPT_VM_DIR/deps.sh" ;;
*) die "usage: $0 [--no-deps | --from-check]" ;;
esac
if ((from_check)) && [[ -z ${URPT_KO:-} ]]; then
	# The build failure is already counted by check.sh.
	echo "ok 1 - durability # SKIP urpt.ko did not build"
	exit 0
fi
kver=$(guest_kver) || die "no Debian 6.1 kernel installed"
logdir=$(new_logdir durability)
mkdir -p "$URPT_CACHE"
rundir=$(mktemp -d "$URPT_CACHE/run.durability.XXXXXX")
[[ $rundir != *[[:space:]]* ]] || die "$rundir: qemu arguments are split on blanks"
qpid= bg=
cleanup() {
	# boot_vm in the background (waiting for the VM lock, or running qemu).
	if [[ -n $bg ]]; then kill "$bg" 2>/dev/null || true; fi
	# A qemu of ours still running (the script was interrupted): by pid.
	if [[ -n $qpid && $(cat "/proc/$qpid/comm" 2>/dev/null) == qemu-system-* ]]; then
		kill -9 "$qpid" 2>/dev/null || true
	fi
	rm -rf "$rundir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start=$SECONDS

MIN=${URPT_DURABLE_MIN:-50}
MAX=${URPT_DURABLE_MAX:-2000}
LIMIT=${URPT_DURABLE_LIMIT:-120}
read -r -a FORMATS <<<"${URPT_DURABLE_FORMATS:-qcow2 raw}"
if [[ -n ${URPT_DURABLE_SEEDS:-} ]]; then
	read -r -a SEEDS <<<"$URPT_DURABLE_SEEDS"
else
	SEEDS=()
	for _ in 1 2 3 4; do SEEDS+=($(((RANDOM << 15 | RANDOM) + 1))); done
fi
msg "seeds: ${SEEDS[*]} (again: URPT_DURABLE_SEEDS='${SEEDS[*]}')"

if ((!from_check)); then
	build_user "$logdir" || true
	build_module "$logdir" "$kver" || true
fi
prog=$URPT_ROOT/selftests/durable/build/urpt_durable
msg "make -C selftests/durable"
if ! run_logged "$logdir/build-durable.log" make -C "$URPT_ROOT/selftests/durable"; then
	fail "build: selftests/durable/urpt_durable (see $logdir/build-durable.log)"
	print_summary "$logdir" | tee "$logdir/summary.txt"
	exit 1
fi

msg "initramfs"
# urpt_durable is the only program in /selftests/ of this initramfs.
URPT_SELFTESTS=$prog "$URPT_VM_DIR/initramfs.sh" "$rundir/initramfs.cpio.gz" \
	>"$logdir/initramfs.log" 2>&1 || die "initramfs.sh failed (see $logdir/initramfs.log)"

cache=none
direct_io_ok "$rundir" || cache=writeback
case ${URPT_DURABLE_CACHE:-} in
"") ;;
none | writeback) cache=$URPT_DURABLE_CACHE ;;
*) die "URPT_DURABLE_CACHE=$URPT_DURABLE_CACHE: none or writeback (modes that honour flushes)" ;;
esac

ntap=0
total_claims=0
total_lost=0

# tap OK DESCRIPTION: one TAP line, counted.
tap() {
	ntap=$((ntap + 1))
	if (($1)); then
		echo "ok $ntap - $2"
		pass
	else
		echo "not ok $ntap - $2"
		fail "$2"
	fi
}

# run_one NAME SEED FORMAT LIE: boot, kill, check. Sets CLAIMS (claim
# lines checked), BLOCKS (blocks they name), LOST (blocks whose newest claim
# does not hold) and WHY (empty when the run itself went as planned).
run_one() {
	local name=$1 seed=$2 fmt=$3 lie=$4 d=$logdir/$1 r=$rundir/$1
	local img target delay_ms t0 n=0 said_wait=0 rc=0 res started=0
	CLAIMS=0 BLOCKS=0 LOST=0 WHY=
	mkdir -p "$d" "$r"
	case $fmt in
	raw) img=$r/durable.img; truncate -s 64M "$img" ;;
	qcow2) img=$r/durable.qcow2; qemu-img create -q -f qcow2 -o cluster_size=4096 "$img" 64M ;;
	*) die "unknown image format $fmt" ;;
	esac
	# The kill point follows from the seed: so many claims, then a delay.
	RANDOM=$seed
	target=$((MIN + RANDOM % (MAX - MIN + 1)))
	delay_ms=$((RANDOM % 300))
	echo "seed $seed format $fmt cache $cache lie $lie target $target delay_ms $delay_ms" >"$d/plan.txt"
	msg "$name: seed $seed, $fmt image, cache=$cache: kill after $target claims + $delay_ms ms"

	: >"$d/guest.log"
	: >"$d/boot.log"
	# shellcheck disable=SC2054 # the commas are qemu's
	# Single-threaded TCG: under multi-threaded TCG, 2 of ~50 boots here
	# died at 1-2.5 s of an int3 Oops on code the kernel had just patched
	# (static keys; the other vCPU ran a stale translation). One host
	# thread running both vCPUs in turn has no such race, and the guest
	# keeps the two CPUs its poll queues are sized for.
	URPT_VM_QUIET=1 URPT_VM_ACCEL=tcg,thread=single \
		URPT_VM_APPEND="urptvm.durable_seed=$seed${lie:+ urptvm.durable_lie=1}" \
		URPT_VM_QEMU_ARGS="-pidfile $r/qemu.pid -drive file=$img,if=none,id=durable,format=$fmt,cache=$cache -device virtio-blk-pci,drive=durable,serial=urpt-durable,addr=0x10" \
		boot_vm durable "$kver" "$rundir/initramfs.cpio.gz" "$r" "$d" "${URPT_VM_TIMEOUT:-180}" \
		2>"$d/boot.log" &
	bg=$!
	# qemu writes its pid file as it starts (after boot_vm got the lock).
	while [[ ! -s $r/qemu.pid ]] && kill -0 "$bg" 2>/dev/null; do
		if ((!said_wait)) && grep -q 'waiting for another VM' "$d/boot.log"; then
			msg "$name: waiting for another VM to finish ($URPT_CACHE/vm.lock)"
			said_wait=1
		fi
		sleep 0.1
	done
	qpid=$(cat "$r/qemu.pid" 2>/dev/null || true)
	t0=$SECONDS
	if [[ -n $qpid ]]; then
		started=1
		while kill -0 "$qpid" 2>/dev/null; do
			n=$(grep -ac '^DURABLE ' "$d/guest.log" || true)
			((n >= target || SECONDS - t0 >= LIMIT)) && break
			sleep 0.05
		done
		if kill -0 "$qpid" 2>/dev/null; then
			sleep "$(printf '0.%03d' "$delay_ms")"
			if [[ $(cat "/proc/$qpid/comm" 2>/dev/null) == qemu-system-* ]]; then
				kill -9 "$qpid" 2>/dev/null || true
			fi
		fi
	fi
	# boot_vm returns once timeout, and so qemu, has exited: only then is
	# the image read.
	wait "$bg" || rc=$?
	bg=
	while [[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null; do sleep 0.1; done
	qpid=
	n=$(grep -ac '^DURABLE ' "$d/guest.log" || true)
	echo "qemu status $rc, $n claim lines after $((SECONDS - t0)) s" >>"$d/plan.txt"
	msg "$name: qemu gone (status $rc) with $n claim lines, $((SECONDS - t0)) s after it started"

	if ((!started)); then
		WHY="qemu did not start (see $d/boot.log)"
	elif crash=$(grep -aE -m 1 'Oops|Kernel panic|BUG:' "$d/console.log"); then
		WHY="the guest kernel crashed: $(tr -d '\r' <<<"$crash") (see $d/console.log)"
	elif grep -aq '^URPT-DURABLE-ERROR' "$d/guest.log"; then
		WHY="guest: $(grep -a '^URPT-DURABLE-ERROR' "$d/guest.log" | head -n 1 | tr -d '\r')"
	elif ! grep -aq '^URPT-DURABLE-CACHE write-back' "$d/guest.log"; then
		WHY="the disk has no volatile write cache in the guest (see $d/guest.log)"
	elif ((n < target)); then
		WHY="only $n of $target claims before $( ((rc == 137)) && echo "the time limit (${LIMIT}s)" || echo "qemu exited by itself (status $rc)")"
	fi
	scan_console "$d/console.log"

	if [[ $fmt == qcow2 ]]; then
		qemu-img convert -f qcow2 -O raw "$img" "$r/durable.raw"
		img=$r/durable.raw
	fi
	"$prog" check --image "$img" --log "$d/guest.log" --seed "$seed" >"$d/check.log" 2>&1 || true
	res=$(tail -n 1 "$d/check.log")
	if [[ $res =~ ^claims\ ([0-9]+)\ blocks\ ([0-9]+)\ lost\ ([0-9]+)\ malformed\ ([0-9]+) ]]; then
		CLAIMS=${BASH_REMATCH[1]}
		BLOCKS=${BASH_REMATCH[2]}
		LOST=${BASH_REMATCH[3]}
		((BASH_REMATCH[4] == 0)) || WHY="${WHY:+$WHY; }${BASH_REMATCH[4]} malformed claim lines"
		echo "# $name: $res"
	else
		WHY="${WHY:+$WHY; }the check did not finish: $(head -n 1 "$d/check.log")"
	fi
	grep '^lost:' "$d/check.log" | head -n 5 | sed "s/^/# $name: /" || true
	rm -f "$r"/durable.*
}

# The checker first, on images made on the host: it must see each way a
# claim can fail.
if "$prog" selftest >"$logdir/checker-selftest.tap" 2>&1; then
	tap 1 "durability: the checker finds lost, stale, torn and misplaced records ($(grep -c '^ok' "$logdir/checker-selftest.tap") cases)"
else
	grep -a '^not ok\|^#' "$logdir/checker-selftest.tap" | sed 's/^/    | /' >&2
	tap 0 "durability: the checker's self-test (see $logdir/checker-selftest.tap)"
fi

i=0
for seed in "${SEEDS[@]}"; do
	fmt=${FORMATS[i % ${#FORMATS[@]}]}
	i=$((i + 1))
	run_one "seed-$seed" "$seed" "$fmt" ""
	total_claims=$((total_claims + CLAIMS))
	total_lost=$((total_lost + LOST))
	tap $((LOST == 0 && CLAIMS > 0 && ${#WHY} == 0)) \
		"durability: seed $seed ($fmt, cache=$cache): $CLAIMS claims on $BLOCKS blocks checked, $LOST blocks lost${WHY:+ ($WHY)}"
done

if [[ ${URPT_DURABLE_CONTROL:-1} == 1 ]]; then
	seed=${SEEDS[0]}
	run_one "control-$seed" "$seed" qcow2 1
	# Not a durability claim: only that the check notices missing flushes.
	tap $((LOST > 0 && ${#WHY} == 0)) \
		"durability: negative control, seed $seed (qcow2, no FLUSH, writes claimed at completion): the check finds lost writes ($LOST of $BLOCKS blocks)${WHY:+ ($WHY)}"
fi

echo "# durability: ${#SEEDS[@]} seeds (${SEEDS[*]}), $total_claims claims checked, $total_lost blocks lost, $((SECONDS - start)) s"
msg "durability took $((SECONDS - start)) s (deps excluded)"
print_summary "$logdir" | tee "$logdir/summary.txt"
((FAILED == 0 && PASSED > 0))
