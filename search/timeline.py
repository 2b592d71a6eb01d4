"""Matches over time: a search's passages and distinct articles per day, week, month or year.

One function, ``count_timeline``, serves ``arsearch timeline`` (text, JSON, CSV) and the chart on
the web page, so both always show the same counts. The periods run from the first matching day to
the last, every period in between included even with zero matches, so that a gap shows as a gap. Passages whose article has
no understood date are counted apart (``undated``). Weeks are ISO weeks (Monday to Sunday).

``split="actor"`` adds one series per actor among the matches' most frequent ones: how many of the
period's matching passages name that actor.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from arsearch.indexer.errors import QueryError

#: Period lengths, finest first; the first one is never the default (it makes long charts).
PERIODS = ("day", "week", "month", "year")
#: What ``by`` is when not given.
DEFAULT_PERIOD = "month"
#: Series ``split`` can give.
SPLITS = ("actor",)
#: How many actors ``split="actor"`` follows: the most frequent among the matches.
SPLIT_TOP = 5
#: Most periods a timeline may hold (a day-by-day count over centuries is a mistake, not a chart).
MAX_PERIODS = 5000


@dataclass(frozen=True)
class Period:
    label: str  # 2017-11-05, 2017-W45, 2017-11, 2017
    start: str  # its first and last day, YYYY-MM-DD: what a date filter narrowing to it takes
    end: str
    passages: int = 0
    articles: int = 0
    series: dict[str, int] = field(default_factory=dict)  # with a split: passages per actor


@dataclass(frozen=True)
class Timeline:
    by: str
    periods: tuple[Period, ...]
    total: int  # every matching passage, dated or not
    undated_passages: int = 0
    undated_articles: int = 0
    series: tuple[str, ...] = ()  # the split's actors, most frequent first

    def to_json(self) -> dict:
        return {
            "by": self.by,
            "total": self.total,
            "series": list(self.series),
            "periods": [
                {
                    "period": p.label, "start": p.start, "end": p.end, "passages": p.passages,
                    "articles": p.articles, **({"series": dict(p.series)} if self.series else {}),
                }
                for p in self.periods
            ],
            "undated": {"passages": self.undated_passages, "articles": self.undated_articles},
        }


def period_of(day: dt.date, by: str) -> tuple[str, dt.date, dt.date]:
    """The period holding ``day``: its label, first and last day."""
    if by == "day":
        return day.isoformat(), day, day
    if by == "week":
        year, week, weekday = day.isocalendar()
        start = day - dt.timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", start, start + dt.timedelta(days=6)
    if by == "month":
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return f"{day.year}-{day.month:02d}", start, following - dt.timedelta(days=1)
    if by == "year":
        return str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise QueryError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")


def _periods(first: dt.date, last: dt.date, by: str, stop: int | None = None) -> list[tuple[str, dt.date, dt.date]]:
    """Every period from the one holding ``first`` to the one holding ``last`` (past ``stop``
    periods the list is cut short: enough to tell that it is too long)."""
    out = []
    day = first
    while day <= last:
        label, start, end = period_of(day, by)
        out.append((label, start, end))
        if stop is not None and len(out) > stop:
            break
        if len(out) > MAX_PERIODS:
            raise QueryError(
                f"the matches span more than {MAX_PERIODS} {by}s; count by a longer period (--by month or year) "
                "or narrow the dates (--since/--until)"
            )
        day = end + dt.timedelta(days=1)
    return out


def fitting_period(first: dt.date, last: dt.date, most: int) -> str:
    """The finest period that shows ``first`` to ``last`` in at most ``most`` periods (the chart's)."""
    for by in PERIODS:
        if len(_periods(first, last, by, most)) <= most:
            return by
    return PERIODS[-1]


def count_timeline(
    matches, by: str = DEFAULT_PERIOD, split: str | None = None, actor_docs=None, most: int | None = None
) -> Timeline:
    """The timeline of a ``PassageSearcher.matching`` result.

    ``by`` is a period of ``PERIODS``, or ``"auto"``: the finest that fits in ``most`` periods.
    ``actor_docs(ident)`` gives the documents naming an actor (``PassageSearcher.docs_with``), for
    ``split="actor"``.
    """
    if by != "auto":
        period_of(dt.date(2000, 1, 1), by)  # an unknown period fails before anything is counted
    if split is not None and split not in SPLITS:
        raise QueryError(f"--split must be one of {', '.join(SPLITS)}, not {split!r}")
    days = [dt.date.fromisoformat(d) if d else None for d in matches.days]
    dated = [d for d in days if d is not None]
    if by == "auto":
        by = fitting_period(min(dated), max(dated), most or MAX_PERIODS) if dated else DEFAULT_PERIOD
    series = tuple(list(matches.facets.actors)[:SPLIT_TOP]) if split == "actor" else ()
    naming = {}
    if series:
        import numpy as np

        naming = {a: np.isin(matches.ids, actor_docs(a), assume_unique=True) for a in series}

    passages: Counter = Counter()
    articles: dict[str, set] = defaultdict(set)
    per_series: dict[str, Counter] = defaultdict(Counter)
    undated_articles = set()
    for n, (day, article) in enumerate(zip(days, matches.articles, strict=True)):
        if day is None:
            undated_articles.add(article)
            continue
        label = period_of(day, by)[0]
        passages[label] += 1
        articles[label].add(article)
        for a in series:
            if naming[a][n]:
                per_series[label][a] += 1

    periods = []
    if dated:
        for label, start, end in _periods(min(dated), max(dated), by):
            periods.append(
                Period(
                    label, start.isoformat(), end.isoformat(), passages[label], len(articles[label]),
                    {a: per_series[label][a] for a in series},
                )
            )
    return Timeline(
        by, tuple(periods), len(days), len(days) - len(dated), len(undated_articles), series,
    )


def search_timeline(
    searcher, query: str = "", by: str = DEFAULT_PERIOD, split: str | None = None, most: int | None = None,
    **filters,
) -> Timeline:
    """The timeline of a search on an open ``PassageSearcher``: the call the CLI and the page make.

    ``filters`` are ``PassageSearcher.search``'s (actors, topics, include_inferred, since, until,
    sources): the same passages a search finds are counted.
    """
    matches = searcher.matching(query, **filters)
    return count_timeline(matches, by, split, lambda ident: searcher.docs_with("actors", ident), most)
