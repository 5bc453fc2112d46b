// SPDX-License-Identifier: GPL-2.0
/*
 * urpt_durable: both halves of the durability test (selftests/vm/durability.sh,
 * docs/durability.md).
 *
 *   urpt_durable run --disk DEV --seed N [--out FILE] [--seconds S] [--lie]
 *
 *     Guest side, killed mid-run by the host. Attaches DEV through
 *     /dev/urpt-control and writes 4 KiB records through /dev/urptN with up
 *     to QD commands in flight: FUA writes, plain writes and FLUSHes, mixed
 *     at random (seeded). Every block of a write carries a record header
 *     (magic, seed, sequence number, block number, CRC32C of the block).
 *     Once a write is durable it prints one line per block on FILE
 *     (default stdout; the harness gives /dev/ttyS1, the results channel):
 *
 *       DURABLE <seq> <block> <tag>
 *
 *     A FUA write is durable when its completion is seen. A plain write is
 *     durable when a FLUSH completes that was submitted after the write's
 *     completion was seen. <tag> is a 16-bit hash of seed, seq and block
 *     (4 hex digits): the checker refuses a line whose tag does not match.
 *     No two writes to one block are ever in flight together, so the newest
 *     completed write to a block is the one the block must end up holding
 *     (or a later one). --lie is the negative control: plain writes only,
 *     never a FLUSH, each claimed at its completion; the test must catch it
 *     on an image format that loses unflushed writes (qcow2).
 *
 *   urpt_durable check --image IMG --log LOG --seed N
 *
 *     Host side, after qemu is gone: reads the claims from LOG (complete
 *     lines only: the last one may have been cut by the kill) and checks
 *     IMG (the guest disk as raw bytes). A claim (seq S, block B) holds if
 *     block B has a record with a valid CRC, magic, seed and block number
 *     B, and a sequence number >= S (a later write may have overwritten
 *     it). Prints what it found, a "lost" line per lost block (up to 50)
 *     and a last line
 *
 *       claims <n> blocks <n> lost <n> malformed <n> records <n> torn <n>
 *
 *     exit status 0 when nothing was lost and no line was malformed, 1
 *     otherwise, 2 on a usage or I/O error.
 *
 * Not a kselftest_harness program: it is killed by design, and it is kept
 * out of selftests/ (every *.c there is a kselftest) so that guest/check.sh
 * never runs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <liburpt.h>

#define BS		4096u		/* record block */
#define MAX_NBLK	8u		/* blocks in one write, at most */
#define QD		32u		/* commands in flight, at most */
#define REC_MAGIC	0x3152554455505255ULL	/* "URPUDUR1" little-endian */
#define REC_FUA		1u

struct rec {
	uint64_t magic;
	uint64_t seed;
	uint64_t seq;		/* the write's sequence number, from 1 */
	uint64_t block;		/* this block's number on the disk */
	uint32_t nblocks;	/* blocks in the write */
	uint32_t index;		/* this block's index in the write */
	uint32_t flags;		/* REC_FUA */
	uint32_t crc;		/* CRC32C of the block with crc = 0 */
	uint64_t rsvd[2];
};
_Static_assert(sizeof(struct rec) == 64, "record header");

/* CRC32C (Castagnoli), reflected, table-driven. */
static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82F63B78u & -(c & 1));
		crc_table[i] = c;
	}
}

static uint32_t crc32c(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t c = ~0u;

	while (n--)
		c = crc_table[(c ^ *b++) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	return splitmix64(&rng_state);
}

/* Uniform in [0, n), n > 0 (the bias of the modulo does not matter here). */
static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static unsigned int claim_tag(uint64_t seed, uint64_t seq, uint64_t block)
{
	uint64_t s = seed ^ (seq * 0x100000001B3ULL) ^ (block << 40) ^ block;

	return (unsigned int)(splitmix64(&s) & 0xffff);
}

/* Fill one block of a write: header, then bytes derived from it. */
static void fill_block(uint8_t *p, uint64_t seed, uint64_t seq, uint64_t block,
		       uint32_t nblocks, uint32_t index, uint32_t flags)
{
	struct rec r = {
		.magic = REC_MAGIC, .seed = seed, .seq = seq, .block = block,
		.nblocks = nblocks, .index = index, .flags = flags,
	};
	uint64_t s = seed ^ (seq << 20) ^ block;

	for (size_t off = sizeof(r); off < BS; off += 8) {
		uint64_t v = splitmix64(&s);

		memcpy(p + off, &v, 8);
	}
	memcpy(p, &r, sizeof(r));
	r.crc = crc32c(p, BS);
	memcpy(p, &r, sizeof(r));
}

/* Guest side ----------------------------------------------------------------*/

static int out_fd = STDOUT_FILENO;
static char out_buf[1 << 16];
static size_t out_len;

static void out_flush(void)
{
	size_t done = 0;

	while (done < out_len) {
		ssize_t n = write(out_fd, out_buf + done, out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Nothing more can be claimed: stop. */
			fprintf(stderr, "URPT-DURABLE-ERROR: write to the claims channel: %s\n",
				strerror(errno));
			exit(1);
		}
		done += (size_t)n;
	}
	out_len = 0;
}

static void claim(uint64_t seed, uint64_t seq, uint64_t block)
{
	if (out_len + 64 > sizeof(out_buf))
		out_flush();
	out_len += (size_t)snprintf(out_buf + out_len, sizeof(out_buf) - out_len,
				    "DURABLE %" PRIu64 " %" PRIu64 " %04x\n",
				    seq, block, claim_tag(seed, seq, block));
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	printf("URPT-DURABLE-ERROR: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

enum { SLOT_FREE, SLOT_WRITE, SLOT_FLUSH };

struct slot {
	int kind;
	bool fua;
	uint32_t nblocks;
	uint64_t seq;
	uint64_t block;
	uint64_t flush_index;	/* SLOT_FLUSH: flushes submitted before it */
	uint8_t *buf;
};

/* A completed plain write waiting for a FLUSH. */
struct pending {
	uint64_t seq;
	uint64_t block;
	uint32_t nblocks;
	uint64_t cover;		/* flushes submitted when it completed */
};

#define PENDING_MAX	4096u	/* a FLUSH is forced well before this */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run_opts {
	const char *disk;
	const char *out;
	uint64_t seed;
	double seconds;
	bool lie;
};

static int run(const struct run_opts *o)
{
	static struct slot slots[QD];
	static struct pending pending[PENDING_MAX];
	struct urpt_info info;
	struct urpt_dev dev;
	struct io_uring ring;
	uint64_t seq = 0, nflush_sub = 0, writes = 0, fua_writes = 0;
	uint64_t flushes = 0, claims = 0, nblk, region, p_fua_pct;
	uint32_t ring_free = QD, flush_inflight = 0, flush_every;
	size_t pend_head = 0, pend_len = 0;
	uint8_t *inflight;
	char node[64];
	uint32_t index;
	double deadline;
	bool stopping = false;
	int ret;

	rng_state = o->seed;
	ret = urpt_ctl_attach(o->disk, 0, &index);
	if (ret)
		die("attach %s: %s", o->disk, strerror(-ret));
	snprintf(node, sizeof(node), "/dev/urpt%u", index);
	for (int i = 0; i < 100 && access(node, F_OK); i++)
		usleep(50000);
	ret = urpt_dev_open(&dev, node, O_RDWR);
	if (ret)
		die("open %s: %s", node, strerror(-ret));
	ret = urpt_info(&dev, &info, NULL);
	if (ret < 0)
		die("INFO on %s: %s", node, strerror(-ret));
	if (BS % info.logical_block_size || BS % info.dma_alignment)
		die("logical block size %u, DMA alignment %u do not divide %u",
		    info.logical_block_size, info.dma_alignment, BS);
	nblk = info.capacity / BS;
	if (nblk < 2 * MAX_NBLK)
		die("%s is too small (%" PRIu64 " bytes)", o->disk,
		    (uint64_t)info.capacity);

	/*
	 * Per seed: the region written (from 256 blocks, many overwrites, to
	 * the whole disk, mostly first writes: each one a new cluster of a
	 * qcow2 image), the share of FUA writes and how many plain writes
	 * complete between FLUSHes.
	 */
	region = 256ULL << rnd_below(8);
	/*
	 * --lie: 1024 blocks (4 MiB). On qcow2, allocating an L2 table or a
	 * refcount block writes qemu's metadata caches back as a side effect;
	 * in a small region that happens only at the start, and the writes
	 * after it stay unflushed, as the control needs.
	 */
	if (o->lie)
		region = 1024;
	if (region > nblk)
		region = nblk;
	p_fua_pct = o->lie ? 0 : 10 + rnd_below(41);
	flush_every = 1 + (uint32_t)rnd_below(32);

	inflight = calloc(region, 1);
	if (!inflight)
		die("out of memory");
	for (unsigned int i = 0; i < QD; i++) {
		if (posix_memalign((void **)&slots[i].buf, BS, MAX_NBLK * BS))
			die("out of memory");
	}
	ret = urpt_queue_init(QD, &ring, 0);
	if (ret)
		die("io_uring setup: %s", strerror(-ret));

	if (o->out) {
		out_fd = open(o->out, O_WRONLY | O_NOCTTY | O_APPEND | O_CLOEXEC);
		if (out_fd < 0)
			die("open %s: %s", o->out, strerror(errno));
	}
	printf("# urpt_durable: seed %" PRIu64 ", %s as %s (%s, features 0x%llx),"
	       " %" PRIu64 " blocks of %u written, %" PRIu64 "%% FUA,"
	       " a FLUSH after %u plain writes%s\n",
	       o->seed, o->disk, node, info.disk_name,
	       (unsigned long long)info.features, region, BS, p_fua_pct,
	       flush_every, o->lie ? ", LIE: no FLUSH, plain writes claimed" : "");
	if (!o->lie && !(info.features & URPT_FEAT_WRITE_CACHE))
		printf("# urpt_durable: the disk has no volatile write cache:"
		       " every write is durable, the test proves little\n");
	fflush(stdout);

	deadline = now_s() + o->seconds;
	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int head, seen = 0;

		if (!stopping && now_s() >= deadline)
			stopping = true;
		/* Fill the ring. */
		while (ring_free) {
			struct io_uring_sqe *sqe;
			struct slot *sl = NULL;
			uint64_t uncovered = pend_len;
			unsigned int si;

			for (si = 0; si < QD; si++) {
				if (slots[si].kind == SLOT_FREE) {
					sl = &slots[si];
					break;
				}
			}
			if (!sl)
				break;
			/* Only pending writes not yet behind a FLUSH count. */
			while (uncovered &&
			       pending[(pend_head + pend_len - uncovered) % PENDING_MAX].cover <
			       nflush_sub)
				uncovered--;
			if (!o->lie && uncovered &&
			    ((uncovered >= flush_every && flush_inflight < 2) ||
			     pend_len >= PENDING_MAX - QD - 1 || stopping)) {
				sqe = io_uring_get_sqe(&ring);
				urpt_prep_flush(sqe, dev.fd);
				sl->kind = SLOT_FLUSH;
				sl->flush_index = nflush_sub++;
				flush_inflight++;
				flushes++;
				flush_every = 1 + (uint32_t)rnd_below(32);
			} else if (!stopping && pend_len < PENDING_MAX - QD - 1) {
				uint32_t n = rnd_below(4) ? 1 : 1 + (uint32_t)rnd_below(MAX_NBLK);
				uint64_t b = 0;
				bool found = false;

				for (int tries = 0; tries < 16 && !found; tries++) {
					b = rnd_below(region - n + 1);
					found = true;
					for (uint32_t k = 0; k < n; k++)
						if (inflight[b + k])
							found = false;
				}
				if (!found)
					break;
				sl->kind = SLOT_WRITE;
				sl->seq = ++seq;
				sl->block = b;
				sl->nblocks = n;
				sl->fua = rnd_below(100) < p_fua_pct;
				for (uint32_t k = 0; k < n; k++) {
					inflight[b + k] = 1;
					fill_block(sl->buf + (size_t)k * BS, o->seed, sl->seq,
						   b + k, n, k, sl->fua ? REC_FUA : 0);
				}
				sqe = io_uring_get_sqe(&ring);
				urpt_prep_write(sqe, dev.fd, sl->buf, n * BS, b * BS);
				if (sl->fua) {
					urpt_prep_set_flags(sqe, URPT_F_FUA);
					fua_writes++;
				}
				writes++;
			} else {
				break;
			}
			io_uring_sqe_set_data64(sqe, si);
			ring_free--;
		}
		if (ring_free == QD) {
			/* Nothing in flight and nothing to submit: done. */
			break;
		}
		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR)
			die("io_uring_submit_and_wait: %s", strerror(-ret));

		io_uring_for_each_cqe(&ring, head, cqe) {
			struct slot *sl = &slots[cqe->user_data];

			seen++;
			if (sl->kind == SLOT_WRITE) {
				if (cqe->res != (int)(sl->nblocks * BS))
					die("write seq %" PRIu64 " at block %" PRIu64
					    " (%u blocks%s): res %d (%s)", sl->seq,
					    sl->block, sl->nblocks, sl->fua ? ", FUA" : "",
					    cqe->res, cqe->res < 0 ? strerror(-cqe->res) : "short");
				for (uint32_t k = 0; k < sl->nblocks; k++)
					inflight[sl->block + k] = 0;
				if (sl->fua || o->lie) {
					for (uint32_t k = 0; k < sl->nblocks; k++)
						claim(o->seed, sl->seq, sl->block + k);
					claims += sl->nblocks;
				} else {
					struct pending *p =
						&pending[(pend_head + pend_len) % PENDING_MAX];

					p->seq = sl->seq;
					p->block = sl->block;
					p->nblocks = sl->nblocks;
					p->cover = nflush_sub;
					pend_len++;
				}
			} else {
				if (cqe->res != 0)
					die("FLUSH %" PRIu64 ": res %d (%s)", sl->flush_index,
					    cqe->res, strerror(-cqe->res));
				flush_inflight--;
				/* Every write that completed before it was submitted. */
				while (pend_len && pending[pend_head].cover <= sl->flush_index) {
					struct pending *p = &pending[pend_head];

					for (uint32_t k = 0; k < p->nblocks; k++)
						claim(o->seed, p->seq, p->block + k);
					claims += p->nblocks;
					pend_head = (pend_head + 1) % PENDING_MAX;
					pend_len--;
				}
			}
			sl->kind = SLOT_FREE;
			ring_free++;
		}
		io_uring_cq_advance(&ring, seen);
		out_flush();
	}
	out_flush();
	printf("# urpt_durable: done: %" PRIu64 " writes (%" PRIu64 " FUA), %" PRIu64
	       " flushes, %" PRIu64 " claims, %zu writes never flushed\n",
	       writes, fua_writes, flushes, claims, pend_len);
	io_uring_queue_exit(&ring);
	urpt_dev_close(&dev);
	ret = urpt_ctl_detach(index);
	if (ret)
		die("detach %s: %s", node, strerror(-ret));
	return 0;
}

/* Host side -----------------------------------------------------------------*/

struct check_opts {
	const char *image;
	const char *log;
	uint64_t seed;
};

static int check(const struct check_opts *o)
{
	uint64_t nblk, claims = 0, blocks = 0, lost = 0, malformed = 0;
	uint64_t records = 0, torn = 0, *want;
	static uint8_t buf[BS];
	char line[256];
	struct stat st;
	FILE *log;
	int fd;

	fd = open(o->image, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "%s: %s\n", o->image, strerror(errno));
		return 2;
	}
	nblk = (uint64_t)st.st_size / BS;
	want = calloc(nblk ? nblk : 1, sizeof(*want));
	log = fopen(o->log, "r");
	if (!want || !log) {
		fprintf(stderr, "%s: %s\n", o->log, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), log)) {
		size_t len = strlen(line);
		uint64_t seq, block;
		unsigned int tag;
		char end;

		/* Cut by the kill: no newline, never a claim. */
		if (!len || line[len - 1] != '\n')
			break;
		if (strncmp(line, "DURABLE ", 8))
			continue;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (sscanf(line, "DURABLE %" SCNu64 " %" SCNu64 " %4x%c",
			   &seq, &block, &tag, &end) != 3 ||
		    tag != claim_tag(o->seed, seq, block) || block >= nblk || !seq) {
			if (malformed++ < 10)
				printf("malformed claim line: '%s'\n", line);
			continue;
		}
		claims++;
		if (!want[block])
			blocks++;
		if (seq > want[block])
			want[block] = seq;
	}
	fclose(log);

	for (uint64_t b = 0; b < nblk; b++) {
		struct rec r;
		const char *why = NULL;
		uint32_t crc;

		if (pread(fd, buf, BS, (off_t)(b * BS)) != BS) {
			fprintf(stderr, "%s: short read at block %" PRIu64 "\n",
				o->image, b);
			return 2;
		}
		memcpy(&r, buf, sizeof(r));
		crc = r.crc;
		if (r.magic == REC_MAGIC) {
			struct rec z = r;

			z.crc = 0;
			memcpy(buf, &z, sizeof(z));
			if (crc32c(buf, BS) == crc && r.block == b && r.seed == o->seed)
				records++;
			else
				torn++;	/* counted for every block, claimed or not */
		}
		if (!want[b])
			continue;
		if (r.magic != REC_MAGIC)
			why = "no record";
		else if (crc32c(buf, BS) != crc)
			why = "bad CRC";
		else if (r.seed != o->seed)
			why = "record of another seed";
		else if (r.block != b)
			why = "record of another block";
		else if (r.seq < want[b])
			why = "older record";
		if (why && lost++ < 50)
			printf("lost: block %" PRIu64 ": claimed seq %" PRIu64
			       ", found %s (seq %" PRIu64 ")\n", b, want[b], why,
			       r.magic == REC_MAGIC ? r.seq : 0);
	}
	close(fd);
	printf("claims %" PRIu64 " blocks %" PRIu64 " lost %" PRIu64
	       " malformed %" PRIu64 " records %" PRIu64 " torn %" PRIu64 "\n",
	       claims, blocks, lost, malformed, records, torn);
	return lost || malformed ? 1 : 0;
}

/*
 * The checker's own test, on the host (durability.sh runs it before any
 * VM): a small image and claim log made here, one case per way a claim can
 * fail or hold. Prints TAP.
 */
static int selftest(void)
{
	enum { NB = 16 };
	static uint8_t img[NB * BS];
	char dir[] = "/tmp/urpt-durable.XXXXXX", ipath[64], lpath[64];
	static const struct {
		const char *name;
		const char *log;	/* claims; %s are replaced below */
		int lost, malformed, claims;
	} cases[] = {
		{ "claims that hold (same or newer record)",
		  "x\nDURABLE 5 1 T\nDURABLE 4 1 T\nDURABLE 7 2 T\n", 0, 0, 3 },
		{ "a claim newer than the record is lost",
		  "DURABLE 8 2 T\n", 1, 0, 1 },
		{ "a claim on a block without a record is lost",
		  "DURABLE 1 9 T\n", 1, 0, 1 },
		{ "a claim on a block with a bad CRC is lost",
		  "DURABLE 3 3 T\n", 1, 0, 1 },
		{ "a claim on a block holding another block's record is lost",
		  "DURABLE 3 4 T\n", 1, 0, 1 },
		{ "a claim on a block holding another seed's record is lost",
		  "DURABLE 3 5 T\n", 1, 0, 1 },
		{ "a line with a wrong tag is malformed, not a claim",
		  "DURABLE 5 1 0000\n", 0, 1, 0 },
		{ "a last line without newline (cut by the kill) is ignored",
		  "DURABLE 5 1 T\nDURABLE 9 1 T", 0, 0, 1 },
		{ "a claim past the end of the image is malformed",
		  "DURABLE 5 99 T\n", 0, 1, 0 },
	};
	const uint64_t seed = 42;
	int fails = 0, fd;

	if (!mkdtemp(dir))
		return 2;
	snprintf(ipath, sizeof(ipath), "%s/img", dir);
	snprintf(lpath, sizeof(lpath), "%s/log", dir);
	/* block 1: seq 5; block 2: seq 7; block 3: seq 3, CRC broken;
	 * block 4: block 6's record; block 5: another seed's record. */
	fill_block(img + 1 * BS, seed, 5, 1, 1, 0, 0);
	fill_block(img + 2 * BS, seed, 7, 2, 1, 0, REC_FUA);
	fill_block(img + 3 * BS, seed, 3, 3, 1, 0, 0);
	img[3 * BS + 100] ^= 1;
	fill_block(img + 4 * BS, seed, 3, 6, 1, 0, 0);
	fill_block(img + 5 * BS, seed + 1, 3, 5, 1, 0, 0);
	fd = open(ipath, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || write(fd, img, sizeof(img)) != (ssize_t)sizeof(img))
		return 2;
	close(fd);
	printf("1..%zu\n", sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct check_opts co = { .image = ipath, .log = lpath, .seed = seed };
		uint64_t claims, blocks, lost, malformed;
		char out[4096], *last;
		FILE *f = fopen(lpath, "w"), *saved;
		const char *p;
		bool ok;

		/* "T" stands for the right tag of the line's seq and block. */
		for (p = cases[i].log; *p; p++) {
			uint64_t sq = 0, bl = 0;

			if (*p == 'T') {
				const char *ls = p;

				while (ls > cases[i].log && ls[-1] != '\n')
					ls--;
				sscanf(ls, "DURABLE %" SCNu64 " %" SCNu64, &sq, &bl);
				fprintf(f, "%04x", claim_tag(seed, sq, bl));
			} else {
				fputc(*p, f);
			}
		}
		fclose(f);
		saved = stdout;
		stdout = fmemopen(out, sizeof(out), "w");
		check(&co);
		fclose(stdout);
		stdout = saved;
		last = out + strlen(out);
		while (last > out && last[-1] == '\n')
			*--last = '\0';
		last = strrchr(out, '\n');
		last = last ? last + 1 : out;
		ok = sscanf(last, "claims %" SCNu64 " blocks %" SCNu64 " lost %" SCNu64
			    " malformed %" SCNu64, &claims, &blocks, &lost, &malformed) == 4 &&
		     lost == (uint64_t)cases[i].lost &&
		     malformed == (uint64_t)cases[i].malformed &&
		     claims == (uint64_t)cases[i].claims;
		printf("%sok %zu - checker: %s\n", ok ? "" : "not ", i + 1, cases[i].name);
		if (!ok) {
			printf("# got: %s\n", last);
			fails++;
		}
	}
	unlink(ipath);
	unlink(lpath);
	rmdir(dir);
	return fails ? 1 : 0;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: urpt_durable run --disk DEV --seed N [--out FILE] [--seconds S] [--lie]\n"
		"       urpt_durable check --image IMG --log LOG --seed N\n"
		"       urpt_durable selftest\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct run_opts ro = { .seconds = 600 };
	struct check_opts co = { 0 };
	bool have_seed = false;
	const char *mode;

	if (argc < 2)
		usage();
	mode = argv[1];
	crc_init();
	if (!strcmp(mode, "selftest") && argc == 2)
		return selftest();
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--lie")) {
			ro.lie = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--disk"))
			ro.disk = v;
		else if (!strcmp(a, "--out"))
			ro.out = v;
		else if (!strcmp(a, "--seconds"))
			ro.seconds = strtod(v, NULL);
		else if (!strcmp(a, "--seed"))
			ro.seed = co.seed = strtoull(v, NULL, 0), have_seed = true;
		else if (!strcmp(a, "--image"))
			co.image = v;
		else if (!strcmp(a, "--log"))
			co.log = v;
		else
			usage();
	}
	if (!have_seed)
		usage();
	if (!strcmp(mode, "run") && ro.disk) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		return run(&ro);
	}
	if (!strcmp(mode, "check") && co.image && co.log)
		return check(&co);
	usage();
}
