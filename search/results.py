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
    day: str = ""  # the date's day (YYYY-MM-DD) when it was understood; ``date`` is what to show


@dataclass(frozen=True)
class MatchedForm:
    """A word as written in the passage, and why it matched: ``same`` (the typed form), ``variant``
    (another spelling of a name), ``stem`` (same light stem), ``clitic`` (a ب/ل/ك clitic or case
    alif apart), ``prefix``/``fuzzy`` (an expanded term) or ``phrase``."""

    word: str
    how: str


@dataclass(frozen=True)
class MatchedWord:
    """One word of the query (as typed) and the passage words it matched, in reading order."""

    query: str
    forms: tuple[MatchedForm, ...]

    def to_json(self) -> dict:
        return {"query": self.query, "forms": [{"word": f.word, "how": f.how} for f in self.forms]}


@dataclass(frozen=True)
class Copy:
    """Another article's copy of a hit's passage (a repost: same story, see ``search.stories``)."""

    key: str
    title: str
    source: str
    date: str

    def to_json(self) -> dict:
        return {"key": self.key, "title": self.title, "source": self.source, "date": self.date}


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: Passage
    snippet: Snippet
    highlights: tuple[tuple[int, int], ...]  # spans of the marked words in passage.text
    matches: tuple[MatchedWord, ...] = ()  # why it matched: query word -> passage words
    also: tuple[Copy, ...] = ()  # under dedupe: the story's other matching passages, by key

    @property
    def also_articles(self) -> int:
        """How many other articles the story's matching copies are in."""
        return len({c.key.rpartition("#")[0] for c in self.also})

    def to_json(self, explain: bool = False) -> dict:
        p = self.passage
        extra = {"matched": [m.to_json() for m in self.matches]} if explain else {}
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "doc_id": p.doc_id,
            "title": p.title,
            "source": p.source,
            "date": p.date,
            "url": p.url,
            "passage": p.passage,
            "key": p.key,
            "text": p.text,
            "snippet": self.snippet.marked(),
            "highlights": [list(s) for s in self.highlights],
            "actors": list(p.actors),
            "actors_inferred": list(p.inferred),
            "topics": list(p.topics),
            "also": [c.to_json() for c in self.also],
            **extra,
        }


@dataclass(frozen=True)
class Facets:
    """Counts over all matching passages, not only the page shown; most frequent first."""

    actors: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    discovered: tuple[str, ...] = ()  # the actor ids here that discovery found (not in the gazetteer)
    sources: dict[str, int] = field(default_factory=dict)  # publishers, as the index holds their names


@dataclass(frozen=True)
class Suggestion:
    """A corrected query ("did you mean") and how many passages it finds."""

    query: str
    total: int
    changes: tuple[tuple[str, str], ...] = ()  # (typed word, suggested word)


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
    suggestions: tuple[Suggestion, ...] = ()  # filled by search.suggest when little is found
    notes: tuple[str, ...] = ()  # prefix/fuzzy words whose expansions were cut to the budget
    since: str | None = None  # the date filter's first and last day, as resolved (search.filters)
    until: str | None = None
    sources: tuple[str, ...] = ()  # the source filter, as the index names them
    sort: str = "relevance"
    stories: int = 0  # distinct stories among the ``total`` matching passages (search.stories)
    dedupe: bool = True  # one hit per story (offset/limit count stories), facets count stories

    @property
    def hit_count(self) -> int:
        """How many hits there are to page through: stories under dedupe, else passages."""
        return self.stories if self.dedupe else self.total

    def to_json(self, explain: bool = False) -> dict:
        data = {
            "query": self.query,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "stories": self.stories,
            "hits": [h.to_json(explain) for h in self.hits],
            "facets": {
                "actors": dict(self.facets.actors), "topics": dict(self.facets.topics),
                "discovered": list(self.facets.discovered), "sources": dict(self.facets.sources),
            },
        }
        if explain and self.notes:
            data["notes"] = list(self.notes)
        if self.suggestions:
            data["suggestions"] = [{"query": s.query, "total": s.total} for s in self.suggestions]
        return data
