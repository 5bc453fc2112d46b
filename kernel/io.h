/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the data path (io.c) shares with the bounce buffers (bounce.c).
 */
#ifndef URPT_IO_H
#define URPT_IO_H

#include <linux/bio.h>

struct urpt_bounce;

/* Every bio urpt submits comes from its bioset with this front pad. */
struct urpt_bio {
	struct urpt_bio		*next;		/* next bio of the command */
	struct urpt_bounce	*bounce;	/* on every bio of a bounced command */
	struct bio		bio;
};

/* The bios of one command, in disk order, while it is being built. */
struct urpt_bio_list {
	struct urpt_bio		*head;
	struct urpt_bio		**tail;
	unsigned int		nr;
};

struct urpt_bio *urpt_bio_alloc(struct urpt_bio_list *list,
				struct block_device *bdev,
				unsigned short nr_vecs, blk_opf_t opf,
				sector_t sector, gfp_t gfp);

int urpt_bounce_build(struct urpt_bio_list *list, struct block_device *bdev,
		      blk_opf_t opf, sector_t sector, struct iov_iter *iter);
ssize_t urpt_bounce_finish(struct urpt_bio *first, ssize_t res);
void urpt_bounce_free(struct urpt_bio *first);

#endif /* URPT_IO_H */
