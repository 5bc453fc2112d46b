// SPDX-License-Identifier: GPL-2.0
/* TAP output for the host unit tests. */
#include <stdarg.h>
#include <stdio.h>
#include "tap.h"

/* The one piece of global state: this is a single-threaded test binary. */
static struct {
	unsigned int number;
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
} tap;

static void tap_line(const char *status, const char *fmt, va_list ap)
{
	printf("%s %u - ", status, ++tap.number);
	vprintf(fmt, ap);
}

void tap_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line(ok ? "ok" : "not ok", fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		tap.passed++;
	else
		tap.failed++;
	fflush(stdout);
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line("ok", fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	tap.passed++;
	tap.skipped++;
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

bool tap_expect(bool cond, const char *text, const char *file, int line)
{
	if (!cond)
		tap_diag("%s:%d: expected %s", file, line, text);
	return cond;
}

int tap_finish(void)
{
	printf("1..%u\n", tap.number);
	if (tap.skipped)
		tap_diag("%u skipped", tap.skipped);
	printf("%u passed, %u failed\n", tap.passed, tap.failed);
	return tap.failed ? 1 : 0;
}
