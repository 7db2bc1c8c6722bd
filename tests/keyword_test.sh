#!/bin/bash
# Keyword queries as the man page shows them: each example of its
# "Keywords" paragraph is run on corpus/ and must do what the page says;
# README and --help show the same syntax.
# Usage: keyword_test.sh PATH/TO/kosearch SOURCE_ROOT
set -u
kosearch=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KOSEARCH_DB="$work/db"
. "$(dirname "$0")/lib.sh"

"$kosearch" index --quiet "$root/corpus/" || { echo "cannot index corpus/" >&2; exit 1; }

# The examples after "Keywords:" in EXAMPLES, one per line, without markup.
awk '/^Keywords:/ {on = 1; next} on && /^\t?kosearch search/ {print} on && /^$/ && seen++ {exit}' \
    "$root/docs/kosearch.1.scd" | sed -e 's/^\t//' -e 's/++$//' >"$work/examples"
check "the man page has five keyword examples" [ "$(wc -l <"$work/examples")" -eq 5 ]

# hits QUERY_ARGS...: the hits' texts, one JSON string per line.
hits() { "$kosearch" search --format json --limit 50 "$@" | jq -r '.text | @json'; }
holds() { jq -e --arg w "$2" 'contains($w)' <<<"$1" >/dev/null; }

# Passages holding both words come before any holding one.
both_first() {
    local seen_one=0 text
    while read -r text; do
        if holds "$text" 구로구 && holds "$text" 청소; then
            [ "$seen_one" -eq 0 ] || return 1
        else
            seen_one=1
        fi
    done < <(hits 구로구 청소)
    [ "$seen_one" -eq 1 ] # the query also finds passages with one word
}
every_hit_holds() { # every_hit_holds WORD QUERY_ARGS...
    local word=$1 text count=0
    shift
    while read -r text; do
        holds "$text" "$word" || return 1
        count=$((count + 1))
    done < <(hits "$@")
    [ "$count" -gt 0 ]
}
no_hit_holds() { # no_hit_holds WORD QUERY_ARGS...
    local word=$1
    shift
    ! hits "$@" | grep -qF -- "$word"
}

while read -r example; do
    # shellcheck disable=SC2086 # the example is split as a shell would
    set -- ${example#kosearch search }
    case "$*" in
    "구로구 청소") check "man: $example ranks passages holding both first" both_first ;;
    "--match all 구로구 청소")
        check "man: $example finds only passages with 구로구" every_hit_holds 구로구 "$@"
        check "man: $example finds only passages with 청소" every_hit_holds 청소 "$@" ;;
    "청소 AND 봉사단")
        check "man: $example finds only passages with 청소" every_hit_holds 청소 "$@"
        check "man: $example finds only passages with 봉사단" every_hit_holds 봉사단 "$@" ;;
    "구로구 +위생") check "man: $example finds only passages with 위생" every_hit_holds 위생 "$@" ;;
    "청소 -LED")
        check "man: $example is a query, not an unknown option" \
            bash -c "'$kosearch' search $* >/dev/null"
        check "man: $example finds no LED passage" no_hit_holds LED "$@"
        check "-LED after another word excludes what it finds" no_hit_holds LED 구로구 -LED
        check "without -LED that word finds an LED passage" bash -c \
            "'$kosearch' search --format json --limit 50 구로구 | grep -qF LED" ;;
    *) check "man: $example is checked by this test" false ;;
    esac
    check "README shows '$example'" grep -qF -- "$example" "$root/README.md"
done <"$work/examples"

# Equal scores rank by article id, then passage number, whatever the order
# the articles were indexed in.
printf '%s\n' '{"id":"z","body":"같은 문장 청소"}' '{"id":"b","body":"같은 문장 청소"}' \
    '{"id":"m","body":"같은 문장 청소\n\n같은 문장 청소"}' >"$work/ties.jsonl"
tac "$work/ties.jsonl" >"$work/ties-reversed.jsonl"
"$kosearch" index --quiet --db "$work/ties" "$work/ties.jsonl"
"$kosearch" index --quiet --db "$work/ties-reversed" "$work/ties-reversed.jsonl"
order() { "$kosearch" search --db "$1" --format json 청소 | jq -r '"\(.id)#\(.passage)"' | tr '\n' ' '; }
check "equal scores rank by article id and passage" [ "$(order "$work/ties")" = "b#1 m#1 m#2 z#1 " ]
check "equal scores rank the same whatever the indexing order" \
    [ "$(order "$work/ties-reversed")" = "b#1 m#1 m#2 z#1 " ]

# Prefixes and initials expand to the same words over shards as over one database.
"$kosearch" index --quiet --shards 3 --db "$work/shards" "$root/corpus/"
ranking() { "$kosearch" search --db "$1" --format json --limit 30 "$2" | jq -c '[.id, .passage, .score]'; }
for query in '청소*' 'ㄱㄹㄱ' '구로구 청소'; do
    check "$query ranks the same over three shards as over one database" \
        [ "$(ranking "$KOSEARCH_DB" "$query")" = "$(ranking "$work/shards" "$query")" ]
done

"$kosearch" search --help >"$work/help"
for syntax in "+word" "a AND b" "a OR b" "-word" "--match"; do
    check "--help explains $syntax" grep -qF -- "$syntax" "$work/help"
done
check "--match refuses other modes" bash -c "! '$kosearch' search --match most 구로구 2>/dev/null"
check "AND alone is a syntax error" bash -c "! '$kosearch' search AND 2>/dev/null"
finish
