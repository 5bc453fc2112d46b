#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pack the test VM's initramfs.
#
#   selftests/vm/initramfs.sh OUT.cpio.gz
#
# Contents: busybox (static) with its applet links, /init and the guest job
# scripts (selftests/vm/init, selftests/vm/guest/*.sh), the guest kernel's
# modules urpt needs, urpt.ko, the urpt CLI, the static selftests and the
# data files the jobs use; then, as a second cpio archive appended to the
# first (cached, see tools.sh), Debian's fio and nvme-cli with their
# shared libraries and liburing's io_uring_passthrough test (/tools/),
# for guest/tools.sh and the bench. What to pack is taken from:
#   URPT_KVER      guest kernel version (default: newest Debian 6.1 installed)
#   URPT_KO        urpt.ko              (default: kernel/urpt.ko if present)
#   URPT_CLI       urpt CLI binary      (default: user/cli/urpt if present;
#                  a dynamically linked one comes with its libraries)
#   URPT_SELFTESTS selftest binaries, space-separated (default: selftests/build/*)
# An empty or missing artefact is left out and reported: the guest then
# reports the test that needed it as failed, never as passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$URPT_VM_DIR/tools.sh"

out=${1:?usage: $0 OUT.cpio.gz}
kver=$(guest_kver) || die "no Debian 6.1 kernel installed"
# A kernel fetched by kernels.sh: its unpacked packages are the root.
kroot=$(kernel_root "$kver")
moddir=$kroot/lib/modules/$kver
[[ -d $moddir ]] || die "$moddir is missing"

# Modules the guest loads with modprobe, in this order. crct10dif_generic
# and crc64_rocksoft_generic are what crc-t10dif and crc64-rocksoft look up
# through the crypto API (soft dependencies): loading them first avoids
# relying on busybox modprobe's handling of softdeps and aliases.
GUEST_MODULES=(
	virtio_pci virtio_blk
	crct10dif_generic crc64_rocksoft_generic nvme
	configfs null_blk
	brd dm_mod
)
# Packed, not loaded at boot: guest/disks.sh loads them with the
# parameters of the disk it makes (scsi_debug and zram make disks as they
# load), or the disk kinds need them (ext2 is ext4's on Debian).
DISK_MODULES=(
	virtio_scsi sd_mod scsi_debug loop ext4 zram md_mod raid0 raid1
	nvmet nvmet_tcp nvme_tcp
)

# Newer kernels build some of them in (6.12: virtio) or no longer have
# them (the crc helpers became plain libraries): keep the modules this
# kernel has as modules, in order; nvme's own dependencies (nvme-auth,
# nvme-keyring) come from modules.dep. A module it has not at all is
# reported, and the guest's disk tests catch a missing disk.
# modular NAME...: those of NAME that this kernel has as modules.
modular() {
	local m deps
	for m in "$@"; do
		if ! deps=$(modprobe -S "$kver" ${kroot:+-d "$kroot"} --show-depends "$m" 2>/dev/null); then
			msg "initramfs: $kver has no module $m: left out"
		elif grep -q '^insmod ' <<<"$deps"; then
			echo "$m"
		fi
	done
}
mapfile -t LOAD_MODULES < <(modular "${GUEST_MODULES[@]}")
mapfile -t PACK_MODULES < <(modular "${GUEST_MODULES[@]}" "${DISK_MODULES[@]}")

# The modules and everything they depend on, copied (decompressed) from the
# guest kernel's module tree once per kernel: .cache/kernel/<kver>/modroot.
stage_modules() {
	local cache=$URPT_CACHE/kernel/$kver key tmp m path rel
	key="${PACK_MODULES[*]} $(file_key "$moddir/modules.dep")"
	if [[ -d $cache/modroot && $(cat "$cache/modroot.key" 2>/dev/null) == "$key" ]]; then
		return 0
	fi
	msg "copying guest modules from $moddir"
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/modroot.XXXXXX")
	for m in "${PACK_MODULES[@]}"; do
		# --show-depends lists the whole chain (softdeps included) as
		# "insmod /path" lines; builtin modules show as "builtin name".
		modprobe -S "$kver" ${kroot:+-d "$kroot"} --show-depends "$m" |
			awk '$1 == "insmod" { print $2 }'
	done | sort -u | while read -r path; do
		rel=${path#"$kroot"/lib/modules/"$kver"/}
		mkdir -p "$tmp/lib/modules/$kver/$(dirname "$rel")"
		# busybox insmod cannot read compressed modules: store plain .ko.
		case $path in
		*.ko.xz) xz -dc "$path" >"$tmp/lib/modules/$kver/${rel%.xz}" ;;
		*.ko.zst) zstd -q -dc "$path" >"$tmp/lib/modules/$kver/${rel%.zst}" ;;
		*) cp "$path" "$tmp/lib/modules/$kver/$rel" ;;
		esac
	done
	# modprobe must not mistake a builtin module for a missing one.
	cp "$moddir"/modules.builtin* "$tmp/lib/modules/$kver/" 2>/dev/null || true
	# depmod wants a modules.order: the copied modules, in any order.
	(cd "$tmp/lib/modules/$kver" && find kernel -name '*.ko' | sort >modules.order)
	chmod 755 "$tmp"	# mktemp -d makes it private
	rm -rf "$cache/modroot"
	mv "$tmp" "$cache/modroot"
	echo "$key" >"$cache/modroot.key"
}

stage_modules

root=$(mktemp -d "${TMPDIR:-/tmp}/urpt-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
# The archive's "." becomes the guest's /: mktemp -d made it 0700, which
# would keep every user but root out of the whole tree.
chmod 755 "$root"

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc/urpt,data,jobs,selftests}
cp -a "$URPT_CACHE/kernel/$kver/modroot/lib" "$root/"

# busybox and one symlink per applet, as its own list says where each goes.
cp /bin/busybox "$root/bin/busybox"
busybox --list-full | while read -r applet; do
	[[ -e $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
done

install -m 755 "$URPT_VM_DIR/init" "$root/init"
install -m 755 "$URPT_VM_DIR"/guest/*.sh "$root/jobs/"
# /init runs "modprobe <line>" for each line: parameters go here, as they
# must on a module's first load (a second modprobe with parameters would be
# a silent no-op). nvme: two poll queues (HCTX_TYPE_POLL) on top of its
# default queues. null_blk: no disk of its own; /init makes /dev/nullb0 and
# /dev/nullb1 through configfs, each with its own geometry. Its poll_queues
# parameter is the most a configfs disk may have (6.1 clamps to it at power
# on; the default is 1).
for m in "${LOAD_MODULES[@]}"; do
	case $m in
	nvme) echo "nvme poll_queues=2" ;;
	null_blk) echo "null_blk nr_devices=0 poll_queues=2" ;;
	# one 64 MiB RAM disk, /dev/ram0: bio-based (no blk-mq queue)
	brd) echo "brd rd_nr=1 rd_size=65536" ;;
	*) echo "$m" ;;
	esac
done >"$root/etc/urpt/modules"

ko=${URPT_KO-$URPT_ROOT/kernel/urpt.ko}
if [[ -n $ko && -f $ko ]]; then
	mkdir -p "$root/lib/modules/$kver/extra"
	cp "$ko" "$root/lib/modules/$kver/extra/urpt.ko"
	echo extra/urpt.ko >>"$root/lib/modules/$kver/modules.order"
else
	msg "initramfs: no urpt.ko to pack${ko:+ ($ko missing)}"
fi
depmod -b "$root" "$kver"

cli=${URPT_CLI-$URPT_ROOT/user/cli/urpt}
if [[ -n $cli && -x $cli ]]; then
	install -m 755 "$cli" "$root/bin/urpt"
	pack_libs "$root" "$cli"	# nothing when it is static
else
	msg "initramfs: no urpt CLI to pack${cli:+ ($cli missing)}"
fi

if [[ -z ${URPT_SELFTESTS+set} ]]; then
	URPT_SELFTESTS=$(find "$URPT_ROOT/selftests/build" -maxdepth 1 -type f -perm -u+x 2>/dev/null | sort | tr '\n' ' ')
fi
for t in $URPT_SELFTESTS; do
	install -m 755 "$t" "$root/selftests/"
done
[[ -n ${URPT_SELFTESTS// /} ]] || msg "initramfs: no selftest binaries to pack"

make_pattern "$root/data/pattern.bin"
# The demo's file: 192 KiB, not a power of two, of the same records.
head -c 196608 "$root/data/pattern.bin" | tr '0-9' 'a-j' >"$root/data/demo.bin"

# The tools archive first: if it is missing, say so before packing.
segment=$(tools_segment)
mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
# The kernel unpacks concatenated archives one after the other, each
# compressed or not; files of the second may replace the first's. It
# takes an uncompressed one only at a 4-byte aligned offset, and skips
# the zeros that pad the gzip stream to one.
size=$(stat -c %s "$out.tmp")
head -c $(((4 - size % 4) % 4)) /dev/zero >>"$out.tmp"
cat "$segment" >>"$out.tmp"
mv "$out.tmp" "$out"
