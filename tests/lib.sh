# What the shell tests share: check(), the closing "N passed, N failed" line
# that meson and CI read, and small predicates on files. Source it:
#   . "$(dirname "$0")/lib.sh"
passed=0
failed=0

check() { # check DESCRIPTION COMMAND...: the command must succeed
    local description=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $description" >&2
    fi
}

contains() { grep -qF -- "$2" "$1"; }      # contains FILE TEXT
lacks() { ! grep -qF -- "$2" "$1"; }       # lacks FILE TEXT
matches() { grep -qE -- "$2" "$1"; }       # matches FILE REGEX

# For the tests that work inside their own folder with $kosearch set
# (hostile_test.sh, database_safety_test.sh):
# run EXPECTED_STATUS ARGS...: runs kosearch, keeping stdout in ./out and
# stderr in ./err, and says what went wrong when the status differs.
run() {
    local expected=$1
    shift
    "$kosearch" "$@" >out 2>err
    local status=$?
    if [ "$status" -ne "$expected" ]; then
        echo "kosearch $(printf '%.200s' "$*") exited $status, expected $expected; stderr:" >&2
        head -5 err >&2
        return 1
    fi
}
has() { contains err "$1"; }    # has TEXT: the last run's stderr says TEXT
# finds DB WORD ID: a search for WORD lists article ID
# (a text file's id is its absolute path: in/a.txt is $PWD/in/a.txt)
finds() {
    "$kosearch" search --db "$1" --format json "$2" 2>/dev/null |
        grep -qF -e "\"id\":\"$3\"" -e "\"id\":\"$(pwd -P)/$3\""
}

# Prints the summary and exits 0 only when nothing failed.
# hold_lock DB: starts an indexer that holds DB's write lock, waiting for
# more of its stdin, until fd 3 closes; its pid is in $holder.
hold_lock() {
    rm -f slow_input
    mkfifo slow_input
    "$kosearch" index --db "$1" - <slow_input >/dev/null 2>&1 &
    holder=$!
    exec 3>slow_input
    echo '{"id": "held", "body": "잠금을 쥔 기사"}' >&3
    # Held once Xapian's lock file exists (one per shard in a sharded folder).
    for _ in $(seq 50); do
        compgen -G "$1/flintlock" >/dev/null || compgen -G "$1/shard-*/flintlock" >/dev/null
        [ $? -eq 0 ] && break
        sleep 0.1
    done
    sleep 0.3
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
