#!/bin/bash
# Hostile input through the kosearch command: broken and odd files, bad
# JSONL, absurd queries and unusable databases. Each must give a clear
# message and the documented exit status, never a crash, and must not stop
# the good inputs beside it from being indexed.
# Usage: hostile_test.sh PATH/TO/kosearch PATH/TO/put_article
set -u
kosearch=$1
put_article=$2
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
unset KOSEARCH_DB NO_COLOR
export LC_ALL=C.UTF-8
cd "$work" || exit 2

skip() { echo "skipped: $*"; }

# ------------------------------------------------------------------------
# Odd files in one folder.
mkdir in
printf '구로구 청소 기사\n\n구로구는 서울시 평가에서 청소 분야 1위를 차지했다.\n' >in/good.txt
# Invalid UTF-8 at byte 28: the title line and "본문 " take 28 bytes.
printf '잘못된 바이트\n\n본문 \xff\xfe 계속되는 글\n' >in/bad_utf8.txt
printf '널 바이트\n\n본문\x00계속\n' >in/nul.txt
# Cut in the middle of its last character (절 is EC A0 88): bytes 44 and 45.
printf '잘린 파일\n\n중간에잘린 마지막 글\xec\xa0' >in/cut.txt
python3 -c "
import sys
sys.stdout.buffer.write('한글 완성형 기사\n\n똠방각하 구로구청장은 완성형으로 적힌 보도자료를 냈다.\n'.encode('cp949'))
" >in/cp949.txt
printf '\xef\xbb\xbf보마크 기사\n\n보마크 뒤의 본문입니다.\n' >in/bom.txt
printf '개행 기사\r\n\r\n씨알엘에프 첫 문단입니다.\r\n\r\n씨알엘에프 둘째 문단입니다.\r\n' >in/crlf.txt
python3 -c "
import sys
sys.stdout.buffer.write(b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + bytes(range(256)) * 8)
" >in/image.txt
: >in/empty.txt
printf '읽을 수 없는 기사\n\n비밀스러운 본문\n' >in/unreadable.txt
chmod 000 in/unreadable.txt
mkdir in/sub
printf '하위 폴더 기사\n\n하위폴더에만 있는 낱말.\n' >in/sub/deep.txt
ln -s .. in/sub/up         # a folder loop
ln -s self.txt in/self.txt # a link to itself

check "odd files: index exits 1 (some skipped)" run 1 index --db db in
check "invalid UTF-8 named with its file and bytes" has \
    "kosearch: in/bad_utf8.txt: byte 28: invalid UTF-8: 2 bytes (at 28, 29) replaced with U+FFFD; the rest is indexed"
check "a file cut inside a character named with its bytes" has \
    "kosearch: in/cut.txt: byte 44: invalid UTF-8: 2 bytes (at 44, 45) replaced with U+FFFD"
check "NUL byte named with its file and byte" has "kosearch: in/nul.txt: byte 21: binary file (NUL byte)"
check "binary file named" has "kosearch: in/image.txt: byte 8: binary file (NUL byte)"
check "empty file named" has "kosearch: in/empty.txt: empty file"
check "folder loop named and left" has "in/sub/up: symbolic link loop"
check "self-link named" has "kosearch: in/self.txt: cannot read: Too many levels of symbolic links"
if [ "$(id -u)" -eq 0 ]; then
    skip "unreadable file: running as root, which reads any file"
else
    check "unreadable file named" has "kosearch: in/unreadable.txt: cannot read: Permission denied"
fi
if [ "$(id -u)" -eq 0 ]; then
    check "summary counts the good files" has "kosearch: 8 added, 0 updated, 0 unchanged, 0 removed, 7 skipped"
else
    check "summary counts the good files" has "kosearch: 7 added, 0 updated, 0 unchanged, 0 removed, 8 skipped"
fi
check "the good file is searchable" finds db 청소 in/good.txt
check "CP949 file searchable by its Korean words" finds db 똠방각하 in/cp949.txt
check "file in a subfolder indexed once despite the loop" \
    bash -c "'$kosearch' export --db db | grep -c '\"id\":\"$(pwd -P)/in/sub/deep.txt\"' | grep -qx 1"
check "UTF-8 with BOM searchable" finds db 보마크 in/bom.txt
check "BOM is not part of the title" bash -c "
    '$kosearch' search --db db --format json 보마크 | head -1 | jq -e '.title == \"보마크 기사\"' >/dev/null"
check "CRLF file searchable" finds db 씨알엘에프 in/crlf.txt
check "CRLF: paragraphs split, no CR kept" bash -c "
    '$kosearch' export --db db | jq -s -e '[.[] | select(.id == \"$(pwd -P)/in/crlf.txt\")] |
        length == 2 and all(.text | contains(\"\r\") | not)' >/dev/null"
check "the rest of a file with invalid UTF-8 is searchable" finds db 계속되는 in/bad_utf8.txt
check "the rest of a file cut inside a character is searchable" finds db 중간에잘린 in/cut.txt

# ------------------------------------------------------------------------
# A 50 MB file on one line: indexed, its first and last words findable.
python3 - <<'PY'
chunk = ' '.join(f'구로구{i % 97} 청소 분야 주민 참여가 늘었다.' for i in range(20000)) + ' '
size = 50 * 1024 * 1024
with open('huge.txt', 'w', encoding='utf-8') as out:
    out.write('첫머리유일낱말 ')
    written = 0
    while written < size:
        out.write(chunk)
        written += len(chunk.encode())
    out.write('대단원마무리낱말\n')
PY
check "50 MB single-line file is at least 50 MB" [ "$(stat -c %s huge.txt)" -ge 52428800 ]
check "50 MB single-line file indexes" run 0 index --db bigdb huge.txt
check "its first word is findable" finds bigdb 첫머리유일낱말 huge.txt
check "its last word is findable" finds bigdb 대단원마무리낱말 huge.txt
rm -f huge.txt

# ------------------------------------------------------------------------
# JSON Lines with bad records.
cat >articles.jsonl <<'EOF'
{"id": "j1", "title": "첫 기사", "body": "제이슨 첫째 본문은 원본이다"}
not json at all
{"id": "j2", "body": "끝나지 않은 줄
{"title": "아이디 없음", "body": "아이디 없는 본문"}
{"id": "j3", "title": "본문 없음"}
{"id": "j1", "body": "중복된 아이디의 본문은 버려진다"}
{"id": 7, "body": "정수 아이디 본문"}
{"id": ["x"], "body": "배열 아이디"}
{"id": "j4", "body": "   "}
EOF
check "bad JSONL lines: exit 1" run 1 index --db jdb articles.jsonl
check "malformed line named by number" has "kosearch: articles.jsonl:2: invalid JSON"
check "unterminated line named" has "kosearch: articles.jsonl:3: invalid JSON"
check "missing id named" has 'kosearch: articles.jsonl:4: missing "id"'
check "missing body named" has 'kosearch: articles.jsonl:5: missing "body"'
check "duplicate id named with the first line" has 'kosearch: articles.jsonl:6: duplicate id "j1" (first at line 1)'
check "id of the wrong type named" has 'kosearch: articles.jsonl:8: "id" must be a string or an integer'
check "blank body named" has 'kosearch: articles.jsonl:9: "body" is empty'
check "summary: 2 added, 7 skipped" has "kosearch: 2 added, 0 updated, 0 unchanged, 0 removed, 7 skipped"
check "the first of duplicate ids is kept" finds jdb 원본 j1
check "the duplicate's body is not indexed (no hits, exit 1)" run 1 search --db jdb 버려진다
check "integer id indexed" finds jdb 정수 7
printf '{"id": "s1", "body": "표준입력 \xff 본문"}\n{"id": "s2", "body": "표준입력 둘째"}\n' >stdin.jsonl
check "invalid UTF-8 on stdin: exit 1" bash -c "'$kosearch' index --db jdb - <stdin.jsonl 2>err; [ \$? -eq 1 ]"
check "stdin line and byte named" has "kosearch: -:1: invalid UTF-8 at byte 35"

# ------------------------------------------------------------------------
# --prune never removes the articles of an input that is only briefly bad:
# a file that cannot be read, a folder that cannot be listed, one byte that
# makes a text file binary, one malformed JSONL line.
mkdir pr pr/sub
printf '머무는 기사\n\n잠시읽을수없는 본문\n' >pr/gone_for_now.txt
printf '하위 기사\n\n하위폴더잠깐 본문\n' >pr/sub/inner.txt
printf '바이트 기사\n\n널바이트잠깐 본문\n' >pr/nul_for_now.txt
printf '{"id": "p1", "body": "줄하나잘못 첫째"}\n{"id": "p2", "body": "줄하나잘못 둘째"}\n' >pr/feed.jsonl
"$kosearch" index -q --db prdb pr
mv pr/gone_for_now.txt gone.keep
ln -s "$work/nowhere.txt" pr/gone_for_now.txt      # a link whose target is away
printf '바이트 기사\n\n널바이트잠깐\000본문\n' >pr/nul_for_now.txt
printf '{"id": "p1", "body": "줄하나잘못 첫째"}\n{"id": "p2", "body": "줄하나잘못 둘째\n' >pr/feed.jsonl
if [ "$(id -u)" -ne 0 ]; then chmod 000 pr/sub; fi
check "briefly bad inputs: --prune exits 1" run 1 index --prune --db prdb pr
check "--prune removes nothing named as a problem" has "0 removed"
check "--prune says what it kept" has "kosearch: --prune kept 3 articles of the inputs named above"
check "the unreadable file's article stays" finds prdb 잠시읽을수없는 pr/gone_for_now.txt
check "the binary-for-now file's article stays" finds prdb 널바이트잠깐 pr/nul_for_now.txt
check "the JSONL file's articles stay" finds prdb 줄하나잘못 p2
if [ "$(id -u)" -ne 0 ]; then
    check "the unreadable folder's article stays" finds prdb 하위폴더잠깐 pr/sub/inner.txt
    chmod 755 pr/sub
else
    skip "unreadable folder: running as root, who reads any folder"
    rm -r pr/sub   # gone for good: pruned next time
    mkdir pr/sub
fi

# A file name that is not UTF-8 names one article, kept by --prune and
# found unchanged by the next run.
mkdir latin1
printf '라틴 기사\n\n이름이상한파일 본문\n' >"latin1/caf$(printf '\351').txt"
"$kosearch" index -q --db l1db latin1
check "non-UTF-8 file name: --prune succeeds" run 0 index --prune --db l1db latin1
check "non-UTF-8 file name: --prune keeps it" has "0 added, 0 updated, 1 unchanged, 0 removed"
check "non-UTF-8 file name: the next run finds it unchanged" run 0 index --db l1db latin1
check "non-UTF-8 file name: not added again" has "0 added, 0 updated, 1 unchanged, 0 removed"

# One file is one article however its path is written: dir/, ./dir and
# /abs/dir name the same two articles, and --prune from inside the folder
# keeps them.
here=$(pwd -P)
ids() { "$kosearch" export --db "$1" 2>/dev/null | jq -r .id | sort -u | tr '\n' ' '; }
mkdir sp
printf '철자 기사\n\n한파일한기사 본문\n' >sp/a.txt
printf '둘째 철자 기사\n\n두번째철자 본문\n' >sp/b.txt
check "spellings: index dir/" run 0 index --db spdb sp/
check "spellings: ./dir adds nothing" run 0 index --db spdb ./sp
check "spellings: ./dir finds both unchanged" has "0 added, 0 updated, 2 unchanged, 0 removed"
check "spellings: the absolute path adds nothing" run 0 index --db spdb "$work/sp"
check "spellings: the absolute path finds both unchanged" has "0 added, 0 updated, 2 unchanged"
check "spellings: --prune . from inside the folder" \
    bash -c "cd sp && '$kosearch' index --prune --db ../spdb . 2>'$work/err'"
check "spellings: --prune . removes nothing" has "0 added, 0 updated, 2 unchanged, 0 removed"
check "spellings: one article per file, named by its absolute path" \
    [ "$(ids spdb)" = "$here/sp/a.txt $here/sp/b.txt " ]
check "spellings: messages name a file as its PATH was written" \
    bash -c "printf '\\000' >sp/c.txt; '$kosearch' index --db spdb ./sp/ 2>&1 | grep -q '^kosearch: ./sp/c.txt: byte 0: binary'; rm sp/c.txt"
# A database that holds files under the spellings an older kosearch kept
# (the path as written): the same command replaces its own spelling, and
# --prune removes the others.
"$put_article" olddb sp/a.txt sp/a.txt
"$put_article" olddb ./sp/b.txt sp/b.txt
check "older spellings: the same command replaces its spelling" run 0 index --db olddb sp/
check "older spellings: the replaced one counted as updated" has "1 added, 1 updated, 0 unchanged"
check "older spellings: ./sp/b.txt is still there" \
    [ "$(ids olddb)" = "./sp/b.txt $here/sp/a.txt $here/sp/b.txt " ]
check "older spellings: --prune removes the rest" run 0 index --prune --db olddb ./sp
check "older spellings: one removed" has "0 added, 0 updated, 2 unchanged, 1 removed"
check "older spellings: one article per file" \
    [ "$(ids olddb)" = "$here/sp/a.txt $here/sp/b.txt " ]

# Symbolic links that lead out of the named folder are not followed unless
# --follow is given; links inside it are.
mkdir shared secret shared/inner
printf '비밀 파일\n\n바깥비밀낱말 본문\n' >secret/shadow.txt
printf '안쪽 기사\n\n안쪽공개낱말 본문\n' >shared/inner/a.txt
ln -s "$work/secret/shadow.txt" shared/leak.txt
ln -s ../secret shared/outdir
ln -s inner/a.txt shared/alias.txt
check "links out of the folder: index succeeds" run 0 index --db linkdb shared
check "a file linked from outside is not indexed" bash -c "! '$kosearch' search --db linkdb 바깥비밀낱말 >/dev/null 2>&1"
check "a link inside the folder is followed" finds linkdb 안쪽공개낱말 shared/alias.txt
check "--follow: index succeeds" run 0 index --follow --db linkdb shared
check "--follow indexes the linked file" finds linkdb 바깥비밀낱말 shared/leak.txt
check "--follow indexes the linked folder" finds linkdb 바깥비밀낱말 shared/outdir/shadow.txt
check "--prune without --follow removes what links brought in" run 0 index --prune --db linkdb shared
check "both linked articles removed" has "0 added, 0 updated, 2 unchanged, 2 removed"
check "index --help names --follow" bash -c "'$kosearch' index --help | grep -q -- '--follow'"

# ------------------------------------------------------------------------
# Queries a user may type by mistake: one line on stderr and exit 2, or hits.
bad_query() { # bad_query DESCRIPTION MESSAGE QUERY...
    local description=$1 message=$2
    shift 2
    check "$description: exit 2" run 2 search --db db "$@"
    check "$description: one line saying '$message'" bash -c "[ \$(wc -l <err) -eq 1 ] && grep -qF -- '$message' err"
}
bad_query "empty query" "empty query" ''
bad_query "blank query" "empty query" '   '
bad_query "only punctuation" "no searchable words" '?!.,…'
bad_query "a lone quote" "no searchable words" '"'
bad_query "AND at the end" "AND needs a word on both sides (at byte 10)" '구로구 AND'
check "a quote never closed searches its words" run 0 search --db db '구로구 "청소'
bad_query "only an exclusion" "only excludes words" -구로구
bad_query "OR alone" "OR needs a word on both sides" OR
python3 -c "print(' '.join(f'낱말{i}' for i in range(10000)))" >long_query
start=$(date +%s)
bad_query "10,000 words" "the query is too long" "$(cat long_query)"
check "10,000 words refused at once" [ $(($(date +%s) - start)) -lt 10 ]
check "the word to exclude is found alone" finds db 구로구 in/cp949.txt
check "an excluded word as its own argument is a query word, not an option" run 0 search --db db 구로구 -똠방각하
check "the excluded word's article is left out" bash -c "grep -q 'in/good.txt' out && ! grep -q 'in/cp949.txt' out"
check "an excluded phrase as its own argument" run 0 search --db db 구로구 '-"완성형으로 적힌"'
check "the excluded phrase's article is left out" bash -c "grep -q 'in/good.txt' out && ! grep -q 'in/cp949.txt' out"

# ------------------------------------------------------------------------
# Queries that would cost a minute and a gigabyte: refused by the cost cap,
# with the cap named, before anything is expanded or matched.
python3 -c "print('가나다라마바사' * 6000)" >long_word        # 42,000 syllables
check "a 42,000-syllable word: exit 2" run 2 search --db db "$(cat long_word)"
check "a 42,000-syllable word: the byte cap named" has "the query is too long: 126000 bytes (at most 8192)"
check "a 1,000-syllable word: exit 2" run 2 search --db db "$(head -c 3000 long_word)"
check "a 1,000-syllable word: the term cap named" has "it expands to more than 1000 terms"
python3 -c "print(' '.join(['ㄱㅊ'] * 999))" >initials_query
check "999 초성 words: exit 2" run 2 search --db db "$(cat initials_query)"
check "999 초성 words: the term cap named" has "it expands to more than 1000 terms"
python3 -c "print(' '.join(['청*'] * 999))" >prefix_query
check "999 prefixes: exit 2" run 2 search --db db "$(cat prefix_query)"
check "999 prefixes: the term cap named" has "it expands to more than 1000 terms"
check "a few 초성 words and prefixes still run" run 0 search --db db ㄱㄹㄱ 청*
{ printf 'first\t청소\n'; printf 'huge\t'; head -c 1048576 /dev/zero | tr '\0' '가'; printf '\nlast\t구로구\n'; } >huge_line.tsv
check "a 1 MB batch line: exit 1 (a line skipped)" run 1 batch --db db huge_line.tsv
check "a 1 MB batch line: named and skipped" has "kosearch: huge_line.tsv:2: the query is too long: 1048576 bytes (at most 8192); skipped"
check "the lines around it still run" bash -c "cut -f1 out | sort -u | tr '\n' ' ' | grep -qx 'first last '"

# ------------------------------------------------------------------------
# Terminal escapes and row breakers in indexed text and ids: text, TSV and
# TREC output carry no control character (U+FFFD in its place, tabs and
# line breaks as spaces, TREC spaces as _); JSON keeps them escaped.
python3 - <<'PY'
import json
esc, c1 = "\x1b]0;owned\x07\x1b[2J", "\u009b31m"
with open("escapes.jsonl", "w") as out:
    out.write(json.dumps({"id": "tab\tnew\nline id", "title": f"탈출{esc}제목\x7f",
                          "section": f"절{c1}", "body": f"탈출문자 본문 {esc}{c1} 끝\t탭\r\n줄"}) + "\n")
PY
"$kosearch" index -q --db edb escapes.jsonl
no_controls() { ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"; }
check "escapes: text search finds the article" run 0 search --db edb --color=never 탈출문자
check "escapes: no control character reaches the terminal" no_controls out
check "escapes: U+FFFD shows where they were" contains out "탈출�]0;owned��[2J제목�"
check "escapes: the id's tab and line break are spaces" contains out "tab new line id#1"
check "escapes: JSON keeps the text exact" bash -c "
    '$kosearch' search --db edb --format json 탈출문자 | jq -e '.id == \"tab\\tnew\\nline id\" and (.text | contains(\"\\u001b[2J\"))' >/dev/null"
printf 'q 1\t탈출문자\n' >escapes.tsv
check "escapes: TSV batch runs" run 0 batch --db edb escapes.tsv
check "escapes: one TSV row of 7 fields" bash -c "[ \$(wc -l <out) -eq 1 ] && awk -F'\t' 'NF != 7 {exit 1}' out"
check "escapes: no control character in TSV but the field tabs" bash -c "tr -d '\t' <out >out.notabs" && no_controls out.notabs
check "escapes: TREC batch runs" run 0 batch --db edb --format trec escapes.tsv
check "escapes: one TREC row of 6 fields, spaces in qid and id as _" \
    bash -c "[ \$(wc -l <out) -eq 1 ] && grep -qE '^q_1 Q0 tab_new_line_id#1 1 [0-9.]+ kosearch$' out"
check "escapes: show prints the article" run 0 show --db edb "$(printf 'tab\tnew\nline id')"
check "escapes: show lets no control character through but its lines and tabs" \
    bash -c "tr -d '\t' <out >out.notabs" && no_controls out.notabs
check "escapes: show keeps the passage's tab" contains out "$(printf '끝\t탭')"

# ------------------------------------------------------------------------
# serve from a script: a taken port is exit 2 with a message, and SIGINT or
# SIGTERM (a background job has SIGINT ignored) ends it and its server.
if ! command -v xapian-tcpsrv >/dev/null; then
    skip "serve: xapian-tcpsrv not found (install xapian-tools)"
else
    free_port() {
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    }
    port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
    port=$(free_port)
    python3 -c "
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(); print('ready', flush=True); time.sleep(30)
" >holder.ready &
holder=$!
for _ in $(seq 50); do [ -s holder.ready ] && break; sleep 0.1; done
check "serve on a taken port: exit 2" run 2 serve --db db --port "$port"
check "serve on a taken port: said so" has "kosearch: cannot listen on 127.0.0.1 port $port: the port is taken"
kill "$holder"
wait "$holder" 2>/dev/null
for signal in INT TERM; do
    port=$(free_port)
    "$kosearch" serve --db db --port "$port" >serve.out 2>&1 &
    server=$!
    for _ in $(seq 100); do port_open "$port" && break; sleep 0.1; done
    check "serve listens (before SIG$signal)" port_open "$port"
    kill -s "$signal" "$server"
    for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    check "SIG$signal ends serve" bash -c "! kill -0 $server 2>/dev/null"
    kill -9 "$server" 2>/dev/null # one that ignored the signal must not hang the test
    wait "$server"
    check "serve stopped by SIG$signal exits 0" [ $? -eq 0 ]
    sleep 0.2
    check "SIG$signal ends the server too: port $port closed" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
    check "SIG$signal: no xapian-tcpsrv left on port $port" bash -c "! pgrep -f '[x]apian-tcpsrv --port $port ' >/dev/null"
done
fi

# ------------------------------------------------------------------------
# Databases that cannot be used.
check "missing database: exit 2" run 2 search --db "$work/nowhere" 구로구
check "missing database named" has "kosearch: no database at $work/nowhere"

if [ "$(id -u)" -eq 0 ]; then
    skip "read-only database folder: running as root, who may write anyway"
else
    "$kosearch" index -q --db rodb in/good.txt
    chmod a-w rodb
    check "read-only database: index exits 2" run 2 index --db rodb in/bom.txt
    check "read-only database: refused before reading anything" \
        bash -c "[ \$(wc -l <err) -eq 1 ] && grep -qx 'kosearch: cannot write to rodb: Permission denied' err"
    check "read-only database still searchable" run 0 search --db rodb 청소
    chmod u+w rodb
fi

# The write lock, held by an indexer waiting for more of its stdin.
hold_lock ldb
start=$(date +%s%N)
check "second writer refused: exit 2" run 2 index --db ldb in/good.txt
check "second writer told why" has "database is locked by another kosearch index"
check "second writer refused at once" [ $((($(date +%s%N) - start) / 1000000)) -lt 3000 ]
check "readers are not locked out" bash -c "'$kosearch' search --db ldb 청소 >/dev/null 2>&1; [ \$? -le 1 ]"
"$kosearch" index --wait --db ldb in/good.txt >waiter.out 2>&1 3>&- &
waiter=$!
sleep 1.5
check "--wait waits while the lock is held" kill -0 "$waiter"
exec 3>&-
wait "$holder"
check "the holder finishes when its input ends" [ $? -eq 0 ]
wait "$waiter"
check "--wait then indexes" [ $? -eq 0 ]
check "both writers' articles are there" bash -c "
    '$kosearch' search --db ldb --format json 기사 청소 | grep -q '\"id\":\"held\"' &&
    '$kosearch' search --db ldb --format json 청소 | grep -q '\"id\":\"$(pwd -P)/in/good.txt\"'"

# A damaged database: a table file overwritten with noise.
"$kosearch" index -q --db ddb in/good.txt in/bom.txt
python3 -c "
import os
path = 'ddb/postlist.glass'
with open(path, 'r+b') as f:
    f.write(os.urandom(os.path.getsize(path)))
"
check "damaged database: search exits 2" run 2 search --db ddb 청소
check "damaged database: one line naming it and saying damaged" \
    bash -c "[ \$(wc -l <err) -eq 1 ] && grep -q '^kosearch: ddb: database is damaged' err"
check "damaged database: the message says how to recover" has "kosearch index --rebuild"
check "damaged database: stats exits 2" run 2 stats --db ddb
check "damaged database: index exits 2" run 2 index --db ddb in/good.txt
check "damaged database: --rebuild recovers it" run 0 index --rebuild --db ddb in/good.txt
check "rebuilt database searchable" finds ddb 청소 in/good.txt

finish
