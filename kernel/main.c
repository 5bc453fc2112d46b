// SPDX-License-Identifier: GPL-2.0
/*
 * urpt: io_uring passthrough for any block disk.
 *
 * Module load and unload, and the disks attached at load time.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "urpt.h"
#include "abi.h"

static char *attach;
module_param(attach, charp, 0444);
MODULE_PARM_DESC(attach,
		 "Comma-separated block device paths to attach at load time (exclusive, read-write)");

/* Every listed disk must attach: a half-applied parameter would surprise. */
static int urpt_attach_param(void)
{
	char *paths, *cursor, *path;
	u32 index;
	int ret = 0;

	if (!attach || !*attach)
		return 0;
	paths = kstrdup(attach, GFP_KERNEL);
	if (!paths)
		return -ENOMEM;
	cursor = paths;
	while ((path = strsep(&cursor, ",")) != NULL) {
		if (!*path)
			continue;
		ret = urpt_attach(path, 0, &index);
		if (ret) {
			pr_err("urpt: cannot attach %s: error %d\n", path, ret);
			break;
		}
	}
	kfree(paths);
	return ret;
}

static int __init urpt_init(void)
{
	int ret;

	urpt_abi_check();
	urpt_cmd_init();
	urpt_nvme_init();
	ret = urpt_bio_init();
	if (ret)
		return ret;
	ret = urpt_dev_class_init();
	if (ret)
		goto out_bio;
	ret = urpt_ctl_init();
	if (ret)
		goto out_class;
	ret = urpt_attach_param();
	if (ret)
		goto out_ctl;
	return 0;

out_ctl:
	urpt_ctl_exit();
	urpt_detach_all();
out_class:
	urpt_dev_class_exit();
out_bio:
	urpt_bio_exit();
	return ret;
}

/*
 * Open nodes hold the module, so only closed nodes remain here: detaching
 * them cannot wait for anything but their last commands.
 */
static void __exit urpt_exit(void)
{
	urpt_ctl_exit();
	urpt_detach_all();
	urpt_dev_class_exit();
	urpt_bio_exit();
}

module_init(urpt_init);
module_exit(urpt_exit);

MODULE_DESCRIPTION("io_uring passthrough character devices for any block disk");
MODULE_AUTHOR("The urpt developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1");
