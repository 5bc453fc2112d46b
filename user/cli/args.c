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
