#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Compile-time facts about the kernel urpt is built against, as -D flags
# for compat.h. The headers are read, not the version number: Debian's 6.1
# already carries APIs of 6.3, and other distributions backport more.
# Usage: probe.sh <kernel include dir>
inc=$1

have() { # have NAME FILE PATTERN: -DURPT_HAVE_NAME if FILE matches PATTERN
	if grep -Eq "$3" "$inc/$2" 2>/dev/null; then
		printf ' -DURPT_HAVE_%s' "$1"
	fi
}

[ -f "$inc/linux/io_uring/cmd.h" ] && printf ' -DURPT_HAVE_IO_URING_CMD_H'
cmd_h=linux/io_uring.h
[ -f "$inc/linux/io_uring/cmd.h" ] && cmd_h=linux/io_uring/cmd.h
have SQE128_CMD "$cmd_h" 'define io_uring_sqe128_cmd'
have SQE_CMD "$cmd_h" 'io_uring_sqe_cmd'
have CMD_DONE32 "$cmd_h" 'io_uring_cmd_done32'
have IO_TW_REQ "$cmd_h" 'io_uring_cmd_from_tw'
# io_uring_cmd_import_fixed(..., struct io_uring_cmd *, unsigned issue_flags)
if sed -n '/int io_uring_cmd_import_fixed(/,/;/p' "$inc/$cmd_h" 2>/dev/null |
	grep -q issue_flags; then
	printf ' -DURPT_HAVE_IMPORT_FIXED_ISSUE_FLAGS'
fi
have DO_IN_TASK_LAZY "$cmd_h" 'io_uring_cmd_do_in_task_lazy'
# 6.14's copy of every uring command's SQE at prep comes with this struct.
have CMD_DATA "$cmd_h" 'struct io_uring_cmd_data'
have CMD_DATA linux/io_uring_types.h 'struct io_uring_cmd_data'
have F_COMPAT linux/io_uring_types.h 'IO_URING_F_COMPAT'
have BD_MAPPING linux/blk_types.h 'struct address_space[[:space:]]+\*bd_mapping;'
have BDEV_FILE_OPEN linux/blkdev.h 'bdev_file_open_by_path'
have BDEV_FPUT linux/blkdev.h 'void bdev_fput\('
have BLK_FEAT_POLL linux/blkdev.h 'define BLK_FEAT_POLL'
have BDEV_ROT linux/blkdev.h 'bool bdev_rot\('
have ITER_IOV linux/uio.h 'iter_iov\('
have BLK_STS_RESV_CONFLICT linux/blk_types.h 'define BLK_STS_RESV_CONFLICT'
# 6.10 dropped the zoned model: host-aware disks are regular ones since.
have ZONED_MODEL linux/blkdev.h 'bdev_zoned_model\('
# 6.9 dropped blkdev_zone_mgmt()'s gfp_t.
if sed -n '/int blkdev_zone_mgmt(/,/;/p' "$inc/linux/blkdev.h" 2>/dev/null |
	grep -q gfp_t; then
	printf ' -DURPT_HAVE_ZONE_MGMT_GFP'
fi
# 7.x: bio_iov_iter_get_pages() is no longer exported; its building block
# iov_iter_extract_bvecs() (with an alignment mask) is.
if sed -n '/ssize_t iov_iter_extract_bvecs(/,/;/p' "$inc/linux/uio.h" 2>/dev/null |
	grep -q mem_align_mask; then
	printf ' -DURPT_HAVE_EXTRACT_BVECS'
fi
echo
