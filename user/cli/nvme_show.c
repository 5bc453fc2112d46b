// SPDX-License-Identifier: GPL-2.0
/* NVMe identify data and statuses in words, for people and for JSON. */
#include <endian.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <nvme/util.h>
#include "flags.h"
#include "json.h"
#include "nvme_build.h"
#include "nvme_show.h"
#include "size.h"

size_t cli_nvme_field_string(char *dst, size_t size, const char *src,
			     size_t len)
{
	size_t i, n;

	/* The field ends at its first NUL, then loses its padding. */
	n = strnlen(src, len);
	while (n && src[n - 1] == ' ')
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = src[i];

		if (i + 1 < size)
			dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	if (size)
		dst[n < size ? n : size - 1] = '\0';
	return n;
}

const char *cli_nvme_oncs_name(uint64_t bit)
{
	switch (bit) {
	case NVME_CTRL_ONCS_COMPARE:
		return "compare";
	case NVME_CTRL_ONCS_WRITE_UNCORRECTABLE:
		return "write-uncorrectable";
	case NVME_CTRL_ONCS_DSM:
		return "dsm";
	case NVME_CTRL_ONCS_WRITE_ZEROES:
		return "write-zeroes";
	case NVME_CTRL_ONCS_SAVE_FEATURES:
		return "save-features";
	case NVME_CTRL_ONCS_RESERVATIONS:
		return "reservations";
	case NVME_CTRL_ONCS_TIMESTAMP:
		return "timestamp";
	case NVME_CTRL_ONCS_VERIFY:
		return "verify";
	case NVME_CTRL_ONCS_COPY:
		return "copy";
	}
	return NULL;
}

int cli_nvme_status_text(char *buf, size_t size, int res)
{
	const char *name, *text;
	int err;

	if (res < 0) {
		err = res == INT32_MIN ? 0 : -res;
		text = strerrordesc_np(err);
		name = strerrorname_np(err);
		return snprintf(buf, size, "%s (%s)",
				text ? text : "unknown error",
				name ? name : "unknown errno");
	}
	if (!res)
		return snprintf(buf, size, "Successful Completion");
	return snprintf(buf, size, "%s (status 0x%x: SCT 0x%x SC 0x%02x%s%s)",
			nvme_status_to_string(res, false), (unsigned int)res,
			cli_nvme_status_sct(res), cli_nvme_status_sc(res),
			res & NVME_SC_MORE ? " MORE" : "",
			res & NVME_SC_DNR ? " DNR" : "");
}

void cli_nvme_show_kv(FILE *f, const char *indent, const char *key,
		      const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s%s:%*s", indent, key,
		(int)(strlen(key) < 9 ? 9 - strlen(key) : 1), "");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

void cli_nvme_json_string(FILE *f, const char *s)
{
	size_t len = json_escape(NULL, 0, s);
	char *escaped = malloc(len + 1);

	if (!escaped) {
		fputs("null", f);
		return;
	}
	json_escape(escaped, len + 1, s);
	fprintf(f, "\"%s\"", escaped);
	free(escaped);
}

static void json_flags(FILE *f, uint64_t flags, flag_name_fn name)
{
	const char *sep = "";
	unsigned int i;

	fputc('[', f);
	for (i = 0; i < 64; i++) {
		uint64_t bit = 1ULL << i;
		char unknown[8];
		const char *text;

		if (!(flags & bit))
			continue;
		text = name(bit);
		if (!text) {
			snprintf(unknown, sizeof(unknown), "bit%u", i);
			text = unknown;
		}
		fputs(sep, f);
		cli_nvme_json_string(f, text);
		sep = ", ";
	}
	fputc(']', f);
}

/* The strings of Identify Controller, unpadded. */
struct id_ctrl_strings {
	char sn[sizeof(((struct nvme_id_ctrl *)0)->sn) + 1];
	char mn[sizeof(((struct nvme_id_ctrl *)0)->mn) + 1];
	char fr[sizeof(((struct nvme_id_ctrl *)0)->fr) + 1];
	char version[16];
};

static void id_ctrl_strings(const struct nvme_id_ctrl *id,
			    struct id_ctrl_strings *s)
{
	uint32_t ver = le32toh(id->ver);

	cli_nvme_field_string(s->sn, sizeof(s->sn), id->sn, sizeof(id->sn));
	cli_nvme_field_string(s->mn, sizeof(s->mn), id->mn, sizeof(id->mn));
	cli_nvme_field_string(s->fr, sizeof(s->fr), id->fr, sizeof(id->fr));
	snprintf(s->version, sizeof(s->version), "%u.%u.%u", ver >> 16,
		 (ver >> 8) & 0xff, ver & 0xff);
}

/* What VWC says about the cache and about a flush of all namespaces. */
static const char *vwc_text(uint8_t vwc)
{
	if (!(vwc & NVME_CTRL_VWC_PRESENT))
		return "no volatile write cache";
	switch ((vwc & NVME_CTRL_VWC_FLUSH) >> 1) {
	case 2:
		return "volatile write cache; flush of all namespaces not supported";
	case 3:
		return "volatile write cache; flush of all namespaces supported";
	}
	return "volatile write cache";
}

void cli_nvme_show_id_ctrl(FILE *f, const char *indent,
			   const struct nvme_id_ctrl *id)
{
	uint16_t oncs = le16toh(id->oncs);
	struct id_ctrl_strings s;
	char names[256], mdts[64];

	id_ctrl_strings(id, &s);
	format_flags(names, sizeof(names), oncs, cli_nvme_oncs_name, " ");
	if (!id->mdts)
		snprintf(mdts, sizeof(mdts), "0 (no limit)");
	else if (id->mdts <= 40) {
		char size[32];

		format_size(size, sizeof(size), 4096ULL << id->mdts);
		snprintf(mdts, sizeof(mdts), "%u (%s with 4 KiB pages)",
			 id->mdts, size);
	} else {
		snprintf(mdts, sizeof(mdts), "%u", id->mdts);
	}
	cli_nvme_show_kv(f, indent, "vid", "0x%04x", le16toh(id->vid));
	cli_nvme_show_kv(f, indent, "ssvid", "0x%04x", le16toh(id->ssvid));
	cli_nvme_show_kv(f, indent, "sn", "%s", s.sn);
	cli_nvme_show_kv(f, indent, "mn", "%s", s.mn);
	cli_nvme_show_kv(f, indent, "fr", "%s", s.fr);
	cli_nvme_show_kv(f, indent, "mdts", "%s", mdts);
	cli_nvme_show_kv(f, indent, "cntlid", "0x%04x", le16toh(id->cntlid));
	cli_nvme_show_kv(f, indent, "ver", "%s", s.version);
	cli_nvme_show_kv(f, indent, "nn", "%u", le32toh(id->nn));
	cli_nvme_show_kv(f, indent, "oncs", "0x%04x (%s)", oncs, names);
	cli_nvme_show_kv(f, indent, "vwc", "0x%02x (%s)", id->vwc,
			 vwc_text(id->vwc));
}

void cli_nvme_json_id_ctrl(FILE *f, const struct nvme_id_ctrl *id)
{
	uint16_t oncs = le16toh(id->oncs);
	struct id_ctrl_strings s;

	id_ctrl_strings(id, &s);
	fprintf(f, "\"vid\": %u, \"ssvid\": %u, \"sn\": ", le16toh(id->vid),
		le16toh(id->ssvid));
	cli_nvme_json_string(f, s.sn);
	fputs(", \"mn\": ", f);
	cli_nvme_json_string(f, s.mn);
	fputs(", \"fr\": ", f);
	cli_nvme_json_string(f, s.fr);
	fprintf(f, ", \"mdts\": %u, \"cntlid\": %u, \"ver\": %u, "
		"\"version\": \"%s\", \"nn\": %u, \"oncs\": %u, "
		"\"oncs_names\": ",
		id->mdts, le16toh(id->cntlid), le32toh(id->ver), s.version,
		le32toh(id->nn), oncs);
	json_flags(f, oncs, cli_nvme_oncs_name);
	fprintf(f, ", \"vwc\": %u, \"volatile_write_cache\": %s", id->vwc,
		id->vwc & NVME_CTRL_VWC_PRESENT ? "true" : "false");
}

/* The LBA formats Identify Namespace lists: NLBAF is 0's based. */
static unsigned int nr_lbaf(const struct nvme_id_ns *ns)
{
	return ns->nlbaf < 64 ? ns->nlbaf + 1U : 64U;
}

/* nsze LBAs in bytes; false if that does not fit 64 bits. */
static bool ns_capacity(const struct nvme_id_ns *ns,
			const struct cli_nvme_lbaf *lbaf, uint64_t *bytes)
{
	return !__builtin_mul_overflow(le64toh(ns->nsze),
				       (uint64_t)lbaf->data_size, bytes);
}

void cli_nvme_show_id_ns(FILE *f, const char *indent,
			 const struct nvme_id_ns *ns)
{
	unsigned int i, in_use = cli_nvme_flbas_index(ns);
	struct cli_nvme_lbaf lbaf;
	char key[16], size[32];
	uint64_t bytes;

	cli_nvme_show_kv(f, indent, "nsze", "%llu",
			 (unsigned long long)le64toh(ns->nsze));
	cli_nvme_show_kv(f, indent, "ncap", "%llu",
			 (unsigned long long)le64toh(ns->ncap));
	cli_nvme_show_kv(f, indent, "nuse", "%llu",
			 (unsigned long long)le64toh(ns->nuse));
	cli_nvme_show_kv(f, indent, "nlbaf", "%u (%u format%s)", ns->nlbaf,
			 nr_lbaf(ns), nr_lbaf(ns) == 1 ? "" : "s");
	cli_nvme_show_kv(f, indent, "flbas", "0x%02x (format %u%s)", ns->flbas,
			 in_use, ns->flbas & NVME_NS_FLBAS_META_EXT ?
					 ", extended metadata" : "");
	for (i = 0; i < nr_lbaf(ns); i++) {
		const struct nvme_lbaf *l = &ns->lbaf[i];

		snprintf(key, sizeof(key), "lbaf %2u", i);
		cli_nvme_show_kv(f, indent, key, "ms %-3u ds %-2u rp %u%s",
				 le16toh(l->ms), l->ds, l->rp & NVME_LBAF_RP_MASK,
				 i == in_use ? " (in use)" : "");
	}
	if (cli_nvme_lba_format(ns, &lbaf)) {
		cli_nvme_show_kv(f, indent, "lba size", "unknown (format %u "
				 "is not a valid LBA format)", in_use);
		return;
	}
	cli_nvme_show_kv(f, indent, "lba size", "%u", lbaf.data_size);
	if (lbaf.meta_size)
		cli_nvme_show_kv(f, indent, "metadata", "%u bytes per LBA, %s",
				 lbaf.meta_size, lbaf.meta_ext ?
				 "extended (after each LBA's data)" :
				 "separate buffer");
	if (ns_capacity(ns, &lbaf, &bytes)) {
		format_size(size, sizeof(size), bytes);
		cli_nvme_show_kv(f, indent, "capacity", "%llu bytes (%s)",
				 (unsigned long long)bytes, size);
	} else {
		cli_nvme_show_kv(f, indent, "capacity", "more than 2^64 bytes");
	}
}

void cli_nvme_json_id_ns(FILE *f, const struct nvme_id_ns *ns)
{
	unsigned int i, in_use = cli_nvme_flbas_index(ns);
	struct cli_nvme_lbaf lbaf;
	uint64_t bytes;

	fprintf(f, "\"nsze\": %llu, \"ncap\": %llu, \"nuse\": %llu, "
		"\"nlbaf\": %u, \"flbas\": %u, \"lbaf\": [",
		(unsigned long long)le64toh(ns->nsze),
		(unsigned long long)le64toh(ns->ncap),
		(unsigned long long)le64toh(ns->nuse), ns->nlbaf, ns->flbas);
	for (i = 0; i < nr_lbaf(ns); i++) {
		const struct nvme_lbaf *l = &ns->lbaf[i];

		fprintf(f, "%s{\"ms\": %u, \"ds\": %u, \"rp\": %u, "
			"\"in_use\": %s}", i ? ", " : "", le16toh(l->ms), l->ds,
			l->rp & NVME_LBAF_RP_MASK, i == in_use ? "true" : "false");
	}
	fputc(']', f);
	if (cli_nvme_lba_format(ns, &lbaf)) {
		fputs(", \"lba_size\": null, \"metadata_size\": null, "
		      "\"extended_metadata\": null, \"capacity\": null", f);
		return;
	}
	fprintf(f, ", \"lba_size\": %u, \"metadata_size\": %u, "
		"\"extended_metadata\": %s, \"capacity\": ", lbaf.data_size,
		lbaf.meta_size, lbaf.meta_ext ? "true" : "false");
	if (ns_capacity(ns, &lbaf, &bytes))
		fprintf(f, "%llu", (unsigned long long)bytes);
	else
		fputs("null", f);
}
