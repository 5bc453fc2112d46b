# SPDX-License-Identifier: GPL-2.0
# The words in command position of shell scripts, one per line:
# "FILE:LINE word". Read by commands_test.sh, which drops the shell's
# builtins and the scripts' own functions and holds the rest to deps.sh's
# command table.
#
# Not a shell parser: a scanner for the way the harness is written. It
# skips quoted text (but reads the commands inside "$(...)"), comments,
# here-documents, [[ ]] and [ ] tests, (( )) arithmetic, multi-line array
# assignments and case patterns; it reads a word at the start of a line
# and after | || && ; $( ` ( { and the keywords that precede a command.
function emit(w) {
	if (w ~ /^[A-Za-z_][A-Za-z0-9_]*=/ || w == "_V_") return 1	# assignment: keep looking
	if (w ~ /^[a-z][a-z0-9_.+-]*$/) print FILENAME ":" FNR " " w
	return 0
}
BEGIN { heredoc = ""; q = ""; array = 0; incase = 0 }
{
	line = $0
	if (heredoc != "") {
		t = line; sub(/^[\t]+/, "", t)
		if (t == heredoc) heredoc = ""
		next
	}
	if (array) { if (line ~ /^[^#]*\)/) array = 0; next }
	if (q == "" && line ~ /^[ \t]*[A-Za-z_][A-Za-z0-9_]*\+?=\([^)]*$/) { array = 1; next }
	if (q == "" && match(line, /<<-?[ ]*['"]?[A-Z_]+['"]?/)) {
		h = substr(line, RSTART, RLENGTH); gsub(/[<'" -]/, "", h); heredoc = h
	}
	if (q == "" && incase && match(line, /^[ \t]*[^()$ \t][^()$]*\)/))
		line = substr(line, RSTART + RLENGTH)
	out = ""
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		if (q == "'") { if (c == "'") q = ""; continue }
		if (q == "\"") {
			if (c == "\\") { i++; continue }
			if (c == "\"") { q = ""; out = out "\"\""; continue }
			if (c == "$" && substr(line, i+1, 1) == "(" && substr(line, i+2, 1) != "(") {
				# a command substitution inside double quotes: its words count
				depth = 1; sub_ = ""
				for (k = i + 2; k <= n && depth; k++) {
					d = substr(line, k, 1)
					if (d == "(") depth++
					else if (d == ")") depth--
					if (depth) sub_ = sub_ d
				}
				gsub(/"[^"]*"/, " ", sub_)
				out = out " ; " sub_ " ; "; i = k - 1; continue
			}
			continue
		}
		if (c == "\\") { i++; continue }
		if (c == "'" || c == "\"") { q = c; continue }
		if (c == "#" && (i == 1 || substr(line, i-1, 1) ~ /[ \t]/)) break
		out = out c
	}
	if (out ~ /(^|[ \t;])case[ \t]/) incase++
	if (out ~ /(^|[ \t;])esac([ \t;]|$)/) incase--
	gsub(/\(\([^()]*(\([^()]*\)[^()]*)*\)\)/, " ", out)
	if (out ~ /(^|[ \t;])case[ \t].*[ \t]in[ \t]/) sub(/[ \t]in[ \t][^)]*\)/, " ; ", out)
	gsub(/\$\{[^}]*\}/, "_V_", out)
	gsub(/\{[a-z_]+\}[<>]/, " ", out)
	gsub(/[A-Za-z_][A-Za-z0-9_]*\+?=\([^)]*\)/, "_V_", out)
	gsub(/\$\(|`|\|\||&&|[|;(){}]|;;/, " ; ", out)
	m = split(out, w, /[ \t]+/)
	start = 1
	for (j = 1; j <= m; j++) {
		if (w[j] == "") continue
		if (w[j] == ";") { start = 1; continue }
		if (!start) continue
		if (w[j] == "[[" || w[j] == "[") {
			close_ = w[j] == "[[" ? "]]" : "]"
			while (j < m && w[j] != close_) j++
			continue
		}
		if (w[j] ~ /^(then|do|else|elif|if|while|until|time|exec|command|env|nice|sudo|!)$/)
			continue
		if (w[j] == "case") { start = 0; continue }
		if (w[j] ~ /^-|^[<>&0-9]*[<>]/) continue
		start = emit(w[j])
	}
}
