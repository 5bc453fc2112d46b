# SPDX-License-Identifier: GPL-2.0
# fio_jobs(), what guest/tools.sh and guest/zns_tools.sh read of fio's
# JSON output (busybox sh; sourced, not run).

# fio_jobs FILE: "jobname read=N write=N error=N" per job of fio's JSON
# output: its first "error" and the first total_ios of its "read" and
# "write" objects (before their nested latency objects).
fio_jobs() {
	awk '
		function flush() { if (job != "") printf "%s read=%s write=%s error=%s\n", job, c["read"], c["write"], err }
		/"jobname" :/ { flush(); job = $3; gsub(/[",]/, "", job); err = ""; delete c; d = ""; next }
		job == "" { next }
		/"error" :/ && err == "" { err = $3; gsub(/,/, "", err) }
		/"(read|write)" : \{/ { d = $0; gsub(/[ "{:]/, "", d); next }
		/"total_ios" :/ && d != "" { v = $3; gsub(/,/, "", v); c[d] = v; d = "" }
		END { flush() }
	' "$1"
}
