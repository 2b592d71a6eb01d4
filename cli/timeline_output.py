"""``arsearch timeline`` as text: an aligned table with a bar per period, or CSV. No counting here."""

import csv
import io

#: Widest bar in the table, in characters (the busiest period's).
BAR_WIDTH = 40


def format_table(timeline) -> str:
    """One line per period (passages, articles, a bar), then the undated count and the total."""
    series = list(timeline.series)
    head = ["period", "passages", "articles", *series]
    rows = [[p.label, str(p.passages), str(p.articles), *(str(p.series.get(a, 0)) for a in series)] for p in timeline.periods]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    most = max((p.passages for p in timeline.periods), default=0)
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths, strict=True)))]
    for row, period in zip(rows, timeline.periods, strict=True):
        cells = "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        bar = "█" * round(BAR_WIDTH * period.passages / most) if most else ""
        lines.append(f"{cells}  {bar}".rstrip())
    dated = timeline.total - timeline.undated_passages
    noun = "passage" if timeline.total == 1 else "passages"
    summary = f"{timeline.total} {noun} match: {dated} dated, by {timeline.by}"
    if timeline.undated_passages:
        articles = "article" if timeline.undated_articles == 1 else "articles"
        summary += f"; {timeline.undated_passages} without a date (in {timeline.undated_articles} {articles})"
    return "\n".join([*lines, summary] if timeline.periods else [summary])


def format_csv(timeline) -> str:
    """period,start,end,passages,articles[,one column per actor]; undated passages as a last row
    with empty start and end."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    series = list(timeline.series)
    writer.writerow(["period", "start", "end", "passages", "articles", *series])
    for p in timeline.periods:
        writer.writerow([p.label, p.start, p.end, p.passages, p.articles, *(p.series.get(a, 0) for a in series)])
    if timeline.undated_passages:
        writer.writerow(["undated", "", "", timeline.undated_passages, timeline.undated_articles, *([""] * len(series))])
    return out.getvalue()
