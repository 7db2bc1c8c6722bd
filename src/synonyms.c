/* Synonym storage: groups of words a search treats as one, kept in the
 * database's metadata as settings rather than indexed text (query.c adds
 * them as alternatives; a rebuild copies them). */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_SYNONYM_PREFIX "synonym:"

/* ------------------------------------------------------------------------ */
/* Synonyms: metadata "synonym:<word>" holds the other words of its groups. */

ks_status ks_synonyms_of(struct shim_db *db, const char *word, ks_buf *out)
{
    ks_buf_clear(out);
    /* Most databases hold no synonyms: one look instead of one per word. */
    if (!shim_db_may_have_metadata(db, META_SYNONYM_PREFIX))
        return KS_OK;
    char key[KS_MAX_TERM_BYTES + 16];
    if (snprintf(key, sizeof key, META_SYNONYM_PREFIX "%s", word) >= (int)sizeof key)
        return KS_OK;
    return shim_db_get_metadata(db, key, out);
}

typedef struct key_list {
    char **keys;
    size_t count, cap;
} key_list;

static int collect_key(void *context, const char *key)
{
    key_list *list = context;
    if (ks_grow((void **)&list->keys, &list->cap, list->count + 1, sizeof *list->keys) != KS_OK)
        return 1;
    list->keys[list->count] = ks_strndup(key, strlen(key));
    return list->keys[list->count++] == NULL;
}

ks_status ks_synonyms_copy(shim_db *from, shim_db *to)
{
    key_list keys = {0};
    int stopped = 0;
    ks_status st = shim_db_each_metadata_key(from, META_SYNONYM_PREFIX, collect_key, &keys,
                                             &stopped);
    if (st == KS_OK && stopped)
        st = KS_ERR_NOMEM;
    ks_buf value = {0};
    for (size_t i = 0; i < keys.count && st == KS_OK; i++) {
        st = shim_db_get_metadata(from, keys.keys[i], &value);
        if (st == KS_OK)
            st = shim_db_set_metadata(to, keys.keys[i], value.data ? value.data : "");
    }
    ks_buf_free(&value);
    for (size_t i = 0; i < keys.count; i++)
        free(keys.keys[i]);
    free(keys.keys);
    return st;
}

/* Normalized words of a group, each NUL-terminated in `words`. */
static size_t group_words(const char *group, ks_buf *words)
{
    ks_buf_clear(words);
    size_t count = 0, i = 0, len = strlen(group);
    while (i < len) {
        while (i < len && (group[i] == ' ' || group[i] == '\t'))
            i++;
        size_t start = i;
        while (i < len && group[i] != ' ' && group[i] != '\t')
            i++;
        if (i == start)
            break;
        if (ks_normalize_append(words, group + start, i - start) != KS_OK ||
            ks_buf_append(words, "", 1) != KS_OK)
            return 0;
        count++;
    }
    return count;
}

typedef struct synonym_pair {
    const char *word, *other; /* point into a group's normalized words */
} synonym_pair;

static int compare_synonym_pairs(const void *a, const void *b)
{
    const synonym_pair *x = a, *y = b;
    int by_word = strcmp(x->word, y->word);
    return by_word ? by_word : strcmp(x->other, y->other);
}

/* Writes "synonym:<word>" for every word, merging the groups it is in. Built
 * in memory first: a reader need not see the writes pending before. */
static ks_status write_synonyms(shim_db *db, const ks_buf *group_words_list, size_t count)
{
    synonym_pair *pairs = NULL;
    size_t pair_count = 0, pair_cap = 0;
    ks_status st = KS_OK;
    for (size_t g = 0; g < count && st == KS_OK; g++) {
        const ks_buf *words = &group_words_list[g];
        for (size_t a = 0; st == KS_OK && a < words->len; a += strlen(words->data + a) + 1)
            for (size_t b = 0; st == KS_OK && b < words->len; b += strlen(words->data + b) + 1) {
                if (strcmp(words->data + a, words->data + b) == 0)
                    continue;
                st = ks_grow((void **)&pairs, &pair_cap, pair_count + 1, sizeof *pairs);
                if (st == KS_OK)
                    pairs[pair_count++] = (synonym_pair){words->data + a, words->data + b};
            }
    }
    if (pair_count)
        qsort(pairs, pair_count, sizeof *pairs, compare_synonym_pairs);
    ks_buf value = {0};
    char key[KS_MAX_TERM_BYTES + 16];
    for (size_t i = 0; i < pair_count && st == KS_OK;) {
        ks_buf_clear(&value);
        size_t k = i;
        for (; k < pair_count && strcmp(pairs[k].word, pairs[i].word) == 0 && st == KS_OK; k++) {
            if (k > i && strcmp(pairs[k].other, pairs[k - 1].other) == 0)
                continue;
            if (value.len)
                st = ks_buf_append(&value, " ", 1);
            if (st == KS_OK)
                st = ks_buf_append_str(&value, pairs[k].other);
        }
        snprintf(key, sizeof key, META_SYNONYM_PREFIX "%s", pairs[i].word);
        if (st == KS_OK)
            st = shim_db_set_metadata(db, key, value.data);
        i = k;
    }
    ks_buf_free(&value);
    free(pairs);
    return st;
}

KS_API ks_status ks_db_set_synonyms(ks_db *db, const char *const *groups, size_t count)
{
    if (!db || !db->shim || (!groups && count))
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->writable)
        return ks_db_fail(db, KS_ERR_READ_ONLY, "%s is open for reading only", db->path);
    ks_buf *words = calloc(count ? count : 1, sizeof *words);
    if (!words)
        return ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    const char *problem = NULL;
    for (size_t g = 0; g < count && !problem; g++) {
        if (group_words(groups[g], &words[g]) < 2)
            problem = "a synonym group needs two words or more";
        for (size_t at = 0; !problem && at < words[g].len; at += strlen(words[g].data + at) + 1)
            if (strlen(words[g].data + at) > KS_MAX_TERM_BYTES)
                problem = "a synonym is too long";
    }
    key_list old = {0};
    int stopped = 0;
    ks_status st = problem ? KS_ERR_BAD_INPUT
                           : shim_db_each_metadata_key(db->shim, META_SYNONYM_PREFIX, collect_key,
                                                       &old, &stopped);
    if (st == KS_OK && stopped)
        st = KS_ERR_NOMEM;
    for (size_t i = 0; i < old.count && st == KS_OK; i++)
        st = shim_db_set_metadata(db->shim, old.keys[i], "");
    if (st == KS_OK)
        st = write_synonyms(db->shim, words, count);
    for (size_t i = 0; i < old.count; i++)
        free(old.keys[i]);
    free(old.keys);
    for (size_t g = 0; g < count; g++)
        ks_buf_free(&words[g]);
    free(words);
    if (problem)
        return ks_db_fail(db, KS_ERR_BAD_INPUT, "%s", problem);
    if (st == KS_ERR_NOMEM)
        return ks_db_fail(db, st, "out of memory");
    return st == KS_OK ? KS_OK : ks_db_fail_shim(db, st);
}
