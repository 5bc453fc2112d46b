/* SPDX-License-Identifier: GPL-2.0 */
/* Naming urpt nodes on the command line: "3", "urpt3", "/dev/urpt3". */
#ifndef URPT_CLI_DEVNAME_H
#define URPT_CLI_DEVNAME_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Index N of "N", "urptN" or "/dev/urptN"; false for anything else. */
bool parse_urpt_index(const char *s, uint32_t *index);

/*
 * The node a DEV argument names: a bare number N is /dev/urptN, anything
 * else a path used as given. Like snprintf(), returns the full length.
 */
int urpt_dev_path(char *buf, size_t size, const char *arg);

#endif
