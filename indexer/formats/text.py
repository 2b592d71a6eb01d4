"""Plain-text articles (.txt): an optional header block, then the body.

A file may start with a header block, lines ``title:``, ``date:``, ``source:``, ``url:`` (and
``author:``), ended by a blank line: the way to give a scraped article its metadata without any
other format. Without it, the first line is the title when it looks like one (short, without a
final full stop), stands alone (a blank line follows it, or every paragraph is one line) and more
text follows; the body's blog footer may still name title and source
(``indexer.corpus``), and the file name is the title of last resort.
"""

import re
from collections.abc import Iterator

from arsearch.indexer.formats.entry import Entry, Warn

_HEADER_RE = re.compile(r"^(title|date|source|url|author)[ \t]*:[ \t]*(.*?)\s*$", re.I)
#: A heading has at most this many words and characters, and does not end a sentence or a clause.
HEADING_WORDS, HEADING_CHARS = 20, 160
_SENTENCE_END = tuple(".!?؟…:،,;؛")


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    """The header block's fields and the number of lines it takes (0 when there is none)."""
    fields: dict[str, str] = {}
    for i, line in enumerate(lines):
        if not line.strip():
            return (fields, i + 1) if fields else ({}, 0)
        match = _HEADER_RE.match(line)
        if not match:
            return {}, 0
        fields[match.group(1).lower()] = match.group(2)
    return {}, 0  # header lines and nothing else: not a header, a (strange) article


def looks_like_heading(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= HEADING_CHARS and len(line.split()) <= HEADING_WORDS and not line.endswith(_SENTENCE_END)
    )


def read_text(text: str, name: str, mapping: dict[str, str], warn: Warn) -> Iterator[Entry]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    fields, taken = _header(lines)
    body = lines[taken:]
    title = fields.get("title", "")
    if not title:
        first = next((i for i, line in enumerate(body) if line.strip()), None)
        rest = body[first + 1 :] if first is not None else []
        # A heading stands alone: a blank line follows it, or every paragraph is one line.
        alone = bool(rest) and (not rest[0].strip() or not any(not ln.strip() for ln in rest))
        if first is not None and alone and looks_like_heading(body[first]) and any(ln.strip() for ln in rest):
            title, body = body[first].strip(), body[first + 1 :]
    date = fields.get("date", "")
    yield Entry(
        "\n".join(body), title=title, source=fields.get("source", ""), date=date,
        url=fields.get("url", ""), author=fields.get("author", ""),
    )
