#!/bin/bash
# Crash safety of reindexing: `kosearch index` is killed (SIGKILL) or
# interrupted (SIGINT) early, midway and late while it updates a database of
# real news articles; after every stop the database must still open, answer
# searches and hold every article whole (all passages of one version), and a
# final rerun must leave exactly what a clean build makes.
# Usage: crash_test.sh PATH/TO/kosearch   (KOSEARCH_SHARED_DATA names ../shared/data;
# KOSEARCH_CRASH_SEED repeats a run's random kill points)
set -u
kosearch=$1
. "$(dirname "$0")/lib.sh"
csv=${KOSEARCH_SHARED_DATA:-}/news/wikinews.csv
if [ ! -f "$csv" ]; then
    echo "skipped: no Wikinews articles at '$csv' (set KOSEARCH_SHARED_DATA)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C
unset KOSEARCH_DB
seed=${KOSEARCH_CRASH_SEED:-$$}
RANDOM=$seed
echo "seed $seed (KOSEARCH_CRASH_SEED=$seed repeats these kill points)"

kill_rounds=20
interrupt_rounds=4
articles=$work/articles
db=$work/db

# pass, or fail WHAT WENT WRONG: for checks whose message needs the details
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*" >&2
}

# write_articles ROUND: every article of the CSV as a text file, the title
# marked with the round so that each round changes every article, and a few
# articles left out (they come back later) so that --prune removes some.
write_articles() {
    python3 - "$csv" "$articles" "$1" <<'PY'
import csv, os, sys
source, folder, round_number = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(folder, exist_ok=True)
with open(source, encoding='utf-8', newline='') as f:
    rows = list(csv.reader(f))[1:]
for i, (date, url, title, body) in enumerate(rows):
    path = os.path.join(folder, f'{i:04d}.txt')
    if round_number > 0 and i % 64 == round_number % 64:
        if os.path.exists(path):
            os.remove(path)
        continue
    marked = f'{title} ({round_number}차 수정)' if round_number > 0 else title
    with open(path, 'w', encoding='utf-8') as out:
        out.write(f'{marked}\n\n{body}\n')
PY
}

# cpu_ticks PID: the CPU time the process has used, in clock ticks; fails
# once it has ended. A run's progress is told by it, not by the wall clock,
# which other work on the machine stretches at random.
cpu_ticks() {
    local stat
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    [ "$1" != Z ] || return 1
    echo $(( ${12} + ${13} ))
}

# stop_after PERCENT SIGNAL PID: sends SIGNAL once the run has used PERCENT
# of the CPU time of a full update (or not at all when it ends first).
stop_after() {
    local target=$(( full_ticks * $1 / 100 )) used
    while used=$(cpu_ticks "$3"); do
        if [ "$used" -ge "$target" ]; then
            kill "-$2" "$3" 2>/dev/null
            return
        fi
        sleep 0.01
    done
}

# check_database WHEN: what a user would try after the stop
check_database() {
    local when=$1 status
    "$kosearch" search --db "$db" 대통령 >"$work/search.out" 2>"$work/search.err"
    status=$?
    if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then pass; else
        fail "$when: search exited $status: $(head -1 "$work/search.err")"
    fi
    if "$kosearch" stats --db "$db" >"$work/stats.out" 2>"$work/stats.err" &&
        grep -qE '^articles: +[0-9]+$' "$work/stats.out"; then pass; else
        fail "$when: stats failed: $(head -1 "$work/stats.err")"
    fi
    # Every article whole: passages 1..n, all from one version (one title).
    if "$kosearch" export --db "$db" >"$work/export.jsonl" 2>"$work/export.err" &&
        python3 - "$work/export.jsonl" <<'PY'; then pass; else fail "$when: an article is not whole"; fi
import json, sys
articles = {}
for line in open(sys.argv[1], encoding='utf-8'):
    p = json.loads(line)
    articles.setdefault(p['id'], []).append((p['passage'], p['title']))
for id, passages in articles.items():
    numbers = sorted(n for n, _ in passages)
    titles = {t for _, t in passages}
    if numbers != list(range(1, len(numbers) + 1)) or len(titles) != 1:
        sys.exit(f'{id}: passages {numbers}, titles {sorted(titles)}')
PY
}

# A first index killed before it finished creating the database: nothing
# was committed, so there is no database yet, but the folder left behind
# must not stop the next run (nor puzzle a search). A few articles suffice:
# the database is created before any is read.
write_articles 0
mkdir -p "$work/few"
cp "$articles"/000[0-2].txt "$work/few"
for delay in 0.002 0.005 0.01 0.03; do
    fresh=$work/fresh
    rm -rf "$fresh"
    "$kosearch" index -q --db "$fresh" "$work/few" 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    "$kosearch" search --db "$fresh" 대통령 >/dev/null 2>"$work/search.err"
    status=$?
    if [ "$status" -le 1 ] || grep -q "no database at $fresh" "$work/search.err"; then pass; else
        fail "first index killed after ${delay}s: search exited $status: $(head -1 "$work/search.err")"
    fi
    if "$kosearch" index -q --db "$fresh" "$work/few" 2>"$work/index.err"; then pass; else
        fail "first index killed after ${delay}s: rerun failed: $(head -1 "$work/index.err")"
    fi
done
rm -rf "$work/fresh" "$work/few"

# The database as it was before today's articles arrived; then one
# uninterrupted update of every article, whose CPU time places the kills
# below early, midway or late in a run.
if "$kosearch" index -q --db "$db" "$articles"; then pass; else fail "first full index"; fi
write_articles 1
TIMEFORMAT='%3U %3S'
{ time "$kosearch" index -q --prune --db "$db" "$articles" 2>"$work/index.err"; } 2>"$work/cpu"
if [ $? -eq 0 ]; then pass; else fail "first update: $(head -1 "$work/index.err")"; fi
read -r user system <"$work/cpu"
full_ticks=$(awk -v u="$user" -v s="$system" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { t = int((u + s) * hz); print t < 20 ? 20 : t }')
echo "updating every article takes $user s of user and $system s of system CPU time"

# percent LOW HIGH: a random whole number from LOW to HIGH
percent() { echo $(( $1 + RANDOM % ($2 - $1 + 1) )); }

early=0 mid=0 late=0 finished_first=0
for round in $(seq 2 $((kill_rounds + 1))); do
    write_articles "$round"
    case $((round % 3)) in
        0) band=early; at=$(percent 1 15); early=$((early + 1)) ;;
        1) band=mid; at=$(percent 30 70); mid=$((mid + 1)) ;;
        2) band=late; at=$(percent 70 105); late=$((late + 1)) ;;
    esac
    "$kosearch" index -q --prune --db "$db" "$articles" 2>"$work/index.err" &
    pid=$!
    stop_after "$at" KILL "$pid"
    wait "$pid" 2>/dev/null
    status=$?
    if [ "$status" -eq 0 ]; then
        finished_first=$((finished_first + 1))
    elif [ "$status" -ne 137 ]; then
        fail "round $round: index exited $status before the kill: $(head -1 "$work/index.err")"
    fi
    echo "round $round: SIGKILL at ${at}% of a run ($band): exit $status"
    check_database "round $round ($band kill at ${at}% of a run, exit $status)"
done
echo "SIGKILL rounds: $early early, $mid mid, $late late; $finished_first finished before the kill"

interrupted=0
for round in $(seq $((kill_rounds + 2)) $((kill_rounds + interrupt_rounds + 1))); do
    write_articles "$round"
    at=$(percent 25 60)
    "$kosearch" index --prune --db "$db" "$articles" 2>"$work/index.err" &
    pid=$!
    stop_after "$at" INT "$pid"
    wait "$pid" 2>/dev/null
    status=$?
    summary=$(grep -E '^kosearch: [0-9]+ added, ' "$work/index.err")
    if [ "$status" -eq 130 ] && [[ $summary == *"(interrupted)"* ]]; then
        interrupted=$((interrupted + 1))
        pass
    elif [ "$status" -eq 0 ] && [ -n "$summary" ]; then
        echo "round $round: finished before the SIGINT at ${at}% of a run"
    else
        fail "round $round: SIGINT at ${at}% of a run: exit $status, summary '$summary'"
    fi
    check_database "round $round (SIGINT at ${at}% of a run, exit $status)"
done
# The interrupts come well inside a run; if none landed, the check above
# tested nothing.
if [ "$interrupted" -ge 2 ]; then pass; else
    fail "only $interrupted of $interrupt_rounds SIGINTs interrupted a run"
fi

# The last rerun completes and leaves what a clean build of the same files
# makes, passage for passage.
if "$kosearch" index -q --prune --db "$db" "$articles" 2>"$work/index.err"; then pass; else
    fail "final rerun: $(head -1 "$work/index.err")"
fi
if "$kosearch" index -q --db "$work/clean" "$articles" 2>"$work/index.err"; then pass; else
    fail "clean build: $(head -1 "$work/index.err")"
fi
"$kosearch" export --db "$db" | sort >"$work/rerun.jsonl"
"$kosearch" export --db "$work/clean" | sort >"$work/clean.jsonl"
if [ -s "$work/clean.jsonl" ] && cmp -s "$work/rerun.jsonl" "$work/clean.jsonl"; then pass; else
    fail "reindexed database differs from a clean build:"
    # Cut by characters: a line cut inside a Hangul syllable is no longer
    # UTF-8, and the test log would show it garbled.
    diff "$work/rerun.jsonl" "$work/clean.jsonl" | head -5 |
        python3 -X utf8 -c 'import sys; [print(line.rstrip("\n")[:200]) for line in sys.stdin]' >&2
fi
# A rebuild (written by several threads into parts beside the database, then
# merged and swapped in at once) that is killed or interrupted leaves the
# database exactly as it was, or, when the signal lands after the swap, the
# whole rebuilt database: never anything between. The next run clears what it
# left beside it; a completed rebuild equals a clean build. The articles
# change first, so the two states differ. A rebuild takes about half the CPU
# time of an update on two cores, so the stops come early in that half.
"$kosearch" export --db "$db" | sort >"$work/before.jsonl"
rebuild_round=$((kill_rounds + interrupt_rounds + 2))
write_articles "$rebuild_round"
"$kosearch" index -q --db "$work/clean-rebuild" "$articles" 2>/dev/null
"$kosearch" export --db "$work/clean-rebuild" | sort >"$work/clean-rebuild.jsonl"
stopped=0
for stop in INT:15 KILL:5 KILL:30 KILL:20; do
    signal=${stop%%:*} at=${stop##*:}
    "$kosearch" index -q --rebuild --db "$db" "$articles" 2>"$work/index.err" &
    pid=$!
    stop_after "$at" "$signal" "$pid"
    wait "$pid" 2>/dev/null
    status=$?
    "$kosearch" export --db "$db" | sort >"$work/after.jsonl"
    if [ "$status" -eq 0 ]; then
        expected=$work/clean-rebuild.jsonl
        echo "rebuild finished before the SIG$signal at ${at}% of a run"
    else
        expected=$work/before.jsonl
        stopped=$((stopped + 1))
    fi
    if [ "$status" -eq 0 ] || [ "$status" -eq 137 ] || [ "$status" -eq 130 ]; then pass; else
        fail "rebuild stopped by SIG$signal at ${at}%: exit $status: $(head -1 "$work/index.err")"
    fi
    if cmp -s "$work/after.jsonl" "$expected"; then pass
    elif [ "$status" -ne 0 ] && cmp -s "$work/after.jsonl" "$work/clean-rebuild.jsonl"; then
        pass
        echo "the SIG$signal at ${at}% came after the rebuilt database was swapped in"
    else
        fail "rebuild stopped by SIG$signal at ${at}% (exit $status): the database changed"
    fi
    # A finished rebuild is what later stopped ones must leave in place.
    cp "$work/after.jsonl" "$work/before.jsonl"
done
# The stops come well inside a rebuild; if none landed, this tested nothing.
if [ "$stopped" -ge 2 ]; then pass; else fail "only $stopped of 4 signals stopped a rebuild"; fi
leftovers=$(find "$work" -maxdepth 1 -name 'db.rebuild*' | wc -l)
if [ "$status" -ne 137 ] || [ "$leftovers" -gt 0 ]; then pass; else
    fail "a killed rebuild left nothing beside the database: the next check tests nothing"
fi
"$kosearch" index -q --db "$db" "$articles" 2>"$work/index.err"
leftovers=$(find "$work" -maxdepth 1 -name 'db.rebuild*' | wc -l)
if [ "$leftovers" -eq 0 ]; then pass; else
    fail "$leftovers folders of stopped rebuilds remain beside the database after a run"
fi
if "$kosearch" index -q --rebuild --db "$db" "$articles" 2>"$work/index.err"; then pass; else
    fail "rebuild: $(head -1 "$work/index.err")"
fi
"$kosearch" export --db "$db" | sort >"$work/after.jsonl"
if cmp -s "$work/after.jsonl" "$work/clean-rebuild.jsonl"; then pass; else
    fail "a completed rebuild differs from a clean build"
fi

files=$(find "$articles" -name '*.txt' | wc -l)
if "$kosearch" stats --db "$db" | grep -qE "^articles: +$files$"; then pass; else
    fail "the database does not hold exactly the $files article files"
fi

# JSON Lines: the articles in 8 files. Each round changes a few titles,
# drops a few articles, moves a few to another file and copies a few into a
# second one; the files it leaves as they were keep their time, so the next
# run skips them by their facts.
# Whatever point a kill comes at, a final rerun must leave what a clean
# build of the same files makes: an unchanged file is skipped only while
# every article from it is as it was read.
feeds=$work/feeds
write_feeds() {
    python3 - "$csv" "$feeds" "$1" <<'PY'
import csv, json, os, sys
source, folder, round_number = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(folder, exist_ok=True)
with open(source, encoding='utf-8', newline='') as f:
    rows = list(csv.reader(f))[1:]
lines = {}
for i, (date, url, title, body) in enumerate(rows):
    if round_number > 0 and i % 64 == round_number % 64:
        continue
    moved = round_number > 0 and i % 16 == round_number % 16
    feed = (i + (round_number if moved else 0)) % 8
    if round_number > 0 and i % 8 == (round_number + 3) % 8:
        title = f'{title} ({round_number}차 수정)'
    record = {'id': f'wikinews-{i}', 'title': title, 'date': date, 'url': url, 'body': body}
    line = json.dumps(record, ensure_ascii=False) + '\n'
    lines.setdefault(feed, []).append(line)
    if round_number > 0 and i % 32 == round_number * 5 % 32:
        lines.setdefault((feed + 4) % 8, []).append(line)
for feed in range(8):
    path = os.path.join(folder, f'{feed}.jsonl')
    text = ''.join(lines.get(feed, []))
    old = open(path, encoding='utf-8').read() if os.path.exists(path) else None
    if text != old:
        with open(path, 'w', encoding='utf-8') as out:
            out.write(text)
PY
}
feeds_db=$work/feeds.db
# An article copied into a second file is the same id in two files: each
# run names the second line ("duplicate id ... (first at FILE:LINE);
# skipped") and exits 1, and the file read first keeps the article.
only_duplicates() { # only_duplicates STATUS: a run that failed only for those
    [ "$1" -eq 0 ] || { [ "$1" -eq 1 ] && ! grep -qv ': duplicate id "' "$work/index.err"; }
}
write_feeds 0
if "$kosearch" index -q --db "$feeds_db" "$feeds"; then pass; else fail "first JSONL index"; fi
write_feeds 1
{ time "$kosearch" index -q --prune --db "$feeds_db" "$feeds" 2>"$work/index.err"; } 2>"$work/cpu"
if only_duplicates $?; then pass; else fail "first JSONL update: $(head -1 "$work/index.err")"; fi
read -r user system <"$work/cpu"
full_ticks=$(awk -v u="$user" -v s="$system" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { t = int((u + s) * hz); print t < 20 ? 20 : t }')
for round in $(seq 2 9); do
    write_feeds "$round"
    at=$(percent 5 100)
    "$kosearch" index -q --prune --db "$feeds_db" "$feeds" 2>"$work/index.err" &
    pid=$!
    stop_after "$at" KILL "$pid"
    wait "$pid" 2>/dev/null
    status=$?
    echo "JSONL round $round: SIGKILL at ${at}% of a run: exit $status"
    if only_duplicates "$status" || [ "$status" -eq 137 ]; then pass; else
        fail "JSONL round $round: index exited $status: $(head -1 "$work/index.err")"
    fi
done
"$kosearch" index -q --prune --db "$feeds_db" "$feeds" 2>"$work/index.err"
if only_duplicates $?; then pass; else fail "final JSONL rerun: $(head -1 "$work/index.err")"; fi
# An article copied into a second file, then taken out of it again, while
# its first file stays as it was: that file must be read again, or --prune
# would remove an article it holds.
head -1 "$feeds/0.jsonl" >"$work/copied.jsonl"
cp "$feeds/4.jsonl" "$work/4.jsonl"
cat "$work/copied.jsonl" >>"$feeds/4.jsonl"
"$kosearch" index -q --prune --db "$feeds_db" "$feeds" 2>"$work/index.err"
if only_duplicates $?; then pass; else fail "JSONL copy: $(head -1 "$work/index.err")"; fi
cp "$work/4.jsonl" "$feeds/4.jsonl"
"$kosearch" index -q --prune --db "$feeds_db" "$feeds" 2>"$work/index.err"
if only_duplicates $?; then pass; else fail "JSONL copy taken out: $(head -1 "$work/index.err")"; fi
"$kosearch" index -q --db "$work/clean-feeds" "$feeds" 2>/dev/null
"$kosearch" export --db "$feeds_db" | sort >"$work/feeds-rerun.jsonl"
"$kosearch" export --db "$work/clean-feeds" | sort >"$work/feeds-clean.jsonl"
if [ -s "$work/feeds-clean.jsonl" ] && cmp -s "$work/feeds-rerun.jsonl" "$work/feeds-clean.jsonl"; then
    pass
else
    fail "JSONL: reindexed database differs from a clean build"
fi
# and, with nothing changed since, the next run changes nothing: it skips
# every file but those repeating an id, and names those lines again
"$kosearch" index --db "$feeds_db" "$feeds" 2>"$work/index.err"
records=$(cat "$feeds"/*.jsonl | wc -l)
articles=$(cat "$feeds"/*.jsonl | jq -r .id | sort -u | wc -l)
repeats=$((records - articles))
if grep -q "0 added, 0 updated, $articles unchanged, 0 removed, $repeats skipped" "$work/index.err"
then pass; else
    fail "JSONL: an unchanged rerun said: $(tail -1 "$work/index.err")"
fi

finish
