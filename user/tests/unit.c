// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of liburpt and of the urpt CLI's pure logic: nothing
 * here needs urpt.ko.
 */
#include "tap.h"

int main(void)
{
	test_size();
	test_devname();
	test_sqe();
	test_cqe();
	test_names();
	test_sync();
	test_dev_check();
	test_json();
	test_chunk();
	test_check();
	test_flags();
	test_pattern();
	test_plan();
	test_iomode();
	test_bench();
	test_args();
	test_nvme_opts();
	test_nvme_build();
	test_nvme_show();
	test_nvme_sysfs();
	test_nodekind();
	test_zone_names();
	test_zone_show();
	return tap_finish();
}
