/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The zoned null_blk disks of the zone tests (urpt_zone_test.c, the
 * native commands; urpt_zns_test.c, the NVMe personality's Zoned
 * Namespace), made through configfs: memory backed, without poll queues
 * (6.1's null_poll() runs polled commands without its zone logic: an
 * append lands at the zone start, the write pointer stays; an IOPOLL
 * ring still completes these, by interrupt).
 */
#ifndef URPT_ZONED_H
#define URPT_ZONED_H

#include <stdio.h>
#include <stdlib.h>

#include "urpt_fault.h"

/* Needs kselftest_harness.h first: zd_setup() SKIPs and ASSERTs. */

struct zd_geometry {
	const char *name;	/* of the configfs item */
	const char *blocksize;
	const char *size_mb;
	const char *zone_mb;
	const char *cap_mb;	/* NULL: the zone size */
	uint32_t nr_conv;	/* conventional zones first */
	const char *max_open;
	const char *max_active;
};

/* The two geometries both tests run on. */
#define ZD_CONV_512 {							\
	.name = "zconv", .blocksize = "512", .size_mb = "128",		\
	.zone_mb = "8", .cap_mb = "6", .nr_conv = 2, .max_open = "4",	\
	.max_active = "6",						\
}
#define ZD_SEQ_4K {							\
	.name = "zseq", .blocksize = "4096", .size_mb = "64",		\
	.zone_mb = "4", .cap_mb = NULL, .nr_conv = 0, .max_open = "0",	\
	.max_active = "0",						\
}

static inline uint64_t zd_zone_bytes(const struct zd_geometry *g)
{
	return (uint64_t)atoi(g->zone_mb) << 20;
}

static inline uint32_t zd_nr_zones(const struct zd_geometry *g)
{
	return (uint32_t)(((uint64_t)atoi(g->size_mb) << 20) /
			  zd_zone_bytes(g));
}

static inline uint64_t zd_zone_capacity(const struct zd_geometry *g)
{
	return g->cap_mb ? (uint64_t)atoi(g->cap_mb) << 20 : zd_zone_bytes(g);
}

/* The disk of geometry g: nb_make()'s 0 or -errno, *what the step. */
static inline int zd_make(struct nb_disk *nb, const struct zd_geometry *g,
			  const char **what)
{
	char bs[32], sz[32], zs[32], cap[32], conv[32], mo[32], ma[32];
	const char *attrs[16];
	int n = 0;

	snprintf(bs, sizeof(bs), "blocksize=%s", g->blocksize);
	snprintf(sz, sizeof(sz), "size=%s", g->size_mb);
	snprintf(zs, sizeof(zs), "zone_size=%s", g->zone_mb);
	snprintf(conv, sizeof(conv), "zone_nr_conv=%u", g->nr_conv);
	snprintf(mo, sizeof(mo), "zone_max_open=%s", g->max_open);
	snprintf(ma, sizeof(ma), "zone_max_active=%s", g->max_active);
	attrs[n++] = "memory_backed=1";
	attrs[n++] = bs;
	attrs[n++] = sz;
	attrs[n++] = "submit_queues=2";
	attrs[n++] = "poll_queues=0";
	attrs[n++] = "zoned=1";
	attrs[n++] = zs;
	if (g->cap_mb) {
		snprintf(cap, sizeof(cap), "zone_capacity=%s", g->cap_mb);
		attrs[n++] = cap;
	}
	attrs[n++] = conv;
	attrs[n++] = mo;
	attrs[n++] = ma;
	attrs[n] = NULL;
	return nb_make(nb, g->name, attrs, what);
}

/*
 * A fixture's setup: the disk of geometry g made and attached as d, or a
 * SKIP (false) where this machine cannot make it.
 */
static inline bool zd_setup(struct __test_metadata *_metadata,
			    struct nb_disk *nb, struct ut_disk *d,
			    const struct zd_geometry *g)
{
	const char *what = "";
	int ret;

	if (!ut_exists(NB_ROOT))
		SKIP(return false, "%s missing (configfs, null_blk)", NB_ROOT);
	nb_cleanup_leftovers();
	ret = zd_make(nb, g, &what);
	if (ret == -EINVAL || ret == -ENOENT)
		SKIP(return false,
		     "null_blk cannot make this zoned disk here (%s: %s)",
		     what, strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ret = ut_disk_attach(d, nb->dev, &what);
	ASSERT_EQ(0, ret) TH_LOG("%s of zoned %s: %s", what, nb->dev,
				 strerror(-ret));
	return true;
}

#endif /* URPT_ZONED_H */
