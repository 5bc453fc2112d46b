/* SPDX-License-Identifier: GPL-2.0 */
/* JSON string escaping for --json output. */
#ifndef URPT_CLI_JSON_H
#define URPT_CLI_JSON_H

#include <stddef.h>

/*
 * Write src as the body of a JSON string (no surrounding quotes) into dst,
 * always NUL-terminated when size > 0. Returns the length the whole
 * escaped text needs, like snprintf(): truncated if >= size.
 */
size_t json_escape(char *dst, size_t size, const char *src);

#endif
