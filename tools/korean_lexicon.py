#!/usr/bin/env python3
"""The Korean nouns of hunspell-ko's dictionary (Debian `hunspell-ko`), and the
rule that says when a noun written inside a longer word is that noun.

A dictionary entry is a noun when its affix flags allow particles (flag 530)
and it is not a verb or adjective stem that only occurs inside inflected forms
(flag 1, ONLYINCOMPOUND). Entries are stored decomposed in ko.dic; they are
composed (NFC) here.

The rule, used by kosearch's index (through the C table this writes) and by
tools/eval's judge alike: an occurrence of a two-syllable noun N inside a
written word W is N unless a dictionary noun longer than N covers the
occurrence and goes on past its end. A longer noun is specific enough to be
itself wherever it is written (구로구 in 구로구청장). Korean compounds put their head last, so a noun ending a longer
noun is what that noun is about (대청소 is a 청소, 물청소 too), while a longer
noun that begins with N and goes on is a different word (청소년, 부동산,
인도네시아). Words not in the dictionary are compounds of their parts
(청소활동, 청소년활동).

The judge (holds_word) also asks where the occurrence starts: at the start
of the written word, or right after a dictionary noun (청소년활동's 활동), or
as the end of a longer dictionary noun (대청소). Elsewhere it is inside a
verb or an ending (결정하기로 does not write 기로).

  python3 tools/korean_lexicon.py c-table DIC AFF OUT.c   (the build's table)
"""

import sys
import unicodedata
from pathlib import Path

DEFAULT_DIC = Path("/usr/share/hunspell/ko.dic")
DEFAULT_AFF = Path("/usr/share/hunspell/ko.aff")
PARTICLE_FLAG = "530"
# The dictionary's one longer entry is a 72-syllable joke name.
MAX_NOUN_SYLLABLES = 10
ONLY_IN_COMPOUND_FLAG = "1"


def is_hangul_syllable(c):
    return "\uac00" <= c <= "\ud7a3"


def flag_aliases(aff_path):
    """AF alias number (1-based) -> its set of flags."""
    aliases = []
    with open(aff_path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("AF "):
                fields = line.split()
                if len(fields) == 2 and not aliases and fields[1].isdigit():
                    continue  # the count line
                aliases.append(set(fields[1].split(",")))
    return aliases


def load_nouns(dic_path=DEFAULT_DIC, aff_path=DEFAULT_AFF):
    """The dictionary's nouns of 2 to MAX_NOUN_SYLLABLES Hangul syllables, as a set."""
    aliases = flag_aliases(aff_path)
    nouns = set()
    with open(dic_path, encoding="utf-8") as lines:
        next(lines)  # the entry count
        for line in lines:
            word, _, flags = line.rstrip("\n").partition("/")
            if not flags.isdigit() or not 1 <= int(flags) <= len(aliases):
                continue
            alias = aliases[int(flags) - 1]
            if PARTICLE_FLAG not in alias or ONLY_IN_COMPOUND_FLAG in alias:
                continue
            word = unicodedata.normalize("NFC", word)
            if 2 <= len(word) <= MAX_NOUN_SYLLABLES and all(map(is_hangul_syllable, word)):
                nouns.add(word)
    return nouns


class Lexicon:
    def __init__(self, nouns):
        self.nouns = nouns
        self.longest = max(map(len, nouns)) if nouns else 0

    def bound_at(self, word, start, end):
        """True when word[start:end] lies inside a longer dictionary noun that
        goes on past `end` (the occurrence is part of a different word)."""
        for s in range(max(0, start - self.longest + 1), start + 1):
            for e in range(end + 1, min(len(word), s + self.longest) + 1):
                if word[s:e] in self.nouns:
                    return True
        return False

    def starts_here(self, word, start, length):
        """True when a noun may start at word[start]: the word's start, right
        after a dictionary noun, or inside a dictionary noun that ends with it."""
        if start == 0:
            return True
        return any(word[s:start] in self.nouns or word[s:start + length] in self.nouns
                   for s in range(max(0, start - self.longest), start))

    def holds_word(self, text, noun):
        """True when text writes noun as itself at least once (the rule above)."""
        at = text.find(noun)
        while at >= 0:
            start = at
            while start > 0 and is_hangul_syllable(text[start - 1]):
                start -= 1
            end = at + len(noun)
            while end < len(text) and is_hangul_syllable(text[end]):
                end += 1
            word, i = text[start:end], at - start
            if self.starts_here(word, i, len(noun)) and (
                    len(noun) > 2 or not self.bound_at(word, i, i + len(noun))):
                return True
            at = text.find(noun, at + 1)
        return False


def write_c_table(nouns, out_path):
    """The nouns the analyzer needs (three or more syllables: only those can
    go on past a two-syllable bigram), sorted by UTF-8 bytes for bsearch."""
    words = sorted((w for w in nouns if len(w) >= 3), key=lambda w: w.encode("utf-8"))
    longest = max(len(w) for w in words)
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("/* Generated by tools/korean_lexicon.py from hunspell-ko: do not edit. */\n")
        out.write('#include "kosearch_internal.h"\n\n')
        out.write(f"const size_t ks_lexicon_longest_syllables = {longest};\n")
        out.write(f"const size_t ks_lexicon_count = {len(words)};\n")
        out.write("const char *const ks_lexicon_nouns[] = {\n")
        for w in words:
            out.write(f'    "{w}",\n')
        out.write("};\n")


def main(argv):
    if len(argv) != 4 or argv[0] != "c-table":
        print("usage: korean_lexicon.py c-table DIC AFF OUT.c", file=sys.stderr)
        return 2
    try:
        nouns = load_nouns(argv[1], argv[2])
    except OSError as error:
        print(f"korean_lexicon.py: {error} (install the Debian package hunspell-ko)",
              file=sys.stderr)
        return 2
    if not nouns:
        print(f"korean_lexicon.py: no nouns found in {argv[1]}", file=sys.stderr)
        return 2
    write_c_table(nouns, argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
