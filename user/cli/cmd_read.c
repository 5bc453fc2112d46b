// SPDX-License-Identifier: GPL-2.0
/* urpt read DEV --offset SIZE --length SIZE [--output FILE] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

struct read_args {
	struct cli_node_args node;
	uint64_t offset;
	uint64_t length;
	bool have_length;
	const char *output;
};

static const struct argp_option read_options[] = {
	{ "offset", 'o', "SIZE", 0,
	  "Byte offset on the disk to read from (default 0); a multiple of "
	  "the logical block size", 0 },
	{ "length", 'l', "SIZE", 0,
	  "Bytes to read (required); a multiple of the logical block size", 0 },
	{ "output", 'f', "FILE", 0,
	  "Write the data to FILE instead of stdout: FILE is replaced only "
	  "once the whole range was read, and left as it was on any failure",
	  0 },
	{ "bounce", CLI_OPT_BOUNCE, NULL, 0,
	  "Have the module copy through kernel pages (URPT_F_BOUNCE)", 0 },
	CLI_FIXED_OPTION,
	CLI_POLL_OPTION,
	CLI_VERBOSE_OPTIONS,
	{ 0 }
};

static error_t parse_read(int key, char *arg, struct argp_state *state)
{
	struct read_args *a = state->input;

	switch (key) {
	case 'o':
		cli_parse_size(state, "--offset", arg, &a->offset);
		return 0;
	case 'l':
		cli_parse_size(state, "--length", arg, &a->length);
		a->have_length = true;
		return 0;
	case 'f':
		a->output = arg;
		return 0;
	case ARGP_KEY_END:
		cli_need_dev(state, a->node.dev);
		if (!a->have_length)
			argp_error(state, "missing --length");
		return 0;
	}
	return cli_parse_node(key, arg, state, &a->node);
}

static const struct argp read_argp = {
	.options	= read_options,
	.parser		= parse_read,
	.args_doc	= "DEV",
	.doc		= "Read --length bytes at --offset of the disk behind DEV "
			  "(/dev/urptN, or just N) to stdout or a file, in "
			  "commands of at most the device's max transfer, one "
			  "at a time."
			  CLI_SIZE_DOC,
	.children	= cli_help_children,
};

/*
 * The output: stdout, or a temporary file next to FILE that replaces it
 * only once the whole range was read, so that a failure leaves FILE as it
 * was (truncated by nothing, holding nothing of the failed read). FILE
 * keeps its mode; a symbolic link keeps pointing where it did. What is
 * not a regular file (/dev/null, a FIFO, a device) is written directly.
 */
struct output {
	char *path;		/* where the data goes; NULL: stdout */
	char *tmp;		/* PATH.urpt-XXXXXX while it is written */
	int fd;
};

static int open_output(struct output *o, const char *path)
{
	struct stat st;
	mode_t mode;
	int exists;

	o->path = NULL;
	o->tmp = NULL;
	o->fd = STDOUT_FILENO;
	if (!path)
		return 0;
	exists = !stat(path, &st);
	if (exists && !S_ISREG(st.st_mode)) {
		o->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (o->fd < 0) {
			report_errno(errno, "%s: cannot open for writing", path);
			return -1;
		}
		return 0;
	}
	o->path = exists ? realpath(path, NULL) : strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.urpt-XXXXXX", o->path) < 0) {
		report_errno(errno ? errno : ENOMEM, "%s", path);
		free(o->path);
		o->path = NULL;
		o->tmp = NULL;
		return -1;
	}
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		report_errno(errno, "%s: cannot create a file next to it",
			     path);
		free(o->tmp);
		free(o->path);
		o->tmp = NULL;
		o->path = NULL;
		return -1;
	}
	if (exists) {
		mode = st.st_mode & 07777;
	} else {
		/* What open(O_CREAT, 0644) makes; mkostemp makes 0600. */
		mode = umask(0);
		umask(mode);
		mode = 0644 & ~mode;
	}
	if (fchmod(o->fd, mode))
		report_errno(errno, "%s: chmod", o->tmp);
	return 0;
}

/* Success: the temporary file becomes FILE. */
static int commit_output(struct output *o)
{
	if (!o->path) {
		/* stdout, or a device: errors of delayed writes show here. */
		if (o->fd != STDOUT_FILENO && close(o->fd)) {
			o->fd = -1;
			report_errno(errno, "close");
			return CLI_EXIT_FAILED;
		}
		o->fd = -1;
		return CLI_EXIT_OK;
	}
	/* Errors of delayed writes show up here. */
	if (close(o->fd)) {
		report_errno(errno, "%s: close", o->tmp);
		o->fd = -1;
		return CLI_EXIT_FAILED;
	}
	o->fd = -1;
	if (rename(o->tmp, o->path)) {
		report_errno(errno, "%s: cannot rename %s to it", o->path,
			     o->tmp);
		return CLI_EXIT_FAILED;
	}
	free(o->tmp);
	o->tmp = NULL;
	return CLI_EXIT_OK;
}

/* Failure, or what commit_output() left: FILE stays as it was. */
static void discard_output(struct output *o)
{
	if (o->fd >= 0 && o->fd != STDOUT_FILENO)
		close(o->fd);
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
	}
	free(o->path);
	o->fd = -1;
	o->tmp = NULL;
	o->path = NULL;
}

static int read_range(struct cli_dev *d, const struct urpt_info *info,
		      const struct read_args *a, int out)
{
	uint32_t max = cli_dev_chunk(d, info, a->length);
	uint64_t done = 0;
	void *buf;
	int ret;

	if (!max)
		return CLI_EXIT_FAILED;
	ret = cli_dev_buffer(d, info, max, &buf);
	while (!ret && done < a->length) {
		uint32_t len = cli_dev_chunk(d, info, a->length - done);
		int err;

		ret = cli_dev_read(d, buf, len, a->offset + done);
		if (ret)
			break;
		err = write_all(out, buf, len);
		if (err) {
			report_errno(err, "%s: write",
				     a->output ? a->output : "stdout");
			ret = CLI_EXIT_FAILED;
			break;
		}
		done += len;
	}
	free(buf);
	return ret;
}

int cmd_read(int argc, char **argv, const struct cli_global *global)
{
	struct read_args a = { .node.verbose = global->verbose };
	struct urpt_info info;
	struct output o;
	struct cli_dev d;
	int ret;

	argp_parse(&read_argp, argc, argv, 0, NULL, &a);
	ret = cli_dev_start(&d, &a.node, O_RDONLY, URPT_CMD_READ, &info);
	if (ret)
		return ret;
	ret = cli_dev_data_ring(&d);
	if (!ret)
		ret = cli_dev_check_range(&d, &info, false, a.offset, a.length);
	if (ret)
		goto out;
	/* Only now, so that a bad device or range leaves the file alone. */
	if (open_output(&o, a.output)) {
		ret = CLI_EXIT_FAILED;
		goto out;
	}
	ret = read_range(&d, &info, &a, o.fd);
	if (!ret)
		ret = commit_output(&o);
	discard_output(&o);
out:
	cli_dev_close(&d);
	return ret;
}
