// SPDX-License-Identifier: GPL-2.0
/*
 * The command lifecycle, one for every command that reaches the disk,
 * from either personality, asynchronous (a uring command) or synchronous
 * (an NVMe ioctl): its bios are built and submitted one at a time (bio.c),
 * each before the next is allocated; each bio's end_io counts down; the
 * last one completes the command: in task work for a uring command, where
 * the pages are released (a read's dirtied) and a bounced read copied out,
 * then the personality posts the CQE; by waking the waiter of an ioctl,
 * which does the same in its own context.
 *
 * A write-zeroes is run to its end in io_uring's worker instead, and done
 * again with the zero page where the disk refuses it (urpt_req_zeroout()).
 *
 * Under IO_URING_F_NONBLOCK a command goes to the disk only as one bio
 * with REQ_NOWAIT on a blk-mq queue, which ends it with BLK_STS_AGAIN
 * before submit_bio() returns if it would wait (no tag, a split needed);
 * it then goes back to io_uring as -EAGAIN, to be issued again from its
 * worker, where anything may wait. One that blk-throttle held and that
 * ends so later is sent again by a worker of ours (urpt_req_reissue()).
 * Every other command is -EAGAIN at once,
 * before anything is built: several bios, bounced data, data-less
 * commands (a discard's split does not honour REQ_NOWAIT on 6.1), and
 * bio-based disks (dm, md split and resubmit: a part may fail with
 * BLK_STS_AGAIN after another was queued).
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/uio.h>
#include "urpt.h"

/* The first failed bio so far: its index << 8 | its status. */
#define URPT_NO_FAILURE		U32_MAX
#define URPT_FAILED_INDEX_MAX	((1U << 24) - 2)

#define URPT_REQ_POLLED		BIT(0)	/* the one bio is REQ_POLLED */
#define URPT_REQ_SYNC		BIT(1)	/* an ioctl waits: struct urpt_sync */
#define URPT_REQ_NVME		BIT(2)	/* posted by the NVMe personality */
#define URPT_REQ_WRITE		BIT(3)	/* writes, flushes or discards */
#define URPT_REQ_NOWAIT		BIT(4)	/* the one bio is REQ_NOWAIT */
#define URPT_REQ_APPEND		BIT(5)	/* the one bio is a zone append */
#define URPT_REQ_ZONE_WRITE	BIT(6)	/* writes to a zoned disk */
#define URPT_REQ_ZONE_MGMT	BIT(7)	/* a zone's reset, open, close, finish */
/* The next flag needs a wider @flags. */

/*
 * The state of one command. It overlays the io_uring_cmd pdu, which
 * io_uring keeps in place until io_uring_cmd_done(): expect build errors
 * if it grows larger than that. Every field is set in urpt_req_start().
 */
struct urpt_req {
	struct urpt_bio	*bios;		/* the data bios, in disk order */
	u64		start_ns;	/* the first bio was built */
	u32		len;		/* bytes to report on success */
	/* bios not ended yet, plus one held by the submitter */
	atomic_t	pending;
	atomic_t	failed;		/* URPT_NO_FAILURE or the first failure */
	s16		error;		/* building a bio failed after others */
	u8		nr_bios;	/* submitted, saturating */
	u8		flags;		/* URPT_REQ_* */
};

/* An ioctl's command, on its stack. */
struct urpt_sync {
	struct urpt_req		req;
	struct completion	done;
};

static urpt_complete_fn urpt_personalities[URPT_NR_PERSONALITIES];

void urpt_req_register(enum urpt_personality who, urpt_complete_fn complete)
{
	urpt_personalities[who] = complete;
}

static struct urpt_req *urpt_req(struct io_uring_cmd *ioucmd)
{
	BUILD_BUG_ON(sizeof(struct urpt_req) > sizeof(ioucmd->pdu));
	return (struct urpt_req *)&ioucmd->pdu;
}

static struct io_uring_cmd *urpt_req_cmd(struct urpt_req *req)
{
	return container_of((void *)req, struct io_uring_cmd, pdu);
}

static void urpt_req_start(struct urpt_req *req, const struct urpt_build *b,
			   u8 flags)
{
	enum req_op op = b->opf & REQ_OP_MASK;

	req->bios = NULL;
	req->start_ns = ktime_get_ns();
	req->len = b->len;
	atomic_set(&req->pending, 1);
	atomic_set(&req->failed, URPT_NO_FAILURE);
	req->error = 0;
	req->nr_bios = 0;
	req->flags = flags | (op_is_write(b->opf) ? URPT_REQ_WRITE : 0);
	if (op == REQ_OP_ZONE_APPEND)
		req->flags |= URPT_REQ_APPEND;
	else if (op_is_zone_mgmt(op))
		req->flags |= URPT_REQ_ZONE_MGMT;
	/* Data written, not a flush or a discard. */
	else if (((op == REQ_OP_WRITE && (b->iter || b->zero_pages)) ||
		  op == REQ_OP_WRITE_ZEROES) && bdev_is_zoned(b->bdev))
		req->flags |= URPT_REQ_ZONE_WRITE;
}

/* What kind of zone command a failure came from, for its personality. */
static u8 urpt_req_zone(const struct urpt_req *req)
{
	if (req->flags & URPT_REQ_APPEND)
		return URPT_RESULT_ZONE_APPEND;
	if (req->flags & URPT_REQ_ZONE_MGMT)
		return URPT_RESULT_ZONE_MGMT;
	if (req->flags & URPT_REQ_ZONE_WRITE)
		return URPT_RESULT_ZONE_WRITE;
	return 0;
}

/*
 * Which error wins is decided by position, not by time: the first failed
 * bio in disk order, whichever ended first.
 */
static void urpt_req_failed(struct urpt_req *req, u32 index,
			    blk_status_t status)
{
	u32 new = min(index, URPT_FAILED_INDEX_MAX) << 8 | (__force u8)status;
	u32 old = atomic_read(&req->failed);

	do {
		if (old <= new)
			return;
	} while (!atomic_try_cmpxchg(&req->failed, &old, new));
}

static blk_status_t urpt_req_status(struct urpt_req *req)
{
	u32 failed = atomic_read(&req->failed);

	return failed == URPT_NO_FAILURE ? BLK_STS_OK :
	       (__force blk_status_t)(failed & 0xff);
}

/*
 * Every bio ended: release the pages, copy a bounced read out. Process
 * context: the submitter's task (task work), io_uring's fallback worker
 * when the task is exiting, or the ioctl's caller. Inlined into both
 * callers: it is on every command's completion.
 */
static __always_inline void urpt_req_finish(struct urpt_req *req,
					    struct urpt_result *r)
{
	struct urpt_bio *first = req->bios;
	bool write = req->flags & URPT_REQ_WRITE;

	r->status = urpt_req_status(req);
	r->write = write;
	r->nr_bios = req->nr_bios;
	r->zone = urpt_req_zone(req);
	if (r->status)
		r->res = blk_status_to_errno(r->status);
	else
		r->res = req->error ? req->error : req->len;
	/* The block layer left where the append went in its sector. */
	r->landed = 0;
	r->lba_shift = SECTOR_SHIFT;
	if ((req->flags & URPT_REQ_APPEND) && !r->status && first) {
		r->landed = (u64)first->bio.bi_iter.bi_sector << SECTOR_SHIFT;
		r->lba_shift = first->lba_shift;
	}
	if (first && first->bounce)
		r->res = urpt_bounce_finish(first, r->res);
	urpt_bios_free(first, !write);
	r->ns = min_t(u64, ktime_get_ns() - req->start_ns, URPT_RES2_NS_MASK);
}

static void urpt_req_complete_in_task(struct io_uring_cmd *ioucmd,
				      unsigned int issue_flags)
{
	struct urpt_req *req = urpt_req(ioucmd);
	struct urpt_result r;
	enum urpt_personality who = req->flags & URPT_REQ_NVME ? URPT_NVME :
						 URPT_NATIVE;

	urpt_req_finish(req, &r);
	urpt_personalities[who](ioucmd, &r, issue_flags);
}

URPT_TASK_WORK(urpt_req_complete_in_task)

/*
 * The REQ_NOWAIT bio ended with BLK_STS_AGAIN after submit_bio() returned:
 * blk-throttle held it, then dispatched it in a burst larger than the
 * queue's free tags. It was queued, so -EAGAIN would be a wrong result,
 * not a retry: it is sent again, without REQ_NOWAIT, by a worker, where
 * waiting for a tag stalls nothing of the ring's (task work may hold its
 * uring_lock), and without REQ_POLLED, since the tag it waits for may be
 * held by this ring's own polled requests (urpt_bio_resend()). From the
 * submitter's task, so that it is charged to the submitter's cgroup again.
 * Run by io_uring's fallback worker (PF_KTHREAD), where current is not
 * the submitter and so not its cgroup, the command completes with the
 * status it has instead (an exiting task: always on 6.12, on 6.1 once
 * past exit_task_work()). io_uring_cmd_issue_blocking() (6.12), which block/ioctl.c
 * uses for the same case, does not fit: on an IOPOLL ring it would queue a
 * request still on the ring's poll list a second time.
 */
static void urpt_req_reissue(struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags)
{
	struct urpt_req *req = urpt_req(ioucmd);
	struct urpt_dev *udev = ioucmd->file->private_data;

	if (current->flags & PF_KTHREAD) {
		urpt_dev_put(udev);
		urpt_req_complete_in_task(ioucmd, issue_flags);
		return;
	}
	WRITE_ONCE(req->flags, req->flags & ~URPT_REQ_NOWAIT);
	atomic_set(&req->failed, URPT_NO_FAILURE);
	atomic_set(&req->pending, 1);
	urpt_bio_resend(req->bios, udev->bdev, udev->resend_wq);
}

URPT_TASK_WORK(urpt_req_reissue)

/* The last bio ended, or the submitter let go last. Any context. */
static void urpt_req_ended(struct urpt_req *req)
{
	struct io_uring_cmd *ioucmd;

	if (req->flags & URPT_REQ_SYNC) {
		complete(&container_of(req, struct urpt_sync, req)->done);
		return;
	}
	ioucmd = urpt_req_cmd(req);
	/*
	 * The disk is no longer needed: DETACH may go on. A poller that has
	 * not yet looked at the polled bio finds nothing to poll; one that
	 * has is under rcu_read_lock(), which DETACH waits out before it
	 * releases the disk (dev.c).
	 */
	WRITE_ONCE(req->flags, req->flags & ~URPT_REQ_POLLED);
	/* Sent again: it keeps the device reference. */
	if (unlikely(req->flags & URPT_REQ_NOWAIT) &&
	    urpt_req_status(req) == BLK_STS_AGAIN) {
		io_uring_cmd_complete_in_task(ioucmd, urpt_req_reissue_tw);
		return;
	}
	urpt_dev_put(ioucmd->file->private_data);
	/*
	 * Always through task work, polled or not, as NVMe passthrough does
	 * since 2025: this may be hard irq, or another ring's poller that
	 * found our bio on a queue they share.
	 */
	urpt_complete_in_task_lazy(ioucmd, urpt_req_complete_in_task_tw);
}

/* Any context, often hard irq. */
static void urpt_req_end_io(struct bio *bio)
{
	struct urpt_bio *ub = container_of(bio, struct urpt_bio, bio);
	struct urpt_req *req = bio->bi_private;

	if (unlikely(bio->bi_status))
		urpt_req_failed(req, ub->index, bio->bi_status);
	/* Data-less bios hold nothing for later: put them now. */
	if (!ub->held)
		bio_put(bio);
	if (atomic_dec_and_test(&req->pending))
		urpt_req_ended(req);
}

/*
 * Build and submit the bios one at a time, each before the next is
 * allocated. With @nowait only a command of one bio is built, with
 * REQ_NOWAIT (urpt_req_can_nowait()). Returns an error only when nothing
 * was submitted; an error after that is the command's result unless a
 * bio before it fails. Inlined into both callers: a call per command
 * costs about as much as the rest of what this adds to submit_bio().
 */
static __always_inline int urpt_req_issue(struct urpt_req *req,
					  struct urpt_build *b, bool nowait,
					  bool polled)
{
	struct urpt_bio **tail = &req->bios, *ub;
	bool one = urpt_build_one_bio(b), last;
	struct blk_plug plug;
	bool plugged = false;
	u32 index = 0;
	int ret;

	for (;;) {
		ret = urpt_build_next(b, &ub, nowait ? GFP_NOWAIT : GFP_KERNEL);
		if (ret || !ub)
			break;
		last = urpt_build_done(b);
		if (one && !last) {
			/*
			 * The bio holds all the pages it has room for: a page
			 * after them could not be pinned.
			 */
			urpt_bio_free(ub);
			ret = -EFAULT;
			break;
		}
		ub->index = index;
		ub->held = !!b->iter;
		if (req->flags & URPT_REQ_APPEND)
			ub->lba_shift = ilog2(bdev_logical_block_size(b->bdev));
		ub->bio.bi_end_io = urpt_req_end_io;
		ub->bio.bi_private = req;
		/* iopoll follows one bio: the command must be just that. */
		if (polled && one) {
			ub->bio.bi_opf |= REQ_POLLED;
			req->flags |= URPT_REQ_POLLED;
		}
		if (nowait) {
			ub->bio.bi_opf |= REQ_NOWAIT;
			req->flags |= URPT_REQ_NOWAIT;
			urpt_bio_save(ub);
		}
		if (ub->held) {
			*tail = ub;
			tail = &ub->next;
		}
		if (!index && !last) {
			blk_start_plug(&plug);
			plugged = true;
		}
		index++;
		req->nr_bios = min(index, 255U);
		atomic_inc(&req->pending);
		/* Once submitted, a data-less bio may end and be freed. */
		submit_bio(&ub->bio);
		if (last)
			break;
	}
	if (plugged)
		blk_finish_plug(&plug);
	if (ret && index) {
		req->error = ret;
		ret = 0;
	}
	if (ret && !req->bios)
		urpt_build_abort(b);
	/* Memory that could not be had without waiting: from the worker. */
	if (ret == -ENOMEM && nowait)
		ret = -EAGAIN;
	return ret;
}

/*
 * Can the command go to the disk under IO_URING_F_NONBLOCK: as one bio,
 * on a queue that honours REQ_NOWAIT before submit_bio() returns?
 */
static bool urpt_req_can_nowait(struct block_device *bdev,
				const struct urpt_build *b)
{
	if (!queue_is_mq(bdev_get_queue(bdev)) || !bdev_nowait(bdev))
		return false;
	/* A discard or write-zeroes bio may be split without honouring it. */
	return b->iter && !b->bounced && urpt_build_one_bio(b);
}

/*
 * Only a data bio on a disk with poll queues can be polled: 6.10 and
 * later fail REQ_POLLED elsewhere with BLK_STS_NOTSUPP, and an empty
 * flush bio would go through the flush machinery on a poll queue and
 * never be found by bio_poll(). One bio only (urpt_req_issue()): the
 * block layer's own iopoll follows one.
 */
static bool urpt_req_can_poll(struct block_device *bdev,
			      const struct urpt_build *b,
			      unsigned int issue_flags)
{
	return (issue_flags & IO_URING_F_IOPOLL) && b->iter && !b->bounced &&
	       urpt_bdev_can_poll(bdev);
}

/*
 * A write-zeroes runs to its end where it is issued, as
 * blkdev_issue_zeroout() runs for BLKZEROOUT: a disk may offer
 * REQ_OP_WRITE_ZEROES and still refuse it (BLK_STS_NOTSUPP: a loop device
 * over a file system that cannot zero a range in place refuses
 * REQ_NOUNMAP), and then the zero page is written over the range instead,
 * so that what INFO and Identify offer is what the command does. It waits,
 * so only from io_uring's worker; answered here, with the device reference
 * the caller took.
 */
static int urpt_req_zeroout(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
			    struct urpt_build *b, enum urpt_personality who,
			    unsigned int issue_flags)
{
	struct urpt_result r;

	if (issue_flags & IO_URING_F_NONBLOCK) {
		urpt_build_abort(b);
		return -EAGAIN;
	}
	urpt_req_wait(udev, b, &r);
	urpt_personalities[who](ioucmd, &r, issue_flags);
	urpt_dev_put(udev);
	return -EIOCBQUEUED;
}

/*
 * A uring command's bios: -EIOCBQUEUED once they went to the disk (the
 * command completes later, and owns the device reference the caller
 * took), -EAGAIN to be issued again from io_uring's worker, or an error
 * before anything reached the disk. @b is consumed either way.
 */
int urpt_req_submit(struct urpt_dev *udev, struct io_uring_cmd *ioucmd,
		    struct urpt_build *b, enum urpt_personality who,
		    unsigned int issue_flags)
{
	struct urpt_req *req = urpt_req(ioucmd);
	bool nowait = issue_flags & IO_URING_F_NONBLOCK;
	int ret;

	if ((b->opf & REQ_OP_MASK) == REQ_OP_WRITE_ZEROES)
		return urpt_req_zeroout(udev, ioucmd, b, who, issue_flags);
	if (nowait && !urpt_req_can_nowait(udev->bdev, b)) {
		urpt_build_abort(b);
		return -EAGAIN;
	}
	urpt_req_start(req, b, who == URPT_NVME ? URPT_REQ_NVME : 0);
	ret = urpt_req_issue(req, b, nowait,
			     urpt_req_can_poll(udev->bdev, b, issue_flags));
	if (ret)
		return ret;
	/*
	 * Our hold is the last one only if the bio ended before submit_bio()
	 * returned: then BLK_STS_AGAIN means "would have waited", and the
	 * command goes back to io_uring for a worker.
	 */
	if (atomic_dec_and_test(&req->pending)) {
		if (nowait && urpt_req_status(req) == BLK_STS_AGAIN) {
			urpt_bios_free(req->bios, false);
			return -EAGAIN;
		}
		urpt_req_ended(req);
	}
	return -EIOCBQUEUED;
}

/* Submit the bios of @b and wait for them. @b is consumed. */
static void urpt_req_run_once(struct urpt_dev *udev, struct urpt_build *b,
			      struct urpt_result *r)
{
	struct urpt_sync sync;
	int ret;

	init_completion(&sync.done);
	urpt_req_start(&sync.req, b, URPT_REQ_SYNC);
	ret = urpt_req_issue(&sync.req, b, false, false);
	if (ret) {
		*r = (struct urpt_result) { .res = ret };
		return;
	}
	if (!atomic_dec_and_test(&sync.req.pending))
		wait_for_completion_io(&sync.done);
	urpt_req_finish(&sync.req, r);
}

/*
 * An ioctl's bios, or a write-zeroes, submitted and waited for here, as
 * nvme_submit_user_cmd() waits for its request; a write-zeroes the disk
 * refused is done again as writes of the zero page. @b is consumed.
 */
void urpt_req_wait(struct urpt_dev *udev, struct urpt_build *b,
		   struct urpt_result *r)
{
	bool zeroing = (b->opf & REQ_OP_MASK) == REQ_OP_WRITE_ZEROES;
	struct urpt_build zeroes;

	if (zeroing)
		zeroes = *b;
	urpt_req_run_once(udev, b, r);
	/*
	 * Refused, or failed by a disk that then turned write-zeroes off (sd
	 * after WRITE SAME is rejected: BLK_STS_TARGET), as blk-lib.c reads it.
	 */
	if (zeroing && (r->status == BLK_STS_NOTSUPP ||
			(r->status && !bdev_write_zeroes_sectors(udev->bdev)))) {
		urpt_build_zero_pages(&zeroes);
		urpt_req_run_once(udev, &zeroes, r);
	}
}

int urpt_uring_cmd_iopoll(struct io_uring_cmd *ioucmd,
			  struct io_comp_batch *iob, unsigned int poll_flags)
{
	struct urpt_req *req = urpt_req(ioucmd);
	struct urpt_bio *ub;
	int ret = 0;

	/*
	 * Only a polled bio is looked at. It may end and be freed meanwhile,
	 * completed by another poller of its queue: as in the block layer's
	 * own iocb_bio_iopoll(), bio slabs are SLAB_TYPESAFE_BY_RCU, so under
	 * rcu_read_lock() the memory is still a bio, and bio_poll() reads its
	 * bi_bdev once and does nothing if a put cleared it. Other commands
	 * complete by interrupt and task work, which this loop runs.
	 */
	rcu_read_lock();
	ub = READ_ONCE(req->bios);
	if ((READ_ONCE(req->flags) & URPT_REQ_POLLED) && ub)
		ret = bio_poll(&ub->bio, iob, poll_flags);
	rcu_read_unlock();
	return ret;
}
