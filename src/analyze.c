/* Analyze stage: turns the segmenter's words into index terms. Each word gives
 * its normalized surface, a stem without particles or predicate endings, a
 * number+counter compound, and syllable bigrams so that parts of compounds
 * match. Documents and queries go through this same code.
 *
 * Why one file of this size: everything here decides the term set that
 * KS_ANALYZER_VERSION versions, so it changes for one reason, a change to
 * what is indexed, and every such change bumps that number. The word lists
 * live in the analyze_*.inc tables; this file is the rules that use them. */
#include "kosearch_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* Indexes record this number. Bump it whenever the terms produced for any
 * text change (tables below, rules, normalization), so that old indexes are
 * rebuilt instead of silently missing matches. */
#if KS_VERB_LEMMAS
/* 5: native verbs and adjectives get their lemma (meson option verb_lemmas);
 * 7: and the copula + nominalizer 이기 is cut after a noun. */
#define KS_ANALYZER_VERSION 7
#else
/* 6: the copula + nominalizer 이기 is cut after a noun (것이기 -> 것). */
#define KS_ANALYZER_VERSION 6
#endif

KS_API unsigned ks_analyzer_version(void)
{
    return KS_ANALYZER_VERSION;
}

bool ks_analyzer_has_verb_lemmas(void)
{
    return KS_VERB_LEMMAS;
}

/* ---- Korean tables ------------------------------------------------------ */

/* Korean particles alternate with the sound that ends the stem: 가/이,
 * 는/은, 를/을, 와/과, 로/으로. Checking it keeps 국가 and 평가 whole: a
 * stem ending in a consonant (국, 평) never takes 가. */
typedef enum attachment {
    AFTER_ANY,
    AFTER_VOWEL,          /* final syllable without a trailing consonant */
    AFTER_CONSONANT,      /* final syllable with one */
    AFTER_VOWEL_OR_RIEUL  /* 로 family: a vowel or a trailing ㄹ */
} attachment;

typedef struct suffix_rule {
    const char *text;
    size_t len;
    attachment after;
    size_t min_stem_syllables;
    const char *not_after; /* syllables the stem must not end in (NULL: any) */
    const char *only_after; /* syllables the stem must end in (NULL: any) */
} suffix_rule;

#define RULE(text, after, min) { text, sizeof(text) - 1, after, min, NULL, NULL }
#define RULE_NOT_AFTER(text, after, min, syllables) \
    { text, sizeof(text) - 1, after, min, syllables, NULL }
#define RULE_ONLY_AFTER(text, after, min, syllables) \
    { text, sizeof(text) - 1, after, min, NULL, syllables }

/* Particles (조사), longest first; the first rule that fits wins. A particle
 * that also ends many nouns (이 가 로 의 도 ...) needs two syllables of stem,
 * so two-syllable nouns (나이, 국가, 도로, 회의) are never cut. */
static const suffix_rule particles[] = {
    RULE("에서부터", AFTER_ANY, 1), RULE("으로부터", AFTER_CONSONANT, 1),
    /* Contracted and compound particles: 학교엔, 학교에겐, 서울보다는, 여기에만,
     * 이것만을, 회의에서의. */
    RULE("보다는", AFTER_ANY, 1), RULE("에서의", AFTER_ANY, 1), RULE("에겐", AFTER_ANY, 1),
    RULE("에만", AFTER_ANY, 1), RULE("만을", AFTER_ANY, 1), RULE("엔", AFTER_ANY, 2),
    RULE("에게서", AFTER_ANY, 1), RULE("에서는", AFTER_ANY, 1), RULE("에서도", AFTER_ANY, 1),
    RULE("에서만", AFTER_ANY, 1), RULE("에게는", AFTER_ANY, 1), RULE("에게도", AFTER_ANY, 1),
    RULE("으로는", AFTER_CONSONANT, 1), RULE("으로도", AFTER_CONSONANT, 1),
    RULE("으로서", AFTER_CONSONANT, 1), RULE("으로써", AFTER_CONSONANT, 1),
    RULE("으로만", AFTER_CONSONANT, 1), RULE("로부터", AFTER_VOWEL_OR_RIEUL, 1),
    RULE("이라는", AFTER_CONSONANT, 1), RULE("이라고", AFTER_CONSONANT, 1),
    RULE("까지는", AFTER_ANY, 1), RULE("부터는", AFTER_ANY, 1),
    RULE("에서", AFTER_ANY, 1), RULE("에게", AFTER_ANY, 1), RULE("께서", AFTER_ANY, 1),
    RULE("한테", AFTER_ANY, 1), RULE("으로", AFTER_CONSONANT, 1), RULE("까지", AFTER_ANY, 1),
    RULE("부터", AFTER_ANY, 1), RULE("보다", AFTER_ANY, 1), RULE("처럼", AFTER_ANY, 1),
    RULE("마다", AFTER_ANY, 1), RULE("이나", AFTER_CONSONANT, 1),
    RULE("이며", AFTER_CONSONANT, 1), RULE("이고", AFTER_CONSONANT, 1),
    RULE("이란", AFTER_CONSONANT, 1), RULE("이라", AFTER_CONSONANT, 1),
    RULE("과는", AFTER_CONSONANT, 1), RULE("와는", AFTER_VOWEL, 1), RULE("에는", AFTER_ANY, 1),
    RULE("에도", AFTER_ANY, 1), RULE("에의", AFTER_ANY, 1), RULE("만큼", AFTER_ANY, 1),
    RULE("조차", AFTER_ANY, 1), RULE("마저", AFTER_ANY, 1),
    RULE("로는", AFTER_VOWEL_OR_RIEUL, 1), RULE("로도", AFTER_VOWEL_OR_RIEUL, 1),
    RULE("로서", AFTER_VOWEL_OR_RIEUL, 1), RULE("로써", AFTER_VOWEL_OR_RIEUL, 1),
    RULE("라는", AFTER_VOWEL, 1), RULE("라고", AFTER_VOWEL, 1),
    RULE("은", AFTER_CONSONANT, 1), RULE("는", AFTER_VOWEL, 1),
    RULE("을", AFTER_CONSONANT, 1), RULE("를", AFTER_VOWEL, 1),
    RULE("에", AFTER_ANY, 1), RULE("와", AFTER_VOWEL, 1),
    RULE("이", AFTER_CONSONANT, 2), RULE("가", AFTER_VOWEL, 2),
    RULE("의", AFTER_ANY, 2), RULE("로", AFTER_VOWEL_OR_RIEUL, 2),
    RULE("과", AFTER_CONSONANT, 2), RULE("도", AFTER_ANY, 2), RULE("만", AFTER_ANY, 2),
    RULE("께", AFTER_ANY, 2), RULE("나", AFTER_VOWEL, 2), RULE("며", AFTER_VOWEL, 2),
    RULE("고", AFTER_VOWEL, 2), RULE("야", AFTER_VOWEL, 2),
};

/* Endings of Sino-Korean noun + 하다/되다 predicates and of the copula 이다,
 * longest first: 수상했다 -> 수상, 선정돼 -> 선정, 평가였다 -> 평가. Two
 * syllables of stem are required, which keeps 위해, 대한, 전했다 whole; the
 * copula also follows one-syllable nouns (힘이다 -> 힘). The endings hunspell-ko
 * knows for 하다/되다/스럽다/롭다 come first (공부했지만, 자연스러운 -> 자연);
 * none is a proper suffix of a rule written here, so their order is free. */
static const suffix_rule predicate_endings[] = {
#include "analyze_endings.inc"
    RULE("습니다", AFTER_CONSONANT, 1), /* 있습니다 -> 있 */
    RULE("했습니다", AFTER_ANY, 2), RULE("됐습니다", AFTER_ANY, 2),
    /* Predicates in questions: 사망하였는가, 선정됐나, 개최하는가. */
    RULE("하였는가", AFTER_ANY, 2), RULE("되었는가", AFTER_ANY, 2),
    RULE("했는가", AFTER_ANY, 2), RULE("됐는가", AFTER_ANY, 2), RULE("하였나", AFTER_ANY, 2),
    RULE("되었나", AFTER_ANY, 2), RULE("하는가", AFTER_ANY, 2), RULE("되는가", AFTER_ANY, 2),
    RULE("했을까", AFTER_ANY, 2), RULE("했나", AFTER_ANY, 2), RULE("됐나", AFTER_ANY, 2),
    RULE("할까", AFTER_ANY, 2),
    RULE("하였으며", AFTER_ANY, 2), RULE("되었으며", AFTER_ANY, 2),
    RULE("이었으며", AFTER_ANY, 1),
    RULE("하였다", AFTER_ANY, 2), RULE("하였고", AFTER_ANY, 2), RULE("했으며", AFTER_ANY, 2),
    RULE("했다고", AFTER_ANY, 2), RULE("한다고", AFTER_ANY, 2), RULE("하기도", AFTER_ANY, 2),
    RULE("하기로", AFTER_ANY, 2), RULE("하겠다", AFTER_ANY, 2), RULE("합니다", AFTER_ANY, 2),
    RULE("되었다", AFTER_ANY, 2), RULE("되었고", AFTER_ANY, 2), RULE("됐으며", AFTER_ANY, 2),
    RULE("됐다고", AFTER_ANY, 2), RULE("된다고", AFTER_ANY, 2), RULE("되기도", AFTER_ANY, 2),
    RULE("되기로", AFTER_ANY, 2), RULE("됩니다", AFTER_ANY, 2),
    RULE("이었다", AFTER_ANY, 1), RULE("이었고", AFTER_ANY, 1), RULE("입니다", AFTER_ANY, 1),
    /* The copula + nominalizer -기 after a bound noun (의존 명사), alone or
     * before a particle: 것이기 때문에, 개발중이기는, 할 수이기도 -> 것, 개발중,
     * 수. The bigram 이기 let a query for the noun 이기 find them (8 of the 22
     * two-noun keyword misses of tools/eval). A bound noun never begins a
     * compound, so 이기 after it is the copula; after a full noun (연작이기도)
     * it could also be a compound's part, and stays as it was. */
#define BOUND_NOUNS "것중줄수뿐바터데"
    RULE_ONLY_AFTER("이기까지", AFTER_ANY, 1, BOUND_NOUNS),
    RULE_ONLY_AFTER("이기에", AFTER_ANY, 1, BOUND_NOUNS),
    RULE_ONLY_AFTER("이기도", AFTER_ANY, 1, BOUND_NOUNS),
    RULE_ONLY_AFTER("이기는", AFTER_ANY, 1, BOUND_NOUNS),
    RULE_ONLY_AFTER("이기를", AFTER_ANY, 1, BOUND_NOUNS),
    RULE_ONLY_AFTER("이기만", AFTER_ANY, 1, BOUND_NOUNS),
    RULE_ONLY_AFTER("이기", AFTER_ANY, 1, BOUND_NOUNS),
    /* Copula in questions: 무엇인가, 누구였나, 어디였는가. */
    RULE("이었는가", AFTER_ANY, 1), RULE("였는가", AFTER_VOWEL, 1), RULE("이었나", AFTER_ANY, 1),
    RULE("인가요", AFTER_ANY, 1), RULE("인가", AFTER_ANY, 1), RULE("인지", AFTER_ANY, 1),
    RULE("였나", AFTER_VOWEL, 1), RULE("일까", AFTER_ANY, 1),
    RULE("였으며", AFTER_VOWEL, 2),
    RULE("하다", AFTER_ANY, 2), RULE("했다", AFTER_ANY, 2), RULE("한다", AFTER_ANY, 2),
    RULE("하는", AFTER_ANY, 2), RULE("하여", AFTER_ANY, 2), RULE("하고", AFTER_ANY, 2),
    RULE("하며", AFTER_ANY, 2), RULE("하기", AFTER_ANY, 2), RULE("하면", AFTER_ANY, 2),
    RULE("해서", AFTER_ANY, 2), RULE("했고", AFTER_ANY, 2), RULE("했던", AFTER_ANY, 2),
    RULE("하게", AFTER_ANY, 2), RULE("하지", AFTER_ANY, 2), RULE("해야", AFTER_ANY, 2),
    RULE("되다", AFTER_ANY, 2), RULE("됐다", AFTER_ANY, 2), RULE("된다", AFTER_ANY, 2),
    RULE("되는", AFTER_ANY, 2), RULE("되어", AFTER_ANY, 2), RULE("되고", AFTER_ANY, 2),
    RULE("되며", AFTER_ANY, 2), RULE("되기", AFTER_ANY, 2), RULE("되면", AFTER_ANY, 2),
    RULE("돼서", AFTER_ANY, 2), RULE("됐고", AFTER_ANY, 2), RULE("됐던", AFTER_ANY, 2),
    RULE("되게", AFTER_ANY, 2), RULE("되지", AFTER_ANY, 2), RULE("돼야", AFTER_ANY, 2),
    RULE("이다", AFTER_ANY, 1), RULE("였다", AFTER_VOWEL, 2), RULE("였고", AFTER_VOWEL, 2),
    RULE("한", AFTER_ANY, 2), RULE("해", AFTER_ANY, 2), RULE("된", AFTER_ANY, 2),
    RULE("돼", AFTER_ANY, 2), RULE("될", AFTER_ANY, 2),
    /* The copula after a vowel (평가다), but not the particles 보다 and 마다
     * nor the polite ending ㅂ니다 (갑니다). */
    RULE_NOT_AFTER("다", AFTER_VOWEL, 2, "보마니"),
};

typedef struct known_word {
    const char *text;
    size_t len;
} known_word;

#define WORD(text) { text, sizeof(text) - 1 }

/* Common nouns whose last syllable looks like a particle or an ending. A cut
 * that would fall inside one of them is not made: 통합사례관리회의 keeps its
 * 의, 원전하나 its 나, 지난해 its 해. */
static const known_word nouns_ending_like_suffixes[] = {
    WORD("어린이"), WORD("젊은이"), WORD("지킴이"), WORD("놀이"), WORD("높이"), WORD("길이"),
    WORD("회의"), WORD("주의"), WORD("협의"), WORD("합의"), WORD("논의"), WORD("정의"),
    WORD("동의"), WORD("건의"), WORD("강의"), WORD("결의"), WORD("심의"), WORD("문의"),
    WORD("질의"),
    WORD("결과"), WORD("성과"), WORD("통과"), WORD("경과"), WORD("학과"),
    WORD("제도"), WORD("정도"), WORD("속도"), WORD("태도"), WORD("온도"), WORD("지도"),
    WORD("시도"), WORD("의도"), WORD("반도"), WORD("경기도"), WORD("강원도"), WORD("제주도"),
    WORD("남도"), WORD("북도"),
    WORD("도로"), WORD("회로"), WORD("대로"),
    WORD("추가"), WORD("부가"), WORD("대가"),
    WORD("보고"), WORD("사고"), WORD("재고"), WORD("최고"),
    WORD("불만"), WORD("미만"), WORD("비만"),
    WORD("하나"),
    WORD("지난해"), WORD("이듬해"), WORD("피해"), WORD("이해"), WORD("방해"), WORD("손해"),
    WORD("동해"), WORD("서해"), WORD("남해"),
    WORD("제한"), WORD("권한"), WORD("기한"),
    WORD("바다"),
#include "analyze_nouns.inc"
};

/* Two-syllable nouns (from hunspell-ko), to tell which of two readings of a
 * word holds: see cut_splits_known_noun. */
static const char *const two_syllable_nouns[] = {
#include "analyze_two_syllable_nouns.inc"
};

/* Native verbs and adjectives (from hunspell-ko, see tools/gen-lexicon): a
 * form is a head (the stem as written: 먹, 갔, 예뻐) and a tail (었다, 다,
 * 요). Each head names its lemma and the class of tails it takes; each tail
 * lists its classes as a bit set. */
enum { VERB_CLASS_WORDS = 4, MAX_VERB_TAIL_SYLLABLES = 4 };

typedef struct verb_head {
    const char *head;
    const char *lemma;
    unsigned class_number;
} verb_head;

typedef struct verb_tail {
    const char *tail;
    uint64_t classes[VERB_CLASS_WORDS];
} verb_tail;

#define VERB_HEAD(head, lemma, number) { head, lemma, number }
#define VERB_TAIL(tail, ...) { tail, __VA_ARGS__ }

#if KS_VERB_LEMMAS
/* Only in builds that use them: the tables are 4.6 MB. */
static const verb_head verb_heads[] = {
#include "analyze_verb_heads.inc"
};

static const verb_tail verb_tails[] = {
#include "analyze_verb_tails.inc"
};
#endif

/* Counters of more than one syllable; any other counter is one syllable
 * (2014년, 1위, 18개). */
static const known_word long_counters[] = {
    WORD("킬로미터"), WORD("킬로그램"), WORD("퍼센트"),
    WORD("만원"), WORD("억원"), WORD("조원"), WORD("천원"), WORD("백원"), WORD("만명"),
    WORD("천명"), WORD("달러"), WORD("개월"), WORD("시간"), WORD("주년"), WORD("세기"),
    WORD("미터"), WORD("센티"), WORD("그램"), WORD("분기"),
};
enum { MAX_COUNTER_SYLLABLES = 4 };

/* ---- Stems -------------------------------------------------------------- */

enum { SYLLABLE_BYTES = 3, FINAL_RIEUL = 8 };

/* The syllable ending the Hangul word text[0, len). */
static uint32_t last_syllable(const char *text, size_t len)
{
    size_t at = len - SYLLABLE_BYTES;
    UChar32 c;
    U8_NEXT_UNSAFE(text, at, c);
    return (uint32_t)c;
}

/* True when `word` is nothing but precomposed Hangul syllables. */
static bool is_hangul_word(const char *word, size_t len)
{
    if (len == 0 || len % SYLLABLE_BYTES != 0)
        return false;
    for (size_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(word, i, len, c);
        if (c < 0 || !ks_is_hangul_syllable((uint32_t)c))
            return false;
    }
    return true;
}

/* Every word meets the tables, so they are looked up by last syllable: each
 * table gets a list of its entries sorted by that syllable (table order among
 * equals, which keeps the longest first), built once per analyzer. */
typedef struct by_last_syllable {
    uint32_t last;  /* the entry's last syllable */
    uint32_t entry; /* its place in the table */
} by_last_syllable;

typedef struct suffix_index {
    by_last_syllable endings[COUNT_OF(predicate_endings)];
    by_last_syllable particles[COUNT_OF(particles)];
    by_last_syllable nouns[COUNT_OF(nouns_ending_like_suffixes)];
} suffix_index;

static int compare_by_last_syllable(const void *a, const void *b)
{
    const by_last_syllable *x = a, *y = b;
    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static void suffix_index_init(suffix_index *index)
{
    for (size_t k = 0; k < COUNT_OF(predicate_endings); k++)
        index->endings[k] = (by_last_syllable){
            last_syllable(predicate_endings[k].text, predicate_endings[k].len), (uint32_t)k};
    for (size_t k = 0; k < COUNT_OF(particles); k++)
        index->particles[k] = (by_last_syllable){
            last_syllable(particles[k].text, particles[k].len), (uint32_t)k};
    for (size_t k = 0; k < COUNT_OF(nouns_ending_like_suffixes); k++)
        index->nouns[k] = (by_last_syllable){
            last_syllable(nouns_ending_like_suffixes[k].text, nouns_ending_like_suffixes[k].len),
            (uint32_t)k};
    qsort(index->endings, COUNT_OF(index->endings), sizeof index->endings[0],
          compare_by_last_syllable);
    qsort(index->particles, COUNT_OF(index->particles), sizeof index->particles[0],
          compare_by_last_syllable);
    qsort(index->nouns, COUNT_OF(index->nouns), sizeof index->nouns[0], compare_by_last_syllable);
}

/* Place in `index` of the first entry ending in `last` (or where it would be). */
static size_t first_ending_in(const by_last_syllable *index, size_t count, uint32_t last)
{
    size_t first = 0, end = count;
    while (first < end) {
        size_t middle = first + (end - first) / 2;
        if (index[middle].last < last)
            first = middle + 1;
        else
            end = middle;
    }
    return first;
}

static bool attaches_to(uint32_t syllable, attachment after)
{
    unsigned final = ks_hangul_decompose(syllable).final;
    switch (after) {
    case AFTER_VOWEL: return final == 0;
    case AFTER_CONSONANT: return final != 0;
    case AFTER_VOWEL_OR_RIEUL: return final == 0 || final == FINAL_RIEUL;
    case AFTER_ANY: break;
    }
    return true;
}

/* True when the `len` bytes of `word` end with `suffix`. */
static bool ends_with(const char *word, size_t len, const char *suffix, size_t suffix_len)
{
    return suffix_len <= len && memcmp(word + len - suffix_len, suffix, suffix_len) == 0;
}

static int compare_text(const void *key, const void *entry)
{
    return strcmp(key, *(const char *const *)entry);
}

/* True when the two syllables of `word` before byte `at` are a noun. */
static bool noun_ends_at(const char *word, size_t at)
{
    char last_two[2 * SYLLABLE_BYTES + 1];
    if (at < sizeof last_two - 1)
        return false;
    memcpy(last_two, word + at - (sizeof last_two - 1), sizeof last_two - 1);
    last_two[sizeof last_two - 1] = '\0';
    return bsearch(last_two, two_syllable_nouns, COUNT_OF(two_syllable_nouns),
                   sizeof two_syllable_nouns[0], compare_text) != NULL;
}

bool ks_is_dictionary_noun(const char *word, size_t len)
{
    char key[KS_MAX_TERM_BYTES];
    if (len == 0 || len >= sizeof key)
        return false;
    memcpy(key, word, len);
    key[len] = '\0';
    return bsearch(key, two_syllable_nouns, COUNT_OF(two_syllable_nouns),
                   sizeof two_syllable_nouns[0], compare_text) != NULL ||
           bsearch(key, ks_lexicon_nouns, ks_lexicon_count, sizeof ks_lexicon_nouns[0],
                   compare_text) != NULL;
}

/* True when cutting `word` at byte `cut` would split a known noun that spans
 * the cut. A noun starting inside the stem is read the other way when the stem
 * ends in a noun and what comes before the known noun does not: 신문의 is
 * 신문 + 의 (문의 is a noun, 신 is none), 원전하나 is 원전 + 하나. */
static bool cut_splits_known_noun(const suffix_index *index, const char *word, size_t len,
                                  size_t cut)
{
    const size_t count = COUNT_OF(index->nouns);
    for (size_t noun_end = cut + SYLLABLE_BYTES; noun_end <= len; noun_end += SYLLABLE_BYTES) {
        uint32_t last = last_syllable(word, noun_end);
        for (size_t k = first_ending_in(index->nouns, count, last);
             k < count && index->nouns[k].last == last; k++) {
            const known_word *noun = &nouns_ending_like_suffixes[index->nouns[k].entry];
            if (noun_end - cut >= noun->len || !ends_with(word, noun_end, noun->text, noun->len))
                continue;
            size_t noun_start = noun_end - noun->len;
            if (noun_start == 0 || !noun_ends_at(word, cut) || noun_ends_at(word, noun_start))
                return true;
        }
    }
    return false;
}

/* True when the syllable before byte `cut` is one of `syllables` (UTF-8). */
static bool stem_ends_in_one_of(const char *word, size_t cut, const char *syllables)
{
    for (const char *s = syllables; *s; s += SYLLABLE_BYTES) {
        if (memcmp(word + cut - SYLLABLE_BYTES, s, SYLLABLE_BYTES) == 0)
            return true;
    }
    return false;
}

#define COPULA "이"

/* Length of `word` without the first suffix of `rules` that fits, or `len`
 * when none does. `word` is Hangul syllables only. */
static size_t strip_first_suffix(const suffix_index *index, const char *word, size_t len,
                                 const suffix_rule *rules, const by_last_syllable *by_last,
                                 size_t rule_count)
{
    uint32_t last = last_syllable(word, len);
    for (size_t k = first_ending_in(by_last, rule_count, last);
         k < rule_count && by_last[k].last == last; k++) {
        const suffix_rule *rule = &rules[by_last[k].entry];
        if (!ends_with(word, len, rule->text, rule->len))
            continue;
        size_t cut = len - rule->len;
        if (cut / SYLLABLE_BYTES < rule->min_stem_syllables)
            continue;
        if (!attaches_to(last_syllable(word, cut), rule->after))
            continue;
        if (rule->not_after && stem_ends_in_one_of(word, cut, rule->not_after))
            continue;
        if (rule->only_after && !stem_ends_in_one_of(word, cut, rule->only_after))
            continue;
        /* A copula ending's 이 after a vowel may end a noun, the copula
         * itself dropped: 고양이다, 차이기 are 고양이 + 다, 차이 + 기. */
        if (memcmp(rule->text, COPULA, sizeof COPULA - 1) == 0 &&
            attaches_to(last_syllable(word, cut), AFTER_VOWEL) &&
            ks_is_dictionary_noun(word, cut + sizeof COPULA - 1))
            continue;
        if (cut_splits_known_noun(index, word, len, cut))
            continue;
        return cut;
    }
    return len;
}

/* 들 marks a plural between the noun and its particle: 주민들은 -> 주민. Two
 * syllables must stay, so 아들 and 그들 stay whole, and so do nouns ending
 * in 들 (큰아들). */
static size_t strip_plural(const suffix_index *index, const char *word, size_t len)
{
    static const char plural[] = "들";
    size_t plural_len = sizeof plural - 1;
    if (len >= plural_len + 2 * SYLLABLE_BYTES && ends_with(word, len, plural, plural_len) &&
        !cut_splits_known_noun(index, word, len, len - plural_len))
        return len - plural_len;
    return len;
}

/* Length in bytes of the stem of a normalized word; `len` when it has none. */
static size_t stem_length(const suffix_index *index, const char *word, size_t len)
{
    if (!is_hangul_word(word, len))
        return len;
    size_t stem = strip_first_suffix(index, word, len, predicate_endings, index->endings,
                                     COUNT_OF(predicate_endings));
    if (stem != len)
        return stem;
    stem = strip_first_suffix(index, word, len, particles, index->particles, COUNT_OF(particles));
    return strip_plural(index, word, stem);
}

#if KS_VERB_LEMMAS
/* Place of the first verb head not before the `len` bytes of `key`: the
 * heads equal to them, if any, start there (a longer head sorts after). */
static size_t first_verb_head(const char *key, size_t len)
{
    size_t first = 0, end = COUNT_OF(verb_heads);
    while (first < end) {
        size_t middle = first + (end - first) / 2;
        if (strncmp(verb_heads[middle].head, key, len) < 0)
            first = middle + 1;
        else
            end = middle;
    }
    return first;
}

static int compare_verb_tail(const void *key, const void *entry)
{
    return strcmp(key, ((const verb_tail *)entry)->tail);
}

static bool tail_takes_class(const verb_tail *tail, unsigned class_number)
{
    return (tail->classes[class_number / 64] >> (class_number % 64)) & 1u;
}

/* The lemma of `word` read as a form of a native verb or adjective (먹었다,
 * 먹는데 -> 먹다; 예뻐요 -> 예쁘다), or NULL when no lemma fits, when two do
 * (나는: 나다 or 날다), or when the word is a dictionary noun, alone or
 * before a particle or ending (사고, 나라는). */
static const char *verb_lemma(const suffix_index *index, const char *word, size_t len)
{
    char key[KS_MAX_TERM_BYTES + 1];
    if (len < 2 * SYLLABLE_BYTES || len >= sizeof key || !is_hangul_word(word, len))
        return NULL;
    memcpy(key, word, len);
    key[len] = '\0';
    const char *lemma = NULL;
    for (size_t head_len = SYLLABLE_BYTES; head_len <= len; head_len += SYLLABLE_BYTES) {
        if (len - head_len > MAX_VERB_TAIL_SYLLABLES * SYLLABLE_BYTES)
            continue;
        const verb_tail *tail = bsearch(key + head_len, verb_tails, COUNT_OF(verb_tails),
                                        sizeof verb_tails[0], compare_verb_tail);
        if (!tail)
            continue;
        for (size_t k = first_verb_head(key, head_len);
             k < COUNT_OF(verb_heads) && strncmp(verb_heads[k].head, key, head_len) == 0 &&
             verb_heads[k].head[head_len] == '\0';
             k++) {
            const verb_head *head = &verb_heads[k];
            if (!tail_takes_class(tail, head->class_number))
                continue;
            if (lemma && strcmp(lemma, head->lemma) != 0)
                return NULL;
            lemma = head->lemma;
        }
    }
    if (!lemma || ks_is_dictionary_noun(word, len))
        return NULL;
    size_t stem = stem_length(index, word, len);
    return stem < len && ks_is_dictionary_noun(word, stem) ? NULL : lemma;
}
#else
static const char *verb_lemma(const suffix_index *index, const char *word, size_t len)
{
    (void)index, (void)word, (void)len;
    return NULL;
}
#endif

/* Bytes of `word` that it shares with `lemma` without its final 다, whole
 * syllables: the part of 아름다운 (아름답다) its bigrams come from. */
static size_t verb_stem_prefix(const char *word, size_t len, const char *lemma)
{
    size_t lemma_stem = strlen(lemma) - SYLLABLE_BYTES, shared = 0;
    while (shared + SYLLABLE_BYTES <= len && shared + SYLLABLE_BYTES <= lemma_stem &&
           memcmp(word + shared, lemma + shared, SYLLABLE_BYTES) == 0)
        shared += SYLLABLE_BYTES;
    return shared;
}

/* ---- The analyzer ------------------------------------------------------- */

/* A piece of a word that normalizes on its own: a code point with the
 * conjoining jamo, vowels and marks that follow it. One Hangul syllable or
 * ideograph is a "syllable": it gets an ordinal and joins bigrams. */
typedef struct word_unit {
    size_t start, end;            /* original bytes */
    size_t text_offset, text_len; /* normalized text, from analyzer->unit_base */
    bool is_syllable;
    uint32_t position;
} word_unit;

struct ks_analyzer {
    ks_segmenter *segmenter;
    ks_buf word;       /* the current word, normalized */
    ks_buf unit_text;  /* its units normalized one by one (slow path) */
    ks_buf counter;    /* the counter after a number, normalized */
    word_unit *units;
    size_t unit_count, unit_cap;
    const char *unit_base;
    ks_term *terms;
    size_t term_count, term_cap;
    size_t *text_offsets; /* where each term's text starts in `arena` */
    size_t offset_cap;
    ks_buf arena;         /* term texts, NUL-terminated, back to back */
    uint32_t next_syllable;
    suffix_index suffixes;
};

ks_status ks_analyzer_new(ks_analyzer **out)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    ks_analyzer *analyzer = calloc(1, sizeof *analyzer);
    if (!analyzer)
        return KS_ERR_NOMEM;
    ks_status st = ks_segmenter_new(&analyzer->segmenter);
    if (st != KS_OK) {
        free(analyzer);
        return st;
    }
    suffix_index_init(&analyzer->suffixes);
    *out = analyzer;
    return KS_OK;
}

void ks_analyzer_free(ks_analyzer *analyzer)
{
    if (!analyzer)
        return;
    ks_segmenter_free(analyzer->segmenter);
    ks_buf_free(&analyzer->word);
    ks_buf_free(&analyzer->unit_text);
    ks_buf_free(&analyzer->counter);
    free(analyzer->units);
    free(analyzer->terms);
    free(analyzer->text_offsets);
    ks_buf_free(&analyzer->arena);
    free(analyzer);
}

/* Adds a term whose text is `head` followed by `tail` (tail may be empty). */
static ks_status add_term(ks_analyzer *analyzer, ks_term_kind kind, uint32_t word,
                          uint32_t position, size_t start, size_t end, const char *head,
                          size_t head_len, const char *tail, size_t tail_len)
{
    size_t need = analyzer->term_count + 1;
    ks_status st = ks_grow((void **)&analyzer->terms, &analyzer->term_cap, need,
                           sizeof *analyzer->terms);
    if (st == KS_OK)
        st = ks_grow((void **)&analyzer->text_offsets, &analyzer->offset_cap, need,
                     sizeof *analyzer->text_offsets);
    size_t offset = analyzer->arena.len;
    if (st == KS_OK)
        st = ks_buf_append(&analyzer->arena, head, head_len);
    if (st == KS_OK)
        st = ks_buf_append(&analyzer->arena, tail, tail_len);
    if (st == KS_OK) /* keep the NUL that ks_buf_append wrote as the separator */
        st = ks_buf_append(&analyzer->arena, "", 1);
    if (st != KS_OK)
        return st;
    /* Texts are pointed to once the arena stops moving (ks_analyzer_run). */
    analyzer->text_offsets[analyzer->term_count] = offset;
    analyzer->terms[analyzer->term_count++] = (ks_term){
        .text = NULL, .kind = kind, .word = word, .position = position, .start = start, .end = end,
    };
    return KS_OK;
}

/* Code points that normalize together with the one before them: vowel and
 * final jamo (ᄀ+ᅡ+ᆨ -> 각), compatibility vowels, combining marks, and
 * invisible ones that normalization drops. */
static bool joins_previous(uint32_t c)
{
    if (c < 0x0300 || ks_is_hangul_syllable(c))
        return false;
    if ((c >= 0x1160 && c <= 0x11FF) || (c >= 0xD7B0 && c <= 0xD7FF) ||
        (c >= 0x314F && c <= 0x3163) || (c >= 0x3187 && c <= 0x318E) ||
        (c >= 0xFFC2 && c <= 0xFFDC))
        return true;
    return (U_GET_GC_MASK((UChar32)c) & U_GC_M_MASK) != 0 ||
           u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

static size_t unit_end(const char *text, size_t end, size_t i)
{
    ks_utf8_next(text, end, &i);
    while (i < end) {
        size_t next = i;
        if (!joins_previous(ks_utf8_next(text, end, &next)))
            break;
        i = next;
    }
    return i;
}

static bool is_one_hangul_syllable(const char *text, size_t len)
{
    return len == SYLLABLE_BYTES && is_hangul_word(text, len);
}

/* True when `text` is exactly one Hangul syllable or ideograph. */
static bool is_one_syllable(const char *text, size_t len)
{
    if (is_one_hangul_syllable(text, len))
        return true;
    size_t i = 0;
    uint32_t c = ks_utf8_next(text, len, &i);
    return i == len && ks_is_hanja(c);
}

static bool has_syllables(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (U8_IS_SINGLE(text[i])) {
            i++;
            continue;
        }
        uint32_t c = ks_utf8_next(text, len, &i);
        if (ks_is_hangul_syllable(c) || ks_is_hanja(c))
            return true;
    }
    return false;
}

/* Splits the segment [start, end) of `text` into units. When the segment is
 * already normalized, units are read in place; otherwise each one is
 * normalized alone, so a syllable's original bytes are known even in NFD. */
static ks_status split_units(ks_analyzer *analyzer, const char *text, size_t start, size_t end,
                             bool already_normalized)
{
    analyzer->unit_count = 0;
    ks_buf_clear(&analyzer->unit_text);
    for (size_t i = start; i < end;) {
        size_t next = unit_end(text, end, i);
        size_t text_offset = i - start, text_len = next - i;
        if (!already_normalized) {
            text_offset = analyzer->unit_text.len;
            ks_status st = ks_normalize_append(&analyzer->unit_text, text + i, next - i);
            if (st != KS_OK)
                return st;
            text_len = analyzer->unit_text.len - text_offset;
        }
        ks_status st = ks_grow((void **)&analyzer->units, &analyzer->unit_cap,
                               analyzer->unit_count + 1, sizeof *analyzer->units);
        if (st != KS_OK)
            return st;
        analyzer->units[analyzer->unit_count++] = (word_unit){
            .start = i, .end = next, .text_offset = text_offset, .text_len = text_len,
        };
        i = next;
    }
    const char *base = already_normalized ? text + start : analyzer->unit_text.data;
    for (size_t k = 0; k < analyzer->unit_count; k++) {
        word_unit *unit = &analyzer->units[k];
        unit->is_syllable = is_one_syllable(base + unit->text_offset, unit->text_len);
    }
    analyzer->unit_base = base;
    return KS_OK;
}

/* Numbers every syllable of the word and adds a bigram for each adjacent pair. */
/* Bigrams stop at the end of the stem: 구로구는 gives 구로 and 로구, not 구는.
 * A pair reaching into a particle or an ending is what no query looks for
 * (queries use their stems' bigrams too), and it would cost a posting. */
static ks_status add_bigrams(ks_analyzer *analyzer, uint32_t word, size_t stem_bytes)
{
    for (size_t k = 0; k < analyzer->unit_count; k++) {
        if (analyzer->units[k].is_syllable)
            analyzer->units[k].position = analyzer->next_syllable++;
    }
    for (size_t k = 0; k + 1 < analyzer->unit_count; k++) {
        const word_unit *first = &analyzer->units[k], *second = &analyzer->units[k + 1];
        if (second->text_offset + second->text_len > stem_bytes)
            break;
        if (!first->is_syllable || !second->is_syllable)
            continue;
        ks_status st = add_term(analyzer, KS_TERM_BIGRAM, word, first->position, first->start,
                                second->end, analyzer->unit_base + first->text_offset,
                                first->text_len, analyzer->unit_base + second->text_offset,
                                second->text_len);
        if (st != KS_OK)
            return st;
    }
    return KS_OK;
}

/* Longest counter at the start of `counter` given the byte length after each
 * of its `syllables`; returns how many syllables it takes. */
static size_t counter_syllables(const char *counter, const size_t *prefix_len, size_t syllables)
{
    for (size_t n = syllables; n >= 2; n--) {
        for (size_t k = 0; k < COUNT_OF(long_counters); k++) {
            if (long_counters[k].len == prefix_len[n - 1] &&
                memcmp(long_counters[k].text, counter, prefix_len[n - 1]) == 0)
                return n;
        }
    }
    return 1;
}

/* 2014년, 1위, 8억, 3600만원: a number and the Hangul counter right after it
 * (ICU splits them apart at the change of script). `analyzer->word` still
 * holds the number, normalized. */
static ks_status add_number_compound(ks_analyzer *analyzer, const char *text,
                                     const ks_segment *number, const ks_segment *next,
                                     uint32_t word)
{
    size_t syllable_end[MAX_COUNTER_SYLLABLES], prefix_len[MAX_COUNTER_SYLLABLES];
    size_t syllables = 0;
    ks_buf *counter = &analyzer->counter;
    ks_buf_clear(counter);
    for (size_t i = next->start; i < next->end && syllables < MAX_COUNTER_SYLLABLES;) {
        size_t unit = unit_end(text, next->end, i), before = counter->len;
        ks_status st = ks_normalize_append(counter, text + i, unit - i);
        if (st != KS_OK)
            return st;
        if (!is_one_hangul_syllable(counter->data + before, counter->len - before))
            break;
        syllable_end[syllables] = unit;
        prefix_len[syllables++] = counter->len;
        i = unit;
    }
    if (syllables == 0)
        return KS_OK;
    size_t n = counter_syllables(counter->data, prefix_len, syllables);
    if (analyzer->word.len + prefix_len[n - 1] > KS_MAX_TERM_BYTES)
        return KS_OK;
    return add_term(analyzer, KS_TERM_COMPOUND, word, word, number->start, syllable_end[n - 1],
                    analyzer->word.data, analyzer->word.len, counter->data, prefix_len[n - 1]);
}

/* True when the segment is nothing but a particle or a copula ending written
 * right after a quote, bracket, number or Latin word ("희망"을, 10%의, LED로,
 * Book)이기도): ICU makes it a word of its own, but alone it says nothing, so
 * it gets no terms and a query does not look for it. */
/* Whether `word` is the whole text of one of `rules` that starts with
 * `starting` ("" for any). */
static bool is_whole_rule(const suffix_rule *rules, size_t count, const ks_buf *word,
                          const char *starting)
{
    for (size_t k = 0; k < count; k++) {
        if (rules[k].len == word->len && memcmp(rules[k].text, word->data, word->len) == 0 &&
            strncmp(rules[k].text, starting, strlen(starting)) == 0)
            return true;
    }
    return false;
}

static bool is_detached_particle(const char *text, const ks_segment *segment,
                                 const ks_buf *normalized)
{
    if (segment->start == 0 || isspace((unsigned char)text[segment->start - 1]))
        return false;
    return is_whole_rule(particles, COUNT_OF(particles), normalized, "") ||
           is_whole_rule(predicate_endings, COUNT_OF(predicate_endings), normalized, COPULA);
}

static ks_status analyze_word(ks_analyzer *analyzer, const char *text, const ks_segment *segment,
                              const ks_segment *next, uint32_t word)
{
    ks_buf *normalized = &analyzer->word;
    const char *original = text + segment->start;
    size_t original_len = segment->end - segment->start;
    ks_buf_clear(normalized);
    ks_status st = ks_normalize_append(normalized, original, original_len);
    if (st != KS_OK)
        return st;
    if (is_detached_particle(text, segment, normalized)) {
        analyzer->next_syllable++;
        return KS_OK;
    }

    /* An overlong "word" (hundreds of syllables without a space) is no word
     * anyone types; its bigrams still make its parts findable. */
    size_t stem = normalized->len;
    if (normalized->len > 0 && normalized->len <= KS_MAX_TERM_BYTES) {
        st = add_term(analyzer, KS_TERM_SURFACE, word, word, segment->start, segment->end,
                      normalized->data, normalized->len, "", 0);
        const char *lemma = verb_lemma(&analyzer->suffixes, normalized->data, normalized->len);
        if (lemma) {
            stem = verb_stem_prefix(normalized->data, normalized->len, lemma);
            if (st == KS_OK && (strlen(lemma) != normalized->len ||
                                memcmp(lemma, normalized->data, normalized->len) != 0))
                st = add_term(analyzer, KS_TERM_STEM, word, word, segment->start, segment->end,
                              lemma, strlen(lemma), "", 0);
        } else {
            stem = stem_length(&analyzer->suffixes, normalized->data, normalized->len);
            if (st == KS_OK && stem < normalized->len)
                st = add_term(analyzer, KS_TERM_STEM, word, word, segment->start, segment->end,
                              normalized->data, stem, "", 0);
        }
        if (st != KS_OK)
            return st;
    }
    if (segment->kind == KS_SEGMENT_NUMBER && next && next->start == segment->end &&
        next->kind == KS_SEGMENT_LETTER) {
        st = add_number_compound(analyzer, text, segment, next, word);
        if (st != KS_OK)
            return st;
    }
    if (has_syllables(normalized->data, normalized->len)) {
        bool already_normalized = normalized->len == original_len &&
                                  memcmp(normalized->data, original, original_len) == 0;
        st = split_units(analyzer, text, segment->start, segment->end, already_normalized);
        if (st == KS_OK)
            st = add_bigrams(analyzer, word, stem);
        if (st != KS_OK)
            return st;
    }
    analyzer->next_syllable++; /* a gap, so no bigram sequence runs across words */
    return KS_OK;
}

ks_status ks_analyzer_run(ks_analyzer *analyzer, const char *text, size_t len,
                          const ks_term **out_terms, size_t *out_count)
{
    if (!analyzer || !out_terms || !out_count || (!text && len))
        return KS_ERR_INVALID_ARGUMENT;
    *out_terms = NULL;
    *out_count = 0;
    analyzer->term_count = 0;
    analyzer->next_syllable = 1;
    ks_buf_clear(&analyzer->arena);

    const ks_segment *segments;
    size_t segment_count;
    ks_status st = ks_segmenter_run(analyzer->segmenter, text, len, &segments, &segment_count);
    for (size_t i = 0; st == KS_OK && i < segment_count; i++) {
        const ks_segment *next = i + 1 < segment_count ? &segments[i + 1] : NULL;
        st = analyze_word(analyzer, text, &segments[i], next, (uint32_t)(i + 1));
    }
    if (st != KS_OK) {
        analyzer->term_count = 0;
        return st;
    }
    for (size_t k = 0; k < analyzer->term_count; k++)
        analyzer->terms[k].text = analyzer->arena.data + analyzer->text_offsets[k];
    *out_terms = analyzer->terms;
    *out_count = analyzer->term_count;
    return KS_OK;
}

/* ---- Public one-shot analysis ------------------------------------------- */

struct ks_analysis {
    ks_term *terms;
    size_t count;
    char *texts;
};

/* Copies the analyzer's terms so they outlive it. */
static ks_status copy_analysis(const ks_analyzer *analyzer, const ks_term *terms, size_t count,
                               ks_analysis **out)
{
    ks_analysis *analysis = calloc(1, sizeof *analysis);
    if (!analysis)
        return KS_ERR_NOMEM;
    analysis->count = count;
    analysis->terms = malloc((count ? count : 1) * sizeof *analysis->terms);
    analysis->texts = malloc(analyzer->arena.len ? analyzer->arena.len : 1);
    if (!analysis->terms || !analysis->texts) {
        ks_analysis_free(analysis);
        return KS_ERR_NOMEM;
    }
    if (analyzer->arena.len)
        memcpy(analysis->texts, analyzer->arena.data, analyzer->arena.len);
    for (size_t k = 0; k < count; k++) {
        analysis->terms[k] = terms[k];
        analysis->terms[k].text = analysis->texts + analyzer->text_offsets[k];
    }
    *out = analysis;
    return KS_OK;
}

KS_API ks_status ks_analyze(ks_analysis **out, const char *text, size_t len)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!text && len)
        return KS_ERR_INVALID_ARGUMENT;
    ks_analyzer *analyzer;
    ks_status st = ks_analyzer_new(&analyzer);
    if (st != KS_OK)
        return st;
    const ks_term *terms;
    size_t count;
    st = ks_analyzer_run(analyzer, text, len, &terms, &count);
    if (st == KS_OK)
        st = copy_analysis(analyzer, terms, count, out);
    ks_analyzer_free(analyzer);
    return st;
}

KS_API size_t ks_analysis_count(const ks_analysis *analysis)
{
    return analysis ? analysis->count : 0;
}

KS_API const ks_term *ks_analysis_term(const ks_analysis *analysis, size_t index)
{
    if (!analysis || index >= analysis->count)
        return NULL;
    return &analysis->terms[index];
}

KS_API void ks_analysis_free(ks_analysis *analysis)
{
    if (!analysis)
        return;
    free(analysis->terms);
    free(analysis->texts);
    free(analysis);
}
