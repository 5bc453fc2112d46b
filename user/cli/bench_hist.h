/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histogram of urpt bench: log-linear buckets (exact below 64 ns,
 * then 64 buckets per power of two, so any value is known to within 1/64,
 * ~1.6 %), fixed size, no allocation per value. No I/O here.
 */
#ifndef URPT_CLI_BENCH_HIST_H
#define URPT_CLI_BENCH_HIST_H

#include <stdint.h>

#define BENCH_HIST_SUB_BITS	6
#define BENCH_HIST_SUB		(1U << BENCH_HIST_SUB_BITS)
/* Groups 0 (exact) and 1..64-SUB_BITS, SUB buckets each: all of uint64_t. */
#define BENCH_HIST_BUCKETS	((65 - BENCH_HIST_SUB_BITS) * BENCH_HIST_SUB)

struct bench_hist {
	uint64_t count;
	uint64_t sum;		/* saturates at UINT64_MAX */
	uint64_t min;		/* UINT64_MAX while empty */
	uint64_t max;
	uint64_t buckets[BENCH_HIST_BUCKETS];
};

/* What bench reports of a histogram (all 0 when it is empty). */
struct bench_summary {
	uint64_t count;
	uint64_t min, max;
	double mean;
	uint64_t p50, p99, p999;
};

void bench_hist_init(struct bench_hist *h);
unsigned int bench_hist_bucket(uint64_t value);
/* Smallest and largest value that land in bucket index. */
uint64_t bench_hist_bucket_low(unsigned int index);
uint64_t bench_hist_bucket_high(unsigned int index);
void bench_hist_add(struct bench_hist *h, uint64_t value);
/* Add everything of src to dst (jobs are summed up this way). */
void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src);
/*
 * The value below or at which a fraction q (0 < q <= 1) of the values lie:
 * the middle of the bucket holding the value of rank ceil(q * count),
 * within [min, max]. 0 when empty.
 */
uint64_t bench_hist_quantile(const struct bench_hist *h, double q);
void bench_hist_summary(const struct bench_hist *h, struct bench_summary *s);

#endif
