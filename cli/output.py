"""Formatting library results for a terminal or a pipe. No searching here, only text."""

import json
import os
import shutil
import sys
import textwrap
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import click
from arsearch.search.results import MARK_CLOSE, MARK_OPEN, Passage, SearchResult

#: How many actors/topics the summary line names.
SUMMARY_FACETS = 5
#: How --explain names the reason a passage word matched (see search.results.MatchedForm).
HOW = {
    "same": "same word", "variant": "spelling variant", "stem": "same stem", "clitic": "clitic form",
    "prefix": "prefix", "fuzzy": "fuzzy", "phrase": "phrase",
}


def use_color(flag: bool | None) -> bool:
    """--color/--no-color wins; otherwise colour only on a terminal and when NO_COLOR is unset."""
    if flag is not None:
        return flag
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def marked_snippet(hit, color: bool) -> str:
    if not color:
        return hit.snippet.marked(MARK_OPEN, MARK_CLOSE)
    snippet = hit.snippet
    out, last = [], 0
    for start, end in snippet.spans:
        out += [snippet.text[last:start], click.style(snippet.text[start:end], bold=True, fg="yellow")]
        last = end
    out.append(snippet.text[last:])
    return ("… " if snippet.cut_before else "") + "".join(out) + (" …" if snippet.cut_after else "")


def _facet_line(counts: dict[str, int], discovered=()) -> str:
    items = list(counts.items())[:SUMMARY_FACETS]
    return ", ".join(f"{k} ({v}{', discovered' if k in discovered else ''})" for k, v in items) or "none"


def format_explanation(hit) -> str:
    """One line: each query word → the passage words it matched (why)."""
    parts = []
    for matched in hit.matches:
        if matched.forms:
            forms = ", ".join(f"{f.word} ({HOW.get(f.how, f.how)})" for f in matched.forms)
            parts.append(f"{matched.query} → {forms}")
    return "matched: " + ("; ".join(parts) or "—")


def format_hits(result: SearchResult, color: bool, explain: bool = False) -> str:
    dim = (lambda s: click.style(s, dim=True)) if color else (lambda s: s)
    lines = []
    for hit in result.hits:
        p = hit.passage
        head = " · ".join([f"{hit.rank}. {p.title or p.doc_id} — passage {p.passage}", *hit_origin(p)])
        lines.append(f"{head}  {dim(f'[{p.key}] score {hit.score:.2f}')}")
        if p.url:
            lines.append("   " + dim(p.url))
        lines.append(f"   {marked_snippet(hit, color)}")
        if explain:
            lines.append("   " + format_explanation(hit))
        if hit.also:
            lines.append("   " + format_copies(hit))
        tags = []
        if p.actors or p.inferred:
            tags.append("actors: " + ", ".join([*p.actors, *(f"{a} (inferred)" for a in p.inferred)]))
        if p.topics:
            tags.append("topics: " + ", ".join(p.topics))
        if tags:
            lines.append("   " + dim(" · ".join(tags)))
        lines.append("")
    lines.append(format_summary(result))
    if explain:
        lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def hit_origin(p: Passage) -> list[str]:
    """When and where a passage was published, as a hit line shows it: the day (or the date as
    written when it was not understood) and the source."""
    return [x for x in (p.day or p.date, p.source) if x]


#: How many of a story's other copies a hit line names (the JSON lists them all).
SHOWN_COPIES = 3


def format_copies(hit) -> str:
    """"also in N articles: source (date), …" for a story's other copies."""
    n = hit.also_articles
    named = []
    for c in hit.also[:SHOWN_COPIES]:
        where = c.source or c.title or c.key
        named.append(f"{where} ({c.date})" if c.date else where)
    more = len(hit.also) - SHOWN_COPIES
    rest = f", … {more} more" if more > 0 else ""
    return f"also in {n} {'article' if n == 1 else 'articles'}: " + ", ".join(named) + rest


def format_summary(result: SearchResult) -> str:
    shown = f"showing {result.offset + 1}–{result.offset + len(result.hits)}" if result.hits else "none shown"
    noun = "passage matches" if result.total == 1 else "passages match"
    if result.stories < result.total:
        grouped = "one hit per story" if result.dedupe else "every copy shown"
        shown = f"{result.stories} {'story' if result.stories == 1 else 'stories'}, {grouped}; {shown}"
    summary = f"{result.total} {noun} ({shown}) · actors: {_facet_line(result.facets.actors, result.facets.discovered)}"
    summary += f" · topics: {_facet_line(result.facets.topics)}"
    if result.facets.sources:
        summary += f" · sources: {_facet_line(result.facets.sources)}"
    if result.dropped:
        summary += f" · stop words ignored: {' '.join(result.dropped)}"
    return summary


def format_suggestions(result: SearchResult) -> str:
    def one(s):
        return f"{s.query} ({s.total} {'passage' if s.total == 1 else 'passages'})"

    return "did you mean: " + ", ".join(one(s) for s in result.suggestions) + "?"


def format_json(result: SearchResult, explain: bool = False) -> str:
    return json.dumps(result.to_json(explain), ensure_ascii=False, indent=2)


def format_jsonl(result: SearchResult, explain: bool = False) -> str:
    return "\n".join(json.dumps(h.to_json(explain), ensure_ascii=False) for h in result.hits)


def _is_rtl(text: str) -> bool | None:
    """The direction of the first strong character (None: no letters)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return None


def bidi_lines(text: str, width: int | None = None) -> str:
    """Text in display order for terminals that print right-to-left text left to right.

    Lines are wrapped to the terminal first (reordering a line that the terminal then wraps would
    scramble it), each wrapped line is reordered with the Unicode bidi algorithm (python-bidi), and
    right-to-left lines are aligned to the right edge.
    """
    from bidi import get_display  # only --bidi needs it

    width = width or shutil.get_terminal_size((80, 24)).columns
    out = []
    for line in text.split("\n"):
        if not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in line):
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        room = max(20, width - indent)
        rtl = _is_rtl(line)  # the paragraph's direction holds for all of its wrapped lines
        for piece in textwrap.wrap(line.strip(), room) or [""]:
            shown = get_display(piece, base_dir="R" if rtl else "L")
            out.append(" " * indent + (shown.rjust(room) if rtl else shown))
    return "\n".join(out)


def format_passages(passages: list[Passage], key: str, color: bool) -> str:
    lines = []
    for p in passages:
        pointer = "▶" if p.key == key else " "
        text = click.style(p.text, bold=True) if color and p.key == key else p.text
        lines.append(f"{pointer} {p.key}")
        lines.append(f"  {text}")
        tags = [f"actors: {', '.join(p.actors)}"] if p.actors else []
        if p.inferred:
            tags.append(f"inferred: {', '.join(p.inferred)}")
        if p.topics:
            tags.append(f"topics: {', '.join(p.topics)}")
        if tags:
            lines.append("  " + " · ".join(tags))
        lines.append("")
    first = passages[0]
    lines.append(f"{first.title or first.doc_id}" + (f" — {first.source}" if first.source else ""))
    return "\n".join(lines)


def passage_json(p: Passage) -> dict:
    return {
        "key": p.key, "doc_id": p.doc_id, "passage": p.passage, "title": p.title, "source": p.source,
        "date": p.date, "url": p.url, "text": p.text, "actors": list(p.actors),
        "actors_inferred": list(p.inferred), "topics": list(p.topics),
    }


@contextmanager
def progress_bar(label: str):
    """A progress callback drawing a bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_read(read) -> list[str]:
    """What reading the corpus met, for stderr: files and articles per format, the files read from
    a legacy encoding, and every file skipped for its kind (the others are in the warnings)."""
    lines = []
    if read.formats:
        per = ", ".join(f"{kind} {_plural(f, 'file')} ({_plural(a, 'article')})" for kind, (f, a) in read.formats.items())
        lines.append(f"read {per}")
    if read.converted:
        lines.append(f"converted to UTF-8: {', '.join(read.converted)}")
    by_suffix: dict[str, list[str]] = {}
    for name in read.skipped:
        suffix = "".join(Path(name).suffixes[-2:]).lower() if name.lower().endswith(".gz") else Path(name).suffix.lower()
        by_suffix.setdefault(suffix or "(no suffix)", []).append(name)
    for suffix, names in by_suffix.items():
        what = "an .xml file that is no RSS/Atom feed" if suffix == ".xml" else f"{suffix} is not a kind arsearch reads"
        lines.append(f"skipped {_plural(len(names), 'file')} ({what}): {', '.join(names)}")
    return lines


def format_build(report) -> str:
    what = "rebuilt" if report.rebuilt else "updated"
    reason = f" ({report.reason})" if report.reason else ""
    line = (
        f"{what} {report.index} from {report.source}{reason}: {report.added} added, {report.changed} changed, "
        f"{report.removed} removed, {report.unchanged} unchanged; {report.passages} passages written "
        f"in {report.seconds:.2f}s"
    )
    bad_dates = report.read.bad_dates
    if bad_dates:
        line += (
            f"; {len(bad_dates)} {'date' if len(bad_dates) == 1 else 'dates'} not understood, kept as written and "
            f"left out of date filters (e.g. {bad_dates[0]}; write YYYY-MM-DD or an ISO/RFC 2822 date)"
        )
    if report.kept:
        line += f"; {report.kept} kept because their files could not be read (see the warnings)"
    return line


def format_discovered(entities) -> str:
    """One line per discovered entity (passages, id, kind, name, other forms), its examples below."""
    lines = []
    for e in entities:
        others = [f"{v} ({n})" for v, n in e.variants if v != e.name]
        also = f"  also: {', '.join(others)}" if others else ""
        lines.append(f"{e.passages:>6} {e.ident:<28} {e.kind:<13}{e.name}{also}")
        lines.extend(f"{'':>8}{x}" for x in e.examples)
    return "\n".join(lines) if lines else "no discovered entities"


def discovered_json(e) -> dict:
    return {
        "id": e.ident, "kind": e.kind, "name": e.name, "passages": e.passages, "discovered": True,
        "variants": [{"form": v, "mentions": n} for v, n in e.variants], "examples": list(e.examples),
    }
