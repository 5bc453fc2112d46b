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
	ok &= EXPECT(cmd->zone_action == expected->zone_action);
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
						URPT_INFO_SIZE_V2, 0);
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

/* The header check, except for the registered-buffer fields. */
static bool check_sqe_header_fixed(const struct io_uring_sqe *sqe, int fd,
				   uint32_t cmd_op, uint16_t buf_index)
{
	bool ok = EXPECT(sqe->opcode == IORING_OP_URING_CMD);

	ok &= EXPECT(sqe->fd == fd);
	ok &= EXPECT(sqe->cmd_op == cmd_op);
	ok &= EXPECT(sqe->flags == 0);
	ok &= EXPECT(sqe->ioprio == 0);
	ok &= EXPECT(sqe->__pad1 == 0);
	ok &= EXPECT(sqe->uring_cmd_flags == IORING_URING_CMD_FIXED);
	ok &= EXPECT(sqe->buf_index == buf_index);
	ok &= EXPECT(sqe->personality == 0);
	ok &= EXPECT(sqe->file_index == 0);
	return ok;
}

static void test_prep_vec(bool write)
{
	static struct iovec iov[3];
	const uint32_t cmd_op = write ? URPT_CMD_WRITEV : URPT_CMD_READV;
	const uint64_t offset = 1ULL << 33;
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd((uintptr_t)iov, 3, offset);
	bool ok;

	if (write)
		urpt_prep_writev(sqe, 11, iov, 3, offset);
	else
		urpt_prep_readv(sqe, 11, iov, 3, offset);
	ok = check_sqe_header(sqe, 11, cmd_op);
	ok &= check_sqe_cmd(sqe, &expected);
	/* addr is the iovec array, len counts iovecs, not bytes. */
	ok &= EXPECT(!memcmp(&s.bytes[48 + 16], &(uint64_t){ (uintptr_t)iov },
			     8));
	ok &= EXPECT(s.bytes[48 + 24] == 3 && all_zero(&s.bytes[48 + 25], 3));
	tap_result(ok, "sqe: urpt_prep_%s(3 iovecs at 8 GiB) over garbage: addr is the array, len the count",
		   write ? "writev" : "readv");
}

static void test_prep_len_only(bool zeroes)
{
	const uint32_t cmd_op = zeroes ? URPT_CMD_WRITE_ZEROES : URPT_CMD_DISCARD;
	const uint32_t len = 1U << 30;
	const uint64_t offset = 4096;
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd(0, len, offset);
	bool ok;

	if (zeroes)
		urpt_prep_write_zeroes(sqe, 6, len, offset);
	else
		urpt_prep_discard(sqe, 6, len, offset);
	ok = check_sqe_header(sqe, 6, cmd_op);
	ok &= check_sqe_cmd(sqe, &expected);
	ok &= EXPECT(all_zero(&s.bytes[48 + 16], 8));	/* addr must be 0 */
	tap_result(ok, "sqe: urpt_prep_%s(1 GiB at 4096) over garbage: addr 0",
		   zeroes ? "write_zeroes" : "discard");
}

static void test_prep_set_flags(void)
{
	static char buf[16];
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd((uintptr_t)buf, 512, 1024);
	uint32_t flags;
	bool ok;

	urpt_prep_write(sqe, 3, buf, 512, 1024);
	urpt_prep_set_flags(sqe, URPT_F_FUA);
	urpt_prep_set_flags(sqe, URPT_F_BOUNCE);
	expected.flags = URPT_F_FUA | URPT_F_BOUNCE;
	ok = check_sqe_header(sqe, 3, URPT_CMD_WRITE);
	ok &= EXPECT(!memcmp(sqe->cmd, &expected, URPT_CMD_SIZE));
	flags = URPT_F_FUA | URPT_F_BOUNCE;
	ok &= EXPECT(!memcmp(&s.bytes[48 + 4], &flags, 4));
	urpt_prep_set_flags(sqe, 0);
	ok &= EXPECT(urpt_sqe_cmd(sqe)->flags == flags);
	ok &= EXPECT(URPT_F_FUA == 1 && URPT_F_BOUNCE == 2 &&
		     URPT_F_NOUNMAP == 4);

	sqe = garbage_sqe(&s);
	urpt_prep_write_zeroes(sqe, 3, 4096, 0);
	urpt_prep_set_flags(sqe, URPT_F_NOUNMAP);
	ok &= EXPECT(s.bytes[48 + 4] == URPT_F_NOUNMAP &&
		     all_zero(&s.bytes[48 + 5], 3));
	/* A fresh prep clears the flags a reused slot still holds. */
	urpt_prep_read(sqe, 3, buf, 512, 0);
	ok &= EXPECT(urpt_sqe_cmd(sqe)->flags == 0);
	tap_result(ok, "sqe: urpt_prep_set_flags() ORs URPT_F_* into the command's flags word at byte 52");
}

static void test_prep_set_fixed(void)
{
	static char buf[4096];
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd((uintptr_t)buf + 512, 1024,
						8192);
	uint32_t fixed = IORING_URING_CMD_FIXED;
	uint16_t index = 0xbeef;
	bool ok;

	urpt_prep_read(sqe, 8, buf + 512, 1024, 8192);
	urpt_prep_set_fixed(sqe, index);
	ok = check_sqe_header_fixed(sqe, 8, URPT_CMD_READ, index);
	ok &= check_sqe_cmd(sqe, &expected);
	/* The raw bytes: uring_cmd_flags at 28, buf_index at 40. */
	ok &= EXPECT(!memcmp(&s.bytes[28], &fixed, 4));
	ok &= EXPECT(!memcmp(&s.bytes[40], &index, 2));
	ok &= EXPECT(all_zero(&s.bytes[42], 6));	/* personality, file_index */
	ok &= EXPECT(all_zero(&s.bytes[16], 12));	/* sqe addr and len */
	ok &= EXPECT(offsetof(struct io_uring_sqe, uring_cmd_flags) == 28);
	ok &= EXPECT(offsetof(struct io_uring_sqe, buf_index) == 40);

	/* Fixed writes, with flags, and buffer index 0. */
	sqe = garbage_sqe(&s);
	urpt_prep_write(sqe, 8, buf, 4096, 0);
	urpt_prep_set_flags(sqe, URPT_F_FUA);
	urpt_prep_set_fixed(sqe, 0);
	ok &= check_sqe_header_fixed(sqe, 8, URPT_CMD_WRITE, 0);
	ok &= EXPECT(urpt_sqe_cmd(sqe)->flags == URPT_F_FUA);
	/* A fresh prep on the slot is no longer fixed. */
	urpt_prep_write(sqe, 8, buf, 4096, 0);
	ok &= check_sqe_header(sqe, 8, URPT_CMD_WRITE);
	tap_result(ok, "sqe: urpt_prep_set_fixed() sets uring_cmd_flags (byte 28) and buf_index (byte 40) only");
}

static void test_new_cmd_ops(void)
{
	const uint32_t ops[] = {
		URPT_CMD_INFO, URPT_CMD_READ, URPT_CMD_WRITE, URPT_CMD_FLUSH,
		URPT_CMD_READV, URPT_CMD_WRITEV, URPT_CMD_DISCARD,
		URPT_CMD_WRITE_ZEROES, URPT_CMD_REPORT_ZONES,
		URPT_CMD_ZONE_MGMT, URPT_CMD_ZONE_APPEND,
	};
	bool ok = true;
	size_t i, j;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		ok &= EXPECT(_IOC_SIZE(ops[i]) == URPT_CMD_SIZE);
		ok &= EXPECT(_IOC_TYPE(ops[i]) == URPT_IOC_MAGIC);
		ok &= EXPECT(_IOC_NR(ops[i]) == i + 1);
		for (j = 0; j < i; j++)
			ok &= EXPECT(ops[i] != ops[j]);
	}
	ok &= EXPECT(_IOC_DIR(URPT_CMD_READV) == _IOC_READ);
	ok &= EXPECT(_IOC_DIR(URPT_CMD_WRITEV) == _IOC_WRITE);
	ok &= EXPECT(_IOC_DIR(URPT_CMD_REPORT_ZONES) == _IOC_READ);
	ok &= EXPECT(_IOC_DIR(URPT_CMD_ZONE_APPEND) == _IOC_WRITE);
	ok &= EXPECT(URPT_MAX_TRANSFER == 64U << 20);
	tap_result(ok, "sqe: the eleven cmd_op numbers are distinct, 0x01 to 0x0b, each sized for struct urpt_cmd");
}

/* The zone commands: only their own fields set, over a garbage SQE. */
static void test_prep_zones(void)
{
	static struct urpt_zone zones[4];
	static char buf[4096];
	union sqe128 s;
	struct io_uring_sqe *sqe = garbage_sqe(&s);
	struct urpt_cmd expected = expected_cmd((uintptr_t)zones, 4, 1 << 20);
	bool ok;

	urpt_prep_report_zones(sqe, 7, zones, 4, 1 << 20);
	ok = check_sqe_header(sqe, 7, URPT_CMD_REPORT_ZONES);
	ok &= check_sqe_cmd(sqe, &expected);

	sqe = garbage_sqe(&s);
	expected = expected_cmd(0, 0, 64ULL << 20);
	expected.zone_action = URPT_ZONE_FINISH;
	urpt_prep_zone_mgmt(sqe, 7, URPT_ZONE_FINISH, 64ULL << 20);
	ok &= check_sqe_header(sqe, 7, URPT_CMD_ZONE_MGMT);
	ok &= check_sqe_cmd(sqe, &expected);
	ok &= EXPECT(!memcmp(&s.bytes[48 + 28], &expected.zone_action, 4));

	sqe = garbage_sqe(&s);
	expected = expected_cmd((uintptr_t)buf, sizeof(buf), 8ULL << 20);
	urpt_prep_zone_append(sqe, 7, buf, sizeof(buf), 8ULL << 20);
	ok &= check_sqe_header(sqe, 7, URPT_CMD_ZONE_APPEND);
	ok &= check_sqe_cmd(sqe, &expected);
	ok &= EXPECT(URPT_ZONE_RESET == 1 && URPT_ZONE_OPEN == 2 &&
		     URPT_ZONE_CLOSE == 3 && URPT_ZONE_FINISH == 4 &&
		     URPT_ZONE_RESET_ALL == 5);
	tap_result(ok, "sqe: urpt_prep_report_zones(), _zone_mgmt(), _zone_append() over garbage: their fields only");
}

/* A zone append's CQE word is the landed offset, read as it is. */
static void test_cqe_append_offset(void)
{
	struct io_uring_cqe *cqe;
	uint64_t words[4] = { 0, 0, 0, 0 };
	bool ok;

	cqe = (struct io_uring_cqe *)words;
	cqe->res = 4096;
	cqe->big_cqe[0] = 0x123456789000ULL;
	ok = EXPECT(urpt_cqe_append_offset(cqe) == 0x123456789000ULL);
	tap_result(ok, "cqe: urpt_cqe_append_offset() is big_cqe[0] whole");
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
	test_prep_vec(false);
	test_prep_vec(true);
	test_prep_len_only(false);
	test_prep_len_only(true);
	test_prep_set_flags();
	test_prep_set_fixed();
	test_new_cmd_ops();
	test_prep_zones();
	test_cqe_append_offset();
}
