// SPDX-License-Identifier: GPL-2.0
/* urpt bench's pure logic: histogram, percentiles, plan, offsets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_hist.h"
#include "bench_plan.h"
#include "tap.h"

#define KiB	1024ULL
#define MiB	(1024 * KiB)

static void test_hist_buckets(void)
{
	static const uint64_t values[] = {
		0, 1, 63, 64, 65, 127, 128, 129, 1000, 4095, 4096, 123456789,
		1ULL << 40, (1ULL << 40) + 12345, UINT64_MAX - 1, UINT64_MAX,
	};
	unsigned int i, prev_high_ok = 1;
	bool ok = true;

	/* Every value lies in its bucket, whose width is at most 1/64 of it. */
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint64_t v = values[i];
		unsigned int b = bench_hist_bucket(v);
		uint64_t lo = bench_hist_bucket_low(b);
		uint64_t hi = bench_hist_bucket_high(b);

		ok &= EXPECT(b < BENCH_HIST_BUCKETS);
		ok &= EXPECT(lo <= v && v <= hi);
		ok &= EXPECT(hi - lo <= v / BENCH_HIST_SUB);
	}
	/* Buckets tile the number line: each starts where the last ended. */
	for (i = 1; i < BENCH_HIST_BUCKETS; i++)
		if (bench_hist_bucket_low(i) != bench_hist_bucket_high(i - 1) + 1)
			prev_high_ok = 0;
	ok &= EXPECT(prev_high_ok);
	ok &= EXPECT(bench_hist_bucket_low(0) == 0);
	ok &= EXPECT(bench_hist_bucket_high(BENCH_HIST_BUCKETS - 1) ==
		     UINT64_MAX);
	ok &= EXPECT(bench_hist_bucket(UINT64_MAX) == BENCH_HIST_BUCKETS - 1);
	tap_result(ok, "bench hist: log-linear buckets tile uint64_t, 1/64 wide at most");
}

static void test_hist_quantiles(void)
{
	struct bench_hist *h = malloc(sizeof(*h));
	struct bench_summary s;
	uint64_t v;
	bool ok = true;

	if (!h) {
		tap_result(false, "bench hist: malloc");
		return;
	}
	bench_hist_init(h);
	bench_hist_summary(h, &s);
	ok &= EXPECT(s.count == 0 && s.min == 0 && s.max == 0 && s.p99 == 0);
	ok &= EXPECT(bench_hist_quantile(h, 0.5) == 0);
	/* 1..10000 us in ns: quantiles within one bucket (1/64) of exact. */
	for (v = 1; v <= 10000; v++)
		bench_hist_add(h, v * 1000);
	bench_hist_summary(h, &s);
	ok &= EXPECT(s.count == 10000);
	ok &= EXPECT(s.min == 1000 && s.max == 10000000);
	ok &= EXPECT(s.mean > 5000499 && s.mean < 5000501);
	ok &= EXPECT(s.p50 >= 5000000 - 5000000 / 64 &&
		     s.p50 <= 5000000 + 5000000 / 64);
	ok &= EXPECT(s.p99 >= 9900000 - 9900000 / 64 &&
		     s.p99 <= 9900000 + 9900000 / 64);
	ok &= EXPECT(s.p999 >= 9990000 - 9990000 / 64 && s.p999 <= 10000000);
	ok &= EXPECT(bench_hist_quantile(h, 1.0) == 10000000);
	ok &= EXPECT(bench_hist_quantile(h, 0.0) == 1000);
	ok &= EXPECT(s.p50 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max);
	tap_result(ok, "bench hist: percentiles of 1..10000 us within 1/64");

	/* Small values are exact; one value is every percentile. */
	bench_hist_init(h);
	bench_hist_add(h, 42);
	bench_hist_summary(h, &s);
	ok = EXPECT(s.min == 42 && s.p50 == 42 && s.p99 == 42 &&
		    s.p999 == 42 && s.max == 42 && s.mean == 42);
	/* 99 fast, 1 slow: p50 fast, p99 still fast, p99.9 slow. */
	bench_hist_init(h);
	for (v = 0; v < 99; v++)
		bench_hist_add(h, 10);
	bench_hist_add(h, 1000000);
	bench_hist_summary(h, &s);
	ok &= EXPECT(s.p50 == 10 && s.p99 == 10);
	ok &= EXPECT(s.p999 >= 1000000 - 1000000 / 64 && s.p999 <= 1000000);
	tap_result(ok, "bench hist: exact small values, rank ceil(q * n)");
	free(h);
}

static void test_hist_merge(void)
{
	struct bench_hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct bench_summary s;
	bool ok;

	if (!a || !b) {
		free(a);
		free(b);
		tap_result(false, "bench hist: malloc");
		return;
	}
	bench_hist_init(a);
	bench_hist_init(b);
	bench_hist_add(a, 100);
	bench_hist_add(a, 300);
	bench_hist_add(b, 50);
	bench_hist_add(b, UINT64_MAX);
	bench_hist_merge(a, b);
	bench_hist_summary(a, &s);
	ok = EXPECT(s.count == 4 && s.min == 50 && s.max == UINT64_MAX);
	ok &= EXPECT(a->sum == UINT64_MAX);	/* saturated, not wrapped */
	/* An empty histogram merges as nothing. */
	bench_hist_init(b);
	bench_hist_merge(a, b);
	ok &= EXPECT(a->count == 4 && a->min == 50);
	tap_result(ok, "bench hist: merging jobs sums counts, keeps min and max");
	free(a);
	free(b);
}

static const struct bench_geometry disk = {
	.capacity		= 256 * MiB,
	.logical_block_size	= 512,
	.max_transfer		= 1 * MiB,
};

struct plan_case {
	const char *name;
	struct bench_request req;
	struct bench_geometry g;
	enum bench_error err;
};

/* A request with defaults that the case's own fields override. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define RQ(...)	{ .rw = BENCH_RANDREAD, .bs = 4096, __VA_ARGS__ }

static const struct plan_case plan_cases[] = {
	{ "defaults", RQ(), disk, BENCH_OK },
	{ "--mix without randrw", RQ(.mix = 70, .have_mix = true), disk,
	  BENCH_MIX_NOT_RANDRW },
	{ "--mix above 100", RQ(.rw = BENCH_RANDRW, .mix = 101, .have_mix = true),
	  disk, BENCH_MIX_RANGE },
	{ "--runtime and --ios", RQ(.have_runtime = true, .runtime_s = 1,
				    .have_ios = true, .ios = 5),
	  disk, BENCH_RUNTIME_AND_IOS },
	{ "--batch-submit above --qd", RQ(.qd = 4, .batch_submit = 5), disk,
	  BENCH_BATCH_SUBMIT_QD },
	{ "--batch-complete above --qd", RQ(.qd = 4, .batch_complete = 8), disk,
	  BENCH_BATCH_COMPLETE_QD },
	{ "--batch-submit above the default qd 1", RQ(.batch_submit = 2), disk,
	  BENCH_BATCH_SUBMIT_QD },
	{ "no block size", RQ(), { 1 * MiB, 0, 0 }, BENCH_NO_BLOCK_SIZE },
	{ "--bs 0", RQ(.bs = 0), disk, BENCH_BS_ZERO },
	{ "--bs not a block multiple", RQ(.bs = 1000), disk, BENCH_BS_UNALIGNED },
	{ "--bs above max transfer", RQ(.bs = 2 * MiB), disk, BENCH_BS_TOO_BIG },
	{ "--bs with no known max transfer", RQ(.bs = 8 * MiB),
	  { 256 * MiB, 512, 0 }, BENCH_OK },
	{ "--bs of 4 GiB", RQ(.bs = 4096 * MiB), { 1ULL << 40, 512, 0 },
	  BENCH_BS_TOO_BIG },
	{ "--offset unaligned", RQ(.offset = 100), disk, BENCH_OFFSET_UNALIGNED },
	{ "--offset at the end", RQ(.offset = 256 * MiB), disk,
	  BENCH_OFFSET_PAST_END },
	{ "--size past the end", RQ(.offset = 255 * MiB, .size = 2 * MiB,
				    .have_size = true),
	  disk, BENCH_SIZE_PAST_END },
	{ "range shorter than bs", RQ(.offset = 256 * MiB - 2048), disk,
	  BENCH_RANGE_TOO_SMALL },
	{ "--size 0", RQ(.size = 0, .have_size = true), disk,
	  BENCH_RANGE_TOO_SMALL },
};

static void test_plan_errors(void)
{
	size_t i;

	for (i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++) {
		const struct plan_case *c = &plan_cases[i];
		struct bench_plan p;
		char msg[256];
		enum bench_error err = bench_plan_make(&c->req, &c->g, &p);
		bool ok = EXPECT(err == c->err);
		int len = bench_error_message(msg, sizeof(msg), err, &c->req,
					      &c->g);

		ok &= EXPECT(len > 0 && (size_t)len < sizeof(msg));
		if (!ok)
			tap_diag("got %d: %s", (int)err, msg);
		tap_result(ok, "bench plan: %s", c->name);
	}
}

static void test_plan_values(void)
{
	struct bench_request req = RQ(.qd = 32, .offset = 1 * MiB,
				      .size = 10 * MiB + 100 * 512,
				      .have_size = true, .jobs = 3);
	struct bench_plan p;
	bool ok;

	ok = EXPECT(bench_plan_make(&req, &disk, &p) == BENCH_OK);
	ok &= EXPECT(p.qd == 32 && p.batch_submit == 32 && p.batch_complete == 1);
	ok &= EXPECT(p.jobs == 3 && p.ios == BENCH_DEFAULT_IOS && !p.runtime_ns);
	/* The range is cut to whole blocks of bs. */
	ok &= EXPECT(p.blocks == 10 * MiB / 4096 + 12);
	ok &= EXPECT(p.size == p.blocks * 4096 && p.offset == 1 * MiB);
	ok &= EXPECT(p.mix == 100);
	req = (struct bench_request)RQ(.rw = BENCH_RANDRW, .have_runtime = true,
				       .runtime_s = 3);
	ok &= EXPECT(bench_plan_make(&req, &disk, &p) == BENCH_OK);
	ok &= EXPECT(p.mix == 50 && p.runtime_ns == 3000000000ULL && !p.ios);
	ok &= EXPECT(p.qd == 1 && p.jobs == 1 && p.blocks == 256 * MiB / 4096);
	req = (struct bench_request)RQ(.rw = BENCH_WRITE, .qd = 8,
				       .batch_submit = 4, .batch_complete = 2);
	ok &= EXPECT(bench_plan_make(&req, &disk, &p) == BENCH_OK);
	ok &= EXPECT(p.mix == 0 && p.batch_submit == 4 && p.batch_complete == 2);
	tap_result(ok, "bench plan: defaults, range cut to whole blocks, mix");
}

static void test_bench_names(void)
{
	bool ok = true;
	char buf[32];

	ok &= EXPECT(bench_engine_parse("urpt") == BENCH_ENGINE_URPT);
	ok &= EXPECT(bench_engine_parse("block") == BENCH_ENGINE_BLOCK);
	ok &= EXPECT(bench_engine_parse("nvme") == BENCH_ENGINE_NVME);
	ok &= EXPECT(bench_engine_parse("fio") == -1);
	ok &= EXPECT(bench_rw_parse("randrw") == BENCH_RANDRW);
	ok &= EXPECT(bench_rw_parse("read") == BENCH_READ);
	ok &= EXPECT(bench_rw_parse("rw") == -1);
	ok &= EXPECT(!strcmp(bench_rw_name(BENCH_RANDWRITE), "randwrite"));
	ok &= EXPECT(!strcmp(bench_engine_name(BENCH_ENGINE_NVME), "nvme"));
	ok &= EXPECT(bench_rw_writes(BENCH_RANDRW) && !bench_rw_writes(BENCH_READ));
	ok &= EXPECT(bench_rw_random(BENCH_RANDRW) && !bench_rw_random(BENCH_WRITE));
	ok &= EXPECT(bench_ng_block_name("/dev/ng0n1", buf, sizeof(buf)) &&
		     !strcmp(buf, "nvme0n1"));
	ok &= EXPECT(bench_ng_block_name("ng12n3", buf, sizeof(buf)) &&
		     !strcmp(buf, "nvme12n3"));
	ok &= EXPECT(!bench_ng_block_name("/dev/nvme0n1", buf, sizeof(buf)));
	ok &= EXPECT(!bench_ng_block_name("/dev/ng0", buf, sizeof(buf)));
	ok &= EXPECT(!bench_ng_block_name("/dev/ngn1", buf, sizeof(buf)));
	ok &= EXPECT(!bench_ng_block_name("/dev/ng0n1p1", buf, sizeof(buf)));
	ok &= EXPECT(!bench_ng_block_name("/dev/ng0n1", buf, 7));
	tap_result(ok, "bench: engine and workload names, ngXnY -> nvmeXnY");
}

static void test_gen_random(void)
{
	struct bench_request req = RQ(.offset = 1 * MiB, .size = 64 * KiB,
				      .have_size = true, .jobs = 2);
	struct bench_plan p;
	struct bench_gen a, b, c;
	unsigned int hits[16] = { 0 }, i, seen = 0;
	bool ok, w, same = true, differ = false;

	ok = EXPECT(bench_plan_make(&req, &disk, &p) == BENCH_OK);
	bench_gen_init(&a, &p, 7, 0);
	bench_gen_init(&b, &p, 7, 0);
	bench_gen_init(&c, &p, 7, 1);
	for (i = 0; i < 16000; i++) {
		uint64_t off = bench_gen_next(&a, &w);

		ok &= EXPECT(off >= 1 * MiB && off + 4096 <= 1 * MiB + 64 * KiB);
		ok &= EXPECT(off % 4096 == 0 && !w);
		if (!ok)
			break;
		hits[(off - 1 * MiB) / 4096]++;
		same &= off == bench_gen_next(&b, &w);
		differ |= off != bench_gen_next(&c, &w);
	}
	/* Every block, each roughly 1/16 of the time. */
	for (i = 0; i < 16; i++) {
		seen += hits[i] > 0;
		ok &= EXPECT(hits[i] > 800 && hits[i] < 1200);
	}
	ok &= EXPECT(seen == 16);
	ok &= EXPECT(same);	/* same seed and job: same offsets */
	ok &= EXPECT(differ);	/* another job: another stream */
	tap_result(ok, "bench gen: random offsets aligned to bs, in range, uniform, seeded");
}

static void test_gen_sequential(void)
{
	struct bench_request req = RQ(.rw = BENCH_READ, .bs = 128 * KiB,
				      .offset = 512, .size = 4 * 128 * KiB + 512,
				      .have_size = true, .jobs = 2);
	struct bench_plan p;
	struct bench_gen g0, g1;
	uint64_t want0[] = { 0, 1, 2, 3, 0, 1 }, want1[] = { 2, 3, 0, 1, 2, 3 };
	unsigned int i;
	bool ok, w;

	ok = EXPECT(bench_plan_make(&req, &disk, &p) == BENCH_OK);
	ok &= EXPECT(p.blocks == 4);
	bench_gen_init(&g0, &p, 1, 0);
	bench_gen_init(&g1, &p, 1, 1);
	for (i = 0; i < 6; i++) {
		ok &= EXPECT(bench_gen_next(&g0, &w) == 512 + want0[i] * 128 * KiB);
		ok &= EXPECT(bench_gen_next(&g1, &w) == 512 + want1[i] * 128 * KiB);
	}
	tap_result(ok, "bench gen: sequential walks from each job's start and wraps");
}

static void test_gen_mix(void)
{
	struct bench_request req = RQ(.rw = BENCH_RANDRW, .mix = 70,
				      .have_mix = true);
	struct bench_plan p;
	struct bench_gen g;
	unsigned int i, writes = 0;
	uint64_t state = 1;
	bool ok, w;

	ok = EXPECT(bench_plan_make(&req, &disk, &p) == BENCH_OK);
	bench_gen_init(&g, &p, 99, 0);
	for (i = 0; i < 10000; i++) {
		bench_gen_next(&g, &w);
		writes += w;
	}
	ok &= EXPECT(writes > 2700 && writes < 3300);
	req.mix = 0;
	ok &= EXPECT(bench_plan_make(&req, &disk, &p) == BENCH_OK);
	bench_gen_init(&g, &p, 99, 0);
	bench_gen_next(&g, &w);
	ok &= EXPECT(w);
	for (i = 0; i < 1000; i++)
		ok &= EXPECT(bench_rand_below(&state, 3) < 3);
	ok &= EXPECT(bench_rand_below(&state, 1) == 0);
	tap_result(ok, "bench gen: randrw writes 100 - mix percent");
}

void test_bench(void)
{
	test_hist_buckets();
	test_hist_quantiles();
	test_hist_merge();
	test_plan_errors();
	test_plan_values();
	test_bench_names();
	test_gen_random();
	test_gen_sequential();
	test_gen_mix();
}
