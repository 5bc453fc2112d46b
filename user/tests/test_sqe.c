// SPDX-License-Identifier: GPL-2.0
/*
 * The urpt_prep_* helpers of liburpt.h: every byte the kernel reads from a
 * 128-byte SQE, starting from one full of garbage as a reused ring slot is.
 */
#include <stddef.h>
#include <string.h>
#include <liburpt.h>
#include "tap.h"

union sqe128 {
	struct io_uring_sqe sqe;
	unsigned char bytes[128];
};

static struct io_uring_sqe *garbage_sqe(union sqe128 *s)
{
	memset(s->bytes, 0xff, sizeof(s->bytes));
	return &s->sqe;
}

/* The command as the kernel expects it, built field by field. */
static struct urpt_cmd expected_cmd(uint64_t addr, uint32_t len,
				    uint64_t offset)
{
	struct urpt_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.version = URPT_ABI_VERSION;
	cmd.addr = addr;
	cmd.len = len;
	cmd.offset = offset;
	return cmd;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

/* The fields of the SQE header that io_uring checks for URING_CMD. */
static bool check_sqe_header(const struct io_uring_sqe *sqe, int fd,
			     uint32_t cmd_op)
{
	bool ok = EXPECT(sqe->opcode == IORING_OP_URING_CMD);

	ok &= EXPECT(sqe->fd == fd);
	ok &= EXPECT(sqe->cmd_op == cmd_op);
	ok &= EXPECT(sqe->flags == 0);
	ok &= EXPECT(sqe->ioprio == 0);
	ok &= EXPECT(sqe->__pad1 == 0);
	ok &= EXPECT(sqe->rw_flags == 0);	/* uring_cmd_flags */
	ok &= EXPECT(sqe->buf_index == 0);
	ok &= EXPECT(sqe->personality == 0);
	ok &= EXPECT(sqe->file_index == 0);
	return ok;
}

static bool check_sqe_cmd(const struct io_uring_sqe *sqe,
			  const struct urpt_cmd *expected)
{
	const struct urpt_cmd *cmd = (const struct urpt_cmd *)sqe->cmd;
	bool ok = EXPECT(!memcmp(sqe->cmd, expected, URPT_CMD_SIZE));

	ok &= EXPECT(cmd->version == URPT_ABI_VERSION);
	ok &= EXPECT(cmd->flags == 0);
	ok &= EXPECT(all_zero(cmd->rsvd0, sizeof(cmd->rsvd0)));
	ok &= EXPECT(cmd->rsvd1 == 0);
	ok &= EXPECT(all_zero(cmd->rsvd2, sizeof(cmd->rsvd2)));
	ok &= EXPECT((void *)cmd == (void *)urpt_sqe_cmd(
			(struct io_uring_sqe *)sqe));
	return ok;
}

struct rw_case {
	int fd;
	uint32_t len;
	uint64_t offset;
};

static const struct rw_case rw_cases[] = {
	{ 3,	512,		0 },
	{ 7,	4096,		1ULL << 40 },
	{ 0,	UINT32_MAX,	UINT64_MAX - 511 },
};

static void test_prep_read(const struct rw_case *c)
{
	static char buf[16];
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd((uintptr_t)buf, c->len,
						c->offset);
	bool ok;

	urpt_prep_read(sqe, c->fd, buf, c->len, c->offset);
	ok = check_sqe_header(sqe, c->fd, URPT_CMD_READ);
	ok &= check_sqe_cmd(sqe, &expected);
	tap_result(ok, "sqe: urpt_prep_read(fd %d, %u bytes at %llu) over garbage",
		   c->fd, c->len, (unsigned long long)c->offset);
}

static void test_prep_write(const struct rw_case *c)
{
	static const char buf[16];
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd((uintptr_t)buf, c->len,
						c->offset);
	bool ok;

	urpt_prep_write(sqe, c->fd, buf, c->len, c->offset);
	ok = check_sqe_header(sqe, c->fd, URPT_CMD_WRITE);
	ok &= check_sqe_cmd(sqe, &expected);
	tap_result(ok, "sqe: urpt_prep_write(fd %d, %u bytes at %llu) over garbage",
		   c->fd, c->len, (unsigned long long)c->offset);
}

static void test_prep_info(void)
{
	struct urpt_info info;
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd((uintptr_t)&info,
						URPT_INFO_SIZE_V1, 0);
	bool ok;

	urpt_prep_info(sqe, 5, &info);
	ok = check_sqe_header(sqe, 5, URPT_CMD_INFO);
	ok &= check_sqe_cmd(sqe, &expected);
	tap_result(ok, "sqe: urpt_prep_info() asks for a whole struct urpt_info, offset 0");
}

static void test_prep_flush(void)
{
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd(0, 0, 0);
	bool ok;

	urpt_prep_flush(sqe, 9);
	ok = check_sqe_header(sqe, 9, URPT_CMD_FLUSH);
	ok &= check_sqe_cmd(sqe, &expected);
	tap_result(ok, "sqe: urpt_prep_flush() leaves addr, len and offset zero");
}

/* The raw layout, should a helper ever write through the wrong member. */
static void test_sqe_offsets(void)
{
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	uint32_t cmd_op = URPT_CMD_READ;
	uint64_t addr = 0x1122334455667788ULL, offset = 0x0102030405060708ULL;
	uint32_t len = 0xa0b0c0d0;
	bool ok;

	urpt_prep_read(sqe, 4, (void *)(uintptr_t)addr, len, offset);
	ok = EXPECT(s.bytes[0] == IORING_OP_URING_CMD);
	ok &= EXPECT(!memcmp(&s.bytes[8], &cmd_op, 4));
	ok &= EXPECT(all_zero(&s.bytes[12], 4));
	ok &= EXPECT(s.bytes[48] == URPT_ABI_VERSION);
	ok &= EXPECT(all_zero(&s.bytes[49], 7));
	ok &= EXPECT(!memcmp(&s.bytes[48 + 8], &offset, 8));
	ok &= EXPECT(!memcmp(&s.bytes[48 + 16], &addr, 8));
	ok &= EXPECT(!memcmp(&s.bytes[48 + 24], &len, 4));
	ok &= EXPECT(all_zero(&s.bytes[48 + 28], 128 - 48 - 28));
	tap_result(ok, "sqe: byte offsets of cmd_op and of the command in a 128-byte SQE");
}

static void test_cmd_ops(void)
{
	bool ok = EXPECT(_IOC_SIZE(URPT_CMD_READ) == URPT_CMD_SIZE);

	ok &= EXPECT(_IOC_SIZE(URPT_CMD_WRITE) == URPT_CMD_SIZE);
	ok &= EXPECT(_IOC_SIZE(URPT_CMD_INFO) == URPT_CMD_SIZE);
	ok &= EXPECT(_IOC_NR(URPT_CMD_FLUSH) == 0x04);
	ok &= EXPECT(URPT_CMD_READ != URPT_CMD_WRITE);
	ok &= EXPECT(URPT_CMD_INFO != URPT_CMD_FLUSH);
	ok &= EXPECT((URPT_RING_FLAGS & IORING_SETUP_SQE128) &&
		     (URPT_RING_FLAGS & IORING_SETUP_CQE32));
	tap_result(ok, "sqe: cmd_op numbers encode struct urpt_cmd, ring flags ask for big entries");
}

void test_sqe(void)
{
	size_t i;

	for (i = 0; i < sizeof(rw_cases) / sizeof(rw_cases[0]); i++) {
		test_prep_read(&rw_cases[i]);
		test_prep_write(&rw_cases[i]);
	}
	test_prep_info();
	test_prep_flush();
	test_sqe_offsets();
	test_cmd_ops();
}
