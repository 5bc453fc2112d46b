// SPDX-License-Identifier: GPL-2.0
/*
 * One zone as urpt zones prints it. Kept apart from the command so that
 * the unit tests see the exact bytes of a row and of an object.
 */
#include "zone_names.h"
#include "zone_show.h"

void zone_show_header(FILE *out)
{
	fprintf(out, "%16s %12s %12s %16s  %-19s %s\n", "start", "len",
		"capacity", "wp", "type", "cond");
}

void zone_show_text(FILE *out, const struct urpt_zone *z)
{
	fprintf(out, "%16llu %12llu %12llu %16llu  %-19s %s\n",
		(unsigned long long)z->start, (unsigned long long)z->len,
		(unsigned long long)z->capacity, (unsigned long long)z->wp,
		zone_type_name(z->type), zone_cond_name(z->cond));
}

/* The names are fixed words without quotes: no escaping needed. */
void zone_show_json(FILE *out, const struct urpt_zone *z, bool first)
{
	fprintf(out, "%s{\"start\": %llu, \"len\": %llu, \"capacity\": %llu, "
		"\"wp\": %llu, \"type\": \"%s\", \"cond\": \"%s\", "
		"\"reset_recommended\": %s}",
		first ? "" : ", ", (unsigned long long)z->start,
		(unsigned long long)z->len, (unsigned long long)z->capacity,
		(unsigned long long)z->wp, zone_type_name(z->type),
		zone_cond_name(z->cond),
		z->flags & URPT_ZONE_F_RESET ? "true" : "false");
}
