#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side packaging tests, run by check.sh after the VM: two TAP lines on
# stdout, details on stderr and in the logs.
#
#  - dkms: `dkms add` of this tree, `dkms build` and `dkms install` of
#    urpt/<ver> for the newest installed Debian 6.1 kernel (not `uname -r`:
#    the host's own kernel has no headers), then `dkms remove`. Everything
#    happens in a private DKMS tree (--dkmstree, --sourcetree,
#    --installtree, --no-depmod, a throwaway signing key): /var/lib/dkms,
#    /usr/src and /lib/modules are left as they were. dkms.conf's
#    PACKAGE_VERSION must be MODULE_VERSION in kernel/main.c.
#  - make install DESTDIR=<tmp>, then make uninstall DESTDIR=<tmp>: the
#    module, udev rule, library, headers, pkg-config file, CLI and man page
#    are installed, and nothing but empty directories is left afterwards.
#
#   selftests/vm/packaging.sh LOGDIR     logs: LOGDIR/dkms.log, LOGDIR/install.log
set -euo pipefail
. "$(dirname "$0")/lib.sh"

logdir=$1
tmp=$(mktemp -d "$URPT_CACHE/packaging.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0

# result OK? DESCRIPTION LOG SECONDS
result() {
	if (($1 == 0)); then
		echo "ok - $2"
	else
		echo "not ok - $2"
		tail -n 30 "$3" | sed 's/^/    | /' >&2
		failed=1
	fi
	msg "$2: $4 s (log: $3)"
}

# The newest Debian 6.1 kernel on the host, whatever URPT_KVER says (a
# kernel fetched by kernels.sh has its headers in a chroot, not here).
kver=$(URPT_KVER='' guest_kver) || kver=none
kdir=/usr/src/linux-headers-$kver
ver=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$URPT_ROOT/kernel/main.c")
confver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$URPT_ROOT/dkms.conf")

dkms_test() {
	local d=$tmp/dkms ko vermagic
	local opts=(--dkmstree "$d/tree" --sourcetree "$d/src" --installtree "$d/modules")
	if [[ $ver != "$confver" ]]; then
		echo "dkms.conf has PACKAGE_VERSION=\"$confver\", kernel/main.c MODULE_VERSION(\"$ver\")"
		return 1
	fi
	[[ -d $kdir ]] || { echo "no headers for a 6.1 kernel ($kdir)"; return 1; }
	command -v dkms >/dev/null || { echo "dkms is not installed (selftests/vm/deps.sh)"; return 1; }
	# dkms install wants the kernel's module directory to exist.
	mkdir -p "$d/tree" "$d/src" "$d/modules/$kver"
	# CONFIG_MODULE_SIG_ALL: dkms signs, with /var/lib/dkms/mok.key
	# (created if missing) unless these say otherwise.
	export mok_signing_key=$d/mok.key mok_certificate=$d/mok.pub
	(set -x; dkms add "$URPT_ROOT" "${opts[@]}") || return 1
	(set -x; dkms build "urpt/$ver" -k "$kver" --kernelsourcedir "$kdir" "${opts[@]}") || {
		cat "$d/tree/urpt/$ver/build/make.log" 2>/dev/null
		return 1
	}
	cat "$d/tree/urpt/$ver/$kver/"*/log/make.log 2>/dev/null || true
	(set -x; dkms install "urpt/$ver" -k "$kver" --kernelsourcedir "$kdir" --no-depmod "${opts[@]}") ||
		return 1
	ko=$(find "$d/modules/$kver" -name 'urpt.ko*' | head -n 1)
	[[ -n $ko ]] || { echo "dkms install left no urpt.ko under $d/modules/$kver"; return 1; }
	vermagic=$(modinfo -F vermagic "$ko")
	[[ $vermagic == "$kver "* ]] || { echo "$ko is for '$vermagic', not $kver"; return 1; }
	echo "installed: ${ko#"$d/modules/"} ($vermagic)"
	(set -x; dkms remove "urpt/$ver" --all --no-depmod "${opts[@]}") || return 1
	[[ -z $(find "$d/modules" -name 'urpt.ko*') ]] || { echo "dkms remove left urpt.ko"; return 1; }
}

# W=1: the flags build_module used, so Kbuild has nothing to rebuild.
install_test() {
	local dest=$tmp/destdir f left rc=0
	local vars=(DESTDIR="$dest" KVER="$kver" W=1)
	local want=(
		"lib/modules/$kver/updates/urpt.ko"
		usr/local/lib/udev/rules.d/60-urpt.rules
		usr/local/bin/urpt usr/local/lib/liburpt.so.1 usr/local/lib/liburpt.so
		usr/local/lib/liburpt.a usr/local/include/liburpt.h usr/local/include/urpt.h
		usr/local/lib/pkgconfig/liburpt.pc usr/local/share/man/man1/urpt.1
	)
	mkdir -p "$dest"
	make -C "$URPT_ROOT" install "${vars[@]}" || return 1
	echo "installed:"
	(cd "$dest" && find . ! -type d | sort)
	for f in "${want[@]}"; do
		[[ -e $dest/$f ]] || { echo "make install did not install /$f"; rc=1; }
	done
	make -C "$URPT_ROOT" uninstall "${vars[@]}" || return 1
	left=$(cd "$dest" && find . ! -type d | sort)
	if [[ -n $left ]]; then
		echo "make uninstall left:"
		echo "$left"
		return 1
	fi
	return "$rc"
}

t=$SECONDS
rc=0
dkms_test >"$logdir/dkms.log" 2>&1 || rc=$?
result "$rc" "dkms build urpt/$ver against $kver" "$logdir/dkms.log" $((SECONDS - t))

t=$SECONDS
rc=0
install_test >"$logdir/install.log" 2>&1 || rc=$?
result "$rc" "make install + make uninstall DESTDIR=<tmp> leave nothing behind" \
	"$logdir/install.log" $((SECONDS - t))

exit "$failed"
