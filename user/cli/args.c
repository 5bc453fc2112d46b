// SPDX-License-Identifier: GPL-2.0
/* Option parsing shared by the subcommands. */
#include "cli.h"
#include "size.h"

/* A bad SIZE is a usage error: argp prints it with a hint and exits 2. */
void cli_parse_size(struct argp_state *state, const char *option,
		    const char *arg, uint64_t *bytes)
{
	enum size_error err = parse_size(arg, bytes);

	if (err)
		argp_error(state, "invalid size '%s' for %s: %s", arg, option,
			   size_error_text(err));
}

/* A plain number within [min, max]; else a usage error. */
void cli_parse_count(struct argp_state *state, const char *option,
		     const char *arg, uint64_t min, uint64_t max,
		     uint64_t *value)
{
	enum size_error err = parse_count(arg, value);

	if (err)
		argp_error(state, "invalid number '%s' for %s: %s", arg, option,
			   err == SIZE_OVERFLOW ? "too large" :
						  size_error_text(err));
	else if (*value < min || *value > max)
		argp_error(state, "%s must be between %llu and %llu, not %s",
			   option, (unsigned long long)min,
			   (unsigned long long)max, arg);
}
