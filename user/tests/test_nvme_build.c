// SPDX-License-Identifier: GPL-2.0
/* urpt nvme: LBA formats, buffer sizes and the commands built. */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "nvme_build.h"
#include "tap.h"

static struct nvme_id_ns ns_with(uint8_t nlbaf, uint8_t flbas)
{
	struct nvme_id_ns ns;
	unsigned int i;

	memset(&ns, 0, sizeof(ns));
	ns.nlbaf = nlbaf;
	ns.flbas = flbas;
	for (i = 0; i < 64; i++)
		ns.lbaf[i].ds = 9;
	return ns;
}

static void test_nvme_lba_format(void)
{
	struct nvme_id_ns ns = ns_with(7, 0x00);
	struct cli_nvme_lbaf f;
	bool ok;

	ok = EXPECT(cli_nvme_flbas_index(&ns) == 0);
	ok &= EXPECT(cli_nvme_lba_format(&ns, &f) == 0);
	ok &= EXPECT(f.index == 0 && f.data_size == 512 && !f.meta_size &&
		     !f.meta_ext);
	/* Format 3: 4 KiB with 8 bytes of metadata at the end of each LBA. */
	ns = ns_with(7, 0x13);
	ns.lbaf[3].ds = 12;
	ns.lbaf[3].ms = htole16(8);
	ok &= EXPECT(cli_nvme_flbas_index(&ns) == 3);
	ok &= EXPECT(cli_nvme_lba_format(&ns, &f) == 0);
	ok &= EXPECT(f.index == 3 && f.data_size == 4096 &&
		     f.meta_size == 8 && f.meta_ext);
	/* Bits 6:5 count only beyond 16 formats. */
	ns = ns_with(7, 0x61);
	ok &= EXPECT(cli_nvme_flbas_index(&ns) == 1);
	ns = ns_with(63, 0x61);
	ok &= EXPECT(cli_nvme_flbas_index(&ns) == 49);
	ok &= EXPECT(cli_nvme_lba_format(&ns, &f) == 0 && f.index == 49);
	/* A format past NLBAF, or a data size below 512 bytes: refused. */
	ns = ns_with(1, 0x02);
	ok &= EXPECT(cli_nvme_lba_format(&ns, &f) == -EINVAL);
	ns = ns_with(0, 0x00);
	ns.lbaf[0].ds = 8;
	ok &= EXPECT(cli_nvme_lba_format(&ns, &f) == -EINVAL);
	ns.lbaf[0].ds = 32;
	ok &= EXPECT(cli_nvme_lba_format(&ns, &f) == -EINVAL);
	ns.lbaf[0].ds = 31;
	ok &= EXPECT(cli_nvme_lba_format(&ns, &f) == 0 &&
		     f.data_size == 1U << 31);
	tap_result(ok, "nvme build: the LBA format in use from FLBAS and NLBAF");
}

static struct cli_nvme_io io_of(const char *opcode, uint64_t slba,
				uint32_t nlb)
{
	struct cli_nvme_io io;

	memset(&io, 0, sizeof(io));
	cli_nvme_parse_opcode(opcode, &io.op);
	io.have_op = io.have_slba = true;
	io.slba = slba;
	io.nlb = nlb;
	io.have_nlb = nlb != 0;
	return io;
}

static void test_nvme_sizes(void)
{
	struct cli_nvme_lbaf f = { .data_size = 512 };
	struct cli_nvme_io io = io_of("read", 0, 8);
	uint32_t data, meta;
	bool ok;

	ok = EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 4096 && meta == 0);
	f.meta_size = 8;
	ok &= EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 4096 && meta == 64);
	f.meta_ext = true;
	ok &= EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 4160 && meta == 0);
	io = io_of("write", 0, 0);	/* --nlb left out: one block */
	f = (struct cli_nvme_lbaf){ .data_size = 4096 };
	ok &= EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 4096 && meta == 0);
	io = io_of("write-zeroes", 0, 65536);
	ok &= EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 0 && meta == 0);
	io = io_of("dsm", 0, UINT32_MAX);
	ok &= EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 16 && meta == 0);
	io = io_of("flush", 0, 0);
	ok &= EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 0 && meta == 0);
	/* 65536 LBAs of 64 KiB is 4 GiB: not one command's 32-bit length. */
	io = io_of("read", 0, 65536);
	f.data_size = 65536;
	data = meta = 7;
	ok &= EXPECT(cli_nvme_io_sizes(&io, &f, &data, &meta) == -ERANGE);
	ok &= EXPECT(data == 0 && meta == 0);
	f.data_size = 65535;
	ok &= EXPECT(!cli_nvme_io_sizes(&io, &f, &data, &meta));
	ok &= EXPECT(data == 65536U * 65535U);
	tap_result(ok, "nvme build: data and metadata lengths of each opcode");
}

/* Every byte of cmd other than those named is zero. */
static bool rest_zero(const struct nvme_uring_cmd *cmd)
{
	return !cmd->flags && !cmd->rsvd1 && !cmd->cdw2 && !cmd->cdw3 &&
	       !cmd->cdw13 && !cmd->cdw14 && !cmd->cdw15 && !cmd->timeout_ms &&
	       !cmd->rsvd2;
}

static void test_nvme_build_rw(void)
{
	static char data[4096], meta[64];
	struct cli_nvme_io io = io_of("read", 0x123456789ULL, 8);
	struct nvme_uring_cmd cmd;
	bool ok;

	memset(&cmd, 0xff, sizeof(cmd));
	cli_nvme_build_uring(&io, 1, data, 4096, meta, 0, &cmd);
	ok = EXPECT(cmd.opcode == nvme_cmd_read && cmd.nsid == 1);
	ok &= EXPECT(cmd.addr == (uintptr_t)data && cmd.data_len == 4096);
	ok &= EXPECT(!cmd.metadata && !cmd.metadata_len);
	ok &= EXPECT(cmd.cdw10 == 0x23456789 && cmd.cdw11 == 0x1);
	ok &= EXPECT(cmd.cdw12 == 7);
	ok &= EXPECT(rest_zero(&cmd));

	io = io_of("write", UINT64_MAX - 65535, 65536);
	io.fua = true;
	memset(&cmd, 0xff, sizeof(cmd));
	cli_nvme_build_uring(&io, 0xfffffffe, data, 4096, meta, 64, &cmd);
	ok &= EXPECT(cmd.opcode == nvme_cmd_write && cmd.nsid == 0xfffffffe);
	ok &= EXPECT(cmd.metadata == (uintptr_t)meta && cmd.metadata_len == 64);
	ok &= EXPECT(cmd.cdw10 == 0xffff0000 && cmd.cdw11 == 0xffffffff);
	/* NLB 0xffff (65536 blocks, 0's based), FUA is bit 30. */
	ok &= EXPECT(cmd.cdw12 == (0xffffU | 1U << 30));
	ok &= EXPECT(rest_zero(&cmd));
	tap_result(ok, "nvme build: read and write: SLBA in cdw10-11, 0's based NLB and FUA in cdw12");
}

static void test_nvme_build_no_data(void)
{
	static struct nvme_dsm_range range;
	struct cli_nvme_io io = io_of("write-zeroes", 4096, 16);
	struct nvme_uring_cmd cmd;
	bool ok;

	io.deallocate = true;
	memset(&cmd, 0xff, sizeof(cmd));
	cli_nvme_build_uring(&io, 1, NULL, 0, NULL, 0, &cmd);
	ok = EXPECT(cmd.opcode == nvme_cmd_write_zeroes);
	ok &= EXPECT(!cmd.addr && !cmd.data_len);
	ok &= EXPECT(cmd.cdw10 == 4096 && cmd.cdw11 == 0);
	/* DEAC is bit 25. */
	ok &= EXPECT(cmd.cdw12 == (15U | 1U << 25));
	ok &= EXPECT(rest_zero(&cmd));

	io = io_of("flush", 0, 0);
	io.have_slba = false;
	memset(&cmd, 0xff, sizeof(cmd));
	cli_nvme_build_uring(&io, 1, NULL, 0, NULL, 0, &cmd);
	ok &= EXPECT(cmd.opcode == nvme_cmd_flush && cmd.nsid == 1);
	ok &= EXPECT(!cmd.addr && !cmd.data_len && !cmd.cdw10 &&
		     !cmd.cdw11 && !cmd.cdw12 && rest_zero(&cmd));

	io = io_of("dsm", 0x100000000ULL, 0x80000000U);
	memset(&range, 0xff, sizeof(range));
	cli_nvme_dsm_range(&io, &range);
	ok &= EXPECT(range.cattr == 0);
	ok &= EXPECT(le32toh(range.nlb) == 0x80000000U);
	ok &= EXPECT(le64toh(range.slba) == 0x100000000ULL);
	memset(&cmd, 0xff, sizeof(cmd));
	cli_nvme_build_uring(&io, 1, &range, sizeof(range), NULL, 0, &cmd);
	ok &= EXPECT(cmd.opcode == nvme_cmd_dsm);
	ok &= EXPECT(cmd.addr == (uintptr_t)&range && cmd.data_len == 16);
	/* One range (NR 0's based), attribute deallocate. */
	ok &= EXPECT(cmd.cdw10 == 0 && cmd.cdw11 == NVME_DSMGMT_AD &&
		     cmd.cdw11 == 4 && cmd.cdw12 == 0);
	ok &= EXPECT(rest_zero(&cmd));
	tap_result(ok, "nvme build: write-zeroes with DEAC, flush, dsm with one range");
}

static void test_nvme_build_passthru(void)
{
	static char data[512];
	struct cli_nvme_io io = io_of("read", 77, 1);
	struct nvme_passthru_cmd pcmd;
	struct nvme_uring_cmd ucmd;
	bool ok;

	io.fua = true;
	memset(&pcmd, 0xff, sizeof(pcmd));
	cli_nvme_build_uring(&io, 3, data, 512, NULL, 0, &ucmd);
	cli_nvme_build_passthru(&io, 3, data, 512, NULL, 0, &pcmd);
	/* The two layouts are the same up to timeout_ms; then result/rsvd2. */
	ok = EXPECT(offsetof(struct nvme_passthru_cmd, timeout_ms) ==
		    offsetof(struct nvme_uring_cmd, timeout_ms));
	ok &= EXPECT(!memcmp(&pcmd, &ucmd, sizeof(pcmd)));
	ok &= EXPECT(pcmd.result == 0 && pcmd.cdw10 == 77 &&
		     pcmd.cdw12 == 1U << 30);
	tap_result(ok, "nvme build: the ioctl's nvme_passthru_cmd matches the uring command");
}

static void test_nvme_build_identify(void)
{
	static struct nvme_id_ctrl id;
	struct nvme_uring_cmd cmd;
	bool ok;

	memset(&cmd, 0xff, sizeof(cmd));
	cli_nvme_build_identify(NVME_IDENTIFY_CNS_CTRL, 0, &id, &cmd);
	ok = EXPECT(cmd.opcode == 0x06 && cmd.nsid == 0);
	ok &= EXPECT(cmd.addr == (uintptr_t)&id && cmd.data_len == 4096);
	ok &= EXPECT(sizeof(id) == 4096);
	ok &= EXPECT(cmd.cdw10 == 1 && !cmd.cdw11 && !cmd.cdw12);
	ok &= EXPECT(!cmd.metadata && !cmd.metadata_len && rest_zero(&cmd));
	memset(&cmd, 0xff, sizeof(cmd));
	cli_nvme_build_identify(NVME_IDENTIFY_CNS_NS, 7, &id, &cmd);
	ok &= EXPECT(cmd.opcode == 0x06 && cmd.nsid == 7 && cmd.cdw10 == 0);
	ok &= EXPECT(!cmd.cdw11 && !cmd.cdw12 && rest_zero(&cmd));
	tap_result(ok, "nvme build: Identify Controller and Namespace for NVME_URING_CMD_ADMIN");
}

union sqe128 {
	struct io_uring_sqe sqe;
	unsigned char bytes[128];
};

static void test_nvme_prep_sqe(void)
{
	static char data[4096];
	struct cli_nvme_io io = io_of("read", 8, 8);
	struct nvme_uring_cmd cmd;
	union sqe128 s;
	size_t area = offsetof(struct io_uring_sqe, cmd), i;
	bool ok, zero = true;

	cli_nvme_build_uring(&io, 1, data, sizeof(data), NULL, 0, &cmd);
	memset(s.bytes, 0xff, sizeof(s.bytes));
	cli_nvme_prep_sqe(&s.sqe, 9, NVME_URING_CMD_IO, &cmd);
	ok = EXPECT(s.sqe.opcode == IORING_OP_URING_CMD);
	ok &= EXPECT(s.sqe.fd == 9 && s.sqe.cmd_op == NVME_URING_CMD_IO);
	ok &= EXPECT(s.sqe.flags == 0 && s.sqe.ioprio == 0 &&
		     s.sqe.__pad1 == 0 && s.sqe.rw_flags == 0);
	ok &= EXPECT(s.sqe.buf_index == 0 && s.sqe.personality == 0 &&
		     s.sqe.file_index == 0);
	ok &= EXPECT(s.sqe.addr == 0 && s.sqe.len == 0);
	ok &= EXPECT(area == 48);
	ok &= EXPECT(!memcmp(s.bytes + area, &cmd, sizeof(cmd)));
	for (i = area + sizeof(cmd); i < 128; i++)
		zero &= !s.bytes[i];
	ok &= EXPECT(zero);
	ok &= EXPECT(NVME_URING_CMD_IO == 0xc0484e80U);
	ok &= EXPECT(NVME_URING_CMD_ADMIN == 0xc0484e82U);
	tap_result(ok, "nvme build: NVME_URING_CMD_IO SQE over garbage, command in the 80-byte area");
}

void test_nvme_build(void)
{
	test_nvme_lba_format();
	test_nvme_sizes();
	test_nvme_build_rw();
	test_nvme_build_no_data();
	test_nvme_build_passthru();
	test_nvme_build_identify();
	test_nvme_prep_sqe();
}
