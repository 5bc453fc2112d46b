// SPDX-License-Identifier: GPL-2.0
/* Naming urpt nodes on the command line. */
#include <stdio.h>
#include <string.h>
#include "devname.h"

#define URPT_DEV_DIR	"/dev/"
#define URPT_DEV_PREFIX	"urpt"

/* Decimal digits only, no leading zero: the kernel names urpt0, urpt12. */
static bool parse_index_digits(const char *s, uint32_t *index)
{
	uint64_t value = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		value = value * 10 + (*s - '0');
		if (value > UINT32_MAX)
			return false;
	}
	*index = value;
	return true;
}

static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(s, prefix, len) ? NULL : s + len;
}

bool parse_urpt_index(const char *s, uint32_t *index)
{
	const char *digits;

	if (!s)
		return false;
	digits = skip_prefix(s, URPT_DEV_DIR URPT_DEV_PREFIX);
	if (!digits)
		digits = skip_prefix(s, URPT_DEV_PREFIX);
	if (!digits)
		digits = s;
	return parse_index_digits(digits, index);
}

int urpt_dev_path(char *buf, size_t size, const char *arg)
{
	uint32_t index;

	if (parse_index_digits(arg, &index))
		return snprintf(buf, size, URPT_DEV_DIR URPT_DEV_PREFIX "%u",
				index);
	return snprintf(buf, size, "%s", arg);
}
