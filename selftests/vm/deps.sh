#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the VM harness needs and extract the kselftest headers.
#
#   selftests/vm/deps.sh               packages (as root, when missing) + headers
#                                      + liburing's passthrough test (tools.sh)
#   selftests/vm/deps.sh --kselftest   only the kselftest headers
#   selftests/vm/deps.sh --matrix      also mmdebstrap and dwarves (the kernel matrix)
#   selftests/vm/deps.sh --table       the command table: command package place
#   selftests/vm/deps.sh --rows PLACE  "command package" for one place (chroot: kernels.sh)
#
# Packages: Debian 12 names, from the command table below and PACKAGES.
# Nothing is installed when all are present, so
# a rerun costs one dpkg-query. The kselftest headers come from the
# linux-source-6.1 tarball (no Debian package ships them loose) and are
# cached in .cache/kselftest/, re-extracted only when the tarball changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Every external command the harness and the tests run, with the Debian
# package that provides it and where it runs:
#   host    this machine (the scripts in selftests/vm/, the Makefiles)
#   guest   in the VM: a busybox applet, or a binary packed from the host
#   chroot  in the trixie/sid build chroots (kernels.sh makes them with
#           these packages and checks the commands there)
#   matrix  on the host, only for the kernel matrix (deps.sh --matrix)
#   debug   on the host, only for the debug kernel (debugkernel.sh)
# After installing, every row of this machine is checked with command -v
# (guest applets against busybox's own list) before anything else runs;
# selftests/vm/commands_test.sh checks that every command the scripts call
# has its row.
COMMANDS='
apt-get			apt		host
awk			mawk		host
basename		coreutils	host
bash			bash		host
cat			coreutils	host
chmod			coreutils	host
cmp			diffutils	host
cp			coreutils	host
cpio			cpio		host
cut			coreutils	host
date			coreutils	host
dd			coreutils	host
depmod			kmod		host
df			coreutils	host
dirname			coreutils	host
dkms			dkms		host
dpkg			dpkg		host
dpkg-deb		dpkg		host
dpkg-query		dpkg		host
dpkg-source		dpkg-dev	host
du			coreutils	host
find			findutils	host
fio			fio		host
flock			util-linux	host
gcc			gcc		host
gnuplot			gnuplot-nox	host
grep			grep		host
gzip			gzip		host
head			coreutils	host
id			coreutils	host
install			coreutils	host
kill			procps		host
ar			binutils	host
ld			binutils	host
ldd			libc-bin	host
ln			coreutils	host
ls			coreutils	host
make			make		host
md5sum			coreutils	host
mkdir			coreutils	host
mktemp			coreutils	host
modinfo			kmod		host
modprobe		kmod		host
mv			coreutils	host
nvme			nvme-cli	host
od			coreutils	host
perl			perl		host
pgrep			procps		host
pkg-config		pkg-config	host
pwd			coreutils	host
qemu-img		qemu-utils	host
qemu-system-x86_64	qemu-system-x86	host
readlink		coreutils	host
rm			coreutils	host
rmdir			coreutils	host
sed			sed		host
sfdisk			fdisk		host
sha256sum		coreutils	host
sleep			coreutils	host
sort			coreutils	host
sparse			sparse		host
stat			coreutils	host
tail			coreutils	host
tar			tar		host
tee			coreutils	host
timeout			coreutils	host
touch			coreutils	host
tr			coreutils	host
truncate		coreutils	host
unshare			util-linux	host
wc			coreutils	host
xz			xz-utils	host
zstd			zstd		host
busybox			busybox-static	host
mmdebstrap		mmdebstrap	matrix
pahole			dwarves		matrix
bc			bc		debug
bison			bison		debug
flex			flex		debug
awk			busybox-static	guest
basename		busybox-static	guest
cat			busybox-static	guest
cmp			busybox-static	guest
cp			busybox-static	guest
cut			busybox-static	guest
dd			busybox-static	guest
dirname			busybox-static	guest
echo			busybox-static	guest
grep			busybox-static	guest
head			busybox-static	guest
insmod			busybox-static	guest
ls			busybox-static	guest
mkdir			busybox-static	guest
modprobe		busybox-static	guest
mount			busybox-static	guest
poweroff		busybox-static	guest
readlink		busybox-static	guest
rm			busybox-static	guest
sed			busybox-static	guest
sh			busybox-static	guest
sleep			busybox-static	guest
sync			busybox-static	guest
ip			busybox-static	guest
ln			busybox-static	guest
mke2fs			busybox-static	guest
rmdir			busybox-static	guest
tail			busybox-static	guest
tee			busybox-static	guest
timeout			busybox-static	guest
tr			busybox-static	guest
uname			busybox-static	guest
wc			busybox-static	guest
fio			fio		guest
nvme			nvme-cli	guest
losetup			mount		guest
blkzone			util-linux	guest
dmsetup			dmsetup		guest
mdadm			mdadm		guest
urpt			urpt		guest
chroot			coreutils	host
make			make		chroot
perl			perl		chroot
python3			python3		chroot
depmod			kmod		chroot
'

# Packages that install no command the harness runs by name: kernels,
# headers, sources and libraries.
PACKAGES=(
	# guest kernel, its modules and the headers to build urpt.ko against
	linux-image-amd64 linux-headers-amd64
	# kselftest_harness.h lives only in the kernel source tarball
	linux-source-6.1
	# the static selftests, liburpt and the CLI (libnvme.a: its nvme
	# subcommand)
	libc6-dev liburing-dev libnvme-dev
	# the 32-bit builds of the vectored selftests (compat iovecs)
	gcc-multilib
)

# command_rows WHERE...: "command package" for each row of those places.
command_rows() {
	local want=" $* "
	awk -v want="$want" 'NF == 3 && index(want, " " $3 " ") { print $1, $2 }' <<<"$COMMANDS"
}

# check_commands WHERE...: every command of those places resolves; a
# guest applet must be in busybox's own list. Names each one that does
# not, with its package.
check_commands() {
	local cmd pkg bad=0 applets
	applets=$(busybox --list 2>/dev/null || true)
	while read -r cmd pkg; do
		if [[ $pkg == busybox-static ]]; then
			grep -qx "$cmd" <<<"$applets" && continue
			msg "the guest's $cmd is not a busybox applet (package busybox-static)"
		elif [[ $pkg == urpt ]]; then
			continue	# built here: user/cli/urpt
		elif command -v "$cmd" >/dev/null 2>&1 ||
			PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null 2>&1; then
			continue
		else
			msg "command $cmd not found (package $pkg)"
		fi
		bad=1
	done < <(command_rows "$@")
	((!bad)) || die "commands are missing: install their packages (as root: $0)"
}

install_packages() {
	local missing=() p status
	# shellcheck disable=SC2207 # package names have no spaces
	local pkgs=("${PACKAGES[@]}" $(command_rows "$@" | awk '$2 != "urpt" { print $2 }' | sort -u))
	for p in "${pkgs[@]}"; do
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

# The kernel matrix (matrix.sh) also makes build chroots; dwarves:
# pahole for the BTF of modules built on the host (bookworm-backports'
# 6.12 headers ship a vmlinux and CONFIG_DEBUG_INFO_BTF_MODULES=y; its
# CONFIG_PAHOLE_VERSION is bookworm's 1.24).
places=(host guest)
case ${1:-} in
--table)
	awk 'NF == 3' <<<"$COMMANDS"
	exit 0
	;;
--rows)
	command_rows "${2:?--rows PLACE}"
	exit 0
	;;
--matrix)
	places+=(matrix)
	shift
	;;
esac
if [[ ${1:-} != --kselftest ]]; then
	install_packages "${places[@]}"
	check_commands "${places[@]}"
	kver=$(guest_kver) || die "no Debian 6.1 kernel in /lib/modules (linux-image-amd64)"
	# A kernel fetched by kernels.sh (URPT_KVER) brings its own headers.
	[[ -n $(kernel_root "$kver") || -d /usr/src/linux-headers-$kver ]] ||
		die "/usr/src/linux-headers-$kver is missing: apt-get install linux-headers-$kver"
	# liburing's io_uring_passthrough test, fetched and built once.
	"$URPT_VM_DIR/tools.sh"
fi
extract_kselftest
