// SPDX-License-Identifier: MIT
/*
 * What an error of a urpt command means, in the words of include/urpt.h:
 * a bare strerror() would say "Invalid argument" or "No space left on
 * device" where the user needs to hear which rule the command broke.
 */
#include <errno.h>
#include <limits.h>
#include <liburpt.h>

static int urpt_cmd_moves_data(uint32_t cmd_op)
{
	return cmd_op == URPT_CMD_READ || cmd_op == URPT_CMD_WRITE;
}

static int urpt_cmd_needs_write(uint32_t cmd_op)
{
	return cmd_op == URPT_CMD_WRITE || cmd_op == URPT_CMD_FLUSH;
}

static const char *urpt_specific_error(uint32_t cmd_op, int err)
{
	switch (err) {
	case EOPNOTSUPP:
		return "operation not supported by urpt or the ring lacks SQE128/CQE32";
	case EINVAL:
		return "malformed command: bad version, reserved field or flag, length or offset not a multiple of the logical block size, zero or too long, or a misaligned buffer";
	case ENOSPC:
		if (urpt_cmd_moves_data(cmd_op))
			return "range extends past the end of the disk";
		break;
	case EFAULT:
		return "bad buffer address";
	case EBADF:
		if (urpt_cmd_needs_write(cmd_op))
			return "node opened read-only";
		break;
	case ENODEV:
		return "the disk was detached";
	case EROFS:
		return "the disk was attached read-only";
	case EIO:
		return "I/O error reported by the disk";
	}
	return NULL;
}

const char *urpt_strerror(uint32_t cmd_op, int err)
{
	const char *text;

	/* Accept both -errno (as in cqe->res) and errno. */
	if (err < 0 && err != INT_MIN)
		err = -err;
	text = urpt_specific_error(cmd_op, err);
	if (text)
		return text;
	/* Unlike strerror(), never writes a shared buffer. */
	text = strerrordesc_np(err);
	return text ? text : "unknown error";
}
