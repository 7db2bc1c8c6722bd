/* Tests of the passage stage: what a reader sees as the passages of an
 * article, with their sections, once page furniture is gone. */
#include "test_support.h"

#define SEED_ARTICLE "corpus/000_7c3d8639bd71687d.txt"
#define SEED_TITLE "구로구, 서울시 8개 부문 최우수상 수상"
#define PASSAGE_LIMIT 1200

static ks_passage_list split(const char *body, const char *title)
{
    ks_passage_list list;
    assert_int_equal(ks_passage_split(body, strlen(body), title, &list), KS_OK);
    return list;
}

static bool passage_contains(const ks_passage *passage, const char *needle)
{
    return strstr(passage->text, needle) != NULL;
}

/* The passage containing needle; fails when there is none or several. */
static const ks_passage *the_passage_with(const ks_passage_list *list, const char *needle)
{
    const ks_passage *found = NULL;
    for (size_t i = 0; i < list->count; i++)
        if (passage_contains(&list->items[i], needle)) {
            if (found)
                fail_msg("\"%s\" is in passages %u and %u", needle, found->number,
                         list->items[i].number);
            found = &list->items[i];
        }
    if (!found)
        fail_msg("no passage contains \"%s\"", needle);
    return found;
}

static bool any_passage_contains(const ks_passage_list *list, const char *needle)
{
    for (size_t i = 0; i < list->count; i++)
        if (passage_contains(&list->items[i], needle))
            return true;
    return false;
}

static bool is_space_byte(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Every list keeps these promises, whatever the input. */
static void assert_well_formed(const ks_passage_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        const ks_passage *p = &list->items[i];
        assert_int_equal(p->number, i + 1);
        assert_true(p->len > 0);
        assert_int_equal(strlen(p->text), p->len);
        assert_true(p->len <= PASSAGE_LIMIT);
        assert_false(is_space_byte(p->text[0]));
        assert_false(is_space_byte(p->text[p->len - 1]));
        assert_non_null(p->section);
        assert_int_equal(ks_utf8_valid_prefix(p->text, p->len), p->len);
    }
}

/* The passages, cut out of `body` with only whitespace between them. */
static void assert_text_preserved(const ks_passage_list *list, const char *body, size_t len)
{
    size_t at = 0;
    for (size_t i = 0; i < list->count; i++) {
        while (at < len && is_space_byte(body[at]))
            at++;
        assert_true(at + list->items[i].len <= len);
        assert_memory_equal(body + at, list->items[i].text, list->items[i].len);
        at += list->items[i].len;
    }
    while (at < len && is_space_byte(body[at]))
        at++;
    assert_int_equal(at, len);
}

/* ------------------------------------------------------------------------ */

static void seed_article_sections_and_furniture(void **state)
{
    (void)state;
    size_t len;
    char *body = test_read_source_file(SEED_ARTICLE, &len);
    ks_passage_list list;
    assert_int_equal(ks_passage_split(body, len, SEED_TITLE, &list), KS_OK);
    assert_well_formed(&list);

    const ks_passage *cleaning = the_passage_with(&list, "○ 청소 분야 10년째 1위");
    assert_string_equal(cleaning->section, "청소 분야 10년째 1위");
    assert_true(passage_contains(cleaning, "깔끔이봉사단"));
    assert_true(passage_contains(cleaning, "거리청결도 향상")); /* the block's last line */

    const ks_passage *nuclear = the_passage_with(&list, "○ 원전 하나 줄이기 3년 연속 최우수");
    assert_string_equal(nuclear->section, "원전 하나 줄이기 3년 연속 최우수");
    assert_true(passage_contains(nuclear, "LED"));

    const char *furniture[] = {"댓글삭제", "이 기사를 공유합니다", "계정을 선택하시면", "상태바",
                               "승인 2015", "백중현 기자", "댓글 0", "▲ 이성 구로구청장"};
    for (size_t i = 0; i < sizeof furniture / sizeof furniture[0]; i++)
        if (any_passage_contains(&list, furniture[i]))
            fail_msg("furniture \"%s\" is in a passage", furniture[i]);
    assert_false(any_passage_contains(&list, SEED_TITLE));

    assert_string_equal(list.date, "2015-01-09T20:39");

    const ks_passage *lead = the_passage_with(&list, "구로구가 서울시와");
    assert_false(passage_contains(lead, "[매일일보"));
    assert_true(strncmp(lead->text, "구로구가 서울시와", strlen("구로구가 서울시와")) == 0);
    assert_string_equal(lead->section, "");

    /* A block without a heading stays in the section above it. */
    const ks_passage *contest = the_passage_with(&list, "대통령상을 수상하는");
    assert_string_equal(contest->section, "정보화 역량 서울시와 전국대회 모두 1등");
    ks_passage_list_free(&list);
    free(body);
}

static void marked_headings_name_their_sections(void **state)
{
    (void)state;
    ks_passage_list list = split("□ 첫째 부문\n"
                                 "첫째 부문의 본문이다.\n"
                                 "\n"
                                 "둘째 문단도 첫째 부문에 속한다.\n"
                                 "\n"
                                 "<둘째 부문>\n"
                                 "둘째 부문의 본문이다.\n"
                                 "▶ 셋째 부문\n"
                                 "빈 줄 없이 이어진 셋째 부문이다.\n",
                                 NULL);
    assert_well_formed(&list);
    assert_int_equal(list.count, 4);
    assert_string_equal(list.items[0].section, "첫째 부문");
    assert_string_equal(list.items[1].section, "첫째 부문");
    assert_string_equal(list.items[2].section, "둘째 부문");
    assert_string_equal(list.items[2].text, "<둘째 부문>\n둘째 부문의 본문이다.");
    assert_string_equal(list.items[3].section, "셋째 부문");
    ks_passage_list_free(&list);
}

static void heading_alone_joins_the_next_block(void **state)
{
    (void)state;
    ks_passage_list list = split("○ 혼자 있는 제목\n\n제목 아래의 본문이다.\n", NULL);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].text, "○ 혼자 있는 제목\n제목 아래의 본문이다.");
    assert_string_equal(list.items[0].section, "혼자 있는 제목");
    ks_passage_list_free(&list);
}

static void short_first_line_over_sentences_is_a_heading(void **state)
{
    (void)state;
    ks_passage_list list = split("앞 문단은 구역이 없다.\n"
                                 "\n"
                                 "주민 참여 확대\n"
                                 "구는 주민 참여를 늘리기 위해 설명회를 열었다.\n"
                                 "\n"
                                 "두 줄짜리 부제\n"
                                 "문장 없는 둘째 줄\n",
                                 NULL);
    assert_int_equal(list.count, 3);
    assert_string_equal(list.items[0].section, "");
    assert_string_equal(list.items[1].section, "주민 참여 확대");
    /* Short lines without a sentence under them are a subtitle, not a
     * heading; the section above still holds. */
    assert_string_equal(list.items[2].section, "주민 참여 확대");
    ks_passage_list_free(&list);
}

static void list_items_and_sentences_are_not_headings(void **state)
{
    (void)state;
    ks_passage_list list = split("○ 구는 올해도 1위를 했다.\n"
                                 "마침표로 끝난 첫 줄은 제목이 아니다.\n"
                                 "\n"
                                 "△ 자치회관\n"
                                 "△ 마을공동체 부문에서도 상을 받았다.\n"
                                 "\n"
                                 "○ 이 줄은 마흔 글자를 훌쩍 넘기 때문에 구역 제목이 될 수 없는 긴 줄입니다 정말로\n"
                                 "본문.\n",
                                 NULL);
    assert_int_equal(list.count, 3);
    for (size_t i = 0; i < list.count; i++)
        assert_string_equal(list.items[i].section, "");
    ks_passage_list_free(&list);
}

static void photo_caption_dropped_but_triangle_lists_kept(void **state)
{
    (void)state;
    ks_passage_list list = split("▲ 시상식에서 상을 받는 구청장.\n"
                                 "구는 상을 받았다.\n"
                                 "\n"
                                 "▲ 첫째 항목\n"
                                 "▲ 둘째 항목\n",
                                 NULL);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].text, "구는 상을 받았다.");
    assert_string_equal(list.items[1].text, "▲ 첫째 항목\n▲ 둘째 항목");
    ks_passage_list_free(&list);
}

static void furniture_lines_are_removed(void **state)
{
    (void)state;
    ks_passage_list list = split("기사 제목\n"
                                 "홍길동 기자\n"
                                 "hong@example.com\n"
                                 "  • 입력 2015-01-09\n"
                                 "  • 조회수 1,024\n"
                                 "본문 첫 문장이다.\n"
                                 "김철수 기자 kim@example.co.kr\n"
                                 "<저작권자 © 매일일보 무단전재 및 재배포 금지>\n"
                                 "Copyright 2015 Example News. All rights reserved.\n"
                                 "댓글쓰기\n",
                                 "기사 제목");
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].text, "본문 첫 문장이다.");
    assert_string_equal(list.date, "2015-01-09");
    ks_passage_list_free(&list);
}

static void news_about_copyright_stays(void **state)
{
    (void)state;
    const char *bodies[] = {
        "구청은 사진 무단전재에 법적으로 대응하겠다고 밝혔다.",
        "재판부는 피고가 사진을 무단전재한 사실을 인정하면서도 언론 보도의 공익성을 고려해 "
        "배상액을 원고가 청구한 금액의 절반으로 정했다. 원고 측은 항소할 뜻을 밝혔다.",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        ks_passage_list list = split(bodies[i], NULL);
        assert_int_equal(list.count, 1);
        assert_string_equal(list.items[0].text, bodies[i]);
        ks_passage_list_free(&list);
    }
    ks_passage_list list = split("본문이다.\n이 기사의 무단전재 및 재배포를 금지합니다.\n", NULL);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].text, "본문이다.");
    ks_passage_list_free(&list);
}

static void furniture_dates_in_every_form(void **state)
{
    (void)state;
    struct {
        const char *line, *date;
    } cases[] = {
        {"승인 2015.01.09 20:39", "2015-01-09T20:39"},
        {"입력 : 2015-01-09 08:05 | 수정 2015-01-10 11:00", "2015-01-09T08:05"},
        {"등록 2015년 1월 9일", "2015-01-09"},
        {"기사입력 2015/1/9 오후 8:39", "2015-01-09T20:39"},
        {"2015. 1. 9.", "2015-01-09"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[256];
        snprintf(body, sizeof body, "%s\n본문이다.\n수정 2016-02-02\n", cases[i].line);
        ks_passage_list list = split(body, NULL);
        assert_int_equal(list.count, 1);
        assert_string_equal(list.items[0].text, "본문이다.");
        assert_non_null(list.date);
        assert_string_equal(list.date, cases[i].date);
        ks_passage_list_free(&list);
    }
    /* A sentence that starts with a date is news, not furniture. */
    ks_passage_list list = split("2015.01.09 구청에서 시상식이 열렸다.\n", NULL);
    assert_int_equal(list.count, 1);
    assert_null(list.date);
    ks_passage_list_free(&list);
}

static void datelines_are_cut_from_the_first_line(void **state)
{
    (void)state;
    ks_passage_list list = split("[매일일보 백중현 기자]구로구가 상을 받았다.\n"
                                 "\n"
                                 "(서울=연합뉴스) 홍길동 기자 = 서울시가 평가 결과를 냈다.\n"
                                 "\n"
                                 "[인터뷰] 이 줄은 대괄호로 시작하지만 기사 본문이므로 그대로 남아야 하는 문장입니다.\n",
                                 NULL);
    assert_int_equal(list.count, 3);
    assert_string_equal(list.items[0].text, "구로구가 상을 받았다.");
    assert_string_equal(list.items[1].text, "서울시가 평가 결과를 냈다.");
    assert_true(strncmp(list.items[2].text, "[인터뷰]", strlen("[인터뷰]")) == 0);
    ks_passage_list_free(&list);
}

static void title_is_not_a_passage(void **state)
{
    (void)state;
    ks_passage_list list = split("  구청 소식  \n\n구청 소식\n본문이다.\n", "구청 소식");
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].text, "본문이다.");
    ks_passage_list_free(&list);
}

static void empty_bodies_give_no_passages(void **state)
{
    (void)state;
    const char *bodies[] = {"", "\n\n  \n", "댓글 0\n댓글쓰기\n", "\xe3\x80\x80\n"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        ks_passage_list list = split(bodies[i], "제목");
        assert_int_equal(list.count, 0);
        ks_passage_list_free(&list);
    }
}

/* A one-line file: its title is its only text, and must stay findable. */
static void body_of_only_the_title_is_one_passage(void **state)
{
    (void)state;
    ks_passage_list list = split("구로구 청소 1위\n상태바\n구로구 청소 1위\n", "구로구 청소 1위");
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].text, "구로구 청소 1위");
    assert_string_equal(list.items[0].section, "");
    ks_passage_list_free(&list);
}

static void crlf_and_lone_cr_split_like_lf(void **state)
{
    (void)state;
    const char *lf = "○ 구역\n첫 문장이다.\n둘째 줄이다.\n\n다음 문단이다.\n";
    const char *crlf = "○ 구역\r\n첫 문장이다.\r\n둘째 줄이다.\r\n\r\n다음 문단이다.\r\n";
    const char *cr = "○ 구역\r첫 문장이다.\r둘째 줄이다.\r\r다음 문단이다.\r";
    ks_passage_list expected = split(lf, NULL);
    assert_int_equal(expected.count, 2);
    const char *variants[] = {crlf, cr};
    for (size_t v = 0; v < 2; v++) {
        ks_passage_list list = split(variants[v], NULL);
        assert_int_equal(list.count, expected.count);
        for (size_t i = 0; i < list.count; i++) {
            assert_string_equal(list.items[i].text, expected.items[i].text);
            assert_string_equal(list.items[i].section, expected.items[i].section);
        }
        ks_passage_list_free(&list);
    }
    ks_passage_list_free(&expected);
}

static void long_block_splits_at_sentence_ends(void **state)
{
    (void)state;
    ks_buf body = {0};
    assert_int_equal(ks_buf_append_str(&body, "■ 긴 구역\n"), KS_OK);
    for (int i = 0; i < 40; i++)
        assert_int_equal(ks_buf_printf(&body, "구로구는 %d번째 사업으로 주민 참여 청소 활동을 꾸준히 펼쳤다. ", i),
                         KS_OK);
    ks_passage_list list;
    assert_int_equal(ks_passage_split(body.data, body.len, NULL, &list), KS_OK);
    assert_well_formed(&list);
    assert_true(list.count >= 3);
    for (size_t i = 0; i < list.count; i++) {
        const ks_passage *p = &list.items[i];
        assert_string_equal(p->section, "긴 구역");
        assert_true(p->len >= 400);
        assert_true(p->len <= 1000 || i + 1 == list.count);
        assert_true(p->len >= strlen("다.") &&
                    strcmp(p->text + p->len - strlen("다."), "다.") == 0);
    }
    assert_text_preserved(&list, body.data, body.len);
    ks_passage_list_free(&list);
    ks_buf_free(&body);
}

static void line_breaks_are_preferred_cut_points(void **state)
{
    (void)state;
    ks_buf body = {0};
    for (int i = 0; i < 12; i++)
        assert_int_equal(ks_buf_printf(&body, "%d번째 줄의 첫 문장이다. 같은 줄의 둘째 문장이다. "
                                              "셋째 문장도 여기에 있다.\n", i),
                         KS_OK);
    ks_passage_list list;
    assert_int_equal(ks_passage_split(body.data, body.len, NULL, &list), KS_OK);
    assert_true(list.count >= 2);
    for (size_t i = 0; i < list.count; i++)
        assert_true(strcmp(list.items[i].text + list.items[i].len - strlen("있다."), "있다.") == 0);
    assert_text_preserved(&list, body.data, body.len);
    ks_passage_list_free(&list);
    ks_buf_free(&body);
}

/* 5 MB on one line: every piece within the limit, nothing lost, and done in
 * linear time (a quadratic split would not finish under the test timeout). */
static void huge_single_line_is_cut_everywhere(void **state)
{
    (void)state;
    const char *units[] = {"가나다라마바사", "구로구 청소봉사단 "};
    for (size_t u = 0; u < 2; u++) {
        ks_buf body = {0};
        while (body.len < 5 * 1024 * 1024)
            assert_int_equal(ks_buf_append_str(&body, units[u]), KS_OK);
        ks_passage_list list;
        assert_int_equal(ks_passage_split(body.data, body.len, NULL, &list), KS_OK);
        assert_true(list.count > body.len / PASSAGE_LIMIT);
        assert_well_formed(&list);
        assert_text_preserved(&list, body.data, body.len);
        ks_passage_list_free(&list);
        ks_buf_free(&body);
    }
}

static void invalid_arguments_are_refused(void **state)
{
    (void)state;
    ks_passage_list list;
    assert_int_equal(ks_passage_split(NULL, 3, NULL, &list), KS_ERR_INVALID_ARGUMENT);
    assert_int_equal(ks_passage_split("abc", 3, NULL, NULL), KS_ERR_INVALID_ARGUMENT);
    ks_passage_list_free(NULL);
}

/* Article dates as readers and feeds write them, normalized to ISO 8601;
 * NULL: unreadable, stored as unknown. */
static void dates_are_normalized_to_iso(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expected;
    } cases[] = {
        {"2015-01-09", "2015-01-09"},
        {"2015.01.09", "2015-01-09"},
        {"2015/1/9", "2015-01-09"},
        {"2015. 1. 9.", "2015-01-09"},
        {"2015년 1월 9일", "2015-01-09"},
        {"2015-01-09 20:39", "2015-01-09T20:39"},
        {"2015-01-09 20:39:12", "2015-01-09T20:39"},
        {"2015-01-09T20:39:00+09:00", "2015-01-09T20:39"},
        {"2015-01-09T20:39:00.123Z", "2015-01-09T20:39"},
        {"2015-01-09T20:39+0900", "2015-01-09T20:39"},
        {"승인 2015.01.09 20:39", "2015-01-09T20:39"},
        {"입력 : 2015-01-09", "2015-01-09"},
        {"2015.01.09 (금) 오후 8:39", "2015-01-09T20:39"},
        {"2015.01.09 (금)", "2015-01-09"},
        {"  2016-02-29  ", "2016-02-29"},
        {"yesterday", NULL},
        {"", NULL},
        {"2015-13-01", NULL},
        {"2015-02-30", NULL},
        {"2015-02-29", NULL},
        {"2015-01-09 and more", NULL},
        {"2015-01-09T", NULL},
        {"15-01-09", NULL},
        {"2015-01-09 25:00", NULL},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        char out[KS_DATE_BYTES];
        ks_status st = ks_date_normalize(cases[i].text, out);
        if (!cases[i].expected) {
            if (st != KS_ERR_BAD_INPUT)
                fail_msg("'%s' was read as %s", cases[i].text, out);
            continue;
        }
        if (st != KS_OK)
            fail_msg("'%s' was not read", cases[i].text);
        assert_string_equal(out, cases[i].expected);
    }
    assert_int_equal(ks_date_normalize(NULL, NULL), KS_ERR_INVALID_ARGUMENT);
}

/* --since/--until and date:A..B bounds: whole years, months or days. */
static void date_bounds_cover_whole_periods(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool upper;
        const char *expected;
    } cases[] = {
        {"2015", false, "2015-01-01"},  {"2015", true, "2015-12-31"},
        {"2015-02", false, "2015-02-01"}, {"2015-02", true, "2015-02-31"},
        {"2015-02-28", true, "2015-02-28"}, {"2016-02-29", false, "2016-02-29"},
        {"2015-2", false, NULL},        {"2015-13", true, NULL},
        {"2015-02-30", false, NULL},    {"15", false, NULL},
        {"2015-", false, NULL},         {"2015-01-09x", false, NULL},
        {"", false, NULL},              {"20150", false, NULL},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        char out[KS_SLOT_DATE_BYTES + 1];
        ks_status st = ks_date_bound(cases[i].text, strlen(cases[i].text), cases[i].upper, out);
        if (!cases[i].expected) {
            if (st != KS_ERR_INVALID_ARGUMENT)
                fail_msg("'%s' was read as %s", cases[i].text, out);
            continue;
        }
        if (st != KS_OK)
            fail_msg("'%s' was not read", cases[i].text);
        assert_string_equal(out, cases[i].expected);
    }
}

/* Markdown: the "# " line repeats the title and is dropped; "## " and
 * "### " lines name the sections of what follows (and open their passage,
 * as any marked heading does). */
static void markdown_headings_name_sections(void **state)
{
    (void)state;
    ks_passage_list list = split("# 구로구 소식\n\n## 청소 분야\n\n깔끔이봉사단이 골목을 치웠다.\n\n"
                                 "### 원전 하나 줄이기\n\nLED 조명으로 바꿨다.\n",
                                 "구로구 소식");
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].section, "청소 분야");
    assert_string_equal(list.items[1].section, "원전 하나 줄이기");
    assert_false(any_passage_contains(&list, "# 구로구 소식"));
    ks_passage_list_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_article_sections_and_furniture),
        cmocka_unit_test(marked_headings_name_their_sections),
        cmocka_unit_test(heading_alone_joins_the_next_block),
        cmocka_unit_test(short_first_line_over_sentences_is_a_heading),
        cmocka_unit_test(list_items_and_sentences_are_not_headings),
        cmocka_unit_test(photo_caption_dropped_but_triangle_lists_kept),
        cmocka_unit_test(furniture_lines_are_removed),
        cmocka_unit_test(news_about_copyright_stays),
        cmocka_unit_test(furniture_dates_in_every_form),
        cmocka_unit_test(datelines_are_cut_from_the_first_line),
        cmocka_unit_test(title_is_not_a_passage),
        cmocka_unit_test(empty_bodies_give_no_passages),
        cmocka_unit_test(body_of_only_the_title_is_one_passage),
        cmocka_unit_test(crlf_and_lone_cr_split_like_lf),
        cmocka_unit_test(long_block_splits_at_sentence_ends),
        cmocka_unit_test(line_breaks_are_preferred_cut_points),
        cmocka_unit_test(huge_single_line_is_cut_everywhere),
        cmocka_unit_test(invalid_arguments_are_refused),
        cmocka_unit_test(dates_are_normalized_to_iso),
        cmocka_unit_test(date_bounds_cover_whole_periods),
        cmocka_unit_test(markdown_headings_name_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
