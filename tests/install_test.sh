#!/bin/bash
# kosearch as installed: `meson install` into a staging DESTDIR, then every
# installed piece used the way a user or a program would use it.
# Usage: install_test.sh MESON BUILD_ROOT SOURCE_ROOT
set -u
meson=$1
build=$2
root=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
unset NO_COLOR KOSEARCH_DB

. "$(dirname "$0")/lib.sh"
is_file() { [ -f "$1" ] && [ ! -L "$1" ]; }
links_to() { [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; }
is_empty() { [ ! -s "$1" ]; }

# --no-rebuild: meson test has just built everything, and other tests run
# from the same build folder meanwhile.
if ! "$meson" install --no-rebuild --quiet --destdir "$stage" -C "$build" >"$work/install.log" 2>&1; then
    cat "$work/install.log" >&2
    echo "FAIL: meson install" >&2
    exit 1
fi

option() { "$meson" introspect --buildoptions "$build" | jq -r ".[] | select(.name == \"$1\") | .value"; }
prefix=$(option prefix)
in_stage() { # the staged location of an install directory option
    case $1 in
        /*) echo "$stage$1" ;;
        *) echo "$stage$prefix/$1" ;;
    esac
}
bindir=$(in_stage "$(option bindir)")
libdir=$(in_stage "$(option libdir)")
includedir=$(in_stage "$(option includedir)")
mandir=$(in_stage "$(option mandir)")
version=$("$meson" introspect --projectinfo "$build" | jq -r .version)
major=${version%%.*}

# Every file meson means to install is in the stage.
"$meson" introspect --installed "$build" | jq -r '.[]' >"$work/installed"
missing=0
while read -r path; do
    [ -e "$stage$path" ] || [ -L "$stage$path" ] || { echo "not installed: $path" >&2; missing=1; }
done <"$work/installed"
check "every file meson lists is installed" [ "$missing" -eq 0 ]

# The pieces, each where it belongs.
check "the kosearch command" test -x "$bindir/kosearch"
check "the shared library, fully versioned" is_file "$libdir/libkosearch.so.$version"
check "the soname link" links_to "$libdir/libkosearch.so.$major" "libkosearch.so.$version"
check "the development link" links_to "$libdir/libkosearch.so" "libkosearch.so.$major"
readelf -d "$libdir/libkosearch.so.$version" >"$work/dynamic"
check "the library's soname carries the major version" contains "$work/dynamic" "[libkosearch.so.$major]"
check "the public header" cmp -s "$includedir/kosearch.h" "$root/include/kosearch.h"
check "the pkg-config file" is_file "$libdir/pkgconfig/kosearch.pc"
check "the man page" is_file "$mandir/man1/kosearch.1"
completion=$(find "$stage" -path '*/bash-completion/completions/kosearch' | head -n 1)
check "bash completion in a bash-completion folder" test -n "$completion"

# The staged command runs with the staged library.
export LD_LIBRARY_PATH=$libdir
staged=$bindir/kosearch
"$staged" --version >"$work/version"
check "--version names kosearch's version" contains "$work/version" "kosearch $version "
check "--version names the index format and analyzer versions" \
    matches "$work/version" "index format [0-9]+.*analyzer [0-9]+"
check "--version names the ICU and Xapian it runs with" \
    matches "$work/version" "ICU [0-9]+(\.[0-9]+)*.*Xapian [0-9]+\.[0-9]+"
"$staged" --help >"$work/help"
sed -nE '/^Commands:/,/^$/s/^  ([a-z]+) .*/\1/p' "$work/help" >"$work/commands"
check "--help lists commands" test -s "$work/commands"

# Every option a command's --help shows, as -x and --long words.
options_of() {
    "$staged" "$1" --help | sed -nE 's/^ {2}(-.*)$/\1/p' | sed -E 's/  +.*//' |
        grep -oE -- '--?[a-zA-Z][a-zA-Z-]*'
}

# The man page renders, covers every command and option, and has the
# sections a reader looks for.
MANWIDTH=80 man -l "$mandir/man1/kosearch.1" >"$work/man" 2>"$work/man.err"
check "man -l renders the page" test -s "$work/man"
check "man -l renders without warnings" is_empty "$work/man.err"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "QUERY SYNTAX" INPUT OUTPUT \
    "JSON FIELDS" DATABASE ENVIRONMENT "EXIT STATUS" EXAMPLES; do
    check "man page section $section" grep -qE "^ *$section\$" "$work/man"
done
while read -r command; do
    check "man page describes '$command'" grep -qE "^ +$command\$" "$work/man"
    for word in $(options_of "$command"); do
        check "man page documents $command $word" contains "$work/man" "$word"
    done
done <"$work/commands"
for variable in KOSEARCH_DB XDG_DATA_HOME NO_COLOR; do
    check "man page documents \$$variable" grep -qE "^ +$variable\$" "$work/man"
done
for status in 0 1 2 130; do
    check "man page documents exit status $status" grep -qE "^ +$status\$" "$work/man"
done
for field in qid rank score id passage title section date url text highlights snippet \
    snippet_highlights; do
    check "man page documents the JSON field $field" grep -qE "^ +$field \(" "$work/man"
done

# A program built against the staged header and kosearch.pc finds the
# cleaning passage through the public API.
pkg_config() {
    PKG_CONFIG_PATH="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage" pkg-config "$@"
}
check "pkg-config knows kosearch" pkg_config --exists kosearch
check "pkg-config reports the version" [ "$(pkg_config --modversion kosearch)" = "$version" ]
flags=$(pkg_config --cflags --libs kosearch)
check "pkg-config points into the stage" grep -qF -- "-I$includedir" <<<"$flags"
cp "$root/tools/examples/search.c" "$work/search.c"
# A library built with sanitizers needs their runtime in the program too.
sanitize=$(option b_sanitize)
[ "$sanitize" = none ] && sanitize_flags="" || sanitize_flags="-fsanitize=$sanitize"
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror $sanitize_flags -o "$work/search" "$work/search.c" $flags \
    2>"$work/cc.err"; then
    passed=$((passed + 1))
else
    cat "$work/cc.err" >&2
    failed=$((failed + 1))
    echo "FAIL: the example builds against the staged install" >&2
fi
(cd "$root" && "$staged" index --quiet --db "$work/db" corpus/)
check "the staged kosearch indexes corpus/" [ $? -eq 0 ]
"$work/search" "$work/db" 깔끔이봉사단 >"$work/example.out" 2>"$work/example.err"
check "the example finds hits" [ $? -eq 0 ]
check "the example's first hit is the cleaning section" \
    bash -c "head -n 1 '$work/example.out' | grep -qF '청소 분야 10년째 1위'"
check "the example prints the passage with highlights" contains "$work/example.out" "[깔끔이봉사단]"
"$work/search" "$work/db" 없는낱말쿼리 >/dev/null 2>&1
check "the example exits 1 without hits" [ $? -eq 1 ]
"$work/search" "$work/missing-db" 구로구 >/dev/null 2>"$work/missing.err"
check "the example exits 2 without a database" [ $? -eq 2 ]
check "the example says why" test -s "$work/missing.err"

# bash completion: the installed file completes commands, options and values.
complete_words() { # complete_words WORD...: the candidates for the last word
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
             function=$(complete -p kosearch | sed -nE "s/.*-F ([^ ]+).*/\1/p")
             "$function"; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
check "completion registers a function for kosearch" \
    bash -c "source '$completion' && complete -p kosearch | grep -q -- '-F '"
complete_words kosearch "" >"$work/complete"
while read -r command; do
    check "completion offers the command '$command'" grep -qx "$command" "$work/complete"
done <"$work/commands"
check "completion narrows by prefix" [ "$(complete_words kosearch sea)" = search ]
while read -r command; do
    complete_words kosearch "$command" - >"$work/complete"
    for word in $(options_of "$command"); do
        check "completion offers $command $word" grep -qx -- "$word" "$work/complete"
    done
done <"$work/commands"
check "completion of --format for search" \
    [ "$(complete_words kosearch search --format "" | tr '\n' ' ')" = "text json " ]
check "completion of --format for batch" \
    [ "$(complete_words kosearch batch --format = "" | tr '\n' ' ')" = "tsv jsonl trec " ]
check "completion of --color values" \
    [ "$(complete_words kosearch search --color al)" = always ]
paths=$(cd "$root" && complete_words kosearch index corp)
check "completion of paths for index" [ "$paths" = corpus ]

finish
