// SPDX-License-Identifier: GPL-2.0
/*
 * urpt nvme ACTION DEV [OPTION...]: NVMe passthrough, built with libnvme's
 * types, on /dev/urptN's NVMe personality or any NVMe node (/dev/ngXnY,
 * /dev/nvmeXnY).
 *
 *   id-ctrl  Identify Controller (CNS 1), through NVME_IOCTL_ADMIN_CMD
 *   id-ns    Identify Namespace (CNS 0), through NVME_IOCTL_ADMIN_CMD
 *   io       one I/O command, IORING_OP_URING_CMD with NVME_URING_CMD_IO
 *            (or NVME_IOCTL_IO_CMD with --ioctl)
 *
 * Admin commands go through the ioctl, which /dev/ngXnY and the
 * personality both take, or with --uring through io_uring
 * (NVME_URING_CMD_ADMIN), which the personality and NVMe controller nodes
 * (/dev/nvme0) take but /dev/ngXnY refuses (-ENOTTY).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "devname.h"
#include "nodekind.h"
#include "nvme_build.h"
#include "nvme_dev.h"
#include "nvme_opts.h"
#include "nvme_show.h"

#define CLI_NVME_DOC							\
	"DEV is /dev/urptN (or just N), whose NVMe personality takes the "	\
	"commands, or an NVMe node such as /dev/ng0n1 or /dev/nvme0n1. "	\
	"Positive NVMe statuses are printed by name (nvme_status_to_string), "	\
	"errors of the kernel with their errno. "				\
	CLI_EXIT_DOC

/* What every action takes. */
struct nvme_common {
	const char *dev;
	uint32_t nsid;		/* --namespace-id; 0: NVME_IOCTL_ID */
	bool json;
	bool verbose;
};

#define NVME_OPT_IOCTL		0x200
#define NVME_OPT_INPUT		0x201
#define NVME_OPT_OUTPUT		0x202
#define NVME_OPT_FUA		0x203
#define NVME_OPT_DEALLOCATE	0x204

#define NVME_NSID_OPTION						\
	{ "namespace-id", 'n', "NSID", 0,				\
	  "Namespace to address (decimal or 0x hex); by default the one "	\
	  "DEV answers to NVME_IOCTL_ID", 0 }

#define NVME_COMMON_OPTIONS						\
	{ "json", 'j', NULL, 0, "Print a JSON object", 0 },		\
	{ "verbose", 'v', NULL, 0,					\
	  "Print each command's completion on stderr: res (0, NVMe "	\
	  "status or -errno), result dword 0 and the status in words", 0 }, \
	{ "details", CLI_OPT_DETAILS, NULL, OPTION_ALIAS, NULL, 0 }

static error_t parse_common(int key, char *arg, struct argp_state *state,
			    struct nvme_common *c)
{
	uint64_t v;

	switch (key) {
	case 'n':
		if (cli_nvme_parse_number(arg, UINT32_MAX, &v) || !v ||
		    v == UINT32_MAX)
			argp_error(state, "invalid namespace id '%s' (1 to "
				   "0xfffffffe)", arg);
		c->nsid = (uint32_t)v;
		return 0;
	case 'j':
		c->json = true;
		return 0;
	case 'v':
	case CLI_OPT_DETAILS:
		c->verbose = true;
		return 0;
	case ARGP_KEY_ARG:
		cli_parse_arg(state, arg, &c->dev);
		return 0;
	case ARGP_KEY_END:
		if (!c->dev)
			argp_error(state, "missing DEV (/dev/urptN, N or an "
				   "NVMe node such as /dev/ng0n1)");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* Opened DEV: its path as given (N becomes /dev/urptN) and its nsid. */
struct nvme_node {
	char path[256];
	int fd;
	uint32_t nsid;
};

static int node_open(struct nvme_node *n, const struct nvme_common *c,
		     int flags)
{
	int ret;

	if ((size_t)urpt_dev_path(n->path, sizeof(n->path), c->dev) >=
	    sizeof(n->path)) {
		report("%.64s...: path too long", c->dev);
		return CLI_EXIT_USAGE;
	}
	/* /dev/null would take --uring's Identify and answer zeros. */
	ret = cli_node_check(n->path, NODE_TAKE_URPT | NODE_TAKE_NVME);
	if (ret)
		return ret;
	n->fd = open(n->path, flags | O_CLOEXEC);
	if (n->fd < 0) {
		report_errno(errno, "%s: cannot open", n->path);
		return CLI_EXIT_OPEN;
	}
	return CLI_EXIT_OK;
}

/* The namespace to address: --namespace-id, else NVME_IOCTL_ID. */
static int node_nsid(struct nvme_node *n, const struct nvme_common *c)
{
	int ret;

	if (c->nsid) {
		n->nsid = c->nsid;
		return CLI_EXIT_OK;
	}
	ret = cli_nvme_get_nsid(n->fd, &n->nsid);
	if (ret) {
		report("%s: NVME_IOCTL_ID: %s (%s); give --namespace-id", n->path,
		       errno_text(ret), errno_name(ret));
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

/* A command's outcome: an error line unless res is 0. */
static int report_res(const struct nvme_node *n, const char *what, int res,
		      bool verbose, uint32_t result)
{
	char text[512];

	cli_nvme_status_text(text, sizeof(text), res);
	if (verbose)
		report("%s: %s: res=%d result=0x%x (%s)", n->path, what, res,
		       result, text);
	if (!res)
		return CLI_EXIT_OK;
	report("%s: %s: %s", n->path, what, text);
	return CLI_EXIT_FAILED;
}

static void json_head(const struct nvme_node *n, bool nsid)
{
	fputs("{\"device\": ", stdout);
	cli_nvme_json_string(stdout, n->path);
	if (nsid)
		printf(", \"nsid\": %u", n->nsid);
	fputs(", ", stdout);
}

/* id-ctrl, id-ns ----------------------------------------------------------- */

struct id_args {
	struct nvme_common c;
	bool uring;
};

#define NVME_OPT_URING		0x205

#define NVME_URING_OPTION						\
	{ "uring", NVME_OPT_URING, NULL, 0,				\
	  "Send Identify over io_uring (IORING_OP_URING_CMD with "	\
	  "NVME_URING_CMD_ADMIN) instead of the admin ioctl: /dev/urptN "	\
	  "and controller nodes (/dev/nvme0) take it, /dev/ngXnY does "	\
	  "not (ENOTTY)", 0 }

static const struct argp_option id_ctrl_options[] = {
	NVME_URING_OPTION,
	NVME_COMMON_OPTIONS,
	{ 0 }
};

static const struct argp_option id_ns_options[] = {
	NVME_URING_OPTION,
	NVME_NSID_OPTION,
	NVME_COMMON_OPTIONS,
	{ 0 }
};

static error_t parse_id(int key, char *arg, struct argp_state *state)
{
	struct id_args *a = state->input;

	if (key == NVME_OPT_URING) {
		a->uring = true;
		return 0;
	}
	return parse_common(key, arg, state, &a->c);
}

static const struct argp id_ctrl_argp = {
	.options	= id_ctrl_options,
	.parser		= parse_id,
	.args_doc	= "DEV",
	.doc		= "Send Identify Controller (CNS 1) to DEV through "
			  "NVME_IOCTL_ADMIN_CMD (libnvme's nvme_identify_ctrl; "
			  "NVME_URING_CMD_ADMIN with --uring) "
			  "and print vid, ssvid, sn, mn, fr, mdts, cntlid, ver, "
			  "nn, oncs and vwc.\v" CLI_NVME_DOC,
	.children	= cli_help_children,
};

static const struct argp id_ns_argp = {
	.options	= id_ns_options,
	.parser		= parse_id,
	.args_doc	= "DEV",
	.doc		= "Send Identify Namespace (CNS 0) to DEV through "
			  "NVME_IOCTL_ADMIN_CMD (libnvme's nvme_identify_ns) "
			  "and print nsze, ncap, nuse, nlbaf, flbas, every LBA "
			  "format (ms, ds, rp), the LBA size and the capacity."
			  "\v" CLI_NVME_DOC,
	.children	= cli_help_children,
};

static int run_id_ctrl(int argc, char **argv, bool verbose)
{
	struct id_args a = { .c.verbose = verbose };
	struct nvme_id_ctrl id;
	struct nvme_node n;
	int ret, res;

	argp_parse(&id_ctrl_argp, argc, argv, 0, NULL, &a);
	ret = node_open(&n, &a.c, O_RDONLY);
	if (ret)
		return ret;
	res = a.uring ? cli_nvme_id_ctrl_uring(n.fd, &id) :
			cli_nvme_id_ctrl(n.fd, &id);
	ret = report_res(&n, "identify controller", res, a.c.verbose, 0);
	close(n.fd);
	if (ret)
		return ret;
	if (a.c.json) {
		json_head(&n, false);
		cli_nvme_json_id_ctrl(stdout, &id);
		puts("}");
	} else {
		cli_nvme_show_kv(stdout, "", "device", "%s", n.path);
		cli_nvme_show_id_ctrl(stdout, "", &id);
	}
	return CLI_EXIT_OK;
}

static int run_id_ns(int argc, char **argv, bool verbose)
{
	struct id_args a = { .c.verbose = verbose };
	struct nvme_id_ns ns;
	struct nvme_node n;
	int ret, res;

	argp_parse(&id_ns_argp, argc, argv, 0, NULL, &a);
	ret = node_open(&n, &a.c, O_RDONLY);
	if (ret)
		return ret;
	ret = node_nsid(&n, &a.c);
	if (!ret) {
		res = a.uring ? cli_nvme_id_ns_uring(n.fd, n.nsid, &ns) :
				cli_nvme_id_ns(n.fd, n.nsid, &ns);
		ret = report_res(&n, "identify namespace", res, a.c.verbose, 0);
	}
	close(n.fd);
	if (ret)
		return ret;
	if (a.c.json) {
		json_head(&n, true);
		cli_nvme_json_id_ns(stdout, &ns);
		puts("}");
	} else {
		cli_nvme_show_kv(stdout, "", "device", "%s", n.path);
		cli_nvme_show_kv(stdout, "", "nsid", "%u", n.nsid);
		cli_nvme_show_id_ns(stdout, "", &ns);
	}
	return CLI_EXIT_OK;
}

/* io ----------------------------------------------------------------------- */

struct io_args {
	struct nvme_common c;
	struct cli_nvme_io io;
};

static const struct argp_option io_options[] = {
	{ "opcode", 'O', "OP", 0,
	  "read, write, flush, write-zeroes, dsm (deallocate one range), or "
	  "an opcode number (0x hex or decimal; its bits 1:0 give the data "
	  "direction); required", 0 },
	{ "slba", 's', "LBA", 0,
	  "Starting LBA (decimal or 0x hex); required by the opcodes that "
	  "address blocks", 0 },
	{ "nlb", 'l', "N", 0,
	  "Number of logical blocks, 1 to 65536 (dsm: to 2^32-1); 1 by "
	  "default. Sent 0's based (NLB = N - 1) in cdw12", 0 },
	{ "fua", NVME_OPT_FUA, NULL, 0,
	  "Force unit access (read, write, write-zeroes)", 0 },
	{ "deallocate", NVME_OPT_DEALLOCATE, NULL, 0,
	  "write-zeroes: set DEAC, the controller may deallocate the range",
	  0 },
	{ "input", NVME_OPT_INPUT, "FILE", 0,
	  "write: the data, exactly N LBAs (with their metadata when it is "
	  "extended); stdin by default", 0 },
	{ "output", NVME_OPT_OUTPUT, "FILE", 0,
	  "read: where the data goes; stdout by default", 0 },
	{ "ioctl", NVME_OPT_IOCTL, NULL, 0,
	  "Send the command with NVME_IOCTL_IO_CMD instead of io_uring", 0 },
	NVME_NSID_OPTION,
	NVME_COMMON_OPTIONS,
	{ 0 }
};

static error_t parse_io(int key, char *arg, struct argp_state *state)
{
	struct io_args *a = state->input;
	const char *problem;
	uint64_t v;
	int ret;

	switch (key) {
	case 'O':
		if (cli_nvme_parse_opcode(arg, &a->io.op))
			argp_error(state, "invalid opcode '%s' (read, write, "
				   "flush, write-zeroes, dsm or a number 0-255 "
				   "that is not bidirectional)", arg);
		a->io.have_op = true;
		return 0;
	case 's':
		if (cli_nvme_parse_number(arg, UINT64_MAX, &a->io.slba))
			argp_error(state, "invalid LBA '%s' for --slba", arg);
		a->io.have_slba = true;
		return 0;
	case 'l':
		ret = cli_nvme_parse_number(arg, UINT32_MAX, &v);
		if (ret || !v)
			argp_error(state, "invalid block count '%s' for --nlb",
				   arg);
		a->io.nlb = (uint32_t)v;
		a->io.have_nlb = true;
		return 0;
	case NVME_OPT_FUA:
		a->io.fua = true;
		return 0;
	case NVME_OPT_DEALLOCATE:
		a->io.deallocate = true;
		return 0;
	case NVME_OPT_INPUT:
		a->io.input = arg;
		return 0;
	case NVME_OPT_OUTPUT:
		a->io.output = arg;
		return 0;
	case NVME_OPT_IOCTL:
		a->io.use_ioctl = true;
		return 0;
	case ARGP_KEY_END:
		parse_common(key, arg, state, &a->c);
		a->io.json = a->c.json;
		problem = cli_nvme_io_check(&a->io);
		if (problem)
			argp_error(state, "%s", problem);
		return 0;
	}
	return parse_common(key, arg, state, &a->c);
}

static const struct argp io_argp = {
	.options	= io_options,
	.parser		= parse_io,
	.args_doc	= "DEV",
	.doc		= "Send one NVMe I/O command to DEV as IORING_OP_URING_CMD "
			  "with NVME_URING_CMD_IO (a struct nvme_uring_cmd in a "
			  "128-byte SQE; the completion's res is 0, an NVMe "
			  "status or -errno, big_cqe[0] the result dword 0). "
			  "read writes the data to stdout or --output; write "
			  "takes it from stdin or --input. The LBA size comes "
			  "from Identify Namespace. A line with the outcome goes "
			  "to stdout, unless the data does (then -v prints it "
			  "on stderr).\v" CLI_NVME_DOC,
	.children	= cli_help_children,
};

/* "read nsid 1 slba 0 nlb 8" */
static void describe_io(char *buf, size_t size, const struct cli_nvme_io *io,
			uint32_t nsid)
{
	int len;

	if (io->op.name)
		len = snprintf(buf, size, "%s nsid %u", io->op.name, nsid);
	else
		len = snprintf(buf, size, "opcode 0x%02x nsid %u", io->op.opcode,
			       nsid);
	if (len >= 0 && (size_t)len < size && (io->op.uses & CLI_NVME_USES_LBA))
		snprintf(buf + len, size - len, " slba %llu nlb %llu",
			 (unsigned long long)io->slba,
			 (unsigned long long)cli_nvme_io_nlb(io));
}

/* The data of a write: exactly data_len bytes from --input or stdin. */
static int io_input(const struct cli_nvme_io *io, void *buf,
		    uint32_t data_len)
{
	const char *name = io->input ? io->input : "stdin";
	int fd = STDIN_FILENO, ret;
	size_t len;
	void *in;

	if (io->input) {
		fd = open(io->input, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			report_errno(errno, "%s: cannot open", name);
			return CLI_EXIT_FAILED;
		}
	}
	ret = read_all(fd, &in, &len, 0);
	if (io->input)
		close(fd);
	if (ret) {
		report_errno(ret, "%s: cannot read", name);
		return CLI_EXIT_FAILED;
	}
	if (len != data_len) {
		report("%s: %zu bytes, but the command carries %u (--nlb LBAs)",
		       name, len, data_len);
		free(in);
		return CLI_EXIT_USAGE;
	}
	memcpy(buf, in, len);
	free(in);
	return CLI_EXIT_OK;
}

static int io_output(const struct cli_nvme_io *io, const void *buf,
		     uint32_t data_len)
{
	const char *name = io->output ? io->output : "stdout";
	int fd = STDOUT_FILENO, ret;

	if (io->output) {
		fd = open(io->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0) {
			report_errno(errno, "%s: cannot open", name);
			return CLI_EXIT_FAILED;
		}
	}
	ret = write_all(fd, buf, data_len);
	if (io->output && close(fd) && !ret)
		ret = -errno;
	if (ret) {
		report_errno(ret, "%s: cannot write", name);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

/* The LBA format, for the commands that carry LBAs of data. */
static int io_format(const struct nvme_node *n, const struct io_args *a,
		     struct cli_nvme_lbaf *f)
{
	struct nvme_id_ns ns;
	int res;

	memset(f, 0, sizeof(*f));
	if (a->io.op.dir == CLI_NVME_DIR_NONE ||
	    (a->io.op.uses & CLI_NVME_DSM_RANGE))
		return CLI_EXIT_OK;
	res = cli_nvme_id_ns(n->fd, n->nsid, &ns);
	if (report_res(n, "identify namespace (for the LBA size)", res,
		       a->c.verbose, 0))
		return CLI_EXIT_FAILED;
	if (cli_nvme_lba_format(&ns, f)) {
		report("%s: identify namespace: format %u in use is no valid "
		       "LBA format", n->path, cli_nvme_flbas_index(&ns));
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

static void io_json(const struct nvme_node *n, const struct io_args *a,
		    uint32_t data_len, int res, uint32_t result)
{
	char text[512];

	cli_nvme_status_text(text, sizeof(text), res);
	json_head(n, true);
	fputs("\"opcode\": ", stdout);
	if (a->io.op.name)
		cli_nvme_json_string(stdout, a->io.op.name);
	else
		fputs("null", stdout);
	printf(", \"opcode_value\": %u", a->io.op.opcode);
	if (a->io.op.uses & CLI_NVME_USES_LBA)
		printf(", \"slba\": %llu, \"nlb\": %llu",
		       (unsigned long long)a->io.slba,
		       (unsigned long long)cli_nvme_io_nlb(&a->io));
	printf(", \"data_len\": %u, \"transport\": \"%s\", \"res\": %d, "
	       "\"status\": ", data_len, a->io.use_ioctl ? "ioctl" : "io_uring",
	       res);
	if (res >= 0)
		printf("%d", res);
	else
		fputs("null", stdout);
	fputs(", \"status_text\": ", stdout);
	cli_nvme_json_string(stdout, text);
	printf(", \"result\": %u}\n", result);
}

/* Send the command; res as NVMe passthrough returns it. */
static int io_send(const struct nvme_node *n, const struct io_args *a,
		   void *data, uint32_t data_len, void *meta, uint32_t meta_len,
		   uint32_t *result)
{
	struct nvme_passthru_cmd pcmd;
	struct nvme_uring_cmd ucmd;

	if (a->io.use_ioctl) {
		cli_nvme_build_passthru(&a->io, n->nsid, data, data_len, meta,
					meta_len, &pcmd);
		return cli_nvme_ioctl_io(n->fd, &pcmd, result);
	}
	cli_nvme_build_uring(&a->io, n->nsid, data, data_len, meta, meta_len,
			     &ucmd);
	return cli_nvme_uring_cmd(n->fd, NVME_URING_CMD_IO, &ucmd, result);
}

static int io_run(struct nvme_node *n, const struct io_args *a)
{
	bool reads = a->io.op.dir == CLI_NVME_DIR_READ;
	uint32_t data_len, meta_len, result = 0;
	void *data = NULL, *meta = NULL;
	struct cli_nvme_lbaf f;
	char what[128], text[512];
	int ret, res;

	ret = node_nsid(n, &a->c);
	if (!ret)
		ret = io_format(n, a, &f);
	if (ret)
		return ret;
	if (cli_nvme_io_sizes(&a->io, &f, &data_len, &meta_len)) {
		report("%s: --nlb %llu LBAs of %u bytes do not fit one command",
		       n->path, (unsigned long long)cli_nvme_io_nlb(&a->io),
		       f.data_size);
		return CLI_EXIT_USAGE;
	}
	data = alloc_io_buffer(data_len, 0);
	meta = alloc_io_buffer(meta_len, 0);
	if (!data || !meta) {
		report("out of memory");
		ret = CLI_EXIT_FAILED;
		goto out;
	}
	memset(data, 0, data_len ? data_len : 1);
	memset(meta, 0, meta_len ? meta_len : 1);
	if (a->io.op.uses & CLI_NVME_DSM_RANGE)
		cli_nvme_dsm_range(&a->io, data);
	else if (a->io.op.dir == CLI_NVME_DIR_WRITE) {
		ret = io_input(&a->io, data, data_len);
		if (ret)
			goto out;
	}
	describe_io(what, sizeof(what), &a->io, n->nsid);
	res = io_send(n, a, data, data_len, meta, meta_len, &result);
	if (a->c.json)
		io_json(n, a, data_len, res, result);
	ret = report_res(n, what, res, a->c.verbose, result);
	if (ret)
		goto out;
	if (reads) {
		ret = io_output(&a->io, data, data_len);
		if (ret)
			goto out;
	}
	if (!a->c.json && (!reads || a->io.output)) {
		cli_nvme_status_text(text, sizeof(text), res);
		printf("%s: %s, %u bytes: %s, result 0x%x\n", n->path, what,
		       data_len, text, result);
	}
out:
	free(data);
	free(meta);
	return ret;
}

static int run_io(int argc, char **argv, bool verbose)
{
	struct io_args a = { .c.verbose = verbose };
	struct nvme_node n;
	int ret, flags;

	argp_parse(&io_argp, argc, argv, 0, NULL, &a);
	/* A node opened read-only may refuse commands that write. */
	flags = a.io.op.dir == CLI_NVME_DIR_READ ? O_RDONLY : O_RDWR;
	ret = node_open(&n, &a.c, flags);
	if (ret)
		return ret;
	ret = io_run(&n, &a);
	close(n.fd);
	return ret;
}

/* urpt nvme [--help]: the actions -------------------------------------------- */

static error_t parse_nvme(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		argp_error(state, "unknown action '%s' (id-ctrl, id-ns, io)",
			   arg);
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing ACTION (id-ctrl, id-ns, io)");
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* The actions after the options in --help. */
static char *nvme_help_filter(int key, const char *text, void *input)
{
	char *doc, *p;
	size_t len;
	int i;

	(void)input;
	if (key != ARGP_KEY_HELP_POST_DOC || !text)
		return (char *)text;
	len = strlen(text) + 32;
	for (i = 0; i < CLI_NVME_NR_ACTIONS; i++)
		len += strlen(cli_nvme_action_name(i)) +
		       strlen(cli_nvme_action_summary(i)) + 16;
	doc = malloc(len);
	if (!doc)
		return (char *)text;
	p = doc + sprintf(doc, "Actions:\n");
	for (i = 0; i < CLI_NVME_NR_ACTIONS; i++)
		p += sprintf(p, "  %-10s%s\n", cli_nvme_action_name(i),
			     cli_nvme_action_summary(i));
	sprintf(p, "\n%s", text);
	return doc;
}

static const struct argp nvme_argp = {
	.parser		= parse_nvme,
	.args_doc	= "ACTION DEV ...",
	.doc		= "NVMe passthrough, built with libnvme: Identify through "
			  "the admin ioctl, I/O through io_uring "
			  "(NVME_URING_CMD_IO), on /dev/urptN's NVMe personality "
			  "or on an NVMe node. 'urpt nvme DEV ACTION ...' works "
			  "too.\vRun 'urpt nvme ACTION --help' for the options of "
			  "an action. " CLI_NVME_DOC,
	.help_filter	= nvme_help_filter,
	.children	= cli_help_children,
};

int cmd_nvme(int argc, char **argv, const struct cli_global *global)
{
	int index = cli_nvme_action_index(argc, argv), action, sub_argc, ret;
	char name[48], **sub_argv;

	if (!index) {
		/* --help, or a usage error: argp exits either way. */
		argp_parse(&nvme_argp, argc, argv, 0, NULL, NULL);
		return CLI_EXIT_USAGE;
	}
	action = cli_nvme_find_action(argv[index]);
	/* "urpt nvme ACTION" as argv[0], then everything but the action. */
	sub_argc = argc - 1;
	sub_argv = calloc(sub_argc + 1, sizeof(*sub_argv));
	if (!sub_argv) {
		report("out of memory");
		return CLI_EXIT_FAILED;
	}
	snprintf(name, sizeof(name), "urpt nvme %s", argv[index]);
	sub_argv[0] = name;
	memcpy(sub_argv + 1, argv + 1, (index - 1) * sizeof(*sub_argv));
	memcpy(sub_argv + index, argv + index + 1,
	       (argc - index - 1) * sizeof(*sub_argv));
	switch (action) {
	case CLI_NVME_ID_CTRL:
		ret = run_id_ctrl(sub_argc, sub_argv, global->verbose);
		break;
	case CLI_NVME_ID_NS:
		ret = run_id_ns(sub_argc, sub_argv, global->verbose);
		break;
	default:
		ret = run_io(sub_argc, sub_argv, global->verbose);
		break;
	}
	free(sub_argv);
	return ret;
}
