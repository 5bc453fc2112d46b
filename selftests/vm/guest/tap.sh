# SPDX-License-Identifier: GPL-2.0
# TAP helpers of the guest job scripts that print sections of their own
# (busybox sh; sourced, not run): a section is framed by URPT-BEGIN and
# URPT-END lines for the host's tally, numbers its tests from 1 and ends
# with its plan and its time.

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
begin() { echo "URPT-BEGIN $1"; t_begin=$(now); n=0; }
end() { echo "1..$n"; echo "# $1: $(since "$t_begin") s"; echo "URPT-END $1 rc=0"; }

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # check DESCRIPTION CMD...: one TAP line for CMD's status
	d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
