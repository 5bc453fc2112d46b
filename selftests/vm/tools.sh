#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Third-party tools the guest runs against /dev/urptN (guest/tools.sh):
# Debian's fio and nvme-cli, and liburing's own io_uring_passthrough test;
# and those guest/disks.sh makes disks with (losetup, dmsetup, mdadm).
# None of it is ours and none of it is committed: everything is cached
# under .cache/.
#
#   selftests/vm/tools.sh          fetch + build liburing's test (cached)
#
# Sourced by initramfs.sh for pack_dynamic, pack_libs and tools_segment.
#
# Layout under $URPT_CACHE:
#   apt-src/               private APT configuration with a deb-src line for
#                          the host's suite (the system's apt state is never
#                          read or written)
#   liburing-src/<ver>/    Debian's liburing source package, the version of
#                          the installed liburing-dev, unpacked
#   tools/io_uring_passthrough   its test/io_uring_passthrough.c (with
#                          test/helpers.c), static against liburing.a
#   tools/liburing.status  why that binary is missing ("skip: ..." when the
#                          source could not be fetched, "fail: ..." when it
#                          did not compile), copied into the initramfs
#   tools/segment.cpio     fio, nvme and the test with their libraries: one
#                          uncompressed cpio archive the kernel unpacks
#                          after the main one, rebuilt only when a file in
#                          it changes

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	. "$(dirname "$0")/lib.sh"
fi
URPT_TOOLS=$URPT_CACHE/tools
URPT_APT_SRC=$URPT_CACHE/apt-src
# The host binaries packed with their shared libraries.
# guest/disks.sh's disk tools: util-linux losetup (busybox's has no
# --direct-io), dmsetup and mdadm; guest/zns_tools.sh's blkzone.
TOOL_BINS=(/usr/bin/fio /usr/sbin/nvme /usr/sbin/losetup /usr/sbin/dmsetup /usr/sbin/mdadm
	/usr/sbin/blkzone)

# Packing dynamic binaries ---------------------------------------------------

# lib_closure BIN...: every shared object the dynamic loader maps for BIN
# (ELF interpreter included), one path a line, as ldd names them (the
# paths the loader will look in). Static binaries add nothing. A missing
# library is an error: the binary would not start in the guest.
lib_closure() {
	local bin out
	for bin in "$@"; do
		# ldd fails for static binaries ("not a dynamic executable").
		out=$(ldd "$bin" 2>/dev/null) || continue
		if grep -q 'not found' <<<"$out"; then
			grep 'not found' <<<"$out" | sed 's/^/    | /' >&2
			die "$bin: shared libraries missing on the host"
		fi
		awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		     $1 ~ /^\// { print $1 }' <<<"$out"
	done | sort -u
}

# pack_libs ROOT BIN...: the shared-library closure of each BIN into ROOT,
# at the paths ldd resolved (symlinks followed), so the guest's loader
# finds them through its default paths and the libraries' RUNPATHs
# (librados finds ceph/libceph-common.so.2 that way). For a binary put
# elsewhere in ROOT (the urpt CLI as /bin/urpt).
pack_libs() {
	local root=$1 lib
	shift
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done < <(lib_closure "$@")
}

# pack_dynamic ROOT BIN...: each BIN at its own path in ROOT, with its
# shared-library closure.
pack_dynamic() {
	local root=$1 bin
	shift
	for bin in "$@"; do
		[[ -x $bin ]] || die "pack_dynamic: $bin is not an executable"
		install -D -m 755 "$bin" "$root$bin"
	done
	pack_libs "$root" "$@"
}

# tools_segment: print the path of the cached cpio archive holding fio,
# nvme (with their libraries) and liburing's test, building it when any of
# those files changed. Uncompressed on purpose: ~85 MiB, most of it
# libraries fio links but never calls for io_uring_cmd (ceph, gluster,
# ICU's data); compressing takes 1.5 s on every change and the guest then
# spends seconds of TCG time inflating it, while an uncompressed archive
# is only copied.
tools_segment() {
	local seg=$URPT_TOOLS/segment.cpio key tmp bin files=()
	mkdir -p "$URPT_TOOLS"
	for bin in "${TOOL_BINS[@]}"; do
		[[ -x $bin ]] || die "$bin is missing (deps.sh installs it: see its table)"
	done
	mapfile -t files < <(lib_closure "${TOOL_BINS[@]}")
	files+=("${TOOL_BINS[@]}")
	[[ -x $URPT_TOOLS/io_uring_passthrough ]] && files+=("$URPT_TOOLS/io_uring_passthrough")
	key=$(file_key "${files[@]}"; cat "$URPT_TOOLS/liburing.status" 2>/dev/null || true)
	if [[ -f $seg && $(cat "$seg.key" 2>/dev/null) == "$key" ]]; then
		echo "$seg"
		return 0
	fi
	msg "packing the tools segment (fio, nvme-cli, liburing test and libraries)"
	tmp=$(mktemp -d "$URPT_TOOLS/segment.XXXXXX")
	mkdir -p "$tmp/root/etc/urpt" "$tmp/root/tools"
	pack_dynamic "$tmp/root" "${TOOL_BINS[@]}"
	# Ahead of busybox's applet in the guest's PATH (/sbin before /usr/sbin).
	install -D -m 755 /usr/sbin/losetup "$tmp/root/sbin/losetup"
	if [[ -x $URPT_TOOLS/io_uring_passthrough ]]; then
		install -m 755 "$URPT_TOOLS/io_uring_passthrough" "$tmp/root/tools/"
	fi
	cp "$URPT_TOOLS/liburing.status" "$tmp/root/etc/urpt/" 2>/dev/null || true
	(cd "$tmp/root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) >"$tmp/segment.cpio"
	mv "$tmp/segment.cpio" "$seg"
	echo "$key" >"$seg.key"
	rm -rf "$tmp"
	echo "$seg"
}

# liburing's io_uring_passthrough test ---------------------------------------

# The private APT configuration: only a deb-src line for the host's own
# suite, so the source is exactly what built the host's liburing-dev.
apt_src_setup() {
	local suite
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	mkdir -p "$URPT_APT_SRC"/{lists/partial,archives/partial,etc/apt.conf.d,etc/preferences.d,etc/trusted.gpg.d}
	: >"$URPT_APT_SRC/status"
	cat >"$URPT_APT_SRC/sources.list" <<-EOF
		deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URPT_MIRROR $suite main
		deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security $suite-security main
	EOF
	# Sandbox::User root: the download goes into this root-owned
	# tree, which apt's _apt user could not write.
	cat >"$URPT_APT_SRC/apt.conf" <<-EOF
		Dir::Etc::SourceList "$URPT_APT_SRC/sources.list";
		Dir::Etc::SourceParts "/nonexistent";
		Dir::Etc::Parts "$URPT_APT_SRC/etc/apt.conf.d";
		Dir::Etc::PreferencesParts "$URPT_APT_SRC/etc/preferences.d";
		Dir::Etc::TrustedParts "$URPT_APT_SRC/etc/trusted.gpg.d";
		Dir::State "$URPT_APT_SRC";
		Dir::State::Lists "$URPT_APT_SRC/lists";
		Dir::State::status "$URPT_APT_SRC/status";
		Dir::Cache "$URPT_APT_SRC";
		Dir::Cache::Archives "$URPT_APT_SRC/archives";
		Acquire::Languages "none";
		APT::Sandbox::User "root";
		Debug::NoLocking "true";
	EOF
}

# fetch_liburing VER: Debian's liburing source VER unpacked (patches
# applied) in .cache/liburing-src/VER; prints that directory. Fetched once.
fetch_liburing() {
	local ver=$1 dir=$URPT_CACHE/liburing-src/$1 tmp log
	if [[ -f $dir/.done ]]; then
		echo "$dir"
		return 0
	fi
	msg "fetching Debian's liburing $ver source (private APT config in $URPT_APT_SRC)"
	apt_src_setup
	mkdir -p "$URPT_CACHE/liburing-src"
	tmp=$(mktemp -d "$URPT_CACHE/liburing-src/fetch.XXXXXX")
	log=$tmp/fetch.log
	if ! { APT_CONFIG=$URPT_APT_SRC/apt.conf apt-get update -q &&
		(cd "$tmp" && APT_CONFIG=$URPT_APT_SRC/apt.conf \
			apt-get source --download-only -q "liburing=$ver") &&
		(cd "$tmp" && dpkg-source -x ./*.dsc src); } >"$log" 2>&1; then
		tail -n 10 "$log" | sed 's/^/    | /' >&2
		cp "$log" "$URPT_TOOLS/fetch.log"
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$dir"
	mv "$tmp/src" "$dir"
	touch "$dir/.done"
	rm -rf "$tmp"
	echo "$dir"
}

# build_liburing_test: .cache/tools/io_uring_passthrough, rebuilt when
# liburing-dev changes. Compiled as liburing's test/Makefile does, with
# CONFIG_HAVE_NVME_URING set as its configure would (the host's uapi
# headers have struct nvme_uring_cmd), linked statically against the
# installed liburing.a: the guest needs no libraries for it.
build_liburing_test() {
	local ver src key bin=$URPT_TOOLS/io_uring_passthrough a status=$URPT_TOOLS/liburing.status
	mkdir -p "$URPT_TOOLS"
	ver=$(dpkg-query -W -f='${Version}' liburing-dev 2>/dev/null) ||
		{ echo "fail: liburing-dev is not installed" >"$status"; return 1; }
	a=$(dpkg -L liburing-dev | grep '/liburing\.a$' | head -n 1)
	key="$ver $(file_key "$a")"
	if [[ -x $bin && $(cat "$bin.key" 2>/dev/null) == "$key" ]]; then
		return 0
	fi
	rm -f "$bin" "$bin.key"
	if ! src=$(fetch_liburing "$ver"); then
		msg "could not fetch liburing $ver's source: its io_uring_passthrough test is skipped"
		echo "skip: Debian's liburing $ver source could not be fetched on the host" >"$status"
		return 0
	fi
	msg "building liburing $ver's test/io_uring_passthrough"
	if ! gcc -O2 -g -Wall -D_GNU_SOURCE -D__SANE_USERSPACE_TYPES__ \
		-DLIBURING_BUILD_TEST -DCONFIG_HAVE_NVME_URING -I "$src/src" \
		-static -o "$bin.tmp" "$src/test/io_uring_passthrough.c" "$src/test/helpers.c" \
		-luring -lpthread >"$URPT_TOOLS/build.log" 2>&1; then
		sed 's/^/    | /' "$URPT_TOOLS/build.log" >&2
		rm -f "$bin.tmp"
		echo "fail: liburing $ver's io_uring_passthrough did not build on the host" >"$status"
		return 1
	fi
	mv "$bin.tmp" "$bin"
	echo "$key" >"$bin.key"
	rm -f "$status"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	# A test that does not compile is reported by the guest (from
	# liburing.status): the rest of the suite still runs.
	build_liburing_test || true
fi
