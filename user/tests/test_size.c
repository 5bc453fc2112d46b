// SPDX-License-Identifier: GPL-2.0
/* parse_size() and format_size(). */
#include <string.h>
#include "size.h"
#include "tap.h"

struct size_case {
	const char *text;
	enum size_error err;
	uint64_t bytes;
};

static const struct size_case size_cases[] = {
	{ "0",			SIZE_OK,	0 },
	{ "512",		SIZE_OK,	512 },
	{ "4k",			SIZE_OK,	4096 },
	{ "4K",			SIZE_OK,	4096 },
	{ "4KiB",		SIZE_OK,	4096 },
	{ "1m",			SIZE_OK,	1ULL << 20 },
	{ "3M",			SIZE_OK,	3ULL << 20 },
	{ "64MiB",		SIZE_OK,	64ULL << 20 },
	{ "1g",			SIZE_OK,	1ULL << 30 },
	{ "2G",			SIZE_OK,	2ULL << 30 },
	{ "5GiB",		SIZE_OK,	5ULL << 30 },
	{ "1t",			SIZE_OK,	1ULL << 40 },
	{ "7T",			SIZE_OK,	7ULL << 40 },
	{ "2TiB",		SIZE_OK,	2ULL << 40 },
	{ "0k",			SIZE_OK,	0 },
	{ "007",		SIZE_OK,	7 },
	{ "18446744073709551615", SIZE_OK,	UINT64_MAX },
	{ "16777215T",		SIZE_OK,	16777215ULL << 40 },
	{ "",			SIZE_EMPTY,	0 },
	{ "-1",			SIZE_NEGATIVE,	0 },
	{ "-0",			SIZE_NEGATIVE,	0 },
	{ "-4k",		SIZE_NEGATIVE,	0 },
	{ "k",			SIZE_NOT_A_NUMBER, 0 },
	{ "+4",			SIZE_NOT_A_NUMBER, 0 },
	{ " 4",			SIZE_NOT_A_NUMBER, 0 },
	{ "abc",		SIZE_NOT_A_NUMBER, 0 },
	{ "4 ",			SIZE_BAD_SUFFIX, 0 },
	{ "4 k",		SIZE_BAD_SUFFIX, 0 },
	{ "4kb",		SIZE_BAD_SUFFIX, 0 },
	{ "4KB",		SIZE_BAD_SUFFIX, 0 },
	{ "4Ki",		SIZE_BAD_SUFFIX, 0 },
	{ "4kk",		SIZE_BAD_SUFFIX, 0 },
	{ "4P",			SIZE_BAD_SUFFIX, 0 },
	{ "0x10",		SIZE_BAD_SUFFIX, 0 },
	{ "4.5k",		SIZE_BAD_SUFFIX, 0 },
	{ "1e3",		SIZE_BAD_SUFFIX, 0 },
	{ "12q",		SIZE_BAD_SUFFIX, 0 },
	{ "18446744073709551616", SIZE_OVERFLOW, 0 },
	{ "99999999999999999999999", SIZE_OVERFLOW, 0 },
	{ "16777216T",		SIZE_OVERFLOW,	0 },
	{ "17179869184G",	SIZE_OVERFLOW,	0 },
	{ "18014398509481984k",	SIZE_OVERFLOW,	0 },
};

static void test_size_case(const struct size_case *c)
{
	uint64_t bytes = 0xdeadbeef;
	enum size_error err = parse_size(c->text, &bytes);
	bool ok = EXPECT(err == c->err);

	if (c->err == SIZE_OK)
		ok &= EXPECT(bytes == c->bytes);
	else
		ok &= EXPECT(bytes == 0xdeadbeef);
	tap_result(ok, "size: '%s' is %s", c->text, c->err == SIZE_OK ?
		   "accepted with its value" : size_error_text(c->err));
}

static void test_size_null(void)
{
	uint64_t bytes;

	tap_result(EXPECT(parse_size(NULL, &bytes) == SIZE_EMPTY),
		   "size: NULL is refused as empty");
}

static void test_size_error_texts(void)
{
	bool ok = true;
	int err;

	for (err = SIZE_EMPTY; err <= SIZE_OVERFLOW; err++)
		ok &= EXPECT(strlen(size_error_text(err)) > 0);
	tap_result(ok, "size: every error has a text");
}

struct format_case {
	uint64_t bytes;
	const char *text;
};

static void test_format_size(void)
{
	static const struct format_case cases[] = {
		{ 0,			"0 B" },
		{ 1023,			"1023 B" },
		{ 1024,			"1.00 KiB" },
		{ 1536ULL << 20,	"1.50 GiB" },
		{ 1ULL << 40,		"1.00 TiB" },
		{ UINT64_MAX,		"16.00 EiB" },
	};
	bool ok = true;
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_size(buf, sizeof(buf), cases[i].bytes);
		if (!EXPECT(!strcmp(buf, cases[i].text))) {
			tap_diag("got '%s' for %llu", buf,
				 (unsigned long long)cases[i].bytes);
			ok = false;
		}
	}
	tap_result(ok, "size: format_size() picks binary units");
}

static void test_parse_count(void)
{
	uint64_t v = 99;
	bool ok;

	ok = EXPECT(parse_count("32", &v) == SIZE_OK && v == 32);
	ok &= EXPECT(parse_count("0", &v) == SIZE_OK && v == 0);
	ok &= EXPECT(parse_count("18446744073709551615", &v) == SIZE_OK &&
		     v == UINT64_MAX);
	v = 7;
	ok &= EXPECT(parse_count("4k", &v) == SIZE_NOT_A_NUMBER && v == 7);
	ok &= EXPECT(parse_count("3x", &v) == SIZE_NOT_A_NUMBER && v == 7);
	ok &= EXPECT(parse_count("0x10", &v) == SIZE_NOT_A_NUMBER && v == 7);
	ok &= EXPECT(parse_count("-1", &v) == SIZE_NEGATIVE && v == 7);
	ok &= EXPECT(parse_count("", &v) == SIZE_EMPTY && v == 7);
	ok &= EXPECT(parse_count("18446744073709551616", &v) ==
		     SIZE_OVERFLOW && v == 7);
	tap_result(ok, "size: parse_count() takes plain decimal numbers only");
}

void test_size(void)
{
	test_parse_count();
	size_t i;

	for (i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++)
		test_size_case(&size_cases[i]);
	test_size_null();
	test_size_error_texts();
	test_format_size();
}
