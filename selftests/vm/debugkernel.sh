#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug kernel: Debian's linux-source-6.1 built with KASAN (generic,
# inline), lockdep (PROVE_LOCKING), kmemleak, DEBUG_ATOMIC_SLEEP and
# DEBUG_LIST, on a small configuration (selftests/vm/debug-kernel.config)
# that boots the VM harness's disks. `make check-debug` runs the suite on it.
#
#   selftests/vm/debugkernel.sh build   build it unless cached; prints its version
#   selftests/vm/debugkernel.sh kver    its version, if built (else fails)
#   selftests/vm/debugkernel.sh dir     its cache directory (built or not)
#
# Sourced by lib.sh for URPT_KVER=debug (guest_kver): debug_kernel_kver.
#
# Cache: .cache/debug-kernel/
#   src/<source version>/linux-source-6.1   the unpacked source (shared)
#   <hash>/     one per (fragment, source version, compiler, recipe):
#     obj/      the object tree (make O=): KDIR for urpt.ko
#     root/     boot/vmlinuz-<kver>, lib/modules/<kver> (modules_install),
#               usr/src/linux-headers-<kver> -> ../../../obj
#     kver, config.log, build.log, time (wall seconds of the build), .done
# The kernel's version is 6.1.<n>-urpt-debug-<hash, 8 digits>, so urpt.ko
# built for one configuration never loads into another. It is made known
# to the harness as a fetched kernel would be (kernels.sh):
# .cache/kernels/<kver>/{root -> ../../debug-kernel/<hash>/root, suite
# (host), .done}, so kernel_root, kernel_image, build_module (on the host,
# gcc, W=1, in .cache/build/<kver>/) and initramfs.sh need no change.
#
# The build runs under nice -n 19 with make -j2 (URPT_DEBUG_JOBS): other VM
# runs keep the CPU. ~7 min on this 2-core machine (docs/debug-kernel.md).

# The paths follow lib.sh's (set again once it is sourced).
debug_kernel_vars() {
	URPT_DEBUG_DIR=$URPT_CACHE/debug-kernel
	URPT_DEBUG_FRAGMENT=$URPT_VM_DIR/debug-kernel.config
	URPT_DEBUG_SOURCE=${URPT_DEBUG_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
}
debug_kernel_vars
# Bump when the recipe below changes what is built from the same fragment.
URPT_DEBUG_RECIPE=1

# debug_kernel_srcver: the version of the source tarball's package, or
# its size and mtime when it does not come from a package.
debug_kernel_srcver() {
	local v
	v=$(dpkg-query -S "$URPT_DEBUG_SOURCE" 2>/dev/null | cut -d: -f1)
	[[ -n $v ]] && v=$(dpkg-query -W -f '${Package}_${Version}' "$v" 2>/dev/null)
	[[ -n $v ]] || v=$(stat -L -c 'tar_%s_%Y' "$URPT_DEBUG_SOURCE" 2>/dev/null)
	[[ -n $v ]] || return 1
	echo "$v"
}

# debug_kernel_hash: 16 hex digits naming the configuration.
debug_kernel_hash() {
	local srcver
	[[ -r $URPT_DEBUG_FRAGMENT ]] || return 1
	srcver=$(debug_kernel_srcver) || return 1
	{
		cat "$URPT_DEBUG_FRAGMENT"
		echo "source $srcver"
		echo "recipe $URPT_DEBUG_RECIPE"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

debug_kernel_dir() {
	local h
	h=$(debug_kernel_hash) || return 1
	echo "$URPT_DEBUG_DIR/$h"
}

# debug_kernel_link KVER DIR: make the kernel known to kernels.sh's lookup.
debug_kernel_link() {
	local kver=$1 dir=$2 k=$URPT_CACHE/kernels/$1
	[[ -f $k/.done && $(readlink "$k/root") == "$dir/root" ]] && return 0
	mkdir -p "$k"
	ln -sfn "$dir/root" "$k/root"
	echo host >"$k/suite"
	echo "debug kernel: $dir" >"$k/packages"
	touch "$k/.done"
}

# debug_kernel_kver: the version of the debug kernel built from the current
# fragment; fails, saying so, when it has not been built.
debug_kernel_kver() {
	local dir kver
	dir=$(debug_kernel_dir) || { msg "debug kernel: no $URPT_DEBUG_SOURCE (linux-source-6.1)"; return 1; }
	if [[ ! -f $dir/.done ]]; then
		msg "debug kernel not built for this configuration ($dir): make debug-kernel"
		return 1
	fi
	kver=$(cat "$dir/kver")
	debug_kernel_link "$kver" "$dir"
	echo "$kver"
}

# debug_kernel_is KVER: KVER is a debug kernel (for longer time limits).
debug_kernel_is() { [[ $1 == *-urpt-debug-* ]]; }

# debug_kernel_deps: what building a kernel needs on top of the module
# build's packages (deps.sh); installed when missing, as root.
debug_kernel_deps() {
	local missing=()
	[[ -r $URPT_DEBUG_SOURCE ]] || missing+=(linux-source-6.1)
	command -v flex >/dev/null || missing+=(flex)
	command -v bison >/dev/null || missing+=(bison)
	command -v bc >/dev/null || missing+=(bc)
	[[ -r /usr/include/libelf.h ]] || missing+=(libelf-dev)
	[[ -r /usr/include/openssl/ssl.h ]] || missing+=(libssl-dev)
	((${#missing[@]})) || return 0
	((EUID == 0)) || die "missing to build the debug kernel: ${missing[*]} (apt-get install them)"
	msg "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# debug_kernel_source: the unpacked source tree (once per source version).
debug_kernel_source() {
	local srcver src tmp
	srcver=$(debug_kernel_srcver) || die "no $URPT_DEBUG_SOURCE (apt-get install linux-source-6.1)"
	src=$URPT_DEBUG_DIR/src/$srcver
	if [[ ! -f $src/.done ]]; then
		msg "unpacking $URPT_DEBUG_SOURCE into $src"
		rm -rf "$src"
		mkdir -p "$src"
		tmp=$(mktemp -d "$src/unpack.XXXXXX")
		nice -n 19 tar -xJf "$URPT_DEBUG_SOURCE" -C "$tmp" || die "unpacking $URPT_DEBUG_SOURCE failed"
		mv "$tmp"/linux-source-* "$src/linux"
		rmdir "$tmp"
		# Not a git checkout: no "+" or -g<sha> from the project's own
		# git repository around .cache/ in the version.
		: >"$src/linux/.scmversion"
		touch "$src/.done"
	fi
	echo "$src/linux"
}

# debug_kernel_verify CONFIG: every line of the fragment holds in CONFIG.
# Prints the options that do not; fails if there is any.
debug_kernel_verify() {
	local config=$1 line sym want got bad=0
	[[ -r $URPT_DEBUG_FRAGMENT && -r $config ]] || { echo "cannot read $URPT_DEBUG_FRAGMENT or $config"; return 1; }
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]} want=n
		else
			continue
		fi
		got=$(sed -n "s/^$sym=\\(.*\\)$/\\1/p" "$config")
		[[ -n $got ]] || got=n
		if [[ $got != "$want" ]]; then
			echo "$sym: asked $want, got $got"
			bad=1
		fi
	done <"$URPT_DEBUG_FRAGMENT"
	return "$bad"
}

# debug_kernel_build: build the kernel of the current fragment unless done.
debug_kernel_build() {
	local dir src obj hash kver t0 lock rc=0 jobs=${URPT_DEBUG_JOBS:-2}
	local kmake
	debug_kernel_deps
	dir=$(debug_kernel_dir) || die "no $URPT_DEBUG_SOURCE (apt-get install linux-source-6.1)"
	hash=$(basename "$dir")
	mkdir -p "$dir"
	exec {lock}>"$dir/.lock"
	flock -n "$lock" || { msg "waiting for another build of $dir"; flock "$lock"; }
	if [[ -f $dir/.done ]]; then
		kver=$(cat "$dir/kver")
		debug_kernel_link "$kver" "$dir"
		msg "debug kernel $kver is cached in $dir"
		echo "$kver"
		return 0
	fi
	msg "df -h $URPT_CACHE: $(df -h --output=avail "$URPT_CACHE" | tail -n 1 | tr -d ' ') available (the build needs ~2 GB)"
	src=$(debug_kernel_source)
	obj=$dir/obj
	t0=$SECONDS
	# modules_install runs depmod, which lives in /sbin.
	kmake=(nice -n 19 make -C "$src" O="$obj" ARCH=x86_64 LOCALVERSION= DEPMOD=/sbin/depmod)

	msg "configuring: allnoconfig + $(basename "$URPT_DEBUG_FRAGMENT") (log: $dir/config.log)"
	mkdir -p "$obj"
	{
		# -n: allnoconfig with the fragment as KCONFIG_ALLCONFIG, so
		# nothing is in but what the fragment asks for and what that
		# needs (merge_config.sh runs make in the current directory).
		(cd "$src" && ARCH=x86_64 nice -n 19 scripts/kconfig/merge_config.sh \
			-n -O "$obj" "$URPT_DEBUG_FRAGMENT") &&
			# The hash in the version: one module tree per configuration.
			"$src/scripts/config" --file "$obj/.config" \
				--set-str LOCALVERSION "-urpt-debug-${hash:0:8}" &&
			"${kmake[@]}" olddefconfig
	} >"$dir/config.log" 2>&1 || { tail -n 30 "$dir/config.log" >&2; die "configuring the debug kernel failed"; }
	if ! debug_kernel_verify "$obj/.config" >"$dir/config.dropped"; then
		sed 's/^/    /' "$dir/config.dropped" >&2
		die "the debug kernel's .config lacks what $(basename "$URPT_DEBUG_FRAGMENT") asks for (above: add the missing dependencies to the fragment)"
	fi

	msg "building bzImage and modules (nice -n 19, -j$jobs; log: $dir/build.log)"
	"${kmake[@]}" -j"$jobs" bzImage modules >"$dir/build.log" 2>&1 || rc=$?
	if ((rc == 0)); then
		kver=$(cat "$obj/include/config/kernel.release")
		rm -rf "$dir/root"
		"${kmake[@]}" INSTALL_MOD_PATH="$dir/root" modules_install >>"$dir/build.log" 2>&1 || rc=$?
	fi
	if ((rc)); then
		grep -aE ': (fatal )?error:|Error [0-9]' "$dir/build.log" | head -n 20 >&2 ||
			tail -n 30 "$dir/build.log" >&2
		die "building the debug kernel failed (see $dir/build.log)"
	fi
	mkdir -p "$dir/root/boot" "$dir/root/usr/src"
	cp "$obj/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-$kver"
	cp "$obj/.config" "$dir/root/boot/config-$kver"
	# What build_module_for (kernels.sh) takes as the headers: the object
	# tree, relative so the cache can move.
	ln -sfn ../../../obj "$dir/root/usr/src/linux-headers-$kver"
	ln -sfn ../../../../usr/src/linux-headers-"$kver" "$dir/root/lib/modules/$kver/build"
	echo "$kver" >"$dir/kver"
	echo $((SECONDS - t0)) >"$dir/time"
	touch "$dir/.done"
	debug_kernel_link "$kver" "$dir"
	msg "debug kernel $kver built in $((SECONDS - t0)) s ($(du -sh "$dir" | cut -f1) in $dir)"
	echo "$kver"
}

if [[ ${BASH_SOURCE[0]} == "$0" && -z ${_URPT_DEBUGKERNEL_MAIN:-} ]]; then
	_URPT_DEBUGKERNEL_MAIN=1	# lib.sh sources this file again
	set -euo pipefail
	. "$(dirname "$0")/lib.sh"
	debug_kernel_vars
	case ${1:-} in
	build) debug_kernel_build ;;
	kver) debug_kernel_kver ;;
	dir) debug_kernel_dir ;;
	*) sed -n '2,30p' "$0" >&2; exit 2 ;;
	esac
fi
