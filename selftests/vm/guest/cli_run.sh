# SPDX-License-Identifier: GPL-2.0
# run(), the command runner of the guest CLI scripts cli_dev.sh and
# cli_nvme.sh (busybox sh; sourced, not run). The caller sets TIMEOUT,
# the seconds a command may take, and RUN_OUT_LINES, how many lines of
# its stdout are shown.

# run NAME CMD...: CMD's stdout into /tmp/NAME.out, stderr into
# /tmp/NAME.err, both shown as comments; its exit status in $rc and
# returned.
run() {
	name=$1
	shift
	echo "# \$ $*"
	timeout -s KILL $TIMEOUT "$@" >"/tmp/$name.out" 2>"/tmp/$name.err"
	rc=$?
	sed 's/^/#   /' "/tmp/$name.out" | head -n $RUN_OUT_LINES
	sed 's/^/#   (stderr) /' "/tmp/$name.err" | head -n 10
	[ $rc = 0 ] || echo "#   (exit $rc)"
	return $rc
}
