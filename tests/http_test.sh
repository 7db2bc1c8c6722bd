#!/bin/bash
# kosearch http as a client meets it: status codes, the JSON it answers,
# UTF-8, refusals, 100 requests at once, a database that changes or goes
# away under it, and a clean stop. Servers listen on 127.0.0.1 only, on a
# port the system picks.
# Usage: http_test.sh PATH/TO/kosearch SOURCE_ROOT
set -u
kosearch=$1
root=$2
work=$(mktemp -d)
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
export KOSEARCH_DB="$work/db"

. "$(dirname "$0")/lib.sh"

for tool in curl jq; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is not installed"
        exit 77
    fi
done

# start_server NAME ARGS...: starts kosearch http on a free loopback port;
# sets $pid and $base (http://127.0.0.1:PORT). Its stderr is $work/NAME.log.
start_server() {
    local name=$1
    shift
    "$kosearch" http --host 127.0.0.1 --port 0 --threads 4 "$@" 2>"$work/$name.log" &
    pid=$!
    servers+=("$pid")
    for _ in $(seq 300); do # 30 s: slow under the sanitizers on a busy machine
        grep -q "listening on" "$work/$name.log" && break
        sleep 0.1
    done
    base=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$work/$name.log")
    [ -n "$base" ]
}

# get NAME PATH [CURL ARGS...]: requests PATH; the body goes to $work/NAME,
# the headers to $work/NAME.head, the status to $work/NAME.status.
get() {
    local name=$1 path=$2
    shift 2
    curl -s -o "$work/$name" -D "$work/$name.head" -w '%{http_code}' "$@" "$base$path" \
        >"$work/$name.status"
}
status_is() { [ "$(cat "$work/$1.status")" = "$2" ]; }        # status_is NAME CODE
json_true() { jq -e "$2" "$work/$1" >/dev/null 2>&1; }         # json_true NAME FILTER
header_has() { grep -qi -- "$2" "$work/$1.head"; }             # header_has NAME TEXT
# error_is NAME CODE TEXT: a JSON error with that status naming TEXT
error_is() {
    status_is "$1" "$2" && json_true "$1" ".status == $2 and (.error | contains(\"$3\"))"
}

cd "$root"
check "http --help exits 0" "$kosearch" http --help >/dev/null
check "http --help names the API" sh -c "'$kosearch' http --help | grep -q 'GET /search'"
"$kosearch" http --port 99999 2>"$work/usage.err"
check "a bad --port is a usage error" [ $? -eq 2 ]
"$kosearch" http --port 0 2>"$work/nodb.err"
check "no database: exit 2" [ $? -eq 2 ]
check "no database: the message names it" contains "$work/nodb.err" "no database at $work/db"

"$kosearch" index corpus/ tests/data/articles.jsonl >/dev/null 2>&1
# An article whose fields would run as script if the page did not escape them.
echo '{"id":"x<b>1</b>","title":"<script>alert(1)</script> 위험한제목","url":"javascript:alert(1)","body":"위험한제목 <img src=x onerror=alert(1)> 본문"}' \
    | "$kosearch" index - >/dev/null 2>&1
check "the server starts on a loopback port" start_server main
main_pid=$pid
"$kosearch" http --host 127.0.0.1 --port "${base##*:}" 2>"$work/busy.err"
check "a port in use: exit 2" [ $? -eq 2 ]
check "a port in use: the message names it" contains "$work/busy.err" "cannot listen on 127.0.0.1 port ${base##*:}"

get health /health
check "/health is 200" status_is health 200
check "/health says ok" json_true health '.status == "ok" and .passages > 0'
check "JSON is served as UTF-8 JSON" header_has health 'Content-Type: application/json; charset=utf-8'
check "no CORS header by default" sh -c "! grep -qi 'Access-Control-Allow-Origin' '$work/health.head'"

get search '/search?q=%EA%B9%94%EB%81%94%EC%9D%B4%EB%B4%89%EC%82%AC%EB%8B%A8'
check "/search is 200" status_is search 200
check "/search has query, total and hits" \
    json_true search '.query == "깔끔이봉사단" and (.total | type) == "number" and .total >= 2 and (.hits | length) >= 2'
check "Korean comes back as UTF-8, not escaped" contains "$work/search" '"query":"깔끔이봉사단"'
check "the cleaning section is among the hits" json_true search 'any(.hits[]; .section == "청소 분야 10년째 1위")'
check "a hit has every field of search --format json" json_true search \
    '.hits[0] | keys == ["date","highlights","id","passage","rank","score","section","snippet","snippet_highlights","text","title","url"]'
"$kosearch" search --format json 깔끔이봉사단 | jq -c . >"$work/cli.jsonl"
jq -c '.hits[]' "$work/search" >"$work/http.jsonl"
check "hits are exactly what search --format json writes" cmp -s "$work/cli.jsonl" "$work/http.jsonl"
check "no corrections when the query finds enough" json_true search 'has("corrected") or has("suggestion") | not'

get page2 '/search?q=%EA%B9%94%EB%81%94%EC%9D%B4%EB%B4%89%EC%82%AC%EB%8B%A8&limit=1&offset=1'
check "limit and offset page through the hits" json_true page2 '(.hits | length) == 1 and .hits[0].rank == 2'
check "the page's hit is the second of the whole list" \
    sh -c "[ \"\$(jq -c '.hits[0].id' '$work/page2')\" = \"\$(jq -c '.hits[1].id' '$work/search')\" ]"
get corrected '/search?q=rnfhrn'
check "a query typed in the wrong keyboard mode is corrected" json_true corrected '.corrected == "구로구" and .total > 0'
get suggested '/search?q=%EA%B5%AC%EB%A1%9C%EA%B3%A0'
check "a near miss gets a suggestion" json_true suggested '.suggestion == "구로구"'
get filters '/search?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC&since=2015&until=2015-12-31&sort=date&fuzzy=1'
check "since, until, sort and fuzzy are accepted" status_is filters 200
check "the 2015 window finds the article dated 2015-01-09" json_true filters '.total > 0 and (.hits[0].date | startswith("2015-01-09"))'
get later '/search?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC&since=2016'
check "since=2016 leaves the 2015 article out" json_true later '.total == 0 and (.hits | length) == 0'

get suggest '/suggest?q=%EA%B9%94%EB%81%94'
check "/suggest completes a prefix" json_true suggest '.query == "깔끔" and .completions[0].word == "깔끔이봉사단" and .completions[0].passages >= 1'
get stats /stats
passages=$("$kosearch" stats | sed -n 's/^passages: *//p')
check "/stats counts what stats counts" json_true stats ".passages == $passages and .articles > 0 and .index_format > 0"

get page /
check "/ is the search page" status_is page 200
check "the page is HTML in UTF-8" header_has page 'Content-Type: text/html; charset=utf-8'
check "the page has a search form" contains "$work/page" '<input type="search" name="q"'
check "the page may only talk to this server" header_has page "connect-src 'self'"
get page_search '/?q=%EA%B9%94%EB%81%94%EC%9D%B4%EB%B4%89%EC%82%AC%EB%8B%A8'
check "the page searches on the server (no script needed)" \
    contains "$work/page_search" '<mark>깔끔이봉사단</mark>'
check "a hit reads title › section" \
    contains "$work/page_search" '구로구, 서울시 8개 부문 최우수상 수상 <span class="section">› 청소 분야 10년째 1위</span>'
check "the search box keeps the query" contains "$work/page_search" 'value="깔끔이봉사단"'
check "the page title names the query" contains "$work/page_search" '<title>깔끔이봉사단 - kosearch'
get page_hostile '/?q=%EC%9C%84%ED%97%98%ED%95%9C%EC%A0%9C%EB%AA%A9'
check "titles are escaped" contains "$work/page_hostile" '&lt;script&gt;alert(1)&lt;/script&gt;'
check "snippets are escaped" contains "$work/page_hostile" '&lt;img src=x onerror=alert(1)&gt;'
check "ids are escaped" contains "$work/page_hostile" 'x&lt;b&gt;1&lt;/b&gt;'
check "no markup from an article gets through" lacks "$work/page_hostile" '<script>alert'
check "a javascript: url is not made a link" lacks "$work/page_hostile" 'href="javascript:'
get page_corrected '/?q=rnfhrn&sort=date'
check "the page links to the query it searched instead" contains "$work/page_corrected" \
    '다음 검색 결과 표시: <a href="/?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC&amp;sort=date">구로구</a>'
get page_suggested '/?q=%EA%B5%AC%EB%A1%9C%EA%B3%A0'
check "the page offers 'did you mean' as a link" contains "$work/page_suggested" \
    '이것을 찾으셨나요? <a href="/?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC">구로구</a>'
# 19 passages of the 2015 article hold 구로구: pages of 5, the second one.
get page_paged '/?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC&offset=5&limit=5&since=2015&fuzzy=1'
check "the page links to the next page with the same filters" contains "$work/page_paged" \
    'href="/?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC&amp;since=2015&amp;fuzzy=1&amp;limit=5&amp;offset=10"'
check "the page links back to the first page" contains "$work/page_paged" \
    '<a href="/?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC&amp;since=2015&amp;fuzzy=1&amp;limit=5">‹ 이전</a>'
check "the page counts from the offset" contains "$work/page_paged" '중 6–'
check "the filters keep their values" sh -c "grep -qF 'value=\"2015\"' '$work/page_paged' && grep -qF 'value=\"1\" checked' '$work/page_paged'"
get page_bad '/?q=a&limit=0'
check "a refused search shows its reason on the page, with its status" \
    sh -c "[ \"\$(cat '$work/page_bad.status')\" = 400 ] && grep -q '검색하지 못했습니다: limit must be' '$work/page_bad'"
get head / --head
check "HEAD / is 200" status_is head 200
check "HEAD / answers without a body" lacks "$work/head" "<form"

# Refusals: JSON with the status, naming what was wrong.
get bad_utf8 '/search?q=%FF%FE'
check "invalid UTF-8 is 400" error_is bad_utf8 400 "not valid UTF-8"
get nul '/search?q=a%00b'
check "a NUL byte is 400" error_is nul 400 "'q'"
get no_query '/search'
check "a search without q is 400" error_is no_query 400 "missing query"
get blank_query '/search?q=+++'
check "a blank q is 400" error_is blank_query 400 "missing query"
get syntax '/search?q=%EC%B2%AD%EC%86%8C+OR'
check "a query syntax error is 400 with the reason" error_is syntax 400 "OR needs a word"
get limit0 '/search?q=a&limit=0'
check "limit=0 is 400" error_is limit0 400 "limit must be"
get limit_big '/search?q=a&limit=101'
check "limit=101 is 400" error_is limit_big 400 "limit must be"
get offset_neg '/search?q=a&offset=-1'
check "offset=-1 is 400" error_is offset_neg 400 "offset must be"
get fuzzy_bad '/search?q=a&fuzzy=maybe'
check "fuzzy=maybe is 400" error_is fuzzy_bad 400 "fuzzy must be"
get month13 '/search?q=a&since=2015-13'
check "since=2015-13 is 400" error_is month13 400 "since must be a date"
get feb30 '/search?q=a&until=2015-02-30'
check "until=2015-02-30 is 400" error_is feb30 400 "until must be a date"
get leap '/search?q=a&until=2016-02-29'
check "until=2016-02-29 is a date" status_is leap 200
get backwards '/search?q=a&since=2016&until=2015-12'
check "since after until is 400" error_is backwards 400 "is after until"
get sort_bad '/search?q=a&sort=newest'
check "sort=newest is 400" error_is sort_bad 400 "sort must be relevance or date"
get unknown_param '/search?q=a&lmit=3'
check "an unknown parameter is 400" error_is unknown_param 400 "unknown parameter 'lmit'"
get no_path /nowhere
check "an unknown path is 404" error_is no_path 404 "/nowhere"
get post /search -X POST --data 'q=a'
check "POST is 405" error_is post 405 "POST"
check "405 says which methods are allowed" header_has post 'Allow: GET, HEAD'
get body '/search?q=a' -X GET --data 'q=a'
check "a GET with a body is 413" error_is body 413 "no body"
get long_query "/search?q=$(head -c 5000 /dev/zero | tr '\0' a)"
check "a 5 kB query is 414" error_is long_query 414 "at most 4096"
# 깔끔이봉사단 (18 bytes) padded with spaces to 4095 bytes: the longest query the
# server takes (the library's own cap counts terms, and this one has few).
get longest_query "/search?q=%EA%B9%94%EB%81%94%EC%9D%B4%EB%B4%89%EC%82%AC%EB%8B%A8$(for _ in $(seq 4077); do printf '%%20'; done)"
check "a 4095-byte query, percent-encoded, is searched" status_is longest_query 200
get many_terms "/search?q=$(for _ in $(seq 1365); do printf '%%EA%%B0%%80'; done)"
check "a 4095-byte word over the library's term cap is a 400 naming the cap" \
    error_is many_terms 400 "more than 1000 terms"
# A 1 MB query does not fit in the request line limit: refused before it is read whole.
printf 'GET /search?q=' >"$work/huge.request"
head -c 1048576 /dev/zero | tr '\0' a >>"$work/huge.request"
printf ' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >>"$work/huge.request"
port=${base##*:}
timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat '$work/huge.request' >&3 2>/dev/null; head -1 <&3" \
    >"$work/huge.response" 2>/dev/null
check "a 1 MB query is refused with 414" contains "$work/huge.response" "HTTP/1.1 414"
get after_huge /health
check "the server answers after a 1 MB query" status_is after_huge 200

# 100 requests at once, on 100 connections.
for i in $(seq 100); do
    echo "url = \"$base/search?q=%EA%B5%AC%EB%A1%9C%EA%B5%AC&limit=$((i % 10 + 1))\""
    echo "output = \"$work/concurrent.$i\""
done >"$work/concurrent.curl"
curl -s --parallel --parallel-immediate --parallel-max 100 -w '%{http_code}\n' \
    -K "$work/concurrent.curl" >"$work/concurrent.codes"
check "100 concurrent requests all answered 200" \
    sh -c "[ \$(grep -c '^200\$' '$work/concurrent.codes') -eq 100 ]"
check "100 concurrent answers are whole JSON with their own limit" sh -c "
    for i in \$(seq 100); do
        jq -e \".hits | length == \$((i % 10 + 1))\" '$work/concurrent.'\$i >/dev/null || exit 1
    done"

# An indexer commits: the next searches see the new article.
get before '/search?q=%EC%83%88%EC%86%8C%EC%8B%9D%EB%B3%B4%EB%8F%84'
check "a word not yet indexed finds nothing" json_true before '.total == 0'
echo '{"id":"new1","title":"새 기사","body":"새소식보도 한 건이 들어왔다."}' \
    | "$kosearch" index - >/dev/null 2>&1
for i in 1 2 3 4 5 6; do get "after$i" '/search?q=%EC%83%88%EC%86%8C%EC%8B%9D%EB%B3%B4%EB%8F%84'; done
check "after a commit every thread finds the new article" sh -c "
    for i in 1 2 3 4 5 6; do jq -e '.total == 1' '$work/after'\$i >/dev/null || exit 1; done"

# The database goes away, then comes back.
mv "$work/db" "$work/db.away"
get gone '/search?q=a'
check "a missing database is 503" error_is gone 503 "database unavailable"
get gone_health /health
check "/health is 503 without a database" status_is gone_health 503
mv "$work/db.away" "$work/db"
get back /health
check "the database is found again" status_is back 200

check "one access log line per request" \
    grep -qE '^127\.0\.0\.1 - - \[[^]]+\] "GET /search\?q=rnfhrn" 200 [0-9]+ [0-9.]+ms$' "$work/main.log"
check "the log shows refusals too" grep -qF '"POST /search" 405' "$work/main.log"
kill -TERM "$main_pid"
wait "$main_pid"
check "SIGTERM stops the server with status 0" [ $? -eq 0 ]

# A sharded database: commits land in each shard's own files.
"$kosearch" index --db "$work/sharded" --shards 2 corpus/ >/dev/null 2>&1
check "a server of a sharded database starts" start_server sharded --quiet --db "$work/sharded"
sharded_pid=$pid
get sharded_before '/search?q=%EC%83%88%EC%86%8C%EC%8B%9D%EB%B3%B4%EB%8F%84'
for i in 1 2 3 4 5 6; do echo "{\"id\":\"s$i\",\"body\":\"새소식보도 $i\"}"; done \
    | "$kosearch" index --db "$work/sharded" - >/dev/null 2>&1
for i in 1 2 3 4; do get "sharded$i" '/search?q=%EC%83%88%EC%86%8C%EC%8B%9D%EB%B3%B4%EB%8F%84'; done
check "a commit to the shards is seen by every thread" sh -c "jq -e '.total == 0' '$work/sharded_before' >/dev/null &&
    for i in 1 2 3 4; do jq -e '.total == 6' '$work/sharded'\$i >/dev/null || exit 1; done"
kill "$sharded_pid"
wait "$sharded_pid"

check "a quiet server with CORS starts" start_server cors --quiet --cors https://news.example
cors_pid=$pid
get cors /health -H 'Origin: https://news.example'
check "--cors allows that origin" header_has cors 'Access-Control-Allow-Origin: https://news.example'
get preflight /search -X OPTIONS -H 'Origin: https://news.example' -H 'Access-Control-Request-Method: GET'
check "a CORS preflight is 204" status_is preflight 204
check "the preflight allows GET" header_has preflight 'Access-Control-Allow-Methods: GET'
kill -INT "$cors_pid"
wait "$cors_pid"
check "SIGINT stops the server with status 0" [ $? -eq 0 ]
check "--quiet writes no access log" sh -c "! grep -q 'GET /health' '$work/cors.log'"

finish
