// SPDX-License-Identifier: GPL-2.0
/* NVMe passthrough through libnvme and io_uring. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <nvme/ioctl.h>
#include "nvme_dev.h"
#include "nvme_sysfs.h"

/* libnvme returns -1 with errno set, or the NVMe status. */
static int nvme_ret(int ret)
{
	if (ret < 0)
		return errno ? -errno : -EIO;
	return ret;
}

int cli_nvme_get_nsid(int fd, uint32_t *nsid)
{
	errno = 0;
	if (nvme_get_nsid(fd, nsid) < 0)
		return errno ? -errno : -EIO;
	/* NVME_IOCTL_ID of a controller node answers 0: no namespace. */
	return *nsid ? 0 : -ENOTTY;
}

int cli_nvme_id_ctrl(int fd, struct nvme_id_ctrl *id)
{
	memset(id, 0, sizeof(*id));
	errno = 0;
	return nvme_ret(nvme_identify_ctrl(fd, id));
}

int cli_nvme_id_ns(int fd, uint32_t nsid, struct nvme_id_ns *ns)
{
	memset(ns, 0, sizeof(*ns));
	errno = 0;
	return nvme_ret(nvme_identify_ns(fd, nsid, ns));
}

int cli_nvme_uring_cmd(int fd, uint32_t cmd_op,
		       const struct nvme_uring_cmd *cmd, uint32_t *result)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int ret;

	*result = 0;
	ret = io_uring_queue_init(4, &ring,
				  IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	if (ret < 0)
		return ret;
	sqe = io_uring_get_sqe(&ring);
	cli_nvme_prep_sqe(sqe, fd, cmd_op, cmd);
	ret = io_uring_submit(&ring);
	if (ret >= 0) {
		do {
			ret = io_uring_wait_cqe(&ring, &cqe);
		} while (ret == -EINTR);
	}
	if (ret >= 0) {
		ret = cqe->res;
		*result = (uint32_t)cqe->big_cqe[0];
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return ret;
}

int cli_nvme_id_ctrl_uring(int fd, struct nvme_id_ctrl *id)
{
	struct nvme_uring_cmd cmd;
	uint32_t result;

	memset(id, 0, sizeof(*id));
	cli_nvme_build_identify(NVME_IDENTIFY_CNS_CTRL, 0, id, &cmd);
	return cli_nvme_uring_cmd(fd, NVME_URING_CMD_ADMIN, &cmd, &result);
}

int cli_nvme_id_ns_uring(int fd, uint32_t nsid, struct nvme_id_ns *ns)
{
	struct nvme_uring_cmd cmd;
	uint32_t result;

	memset(ns, 0, sizeof(*ns));
	cli_nvme_build_identify(NVME_IDENTIFY_CNS_NS, nsid, ns, &cmd);
	return cli_nvme_uring_cmd(fd, NVME_URING_CMD_ADMIN, &cmd, &result);
}

int cli_nvme_ioctl_io(int fd, struct nvme_passthru_cmd *cmd,
		      uint32_t *result)
{
	*result = 0;
	errno = 0;
	return nvme_ret(nvme_submit_io_passthru(fd, cmd, result));
}

/* The disk behind the node: sysfs "backing", else what INFO said. */
static void backing_disk(int fd, const char *disk_name, char *disk,
			 size_t size)
{
	struct stat st;

	if (!fstat(fd, &st) && S_ISCHR(st.st_mode) &&
	    !cli_urpt_backing(CLI_SYSFS_ROOT, major(st.st_rdev),
			      minor(st.st_rdev), disk, size))
		return;
	snprintf(disk, size, "%s", disk_name);
}

void cli_nvme_identity(int fd, const char *disk_name,
		       struct cli_nvme_identity *id)
{
	char ns[32];
	int ns_fd;

	memset(id, 0, sizeof(*id));
	backing_disk(fd, disk_name, id->disk, sizeof(id->disk));
	if (cli_nvme_disk_namespace(CLI_SYSFS_ROOT, id->disk, ns,
				    sizeof(ns)) != 1)
		return;
	id->found = true;
	snprintf(id->ns_dev, sizeof(id->ns_dev), "/dev/%s", ns);
	ns_fd = open(id->ns_dev, O_RDONLY | O_CLOEXEC);
	if (ns_fd < 0) {
		id->res = -errno;
		id->failed = "open";
		return;
	}
	id->res = cli_nvme_get_nsid(ns_fd, &id->nsid);
	if (id->res) {
		id->failed = "NVME_IOCTL_ID";
	} else {
		id->res = cli_nvme_id_ctrl(ns_fd, &id->ctrl);
		if (id->res) {
			id->failed = "identify controller";
		} else {
			id->res = cli_nvme_id_ns(ns_fd, id->nsid, &id->ns);
			if (id->res)
				id->failed = "identify namespace";
		}
	}
	close(ns_fd);
}
