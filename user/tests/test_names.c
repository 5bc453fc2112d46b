// SPDX-License-Identifier: GPL-2.0
/* urpt_blk_status_name(), urpt_cmd_name(), urpt_strerror(). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <liburpt.h>
#include "tap.h"

static const char *const linux_6_1_statuses[] = {
	"BLK_STS_OK", "BLK_STS_NOTSUPP", "BLK_STS_TIMEOUT", "BLK_STS_NOSPC",
	"BLK_STS_TRANSPORT", "BLK_STS_TARGET", "BLK_STS_NEXUS",
	"BLK_STS_MEDIUM", "BLK_STS_PROTECTION", "BLK_STS_RESOURCE",
	"BLK_STS_IOERR", "BLK_STS_DM_REQUEUE", "BLK_STS_AGAIN",
	"BLK_STS_DEV_RESOURCE", "BLK_STS_ZONE_RESOURCE",
	"BLK_STS_ZONE_OPEN_RESOURCE", "BLK_STS_ZONE_ACTIVE_RESOURCE",
	"BLK_STS_OFFLINE",
};

#define NR_KNOWN_STATUSES \
	(sizeof(linux_6_1_statuses) / sizeof(linux_6_1_statuses[0]))

static void test_known_statuses(void)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < NR_KNOWN_STATUSES; i++)
		if (!EXPECT(!strcmp(urpt_blk_status_name(i),
				    linux_6_1_statuses[i]))) {
			tap_diag("status %u: got %s", i,
				 urpt_blk_status_name(i));
			ok = false;
		}
	tap_result(ok, "names: the 18 block-layer statuses of Linux 6.1");
}

static void test_numbered_statuses(void)
{
	char expected[32];
	bool ok = true;
	unsigned int i;

	for (i = NR_KNOWN_STATUSES; i <= URPT_RES2_STATUS_MASK; i++) {
		snprintf(expected, sizeof(expected), "BLK_STS_%u", i);
		if (!EXPECT(!strcmp(urpt_blk_status_name(i), expected))) {
			tap_diag("status %u: got %s", i,
				 urpt_blk_status_name(i));
			ok = false;
		}
	}
	ok &= EXPECT(!strcmp(urpt_blk_status_name(256), "BLK_STS_UNKNOWN"));
	ok &= EXPECT(!strcmp(urpt_blk_status_name(UINT_MAX),
			     "BLK_STS_UNKNOWN"));
	tap_result(ok, "names: other statuses read BLK_STS_<n>, 18 to 255");
}

static void test_cmd_names(void)
{
	bool ok = EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_INFO), "info"));

	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_READ), "read"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_WRITE), "write"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_FLUSH), "flush"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_READV), "readv"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_WRITEV), "writev"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_DISCARD), "discard"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_WRITE_ZEROES),
			     "write-zeroes"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_REPORT_ZONES),
			     "report-zones"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_ZONE_MGMT), "zone-mgmt"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(URPT_CMD_ZONE_APPEND),
			     "zone-append"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(0), "unknown"));
	ok &= EXPECT(!strcmp(urpt_cmd_name(0x80), "unknown"));
	tap_result(ok, "names: urpt_cmd_name() of every command and of others");
}

struct strerror_case {
	uint32_t cmd_op;
	int err;
	const char *text;
	unsigned int ctx;	/* URPT_CTX_*, for urpt_strerror_ctx() */
};

static const struct strerror_case strerror_cases[] = {
	{ URPT_CMD_READ,  -EOPNOTSUPP,
	  "operation not supported by urpt or the ring lacks SQE128/CQE32", 0 },
	{ URPT_CMD_INFO,  -EINVAL,
	  "malformed command: bad version, reserved field or flag, length or offset not a multiple of the logical block size, zero or too long, or a misaligned buffer", 0 },
	{ URPT_CMD_READ,  -ENOSPC, "range extends past the end of the disk", 0 },
	{ URPT_CMD_WRITE, -ENOSPC, "range extends past the end of the disk", 0 },
	{ URPT_CMD_FLUSH, -ENOSPC, "No space left on device", 0 },
	{ URPT_CMD_READ,  -EFAULT, "bad buffer address", 0 },
	{ URPT_CMD_WRITE, -EBADF,  "node opened read-only", 0 },
	{ URPT_CMD_FLUSH, -EBADF,  "node opened read-only", 0 },
	{ URPT_CMD_READ,  -EBADF,  "Bad file descriptor", 0 },
	{ URPT_CMD_WRITE, -ENODEV, "the disk was detached", 0 },
	{ URPT_CMD_WRITE, -EROFS,  "the disk was attached read-only", 0 },
	{ URPT_CMD_READ,  -EIO,    "I/O error reported by the disk", 0 },
	{ URPT_CMD_READ,  EIO,     "I/O error reported by the disk", 0 },
	{ URPT_CMD_READ,  -ETIMEDOUT, "Connection timed out", 0 },
	{ URPT_CMD_WRITE, -ENOMEM, "Cannot allocate memory", 0 },
	{ URPT_CMD_READ,  -4242,   "unknown error", 0 },
	{ URPT_CMD_READ,  INT_MIN, "unknown error", 0 },
	{ URPT_CMD_DISCARD, -EOPNOTSUPP, "the disk does not support it", 0 },
	{ URPT_CMD_WRITE_ZEROES, -EOPNOTSUPP, "the disk does not support it", 0 },
	{ URPT_CMD_READV, -EOPNOTSUPP,
	  "operation not supported by urpt or the ring lacks SQE128/CQE32", 0 },
	{ URPT_CMD_WRITEV, -EOPNOTSUPP,
	  "registered buffers are not supported with readv/writev (no fixed-vec feature)",
	  URPT_CTX_FIXED },
	{ URPT_CMD_READ, -EFAULT, "bad registered buffer index or range",
	  URPT_CTX_FIXED },
	{ URPT_CMD_WRITE, -EFAULT, "bad registered buffer index or range",
	  URPT_CTX_FIXED | URPT_CTX_IOPOLL },
	{ URPT_CMD_WRITE, -EFAULT, "bad buffer address", URPT_CTX_IOPOLL },
	{ URPT_CMD_READV, -EFAULT, "bad iovec array or buffer address", 0 },
	{ URPT_CMD_READ, -EAGAIN,
	  "the disk could not take the command without waiting; try again", 0 },
	{ URPT_CMD_DISCARD, -ENOSPC, "range extends past the end of the disk", 0 },
	{ URPT_CMD_WRITEV, -ENOSPC, "range extends past the end of the disk", 0 },
	{ URPT_CMD_WRITE_ZEROES, -EBADF, "node opened read-only", 0 },
	{ URPT_CMD_DISCARD, -EBADF, "node opened read-only", 0 },
	{ URPT_CMD_WRITEV, -EBADF, "node opened read-only", 0 },
	{ URPT_CMD_READV, -EBADF, "Bad file descriptor", 0 },
};

static void test_strerror_case(const struct strerror_case *c)
{
	const char *text = c->ctx ? urpt_strerror_ctx(c->cmd_op, c->ctx, c->err) :
				    urpt_strerror(c->cmd_op, c->err);
	bool ok = EXPECT(text && !strcmp(text, c->text));

	/* Without a context, urpt_strerror_ctx() is urpt_strerror(). */
	if (!c->ctx)
		ok &= EXPECT(urpt_strerror_ctx(c->cmd_op, 0, c->err) == text);
	if (!ok)
		tap_diag("got '%s'", text ? text : "(null)");
	tap_result(ok, "names: urpt_strerror%s(%s, %#x, %d) is '%.40s'",
		   c->ctx ? "_ctx" : "", urpt_cmd_name(c->cmd_op), c->ctx,
		   c->err, c->text);
}

void test_names(void)
{
	size_t i;

	test_known_statuses();
	test_numbered_statuses();
	test_cmd_names();
	for (i = 0; i < sizeof(strerror_cases) / sizeof(strerror_cases[0]); i++)
		test_strerror_case(&strerror_cases[i]);
}
