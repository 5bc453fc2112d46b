// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the zone model, zone types, conditions and actions, as urpt(1)
 * prints and takes them (blkzone(8)'s words where it has them).
 */
#include <string.h>
#include <liburpt.h>
#include "zone_names.h"

const char *zoned_model_name(uint32_t zoned)
{
	switch (zoned) {
	case URPT_ZONED_NONE:
		return "none";
	case URPT_ZONED_HOST_AWARE:
		return "host-aware";
	case URPT_ZONED_HOST_MANAGED:
		return "host-managed";
	}
	return "unknown";
}

const char *zone_type_name(uint8_t type)
{
	switch (type) {
	case URPT_ZONE_TYPE_CONVENTIONAL:
		return "conventional";
	case URPT_ZONE_TYPE_SEQ_REQUIRED:
		return "seq-write-required";
	case URPT_ZONE_TYPE_SEQ_PREFERRED:
		return "seq-write-preferred";
	}
	return "unknown";
}

const char *zone_cond_name(uint8_t cond)
{
	switch (cond) {
	case URPT_ZONE_COND_NOT_WP:
		return "not-write-pointer";
	case URPT_ZONE_COND_EMPTY:
		return "empty";
	case URPT_ZONE_COND_IMP_OPEN:
		return "implicit-open";
	case URPT_ZONE_COND_EXP_OPEN:
		return "explicit-open";
	case URPT_ZONE_COND_CLOSED:
		return "closed";
	case URPT_ZONE_COND_READONLY:
		return "read-only";
	case URPT_ZONE_COND_FULL:
		return "full";
	case URPT_ZONE_COND_OFFLINE:
		return "offline";
	}
	return "unknown";
}

uint32_t zone_action_parse(const char *name)
{
	static const struct {
		const char *name;
		uint32_t action;
	} actions[] = {
		{ "reset", URPT_ZONE_RESET },
		{ "open", URPT_ZONE_OPEN },
		{ "close", URPT_ZONE_CLOSE },
		{ "finish", URPT_ZONE_FINISH },
	};
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(name, actions[i].name))
			return actions[i].action;
	return 0;
}
