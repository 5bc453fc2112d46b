#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel matrix: Debian kernels other than the installed 6.1, fetched,
# unpacked and built for without touching the system. Sourced by lib.sh
# users (matrix.sh, check.sh, initramfs.sh); run it to prepare kernels:
#
#   selftests/vm/kernels.sh resolve NAME...   print the version of each name
#   selftests/vm/kernels.sh fetch NAME...     download + unpack (cached)
#   selftests/vm/kernels.sh chroot SUITE      the build chroot (cached)
#   selftests/vm/kernels.sh build NAME...     build kernel/ for each (W=1)
#
# NAME is a kernel version (6.1.0-56-amd64), or one of
#   6.1       the newest Debian 6.1 installed on the host (the `make check` one)
#   6.12-bpo  bookworm-backports' newest 6.12 amd64 kernel (built on the
#             host: bookworm's gcc-12, as Debian built it)
#   6.12      trixie's current amd64 kernel
#   newest    sid's newest amd64 kernel, resolved from sid's package index
#
# Layout under $URPT_CACHE (.cache/):
#   apt/                 private APT configuration: apt.conf, sources.list,
#                        lists/, archives/, state; the system's apt state is
#                        never read or written (APT_CONFIG points here)
#   kernels/<kver>/root  the image, modules and headers packages (and the
#                        -common headers and kbuild ones) unpacked with
#                        dpkg-deb -x; modules.dep made with depmod -b; the
#                        headers' Makefile pointed at the unpacked -common
#   kernels/<kver>/suite trixie or sid: the chroot its module is built in;
#                        host for a bookworm-backports kernel on a bookworm
#                        host (bookworm in a chroot on any other host)
#   chroots/<suite>      mmdebstrap chroot with the kernel's own compiler
#   build/<kver>/        copy of kernel/ and include/, built there; urpt.ko
#
# Fetched kernels are cached: a rerun does nothing when kernels/<kver>/.done
# exists; "newest" costs one `apt-get update` of the private lists per hour
# (URPT_APT_MAXAGE seconds) to follow sid.

URPT_APT=$URPT_CACHE/apt
URPT_KERNELS=$URPT_CACHE/kernels
URPT_CHROOTS=$URPT_CACHE/chroots
URPT_MIRROR=${URPT_MIRROR:-http://deb.debian.org/debian}

# kernel_root KVER: the directory the kernel's packages are unpacked in,
# "" for a kernel installed on the host (the 6.1 path: /boot, /lib/modules,
# /usr/src as they are).
kernel_root() {
	if [[ -f $URPT_KERNELS/$1/.done ]]; then
		echo "$URPT_KERNELS/$1/root"
	fi
}

# kernel_headers KVER: its headers directory (what make -C takes).
kernel_headers() {
	echo "$(kernel_root "$1")/usr/src/linux-headers-$1"
}

# The private APT configuration --------------------------------------------

apt_setup() {
	mkdir -p "$URPT_APT"/{lists/partial,archives/partial,etc/preferences.d,etc/apt.conf.d,etc/trusted.gpg.d}
	: >"$URPT_APT/status"
	cat >"$URPT_APT/sources.list" <<-EOF
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URPT_MIRROR trixie main
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URPT_MIRROR trixie-updates main
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security trixie-security main
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URPT_MIRROR sid main
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URPT_MIRROR bookworm-backports main
	EOF
	# Dir::State::status: an empty dpkg status, so apt resolves nothing
	# against the host's installed packages. Check-Valid-Until: the
	# mirror's sid Release can look expired against this machine's clock.
	cat >"$URPT_APT/apt.conf" <<-EOF
		Dir::Etc::SourceList "$URPT_APT/sources.list";
		Dir::Etc::SourceParts "/nonexistent";
		Dir::Etc::Parts "$URPT_APT/etc/apt.conf.d";
		Dir::Etc::PreferencesParts "$URPT_APT/etc/preferences.d";
		Dir::Etc::TrustedParts "$URPT_APT/etc/trusted.gpg.d";
		Dir::State "$URPT_APT";
		Dir::State::Lists "$URPT_APT/lists";
		Dir::State::status "$URPT_APT/status";
		Dir::Cache "$URPT_APT";
		Dir::Cache::Archives "$URPT_APT/archives";
		APT::Architecture "amd64";
		APT::Architectures { "amd64"; };
		Acquire::Languages "none";
		Acquire::Check-Valid-Until "false";
		Debug::NoLocking "true";
	EOF
}

papt() { APT_CONFIG=$URPT_APT/apt.conf "$@"; }

# apt_update [force]: refresh the private lists when older than
# URPT_APT_MAXAGE seconds (default 3600) or missing, or when sources.list
# changed since (the stamp holds its checksum).
apt_update() {
	local stamp=$URPT_APT/updated age sum
	apt_setup
	sum=$(md5sum <"$URPT_APT/sources.list")
	if [[ ${1:-} != force && -f $stamp && $(cat "$stamp") == "$sum" ]]; then
		age=$(($(date +%s) - $(stat -c %Y "$stamp")))
		((age < ${URPT_APT_MAXAGE:-3600})) && return 0
	fi
	msg "apt-get update (private lists in $URPT_APT)"
	papt apt-get update -q >"$URPT_APT/update.log" 2>&1 ||
		{ tail -n 20 "$URPT_APT/update.log" >&2; die "apt-get update failed (private lists)"; }
	echo "$sum" >"$stamp"
}

# suite_kernels SUITE: "version kver" of each linux-headers-<kver> (amd64
# flavour, not -rt or -cloud) in SUITE's index.
suite_kernels() {
	local suite=$1 f
	for f in "$URPT_APT"/lists/*_dists_"${suite}"*_main_binary-amd64_Packages; do
		[[ -f $f ]] || continue
		# Only the suite itself and its -security/-updates siblings.
		case $f in
		*_dists_${suite}_main_* | *_dists_${suite}-security_main_* | *_dists_${suite}-updates_main_*) ;;
		*) continue ;;
		esac
		awk '/^Package: /{ p = $2 } /^Version: /{ v = $2 }
		     /^$/ { if (p ~ /^linux-headers-[0-9.]+(-[0-9]+)?(\+[a-z0-9.]+)?-amd64$/) print v, substr(p, 15); p = ""; v = "" }' "$f"
	done
}

# resolve_kernel NAME: the kernel version a name stands for.
resolve_kernel() {
	local name=$1 line
	case $name in
	6.1) URPT_KVER='' guest_kver || die "no Debian 6.1 kernel installed" ;;
	6.12 | 6.12-bpo | newest)
		apt_update
		local suite=trixie
		[[ $name == newest ]] && suite=sid
		[[ $name == 6.12-bpo ]] && suite=bookworm-backports
		# Highest package version wins (dpkg order, via sort -V on the
		# version: close enough for Debian kernel versions). Backports
		# carry one series at a time, but only 6.12 is asked for.
		line=$(suite_kernels "$suite" | awk -v n="$name" 'n != "6.12-bpo" || $2 ~ /^6[.]12[.]/' |
			sort -V | tail -n 1)
		[[ -n $line ]] || die "no amd64 linux-headers for '$name' in $suite's index"
		echo "${line#* }"
		;;
	[0-9]*) echo "$name" ;;
	*) die "unknown kernel name '$name' (6.1, 6.12-bpo, 6.12, newest or a version)" ;;
	esac
}

# host_is_bookworm: the host runs Debian 12 (bookworm's gcc-12 and glibc).
host_is_bookworm() {
	[[ $(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") == bookworm ]]
}

# kernel_suite KVER: the suite to build KVER's module in (from where it was
# fetched; the host for installed kernels).
kernel_suite() {
	cat "$URPT_KERNELS/$1/suite" 2>/dev/null || echo host
}

# kernel_image KVER: the bzImage to boot (7.x packages keep it in the
# module tree, their postinst would copy it to /boot).
kernel_image() {
	local root
	root=$(kernel_root "$1")
	if [[ -f $root/boot/vmlinuz-$1 ]]; then
		echo "$root/boot/vmlinuz-$1"
	elif [[ -f $root/lib/modules/$1/vmlinuz ]]; then
		echo "$root/lib/modules/$1/vmlinuz"
	else
		echo "$root/boot/vmlinuz-$1"	# missing: the caller says so
	fi
}

# Fetching -----------------------------------------------------------------

# fetch_kernel KVER: download and unpack the packages of KVER (found in
# trixie, sid or bookworm-backports), unless already done.
fetch_kernel() {
	local kver=$1 dir=$URPT_KERNELS/$1 suite pkgs=() p deb tmp build
	[[ -f $dir/.done ]] && return 0
	[[ -d /lib/modules/$kver && -d /usr/src/linux-headers-$kver ]] && return 0
	apt_update
	# (awk reads to the end: grep -q would close the pipe early and fail
	# it under pipefail)
	if suite_kernels trixie | awk -v k="$kver" '$2 == k { f = 1 } END { exit !f }'; then
		suite=trixie
	elif suite_kernels sid | awk -v k="$kver" '$2 == k { f = 1 } END { exit !f }'; then
		suite=sid
	elif suite_kernels bookworm-backports | awk -v k="$kver" '$2 == k { f = 1 } END { exit !f }'; then
		suite=bookworm-backports
	else
		die "linux-headers-$kver is in none of trixie's, sid's and bookworm-backports' indexes"
	fi
	# Where its module is built: the suite's chroot; bookworm-backports
	# kernels are built with bookworm's own toolchain (gcc-12, glibc 2.36),
	# which a bookworm host is.
	build=$suite
	if [[ $suite == bookworm-backports ]]; then
		build=bookworm
		host_is_bookworm && build=host
	fi
	msg "fetching kernel $kver ($suite; module built in: $build)"
	# The headers and image, plus what they depend on inside the kernel's
	# own source package: linux-headers-*-common, linux-kbuild-*, and
	# for 7.x the linux-binary/linux-modules/linux-base split of the
	# image. apt-get download takes exact names: list the dependencies.
	pkgs=("linux-headers-$kver" "linux-image-$kver")
	local deps
	deps=$(papt apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances --recurse "${pkgs[@]}" 2>/dev/null |
		awk '/^linux-/ { print $1 } $1 ~ /Depends:|PreDepends:/ && $2 ~ /^linux-/ { print $2 }' |
		grep -vE '^linux-(base|sysctl-defaults)$|-unsigned$|-dbg$' | sort -u)
	for p in $deps; do
		# Only packages of this kernel: its version in the name, or the
		# kbuild/common packages of its upstream version.
		case $p in
		*"${kver%-amd64}"* | linux-kbuild-* | linux-headers-*-common*) pkgs+=("$p") ;;
		esac
	done
	mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
	msg "packages: ${pkgs[*]}"
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/unpack.XXXXXX")
	(cd "$URPT_APT/archives" && papt apt-get download -q "${pkgs[@]}") >"$dir/fetch.log" 2>&1 ||
		{ tail -n 20 "$dir/fetch.log" >&2; rm -rf "$tmp"; die "apt-get download failed for $kver"; }
	for p in "${pkgs[@]}"; do
		deb=$(ls "$URPT_APT/archives/${p}_"*.deb 2>/dev/null | sort -V | tail -n 1)
		[[ -n $deb ]] || { rm -rf "$tmp"; die "no .deb downloaded for $p"; }
		basename "$deb" >>"$tmp/packages"
		dpkg-deb -x "$deb" "$tmp/root"
	done
	fixup_kernel "$kver" "$tmp/root"
	echo "$build" >"$tmp/suite"
	rm -rf "$dir/root"
	mv "$tmp/root" "$tmp/packages" "$tmp/suite" "$dir/"
	rmdir "$tmp"
	touch "$dir/.done"
	# The .debs stay in the private archive cache only as long as needed.
	msg "kernel $kver unpacked in $dir/root ($(du -sh "$dir/root" | cut -f1))"
}

# fixup_kernel KVER ROOT: what the packages' maintainer scripts would do.
fixup_kernel() {
	local kver=$1 root=$2 mod hdr
	# usr-merged packages (7.x) put the tree in usr/lib: give both names.
	if [[ -d $root/usr/lib/modules/$kver && ! -e $root/lib/modules/$kver ]]; then
		mkdir -p "$root/lib/modules"
		ln -s "../../usr/lib/modules/$kver" "$root/lib/modules/$kver"
	fi
	mod=$root/lib/modules/$kver
	[[ -d $mod ]] || die "$kver: no lib/modules/$kver in its packages"
	[[ -f $root/boot/vmlinuz-$kver || -f $mod/vmlinuz ]] ||
		die "$kver: no boot/vmlinuz-$kver nor lib/modules/$kver/vmlinuz in its packages"
	depmod -b "$root" "$kver" || die "$kver: depmod -b failed"
	# The headers' Makefile includes the -common tree by absolute path
	# (/usr/src/linux-headers-X-common/...): point it at ROOT, through
	# a path that stays true once ROOT is moved into place.
	hdr=$root/usr/src/linux-headers-$kver
	[[ -d $hdr ]] || die "$kver: no usr/src/linux-headers-$kver"
	local final=$URPT_KERNELS/$kver/root
	sed -i "s|/usr/src/linux-headers-|$final/usr/src/linux-headers-|g" "$hdr/Makefile"
	# The build symlink in the module tree points at /usr/src: relative.
	ln -sfn "../../../usr/src/linux-headers-$kver" "$mod/build" 2>/dev/null || true
}

# The build chroot ---------------------------------------------------------

# chroot_packages KVER: what building KVER's modules needs in its chroot:
# the compiler the headers' .config names (CONFIG_CC_VERSION_TEXT
# "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0": gcc-14), make,
# libc6-dev, and pahole when the kernel makes BTF for modules.
chroot_packages() {
	local kver=$1 cfg cc ver
	cfg=$(kernel_headers "$kver")/.config
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$cfg")
	ver=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)/\1/p' "$cfg")
	# The commands deps.sh's table places in the chroot (perl and python3:
	# W=1 runs scripts/kernel-doc, perl until 6.x, python from 6.16 on).
	echo libc6-dev
	"$URPT_VM_DIR/deps.sh" --rows chroot | awk '{ print $2 }'
	if [[ $cc =~ gcc-([0-9]+)$ ]]; then
		echo "gcc-${BASH_REMATCH[1]}"
	elif [[ -n $ver ]]; then
		echo "gcc-$((ver / 10000))"
	else
		echo gcc
	fi
	grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$cfg" && echo dwarves
	# objtool, the headers' scripts link against libelf at run time
	# (bookworm's libssl has no t64 suffix yet).
	if [[ $(kernel_suite "$kver") == bookworm ]]; then
		echo libelf1 libssl3 zlib1g
	else
		echo libelf1 libssl3t64 zlib1g
	fi
}

# make_chroot SUITE PKG...: .cache/chroots/SUITE, made once. A chroot that
# lacks a package later asked for is remade (the key lists them).
make_chroot() {
	local suite=$1 dir=$URPT_CHROOTS/$1 key tmp
	shift
	key=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
	if [[ -f $dir/.done && $(cat "$dir/.key" 2>/dev/null) == "$key" ]]; then
		return 0
	fi
	command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (selftests/vm/deps.sh installs it)"
	msg "mmdebstrap $suite chroot with: $key"
	mkdir -p "$URPT_CHROOTS"
	tmp=$dir.tmp
	rm -rf "$tmp"
	# --variant=apt: just dpkg and apt, then what we ask for.
	if ! mmdebstrap --variant=apt --mode=root --format=directory \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--include="$(echo "$key" | tr ' ' ',' | sed 's/,$//')" \
		"$suite" "$tmp" "$URPT_MIRROR" >"$URPT_CHROOTS/$suite.log" 2>&1; then
		tail -n 30 "$URPT_CHROOTS/$suite.log" >&2
		rm -rf "$tmp"
		die "mmdebstrap $suite failed (see $URPT_CHROOTS/$suite.log)"
	fi
	local cmd pkg
	while read -r cmd pkg; do
		chroot "$tmp" sh -c "command -v $cmd" >/dev/null ||
			die "the $suite chroot has no $cmd (package $pkg)"
	done < <("$URPT_VM_DIR/deps.sh" --rows chroot)
	rm -rf "$dir"
	mv "$tmp" "$dir"
	echo "$key" >"$dir/.key"
	touch "$dir/.done"
}

# ensure_chroot KVER: the chroot KVER's module builds in.
ensure_chroot() {
	local kver=$1 suite
	suite=$(kernel_suite "$kver")
	[[ $suite == host ]] && return 0
	# shellcheck disable=SC2046
	make_chroot "$suite" $(chroot_packages "$kver")
}

# Building the module ------------------------------------------------------

# build_module_for KVER [LOG]: kernel/ built out of tree for KVER with W=1,
# in a copy under .cache/build/<kver>/ (kernel/urpt.ko, the 6.1 path's, is
# left alone). Fetched kernels build inside their suite's chroot (make -k:
# every file's errors, not only the first failing file's), with the
# project copy and the unpacked kernel bind-mounted at the same paths, and
# /proc mounted for objtool. Prints the path of urpt.ko; the compiler's
# output goes to LOG (default .cache/build/<kver>/build.log).
build_module_for() {
	local kver=$1 b=$URPT_CACHE/build/$1 suite root hdr rc=0
	local log=${2:-$URPT_CACHE/build/$1/build.log}
	suite=$(kernel_suite "$kver")
	root=$(kernel_root "$kver")
	hdr=$(kernel_headers "$kver")
	[[ -d $hdr ]] || die "no headers for $kver ($hdr): kernels.sh fetch $kver"
	mkdir -p "$b"
	# A fresh copy each time: no stale object can survive a source change.
	rm -rf "$b/kernel" "$b/include"
	cp -a "$URPT_ROOT/kernel" "$URPT_ROOT/include" "$b/"
	(cd "$b/kernel" && rm -f ./*.o ./*.ko ./*.mod ./*.mod.c ./.*.cmd Module.symvers modules.order)
	mkdir -p "$(dirname "$log")"
	if [[ $suite == host ]]; then
		# The compiler the kernel was built with, by the name its
		# .config gives (kbuild warns when the texts differ).
		local cc
		cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$hdr/.config")
		command -v "${cc:-gcc}" >/dev/null ||
			{ echo "$kver was built with ${cc:-?}, which this host lacks" >"$log"; return 1; }
		make -C "$b/kernel" KDIR="$hdr" CC="${cc:-gcc}" W=1 >"$log" 2>&1 || rc=$?
	else
		local ch=$URPT_CHROOTS/$suite
		[[ -f $ch/.done ]] || die "no $suite chroot: kernels.sh chroot $suite"
		# One private mount namespace: the bind mounts vanish with it,
		# even if the build is killed.
		# shellcheck disable=SC2016 # expanded by the inner bash
		unshare --mount --propagation private bash -c '
			set -e
			ch=$1 b=$2 root=$3 hdr=$4
			mkdir -p "$ch$b" "$ch$root"
			mount --bind "$b" "$ch$b"
			mount --bind -o ro "$root" "$ch$root"
			mount -t proc proc "$ch/proc"
			exec chroot "$ch" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LANG=C.UTF-8 \
				make -k -C "$b/kernel" KDIR="$hdr" W=1
		' bash "$ch" "$b" "$root" "$hdr" >"$log" 2>&1 || rc=$?
	fi
	if ((rc)) || [[ ! -f $b/kernel/urpt.ko ]]; then
		return 1
	fi
	echo "$b/kernel/urpt.ko"
}

# first_errors LOG [N]: the compiler's first N (default 20) error lines.
first_errors() {
	local n=${2:-20}
	if grep -qaE ': (fatal )?error:|ERROR:' "$1"; then
		grep -aE ': (fatal )?error:|ERROR:' "$1" | head -n "$n"
	else
		# No compiler error line (a tool failed): the end of the log.
		grep -av '^make.*: \(Entering\|Leaving\) directory' "$1" | tail -n "$n"
	fi
}

if [[ ${BASH_SOURCE[0]} == "$0" && -z ${_URPT_KERNELS_MAIN:-} ]]; then
	_URPT_KERNELS_MAIN=1	# lib.sh sources this file again: no recursion
	set -euo pipefail
	. "$(dirname "$0")/lib.sh"
	cmd=${1:-}
	shift || true
	case $cmd in
	resolve) for n in "$@"; do resolve_kernel "$n"; done ;;
	fetch) for n in "$@"; do k=$(resolve_kernel "$n"); fetch_kernel "$k"; echo "$k"; done ;;
	chroot) for n in "$@"; do k=$(resolve_kernel "$n"); ensure_chroot "$k"; done ;;
	build)
		for n in "$@"; do
			k=$(resolve_kernel "$n")
			fetch_kernel "$k"
			ensure_chroot "$k"
			if ko=$(build_module_for "$k"); then
				echo "$k: $ko"
			else
				echo "$k: build failed, first errors:"
				first_errors "$URPT_CACHE/build/$k/build.log" | sed 's/^/    /'
			fi
		done
		;;
	*) sed -n '2,30p' "$0" >&2; exit 2 ;;
	esac
fi
