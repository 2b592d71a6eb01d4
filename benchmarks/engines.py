"""The engines the benchmarks compare, behind one small interface: build an index, open it, search it.

* ``arsearch`` — this project, through its library API (``rebuild_index``, ``PassageSearcher``);
  ``arsearch-1p`` is the same rebuild held to one process;
* ``whoosh`` — plain Whoosh: ``StandardAnalyzer``, one stored text field, BM25F, highlights;
* ``fts5`` — SQLite FTS5 with ``tokenize='unicode61 remove_diacritics 2'``, bm25, ``snippet()``.

Every engine indexes the same passages: the peers read the corpus with arsearch's own reader
(``indexer.corpus.read_articles``), so boilerplate removal and paragraph splitting are identical.

Peers have no actor/topic filters: a query's ``actor:``/``topic:`` parts are dropped for them (a query
that is only a filter returns nothing for a peer, which the relevance evaluation counts as a miss).
"""

import json
import re
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from arsearch.indexer.corpus import read_articles

ENGINES = ("arsearch", "whoosh", "fts5")
#: Builds the speed benchmark times: arsearch as it runs (both cores) and held to one process.
BUILDS = ("arsearch-1p", "arsearch", "whoosh", "fts5")
#: Same pooling memory as arsearch's writer budget (indexer.settings.WRITER_MB).
WHOOSH_LIMIT_MB = 256
_FILTER_RE = re.compile(r'\b(?:actor|topic):(?:"[^"]*"|\S+)')
_PHRASE_RE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class PeerHit:
    key: str
    snippet: str


def passages(source: Path):
    """(key, text) of every passage, in corpus order."""
    for article in read_articles(Path(source)):
        for p in article.passages:
            yield p.key, p.text


def strip_filters(query: str) -> str:
    """What a peer runs: the query without arsearch's actor:/topic: filters."""
    return _FILTER_RE.sub(" ", query).strip()


def _peer_parts(query: str) -> tuple[list[str], list[str]]:
    """Phrases and bare words of a query (peers understand only these)."""
    text = strip_filters(query)
    phrases = _PHRASE_RE.findall(text)
    words = _PHRASE_RE.sub(" ", text).split()
    return [p for p in phrases if p.strip()], [w for w in words if w]


# --- building ------------------------------------------------------------------------------------
def build_arsearch(source: Path, out: Path, **kw) -> int:
    from arsearch.indexer.build import rebuild_index

    return rebuild_index(Path(source), Path(out), **kw).passages


def build_arsearch_one_process(source: Path, out: Path) -> int:
    """The same rebuild held to one process (the corpus is never split): the per-core figure that
    compares with the one-process peers."""
    from arsearch.indexer import parallel

    parallel.PARALLEL_MIN_BYTES = float("inf")
    return build_arsearch(source, out)


def whoosh_schema():
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    return Schema(key=ID(stored=True, unique=True), text=TEXT(analyzer=StandardAnalyzer(), stored=True))


def build_whoosh(source: Path, out: Path) -> int:
    from whoosh import index

    Path(out).mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(out), whoosh_schema())
    writer = ix.writer(limitmb=WHOOSH_LIMIT_MB)
    n = 0
    for key, text in passages(source):
        writer.add_document(key=key, text=text)
        n += 1
    writer.commit()
    return n


def build_fts5(source: Path, out: Path) -> int:
    Path(out).mkdir(parents=True, exist_ok=True)
    db_path = Path(out) / "fts5.db"
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE VIRTUAL TABLE passages USING fts5(key UNINDEXED, text, tokenize='unicode61 remove_diacritics 2')"
    )
    n = 0
    with db:
        for key, text in passages(source):
            db.execute("INSERT INTO passages (key, text) VALUES (?, ?)", (key, text))
            n += 1
    db.close()
    return n


BUILDERS = {"arsearch": build_arsearch, "arsearch-1p": build_arsearch_one_process, "whoosh": build_whoosh,
            "fts5": build_fts5}


# --- searching -----------------------------------------------------------------------------------
class ArsearchEngine:
    """arsearch as ``serve`` runs it: one searcher kept open (segments loaded, postings cache on)."""

    name = "arsearch"
    engine = "numpy"

    def __init__(self, index_dir: Path):
        from arsearch.search import PassageSearcher

        self.searcher = PassageSearcher(Path(index_dir), engine=self.engine)

    def search(self, query: str, limit: int = 10) -> tuple[list[str], int]:
        from arsearch.indexer.errors import QueryError

        try:
            result = self.searcher.search(query, limit=limit)
        except QueryError:
            return [], 0
        return [h.passage.key for h in result.hits], result.total

    def close(self):
        self.searcher.close()


class ArsearchReferenceEngine(ArsearchEngine):
    """The same searcher on Whoosh's own collector (``engine="whoosh"``): the executor's before."""

    name = "arsearch-whoosh"
    engine = "whoosh"


class WhooshEngine:
    name = "whoosh"

    def __init__(self, index_dir: Path):
        from whoosh import index
        from whoosh.qparser import QueryParser
        from whoosh.scoring import BM25F

        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher(weighting=BM25F())
        self.parser = QueryParser("text", self.ix.schema)

    def search(self, query: str, limit: int = 10) -> tuple[list[str], int]:
        phrases, words = _peer_parts(query)
        text = " ".join([*(f'"{p}"' for p in phrases), *words])
        if not text:
            return [], 0
        q = self.parser.parse(text)
        results = self.searcher.search(q, limit=limit)
        hits = [PeerHit(h["key"], h.highlights("text")) for h in results]
        return [h.key for h in hits], len(results)

    def close(self):
        self.searcher.close()


class Fts5Engine:
    name = "fts5"

    def __init__(self, index_dir: Path):
        self.db = sqlite3.connect(Path(index_dir) / "fts5.db")

    @staticmethod
    def match_expression(query: str) -> str:
        phrases, words = _peer_parts(query)
        quoted = [f'"{p.replace(chr(34), "")}"' for p in [*phrases, *words]]
        return " AND ".join(quoted)

    def search(self, query: str, limit: int = 10) -> tuple[list[str], int]:
        expr = self.match_expression(query)
        if not expr:
            return [], 0
        try:
            rows = self.db.execute(
                "SELECT key, snippet(passages, 1, '[', ']', '…', 40) FROM passages WHERE passages MATCH ? "
                "ORDER BY rank LIMIT ?",
                (expr, limit),
            ).fetchall()
            total = self.db.execute("SELECT count(*) FROM passages WHERE passages MATCH ?", (expr,)).fetchone()[0]
        except sqlite3.OperationalError:  # a word made only of separators, etc.
            return [], 0
        hits = [PeerHit(k, s) for k, s in rows]
        return [h.key for h in hits], total

    def close(self):
        self.db.close()


SEARCHERS = {
    "arsearch": ArsearchEngine,
    "arsearch-whoosh": ArsearchReferenceEngine,
    "whoosh": WhooshEngine,
    "fts5": Fts5Engine,
}
#: The index each searcher reads (the reference reads arsearch's own).
SEARCHER_INDEX = {"arsearch": "arsearch", "arsearch-whoosh": "arsearch", "whoosh": "whoosh", "fts5": "fts5"}


def main(argv=None) -> None:
    """``python -m benchmarks.engines build ENGINE SOURCE OUT``: one build, timed, as a JSON line.

    Run as a child process so its peak memory (ru_maxrss) is its own.
    """
    argv = argv if argv is not None else sys.argv[1:]
    if len(argv) != 4 or argv[0] != "build" or argv[1] not in BUILDERS:
        sys.exit(f"usage: python -m benchmarks.engines build {{{','.join(BUILDERS)}}} SOURCE OUT")
    _, engine, source, out = argv
    started = time.perf_counter()
    n = BUILDERS[engine](Path(source), Path(out))
    print(json.dumps({"engine": engine, "passages": n, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
