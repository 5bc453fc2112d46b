// SPDX-License-Identifier: GPL-2.0
/*
 * A live progress line on stderr, redrawn a few times a second, and only
 * when stderr is a terminal: logs and pipes get the summary alone.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

#define PROGRESS_INTERVAL_NS	200000000ULL

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void progress_init(struct progress *p)
{
	p->on = isatty(STDERR_FILENO);
	p->last_ns = 0;
}

void progress_update(struct progress *p, const char *what, uint64_t done,
		     uint64_t total, uint64_t start_ns)
{
	uint64_t now;
	double secs;

	if (!p->on)
		return;
	now = now_ns();
	if (done < total && now - p->last_ns < PROGRESS_INTERVAL_NS)
		return;
	p->last_ns = now;
	secs = (now - start_ns) / 1e9;
	fprintf(stderr, "\rurpt: %s %3u%% %llu/%llu MB %.1f MB/s\033[K", what,
		total ? (unsigned int)(done * 100 / total) : 100,
		(unsigned long long)(done / 1000000),
		(unsigned long long)(total / 1000000),
		secs > 0 ? done / 1e6 / secs : 0.0);
	fflush(stderr);
}

void progress_clear(struct progress *p)
{
	if (!p->on)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
