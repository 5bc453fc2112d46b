// SPDX-License-Identifier: MIT
/*
 * Names of block-layer statuses (blk_status_t), by their values in Linux 6.1.
 *
 * The CQE carries the status in 8 bits, so every value it can hold has a
 * constant name: unknown ones read "BLK_STS_<n>" without a scratch buffer,
 * which keeps the function reentrant.
 */
#include <liburpt.h>

static const char *const blk_status_names[] = {
	[0]	= "BLK_STS_OK",
	[1]	= "BLK_STS_NOTSUPP",
	[2]	= "BLK_STS_TIMEOUT",
	[3]	= "BLK_STS_NOSPC",
	[4]	= "BLK_STS_TRANSPORT",
	[5]	= "BLK_STS_TARGET",
	[6]	= "BLK_STS_NEXUS",
	[7]	= "BLK_STS_MEDIUM",
	[8]	= "BLK_STS_PROTECTION",
	[9]	= "BLK_STS_RESOURCE",
	[10]	= "BLK_STS_IOERR",
	[11]	= "BLK_STS_DM_REQUEUE",
	[12]	= "BLK_STS_AGAIN",
	[13]	= "BLK_STS_DEV_RESOURCE",
	[14]	= "BLK_STS_ZONE_RESOURCE",
	[15]	= "BLK_STS_ZONE_OPEN_RESOURCE",
	[16]	= "BLK_STS_ZONE_ACTIVE_RESOURCE",
	[17]	= "BLK_STS_OFFLINE",
};

#define BLK_STS_NUMBER(n)	[n] = "BLK_STS_" #n
/* Ten consecutive values sharing the leading digits t (none for 0..9). */
#define BLK_STS_DECADE(t)						\
	BLK_STS_NUMBER(t##0), BLK_STS_NUMBER(t##1), BLK_STS_NUMBER(t##2), \
	BLK_STS_NUMBER(t##3), BLK_STS_NUMBER(t##4), BLK_STS_NUMBER(t##5), \
	BLK_STS_NUMBER(t##6), BLK_STS_NUMBER(t##7), BLK_STS_NUMBER(t##8), \
	BLK_STS_NUMBER(t##9)

static const char *const blk_status_numbers[URPT_RES2_STATUS_MASK + 1] = {
	BLK_STS_DECADE(),   BLK_STS_DECADE(1),  BLK_STS_DECADE(2),
	BLK_STS_DECADE(3),  BLK_STS_DECADE(4),  BLK_STS_DECADE(5),
	BLK_STS_DECADE(6),  BLK_STS_DECADE(7),  BLK_STS_DECADE(8),
	BLK_STS_DECADE(9),  BLK_STS_DECADE(10), BLK_STS_DECADE(11),
	BLK_STS_DECADE(12), BLK_STS_DECADE(13), BLK_STS_DECADE(14),
	BLK_STS_DECADE(15), BLK_STS_DECADE(16), BLK_STS_DECADE(17),
	BLK_STS_DECADE(18), BLK_STS_DECADE(19), BLK_STS_DECADE(20),
	BLK_STS_DECADE(21), BLK_STS_DECADE(22), BLK_STS_DECADE(23),
	BLK_STS_DECADE(24),
	BLK_STS_NUMBER(250), BLK_STS_NUMBER(251), BLK_STS_NUMBER(252),
	BLK_STS_NUMBER(253), BLK_STS_NUMBER(254), BLK_STS_NUMBER(255),
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const char *urpt_blk_status_name(unsigned int blk_status)
{
	if (blk_status < ARRAY_SIZE(blk_status_names))
		return blk_status_names[blk_status];
	if (blk_status < ARRAY_SIZE(blk_status_numbers))
		return blk_status_numbers[blk_status];
	/* Wider than the 8-bit field of the CQE: not from urpt.ko. */
	return "BLK_STS_UNKNOWN";
}
