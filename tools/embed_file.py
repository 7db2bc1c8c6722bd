#!/usr/bin/env python3
"""Writes a C file holding a file's bytes, so the binary can serve it from
memory: embed_file.py INPUT OUTPUT NAME defines NAME[] and NAME_len."""
import sys

source, target, name = sys.argv[1:4]
data = open(source, "rb").read()
with open(target, "w") as out:
    out.write(f"/* Generated from {source.rsplit('/', 1)[-1]}; do not edit. */\n")
    out.write("#include <stddef.h>\n\n")
    out.write(f"const unsigned char {name}[] = {{\n")
    for start in range(0, len(data), 16):
        out.write("    " + ", ".join(str(b) for b in data[start:start + 16]) + ",\n")
    out.write("    0\n};\n")
    out.write(f"const size_t {name}_len = {len(data)};\n")
