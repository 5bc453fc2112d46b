// SPDX-License-Identifier: GPL-2.0
/* json_escape(). */
#include <string.h>
#include "json.h"
#include "tap.h"

struct json_case {
	const char *name;
	const char *in;
	const char *out;
};

static const struct json_case json_cases[] = {
	{ "plain text",		"vdb1",		"vdb1" },
	{ "empty string",	"",		"" },
	{ "quotes",		"a\"b",		"a\\\"b" },
	{ "backslash",		"a\\b",		"a\\\\b" },
	{ "short escapes",	"\b\f\n\r\t",	"\\b\\f\\n\\r\\t" },
	{ "other controls",	"\x01\x1f",	"\\u0001\\u001f" },
	{ "slash and DEL",	"/dev/x\x7f",	"/dev/x\x7f" },
	{ "UTF-8",		"d\xc3\xa9j\xc3\xa0", "d\xc3\xa9j\xc3\xa0" },
};

static void test_json_case(const struct json_case *c)
{
	char buf[64];
	size_t len = json_escape(buf, sizeof(buf), c->in);
	bool ok = EXPECT(!strcmp(buf, c->out));

	ok &= EXPECT(len == strlen(c->out));
	tap_result(ok, "json: %s", c->name);
}

static void test_json_truncation(void)
{
	char small[4], tiny[1] = { 'x' };
	bool ok;

	ok = EXPECT(json_escape(small, sizeof(small), "abcdef") == 6);
	ok &= EXPECT(!strcmp(small, "abc"));
	ok &= EXPECT(json_escape(small, sizeof(small), "a\nb") == 4);
	ok &= EXPECT(strlen(small) == 3);
	ok &= EXPECT(json_escape(tiny, sizeof(tiny), "abc") == 3);
	ok &= EXPECT(tiny[0] == '\0');
	ok &= EXPECT(json_escape(NULL, 0, "a\"b") == 4);
	tap_result(ok, "json: measures like snprintf() and always terminates");
}

void test_json(void)
{
	size_t i;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++)
		test_json_case(&json_cases[i]);
	test_json_truncation();
}
