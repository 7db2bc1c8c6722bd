/* baseline_xapian: stock Xapian over Korean passages, the baseline that
 * tools/eval compares kosearch with. TermGenerator and QueryParser with
 * FLAG_CJK_NGRAM, no stemmer, BM25 with its default parameters; nothing tuned.
 *
 *   baseline_xapian index DBDIR  < passages.tsv   (id TAB title TAB body)
 *   baseline_xapian search DBDIR LIMIT < queries.tsv   (qid TAB question)
 *   baseline_xapian latency DBDIR LIMIT < queries.tsv  (qid TAB question)
 *
 * search prints a TREC run (qid Q0 passage-id rank score baseline_xapian).
 * latency prints "qid TAB microseconds TAB hits" per question, timing what a
 * results page needs: parsing, matching and reading each hit's document data
 * (tools/bench compares it with tools/bench_latency.c over kosearch).
 * A question the QueryParser rejects gets no results and one stderr line
 * "baseline_xapian: query QID: ERROR-TYPE: MESSAGE", as stock use would; in
 * latency its hits are -1. */
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

const char PROGRAM[] = "baseline_xapian";

std::vector<std::string> split_tabs(const std::string &line)
{
    std::vector<std::string> fields;
    std::string::size_type start = 0;
    for (;;) {
        std::string::size_type tab = line.find('\t', start);
        if (tab == std::string::npos) {
            fields.push_back(line.substr(start));
            return fields;
        }
        fields.push_back(line.substr(start, tab - start));
        start = tab + 1;
    }
}

Xapian::Document passage_document(Xapian::TermGenerator &generator,
                                  const std::string &id, const std::string &title,
                                  const std::string &body)
{
    Xapian::Document doc;
    doc.set_data(id);
    generator.set_document(doc);
    generator.index_text(title);
    generator.increase_termpos();
    generator.index_text(body);
    return doc;
}

int index_passages(const std::string &db_path)
{
    Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator generator;
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);

    std::string line;
    unsigned long line_number = 0, indexed = 0, failed = 0;
    while (std::getline(std::cin, line)) {
        ++line_number;
        std::vector<std::string> fields = split_tabs(line);
        if (fields.size() != 3) {
            std::fprintf(stderr, "%s: line %lu: expected id, title and body separated by tabs\n",
                         PROGRAM, line_number);
            ++failed;
            continue;
        }
        try {
            db.add_document(passage_document(generator, fields[0], fields[1], fields[2]));
            ++indexed;
        } catch (const Xapian::Error &e) {
            std::fprintf(stderr, "%s: passage %s: %s\n", PROGRAM, fields[0].c_str(),
                         e.get_description().c_str());
            ++failed;
        }
    }
    db.commit();
    db.close();
    std::fprintf(stderr, "%s: indexed %lu passages, %lu failed\n", PROGRAM, indexed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

Xapian::QueryParser stock_parser(const Xapian::Database &db)
{
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_default_op(Xapian::Query::OP_OR);
    return parser;
}

void print_run(const std::string &qid, const Xapian::MSet &matches)
{
    unsigned rank = 0;
    for (Xapian::MSetIterator it = matches.begin(); it != matches.end(); ++it) {
        std::printf("%s Q0 %s %u %.6f %s\n", qid.c_str(), it.get_document().get_data().c_str(),
                    ++rank, it.get_weight(), PROGRAM);
    }
}

/* The document data (passage id) of every hit, as a results page reads it. */
unsigned long read_hits(const Xapian::MSet &matches)
{
    unsigned long hits = 0;
    for (Xapian::MSetIterator it = matches.begin(); it != matches.end(); ++it)
        hits += !it.get_document().get_data().empty();
    return hits;
}

/* Prints the TREC run, or with `timed` one latency line. Returns false when
 * the question could not be parsed or run. */
bool search_one(Xapian::Enquire &enquire, Xapian::QueryParser &parser, const std::string &qid,
                const std::string &question, Xapian::doccount limit, bool timed)
{
    const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM;
    const auto started = std::chrono::steady_clock::now();
    try {
        enquire.set_query(parser.parse_query(question, flags));
        Xapian::MSet matches = enquire.get_mset(0, limit);
        if (timed) {
            unsigned long hits = read_hits(matches);
            std::chrono::duration<double, std::micro> took =
                std::chrono::steady_clock::now() - started;
            std::printf("%s\t%.1f\t%lu\n", qid.c_str(), took.count(), hits);
        } else {
            print_run(qid, matches);
        }
        return true;
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "%s: query %s: %s: %s\n", PROGRAM, qid.c_str(), e.get_type(),
                     e.get_msg().c_str());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s: query %s: exception: %s\n", PROGRAM, qid.c_str(), e.what());
    }
    if (timed) {
        std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - started;
        std::printf("%s\t%.1f\t-1\n", qid.c_str(), took.count());
    }
    return false;
}

int search_questions(const std::string &db_path, Xapian::doccount limit, bool timed)
{
    Xapian::Database db(db_path);
    Xapian::Enquire enquire(db);
    Xapian::QueryParser parser = stock_parser(db);

    std::string line;
    unsigned long asked = 0, failed = 0;
    while (std::getline(std::cin, line)) {
        std::string::size_type tab = line.find('\t');
        if (tab == std::string::npos) {
            std::fprintf(stderr, "%s: skipped a line without qid TAB question\n", PROGRAM);
            continue;
        }
        ++asked;
        if (!search_one(enquire, parser, line.substr(0, tab), line.substr(tab + 1), limit, timed))
            ++failed;
    }
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %lu questions, %lu failed\n", PROGRAM, asked, failed);
    return EXIT_SUCCESS;
}

int usage()
{
    std::fprintf(stderr,
                 "usage: %s index DBDIR < passages.tsv      (id TAB title TAB body)\n"
                 "       %s search DBDIR LIMIT < queries.tsv (qid TAB question)\n"
                 "       %s latency DBDIR LIMIT < queries.tsv (qid TAB question)\n",
                 PROGRAM, PROGRAM, PROGRAM);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    std::ios::sync_with_stdio(false);
    if (argc < 3)
        return usage();
    const std::string command = argv[1], db_path = argv[2];
    try {
        if (command == "index" && argc == 3)
            return index_passages(db_path);
        if ((command == "search" || command == "latency") && argc == 4) {
            char *end = nullptr;
            unsigned long limit = std::strtoul(argv[3], &end, 10);
            if (*argv[3] == '\0' || *end != '\0' || limit == 0)
                return usage();
            return search_questions(db_path, static_cast<Xapian::doccount>(limit),
                                    command == "latency");
        }
        return usage();
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "%s: %s\n", PROGRAM, e.get_description().c_str());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s: %s\n", PROGRAM, e.what());
    } catch (...) {
        std::fprintf(stderr, "%s: unknown error\n", PROGRAM);
    }
    return EXIT_FAILURE;
}
