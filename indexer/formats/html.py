"""Scraped HTML pages: the article's text and metadata, without the page around it.

trafilatura finds the main text (navigation, related links, share buttons, comments and footer left
out) and the metadata a news page carries: title, date, author, site name and canonical URL. Each of
its paragraphs is a line, and a line is a paragraph here too. Feed entries' HTML goes through the
same function (``extract_html``), so a feed and a saved page of one article give the same text.
"""

from collections.abc import Iterator

import trafilatura
from arsearch.indexer.formats.entry import Entry, Warn


def extract_html(html: str, fragment: bool = False) -> Entry | None:
    """The main text and metadata of an HTML page, or of a ``fragment`` (a feed entry's content:
    trafilatura finds no body in a lone paragraph, so it is given one), or None when it has no text."""
    if fragment:
        html = f"<html><body>{html}</body></html>"
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True)
    if doc is None or not (doc.text or "").strip():
        return None
    lines = doc.text.split("\n")
    title = (doc.title or "").strip()
    if title and lines and lines[0].strip() == title:  # the page's heading repeats the title
        lines = lines[1:]
    return Entry(
        "\n".join(lines), title=title, source=(doc.sitename or doc.hostname or "").strip(),
        date=(doc.date or "").strip(), url=(doc.url or "").strip(), author=(doc.author or "").strip(),
    )


def read_html(text: str, name: str, mapping: dict[str, str], warn: Warn) -> Iterator[Entry]:
    entry = extract_html(text)
    if entry is None:
        raise ValueError(f"{name}: no article text found in the page (only navigation or an empty body?), skipped")
    yield entry
