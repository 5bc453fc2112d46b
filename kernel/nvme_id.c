// SPDX-License-Identifier: GPL-2.0
/*
 * Identify for the NVMe personality: the controller and its one namespace
 * described from the backing disk as the block layer sees it when the
 * command arrives (capacity, block sizes, write cache, discard, write
 * zeroes, zones: a zoned disk is a Zoned Namespace). See docs/nvme.md for
 * every field that is filled.
 */
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include "nvme_cmd.h"

#define URPT_NVME_CTRL_IO	1	/* CNTRLTYPE: I/O controller */
#define URPT_NVME_NSFEAT_OPTPERF BIT(4)	/* NPWG...NOWS are valid */
#define URPT_NVME_SGLS_DATA	BIT(0)	/* SGLs, no alignment needed */
#define URPT_NVME_SGLS_LONGER	BIT(18)	/* buffer longer than the data */
#define URPT_NVME_DLFEAT_WZ_DEAC BIT(3)	/* Write Zeroes takes DEAC */
#define URPT_NVME_NSATTR_WP	BIT(0)	/* write protected */
#define URPT_NVME_NSTAT_READY	BIT(0)
#define URPT_NVME_NIDT_CSI	4	/* descriptor: command set */
#define URPT_NVME_ID_CNS_CS_SETS 0x1c	/* I/O Command Set data structure */
#define URPT_NVME_OZCS_RAZB	BIT(0)	/* reads may cross zone boundaries */
#define URPT_NVME_ZNS_NO_LIMIT	U32_MAX	/* MAR, MOR (0's based): none */

/* An ASCII field of Identify: padded with spaces, not terminated. */
static void urpt_nvme_str(char *field, size_t size, const char *s)
{
	memset(field, ' ', size);
	memcpy(field, s, min(strlen(s), size));
}

static int urpt_nvme_id_ctrl(struct urpt_dev *udev, struct nvme_id_ctrl *id)
{
	struct block_device *bdev = udev->bdev;
	char text[64];
	u16 oncs = 0;

	BUILD_BUG_ON(sizeof(*id) != URPT_NVME_ID_SIZE);
	snprintf(text, sizeof(text), "urpt%u-%s", udev->index, udev->disk_name);
	urpt_nvme_str(id->sn, sizeof(id->sn), text);
	snprintf(text, sizeof(text), "urpt passthrough on %s",
		 udev->disk_name);
	urpt_nvme_str(id->mn, sizeof(id->mn), text);
	urpt_nvme_str(id->fr, sizeof(id->fr), URPT_NVME_FIRMWARE);
	/* Any READ or WRITE up to URPT_MAX_TRANSFER: the bios split it. */
	id->mdts = ilog2(URPT_MAX_TRANSFER >> URPT_NVME_MPS_SHIFT);
	id->cntlid = cpu_to_le16(udev->index + 1);
	id->ver = cpu_to_le32(NVME_VS(1, 4, 0));
	id->cntrltype = URPT_NVME_CTRL_IO;
	id->acl = 3;
	id->aerl = 3;
	id->frmw = 0x3;		/* one firmware slot, read-only */
	id->sqes = 0x66;	/* 64-byte submission queue entries */
	id->cqes = 0x44;	/* 16-byte completion queue entries */
	id->nn = cpu_to_le32(URPT_NVME_NSID);
	if (bdev_max_discard_sectors(bdev))
		oncs |= NVME_CTRL_ONCS_DSM;
	if (bdev_write_zeroes_sectors(bdev))
		oncs |= NVME_CTRL_ONCS_WRITE_ZEROES;
	id->oncs = cpu_to_le16(oncs);
	id->vwc = bdev_write_cache(bdev) ? NVME_CTRL_VWC_PRESENT : 0;
	id->sgls = cpu_to_le32(URPT_NVME_SGLS_DATA | URPT_NVME_SGLS_LONGER);
	snprintf(id->subnqn, sizeof(id->subnqn), "nqn.2024-11.urpt:urpt%u-%s",
		 udev->index, udev->disk_name);
	return 0;
}

/* NSFEAT: thin provisioning where the disk discards, I/O hints below. */
static u8 urpt_nvme_nsfeat(struct block_device *bdev)
{
	return URPT_NVME_NSFEAT_OPTPERF |
	       (bdev_max_discard_sectors(bdev) ? NVME_NS_FEAT_THIN : 0);
}

/* A 0's based count of blocks in a 16-bit field, at least 1 block. */
static __le16 urpt_nvme_blocks16(unsigned int bytes, unsigned int lbs)
{
	return cpu_to_le16(clamp_t(unsigned int, bytes / lbs, 1, 65536) - 1);
}

static int urpt_nvme_id_ns(struct urpt_dev *udev, u32 nsid,
			   struct nvme_id_ns *id)
{
	struct block_device *bdev = udev->bdev;
	unsigned int lbs = bdev_logical_block_size(bdev);
	unsigned int chunk = bdev_get_queue(bdev)->limits.chunk_sectors;
	u64 capacity = bdev_nr_bytes(bdev);
	__le64 nvmcap = cpu_to_le64(capacity);

	BUILD_BUG_ON(sizeof(*id) != URPT_NVME_ID_SIZE);
	if (nsid != URPT_NVME_NSID && nsid != NVME_NSID_ALL)
		return URPT_NVME_ERR(NVME_SC_INVALID_NS);
	/* The broadcast NSID: what every namespace has in common. */
	if (nsid == URPT_NVME_NSID) {
		id->nsze = cpu_to_le64(capacity >> ilog2(lbs));
		id->ncap = id->nsze;
		id->nuse = id->nsze;
		memcpy(id->nvmcap, &nvmcap, sizeof(nvmcap));
	}
	id->nsfeat = urpt_nvme_nsfeat(bdev);
	id->nlbaf = 0;		/* one LBA format ... */
	id->flbas = 0;		/* ... in use, without metadata */
	if (bdev_write_zeroes_sectors(bdev))
		id->dlfeat = URPT_NVME_DLFEAT_WZ_DEAC;
	id->npwg = urpt_nvme_blocks16(bdev_physical_block_size(bdev), lbs);
	id->npwa = id->npwg;
	if (bdev_max_discard_sectors(bdev)) {
		id->npdg = urpt_nvme_blocks16(bdev_discard_granularity(bdev),
					      lbs);
		id->npda = id->npdg;
	}
	if (bdev_io_opt(bdev))
		id->nows = urpt_nvme_blocks16(bdev_io_opt(bdev), lbs);
	if (chunk && ((u64)chunk << SECTOR_SHIFT) / lbs <= U16_MAX)
		id->noiob = cpu_to_le16(((u64)chunk << SECTOR_SHIFT) / lbs);
	if (!udev->writable || bdev_read_only(bdev))
		id->nsattr = URPT_NVME_NSATTR_WP;
	id->lbaf[0].ds = ilog2(lbs);
	return 0;
}

static int urpt_nvme_id_ns_indep(struct urpt_dev *udev, u32 nsid,
				 struct nvme_id_ns_cs_indep *id)
{
	BUILD_BUG_ON(sizeof(*id) != URPT_NVME_ID_SIZE);
	if (nsid != URPT_NVME_NSID)
		return URPT_NVME_ERR(NVME_SC_INVALID_NS);
	id->nsfeat = urpt_nvme_nsfeat(udev->bdev);
	if (!udev->writable || bdev_read_only(udev->bdev))
		id->nsattr = URPT_NVME_NSATTR_WP;
	id->nstat = URPT_NVME_NSTAT_READY;
	return 0;
}

/* Active Namespace ID list: the namespaces above @nsid. */
static int urpt_nvme_id_active(u32 nsid, __le32 *list)
{
	if (nsid >= 0xfffffffe)
		return URPT_NVME_ERR(NVME_SC_INVALID_NS);
	if (nsid < URPT_NVME_NSID)
		list[0] = cpu_to_le32(URPT_NVME_NSID);
	return 0;
}

/* The namespace's command set: ZNS on a zoned disk, else NVM. */
static u8 urpt_nvme_csi(struct block_device *bdev)
{
	return bdev_is_zoned(bdev) ? NVME_CSI_ZNS : NVME_CSI_NVM;
}

/* Namespace Identification Descriptors: the command set. */
static int urpt_nvme_id_descs(struct urpt_dev *udev, u32 nsid,
			      struct nvme_ns_id_desc *desc)
{
	if (nsid != URPT_NVME_NSID)
		return URPT_NVME_ERR(NVME_SC_INVALID_NS);
	desc->nidt = URPT_NVME_NIDT_CSI;
	desc->nidl = 1;
	*(u8 *)(desc + 1) = urpt_nvme_csi(udev->bdev);
	return 0;
}

/* I/O Command Set data structure: vector 0, the sets the namespace has. */
static int urpt_nvme_id_cs_sets(struct urpt_dev *udev, __le64 *vector)
{
	u64 sets = BIT_ULL(NVME_CSI_NVM);

	if (bdev_is_zoned(udev->bdev))
		sets |= BIT_ULL(NVME_CSI_ZNS);
	vector[0] = cpu_to_le64(sets);
	return 0;
}

/* MAR and MOR: a 0's based count of zones. */
static __le32 urpt_nvme_zones32(unsigned int zones)
{
	return cpu_to_le32(zones ? zones - 1 : URPT_NVME_ZNS_NO_LIMIT);
}

/*
 * The ZNS command set's Identify Namespace (CNS 5, CSI 2): the zone size
 * of the one LBA format, the active and open zone limits; no zone
 * descriptor extensions (ZDES 0); reads across zones allowed.
 */
static int urpt_nvme_id_ns_zns(struct urpt_dev *udev, u32 nsid,
			       struct nvme_id_ns_zns *id)
{
	struct block_device *bdev = udev->bdev;

	BUILD_BUG_ON(sizeof(*id) != URPT_NVME_ID_SIZE);
	if (!bdev_is_zoned(bdev))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	if (nsid != URPT_NVME_NSID)
		return URPT_NVME_ERR(NVME_SC_INVALID_NS);
	id->ozcs = cpu_to_le16(URPT_NVME_OZCS_RAZB);
	id->mar = urpt_nvme_zones32(bdev_max_active_zones(bdev));
	id->mor = urpt_nvme_zones32(bdev_max_open_zones(bdev));
	id->lbafe[0].zsze = cpu_to_le64(urpt_zone_bytes(bdev) >>
					urpt_nvme_shift(bdev));
	return 0;
}

/* The ZNS command set's Identify Controller (CNS 6, CSI 2): ZASL. */
static int urpt_nvme_id_ctrl_zns(struct urpt_dev *udev,
				 struct nvme_id_ctrl_zns *id)
{
	BUILD_BUG_ON(sizeof(*id) != URPT_NVME_ID_SIZE);
	if (!bdev_is_zoned(udev->bdev))
		return URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
	id->zasl = urpt_nvme_zasl(udev->bdev);
	return 0;
}

/*
 * Identify (admin opcode 0x06): CNS 0 namespace, 1 controller, 2 active
 * namespaces, 3 namespace descriptors, 5 and 6 the NVM command set's
 * namespace and controller structures (all zeroes: no protection
 * information, no limits beyond MDTS) and, on a zoned disk, the ZNS
 * command set's, 8 the command set independent namespace structure, 0x1c
 * the command sets. Other CNS values, and 5 or 6 for another command set,
 * are Invalid Field. Up to 4096 bytes are copied to @iter: a shorter
 * buffer gets the start of the structure.
 */
int urpt_nvme_identify(struct urpt_dev *udev, const struct urpt_nvme_cmd *c,
		       struct iov_iter *iter)
{
	u8 csi = c->cdw11 >> 24;
	size_t len;
	void *id;
	int ret;

	id = kzalloc(URPT_NVME_ID_SIZE, GFP_KERNEL);
	if (!id)
		return -ENOMEM;
	switch (c->cdw10 & 0xff) {
	case NVME_ID_CNS_NS:
		ret = urpt_nvme_id_ns(udev, c->nsid, id);
		break;
	case NVME_ID_CNS_CTRL:
		ret = urpt_nvme_id_ctrl(udev, id);
		break;
	case NVME_ID_CNS_NS_ACTIVE_LIST:
		ret = urpt_nvme_id_active(c->nsid, id);
		break;
	case NVME_ID_CNS_NS_DESC_LIST:
		ret = urpt_nvme_id_descs(udev, c->nsid, id);
		break;
	case NVME_ID_CNS_CS_NS:
		if (csi == NVME_CSI_ZNS)
			ret = urpt_nvme_id_ns_zns(udev, c->nsid, id);
		else if (csi != NVME_CSI_NVM)
			ret = URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
		else if (c->nsid != URPT_NVME_NSID)
			ret = URPT_NVME_ERR(NVME_SC_INVALID_NS);
		else
			ret = 0;
		break;
	case NVME_ID_CNS_CS_CTRL:
		if (csi == NVME_CSI_ZNS)
			ret = urpt_nvme_id_ctrl_zns(udev, id);
		else
			ret = csi == NVME_CSI_NVM ? 0 :
			      URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
		break;
	case NVME_ID_CNS_NS_CS_INDEP:
		ret = urpt_nvme_id_ns_indep(udev, c->nsid, id);
		break;
	case URPT_NVME_ID_CNS_CS_SETS:
		ret = urpt_nvme_id_cs_sets(udev, id);
		break;
	default:
		ret = URPT_NVME_ERR(NVME_SC_INVALID_FIELD);
		break;
	}
	if (!ret) {
		len = min_t(size_t, iov_iter_count(iter), URPT_NVME_ID_SIZE);
		if (copy_to_iter(id, len, iter) != len)
			ret = -EFAULT;
	}
	kfree(id);
	return ret;
}
