/* kosearch http: the search page, rendered on the server from the template
 * built into the binary (search_page.html), so that searching works in any
 * browser, with or without JavaScript. The template's {{name}} fields take
 * the form's values and the results; everything from the request or the
 * database is escaped on the way in. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes text with the characters HTML gives a meaning escaped. */
static void write_html(FILE *out, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (text[i]) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(text[i], out);
        }
    }
}

static void write_html_string(FILE *out, const char *text)
{
    write_html(out, text, strlen(text));
}

/* Percent-encodes a query parameter value (UTF-8 bytes included). */
static void write_url_value(FILE *out, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            strchr("-_.~", *c))
            fputc(*c, out);
        else
            fprintf(out, "%%%02X", *c);
    }
}

/* A link to the page for the same search with another query and offset. */
static void write_search_link(FILE *out, const http_search_request *search, const char *query,
                              size_t offset, const char *label)
{
    fputs("<a href=\"/?q=", out);
    write_url_value(out, query);
    if (search->since) {
        fputs("&amp;since=", out);
        write_url_value(out, search->since);
    }
    if (search->until) {
        fputs("&amp;until=", out);
        write_url_value(out, search->until);
    }
    if (search->sort == HTTP_SORT_DATE)
        fputs("&amp;sort=date", out);
    if (search->options.flags & KS_SEARCH_FUZZY)
        fputs("&amp;fuzzy=1", out);
    if (search->options.limit != HTTP_DEFAULT_LIMIT)
        fprintf(out, "&amp;limit=%zu", search->options.limit);
    if (offset)
        fprintf(out, "&amp;offset=%zu", offset);
    fputs("\">", out);
    write_html_string(out, label);
    fputs("</a>", out);
}

/* Links only to web pages: an article's url could be "javascript:...". */
static bool is_web_address(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

static void write_hit(FILE *out, const ks_hit *hit)
{
    fputs("<article class=\"hit\">\n<h2>", out);
    const char *title = *hit->title ? hit->title : hit->id;
    if (is_web_address(hit->url)) {
        fputs("<a href=\"", out);
        write_html_string(out, hit->url);
        fputs("\" rel=\"noopener\">", out);
        write_html_string(out, title);
        fputs("</a>", out);
    } else {
        write_html_string(out, title);
    }
    if (*hit->section) {
        fputs(" <span class=\"section\">› ", out);
        write_html_string(out, hit->section);
        fputs("</span>", out);
    }
    fputs("</h2>\n<div class=\"meta\">", out);
    if (*hit->date) {
        /* "2015-01-09T20:39" reads better with a space. */
        for (const char *c = hit->date; *c; c++)
            *c == 'T' ? fputc(' ', out) : write_html(out, c, 1);
        fputs(" · ", out);
    }
    write_html_string(out, hit->id);
    fprintf(out, " #%u</div>\n<p>", hit->passage);
    size_t at = 0;
    for (size_t i = 0; i < hit->snippet_highlight_count; i++) {
        const ks_span *span = &hit->snippet_highlights[i];
        if (span->start < at || span->end > hit->snippet_len)
            continue;
        write_html(out, hit->snippet + at, span->start - at);
        fputs("<mark>", out);
        write_html(out, hit->snippet + span->start, span->end - span->start);
        fputs("</mark>", out);
        at = span->end;
    }
    write_html(out, hit->snippet + at, hit->snippet_len - at);
    fputs("</p>\n</article>\n", out);
}

static void write_pages(FILE *out, const http_search_request *search, size_t total)
{
    size_t limit = search->options.limit, offset = search->options.offset;
    size_t pages = (total + limit - 1) / limit, deepest = HTTP_MAX_OFFSET / limit + 1;
    if (pages > deepest)
        pages = deepest;
    size_t current = offset / limit;
    if (pages <= 1 && offset == 0)
        return;
    fputs("<nav class=\"pages\" id=\"pages\" aria-label=\"페이지\">", out);
    if (current > 0)
        write_search_link(out, search, search->query, offset - limit, "‹ 이전");
    size_t first = current > 4 ? current - 4 : 0;
    for (size_t page = first; page < pages && page <= current + 4; page++) {
        char label[32];
        snprintf(label, sizeof label, "%zu", page + 1);
        if (page == current)
            fprintf(out, "<span class=\"current\" aria-current=\"page\">%s</span>", label);
        else
            write_search_link(out, search, search->query, page * limit, label);
    }
    if (current + 1 < pages)
        write_search_link(out, search, search->query, offset + limit, "다음 ›");
    fputs("</nav>\n", out);
}

static void write_results(FILE *out, const http_page_view *view)
{
    const http_search_request *search = view->search;
    if (view->error) {
        fputs("<p class=\"status error\" id=\"status\">검색하지 못했습니다: ", out);
        write_html_string(out, view->error);
        fputs("</p>\n", out);
        return;
    }
    if (!view->results)
        return;
    const char *corrected = ks_results_corrected_query(view->results);
    const char *suggestion = ks_results_suggestion(view->results);
    if (corrected) {
        fputs("<p class=\"notice\" id=\"corrected\">다음 검색 결과 표시: ", out);
        write_search_link(out, search, corrected, 0, corrected);
        fputs("</p>\n", out);
    }
    if (suggestion) {
        fputs("<p class=\"notice\" id=\"suggestion\">이것을 찾으셨나요? ", out);
        write_search_link(out, search, suggestion, 0, suggestion);
        fputs("</p>\n", out);
    }
    size_t count = ks_results_count(view->results);
    size_t total = ks_results_estimated_total(view->results);
    fputs("<p class=\"status\" id=\"status\">", out);
    if (count)
        fprintf(out, "약 %zu건 중 %zu–%zu번째", total, search->options.offset + 1,
                search->options.offset + count);
    else if (search->options.offset)
        fputs("이 페이지에는 더 이상 결과가 없습니다.", out);
    else {
        fputs("‘", out);
        write_html_string(out, search->query);
        fputs("’에 맞는 기사가 없습니다.", out);
    }
    fputs("</p>\n", out);
    for (size_t i = 0; i < count; i++)
        write_hit(out, ks_results_hit(view->results, i));
    write_pages(out, search, total);
}

/* Writes the value of the template field `name`. */
static void write_field(FILE *out, const char *name, size_t len, const http_page_view *view)
{
    const http_search_request *search = view->search;
#define FIELD(text) (len == strlen(text) && memcmp(name, text, len) == 0)
    if (FIELD("title")) {
        if (search && search->query) {
            write_html_string(out, search->query);
            fputs(" - ", out);
        }
        fputs("kosearch 기사 검색", out);
    } else if (FIELD("q")) {
        write_html_string(out, search && search->query ? search->query : "");
    } else if (FIELD("since")) {
        write_html_string(out, search && search->since ? search->since : "");
    } else if (FIELD("until")) {
        write_html_string(out, search && search->until ? search->until : "");
    } else if (FIELD("sort_date")) {
        fputs(search && search->sort == HTTP_SORT_DATE ? "selected" : "", out);
    } else if (FIELD("fuzzy")) {
        fputs(search && (search->options.flags & KS_SEARCH_FUZZY) ? "checked" : "", out);
    } else if (FIELD("results")) {
        write_results(out, view);
    }
#undef FIELD
}

char *http_page_render(const http_page_view *view, size_t *out_len)
{
    char *page = NULL;
    FILE *out = open_memstream(&page, out_len);
    if (!out)
        return NULL;
    /* The embedded template ends with a NUL (tools/embed_file.py). */
    const char *at = (const char *)search_page_html;
    while (*at) {
        const char *open = strstr(at, "{{");
        const char *close = open ? strstr(open, "}}") : NULL;
        if (!close) {
            fputs(at, out);
            break;
        }
        fwrite(at, 1, (size_t)(open - at), out);
        write_field(out, open + 2, (size_t)(close - open - 2), view);
        at = close + 2;
    }
    if (fclose(out) != 0) {
        free(page);
        return NULL;
    }
    return page;
}
