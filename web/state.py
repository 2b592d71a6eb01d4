"""The page's whole state lives in its URL (``?q=…&actor=…&topic=…&page=…``): parsed and rebuilt here.

A search can then be bookmarked or shared, and every facet link is just another URL: the current
state with one filter added or taken away, back on page 1.
"""

from dataclasses import dataclass, replace

from arsearch.indexer.errors import QueryError
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
            copies=args.get("copies", "") in ("1", "on", "true", "yes"),
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def empty(self) -> bool:
        return not self.q and not self.actors and not self.topics

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
        if state.copies:
            params["copies"] = "1"
        if state.limit != PAGE_SIZE:
            params["limit"] = state.limit
        if state.page != 1:
            params["page"] = state.page
        return params

    def toggled(self, kind: str, ident: str) -> dict:
        """Parameters with the actor or topic ``ident`` added, or removed if present; page 1."""
        current = self.actors if kind == "actor" else self.topics
        values = tuple(v for v in current if v != ident) if ident in current else (*current, ident)
        field = "actors" if kind == "actor" else "topics"
        return self.params(**{field: values, "page": 1})


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
