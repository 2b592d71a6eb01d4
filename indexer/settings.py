"""Every setting with its default, in one table: the CLI, the library and the README read it here."""

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    default: str
    env: str
    help: str

    def value(self, given: str | Path | None = None) -> Path:
        """What was given, else the environment variable, else the default."""
        if given not in (None, ""):
            return Path(given)
        return Path(os.environ.get(self.env) or self.default)


INDEX_DIR = Setting("index", "ARSEARCH_INDEX", "index folder")
SOURCE_DIR = Setting("seeds", "ARSEARCH_SOURCE", "corpus folder (text, HTML, feeds, JSON, CSV files)")
#: Seconds a writer waits for another writer to finish before giving up with a clear message.
#: Hits on one page of results (the CLI's --limit, the web page's page size).
DEFAULT_LIMIT = 10

LOCK_TIMEOUT = 10.0
LOCK_TIMEOUT_ENV = "ARSEARCH_LOCK_TIMEOUT"


def lock_timeout(given: float | None = None) -> float:
    """What was given, else $ARSEARCH_LOCK_TIMEOUT, else the default."""
    if given is not None:
        return given
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV) or LOCK_TIMEOUT)
    except ValueError:
        return LOCK_TIMEOUT
#: Which writer builds segments: "bulk" (``indexer.segments``, the default) or "whoosh" (Whoosh's
#: own, the reference the bulk writer's bytes are tested against).
WRITER_ENV = "ARSEARCH_WRITER"
WRITERS = ("bulk", "whoosh")


def writer_kind() -> str:
    """$ARSEARCH_WRITER when it names a writer, else the bulk writer."""
    given = (os.environ.get(WRITER_ENV) or "").strip().lower()
    return given if given in WRITERS else WRITERS[0]


@dataclass(frozen=True)
class Limit:
    """A bound on one query or one input, with the environment variable that changes it.

    Every bound that keeps a hostile or unlucky input from running without end lives here, so the
    parser, the searcher, the corpus reader, the CLI and the README all read the same numbers.
    """

    default: int | float
    env: str
    help: str

    def value(self) -> int | float:
        """$ENV when it holds a positive number, else the default."""
        raw = os.environ.get(self.env)
        try:
            given = type(self.default)(raw) if raw else None
        except ValueError:
            given = None
        return given if given is not None and given > 0 else self.default


#: Query text longer than this is refused before it is parsed (the lexer and parser stay linear in it).
MAX_QUERY_CHARS = Limit(2_000, "ARSEARCH_MAX_QUERY_CHARS", "characters in a query")
#: Each word costs a clause of ~10 index terms; a query of hundreds of words is a pasted paragraph.
MAX_QUERY_WORDS = Limit(32, "ARSEARCH_MAX_QUERY_WORDS", "words in a query (phrase words, prefixes and fuzzy words count)")
#: Parentheses and NOT nested deeper than this are refused: the parser's recursion is bounded by it.
MAX_QUERY_DEPTH = Limit(8, "ARSEARCH_MAX_QUERY_DEPTH", "nesting of parentheses and NOT")
#: A prefix (سوري*) or fuzzy word (ماكرن~) searches at most this many index words, the most frequent.
MAX_EXPANSIONS = Limit(64, "ARSEARCH_MAX_EXPANSIONS", "index words one prefix or fuzzy word expands to")
#: Index words the prefix and fuzzy words of one query may read to find their expansions (~30 µs each).
MAX_SCANNED = Limit(10_000, "ARSEARCH_MAX_SCANNED", "index words read to expand a query's prefix and fuzzy words")
#: Prefix and fuzzy words per query: each one scans part of the vocabulary.
MAX_EXPANDING_WORDS = Limit(4, "ARSEARCH_MAX_EXPANDING_WORDS", "prefix and fuzzy words in a query")
#: Seconds one search may take (parse, expansion, scoring, snippets) before it stops with a message.
QUERY_DEADLINE = Limit(1.5, "ARSEARCH_QUERY_DEADLINE", "seconds one search may take")
#: Seconds the did-you-mean pass may add after a search that found little (its trial searches share them).
SUGGEST_DEADLINE = Limit(0.4, "ARSEARCH_SUGGEST_DEADLINE", "seconds the did-you-mean pass may take")
#: Hits one page may show (--limit): each needs its passage read, highlighted and explained.
MAX_PAGE_HITS = Limit(1_000, "ARSEARCH_MAX_PAGE_HITS", "hits on one page (--limit)")
#: A paragraph longer than this is cut into several passages at sentence or clause boundaries.
MAX_PASSAGE_WORDS = Limit(2_000, "ARSEARCH_MAX_PASSAGE_WORDS", "words in one passage")
#: A corpus file bigger than this (in MB) is skipped with a warning instead of read into memory.
MAX_FILE_MB = Limit(64, "ARSEARCH_MAX_FILE_MB", "megabytes in one corpus file")

#: Postings one index writer holds in memory: past it the bulk writer writes the segment and starts
#: a new one (Whoosh's writer, the reference, spills a sorted run to disk). A rebuild on several
#: processes divides it between them.
WRITER_MB = Limit(256, "ARSEARCH_WRITER_MB", "megabytes of postings an index writer holds before it writes a segment")

#: The table the README's limits section lists, in that order.
LIMITS = {
    "query characters": MAX_QUERY_CHARS,
    "query words": MAX_QUERY_WORDS,
    "query depth": MAX_QUERY_DEPTH,
    "expansions": MAX_EXPANSIONS,
    "scanned words": MAX_SCANNED,
    "expanding words": MAX_EXPANDING_WORDS,
    "query deadline": QUERY_DEADLINE,
    "suggestion deadline": SUGGEST_DEADLINE,
    "page hits": MAX_PAGE_HITS,
    "passage words": MAX_PASSAGE_WORDS,
    "file size": MAX_FILE_MB,
    "writer memory": WRITER_MB,
}
#: Decoded postings a long-lived searcher (``arsearch serve``) keeps for the hot terms, in MB.
POSTINGS_CACHE_MB = 64
POSTINGS_CACHE_MB_ENV = "ARSEARCH_POSTINGS_CACHE_MB"


def postings_cache_mb(given: int | None = None) -> int:
    """What was given, else $ARSEARCH_POSTINGS_CACHE_MB, else the default (0 turns the cache off)."""
    if given is not None:
        return max(0, given)
    try:
        return max(0, int(os.environ.get(POSTINGS_CACHE_MB_ENV) or POSTINGS_CACHE_MB))
    except ValueError:
        return POSTINGS_CACHE_MB
