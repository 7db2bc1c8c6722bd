#!/bin/bash
# The Python module as installed: `meson install` into a staging DESTDIR,
# then a fresh interpreter that sees only the staged site-packages and
# library indexes corpus/ through the module and searches it.
# Usage: install_test.sh MESON BUILD_ROOT SOURCE_ROOT PYTHON SITE_PACKAGES
set -u
meson=$1
build=$2
root=$3
python=$4
site_packages=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage

. "$root/tests/lib.sh"

if ! "$meson" install --no-rebuild --quiet --destdir "$stage" -C "$build" >"$work/install.log" 2>&1; then
    cat "$work/install.log" >&2
    echo "FAIL: meson install" >&2
    exit 1
fi
libdir=$stage$("$meson" introspect --buildoptions "$build" |
    "$python" -c 'import json, sys
options = {o["name"]: o["value"] for o in json.load(sys.stdin)}
libdir = options["libdir"]
print(libdir if libdir.startswith("/") else options["prefix"] + "/" + libdir)')
staged=$stage$site_packages

check "it goes where the interpreter looks for modules" \
    "$python" -c 'import site, sys; sys.exit(sys.argv[1].rstrip("/") not in site.getsitepackages())' \
    "$site_packages"
check "the module is installed into site-packages" \
    bash -c "ls '$staged'/kosearch*.so >/dev/null"
check "the type stubs are installed beside it" test -f "$staged/kosearch.pyi"

# A fresh interpreter: nothing from the caller's environment or the build.
fresh_python() {
    env -i PATH=/usr/bin:/bin PYTHONPATH="$staged" LD_LIBRARY_PATH="$libdir" \
        ${LD_PRELOAD:+LD_PRELOAD="$LD_PRELOAD"} ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
        "$python" "$@"
}
cd "$root" || exit 2
fresh_python - "$stage" "$work/db" >"$work/out" 2>"$work/err" <<'PYTHON'
import sys
import kosearch

stage, db_path = sys.argv[1], sys.argv[2]
assert kosearch.__file__.startswith(stage), kosearch.__file__
with kosearch.open(db_path, writable=True) as writer:
    summary = writer.index("corpus")
print("indexed", summary.added, summary.passages, len(summary.problems))
with kosearch.open(db_path) as db:
    hit = db.search("깔끔이봉사단")[0]
    print("first", hit.section)
    start, end = hit.char_highlights[0]
    print("highlight", hit.text[start:end])
PYTHON
status=$?
check "the staged module indexes corpus/ and searches it" [ "$status" -eq 0 ]
[ "$status" -eq 0 ] || cat "$work/err" >&2
check "every file of corpus/ is indexed, none skipped" \
    grep -qE "^indexed $(find corpus -name '*.txt' | wc -l) [1-9][0-9]* 0$" "$work/out"
check "the first hit for 깔끔이봉사단 is the cleaning section" \
    grep -qxF "first 청소 분야 10년째 1위" "$work/out"
check "the highlight is the word searched" grep -qE "^highlight 깔끔이봉사단" "$work/out"

fresh_python -c 'import kosearch; help(kosearch)' >"$work/help" 2>&1
check "help(kosearch) documents open() and Database.search()" \
    bash -c "grep -qF 'open(path=None, writable=False' '$work/help' &&
             grep -qF 'search(query, *, limit=10' '$work/help'"

finish
