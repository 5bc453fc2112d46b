/* SPDX-License-Identifier: GPL-2.0 */
/*
 * urpt nvme and urpt info: NVMe identify data and statuses in words.
 * Pure logic (output goes to the FILE given), unit tested
 * (tests/test_nvme_show.c).
 */
#ifndef URPT_CLI_NVME_SHOW_H
#define URPT_CLI_NVME_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <nvme/types.h>

/*
 * A fixed-width ASCII field of identify data (sn, mn, fr: space padded,
 * not terminated) as a C string without the padding; bytes outside
 * printable ASCII become '.'. Like snprintf(), returns the full length.
 */
size_t cli_nvme_field_string(char *dst, size_t size, const char *src,
			     size_t len);

/* Name of one ONCS bit ("dsm", "write-zeroes"...), NULL if unknown. */
const char *cli_nvme_oncs_name(uint64_t bit);

/*
 * res of an NVMe passthrough command (0, a positive NVMe status, or
 * -errno) in words: nvme_status_to_string() and the status fields for a
 * status ("LBA Out of Range: ... (status 0x4080: SCT 0x0 SC 0x80 DNR)"),
 * strerror() and the errno name for -errno ("Invalid argument (EINVAL)").
 * Like snprintf(), returns the full length.
 */
int cli_nvme_status_text(char *buf, size_t size, int res);

/* The status code type and status code of a positive status. */
static inline unsigned int cli_nvme_status_sct(int res)
{
	return ((unsigned int)res >> NVME_SCT_SHIFT) & NVME_SCT_MASK;
}

static inline unsigned int cli_nvme_status_sc(int res)
{
	return (unsigned int)res & NVME_SC_MASK;
}

/* One "key:     value" line of the human-readable output. */
void cli_nvme_show_kv(FILE *f, const char *indent, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A JSON string, escaped, with its quotes. */
void cli_nvme_json_string(FILE *f, const char *s);

/*
 * Identify Controller: vid, ssvid, sn, mn, fr, mdts, cntlid, ver, nn,
 * oncs, vwc. _show prints lines (each preceded by indent), _json the
 * members of a JSON object without its braces ("vid": 6966, ...).
 */
void cli_nvme_show_id_ctrl(FILE *f, const char *indent,
			   const struct nvme_id_ctrl *id);
void cli_nvme_json_id_ctrl(FILE *f, const struct nvme_id_ctrl *id);

/*
 * Identify Namespace: nsze, ncap, nuse, nlbaf, flbas, every LBA format
 * (ms, ds, rp, which one is in use), the LBA size and the capacity in
 * bytes (nsze LBAs).
 */
void cli_nvme_show_id_ns(FILE *f, const char *indent,
			 const struct nvme_id_ns *ns);
void cli_nvme_json_id_ns(FILE *f, const struct nvme_id_ns *ns);

#endif
