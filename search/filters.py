"""Date and source filters, and the date sort: what they mean, decided once for both engines.

``--since``/``--until`` and inline ``date:`` take a year, a month or a day (``2017``, ``2017-11``,
``2017-11-05``); a partial date covers its whole period, both ends inclusive: ``--until 2017-11``
means up to 30 November. Inline ``date:2017-11..2017-12`` is a range (either end may be left open:
``date:2017-11..``); ``date:2017-11`` alone is that month. Every date filter given must hold, so
they narrow each other. A passage whose article has no date that was understood never passes a
date filter.

``--source`` and ``source:`` name publishers as the index holds them, ignoring case and spacing
(``indexer.sources``); several mean any of them.

The sorts: ``relevance`` (the score, ties in index order), ``date`` (oldest first) and ``-date``
(newest first). Under both date sorts undated passages come last and passages of the same day
keep relevance order, then index order: the same page on every run and on both engines.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from arsearch.indexer.errors import QueryError
from arsearch.indexer.sources import source_key

#: The sort orders a search takes; the first is the default.
SORTS = ("relevance", "date", "-date")
#: A filter date: a year, a month or a day (Arabic-Indic digits are read as digits too).
_BOUND_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: How a filter date must be written, for messages.
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True)
class DateRange:
    """Days from ``start`` to ``end``, both included ("YYYY-MM-DD"; None: open on that side)."""

    start: str | None = None
    end: str | None = None

    @property
    def empty(self) -> bool:
        return self.start is not None and self.end is not None and self.start > self.end

    def narrowed(self, other: "DateRange") -> "DateRange":
        """Both ranges at once."""
        starts = [d for d in (self.start, other.start) if d]
        ends = [d for d in (self.end, other.end) if d]
        return DateRange(max(starts) if starts else None, min(ends) if ends else None)

    def query(self):
        """The range as Whoosh runs it (the reference engine); days sort as text."""
        from whoosh import query as wq  # not at import: the CLI's start-up does not need Whoosh's queries

        return wq.TermRange("day", self.start, self.end)


def parse_bound(text: str, what: str, last: bool) -> str:
    """A filter date as a day: its period's first day, or with ``last`` its last one."""
    m = _BOUND_RE.match((text or "").strip().translate(_DIGITS))
    try:
        if not m:
            raise ValueError
        year, month, day = int(m["y"]), int(m["m"] or (12 if last else 1)), m["d"]
        if not 1 <= month <= 12:
            raise ValueError
        day = int(day) if day else (calendar.monthrange(year, month)[1] if last else 1)
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise QueryError(f"{what}: {text!r} is not a date; write {DATE_FORMS}, e.g. 2017-11 or 2017-11-05") from None


def date_range(since: str | None = None, until: str | None = None, inline=()) -> DateRange | None:
    """The days that ``--since``, ``--until`` and the query's ``date:`` filters all allow (None: no filter)."""
    if not since and not until and not inline:
        return None
    found = DateRange(
        parse_bound(since, "--since", last=False) if since else None,
        parse_bound(until, "--until", last=True) if until else None,
    )
    for value in inline:
        found = found.narrowed(inline_range(value))
    if found.empty:
        raise QueryError(f"the date filters leave no day (from {found.start} to {found.end}); check --since and --until")
    return found


def inline_range(value: str) -> DateRange:
    """``date:A..B``, ``date:A..``, ``date:..B`` or ``date:A`` (the whole period A)."""
    what = f"date:{value}"
    if ".." not in value:
        return DateRange(parse_bound(value, what, last=False), parse_bound(value, what, last=True))
    start, _, end = value.partition("..")
    if not start and not end:
        raise QueryError(f"{what} has no dates; write date:2017-11..2017-12, date:2017-11.. or date:..2017-12")
    return DateRange(
        parse_bound(start, what, last=False) if start else None,
        parse_bound(end, what, last=True) if end else None,
    )


def resolve_sources(values, known) -> tuple[str, ...]:
    """The index's source names that ``values`` name (case and spacing ignored), in the order asked.

    A name the index does not hold is an error that lists what it does hold: a typo must not pass
    for "nothing published there".
    """
    by_key: dict[str, list[str]] = {}
    for name in known:
        by_key.setdefault(source_key(name), []).append(name)
    out: list[str] = []
    for value in values:
        names = by_key.get(source_key(value))
        if not names:
            listed = ", ".join(sorted(known)[:10]) + (" …" if len(known) > 10 else "")
            hint = f"the index holds: {listed}" if known else "the index has no sources (no article names one)"
            raise QueryError(f"no source {value.strip()!r} in the index; {hint}")
        out.extend(n for n in names if n not in out)
    return tuple(out)


def source_query(names):
    from whoosh import query as wq

    return wq.Or([wq.Term("source", n) for n in names])


def check_sort(sort: str) -> str:
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    return sort


def date_order_key(day: str, score: float, docnum: int, newest_first: bool):
    """The date sorts' order of one passage (see the module docstring), for ``sorted``."""
    if not day:
        return (1, 0, -score, docnum)
    ordinal = dt.date.fromisoformat(day).toordinal()
    return (0, -ordinal if newest_first else ordinal, -score, docnum)
