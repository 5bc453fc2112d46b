/* SPDX-License-Identifier: GPL-2.0 */
/* Sizes on the command line: "4096", "4k", "1M", "2GiB"... */
#ifndef URPT_CLI_SIZE_H
#define URPT_CLI_SIZE_H

#include <stddef.h>
#include <stdint.h>

enum size_error {
	SIZE_OK = 0,
	SIZE_EMPTY,
	SIZE_NEGATIVE,
	SIZE_NOT_A_NUMBER,
	SIZE_BAD_SUFFIX,
	SIZE_OVERFLOW,
};

/* Parse s into *bytes; *bytes is untouched unless SIZE_OK is returned. */
enum size_error parse_size(const char *s, uint64_t *bytes);

/* A plain decimal count ("32", "0"): like parse_size() without suffixes. */
enum size_error parse_count(const char *s, uint64_t *value);

/* Why a size was refused, for a message that names the bad value. */
const char *size_error_text(enum size_error err);

/* "512 B", "4.00 KiB", "1.50 GiB": like snprintf(), returns the length. */
int format_size(char *buf, size_t size, uint64_t bytes);

#endif
