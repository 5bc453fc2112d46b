// SPDX-License-Identifier: GPL-2.0
/* urpt nvme: actions, numbers, opcodes and the io option checks. */
#include <errno.h>
#include <string.h>
#include <nvme/types.h>
#include "nvme_opts.h"
#include "tap.h"

static void test_nvme_actions(void)
{
	char *first[] = { "urpt nvme", "id-ctrl", "/dev/ng0n1", NULL };
	char *dev_first[] = { "urpt nvme", "/dev/urpt0", "io", "-O", "read",
			      NULL };
	char *help[] = { "urpt nvme", "--help", NULL };
	char *opt_first[] = { "urpt nvme", "-v", "io", NULL };
	char *none[] = { "urpt nvme", "/dev/urpt0", "read", NULL };
	char *alone[] = { "urpt nvme", NULL };
	bool ok;

	ok = EXPECT(cli_nvme_find_action("id-ctrl") == CLI_NVME_ID_CTRL);
	ok &= EXPECT(cli_nvme_find_action("id-ns") == CLI_NVME_ID_NS);
	ok &= EXPECT(cli_nvme_find_action("io") == CLI_NVME_IO);
	ok &= EXPECT(cli_nvme_find_action("id") == -1);
	ok &= EXPECT(cli_nvme_find_action(NULL) == -1);
	ok &= EXPECT(!strcmp(cli_nvme_action_name(CLI_NVME_ID_NS), "id-ns"));
	ok &= EXPECT(!strcmp(cli_nvme_action_name(CLI_NVME_NR_ACTIONS),
			     "unknown"));
	ok &= EXPECT(cli_nvme_action_index(3, first) == 1);
	ok &= EXPECT(cli_nvme_action_index(5, dev_first) == 2);
	ok &= EXPECT(cli_nvme_action_index(2, help) == 0);
	ok &= EXPECT(cli_nvme_action_index(3, opt_first) == 0);
	ok &= EXPECT(cli_nvme_action_index(3, none) == 0);
	ok &= EXPECT(cli_nvme_action_index(1, alone) == 0);
	tap_result(ok, "nvme opts: ACTION DEV and DEV ACTION, nothing else");
}

struct number_case {
	const char *s;
	uint64_t max;
	int ret;
	uint64_t value;
};

static const struct number_case number_cases[] = {
	{ "0",			UINT64_MAX,	0,		0 },
	{ "42",			UINT64_MAX,	0,		42 },
	{ "007",		UINT64_MAX,	0,		7 },
	{ "0x1F",		UINT64_MAX,	0,		31 },
	{ "0X10",		UINT64_MAX,	0,		16 },
	{ "18446744073709551615", UINT64_MAX,	0,		UINT64_MAX },
	{ "0xffffffffffffffff",	UINT64_MAX,	0,		UINT64_MAX },
	{ "18446744073709551616", UINT64_MAX,	-ERANGE,	0 },
	{ "256",		255,		-ERANGE,	0 },
	{ "255",		255,		0,		255 },
	{ "",			UINT64_MAX,	-EINVAL,	0 },
	{ "0x",			UINT64_MAX,	-EINVAL,	0 },
	{ "-1",			UINT64_MAX,	-EINVAL,	0 },
	{ "+1",			UINT64_MAX,	-EINVAL,	0 },
	{ " 1",			UINT64_MAX,	-EINVAL,	0 },
	{ "1k",			UINT64_MAX,	-EINVAL,	0 },
	{ "0x-1",		UINT64_MAX,	-EINVAL,	0 },
	{ "0x 1",		UINT64_MAX,	-EINVAL,	0 },
	{ "12 ",		UINT64_MAX,	-EINVAL,	0 },
	{ "1a",			UINT64_MAX,	-EINVAL,	0 },
};

static void test_nvme_numbers(void)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < sizeof(number_cases) / sizeof(number_cases[0]); i++) {
		const struct number_case *c = &number_cases[i];
		uint64_t v = 12345;
		int ret = cli_nvme_parse_number(c->s, c->max, &v);

		if (!EXPECT(ret == c->ret) ||
		    !EXPECT(v == (ret ? 12345 : c->value))) {
			tap_diag("case '%s'", c->s);
			ok = false;
		}
	}
	ok &= EXPECT(cli_nvme_parse_number(NULL, 1, &(uint64_t){ 0 }) ==
		     -EINVAL);
	tap_result(ok, "nvme opts: numbers in decimal or 0x hex, nothing else");
}

struct opcode_case {
	const char *s;
	int ret;
	const char *name;
	uint8_t opcode;
	enum cli_nvme_dir dir;
	unsigned int uses;
};

#define LBA	CLI_NVME_USES_LBA
#define FUA	CLI_NVME_USES_FUA

static const struct opcode_case opcode_cases[] = {
	{ "read", 0, "read", 0x02, CLI_NVME_DIR_READ, LBA | FUA },
	{ "write", 0, "write", 0x01, CLI_NVME_DIR_WRITE, LBA | FUA },
	{ "flush", 0, "flush", 0x00, CLI_NVME_DIR_NONE, 0 },
	{ "write-zeroes", 0, "write-zeroes", 0x08, CLI_NVME_DIR_NONE,
	  LBA | FUA | CLI_NVME_USES_DEAC },
	{ "dsm", 0, "dsm", 0x09, CLI_NVME_DIR_WRITE,
	  LBA | CLI_NVME_DSM_RANGE },
	{ "deallocate", 0, "dsm", 0x09, CLI_NVME_DIR_WRITE,
	  LBA | CLI_NVME_DSM_RANGE },
	{ "2", 0, "read", 0x02, CLI_NVME_DIR_READ, LBA | FUA },
	{ "0x08", 0, "write-zeroes", 0x08, CLI_NVME_DIR_NONE,
	  LBA | FUA | CLI_NVME_USES_DEAC },
	{ "0x05", 0, NULL, 0x05, CLI_NVME_DIR_WRITE, LBA },	/* compare */
	{ "0x0c", 0, NULL, 0x0c, CLI_NVME_DIR_NONE, LBA },	/* verify */
	{ "0x0e", 0, NULL, 0x0e, CLI_NVME_DIR_READ, LBA },
	{ "0x03", -EINVAL, NULL, 0, 0, 0 },	/* bidirectional */
	{ "256", -EINVAL, NULL, 0, 0, 0 },
	{ "Read", -EINVAL, NULL, 0, 0, 0 },
	{ "", -EINVAL, NULL, 0, 0, 0 },
};

static void test_nvme_opcodes(void)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < sizeof(opcode_cases) / sizeof(opcode_cases[0]); i++) {
		const struct opcode_case *c = &opcode_cases[i];
		struct cli_nvme_opcode op;
		bool good;

		memset(&op, 0xa5, sizeof(op));
		good = EXPECT(cli_nvme_parse_opcode(c->s, &op) == c->ret);
		if (good && !c->ret) {
			good &= EXPECT(c->name ? op.name && !strcmp(op.name, c->name) :
						 !op.name);
			good &= EXPECT(op.opcode == c->opcode);
			good &= EXPECT(op.dir == c->dir);
			good &= EXPECT(op.uses == c->uses);
		}
		if (!good)
			tap_diag("case '%s'", c->s);
		ok &= good;
	}
	ok &= EXPECT(nvme_cmd_read == 0x02 && nvme_cmd_write_zeroes == 0x08);
	tap_result(ok, "nvme opts: opcodes by name or number, direction from bits 1:0");
}

/* An io request: opcode by name, the rest as given. */
static struct cli_nvme_io io_of(const char *opcode)
{
	struct cli_nvme_io io;

	memset(&io, 0, sizeof(io));
	if (opcode) {
		cli_nvme_parse_opcode(opcode, &io.op);
		io.have_op = true;
	}
	return io;
}

static bool io_ok(const struct cli_nvme_io *io)
{
	const char *problem = cli_nvme_io_check(io);

	if (problem)
		tap_diag("refused: %s", problem);
	return !problem;
}

static bool io_refused(const struct cli_nvme_io *io, const char *what)
{
	const char *problem = cli_nvme_io_check(io);

	if (!problem || !strstr(problem, what)) {
		tap_diag("expected a refusal naming '%s', got '%s'", what,
			 problem ? problem : "(accepted)");
		return false;
	}
	return true;
}

static void test_nvme_io_check(void)
{
	struct cli_nvme_io io;
	bool ok;

	io = io_of(NULL);
	ok = io_refused(&io, "--opcode");
	io = io_of("read");
	ok &= io_refused(&io, "--slba");
	io.have_slba = true;
	ok &= io_ok(&io) && EXPECT(cli_nvme_io_nlb(&io) == 1);
	io.have_nlb = true;
	io.nlb = 65536;
	ok &= io_ok(&io) && EXPECT(cli_nvme_io_nlb(&io) == 65536);
	io.nlb = 65537;
	ok &= io_refused(&io, "65536");
	io.nlb = 0;
	ok &= io_refused(&io, "between 1");
	io.nlb = 8;
	io.slba = UINT64_MAX - 7;
	ok &= io_ok(&io);
	io.slba = UINT64_MAX - 6;
	ok &= io_refused(&io, "past the last");
	io.slba = 0;
	io.fua = true;
	ok &= io_ok(&io);
	io.json = true;
	ok &= io_refused(&io, "--output");
	io.output = "x.bin";
	ok &= io_ok(&io);
	io.input = "y.bin";
	ok &= io_refused(&io, "--input");
	io.input = NULL;
	io.deallocate = true;
	ok &= io_refused(&io, "--deallocate");

	io = io_of("flush");
	ok &= io_ok(&io);
	io.have_slba = true;
	ok &= io_refused(&io, "do not apply");
	io.have_slba = false;
	io.fua = true;
	ok &= io_refused(&io, "--fua");

	io = io_of("write");
	io.have_slba = true;
	io.input = "data.bin";
	ok &= io_ok(&io);
	io.output = "out.bin";
	ok &= io_refused(&io, "--output");

	io = io_of("write-zeroes");
	io.have_slba = true;
	io.deallocate = io.fua = true;
	ok &= io_ok(&io);
	io.input = "data.bin";
	ok &= io_refused(&io, "--input");

	io = io_of("dsm");
	io.have_slba = io.have_nlb = true;
	io.nlb = UINT32_MAX;
	ok &= io_ok(&io);
	io.fua = true;
	ok &= io_refused(&io, "--fua");
	io.fua = false;
	io.input = "range.bin";
	ok &= io_refused(&io, "--input");
	tap_result(ok, "nvme opts: io options only where the opcode takes them");
}

void test_nvme_opts(void)
{
	test_nvme_actions();
	test_nvme_numbers();
	test_nvme_opcodes();
	test_nvme_io_check();
}
