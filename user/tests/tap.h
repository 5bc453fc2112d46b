/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output for the host unit tests: "ok N - name", "not ok N - name",
 * "ok N - name # SKIP reason", diagnostics as "# ..." lines, and a final
 * "N passed, N failed" line. Nothing else printed may start with "ok".
 */
#ifndef URPT_TESTS_TAP_H
#define URPT_TESTS_TAP_H

#include <stdbool.h>

void tap_result(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the totals; returns the exit status (non-zero on failure). */
int tap_finish(void);

/* Check one condition inside a test, explaining it if it fails. */
bool tap_expect(bool cond, const char *text, const char *file, int line);
#define EXPECT(cond)	tap_expect((cond), #cond, __FILE__, __LINE__)

/* The test groups, one per file. */
void test_size(void);
void test_devname(void);
void test_sqe(void);
void test_cqe(void);
void test_names(void);
void test_sync(void);
void test_dev_check(void);
void test_json(void);
void test_chunk(void);
void test_check(void);
void test_flags(void);
void test_pattern(void);
void test_plan(void);
void test_iomode(void);
void test_bench(void);
void test_args(void);
void test_nvme_opts(void);
void test_nvme_build(void);
void test_nvme_show(void);
void test_nvme_sysfs(void);
void test_nodekind(void);
void test_zone_names(void);
void test_zone_show(void);

#endif
