"""Shared helpers of tools/eval and tools/bench: the Korean data they read,
the files they hand to each system, and the SQLite FTS5 trigram baseline.

Both tools index the same passages with three systems: kosearch (JSONL
{"id", "title", "body"} records), stock Xapian (tools/baseline_xapian, TSV
id<TAB>title<TAB>body) and SQLite FTS5 with the trigram tokenizer (here).
Converted files live in temporary folders: never commit them.

Run as a program, this module is the FTS5 baseline as a separate process
(for tools/bench, which measures each indexer's peak memory as a child):

  python3 tools/kosearch_data.py fts5-index DB < passages.tsv
  python3 tools/kosearch_data.py fts5-search DB LIMIT < queries.tsv   (TREC run)
  python3 tools/kosearch_data.py fts5-latency DB LIMIT < queries.tsv  (qid TAB us TAB hits)
"""

import csv
import gzip
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("KOSEARCH_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
KORQUAD_FILE = Path("korquad") / "KorQuAD_v1.0_dev.json"
BULK_FILE = Path("bulk") / "docs.jsonl.gz"
KORNLU_DIR = Path("kornlu")
WIKINEWS_FILE = Path("news") / "wikinews.csv"


class SetupError(Exception):
    """Missing data or binary, or a system that failed: exit status 2."""


@dataclass
class Passage:
    id: str
    title: str
    body: str


@dataclass
class Question:
    qid: str
    text: str
    relevant: frozenset
    ignored: frozenset = frozenset()  # passages left out of its ranking (the query's own text)


# --- the data --------------------------------------------------------------

def data_file(data_dir, relative):
    path = Path(data_dir) / relative
    if not path.is_file():
        raise SetupError(f"data file not found: {path} (set --data or KOSEARCH_SHARED_DATA)")
    return path


def load_korquad(path, article_numbers=None, max_articles=None):
    """KorQuAD paragraphs as passages kq-{article}-{paragraph}, and the questions
    (each with the ids of every passage identical to the paragraph it was written from).
    Only the articles whose 0-based number is in `article_numbers` (default: all), the
    first `max_articles` of them."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    numbers = [a for a in range(len(data)) if article_numbers is None or a in article_numbers]
    articles = [(a, data[a]) for a in numbers[:max_articles]]
    passages, ids_by_text = [], defaultdict(list)
    for a, article in articles:
        for p, paragraph in enumerate(article["paragraphs"]):
            passage = Passage(f"kq-{a}-{p}", article["title"], paragraph["context"])
            passages.append(passage)
            ids_by_text[passage.body].append(passage.id)
    questions = [
        Question(qa["id"], qa["question"], frozenset(ids_by_text[paragraph["context"]]))
        for _, article in articles
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]
    return passages, questions


def read_kornlu_tsv(path, columns):
    """Rows of a KorNLU TSV file as dicts, after checking its header names
    `columns`. Quotes are text in these files, not field delimiters."""
    with Path(path).open(encoding="utf-8", newline="") as lines:
        rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, [])
        missing = [c for c in columns if c not in header]
        if missing:
            raise SetupError(f"{path} line 1: header lacks {', '.join(missing)}")
        for number, row in enumerate(rows, 2):
            if len(row) != len(header):
                raise SetupError(f"{path} line {number}: {len(row)} fields, "
                                 f"expected {len(header)}")
            yield number, dict(zip(header, row))


def load_kornli(path):
    """KorNLI (XNLI in Korean): (premise, hypothesis, label) triples in file order."""
    return [(row["sentence1"], row["sentence2"], row["gold_label"])
            for _, row in read_kornlu_tsv(path, ("sentence1", "sentence2", "gold_label"))]


def load_korsts(path):
    """KorSTS: (score, sentence1, sentence2) in file order."""
    pairs = []
    for number, row in read_kornlu_tsv(path, ("score", "sentence1", "sentence2")):
        try:
            score = float(row["score"])
        except ValueError:
            raise SetupError(f"{path} line {number}: score {row['score']!r} is not a number")
        pairs.append((score, row["sentence1"], row["sentence2"]))
    return pairs


def load_bulk_paragraphs(path, excluded_sources=()):
    """Every non-empty paragraph (line of `text`) of the bulk documents, as passage
    bulk-{doc id}-{n} titled with its document's title, in file order; documents
    whose `source` is one of `excluded_sources` are left out."""
    passages = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if doc["source"] in excluded_sources:
                continue
            paragraphs = [text for text in doc["text"].split("\n") if text.strip()]
            for n, text in enumerate(paragraphs):
                passages.append(Passage(f"bulk-{doc['id']}-{n}", doc["title"], text))
    return passages


@dataclass
class NewsArticle:
    id: str
    title: str
    paragraphs: list


def load_wikinews(path):
    """The Wikinews articles (CSV 작성일,출처,제목,내용) as articles wn-{row}, each
    with its body's non-empty lines as paragraphs, in file order."""
    with Path(path).open(encoding="utf-8", newline="") as rows:
        return [NewsArticle(f"wn-{n}", row["제목"].strip(),
                            [line for line in row["내용"].split("\n") if line.strip()])
                for n, row in enumerate(csv.DictReader(rows))]


def evenly_spaced(items, count):
    """A deterministic sample that spreads over the whole list (all its sources)."""
    if count >= len(items):
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


# --- files handed to the systems -------------------------------------------

def one_line(text):
    return re.sub(r"[\t\r\n]", " ", text)


def write_passages_jsonl(passages, path, date_of=None):
    """One JSONL record per passage; with date_of, each gets "date": date_of(passage)."""
    with Path(path).open("w", encoding="utf-8") as out:
        for p in passages:
            record = {"id": p.id, "title": p.title, "body": p.body}
            if date_of:
                record["date"] = date_of(p)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_passages_tsv(passages, path):
    with Path(path).open("w", encoding="utf-8") as out:
        for p in passages:
            out.write(f"{p.id}\t{one_line(p.title)}\t{one_line(p.body)}\n")


def read_passages_tsv(lines):
    for line in lines:
        fields = line.rstrip("\n").split("\t")
        if len(fields) == 3:
            yield Passage(*fields)


def write_queries_tsv(questions, path):
    with Path(path).open("w", encoding="utf-8") as out:
        for q in questions:
            out.write(f"{q.qid}\t{one_line(q.text)}\n")


def read_queries_tsv(lines):
    for line in lines:
        qid, tab, text = line.rstrip("\n").partition("\t")
        if tab:
            yield qid, text


# --- running programs ------------------------------------------------------

def fresh(path):
    """Removes what an earlier run left at path (a kept --workdir), returns path."""
    path = Path(path)
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    return path


def require_binary(path, what, build_hint):
    path = Path(path)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise SetupError(f"{what} binary not found at {path}: {build_hint}")
    return path


def run_timed(command, stdin_path=None, stdout_path=None, ok_codes=(0,)):
    """Runs a command with files as stdin and stdout; returns its wall time and stderr."""
    started = time.monotonic()
    with open(stdin_path or os.devnull, "rb") as stdin, \
         open(stdout_path or os.devnull, "wb") as stdout:
        done = subprocess.run([str(c) for c in command], stdin=stdin, stdout=stdout,
                              stderr=subprocess.PIPE)
    seconds = time.monotonic() - started
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode not in ok_codes:
        raise SetupError(failure_message(command, done.returncode, stderr))
    return seconds, stderr


def failure_message(command, returncode, stderr):
    tail = "\n".join(stderr.strip().splitlines()[-10:])
    name = " ".join(Path(str(c)).name for c in command[:2])
    return f"{name} exited with {returncode}:\n{tail}"


def unique_in_order(items):
    return list(dict.fromkeys(items))


def percentile(values, p):
    """Nearest-rank percentile of a sorted list."""
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def plural(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


# --- the SQLite FTS5 trigram baseline --------------------------------------

FTS5_SEARCH_SQL = "SELECT id FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?"


def word_trigrams(text):
    """Trigrams inside each word; a word under three characters has none."""
    trigrams = []
    for word in re.findall(r"\w+", text):
        trigrams += [word[i:i + 3] for i in range(len(word) - 2)]
    return unique_in_order(trigrams)


def fts5_match_expression(text):
    """The OR of the quoted trigrams of the question's words; "" when it has none."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in word_trigrams(text))


def fts5_index(passages, db_path):
    """Indexes the passages in one transaction; returns the open connection."""
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, title, body, "
                       "tokenize='trigram')")
    with connection:
        connection.executemany("INSERT INTO p(id, title, body) VALUES (?, ?, ?)",
                               ((p.id, p.title, p.body) for p in passages))
    return connection


def fts5_search_one(connection, text, limit):
    """Passage ids in rank order; None when the question has no trigram."""
    expression = fts5_match_expression(text)
    if not expression:
        return None
    return [row[0] for row in connection.execute(FTS5_SEARCH_SQL, (expression, limit))]


def fts5_main(argv):
    """The FTS5 baseline as a program, with the interface of baseline_xapian."""
    usage = ("usage: kosearch_data.py fts5-index DB < passages.tsv\n"
             "       kosearch_data.py fts5-search|fts5-latency DB LIMIT < queries.tsv")
    if len(argv) < 2 or argv[0] not in ("fts5-index", "fts5-search", "fts5-latency"):
        print(usage, file=sys.stderr)
        return 2
    command, db_path = argv[0], argv[1]
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)
    if command == "fts5-index" and len(argv) == 2:
        fts5_index(read_passages_tsv(stdin), db_path).close()
        return 0
    if len(argv) != 3 or not argv[2].isdigit() or int(argv[2]) == 0:
        print(usage, file=sys.stderr)
        return 2
    connection, limit = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True), int(argv[2])
    out = sys.stdout
    for qid, text in read_queries_tsv(stdin):
        started = time.perf_counter_ns()
        ids = fts5_search_one(connection, text, limit)
        microseconds = (time.perf_counter_ns() - started) / 1000
        if command == "fts5-latency":
            out.write(f"{qid}\t{microseconds:.1f}\t{-1 if ids is None else len(ids)}\n")
        else:
            for rank, pid in enumerate(ids or [], 1):
                out.write(f"{qid} Q0 {pid} {rank} {-rank} fts5\n")
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(fts5_main(sys.argv[1:]))
