#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the VM harness needs and extract the kselftest headers.
#
#   selftests/vm/deps.sh               packages (as root, when missing) + headers
#                                      + liburing's passthrough test (tools.sh)
#   selftests/vm/deps.sh --kselftest   only the kselftest headers
#   selftests/vm/deps.sh --matrix      also mmdebstrap and dwarves (the kernel matrix)
#
# Packages: Debian 12 names. Nothing is installed when all are present, so
# a rerun costs one dpkg-query. The kselftest headers come from the
# linux-source-6.1 tarball (no Debian package ships them loose) and are
# cached in .cache/kselftest/, re-extracted only when the tarball changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# guest kernel, its modules and the headers to build urpt.ko against
	linux-image-amd64 linux-headers-amd64
	# kselftest_harness.h lives only in the kernel source tarball
	linux-source-6.1
	qemu-system-x86 busybox-static
	# toolchain for liburpt, the CLI and the static selftests
	gcc make libc6-dev liburing-dev pkg-config sparse
	# the CLI's nvme subcommand links libnvme.a
	libnvme-dev
	# unpacking the tarball and modules, packing the initramfs, depmod
	xz-utils zstd cpio kmod
	# sfdisk: the MBR partition table of the partitioned virtio disk
	fdisk
	# packaging.sh: dkms build of urpt.ko in a private DKMS tree
	dkms
	# tools nobody here wrote, run on /dev/urptN in the guest
	# (guest/tools.sh; the bench uses fio too); dpkg-dev: dpkg-source
	# unpacks liburing's source package for its passthrough test
	fio nvme-cli dpkg-dev
	# make bench: the plots in docs/perf.md
	gnuplot-nox
)

install_packages() {
	local missing=() p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[[ $status == installed ]] || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	if [[ $(id -u) != 0 ]]; then
		die "missing packages: ${missing[*]} (run $0 as root, or: apt-get install ${missing[*]})"
	fi
	msg "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Extract from the linux-source-6.1 tarball, in one streamed pass (xz -dc |
# tar with wildcards, only the few files touch the disk):
#  - tools/testing/selftests/kselftest*.h into .cache/kselftest/ (no Debian
#    package ships kselftest_harness.h loose; it includes only kselftest.h);
#  - scripts/checkpatch.pl and its data files into .cache/checkpatch/.
# Both are re-extracted only when the tarball changes.
extract_kselftest() {
	local tarball ks=$URPT_CACHE/kselftest cp=$URPT_CACHE/checkpatch key tmp src
	tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-6.1*.tar.xz' 2>/dev/null | sort -V | tail -n 1)
	[[ -n $tarball ]] || die "no /usr/src/linux-source-6.1*.tar.xz (package linux-source-6.1)"
	key=$(file_key "$tarball")
	if [[ -f $ks/kselftest_harness.h && $(cat "$ks/.key" 2>/dev/null) == "$key" &&
	      -f $cp/checkpatch.pl && $(cat "$cp/.key" 2>/dev/null) == "$key" ]]; then
		return 0
	fi
	msg "extracting kselftest headers and checkpatch from $tarball"
	mkdir -p "$URPT_CACHE"
	tmp=$(mktemp -d "$URPT_CACHE/source.XXXXXX")
	xz -dc "$tarball" | tar -x -C "$tmp" --wildcards --no-wildcards-match-slash \
		'*/tools/testing/selftests/kselftest*.h' '*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	src=$(echo "$tmp"/*)
	[[ -f $src/tools/testing/selftests/kselftest_harness.h && -f $src/scripts/checkpatch.pl ]] ||
		die "kselftest headers or checkpatch.pl not found in $tarball"
	mkdir -p "$tmp/ks" "$tmp/cp"
	mv "$src"/tools/testing/selftests/kselftest*.h "$tmp/ks/"
	mv "$src"/scripts/checkpatch.pl "$src"/scripts/spelling.txt \
		"$src"/scripts/const_structs.checkpatch "$tmp/cp/"
	echo "$key" >"$tmp/ks/.key"
	echo "$key" >"$tmp/cp/.key"
	chmod 755 "$tmp/ks" "$tmp/cp"
	# Swap in whole so a concurrent build never sees half a directory.
	rm -rf "$ks" "$cp"
	mv "$tmp/ks" "$ks"
	mv "$tmp/cp" "$cp"
	rm -rf "$tmp"
}

if [[ ${1:-} == --matrix ]]; then
	# The kernel matrix (matrix.sh) also makes build chroots; dwarves:
	# pahole for the BTF of modules built on the host (bookworm-backports'
	# 6.12 headers ship a vmlinux and CONFIG_DEBUG_INFO_BTF_MODULES=y;
	# its CONFIG_PAHOLE_VERSION is bookworm's 1.24).
	PACKAGES+=(mmdebstrap dwarves)
	shift
fi
if [[ ${1:-} != --kselftest ]]; then
	install_packages
	kver=$(guest_kver) || die "no Debian 6.1 kernel in /lib/modules (linux-image-amd64)"
	# A kernel fetched by kernels.sh (URPT_KVER) brings its own headers.
	[[ -n $(kernel_root "$kver") || -d /usr/src/linux-headers-$kver ]] ||
		die "/usr/src/linux-headers-$kver is missing: apt-get install linux-headers-$kver"
	# liburing's io_uring_passthrough test, fetched and built once.
	"$URPT_VM_DIR/tools.sh"
fi
extract_kselftest
