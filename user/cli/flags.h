/* SPDX-License-Identifier: GPL-2.0 */
/* Names of URPT_FEAT_* and URPT_ATTACH_* bits. */
#ifndef URPT_CLI_FLAGS_H
#define URPT_CLI_FLAGS_H

#include <stddef.h>
#include <stdint.h>

/* Name of one bit, or NULL if this version does not know it. */
typedef const char *(*flag_name_fn)(uint64_t bit);

const char *feature_name(uint64_t bit);
const char *attach_flag_name(uint64_t bit);

/*
 * The names of the bits set in flags, joined by sep ("bit<n>" for unknown
 * ones), or "none". Like snprintf(), returns the full length.
 */
int format_flags(char *buf, size_t size, uint64_t flags, flag_name_fn name,
		 const char *sep);

#endif
