/* index_replay: what Xapian alone costs for kosearch's documents. It reads
 * every document of a kosearch index (terms with their within-document
 * frequencies and positions, values, metadata) into memory, then writes them
 * again the way a rebuild does: Xapian documents built, added to a scratch
 * part that commits every COMMIT_DOCS documents without syncing, and the part
 * compacted into DEST. Reading, JSON, normalization and analysis are not
 * done at all, so the CPU time of the last three phases is the floor of
 * indexing with Xapian (docs/benchmarks.md, "The floor").
 *
 *   index_replay SOURCE_DB DEST_DB COMMIT_DOCS
 *
 * Prints the CPU seconds (user + system) of each phase on stdout. DEST_DB
 * and DEST_DB.part are overwritten. */
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace {

struct replay_term {
    std::string name;
    Xapian::termcount wdf;
    std::vector<Xapian::termpos> positions;
};

struct replay_document {
    std::vector<replay_term> terms;
    std::vector<std::pair<Xapian::valueno, std::string>> values;
};

double cpu_seconds()
{
    timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

std::vector<replay_document> read_documents(const Xapian::Database &source)
{
    std::vector<replay_document> documents;
    documents.reserve(source.get_doccount());
    for (auto id = source.postlist_begin(""); id != source.postlist_end(""); ++id) {
        Xapian::Document doc = source.get_document(*id);
        replay_document copy;
        for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
            replay_term t{*term, term.get_wdf(), {}};
            for (auto pos = term.positionlist_begin(); pos != term.positionlist_end(); ++pos)
                t.positions.push_back(*pos);
            copy.terms.push_back(std::move(t));
        }
        for (auto value = doc.values_begin(); value != doc.values_end(); ++value)
            copy.values.emplace_back(value.get_valueno(), *value);
        documents.push_back(std::move(copy));
    }
    return documents;
}

/* As kosearch builds them: a positioned term gets one posting per position
 * (each adding 1 to its frequency, or 0 for a Hanja reading), the others
 * their frequency at once. */
Xapian::Document build_document(const replay_document &copy)
{
    Xapian::Document doc;
    for (const replay_term &t : copy.terms) {
        Xapian::termcount increment = t.wdf >= t.positions.size() ? 1 : 0;
        for (Xapian::termpos pos : t.positions)
            doc.add_posting(t.name, pos, increment);
        Xapian::termcount rest = increment ? t.wdf - t.positions.size() : t.wdf;
        if (t.positions.empty() || rest)
            doc.add_term(t.name, rest);
    }
    for (const auto &value : copy.values)
        doc.add_value(value.first, value.second);
    return doc;
}

int replay(const char *source_path, const std::string &dest, size_t commit_docs)
{
    Xapian::Database source(source_path);
    std::vector<replay_document> documents = read_documents(source);
    std::vector<std::pair<std::string, std::string>> metadata;
    for (auto key = source.metadata_keys_begin(); key != source.metadata_keys_end(); ++key)
        metadata.emplace_back(*key, source.get_metadata(*key));

    double start = cpu_seconds();
    std::vector<Xapian::Document> built;
    built.reserve(documents.size());
    for (const replay_document &copy : documents)
        built.push_back(build_document(copy));
    double built_at = cpu_seconds();

    /* Metadata goes in spread over the documents, as a rebuild writes an
     * article's record after its passages. */
    std::string part_path = dest + ".part";
    {
        Xapian::WritableDatabase part(part_path, Xapian::DB_CREATE_OR_OVERWRITE |
                                                     Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS);
        size_t next_metadata = 0;
        for (size_t i = 0; i < built.size(); i++) {
            part.add_document(built[i]);
            for (size_t due = (i + 1) * metadata.size() / built.size(); next_metadata < due;
                 next_metadata++)
                part.set_metadata(metadata[next_metadata].first, metadata[next_metadata].second);
            if ((i + 1) % commit_docs == 0)
                part.commit();
        }
        part.commit();
        part.close();
    }
    double added_at = cpu_seconds();
    {
        Xapian::Database all;
        all.add_database(Xapian::Database(part_path));
        all.compact(dest, Xapian::Compactor::FULL);
    }
    double merged_at = cpu_seconds();
    std::printf("documents\t%zu\nbuild documents\t%.3f\nadd and commit\t%.3f\nmerge\t%.3f\n"
                "xapian total\t%.3f\n",
                built.size(), built_at - start, added_at - built_at, merged_at - added_at,
                merged_at - start);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 4 || std::atol(argv[3]) <= 0) {
        std::fprintf(stderr, "usage: index_replay SOURCE_DB DEST_DB COMMIT_DOCS\n");
        return 2;
    }
    try {
        return replay(argv[1], argv[2], (size_t)std::atol(argv[3]));
    } catch (const Xapian::Error &error) {
        std::fprintf(stderr, "index_replay: %s\n", error.get_description().c_str());
    } catch (const std::exception &error) {
        std::fprintf(stderr, "index_replay: %s\n", error.what());
    }
    return 1;
}
