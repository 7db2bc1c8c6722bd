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

# Prints the summary and exits 0 only when nothing failed.
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
