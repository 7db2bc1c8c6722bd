#!/bin/bash
# Keyword queries over the 644 Wikinews articles of ../shared/data: 청소
# (cleaning) must not fill its top 10 with 청소년 (youth), and a passage
# writing both words of 구로구 청사 in Hanja outranks those holding one
# (passages holding every keyword come first).
# Exits 77 (skip) without the data.
# Usage: keyword_news_test.sh PATH/TO/kosearch
set -u
kosearch=$1
csv="${KOSEARCH_SHARED_DATA:-}/news/wikinews.csv"
[ -f "$csv" ] || { echo "skipped: $csv not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KOSEARCH_DB="$work/db"
. "$(dirname "$0")/lib.sh"

python3 - "$csv" >"$work/news.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], encoding="utf-8", newline="") as rows:
    for n, row in enumerate(csv.DictReader(rows)):
        print(json.dumps({"id": f"wn-{n}", "title": row["제목"], "body": row["내용"]},
                         ensure_ascii=False))
    # The Hanja article: both words written only in Hanja.
    print(json.dumps({"id": "hanja", "title": "소식",
                      "body": "九老區 廳舍 앞에서 주민 행사가 열렸다."}, ensure_ascii=False))
PY
"$kosearch" index --quiet - <"$work/news.jsonl" || { echo "cannot index" >&2; exit 1; }

# Top-10 passages of 청소 that write 청소년 but no other 청소.
youth_only() {
    "$kosearch" search --format json 청소 |
        jq -c '.text + " " | [scan("청소.")] | map(select(. != "청소년")) | length' | grep -cx 0
}
check "청소 finds passages" bash -c "'$kosearch' search 청소 >/dev/null"
check "청소's top 10 holds no passage that writes only 청소년" [ "$(youth_only)" -eq 0 ]
check "청소년 still finds 청소년" bash -c "'$kosearch' search --format json 청소년 | grep -qF 청소년"
check "구로구 청사 ranks the Hanja article first" \
    bash -c "'$kosearch' search --format json --limit 1 구로구 청사 | jq -e '.id == \"hanja\"' >/dev/null"
finish
