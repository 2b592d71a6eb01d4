"""Hits as table rows (CSV/TSV), matching articles, and searches that go past one page.

Spreadsheets and scripts want the same thing the CLI's ``--csv``/``--tsv`` and the page's
``/api/search?format=csv`` give, so both build their rows here and only write them out: one row per
hit with fixed columns (``HIT_COLUMNS``), or one row per matching article (``ARTICLE_COLUMNS``).
A cell holding several values (actors, topics) joins them with ``MULTI_SEPARATOR``; ids never
contain it.

Every hit of a search, not one page of it (``search_all``), is read page after page of
``EXPORT_PAGE_HITS`` (or ``$ARSEARCH_MAX_PAGE_HITS`` if lower); each page is one ordinary search under
its own budget and deadline (``search.budget``), so no single step runs longer than a search may, and
Ctrl-C stops it between two pages.
"""

import csv
import io
from dataclasses import dataclass, replace

from arsearch.indexer import settings
from arsearch.search.results import Hit, SearchResult

#: Columns of a hit row, in order.
HIT_COLUMNS = (
    "rank", "score", "key", "date", "source", "title", "url", "text", "snippet",
    "actors", "actors_inferred", "topics",
)
#: Columns of an article row (``--articles``), in order.
ARTICLE_COLUMNS = ("rank", "doc_id", "passages", "best_key", "best_score", "date", "source", "title", "url")
#: Between the values of a multi-valued cell (actor and topic ids): a spreadsheet's "split text" takes it.
MULTI_SEPARATOR = "; "
#: Hits per page when reading every hit. Each hit costs ~1–3 ms (its passage is analysed again for the
#: marks; benchmarks/exports.py), so a page of 1,000 can outrun the 1.5 s query deadline on a loaded
#: machine; 200 stays under it. Matching again for each page costs 1.1–1.6× one single search of every
#: hit at 300–6,000 hits (measured; see the README), the price of no step outrunning the deadline.
EXPORT_PAGE_HITS = 200
#: What a spreadsheet program needs at the start of a file to read it as UTF-8 (Excel does).
BOM = "\ufeff"
#: Table formats: the csv module's dialect for each (quoting a cell that holds the delimiter, a
#: quote or a line break, so tabs and newlines inside a passage survive a round trip).
DIALECTS = {"csv": csv.excel, "tsv": csv.excel_tab}


@dataclass(frozen=True)
class ArticleMatch:
    """An article with matching passages: its best-ranked one and how many match in all."""

    rank: int
    best: Hit
    passages: int

    def row(self) -> dict[str, str]:
        p = self.best.passage
        return {
            "rank": str(self.rank), "doc_id": p.doc_id, "passages": str(self.passages), "best_key": p.key,
            "best_score": f"{self.best.score:.4f}", "date": p.date, "source": p.source, "title": p.title,
            "url": p.url,
        }

    def to_json(self) -> dict:
        p = self.best.passage
        return {
            "rank": self.rank, "doc_id": p.doc_id, "passages": self.passages, "best_key": p.key,
            "best_score": round(self.best.score, 4), "date": p.date, "source": p.source, "title": p.title,
            "url": p.url,
        }


def hit_row(hit: Hit) -> dict[str, str]:
    """One hit as text cells, keyed by ``HIT_COLUMNS``; the snippet marked as in ``--json``."""
    p = hit.passage
    return {
        "rank": str(hit.rank), "score": f"{hit.score:.4f}", "key": p.key, "date": p.date, "source": p.source,
        "title": p.title, "url": p.url, "text": p.text, "snippet": hit.snippet.marked(),
        "actors": MULTI_SEPARATOR.join(p.actors), "actors_inferred": MULTI_SEPARATOR.join(p.inferred),
        "topics": MULTI_SEPARATOR.join(p.topics),
    }


def hit_rows(result: SearchResult) -> list[dict[str, str]]:
    return [hit_row(h) for h in result.hits]


def matching_articles(result: SearchResult) -> list[ArticleMatch]:
    """The articles among ``result``'s hits, each at its best hit's place (hits come best first)."""
    best: dict[str, Hit] = {}
    counts: dict[str, int] = {}
    for hit in result.hits:
        doc = hit.passage.doc_id
        best.setdefault(doc, hit)
        counts[doc] = counts.get(doc, 0) + 1
    return [ArticleMatch(rank, hit, counts[doc]) for rank, (doc, hit) in enumerate(best.items(), 1)]


def articles_json(result: SearchResult, articles: list[ArticleMatch]) -> dict:
    return {
        "query": result.query, "total": result.total, "articles_total": len(articles),
        "articles": [a.to_json() for a in articles],
    }


def table(rows: list[dict[str, str]], columns: tuple[str, ...], kind: str = "csv", bom: bool = False) -> str:
    """Rows as CSV or TSV text with a header line (``kind``: a key of ``DIALECTS``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, dialect=DIALECTS[kind], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return (BOM if bom else "") + out.getvalue()


def search_all(searcher, query: str = "", offset: int = 0, **options) -> SearchResult:
    """Every hit from ``offset`` on, ranked as one search ranks them: pages of the largest page size,
    each an ordinary ``searcher.search`` under its own deadline. ``options`` go to each search."""
    options.pop("limit", None)
    page = min(EXPORT_PAGE_HITS, settings.MAX_PAGE_HITS.value())
    first = searcher.search(query, limit=page, offset=offset, **options)
    hits = list(first.hits)
    while offset + len(hits) < first.total and len(hits) % page == 0:
        more = searcher.search(query, limit=page, offset=offset + len(hits), **options)
        if not more.hits:
            break
        hits.extend(more.hits)
    return replace(first, hits=tuple(hits), limit=len(hits))
