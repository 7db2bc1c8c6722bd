/* Passages -> Xapian documents: the writer, and the index format.
 *
 * INDEX FORMAT (version KS_INDEX_FORMAT_VERSION; bump it on any change here)
 *
 * One Xapian document per passage.
 *   Terms, all produced by the analyzer (analyze.c) from the passage text:
 *     <text>           SURFACE, STEM and COMPOUND terms, unprefixed. The one
 *                      term a phrase or proximity query uses for a word
 *                      (query.c's base_term: the stem, or the surface of a
 *                      word without one) is positioned at the word ordinal;
 *                      the others carry no positions (phrase_position).
 *     B<text>          syllable BIGRAM terms of each word's stem, without
 *                      positions: the part 봉사단 of 깔끔이봉사단 is found as
 *                      AND(B봉사, B사단) (query.c says why no phrase).
 *     BI<text>         instead of B<text>, a bigram inside a longer
 *                      hunspell-ko noun that goes on past it (lexicon.c):
 *                      청소 in 청소년. A query word of two syllables does
 *                      not match it (청소 finds 대청소 and 청소활동, not
 *                      청소년); a longer one does (구로구 finds 구로구청장).
 *   Terms made from the analyzer's by hangul.c (ks_input_index_terms):
 *     H<reading>       the Hangul reading of each run of adjacent Hanja words
 *                      (libhangul's dictionary), at the position of the run's
 *                      first word, unless the text gives the reading as a
 *                      word too (행정(行政)). Within-document frequency 0: it
 *                      finds 九老區 for 구로구 without changing any passage's
 *                      length or any other term's statistics.
 *     T<text>, TB<text> the title's SURFACE, STEM and COMPOUND terms, and its
 *                      BIGRAM terms, without positions: for title:WORD,
 *                      and as context that ranks (query.c: a passage under
 *                      a title that names the query ranks higher), but a
 *                      passage is found by its own text only, and a word
 *                      it writes counts before one its title gives it.
 *     S<text>, SB<text> the same for the section heading, for section:WORD
 *                      and as context. Query words look for their context
 *                      as one synonym group of the T and S terms.
 *   Boolean terms:
 *     A<key>           the article the passage belongs to (delete by this term
 *                      to remove an article's passages together).
 *   <key> is the article id, or "#" and the 64 hex digits of its SHA-256
 *   when the id is longer than KS_MAX_ID_KEY bytes (Xapian limits term
 *   length) or itself starts with "#": the two kinds of key never meet, and
 *   no chosen id can take another's key.
 *   Value slot 0 (KS_SLOT_DATE): the article's day, "YYYY-MM-DD", for
 *   date filters and sorting (string order is date order); no value when
 *   the date is unknown.
 *   Value slot 1 (KS_SLOT_ORDER): the article id, a NUL byte and the passage
 *   number as 4 bytes big-endian: equal scores rank in this order, so a
 *   ranking never depends on how the index was built (incrementally, in
 *   parallel, in shards).
 *   Value slot 2 (KS_SLOT_DATA): the fields title, section, date, url and
 *   text, separated by NUL bytes, in BOCU-1 (ks_passage_data_write); the
 *   text is the passage as written, so highlights are byte offsets into its
 *   UTF-8. A passage's stored record is its KS_SLOT_ORDER value (id and
 *   number) followed by this one (ks_passage_data_read). Xapian's document
 *   data stays empty, so the database has no docdata table.
 *   The date is ISO 8601 as ks_date_normalize() writes it, or "" when the
 *   article's date was missing or unreadable (then the date found in the
 *   body's furniture, "승인 2015.01.09 20:39", when there is one).
 *
 * Metadata:
 *   kosearch.format     index format version (decimal)
 *   kosearch.analyzer   analyzer version (decimal)
 *   kosearch.updated    Unix time of the last commit
 *   synonym:<word>      the other words of the synonym groups holding <word>
 *                       (normalized, space-separated), from 'kosearch
 *                       synonyms'; read at query time, so no reindexing.
 *   kosearch.shards     in a shard: the number of shards (decimal)
 *   A:<key>             "<hash> <size> <mtime> <passages> <n> " (numbers in
 *                       base 36, hash 64-bit), then n bytes naming
 *                       the file the article came from (origin_field: the id
 *                       itself, an origin:<hash> entry, or the path), then its
 *                       id when <key> is a hash of it: what the source looked
 *                       like when indexed, for cheap change detection and
 *                       pruning on reindexing. One per article: kept short.
 *   origin:<hash>       the path of a file articles came from (a JSONL file),
 *                       stored once for all of them; <hash> is ks_hash64 of
 *                       the path in base 36. Kept when its articles go.
 *   F:<hash>            "<size> <mtime> <articles> <c|u> <path>" (numbers in
 *                       base 36, <hash> as for origin:; c when complete, u
 *                       when other articles from the file may remain; an
 *                       entry without the letter reads as u): a JSONL file's facts
 *                       (ks_db_set_file_facts), deleted when any article
 *                       from that file changes or leaves it. Not in shards.
 *
 * Shards (kosearch index --shards N): PATH holds the databases PATH/shard-0
 * ... PATH/shard-(N-1), each laid out as above with its own metadata, and
 * the Xapian stub file PATH/XAPIANDB with the lines "auto shard-0" ...
 * "auto shard-(N-1)", so any Xapian reader opens PATH as one database.
 * An article and its record live in shard ks_hash64(id) % N (FNV-1a over
 * the id's bytes), so reindexing finds it again; N is fixed at creation.
 * Each shard commits atomically on its own.
 *
 * Beside the tables (folder.c): while a new database is created, the empty
 * file kosearch.creating, so that a creation cut short is told apart from a
 * damaged database; writers hold flock() on the folder itself.
 *
 * Atomicity: nothing is visible before a commit, and Xapian commits are
 * atomic, so an article's passages appear and disappear together as long as
 * commits happen only between articles. */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Format 9 added the date and order value slots, the context terms and the
 * title and section terms (a passage is found by its own text alone), and
 * keys long ids (and ids starting with "#") by SHA-256 instead of "#" and 16
 * hex digits of FNV-1a, under which a crafted id could take a long id's key.
 * Older indexes (8, and 7 without file facts) lack the slot and the terms,
 * so date filters and fields would silently find nothing there; they are
 * refused with the rebuild message instead. */
/* Format 10 dropped the C and CB context terms, which repeated the T and S
 * terms of every passage (a tenth of all postings): the T and S terms rank
 * instead, with within-document frequency 1 as the C terms had. */
/* Format 11 keeps the passage data in a value slot instead of Xapian's
 * document data, which Xapian deflated per passage (see KS_SLOT_DATA), and
 * leaves out the id and number the order value holds. A format 10 database
 * would show no text: refused with the rebuild message. */
#define KS_INDEX_FORMAT_VERSION 11

KS_API unsigned ks_index_format_version(void)
{
    return KS_INDEX_FORMAT_VERSION;
}

KS_API const char *ks_term_kind_name(ks_term_kind kind)
{
    switch (kind) {
    case KS_TERM_SURFACE: return "surface";
    case KS_TERM_STEM: return "stem";
    case KS_TERM_COMPOUND: return "compound";
    case KS_TERM_BIGRAM: return "bigram";
    }
    return "unknown";
}

/* ------------------------------------------------------------------------ */
/* Writers: one database written on one thread (see struct ks_db).          */

ks_status ks_writer_open(ks_db **out, const char *path)
{
    ks_db *writer = calloc(1, sizeof *writer);
    *out = writer;
    if (!writer)
        return KS_ERR_NOMEM;
    writer->writable = true;
    if (!(writer->path = ks_strndup(path, strlen(path))))
        return ks_db_fail(writer, KS_ERR_NOMEM, "out of memory");
    ks_status st = ks_analyzer_new(&writer->analyzer);
    if (st != KS_OK)
        return ks_db_fail(writer, st, "cannot start the analyzer: %s", ks_status_string(st));
    return shim_db_open(&writer->shim, path, SHIM_SCRATCH, &writer->error);
}

ks_status ks_writer_commit(ks_db *writer)
{
    ks_status st = shim_db_commit(writer->shim);
    return st == KS_OK ? KS_OK : ks_db_fail_shim(writer, st);
}

ks_status ks_writer_close(ks_db *writer)
{
    if (!writer)
        return KS_OK;
    ks_status st = KS_OK;
    if (writer->shim) {
        ks_buf ignored = {0};
        st = shim_db_close(writer->shim, &ignored);
        ks_buf_free(&ignored);
    }
    ks_analyzer_free(writer->analyzer);
    ks_passage_list_free(&writer->passages);
    ks_buf_free(&writer->scratch);
    ks_buf_free(&writer->passage_record);
    ks_buf_free(&writer->error);
    free(writer->path);
    free(writer);
    return st;
}

/* A handle's or writer's message for its last failure. */
KS_API const char *ks_db_error(const ks_db *db)
{
    return db && db->error.data ? db->error.data : "";
}

ks_status ks_db_delete_article(ks_db *db, const char *id)
{
    ks_buf term = {0}, meta_key = {0};
    ks_status st = ks_article_term(id, &term);
    if (st == KS_OK)
        st = article_metadata_key(id, &meta_key);
    if (st != KS_OK)
        ks_db_fail(db, st, "out of memory");
    else if ((st = shim_db_delete_documents(db->shim, term.data)) != KS_OK ||
             (st = shim_db_set_metadata(db->shim, meta_key.data, "")) != KS_OK)
        ks_db_fail_shim(db, st);
    ks_buf_free(&term);
    ks_buf_free(&meta_key);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Passage documents.                                                       */

typedef struct term_target {
    shim_doc *doc;
    bool positional;
} term_target;

/* Hanja readings count nothing toward a passage's length or any word's
 * statistics (wdf 0), so passages without Hanja rank exactly as before. */
static ks_status add_input_term(void *context, const char *reading, uint32_t position)
{
    term_target *target = context;
    char term[KS_MAX_TERM_BYTES + sizeof KS_PREFIX_READING];
    snprintf(term, sizeof term, KS_PREFIX_READING "%s", reading);
    return target->positional ? shim_doc_add_posting(target->doc, term, position, 0)
                              : shim_doc_add_term(target->doc, term, 0);
}

/* Whether terms[i] is the term phrases and proximity match its word by
 * (query.c's base_term): the stem, or the surface of a word without a stem.
 * The analyzer puts a word's stem right after its surface, and the same
 * word always gets the same stem, so a query never looks for the position
 * of a surface that has one. Leaving those out, and compounds', keeps a
 * third of the position entries out of the index. */
static bool phrase_position(const ks_term *terms, size_t count, size_t i)
{
    switch (terms[i].kind) {
    case KS_TERM_STEM:
        return true;
    case KS_TERM_SURFACE:
        return !(i + 1 < count && terms[i + 1].word == terms[i].word &&
                 terms[i + 1].kind == KS_TERM_STEM);
    default:
        return false;
    }
}

/* Adds the analyzer's terms, and the Hangul readings of Hanja made from them
 * (hangul.c); positions only when `positional`, and then only where a phrase
 * looks for them. */
static ks_status add_terms(ks_db *db, shim_doc *doc, const char *text, size_t len,
                           bool positional)
{
    const ks_term *terms;
    size_t count;
    ks_status st = ks_analyzer_run(db->analyzer, text, len, &terms, &count);
    if (st != KS_OK)
        return ks_db_fail(db, st, "analysis failed: %s", ks_status_string(st));
    char term[KS_MAX_TERM_BYTES + 8];
    const char *stem = NULL; /* of the word the next bigrams come from */
    size_t bigram_index = 0;
    for (size_t i = 0; i < count && st == KS_OK; i++) {
        const ks_term *t = &terms[i];
        if (i == 0 || t->word != terms[i - 1].word) {
            stem = NULL;
            bigram_index = 0;
        }
        if (t->kind == KS_TERM_STEM || (t->kind == KS_TERM_SURFACE && !stem))
            stem = t->text;
        /* Built by hand: this runs for every term of every passage. */
        const char *prefix = "";
        if (t->kind == KS_TERM_BIGRAM)
            prefix = stem && ks_lexicon_bigram_is_inner(stem, bigram_index++, t->text)
                         ? KS_PREFIX_INNER_BIGRAM
                         : KS_PREFIX_BIGRAM;
        size_t prefix_len = strlen(prefix);
        size_t text_len = strlen(t->text);
        if (prefix_len + text_len >= sizeof term)
            continue; /* the analyzer keeps terms shorter than this */
        memcpy(term, prefix, prefix_len);
        memcpy(term + prefix_len, t->text, text_len + 1);
        st = positional && phrase_position(terms, count, i)
                 ? shim_doc_add_posting(doc, term, t->position, 1)
                 : shim_doc_add_term(doc, term, 1);
    }
    term_target target = {doc, positional};
    if (st == KS_OK)
        st = ks_input_index_terms(terms, count, add_input_term, &target);
    return st == KS_OK ? KS_OK : ks_db_fail(db, st, "cannot build a document: %s",
                                            ks_status_string(st));
}

/* Passage data is stored in BOCU-1, Unicode's binary-ordered compression:
 * a Hangul syllable takes 2 bytes instead of UTF-8's 3. It is stored as it
 * is (KS_SLOT_DATA says why not deflated). */
#define STORED_CHARSET "BOCU-1"

ks_status ks_passage_data_write(const ks_article *article, const ks_passage *passage,
                                const char *date, ks_buf *record, ks_buf *out)
{
    if (memchr(passage->text, '\0', passage->len))
        return KS_ERR_BAD_INPUT;
    const char *fields[] = {article->title, passage->section, date, article->url};
    ks_buf_clear(record);
    ks_status st = KS_OK;
    for (size_t i = 0; i < sizeof fields / sizeof *fields && st == KS_OK; i++) {
        st = ks_buf_append_str(record, fields[i] ? fields[i] : "");
        if (st == KS_OK)
            st = ks_buf_append(record, "", 1);
    }
    if (st == KS_OK)
        st = ks_buf_append(record, passage->text, passage->len);
    ks_buf_clear(out);
    return st == KS_OK ? ks_convert_from_utf8(STORED_CHARSET, record->data, record->len, out) : st;
}

ks_status ks_passage_data_read(const char *stored, size_t len, ks_buf *record,
                               ks_passage_info *out, size_t *out_text_len)
{
    /* The KS_SLOT_ORDER value: the id, a NUL byte, the number in 4 bytes. */
    const char *id_end = memchr(stored, '\0', len);
    if (!id_end || (size_t)(id_end - stored) + 5 > len)
        return KS_ERR_CORRUPT;
    size_t id_len = (size_t)(id_end - stored);
    const unsigned char *n = (const unsigned char *)id_end + 1;
    uint32_t number = (uint32_t)n[0] << 24 | (uint32_t)n[1] << 16 | (uint32_t)n[2] << 8 | n[3];
    const char *data = stored + id_len + 5;
    /* Then the KS_SLOT_DATA value, into the record after the id and its NUL. */
    long bad_offset;
    ks_buf_clear(record);
    ks_status st = ks_buf_append(record, stored, id_len + 1);
    if (st == KS_OK)
        st = ks_convert_to_utf8(STORED_CHARSET, false, data, (size_t)(stored + len - data), record,
                                &bad_offset);
    if (st != KS_OK)
        return st == KS_ERR_ENCODING ? KS_ERR_CORRUPT : st;
    const char *fields[5];
    const char *at = record->data + id_len + 1, *end = record->data + record->len;
    for (size_t i = 0; i < 4; i++) {
        const char *nul = memchr(at, '\0', (size_t)(end - at));
        if (!nul)
            return KS_ERR_CORRUPT;
        fields[i] = at;
        at = nul + 1;
    }
    fields[4] = at;
    if (memchr(at, '\0', (size_t)(end - at)))
        return KS_ERR_CORRUPT;
    *out = (ks_passage_info){.id = record->data, .passage = number, .title = fields[0],
                             .section = fields[1], .date = fields[2], .url = fields[3],
                             .text = fields[4]};
    if (out_text_len)
        *out_text_len = (size_t)(end - at);
    return KS_OK;
}

/* The KS_SLOT_ORDER value (see the top comment). */
static ks_status set_order_value(shim_doc *doc, const char *id, uint32_t number)
{
    size_t len = strlen(id);
    char *key = malloc(len + 5);
    if (!key)
        return KS_ERR_NOMEM;
    memcpy(key, id, len + 1);
    for (int i = 0; i < 4; i++)
        key[len + 1 + i] = (char)(number >> (24 - 8 * i));
    ks_status st = shim_doc_set_value(doc, KS_SLOT_ORDER, key, len + 5);
    free(key);
    return st;
}

/* A title's or heading's terms under the `field` prefix (T or S), which
 * title: and section: look for and which rank as context (see the top
 * comment). */
static ks_status add_context_terms(ks_db *db, shim_doc *doc, const char *text, const char *field)
{
    const ks_term *terms;
    size_t count;
    ks_status st = ks_analyzer_run(db->analyzer, text, strlen(text), &terms, &count);
    if (st != KS_OK)
        return ks_db_fail(db, st, "analysis failed: %s", ks_status_string(st));
    char term[KS_MAX_TERM_BYTES + 8];
    for (size_t i = 0; i < count && st == KS_OK; i++)
        /* The analyzer keeps terms shorter than the buffer. */
        if (snprintf(term, sizeof term, "%s%s%s", field,
                     terms[i].kind == KS_TERM_BIGRAM ? KS_PREFIX_BIGRAM : "",
                     terms[i].text) < (int)sizeof term)
            st = shim_doc_add_term(doc, term, 1);
    return st == KS_OK ? KS_OK : ks_db_fail(db, st, "cannot build a document: %s",
                                            ks_status_string(st));
}

static ks_status add_passage(ks_db *db, const ks_article *article, const char *article_term,
                             const ks_passage *passage, const char *date)
{
    shim_doc *doc;
    ks_status st = shim_doc_new(&doc);
    if (st != KS_OK)
        return ks_db_fail(db, st, "out of memory");
    st = add_terms(db, doc, passage->text, passage->len, true);
    if (st == KS_OK && article->title)
        st = add_context_terms(db, doc, article->title, KS_PREFIX_TITLE);
    if (st == KS_OK && passage->section && *passage->section)
        st = add_context_terms(db, doc, passage->section, KS_PREFIX_SECTION);
    if (st == KS_OK)
        st = shim_doc_add_boolean_term(doc, article_term);
    if (st == KS_OK && strlen(date) >= KS_SLOT_DATE_BYTES)
        st = shim_doc_set_value(doc, KS_SLOT_DATE, date, KS_SLOT_DATE_BYTES);
    if (st == KS_OK)
        st = set_order_value(doc, article->id, passage->number);
    if (st == KS_OK && (st = ks_passage_data_write(article, passage, date, &db->passage_record,
                                                   &db->scratch)) != KS_OK)
        ks_db_fail(db, st, "cannot store a passage of %s: %s", article->id, ks_status_string(st));
    if (st == KS_OK)
        st = shim_doc_set_value(doc, KS_SLOT_DATA, db->scratch.data, db->scratch.len);
    if (st == KS_OK) {
        st = shim_db_add_document(db->shim, doc);
        if (st != KS_OK)
            ks_db_fail_shim(db, st);
    }
    shim_doc_free(doc);
    return st;
}

uint64_t ks_article_hash(const ks_article *article)
{
    /* Hashed piece by piece, as if joined: title, date and url each followed
     * by a unit separator, then the body. */
    uint64_t hash = KS_HASH64_START;
    const char *fields[] = {article->title, article->date, article->url};
    for (size_t i = 0; i < 3; i++) {
        if (fields[i])
            hash = ks_hash64_more(hash, fields[i], strlen(fields[i]));
        hash = ks_hash64_more(hash, "\x1f", 1);
    }
    return ks_hash64_more(hash, article->body, article->body_len);
}

ks_status ks_db_store_article(ks_db *db, const ks_article *article, uint64_t hash,
                              const ks_passage_list *passages, bool replace)
{
    /* Checked before anything is written: an article goes in whole or not at all. */
    for (size_t i = 0; i < passages->count; i++)
        if (memchr(passages->items[i].text, '\0', passages->items[i].len))
            return ks_db_fail(db, KS_ERR_BAD_INPUT, "the text of %s holds a NUL byte",
                              article->id);
    ks_buf meta_key = {0}, term = {0};
    ks_status st = ks_article_term(article->id, &term);
    if (st == KS_OK)
        st = article_metadata_key(article->id, &meta_key);
    if (st != KS_OK)
        st = ks_db_fail(db, st, "out of memory");
    if (st == KS_OK && replace && (st = shim_db_delete_documents(db->shim, term.data)) != KS_OK)
        ks_db_fail_shim(db, st);
    /* An unreadable date is never stored as given (the indexer names it). */
    char normalized[KS_DATE_BYTES];
    const char *date = article->date && *article->date &&
                               ks_date_normalize(article->date, normalized) == KS_OK
                           ? normalized
                           : passages->date ? passages->date : "";
    for (size_t i = 0; i < passages->count && st == KS_OK; i++)
        st = add_passage(db, article, term.data, &passages->items[i], date);
    if (st == KS_OK)
        st = write_record(db, meta_key.data, article, hash, passages->count);
    ks_buf_free(&meta_key);
    ks_buf_free(&term);
    return st;
}
