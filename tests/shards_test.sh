#!/bin/bash
# Shards and remote search on loopback: KorQuAD articles in one database, in
# three local shards, and in the same three shards served by xapian-tcpsrv
# must give identical ids in identical order for every question. Then a
# stopped server must be named in a failure, or skipped with --allow-partial.
# Usage: shards_test.sh KOSEARCH. Needs $KOSEARCH_SHARED_DATA and xapian-tcpsrv
# (exit 77, skipped, without them).
set -u
kosearch=$1
korquad=${KOSEARCH_SHARED_DATA:-}/korquad/KorQuAD_v1.0_dev.json
articles=${SHARDS_TEST_ARTICLES:-20}

if ! command -v xapian-tcpsrv >/dev/null; then
    echo "skipped: xapian-tcpsrv not found (install xapian-tools)"
    exit 77
fi
if [ ! -f "$korquad" ]; then
    echo "skipped: no KorQuAD data at $korquad (set KOSEARCH_SHARED_DATA)"
    exit 77
fi

if ! "$kosearch" --version >/dev/null; then
    echo "cannot run $kosearch"
    exit 2
fi

work=$(mktemp -d)
servers=()
stop_servers() {
    for pid in "${servers[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
}
trap 'stop_servers; rm -rf "$work"' EXIT

. "$(dirname "$0")/lib.sh"

# The first $articles KorQuAD articles as JSONL (paragraphs as passages) and
# their questions as qid<TAB>question; converted here, never committed.
python3 - "$korquad" "$articles" "$work" <<'PY'
import json, sys
source, count, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = json.load(open(source, encoding="utf-8"))["data"][:count]
with open(f"{work}/articles.jsonl", "w", encoding="utf-8") as articles, \
     open(f"{work}/questions.tsv", "w", encoding="utf-8") as questions:
    for number, article in enumerate(data):
        body = "\n\n".join(p["context"] for p in article["paragraphs"])
        record = {"id": f"korquad-{number}", "title": article["title"], "body": body,
                  "date": f"{2010 + number % 10}-03-{1 + number % 28:02d}"}
        articles.write(json.dumps(record, ensure_ascii=False) + "\n")
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                question = " ".join(qa["question"].split())
                questions.write(f"{qa['id']}\t{question}\n")
# The same articles as a folder of text files (title on the first line).
import os
os.mkdir(f"{work}/folder")
for number, article in enumerate(data):
    with open(f"{work}/folder/korquad-{number}.txt", "w", encoding="utf-8") as text:
        text.write(article["title"] + "\n\n" + "\n\n".join(p["context"] for p in article["paragraphs"]))
PY
[ -s "$work/questions.tsv" ] || { echo "cannot convert $korquad"; exit 2; }
echo "$(wc -l < "$work/articles.jsonl") articles, $(wc -l < "$work/questions.tsv") questions"

# Passages with equal scores come in document-number order. One writer numbers
# them in input order, as the shards do between them; a build on several
# threads numbers each part's passages together, which reorders ties only.
"$kosearch" index -q --jobs 1 --db "$work/single.db" "$work/articles.jsonl"
check "index one database" test $? -eq 0
"$kosearch" index -q --jobs 2 --db "$work/parallel.db" "$work/articles.jsonl"
check "index one database on two threads" test $? -eq 0
"$kosearch" index -q --jobs 1 --db "$work/folder-1.db" "$work/folder"
check "index a folder on one thread" test $? -eq 0
"$kosearch" index -q --jobs 2 --db "$work/folder-2.db" "$work/folder"
check "index a folder on two threads" test $? -eq 0
"$kosearch" index -q --shards 3 --db "$work/sharded.db" "$work/articles.jsonl"
check "index three shards" test $? -eq 0
check "stub lists the shards" \
    test "$(cat "$work/sharded.db/XAPIANDB")" = "$(printf 'auto shard-0\nauto shard-1\nauto shard-2')"

# Routing is stable: a rerun finds every article in its shard.
summary=$("$kosearch" index --db "$work/sharded.db" "$work/articles.jsonl" 2>&1)
check "reindexing leaves every article unchanged ($summary)" \
    grep -q "^kosearch: 0 added, 0 updated, $articles unchanged" <<<"$summary"
"$kosearch" index -q --shards 4 --db "$work/sharded.db" "$work/articles.jsonl" 2>"$work/err"
check "a different --shards is refused" test $? -eq 2
check "the refusal says why" grep -q "has 3 shards, not 4" "$work/err"
single_stats=$("$kosearch" stats --db "$work/single.db" | grep -E '^(articles|passages|terms):')
sharded_stats=$("$kosearch" stats --db "$work/sharded.db" | grep -E '^(articles|passages|terms):')
check "stats sum over shards" test "$single_stats" = "$sharded_stats"
built() { "$kosearch" stats --db "$1" | grep -E '^(articles|passages|terms|index format|analyzer):'; }
check "two threads build the same index" test "$(built "$work/parallel.db")" = "$(built "$work/single.db")"
check "two threads build the same index of a folder" \
    test "$(built "$work/folder-2.db")" = "$(built "$work/folder-1.db")"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_port() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
ports=()
for shard in 0 1 2; do
    port=$(free_port)
    "$kosearch" serve --port "$port" --db "$work/sharded.db/shard-$shard" >"$work/server-$shard.log" 2>&1 &
    servers+=($!)
    ports+=("$port")
done
for port in "${ports[@]}"; do
    check "server on port $port starts" wait_for_port "$port"
done
printf 'remote 127.0.0.1:%s\n' "${ports[@]}" > "$work/cluster.stub"

# Top 10 of 50: Xapian's matcher may cut a near tie at the very end of a
# short list differently in differently shaped databases (seen once in 718
# KorQuAD questions at --limit 10, in the single database), which says
# nothing about the statistics the shards share.
# Passages with equal scores may come in either order (the shards hold them
# under other document ids): ties are listed by passage id, and a tie across
# the cut after rank 10 is left out.
run() { # run DB [OPTIONS]: question ids with their ranked passages and scores
    "$kosearch" batch --format trec --limit 50 --db "$@" "$work/questions.tsv" |
        awk '$4 <= 10 {hit[$1, $4] = $1 " " $5 " " $3; score[$1, $4] = $5; qid[$1] = 1}
             $4 == 11 {cut[$1] = $5}
             END {for (q in qid) for (r = 1; r <= 10; r++)
                      if (((q, r) in hit) && !((q in cut) && score[q, r] == cut[q]))
                          print hit[q, r]}' |
        sort -s -k1,1 -k2,2gr -k3,3
}
run "$work/single.db" > "$work/single.run"
run "$work/sharded.db" > "$work/sharded.run"
run "$work/parallel.db" > "$work/parallel.run"
run "$work/folder-1.db" > "$work/folder-1.run"
run "$work/folder-2.db" > "$work/folder-2.run"
run "$work/cluster.stub" > "$work/remote.run"
check "the single database finds passages" test -s "$work/single.run"
check "two threads rank as one" cmp -s "$work/single.run" "$work/parallel.run"
check "a folder indexed on two threads ranks as on one" test -s "$work/folder-1.run" -a \
    "$(cat "$work/folder-1.run")" = "$(cat "$work/folder-2.run")"
check "local shards rank as one database" cmp -s "$work/single.run" "$work/sharded.run"
check "remote shards rank as one database" cmp -s "$work/single.run" "$work/remote.run"
# Remote shards take no match decider: the date window goes into the query.
run "$work/single.db" --since 2015 --until 2017-03-10 > "$work/single-dated.run"
run "$work/cluster.stub" --since 2015 --until 2017-03-10 > "$work/remote-dated.run"
check "a date window finds passages" test -s "$work/single-dated.run"
# (ties at the tenth hit may fall differently: count the hits, check the dates)
check "a date window on remote shards finds as many passages" \
    test "$(wc -l <"$work/single-dated.run")" -eq "$(wc -l <"$work/remote-dated.run")"
"$kosearch" batch --format jsonl --since 2015 --until 2017-03-10 --db "$work/cluster.stub" \
    "$work/questions.tsv" >"$work/remote-dated.json"
check "every passage remote shards find is in the window" \
    jq -e -s 'length > 0 and all(.date >= "2015-01-01" and .date <= "2017-03-10")' \
    "$work/remote-dated.json"
query=$(head -1 "$work/questions.tsv" | cut -f2)
"$kosearch" search --db "$work/cluster.stub" --format json "$query" > "$work/hits.json"
check "search reads the stub" test $? -eq 0

# One shard goes down.
kill "${servers[1]}"
wait "${servers[1]}" 2>/dev/null
"$kosearch" search --db "$work/cluster.stub" "$query" >/dev/null 2>"$work/err"
check "search fails when a shard is down" test $? -eq 2
check "the failure names the shard ($(cat "$work/err"))" grep -q "127.0.0.1:${ports[1]}" "$work/err"
"$kosearch" search --allow-partial --db "$work/cluster.stub" --format json "$query" \
    >"$work/partial.json" 2>"$work/err"
status=$?
check "--allow-partial searches the rest" test $status -eq 0 -o $status -eq 1
check "--allow-partial warns about the shard" grep -q "warning: .*127.0.0.1:${ports[1]}" "$work/err"
run "$work/cluster.stub" --allow-partial > "$work/partial.run" 2>"$work/err"
check "batch --allow-partial answers" test -s "$work/partial.run"
check "batch --allow-partial warns" grep -q "warning: .*127.0.0.1:${ports[1]}" "$work/err"
"$kosearch" batch --format trec --db "$work/cluster.stub" "$work/questions.tsv" >/dev/null 2>"$work/err"
check "batch fails when a shard is down" test $? -eq 2

# A shard that dies during a batch stops it: exit 2, the dead shard named,
# not one "skipped" line per query left.
"$kosearch" serve --port "${ports[1]}" --db "$work/sharded.db/shard-1" >"$work/server-1b.log" 2>&1 &
servers[1]=$!
check "the shard's server starts again" wait_for_port "${ports[1]}"
for _ in $(seq 40); do cat "$work/questions.tsv"; done >"$work/many.tsv"
"$kosearch" batch --format trec --db "$work/cluster.stub" "$work/many.tsv" >"$work/dying.run" 2>"$work/err" &
batch=$!
for _ in $(seq 300); do [ -s "$work/dying.run" ] && break; sleep 0.05; done
kill "${servers[1]}"
wait "${servers[1]}" 2>/dev/null
wait "$batch"
check "a shard dying during batch: exit 2" test $? -eq 2
check "the shard that died is named ($(head -c 300 "$work/err"))" \
    grep -q "a shard stopped answering: 'remote 127.0.0.1:${ports[1]}' (.*cluster.stub line 2)" "$work/err"
check "no other shard is named" bash -c "! grep -qE '127.0.0.1:(${ports[0]}|${ports[2]})' '$work/err'"
check "the batch says where it stopped" grep -qE "the batch stopped: [0-9]+ of [0-9]+ queries answered" "$work/err"
check "the rest is not reported line by line" test "$(grep -c skipped "$work/err")" -lt 5

# --prune finds vanished articles in every shard.
stop_servers
servers=()
head -n $((articles - 5)) "$work/articles.jsonl" > "$work/fewer.jsonl"
mv "$work/fewer.jsonl" "$work/articles.jsonl"
summary=$("$kosearch" index --prune --db "$work/sharded.db" "$work/articles.jsonl" 2>&1)
check "--prune removes from the shards ($summary)" \
    grep -q "^kosearch: 0 added, 0 updated, $((articles - 5)) unchanged, 5 removed" <<<"$summary"
check "stats count what is left" \
    grep -qx "articles: *$((articles - 5))" <("$kosearch" stats --db "$work/sharded.db")

finish
