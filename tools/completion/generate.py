#!/usr/bin/env python3
"""Fills in the bash completion template from `kosearch --list-options`.

Usage: generate.py KOSEARCH TEMPLATE OUTPUT
"""
import subprocess
import sys


def main():
    kosearch, template, output = sys.argv[1:4]
    listed = subprocess.run([kosearch, "--list-options"], check=True, capture_output=True,
                            text=True).stdout
    commands = {}  # command -> its spellings, in table order
    takes_value = []
    for line in listed.splitlines():
        command, spelling, value = line.split("\t")
        commands.setdefault(command, []).append(spelling)
        if value and spelling not in takes_value:
            takes_value.append(spelling)
    case_lines = "\n".join(f'        {command}) options="{" ".join(spellings)}" ;;'
                           for command, spellings in commands.items())
    with open(template, encoding="utf-8") as f:
        text = f.read()
    text = (text.replace("@COMMANDS@", " ".join(commands))
                .replace("@VALUE_OPTIONS@", " | ".join(takes_value))
                .replace("@COMMAND_OPTIONS@\n", case_lines + "\n"))
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)


main()
