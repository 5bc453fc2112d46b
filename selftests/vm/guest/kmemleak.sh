#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the debug kernel's leak check (busybox sh), run by
# guest/check.sh once every test is over. Does nothing on a kernel without
# kmemleak (Debian's): only the debug kernel (selftests/vm/debugkernel.sh,
# CONFIG_DEBUG_KMEMLEAK without automatic scans) has
# /sys/kernel/debug/kmemleak.
#
# Scans twice, 6 s apart (kmemleak does not report objects younger than
# 5 s, and the second scan confirms what the first found), then reads the
# report. One TAP test: no unreferenced object whose allocation backtrace
# involves urpt.ko, that is a frame in urpt (a "urpt" symbol or the module
# tag "[urpt]"), or a frame in module space that kallsyms cannot name: by
# the time of the scan only urpt.ko has been unloaded (urpt_module_test
# reloads it), nvme and null_blk never are, so an unnamed module address
# was urpt's. Other objects (the kernel's own, from boot) are listed, not
# counted. The whole report goes to the results channel as "#" lines.
kmemleak=/sys/kernel/debug/kmemleak
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -e $kmemleak ] || exit 0

now() { cut -d' ' -f1 /proc/uptime; }
t0=$(now)
echo "URPT-BEGIN kmemleak"
report=/tmp/kmemleak.txt
ok=1
for i in 1 2; do
	[ $i = 2 ] && sleep 6
	if ! echo scan >$kmemleak; then
		ok=0
		echo "# echo scan > $kmemleak failed (kmemleak disabled? see the console)"
	fi
done
cat $kmemleak >$report 2>/dev/null || ok=0

# One line per unreferenced object: "<involves urpt: 0/1> <first line>".
awk '
	function flush() { if (head != "") print urpt, head }
	/^unreferenced object/ { flush(); head = $0; urpt = 0; bt = 0; next }
	/^ *backtrace:/ { bt = 1; next }
	bt && /urpt/ { urpt = 1 }
	# [<ffffffffc0001234>] 0xffffffffc0001234: an unloaded module frame
	bt && /\] 0xffffffff[a-f][0-9a-f]+$/ { urpt = 1 }
	END { flush() }
' $report >/tmp/kmemleak.objs
total=$(wc -l </tmp/kmemleak.objs)
mine=$(grep -c '^1 ' /tmp/kmemleak.objs)
echo "# kmemleak: $total unreferenced objects, $mine of them involve urpt"
sed 's/^/# /' $report
if [ $ok = 0 ]; then
	echo "not ok 1 - kmemleak: scan and report (kmemleak not usable)"
elif [ "$mine" = 0 ]; then
	echo "ok 1 - kmemleak: no leak involving urpt ($total other unreferenced objects)"
else
	echo "not ok 1 - kmemleak: $mine unreferenced objects allocated through urpt"
fi
echo "1..1"
echo "# kmemleak: $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s"
echo "URPT-END kmemleak rc=0"
