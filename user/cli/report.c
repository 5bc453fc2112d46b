// SPDX-License-Identifier: GPL-2.0
/*
 * Messages on stderr. Errors name the device, the command and the errno,
 * in urpt's words: "urpt: /dev/urpt0: read at offset 4096, 512 bytes:
 * range extends past the end of the disk (ENOSPC)".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "describe.h"

void report(const char *fmt, ...)
{
	va_list ap;

	fputs("urpt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* report(), then ": TEXT (NAME)" of err (-errno or errno). */
void report_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("urpt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (%s)\n", errno_text(err), errno_name(err));
}

/* "ENOSPC" for -ENOSPC or ENOSPC. */
const char *errno_name(int err)
{
	const char *name;

	if (err < 0 && err != INT32_MIN)
		err = -err;
	name = strerrorname_np(err);
	return name ? name : "unknown errno";
}

/* strerror() without its shared buffer, for -errno or errno. */
const char *errno_text(int err)
{
	const char *text;

	if (err < 0 && err != INT32_MIN)
		err = -err;
	text = strerrordesc_np(err);
	return text ? text : "unknown error";
}

void report_cmd_error(const char *dev, uint32_t cmd_op, unsigned int ctx,
		      uint64_t offset, uint32_t len, int err)
{
	char what[96];

	describe_cmd(what, sizeof(what), cmd_op, offset, len);
	report("%s: %s: %s (%s)", dev, what,
	       urpt_strerror_ctx(cmd_op, ctx, err), errno_name(err));
}

void report_details(const char *dev, uint32_t cmd_op, uint64_t offset,
		    uint32_t len, const struct urpt_result *r)
{
	char what[96];

	describe_cmd(what, sizeof(what), cmd_op, offset, len);
	report("%s: %s: res=%d status=%s bios=%u driver_us=%llu.%03llu", dev,
	       what, r->res, urpt_blk_status_name(r->blk_status), r->bios,
	       (unsigned long long)(r->driver_ns / 1000),
	       (unsigned long long)(r->driver_ns % 1000));
}
