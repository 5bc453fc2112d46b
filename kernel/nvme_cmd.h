/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NVMe personality of /dev/urptN (docs/nvme.md): what its entry points
 * (nvme.c), Identify (nvme_id.c) and the I/O commands (nvme_io.c) share.
 */
#ifndef URPT_NVME_CMD_H
#define URPT_NVME_CMD_H

#include <linux/bits.h>
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

/* nvme_id.c */
int urpt_nvme_identify(struct urpt_dev *udev, const struct urpt_nvme_cmd *c,
		       struct iov_iter *iter);

/* nvme_io.c */
int urpt_nvme_io(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		 const struct urpt_nvme_cmd *c, unsigned int issue_flags);

#endif /* URPT_NVME_CMD_H */
