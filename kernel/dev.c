// SPDX-License-Identifier: GPL-2.0
/*
 * Attached disks: the /dev/urptN nodes, their sysfs directories and the
 * lifetime of the backing block device.
 *
 * ATTACH opens the disk and publishes the node. DETACH unpublishes it,
 * refuses new commands (-ENODEV), waits for the commands already on the
 * disk and releases the disk; the urpt_dev itself lives on until the last
 * open file of the node is closed. A disk that goes away while attached
 * (del_gendisk(), blk_mark_disk_dead()) makes new commands fail with
 * -ENODEV too; it is released at DETACH.
 */
#include <linux/file.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/xarray.h>
#include <linux/slab.h>
#include "urpt.h"

static dev_t urpt_devt;
static DEFINE_IDA(urpt_ida);
/* index -> attached urpt_dev; also serializes attach, detach and list */
static DEFINE_XARRAY(urpt_devs);
static DEFINE_MUTEX(urpt_devs_lock);
/* releases detached disks once their last command is off them */
static struct workqueue_struct *urpt_release_wq;

static ssize_t backing_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct urpt_dev *udev = container_of(dev, struct urpt_dev, dev);

	return sysfs_emit(buf, "%s\n", udev->disk_name);
}
static DEVICE_ATTR_RO(backing);

static ssize_t read_only_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct urpt_dev *udev = container_of(dev, struct urpt_dev, dev);

	return sysfs_emit(buf, "%d\n",
			  !!(udev->attach_flags & URPT_ATTACH_READ_ONLY));
}
static DEVICE_ATTR_RO(read_only);

static ssize_t exclusive_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct urpt_dev *udev = container_of(dev, struct urpt_dev, dev);

	return sysfs_emit(buf, "%d\n",
			  !(udev->attach_flags & URPT_ATTACH_SHARED));
}
static DEVICE_ATTR_RO(exclusive);

static struct attribute *urpt_dev_attrs[] = {
	&dev_attr_backing.attr,
	&dev_attr_read_only.attr,
	&dev_attr_exclusive.attr,
	NULL,
};
ATTRIBUTE_GROUPS(urpt_dev);

static struct class urpt_class = {
	.name		= "urpt",
	.dev_groups	= urpt_dev_groups,
};

static int urpt_open(struct inode *inode, struct file *file)
{
	struct urpt_dev *udev = container_of(inode->i_cdev, struct urpt_dev,
					     cdev);

	/* Detached, or the disk is going away. */
	if (!urpt_dev_get(udev))
		return -ENODEV;
	urpt_dev_put(udev);
	if ((file->f_mode & FMODE_WRITE) && !udev->writable)
		return -EROFS;
	/* Every command bypasses the page cache: O_DIRECT is the truth. */
	file->f_mode |= FMODE_CAN_ODIRECT;
	file->private_data = udev;
	return 0;
}

static int urpt_release(struct inode *inode, struct file *file)
{
	return 0;
}

#define URPT_RING_FLAGS	(IO_URING_F_SQE128 | IO_URING_F_CQE32)

/*
 * The node's uring commands: the native ones (cmd.c) and the NVMe
 * personality's (nvme.c, its own cmd_op numbers) share it. Both need the
 * 80-byte command area and the big CQE, and take no uring_cmd flag but
 * IORING_URING_CMD_FIXED (not 7.x's MULTISHOT, nor what comes next).
 */
static int urpt_dev_uring_cmd(struct io_uring_cmd *ioucmd,
			      unsigned int issue_flags)
{
	int ret;

	if ((issue_flags & URPT_RING_FLAGS) != URPT_RING_FLAGS)
		ret = -EOPNOTSUPP;
	else if (ioucmd->flags & IORING_URING_CMD_MASK &
		 ~IORING_URING_CMD_FIXED)
		ret = -EINVAL;
	else if (urpt_nvme_cmd_op(ioucmd->cmd_op))
		ret = urpt_nvme_uring_cmd(ioucmd, issue_flags);
	else
		ret = urpt_cmd_uring_cmd(ioucmd, issue_flags);
	if (ret == -EAGAIN)
		urpt_cmd_keep_sqe(ioucmd);
	return urpt_req_answer(ioucmd, ret, issue_flags);
}

static const struct file_operations urpt_fops = {
	.owner		= THIS_MODULE,
	.open		= urpt_open,
	.release	= urpt_release,
	.uring_cmd	= urpt_dev_uring_cmd,
	.uring_cmd_iopoll = urpt_uring_cmd_iopoll,
	/* the NVMe personality's ioctls (nvme.c) */
	.unlocked_ioctl	= urpt_nvme_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* The last command on the disk after DETACH killed the ref: any context. */
static void urpt_dev_drained(struct percpu_ref *ref)
{
	struct urpt_dev *udev = container_of(ref, struct urpt_dev, ref);

	queue_work(urpt_release_wq, &udev->release_work);
}

/* Nothing is on the disk any more: give it back. */
static void urpt_dev_release_disk(struct work_struct *work)
{
	struct urpt_dev *udev = container_of(work, struct urpt_dev,
					     release_work);

	/*
	 * A poller may still be in bio_poll() on the bio of a command that
	 * has ended, under rcu_read_lock() (req.c): the disk and its queue
	 * must outlive it.
	 */
	synchronize_rcu();
	dev_info(&udev->dev, "detached %s\n", udev->disk_name);
	udev->bdev = NULL;
	urpt_bdev_close(&udev->handle);
	/*
	 * In a worker the last fput() of the disk's file (6.8 and later) is
	 * left to the delayed_fput work: run it, so that the disk is closed
	 * when DETACH returns, and a driver removing it (an NVMe controller)
	 * gets everything back, its instance number among them, at once.
	 */
	flush_delayed_fput();
	/*
	 * Every resend held the reference that drained: at most a worker is
	 * still returning from submit_bio(). Gone with the index, so that a
	 * disk attached at it next has the queue's name to itself.
	 */
	destroy_workqueue(udev->resend_wq);
	udev->resend_wq = NULL;
	ida_free(&urpt_ida, udev->index);
	complete_all(&udev->released);
	/* The reference of the attachment; open files may hold others. */
	put_device(&udev->dev);
}

#ifdef URPT_HAVE_BDEV_FILE_OPEN
/*
 * The disk is going away (holder ops, 6.5 and later): new commands fail
 * with -ENODEV, those on the disk end as the block layer ends them. 6.8
 * and later call it with bd_holder_lock held, for the callee to drop;
 * only note it here.
 */
static void urpt_holder_mark_dead(struct block_device *bdev, bool surprise)
	__releases(&bdev->bd_holder_lock)
{
	struct urpt_dev *udev = bdev->bd_holder;

	/* Before the unlock: a DETACH may release the disk and @udev after it. */
	WRITE_ONCE(udev->dead, true);
	dev_info(&udev->dev, "%s is going away: commands fail until DETACH\n",
		 udev->disk_name);
	mutex_unlock(&bdev->bd_holder_lock);
}

static const struct blk_holder_ops urpt_holder_ops = {
	.mark_dead	= urpt_holder_mark_dead,
};

#define URPT_HOLDER_OPS	(&urpt_holder_ops)
#else
#define URPT_HOLDER_OPS	NULL
#endif

/* The last reference to the node is gone: nothing can reach udev. */
static void urpt_dev_release(struct device *dev)
{
	struct urpt_dev *udev = container_of(dev, struct urpt_dev, dev);

	/* Still there only if the attach failed. */
	if (udev->resend_wq)
		destroy_workqueue(udev->resend_wq);
	percpu_ref_exit(&udev->ref);
	kfree(udev);
}

/*
 * The node's struct device exists (initialized, named) before the disk is
 * opened: the holder ops may log through it as soon as the disk is ours.
 * From device_initialize() on, put_device() frees everything.
 */
static struct urpt_dev *urpt_dev_alloc(u32 flags)
{
	struct urpt_dev *udev;
	int ret;

	udev = kzalloc(sizeof(*udev), GFP_KERNEL);
	if (!udev)
		return ERR_PTR(-ENOMEM);
	ret = percpu_ref_init(&udev->ref, urpt_dev_drained, 0, GFP_KERNEL);
	if (ret) {
		kfree(udev);
		return ERR_PTR(ret);
	}
	INIT_WORK(&udev->release_work, urpt_dev_release_disk);
	init_completion(&udev->released);
	udev->attach_flags = flags;
	udev->writable = !(flags & URPT_ATTACH_READ_ONLY);
	device_initialize(&udev->dev);
	udev->dev.class = &urpt_class;
	udev->dev.release = urpt_dev_release;

	ret = ida_alloc_max(&urpt_ida, URPT_MAX_DEVS - 1, GFP_KERNEL);
	if (ret < 0) {
		put_device(&udev->dev);
		return ERR_PTR(ret);
	}
	udev->index = ret;
	/* Its bios may be what reclaim waits for (a block server over urpt). */
	udev->resend_wq = alloc_workqueue("urpt%u_resend",
					  WQ_UNBOUND | WQ_MEM_RECLAIM, 0,
					  udev->index);
	if (!udev->resend_wq) {
		ret = -ENOMEM;
		goto out_free_index;
	}
	udev->dev.devt = MKDEV(MAJOR(urpt_devt), udev->index);
	ret = dev_set_name(&udev->dev, "urpt%u", udev->index);
	if (ret)
		goto out_free_index;
	return udev;

out_free_index:
	ida_free(&urpt_ida, udev->index);
	put_device(&udev->dev);
	return ERR_PTR(ret);
}

int urpt_attach(const char *path, u32 flags, u32 *index)
{
	struct urpt_dev *udev;
	int ret;

	if (flags & ~URPT_ATTACH_FLAGS_ALL)
		return -EINVAL;
	udev = urpt_dev_alloc(flags);
	if (IS_ERR(udev))
		return PTR_ERR(udev);

	/* Exclusive unless shared: the holder is what claims the disk. */
	ret = urpt_bdev_open(&udev->handle, path, udev->writable,
			     flags & URPT_ATTACH_SHARED ? NULL : udev,
			     URPT_HOLDER_OPS);
	if (ret)
		goto out_free_index;
	udev->bdev = udev->handle.bdev;
	snprintf(udev->disk_name, sizeof(udev->disk_name), "%pg", udev->bdev);

	cdev_init(&udev->cdev, &urpt_fops);
	udev->cdev.owner = THIS_MODULE;
	mutex_lock(&urpt_devs_lock);
	ret = xa_insert(&urpt_devs, udev->index, udev, GFP_KERNEL);
	if (ret)
		goto out_unlock;
	ret = cdev_device_add(&udev->cdev, &udev->dev);
	if (ret) {
		xa_erase(&urpt_devs, udev->index);
		goto out_unlock;
	}
	*index = udev->index;
	dev_info(&udev->dev, "attached %s%s%s\n", udev->disk_name,
		 flags & URPT_ATTACH_READ_ONLY ? ", read-only" : "",
		 flags & URPT_ATTACH_SHARED ? ", shared" : "");
	mutex_unlock(&urpt_devs_lock);
	return 0;

out_unlock:
	mutex_unlock(&urpt_devs_lock);
	udev->bdev = NULL;
	urpt_bdev_close(&udev->handle);
out_free_index:
	ida_free(&urpt_ida, udev->index);
	/* urpt_dev_release() frees udev */
	put_device(&udev->dev);
	return ret;
}

/*
 * Called with urpt_devs_lock held, udev already out of urpt_devs: the
 * caller then waits for udev->released with a reference of its own.
 */
static void urpt_dev_remove(struct urpt_dev *udev)
{
	get_device(&udev->dev);
	/* No new opens; open files keep the cdev and so udev alive. */
	cdev_device_del(&udev->cdev, &udev->dev);
	/* New commands fail with -ENODEV; the last one on the disk releases it. */
	percpu_ref_kill(&udev->ref);
}

/*
 * DETACH waits for the commands on the disk without urpt_devs_lock, so that
 * other disks can be attached, detached and listed meanwhile. They end by
 * themselves, but a polled command that nobody reaps ends only when the
 * disk times it out: a fatal signal stops the wait, and the disk is then
 * released without us. The index is free once it is released.
 */
int urpt_detach(u32 index)
{
	struct urpt_dev *udev;

	mutex_lock(&urpt_devs_lock);
	udev = xa_erase(&urpt_devs, index);
	if (udev)
		urpt_dev_remove(udev);
	mutex_unlock(&urpt_devs_lock);
	if (!udev)
		return -ENODEV;
	/* Killed: detached all the same, and nobody sees the result. */
	if (wait_for_completion_killable(&udev->released))
		dev_info(&udev->dev, "DETACH killed: %s is released later\n",
			 udev->disk_name);
	put_device(&udev->dev);
	return 0;
}

/*
 * Module unload (open nodes hold the module, so no command is on these
 * disks) and a failed load.
 */
void urpt_detach_all(void)
{
	struct urpt_dev *udev;
	unsigned long index;

	mutex_lock(&urpt_devs_lock);
	xa_for_each(&urpt_devs, index, udev) {
		xa_erase(&urpt_devs, index);
		urpt_dev_remove(udev);
		wait_for_completion(&udev->released);
		put_device(&udev->dev);
	}
	mutex_unlock(&urpt_devs_lock);
}

/*
 * The entries are gathered under urpt_devs_lock and copied to the caller
 * after it is dropped: a fault on the caller's memory must not stall
 * ATTACH and DETACH of every disk.
 */
int urpt_list(struct urpt_ctl_entry __user *entries, u32 room, u32 *count)
{
	struct urpt_ctl_entry *list;
	struct urpt_dev *udev;
	unsigned long index;
	u32 n = 0;
	int ret = 0;

	room = min_t(u32, room, URPT_MAX_DEVS);
	list = kcalloc(max(room, 1U), sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	mutex_lock(&urpt_devs_lock);
	xa_for_each(&urpt_devs, index, udev) {
		if (n < room) {
			list[n].index = udev->index;
			list[n].flags = udev->attach_flags;
			list[n].capacity = bdev_nr_bytes(udev->bdev);
			strscpy(list[n].disk_name, udev->disk_name,
				sizeof(list[n].disk_name));
		}
		n++;
	}
	mutex_unlock(&urpt_devs_lock);
	if (copy_to_user(entries, list, min(n, room) * sizeof(*list)))
		ret = -EFAULT;
	kfree(list);
	*count = n;
	return ret;
}

int urpt_dev_class_init(void)
{
	int ret;

	urpt_release_wq = alloc_workqueue("urpt_release", WQ_UNBOUND, 0);
	if (!urpt_release_wq)
		return -ENOMEM;
	ret = alloc_chrdev_region(&urpt_devt, 0, URPT_MAX_DEVS, "urpt");
	if (ret)
		goto out_wq;
	ret = class_register(&urpt_class);
	if (ret)
		goto out_chrdev;
	return 0;

out_chrdev:
	unregister_chrdev_region(urpt_devt, URPT_MAX_DEVS);
out_wq:
	destroy_workqueue(urpt_release_wq);
	return ret;
}

/* After urpt_detach_all(): a DETACH that was killed may still release. */
void urpt_dev_class_exit(void)
{
	destroy_workqueue(urpt_release_wq);
	class_unregister(&urpt_class);
	unregister_chrdev_region(urpt_devt, URPT_MAX_DEVS);
	ida_destroy(&urpt_ida);
}
