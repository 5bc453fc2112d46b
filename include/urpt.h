/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * urpt: io_uring passthrough for any block disk -- the user/kernel ABI.
 *
 * This header is the one contract between urpt.ko and user space. It is
 * included by the kernel module, by liburpt and by the tests.
 *
 * Data node /dev/urptN: a ring set up with IORING_SETUP_SQE128 and
 * IORING_SETUP_CQE32 submits IORING_OP_URING_CMD with sqe->cmd_op set to a
 * URPT_CMD_* value and a struct urpt_cmd in the SQE's 80-byte command area.
 * The completion's res is the number of bytes transferred or -errno; its
 * first extra word (big_cqe[0]) carries the details encoded by URPT_RES2_*
 * (a ZONE_APPEND that succeeded: where its data landed), the second extra
 * word is always zero.
 *
 * Control node /dev/urpt-control: ioctls URPT_CTL_* attach, detach and
 * list backing block devices (attach and detach need CAP_SYS_ADMIN).
 *
 * The data node also speaks NVMe passthrough (linux/nvme_ioctl.h): the
 * NVME_IOCTL_* ioctls and NVME_URING_CMD_* commands of one namespace, NSID
 * 1, described by Identify from the backing disk. See docs/nvme.md.
 */
#ifndef _UAPI_URPT_H
#define _UAPI_URPT_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/const.h>

#define URPT_ABI_VERSION	1

#define URPT_IOC_MAGIC		0xE5

/*
 * sqe->cmd_op values. They are ioctl-style numbers that encode the size of
 * struct urpt_cmd, as NVMe's NVME_URING_CMD_IO does; numbers 0x80 and up
 * are left free so that another personality can share the node. The NVMe
 * personality's NVME_URING_CMD_* (type 'N') differ from these (type 0xE5).
 */
#define URPT_CMD_INFO		_IOR(URPT_IOC_MAGIC, 0x01, struct urpt_cmd)
#define URPT_CMD_READ		_IOR(URPT_IOC_MAGIC, 0x02, struct urpt_cmd)
#define URPT_CMD_WRITE		_IOW(URPT_IOC_MAGIC, 0x03, struct urpt_cmd)
#define URPT_CMD_FLUSH		_IOW(URPT_IOC_MAGIC, 0x04, struct urpt_cmd)
#define URPT_CMD_READV		_IOR(URPT_IOC_MAGIC, 0x05, struct urpt_cmd)
#define URPT_CMD_WRITEV		_IOW(URPT_IOC_MAGIC, 0x06, struct urpt_cmd)
#define URPT_CMD_DISCARD	_IOW(URPT_IOC_MAGIC, 0x07, struct urpt_cmd)
#define URPT_CMD_WRITE_ZEROES	_IOW(URPT_IOC_MAGIC, 0x08, struct urpt_cmd)
#define URPT_CMD_REPORT_ZONES	_IOR(URPT_IOC_MAGIC, 0x09, struct urpt_cmd)
#define URPT_CMD_ZONE_MGMT	_IOW(URPT_IOC_MAGIC, 0x0a, struct urpt_cmd)
#define URPT_CMD_ZONE_APPEND	_IOW(URPT_IOC_MAGIC, 0x0b, struct urpt_cmd)

/*
 * The command, in the 80-byte area of a 128-byte SQE (sqe->cmd).
 *
 * version must be URPT_ABI_VERSION; flags must only hold bits defined for
 * the command (URPT_F_* below); every rsvd field must be zero. Anything
 * else fails with -EINVAL before the disk is touched.
 *
 * INFO:  addr/len is a buffer for struct urpt_info; len >= URPT_INFO_SIZE_V1.
 *        offset must be 0. res = bytes of struct urpt_info written.
 * READ:  read len bytes at byte offset of the disk into addr.
 * WRITE: write len bytes from addr at byte offset of the disk.
 *        For both: offset and len are multiples of the logical block
 *        size and 0 < len <= urpt_info.max_transfer (else -EINVAL); offset + len within the
 *        capacity (else -ENOSPC); addr/len mapped user memory, writable
 *        for READ (else -EFAULT). res = len on success.
 * READV/WRITEV: addr points to an array of len struct iovec (here len
 *        counts segments: 1 <= len <= urpt_info.max_iovecs); the total
 *        length follows the READ/WRITE rules. The array is read when the
 *        command is issued, which may happen again from io_uring's worker:
 *        keep it valid until the completion. res = total on success.
 * FLUSH: offset, addr and len must be 0. res = 0 on success.
 * DISCARD, WRITE_ZEROES: len bytes at offset (multiples of the logical
 *        block size, 0 < len <= urpt_info.max_discard or max_write_zeroes);
 *        addr must be 0. -EOPNOTSUPP when the disk cannot do it (the limit
 *        in urpt_info is then 0). The range need not align to
 *        discard_granularity: the disk may then leave the unaligned ends
 *        mapped. res = len on success. A WRITE_ZEROES the disk refuses
 *        although it offers the operation (a loop device over a file
 *        system that cannot zero a range in place, with URPT_F_NOUNMAP)
 *        is done by writing zeroes, as the kernel's BLKZEROOUT does.
 *
 * Zone commands (zoned disks only, URPT_FEAT_ZONED; -EOPNOTSUPP on others):
 * REPORT_ZONES: the zones from the one holding byte offset on, up to len
 *        of them, into addr: an array of len struct urpt_zone (len >= 1).
 *        offset is a multiple of the logical block size, before the end
 *        of the disk (else -ENOSPC). res = number of zones reported. It
 *        waits for the disk, so it always runs from io_uring's worker.
 * ZONE_MGMT: zone_action (URPT_ZONE_*) on the zone that starts at offset
 *        (else -EINVAL; -ENOSPC past the end); addr and len must be 0.
 *        URPT_ZONE_RESET_ALL resets every sequential zone: offset must
 *        be 0. res = 0 on success.
 * ZONE_APPEND: write len bytes from addr into the zone that starts at
 *        offset (as for ZONE_MGMT), wherever its write pointer is; len
 *        follows the WRITE rules with urpt_info.max_zone_append as the
 *        limit; it goes to the disk as one request, never split (one
 *        that fails may still have written part of it: the write
 *        pointer, REPORT_ZONES, says). res = len on success, and
 *        big_cqe[0] is then the byte offset where the data landed (not
 *        the URPT_RES2_* encoding, which it has on failure).
 * A write or append the zone cannot take (not at its write pointer, a
 * full, read-only or offline zone, too many open zones) fails with the
 * disk's errno and the block status in big_cqe[0].
 *
 * Flags (any other bit, or a flag on a command that does not take it, is
 * -EINVAL):
 *   URPT_F_FUA      WRITE, WRITEV, ZONE_APPEND: forced unit access; the block layer
 *                   emulates it with a flush where the disk lacks FUA.
 *   URPT_F_BOUNCE   READ(V), WRITE(V), ZONE_APPEND: copy through kernel pages, so that
 *                   the disk never transfers to or from the caller's
 *                   memory (stable data: a write's data is copied before
 *                   the command reaches the disk, from io_uring's worker;
 *                   keep the buffer until the completion, as for any
 *                   write). Buffers that do not meet the disk's DMA
 *                   alignment are bounced without the flag.
 *   URPT_F_NOUNMAP  WRITE_ZEROES: the disk must keep the range allocated.
 *
 * Registered buffers: READ, WRITE and ZONE_APPEND with sqe->uring_cmd_flags =
 * IORING_URING_CMD_FIXED and sqe->buf_index use the registered buffer at
 * index buf_index; addr/len must lie inside it (else -EFAULT). READV and
 * WRITEV with it need URPT_FEAT_FIXED_VEC (else -EOPNOTSUPP).
 *
 * Polling: every command works on a ring set up with IORING_SETUP_IOPOLL.
 * Those the disk can poll (URPT_FEAT_POLL; a READ, WRITE, READV, WRITEV or
 * ZONE_APPEND that is one zero-copy bio: up to 255 pages, or ~1 MiB of a registered
 * buffer on 7.x) complete by polling; the others complete by interrupt
 * and are reaped by the same loop.
 *
 * Other errors: -EOPNOTSUPP for an unknown cmd_op or a ring without
 * SQE128 and CQE32; -EINVAL for a sqe->uring_cmd_flags bit other than
 * IORING_URING_CMD_FIXED (IORING_URING_CMD_MULTISHOT among them); -EBADF
 * for any command that writes (WRITE, WRITEV, FLUSH, DISCARD, WRITE_ZEROES,
 * ZONE_MGMT, ZONE_APPEND) on a node opened O_RDONLY, and for READ and
 * READV on a node opened O_WRONLY; for the commands that write but FLUSH,
 * the disk's state at the time of the command, as for a
 * write(2) to the block device: -EPERM once the disk is read-only
 * (blockdev --setro, or it turned read-only), -ETXTBSY while it is an
 * active swap device (attached with URPT_ATTACH_SHARED);
 * -ENODEV once the disk was detached or went away (removed, its capacity
 * 0); -EAGAIN only where cgroup I/O throttling (io.max) held a READ or
 * WRITE issued without waiting, the disk then had no free tag, and the
 * submitting thread was exiting before urpt could send it again (a retry
 * works); the errno of the block-layer status
 * (-EIO...) when the disk fails the I/O: with several bios, the first
 * failed one in disk order decides. A buffer of more than one bio is
 * faulted in whole before the first is submitted, so an unmapped or
 * read-only page fails the command with -EFAULT before anything reaches
 * the disk; only a page unmapped while the command runs ends it with
 * -EFAULT after the part before it (O_DIRECT reports -EIO there). Opening the node O_RDWR
 * fails with -EROFS when the disk was attached with URPT_ATTACH_READ_ONLY.
 *
 * 32-bit programs: READV/WRITEV read struct iovec in the 32-bit layout
 * (struct compat_iovec) where the ring belongs to a 32-bit program.
 */
struct urpt_cmd {
	__u8	version;
	__u8	rsvd0[3];
	__u32	flags;
	__u64	offset;
	__u64	addr;
	__u32	len;
	__u32	zone_action;	/* ZONE_MGMT: URPT_ZONE_*; else 0 */
	__u64	rsvd2[6];
};

#define URPT_CMD_SIZE		80

/* urpt_cmd.flags */
#define URPT_F_FUA		_BITUL(0)
#define URPT_F_BOUNCE		_BITUL(1)
#define URPT_F_NOUNMAP		_BITUL(2)

/* urpt_cmd.zone_action of ZONE_MGMT */
#define URPT_ZONE_RESET		1
#define URPT_ZONE_OPEN		2
#define URPT_ZONE_CLOSE		3
#define URPT_ZONE_FINISH	4
#define URPT_ZONE_RESET_ALL	5

/* Longest READ/WRITE/READV/WRITEV, whatever the disk: split as needed. */
#define URPT_MAX_TRANSFER	(64U << 20)
/* Most iovecs in one READV/WRITEV (UIO_MAXIOV). */
#define URPT_MAX_IOVECS		1024

/*
 * big_cqe[0] of every command that reached the disk through bios (all but
 * INFO, REPORT_ZONES, ZONE_MGMT's RESET_ALL, and a ZONE_APPEND that
 * succeeded: see above). Those, and commands refused while being
 * validated, complete with only res set and both extra words zero (but
 * the successful ZONE_APPEND's offset). REPORT_ZONES and RESET_ALL fail
 * with -EBUSY where the disk cannot report now (dm while suspended).
 *
 *   bits  0..7   block-layer status (blk_status_t; 0 is BLK_STS_OK): why
 *                res is -EIO, -ENOSPC, -ETIMEDOUT... When several bios
 *                fail, the status (and res) is the first failed one's in
 *                disk order, whichever ended first
 *   bits  8..15  number of bios the driver submitted (saturates at 255)
 *   bits 16..63  time the command spent in the driver, from building its
 *                first bio to handing the completion to io_uring, in
 *                nanoseconds (saturates at 2^48 - 1, ~78 hours)
 */
#define URPT_RES2_STATUS_SHIFT	0
#define URPT_RES2_STATUS_MASK	0xffULL
#define URPT_RES2_BIOS_SHIFT	8
#define URPT_RES2_BIOS_MASK	0xffULL
#define URPT_RES2_NS_SHIFT	16
#define URPT_RES2_NS_MASK	0xffffffffffffULL

/* urpt_info.features */
#define URPT_FEAT_READ_ONLY	_BITULL(0)	/* attached without write access */
#define URPT_FEAT_WRITE_CACHE	_BITULL(1)	/* volatile cache: FLUSH matters */
#define URPT_FEAT_FUA		_BITULL(2)	/* disk honours FUA natively */
#define URPT_FEAT_ROTATIONAL	_BITULL(3)
#define URPT_FEAT_PARTITION	_BITULL(4)	/* backing device is a partition */
#define URPT_FEAT_DISCARD	_BITULL(5)	/* DISCARD works */
#define URPT_FEAT_WRITE_ZEROES	_BITULL(6)	/* WRITE_ZEROES works */
#define URPT_FEAT_POLL		_BITULL(7)	/* disk has poll queues */
#define URPT_FEAT_FIXED		_BITULL(8)	/* registered buffers, READ/WRITE */
#define URPT_FEAT_FIXED_VEC	_BITULL(9)	/* registered buffers, READV/WRITEV */
#define URPT_FEAT_NOWAIT	_BITULL(10)	/* zero-copy one-bio READ/WRITE(V) inline */
#define URPT_FEAT_ZONED		_BITULL(11)	/* zoned disk: zone commands work */

/* urpt_info.zoned */
#define URPT_ZONED_NONE		0
#define URPT_ZONED_HOST_AWARE	1	/* random writes allowed too */
#define URPT_ZONED_HOST_MANAGED	2	/* sequential zones written in order */

#define URPT_DISK_NAME_LEN	32

/* Filled by URPT_CMD_INFO. Later versions only append fields. */
struct urpt_info {
	__u32	version;		/* URPT_ABI_VERSION of the module */
	__u32	size;			/* sizeof(struct urpt_info) of the module */
	__u64	capacity;		/* bytes */
	__u32	logical_block_size;	/* bytes */
	__u32	physical_block_size;	/* bytes */
	__u32	max_transfer;		/* bytes, longest READ(V)/WRITE(V) */
	__u32	dma_alignment;		/* buffers aligned to it go zero-copy */
	__u64	features;		/* URPT_FEAT_* */
	char	disk_name[URPT_DISK_NAME_LEN];	/* e.g. "vdb1", NUL-terminated */
	__u32	max_iovecs;		/* most iovecs in READV/WRITEV */
	__u32	discard_granularity;	/* bytes; 0 without discard */
	__u32	max_discard;		/* bytes, longest DISCARD; 0: none */
	__u32	max_write_zeroes;	/* bytes, longest WRITE_ZEROES; 0: none */
	__u32	disk_max_transfer;	/* bytes, the disk's largest request */
	__u32	rsvd0;
	__u64	rsvd[5];
	/* Since URPT_INFO_SIZE_V2: the zones; all 0 on a disk without them */
	__u32	zoned;			/* URPT_ZONED_* */
	__u32	nr_zones;
	__u64	zone_size;		/* bytes, a power of two */
	__u32	max_open_zones;		/* 0: no limit */
	__u32	max_active_zones;	/* 0: no limit */
	__u32	max_zone_append;	/* bytes, longest ZONE_APPEND */
	__u32	rsvd1;
};

#define URPT_INFO_SIZE_V1	136
#define URPT_INFO_SIZE_V2	168

/* urpt_zone.type: the ZBC / ZNS values */
#define URPT_ZONE_TYPE_CONVENTIONAL	0x1
#define URPT_ZONE_TYPE_SEQ_REQUIRED	0x2	/* host-managed */
#define URPT_ZONE_TYPE_SEQ_PREFERRED	0x3	/* host-aware */

/* urpt_zone.cond: the ZBC / ZNS values */
#define URPT_ZONE_COND_NOT_WP		0x0	/* conventional */
#define URPT_ZONE_COND_EMPTY		0x1
#define URPT_ZONE_COND_IMP_OPEN		0x2
#define URPT_ZONE_COND_EXP_OPEN		0x3
#define URPT_ZONE_COND_CLOSED		0x4
#define URPT_ZONE_COND_READONLY		0xd
#define URPT_ZONE_COND_FULL		0xe
#define URPT_ZONE_COND_OFFLINE		0xf

/* urpt_zone.flags */
#define URPT_ZONE_F_RESET		_BITUL(0)	/* reset recommended */
#define URPT_ZONE_F_NON_SEQ		_BITUL(1)	/* non-sequential resources */

/*
 * One zone, as REPORT_ZONES writes it. Later versions only fill rsvd.
 * wp is meaningful only in a sequential zone that is not full, read-only
 * or offline; capacity is what can be written from start (<= len).
 */
struct urpt_zone {
	__u64	start;		/* bytes */
	__u64	len;		/* bytes */
	__u64	capacity;	/* bytes */
	__u64	wp;		/* bytes: where the next write must go */
	__u8	type;		/* URPT_ZONE_TYPE_* */
	__u8	cond;		/* URPT_ZONE_COND_* */
	__u8	flags;		/* URPT_ZONE_F_* */
	__u8	rsvd0[5];
	__u64	rsvd[3];
};

#define URPT_ZONE_SIZE		64

/* Control node ioctls. */

/* urpt_ctl_attach.flags */
#define URPT_ATTACH_READ_ONLY	_BITUL(0)	/* open the disk for reading only */
#define URPT_ATTACH_SHARED	_BITUL(1)	/* do not claim the disk exclusively */
#define URPT_ATTACH_FLAGS_ALL	(URPT_ATTACH_READ_ONLY | URPT_ATTACH_SHARED)

/*
 * URPT_CTL_ATTACH errors: -EPERM without CAP_SYS_ADMIN; -EINVAL for an
 * unknown flag or a reserved field; -EFAULT, -ENOENT, -ENOTBLK for the
 * path; -EBUSY when the disk is claimed (mounted, attached, opened
 * O_EXCL); -EACCES for a read-write attach of a read-only disk;
 * -ENOSPC when every index is taken.
 */

struct urpt_ctl_attach {
	__u64	path;		/* in: user pointer to a NUL-terminated path */
	__u32	flags;		/* in: URPT_ATTACH_* */
	__u32	index;		/* out: N of the new /dev/urptN */
	__u64	rsvd[2];
};

struct urpt_ctl_detach {
	__u32	index;
	__u32	flags;		/* none defined: must be zero */
	__u64	rsvd[2];
};

struct urpt_ctl_entry {
	__u32	index;
	__u32	flags;		/* URPT_ATTACH_* it was attached with */
	__u64	capacity;	/* bytes */
	char	disk_name[URPT_DISK_NAME_LEN];
};

struct urpt_ctl_list {
	__u64	entries;	/* in: user pointer to struct urpt_ctl_entry[] */
	__u32	count;		/* in: room in entries; out: number attached */
	__u32	rsvd0;
	__u64	rsvd[2];
};

#define URPT_CTL_ATTACH		_IOWR(URPT_IOC_MAGIC, 0x40, struct urpt_ctl_attach)
#define URPT_CTL_DETACH		_IOW(URPT_IOC_MAGIC, 0x41, struct urpt_ctl_detach)
#define URPT_CTL_LIST		_IOWR(URPT_IOC_MAGIC, 0x42, struct urpt_ctl_list)

#define URPT_CONTROL_NAME	"urpt-control"

/*
 * Sizes and offsets above are the ABI: urpt.ko checks them with BUILD_BUG_ON
 * (kernel/abi.h) and liburpt with _Static_assert (liburpt.h).
 */

#endif /* _UAPI_URPT_H */
