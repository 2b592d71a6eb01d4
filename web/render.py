"""Turning library results into what templates loop over: marked segments, labels, page numbers.

Templates never build HTML from strings: a snippet becomes (text, marked) pairs and Jinja's
autoescaping writes every piece, so corpus text can never inject markup.
"""

from arsearch.search.results import Snippet

#: How the page names the reason a passage word matched (search.results.MatchedForm.how).
HOW_AR = {
    "same": "الكلمة نفسها",
    "variant": "تهجئة أخرى",
    "stem": "الأصل نفسه",
    "clitic": "مع سابقة",
    "prefix": "بادئة",
    "fuzzy": "تقريبًا",
    "phrase": "عبارة",
}
#: Page links shown on each side of the current page.
PAGE_WINDOW = 2


#: Facet entries a list shows, the most frequent first. A corpus can name thousands of actors, each
#: entry is a link the page must build, and the actor a search is filtered by counts every match, so
#: it is always among them.
FACET_ENTRIES = 25


def facet_entries(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The first ``FACET_ENTRIES`` of ``counts`` (already sorted, most frequent first)."""
    return list(counts.items())[:FACET_ENTRIES]


def marked_parts(text: str, spans) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_marked) by the character spans of the matched words."""
    parts, last = [], 0
    for start, end in spans:
        if start > last:
            parts.append((text[last:start], False))
        parts.append((text[start:end], True))
        last = end
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def snippet_parts(snippet: Snippet) -> list[tuple[str, bool]]:
    parts = marked_parts(snippet.text, snippet.spans)
    if snippet.cut_before:
        parts.insert(0, ("… ", False))
    if snippet.cut_after:
        parts.append((" …", False))
    return parts


def page_numbers(total: int, page: int, size: int) -> list[int | None]:
    """Pages to link: the first, the last and a window around ``page``; None marks a gap."""
    if size <= 0:
        return []
    last = max(1, -(-total // size))
    shown = sorted({1, last, *range(max(1, page - PAGE_WINDOW), min(last, page + PAGE_WINDOW) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and out[-1] is not None and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def safe_url(url: str) -> str | None:
    """A corpus URL fit for a link: http(s) only (never ``javascript:`` or ``data:``)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


#: Bidi controls that could end or redirect an isolate from inside corpus text (embeddings, overrides,
#: isolates); the marks U+200E/U+200F only attach direction to a position and stay.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def isolate(text) -> str:
    """Text for a place where HTML cannot isolate it (``<title>``): its own bidi controls removed, then
    wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, so a U+202E in a title cannot reverse
    the rest of the line."""
    return "\u2068" + str(text).translate(BIDI_CONTROLS) + "\u2069"
