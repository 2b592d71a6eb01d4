"""The timeline above the hits as a bar chart the server draws: geometry and labels, no counting.

The counts come from ``search.timeline`` (what ``arsearch timeline`` prints); this module only
places one bar per period in an SVG ``viewBox`` and names it. The page reads right to left, so the
earliest period is on the right. Each bar is a link narrowing the search to its period (the
template writes it as an SVG ``<a>``: no script, the CSP unchanged), with a ``<title>`` that says
the period and its counts in Arabic for screen readers and as a tooltip. Period names are Arabic
month names from CLDR (Babel).
"""

import datetime as dt
import math
from dataclasses import dataclass

from babel.dates import format_date

#: Most bars the chart draws: ``search.timeline`` picks the finest period that fits.
MAX_BARS = 60
#: The drawing's size in SVG units (it scales to the page width).
WIDTH, HEIGHT = 600, 130
#: Height of the bars' area; the labels go below it.
PLOT_HEIGHT = 100
#: Most period labels written under the bars (every bar's full name is in its title).
MAX_LABELS = 6
#: Babel patterns of a period's name, by period (a week is named by its Monday).
LABEL_PATTERNS = {"day": "d MMMM y", "week": "d MMMM y", "month": "LLLL y", "year": "y"}
#: ... and of the shorter label written under a bar.
SHORT_PATTERNS = {"day": "d MMM y", "week": "d MMM y", "month": "MMM y", "year": "y"}
#: How the chart names the period length.
PERIOD_AR = {"day": "يوم", "week": "أسبوع", "month": "شهر", "year": "سنة"}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the period in Arabic, short, written under the bar
    title: str  # the accessible name: period and counts
    since: str
    until: str
    passages: int
    show_label: bool


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    by: str
    most: int
    undated: int
    width: int = WIDTH
    height: int = HEIGHT
    plot_height: int = PLOT_HEIGHT

    @property
    def title(self) -> str:
        return f"عدد المقاطع المطابقة في كل {PERIOD_AR[self.by]}"


def period_label(start: str, by: str, short: bool = False) -> str:
    day = dt.date.fromisoformat(start)
    label = format_date(day, (SHORT_PATTERNS if short else LABEL_PATTERNS)[by], locale="ar")
    return f"أسبوع {label}" if by == "week" and not short else label


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def make_chart(timeline) -> Chart | None:
    """The bars of a ``search.timeline.Timeline`` (None when no match is dated: nothing to draw)."""
    periods = timeline.periods
    if not periods:
        return None
    most = max(p.passages for p in periods) or 1
    slot = WIDTH / len(periods)
    every = max(1, math.ceil(len(periods) / MAX_LABELS))
    bars = []
    for i, p in enumerate(periods):
        height = PLOT_HEIGHT * p.passages / most
        label = period_label(p.start, timeline.by)
        title = f"{label}: {_count(p.passages, 'مقطع', 'مقاطع')} في {_count(p.articles, 'مقال', 'مقالات')}"
        bars.append(
            Bar(
                x=round(WIDTH - (i + 1) * slot + slot * 0.1, 2), y=round(PLOT_HEIGHT - height, 2),
                width=round(slot * 0.8, 2), height=round(height, 2), label=period_label(p.start, timeline.by, True),
                title=title,
                since=p.start, until=p.end, passages=p.passages,
                show_label=i % every == 0,
            )
        )
    return Chart(tuple(bars), timeline.by, most, timeline.undated_passages)
