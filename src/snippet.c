/* Highlights and snippets from the stored passage text and the analyzer's
 * byte offsets (Xapian's own snippets re-tokenize and would highlight Korean
 * one syllable at a time).
 *
 * A word holding a whole query term is highlighted whole; a query word found
 * inside a compound highlights just that part (봉사단 in 깔끔이봉사단). The
 * snippet is the window with the most distinct matches, started at a
 * sentence where one is near. */
#define _GNU_SOURCE /* memmem */
#include "kosearch_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf8.h>

/* How far back a window may move to start at a sentence. */
#define SENTENCE_LOOKBACK 80
#define ELLIPSIS "…"

typedef struct span_list {
    ks_span *items;
    size_t count, cap;
} span_list;

static ks_status span_push(span_list *list, size_t start, size_t end)
{
    ks_status st = ks_grow((void **)&list->items, &list->cap, list->count + 1, sizeof *list->items);
    if (st == KS_OK)
        list->items[list->count++] = (ks_span){start, end};
    return st;
}

static int compare_spans(const void *a, const void *b)
{
    const ks_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static void merge_spans(span_list *list)
{
    if (list->count == 0)
        return;
    qsort(list->items, list->count, sizeof *list->items, compare_spans);
    size_t kept = 0;
    for (size_t i = 1; i < list->count; i++) {
        ks_span *last = &list->items[kept];
        if (list->items[i].start <= last->end) {
            if (list->items[i].end > last->end)
                last->end = list->items[i].end;
        } else {
            list->items[++kept] = list->items[i];
        }
    }
    list->count = kept + 1;
}

static bool is_query_word(const ks_match_terms *match, const char *text)
{
    for (size_t i = 0; i < match->word_count; i++)
        if (strcmp(match->words[i], text) == 0)
            return true;
    return false;
}

/* Finds each query word's bigram run as consecutive bigrams of the text. */
static ks_status highlight_runs(const ks_term *terms, size_t count, const ks_match_terms *match,
                                span_list *out)
{
    ks_status st = KS_OK;
    for (size_t r = 0; r < match->run_count && st == KS_OK; r++) {
        const ks_bigram_run *run = &match->runs[r];
        for (size_t i = 0; i < count && st == KS_OK; i++) {
            if (terms[i].kind != KS_TERM_BIGRAM || strcmp(terms[i].text, run->bigrams[0]) != 0)
                continue;
            size_t matched = 1, last = i;
            for (size_t j = i + 1; j < count && matched < run->count; j++) {
                if (terms[j].kind != KS_TERM_BIGRAM)
                    continue;
                if (terms[j].position != terms[last].position + 1 ||
                    strcmp(terms[j].text, run->bigrams[matched]) != 0)
                    break;
                matched++;
                last = j;
            }
            if (matched == run->count)
                st = span_push(out, terms[i].start, terms[last].end);
        }
    }
    return st;
}

static ks_status find_highlights(const ks_term *terms, size_t count, const ks_match_terms *match,
                                 size_t shift, span_list *out)
{
    ks_status st = KS_OK;
    size_t first = out->count;
    for (size_t i = 0; i < count && st == KS_OK; i++)
        if (terms[i].kind != KS_TERM_BIGRAM && is_query_word(match, terms[i].text))
            st = span_push(out, terms[i].start, terms[i].end);
    if (st == KS_OK)
        st = highlight_runs(terms, count, match, out);
    for (size_t i = first; i < out->count; i++) {
        out->items[i].start += shift;
        out->items[i].end += shift;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Analyzing only the text that can match.                                  */

/* Running the analyzer (ICU word breaks, normalization, stems) over a whole
 * passage cost more than the search itself, while a query matches a few of
 * its words. Words never span an ASCII space or line break, so the passage
 * is cut there into chunks, and only chunks that may hold a match are
 * analyzed, each on its own: terms and positions inside a chunk are the same
 * as in the whole text, and a bigram run never crosses words. */

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* True when the code point is its own NFKC_Casefold form and composes with
 * nothing before it (so no combining mark or conjoining jamo). */
static bool is_stable(uint32_t c)
{
    if (c < 0x80)
        return c < 'A' || c > 'Z';
    if (ks_is_hangul_syllable(c))
        return true;
    return !u_hasBinaryProperty((UChar32)c, UCHAR_CHANGES_WHEN_NFKC_CASEFOLDED) &&
           u_getIntPropertyValue((UChar32)c, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES;
}

/* True when `text` is made of stable code points only: then it is its own
 * normalized form, and every term made from it (word, stem, number+counter,
 * bigram) is a substring of it. */
static bool is_plain(const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (U8_IS_SINGLE(text[i])) {
            if (text[i] >= 'A' && text[i] <= 'Z')
                return false;
            i++;
            continue;
        }
        UChar32 c;
        U8_NEXT(text, i, len, c);
        if (!is_stable(c < 0 ? 0xFFFD : (uint32_t)c))
            return false;
    }
    return true;
}

static const char *candidate_needle(const ks_match_terms *match, size_t k)
{
    const char *needle = NULL;
    if (k < match->word_count)
        needle = match->words[k];
    else if (match->runs[k - match->word_count].count)
        needle = match->runs[k - match->word_count].bigrams[0];
    return needle && *needle ? needle : NULL;
}

/* True when another candidate lies inside this one (직위 in 직위는): this
 * one's occurrences are found through it. Of equal ones the first stays. */
static bool holds_other_needle(const ks_match_terms *match, const char *needle, size_t k)
{
    size_t candidates = match->word_count + match->run_count;
    for (size_t other = 0; other < candidates; other++) {
        const char *o = candidate_needle(match, other);
        if (other == k || !o || !strstr(needle, o))
            continue;
        if (strcmp(o, needle) != 0 || other < k)
            return true;
    }
    return false;
}

ks_status ks_snippet_find_needles(ks_match_terms *match)
{
    size_t candidates = match->word_count + match->run_count;
    free(match->needles);
    match->needle_count = 0;
    match->needles = malloc((candidates ? candidates : 1) * sizeof *match->needles);
    if (!match->needles)
        return KS_ERR_NOMEM;
    for (size_t k = 0; k < candidates; k++) {
        const char *needle = candidate_needle(match, k);
        if (needle && !holds_other_needle(match, needle, k))
            match->needles[match->needle_count++] = needle;
    }
    return KS_OK;
}

/* Start offsets of occurrences of the query words and of the first bigrams
 * of runs, in order: every chunk that holds one holds one of these. None of
 * them holds a space, so each occurrence lies in one chunk. */
static ks_status find_occurrences(const char *text, size_t len, const ks_match_terms *match,
                                  span_list *out)
{
    ks_status st = KS_OK;
    size_t needles = match->needles ? match->needle_count : match->word_count + match->run_count;
    for (size_t k = 0; k < needles && st == KS_OK; k++) {
        const char *needle = match->needles ? match->needles[k] : candidate_needle(match, k);
        if (!needle)
            continue;
        size_t n = strlen(needle);
        const char *found = text;
        while (st == KS_OK && (found = memmem(found, len - (size_t)(found - text), needle, n))) {
            st = span_push(out, (size_t)(found - text), (size_t)(found - text) + n);
            found++;
        }
    }
    if (st == KS_OK && out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, compare_spans);
    return st;
}

/* True when ICU's word breaks attach the code point to the space before it. */
static bool joins_space(uint32_t c)
{
    if (c < 0x80 || ks_is_hangul_syllable(c))
        return false;
    int32_t wb = u_getIntPropertyValue((UChar32)c, UCHAR_WORD_BREAK);
    return wb == U_WB_EXTEND || wb == U_WB_FORMAT || wb == U_WB_ZWJ;
}

/* End of the chunk starting at `at`: the next space, unless what follows the
 * spaces attaches to them (a combining mark, a format character). */
static size_t chunk_end(const char *text, size_t len, size_t at)
{
    for (size_t i = at; i < len; i++) {
        if (!is_ascii_space(text[i]))
            continue;
        size_t next = i + 1;
        while (next < len && is_ascii_space(text[next]))
            next++;
        size_t after = next;
        if (next == len || !joins_space(ks_utf8_next(text, len, &after)))
            return i;
        i = next - 1;
    }
    return len;
}

/* Analyzes the chunks that are not plain text or hold an occurrence. */
static ks_status find_all_highlights(ks_analyzer *analyzer, const char *text, size_t len,
                                     const ks_match_terms *match, span_list *out)
{
    span_list occurrences = {0};
    ks_status st = find_occurrences(text, len, match, &occurrences);
    size_t at = 0, next = 0;
    while (at < len && st == KS_OK) {
        while (at < len && is_ascii_space(text[at]))
            at++;
        size_t end = chunk_end(text, len, at);
        while (next < occurrences.count && occurrences.items[next].start < at)
            next++;
        bool holds = next < occurrences.count && occurrences.items[next].start < end;
        if (end > at && (holds || !is_plain(text + at, end - at))) {
            const ks_term *terms;
            size_t count;
            st = ks_analyzer_run(analyzer, text + at, end - at, &terms, &count);
            if (st == KS_OK)
                st = find_highlights(terms, count, match, at, out);
        }
        at = end;
    }
    free(occurrences.items);
    if (st == KS_OK)
        merge_spans(out);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Choosing the window.                                                     */

static bool is_continuation_byte(char c)
{
    return U8_IS_TRAIL(c);
}

static size_t back_to_char_start(const char *text, size_t at)
{
    while (at > 0 && is_continuation_byte(text[at]))
        at--;
    return at;
}

/* Distinct matched strings inside [start, end): the number of different
 * query words a window shows. */
static size_t distinct_matches(const char *text, const span_list *spans, size_t start, size_t end)
{
    size_t distinct = 0;
    for (size_t i = 0; i < spans->count; i++) {
        const ks_span *s = &spans->items[i];
        if (s->start < start || s->end > end)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            const ks_span *p = &spans->items[k];
            seen = p->start >= start && p->end <= end && p->end - p->start == s->end - s->start &&
                   memcmp(text + p->start, text + s->start, s->end - s->start) == 0;
        }
        distinct += !seen;
    }
    return distinct;
}

/* Moves a window start back to the beginning of its sentence when one is
 * close, else to the previous space, so snippets do not open mid-word. */
static size_t natural_start(const char *text, size_t at)
{
    size_t floor = at > SENTENCE_LOOKBACK ? at - SENTENCE_LOOKBACK : 0;
    for (size_t i = at; i > floor; i--) {
        char c = text[i - 1];
        if (c == '\n' || ((c == '.' || c == '!' || c == '?') && i < at && text[i] == ' '))
            return i + (text[i] == ' ');
    }
    if (floor == 0)
        return 0;
    for (size_t i = at; i > floor; i--)
        if (text[i - 1] == ' ')
            return i;
    return back_to_char_start(text, at);
}

static size_t natural_end(const char *text, size_t len, size_t at)
{
    if (at >= len)
        return len;
    for (size_t i = at; i > at / 2 + 1 && at - i < 40; i--)
        if (text[i] == ' ')
            return i;
    return back_to_char_start(text, at);
}

static void choose_window(const char *text, size_t len, const span_list *spans, size_t target,
                          size_t *out_start, size_t *out_end)
{
    size_t best_start = 0, best_score = 0;
    for (size_t i = 0; i < spans->count; i++) {
        size_t start = natural_start(text, spans->items[i].start);
        size_t end = start + target < len ? start + target : len;
        size_t score = distinct_matches(text, spans, start, end);
        if (score > best_score) {
            best_score = score;
            best_start = start;
        }
    }
    *out_start = best_start;
    *out_end = natural_end(text, len, best_start + target < len ? best_start + target : len);
    if (*out_end <= *out_start)
        *out_end = back_to_char_start(text, best_start + target < len ? best_start + target : len);
}

static ks_status build_snippet(const char *text, size_t len, const span_list *spans, size_t target,
                               ks_snippet *out)
{
    size_t start = 0, end = len;
    if (len > target)
        choose_window(text, len, spans, target, &start, &end);
    ks_buf snippet = {0};
    ks_status st = KS_OK;
    if (start > 0)
        st = ks_buf_append_str(&snippet, ELLIPSIS);
    size_t shift = snippet.len;
    if (st == KS_OK)
        st = ks_buf_append(&snippet, text + start, end - start);
    if (st == KS_OK && end < len)
        st = ks_buf_append_str(&snippet, ELLIPSIS);
    if (st != KS_OK) {
        ks_buf_free(&snippet);
        return st;
    }
    /* One line: newlines become spaces, byte for byte, so offsets hold. */
    for (size_t i = 0; i < snippet.len; i++)
        if (snippet.data[i] == '\n' || snippet.data[i] == '\r' || snippet.data[i] == '\t')
            snippet.data[i] = ' ';
    span_list inside = {0};
    for (size_t i = 0; i < spans->count && st == KS_OK; i++)
        if (spans->items[i].start >= start && spans->items[i].end <= end)
            st = span_push(&inside, spans->items[i].start - start + shift,
                           spans->items[i].end - start + shift);
    out->text = snippet.data;
    out->len = snippet.len;
    out->snippet_highlights = inside.items;
    out->snippet_highlight_count = inside.count;
    return st;
}

ks_status ks_snippet_make(ks_analyzer *analyzer, const char *text, size_t len,
                          const ks_match_terms *match, size_t target_bytes, ks_snippet *out)
{
    memset(out, 0, sizeof *out);
    span_list spans = {0};
    ks_status st = find_all_highlights(analyzer, text, len, match, &spans);
    if (st == KS_OK)
        st = build_snippet(text, len, &spans, target_bytes, out);
    out->highlights = spans.items;
    out->highlight_count = spans.count;
    if (st != KS_OK)
        ks_snippet_free(out);
    return st;
}

void ks_snippet_free(ks_snippet *snippet)
{
    free(snippet->highlights);
    free(snippet->text);
    free(snippet->snippet_highlights);
    memset(snippet, 0, sizeof *snippet);
}
