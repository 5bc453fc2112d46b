// SPDX-License-Identifier: GPL-2.0
/* NVMe identify data and statuses in words. */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "nvme_show.h"
#include "tap.h"

static void test_nvme_field_string(void)
{
	char buf[64], small[5];
	bool ok;

	ok = EXPECT(cli_nvme_field_string(buf, sizeof(buf),
					  "QEMU NVMe Ctrl      ", 20) == 14);
	ok &= EXPECT(!strcmp(buf, "QEMU NVMe Ctrl"));
	/* Full width, no padding, no terminator in the field. */
	ok &= EXPECT(cli_nvme_field_string(buf, sizeof(buf), "12345678EXTRA",
					   8) == 8);
	ok &= EXPECT(!strcmp(buf, "12345678"));
	/* A NUL ends the field; control bytes and 8-bit bytes show as '.'. */
	ok &= EXPECT(cli_nvme_field_string(buf, sizeof(buf), "ab\0cd   ", 8) == 2);
	ok &= EXPECT(!strcmp(buf, "ab"));
	ok &= EXPECT(cli_nvme_field_string(buf, sizeof(buf), "a\nb\xc3 ", 5) == 4);
	ok &= EXPECT(!strcmp(buf, "a.b."));
	ok &= EXPECT(cli_nvme_field_string(buf, sizeof(buf), "        ", 8) == 0);
	ok &= EXPECT(!strcmp(buf, ""));
	ok &= EXPECT(cli_nvme_field_string(small, sizeof(small), "deadbeef", 8) == 8);
	ok &= EXPECT(!strcmp(small, "dead"));
	ok &= EXPECT(cli_nvme_field_string(NULL, 0, "abc ", 4) == 3);
	tap_result(ok, "nvme show: fixed-width identify strings lose their padding");
}

static bool status_is(int res, const char *start, const char *tail)
{
	char buf[512];
	int len = cli_nvme_status_text(buf, sizeof(buf), res);
	bool ok = EXPECT(len > 0 && (size_t)len == strlen(buf));

	ok &= EXPECT(!strncmp(buf, start, strlen(start)));
	if (tail)
		ok &= EXPECT(strlen(buf) >= strlen(tail) &&
			     !strcmp(buf + strlen(buf) - strlen(tail), tail));
	if (!ok)
		tap_diag("res %d: '%s'", res, buf);
	return ok;
}

static void test_nvme_status(void)
{
	char tiny[8];
	bool ok;

	ok = status_is(0, "Successful Completion", "Successful Completion");
	/* LBA Out of Range with Do Not Retry, as the kernel passes it on. */
	ok &= status_is(0x4080, "LBA Out of Range",
			"(status 0x4080: SCT 0x0 SC 0x80 DNR)");
	ok &= status_is(0x80, "LBA Out of Range", "(status 0x80: SCT 0x0 SC 0x80)");
	ok &= status_is(0x2, "Invalid Field in Command", "SC 0x02)");
	ok &= status_is(0x6002, "Invalid Field in Command", "SC 0x02 MORE DNR)");
	ok &= status_is(0x0b, "Invalid Namespace or Format", NULL);
	/* Media error: SCT 2, SC 0x81 (Unrecovered Read Error). */
	ok &= status_is(0x281, "Unrecovered Read Error", "SCT 0x2 SC 0x81)");
	ok &= EXPECT(cli_nvme_status_sct(0x4281) == 2);
	ok &= EXPECT(cli_nvme_status_sc(0x4281) == 0x81);
	/* -errno is the kernel's, not the controller's. */
	ok &= status_is(-EINVAL, "Invalid argument (EINVAL)", NULL);
	ok &= status_is(-EOPNOTSUPP, "Operation not supported (EOPNOTSUPP)", NULL);
	ok &= status_is(-ENOTTY, "Inappropriate ioctl for device (ENOTTY)", NULL);
	ok &= status_is(-4095, "unknown error (unknown errno)", NULL);
	ok &= EXPECT(cli_nvme_status_text(tiny, sizeof(tiny), -EIO) ==
		     (int)strlen("Input/output error (EIO)"));
	ok &= EXPECT(!strcmp(tiny, "Input/o"));
	tap_result(ok, "nvme show: statuses by name (nvme_status_to_string), -errno by strerror");
}

/* What printing into a memory stream produced. */
struct mem_out {
	FILE *f;
	char *buf;
	size_t len;
};

static void mem_open(struct mem_out *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
}

static char *mem_close(struct mem_out *m)
{
	fclose(m->f);
	return m->buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return true;
		p++;
	}
	tap_diag("no line '%s' in:\n%s", line, text);
	return false;
}

static struct nvme_id_ctrl *qemu_ctrl(void)
{
	static struct nvme_id_ctrl id;

	memset(&id, 0, sizeof(id));
	id.vid = htole16(0x1b36);
	id.ssvid = htole16(0x1af4);
	memcpy(id.sn, "deadbeef            ", sizeof(id.sn));
	memcpy(id.mn, "QEMU NVMe Ctrl                          ", sizeof(id.mn));
	memcpy(id.fr, "7.2.0   ", sizeof(id.fr));
	id.mdts = 7;
	id.cntlid = htole16(0);
	id.ver = htole32(0x10400);
	id.nn = htole32(256);
	id.oncs = htole16(0x15d);
	id.vwc = 0x7;
	return &id;
}

static void test_nvme_show_id_ctrl(void)
{
	struct nvme_id_ctrl *id = qemu_ctrl();
	struct mem_out m;
	char *text;
	bool ok;

	mem_open(&m);
	cli_nvme_show_id_ctrl(m.f, "  ", id);
	text = mem_close(&m);
	ok = has_line(text, "  vid:      0x1b36");
	ok &= has_line(text, "  ssvid:    0x1af4");
	ok &= has_line(text, "  sn:       deadbeef");
	ok &= has_line(text, "  mn:       QEMU NVMe Ctrl");
	ok &= has_line(text, "  fr:       7.2.0");
	ok &= has_line(text, "  mdts:     7 (512.00 KiB with 4 KiB pages)");
	ok &= has_line(text, "  cntlid:   0x0000");
	ok &= has_line(text, "  ver:      1.4.0");
	ok &= has_line(text, "  nn:       256");
	ok &= has_line(text, "  oncs:     0x015d (compare dsm write-zeroes "
			     "save-features timestamp copy)");
	ok &= has_line(text, "  vwc:      0x07 (volatile write cache; flush "
			     "of all namespaces supported)");
	free(text);

	id->mdts = 0;
	id->vwc = 0;
	id->oncs = htole16(0x8000);
	mem_open(&m);
	cli_nvme_show_id_ctrl(m.f, "", id);
	text = mem_close(&m);
	ok &= has_line(text, "mdts:     0 (no limit)");
	ok &= has_line(text, "vwc:      0x00 (no volatile write cache)");
	ok &= has_line(text, "oncs:     0x8000 (bit15)");
	free(text);
	tap_result(ok, "nvme show: id-ctrl lines (vid, sn, mn, fr, mdts, nn, oncs, vwc)");
}

static void test_nvme_json_id_ctrl(void)
{
	struct nvme_id_ctrl *id = qemu_ctrl();
	struct mem_out m;
	char *text;
	bool ok;

	id->mn[0] = '"';
	mem_open(&m);
	cli_nvme_json_id_ctrl(m.f, id);
	text = mem_close(&m);
	ok = EXPECT(!strcmp(text,
		"\"vid\": 6966, \"ssvid\": 6900, \"sn\": \"deadbeef\", "
		"\"mn\": \"\\\"EMU NVMe Ctrl\", \"fr\": \"7.2.0\", "
		"\"mdts\": 7, \"cntlid\": 0, \"ver\": 66560, "
		"\"version\": \"1.4.0\", \"nn\": 256, \"oncs\": 349, "
		"\"oncs_names\": [\"compare\", \"dsm\", \"write-zeroes\", "
		"\"save-features\", \"timestamp\", \"copy\"], \"vwc\": 7, "
		"\"volatile_write_cache\": true"));
	if (!ok)
		tap_diag("%s", text);
	free(text);
	tap_result(ok, "nvme show: id-ctrl JSON members, strings escaped");
}

static struct nvme_id_ns *qemu_ns(void)
{
	static struct nvme_id_ns ns;

	memset(&ns, 0, sizeof(ns));
	ns.nsze = ns.ncap = htole64(131072);
	ns.nuse = htole64(4096);
	ns.nlbaf = 1;
	ns.flbas = 0;
	ns.lbaf[0].ds = 9;
	ns.lbaf[1].ds = 12;
	ns.lbaf[1].ms = htole16(8);
	ns.lbaf[1].rp = 0x2;
	return &ns;
}

static void test_nvme_show_id_ns(void)
{
	struct nvme_id_ns *ns = qemu_ns();
	struct mem_out m;
	char *text;
	bool ok;

	mem_open(&m);
	cli_nvme_show_id_ns(m.f, "", ns);
	text = mem_close(&m);
	ok = has_line(text, "nsze:     131072");
	ok &= has_line(text, "ncap:     131072");
	ok &= has_line(text, "nuse:     4096");
	ok &= has_line(text, "nlbaf:    1 (2 formats)");
	ok &= has_line(text, "flbas:    0x00 (format 0)");
	ok &= has_line(text, "lbaf  0:  ms 0   ds 9  rp 0 (in use)");
	ok &= has_line(text, "lbaf  1:  ms 8   ds 12 rp 2");
	ok &= has_line(text, "lba size: 512");
	ok &= has_line(text, "capacity: 67108864 bytes (64.00 MiB)");
	ok &= EXPECT(!strstr(text, "metadata"));
	free(text);

	ns->flbas = 0x11;	/* format 1, extended metadata */
	mem_open(&m);
	cli_nvme_show_id_ns(m.f, "", ns);
	text = mem_close(&m);
	ok &= has_line(text, "flbas:    0x11 (format 1, extended metadata)");
	ok &= has_line(text, "lbaf  1:  ms 8   ds 12 rp 2 (in use)");
	ok &= has_line(text, "lba size: 4096");
	ok &= has_line(text, "metadata: 8 bytes per LBA, extended (after each "
			     "LBA's data)");
	ok &= has_line(text, "capacity: 536870912 bytes (512.00 MiB)");
	free(text);

	ns->nlbaf = 0;
	mem_open(&m);
	cli_nvme_show_id_ns(m.f, "", ns);
	text = mem_close(&m);
	ok &= has_line(text, "nlbaf:    0 (1 format)");
	free(text);

	ns->nlbaf = 1;
	ns->flbas = 0x05;	/* past NLBAF */
	mem_open(&m);
	cli_nvme_show_id_ns(m.f, "", ns);
	text = mem_close(&m);
	ok &= has_line(text, "lba size: unknown (format 5 is not a valid LBA "
			     "format)");
	ok &= EXPECT(!strstr(text, "capacity"));
	free(text);

	ns->flbas = 0;
	ns->nsze = htole64(UINT64_MAX);
	mem_open(&m);
	cli_nvme_show_id_ns(m.f, "", ns);
	text = mem_close(&m);
	ok &= has_line(text, "capacity: more than 2^64 bytes");
	free(text);
	tap_result(ok, "nvme show: id-ns lines (sizes, LBA formats, LBA size, capacity)");
}

static void test_nvme_json_id_ns(void)
{
	struct nvme_id_ns *ns = qemu_ns();
	struct mem_out m;
	char *text;
	bool ok;

	mem_open(&m);
	cli_nvme_json_id_ns(m.f, ns);
	text = mem_close(&m);
	ok = EXPECT(!strcmp(text,
		"\"nsze\": 131072, \"ncap\": 131072, \"nuse\": 4096, "
		"\"nlbaf\": 1, \"flbas\": 0, \"lbaf\": ["
		"{\"ms\": 0, \"ds\": 9, \"rp\": 0, \"in_use\": true}, "
		"{\"ms\": 8, \"ds\": 12, \"rp\": 2, \"in_use\": false}], "
		"\"lba_size\": 512, \"metadata_size\": 0, "
		"\"extended_metadata\": false, \"capacity\": 67108864"));
	if (!ok)
		tap_diag("%s", text);
	free(text);

	ns->flbas = 0x0f;
	mem_open(&m);
	cli_nvme_json_id_ns(m.f, ns);
	text = mem_close(&m);
	ok &= EXPECT(strstr(text, "\"lba_size\": null, \"metadata_size\": null, "
			    "\"extended_metadata\": null, \"capacity\": null") != NULL);
	free(text);
	tap_result(ok, "nvme show: id-ns JSON members; null where the format is invalid");
}

void test_nvme_show(void)
{
	test_nvme_field_string();
	test_nvme_status();
	test_nvme_show_id_ctrl();
	test_nvme_json_id_ctrl();
	test_nvme_show_id_ns();
	test_nvme_json_id_ns();
}
