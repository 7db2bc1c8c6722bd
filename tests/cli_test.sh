#!/bin/bash
# The kosearch command as a user meets it: output, formats and exit codes.
# Usage: cli_test.sh PATH/TO/kosearch SOURCE_ROOT
set -u
kosearch=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KOSEARCH_DB="$work/db"
unset NO_COLOR

. "$(dirname "$0")/lib.sh"
# run EXPECTED_STATUS ARGS...: runs kosearch, keeping stdout and stderr
run() {
    local expected=$1
    shift
    "$kosearch" "$@" >"$work/out" 2>"$work/err"
    local status=$?
    if [ "$status" -ne "$expected" ]; then
        echo "kosearch $* exited $status, expected $expected; stderr:" >&2
        cat "$work/err" >&2
        return 1
    fi
}

check "--help prints usage to stdout and exits 0" run 0 --help
check "--help mentions search" grep -q "search QUERY" "$work/out"
check "--version names the analyzer and Xapian" run 0 --version
check "--version content" grep -q "analyzer .*Xapian" "$work/out"
check "no command is a usage error" run 2
check "unknown command is a usage error" run 2 frobnicate
check "usage errors go to stderr" grep -q "^kosearch: unknown command 'frobnicate'" "$work/err"
check "search --help exits 0" run 0 search --help
check "bad option is exit 2" run 2 search --limit zero 구로구
# Xapian counts hits in 32 bits: 2^32 must not wrap to 0, nor 2^32+1 to 1.
for value in -1 +5 ' 5' 5x 0; do
    check "--limit '$value' is a usage error" run 2 search --limit "$value" 구로구
    check "--limit '$value': what it needs named" \
        grep -qF -- "--limit needs a whole number above 0, not '$value'" "$work/err"
done
for value in -1 +5 5x; do
    check "--offset '$value' is a usage error" run 2 search --offset "$value" 구로구
    check "--offset '$value': what it needs named" \
        grep -qF -- "--offset needs a whole number, not '$value'" "$work/err"
done
check "batch --offset -1 is a usage error" run 2 batch --offset -1 /dev/null

check "searching a missing database is an error" run 2 search 구로구
check "missing database message names the path" grep -q "no database at $work/db" "$work/err"

cd "$root"
check "index corpus/" run 0 index corpus/
check "index prints a summary" grep -q "1 added, 0 updated, 0 unchanged, 0 removed, 0 skipped" "$work/err"
check "reindexing skips the unchanged article" run 0 index corpus/
check "unchanged summary" grep -q "0 added, 0 updated, 1 unchanged" "$work/err"

# A limit or offset past 32 bits must not wrap (Xapian counts hits in 32 bits).
run 0 search --format json --limit 1000 구로구
all_hits=$(wc -l <"$work/out")
for value in 4294967296 4294967297 18446744073709551617; do
    check "--limit $value is taken" run 0 search --format json --limit "$value" 구로구
    check "--limit $value returns every hit, not a wrapped few" [ "$(wc -l <"$work/out")" -eq "$all_hits" ]
done
for value in 4294967296 4294967297; do
    check "--offset $value skips every hit (no wrap): exit 1" run 1 search --offset "$value" 구로구
done
check "batch --limit 4294967297 is taken" bash -c "echo 구로구 | '$kosearch' batch --limit 4294967297 >/dev/null"

check "search finds the cleaning section" run 0 search --color=never 깔끔이봉사단
check "first hit is the cleaning section" bash -c "head -1 '$work/out' | grep -q '청소 분야 10년째 1위'"
check "hit shows id#passage" grep -q "corpus/000_7c3d8639bd71687d.txt#" "$work/out"
check "no colour when not asked" bash -c "! grep -q $'\033' '$work/out'"
check "--color=always highlights the whole word" run 0 search --color=always 깔끔이봉사단
check "highlight escape around the compound" grep -q $'\033\[1;31m깔끔이봉사단\033\[0m' "$work/out"
# On a terminal (script(1) gives one) auto colours, unless NO_COLOR is set.
on_terminal() { script -qec "$*" /dev/null </dev/null >"$work/out" 2>&1; }
check "auto colours on a terminal" on_terminal "'$kosearch' search 깔끔이봉사단"
check "auto's colour is there" grep -q $'\033\[1;31m' "$work/out"
check "NO_COLOR wins over auto on a terminal" on_terminal "NO_COLOR=1 '$kosearch' search 깔끔이봉사단"
check "NO_COLOR's output has the hit" grep -q "깔끔이봉사단" "$work/out"
check "NO_COLOR's output has no colour" bash -c "! grep -q $'\033\[' '$work/out'"

check "no hits is exit 1" run 1 search 존재하지않는낱말입니다
check "a quote never closed is punctuation: its words still find" run 0 search --format json '"희망일자리 만들기'
check "a quote never closed finds the section" bash -c "head -1 '$work/out' | jq -e '.section | contains(\"희망일자리 만들기\")' >/dev/null"
check "syntax error is exit 2" run 2 search '청소 OR'
check "syntax error is one line on stderr" bash -c "[ \$(wc -l <'$work/err') -eq 1 ] && grep -q 'OR needs a word on both sides' '$work/err'"
check "only punctuation is exit 2" run 2 search '?!'

check "json output" run 0 search --format json --limit 3 구로구 청소
check "json lines parse and carry the schema" bash -c "jq -e 'has(\"rank\") and has(\"score\") and has(\"id\") and has(\"passage\") and has(\"title\") and has(\"section\") and has(\"text\") and has(\"snippet\") and (.highlights|type==\"array\")' '$work/out' >/dev/null"
check "json has at most 3 lines" bash -c "[ \$(wc -l <'$work/out') -le 3 ]"
check "highlights are byte ranges of matched words" bash -c "
    python3 - '$work/out' <<'PY'
import json, sys
for line in open(sys.argv[1], encoding='utf-8'):
    hit = json.loads(line)
    text = hit['text'].encode('utf-8')
    for start, end in hit['highlights']:
        word = text[start:end].decode('utf-8')
        assert '구로구' in word or '청소' in word, word
PY"

check "quoted phrase finds its section" run 0 search --format json '"희망일자리 만들기"'
check "phrase hit section" bash -c "head -1 '$work/out' | jq -e '.section | contains(\"희망일자리 만들기\")' >/dev/null"

check "analyze prints terms with spans" run 0 analyze 구로구는 깔끔이봉사단
check "analyze shows the stem" grep -qP "\tstem\t0-12\t구로구$" "$work/out"

printf '1\t깔끔이봉사단\n2\t희망구매\nbad\t청소 OR\n' >"$work/queries.tsv"
check "batch skips a bad line with exit 1" run 1 batch --format trec "$work/queries.tsv"
check "batch names the bad line" grep -q "queries.tsv:3: OR needs a word on both sides" "$work/err"
check "batch trec lines" bash -c "head -1 '$work/out' | grep -qE '^1 Q0 /.*/corpus/000_7c3d8639bd71687d.txt#[0-9]+ 1 [0-9.]+ kosearch$'"
check "batch keeps the input order with --jobs 2" bash -c "
    '$kosearch' batch --jobs 2 --format tsv '$work/queries.tsv' 2>/dev/null | cut -f1 | uniq | tr '\n' ' ' | grep -qx '1 2 '"

check "stats" run 0 stats
check "stats counts the article" grep -qE "^articles: +1$" "$work/out"

check "initials find the word" run 0 search --format json ㄲㄲㅇㅂㅅㄷ
check "initials hit" bash -c "head -1 '$work/out' | jq -e '.text | contains(\"깔끔이봉사단\")' >/dev/null"
check "initials mixed with a word" run 0 search ㄱㄹㄱ 청소
check "explain shows the words initials stand for" run 0 search --explain ㄲㄲㅇㅂㅅㄷ
check "explain names 깔끔이봉사단" grep -q "query: holds any of: ㄲㄲㅇㅂㅅㄷ; Xapian: Query(깔끔이봉사단)" "$work/err"
check "English-mode typing is searched in Hangul" run 0 search rnfhrn
check "says what it searched" grep -qx "kosearch: showing results for 구로구" "$work/err"
check "explain shows the converted query" run 0 search --explain qhdtkeks
check "explain of the converted query" grep -q "query became: .*봉사단" "$work/err"
check "a typo finding nothing gets a suggestion" run 1 search 깔끔이봉사댠
check "did you mean" grep -qx "kosearch: did you mean: 깔끔이봉사단" "$work/err"
check "--fuzzy searches the suggestion" run 0 search --fuzzy 깔끔이봉사댠
check "--fuzzy says so" grep -qx "kosearch: showing results for 깔끔이봉사단" "$work/err"
check "ordinary queries are not rewritten" run 0 search 구로구
check "no correction for them" bash -c "! grep -q 'showing results\|did you mean' '$work/err'"
check "a prefix finds its completions" run 0 search --format json '청소*'
check "prefix hits" bash -c "grep -q 청소분야 '$work/out' && grep -q 청소활동 '$work/out'"
check "suggest completes a prefix" run 0 suggest 깔끔
check "suggest lists the word with its passages" grep -qP "^깔끔이봉사단\t1$" "$work/out"
check "suggest without completions exits 1" run 1 suggest 없는말
printf '청결봉사 깔끔이봉사단\n외톨이\n# comment\n\n' >"$work/synonyms.txt"
check "synonyms skips a malformed line with exit 1" run 1 synonyms "$work/synonyms.txt"
check "synonyms names the malformed line" grep -q "synonyms.txt:2: a synonym group needs two words" "$work/err"
check "a synonym finds the other words" run 0 search 청결봉사
python3 -c "print('청결봉사 ' + '가' * 81); print('청결봉사 깔끔이봉사단')" >"$work/long_synonym.txt"
check "a synonym over 240 bytes: the line is skipped, exit 1" run 1 synonyms "$work/long_synonym.txt"
check "a synonym over 240 bytes: FILE:LINE named" \
    grep -qx "kosearch: $work/long_synonym.txt:1: a synonym is longer than 240 bytes" "$work/err"
check "a synonym over 240 bytes: the other lines are loaded" grep -qx "1 synonym group loaded" "$work/out"
check "synonym explained" run 0 search --explain 청결봉사
check "synonym in the explanation" grep -q "0.8.*깔끔이봉사단" "$work/err"
check "a rebuild keeps the synonyms" run 0 index -q --rebuild "$root/corpus"
check "the synonym still finds the other words" run 0 search 청결봉사
check "an empty synonyms file removes them" bash -c "'$kosearch' synonyms - </dev/null >/dev/null"
check "the synonym is gone" run 1 search 청결봉사

# A file rewritten within the same second at the same size is still a change:
# modification times are compared to the nanosecond.
mkdir "$work/same-second"
printf '보도자료\n\n구로구가 첫째 소식을 알렸다.\n' >"$work/same-second/a.txt"
touch -d '@1700000000.100000000' "$work/same-second/a.txt"
check "index a file" run 0 index -q --db "$work/same-second.db" "$work/same-second"
printf '보도자료\n\n구로구가 둘째 소식을 알렸다.\n' >"$work/same-second/a.txt"
touch -d '@1700000000.200000000' "$work/same-second/a.txt"
check "the same-size rewrite in the same second is reindexed" \
    run 0 index --db "$work/same-second.db" "$work/same-second"
check "it counts as updated" grep -q "0 added, 1 updated, 0 unchanged" "$work/err"
check "the new text is found" run 0 search --db "$work/same-second.db" 둘째

# An unchanged JSONL file is skipped whole, and --prune counts its articles
# as seen; once an article from it changes or moves, the next run reads it.
feeds="$work/feeds"
mkdir "$feeds"
printf '{"id": "feed-1", "body": "구로구 깔끔이봉사단 소식"}\n{"id": "feed-2", "body": "희망구매 추진"}\n' >"$feeds/a.jsonl"
printf '{"id": "feed-3", "body": "어린이급식관리지원센터 개소"}\n' >"$feeds/b.jsonl"
cp -p "$feeds/a.jsonl" "$work/a.jsonl.indexed"
check "index JSONL files" run 0 index --db "$work/feeds.db" "$feeds"
check "their articles are added" grep -q "3 added, 0 updated, 0 unchanged" "$work/err"
check "reindex them with --prune" run 0 index --prune --db "$work/feeds.db" "$feeds"
check "all unchanged, none removed" grep -q "0 added, 0 updated, 3 unchanged, 0 removed" "$work/err"
# Other text at the same size and time is not read: like a text file, a
# JSONL file is judged by its size and time.
printf '{"id": "feed-1", "body": "구로구 깨끗이봉사단 소식"}\n{"id": "feed-2", "body": "희망구매 추진"}\n' >"$feeds/a.jsonl"
touch -r "$work/a.jsonl.indexed" "$feeds/a.jsonl"
check "reindex after a same-size rewrite" run 0 index --db "$work/feeds.db" "$feeds"
check "the skipped file's text is the one indexed" run 0 search --db "$work/feeds.db" 깔끔이봉사단
cp -p "$work/a.jsonl.indexed" "$feeds/a.jsonl"
# feed-2 moves to b.jsonl while only b.jsonl is indexed, then leaves it:
# a.jsonl, unchanged on disk, must be read again, or --prune would remove
# an article it still holds.
printf '{"id": "feed-3", "body": "어린이급식관리지원센터 개소"}\n{"id": "feed-2", "body": "희망구매 추진 계획"}\n' >"$feeds/b.jsonl"
check "an article moves to another file" run 0 index --db "$work/feeds.db" "$feeds/b.jsonl"
check "it counts as updated there" grep -q "0 added, 1 updated, 1 unchanged, 0 removed" "$work/err"
printf '{"id": "feed-3", "body": "어린이급식관리지원센터 개소"}\n' >"$feeds/b.jsonl"
check "it leaves that file" run 0 index --prune --db "$work/feeds.db" "$feeds"
check "the file still holding it is read again" grep -q "0 added, 1 updated, 2 unchanged, 0 removed" "$work/err"
check "the article is kept, as that file has it" run 0 search --db "$work/feeds.db" --format json 희망구매
check "with that file's text" grep -q '"text":"희망구매 추진"' "$work/out"
# The same id in two files read in one run: the file read first keeps it,
# run after run (a.jsonl is skipped as unchanged, yet its line is named),
# and the other line is named as skipped, never flipping between them.
printf '{"id": "feed-3", "body": "어린이급식관리지원센터 개소"}\n{"id": "feed-2", "body": "희망구매 추진 계획"}\n' >"$feeds/b.jsonl"
for round in first second; do
    check "an id in two files: the $round run exits 1" \
        run 1 index --prune --db "$work/feeds.db" "$feeds"
    check "an id in two files: the $round run names both files and lines" grep -qF \
        "kosearch: $feeds/b.jsonl:2: duplicate id \"feed-2\" (first at $feeds/a.jsonl:2); skipped" \
        "$work/err"
    check "an id in two files: the $round run changes nothing" \
        grep -q "0 added, 0 updated, 3 unchanged, 0 removed, 1 skipped" "$work/err"
done
check "an id in two files: the first file's article is the one found" \
    run 0 search --db "$work/feeds.db" --format json 희망구매
check "an id in two files: with the first file's text" grep -q '"text":"희망구매 추진"' "$work/out"
printf '{"id": "feed-3", "body": "어린이급식관리지원센터 개소"}\n' >"$feeds/b.jsonl"
# A rebuild remembers the files too; a file with a bad line is read every
# time, so its problem is reported until it is fixed.
check "rebuild from JSONL" run 0 index -q --rebuild --db "$work/feeds.db" "$feeds"
printf '{"id": "feed-1", "body": "구로구 깨끗이봉사단 소식"}\n{"id": "feed-2", "body": "희망구매 추진"}\n' >"$feeds/a.jsonl"
touch -r "$work/a.jsonl.indexed" "$feeds/a.jsonl"
echo '{"id": "feed-4"}' >>"$feeds/b.jsonl"
check "reindex after the rebuild skips the bad line" run 1 index --db "$work/feeds.db" "$feeds"
check "the file rebuilt from is skipped" run 0 search --db "$work/feeds.db" 깔끔이봉사단
check "the bad line is reported again" run 1 index --db "$work/feeds.db" "$feeds"
check "naming its line" grep -q 'b.jsonl:2: missing "body"' "$work/err"

# A line deleted before a run without --prune: the next --prune reads the
# file again (the facts that run recorded do not vouch for the old articles)
# and removes its article.
drop="$work/drop"
mkdir "$drop"
printf '{"id": "drop-1", "body": "남는 기사 본문"}\n{"id": "drop-2", "body": "지워질줄 기사 본문"}\n' >"$drop/d.jsonl"
check "index a feed" run 0 index --prune --db "$work/drop.db" "$drop"
printf '{"id": "drop-1", "body": "남는 기사 본문"}\n' >"$drop/d.jsonl"
check "index it after a line is deleted, without --prune" run 0 index --db "$work/drop.db" "$drop"
check "then with --prune" run 0 index --prune --db "$work/drop.db" "$drop"
check "the deleted line's article is removed" grep -q "0 added, 0 updated, 1 unchanged, 1 removed" "$work/err"
check "and no longer found" run 1 search --db "$work/drop.db" 지워질줄
check "the next --prune skips the file again" run 0 index --prune --db "$work/drop.db" "$drop"
check "counting its article as unchanged" grep -q "0 added, 0 updated, 1 unchanged, 0 removed" "$work/err"

# --prune removes only articles of the files it is given: one read from stdin
# (no file behind it) stays.
echo '{"id": "stdin-1", "body": "표준입력으로 들어온 보도자료"}' >"$work/stdin.jsonl"
check "index an article from stdin" bash -c "'$kosearch' index -q - <'$work/stdin.jsonl'"
check "--prune over corpus/ succeeds" run 0 index -q --prune corpus/
check "the article from stdin survives --prune" run 0 search 표준입력
check "it is the one found" grep -q "stdin-1#1" "$work/out"

# What scripts lean on: counts, JSON stats, stdin, dates, fields, Markdown.
check "--count prints the number of matching passages" run 0 search --count 깔끔이봉사단
check "the count is a number" grep -qE '^[1-9][0-9]*$' "$work/out"
check "a limit beyond any number means all hits" run 0 search --limit 99999999999999999999999 깔끔이봉사단
check "--limit 0 is a usage error" run 2 search --limit 0 깔끔이봉사단
check "--sort takes relevance or date only" run 2 search --sort newest 깔끔이봉사단
check "a bad --since is an error naming it" run 2 search --since 2015-13 깔끔이봉사단
check "the bad date is named" grep -q "'2015-13'" "$work/err"
check "a bad date: range is a query error" run 2 search 'date:2015-99' 깔끔이봉사단
check "stats --format json" run 0 stats --format json
check "stats JSON carries the counts" jq -e '.articles >= 1 and .passages >= 1 and .index_format >= 9' "$work/out"
check "analyze - reads stdin" bash -c "echo 구로구는 | '$kosearch' analyze - | grep -q 'stem.*구로구$'"
printf 'id,title,date,body\n1,제목,2015-01-09,본문\n' >"$work/articles.csv"
check "a .csv is refused" run 1 index "$work/articles.csv"
check "naming the JSON Lines form" grep -q 'CSV is not read.*JSON Lines' "$work/err"
printf '# 마크다운 제목\n\n## 첫째 절\n\n마크다운 본문의 낱말입니다.\n' >"$work/note.md"
check "index a Markdown file" run 0 index "$work/note.md"
check "its # line is the title" run 0 search --format json 'title:마크다운'
check "and its ## line the section" jq -e '.title == "마크다운 제목" and .section == "첫째 절"' "$work/out"
check "show the Markdown article" run 0 show "$work/note.md"
check "show prints passage 1 with its section" grep -q '^\[1\] 첫째 절$' "$work/out"
check "remove it" run 0 remove "$work/note.md"
check "it is gone" run 1 search 'title:마크다운'
check "removing it again names it" run 1 remove "$work/note.md"
check "batch takes the search filters" bash -c "echo 깔끔이봉사단 | '$kosearch' batch --fuzzy --sort date --offset 0 --until 2030 >/dev/null"

finish
