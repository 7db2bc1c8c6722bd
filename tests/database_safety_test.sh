#!/bin/bash
# Database folders handed over damaged, crafted or oddly named: each is
# refused with a message naming it, never recreated, never lets a second
# writer in, never runs a program, and --rebuild still recovers it.
# Usage: database_safety_test.sh PATH/TO/kosearch
set -u
kosearch=$1
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
unset KOSEARCH_DB NO_COLOR
export LC_ALL=C.UTF-8
cd "$work" || exit 2

# articles DB: its ids, those under the current folder written relative to it
articles() {
    "$kosearch" export --db "$1" 2>/dev/null | jq -r .id | sed "s|^$(pwd -P)/||" | sort -u | tr '\n' ' '
}

mkdir in
printf '구로구 청소 기사\n\n구로구는 서울시 평가에서 청소 분야 1위를 차지했다.\n' >in/good.txt
printf '보도자료 기사\n\n보도자료 본문에는 "청소 분야" 평가가 있다.\n' >in/press.txt
printf '새 기사\n\n새로 들어온 기사의 본문.\n' >new.txt

# ------------------------------------------------------------------------
# 1. A folder missing a table is damaged, never a new database.
for table in iamglass postlist.glass termlist.glass position.glass; do
    db=damaged-$table
    "$kosearch" index -q --db "$db" in
    rm "$db/$table"
    check "$table missing: index exits 2" run 2 index --db "$db" new.txt
    check "$table missing: named as damage, with the way out" \
        has "kosearch: damaged database at $db: $table is missing; restore it or run 'kosearch index --rebuild'"
    check "$table missing: one line, no second piece of advice" [ "$(wc -l <err)" -eq 1 ]
    check "$table missing: nothing was created over it" [ ! -e "$db/$table" ]
    check "$table missing: search exits 2" run 2 search --db "$db" 청소
    check "$table missing: search names the damage" has "damaged database at $db: $table is missing"
    check "$table missing: search never advises a plain index" lacks err "create it with"
    check "$table missing: --rebuild from the inputs recovers it" run 0 index --rebuild --db "$db" in
    check "$table missing: rebuilt database has every article" \
        [ "$(articles "$db")" = "in/good.txt in/press.txt " ]
done
check "rebuilt without position.glass: phrases match as phrases" \
    finds damaged-position.glass '"청소 분야"' in/press.txt
check "a killed first index is not damage: the next one creates the database" \
    bash -c "mkdir cut && : >cut/kosearch.creating && : >cut/postlist.glass &&
             '$kosearch' index -q --db cut in/good.txt && '$kosearch' search --db cut 청소 >/dev/null"

# ------------------------------------------------------------------------
# 2. The write lock survives deleting Xapian's lock file.
# The lock held (tests/lib.sh), then Xapian's lock files deleted.
hold_lock ldb
rm -f ldb/flintlock ldb/shard-*/flintlock
check "lock file deleted: a second writer is still refused" run 2 index --db ldb in/good.txt
check "lock file deleted: the second writer is told why" \
    has "kosearch: ldb: database is locked by another kosearch index"
check "lock file deleted: a --rebuild is refused too" run 2 index --rebuild --db ldb in/good.txt
"$kosearch" index --wait --rebuild --db ldb in/press.txt >rebuilder.out 2>&1 3>&- &
rebuilder=$!
sleep 0.5
"$kosearch" index --wait --db ldb in/good.txt >waiter.out 2>&1 3>&- &
waiter=$!
sleep 1
check "--wait waits behind the holder, also for a rebuild" kill -0 "$rebuilder"
exec 3>&-
wait "$holder"
check "the holder finishes" [ $? -eq 0 ]
wait "$rebuilder"
check "the waiting rebuild then runs" [ $? -eq 0 ]
wait "$waiter"
check "the writer waiting behind the rebuild locks the rebuilt folder and runs" [ $? -eq 0 ]
check "the waiting writer's article is in the rebuilt database" finds ldb 청소 in/good.txt
check "one database, undamaged" bash -c "xapian-check ldb >/dev/null"

"$kosearch" index -q --shards 2 --db sdb in
hold_lock sdb
rm -f sdb/shard-*/flintlock
check "shards, lock files deleted: a second writer is refused" run 2 index --db sdb new.txt
check "shards: told why" has "database is locked by another kosearch index"
exec 3>&-
wait "$holder"

# ------------------------------------------------------------------------
# 10, 11. Stubs: no program runs, no loop crashes.
"$kosearch" index -q --db plain in
mkdir evil
printf 'auto ../plain\nremote /usr/bin/touch %s/ran\n' "$work" >evil/XAPIANDB
for command in "stats" "search 청소" "export"; do
    # shellcheck disable=SC2086
    check "remote PROGRAM stub: $command exits 2" run 2 $command --db evil
    check "remote PROGRAM stub: $command names the file and line" \
        has "kosearch: evil/XAPIANDB line 2: unsupported stub line: kosearch reads only 'auto PATH' and 'remote HOST:PORT'"
done
echo '청소 구로구' >batch.tsv
check "remote PROGRAM stub: batch exits 2" run 2 batch --db evil batch.tsv
check "remote PROGRAM stub: --allow-partial does not skip it quietly" \
    run 2 search --allow-partial --db evil 청소
check "remote PROGRAM stub: the program never ran" [ ! -e ran ]
printf 'auto plain\n' >good.stub
check "an 'auto PATH' stub still reads" finds good.stub 청소 in/good.txt

mkdir loop
echo 'auto .' >loop/XAPIANDB
check "a stub including itself: exit 2, no crash" run 2 search --db loop 청소
check "a stub including itself: the loop named" \
    has "kosearch: loop/XAPIANDB line 1: stub loop: loop/XAPIANDB includes loop/./XAPIANDB"
echo 'auto b.stub' >a.stub
echo 'auto a.stub' >b.stub
check "two stubs including each other: exit 2, no crash" run 2 stats --db a.stub
check "two stubs including each other: the loop named" has "stub loop: a.stub includes ./b.stub includes ./a.stub"
printf 'auto good.stub\n' >nested.stub
check "a stub including another stub (no loop) reads" finds nested.stub 청소 in/good.txt

# ------------------------------------------------------------------------
# 16. A trailing slash.
check "--db PATH/: a new database" run 0 index --db slash/ in
check "--db PATH/: --rebuild" run 0 index --rebuild --db slash/ in new.txt
check "--db PATH/: the rebuild is in place" finds slash 새로 new.txt
check "--db PATH/: nothing rebuilt inside the folder" [ ! -e slash/.rebuild ]

# ------------------------------------------------------------------------
# 17. A symbolic link to the database.
"$kosearch" index -q --db target in/good.txt
ln -s target link
check "--rebuild through a symlink" run 0 index --rebuild --db link in new.txt
check "the link is kept" [ -L link ]
check "the target is rebuilt" finds target 새로 new.txt
check "searching through the link sees the rebuild" finds link 보도자료 in/press.txt

# ------------------------------------------------------------------------
# 18. Only index creates a database.
echo '행정자치부 행자부' >synonyms.txt
check "synonyms --db TYPO: exit 2" run 2 synonyms --db typo synonyms.txt
check "synonyms --db TYPO: says there is no database" \
    has "kosearch: no database at typo (create it with 'kosearch index')"
check "synonyms --db TYPO: nothing created" [ ! -e typo ]
check "synonyms on an existing database still load" run 0 synonyms --db plain synonyms.txt

# ------------------------------------------------------------------------
# 20. A read-only folder; a failed final commit. Root writes anywhere, so
# those run as nobody.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null; then
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
        chmod 755 "$work"
    else
        as_user=(skip)
    fi
fi
if [ "${as_user[0]:-}" = skip ]; then
    echo "skipped: read-only database folder: running as root without setpriv"
else
    "$kosearch" index -q --db rodb in/good.txt
    [ -n "${as_user[*]}" ] && chown -R 65534 rodb
    chmod a-w rodb
    for command in "index --db rodb new.txt" "synonyms --db rodb synonyms.txt"; do
        # shellcheck disable=SC2086
        "${as_user[@]}" "$kosearch" $command >out 2>err
        check "read-only folder: ${command%% *} exits 2" [ $? -eq 2 ]
        check "read-only folder: ${command%% *} says so" \
            bash -c "[ \$(wc -l <err) -eq 1 ] && grep -qx 'kosearch: cannot write to rodb: Permission denied' err"
    done
    chmod u+w rodb

    "$kosearch" index -q --db failing in/good.txt
    [ -n "${as_user[*]}" ] && chown -R 65534 failing
    mkfifo slow_commit
    "${as_user[@]}" "$kosearch" index --db failing - <slow_commit >/dev/null 2>err &
    writer=$!
    exec 3>slow_commit
    echo '{"id": "late", "body": "늦게 들어온 기사 본문"}' >&3
    sleep 1
    chmod a-w failing
    exec 3>&-
    wait "$writer"
    check "failed final commit: exit 2" [ $? -eq 2 ]
    check "failed final commit: named" has "kosearch: cannot commit to failing"
    check "failed final commit: says the changes were not saved" \
        has "kosearch: the changes since the last commit were not saved"
    check "failed final commit: the summary claims nothing added" \
        has "kosearch: 0 added, 0 updated, 0 unchanged, 0 removed, 0 skipped; 0 passages written"
    chmod u+w failing
    check "failed final commit: the article is indeed not there" \
        bash -c "! '$kosearch' search --db failing 늦게 >/dev/null 2>&1"
fi

finish
