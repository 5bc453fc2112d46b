/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi layout, checked where the module is compiled; liburpt.h checks
 * the same on the user side.
 */
#ifndef URPT_ABI_H
#define URPT_ABI_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <urpt.h>

static inline void urpt_abi_check(void)
{
	BUILD_BUG_ON(sizeof(struct urpt_cmd) != URPT_CMD_SIZE);
	BUILD_BUG_ON(offsetof(struct urpt_cmd, flags) != 4);
	BUILD_BUG_ON(offsetof(struct urpt_cmd, offset) != 8);
	BUILD_BUG_ON(offsetof(struct urpt_cmd, addr) != 16);
	BUILD_BUG_ON(offsetof(struct urpt_cmd, len) != 24);
	BUILD_BUG_ON(offsetof(struct urpt_cmd, rsvd2) != 32);
	BUILD_BUG_ON(offsetof(struct urpt_cmd, zone_action) != 28);
	BUILD_BUG_ON(sizeof(struct urpt_info) != URPT_INFO_SIZE_V2);
	BUILD_BUG_ON(offsetof(struct urpt_info, disk_name) != 40);
	BUILD_BUG_ON(offsetof(struct urpt_info, max_iovecs) != 72);
	BUILD_BUG_ON(offsetof(struct urpt_info, rsvd) != 96);
	BUILD_BUG_ON(offsetof(struct urpt_info, zoned) != URPT_INFO_SIZE_V1);
	BUILD_BUG_ON(offsetof(struct urpt_info, nr_zones) != 140);
	BUILD_BUG_ON(offsetof(struct urpt_info, zone_size) != 144);
	BUILD_BUG_ON(offsetof(struct urpt_info, max_open_zones) != 152);
	BUILD_BUG_ON(offsetof(struct urpt_info, max_active_zones) != 156);
	BUILD_BUG_ON(offsetof(struct urpt_info, max_zone_append) != 160);
	BUILD_BUG_ON(offsetof(struct urpt_info, rsvd1) != 164);
	BUILD_BUG_ON(sizeof(struct urpt_zone) != URPT_ZONE_SIZE);
	BUILD_BUG_ON(offsetof(struct urpt_zone, len) != 8);
	BUILD_BUG_ON(offsetof(struct urpt_zone, capacity) != 16);
	BUILD_BUG_ON(offsetof(struct urpt_zone, wp) != 24);
	BUILD_BUG_ON(offsetof(struct urpt_zone, type) != 32);
	BUILD_BUG_ON(offsetof(struct urpt_zone, cond) != 33);
	BUILD_BUG_ON(offsetof(struct urpt_zone, flags) != 34);
	BUILD_BUG_ON(offsetof(struct urpt_zone, rsvd0) != 35);
	BUILD_BUG_ON(offsetof(struct urpt_zone, rsvd) != 40);
	BUILD_BUG_ON(sizeof(struct urpt_ctl_attach) != 32);
	BUILD_BUG_ON(sizeof(struct urpt_ctl_detach) != 24);
	BUILD_BUG_ON(sizeof(struct urpt_ctl_entry) != 48);
	BUILD_BUG_ON(sizeof(struct urpt_ctl_list) != 32);
}

#endif /* URPT_ABI_H */
