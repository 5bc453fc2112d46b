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
# involves urpt.ko: a frame in urpt (a "urpt" symbol or the module tag
# "[urpt]"), or a frame in module space that kallsyms cannot name in a
# backtrace that names no other module and was not made by modprobe.
# Unnamed module addresses are code that is gone: urpt.ko unloaded by
# urpt_module_test (nvme and null_blk are never unloaded), or any module's
# __init code, freed once loaded; /init loads every module but urpt with
# modprobe. Other objects (the kernel's own, from boot) are listed, not
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
	function flush() {
		if (head != "")
			print (urpt || (unnamed && !other && !modprobe)) ? 1 : 0, head
	}
	/^unreferenced object/ {
		flush(); head = $0; urpt = unnamed = other = modprobe = bt = 0; next
	}
	/^ *comm "modprobe"/ { modprobe = 1 }
	/^ *backtrace:/ { bt = 1; next }
	!bt { next }
	/urpt/ { urpt = 1 }
	# "[<...>] 0xffffffffa0081234": module text kallsyms cannot name
	/\] 0xffffffff[a-f][0-9a-f]+$/ { unnamed = 1 }
	/\[[A-Za-z0-9_]+\]$/ && !/\[urpt\]$/ { other = 1 }
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
