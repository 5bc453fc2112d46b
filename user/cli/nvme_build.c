// SPDX-License-Identifier: GPL-2.0
/* urpt nvme: NVMe I/O commands from the options, in libnvme's types. */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "nvme_build.h"

_Static_assert(sizeof(struct nvme_uring_cmd) == 72, "nvme_uring_cmd size");
_Static_assert(sizeof(struct nvme_passthru_cmd) == 72,
	       "nvme_passthru_cmd size");
_Static_assert(sizeof(struct nvme_dsm_range) == 16, "nvme_dsm_range size");
_Static_assert(offsetof(struct io_uring_sqe, cmd) + 80 == 128,
	       "sqe->cmd area");

/* cdw12 above NLB: the I/O control flags, NVME_IO_* << 16. */
#define CLI_NVME_CDW12_FUA	((uint32_t)NVME_IO_FUA << 16)
#define CLI_NVME_CDW12_DEAC	((uint32_t)NVME_IO_DEAC << 16)

unsigned int cli_nvme_flbas_index(const struct nvme_id_ns *ns)
{
	unsigned int index = ns->flbas & NVME_NS_FLBAS_LOWER_MASK;

	/* Bits 6:5 are the high bits of the index beyond 16 formats. */
	if (ns->nlbaf >= 16)
		index |= (ns->flbas & NVME_NS_FLBAS_HIGHER_MASK) >> 1;
	return index;
}

int cli_nvme_lba_format(const struct nvme_id_ns *ns, struct cli_nvme_lbaf *f)
{
	unsigned int index = cli_nvme_flbas_index(ns);
	const struct nvme_lbaf *l;

	/* NLBAF is 0's based; at most 64 formats. */
	if (index > ns->nlbaf || index >= 64)
		return -EINVAL;
	l = &ns->lbaf[index];
	if (l->ds < 9 || l->ds > 31)
		return -EINVAL;
	f->index = index;
	f->data_size = 1U << l->ds;
	f->meta_size = le16toh(l->ms);
	f->meta_ext = ns->flbas & NVME_NS_FLBAS_META_EXT;
	return 0;
}

int cli_nvme_io_sizes(const struct cli_nvme_io *io,
		      const struct cli_nvme_lbaf *f, uint32_t *data_len,
		      uint32_t *meta_len)
{
	uint64_t nlb = cli_nvme_io_nlb(io), per_lba = f->data_size;
	uint64_t data;

	*data_len = 0;
	*meta_len = 0;
	if (io->op.dir == CLI_NVME_DIR_NONE)
		return 0;
	if (io->op.uses & CLI_NVME_DSM_RANGE) {
		*data_len = sizeof(struct nvme_dsm_range);
		return 0;
	}
	if (f->meta_ext)
		per_lba += f->meta_size;
	/* nlb <= 65536 and per_lba < 2^32 + 2^16: no 64-bit overflow. */
	data = nlb * per_lba;
	if (data > UINT32_MAX || nlb * f->meta_size > UINT32_MAX)
		return -ERANGE;
	*data_len = (uint32_t)data;
	if (!f->meta_ext)
		*meta_len = (uint32_t)(nlb * f->meta_size);
	return 0;
}

void cli_nvme_dsm_range(const struct cli_nvme_io *io,
			struct nvme_dsm_range *range)
{
	memset(range, 0, sizeof(*range));
	range->nlb = htole32((uint32_t)cli_nvme_io_nlb(io));
	range->slba = htole64(io->slba);
}

/* What urpt nvme io sets: the same fields in both layouts. */
struct cli_nvme_fields {
	uint8_t opcode;
	uint32_t nsid;
	uint64_t metadata, addr;
	uint32_t metadata_len, data_len;
	uint32_t cdw10, cdw11, cdw12;
};

static void cli_nvme_fields(const struct cli_nvme_io *io, uint32_t nsid,
			    void *data, uint32_t data_len, void *meta,
			    uint32_t meta_len, struct cli_nvme_fields *c)
{
	uint64_t nlb = cli_nvme_io_nlb(io);

	memset(c, 0, sizeof(*c));
	c->opcode = io->op.opcode;
	c->nsid = nsid;
	if (data_len) {
		c->addr = (uint64_t)(uintptr_t)data;
		c->data_len = data_len;
	}
	if (meta_len) {
		c->metadata = (uint64_t)(uintptr_t)meta;
		c->metadata_len = meta_len;
	}
	if (io->op.uses & CLI_NVME_DSM_RANGE) {
		c->cdw10 = 0;			/* NR: one range, 0's based */
		c->cdw11 = NVME_DSMGMT_AD;	/* deallocate */
		return;
	}
	if (!(io->op.uses & CLI_NVME_USES_LBA))
		return;
	c->cdw10 = (uint32_t)io->slba;
	c->cdw11 = (uint32_t)(io->slba >> 32);
	c->cdw12 = (uint32_t)(nlb - 1) & 0xffff;
	if (io->fua)
		c->cdw12 |= CLI_NVME_CDW12_FUA;
	if (io->deallocate)
		c->cdw12 |= CLI_NVME_CDW12_DEAC;
}

void cli_nvme_build_uring(const struct cli_nvme_io *io, uint32_t nsid,
			  void *data, uint32_t data_len, void *meta,
			  uint32_t meta_len, struct nvme_uring_cmd *cmd)
{
	struct cli_nvme_fields c;

	cli_nvme_fields(io, nsid, data, data_len, meta, meta_len, &c);
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = c.opcode;
	cmd->nsid = c.nsid;
	cmd->addr = c.addr;
	cmd->data_len = c.data_len;
	cmd->metadata = c.metadata;
	cmd->metadata_len = c.metadata_len;
	cmd->cdw10 = c.cdw10;
	cmd->cdw11 = c.cdw11;
	cmd->cdw12 = c.cdw12;
}

void cli_nvme_build_passthru(const struct cli_nvme_io *io, uint32_t nsid,
			     void *data, uint32_t data_len, void *meta,
			     uint32_t meta_len, struct nvme_passthru_cmd *cmd)
{
	struct cli_nvme_fields c;

	cli_nvme_fields(io, nsid, data, data_len, meta, meta_len, &c);
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = c.opcode;
	cmd->nsid = c.nsid;
	cmd->addr = c.addr;
	cmd->data_len = c.data_len;
	cmd->metadata = c.metadata;
	cmd->metadata_len = c.metadata_len;
	cmd->cdw10 = c.cdw10;
	cmd->cdw11 = c.cdw11;
	cmd->cdw12 = c.cdw12;
}

void cli_nvme_build_identify(uint8_t cns, uint32_t nsid, void *buf,
			     struct nvme_uring_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = nvme_admin_identify;
	cmd->nsid = nsid;
	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->data_len = NVME_IDENTIFY_DATA_SIZE;
	cmd->cdw10 = cns;	/* CNTID in bits 31:16: 0 */
}

void cli_nvme_prep_sqe(struct io_uring_sqe *sqe, int fd, uint32_t cmd_op,
		       const struct nvme_uring_cmd *cmd)
{
	unsigned char *area;

	/* io_uring_prep_rw() writes fields that overlap sqe->cmd: clear after. */
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	area = (unsigned char *)sqe + offsetof(struct io_uring_sqe, cmd);
	memset(area, 0, 80);
	memcpy(area, cmd, sizeof(*cmd));
}
