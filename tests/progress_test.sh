#!/bin/bash
# The progress line of `kosearch index`: drawn on a terminal (a pseudo-terminal
# made by script(1)), never in a pipe, a file or with --quiet.
# Usage: progress_test.sh PATH/TO/kosearch SOURCE_ROOT
set -u
kosearch=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KOSEARCH_DB="$work/db"
export TERM=xterm

. "$(dirname "$0")/lib.sh"
lacks_byte() { ! LC_ALL=C grep -q "$2" "$1"; }
line_count_is() { [ "$(wc -l <"$1")" -eq "$2" ]; }
at_most() { [ "$1" -le "$2" ]; }
starts_with_return() { [ "$(head -c 1 "$1")" = $'\r' ]; }
# on_terminal TRANSCRIPT COMMAND: runs the command with a pseudo-terminal as
# stdin, stdout and stderr, keeping what the terminal showed.
on_terminal() {
    local transcript=$1
    shift
    script -qec "$*" /dev/null </dev/null >"$transcript"
}

# Enough articles to take well over a second, so the rate and the estimate
# of the time left appear and the line is redrawn several times.
articles=300
mkdir "$work/articles"
article=$root/corpus/000_7c3d8639bd71687d.txt
for i in $(seq 1 "$articles"); do
    { cat "$article"; printf '\n기사 %d\n' "$i"; } >"$work/articles/$i.txt"
done
summary="kosearch: $articles added, 0 updated, 0 unchanged"

# On a terminal: the line is redrawn in place, then cleared for the summary.
started=$(date +%s%N)
check "index on a terminal succeeds" \
    on_terminal "$work/terminal" "'$kosearch' index '$work/articles'"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
tr '\r' '\n' <"$work/terminal" >"$work/terminal.lines"
check "progress counts articles against the total" contains "$work/terminal.lines" "/$articles articles, "
check "progress counts passages" grep -qE "articles, [0-9]+ passages" "$work/terminal.lines"
check "progress shows the rate" grep -qE "[0-9]+ articles/s" "$work/terminal.lines"
check "progress estimates the time left" grep -qE ", [0-9]+:[0-9]{2} left" "$work/terminal.lines"
check "after the reading, the final counts say the index is being finished" \
    grep -qE "^kosearch: $articles/$articles articles, [0-9]+ passages; finishing the index" \
    "$work/terminal.lines"
counts=$(sed -nE "s|^kosearch: ([0-9]+)/$articles articles.*|\1|p" "$work/terminal.lines")
check "the count goes up between redraws" at_most "$(head -n 1 <<<"$counts")" "$(tail -n 1 <<<"$counts")"
check "the count is redrawn while indexing" [ "$(head -n 1 <<<"$counts")" != "$(tail -n 1 <<<"$counts")" ]
check "the line starts with a carriage return" starts_with_return "$work/terminal"
check "the line clears to its end" contains "$work/terminal" $'\033[K'
check "the summary follows on a clean line" contains "$work/terminal" $'\033[K'"$summary"
redraws=$(grep -o $'\r'kosearch "$work/terminal" | wc -l)
check "the line is redrawn at most ten times a second ($redraws in ${elapsed_ms}ms)" \
    at_most "$redraws" $((elapsed_ms / 100 + 2))
check "several redraws in a run that long" at_most 3 "$redraws"

# Without a known total (JSONL on stdin): no total and no estimate.
for i in $(seq 1 40); do
    jq -cn --arg id "jsonl-$i" --rawfile body "$article" '{id: $id, body: $body}'
done >"$work/articles.jsonl"
check "index from a pipe on a terminal succeeds" \
    on_terminal "$work/unknown" "'$kosearch' index --db '$work/db-jsonl' - < '$work/articles.jsonl'"
tr '\r' '\n' <"$work/unknown" >"$work/unknown.lines"
check "progress without a total counts articles" grep -qE "^kosearch: [0-9]+ articles, [0-9]+ passages" "$work/unknown.lines"
check "no total when it cannot be known" lacks "$work/unknown.lines" "/40 articles"
check "no estimate when the total is unknown" lacks "$work/unknown.lines" " left"
check "the summary is there" contains "$work/unknown" "kosearch: 40 added"

# stderr to a file, and to a pipe: the summary line alone.
check "index with stderr to a file succeeds" \
    "$kosearch" index --rebuild "$work/articles" 2>"$work/file"
check "a file gets only the summary" line_count_is "$work/file" 1
check "the summary line" contains "$work/file" "$summary"
check "no carriage return in a file" lacks_byte "$work/file" $'\r'
check "no escape sequence in a file" lacks_byte "$work/file" $'\033'
"$kosearch" index --rebuild "$work/articles" 2>&1 >/dev/null | cat >"$work/pipe"
check "a pipe gets only the summary" line_count_is "$work/pipe" 1
check "the summary line in a pipe" contains "$work/pipe" "$summary"
check "no carriage return in a pipe" lacks_byte "$work/pipe" $'\r'

# --quiet on a terminal: nothing at all.
check "index --quiet on a terminal succeeds" \
    on_terminal "$work/quiet" "'$kosearch' index --quiet --rebuild '$work/articles'"
check "--quiet shows neither progress nor summary" line_count_is "$work/quiet" 0
check "--quiet writes nothing" test ! -s "$work/quiet"

# The total counts what the reader reads: not a hidden file, a file of
# another extension, or a link that leads out of the folder (unless --follow).
mkdir -p "$work/walk/inner" "$work/outside"
cp "$article" "$work/walk/one.txt"
cp "$article" "$work/walk/inner/two.md"
cp "$article" "$work/walk/.hidden.txt"
cp "$article" "$work/walk/notes.csv"
cp "$article" "$work/outside/elsewhere.txt"
ln -s "$work/outside/elsewhere.txt" "$work/walk/link.txt"
jq -cn --rawfile body "$article" '{id: "walk-1", body: $body}, {id: "walk-2", body: $body}' \
    >"$work/walk/two.jsonl"
check "index of a folder with hidden, foreign and linked files succeeds" \
    on_terminal "$work/walk.out" "'$kosearch' index --db '$work/db-walk' '$work/walk'"
tr '\r' '\n' <"$work/walk.out" >"$work/walk.lines"
check "the folder's summary counts 4 articles read" contains "$work/walk.lines" "kosearch: 4 added"
check "the progress total is the 4 articles the reader reads" \
    grep -qE "^kosearch: 4/4 articles, [0-9]+ passages; finishing" "$work/walk.lines"
check "index --follow of the same folder succeeds" \
    on_terminal "$work/follow.out" "'$kosearch' index --follow --db '$work/db-follow' '$work/walk'"
tr '\r' '\n' <"$work/follow.out" >"$work/follow.lines"
check "with --follow the summary counts the linked file too" \
    contains "$work/follow.lines" "kosearch: 5 added"
check "with --follow the progress total counts it too" \
    grep -qE "^kosearch: 5/5 articles, [0-9]+ passages; finishing" "$work/follow.lines"

finish
