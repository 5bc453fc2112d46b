/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe passthrough on a node (/dev/urptN's NVMe personality, /dev/ngXnY,
 * /dev/nvmeXnY) through libnvme: Identify over the admin ioctl, I/O over
 * io_uring (NVME_URING_CMD_IO) or the I/O ioctl. Every function returns
 * what an NVMe passthrough returns: 0, a positive NVMe status, or -errno.
 */
#ifndef URPT_CLI_NVME_DEV_H
#define URPT_CLI_NVME_DEV_H

#include <stdint.h>
#include <nvme/types.h>
#include "nvme_build.h"

int cli_nvme_get_nsid(int fd, uint32_t *nsid);
int cli_nvme_id_ctrl(int fd, struct nvme_id_ctrl *id);
int cli_nvme_id_ns(int fd, uint32_t nsid, struct nvme_id_ns *ns);
/* The same through io_uring: NVME_URING_CMD_ADMIN. */
int cli_nvme_id_ctrl_uring(int fd, struct nvme_id_ctrl *id);
int cli_nvme_id_ns_uring(int fd, uint32_t nsid, struct nvme_id_ns *ns);

/* One command on a ring of its own (SQE128, CQE32); *result = dw0. */
int cli_nvme_uring_cmd(int fd, uint32_t cmd_op,
		       const struct nvme_uring_cmd *cmd, uint32_t *result);
int cli_nvme_ioctl_io(int fd, struct nvme_passthru_cmd *cmd,
		      uint32_t *result);

/*
 * The NVMe identity of the disk behind a urpt node (urpt info): found
 * is false when the disk is no NVMe namespace (nothing else is then
 * set). ns_dev is the namespace's block device (/dev/nvme0n1), also for
 * a partition of it; res is that of the first Identify that failed.
 */
struct cli_nvme_identity {
	bool found;
	char disk[64];		/* the backing disk, "nvme0n1p2" */
	char ns_dev[80];	/* "/dev/nvme0n1" */
	uint32_t nsid;
	int res;		/* 0, NVMe status or -errno */
	const char *failed;	/* what failed: "open", "identify controller"... */
	struct nvme_id_ctrl ctrl;
	struct nvme_id_ns ns;
};

/*
 * Fill id for the urpt node open at fd; disk_name is the disk its INFO
 * named, used when sysfs has no backing attribute.
 */
void cli_nvme_identity(int fd, const char *disk_name,
		       struct cli_nvme_identity *id);

#endif
