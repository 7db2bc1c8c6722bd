/* kosearch http: the parameters of GET /search and GET /suggest, checked
 * before anything reaches the database, each refusal naming the parameter
 * and what was wrong with it. */
#include "http.h"

#include <stdio.h>
#include <string.h>
#include <unicode/utf8.h>

const char *const http_search_params[] = {"q",     "limit", "offset", "fuzzy",
                                          "since", "until", "sort",   NULL};
const char *const http_suggest_params[] = {"q", "limit", NULL};

bool http_valid_text(const char *text, size_t len)
{
    const uint8_t *bytes = (const uint8_t *)text;
    int32_t at = 0, length = (int32_t)len;
    if (len > INT32_MAX)
        return false;
    while (at < length) {
        UChar32 c;
        U8_NEXT(bytes, at, length, c);
        if (c <= 0)
            return false; /* malformed (negative) or NUL */
    }
    return true;
}

/* A whole number from `min` to `max`; false on anything else. */
static bool parse_bounded(http_param param, size_t min, size_t max, size_t *out)
{
    if (param.len == 0 || param.len > 9)
        return false;
    size_t value = 0;
    for (size_t i = 0; i < param.len; i++) {
        if (param.value[i] < '0' || param.value[i] > '9')
            return false;
        value = value * 10 + (size_t)(param.value[i] - '0');
    }
    if (value < min || value > max)
        return false;
    *out = value;
    return true;
}

static bool parse_flag(http_param param, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off", ""};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (strcmp(param.value, yes[i]) == 0)
            return *out = true;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (strcmp(param.value, no[i]) == 0)
            return !(*out = false);
    return false;
}

static bool leap_year(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD", a date that exists. */
static bool valid_date(const char *text)
{
    static const unsigned days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned year, month = 1, day = 1;
    int used = 0;
    size_t len = strlen(text);
    if (len == 4)
        sscanf(text, "%4u%n", &year, &used);
    else if (len == 7)
        sscanf(text, "%4u-%2u%n", &year, &month, &used);
    else if (len == 10)
        sscanf(text, "%4u-%2u-%2u%n", &year, &month, &day, &used);
    if (used != (int)len)
        return false;
    for (size_t i = 0; i < len; i++) /* sscanf would take signs and spaces */
        if (!(text[i] >= '0' && text[i] <= '9') && !(text[i] == '-' && (i == 4 || i == 7)))
            return false;
    if (month < 1 || month > 12 || day < 1)
        return false;
    unsigned last = days_in[month - 1] + (month == 2 && leap_year(year));
    return day <= last;
}

/* The query or prefix in "q": present, not blank, not too long. */
static unsigned parse_query(http_param param, const char **out, char *error, size_t error_size)
{
    if (!param.value || strspn(param.value, " \t\r\n") == param.len) {
        snprintf(error, error_size, "missing query: add q=WORDS");
        return 400;
    }
    if (param.len > HTTP_MAX_QUERY_BYTES) {
        snprintf(error, error_size, "q is %zu bytes long; at most %d are accepted", param.len,
                 HTTP_MAX_QUERY_BYTES);
        return 414;
    }
    *out = param.value;
    return 0;
}

unsigned http_parse_search(http_param_lookup lookup, void *context, http_search_request *out,
                           char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    out->options.limit = HTTP_DEFAULT_LIMIT;
    unsigned status = parse_query(lookup(context, "q"), &out->query, error, error_size);
    if (status)
        return status;
    http_param limit = lookup(context, "limit"), offset = lookup(context, "offset");
    http_param fuzzy = lookup(context, "fuzzy"), sort = lookup(context, "sort");
    if (limit.value && !parse_bounded(limit, 1, HTTP_MAX_LIMIT, &out->options.limit)) {
        snprintf(error, error_size, "limit must be a whole number from 1 to %d, not '%s'",
                 HTTP_MAX_LIMIT, limit.value);
        return 400;
    }
    if (offset.value && !parse_bounded(offset, 0, HTTP_MAX_OFFSET, &out->options.offset)) {
        snprintf(error, error_size, "offset must be a whole number from 0 to %d, not '%s'",
                 HTTP_MAX_OFFSET, offset.value);
        return 400;
    }
    bool fuzzy_on = false;
    if (fuzzy.value && !parse_flag(fuzzy, &fuzzy_on)) {
        snprintf(error, error_size, "fuzzy must be 1 or 0 (true or false), not '%s'", fuzzy.value);
        return 400;
    }
    if (fuzzy_on)
        out->options.flags |= KS_SEARCH_FUZZY;
    const char *names[] = {"since", "until"};
    const char **dates[] = {&out->since, &out->until};
    for (size_t i = 0; i < 2; i++) {
        http_param date = lookup(context, names[i]);
        if (!date.value || date.len == 0) /* an empty date field means no bound */
            continue;
        if (!valid_date(date.value)) {
            snprintf(error, error_size, "%s must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not '%s'",
                     names[i], date.value);
            return 400;
        }
        *dates[i] = date.value;
    }
    if (out->since && out->until && strncmp(out->since, out->until, strlen(out->until)) > 0) {
        snprintf(error, error_size, "since (%s) is after until (%s)", out->since, out->until);
        return 400;
    }
    if (!sort.value || sort.len == 0 || strcmp(sort.value, "relevance") == 0) {
        out->sort = HTTP_SORT_RELEVANCE;
    } else if (strcmp(sort.value, "date") == 0) {
        out->sort = HTTP_SORT_DATE;
    } else {
        snprintf(error, error_size, "sort must be relevance or date, not '%s'", sort.value);
        return 400;
    }
    return 0;
}

unsigned http_parse_suggest(http_param_lookup lookup, void *context, const char **out_prefix,
                            size_t *out_limit, char *error, size_t error_size)
{
    unsigned status = parse_query(lookup(context, "q"), out_prefix, error, error_size);
    if (status)
        return status;
    http_param limit = lookup(context, "limit");
    *out_limit = 10;
    if (limit.value && !parse_bounded(limit, 1, HTTP_MAX_LIMIT, out_limit)) {
        snprintf(error, error_size, "limit must be a whole number from 1 to %d, not '%s'",
                 HTTP_MAX_LIMIT, limit.value);
        return 400;
    }
    return 0;
}
