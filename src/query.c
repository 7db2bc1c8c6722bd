/* Query tree -> Xapian query, through the same analyzer as the documents
 * (the tree comes from parse.c).
 *
 * Ranking: a passage holding more of the query's clauses (the words and
 * phrases as typed) comes before one holding fewer, in keyword queries
 * (KEYWORD_QUERY_CLAUSES); BM25 orders passages holding as many. Longer
 * queries are questions, ranked by BM25 over all their words.
 *
 * Why one file of this size: it is one policy, how a typed word becomes
 * clauses, weights and filters, and it changes whenever ranking does; its
 * sections (words, expansions, fields, the whole query, --explain) share the
 * builder and its term budget. */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The cost cap. Xapian's matcher slows down more than linearly with the
 * number of terms (a 40,000-syllable word, 40,000 bigrams, took a minute
 * and 1 GB), and 초성 and prefix* words each stand for many indexed words.
 * A query is refused when the terms it expands to pass this cap (its text
 * is capped by parse.c), before any expansion is looked up; a long pasted
 * sentence stays well inside. */
#define MAX_QUERY_TERMS 1000
/* The most frequent words a prefix* or initials stand for. */
#define MAX_PREFIX_EXPANSION 100
#define MAX_INITIALS_EXPANSION 50

/* ------------------------------------------------------------------------ */
/* Building the Xapian query.                                               */

/* Relative weights of the ways a query word can match. A whole word (or its
 * stem) is the strongest evidence; a run of syllable bigrams inside a
 * compound is weaker; words found close together earn a bonus. */
/* Measured with BM25 k1 0.6 and b 1.0 on the three development halves
 * (tools/eval), other fragment and proximity weights moved the mean MRR@10 by
 * 0.002 at most (fragment 0.5: -0.001; proximity 0.3: 0.000; loose bigrams
 * 0.5: +0.002 with KorQuAD -0.001), so these stay as tuned on KorQuAD. */
/* Retuned with joined words and parts (k1 0.6, b 1.0, development halves,
 * KorQuAD / KorNLI / KorSTS MRR@10 0.949 / 0.488 / 0.809): fragment 0.5
 * 0.948 / 0.489 / 0.804; context 1.0 0.949 / 0.487 / 0.809; loose bigrams 0.5
 * 0.949 / 0.502 / 0.806. At the chosen k1 0.7, b 0.9 loose bigrams 0.25, 0.5,
 * 0.75, 1.0 give KorNLI 0.500, 0.498, 0.492, 0.486 but KorQuAD 0.948, 0.949,
 * 0.948, 0.949 and KorSTS 0.806, 0.808, 0.812, 0.813: 1.0 keeps the worst
 * margin over the targets smallest (search.c). */
#define WEIGHT_WHOLE_WORD 1.0
#define WEIGHT_FRAGMENT 0.3
#define WEIGHT_PROXIMITY 0.1
/* A word of the passage's title or heading (tools/eval: KorQuAD questions
 * name their article's subject). */
#define WEIGHT_CONTEXT 0.5
/* Any of a word's bigrams, in any order: finds compounds written with a
 * space (수중 도시 for 수중도시). Weighed per bigram, so it stays below a
 * whole-word match. */
#define WEIGHT_LOOSE_BIGRAMS 1.0
/* A long word (at least PARTS_MIN_SYLLABLES) that splits into dictionary
 * nouns is also found where its nouns are written apart (어린이급식관리지원센터
 * in 어린이 급식 관리 지원 센터), all of them, weighed per noun: together they
 * weigh as one whole word. tools/eval development halves (k1 0.5, b 0.9),
 * MRR@10 KorQuAD / KorNLI: none 0.9519 / 0.4750; 0.1 0.9519 / 0.4751; 0.3
 * 0.9516 / 0.4754; 1.0 0.9518 / 0.4766; KorSTS and keyword P@10 unmoved. */
#define WEIGHT_PARTS 1.0
#define PARTS_MIN_SYLLABLES 4
/* Two adjacent query nouns written together in a passage (대청소 활동 in
 * 대청소활동): a ranking bonus, as a whole word. Same measurement: 0.5 gives
 * KorQuAD +0.0005, KorNLI -0.0003; 1.0 +0.0002, -0.0011; KorSTS -0.0005,
 * keyword P@10 unmoved. 1.0 so that a passage writing the joined word ranks
 * above a long one holding the two words far apart (tests/test_api.c). */
#define WEIGHT_JOINED 1.0
/* Above this many words a proximity bonus costs more than it tells. */
#define MAX_PROXIMITY_WORDS 16
/* Two words count as close within this many word positions. */
#define PROXIMITY_WINDOW 3
/* A pair earns the bonus only when one of its words is in at most this
 * share of the passages: same MRR@10 on tools/eval, fewer instructions. */
#define PROXIMITY_COMMON_SHARE 0.01

void ks_match_terms_free(ks_match_terms *terms)
{
    for (size_t i = 0; i < terms->word_count; i++)
        free(terms->words[i]);
    free(terms->words);
    for (size_t i = 0; i < terms->run_count; i++) {
        for (size_t k = 0; k < terms->runs[i].count; k++)
            free(terms->runs[i].bigrams[k]);
        free(terms->runs[i].bigrams);
    }
    free(terms->runs);
    free(terms->needles);
    memset(terms, 0, sizeof *terms);
}

static ks_status match_add_word(ks_match_terms *terms, const char *text)
{
    for (size_t i = 0; i < terms->word_count; i++)
        if (strcmp(terms->words[i], text) == 0)
            return KS_OK;
    ks_status st = ks_grow((void **)&terms->words, &terms->word_cap, terms->word_count + 1,
                           sizeof *terms->words);
    if (st != KS_OK)
        return st;
    char *copy = ks_strndup(text, strlen(text));
    if (!copy)
        return KS_ERR_NOMEM;
    terms->words[terms->word_count++] = copy;
    return KS_OK;
}

static ks_status match_add_run(ks_match_terms *terms, const ks_term *const *bigrams, size_t count)
{
    if (count == 0)
        return KS_OK;
    ks_status st = ks_grow((void **)&terms->runs, &terms->run_cap, terms->run_count + 1,
                           sizeof *terms->runs);
    if (st != KS_OK)
        return st;
    ks_bigram_run *run = &terms->runs[terms->run_count];
    run->bigrams = calloc(count, sizeof *run->bigrams);
    if (!run->bigrams)
        return KS_ERR_NOMEM;
    run->count = count;
    terms->run_count++;
    for (size_t i = 0; i < count; i++)
        if (!(run->bigrams[i] = ks_strndup(bigrams[i]->text, strlen(bigrams[i]->text))))
            return KS_ERR_NOMEM;
    return KS_OK;
}

/* One analyzed word of the query, with its terms grouped by how they match. */
typedef struct query_word {
    const ks_term *whole[8];  /* SURFACE, STEM, COMPOUND */
    size_t whole_count;
    const ks_term **bigrams;  /* in order, limited to the stem's syllables */
    size_t bigram_count;
} query_word;

typedef struct clause_list {
    shim_query **items;
    size_t count, cap;
} clause_list;

typedef struct builder {
    ks_analyzer *analyzer;
    ks_match_terms *match;
    ks_buf *error;
    ks_status status;
    bool drop_question_words; /* the query has other words to go by */
    size_t term_count;        /* terms so far, for MAX_QUERY_TERMS */
    bool question;            /* more clauses than KEYWORD_QUERY_CLAUSES, or
                                 typed as a question (typed_as_question) */
    clause_list loose;        /* loose bigram matches: they rank, never select */
    clause_list context;      /* words of the title and heading: they rank too */
    struct shim_db *db;       /* for initials and synonyms; NULL: none */
    /* Passages holding each proximity word (UINT64_MAX: unknown). */
    uint64_t proximity_freq[MAX_PROXIMITY_WORDS];
} builder;

static void free_queries(shim_query **queries, size_t count)
{
    for (size_t i = 0; i < count; i++)
        shim_query_free(queries[i]);
}

/* Adds a clause; clauses that match nothing (words the analyzer keeps no
 * term of, such as punctuation) are dropped. */
static void clause_list_push(builder *b, clause_list *list, shim_query *q)
{
    if (shim_query_is_empty(q)) {
        shim_query_free(q);
        return;
    }
    if (ks_grow((void **)&list->items, &list->cap, list->count + 1, sizeof *list->items) != KS_OK) {
        b->status = KS_ERR_NOMEM;
        shim_query_free(q);
        return;
    }
    list->items[list->count++] = q;
}

static void clause_list_free(clause_list *list)
{
    free_queries(list->items, list->count);
    free(list->items);
}

/* Groups the analyzer's terms into words. `words` has room for one entry
 * per term; bigram pointer arrays point into `bigram_slots`. */
static size_t group_words(const ks_term *terms, size_t count, query_word *words,
                          const ks_term **bigram_slots)
{
    size_t word_count = 0;
    uint32_t current = 0;
    size_t stem_syllables = 0;
    for (size_t i = 0; i < count; i++) {
        const ks_term *t = &terms[i];
        if (word_count == 0 || t->word != current) {
            query_word *w = &words[word_count++];
            memset(w, 0, sizeof *w);
            w->bigrams = bigram_slots + i;
            current = t->word;
            stem_syllables = 0;
        }
        query_word *w = &words[word_count - 1];
        if (t->kind == KS_TERM_BIGRAM) {
            /* Bigrams past the stem belong to a particle (깔끔이봉사단도's 단도)
             * and would not occur in the documents' compounds. */
            if (stem_syllables == 0 || w->bigram_count + 1 < stem_syllables)
                w->bigrams[w->bigram_count++] = t;
        } else if (w->whole_count < sizeof w->whole / sizeof w->whole[0]) {
            w->whole[w->whole_count++] = t;
            if (t->kind == KS_TERM_STEM)
                stem_syllables = ks_utf8_count(t->text, strlen(t->text));
        }
    }
    return word_count;
}

/* Counts `count` more terms into the query; false (and the query refused)
 * past MAX_QUERY_TERMS. */
static bool spend_terms(builder *b, size_t count)
{
    if (b->status != KS_OK)
        return false;
    b->term_count += count;
    if (b->term_count <= MAX_QUERY_TERMS)
        return true;
    ks_buf_clear(b->error);
    ks_buf_printf(b->error,
                  "the query is too long: it expands to more than %d terms (a word of n "
                  "syllables takes about 3n, a 초성 word %d, a prefix* %d)",
                  MAX_QUERY_TERMS, MAX_INITIALS_EXPANSION, MAX_PREFIX_EXPANSION);
    b->status = KS_ERR_BAD_QUERY;
    return false;
}

static shim_query *term_query(builder *b, const char *prefix, const char *text, uint32_t pos)
{
    if (!spend_terms(b, 1))
        return NULL;
    char term[KS_MAX_TERM_BYTES + 8];
    size_t need = strlen(prefix) + strlen(text);
    if (need >= sizeof term)
        return NULL;
    memcpy(term, prefix, strlen(prefix));
    memcpy(term + strlen(prefix), text, strlen(text) + 1);
    shim_query *q = shim_query_term(term, 1, pos);
    if (!q)
        b->status = KS_ERR_NOMEM;
    return q;
}

static bool may_be_indexed(builder *b, const char *prefix, const char *text);

/* The passage's context for a term of a query word: the title's term (T, or
 * TB for a bigram) and the heading's (S, SB), appended to `parts`, each only
 * where the database may hold it: few query words are in any title, and
 * every term in the query costs the matcher a postlist, found or not.
 * Returns how many were appended. */
static size_t context_terms(builder *b, const char *text, bool bigram, shim_query **parts)
{
    size_t count = 0;
    const char *title = bigram ? KS_PREFIX_TITLE KS_PREFIX_BIGRAM : KS_PREFIX_TITLE;
    if (may_be_indexed(b, title, text))
        parts[count++] = term_query(b, title, text, 0);
    const char *section = bigram ? KS_PREFIX_SECTION KS_PREFIX_BIGRAM : KS_PREFIX_SECTION;
    if (may_be_indexed(b, section, text))
        parts[count++] = term_query(b, section, text, 0);
    return count;
}

/* Whole-word alternatives of one word, as one synonym group. In a question
 * the title's and heading's words (T and S terms) join the group: a
 * question names its article's subject, which its passage need not repeat. */
static shim_query *whole_word_query(builder *b, const query_word *w)
{
    shim_query *parts[24] = {0};
    size_t count = 0;
    for (size_t i = 0; i < w->whole_count; i++) {
        parts[count++] = term_query(b, "", w->whole[i]->text, 0);
        if (b->question)
            count += context_terms(b, w->whole[i]->text, false, parts + count);
        if (b->status == KS_OK)
            b->status = match_add_word(b->match, w->whole[i]->text);
    }
    shim_query *q = shim_query_combine(SHIM_OP_SYNONYM, parts, count, 0);
    free_queries(parts, count);
    return q;
}

/* The one term that stands for a word at its position in phrases and
 * proximity: the stem when the word carries a particle, else the word.
 * Documents index the stem at the same position, and Xapian 1.4 allows only
 * single terms inside a phrase. */
static const ks_term *base_term(const query_word *w)
{
    const ks_term *base = NULL;
    for (size_t i = 0; i < w->whole_count; i++) {
        if (w->whole[i]->kind == KS_TERM_STEM)
            base = w->whole[i];
        else if (w->whole[i]->kind == KS_TERM_SURFACE && !base)
            base = w->whole[i];
    }
    return base;
}

static shim_query *base_term_query(builder *b, const query_word *w)
{
    const ks_term *base = base_term(w);
    return base ? term_query(b, "", base->text, 0) : NULL;
}

/* Adds the word to the proximity words, noting how many passages hold it. */
static void push_proximity_word(builder *b, clause_list *proximity, const query_word *w)
{
    size_t before = proximity->count;
    clause_list_push(b, proximity, base_term_query(b, w));
    if (proximity->count == before || before >= MAX_PROXIMITY_WORDS)
        return;
    uint64_t freq = UINT64_MAX;
    if (b->db && shim_db_term_freq(b->db, base_term(w)->text, &freq) != KS_OK)
        freq = UINT64_MAX;
    b->proximity_freq[before] = freq;
}

/* A bigram of the passage's text; in a question, of its title and heading
 * too (TB and SB terms), as their whole words join the word's synonym group. */
static shim_query *bigram_query(builder *b, const char *bigram)
{
    shim_query *text = term_query(b, KS_PREFIX_BIGRAM, bigram, 0);
    if (!b->question || !text)
        return text;
    shim_query *any[3] = {text};
    size_t count = 1 + context_terms(b, bigram, true, any + 1);
    shim_query *q = shim_query_combine(SHIM_OP_SYNONYM, any, count, 0);
    free_queries(any, count);
    return q;
}

/* The AND of the word's bigrams. A two-syllable word is one bigram, and it
 * must not lie inside a longer dictionary noun that goes on past it (BI,
 * index.c: 청소 in 청소년, 인도 in 인도네시아, yet 대청소 and 청소활동 hold
 * 청소). A longer word is specific enough to be found wherever it is written
 * (구로구 in 구로구청장, 청소년 in 청소년활동): its bigrams may be inner. */
static shim_query *inner_bigrams_allowed(builder *b, const query_word *w, shim_query **bigrams)
{
    if (w->bigram_count == 1)
        return shim_query_scale(bigrams[0], 1.0);
    shim_query **needed = calloc(w->bigram_count, sizeof *needed);
    if (!needed) {
        b->status = KS_ERR_NOMEM;
        return NULL;
    }
    for (size_t i = 0; i < w->bigram_count; i++) {
        shim_query *either[2] = {bigrams[i],
                                 term_query(b, KS_PREFIX_INNER_BIGRAM, w->bigrams[i]->text, 0)};
        needed[i] = shim_query_combine(SHIM_OP_OR, either, 2, 0);
        shim_query_free(either[1]);
    }
    shim_query *q = shim_query_combine(SHIM_OP_AND, needed, w->bigram_count, 0);
    free_queries(needed, w->bigram_count);
    free(needed);
    return q;
}

/* All of the word's syllable bigrams: finds it inside compounds (봉사단 in
 * 깔끔이봉사단). Bigrams carry no positions in the index: requiring them in
 * order (a phrase) cost half of all query time and ranked no better on the
 * evaluation; highlights still demand the bigrams in a run. */
static shim_query *fragment_query(builder *b, const query_word *w)
{
    if (w->bigram_count == 0)
        return NULL;
    shim_query **parts = calloc(w->bigram_count, sizeof *parts);
    if (!parts) {
        b->status = KS_ERR_NOMEM;
        return NULL;
    }
    for (size_t i = 0; i < w->bigram_count; i++)
        parts[i] = bigram_query(b, w->bigrams[i]->text);
    shim_query *q = inner_bigrams_allowed(b, w, parts);
    /* The loose match repeats every bigram: it counts again. */
    if (w->bigram_count > 1 && spend_terms(b, w->bigram_count)) {
        shim_query *any = shim_query_combine(SHIM_OP_OR, parts, w->bigram_count, 0);
        clause_list_push(b, &b->loose,
                         any ? shim_query_scale(any, WEIGHT_LOOSE_BIGRAMS / (double)w->bigram_count)
                             : NULL);
        shim_query_free(any);
    }
    free_queries(parts, w->bigram_count);
    free(parts);
    if (b->status == KS_OK)
        b->status = match_add_run(b->match, w->bigrams, w->bigram_count);
    if (!q)
        return NULL;
    /* An AND weighs the sum of its terms; keep a long compound from
     * outweighing whole words just by having many bigrams. */
    shim_query *scaled = shim_query_scale(q, WEIGHT_FRAGMENT / (double)w->bigram_count);
    shim_query_free(q);
    return scaled;
}

/* The word in the passage's title or heading (T and S terms): context that
 * helps rank a passage its own text selected. */
static shim_query *context_query(builder *b, const query_word *w)
{
    shim_query *parts[16] = {0};
    size_t count = 0;
    for (size_t i = 0; i < w->whole_count; i++)
        count += context_terms(b, w->whole[i]->text, false, parts + count);
    shim_query *q = shim_query_combine(SHIM_OP_SYNONYM, parts, count, 0);
    free_queries(parts, count);
    shim_query *scaled = q ? shim_query_scale(q, WEIGHT_CONTEXT) : NULL;
    shim_query_free(q);
    return scaled;
}

/* Splits a word of Hangul syllables into the fewest dictionary nouns of two
 * syllables or more (ks_is_dictionary_noun): the byte offsets where its
 * nouns end, in `ends`; 0 when it does not split into two or more. */
#define MAX_PART_SYLLABLES 32
static size_t split_into_nouns(const char *word, size_t ends[MAX_PART_SYLLABLES])
{
    /* Every syllable is 3 bytes of UTF-8; 0 when any character is not one. */
    size_t syllables = ks_syllable_count(word);
    if (syllables < PARTS_MIN_SYLLABLES || syllables > MAX_PART_SYLLABLES)
        return 0;
    /* fewest[k]: the fewest nouns the first k syllables split into (0: none). */
    size_t fewest[MAX_PART_SYLLABLES + 1] = {0}, from[MAX_PART_SYLLABLES + 1] = {0};
    for (size_t end = 2; end <= syllables; end++)
        for (size_t start = 0; start + 2 <= end; start++)
            if ((start == 0 || fewest[start]) &&
                (!fewest[end] || fewest[start] + 1 < fewest[end]) &&
                ks_is_dictionary_noun(word + 3 * start, 3 * (end - start))) {
                fewest[end] = fewest[start] + 1;
                from[end] = start;
            }
    size_t count = fewest[syllables];
    if (count < 2)
        return 0;
    for (size_t end = syllables, k = count; k > 0; end = from[end])
        ends[--k] = 3 * end;
    return count;
}

/* The word's nouns written apart, every one of them (split_into_nouns). */
static shim_query *parts_query(builder *b, const query_word *w)
{
    const ks_term *base = base_term(w);
    size_t ends[MAX_PART_SYLLABLES];
    size_t count = base ? split_into_nouns(base->text, ends) : 0;
    if (count == 0)
        return NULL;
    clause_list nouns = {0};
    char noun[KS_MAX_TERM_BYTES];
    for (size_t i = 0, start = 0; i < count && b->status == KS_OK; start = ends[i++]) {
        snprintf(noun, sizeof noun, "%.*s", (int)(ends[i] - start), base->text + start);
        clause_list_push(b, &nouns, term_query(b, "", noun, 0));
        if (b->status == KS_OK)
            b->status = match_add_word(b->match, noun);
    }
    shim_query *all = b->status == KS_OK && nouns.count == count
                          ? shim_query_combine(SHIM_OP_AND, nouns.items, nouns.count, 0)
                          : NULL;
    clause_list_free(&nouns);
    /* An AND weighs the sum of its terms: per noun, as fragments are. */
    shim_query *scaled = all ? shim_query_scale(all, WEIGHT_PARTS / (double)count) : NULL;
    shim_query_free(all);
    return scaled;
}

static shim_query *word_query(builder *b, const query_word *w)
{
    shim_query *whole = whole_word_query(b, w);
    shim_query *parts[3] = {whole ? shim_query_scale(whole, WEIGHT_WHOLE_WORD) : NULL,
                            fragment_query(b, w), parts_query(b, w)};
    shim_query_free(whole);
    shim_query *q = shim_query_combine(SHIM_OP_OR, parts, 3, 0);
    free_queries(parts, 3);
    return q;
}

/* Analyzes text and returns its words; the caller frees *out_words and
 * *out_slots. Terms stay valid until the analyzer's next run. */
static size_t analyze_words(builder *b, const char *text, query_word **out_words,
                            const ks_term ***out_slots)
{
    const ks_term *terms;
    size_t count;
    *out_words = NULL;
    *out_slots = NULL;
    if (b->status != KS_OK) /* an earlier word failed: keep its reason */
        return 0;
    b->status = ks_analyzer_run(b->analyzer, text, strlen(text), &terms, &count);
    if (b->status != KS_OK || count == 0)
        return 0;
    *out_words = calloc(count, sizeof **out_words);
    *out_slots = calloc(count, sizeof **out_slots);
    if (!*out_words || !*out_slots) {
        b->status = KS_ERR_NOMEM;
        return 0;
    }
    return group_words(terms, count, *out_words, *out_slots);
}


/* Unquoted words: each word separately, plus (collected by the caller) their
 * whole forms for the proximity bonus. */
/* Interrogatives carry no content: a question typed as a query
 * ("천안함 사건으로 몇 명이 사망하였는가?") is about its other words. */
static const char *const question_words[] = {
    "무엇", "누구", "언제", "어디", "어느", "어떤", "무슨", "몇", "얼마", "왜", "어떻게", "어째서",
};

/* A query typed as a question: a word with '?' in it, or an interrogative
 * on its own (몇, 누구). */
static bool typed_as_question(const ks_query_node *root)
{
    for (size_t i = 0; i < root->child_count; i++) {
        const char *text = root->children[i]->text;
        if (root->children[i]->kind != KS_QUERY_WORD)
            continue;
        if (strchr(text, '?'))
            return true;
        for (size_t k = 0; k < sizeof question_words / sizeof question_words[0]; k++)
            if (strcmp(text, question_words[k]) == 0)
                return true;
    }
    return false;
}

static bool is_question_word(const query_word *w)
{
    for (size_t i = 0; i < w->whole_count; i++)
        for (size_t k = 0; k < sizeof question_words / sizeof question_words[0]; k++)
            if (strcmp(w->whole[i]->text, question_words[k]) == 0)
                return true;
    return false;
}

static void collect_synonyms(builder *b, const query_word *w, ks_buf *synonyms);
static void build_synonyms(builder *b, const ks_buf *synonyms, clause_list *out);
static shim_query *hanja_reading_query(builder *b, const query_word *w);

static void build_words(builder *b, const char *text, clause_list *out, clause_list *proximity)
{
    query_word *words;
    const ks_term **slots;
    ks_buf synonyms = {0};
    size_t count = analyze_words(b, text, &words, &slots);
    for (size_t i = 0; i < count && b->status == KS_OK; i++) {
        if (b->drop_question_words && is_question_word(&words[i]))
            continue;
        clause_list_push(b, out, word_query(b, &words[i]));
        if (!b->question)
            clause_list_push(b, &b->context, context_query(b, &words[i]));
        if (proximity)
            push_proximity_word(b, proximity, &words[i]);
        collect_synonyms(b, &words[i], &synonyms);
        clause_list_push(b, out, hanja_reading_query(b, &words[i]));
    }
    free(words);
    free(slots);
    build_synonyms(b, &synonyms, out);
    ks_buf_free(&synonyms);
}

static shim_query *build_phrase(builder *b, const char *text)
{
    query_word *words;
    const ks_term **slots;
    size_t count = analyze_words(b, text, &words, &slots);
    shim_query *q = NULL;
    if (count == 1) {
        q = word_query(b, &words[0]);
    } else if (count > 1) {
        shim_query **parts = calloc(count, sizeof *parts);
        if (parts) {
            for (size_t i = 0; i < count; i++) {
                parts[i] = base_term_query(b, &words[i]);
                clause_list_push(b, &b->context, context_query(b, &words[i]));
                for (size_t k = 0; k < words[i].whole_count && b->status == KS_OK; k++)
                    b->status = match_add_word(b->match, words[i].whole[k]->text);
            }
            q = shim_query_combine(SHIM_OP_PHRASE, parts, count, 0);
            free_queries(parts, count);
            free(parts);
        } else {
            b->status = KS_ERR_NOMEM;
        }
    }
    free(words);
    free(slots);
    return q;
}

/* ------------------------------------------------------------------------ */
/* Korean input forms: 초성, prefixes, Hanja (hangul.c, vocabulary.c) and    */
/* synonyms (synonyms.c).                                                   */

/* A synonym ranks a little below the word typed. */
#define WEIGHT_SYNONYM 0.8

/* The words found (NUL-separated) as one synonym group: it weighs like a
 * single word and highlights the words found. No words: `typed` as a term
 * no passage holds, so the query finds nothing instead of being refused as
 * having no words. */
static shim_query *found_words_query(builder *b, const ks_buf *words, const char *typed)
{
    if (!words->len)
        return term_query(b, "", typed, 0);
    clause_list terms = {0};
    for (size_t at = 0; at < words->len && b->status == KS_OK; at += strlen(words->data + at) + 1) {
        clause_list_push(b, &terms, term_query(b, "", words->data + at, 0));
        if (b->status == KS_OK)
            b->status = match_add_word(b->match, words->data + at);
    }
    shim_query *q = shim_query_combine(SHIM_OP_SYNONYM, terms.items, terms.count, 0);
    clause_list_free(&terms);
    return q;
}

/* The indexed words with these initials. */
static shim_query *initials_query(builder *b, const char *initials)
{
    /* Counted as the most words it may stand for, whatever the lookup (a
     * walk over the index's words) finds, and refused before it. */
    if (!spend_terms(b, MAX_INITIALS_EXPANSION))
        return NULL;
    size_t counted = b->term_count;
    b->term_count -= MAX_INITIALS_EXPANSION; /* the words found fill the reservation */
    ks_buf words = {0};
    if (b->db && ks_words_with_initials(b->db, initials, MAX_INITIALS_EXPANSION, &words) != KS_OK)
        ks_buf_clear(&words); /* a failed lookup finds nothing */
    shim_query *q = found_words_query(b, &words, initials);
    ks_buf_free(&words);
    b->term_count = counted;
    return q;
}

/* The most frequent words a prefix stands for, looked up once over the
 * whole database: each shard of a sharded or remote database would
 * otherwise expand a wildcard to its own most frequent words, and rank
 * differently from one database. Without a database (tests), Xapian
 * expands it. */
static shim_query *prefix_query(builder *b, const char *prefix)
{
    /* Counted as the most words it may stand for, whatever the lookup
     * finds, and refused before it (as initials are). */
    if (!spend_terms(b, MAX_PREFIX_EXPANSION))
        return NULL;
    if (!b->db)
        return shim_query_wildcard(prefix, MAX_PREFIX_EXPANSION);
    size_t counted = b->term_count;
    b->term_count -= MAX_PREFIX_EXPANSION; /* the words found fill the reservation */
    ks_buf words = {0};
    if (ks_words_with_prefix(b->db, prefix, MAX_PREFIX_EXPANSION, &words) != KS_OK)
        ks_buf_clear(&words); /* a failed lookup finds nothing */
    shim_query *q = found_words_query(b, &words, prefix);
    ks_buf_free(&words);
    b->term_count = counted;
    return q;
}

/* Initials (ㄱㄹㄱ) and prefixes (청소*) stand for other words and replace
 * the word; a Hanja word is also searched by its Hangul reading. Returns
 * true when the word was replaced. */
static bool build_input_form(builder *b, const char *text, clause_list *out)
{
    ks_buf form = {0};
    bool replaced = false;
    switch (ks_input_classify(text, &form)) {
    case KS_INPUT_INITIALS:
        clause_list_push(b, out, initials_query(b, form.data));
        replaced = true;
        break;
    case KS_INPUT_PREFIX: {
        shim_query *q = prefix_query(b, form.data);
        if (b->status != KS_OK) { /* over the cost cap: the reason is set */
            shim_query_free(q);
            replaced = true;
            break;
        }
        if (!q)
            b->status = KS_ERR_NOMEM;
        clause_list_push(b, out, q);
        replaced = true;
        break;
    }
    case KS_INPUT_HANJA:
        build_words(b, form.data, out, NULL);
        break;
    case KS_INPUT_PLAIN:
        break;
    }
    ks_buf_free(&form);
    return replaced;
}

/* False when the database surely has no such term: most words were never
 * written in Hanja, and a term in no passage still costs the matcher a
 * lookup. */
static bool may_be_indexed(builder *b, const char *prefix, const char *text)
{
    char term[KS_MAX_TERM_BYTES + 8];
    if (!b->db || snprintf(term, sizeof term, "%s%s", prefix, text) >= (int)sizeof term)
        return true;
    return shim_db_may_have_term(b->db, prefix, term);
}

/* What BM25 gives one occurrence of a term held by `holders` of the
 * database's passages, in a passage of average length: its idf, as Xapian's
 * BM25Weight computes it (the length and k1 parts cancel out at one
 * occurrence in an average passage). 1 without a database. */
static double one_occurrence_weight(builder *b, const char *term)
{
    uint64_t docs = 0, holders = 0;
    if (!b->db || shim_db_doc_count(b->db, &docs) != KS_OK || docs == 0 ||
        shim_db_term_freq(b->db, term, &holders) != KS_OK)
        return 1.0;
    if (holders == 0) /* written only in Hanja: the reading's passages */
        holders = 1;
    double ratio = ((double)docs - (double)holders + 0.5) / ((double)holders + 0.5);
    if (ratio < 2) /* Xapian's floor for terms in most passages */
        ratio = ratio * 0.5 + 1;
    return log(ratio);
}

/* What one occurrence of the word, spelled out, earns in a passage of
 * average length: its whole-word match, its fragment match and its loose
 * bigrams (word_query, fragment_query), each weighed as above. */
static double spelled_word_weight(builder *b, const query_word *w)
{
    double whole = 0, bigrams = 0;
    for (size_t i = 0; i < w->whole_count; i++) {
        double weight = one_occurrence_weight(b, w->whole[i]->text);
        if (weight > whole)
            whole = weight;
    }
    char term[KS_MAX_TERM_BYTES + 8];
    for (size_t i = 0; i < w->bigram_count; i++) {
        snprintf(term, sizeof term, KS_PREFIX_BIGRAM "%s", w->bigrams[i]->text);
        bigrams += one_occurrence_weight(b, term);
    }
    double per_bigram = w->bigram_count ? bigrams / (double)w->bigram_count : 0;
    return WEIGHT_WHOLE_WORD * whole + WEIGHT_FRAGMENT * per_bigram +
           (w->bigram_count > 1 ? WEIGHT_LOOSE_BIGRAMS * per_bigram : 0);
}

/* Passages that write the word in Hanja (九老區 for 구로구), through their
 * reading terms. Those carry no statistics of their own (wdf 0, index.c),
 * so a reading weighs as a synonym of the word spelled out once: a little
 * below a passage that spells it, above one that lacks it. */
static shim_query *hanja_reading_query(builder *b, const query_word *w)
{
    shim_query *parts[8];
    size_t count = 0;
    for (size_t i = 0; i < w->whole_count; i++)
        if (ks_starts_with_hangul_syllable(w->whole[i]->text, strlen(w->whole[i]->text)) &&
            may_be_indexed(b, KS_PREFIX_READING, w->whole[i]->text))
            parts[count++] = term_query(b, KS_PREFIX_READING, w->whole[i]->text, 0);
    shim_query *q = count ? shim_query_combine(SHIM_OP_OR, parts, count, 0) : NULL;
    free_queries(parts, count);
    if (!q)
        return NULL;
    shim_query *weighed = shim_query_constant(q, WEIGHT_SYNONYM * spelled_word_weight(b, w));
    shim_query_free(q);
    return weighed;
}

/* Appends the stored synonyms of the word's whole forms, space-separated. */
static void collect_synonyms(builder *b, const query_word *w, ks_buf *synonyms)
{
    if (!b->db)
        return;
    ks_buf found = {0};
    for (size_t i = 0; i < w->whole_count && b->status == KS_OK; i++) {
        /* A failed lookup only loses the synonyms, not the query. */
        if (ks_synonyms_of(b->db, w->whole[i]->text, &found) != KS_OK || !found.len)
            continue;
        if (synonyms->len)
            ks_buf_append(synonyms, " ", 1);
        if (ks_buf_append(synonyms, found.data, found.len) != KS_OK)
            b->status = KS_ERR_NOMEM;
    }
    ks_buf_free(&found);
}

static void build_synonyms(builder *b, const ks_buf *synonyms, clause_list *out)
{
    if (!synonyms->len || b->status != KS_OK)
        return;
    struct shim_db *db = b->db;
    b->db = NULL; /* one step only: a synonym's synonyms include the word */
    clause_list alternatives = {0};
    build_words(b, synonyms->data, &alternatives, NULL);
    shim_query *any = shim_query_combine(SHIM_OP_OR, alternatives.items, alternatives.count, 0);
    clause_list_free(&alternatives);
    clause_list_push(b, out, any ? shim_query_scale(any, WEIGHT_SYNONYM) : NULL);
    shim_query_free(any);
    b->db = db;
}

/* ------------------------------------------------------------------------ */
/* Fields: filters on the passages a query may find.                        */

/* Every word of `text` among the field's terms (`prefix`): as a whole word
 * or, inside a compound, by all its bigrams. */
static shim_query *field_words_query(builder *b, const char *field, const char *prefix,
                                     const char *text)
{
    query_word *words;
    const ks_term **slots;
    size_t count = analyze_words(b, text, &words, &slots);
    clause_list all = {0};
    char bigram_prefix[8];
    snprintf(bigram_prefix, sizeof bigram_prefix, "%s%s", prefix, KS_PREFIX_BIGRAM);
    for (size_t i = 0; i < count && b->status == KS_OK; i++) {
        const query_word *w = &words[i];
        shim_query *whole[8], *bigrams[2 * KS_MAX_TERM_BYTES];
        size_t bigram_count = w->bigram_count < COUNT_OF(bigrams) ? w->bigram_count
                                                                   : COUNT_OF(bigrams);
        for (size_t k = 0; k < w->whole_count; k++)
            whole[k] = term_query(b, prefix, w->whole[k]->text, 0);
        for (size_t k = 0; k < bigram_count; k++)
            bigrams[k] = term_query(b, bigram_prefix, w->bigrams[k]->text, 0);
        shim_query *ways[2] = {shim_query_combine(SHIM_OP_OR, whole, w->whole_count, 0),
                               shim_query_combine(SHIM_OP_AND, bigrams, bigram_count, 0)};
        clause_list_push(b, &all, shim_query_combine(SHIM_OP_OR, ways, 2, 0));
        free_queries(whole, w->whole_count);
        free_queries(bigrams, bigram_count);
        free_queries(ways, 2);
    }
    free(words);
    free(slots);
    shim_query *q = b->status == KS_OK && all.count
                        ? shim_query_combine(SHIM_OP_AND, all.items, all.count, 0)
                        : NULL;
    clause_list_free(&all);
    if (b->status == KS_OK && !q) {
        ks_buf_clear(b->error);
        ks_buf_printf(b->error, "%s:%s has no searchable words", field, text);
        b->status = KS_ERR_BAD_QUERY;
    }
    return q;
}

void ks_date_window_narrow(ks_date_window *window, const char *low, const char *high)
{
    if (low && strcmp(low, window->low) > 0)
        memcpy(window->low, low, sizeof window->low);
    if (high && (!window->high[0] || strcmp(high, window->high) < 0))
        memcpy(window->high, high, sizeof window->high);
}

/* date:2015-01..2015-03, date:2015.., date:..2015-03-09, date:2015: the
 * bounds into `window` ("" when open). */
static bool read_date_range(builder *b, const ks_query_node *node, ks_date_window *window)
{
    const char *text = node->text, *dots = strstr(text, "..");
    size_t low_len = dots ? (size_t)(dots - text) : strlen(text);
    const char *high_text = dots ? dots + 2 : text;
    bool has_low = low_len > 0, has_high = *high_text != '\0';
    *window = (ks_date_window){{0}, {0}};
    if ((has_low || has_high) &&
        (!has_low || ks_date_bound(text, low_len, false, window->low) == KS_OK) &&
        (!has_high || ks_date_bound(high_text, strlen(high_text), true, window->high) == KS_OK))
        return true;
    ks_buf_clear(b->error);
    ks_buf_printf(b->error,
                  "date:%s is not a date or range: dates are YYYY, YYYY-MM or YYYY-MM-DD, "
                  "a range A..B (at byte %zu)", text, node->at);
    b->status = KS_ERR_BAD_QUERY;
    return false;
}

static shim_query *date_range_query(builder *b, const ks_query_node *node)
{
    ks_date_window days;
    if (!read_date_range(b, node, &days))
        return NULL;
    shim_query *q = shim_query_value_range(KS_SLOT_DATE, days.low[0] ? days.low : NULL,
                                           days.high[0] ? days.high : NULL);
    if (!q)
        b->status = KS_ERR_NOMEM;
    return q;
}

static shim_query *article_query(builder *b, const char *id)
{
    ks_buf term = {0};
    shim_query *q = NULL;
    if (ks_article_term(id, &term) != KS_OK || !(q = shim_query_term(term.data, 1, 0)))
        b->status = KS_ERR_NOMEM;
    ks_buf_free(&term);
    return q;
}

/* The passages a field lets through, as a query whose weights do not count. */
static shim_query *field_query(builder *b, const ks_query_node *node)
{
    switch (node->field) {
    case KS_FIELD_TITLE: return field_words_query(b, "title", KS_PREFIX_TITLE, node->text);
    case KS_FIELD_SECTION:
        return field_words_query(b, "section", KS_PREFIX_SECTION, node->text);
    case KS_FIELD_ID: return article_query(b, node->text);
    case KS_FIELD_DATE: return date_range_query(b, node);
    case KS_FIELD_NONE: break;
    }
    return NULL;
}

static bool is_field_clause(const ks_query_node *node)
{
    if (node->kind == KS_QUERY_FIELD)
        return true;
    if (node->kind != KS_QUERY_OR)
        return false;
    for (size_t i = 0; i < node->child_count; i++)
        if (node->children[i]->kind != KS_QUERY_FIELD)
            return false;
    return true;
}

/* An OR with a field on one side and words on the other: no passage set
 * and ranking can stand for both. */
static bool mixes_fields_and_words(const ks_query_node *node)
{
    if (node->kind != KS_QUERY_OR || is_field_clause(node))
        return false;
    for (size_t i = 0; i < node->child_count; i++)
        if (node->children[i]->kind == KS_QUERY_FIELD)
            return true;
    return false;
}

static shim_query *build_node(builder *b, const ks_query_node *node, clause_list *proximity);
static void build_words(builder *b, const char *text, clause_list *out, clause_list *proximity);

/* A field clause (or an OR of fields): its filter goes to `filters`, and the
 * words of title: and section: rank the passages it lets through, as if
 * typed alone. */
static void build_field_clause(builder *b, const ks_query_node *node, clause_list *filters,
                               clause_list *wanted, clause_list *proximity)
{
    clause_list_push(b, filters, build_node(b, node, NULL));
    const ks_query_node *const *fields = node->kind == KS_QUERY_OR
                                             ? (const ks_query_node *const *)node->children
                                             : &node;
    size_t count = node->kind == KS_QUERY_OR ? node->child_count : 1;
    for (size_t i = 0; i < count && b->status == KS_OK; i++)
        if (fields[i]->field == KS_FIELD_TITLE || fields[i]->field == KS_FIELD_SECTION)
            build_words(b, fields[i]->text, wanted, proximity);
}

static shim_query *build_alternatives(builder *b, const ks_query_node *node)
{
    clause_list parts = {0};
    for (size_t i = 0; i < node->child_count; i++)
        clause_list_push(b, &parts, build_node(b, node->children[i], NULL));
    shim_query *q = shim_query_combine(SHIM_OP_OR, parts.items, parts.count, 0);
    clause_list_free(&parts);
    return q;
}

static shim_query *build_node(builder *b, const ks_query_node *node, clause_list *proximity)
{
    switch (node->kind) {
    case KS_QUERY_WORD: {
        clause_list words = {0};
        if (!build_input_form(b, node->text, &words))
            build_words(b, node->text, &words, proximity);
        shim_query *q = shim_query_combine(SHIM_OP_OR, words.items, words.count, 0);
        clause_list_free(&words);
        return q;
    }
    case KS_QUERY_PHRASE:
        return build_phrase(b, node->text);
    case KS_QUERY_OR:
        return build_alternatives(b, node);
    case KS_QUERY_FIELD:
        return field_query(b, node);
    case KS_QUERY_REQUIRED: /* inside an alternative: one side, as written */
        return build_node(b, node->children[0], proximity);
    case KS_QUERY_AND:
    case KS_QUERY_NOT:
        break;
    }
    return NULL;
}

/* Neighbouring query words found close together in a passage: each
 * adjacent pair is a small NEAR bonus, so passages that keep the query's
 * word groups together rank higher even when they lack some words. Pairs
 * of common words are left out (PROXIMITY_COMMON_SHARE). */
static shim_query *proximity_bonus(builder *b, clause_list *proximity)
{
    if (proximity->count < 2 || proximity->count > MAX_PROXIMITY_WORDS)
        return NULL;
    clause_list pairs = {0};
    uint64_t common = UINT64_MAX, docs = 0;
    if (b->db && shim_db_doc_count(b->db, &docs) == KS_OK)
        common = (uint64_t)((double)docs * PROXIMITY_COMMON_SHARE);
    for (size_t i = 0; i + 1 < proximity->count; i++) {
        /* Two common words: a costly NEAR (many passages hold both, each
         * one's positions read) for a bonus that tells little. */
        if (b->proximity_freq[i] > common && b->proximity_freq[i + 1] > common)
            continue;
        shim_query *near = shim_query_combine(SHIM_OP_NEAR, proximity->items + i, 2,
                                              PROXIMITY_WINDOW);
        clause_list_push(b, &pairs, near ? shim_query_scale(near, WEIGHT_PROXIMITY) : NULL);
        shim_query_free(near);
    }
    shim_query *bonus = shim_query_combine(SHIM_OP_OR, pairs.items, pairs.count, 0);
    clause_list_free(&pairs);
    return bonus;
}

/* A Hangul word typed as such (not 초성, a prefix* or Hanja). */
static bool is_hangul_word_text(const char *text)
{
    ks_buf form = {0};
    bool plain = ks_input_classify(text, &form) == KS_INPUT_PLAIN;
    ks_buf_free(&form);
    return plain && ks_starts_with_hangul_syllable(text, strlen(text));
}

/* Whether `text` is one dictionary noun, as written (bare: without a
 * particle) or with one. */
static bool is_one_noun(builder *b, const char *text, bool bare)
{
    query_word *words;
    const ks_term **slots;
    size_t count = analyze_words(b, text, &words, &slots);
    const ks_term *base = count == 1 ? base_term(&words[0]) : NULL;
    bool noun = base && (!bare || base->kind == KS_TERM_SURFACE) &&
                ks_is_dictionary_noun(base->text, strlen(base->text));
    free(words);
    free(slots);
    return noun;
}

/* Adjacent query words written together (대청소 활동 in 대청소활동을): the
 * joined word, as a whole word, ranks the passages that write it. A first
 * word with a particle (대청소를 활동) never joins; both are dictionary nouns. */
static void build_joined_words(builder *b, const ks_query_node *root)
{
    for (size_t i = 0; i + 1 < root->child_count && b->status == KS_OK; i++) {
        const ks_query_node *left = root->children[i], *right = root->children[i + 1];
        if (left->kind != KS_QUERY_WORD || right->kind != KS_QUERY_WORD ||
            !is_hangul_word_text(left->text) || !is_hangul_word_text(right->text) ||
            !is_one_noun(b, left->text, true) || !is_one_noun(b, right->text, false))
            continue;
        ks_buf joined = {0};
        if (ks_buf_printf(&joined, "%s%s", left->text, right->text) != KS_OK) {
            b->status = KS_ERR_NOMEM;
            break;
        }
        query_word *words;
        const ks_term **slots;
        if (analyze_words(b, joined.data, &words, &slots) == 1 && !is_question_word(&words[0])) {
            shim_query *whole = whole_word_query(b, &words[0]);
            clause_list_push(b, &b->loose, whole ? shim_query_scale(whole, WEIGHT_JOINED) : NULL);
            shim_query_free(whole);
        }
        free(words);
        free(slots);
        ks_buf_free(&joined);
    }
}

/* Each clause a passage holds adds this much to its score, in keyword
 * queries: more than all the BM25 weight a query of KEYWORD_QUERY_CLAUSES
 * clauses can give (a term weighs at most (k1 + 1) * idf, about 17 at a
 * million passages, and a word has a handful of terms), so every passage
 * holding all the clauses ranks before any holding fewer. */
#define WEIGHT_CLAUSE_HELD 1000.0
/* Up to this many clauses a query is keywords, and the clauses held come
 * first; a longer one is a question, whose best passage often lacks a
 * word or two of it (KorQuAD on tools/eval). */
#define KEYWORD_QUERY_CLAUSES 3

/* The optional clauses, each also as a fixed weight when held. */
static shim_query *coordinated(builder *b, const clause_list *optional)
{
    if (optional->count < 2 || b->question)
        return shim_query_combine(SHIM_OP_OR, optional->items, optional->count, 0);
    clause_list held = {0};
    for (size_t i = 0; i < optional->count; i++)
        clause_list_push(b, &held, shim_query_constant(optional->items[i], WEIGHT_CLAUSE_HELD));
    shim_query *parts[2] = {shim_query_combine(SHIM_OP_OR, held.items, held.count, 0),
                            shim_query_combine(SHIM_OP_OR, optional->items, optional->count, 0)};
    shim_query *q = shim_query_combine(SHIM_OP_OR, parts, 2, 0);
    free_queries(parts, 2);
    clause_list_free(&held);
    return q;
}

/* Required clauses select; optional ones, and the bonus (NULL: none; the
 * caller's), only rank. */
static shim_query *combine_wanted(builder *b, clause_list *required, clause_list *optional,
                                  shim_query *bonus)
{
    shim_query *ranked = coordinated(b, optional);
    shim_query *must = shim_query_combine(SHIM_OP_AND, required->items, required->count, 0);
    shim_query *parts[3] = {ranked, bonus, NULL};
    shim_query *maybe = shim_query_combine(SHIM_OP_OR, parts, 2, 0);
    shim_query *positive;
    if (required->count) {
        shim_query *pair[2] = {must, maybe};
        positive = shim_query_combine(SHIM_OP_AND_MAYBE, pair, 2, 0);
    } else {
        positive = maybe;
        maybe = NULL;
    }
    shim_query_free(ranked);
    shim_query_free(must);
    shim_query_free(maybe);
    if (!positive)
        b->status = KS_ERR_NOMEM;
    return positive;
}

/* The clauses that only rank and never select, as they match only passages
 * that hold a selecting clause: loose bigrams (a bigram is in its word's
 * fragment clause), joined words and context. NULL when none. The
 * proximity bonus is not among them: on the right of an AND_MAYBE Xapian
 * 1.4 may count a NEAR for passages whose words are farther apart than its
 * window, so the one-phase query keeps it with the selecting clauses and
 * two-phase ranking adds it apart (shim_query_set_phases). */
static shim_query *rank_only_part(builder *b)
{
    if (!b->loose.count && !b->context.count)
        return NULL;
    shim_query *parts[2] = {shim_query_combine(SHIM_OP_OR, b->loose.items, b->loose.count, 0),
                            shim_query_combine(SHIM_OP_OR, b->context.items, b->context.count, 0)};
    shim_query *bonus = shim_query_combine(SHIM_OP_OR, parts, 2, 0);
    free_queries(parts, 2);
    if (!bonus)
        b->status = KS_ERR_NOMEM;
    return bonus;
}

/* ------------------------------------------------------------------------ */
/* The query in words, for --explain.                                       */

static const char *const field_label[] = {
    [KS_FIELD_TITLE] = "title:", [KS_FIELD_SECTION] = "section:", [KS_FIELD_ID] = "id:",
    [KS_FIELD_DATE] = "date:",
};

/* Appends text to the description; sticky: once out of memory, nothing more. */
static void say(ks_status *st, ks_buf *out, const char *text)
{
    if (*st == KS_OK)
        *st = ks_buf_append_str(out, text);
}

/* A clause as typed: 구로구, "구로구 청사", title:구로구, (a OR b). */
static void describe_clause(ks_status *st, const ks_query_node *node, ks_buf *out)
{
    switch (node->kind) {
    case KS_QUERY_WORD: say(st, out, node->text); break;
    case KS_QUERY_PHRASE:
        say(st, out, "\"");
        say(st, out, node->text);
        say(st, out, "\"");
        break;
    case KS_QUERY_FIELD:
        say(st, out, field_label[node->field]);
        say(st, out, node->text);
        break;
    case KS_QUERY_OR:
        say(st, out, "(");
        for (size_t i = 0; i < node->child_count; i++) {
            say(st, out, i ? " OR " : "");
            describe_clause(st, node->children[i], out);
        }
        say(st, out, ")");
        break;
    case KS_QUERY_REQUIRED:
    case KS_QUERY_NOT: describe_clause(st, node->children[0], out); break;
    case KS_QUERY_AND: break;
    }
}

/* "label: a AND b; " over the root's clauses that `pick` selects. */
static void describe_clauses(ks_status *st, const ks_query_node *root,
                             bool (*pick)(const ks_query_node *), const char *label,
                             const char *joint, ks_buf *out)
{
    size_t shown = 0;
    for (size_t i = 0; i < root->child_count; i++) {
        if (!pick(root->children[i]))
            continue;
        say(st, out, shown++ ? joint : label);
        describe_clause(st, root->children[i], out);
    }
    if (shown)
        say(st, out, "; ");
}

/* Fields filter too: a passage outside them is never found. */
static bool is_requirement(const ks_query_node *node)
{
    return node->kind == KS_QUERY_REQUIRED || is_field_clause(node);
}

static bool is_option(const ks_query_node *node)
{
    return node->kind != KS_QUERY_NOT && !is_requirement(node);
}

static bool is_exclusion(const ks_query_node *node)
{
    return node->kind == KS_QUERY_NOT;
}

/* Whether the query's last word ends a sentence: '.', '!', or the ending
 * -다 or -요 (a headline or a noun phrase does not). */
static bool ends_as_sentence(const ks_query_node *root)
{
    static const char *const endings[] = {".", "!", "다", "요"};
    for (size_t i = root->child_count; i-- > 0;) {
        if (root->children[i]->kind != KS_QUERY_WORD)
            continue;
        const char *text = root->children[i]->text;
        size_t len = strlen(text);
        for (size_t k = 0; k < sizeof endings / sizeof endings[0]; k++) {
            size_t n = strlen(endings[k]);
            if (len >= n && memcmp(text + len - n, endings[k], n) == 0)
                return true;
        }
        return false;
    }
    return false;
}

/* How a query reads (search.c ranks each style with its own BM25): a short
 * query of keywords, a question (typed_as_question), a longer statement
 * ending as a sentence, or a longer headline. */
ks_query_style ks_query_style_of(const ks_query_node *root)
{
    size_t clauses = 0;
    for (size_t i = 0; i < root->child_count; i++)
        clauses += root->children[i]->kind != KS_QUERY_NOT && !is_field_clause(root->children[i]);
    if (typed_as_question(root))
        return KS_QUERY_QUESTION;
    if (clauses <= KEYWORD_QUERY_CLAUSES)
        return KS_QUERY_KEYWORDS;
    return ends_as_sentence(root) ? KS_QUERY_SENTENCE : KS_QUERY_HEADLINE;
}

ks_status ks_query_describe(const ks_query_node *root, ks_buf *out)
{
    size_t options = 0, requirements = 0;
    for (size_t i = 0; i < root->child_count; i++) {
        options += is_option(root->children[i]);
        requirements += is_requirement(root->children[i]);
    }
    ks_status st = KS_OK;
    describe_clauses(&st, root, is_requirement, "must hold: ", " AND ", out);
    describe_clauses(&st, root, is_option,
                     requirements ? "ranked by: " : "holds any of: ", ", ",
                     out);
    static const char *const order[] = {
        [KS_QUERY_KEYWORDS] = "order: passages holding more of these first; ",
        [KS_QUERY_QUESTION] = "order: BM25 over every word, a repeated word counting little "
                              "(a question); ",
        [KS_QUERY_SENTENCE] = "order: BM25 over every word (a statement); ",
        [KS_QUERY_HEADLINE] = "order: BM25 over every word (a headline); ",
    };
    if (options > 1)
        say(&st, out, order[ks_query_style_of(root)]);
    describe_clauses(&st, root, is_exclusion, "must not hold: ", ", ", out);
    return st;
}

static bool is_date_clause(const ks_query_node *node)
{
    return node->kind == KS_QUERY_FIELD && node->field == KS_FIELD_DATE;
}

/* Whether the query's date: clauses can go to the window: something else
 * finds the passages for it to check. */
static bool dates_to_window(const ks_query_node *root, const ks_date_window *window)
{
    if (!window)
        return false;
    for (size_t i = 0; i < root->child_count; i++)
        if (!is_date_clause(root->children[i]) && root->children[i]->kind != KS_QUERY_NOT)
            return true;
    return false;
}

/* `positive` (taken) within the field clauses and without the excluded
 * words; NULL when out of memory. */
static shim_query *restricted(shim_query *positive, const clause_list *filters,
                              const clause_list *excluded)
{
    if (positive && filters->count) {
        shim_query *allowed = shim_query_combine(SHIM_OP_AND, filters->items, filters->count, 0);
        if (shim_query_is_empty(positive)) {
            shim_query_free(positive);
            positive = NULL;
        }
        shim_query *pair[2] = {positive, allowed};
        /* Fields alone: every passage they let through, unranked. */
        shim_query *filtered = positive ? shim_query_combine(SHIM_OP_FILTER, pair, 2, 0)
                                        : allowed ? shim_query_scale(allowed, 0) : NULL;
        free_queries(pair, 2);
        positive = filtered;
    }
    if (!positive || !excluded->count)
        return positive;
    shim_query *negative = shim_query_combine(SHIM_OP_OR, excluded->items, excluded->count, 0);
    shim_query *pair[2] = {positive, negative};
    shim_query *kept = shim_query_combine(SHIM_OP_AND_NOT, pair, 2, 0);
    free_queries(pair, 2);
    return kept;
}

ks_status ks_query_build_parts(ks_analyzer *analyzer, struct shim_db *db,
                               const ks_query_node *root, shim_query **out,
                               shim_query **out_rank_only, ks_match_terms *out_terms,
                               ks_date_window *window, ks_buf *error)
{
    *out = *out_rank_only = NULL;
    builder b = {.analyzer = analyzer, .match = out_terms, .error = error, .status = KS_OK,
                 .db = db};
    size_t plain_words = 0;
    for (size_t i = 0; i < root->child_count; i++)
        plain_words += root->children[i]->kind == KS_QUERY_WORD;
    b.drop_question_words = plain_words > 1;
    b.question = ks_query_style_of(root) != KS_QUERY_KEYWORDS;
    clause_list optional = {0}, required = {0}, excluded = {0}, proximity = {0}, filters = {0};
    ks_match_terms ignored = {0};
    bool windowed = dates_to_window(root, window);
    for (size_t i = 0; i < root->child_count && b.status == KS_OK; i++) {
        const ks_query_node *child = root->children[i];
        ks_date_window days;
        if (windowed && is_date_clause(child)) {
            if (read_date_range(&b, child, &days))
                ks_date_window_narrow(window, days.low[0] ? days.low : NULL,
                                      days.high[0] ? days.high : NULL);
        } else if (mixes_fields_and_words(child)) {
            ks_buf_clear(error);
            ks_buf_append_str(error, "OR joins a field (title:, section:, id:, date:) only to "
                                     "another field");
            b.status = KS_ERR_BAD_QUERY;
        } else if (is_field_clause(child)) {
            build_field_clause(&b, child, &filters, &optional, &proximity);
        } else if (child->kind == KS_QUERY_NOT) {
            /* Excluded words must not be highlighted. */
            b.match = &ignored;
            clause_list_push(&b, &excluded, build_node(&b, child->children[0], NULL));
            b.match = out_terms;
        } else if (child->kind == KS_QUERY_REQUIRED) {
            clause_list_push(&b, &required, build_node(&b, child->children[0], &proximity));
        } else {
            clause_list_push(&b, &optional, build_node(&b, child, &proximity));
        }
    }
    ks_match_terms_free(&ignored);
    build_joined_words(&b, root);
    if (b.status == KS_OK && optional.count + required.count == 0 && filters.count == 0) {
        ks_buf_clear(error);
        ks_buf_append_str(error, excluded.count
                                     ? "the query only excludes words; add a word to look for"
                                     : "the query has no searchable words");
        b.status = KS_ERR_BAD_QUERY;
    }
    if (b.status == KS_OK) {
        shim_query *near = proximity_bonus(&b, &proximity);
        *out = restricted(combine_wanted(&b, &required, &optional, near), &filters,
                          &excluded);
        if (*out)
            *out_rank_only = rank_only_part(&b);
        /* Two-phase ranking adds the proximity bonus in the second phase. */
        if (*out && near && b.status == KS_OK) {
            shim_query *first = restricted(combine_wanted(&b, &required, &optional, NULL),
                                           &filters, &excluded);
            if (first)
                shim_query_set_phases(*out, first, near);
            else
                b.status = KS_ERR_NOMEM;
            shim_query_free(first);
        }
        shim_query_free(near);
        if (!*out)
            b.status = KS_ERR_NOMEM;
    }
    if (b.status != KS_OK) {
        shim_query_free(*out);
        shim_query_free(*out_rank_only);
        *out = *out_rank_only = NULL;
    }
    clause_list_free(&optional);
    clause_list_free(&required);
    clause_list_free(&excluded);
    clause_list_free(&proximity);
    clause_list_free(&filters);
    clause_list_free(&b.loose);
    clause_list_free(&b.context);
    return b.status;
}

ks_status ks_query_build_with_db(ks_analyzer *analyzer, struct shim_db *db,
                                 const ks_query_node *root, shim_query **out,
                                 ks_match_terms *out_terms, ks_date_window *window,
                                 ks_buf *error)
{
    shim_query *parts[2];
    ks_status st = ks_query_build_parts(analyzer, db, root, &parts[0], &parts[1], out_terms,
                                        window, error);
    if (st != KS_OK || !parts[1]) {
        *out = parts[0];
        return st;
    }
    *out = shim_query_combine(SHIM_OP_AND_MAYBE, parts, 2, 0);
    free_queries(parts, 2);
    return *out ? KS_OK : KS_ERR_NOMEM;
}
