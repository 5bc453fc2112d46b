// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/urpt-control: attach, detach and list backing disks.
 */
#include <linux/miscdevice.h>
#include <linux/capability.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <linux/slab.h>
#include "urpt.h"

static bool urpt_rsvd_zero(const __u64 *rsvd, size_t n)
{
	while (n--)
		if (rsvd[n])
			return false;
	return true;
}

static long urpt_ctl_attach(struct urpt_ctl_attach __user *uarg)
{
	struct urpt_ctl_attach arg;
	char *path;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!urpt_rsvd_zero(arg.rsvd, ARRAY_SIZE(arg.rsvd)))
		return -EINVAL;

	path = strndup_user(u64_to_user_ptr(arg.path), PATH_MAX);
	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = urpt_attach(path, arg.flags, &arg.index);
	kfree(path);
	if (ret)
		return ret;

	if (put_user(arg.index, &uarg->index)) {
		/* The caller cannot learn the index: do not leave it behind. */
		urpt_detach(arg.index);
		return -EFAULT;
	}
	return 0;
}

static long urpt_ctl_detach(struct urpt_ctl_detach __user *uarg)
{
	struct urpt_ctl_detach arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || !urpt_rsvd_zero(arg.rsvd, ARRAY_SIZE(arg.rsvd)))
		return -EINVAL;
	return urpt_detach(arg.index);
}

static long urpt_ctl_list(struct urpt_ctl_list __user *uarg)
{
	struct urpt_ctl_list arg;
	u32 count;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.rsvd0 || !urpt_rsvd_zero(arg.rsvd, ARRAY_SIZE(arg.rsvd)))
		return -EINVAL;

	ret = urpt_list(u64_to_user_ptr(arg.entries), arg.count, &count);
	if (ret)
		return ret;
	return put_user(count, &uarg->count);
}

static long urpt_ctl_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case URPT_CTL_ATTACH:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return urpt_ctl_attach(argp);
	case URPT_CTL_DETACH:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return urpt_ctl_detach(argp);
	case URPT_CTL_LIST:
		return urpt_ctl_list(argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations urpt_ctl_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= urpt_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice urpt_ctl_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= URPT_CONTROL_NAME,
	.fops	= &urpt_ctl_fops,
	.mode	= 0600,
};

int urpt_ctl_init(void)
{
	return misc_register(&urpt_ctl_misc);
}

void urpt_ctl_exit(void)
{
	misc_deregister(&urpt_ctl_misc);
}
