/* The Korean lexicon: hunspell-ko's nouns (lexicon_table.c, generated at
 * build time by tools/korean_lexicon.py), so that a noun written inside a
 * longer word of its own (청소 in 청소년) is told from one inside a compound
 * (대청소, 청소활동). The rule is tools/korean_lexicon.py's: a bigram is
 * inner when a dictionary noun covers it and goes on past its end. */
#include "kosearch_internal.h"

#include <string.h>
#include <unicode/utf8.h>

/* Longer words are checked over their first syllables only. */
#define MAX_WORD_SYLLABLES 64

/* Orders a table noun against the first len bytes of key (a noun longer
 * than the key sorts after it). */
static int compare_key(const char *noun, const char *key, size_t len)
{
    int c = strncmp(noun, key, len);
    if (c)
        return c;
    return noun[len] ? 1 : 0;
}

static size_t lower_bound(const char *key, size_t len)
{
    size_t lo = 0, hi = ks_lexicon_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_key(ks_lexicon_nouns[mid], key, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Byte offsets of the word's syllables, and one past the last. */
static size_t syllable_offsets(const char *word, size_t *offsets)
{
    size_t count = 0, len = strlen(word);
    int32_t at = 0;
    while ((size_t)at < len && count < MAX_WORD_SYLLABLES) {
        offsets[count++] = (size_t)at;
        UChar32 c;
        U8_NEXT(word, at, (int32_t)len, c);
        (void)c;
    }
    offsets[count] = (size_t)at;
    return count;
}

bool ks_lexicon_bigram_is_inner(const char *word, size_t first, const char *bigram)
{
    size_t offsets[MAX_WORD_SYLLABLES + 1];
    size_t n = syllable_offsets(word, offsets);
    size_t end = first + 2;
    if (end > n || offsets[end] - offsets[first] != strlen(bigram) ||
        memcmp(word + offsets[first], bigram, strlen(bigram)) != 0)
        return false;
    size_t longest = ks_lexicon_longest_syllables;
    for (size_t s = end > longest ? end - longest : 0; s <= first; s++) {
        for (size_t e = end + 1; e <= n && e - s <= longest; e++) {
            const char *key = word + offsets[s];
            size_t len = offsets[e] - offsets[s];
            size_t at = lower_bound(key, len);
            if (at == ks_lexicon_count || strncmp(ks_lexicon_nouns[at], key, len) != 0)
                break; /* no noun starts so: none longer either */
            if (ks_lexicon_nouns[at][len] == '\0')
                return true;
        }
    }
    return false;
}
