/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NVMe personality of /dev/urptN (docs/nvme.md): what its entry points
 * (nvme.c), Identify (nvme_id.c), the I/O commands (nvme_io.c) and a
 * zoned disk's Zoned Namespace commands (nvme_zns.c) share.
 */
#ifndef URPT_NVME_CMD_H
#define URPT_NVME_CMD_H

#include <linux/bits.h>
#include <linux/log2.h>
#include <linux/nvme.h>
#include <linux/nvme_ioctl.h>
#include "urpt.h"

/* The one namespace, as NVME_IOCTL_ID reports it. */
#define URPT_NVME_NSID		1

/* A completion's status field: Status Code Type << 8 | Status Code, DNR. */
#define URPT_NVME_DNR		0x4000
#define URPT_NVME_ERR(sc)	((sc) | URPT_NVME_DNR)

#define URPT_NVME_ID_SIZE	4096	/* every Identify data structure */
#define URPT_NVME_MPS_SHIFT	12	/* CAP.MPSMIN, 4 KiB: the unit of MDTS */
#define URPT_NVME_FIRMWARE	"urpt-0.1"	/* MODULE_VERSION in main.c */

/* Command Dword 12 of Read, Write and Write Zeroes. */
#define URPT_NVME_NLB		GENMASK(15, 0)	/* blocks, 0's based */
#define URPT_NVME_DEAC		BIT(25)		/* Write Zeroes: may deallocate */
#define URPT_NVME_FUA		BIT(30)
#define URPT_NVME_LR		BIT(31)		/* limited retry: a hint */

/* Dataset Management: Command Dword 10 and 11. */
#define URPT_NVME_DSM_NR	GENMASK(7, 0)	/* ranges, 0's based */
#define URPT_NVME_DSM_ATTRS	(NVME_DSMGMT_IDR | NVME_DSMGMT_IDW | \
				 NVME_DSMGMT_AD)
#define URPT_NVME_DSM_MAX	256

/*
 * A command fetched once, from struct nvme_passthru_cmd(64) or struct
 * nvme_uring_cmd: nothing reads the caller's copy afterwards. The fields
 * the nvme driver ignores (rsvd1, timeout_ms, rsvd2) are not kept.
 */
struct urpt_nvme_cmd {
	u8	opcode;
	u8	flags;
	bool	vectored;	/* data_len counts iovecs at addr */
	u32	nsid;
	u32	cdw2;
	u32	cdw3;
	u64	metadata;
	u64	addr;
	u32	metadata_len;
	u32	data_len;
	u32	cdw10;
	u32	cdw11;
	u32	cdw12;
	u32	cdw13;
	u32	cdw14;
	u32	cdw15;
};

static inline unsigned int urpt_nvme_shift(struct block_device *bdev)
{
	return ilog2(bdev_logical_block_size(bdev));
}

/* Command Dwords 10 and 11 of the commands that take a starting LBA. */
static inline u64 urpt_nvme_slba(const struct urpt_nvme_cmd *c)
{
	return (u64)c->cdw11 << 32 | c->cdw10;
}

/*
 * ZASL, the Zone Append Size Limit of a zoned disk: a power of two of
 * 4 KiB units, at least 1 (0 would mean MDTS, far more than any disk
 * appends); and the longest Zone Append, what it stands for: the longest
 * the disk takes (append.c, not a power of two) rounded down, or 0, no
 * Zone Append, on the rare disk that takes less than 8 KiB.
 */
static inline u8 urpt_nvme_zasl(struct block_device *bdev)
{
	u32 units = urpt_append_max(bdev) >> URPT_NVME_MPS_SHIFT;

	return units > 1 ? ilog2(units) : 1;
}

static inline u32 urpt_nvme_append_max(struct block_device *bdev)
{
	u32 units = urpt_append_max(bdev) >> URPT_NVME_MPS_SHIFT;

	if (units < 2)
		return 0;
	return 1U << (ilog2(units) + URPT_NVME_MPS_SHIFT);
}

/*
 * A write of @len bytes at @offset within one zone of a zoned disk (ZNS
 * fails one across a boundary; reads may cross, as OZCS.RAZB says).
 */
static inline int urpt_nvme_zns_check_write(struct block_device *bdev,
					    u64 offset, u64 len)
{
	u64 mask;

	if (!bdev_is_zoned(bdev))
		return 0;
	mask = ~(urpt_zone_bytes(bdev) - 1);
	if ((offset & mask) != ((offset + len - 1) & mask))
		return URPT_NVME_ERR(NVME_SC_ZONE_BOUNDARY_ERROR);
	return 0;
}

/* nvme_id.c */
int urpt_nvme_identify(struct urpt_dev *udev, const struct urpt_nvme_cmd *c,
		       struct iov_iter *iter);

static inline bool urpt_nvme_zns_opcode(u8 opcode)
{
	return opcode == nvme_cmd_zone_mgmt_send ||
	       opcode == nvme_cmd_zone_mgmt_recv ||
	       opcode == nvme_cmd_zone_append;
}

/* nvme_zns.c: on a zoned disk (@result: Zone Append's, for an ioctl) */
int urpt_nvme_zns_io(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		     const struct urpt_nvme_cmd *c, u64 *result,
		     unsigned int issue_flags);

/* nvme_io.c: the NVM command set, and what the ZNS commands share of it */
int urpt_nvme_io(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		 const struct urpt_nvme_cmd *c, unsigned int issue_flags);
int urpt_nvme_status(blk_status_t status, bool write, u8 zone);
int urpt_nvme_submit(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		     struct urpt_build *b, u64 *result, unsigned int issue_flags);
int urpt_nvme_may_write(struct urpt_dev *udev);
int urpt_nvme_errno(int ret);
int urpt_nvme_check_lba(struct block_device *bdev, u64 slba, u64 nlb);

#endif /* URPT_NVME_CMD_H */
