// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe personality's entry points on /dev/urptN: the ioctls of
 * linux/nvme_ioctl.h and the NVME_URING_CMD_* uring commands, so that
 * tools written for an NVMe generic char device (/dev/ngXnY) work on any
 * disk. A command is fetched once and checked where the nvme driver checks
 * passthrough (flags, nsid, permissions, metadata; only permissions are an
 * errno here, the rest an NVMe status as a controller would answer);
 * nvme_id.c (Identify), nvme_io.c (the I/O commands) and nvme_zns.c (the
 * Zoned Namespace's) check the rest.
 * See docs/nvme.md.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include "nvme_cmd.h"

/*
 * nvme_cmd_allowed() of 6.2 and later: CAP_SYS_ADMIN may send anything.
 * Others may send the Identify commands that describe the namespace and
 * the controller, and the I/O commands this device supports: Read and
 * Zone Management Receive on a node open for reading; Write, Write
 * Zeroes, Dataset Management, Zone Management Send and Zone Append on a
 * node open for writing; Flush on any. Everything else is -EACCES.
 */
static bool urpt_nvme_allowed(const struct urpt_nvme_cmd *c, bool admin,
			      fmode_t mode)
{
	if (capable(CAP_SYS_ADMIN))
		return true;
	if (admin) {
		if (c->opcode != nvme_admin_identify)
			return false;
		switch (c->cdw10 & 0xff) {
		case NVME_ID_CNS_NS:
		case NVME_ID_CNS_CS_NS:
		case NVME_ID_CNS_NS_CS_INDEP:
		case NVME_ID_CNS_CS_CTRL:
		case NVME_ID_CNS_CTRL:
			return true;
		}
		return false;
	}
	switch (c->opcode) {
	case nvme_cmd_read:
	case nvme_cmd_zone_mgmt_recv:
		return mode & FMODE_READ;
	case nvme_cmd_flush:
		return true;
	case nvme_cmd_write:
	case nvme_cmd_write_zeroes:
	case nvme_cmd_dsm:
	case nvme_cmd_zone_mgmt_send:
	case nvme_cmd_zone_append:
		return mode & FMODE_WRITE;
	}
	return false;
}

/* Admin commands: Identify is synthesized, the others do not exist. */
static int urpt_nvme_admin(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			   const struct urpt_nvme_cmd *c,
			   unsigned int issue_flags)
{
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	struct iov_iter iter;
	int ret;

	if (c->opcode != nvme_admin_identify)
		return URPT_NVME_ERR(NVME_SC_INVALID_OPCODE);
	ret = urpt_import(ioucmd, c->addr, c->data_len, c->vectored, READ,
			  &iov, &iter, issue_flags);
	if (ret)
		return ret;
	ret = urpt_nvme_identify(udev, c, &iter);
	kfree(iov);
	return ret;
}

/*
 * 0, a positive NVMe status or -errno, or -EIOCBQUEUED when an I/O
 * command went to the disk (@ioucmd completes later; without @ioucmd the
 * command ran synchronously, and @result is its completion's dw0-1).
 */
static int urpt_nvme_exec(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			  const struct urpt_nvme_cmd *c, bool admin,
			  fmode_t mode, u64 *result, unsigned int issue_flags)
{
	int ret;

	/*
	 * The nvme driver refuses these with -EINVAL before its controller
	 * sees them; here the controller is urpt, and it answers as an NVMe
	 * controller would: a fused command or an SGL/PRP choice (flags) and
	 * a metadata buffer (the namespace has none) are Invalid Field, a
	 * namespace other than 1 Invalid Namespace.
	 */
	if (c->flags)
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	if (!admin && c->nsid != URPT_NVME_NSID)
		return URPT_NVME_ERR(NVME_SC_INVALID_NS);
	if (!urpt_nvme_allowed(c, admin, mode))
		return -EACCES;
	if (c->metadata && c->metadata_len)
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);

	/* Holds the disk until the command is off it (released in req.c). */
	if (!urpt_dev_get(udev))
		return -ENODEV;
	if (admin)
		ret = urpt_nvme_admin(udev, ioucmd, c, issue_flags);
	else if (urpt_nvme_zns_opcode(c->opcode))
		ret = urpt_nvme_zns_io(udev, ioucmd, c, result, issue_flags);
	else
		ret = urpt_nvme_io(udev, ioucmd, c, issue_flags);
	if (ret != -EIOCBQUEUED)
		urpt_dev_put(udev);
	return ret;
}

/* A user pointer of an ioctl: a 32-bit caller's upper bits mean nothing. */
static u64 urpt_nvme_uptr(u64 addr)
{
	if (in_compat_syscall())
		addr = (compat_uptr_t)addr;
	return addr;
}

/*
 * An ioctl's command: struct nvme_passthru_cmd is struct
 * nvme_passthru_cmd64 up to timeout_ms, so both are read into the latter
 * (@size bytes of it) and the result is written back at its own offset.
 */
static int urpt_nvme_ioctl_cmd(struct file *file, void __user *ucmd,
			       size_t size, bool admin, bool vectored)
{
	struct nvme_passthru_cmd64 cmd;
	struct urpt_nvme_cmd c = { .vectored = vectored };
	u64 result = 0;
	int ret;

	BUILD_BUG_ON(offsetof(struct nvme_passthru_cmd, timeout_ms) !=
		     offsetof(struct nvme_passthru_cmd64, timeout_ms));
	BUILD_BUG_ON(offsetof(struct nvme_passthru_cmd, data_len) !=
		     offsetof(struct nvme_passthru_cmd64, data_len));
	if (copy_from_user(&cmd, ucmd, size))
		return -EFAULT;
	c.opcode = cmd.opcode;
	c.flags = cmd.flags;
	c.nsid = cmd.nsid;
	c.cdw2 = cmd.cdw2;
	c.cdw3 = cmd.cdw3;
	c.metadata = urpt_nvme_uptr(cmd.metadata);
	c.addr = urpt_nvme_uptr(cmd.addr);
	c.metadata_len = cmd.metadata_len;
	c.data_len = cmd.data_len;
	c.cdw10 = cmd.cdw10;
	c.cdw11 = cmd.cdw11;
	c.cdw12 = cmd.cdw12;
	c.cdw13 = cmd.cdw13;
	c.cdw14 = cmd.cdw14;
	c.cdw15 = cmd.cdw15;

	ret = urpt_nvme_exec(file->private_data, NULL, &c, admin, file->f_mode,
			     &result, 0);
	/* struct nvme_passthru_cmd has room for dw0 only, as on /dev/ngXnY. */
	if (ret >= 0) {
		if (size == sizeof(struct nvme_passthru_cmd) ?
		    put_user((u32)result,
			     &((struct nvme_passthru_cmd __user *)ucmd)->result) :
		    put_user(result,
			     &((struct nvme_passthru_cmd64 __user *)ucmd)->result))
			return -EFAULT;
	}
	return ret;
}

long urpt_nvme_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case NVME_IOCTL_ID:
		return URPT_NVME_NSID;
	case NVME_IOCTL_ADMIN_CMD:
	case NVME_IOCTL_IO_CMD:
		return urpt_nvme_ioctl_cmd(file, argp,
					   sizeof(struct nvme_passthru_cmd),
					   cmd == NVME_IOCTL_ADMIN_CMD, false);
	case NVME_IOCTL_ADMIN64_CMD:
	case NVME_IOCTL_IO64_CMD:
	case NVME_IOCTL_IO64_CMD_VEC:
		return urpt_nvme_ioctl_cmd(file, argp,
					   sizeof(struct nvme_passthru_cmd64),
					   cmd == NVME_IOCTL_ADMIN64_CMD,
					   cmd == NVME_IOCTL_IO64_CMD_VEC);
	}
	return -ENOTTY;
}

/*
 * NVME_URING_CMD_*: struct nvme_uring_cmd in the SQE's 80-byte area (the
 * caller checked for SQE128 and CQE32). On success res is 0 and big_cqe[0]
 * the result dw0-1 (a Zone Append's LBA, else 0), as on /dev/ngXnY; an
 * NVMe status is a positive res.
 */
int urpt_nvme_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	const struct nvme_uring_cmd *sqe =
		(const struct nvme_uring_cmd *)urpt_sqe_cmd(ioucmd);
	u32 op = ioucmd->cmd_op;
	struct urpt_nvme_cmd c = {
		.vectored = op == NVME_URING_CMD_IO_VEC ||
			    op == NVME_URING_CMD_ADMIN_VEC,
	};

	BUILD_BUG_ON(sizeof(struct nvme_uring_cmd) > URPT_CMD_SIZE);
	BUILD_BUG_ON(sizeof(struct nvme_uring_cmd) != 72);
	BUILD_BUG_ON(sizeof(struct nvme_passthru_cmd) != 72);
	BUILD_BUG_ON(sizeof(struct nvme_passthru_cmd64) != 80);

	/* The SQE is shared with user space: read each field once. */
	c.opcode = READ_ONCE(sqe->opcode);
	c.flags = READ_ONCE(sqe->flags);
	c.nsid = READ_ONCE(sqe->nsid);
	c.cdw2 = READ_ONCE(sqe->cdw2);
	c.cdw3 = READ_ONCE(sqe->cdw3);
	c.metadata = READ_ONCE(sqe->metadata);
	c.addr = READ_ONCE(sqe->addr);
	c.metadata_len = READ_ONCE(sqe->metadata_len);
	c.data_len = READ_ONCE(sqe->data_len);
	c.cdw10 = READ_ONCE(sqe->cdw10);
	c.cdw11 = READ_ONCE(sqe->cdw11);
	c.cdw12 = READ_ONCE(sqe->cdw12);
	c.cdw13 = READ_ONCE(sqe->cdw13);
	c.cdw14 = READ_ONCE(sqe->cdw14);
	c.cdw15 = READ_ONCE(sqe->cdw15);

	return urpt_nvme_exec(ioucmd->file->private_data, ioucmd, &c,
			      op == NVME_URING_CMD_ADMIN ||
			      op == NVME_URING_CMD_ADMIN_VEC,
			      ioucmd->file->f_mode, NULL, issue_flags);
}
