#!/bin/bash
# The shared library keeps the header's promises: it exports exactly the
# functions kosearch.h declares (nothing of Xapian or libstdc++), its soname
# is the header's KS_VERSION_MAJOR, and the header compiles on its own as
# C99 and as C++.
# Usage: symbols_test.sh LIBRARY HEADER C_COMPILER CXX_COMPILER
set -u
library=$1
header=$2
cc=$3
cxx=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/lib.sh"

# Every KS_API declaration names one function: `KS_API type name(`.
sed -n 's/^KS_API[^(]*[ *]\(ks_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u >"$work/declared"
nm -D --defined-only "$library" | awk '{ print $3 }' | sed 's/@.*//' | sort -u >"$work/exported"
check "the header declares functions" test -s "$work/declared"
if ! cmp -s "$work/declared" "$work/exported"; then
    echo "exported (>) and declared (<) differ:" >&2
    diff "$work/declared" "$work/exported" | head -n 20 >&2
fi
check "the library exports exactly the header's functions" cmp -s "$work/declared" "$work/exported"

major=$(sed -n 's/^#define KS_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
readelf -d "$library" >"$work/dynamic"
check "the soname is libkosearch.so.KS_VERSION_MAJOR" contains "$work/dynamic" "[libkosearch.so.$major]"
check "KS_VERSION_STRING agrees with the version macros" \
    grep -q "^#define KS_VERSION_STRING \"$major\.$(sed -n 's/^#define KS_VERSION_MINOR \([0-9]*\)$/\1/p' "$header")\.$(sed -n 's/^#define KS_VERSION_PATCH \([0-9]*\)$/\1/p' "$header")\"$" "$header"

printf '#include "kosearch.h"\n#if !KS_CHECK_VERSION(%s, 0, 0) || KS_CHECK_VERSION(%s, 0, 0)\n#error KS_CHECK_VERSION\n#endif\nint main(void) { return KS_STATUS_LAST > KS_ERR_INTERNAL ? 0 : 1; }\n' \
    "$major" "$((major + 1))" >"$work/alone.c"
cp "$work/alone.c" "$work/alone.cc"
include=$(dirname "$header")
check "the header compiles alone as C99" \
    "$cc" -std=c99 -Wall -Wextra -Werror -pedantic -I"$include" -o "$work/alone-c" "$work/alone.c"
check "the header compiles alone as C++" \
    "$cxx" -std=c++11 -Wall -Wextra -Werror -I"$include" -o "$work/alone-cc" "$work/alone.cc"
finish
