#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the VM harness needs and extract the kselftest headers.
#
#   selftests/vm/deps.sh               packages (as root, when missing) + headers
#   selftests/vm/deps.sh --kselftest   only the kselftest headers
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
	# unpacking the tarball and modules, packing the initramfs, depmod
	xz-utils zstd cpio kmod
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

# Extract tools/testing/selftests/kselftest*.h into .cache/kselftest/. The
# tarball is streamed (xz -dc | tar with a wildcard): only the few headers
# touch the disk. kselftest_harness.h includes only "kselftest.h" from its
# directory; the wildcard also brings kselftest_module.h, harmless.
extract_kselftest() {
	local tarball dest=$URPT_CACHE/kselftest key tmp
	tarball=$(ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[[ -n $tarball ]] || die "no /usr/src/linux-source-6.1*.tar.xz (package linux-source-6.1)"
	key=$(file_key "$tarball")
	if [[ -f $dest/kselftest_harness.h && $(cat "$dest/.key" 2>/dev/null) == "$key" ]]; then
		return 0
	fi
	msg "extracting kselftest headers from $tarball"
	mkdir -p "$URPT_CACHE"
	tmp=$(mktemp -d "$URPT_CACHE/kselftest.XXXXXX")
	xz -dc "$tarball" | tar -x -C "$tmp" --wildcards --no-wildcards-match-slash \
		--strip-components=4 '*/tools/testing/selftests/kselftest*.h'
	[[ -f $tmp/kselftest_harness.h && -f $tmp/kselftest.h ]] ||
		die "kselftest headers not found in $tarball"
	echo "$key" >"$tmp/.key"
	chmod 755 "$tmp"	# mktemp -d makes it private
	# Swap in whole so a concurrent build never sees half a directory.
	rm -rf "$dest"
	mv "$tmp" "$dest"
}

if [[ ${1:-} != --kselftest ]]; then
	install_packages
	kver=$(guest_kver) || die "no Debian 6.1 kernel in /lib/modules (linux-image-amd64)"
	[[ -d /usr/src/linux-headers-$kver ]] ||
		die "/usr/src/linux-headers-$kver is missing: apt-get install linux-headers-$kver"
fi
extract_kselftest
