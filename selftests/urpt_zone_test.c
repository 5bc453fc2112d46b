// SPDX-License-Identifier: GPL-2.0
/*
 * urpt selftest: the zone commands on zoned null_blk disks the test makes
 * through configfs (urpt_zoned.h: one with conventional zones and a zone
 * capacity below the zone size, one of 4 KiB blocks with sequential zones
 * only). URPT_BDEV is not used (run once). What the block device itself
 * reports (BLKREPORTZONE, sysfs) is the reference.
 *  - INFO: the zoned model, zone size and count, the open and active
 *    limits, the zone append limit;
 *  - REPORT_ZONES: every zone as BLKREPORTZONE has it, from any offset,
 *    any count; its refusals;
 *  - ZONE_MGMT: open, close, finish, reset one zone and reset all, each
 *    zone's condition and write pointer after it; its refusals;
 *  - ZONE_APPEND: where the data landed, read back; bounced, misaligned
 *    and registered buffers; the longest append; its refusals;
 *  - a read-only disk: management and appends -EPERM, reports work;
 *  - a write off the write pointer, to a full zone, an append to a
 *    conventional zone: the disk's errno and block status, no hang;
 *  - sequential writes after a mix of commands (IOPOLL, registered
 *    buffers, bounced, vectored), and three processes appending to one
 *    zone: every block once, nothing lost;
 *  - O_RDONLY, flags and zone_action where they do not belong, and a
 *    disk without zones. The same disks through the NVMe personality:
 *    urpt_zns_test.c.
 */
#include <linux/blkzoned.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "urpt_selftest.h"
#include "urpt_fault.h"
#include "urpt_zoned.h"

#define ZT_MAGIC	0x7a6f6e6555525054ULL	/* "zoneURPT" */
#define ZT_MAX_ZONES	64

FIXTURE(zone) {
	bool skip;
	struct nb_disk nb;
	struct ut_disk d;
	uint32_t lbs;
	uint64_t zsize;		/* bytes */
	uint32_t nr_zones;
	uint32_t nr_conv;	/* conventional zones first */
	uint64_t zcap;		/* bytes */
	unsigned char *buf, *buf2;
	struct urpt_zone zones[ZT_MAX_ZONES];
};

FIXTURE_VARIANT(zone) {
	struct zd_geometry g;
};

FIXTURE_VARIANT_ADD(zone, conv_512) {
	.g = ZD_CONV_512,
};

FIXTURE_VARIANT_ADD(zone, seq_4k) {
	.g = ZD_SEQ_4K,
};

#define BUF_SIZE	(2u << 20)

FIXTURE_SETUP(zone)
{
	ASSERT_TRUE(ut_exists(UT_CONTROL_PATH)) {
		TH_LOG("%s missing: is urpt.ko loaded?", UT_CONTROL_PATH);
	}
	self->d.direct_fd = -1;
	if (!zd_setup(_metadata, &self->nb, &self->d, &variant->g)) {
		self->skip = true;
		return;
	}
	self->lbs = self->d.info.logical_block_size;
	self->zsize = zd_zone_bytes(&variant->g);
	self->nr_zones = zd_nr_zones(&variant->g);
	self->nr_conv = variant->g.nr_conv;
	self->zcap = zd_zone_capacity(&variant->g);
	ASSERT_GE(ZT_MAX_ZONES, (int)self->nr_zones);
	self->buf = ut_alloc(BUF_SIZE);
	self->buf2 = ut_alloc(BUF_SIZE);
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->buf2);
}

FIXTURE_TEARDOWN(zone)
{
	if (self->skip)
		return;
	ut_disk_release(&self->d);
	nb_destroy(&self->nb);
	free(self->buf);
	free(self->buf2);
}

/* One native command on ring: 0 with *c filled, or the ring's -errno. */
static int zt_run(struct io_uring *ring, int fd, uint32_t op, void *buf,
		  uint32_t len, uint64_t off, uint32_t action, uint32_t flags,
		  struct ut_cqe *c)
{
	struct urpt_cmd *cmd = ut_prep(ring, fd, op, buf, len, off);

	if (!cmd)
		return -EBUSY;
	cmd->zone_action = action;
	cmd->flags = flags;
	return ut_submit_one_any(ring, c);
}

static int zt_cmd(FIXTURE_DATA(zone) *self, uint32_t op, void *buf,
		  uint32_t len, uint64_t off, uint32_t action, uint32_t flags,
		  struct ut_cqe *c)
{
	return zt_run(&self->d.dev.ring, self->d.dev.fd, op, buf, len, off,
		      action, flags, c);
}

static uint64_t zstart(FIXTURE_DATA(zone) *self, uint32_t i)
{
	return i * self->zsize;
}

static uint8_t status_of(const struct ut_cqe *c)
{
	return (c->extra[0] >> URPT_RES2_STATUS_SHIFT) & URPT_RES2_STATUS_MASK;
}

/* One zone as REPORT_ZONES has it now. */
static int report_one(FIXTURE_DATA(zone) *self, uint32_t i,
		      struct urpt_zone *z)
{
	struct ut_cqe c;
	int ret;

	memset(z, 0xa5, sizeof(*z));
	ret = zt_cmd(self, URPT_CMD_REPORT_ZONES, z, 1, zstart(self, i), 0, 0,
		     &c);
	if (ret)
		return ret;
	return c.res == 1 ? 0 : (c.res < 0 ? c.res : -EPROTO);
}

#define EXPECT_ZONE(z, want_cond, want_wp)				\
	do {								\
		EXPECT_EQ((want_cond), (z)->cond) {			\
			TH_LOG("zone %#llx: cond %#x, wanted %#x",	\
			       (unsigned long long)(z)->start,		\
			       (z)->cond, (want_cond));			\
		}							\
		EXPECT_EQ((uint64_t)(want_wp), (z)->wp) {		\
			TH_LOG("zone %#llx: wp %#llx, wanted %#llx",	\
			       (unsigned long long)(z)->start,		\
			       (unsigned long long)(z)->wp,		\
			       (unsigned long long)(want_wp));		\
		}							\
	} while (0)

/* ---- INFO ------------------------------------------------------------------ */

TEST_F(zone, info_describes_the_zones)
{
	const struct urpt_info *info = &self->d.info;
	uint64_t v;

	NEED_SETUP();
	EXPECT_TRUE(!!(info->features & URPT_FEAT_ZONED));
	EXPECT_EQ((uint32_t)URPT_ZONED_HOST_MANAGED, info->zoned);
	EXPECT_EQ(self->zsize, info->zone_size);
	EXPECT_EQ(self->nr_zones, info->nr_zones);
	EXPECT_EQ((uint32_t)atoi(variant->g.max_open), info->max_open_zones);
	EXPECT_EQ((uint32_t)atoi(variant->g.max_active), info->max_active_zones);
	ASSERT_LT(0u, info->max_zone_append);
	EXPECT_EQ(0u, info->max_zone_append % self->lbs);
	/* Never above the disk's own limit (sysfs: zone_append_max_bytes). */
	if (!ut_sysfs_queue_u64(self->nb.disk, "zone_append_max_bytes", &v))
		EXPECT_GE(v, (uint64_t)info->max_zone_append);
	if (!ut_sysfs_queue_u64(self->nb.disk, "nr_zones", &v))
		EXPECT_EQ(v, (uint64_t)info->nr_zones);
	EXPECT_EQ(0u, info->rsvd1);
}

/* ---- REPORT_ZONES ------------------------------------------------------------ */

TEST_F(zone, report_matches_blkreportzone)
{
	struct blk_zone_report *rep;
	struct blk_zone *bz;
	struct ut_cqe c;
	uint32_t i;
	int fd;

	NEED_SETUP();
	/* A zone with data in it, so that not every write pointer is 0. */
	memset(self->buf, 0x11, 4 * self->lbs);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, 4 * self->lbs,
			    zstart(self, self->nr_conv), 0, 0, &c));
	UT_EXPECT_DONE(&c, 4 * self->lbs, "WRITE at the first write pointer");

	memset(self->zones, 0xa5, sizeof(self->zones));
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones,
			    ZT_MAX_ZONES, 0, 0, 0, &c));
	ASSERT_EQ((int32_t)self->nr_zones, c.res);
	EXPECT_EQ((uint64_t)0, c.extra[0]);
	EXPECT_EQ((uint64_t)0, c.extra[1]);

	rep = calloc(1, sizeof(*rep) + ZT_MAX_ZONES * sizeof(*bz));
	ASSERT_NE(NULL, rep);
	fd = open(self->nb.dev, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	rep->sector = 0;
	rep->nr_zones = ZT_MAX_ZONES;
	ASSERT_EQ(0, ioctl(fd, BLKREPORTZONE, rep));
	close(fd);
	ASSERT_EQ(self->nr_zones, rep->nr_zones);
	for (i = 0; i < self->nr_zones; i++) {
		const struct urpt_zone *z = &self->zones[i];

		bz = &rep->zones[i];
		EXPECT_EQ(bz->start << 9, z->start);
		EXPECT_EQ(bz->len << 9, z->len);
		EXPECT_EQ(self->zsize, z->len);
		EXPECT_EQ(bz->capacity << 9, z->capacity);
		EXPECT_EQ(bz->type, z->type);
		EXPECT_EQ(bz->cond, z->cond);
		EXPECT_EQ(0, z->rsvd0[0] | z->rsvd0[1] | z->rsvd0[2] |
			     z->rsvd0[3] | z->rsvd0[4]);
		EXPECT_EQ((uint64_t)0, z->rsvd[0] | z->rsvd[1] | z->rsvd[2]);
		if (i < self->nr_conv) {
			EXPECT_EQ(URPT_ZONE_TYPE_CONVENTIONAL, z->type);
			EXPECT_EQ(URPT_ZONE_COND_NOT_WP, z->cond);
			continue;
		}
		EXPECT_EQ(URPT_ZONE_TYPE_SEQ_REQUIRED, z->type);
		EXPECT_EQ(self->zcap, z->capacity);
		EXPECT_EQ(bz->wp << 9, z->wp);
	}
	free(rep);
	EXPECT_ZONE(&self->zones[self->nr_conv], URPT_ZONE_COND_IMP_OPEN,
		    zstart(self, self->nr_conv) + 4 * self->lbs);
}

TEST_F(zone, report_from_any_offset_any_count)
{
	uint32_t mid = self->nr_zones / 2;
	struct ut_cqe c;

	NEED_SETUP();
	/* From inside a zone: that zone first. */
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 2,
			    zstart(self, mid) + 3 * self->lbs, 0, 0, &c));
	ASSERT_EQ(2, c.res);
	EXPECT_EQ(zstart(self, mid), self->zones[0].start);
	EXPECT_EQ(zstart(self, mid + 1), self->zones[1].start);
	/* More room than zones left: those there are. */
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones,
			    ZT_MAX_ZONES, zstart(self, self->nr_zones - 1), 0,
			    0, &c));
	ASSERT_EQ(1, c.res);
	EXPECT_EQ(zstart(self, self->nr_zones - 1), self->zones[0].start);
	/* One zone of room: nothing written after it. */
	memset(self->zones, 0xa5, sizeof(self->zones));
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 1, 0, 0,
			    0, &c));
	ASSERT_EQ(1, c.res);
	EXPECT_EQ(0xa5, ((unsigned char *)&self->zones[1])[0]);
}

TEST_F(zone, report_refusals)
{
	void *hole = ut_unmapped_range(4096);
	struct ut_cqe c;

	NEED_SETUP();
	ASSERT_NE(NULL, hole);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 0, 0, 0,
			    0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "REPORT_ZONES of 0 zones");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 1, 1, 0,
			    0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "REPORT_ZONES at byte 1");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 1,
			    self->d.info.capacity, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, ENOSPC, "REPORT_ZONES at the capacity");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, hole, 1, 0, 0, 0,
			    &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "REPORT_ZONES into unmapped memory");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, (void *)(~0UL << 12),
			    1, 0, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EFAULT, "REPORT_ZONES into kernel addresses");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 1, 0,
			    URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "REPORT_ZONES with a zone_action");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 1, 0, 0,
			    URPT_F_BOUNCE, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "REPORT_ZONES with URPT_F_BOUNCE");
}

/* ---- ZONE_MGMT ---------------------------------------------------------------- */

TEST_F(zone, mgmt_moves_zones_through_their_states)
{
	uint32_t zi = self->nr_conv + 1;
	uint64_t start = zstart(self, zi);
	struct urpt_zone z;
	struct ut_cqe c;

	NEED_SETUP();
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, start,
			    URPT_ZONE_OPEN, 0, &c));
	UT_EXPECT_DONE(&c, 0, "OPEN");
	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_ZONE(&z, URPT_ZONE_COND_EXP_OPEN, start);

	memset(self->buf, 0x22, 2 * self->lbs);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, 2 * self->lbs,
			    start, 0, 0, &c));
	UT_EXPECT_DONE(&c, 2 * self->lbs, "WRITE at the write pointer");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, start,
			    URPT_ZONE_CLOSE, 0, &c));
	UT_EXPECT_DONE(&c, 0, "CLOSE");
	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_ZONE(&z, URPT_ZONE_COND_CLOSED, start + 2 * self->lbs);

	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, start,
			    URPT_ZONE_FINISH, 0, &c));
	UT_EXPECT_DONE(&c, 0, "FINISH");
	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_EQ(URPT_ZONE_COND_FULL, z.cond);

	/* A full zone takes no more: the disk's errno, and its status. */
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf, self->lbs,
			    start, 0, 0, &c));
	EXPECT_GT(0, c.res);
	EXPECT_NE(0, status_of(&c)) TH_LOG("res %d, res2 %#llx", c.res,
					   (unsigned long long)c.extra[0]);

	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, start,
			    URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_DONE(&c, 0, "RESET");
	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_ZONE(&z, URPT_ZONE_COND_EMPTY, start);
	/* And it is written from its start again. */
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, self->lbs, start,
			    0, 0, &c));
	UT_EXPECT_DONE(&c, self->lbs, "WRITE after RESET");
}

TEST_F(zone, reset_all_empties_sequential_zones_only)
{
	uint32_t i, written = 0;
	struct ut_cqe c;

	NEED_SETUP();
	ut_fill(self->buf, self->lbs, 7);
	for (i = 0; i < self->nr_zones && written < 3; i++) {
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, self->lbs,
				    zstart(self, i), 0, 0, &c));
		UT_EXPECT_DONE(&c, self->lbs, "WRITE at a zone start");
		written++;
	}
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, self->lbs,
			    URPT_ZONE_RESET_ALL, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "RESET_ALL at an offset");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, 0,
			    URPT_ZONE_RESET_ALL, 0, &c));
	EXPECT_EQ(0, c.res);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones,
			    ZT_MAX_ZONES, 0, 0, 0, &c));
	ASSERT_EQ((int32_t)self->nr_zones, c.res);
	for (i = self->nr_conv; i < self->nr_zones; i++)
		EXPECT_ZONE(&self->zones[i], URPT_ZONE_COND_EMPTY,
			    zstart(self, i));
	/* Conventional zones keep their data. */
	for (i = 0; i < self->nr_conv; i++) {
		memset(self->buf2, 0, self->lbs);
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_READ, self->buf2, self->lbs,
				    zstart(self, i), 0, 0, &c));
		UT_EXPECT_DONE(&c, self->lbs, "READ of a conventional zone");
		EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, self->lbs));
	}
}

TEST_F(zone, mgmt_refusals)
{
	uint64_t start = zstart(self, self->nr_conv);
	static const uint32_t bad_actions[] = { 0, 6, 0x80000000u };
	struct ut_cqe c;
	size_t i;

	NEED_SETUP();
	for (i = 0; i < ARRAY_SIZE(bad_actions); i++) {
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, start,
				    bad_actions[i], 0, &c));
		UT_EXPECT_REFUSED(&c, EINVAL, "ZONE_MGMT of an unknown action");
	}
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0,
			    start + self->lbs, URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "RESET off a zone start");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0,
			    self->d.info.capacity, URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_REFUSED(&c, ENOSPC, "RESET at the capacity");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, self->lbs, start,
			    URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "RESET with a length");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, self->buf, 0, start,
			    URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "RESET with a buffer");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, start,
			    URPT_ZONE_RESET, URPT_F_FUA, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "RESET with URPT_F_FUA");
	/* A conventional zone has no state to change: the disk says no. */
	if (self->nr_conv) {
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, 0,
				    URPT_ZONE_FINISH, 0, &c));
		EXPECT_GT(0, c.res);
		EXPECT_NE(0, status_of(&c));
	}
}

/* ---- ZONE_APPEND -------------------------------------------------------------- */

TEST_F(zone, append_says_where_the_data_landed)
{
	uint32_t zi = self->nr_conv + 2, len = 8 * self->lbs, k;
	uint64_t start = zstart(self, zi), landed[3];
	static const uint32_t flags[] = { 0, URPT_F_BOUNCE, URPT_F_FUA };
	struct urpt_zone z;
	struct ut_cqe c;

	NEED_SETUP();
	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		ut_fill(self->buf + k * len, len, 100 + k);
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND,
				    self->buf + k * len, len, start, 0,
				    flags[k], &c));
		EXPECT_EQ((int32_t)len, c.res);
		EXPECT_EQ((uint64_t)0, c.extra[1]);
		landed[k] = c.extra[0];
		EXPECT_EQ(start + k * len, landed[k]);
	}
	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_ZONE(&z, URPT_ZONE_COND_IMP_OPEN, start + 3 * len);
	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_READ, self->buf2, len,
				    landed[k], 0, 0, &c));
		UT_EXPECT_DONE(&c, len, "READ where the append landed");
		EXPECT_EQ(-1, ut_first_diff(self->buf + k * len, self->buf2,
					    len));
	}
}

TEST_F(zone, append_of_misaligned_and_longest_buffers)
{
	uint32_t max = self->d.info.max_zone_append, zi = self->nr_conv + 3;
	uint64_t start = zstart(self, zi), at = start;
	/*
	 * Off a page boundary by a block: more pages than blocks, bounced if
	 * need be. Not by less than a block: null_blk copies a block per
	 * segment and overruns its page on a shorter one.
	 */
	unsigned char *odd = self->buf + self->lbs;
	struct ut_cqe c;

	NEED_SETUP();
	ASSERT_GE(BUF_SIZE - 4096, max);
	ut_fill(odd, max, 9);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, odd, max, start, 0, 0,
			    &c));
	ASSERT_EQ((int32_t)max, c.res);
	EXPECT_EQ(at, c.extra[0]);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_READ, self->buf2, max, at, 0, 0,
			    &c));
	UT_EXPECT_DONE(&c, max, "READ of the longest append");
	EXPECT_EQ(-1, ut_first_diff(odd, self->buf2, max));

	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf,
			    max + self->lbs, start, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "ZONE_APPEND over max_zone_append");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf, 0, start, 0,
			    0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "ZONE_APPEND of 0 bytes");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf,
			    self->lbs + 1, start, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "ZONE_APPEND of a partial block");
}

TEST_F(zone, append_refusals_and_disk_errors)
{
	uint64_t start = zstart(self, self->nr_conv);
	void *hole = ut_unmapped_range(1 << 20);
	struct urpt_dev ro;
	struct ut_cqe c;

	NEED_SETUP();
	ASSERT_NE(NULL, hole);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf, self->lbs,
			    start + self->lbs, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "ZONE_APPEND off a zone start");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf, self->lbs,
			    self->d.info.capacity, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, ENOSPC, "ZONE_APPEND at the capacity");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, hole, self->lbs, start,
			    0, 0, &c));
	EXPECT_EQ(-EFAULT, c.res);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf, self->lbs,
			    start, URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "ZONE_APPEND with a zone_action");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf, self->lbs,
			    start, 0, URPT_F_NOUNMAP, &c));
	UT_EXPECT_REFUSED(&c, EINVAL, "ZONE_APPEND with URPT_F_NOUNMAP");
	if (self->nr_conv) {
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf,
				    self->lbs, 0, 0, 0, &c));
		EXPECT_EQ(-EIO, c.res);
		EXPECT_NE(0, status_of(&c));
	}
	/* Nothing of the above moved the write pointer. */
	ASSERT_EQ(0, report_one(self, self->nr_conv, &self->zones[0]));
	EXPECT_ZONE(&self->zones[0], URPT_ZONE_COND_EMPTY, start);

	/* O_RDONLY: REPORT_ZONES only. */
	ASSERT_EQ(0, urpt_dev_open(&ro, self->d.path, O_RDONLY));
	ASSERT_EQ(0, zt_run(&ro.ring, ro.fd, URPT_CMD_ZONE_APPEND, self->buf,
			    self->lbs, start, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EBADF, "ZONE_APPEND on O_RDONLY");
	ASSERT_EQ(0, zt_run(&ro.ring, ro.fd, URPT_CMD_ZONE_MGMT, NULL, 0,
			    start, URPT_ZONE_FINISH, 0, &c));
	UT_EXPECT_REFUSED(&c, EBADF, "ZONE_MGMT on O_RDONLY");
	ASSERT_EQ(0, zt_run(&ro.ring, ro.fd, URPT_CMD_REPORT_ZONES,
			    self->zones, 1, 0, 0, 0, &c));
	EXPECT_EQ(1, c.res);
	urpt_dev_close(&ro);
}

TEST_F(zone, write_off_the_write_pointer_fails_and_nothing_hangs)
{
	uint32_t zi = self->nr_conv + 4;
	uint64_t start = zstart(self, zi);
	struct urpt_zone z;
	struct ut_cqe c;

	NEED_SETUP();
	memset(self->buf, 0x33, 4 * self->lbs);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, self->lbs,
			    start + 2 * self->lbs, 0, 0, &c));
	EXPECT_EQ(-EIO, c.res);
	EXPECT_NE(0, status_of(&c)) TH_LOG("res2 %#llx",
					   (unsigned long long)c.extra[0]);
	/* The report brings the block layer's write pointer back in line. */
	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_ZONE(&z, URPT_ZONE_COND_EMPTY, start);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, 4 * self->lbs,
			    start, 0, 0, &c));
	UT_EXPECT_DONE(&c, 4 * self->lbs, "WRITE at the write pointer");
	/* Past the zone's capacity (inside the zone): refused by the disk. */
	if (self->zcap < self->zsize) {
		ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, self->lbs,
				    start + self->zcap, 0, 0, &c));
		EXPECT_GT(0, c.res);
	}
}

/* A read-only disk (blockdev --setro) takes reports only, as for writes. */
TEST_F(zone, read_only_disk_refuses_management_and_appends)
{
	uint64_t start = zstart(self, self->nr_conv);
	int one = 1, zero = 0;
	struct ut_cqe c;

	NEED_SETUP();
	ASSERT_EQ(0, ioctl(self->d.direct_fd, BLKROSET, &one));
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, start,
			    URPT_ZONE_FINISH, 0, &c));
	UT_EXPECT_REFUSED(&c, EPERM, "FINISH on a read-only disk");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_MGMT, NULL, 0, 0,
			    URPT_ZONE_RESET_ALL, 0, &c));
	UT_EXPECT_REFUSED(&c, EPERM, "RESET_ALL on a read-only disk");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf, self->lbs,
			    start, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EPERM, "ZONE_APPEND on a read-only disk");
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_REPORT_ZONES, self->zones, 1, 0, 0,
			    0, &c));
	EXPECT_EQ(1, c.res);
	ASSERT_EQ(0, ioctl(self->d.direct_fd, BLKROSET, &zero));
	ASSERT_EQ(0, report_one(self, self->nr_conv, &self->zones[0]));
	EXPECT_ZONE(&self->zones[0], URPT_ZONE_COND_EMPTY, start);
}

/* ---- sequences --------------------------------------------------------------- */

/* Every way of writing, one after another, into one zone. */
TEST_F(zone, sequential_writes_after_a_mix_of_commands)
{
	uint32_t zi = self->nr_conv + 5, lbs = self->lbs, n = 0;
	uint64_t start = zstart(self, zi), wp = start;
	struct io_uring poll_ring;
	struct iovec iov[2], reg;
	struct io_uring_sqe *sqe;
	struct urpt_zone z;
	struct ut_cqe c;
	bool polled;

	NEED_SETUP();
	ut_fill(self->buf, 16 * lbs, 77);
	polled = !urpt_queue_init(8, &poll_ring, IORING_SETUP_IOPOLL);
	reg.iov_base = self->buf;
	reg.iov_len = 16 * lbs;
	ASSERT_EQ(0, io_uring_register_buffers(&self->d.dev.ring, &reg, 1));

	/* WRITE; ZONE_APPEND polled; WRITE from a registered buffer. */
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITE, self->buf, 2 * lbs, wp, 0, 0,
			    &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "WRITE");
	wp += 2 * lbs;
	n += 2;
	if (polled) {
		ASSERT_EQ(0, zt_run(&poll_ring, self->d.dev.fd,
				    URPT_CMD_ZONE_APPEND, self->buf + n * lbs,
				    2 * lbs, start, 0, 0, &c));
		EXPECT_EQ((int32_t)(2 * lbs), c.res);
		EXPECT_EQ(wp, c.extra[0]);
		wp += 2 * lbs;
		n += 2;
	}
	sqe = io_uring_get_sqe(&self->d.dev.ring);
	ASSERT_NE(NULL, sqe);
	urpt_prep_write(sqe, self->d.dev.fd, self->buf + n * lbs, 2 * lbs, wp);
	urpt_prep_set_fixed(sqe, 0);
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "WRITE from a registered buffer");
	wp += 2 * lbs;
	n += 2;
	/* ZONE_APPEND from the registered buffer too. */
	sqe = io_uring_get_sqe(&self->d.dev.ring);
	ASSERT_NE(NULL, sqe);
	urpt_prep_zone_append(sqe, self->d.dev.fd, self->buf + n * lbs,
			      2 * lbs, start);
	urpt_prep_set_fixed(sqe, 0);
	ASSERT_EQ(0, ut_submit_one(&self->d.dev.ring, &c));
	EXPECT_EQ((int32_t)(2 * lbs), c.res);
	EXPECT_EQ(wp, c.extra[0]);
	wp += 2 * lbs;
	n += 2;
	/* A bounced ZONE_APPEND, then WRITEV of two segments. */
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_ZONE_APPEND, self->buf + n * lbs,
			    2 * lbs, start, 0, URPT_F_BOUNCE, &c));
	EXPECT_EQ((int32_t)(2 * lbs), c.res);
	EXPECT_EQ(wp, c.extra[0]);
	wp += 2 * lbs;
	n += 2;
	iov[0].iov_base = self->buf + n * lbs;
	iov[0].iov_len = lbs;
	iov[1].iov_base = self->buf + (n + 1) * lbs;
	iov[1].iov_len = lbs;
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_WRITEV, iov, 2, wp, 0, 0, &c));
	UT_EXPECT_DONE(&c, 2 * lbs, "WRITEV");
	wp += 2 * lbs;
	n += 2;

	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_ZONE(&z, URPT_ZONE_COND_IMP_OPEN, wp);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_READ, self->buf2, n * lbs, start, 0,
			    0, &c));
	UT_EXPECT_DONE(&c, n * lbs, "READ of the zone");
	EXPECT_EQ(-1, ut_first_diff(self->buf, self->buf2, n * lbs));
	io_uring_unregister_buffers(&self->d.dev.ring);
	if (polled)
		io_uring_queue_exit(&poll_ring);
	else
		TH_LOG("no IOPOLL ring here: the polled append was left out");
}

#define ZT_WRITERS	3
#define ZT_APPENDS	16

/* A child: ZT_APPENDS blocks into the zone, each naming who wrote it. */
static int append_child(const char *path, uint64_t start, uint32_t lbs,
			int who)
{
	uint64_t *blk = ut_alloc(lbs);
	struct urpt_dev dev;
	struct ut_cqe c;
	int i;

	if (!blk || urpt_dev_open(&dev, path, O_RDWR))
		return 2;
	for (i = 0; i < ZT_APPENDS; i++) {
		memset(blk, 0, lbs);
		blk[0] = ZT_MAGIC;
		blk[1] = who;
		blk[2] = i;
		if (zt_run(&dev.ring, dev.fd, URPT_CMD_ZONE_APPEND, blk, lbs,
			   start, 0, 0, &c) || c.res != (int32_t)lbs)
			return 3;
		if (c.extra[0] < start || (c.extra[0] - start) % lbs)
			return 4;
	}
	urpt_dev_close(&dev);
	return 0;
}

TEST_F(zone, processes_appending_to_one_zone_lose_nothing)
{
	uint32_t zi = self->nr_conv + 6, lbs = self->lbs, i;
	uint64_t start = zstart(self, zi), total = ZT_WRITERS * ZT_APPENDS;
	bool seen[ZT_WRITERS][ZT_APPENDS] = { { false } };
	pid_t pid[ZT_WRITERS];
	struct urpt_zone z;
	struct ut_cqe c;
	int w, status;

	NEED_SETUP();
	for (w = 0; w < ZT_WRITERS; w++) {
		pid[w] = fork();
		ASSERT_LE(0, pid[w]);
		if (!pid[w])
			_exit(append_child(self->d.path, start, lbs, w));
	}
	for (w = 0; w < ZT_WRITERS; w++) {
		ASSERT_EQ(pid[w], waitpid(pid[w], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("writer %d: status %#x", w, status);
	}
	ASSERT_EQ(0, report_one(self, zi, &z));
	EXPECT_ZONE(&z, URPT_ZONE_COND_IMP_OPEN, start + total * lbs);
	ASSERT_EQ(0, zt_cmd(self, URPT_CMD_READ, self->buf2, total * lbs,
			    start, 0, 0, &c));
	UT_EXPECT_DONE(&c, total * lbs, "READ of the zone");
	for (i = 0; i < total; i++) {
		uint64_t *b = (uint64_t *)(self->buf2 + i * lbs);

		ASSERT_EQ(ZT_MAGIC, b[0]) TH_LOG("block %u", i);
		ASSERT_GT((uint64_t)ZT_WRITERS, b[1]);
		ASSERT_GT((uint64_t)ZT_APPENDS, b[2]);
		EXPECT_FALSE(seen[b[1]][b[2]]) TH_LOG("block %u twice", i);
		seen[b[1]][b[2]] = true;
	}
}

/* ---- elsewhere ----------------------------------------------------------------- */

TEST_F(zone, a_disk_without_zones_refuses_zone_commands)
{
	static const char *const attrs[] = {
		"size=16", "memory_backed=1", "blocksize=512", NULL,
	};
	struct nb_disk plain;
	struct ut_disk d;
	const char *what = "";
	struct ut_cqe c;
	int ret;

	NEED_SETUP();
	ret = nb_make(&plain, "zplain", attrs, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ret = ut_disk_attach(&d, plain.dev, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	EXPECT_FALSE(!!(d.info.features & URPT_FEAT_ZONED));
	EXPECT_EQ(0u, d.info.zoned);
	EXPECT_EQ((uint64_t)0, d.info.zone_size);
	EXPECT_EQ(0u, d.info.nr_zones | d.info.max_zone_append);
	EXPECT_EQ(0, zt_run(&d.dev.ring, d.dev.fd, URPT_CMD_REPORT_ZONES,
			    self->zones, 1, 0, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "REPORT_ZONES, no zones");
	EXPECT_EQ(0, zt_run(&d.dev.ring, d.dev.fd, URPT_CMD_ZONE_MGMT, NULL, 0,
			    0, URPT_ZONE_RESET, 0, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "ZONE_MGMT, no zones");
	EXPECT_EQ(0, zt_run(&d.dev.ring, d.dev.fd, URPT_CMD_ZONE_MGMT, NULL, 0,
			    0, URPT_ZONE_RESET_ALL, 0, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "RESET_ALL, no zones");
	EXPECT_EQ(0, zt_run(&d.dev.ring, d.dev.fd, URPT_CMD_ZONE_APPEND,
			    self->buf, 512, 0, 0, 0, &c));
	UT_EXPECT_REFUSED(&c, EOPNOTSUPP, "ZONE_APPEND, no zones");
	ut_disk_release(&d);
	nb_destroy(&plain);
}

TEST_HARNESS_MAIN
