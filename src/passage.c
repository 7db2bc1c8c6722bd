/* Article body -> passages, the unit the index stores and search returns.
 * Blocks are cut at blank lines, page furniture saved with a web page (share
 * widgets, bylines, copyright) is dropped, headings name the sections of the
 * blocks under them, and blocks too long to read at a glance are cut at
 * sentence ends.
 *
 * Why one file of this size: every section answers the one question of which
 * lines of an article make which passage, and their rules change together
 * (a new kind of page furniture touches the tables, the line tests and the
 * block cutter). The date reader is here because a date line is furniture;
 * ks_date_normalize and the query's date bounds use the same reader so that
 * an article's date and a date typed in a query are read alike. */
#include "kosearch_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

/* A block longer than this is cut into pieces of PIECE_MIN..PIECE_MAX bytes;
 * no passage is ever longer than PASSAGE_MAX_BYTES. */
#define PASSAGE_MAX_BYTES 1200
#define PIECE_MIN_BYTES 400
#define PIECE_MAX_BYTES 1000

#define MARKED_HEADING_MAX_CHARS 40 /* "○ 청소 분야 10년째 1위" */
#define PLAIN_HEADING_MAX_CHARS 30  /* an unmarked first line of a block */
#define CAPTION_MAX_CHARS 100       /* "▲ 이성 구로구청장." */
#define BYLINE_MAX_CHARS 40         /* "백중현 기자 bjh@example.com" */
#define COPYRIGHT_MAX_CHARS 80      /* longer lines are about copyright, not notices */
#define DATELINE_MAX_BYTES 120      /* "[매일일보 백중현 기자]" */

typedef struct text_span {
    const char *s;
    size_t len;
} text_span;

/* ------------------------------------------------------------------------ */
/* Rule tables. Everything that decides what a line is lives here.          */

typedef enum pattern_place { WHOLE_LINE, LINE_PREFIX, ANYWHERE } pattern_place;

typedef struct line_pattern {
    pattern_place place;
    const char *text;
} line_pattern;

typedef struct bracket_pair {
    const char *open, *close;
} bracket_pair;

/* Buttons, status lines and dialogs of share and comment widgets, saved
 * along with the article when a web page is saved as text. */
static const line_pattern widget_patterns[] = {
    {WHOLE_LINE, "상태바"},
    {WHOLE_LINE, "이 기사를 공유합니다"},
    {WHOLE_LINE, "기사공유하기"},
    {WHOLE_LINE, "공유하기"},
    {WHOLE_LINE, "SNS 기사보내기"},
    {WHOLE_LINE, "페이스북"},
    {WHOLE_LINE, "트위터"},
    {WHOLE_LINE, "카카오톡"},
    {WHOLE_LINE, "카카오스토리"},
    {WHOLE_LINE, "네이버밴드"},
    {WHOLE_LINE, "URL복사"},
    {WHOLE_LINE, "URL 복사"},
    {WHOLE_LINE, "스크랩"},
    {WHOLE_LINE, "기사스크랩"},
    {WHOLE_LINE, "프린트"},
    {WHOLE_LINE, "인쇄하기"},
    {WHOLE_LINE, "이메일"},
    {WHOLE_LINE, "본문 글씨 키우기"},
    {WHOLE_LINE, "본문 글씨 줄이기"},
    {WHOLE_LINE, "글씨키우기"},
    {WHOLE_LINE, "글씨줄이기"},
    {WHOLE_LINE, "댓글삭제"},
    {WHOLE_LINE, "댓글쓰기"},
    {WHOLE_LINE, "댓글보기"},
    {WHOLE_LINE, "삭제한 댓글은 다시 복구할 수 없습니다."},
    {WHOLE_LINE, "그래도 삭제하시겠습니까?"},
    {WHOLE_LINE, "댓글을 남기실 수 있습니다."},
    {WHOLE_LINE, "로그인"},
    {WHOLE_LINE, "회원가입"},
    {LINE_PREFIX, "계정을 선택하시면"},
};

/* Copyright notices, in short lines only. These marks make any short line
 * a notice: "<저작권자 © 매일일보 무단전재 및 재배포 금지>". */
static const line_pattern copyright_patterns[] = {
    {ANYWHERE, "Copyright"},
    {ANYWHERE, "COPYRIGHT"},
    {ANYWHERE, "copyright"},
    {ANYWHERE, "All rights reserved"},
    {ANYWHERE, "ⓒ"},
    {ANYWHERE, "©"},
};

/* These words make a notice only when the line is not a news sentence in
 * the plain style (밝혔다.): notices are nouns or polite (금지합니다.). */
static const line_pattern reuse_notice_patterns[] = {
    {ANYWHERE, "무단전재"},
    {ANYWHERE, "무단 전재"},
    {ANYWHERE, "재배포 금지"},
    {ANYWHERE, "재배포금지"},
};

/* Counters shown as a label and a number only: "댓글 0", "조회수 1,024". */
static const char *const counter_labels[] = {
    "댓글", "조회수", "조회", "추천", "공감", "좋아요", "싫어요",
};

/* Labels of the publication date: "승인 2015.01.09 20:39", "입력 : 2015-01-09". */
static const char *const date_labels[] = {
    "승인", "입력", "등록", "수정", "기사승인", "기사입력", "최종수정", "입력일", "등록일",
    "수정일", "승인일", "발행일", "게재일", "송고시간", "업데이트",
};

/* Endings of a reporter's byline once an e-mail address is taken off:
 * "백중현 기자", "홍길동 특파원". */
static const char *const byline_endings[] = {
    "기자", "기자.", "기자 =", "특파원", "통신원", "리포터",
};

/* Bullets in front of metadata lines ("  • 승인 2015.01.09 20:39"). A
 * bulleted line is furniture only when what follows the bullet is. */
static const char *const bullet_marks[] = {"•", "·", "◦", "‣"};

/* Marks opening a section heading in press releases: "○ 청소 분야 10년째 1위". */
static const char *const heading_marks[] = {
    "○", "■", "□", "▶", "▷", "◆", "◇", "●", "◎", "◉", "◈", "▣", "☞", "※",
    "## ", "### ", /* Markdown's section headings */
};

/* Markdown's title line: "# 제목". */
#define MARKDOWN_TITLE_MARK "# "

/* Brackets around a short title: "<구로구 주요 수상 내역>", "[인터뷰] 이성 구청장". */
static const bracket_pair heading_brackets[] = {
    {"<", ">"}, {"[", "]"}, {"【", "】"}, {"〈", "〉"}, {"《", "》"}, {"＜", "＞"},
};

/* Marks of list items inside a paragraph ("△서울형 희망복지"): never headings. */
static const char *const list_marks[] = {"△", "▲", "-", "·", "•", "*"};

/* Photo captions: a block opening with this mark and a short line. */
static const char *const caption_marks[] = {"▲"};

/* Datelines opening the first paragraph: "[매일일보 백중현 기자]",
 * "(서울=연합뉴스)". The brackets must hold one of dateline_words. */
static const bracket_pair dateline_brackets[] = {{"[", "]"}, {"(", ")"}, {"【", "】"}};
static const char *const dateline_words[] = {"기자", "특파원", "통신원", "="};

/* Closing quotes and brackets that may follow the final punctuation of a
 * sentence: 감사하다.” 그러면 ... */
static const char *const closing_marks[] = {"”", "’", "\"", "'", ")", "」", "』"};

/* ------------------------------------------------------------------------ */
/* Spans, whitespace and UTF-8.                                             */

/* Byte width of the whitespace at s[i], or 0. Besides ASCII, no-break
 * and ideographic spaces (U+00A0, U+3000) and a stray BOM count. */
static size_t space_width(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    if (c == 0xE3 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x80)
        return 3;
    if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBB &&
        (unsigned char)s[i + 2] == 0xBF)
        return 3;
    return 0;
}

/* Width of the whitespace character that ends s[0..len), or 0. */
static size_t trailing_space_width(const char *s, size_t len)
{
    for (size_t w = 1; w <= 3 && w <= len; w++)
        if (space_width(s, len, len - w) == w)
            return w;
    return 0;
}

static text_span trim_left(text_span t)
{
    size_t w;
    while (t.len && (w = space_width(t.s, t.len, 0)) != 0) {
        t.s += w;
        t.len -= w;
    }
    return t;
}

static text_span trim_right(text_span t)
{
    size_t w;
    while (t.len && (w = trailing_space_width(t.s, t.len)) != 0)
        t.len -= w;
    return t;
}

static text_span trim(text_span t)
{
    return trim_right(trim_left(t));
}

static bool span_equals(text_span t, const char *text)
{
    size_t n = strlen(text);
    return t.len == n && memcmp(t.s, text, n) == 0;
}

static bool span_starts_with(text_span t, const char *prefix)
{
    size_t n = strlen(prefix);
    return t.len >= n && memcmp(t.s, prefix, n) == 0;
}

static bool span_ends_with(text_span t, const char *suffix)
{
    size_t n = strlen(suffix);
    return t.len >= n && memcmp(t.s + t.len - n, suffix, n) == 0;
}

static const char *span_find(text_span t, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= t.len; i++)
        if (memcmp(t.s + i, needle, n) == 0)
            return t.s + i;
    return NULL;
}

static text_span span_after(text_span t, size_t bytes)
{
    return (text_span){t.s + bytes, t.len - bytes};
}

/* Characters in t, counting no further than limit + 1, so that a 50 MB
 * line costs no more than a short one. */
static size_t chars_up_to(text_span t, size_t limit)
{
    if (t.len > 4 * (limit + 1))
        return limit + 1;
    size_t count = 0, i = 0;
    while (i < t.len && count <= limit) {
        ks_utf8_next(t.s, t.len, &i);
        count++;
    }
    return count;
}

static bool is_short(text_span t, size_t max_chars)
{
    return chars_up_to(t, max_chars) <= max_chars;
}

/* Length of the first entry of `marks` that t starts with, or 0. */
static size_t starts_with_any(text_span t, const char *const *marks, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (span_starts_with(t, marks[k]))
            return strlen(marks[k]);
    return 0;
}

static bool ends_with_any(text_span t, const char *const *endings, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (span_ends_with(t, endings[k]))
            return true;
    return false;
}

static bool contains_any(text_span t, const char *const *words, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (span_find(t, words[k]))
            return true;
    return false;
}

static bool matches_pattern(text_span line, const line_pattern *pattern)
{
    switch (pattern->place) {
    case WHOLE_LINE:
        return span_equals(line, pattern->text);
    case LINE_PREFIX:
        return span_starts_with(line, pattern->text);
    case ANYWHERE:
        return span_find(line, pattern->text) != NULL;
    }
    return false;
}

static bool matches_any_pattern(text_span line, const line_pattern *patterns, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (matches_pattern(line, &patterns[k]))
            return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Dates in furniture: "2015.01.09 20:39", "2015-01-09", "2015년 1월 9일".  */

typedef struct date_parts {
    int year, month, day, hour, minute; /* hour < 0 when no time was given */
} date_parts;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void skip_spaces(text_span t, size_t *i)
{
    size_t w;
    while (*i < t.len && (w = space_width(t.s, t.len, *i)) != 0)
        *i += w;
}

static bool skip_literal(text_span t, size_t *i, const char *literal)
{
    if (!span_starts_with(span_after(t, *i), literal))
        return false;
    *i += strlen(literal);
    return true;
}

static bool read_number(text_span t, size_t *i, int min_digits, int max_digits, int *out)
{
    int value = 0, digits = 0;
    while (*i < t.len && is_digit(t.s[*i]) && digits < max_digits) {
        value = value * 10 + (t.s[*i] - '0');
        (*i)++;
        digits++;
    }
    if (digits < min_digits || (*i < t.len && is_digit(t.s[*i])))
        return false;
    *out = value;
    return true;
}

/* "2015.01.09", "2015-01-09", "2015/1/9", "2015. 1. 9." */
static bool read_numeric_date(text_span t, size_t *i, date_parts *d)
{
    size_t at = *i;
    if (!read_number(t, &at, 4, 4, &d->year) || at >= t.len)
        return false;
    char sep = t.s[at];
    if (sep != '.' && sep != '-' && sep != '/')
        return false;
    at++;
    skip_spaces(t, &at);
    if (!read_number(t, &at, 1, 2, &d->month) || at >= t.len || t.s[at] != sep)
        return false;
    at++;
    skip_spaces(t, &at);
    if (!read_number(t, &at, 1, 2, &d->day))
        return false;
    if (at < t.len && t.s[at] == sep)
        at++;
    *i = at;
    return true;
}

/* "2015년 1월 9일" */
static bool read_korean_date(text_span t, size_t *i, date_parts *d)
{
    size_t at = *i;
    if (!read_number(t, &at, 4, 4, &d->year) || !skip_literal(t, &at, "년"))
        return false;
    skip_spaces(t, &at);
    if (!read_number(t, &at, 1, 2, &d->month) || !skip_literal(t, &at, "월"))
        return false;
    skip_spaces(t, &at);
    if (!read_number(t, &at, 1, 2, &d->day) || !skip_literal(t, &at, "일"))
        return false;
    *i = at;
    return true;
}

/* An optional weekday "(금)" and time "20:39", "오후 8:39", "20:39:12". */
static void read_optional_time(text_span t, size_t *i, date_parts *d)
{
    size_t at = *i;
    skip_spaces(t, &at);
    if (at < t.len && t.s[at] == '(') {
        const char *close = memchr(t.s + at, ')', t.len - at < 12 ? t.len - at : 12);
        if (close) {
            at = (size_t)(close - t.s) + 1;
            skip_spaces(t, &at);
        }
    }
    int afternoon = skip_literal(t, &at, "오후") ? 1 : skip_literal(t, &at, "오전") ? 0 : -1;
    skip_spaces(t, &at);
    int hour, minute, second;
    if (!read_number(t, &at, 1, 2, &hour) || !skip_literal(t, &at, ":") ||
        !read_number(t, &at, 2, 2, &minute))
        return;
    if (skip_literal(t, &at, ":") && !read_number(t, &at, 2, 2, &second))
        return;
    if (afternoon == 1 && hour < 12)
        hour += 12;
    if (hour > 23 || minute > 59)
        return;
    d->hour = hour;
    d->minute = minute;
    *i = at;
}

static bool read_date(text_span t, size_t *i, date_parts *d)
{
    d->hour = -1;
    if (!read_numeric_date(t, i, d) && !read_korean_date(t, i, d))
        return false;
    if (d->month < 1 || d->month > 12 || d->day < 1 || d->day > 31)
        return false;
    read_optional_time(t, i, d);
    return true;
}

/* A date label ("입력", "승인 :") at t[*i], skipped with what follows it. */
static bool skip_date_label(text_span t, size_t *i)
{
    for (size_t k = 0; k < COUNT_OF(date_labels); k++) {
        size_t at = *i;
        if (!skip_literal(t, &at, date_labels[k]))
            continue;
        skip_spaces(t, &at);
        if (at < t.len && t.s[at] == ':')
            at++;
        skip_spaces(t, &at);
        if (at < t.len && is_digit(t.s[at])) {
            *i = at;
            return true;
        }
    }
    return false;
}

/* A line made only of dates, each maybe labelled and separated by | or ·:
 * "승인 2015.01.09 20:39", "입력 2015-01-09 | 수정 2015-01-10". The first
 * date is kept in *first. */
static bool is_date_line(text_span line, date_parts *first)
{
    size_t i = 0, dates = 0;
    while (i < line.len) {
        date_parts d = {0};
        skip_date_label(line, &i);
        if (!read_date(line, &i, &d))
            return false;
        if (dates++ == 0)
            *first = d;
        skip_spaces(line, &i);
        while (skip_literal(line, &i, "|") || skip_literal(line, &i, "·") ||
               skip_literal(line, &i, ",") || skip_literal(line, &i, "/"))
            skip_spaces(line, &i);
    }
    return dates > 0;
}

/* ISO 8601: "2015-01-09T20:39", or "2015-01-09" without a time. */
static void date_text(const date_parts *d, char out[KS_DATE_BYTES])
{
    /* The parts are in range; the remainders tell the compiler so. */
    unsigned year = (unsigned)d->year % 10000, month = (unsigned)d->month % 100,
             day = (unsigned)d->day % 100;
    if (d->hour >= 0)
        snprintf(out, KS_DATE_BYTES, "%04u-%02u-%02uT%02u:%02u", year, month, day,
                 (unsigned)d->hour % 100, (unsigned)d->minute % 100);
    else
        snprintf(out, KS_DATE_BYTES, "%04u-%02u-%02u", year, month, day);
}

static char *format_date(const date_parts *d)
{
    char text[KS_DATE_BYTES];
    date_text(d, text);
    return ks_strndup(text, strlen(text));
}

static bool is_real_day(const date_parts *d)
{
    static const int days_in_month[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (d->year % 4 == 0 && d->year % 100 != 0) || d->year % 400 == 0;
    if (d->month == 2 && d->day == 29)
        return leap;
    return d->day <= days_in_month[d->month - 1];
}

/* What may follow an ISO time: fractions of a second, then "Z" or an
 * offset "+09:00" / "+0900" (dropped: the time is kept as written). */
static void skip_time_zone(text_span t, size_t *i)
{
    size_t at = *i;
    if (at < t.len && t.s[at] == '.')
        for (at++; at < t.len && is_digit(t.s[at]); at++)
            ;
    if (at < t.len && t.s[at] == 'Z') {
        at++;
    } else if (at < t.len && (t.s[at] == '+' || t.s[at] == '-')) {
        int hours_minutes, minutes;
        at++;
        size_t digits = at;
        if (!read_number(t, &at, 2, 4, &hours_minutes) || at - digits == 3)
            return;
        if (at - digits == 2 && (!skip_literal(t, &at, ":") || !read_number(t, &at, 2, 2, &minutes)))
            return;
    }
    *i = at;
}

ks_status ks_date_bound(const char *text, size_t len, bool upper,
                        char out[KS_SLOT_DATE_BYTES + 1])
{
    text_span t = {text, len};
    size_t i = 0;
    date_parts d = {.month = upper ? 12 : 1, .day = upper ? 31 : 1};
    if (!read_number(t, &i, 4, 4, &d.year))
        return KS_ERR_INVALID_ARGUMENT;
    if (skip_literal(t, &i, "-")) {
        if (!read_number(t, &i, 2, 2, &d.month) || d.month < 1 || d.month > 12)
            return KS_ERR_INVALID_ARGUMENT;
        if (skip_literal(t, &i, "-") &&
            (!read_number(t, &i, 2, 2, &d.day) || d.day < 1 || !is_real_day(&d)))
            return KS_ERR_INVALID_ARGUMENT;
    }
    if (i != t.len)
        return KS_ERR_INVALID_ARGUMENT;
    d.hour = -1;
    char day[KS_DATE_BYTES];
    date_text(&d, day); /* day 31 of a short month still bounds it from above */
    memcpy(out, day, KS_SLOT_DATE_BYTES + 1);
    return KS_OK;
}

KS_API ks_status ks_date_normalize(const char *text, char out[KS_DATE_BYTES])
{
    if (!text || !out)
        return KS_ERR_INVALID_ARGUMENT;
    text_span t = trim((text_span){text, strlen(text)});
    size_t i = 0;
    date_parts d = {0};
    skip_date_label(t, &i);
    if (!read_date(t, &i, &d) || !is_real_day(&d))
        return KS_ERR_BAD_INPUT;
    if (d.hour < 0 && i < t.len && t.s[i] == 'T') {
        size_t at = i + 1;
        read_optional_time(t, &at, &d);
        if (d.hour < 0)
            return KS_ERR_BAD_INPUT;
        i = at;
        skip_time_zone(t, &i);
    }
    skip_spaces(t, &i);
    if (i < t.len && t.s[i] == '(') { /* a weekday without a time: "2015.01.09 (금)" */
        const char *close = memchr(t.s + i, ')', t.len - i);
        if (close && (size_t)(close - t.s) - i <= 12)
            i = (size_t)(close - t.s) + 1;
    }
    if (i != t.len)
        return KS_ERR_BAD_INPUT;
    date_text(&d, out);
    return KS_OK;
}

/* ------------------------------------------------------------------------ */
/* Page furniture: lines that are never part of a passage.                  */

typedef struct furniture_context {
    text_span title;  /* trimmed; empty when no title was given */
    bool saw_title;   /* a line repeating the title was dropped */
    bool found_date;
    date_parts date;  /* the first furniture date */
} furniture_context;

typedef bool (*furniture_test)(text_span line, furniture_context *context);

static bool is_widget_line(text_span line, furniture_context *context)
{
    (void)context;
    return matches_any_pattern(line, widget_patterns, COUNT_OF(widget_patterns));
}

static bool is_counter_line(text_span line, furniture_context *context)
{
    (void)context;
    size_t label = starts_with_any(line, counter_labels, COUNT_OF(counter_labels));
    if (!label)
        return false;
    size_t i = label, digits = 0;
    skip_spaces(line, &i);
    if (i < line.len && line.s[i] == ':')
        i++;
    skip_spaces(line, &i);
    for (; i < line.len && (is_digit(line.s[i]) || line.s[i] == ','); i++)
        digits++;
    return digits > 0 && i == line.len;
}

static bool is_publication_date(text_span line, furniture_context *context)
{
    date_parts date;
    if (!is_date_line(line, &date))
        return false;
    if (!context->found_date) {
        context->found_date = true;
        context->date = date;
    }
    return true;
}

static bool is_email(text_span word)
{
    const char *at = memchr(word.s, '@', word.len);
    return at && at != word.s && memchr(at, '.', word.len - (size_t)(at - word.s)) != NULL;
}

/* "백중현 기자", "백중현 기자 bjh@example.com", or an address alone. */
static bool is_byline(text_span line, furniture_context *context)
{
    (void)context;
    if (!is_short(line, BYLINE_MAX_CHARS) ||
        starts_with_any(line, heading_marks, COUNT_OF(heading_marks)))
        return false;
    text_span rest = line;
    size_t cut = rest.len;
    while (cut > 0 && rest.s[cut - 1] != ' ')
        cut--;
    text_span last_word = span_after(rest, cut);
    if (is_email(last_word)) {
        if (cut == 0)
            return true;
        rest = trim((text_span){rest.s, cut});
    }
    return ends_with_any(rest, byline_endings, COUNT_OF(byline_endings));
}

static bool is_plain_style_sentence(text_span line)
{
    return span_ends_with(line, "다.") && !span_ends_with(line, "니다.");
}

static bool is_copyright_line(text_span line, furniture_context *context)
{
    (void)context;
    if (!is_short(line, COPYRIGHT_MAX_CHARS))
        return false;
    return matches_any_pattern(line, copyright_patterns, COUNT_OF(copyright_patterns)) ||
           (matches_any_pattern(line, reuse_notice_patterns, COUNT_OF(reuse_notice_patterns)) &&
            !is_plain_style_sentence(line));
}

static bool is_title_repeat(text_span line, furniture_context *context)
{
    if (span_starts_with(line, MARKDOWN_TITLE_MARK))
        line = trim(span_after(line, strlen(MARKDOWN_TITLE_MARK)));
    if (!context->title.len || line.len != context->title.len ||
        memcmp(line.s, context->title.s, line.len) != 0)
        return false;
    context->saw_title = true;
    return true;
}

/* Each kind of furniture, tried in order on the trimmed line. */
static const furniture_test furniture_tests[] = {
    is_title_repeat,     /* the headline again, as web pages print it twice */
    is_widget_line,      /* share and comment widgets */
    is_counter_line,     /* "댓글 0" */
    is_publication_date, /* "승인 2015.01.09 20:39": remembered as the date */
    is_byline,           /* "백중현 기자" and e-mail lines */
    is_copyright_line,   /* "무단전재 및 재배포 금지" */
};

static bool is_furniture(text_span line, furniture_context *context)
{
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < COUNT_OF(furniture_tests); k++)
            if (furniture_tests[k](line, context))
                return true;
        /* A bullet only decorates: "  • 백중현 기자" is a byline. */
        size_t bullet = starts_with_any(line, bullet_marks, COUNT_OF(bullet_marks));
        if (!bullet)
            return false;
        line = trim(span_after(line, bullet));
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Datelines, headings and captions.                                        */

/* Bytes at the start of `line` taken by a dateline, or 0: "[매일일보 백중현
 * 기자]", "(서울=연합뉴스) 홍길동 기자 =". The rest of the line is news. */
static size_t dateline_length(text_span line)
{
    for (size_t k = 0; k < COUNT_OF(dateline_brackets); k++) {
        const bracket_pair *pair = &dateline_brackets[k];
        if (!span_starts_with(line, pair->open))
            continue;
        text_span head = {line.s, line.len < DATELINE_MAX_BYTES ? line.len : DATELINE_MAX_BYTES};
        const char *close = span_find(head, pair->close);
        if (!close)
            continue;
        text_span inside = {line.s + strlen(pair->open),
                            (size_t)(close - line.s) - strlen(pair->open)};
        if (!contains_any(inside, dateline_words, COUNT_OF(dateline_words)))
            continue;
        size_t end = (size_t)(close - line.s) + strlen(pair->close);
        /* "(서울=연합뉴스) 홍길동 기자 = 본문": the reporter follows. */
        text_span after = span_after(line, end);
        text_span near = {after.s, after.len < 40 ? after.len : 40};
        const char *equals = span_find(near, "=");
        if (equals && span_ends_with(trim((text_span){after.s, (size_t)(equals - after.s)}),
                                     "기자"))
            end += (size_t)(equals - after.s) + 1;
        return end;
    }
    return 0;
}

/* Whether the line ends a sentence the way body text does: 다. 요. or '.'.
 * Headings do not. */
static bool ends_with_period(text_span line)
{
    text_span t = trim_right(line);
    size_t quote = 0;
    for (size_t k = 0; k < COUNT_OF(closing_marks) && !quote; k++)
        if (span_ends_with(t, closing_marks[k]))
            quote = strlen(closing_marks[k]);
    t.len -= quote;
    return span_ends_with(t, ".") || span_ends_with(t, "。");
}

static bool looks_like_sentence(text_span line)
{
    text_span t = trim_right(line);
    return ends_with_period(t) || span_ends_with(t, "!") || span_ends_with(t, "?") ||
           !is_short(t, PLAIN_HEADING_MAX_CHARS);
}

/* The bracket pair enclosing a short title at the start of line, or NULL. */
static const bracket_pair *heading_bracket(text_span line)
{
    for (size_t k = 0; k < COUNT_OF(heading_brackets); k++) {
        const bracket_pair *pair = &heading_brackets[k];
        if (span_starts_with(line, pair->open) &&
            span_find(span_after(line, strlen(pair->open)), pair->close))
            return pair;
    }
    return NULL;
}

/* "○ 청소 분야 10년째 1위", "<주요 수상 내역>": a heading wherever it stands. */
static bool is_marked_heading(text_span line)
{
    text_span t = trim(line);
    return is_short(t, MARKED_HEADING_MAX_CHARS) &&
           (starts_with_any(t, heading_marks, COUNT_OF(heading_marks)) || heading_bracket(t)) &&
           !ends_with_period(t);
}

/* A short first line over sentences: a heading without a mark. Lines all
 * short (a subtitle block) are not a heading and its body. */
static bool is_plain_heading(const text_span *lines, size_t count)
{
    text_span first = trim(lines[0]);
    if (count < 2 || !is_short(first, PLAIN_HEADING_MAX_CHARS) || ends_with_period(first) ||
        starts_with_any(first, list_marks, COUNT_OF(list_marks)))
        return false;
    for (size_t i = 1; i < count; i++)
        if (looks_like_sentence(lines[i]))
            return true;
    return false;
}

/* The heading without its mark: "○ 청소 분야" -> "청소 분야", "<내역>" -> "내역". */
static text_span section_name(text_span heading)
{
    text_span t = trim(heading);
    size_t mark = starts_with_any(t, heading_marks, COUNT_OF(heading_marks));
    if (mark)
        return trim(span_after(t, mark));
    const bracket_pair *pair = heading_bracket(t);
    if (pair && span_ends_with(t, pair->close)) {
        size_t open = strlen(pair->open);
        text_span inside = {t.s + open, t.len - open - strlen(pair->close)};
        if (!span_find(inside, pair->close))
            return trim(inside);
    }
    return t;
}

static bool is_photo_caption(const text_span *lines, size_t count)
{
    text_span first = trim(lines[0]);
    if (!starts_with_any(first, caption_marks, COUNT_OF(caption_marks)) ||
        !is_short(first, CAPTION_MAX_CHARS))
        return false;
    /* ▲ lines in a row are a list of items, not a caption. */
    return count == 1 || !starts_with_any(trim(lines[1]), list_marks, COUNT_OF(list_marks));
}

/* ------------------------------------------------------------------------ */
/* Passages out.                                                            */

static ks_status add_passage(ks_passage_list *out, const char *text, size_t len,
                             const char *section)
{
    text_span t = trim((text_span){text, len});
    if (!t.len)
        return KS_OK;
    ks_status st = ks_grow((void **)&out->items, &out->cap, out->count + 1, sizeof(ks_passage));
    if (st != KS_OK)
        return st;
    ks_passage *passage = &out->items[out->count];
    passage->text = ks_strndup(t.s, t.len);
    passage->section = ks_strndup(section, strlen(section));
    if (!passage->text || !passage->section) {
        free(passage->text);
        free(passage->section);
        return KS_ERR_NOMEM;
    }
    passage->len = t.len;
    passage->number = (uint32_t)++out->count;
    return KS_OK;
}

/* Whether a sentence ends just before s[i]: final punctuation, perhaps a
 * closing quote, then the whitespace at s[i]. */
static bool sentence_ends_before(const char *s, size_t i)
{
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
        return false;
    text_span before = {s, i};
    for (size_t k = 0; k < COUNT_OF(closing_marks); k++)
        if (span_ends_with(before, closing_marks[k])) {
            before.len -= strlen(closing_marks[k]);
            break;
        }
    return span_ends_with(before, ".") || span_ends_with(before, "!") ||
           span_ends_with(before, "?") || span_ends_with(before, "…") ||
           span_ends_with(before, "。");
}

/* Where to end the piece of s[start..end) that starts at `start`: the last
 * sentence end in reach (one before a line break preferred), else the last
 * space, else a character boundary. Looks at most PIECE_MAX_BYTES ahead, so
 * cutting a whole block is linear in its length. */
static size_t piece_end(const char *s, size_t start, size_t end)
{
    size_t reach = end - start - PIECE_MIN_BYTES; /* leave a readable last piece */
    if (reach > PIECE_MAX_BYTES)
        reach = PIECE_MAX_BYTES;
    size_t limit = start + reach, min = start + PIECE_MIN_BYTES, sentence = 0;
    for (size_t i = limit; i > start; i--) {
        if (i < min && sentence)
            break;
        if (!sentence_ends_before(s, i))
            continue;
        if (s[i] == '\n' && i >= min)
            return i;
        if (!sentence)
            sentence = i;
    }
    if (sentence)
        return sentence;
    for (size_t i = limit; i > start; i--)
        if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')
            return i;
    size_t cut = limit;
    while (cut > limit - 3 && U8_IS_TRAIL(s[cut]))
        cut--;
    return cut;
}

static ks_status add_block(ks_passage_list *out, const char *text, size_t len,
                           const char *section)
{
    size_t start = 0;
    while (len - start > PASSAGE_MAX_BYTES) {
        size_t cut = piece_end(text, start, len);
        ks_status st = add_passage(out, text + start, cut - start, section);
        if (st != KS_OK)
            return st;
        start = cut;
    }
    return add_passage(out, text + start, len - start, section);
}

/* ------------------------------------------------------------------------ */
/* Blocks.                                                                  */

typedef struct splitter {
    furniture_context furniture;
    ks_passage_list *out;
    text_span *lines;     /* kept lines of the block being read */
    size_t line_count, line_cap;
    ks_buf pending;       /* heading lines waiting for the block they head */
    ks_buf section;       /* section of the blocks being read */
    ks_buf block;         /* scratch: the text of one block */
} splitter;

static ks_status set_section(splitter *sp, text_span heading)
{
    text_span name = section_name(heading);
    ks_buf_clear(&sp->section);
    return ks_buf_append(&sp->section, name.s, name.len);
}

static ks_status append_lines(ks_buf *text, const text_span *lines, size_t count)
{
    ks_status st = KS_OK;
    for (size_t i = 0; i < count && st == KS_OK; i++) {
        if (text->len)
            st = ks_buf_append(text, "\n", 1);
        if (st == KS_OK)
            st = ks_buf_append(text, lines[i].s, lines[i].len);
    }
    return st;
}

/* Lines of one block with at most one heading, which is its first line. */
static ks_status add_section_block(splitter *sp, const text_span *lines, size_t count)
{
    bool marked = is_marked_heading(lines[0]);
    ks_status st = KS_OK;
    if (marked || is_plain_heading(lines, count))
        st = set_section(sp, lines[0]);
    if (st != KS_OK)
        return st;
    if (marked && count == 1)  /* a heading alone joins the next block */
        return append_lines(&sp->pending, lines, 1);
    ks_buf_clear(&sp->block);
    st = ks_buf_append(&sp->block, sp->pending.data ? sp->pending.data : "", sp->pending.len);
    ks_buf_clear(&sp->pending);
    if (st == KS_OK)
        st = append_lines(&sp->block, lines, count);
    if (st == KS_OK)
        st = add_block(sp->out, sp->block.data, sp->block.len,
                       sp->section.data ? sp->section.data : "");
    return st;
}

/* A block ends at a blank line. Marked headings inside it start new
 * sections, as when a press release has no blank lines around them. */
static ks_status flush_block(splitter *sp)
{
    text_span *lines = sp->lines;
    size_t count = sp->line_count;
    sp->line_count = 0;
    if (count && is_photo_caption(lines, count)) {
        lines++;
        count--;
    }
    ks_status st = KS_OK;
    size_t first = 0;
    for (size_t i = 1; i <= count && st == KS_OK; i++) {
        if (i < count && !is_marked_heading(lines[i]))
            continue;
        st = add_section_block(sp, lines + first, i - first);
        first = i;
    }
    return st;
}

static ks_status read_line(splitter *sp, text_span line)
{
    text_span t = trim(line);
    if (!t.len)
        return flush_block(sp);
    if (is_furniture(t, &sp->furniture))
        return KS_OK;
    size_t dateline = dateline_length(t);
    if (dateline) {
        t = trim(span_after(t, dateline));
        if (!t.len)
            return KS_OK;
    } else {
        t = trim_right(line); /* indentation inside a passage stays as written */
    }
    ks_status st = ks_grow((void **)&sp->lines, &sp->line_cap, sp->line_count + 1,
                           sizeof(text_span));
    if (st == KS_OK)
        sp->lines[sp->line_count++] = t;
    return st;
}

/* Lines end at LF, CRLF or a lone CR. */
static ks_status read_lines(splitter *sp, const char *body, size_t len)
{
    size_t start = 0;
    while (start < len) {
        size_t end = start;
        while (end < len && body[end] != '\n' && body[end] != '\r')
            end++;
        ks_status st = read_line(sp, (text_span){body + start, end - start});
        if (st != KS_OK)
            return st;
        if (end + 1 < len && body[end] == '\r' && body[end + 1] == '\n')
            end++;
        start = end + 1;
    }
    return flush_block(sp);
}

static ks_status finish(splitter *sp)
{
    ks_status st = KS_OK;
    if (sp->pending.len)
        st = add_block(sp->out, sp->pending.data, sp->pending.len,
                       sp->section.data ? sp->section.data : "");
    /* A body that is nothing but its title (a one-line file) still needs a
     * passage, or the article could never be found. */
    const text_span *title = &sp->furniture.title;
    if (st == KS_OK && sp->out->count == 0 && sp->furniture.saw_title)
        st = add_block(sp->out, title->s, title->len, "");
    if (st == KS_OK && sp->furniture.found_date) {
        sp->out->date = format_date(&sp->furniture.date);
        if (!sp->out->date)
            st = KS_ERR_NOMEM;
    }
    return st;
}

ks_status ks_passage_split(const char *body, size_t len, const char *title,
                           ks_passage_list *out)
{
    if (!out || (!body && len))
        return KS_ERR_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    splitter sp = {.out = out};
    if (title)
        sp.furniture.title = trim((text_span){title, strlen(title)});
    ks_status st = read_lines(&sp, body, len);
    if (st == KS_OK)
        st = finish(&sp);
    free(sp.lines);
    ks_buf_free(&sp.pending);
    ks_buf_free(&sp.section);
    ks_buf_free(&sp.block);
    if (st != KS_OK)
        ks_passage_list_free(out);
    return st;
}

void ks_passage_list_free(ks_passage_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].text);
        free(list->items[i].section);
    }
    free(list->items);
    free(list->date);
    memset(list, 0, sizeof *list);
}
