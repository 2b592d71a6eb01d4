"""RSS and Atom feeds: each entry an article, with its date, link, author and the feed's title as its source.

feedparser reads every feed dialect (RSS 0.9x–2.0, RSS 1.0/RDF, Atom) and their dates. An entry's
HTML (its full ``content``, else its ``summary``) goes through the same extraction as a saved page
(``formats.html``), so markup never reaches a passage.
"""

import re
from collections.abc import Iterator

import feedparser
from arsearch.indexer.dates import normalize_date
from arsearch.indexer.formats.dates import struct_date
from arsearch.indexer.formats.entry import Entry, Warn
from arsearch.indexer.formats.html import extract_html

#: The root element of a feed, near the start of an .xml file (after the declaration, comments, a stylesheet).
_FEED_ROOT_RE = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.I)


def looks_like_feed(head: str) -> bool:
    """Whether an .xml file is a feed, by its first kilobytes (an .xml file can be anything else)."""
    return bool(_FEED_ROOT_RE.search(head[:4096]))


def _html_of(entry) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return content["value"]
    return entry.get("summary") or ""


def read_feed(text: str, name: str, mapping: dict[str, str], warn: Warn) -> Iterator[Entry]:
    """The entries of a feed, in the feed's order (number 1 is the first in the file)."""
    feed = feedparser.parse(text, sanitize_html=False, resolve_relative_uris=False)
    if not feed.entries:
        why = f"not a valid feed ({feed.bozo_exception})" if feed.get("bozo") else "a feed with no entries"
        raise ValueError(f"{name}: {why}, skipped")
    source = (feed.feed.get("title") or "").strip()
    for number, item in enumerate(feed.entries, 1):
        body = extract_html(_html_of(item), fragment=True)
        if body is None:
            warn(number, "no text, entry skipped")
            continue
        written = item.get("published") or item.get("updated") or ""
        parsed = item.get("published_parsed") or item.get("updated_parsed")
        # As written when ``indexer.dates`` reads it (its own offset kept), else feedparser's reading (UTC).
        date = written if normalize_date(written).day else struct_date(parsed) or written
        yield Entry(
            body.text, title=(item.get("title") or "").strip(), source=source, date=date,
            url=(item.get("link") or "").strip(), author=(item.get("author") or body.author).strip(),
            ident="", number=number,
        )
