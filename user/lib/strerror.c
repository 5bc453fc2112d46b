// SPDX-License-Identifier: MIT
/*
 * What an error of a urpt command means, in the words of include/urpt.h:
 * a bare strerror() would say "Invalid argument" or "No space left on
 * device" where the user needs to hear which rule the command broke.
 */
#include <errno.h>
#include <limits.h>
#include <liburpt.h>

/* Commands on a range of the disk (offset and length). */
static int urpt_cmd_has_range(uint32_t cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_READ:
	case URPT_CMD_WRITE:
	case URPT_CMD_READV:
	case URPT_CMD_WRITEV:
	case URPT_CMD_DISCARD:
	case URPT_CMD_WRITE_ZEROES:
	case URPT_CMD_ZONE_APPEND:
		return 1;
	}
	return 0;
}

static int urpt_cmd_is_zone(uint32_t cmd_op)
{
	return cmd_op == URPT_CMD_REPORT_ZONES || cmd_op == URPT_CMD_ZONE_MGMT ||
	       cmd_op == URPT_CMD_ZONE_APPEND;
}

static int urpt_cmd_needs_write(uint32_t cmd_op)
{
	switch (cmd_op) {
	case URPT_CMD_WRITE:
	case URPT_CMD_WRITEV:
	case URPT_CMD_FLUSH:
	case URPT_CMD_DISCARD:
	case URPT_CMD_WRITE_ZEROES:
	case URPT_CMD_ZONE_MGMT:
	case URPT_CMD_ZONE_APPEND:
		return 1;
	}
	return 0;
}

static int urpt_cmd_is_vector(uint32_t cmd_op)
{
	return cmd_op == URPT_CMD_READV || cmd_op == URPT_CMD_WRITEV;
}

static const char *urpt_eopnotsupp(uint32_t cmd_op, unsigned int ctx)
{
	if (cmd_op == URPT_CMD_DISCARD || cmd_op == URPT_CMD_WRITE_ZEROES)
		return "the disk does not support it";
	if (urpt_cmd_is_zone(cmd_op))
		return "the disk has no zones";
	if (urpt_cmd_is_vector(cmd_op) && (ctx & URPT_CTX_FIXED))
		return "registered buffers are not supported with readv/writev (no fixed-vec feature)";
	return "operation not supported by urpt or the ring lacks SQE128/CQE32";
}

static const char *urpt_specific_error(uint32_t cmd_op, unsigned int ctx,
				       int err)
{
	switch (err) {
	case EOPNOTSUPP:
		return urpt_eopnotsupp(cmd_op, ctx);
	case EINVAL:
		return "malformed command: bad version, reserved field or flag, length or offset not a multiple of the logical block size, zero or too long, or a misaligned buffer";
	case ENOSPC:
		if (urpt_cmd_has_range(cmd_op))
			return "range extends past the end of the disk";
		break;
	case EFAULT:
		if (ctx & URPT_CTX_FIXED)
			return "bad registered buffer index or range";
		if (urpt_cmd_is_vector(cmd_op))
			return "bad iovec array or buffer address";
		return "bad buffer address";
	case EBADF:
		if (urpt_cmd_needs_write(cmd_op))
			return "node opened read-only";
		break;
	case EAGAIN:
		return "the disk could not take the command without waiting; try again";
	case ENODEV:
		return "the disk was detached";
	case EROFS:
		return "the disk was attached read-only";
	case EIO:
		return "I/O error reported by the disk";
	case ENOTTY:
		/* urpt_dev_check(), or a node that knows no urpt command. */
		return "not a urpt node";
	case EPROTO:
		/* The synchronous helpers' short completion. */
		if (cmd_op == URPT_CMD_INFO)
			return "the completion reported less than a struct urpt_info: not a urpt node";
		if (urpt_cmd_has_range(cmd_op))
			return "the completion reported fewer bytes than asked: not a urpt node";
		break;
	}
	return NULL;
}

const char *urpt_strerror_ctx(uint32_t cmd_op, unsigned int ctx, int err)
{
	const char *text;

	/* Accept both -errno (as in cqe->res) and errno. */
	if (err < 0 && err != INT_MIN)
		err = -err;
	text = urpt_specific_error(cmd_op, ctx, err);
	if (text)
		return text;
	/* Unlike strerror(), never writes a shared buffer. */
	text = strerrordesc_np(err);
	return text ? text : "unknown error";
}

const char *urpt_strerror(uint32_t cmd_op, int err)
{
	return urpt_strerror_ctx(cmd_op, 0, err);
}
