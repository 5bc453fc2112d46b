#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host unit test (TAP): every command the harness scripts run has its row
# in deps.sh's command table, for the place it runs (the guest's scripts:
# guest; everything else: host, matrix or debug), so deps.sh installs its
# package and checks that it resolves before anything runs.
#
#   selftests/vm/commands_test.sh
#
# First the scanner itself (commands.awk), on a script whose commands are
# known.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# The shell's own words: builtins and keywords that commands.awk reads in
# command position.
BUILTINS=" . : [ alias break builtin cd command continue declare echo esac eval
exec exit export false fi for getopts hash local mapfile printf pwd read
readonly return set shift source test trap true type ulimit umask unset wait
done in case function select "
BUILTINS=" $(echo $BUILTINS) "

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# commands FILE...: the commands the files run, less builtins and the
# functions the harness defines (in any of its scripts), as "word FILE:LINE".
commands() {
	awk -f "$here/commands.awk" "$@" | while read -r at word; do
		[[ $BUILTINS == *" $word "* ]] && continue
		[[ $FUNCS == *" $word "* ]] && continue
		echo "$word $at"
	done
}

fixture=$(mktemp)
trap 'rm -f "$fixture"' EXIT
cat >"$fixture" <<'SCRIPT'
# comment: notacommand
set -e
LIST=(
	notacommand
)
x=$(alpha --flag | beta) && gamma "quoted notacommand $(delta)" || epsilon
if [[ -n $x ]]; then ((x++)); fi
case $x in
pattern) zeta ;;
*) eta 'notacommand' ;;
esac
cat <<-END
	notacommand
	END
missing+=(notacommand) FOO=1 theta
! iota -name x
SCRIPT
FUNCS=" "
got=$(commands "$fixture" | awk '{ print $1 }' | tr '\n' ' ')
want="alpha beta gamma delta epsilon zeta eta cat theta iota "
if [[ $got == "$want" ]]; then
	ok "commands.awk finds exactly the commands of a known script"
else
	not_ok "commands.awk found '$got', expected '$want'"
fi

cd "$root"
scripts=(selftests/vm/*.sh selftests/vm/init selftests/vm/guest/*.sh .ci/run)
FUNCS=" $(grep -ohE '^[[:space:]]*[a-z_][a-z0-9_]*\(\)' "${scripts[@]}" | tr -d ' \t()' | sort -u | tr '\n' ' ') "
table=$("$here/deps.sh" --table)
for f in "${scripts[@]}"; do
	case $f in
	selftests/vm/guest/* | selftests/vm/init) places=" guest " ;;
	*) places=" host matrix debug " ;;
	esac
	missing=$(commands "$f" | while read -r word at; do
		awk -v c="$word" -v p="$places" '$1 == c && index(p, " " $3 " ") { found = 1 }
			END { exit !found }' <<<"$table" || echo "$word ($at)"
	done | sort -u -k1,1 | tr '\n' ' ')
	if [[ -z $missing ]]; then
		ok "$f: every command it runs is in deps.sh's table"
	else
		not_ok "$f runs commands deps.sh's table lacks for its place ($places): $missing"
	fi
done
echo "1..$n"
((failed == 0))
