"""The page's whole state lives in its URL (``?q=…&actor=…&topic=…&source=…&since=…&until=…&sort=…&page=…``):
parsed and rebuilt here.

A search can then be bookmarked or shared, and every facet link is just another URL: the current
state with one filter added or taken away, back on page 1.
"""

from dataclasses import dataclass, replace

from arsearch.indexer.errors import QueryError
from arsearch.search.filters import SORTS
from arsearch.search.searcher import DEFAULT_LIMIT

#: Hits per page on the web page (the CLI's default limit).
PAGE_SIZE = DEFAULT_LIMIT
#: Largest ``limit`` the JSON endpoint accepts.
MAX_LIMIT = 100
#: Highest page number accepted (beyond it the offset means nothing useful).
MAX_PAGE = 10_000


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    page: int = 1
    inferred: bool = False
    limit: int = PAGE_SIZE
    sources: tuple[str, ...] = ()
    since: str = ""  # as typed: the searcher reads (and checks) them
    until: str = ""
    sort: str = SORTS[0]
    copies: bool = False  # every copy of a repost as its own hit (the CLI's --no-dedupe)

    @classmethod
    def from_args(cls, args) -> "SearchState":
        """From a request's query string (a werkzeug MultiDict); bad numbers are a ``QueryError``."""
        return cls(
            q=args.get("q", "").strip(),
            actors=_values(args.getlist("actor")),
            topics=_values(args.getlist("topic")),
            page=parse_number(args.get("page"), "page", 1, MAX_PAGE),
            inferred=args.get("inferred", "") in ("1", "on", "true", "yes"),
            limit=parse_number(args.get("limit"), "limit", 0, MAX_LIMIT, PAGE_SIZE),
            sources=_values(args.getlist("source")),
            since=args.get("since", "").strip(),
            until=args.get("until", "").strip(),
            sort=args.get("sort", "").strip() or SORTS[0],
            copies=args.get("copies", "") in ("1", "on", "true", "yes"),
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def empty(self) -> bool:
        return not self.q and not self.actors and not self.topics and not self.sources and not self.since and not self.until

    def search_options(self) -> dict:
        """The keyword arguments of ``PassageSearcher.search`` this state asks for (its filters)."""
        return {
            "actors": self.actors, "topics": self.topics, "include_inferred": self.inferred,
            "since": self.since or None, "until": self.until or None, "sources": self.sources,
        }

    def params(self, **changes) -> dict:
        """URL parameters of this state (with ``changes``), defaults left out so URLs stay short."""
        state = replace(self, **changes)
        params: dict = {}
        if state.q:
            params["q"] = state.q
        if state.actors:
            params["actor"] = list(state.actors)
        if state.topics:
            params["topic"] = list(state.topics)
        if state.inferred:
            params["inferred"] = "1"
        if state.sources:
            params["source"] = list(state.sources)
        if state.since:
            params["since"] = state.since
        if state.until:
            params["until"] = state.until
        if state.sort != SORTS[0]:
            params["sort"] = state.sort
        if state.copies:
            params["copies"] = "1"
        if state.limit != PAGE_SIZE:
            params["limit"] = state.limit
        if state.page != 1:
            params["page"] = state.page
        return params

    def toggled(self, kind: str, ident: str) -> dict:
        """Parameters with the actor or topic ``ident`` added, or removed if present; page 1."""
        field = {"actor": "actors", "topic": "topics", "source": "sources"}[kind]
        current = getattr(self, field)
        values = tuple(v for v in current if v != ident) if ident in current else (*current, ident)
        return self.params(**{field: values, "page": 1})

    def dated(self, since: str, until: str) -> dict:
        """Parameters narrowed to the days ``since`` to ``until`` (a timeline bar's link); page 1."""
        return self.params(since=since, until=until, page=1)


def _values(raw: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in raw if v.strip()))


def parse_number(raw: str | None, name: str, lowest: int, highest: int, default: int = 1) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw!r}") from None
    if not lowest <= value <= highest:
        raise QueryError(f"{name} must be between {lowest} and {highest}, not {value}")
    return value


def page_links(state: SearchState, total: int) -> tuple[dict | None, dict | None]:
    """URL parameters of the previous and the next page of ``state`` over ``total`` hits (None: there
    is none), so a client walks every hit once by following them."""
    prev = state.params(page=state.page - 1) if state.page > 1 and state.limit else None
    more = state.limit and state.offset + state.limit < total and state.page < MAX_PAGE
    return prev, state.params(page=state.page + 1) if more else None
