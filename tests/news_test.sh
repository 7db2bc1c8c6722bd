#!/bin/bash
# What a press-office analyst does next on real news: date windows, sorting
# by date, fields, counts, paging, one article shown and removed. Runs on
# the Wikinews articles of ../shared/data (skipped without them), written
# as JSONL with the CSV's dates.
# Usage: news_test.sh PATH/TO/kosearch
set -u
kosearch=$1
csv=${KOSEARCH_SHARED_DATA:-}/news/wikinews.csv
if [ ! -f "$csv" ]; then
    echo "no $csv: skipped"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KOSEARCH_DB="$work/db"
. "$(dirname "$0")/lib.sh"

python3 - "$csv" "$work/news.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], encoding='utf-8', newline='') as f:
    rows = list(csv.reader(f))[1:]
with open(sys.argv[2], 'w', encoding='utf-8') as out:
    for i, (date, url, title, body) in enumerate(rows):
        record = {'id': f'wikinews-{i}', 'title': title, 'date': date, 'url': url, 'body': body}
        out.write(json.dumps(record, ensure_ascii=False) + '\n')
    # a feed's date nobody can read: kept as unknown, and named
    out.write(json.dumps({'id': 'undated', 'title': '날짜 없는 대통령 기사', 'date': 'yesterday',
                          'body': '대통령이 어제 연설하였다.'}, ensure_ascii=False) + '\n')
PY
lines=$(wc -l <"$work/news.jsonl")

check "index the Wikinews articles" "$kosearch" index -q "$work/news.jsonl" 2>"$work/index.err"
check "an unreadable date is named with file and line" \
    contains "$work/index.err" "news.jsonl:$lines: unreadable date \"yesterday\""

# search QUERY OPTIONS...: JSON hits into $work/hits
search() { "$kosearch" search --format json --limit 100000 "$@" >"$work/hits"; }
keys() { jq -r '"\(.id)#\(.passage)"' "$1" | sort; }
holds() { jq -e -s "$@" >/dev/null; } # holds FILTER FILE: true of the JSON lines taken together

# A window returns only articles in it, and every one of them that matches.
search 대통령 --since 2010-03 --until 2012
check "the window finds something" [ -s "$work/hits" ]
check "every hit of the window is dated within it" \
    holds 'all(.date >= "2010-03-01" and .date <= "2012-12-31T99")' "$work/hits"
keys "$work/hits" >"$work/window"
search 대통령
jq -c 'select(.date >= "2010-03-01" and .date <= "2012-12-31T99")' "$work/hits" >"$work/expected"
check "the window holds every matching article dated within it" \
    cmp -s "$work/window" <(keys "$work/expected")
search '대통령 date:2010-03..2012'
check "date:A..B in the query is the same window" cmp -s "$work/window" <(keys "$work/hits")
search 대통령 --until 2009
check "articles without a date are left out by a date filter" lacks "$work/hits" '"undated"'

# --sort date: newest first, undated last.
search 대통령 --sort date
check "--sort date is monotonic" \
    holds '[.[].date | select(. != "")] as $d | $d == ($d | sort | reverse)' "$work/hits"
check "--sort date puts the undated article last" \
    holds '.[-1].id == "undated" and .[-1].date == ""' "$work/hits"

# title: matches only titles.
search title:대통령
check "title: finds articles" [ -s "$work/hits" ]
check "title: matches only titles" holds 'all(.title | contains("대통령"))' "$work/hits"
search 대통령
check "the word alone also finds articles without it in the title" \
    holds 'any(.title | contains("대통령") | not)' "$work/hits"

# Paging: --offset 10 --limit 10 is ranks 11-20 of --limit 20.
"$kosearch" search --format json --limit 20 대통령 | sed -n '11,20p' | jq -c '[.rank,.id,.passage]' \
    >"$work/ranks-11-20"
"$kosearch" search --format json --offset 10 --limit 10 대통령 | jq -c '[.rank,.id,.passage]' \
    >"$work/page-2"
check "the second page is ranks 11-20" cmp -s "$work/ranks-11-20" "$work/page-2"
check "the second page has 10 hits" [ "$(wc -l <"$work/page-2")" -eq 10 ]

# --count: the number of JSON hits at a large limit.
search 대통령
count=$("$kosearch" search --count 대통령)
check "--count equals the hits at a large limit" [ "$count" -eq "$(wc -l <"$work/hits")" ]
search 대통령 --since 2013
count=$("$kosearch" search --count --since 2013 대통령)
check "--count with a filter equals its hits" [ "$count" -eq "$(wc -l <"$work/hits")" ]
check "--count --format json carries the total" \
    [ "$("$kosearch" search --count --format json --since 2013 대통령 | jq .total)" -eq "$count" ]
"$kosearch" search --count 존재하지않는낱말입니다 >"$work/zero"
check "--count exits 1 when nothing matches" [ $? -eq 1 ]
check "--count prints 0 when nothing matches" [ "$(cat "$work/zero")" = 0 ]

# A terminal gets the tally, a pipe does not.
script -qec "'$kosearch' search --color=never 대통령" /dev/null >"$work/tty"
check "a terminal shows how many of about how many" matches "$work/tty" '^10 of about [0-9]+ passages'
"$kosearch" search 대통령 >"$work/pipe"
check "a pipe gets no tally" lacks "$work/pipe" "of about"

# One article: shown in order, then removed.
search 대통령
id=$(jq -r 'select(.id != "undated") | .id' "$work/hits" | head -1)
"$kosearch" show --format json "$id" >"$work/shown"
check "show lists the article's passages 1..n" \
    holds '[.[].passage] == [range(1; length + 1)]' "$work/shown"
check "show's passages are all of that article" holds "all(.id == \"$id\")" "$work/shown"
check "show as text" bash -c "'$kosearch' show '$id' | grep -q '^\[1\]'"
"$kosearch" remove "$id" wikinews-does-not-exist 2>"$work/remove.err"
check "remove exits 1 when an id is not there" [ $? -eq 1 ]
check "remove names the id it did not find" contains "$work/remove.err" "wikinews-does-not-exist"
search 대통령
check "search finds nothing of the removed article" lacks "$work/hits" "\"id\":\"$id\""
check "id: finds nothing of the removed article" bash -c "! '$kosearch' search 'id:$id' >/dev/null"
check "show no longer finds it" bash -c "'$kosearch' show '$id' >/dev/null 2>&1; [ \$? -eq 1 ]"
check "the other articles are still there" bash -c "[ \$('$kosearch' stats --format json | jq .articles) -eq $((lines - 1)) ]"

finish
