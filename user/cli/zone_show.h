/* SPDX-License-Identifier: GPL-2.0 */
/* One zone as urpt zones prints it: a table row or a JSON object. */
#ifndef URPT_CLI_ZONE_SHOW_H
#define URPT_CLI_ZONE_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include <liburpt.h>

void zone_show_header(FILE *out);
void zone_show_text(FILE *out, const struct urpt_zone *z);
/* first: no ", " before it, as the first element of the array. */
void zone_show_json(FILE *out, const struct urpt_zone *z, bool first);

#endif
