// SPDX-License-Identifier: GPL-2.0
/* Names of feature and attach flag bits. */
#include <string.h>
#include <liburpt.h>
#include "flags.h"
#include "tap.h"

static void test_feature_names(void)
{
	char buf[128];
	bool ok;

	format_flags(buf, sizeof(buf), 0, feature_name, " ");
	ok = EXPECT(!strcmp(buf, "none"));
	format_flags(buf, sizeof(buf),
		     URPT_FEAT_READ_ONLY | URPT_FEAT_WRITE_CACHE |
		     URPT_FEAT_FUA | URPT_FEAT_ROTATIONAL |
		     URPT_FEAT_PARTITION, feature_name, " ");
	ok &= EXPECT(!strcmp(buf,
			     "read-only write-cache fua rotational partition"));
	format_flags(buf, sizeof(buf), URPT_FEAT_FUA | 1ULL << 63,
		     feature_name, " ");
	ok &= EXPECT(!strcmp(buf, "fua bit63"));
	format_flags(buf, sizeof(buf),
		     URPT_FEAT_DISCARD | URPT_FEAT_WRITE_ZEROES |
		     URPT_FEAT_POLL | URPT_FEAT_FIXED | URPT_FEAT_FIXED_VEC |
		     URPT_FEAT_NOWAIT | URPT_FEAT_ZONED | 1ULL << 12,
		     feature_name, " ");
	ok &= EXPECT(!strcmp(buf,
			     "discard write-zeroes poll fixed fixed-vec nowait zoned bit12"));
	tap_result(ok, "flags: features by name, unknown bits as bit<n>");
}

static void test_attach_flag_names(void)
{
	char buf[64];
	bool ok;

	format_flags(buf, sizeof(buf), URPT_ATTACH_READ_ONLY | URPT_ATTACH_SHARED,
		     attach_flag_name, ",");
	ok = EXPECT(!strcmp(buf, "read-only,shared"));
	format_flags(buf, sizeof(buf), URPT_ATTACH_SHARED, attach_flag_name,
		     ",");
	ok &= EXPECT(!strcmp(buf, "shared"));
	ok &= EXPECT(attach_flag_name(1ULL << 2) == NULL);
	tap_result(ok, "flags: attach flags by name");
}

static void test_flags_truncation(void)
{
	char small[6];
	int len;
	bool ok;

	len = format_flags(small, sizeof(small), URPT_FEAT_READ_ONLY |
			   URPT_FEAT_WRITE_CACHE, feature_name, " ");
	ok = EXPECT(len == (int)strlen("read-only write-cache"));
	ok &= EXPECT(!strcmp(small, "read-"));
	len = format_flags(NULL, 0, URPT_FEAT_FUA, feature_name, " ");
	ok &= EXPECT(len == 3);
	tap_result(ok, "flags: measures like snprintf() and always terminates");
}

void test_flags(void)
{
	test_feature_names();
	test_attach_flag_names();
	test_flags_truncation();
}
