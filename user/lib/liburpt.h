/* SPDX-License-Identifier: MIT */
/*
 * liburpt: prepare urpt commands in io_uring SQEs and decode their CQEs.
 *
 * The ring must be set up with IORING_SETUP_SQE128 | IORING_SETUP_CQE32
 * (urpt_queue_init() does it). Prep functions only fill the SQE; the caller
 * submits and reaps with liburing as usual.
 */
#ifndef LIBURPT_H
#define LIBURPT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <liburing.h>
#include <urpt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C++ spells C11's _Static_assert static_assert. */
#if defined(__cplusplus) && !defined(_Static_assert)
#define _Static_assert static_assert
#endif

/* The uapi layout, checked wherever liburpt is compiled (urpt.ko too). */
_Static_assert(sizeof(struct urpt_cmd) == URPT_CMD_SIZE, "urpt_cmd size");
_Static_assert(offsetof(struct urpt_cmd, flags) == 4, "urpt_cmd.flags");
_Static_assert(offsetof(struct urpt_cmd, offset) == 8, "urpt_cmd.offset");
_Static_assert(offsetof(struct urpt_cmd, addr) == 16, "urpt_cmd.addr");
_Static_assert(offsetof(struct urpt_cmd, len) == 24, "urpt_cmd.len");
_Static_assert(offsetof(struct urpt_cmd, rsvd2) == 32, "urpt_cmd.rsvd2");
_Static_assert(offsetof(struct urpt_cmd, zone_action) == 28,
	       "urpt_cmd.zone_action");
_Static_assert(sizeof(struct urpt_info) == URPT_INFO_SIZE_V2, "urpt_info size");
_Static_assert(offsetof(struct urpt_info, disk_name) == 40,
	       "urpt_info.disk_name");
_Static_assert(offsetof(struct urpt_info, max_iovecs) == 72,
	       "urpt_info.max_iovecs");
_Static_assert(offsetof(struct urpt_info, rsvd) == 96, "urpt_info.rsvd");
_Static_assert(offsetof(struct urpt_info, zoned) == URPT_INFO_SIZE_V1,
	       "urpt_info.zoned");
_Static_assert(offsetof(struct urpt_info, zone_size) == 144,
	       "urpt_info.zone_size");
_Static_assert(offsetof(struct urpt_info, max_zone_append) == 160,
	       "urpt_info.max_zone_append");
_Static_assert(sizeof(struct urpt_zone) == URPT_ZONE_SIZE, "urpt_zone size");
_Static_assert(offsetof(struct urpt_zone, type) == 32, "urpt_zone.type");
_Static_assert(offsetof(struct urpt_zone, rsvd) == 40, "urpt_zone.rsvd");
_Static_assert(sizeof(struct urpt_ctl_attach) == 32, "urpt_ctl_attach size");
_Static_assert(sizeof(struct urpt_ctl_detach) == 24, "urpt_ctl_detach size");
_Static_assert(sizeof(struct urpt_ctl_entry) == 48, "urpt_ctl_entry size");
_Static_assert(sizeof(struct urpt_ctl_list) == 32, "urpt_ctl_list size");
/* The command must fit the 80 bytes a 128-byte SQE has after sqe->cmd. */
_Static_assert(offsetof(struct io_uring_sqe, cmd) + URPT_CMD_SIZE == 128,
	       "sqe->cmd area");
/*
 * Registered buffers: uring_cmd_flags shares the union of rw_flags at
 * byte 28, buf_index is the 16 bits at byte 40 (liburing 2.3 and later).
 */
_Static_assert(offsetof(struct io_uring_sqe, uring_cmd_flags) == 28,
	       "sqe->uring_cmd_flags");
_Static_assert(sizeof(((struct io_uring_sqe *)0)->uring_cmd_flags) == 4,
	       "sqe->uring_cmd_flags size");
_Static_assert(offsetof(struct io_uring_sqe, buf_index) == 40,
	       "sqe->buf_index");
_Static_assert(sizeof(((struct io_uring_sqe *)0)->buf_index) == 2,
	       "sqe->buf_index size");
/* READV/WRITEV hand the kernel an array of the C library's iovec. */
_Static_assert(sizeof(struct iovec) == 2 * sizeof(void *), "struct iovec");

#define URPT_RING_FLAGS	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32)

/* Set up a ring able to carry urpt commands. Returns 0 or -errno. */
static inline int urpt_queue_init(unsigned int entries, struct io_uring *ring,
				  unsigned int extra_flags)
{
	return io_uring_queue_init(entries, ring, URPT_RING_FLAGS | extra_flags);
}

/* The 80-byte command area of a 128-byte SQE. */
static inline struct urpt_cmd *urpt_sqe_cmd(struct io_uring_sqe *sqe)
{
	return (struct urpt_cmd *)sqe->cmd;
}

/*
 * Fill sqe with cmd_op and a zeroed, versioned struct urpt_cmd.
 * io_uring_prep_rw() writes fields that overlap sqe->cmd, so the command
 * area is cleared after it.
 */
static inline struct urpt_cmd *urpt_prep_cmd(struct io_uring_sqe *sqe, int fd,
					     uint32_t cmd_op)
{
	struct urpt_cmd *cmd;

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	cmd = urpt_sqe_cmd(sqe);
	memset(cmd, 0, URPT_CMD_SIZE);
	cmd->version = URPT_ABI_VERSION;
	return cmd;
}

static inline void urpt_prep_info(struct io_uring_sqe *sqe, int fd,
				  struct urpt_info *info)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_INFO);

	cmd->addr = (uint64_t)(uintptr_t)info;
	cmd->len = sizeof(*info);
}

static inline void urpt_prep_read(struct io_uring_sqe *sqe, int fd, void *buf,
				  uint32_t len, uint64_t offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_READ);

	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->len = len;
	cmd->offset = offset;
}

static inline void urpt_prep_write(struct io_uring_sqe *sqe, int fd,
				   const void *buf, uint32_t len,
				   uint64_t offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_WRITE);

	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->len = len;
	cmd->offset = offset;
}

static inline void urpt_prep_flush(struct io_uring_sqe *sqe, int fd)
{
	urpt_prep_cmd(sqe, fd, URPT_CMD_FLUSH);
}

/*
 * READV/WRITEV: nr struct iovec at iov, 1 <= nr <= urpt_info.max_iovecs.
 * The array (not only the data) must stay valid until the completion:
 * the module may read it after io_uring_submit() returned.
 */
static inline void urpt_prep_readv(struct io_uring_sqe *sqe, int fd,
				   const struct iovec *iov, unsigned int nr,
				   uint64_t offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_READV);

	cmd->addr = (uint64_t)(uintptr_t)iov;
	cmd->len = nr;
	cmd->offset = offset;
}

static inline void urpt_prep_writev(struct io_uring_sqe *sqe, int fd,
				    const struct iovec *iov, unsigned int nr,
				    uint64_t offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_WRITEV);

	cmd->addr = (uint64_t)(uintptr_t)iov;
	cmd->len = nr;
	cmd->offset = offset;
}

/* DISCARD: len <= urpt_info.max_discard (0 there: not supported). */
static inline void urpt_prep_discard(struct io_uring_sqe *sqe, int fd,
				     uint32_t len, uint64_t offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_DISCARD);

	cmd->len = len;
	cmd->offset = offset;
}

/* WRITE_ZEROES: len <= urpt_info.max_write_zeroes; URPT_F_NOUNMAP may follow. */
static inline void urpt_prep_write_zeroes(struct io_uring_sqe *sqe, int fd,
					  uint32_t len, uint64_t offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_WRITE_ZEROES);

	cmd->len = len;
	cmd->offset = offset;
}

/*
 * Since liburpt 1.3, the zone commands (URPT_FEAT_ZONED disks).
 * REPORT_ZONES: room for nr zones at zones, from the zone holding offset;
 * the completion's res is the number reported.
 */
static inline void urpt_prep_report_zones(struct io_uring_sqe *sqe, int fd,
					  struct urpt_zone *zones,
					  unsigned int nr, uint64_t offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_REPORT_ZONES);

	cmd->addr = (uint64_t)(uintptr_t)zones;
	cmd->len = nr;
	cmd->offset = offset;
}

/* ZONE_MGMT: action URPT_ZONE_* on the zone at zone_offset (0 for RESET_ALL). */
static inline void urpt_prep_zone_mgmt(struct io_uring_sqe *sqe, int fd,
				       uint32_t action, uint64_t zone_offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_ZONE_MGMT);

	cmd->zone_action = action;
	cmd->offset = zone_offset;
}

/*
 * ZONE_APPEND: len <= urpt_info.max_zone_append bytes into the zone at
 * zone_offset; on success big_cqe[0] is where they landed
 * (urpt_cqe_append_offset()).
 */
static inline void urpt_prep_zone_append(struct io_uring_sqe *sqe, int fd,
					 const void *buf, uint32_t len,
					 uint64_t zone_offset)
{
	struct urpt_cmd *cmd = urpt_prep_cmd(sqe, fd, URPT_CMD_ZONE_APPEND);

	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->len = len;
	cmd->offset = zone_offset;
}

/*
 * After a urpt_prep_*(): add URPT_F_* flags to the command (ORed with
 * those already set). Which flags a command takes is in urpt.h.
 */
static inline void urpt_prep_set_flags(struct io_uring_sqe *sqe,
				       uint32_t flags)
{
	urpt_sqe_cmd(sqe)->flags |= flags;
}

/*
 * After a urpt_prep_*(): use the buffer registered (io_uring_register_buffers)
 * at buf_index; the command's addr/len must lie inside it. READ and WRITE
 * need URPT_FEAT_FIXED, READV and WRITEV URPT_FEAT_FIXED_VEC.
 */
static inline void urpt_prep_set_fixed(struct io_uring_sqe *sqe,
				       uint16_t buf_index)
{
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = buf_index;
}

/* Decoding the first extra CQE word (see URPT_RES2_* in urpt.h). */
static inline uint64_t urpt_cqe_res2(const struct io_uring_cqe *cqe)
{
	return cqe->big_cqe[0];
}

static inline unsigned int urpt_cqe_blk_status(const struct io_uring_cqe *cqe)
{
	return (urpt_cqe_res2(cqe) >> URPT_RES2_STATUS_SHIFT) &
	       URPT_RES2_STATUS_MASK;
}

static inline unsigned int urpt_cqe_bios(const struct io_uring_cqe *cqe)
{
	return (urpt_cqe_res2(cqe) >> URPT_RES2_BIOS_SHIFT) &
	       URPT_RES2_BIOS_MASK;
}

static inline uint64_t urpt_cqe_driver_ns(const struct io_uring_cqe *cqe)
{
	return (urpt_cqe_res2(cqe) >> URPT_RES2_NS_SHIFT) & URPT_RES2_NS_MASK;
}

/* What a completion said, decoded; filled by the synchronous helpers. */
struct urpt_result {
	int32_t res;		/* bytes or -errno */
	uint32_t blk_status;	/* blk_status_t, 0 is OK */
	uint32_t bios;		/* bios the driver submitted */
	uint64_t driver_ns;	/* time spent in the driver */
};

/*
 * A ZONE_APPEND that succeeded (res >= 0): the byte offset where its data
 * landed. Its big_cqe[0] has no URPT_RES2_* fields then.
 */
static inline uint64_t urpt_cqe_append_offset(const struct io_uring_cqe *cqe)
{
	return cqe->big_cqe[0];
}

static inline void urpt_cqe_decode(const struct io_uring_cqe *cqe,
				   struct urpt_result *r)
{
	r->res = cqe->res;
	r->blk_status = urpt_cqe_blk_status(cqe);
	r->bios = urpt_cqe_bios(cqe);
	r->driver_ns = urpt_cqe_driver_ns(cqe);
}

/* Name of a block-layer status ("BLK_STS_IOERR"...), never NULL. */
const char *urpt_blk_status_name(unsigned int blk_status);

/* Name of a URPT_CMD_* value ("read", "write"...), or "unknown". */
const char *urpt_cmd_name(uint32_t cmd_op);

/*
 * Explain a negative result of cmd_op in the words of urpt (the meaning
 * documented in urpt.h, e.g. -ENOSPC on READ is "range extends past the
 * end of the disk"), falling back to strerror(). Never NULL. Since 1.2
 * also what liburpt itself returns: -ENOTTY of urpt_dev_check() and
 * urpt_dev_open() ("not a urpt node"), -EPROTO of a short completion.
 */
const char *urpt_strerror(uint32_t cmd_op, int err);

/*
 * The same for a command sent in a particular way (URPT_CTX_*), where an
 * errno means something else: -EFAULT of a command on a registered buffer
 * is a bad buffer index or range, not a bad address. Never NULL.
 */
#define URPT_CTX_FIXED		(1U << 0)	/* IORING_URING_CMD_FIXED */
#define URPT_CTX_IOPOLL		(1U << 1)	/* ring with IORING_SETUP_IOPOLL */

const char *urpt_strerror_ctx(uint32_t cmd_op, unsigned int ctx, int err);

/*
 * Since liburpt 1.2: whether fd (opened in any mode, O_PATH too) is a urpt
 * data node /dev/urptN, a character device that sysfs lists in the class
 * urpt.ko registers: the last component of the link
 * /sys/dev/char/MAJ:MIN/subsystem is "urpt".
 * Returns 0 for a data node; -ENOTTY for anything else that is there: a
 * regular file, a directory, a pipe, a block device (attach it first), a
 * character device of another class, the control node /dev/urpt-control
 * (class "misc"); -errno of fstat() (-EBADF). -ENODEV for a character
 * device sysfs has no entry for, whose class therefore cannot be told:
 * sysfs is not mounted at /sys, or the node outlived its device (a node
 * kept open while its disk was detached, a stale node in a static /dev),
 * on which every urpt command would fail with -ENODEV anyway.
 */
int urpt_dev_check(int fd);

/*
 * Synchronous use, for simple tools: a node and its own small ring.
 * Every function returns >= 0 on success or -errno, and fills *r (may be
 * NULL) with the completion's details.
 *
 * Since liburpt 1.2, a success that moved fewer bytes than asked is
 * -EPROTO: urpt_info() of less than URPT_INFO_SIZE_V1 bytes, and the
 * read and write functions (urpt_read, urpt_write, urpt_read_flags,
 * urpt_write_flags, urpt_readv, urpt_writev) of less than len (or the
 * iovecs' total). urpt.ko never completes a command short, so the answer
 * came from something else (/dev/null completes every command with 0).
 * *r still holds what the completion said.
 */
struct urpt_dev {
	int fd;
	struct io_uring ring;
};

/*
 * open_flags: O_RDONLY or O_RDWR (plus O_CLOEXEC etc.). Since liburpt 1.2
 * the file must pass urpt_dev_check(): its error is returned otherwise,
 * the file closed again.
 */
int urpt_dev_open(struct urpt_dev *dev, const char *path, int open_flags);
void urpt_dev_close(struct urpt_dev *dev);

int urpt_info(struct urpt_dev *dev, struct urpt_info *info,
	      struct urpt_result *r);
int urpt_read(struct urpt_dev *dev, void *buf, uint32_t len, uint64_t offset,
	      struct urpt_result *r);
int urpt_write(struct urpt_dev *dev, const void *buf, uint32_t len,
	       uint64_t offset, struct urpt_result *r);
int urpt_flush(struct urpt_dev *dev, struct urpt_result *r);

/* Since liburpt 1.1. flags are URPT_F_* (see urpt.h for which apply). */
int urpt_read_flags(struct urpt_dev *dev, void *buf, uint32_t len,
		    uint64_t offset, uint32_t flags, struct urpt_result *r);
int urpt_write_flags(struct urpt_dev *dev, const void *buf, uint32_t len,
		     uint64_t offset, uint32_t flags, struct urpt_result *r);
int urpt_readv(struct urpt_dev *dev, const struct iovec *iov, unsigned int nr,
	       uint64_t offset, uint32_t flags, struct urpt_result *r);
int urpt_writev(struct urpt_dev *dev, const struct iovec *iov,
		unsigned int nr, uint64_t offset, uint32_t flags,
		struct urpt_result *r);
int urpt_discard(struct urpt_dev *dev, uint32_t len, uint64_t offset,
		 struct urpt_result *r);
int urpt_write_zeroes(struct urpt_dev *dev, uint32_t len, uint64_t offset,
		      uint32_t flags, struct urpt_result *r);

/*
 * Since liburpt 1.3, on zoned disks. urpt_report_zones() returns the
 * number of zones written to zones; urpt_zone_append() len, with where
 * the data landed in *landed (its *r then has no status, bios or time:
 * the CQE's word carries the offset instead).
 */
int urpt_report_zones(struct urpt_dev *dev, struct urpt_zone *zones,
		      unsigned int nr, uint64_t offset, struct urpt_result *r);
int urpt_zone_mgmt(struct urpt_dev *dev, uint32_t action, uint64_t zone_offset,
		   struct urpt_result *r);
int urpt_zone_append(struct urpt_dev *dev, const void *buf, uint32_t len,
		     uint64_t zone_offset, uint32_t flags, uint64_t *landed,
		     struct urpt_result *r);

/* Control node (/dev/urpt-control). Return 0 or -errno. */
int urpt_ctl_attach(const char *path, uint32_t flags, uint32_t *index);
int urpt_ctl_detach(uint32_t index);
/*
 * Fill up to room entries; return the number of attached disks (which may
 * exceed room) or -errno.
 */
int urpt_ctl_list(struct urpt_ctl_entry *entries, uint32_t room);

/*
 * The same on a control node opened once with urpt_ctl_open() (which
 * returns the fd or -errno), so that opening it and using it fail apart.
 */
#define URPT_CONTROL_PATH	"/dev/" URPT_CONTROL_NAME

int urpt_ctl_open(void);
int urpt_ctl_attach_fd(int ctl_fd, const char *path, uint32_t flags,
		       uint32_t *index);
int urpt_ctl_detach_fd(int ctl_fd, uint32_t index);
int urpt_ctl_list_fd(int ctl_fd, struct urpt_ctl_entry *entries,
		     uint32_t room);

#ifdef __cplusplus
}
#endif

#endif /* LIBURPT_H */
