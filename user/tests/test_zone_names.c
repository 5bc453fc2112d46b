// SPDX-License-Identifier: GPL-2.0
/* Names of the zone model, types, conditions and actions. */
#include <string.h>
#include <liburpt.h>
#include "zone_names.h"
#include "tap.h"

static void test_zone_words(void)
{
	bool ok = EXPECT(!strcmp(zoned_model_name(URPT_ZONED_NONE), "none"));

	ok &= EXPECT(!strcmp(zoned_model_name(URPT_ZONED_HOST_MANAGED),
			     "host-managed"));
	ok &= EXPECT(!strcmp(zoned_model_name(URPT_ZONED_HOST_AWARE),
			     "host-aware"));
	ok &= EXPECT(!strcmp(zoned_model_name(3), "unknown"));
	ok &= EXPECT(!strcmp(zone_type_name(URPT_ZONE_TYPE_CONVENTIONAL),
			     "conventional"));
	ok &= EXPECT(!strcmp(zone_type_name(URPT_ZONE_TYPE_SEQ_REQUIRED),
			     "seq-write-required"));
	ok &= EXPECT(!strcmp(zone_type_name(0), "unknown"));
	ok &= EXPECT(!strcmp(zone_cond_name(URPT_ZONE_COND_EMPTY), "empty"));
	ok &= EXPECT(!strcmp(zone_cond_name(URPT_ZONE_COND_IMP_OPEN),
			     "implicit-open"));
	ok &= EXPECT(!strcmp(zone_cond_name(URPT_ZONE_COND_FULL), "full"));
	ok &= EXPECT(!strcmp(zone_cond_name(URPT_ZONE_COND_OFFLINE),
			     "offline"));
	ok &= EXPECT(!strcmp(zone_cond_name(0xff), "unknown"));
	tap_result(ok, "zones: model, type and condition names, unknown values as unknown");
}

static void test_zone_actions(void)
{
	bool ok = EXPECT(zone_action_parse("reset") == URPT_ZONE_RESET);

	ok &= EXPECT(zone_action_parse("open") == URPT_ZONE_OPEN);
	ok &= EXPECT(zone_action_parse("close") == URPT_ZONE_CLOSE);
	ok &= EXPECT(zone_action_parse("finish") == URPT_ZONE_FINISH);
	ok &= EXPECT(zone_action_parse("reset-all") == 0);
	ok &= EXPECT(zone_action_parse("Reset") == 0);
	ok &= EXPECT(zone_action_parse("") == 0);
	tap_result(ok, "zones: the four actions by name, nothing else");
}

void test_zone_names(void)
{
	test_zone_words();
	test_zone_actions();
}
