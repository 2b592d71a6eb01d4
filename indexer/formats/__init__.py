"""Corpus file formats: the bytes of one file → entries (a body of text and what the file says about it).

Each format has a reader module; ``indexer.corpus`` picks one by suffix (``kind_of``), gives it the
decoded text and turns its entries into articles. Readers know nothing of articles, passages or the
index: they only say what the file holds, as faithfully as it allows.

A reader yields ``Entry`` objects (``formats.entry``); a file that cannot be read at all raises ``ValueError`` with a
one-line message that names the file and says what to do, and a bad record inside a file (a CSV row,
a JSON line) is reported by the reader and left out, the rest of the file read.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from arsearch.indexer.formats.entry import Entry


@dataclass(frozen=True)
class Kind:
    """A file format: its name in the summary and the function that reads its decoded text."""

    name: str
    read: Callable[..., Iterator[Entry]]  # read(text, name, columns, warn)
    many: bool  # a file holds several articles (ids get the entry number)


def kind_of(suffix: str, head: str = "") -> Kind | None:
    """The format of a file with this suffix (lower case, without .gz), or None when arsearch does
    not read it. ``head`` (the start of the decoded file) tells a feed from other XML."""
    # Imported when a file is read: trafilatura and feedparser take half a second to import, which
    # every search would pay otherwise.
    from arsearch.indexer.formats import feeds, html, jsonfiles, tables, text

    if suffix == ".txt":
        return Kind("text", text.read_text, False)
    if suffix in (".html", ".htm"):
        return Kind("HTML", html.read_html, False)
    if suffix in (".rss", ".atom") or (suffix == ".xml" and feeds.looks_like_feed(head)):
        return Kind("RSS/Atom", feeds.read_feed, True)
    if suffix == ".jsonl":
        return Kind("JSON Lines", jsonfiles.read_jsonl, True)
    if suffix == ".json":
        return Kind("JSON", jsonfiles.read_json, True)
    if suffix in (".csv", ".tsv"):
        return Kind(suffix[1:].upper(), tables.read_table, True)
    return None


#: Suffixes a corpus file may have (the last one; ``name.csv.gz`` is a CSV file compressed).
SUFFIXES = (".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl", ".json", ".csv", ".tsv", ".gz")
