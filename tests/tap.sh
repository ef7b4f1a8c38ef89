# TAP helpers for the shell tests: source it, call plan N, then checks.
# Each check prints one TAP line; failures add '#' diagnostics.
tap_n=0
tap_failed=0
plan() { echo "1..$1"; }
pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
fail() {
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do printf '#   %s\n' "$line"; done
}
# check NAME COMMAND...: passes when the command succeeds
check() {
	name=$1; shift
	if "$@"; then pass "$name"; else fail "$name" "command failed: $*"; fi
}
# is NAME GOT WANT
is() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got:      '$2'" "expected: '$3'"; fi
}
# like NAME TEXT PATTERN (grep -E)
like() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass "$1"
	else fail "$1" "text:    '$(printf '%s' "$2" | head -c 300)'" "pattern: '$3'"; fi
}
tap_done() { [ "$tap_failed" -eq 0 ]; }
