/* SPDX-License-Identifier: MIT */
/*
 * liburpt's own functions: not exported (not in liburpt.map), not
 * installed. The host unit tests call them to reach what the exported
 * ones fix (the sysfs root) or take from a completion.
 */
#ifndef LIBURPT_INTERNAL_H
#define LIBURPT_INTERNAL_H

#include <stdint.h>

#define URPT_SYSFS_ROOT		"/sys"
/* The class the module registers its data nodes in (/sys/class/urpt). */
#define URPT_CLASS_NAME		"urpt"

/* urpt_dev_check() with the sysfs tree at sysfs_root instead of /sys. */
int urpt__dev_check_at(const char *sysfs_root, int fd);

/*
 * What a synchronous helper returns for a completion's res when the
 * command moves want bytes: res itself when it is -errno or at least
 * want, -EPROTO when it is less (urpt.ko never completes a command short,
 * so something else answered).
 */
int urpt__res_want(int32_t res, uint64_t want);

#endif
