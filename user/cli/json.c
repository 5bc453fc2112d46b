// SPDX-License-Identifier: GPL-2.0
/*
 * JSON string escaping. Disk names come from the kernel and paths from the
 * user: quotes, backslashes and control bytes must not break the output.
 * Other bytes, UTF-8 included, pass through.
 */
#include <stdio.h>
#include "json.h"

/* The escape for c, written into esc; 0 if c stands for itself. */
static size_t json_escape_char(unsigned char c, char esc[7])
{
	switch (c) {
	case '"':
		return snprintf(esc, 7, "\\\"");
	case '\\':
		return snprintf(esc, 7, "\\\\");
	case '\b':
		return snprintf(esc, 7, "\\b");
	case '\f':
		return snprintf(esc, 7, "\\f");
	case '\n':
		return snprintf(esc, 7, "\\n");
	case '\r':
		return snprintf(esc, 7, "\\r");
	case '\t':
		return snprintf(esc, 7, "\\t");
	}
	if (c < 0x20)
		return snprintf(esc, 7, "\\u%04x", c);
	return 0;
}

static void json_put(char *dst, size_t size, size_t pos, char c)
{
	if (pos + 1 < size)
		dst[pos] = c;
}

size_t json_escape(char *dst, size_t size, const char *src)
{
	size_t len = 0;

	for (; *src; src++) {
		char esc[7];
		size_t n = json_escape_char(*src, esc), i;

		if (!n) {
			json_put(dst, size, len++, *src);
			continue;
		}
		for (i = 0; i < n; i++)
			json_put(dst, size, len++, esc[i]);
	}
	if (size)
		dst[len < size ? len : size - 1] = '\0';
	return len;
}
