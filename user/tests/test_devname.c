// SPDX-License-Identifier: GPL-2.0
/* parse_urpt_index() (urpt detach) and urpt_dev_path() (DEV arguments). */
#include <string.h>
#include "devname.h"
#include "tap.h"

struct index_case {
	const char *text;
	bool valid;
	uint32_t index;
};

static const struct index_case index_cases[] = {
	{ "0",			true,	0 },
	{ "7",			true,	7 },
	{ "255",		true,	255 },
	{ "4294967295",		true,	UINT32_MAX },
	{ "/dev/urpt0",		true,	0 },
	{ "/dev/urpt12",	true,	12 },
	{ "urpt3",		true,	3 },
	{ "",			false,	0 },
	{ "-1",			false,	0 },
	{ "+1",			false,	0 },
	{ " 1",			false,	0 },
	{ "1 ",			false,	0 },
	{ "01",			false,	0 },
	{ "0x1",		false,	0 },
	{ "4294967296",		false,	0 },
	{ "99999999999999999999", false, 0 },
	{ "/dev/urpt",		false,	0 },
	{ "/dev/urpt01",	false,	0 },
	{ "/dev/urpt1x",	false,	0 },
	{ "/dev/urpt-control",	false,	0 },
	{ "/dev/sda",		false,	0 },
	{ "/dev/3",		false,	0 },
	{ "/dev//urpt3",	false,	0 },
	{ "x/dev/urpt1",	false,	0 },
	{ "urpt",		false,	0 },
	{ "garbage",		false,	0 },
};

static void test_index_case(const struct index_case *c)
{
	uint32_t index = 0xdead;
	bool valid = parse_urpt_index(c->text, &index);
	bool ok = EXPECT(valid == c->valid);

	if (c->valid)
		ok &= EXPECT(index == c->index);
	tap_result(ok, "devname: '%s' is %s", c->text,
		   c->valid ? "a valid urpt index" : "refused");
}

static void test_index_null(void)
{
	uint32_t index;

	tap_result(EXPECT(!parse_urpt_index(NULL, &index)),
		   "devname: NULL is refused");
}

static void test_dev_path(void)
{
	char buf[64], small[8];
	bool ok = true;
	int len;

	urpt_dev_path(buf, sizeof(buf), "3");
	ok &= EXPECT(!strcmp(buf, "/dev/urpt3"));
	urpt_dev_path(buf, sizeof(buf), "/dev/urpt3");
	ok &= EXPECT(!strcmp(buf, "/dev/urpt3"));
	urpt_dev_path(buf, sizeof(buf), "./node");
	ok &= EXPECT(!strcmp(buf, "./node"));
	urpt_dev_path(buf, sizeof(buf), "urpt3");
	ok &= EXPECT(!strcmp(buf, "urpt3"));
	len = urpt_dev_path(small, sizeof(small), "/dev/urpt12345");
	ok &= EXPECT(len == 14);
	ok &= EXPECT(strlen(small) == sizeof(small) - 1);
	tap_result(ok, "devname: DEV N means /dev/urptN, paths stay as given");
}

void test_devname(void)
{
	size_t i;

	for (i = 0; i < sizeof(index_cases) / sizeof(index_cases[0]); i++)
		test_index_case(&index_cases[i]);
	test_index_null();
	test_dev_path();
}
