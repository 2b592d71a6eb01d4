"""What a search returns: plain frozen dataclasses, no Whoosh objects, ready to format or serialize."""

from dataclasses import dataclass, field

#: Markers around matched words where no colour is available (and in the JSON snippet).
MARK_OPEN, MARK_CLOSE = "[", "]"


@dataclass(frozen=True)
class Snippet:
    """A fragment of a passage, with the matched words' spans relative to the fragment."""

    text: str
    start: int  # offset of the fragment in the passage text
    spans: tuple[tuple[int, int], ...]
    cut_before: bool = False
    cut_after: bool = False

    def marked(self, open_: str = MARK_OPEN, close: str = MARK_CLOSE) -> str:
        out, last = [], 0
        for start, end in self.spans:
            out += [self.text[last:start], open_, self.text[start:end], close]
            last = end
        out.append(self.text[last:])
        return ("… " if self.cut_before else "") + "".join(out) + (" …" if self.cut_after else "")


@dataclass(frozen=True)
class Passage:
    """A stored passage, as `show` prints it."""

    key: str
    doc_id: str
    passage: int
    title: str
    source: str
    date: str
    url: str
    text: str
    actors: tuple[str, ...]
    inferred: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: Passage
    snippet: Snippet
    highlights: tuple[tuple[int, int], ...]  # spans of the marked words in passage.text

    def to_json(self) -> dict:
        p = self.passage
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "doc_id": p.doc_id,
            "title": p.title,
            "source": p.source,
            "passage": p.passage,
            "key": p.key,
            "text": p.text,
            "snippet": self.snippet.marked(),
            "highlights": [list(s) for s in self.highlights],
            "actors": list(p.actors),
            "actors_inferred": list(p.inferred),
            "topics": list(p.topics),
        }


@dataclass(frozen=True)
class Facets:
    """Counts over all matching passages, not only the page shown; most frequent first."""

    actors: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: Facets
    offset: int = 0
    limit: int = 10
    actors: tuple[str, ...] = ()  # resolved filters
    topics: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()  # stop words left out of the query

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "facets": {"actors": dict(self.facets.actors), "topics": dict(self.facets.topics)},
        }
