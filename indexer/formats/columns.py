"""Which column (CSV/TSV) or field (JSON, JSON Lines) holds each part of an article.

One mapping serves every table-like format: ``--columns text=body,date=published`` names the
column for a part, and a part left out is looked for under the usual names (case-insensitive), in
the order listed in ``DEFAULTS``. A mapped column that a file does not have is an error, not a
silent fallback: it is a typo, and the message names the columns the file has.
"""

from collections.abc import Iterable

from arsearch.indexer.errors import ColumnsError

#: Each part of an article and the column names tried for it, best first.
DEFAULTS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content"),
    "title": ("title", "headline"),
    "date": ("date", "published", "pubDate", "publishedAt", "published_at"),
    "source": ("source", "site", "sitename"),
    "url": ("url", "link"),
    "author": ("author", "byline"),
    "id": ("id",),
}


def parse_columns(spec: str | None) -> dict[str, str]:
    """``text=body,date=published`` as {"text": "body", "date": "published"}. Raises ValueError with
    the message the CLI shows."""
    mapping: dict[str, str] = {}
    for item in (spec or "").split(","):
        if not item.strip():
            continue
        part, sep, column = (s.strip() for s in item.partition("="))
        if not sep or not column:
            raise ValueError(f"{item.strip()!r} is not PART=COLUMN; write e.g. text=body,date=published")
        if part not in DEFAULTS:
            raise ValueError(f"{part!r} is not a part of an article; use {', '.join(DEFAULTS)}")
        mapping[part] = column
    return mapping


def format_columns(mapping: dict[str, str]) -> str:
    """The mapping as ``--columns`` takes it (the inverse of ``parse_columns``)."""
    return ",".join(f"{part}={column}" for part, column in mapping.items())


def resolve(mapping: dict[str, str], columns: Iterable[str], name: str) -> dict[str, str]:
    """Part → the column of this file that holds it. A mapped column the file lacks raises
    ColumnsError naming the columns it has; a default not found is left out (no text at all is
    the caller's error, since only it knows what a record is)."""
    columns = [c for c in columns if isinstance(c, str)]
    by_lower = {c.lower(): c for c in reversed(columns)}
    found: dict[str, str] = {}
    for part, candidates in DEFAULTS.items():
        if part in mapping:
            column = mapping[part] if mapping[part] in columns else by_lower.get(mapping[part].lower())
            if column is None:
                raise ColumnsError(
                    f"{name} has no column {mapping[part]!r} (--columns {part}={mapping[part]}); its columns are: "
                    f"{', '.join(columns) or '(none)'}. Pass --columns with one of them"
                )
            found[part] = column
            continue
        for candidate in candidates:
            column = candidate if candidate in columns else by_lower.get(candidate.lower())
            if column is not None:
                found[part] = column
                break
    return found


def no_text_error(name: str, columns: Iterable[str]) -> ValueError:
    """A file with none of the usual text columns (and no mapping for it) is skipped, not an error:
    a corpus folder may hold a table that is not articles."""
    return ValueError(
        f"{name}: no text column ({', '.join(DEFAULTS['text'])}), skipped; its columns are: "
        f"{', '.join(c for c in columns if isinstance(c, str)) or '(none)'}. Pass --columns text=COLUMN"
    )
