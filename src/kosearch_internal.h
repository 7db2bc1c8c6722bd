/* Private interfaces between the stages of the kosearch pipeline.
 *
 * Text flows one way: read -> normalize -> segment -> analyze -> passage ->
 * index -> parse -> query -> search -> snippet. This header is sectioned per source
 * file in that order, util.c's helpers first, like SQLite's fts5Int.h; each
 * section is the interface of one file. Beside a stage stand the files that
 * serve it: lexicon.c (hunspell-ko's nouns) and hangul.c (Korean text, no
 * database) the analysis; folder.c, build.c and shard.c the index;
 * synonyms.c and vocabulary.c (the index's term list) the query. The index
 * stage is three files: db.c (the handle) puts articles through records.c
 * (what is remembered of each article and file) and index.c (the writer:
 * passages into documents). No file calls into one that calls back into it. */
#ifndef KOSEARCH_INTERNAL_H
#define KOSEARCH_INTERNAL_H

#include "kosearch.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Xapian refuses terms longer than 245 bytes; leave room for a prefix. */
#define KS_MAX_TERM_BYTES 240

/* Value slot of the article's day, "YYYY-MM-DD" (absent when unknown). */
#define KS_SLOT_DATE 0
#define KS_SLOT_DATE_BYTES 10

/* Elements in a fixed-size array. */
#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

/* ------------------------------------------------------------------------ */
/* Interface to code in util.c: growable buffers and small helpers.         */

typedef struct ks_buf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len, cap;
} ks_buf;

ks_status ks_buf_append(ks_buf *buf, const char *bytes, size_t len);
ks_status ks_buf_append_str(ks_buf *buf, const char *s);
ks_status ks_buf_printf(ks_buf *buf, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void ks_buf_clear(ks_buf *buf);
void ks_buf_free(ks_buf *buf);

/* Grows *items (of `size` bytes each) so that at least `need` fit. */
ks_status ks_grow(void **items, size_t *cap, size_t need, size_t size);

char *ks_strndup(const char *s, size_t len);
/* rm -rf: removes a folder and everything below it (symlinks not followed). */
int ks_remove_tree(const char *path);
/* 64-bit FNV-1a over bytes: content fingerprints, not security. */
uint64_t ks_hash64(const char *bytes, size_t len);
/* The same over pieces: ks_hash64_more(ks_hash64_more(KS_HASH64_START, a,
 * n), b, m) is ks_hash64 of a and b joined. */
#define KS_HASH64_START 0xcbf29ce484222325ULL
uint64_t ks_hash64_more(uint64_t hash, const char *bytes, size_t len);
/* SHA-256 of bytes as 64 lowercase hex digits and a NUL: where a hash must
 * not be steerable by whoever chooses the bytes. */
#define KS_SHA256_HEX_SIZE 65
void ks_sha256_hex(const char *bytes, size_t len, char out[KS_SHA256_HEX_SIZE]);

/* Decodes one UTF-8 code point at s[*i] (bounded by len), advancing *i.
 * Invalid bytes decode as U+FFFD and advance by one. */
uint32_t ks_utf8_next(const char *s, size_t len, size_t *i);
/* Number of bytes of `s` that form valid UTF-8 (== len when all valid). */
size_t ks_utf8_valid_prefix(const char *s, size_t len);
/* Code points in `len` bytes of UTF-8 (each invalid byte counting as one). */
size_t ks_utf8_count(const char *s, size_t len);
/* Code points of the string `s` when `accept` takes every one; else 0. */
size_t ks_utf8_count_all(const char *s, bool (*accept)(uint32_t));

/* Hangul syllables as characters, with no Korean rules: here, beside the
 * UTF-8 decoder, because normalization and segmentation test for them too. */
/* A Hangul syllable is KS_HANGUL_FIRST + (initial * KS_HANGUL_MEDIALS +
 * medial) * KS_HANGUL_FINALS + final, final 0 meaning none (Unicode's
 * conjoining algorithm, section 3.12). The conjoining jamo of the parts are
 * KS_JAMO_INITIAL_FIRST + initial, KS_JAMO_MEDIAL_FIRST + medial and
 * KS_JAMO_FINAL_BEFORE + final (final above 0). */
#define KS_HANGUL_FIRST 0xAC00
#define KS_HANGUL_INITIALS 19
#define KS_HANGUL_MEDIALS 21
#define KS_HANGUL_FINALS 28
#define KS_HANGUL_COUNT (KS_HANGUL_INITIALS * KS_HANGUL_MEDIALS * KS_HANGUL_FINALS)
#define KS_JAMO_INITIAL_FIRST 0x1100
#define KS_JAMO_MEDIAL_FIRST 0x1161
#define KS_JAMO_FINAL_BEFORE 0x11A7

typedef struct ks_hangul_parts {
    unsigned initial, medial, final;
} ks_hangul_parts;

static inline bool ks_is_hangul_syllable(uint32_t c)
{
    return c >= KS_HANGUL_FIRST && c < KS_HANGUL_FIRST + KS_HANGUL_COUNT;
}

/* The parts of a Hangul syllable (ks_is_hangul_syllable()). */
static inline ks_hangul_parts ks_hangul_decompose(uint32_t syllable)
{
    uint32_t s = syllable - KS_HANGUL_FIRST;
    return (ks_hangul_parts){s / (KS_HANGUL_MEDIALS * KS_HANGUL_FINALS),
                             s / KS_HANGUL_FINALS % KS_HANGUL_MEDIALS, s % KS_HANGUL_FINALS};
}

static inline uint32_t ks_hangul_compose(ks_hangul_parts parts)
{
    return KS_HANGUL_FIRST +
           (parts.initial * KS_HANGUL_MEDIALS + parts.medial) * KS_HANGUL_FINALS + parts.final;
}

/* Whether `c` is Hanja: a CJK ideograph (ICU's Ideographic property, from
 * the CJK radicals on), in any block: the unified ideographs and all their
 * extensions, the compatibility ideographs, 〇. The analyzer, the Hanja
 * reader and the build's Hanja table all ask this. */
bool ks_is_hanja(uint32_t c);

/* Whether the text's first character is a Hangul syllable (a word typed in
 * Hangul, not 초성, Latin or Hanja). */
static inline bool ks_starts_with_hangul_syllable(const char *text, size_t len)
{
    size_t at = 0;
    return len > 0 && ks_is_hangul_syllable(ks_utf8_next(text, len, &at));
}

/* ------------------------------------------------------------------------ */
/* Interface to code in read.c: files, folders and JSONL into articles.     */

/* ks_read_path() and its callbacks are public: see kosearch.h. */

/* Reads JSONL from memory exactly as from a .jsonl file named `origin`
 * (used for error messages; articles get no origin file). For tests and
 * fuzzing. */
ks_status ks_read_jsonl_buffer(const char *bytes, size_t len, const char *origin,
                               const ks_reader_callbacks *callbacks);

/* ------------------------------------------------------------------------ */
/* Interface to code in normalize.c: NFKC + case folding, charsets to UTF-8. */

/* Appends NFKC_Casefold(text) to `out` as UTF-8. Decomposed Hangul comes out
 * composed; invalid UTF-8 is read as U+FFFD. */
ks_status ks_normalize_append(ks_buf *out, const char *text, size_t len);
/* Appends `count` UTF-16 units (ICU's UChar) to `out` as UTF-8; an unpaired
 * surrogate becomes U+FFFD. */
ks_status ks_append_utf16_as_utf8(ks_buf *out, const uint16_t *units, size_t count);

/* The invalid bytes a decoding replaced with U+FFFD: how many, and where
 * the first few are (offsets from the start of the input). */
#define KS_INVALID_BYTES_SHOWN 5
typedef struct ks_invalid_bytes {
    size_t count;
    long first[KS_INVALID_BYTES_SHOWN];
} ks_invalid_bytes;

/* Converts raw file bytes to clean UTF-8: strips a BOM, turns CRLF into LF,
 * detects CP949/EUC-KR and converts it. Bytes that are neither are taken as
 * UTF-8 with each invalid byte replaced by U+FFFD: KS_OK, with the reason
 * saying so and *out_invalid (optional) listing them. KS_ERR_BAD_INPUT for
 * NUL bytes (binary), with *out_bad_offset at the first. */
ks_status ks_decode_text(const char *bytes, size_t len, ks_buf *out, long *out_bad_offset,
                         const char **out_reason, ks_invalid_bytes *out_invalid);
/* Converts bytes in `charset` to UTF-8 appended to out. Any byte the charset
 * does not define stops the conversion: KS_ERR_ENCODING with *bad_offset at
 * that byte (or -1 when a placeholder was refused). */
ks_status ks_convert_to_utf8(const char *charset, bool refuse_placeholders, const char *bytes,
                             size_t len, ks_buf *out, long *bad_offset);
/* Converts valid UTF-8 to `charset`, appended to out. */
ks_status ks_convert_from_utf8(const char *charset, const char *text, size_t len, ks_buf *out);

/* ------------------------------------------------------------------------ */
/* Interface to code in segment.c: ICU word breaks over the original UTF-8. */

typedef enum ks_segment_kind {
    KS_SEGMENT_NUMBER = 1, /* ICU rule status 100..199 */
    KS_SEGMENT_LETTER,     /* 200..299: Hangul, Latin, ... */
    KS_SEGMENT_KANA,       /* 300..399 */
    KS_SEGMENT_IDEOGRAPH   /* 400..499: Hanja */
} ks_segment_kind;

typedef struct ks_segment {
    size_t start, end; /* byte span in the original text */
    ks_segment_kind kind;
} ks_segment;

typedef struct ks_segmenter ks_segmenter;

ks_status ks_segmenter_new(ks_segmenter **out);
void ks_segmenter_free(ks_segmenter *segmenter);
/* Finds the words of `text` (spaces and punctuation are skipped). The array
 * is owned by the segmenter and valid until its next run. */
ks_status ks_segmenter_run(ks_segmenter *segmenter, const char *text, size_t len,
                           const ks_segment **out_segments, size_t *out_count);

/* ------------------------------------------------------------------------ */
/* Interface to code in analyze.c: Korean terms from the segmenter's words. */

typedef struct ks_analyzer ks_analyzer;

/* Terms are kept in one list; term texts point into the analyzer's string
 * storage and stay valid until its next run. */
ks_status ks_analyzer_new(ks_analyzer **out);
void ks_analyzer_free(ks_analyzer *analyzer);
ks_status ks_analyzer_run(ks_analyzer *analyzer, const char *text, size_t len,
                          const ks_term **out_terms, size_t *out_count);
/* Whether this build gives native verbs their lemma (meson option
 * verb_lemmas), which its analyzer version also tells. */
bool ks_analyzer_has_verb_lemmas(void);
/* Whether the first len bytes of `word` are a hunspell-ko noun of two
 * syllables or more (the two-syllable list and the lexicon table). */
bool ks_is_dictionary_noun(const char *word, size_t len);

/* ------------------------------------------------------------------------ */
/* Interface to code in lexicon.c: hunspell-ko's nouns.                     */

/* The generated table (lexicon_table.c): nouns of three or more syllables,
 * sorted by bytes. */
extern const size_t ks_lexicon_longest_syllables;
extern const size_t ks_lexicon_count;
extern const char *const ks_lexicon_nouns[];
/* Whether the bigram at syllables first and first+1 of `word` lies inside
 * a longer dictionary noun that goes on past it (청소 in 청소년, not in
 * 대청소 or 청소활동): an inner bigram, indexed apart (index.c). False when
 * the word's syllables there are not `bigram`. */
bool ks_lexicon_bigram_is_inner(const char *word, size_t first, const char *bigram);

/* ------------------------------------------------------------------------ */
/* Interface to code in hangul.c: Korean text as typed, no database.       */

/* Appends one code point to `out` as UTF-8. */
ks_status ks_append_code_point(ks_buf *out, uint32_t c);
/* The number of syllables of a word made only of Hangul syllables; 0 for
 * any other word. */
size_t ks_syllable_count(const char *word);
/* The initial's index of a consonant typed alone: compatibility jamo, or the
 * conjoining choseong NFKC turns them into; -1 for anything else. */
int ks_initial_index(uint32_t c);

/* Appends the initial consonants (compatibility jamo) of a word made only of
 * Hangul syllables; false for any other word. */
bool ks_initials_of(const char *word, size_t len, ks_buf *out);
/* Spells a word out in jamo: syllables split into initial, medial and
 * final, each coded apart so an initial never equals a final; other
 * characters stay as they are. At most KS_MAX_JAMO; returns how many. */
#define KS_MAX_JAMO 96
size_t ks_jamo_spell(const char *word, uint32_t out[KS_MAX_JAMO]);
/* Levenshtein distance between two spelled-out words. */
size_t ks_jamo_levenshtein(const uint32_t *a, size_t a_len, const uint32_t *b, size_t b_len);
/* Retypes a word typed in the wrong keyboard mode on the two-set layout,
 * appending it to `out`: `to_hangul`, Latin letters that make whole
 * syllables (rnfhrn -> 구로구); else Hangul as the Latin keys that typed it
 * (ㅣㄷㅇ -> led). False, with `out` as it was, for any other word. */
bool ks_layout_retype_word(const char *word, size_t len, bool to_hangul, ks_buf *out);
bool ks_is_hanja_word(const char *text, size_t len);
/* The Hangul reading of a Hanja word (九老區 -> 구로구): the dictionary's
 * word when it has one, else each character's commonest reading. */
bool ks_hanja_reading(const char *hanja, size_t len, ks_buf *out);
/* The generated table (hanja_table.c, written by tools/hanja_table.c from
 * libhangul's dictionary): its words sorted by Hanja, each the offset in
 * ks_hanja_strings of the Hanja, whose reading follows after its NUL; and
 * each Hanja character's commonest reading, sorted. */
typedef struct ks_hanja_char {
    uint32_t hanja, syllable;
} ks_hanja_char;
extern const char ks_hanja_strings[];
extern const uint32_t ks_hanja_words[];
extern const size_t ks_hanja_word_count;
extern const ks_hanja_char ks_hanja_chars[];
extern const size_t ks_hanja_char_count;

typedef ks_status (*ks_term_sink)(void *context, const char *term, uint32_t position);
/* Extra index terms for an analyzed text: the Hangul reading of each run
 * of Hanja words (shorter than KS_MAX_TERM_BYTES), at the position of the
 * run's first word; the sink stores it under its prefix (index.c, H). */
ks_status ks_input_index_terms(const ks_term *terms, size_t count, ks_term_sink sink,
                               void *context);

typedef enum ks_input_kind {
    KS_INPUT_PLAIN,    /* an ordinary word */
    KS_INPUT_INITIALS, /* ㄱㄹㄱ: out holds the initials */
    KS_INPUT_PREFIX,   /* 청소*: out holds the normalized prefix */
    KS_INPUT_HANJA     /* 九老區: out holds its Hangul reading */
} ks_input_kind;
ks_input_kind ks_input_classify(const char *word, ks_buf *out);

/* ------------------------------------------------------------------------ */
/* Interface to code in passage.c: article text -> passages.                */

typedef struct ks_passage {
    char *text;     /* the passage as written (furniture lines removed) */
    size_t len;
    char *section;  /* heading the passage falls under; "" when none */
    uint32_t number;/* 1-based within the article */
} ks_passage;

typedef struct ks_passage_list {
    ks_passage *items;
    size_t count, cap;
    char *date;     /* article date found in page furniture, or NULL */
} ks_passage_list;

/* Splits an article body into passages: blocks at blank lines, headings
 * named as sections, page furniture dropped, long blocks split at sentence
 * ends. `title`, when given, is not repeated as a passage. */
ks_status ks_passage_split(const char *body, size_t len, const char *title,
                           ks_passage_list *out);
void ks_passage_list_free(ks_passage_list *list);

/* The day range a date bound stands for, as the date value slot holds
 * days ("YYYY-MM-DD"): "2015" is 2015-01-01 as a lower bound and 2015-12-31
 * as an upper one, "2015-03" 2015-03-01 and 2015-03-31, "2015-03-09"
 * itself. KS_ERR_INVALID_ARGUMENT for anything else. */
ks_status ks_date_bound(const char *text, size_t len, bool upper,
                        char out[KS_SLOT_DATE_BYTES + 1]);

/* ------------------------------------------------------------------------ */
/* The state of a database, shared by the files that work on one.           */

struct shim_db;
const char *shim_db_error(const struct shim_db *db);

/* A database handle, opened and closed by db.c; or, with only the fields
 * up to `passage_record` set, a writer: one Xapian database written on one
 * thread (index.c's ks_writer_open, a part of a build), with no lock,
 * versions, shards or build of its own. */
struct ks_db {
    struct shim_db *shim;
    char *path;
    bool writable;
    ks_buf error;           /* message for the last failure */
    ks_analyzer *analyzer;  /* reused for every passage and query */
    ks_passage_list passages;
    ks_buf scratch;
    ks_buf passage_record;  /* a passage's fields in UTF-8, before storing */
    /* The rest: a handle's only. */
    /* A rebuild writes a new database beside the old one and swaps them
     * when it completes, holding the old one's lock meanwhile; NULL else. */
    char *rebuild_path;
    struct shim_db *rebuild_lock;
    /* The folder itself (a symbolic link at `path` resolved), and the
     * flock() a writer holds on it (ks_folder_lock); -1 when none. */
    char *folder;
    int lock_fd;
    /* Shards articles are routed to (PATH/shard-K); 0 when the database is
     * one folder, or a stub whose shards are not kosearch's layout. */
    unsigned shards;
    /* A rebuild of one database is written by worker threads (build.c),
     * started at the first article; `build_threads` 0 means one per core. */
    bool building;
    unsigned build_threads;
    size_t build_part_bytes; /* 0, or a fixed part size for tests (build.c) */
    size_t rescore_window;   /* 0, or a fixed rescore window for tests (search.c) */
    struct ks_build *build;
    /* File facts recorded during a build, written into the merged database
     * when it completes (the parts hold articles only). */
    struct pending_file_facts *build_facts;
    size_t build_fact_count;
    /* ks_hash64 of the paths whose facts were forgotten last (0: none), so
     * that the articles of a file forget them once, also when they move
     * from one file to another. */
    uint64_t forgotten_files[4];
    unsigned forgotten_next;
};

/* Records a failure on the handle or writer and returns `status`. Defined
 * here, so that the files a handle calls on (records.c, index.c, build.c,
 * synonyms.c, ...) report failures without calling back into db.c. */
static inline __attribute__((format(printf, 3, 4))) ks_status
ks_db_fail(ks_db *db, ks_status status, const char *format, ...)
{
    va_list args;
    char message[1024];
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    ks_buf_clear(&db->error);
    ks_buf_append_str(&db->error, message);
    return status;
}

/* Takes the shim's message for a failed call. */
static inline ks_status ks_db_fail_shim(ks_db *db, ks_status status)
{
    return ks_db_fail(db, status, "%s", shim_db_error(db->shim));
}

/* ------------------------------------------------------------------------ */
/* Interface to code in db.c: the database handle.                          */

/* ks_db_open() and the handle's functions are public: see kosearch.h. It
 * puts articles through records.c and index.c, or a build's workers. */

/* Makes the parts of a build that starts later on `db` this small (bytes of
 * passage text; 0 for the default), so tests see a build of many parts. */
ks_status ks_db_set_build_part_bytes(ks_db *db, size_t bytes);

/* ------------------------------------------------------------------------ */
/* Interface to code in records.c: article records and file facts.          */

/* The boolean term of the article `id`: A and its key (see the top of
 * index.c), which removes an article's passages together. */
#define KS_PREFIX_ARTICLE "A"
ks_status ks_article_term(const char *id, ks_buf *out);
/* The metadata key of article `id`'s record (format at the top of index.c). */
ks_status article_metadata_key(const char *id, ks_buf *out);
/* Writes an article's record under `meta_key`: `hash` and `passages` as
 * indexed, the source's size and time and the file it came from. */
ks_status write_record(ks_db *db, const char *meta_key, const ks_article *article,
                       uint64_t hash, size_t passages);
/* Reads an article's record in the database or shard in focus; *out_origin
 * (when asked) is malloc'd. KS_ERR_NOT_FOUND when there is none. */
ks_status ks_record_read(ks_db *db, const char *id, ks_article_record *out, char **out_origin);
/* An article's record wherever it is in a database: its shard, or any of
 * the databases a stub lists. */
ks_status ks_record_find(ks_db *db, const char *id, ks_article_record *out, char **out_origin);
/* Calls `visit` with the id and origin of every article recorded in the
 * database, until it returns non-zero (that value in *out_visit_result). */
ks_status ks_record_each(ks_db *db, ks_article_visitor visit, void *context,
                         int *out_visit_result);
/* Points metadata and document changes at the shard holding article `id`
 * (nothing to do for one database), and back at every shard. */
void ks_db_focus_article(ks_db *db, const char *id);
void ks_db_unfocus(ks_db *db);
/* Writes the file facts recorded during a build into `shim`, the database
 * the build's parts were merged into. */
ks_status ks_file_facts_write_pending(ks_db *db, struct shim_db *shim);
/* Forgets the facts of the file at `path` (NULL or "": none) after a change
 * to its articles; during a build, a NULL `path` forgets every file's. */
ks_status ks_file_facts_forget(ks_db *db, const char *path);
/* Drops the facts recorded during a build. */
void ks_file_facts_drop_pending(ks_db *db);

/* ------------------------------------------------------------------------ */
/* Interface to code in index.c: passages -> Xapian documents.               */

/* A passage's stored data (value slot KS_SLOT_DATA): its fields title,
 * section, date, url and text, each followed by a NUL byte but the last,
 * converted from UTF-8 to BOCU-1. Text kosearch indexes never holds NUL (the
 * reader refuses it), so nothing needs escaping and reading is a scan for
 * four NULs. The id and passage number are in the KS_SLOT_ORDER value, which
 * the reader gets in front of the data (shim_mset_data). `record` is
 * scratch space. */
ks_status ks_passage_data_write(const ks_article *article, const ks_passage *passage,
                                const char *date, ks_buf *record, ks_buf *out);
/* Converts a stored record (the KS_SLOT_ORDER value, then the KS_SLOT_DATA
 * value) back to UTF-8 in `record` (replacing what it held) and points the
 * fields of *out into it; KS_ERR_CORRUPT when it is not in this form. */
ks_status ks_passage_data_read(const char *stored, size_t len, ks_buf *record,
                               ks_passage_info *out, size_t *out_text_len);

/* Fingerprint of everything that ends up in the index for an article. */
uint64_t ks_article_hash(const ks_article *article);
/* Writes an article already split into passages, and its record; with
 * `replace`, the passages of the version indexed before go first. */
ks_status ks_db_store_article(ks_db *db, const ks_article *article, uint64_t hash,
                              const ks_passage_list *passages, bool replace);
/* Deletes an article's passages and record from the database in focus:
 * what ks_db_store_article() wrote. */
ks_status ks_db_delete_article(ks_db *db, const char *id);

/* Opens a writer (see struct ks_db) on a new database at `path`: created
 * afresh, and its commits skip waiting for the disk (a crash throws a build
 * away anyway). *out is set, to be closed, even on failure. */
ks_status ks_writer_open(ks_db **out, const char *path);
ks_status ks_writer_commit(ks_db *writer);
/* Closes the writer's database and frees it. */
ks_status ks_writer_close(ks_db *writer);

/* Term prefixes (the index format is described at the top of index.c). */
#define KS_PREFIX_BIGRAM "B"
#define KS_PREFIX_INNER_BIGRAM "BI" /* bigrams never start with a Latin letter */
#define KS_PREFIX_READING "H"
#define KS_PREFIX_TITLE "T"   /* title:   whole words and B bigrams of the title */
#define KS_PREFIX_SECTION "S" /* section: the same of the passage's heading */
/* Value slot: article id, NUL, passage number (4 bytes, big-endian), so
 * that equal scores rank in that order however the index was built. */
#define KS_SLOT_ORDER 1
/* Value slot of a passage's stored fields but its id and number
 * (ks_passage_data_write). A value, not Xapian's document data: Xapian
 * deflates each document's data on its own, a fresh zlib stream per
 * passage, which cost 15% of indexing's instructions; values go into the
 * postlist table as they are, and short passages barely compress anyway
 * (1% more index, less than the id and number no longer repeated here). */
#define KS_SLOT_DATA 2


/* ------------------------------------------------------------------------ */
/* Interface to code in folder.c: the database folder beneath Xapian.       */

/* Present in a folder while its database is being created, so that a
 * creation cut short is told apart from a damaged database. */
#define KS_FOLDER_CREATING "kosearch.creating"

/* Whether folder/name exists. */
bool ks_folder_has(const char *folder, const char *name);
/* `path` without trailing slashes ("/" stays); the caller frees it. */
char *ks_folder_path_trimmed(const char *path);
/* The folder a symbolic link at `path` leads to, else `path`: what a
 * rebuild exchanges, leaving the link in place; the caller frees it. */
char *ks_folder_resolve(const char *path);
/* Takes kosearch's write lock: flock() on the folder itself, which no one
 * can delete from under it the way Xapian's lock file can be. Waits when
 * `wait`, else fails at once with KS_ERR_LOCKED; messages name `path`. On
 * success *out_fd holds the lock until closed. */
ks_status ks_folder_lock(const char *folder, const char *path, bool wait, int *out_fd,
                         ks_buf *error);
/* KS_ERR_READ_ONLY, naming `path` and why, when the folder cannot be
 * written to. */
ks_status ks_folder_check_writable(const char *folder, const char *path, ks_buf *error);
/* Whether the folder holds any of Xapian glass's table files. */
bool ks_folder_holds_tables(const char *folder);
/* The table file missing from a folder that holds others (a database with
 * documents needs more of them); NULL when none is missing, or when the
 * folder holds no tables or an unfinished creation. */
const char *ks_folder_missing_table(const char *folder, bool has_documents);
/* KS_ERR_CORRUPT, with the message for a database missing `missing`. */
ks_status ks_folder_damaged(const char *path, const char *missing, ks_buf *error);
/* Writes (creating) or removes the KS_FOLDER_CREATING marker, durably. */
ks_status ks_folder_mark_creation(const char *folder, bool creating, ks_buf *error);

/* ------------------------------------------------------------------------ */
/* Interface to code in build.c: a rebuild on several threads.              */

/* Each worker thread owns part databases beside the rebuild (its own
 * analyzer and Xapian writer), starting a new one when its part is full;
 * articles go to a worker by a hash of their id, so a repeated id replaces
 * its earlier version among the same worker's parts. At the end the parts
 * are merged into one compacted database. */
typedef struct ks_build ks_build;

ks_status ks_build_start(ks_db *db, unsigned threads, ks_build **out);
/* Splits the article into passages here and queues it for its part's
 * worker; reports a worker's earlier failure instead. */
ks_status ks_build_put(ks_build *build, ks_db *db, const ks_article *article,
                       ks_change *out_change, size_t *out_passages);
/* The first failure of any worker, its message copied to `db`; KS_OK. */
ks_status ks_build_status(ks_build *build, ks_db *db);
/* Whether an article with this id was put in this build. */
bool ks_build_has(const ks_build *build, const char *id);
/* Waits until every queued article is written, then hands over the part
 * database holding `id` (the one it would be written to if none does), or
 * part `index` of all when `id` is NULL; the workers stay idle until the
 * next ks_build_put(). */
ks_db *ks_build_settled_part(ks_build *build, const char *id, size_t index);
/* The number of parts of all workers, once they are settled. */
size_t ks_build_part_count(ks_build *build);
/* Articles and passages queued to the workers and not yet written. */
void ks_build_pending(ks_build *build, size_t *articles, size_t *passages);
/* Stops the workers and frees the build. With `keep`, the parts are
 * merged into a new database at `dest` (which must not exist); the part
 * folders are removed either way. */
ks_status ks_build_finish(ks_build *build, ks_db *db, const char *dest, bool keep);
/* Removes what a rebuild killed before its end left beside the database:
 * the folder `rebuild_path` and its parts. Only for the holder of the
 * database's lock, which no running rebuild then holds. */
void ks_build_remove_leftovers(const char *rebuild_path);

/* ------------------------------------------------------------------------ */
/* Interface to code in shard.c: routing articles to shards, and the layout. */

/* The shard (0..shards-1) holding article `id`: FNV-1a of the id modulo the
 * shard count. Part of the index format: changing it strands articles. */
unsigned ks_shard_of(const char *id, unsigned shards);
/* PATH/shard-K. */
ks_status ks_shard_path(const char *path, unsigned shard, ks_buf *out);
/* The shard count of the sharded folder at `path`, read from its stub
 * PATH/XAPIANDB: KS_ERR_NOT_FOUND without one, KS_ERR_BAD_INPUT when the stub
 * is not the "auto shard-0" ... list kosearch writes. */
ks_status ks_shard_layout_read(const char *path, unsigned *out_count);
/* Creates the folder and (atomically) its stub listing `count` shards;
 * Xapian creates the shard folders themselves. */
ks_status ks_shard_layout_create(const char *path, unsigned count, ks_buf *error);

/* ------------------------------------------------------------------------ */
/* Interface to code in synonyms.c: synonym groups stored in metadata.     */

/* The other words of the stored synonym groups of a normalized word,
 * separated by spaces; empty when none. */
ks_status ks_synonyms_of(struct shim_db *db, const char *word, ks_buf *out);
/* Copies every synonym from one database to another (a rebuild keeps them:
 * they are settings, not indexed text). */
ks_status ks_synonyms_copy(struct shim_db *from, struct shim_db *to);

/* ------------------------------------------------------------------------ */
/* Interface to code in vocabulary.c: the index's term list at query time. */

/* The `limit` most frequent indexed words whose syllables start with
 * `initials`, compatibility jamo as ks_input_classify() gives them
 * (ㄱㄹㄱ -> 구로구, 관리국, ...), each NUL-terminated in `out`. */
ks_status ks_words_with_initials(struct shim_db *db, const char *initials, size_t limit,
                                 ks_buf *out);
/* The same for the words starting with `prefix` (normalized). */
ks_status ks_words_with_prefix(struct shim_db *db, const char *prefix, size_t limit, ks_buf *out);
/* The indexed word closest to `word` (normalized Hangul) by jamo edit
 * distance, among the more frequent on ties; empty when none is close. */
ks_status ks_closest_word(struct shim_db *db, const char *word, ks_buf *out);

/* ------------------------------------------------------------------------ */
/* Interface to code in parse.c: query syntax -> query tree.                */

typedef enum ks_query_node_kind {
    KS_QUERY_WORD,    /* an unquoted word */
    KS_QUERY_PHRASE,  /* "quoted words" */
    KS_QUERY_OR,      /* a OR b */
    KS_QUERY_AND,     /* the query's clauses, all wanted */
    KS_QUERY_NOT,     /* -word or -"phrase" */
    KS_QUERY_FIELD,   /* title:word, section:"words", id:ID, date:A..B */
    KS_QUERY_REQUIRED /* +word, +"phrase", either side of a AND b */
} ks_query_node_kind;

typedef enum ks_query_field {
    KS_FIELD_NONE = 0,
    KS_FIELD_TITLE,
    KS_FIELD_SECTION,
    KS_FIELD_ID,
    KS_FIELD_DATE
} ks_query_field;

typedef struct ks_query_node {
    ks_query_node_kind kind;
    ks_query_field field;           /* FIELD: which one */
    size_t at;                      /* FIELD: byte offset in the query, for errors */
    char *text;                     /* WORD, PHRASE and FIELD: the text as typed
                                       (a FIELD's without its name or quotes) */
    size_t text_at;                 /* WORD, PHRASE and FIELD: where `text` starts
                                       in the query (a fix can retype it there) */
    struct ks_query_node **children;/* OR, AND, NOT */
    size_t child_count;
} ks_query_node;

/* Parses the query syntax. On KS_ERR_BAD_QUERY, `error` holds a one-line
 * message naming the byte offset. */
ks_status ks_query_parse(const char *query, ks_query_node **out, ks_buf *error);
void ks_query_node_free(ks_query_node *node);
/* Makes every clause of a parsed query required (--match all); exclusions
 * stay as they are. */
ks_status ks_query_require_all(ks_query_node *root);

/* ------------------------------------------------------------------------ */
/* Interface to code in query.c: query tree -> Xapian query.                 */

/* Appends what a passage must hold, what ranks it and what it must not
 * hold, in words ("must hold: 구로구 AND 청사; ..."): --explain's first part. */
ks_status ks_query_describe(const ks_query_node *root, ks_buf *out);

/* How a query reads: a few keywords, a question (a '?' or an interrogative
 * on its own), a longer statement ending as a sentence (., !, -다, -요) or
 * a longer headline. Each style ranks with its own BM25. */
typedef enum ks_query_style {
    KS_QUERY_KEYWORDS,
    KS_QUERY_QUESTION,
    KS_QUERY_SENTENCE,
    KS_QUERY_HEADLINE,
} ks_query_style;
ks_query_style ks_query_style_of(const ks_query_node *root);

/* What a query looks for in a passage, for highlighting: whole-word terms
 * (a word holding any of them is highlighted whole) and, per query word, its
 * syllable bigrams in order (a run of them highlights the matched part of a
 * compound). Term texts are owned by the structure. */
typedef struct ks_bigram_run {
    char **bigrams;
    size_t count;
} ks_bigram_run;

typedef struct ks_match_terms {
    char **words;
    size_t word_count, word_cap;
    ks_bigram_run *runs;
    size_t run_count, run_cap;
    /* What snippets look for in the text (ks_snippet_find_needles); NULL:
     * every word and every run's first bigram. Borrowed from the above. */
    const char **needles;
    size_t needle_count;
} ks_match_terms;

void ks_match_terms_free(ks_match_terms *terms);

struct shim_query;
/* The days a search keeps, "YYYY-MM-DD" each; "" leaves that end open. */
typedef struct ks_date_window {
    char low[KS_SLOT_DATE_BYTES + 1], high[KS_SLOT_DATE_BYTES + 1];
} ks_date_window;
/* Narrows the window to the days of `low`..`high` (either NULL: open). */
void ks_date_window_narrow(ks_date_window *window, const char *low, const char *high);

/* Turns a parsed query into a Xapian query using the same analyzer as the
 * documents, and collects what to highlight. An empty result (*out NULL)
 * means the query has no searchable words. With `db` (NULL: none), words
 * are also looked up in it: the words that initials (ㄱㄹㄱ) stand for, and
 * stored synonyms, added as alternatives weighted a little below the words
 * typed. With `window`,
 * date: clauses that every hit must meet narrow it instead of becoming
 * part of the query, so the search checks them on the passages the rest
 * finds (a value range subquery may walk the whole range instead). */
ks_status ks_query_build_with_db(ks_analyzer *analyzer, struct shim_db *db,
                                 const ks_query_node *root, struct shim_query **out,
                                 ks_match_terms *out_terms, ks_date_window *window,
                                 ks_buf *error);
/* The same query in two parts whose weights add up to the one query's: *out
 * selects the passages and ranks them, *out_rank_only (NULL when none) only
 * adds to their weights (loose bigrams, joined words, context) and matches
 * no passage *out does not. The one query is *out AND_MAYBE *out_rank_only.
 * *out also carries its proximity bonus apart (shim_query_set_phases), for
 * a search in two phases to add to the first phase's best passages only. */
ks_status ks_query_build_parts(ks_analyzer *analyzer, struct shim_db *db,
                               const ks_query_node *root, struct shim_query **out,
                               struct shim_query **out_rank_only, ks_match_terms *out_terms,
                               ks_date_window *window, ks_buf *error);

/* ------------------------------------------------------------------------ */
/* Interface to code in search.c: results, and what a query meant.         */

/* ks_search(), ks_explain() and the results handle are public: see
 * kosearch.h. When a query finds little, the search retypes its words in
 * the other keyboard mode (hangul.c) or corrects typos (vocabulary.c). */

/* ------------------------------------------------------------------------ */
/* Interface to code in snippet.c: highlights and a window of best matches. */

typedef struct ks_snippet {
    ks_span *highlights;  /* into the passage text */
    size_t highlight_count;
    char *text;           /* the snippet */
    size_t len;
    ks_span *snippet_highlights;
    size_t snippet_highlight_count;
} ks_snippet;

/* Picks the needles of `terms` once per query, so that each passage is
 * searched for as few strings as will find every match. */
ks_status ks_snippet_find_needles(ks_match_terms *terms);
ks_status ks_snippet_make(ks_analyzer *analyzer, const char *text, size_t len,
                          const ks_match_terms *terms, size_t target_bytes, ks_snippet *out);
void ks_snippet_free(ks_snippet *snippet);

#ifdef __cplusplus
}
#endif
#endif /* KOSEARCH_INTERNAL_H */
