/* SPDX-License-Identifier: GPL-2.0 */
/* Names of the zone model, zone types, conditions and actions. */
#ifndef URPT_CLI_ZONE_NAMES_H
#define URPT_CLI_ZONE_NAMES_H

#include <stdint.h>

const char *zoned_model_name(uint32_t zoned);
const char *zone_type_name(uint8_t type);
const char *zone_cond_name(uint8_t cond);
/* URPT_ZONE_RESET..FINISH for "reset", "open", "close", "finish"; 0 else. */
uint32_t zone_action_parse(const char *name);

#endif
