"""What a format reader yields: one article as its file gives it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One article as a file gives it, before it is cut into passages.

    ``text`` holds its paragraphs, one per line or in blocks between blank lines. ``number`` is its
    place in a file that holds several (1-based: a JSON Lines line, a CSV row, a feed entry), 0 when
    the file is one article.
    """

    text: str
    title: str = ""
    source: str = ""
    date: str = ""
    url: str = ""
    author: str = ""
    ident: str = ""  # the id the file gives it, if any
    number: int = 0


#: Called as warn(number, problem) for a record of a file that is left out.
Warn = Callable[[int, str], None]
