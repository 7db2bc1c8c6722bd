#!/usr/bin/env python3
"""No source file of the library calls into a file that calls back into it.

Reads which functions each object file of the library defines and which it
needs (nm), and fails naming the files of any circle, with the functions that
close it: the pipeline (README's Layout) only runs one way.
Usage: imports_test.py LIBKOSEARCH_INTERNAL.a
"""
import subprocess
import sys


def object_symbols(archive):
    defined, needed = {}, {}
    out = subprocess.run(["nm", "-A", archive], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        _archive, member, rest = line.split(":", 2)  # archive:member: symbol line
        member = member.rsplit("/", 1)[-1].removesuffix(".o").replace("meson-generated_.._", "")
        fields = rest.split()
        if len(fields) == 3 and fields[1] in "TDBR":
            defined[fields[2]] = member
        elif len(fields) == 2 and fields[0] == "U":
            needed.setdefault(member, set()).add(fields[1])
    return defined, needed


def main():
    defined, needed = object_symbols(sys.argv[1])
    files = set(defined.values())
    calls = {f: {defined[s] for s in needed.get(f, ()) if defined.get(s, f) != f} for f in files}
    if len(files) < 10:
        sys.exit(f"only {len(files)} object files with symbols in {sys.argv[1]}")
    circles = []

    def walk(start, path):
        for callee in sorted(calls.get(path[-1], ())):
            if callee == start:
                circles.append(path + [start])
            elif callee not in path and callee > start:
                walk(start, path + [callee])

    for start in sorted(files):
        walk(start, [start])
    for circle in circles:
        links = []
        for caller, callee in zip(circle, circle[1:]):
            used = sorted(s for s in needed[caller] if defined.get(s) == callee)
            links.append(f"{caller} -> {callee} ({', '.join(used[:3])})")
        print("import circle: " + "; ".join(links))
    print(f"{len(files)} files, {len(circles)} circles")
    sys.exit(1 if circles else 0)


main()
