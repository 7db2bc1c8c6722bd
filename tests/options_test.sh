#!/bin/bash
# The options table (src/cli/options.c, printed by `kosearch --list-options`)
# against what people read: the man page's section for each command and the
# bash completion built from the table, both ways, and each command's --help.
# Usage: options_test.sh PATH/TO/kosearch SOURCE_ROOT PATH/TO/completion
set -u
kosearch=$1
root=$2
completion=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/lib.sh"

"$kosearch" --list-options >"$work/listed"
check "kosearch --list-options succeeds" test $? -eq 0
cut -f 1,2 "$work/listed" | sort -u >"$work/table"
check "the table lists options" test -s "$work/table"

# COMMAND<TAB>OPTION for every option the man page gives a command: the
# definition lines (*--db* _PATH_, *-n*, *--limit* _N_, ...) of its section.
awk '
    /^## / { command = $2; next }
    /^# / { command = ""; next }
    command != "" && /^\*-/ {
        line = $0
        while (match(line, /\*--?[a-z][a-z-]*\*/)) {
            print command "\t" substr(line, RSTART + 1, RLENGTH - 2)
            line = substr(line, RSTART + RLENGTH)
        }
    }' "$root/docs/kosearch.1.scd" | sort -u >"$work/man"
check "the man page lists options" test -s "$work/man"

# COMMAND<TAB>OPTION for every option the completion offers a command.
check "the completion is valid bash" bash -n "$completion"
sed -n 's/^ *\([a-z]*\)) options="\(.*\)" ;;$/\1 \2/p' "$completion" |
    while read -r command options; do
        for option in $options; do printf '%s\t%s\n' "$command" "$option"; done
    done | sort -u >"$work/completion"
check "the completion lists options" test -s "$work/completion"

while IFS=$'\t' read -r command option; do
    check "man page: kosearch $command $option" grep -qxF "$command"$'\t'"$option" "$work/man"
    check "completion: kosearch $command $option" \
        grep -qxF "$command"$'\t'"$option" "$work/completion"
done <"$work/table"
while IFS=$'\t' read -r command option; do
    check "the man page's kosearch $command $option is in the table" \
        grep -qxF "$command"$'\t'"$option" "$work/table"
done <"$work/man"
while IFS=$'\t' read -r command option; do
    check "the completion's kosearch $command $option is in the table" \
        grep -qxF "$command"$'\t'"$option" "$work/table"
done <"$work/completion"

# Each command's --help shows its options (--colour is --color's other spelling).
for command in $(cut -f 1 "$work/table" | sort -u); do
    "$kosearch" "$command" --help >"$work/help" 2>&1
    while IFS=$'\t' read -r listed option; do
        [ "$listed" = "$command" ] && [ "$option" != --colour ] || continue
        check "kosearch $command --help shows $option" grep -qE -- "(^|[ ,])$option( |,|$)" "$work/help"
    done <"$work/table"
done

finish
