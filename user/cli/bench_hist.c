// SPDX-License-Identifier: GPL-2.0
/* Latency histogram of urpt bench; see bench_hist.h. */
#include <string.h>
#include "bench_hist.h"

void bench_hist_init(struct bench_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

/*
 * Values below SUB are their own bucket. A value whose top bit is e >=
 * SUB_BITS is in group g = e - SUB_BITS + 1, bucket g * SUB + the SUB_BITS
 * bits that follow the top one.
 */
unsigned int bench_hist_bucket(uint64_t value)
{
	unsigned int e, g;

	if (value < BENCH_HIST_SUB)
		return (unsigned int)value;
	e = 63 - (unsigned int)__builtin_clzll(value);
	g = e - BENCH_HIST_SUB_BITS + 1;
	return g * BENCH_HIST_SUB +
	       (unsigned int)((value >> (g - 1)) - BENCH_HIST_SUB);
}

uint64_t bench_hist_bucket_low(unsigned int index)
{
	unsigned int g = index / BENCH_HIST_SUB, sub = index % BENCH_HIST_SUB;

	if (!g)
		return sub;
	return (uint64_t)(BENCH_HIST_SUB + sub) << (g - 1);
}

uint64_t bench_hist_bucket_high(unsigned int index)
{
	unsigned int g = index / BENCH_HIST_SUB;

	if (!g)
		return index;
	return bench_hist_bucket_low(index) + ((1ULL << (g - 1)) - 1);
}

void bench_hist_add(struct bench_hist *h, uint64_t value)
{
	h->count++;
	h->sum = h->sum + value < h->sum ? UINT64_MAX : h->sum + value;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
	h->buckets[bench_hist_bucket(value)]++;
}

void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src)
{
	unsigned int i;

	dst->count += src->count;
	dst->sum = dst->sum + src->sum < dst->sum ? UINT64_MAX :
						   dst->sum + src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < BENCH_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

uint64_t bench_hist_quantile(const struct bench_hist *h, double q)
{
	uint64_t rank, seen = 0, low, high, mid;
	unsigned int i;

	if (!h->count)
		return 0;
	if (q <= 0)
		return h->min;
	if (q >= 1)
		return h->max;
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (!rank)
		rank = 1;
	for (i = 0; i < BENCH_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	if (i == BENCH_HIST_BUCKETS)
		return h->max;
	low = bench_hist_bucket_low(i);
	high = bench_hist_bucket_high(i);
	mid = low + (high - low) / 2;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

void bench_hist_summary(const struct bench_hist *h, struct bench_summary *s)
{
	memset(s, 0, sizeof(*s));
	if (!h->count)
		return;
	s->count = h->count;
	s->min = h->min;
	s->max = h->max;
	s->mean = (double)h->sum / (double)h->count;
	s->p50 = bench_hist_quantile(h, 0.50);
	s->p99 = bench_hist_quantile(h, 0.99);
	s->p999 = bench_hist_quantile(h, 0.999);
}
