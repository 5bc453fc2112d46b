/* SPDX-License-Identifier: GPL-2.0 */
/*
 * urpt nvme: NVMe commands built from the options, in libnvme's types.
 * Pure logic, unit tested (tests/test_nvme_build.c).
 */
#ifndef URPT_CLI_NVME_BUILD_H
#define URPT_CLI_NVME_BUILD_H

#include <stdint.h>
#include <liburing.h>
#include <nvme/types.h>
#include <nvme/ioctl.h>
#include "nvme_opts.h"

/* libnvme 1.3's copy of the uapi stops at NVME_URING_CMD_IO_VEC. */
#ifndef NVME_URING_CMD_ADMIN
#define NVME_URING_CMD_ADMIN	_IOWR('N', 0x82, struct nvme_uring_cmd)
#endif

/* The LBA format a namespace is formatted with (FLBAS). */
struct cli_nvme_lbaf {
	unsigned int index;	/* into id_ns.lbaf[] */
	uint32_t data_size;	/* bytes per LBA: 1 << ds */
	uint16_t meta_size;	/* metadata bytes per LBA (ms) */
	bool meta_ext;		/* metadata at the end of each LBA's data */
};

/* The index of the format in use: FLBAS bits 3:0, and 6:5 above 16 formats. */
unsigned int cli_nvme_flbas_index(const struct nvme_id_ns *ns);

/*
 * The format in use, or -EINVAL when Identify Namespace describes none
 * that makes sense (index past NLBAF, or ds outside 9..31).
 */
int cli_nvme_lba_format(const struct nvme_id_ns *ns, struct cli_nvme_lbaf *f);

/*
 * Buffers of a command of io on a namespace of format f: the data
 * (nlb LBAs, with their metadata when it is extended; the one range of a
 * dsm; 0 for no data) and separate metadata (nlb * ms when it is not
 * extended, 0 otherwise). -ERANGE when the data would not fit 32 bits.
 */
int cli_nvme_io_sizes(const struct cli_nvme_io *io,
		      const struct cli_nvme_lbaf *f, uint32_t *data_len,
		      uint32_t *meta_len);

/* The one dsm range of io: its slba and nlb, context attributes 0. */
void cli_nvme_dsm_range(const struct cli_nvme_io *io,
			struct nvme_dsm_range *range);

/*
 * The command of io for namespace nsid, with its buffers: cdw10-11 the
 * SLBA, cdw12 the 0's based NLB with FUA (bit 30) and DEAC (bit 25); for
 * dsm cdw10 = 0 (one range) and cdw11 = AD. Everything else is zero.
 */
void cli_nvme_build_uring(const struct cli_nvme_io *io, uint32_t nsid,
			  void *data, uint32_t data_len, void *meta,
			  uint32_t meta_len, struct nvme_uring_cmd *cmd);
/* The same command for NVME_IOCTL_IO_CMD. */
void cli_nvme_build_passthru(const struct cli_nvme_io *io, uint32_t nsid,
			     void *data, uint32_t data_len, void *meta,
			     uint32_t meta_len, struct nvme_passthru_cmd *cmd);

/*
 * Identify (CNS cns: NVME_IDENTIFY_CNS_NS, _CTRL) of namespace nsid into
 * buf (NVME_IDENTIFY_DATA_SIZE bytes), for NVME_URING_CMD_ADMIN: what
 * libnvme's nvme_identify_ns/ctrl send through the admin ioctl.
 */
void cli_nvme_build_identify(uint8_t cns, uint32_t nsid, void *buf,
			     struct nvme_uring_cmd *cmd);

/*
 * A 128-byte SQE carrying cmd: IORING_OP_URING_CMD, cmd_op (e.g.
 * NVME_URING_CMD_IO) on fd, the command in the 80-byte area, the rest of
 * the area zero.
 */
void cli_nvme_prep_sqe(struct io_uring_sqe *sqe, int fd, uint32_t cmd_op,
		       const struct nvme_uring_cmd *cmd);

#endif
