"""What one query may cost: the limits it is parsed and compiled under, and its deadline.

A query's cost is bounded mostly before any posting is read — words per query, nesting depth, index
words per prefix or fuzzy word — because every executor (Whoosh's collector, or any other behind
the same compiled query) shares the parser and the compiler. What cannot be bounded up front
(a common word's millions of postings on a big index) is stopped by a ``Deadline``: a small object
any loop can ``check()``, cheap enough to call once per scored document.

Going over a limit is a ``QueryLimitError``: a ``QueryError`` (the CLI exits 2, the page answers
400) whose one-line message names the limit, its setting and how to narrow the query.
"""

import time
from dataclasses import dataclass

from arsearch.indexer import settings
from arsearch.indexer.errors import QueryError

#: However high $ARSEARCH_MAX_QUERY_DEPTH is set, the parser (three frames a level) and Whoosh's
#: query normalisation stay far below Python's recursion limit.
HARD_MAX_DEPTH = 100
#: However high $ARSEARCH_MAX_QUERY_WORDS is set: Whoosh's matcher tree for an AND of ~1,000
#: distinct words overflows Python's stack (measured; 256 runs).
HARD_MAX_WORDS = 256


class QueryLimitError(QueryError):
    """The query is over one of the documented limits (see ``indexer.settings``)."""


class QueryTimeoutError(QueryLimitError):
    """The query ran past its deadline."""


@dataclass(frozen=True)
class QueryBudget:
    """The limits one query is held to; ``from_settings()`` reads the settings table."""

    max_chars: int
    max_words: int
    max_depth: int
    max_expansions: int
    max_scanned: int
    max_expanding: int
    deadline: float

    @classmethod
    def from_settings(cls) -> "QueryBudget":
        return cls(
            max_chars=settings.MAX_QUERY_CHARS.value(),
            max_words=min(settings.MAX_QUERY_WORDS.value(), HARD_MAX_WORDS),
            max_depth=min(settings.MAX_QUERY_DEPTH.value(), HARD_MAX_DEPTH),
            max_expansions=settings.MAX_EXPANSIONS.value(),
            max_scanned=settings.MAX_SCANNED.value(),
            max_expanding=settings.MAX_EXPANDING_WORDS.value(),
            deadline=settings.QUERY_DEADLINE.value(),
        )


def over_limit(what: str, found: int | str, limit: settings.Limit, allowed: int, advice: str) -> QueryLimitError:
    """The one message shape of every limit: what, how much, the limit and its setting, what to do."""
    return QueryLimitError(
        f"the query has {found} {what}, over the limit of {allowed} (${limit.env}); {advice}"
    )


class Deadline:
    """A point in time a query must finish by; ``check()`` raises once it has passed.

    Checking reads the clock only every ``every`` calls, so a loop over every scored document can
    afford it (``time.monotonic`` costs ~50 ns; a check that skips the clock ~30 ns).
    """

    def __init__(self, seconds: float, every: int = 64, clock=time.monotonic):
        self.seconds = seconds
        self.every = every
        self._clock = clock
        self._ends = clock() + seconds
        self._count = 0

    def expired(self) -> bool:
        return self._clock() >= self._ends

    def check(self) -> None:
        """Raise ``QueryTimeoutError`` if the deadline has passed (the clock is read 1 call in ``every``)."""
        self._count += 1
        if self._count >= self.every:
            self._count = 0
            self.check_now()

    def check_now(self) -> None:
        if self._clock() >= self._ends:
            raise QueryTimeoutError(
                f"the query took longer than its {self.seconds:g} s deadline "
                f"(${settings.QUERY_DEADLINE.env}); narrow it: fewer or rarer words, a phrase in "
                'quotes ("…"), longer prefixes (سوري* rather than س*), or a filter (--actor, --topic)'
            )
