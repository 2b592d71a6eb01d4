"""A record (a CSV row, a JSON object) → an entry, by the column mapping: one rule for every table format."""

from arsearch.indexer.formats.entry import Entry


def _value(value, part: str) -> tuple[str, str]:
    """A field as text, or a problem. JSON gives more shapes than text: a number is fine for an id or
    a date, a news API's ``{"id": …, "name": …}`` source gives its name, a list of names its names."""
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return "", f"is a JSON {'true' if value else 'false'}, not a string"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | float) and part in ("id", "date"):
        text = str(value)
    elif isinstance(value, dict) and isinstance(value.get("name"), str):
        text = value["name"]
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value) and part != "text":
        text = ", ".join(value)
    else:
        return "", f"is a JSON {type(value).__name__}, not a string"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return "", f"holds a lone surrogate (\\u{ord(text[e.start]):04x}), not text"
    return text.strip(), ""


def record_entry(record, columns: dict[str, str], number: int) -> tuple[Entry | None, str]:
    """The entry a record gives, or None and why it cannot be one."""
    if not isinstance(record, dict):
        return None, f"a JSON {type(record).__name__}, not an object"
    parts: dict[str, str] = {}
    for part, column in columns.items():
        text, problem = _value(record.get(column), part)
        if problem and part != "text":
            return None, f'"{column}" {problem}'
        if problem and "surrogate" in problem:
            return None, f'"{column}" {problem}'
        parts[part] = text
    if not parts.get("text"):
        return None, f'no "{columns.get("text", "text")}" string'
    date = parts.get("date", "")
    return Entry(
        parts["text"], title=parts.get("title", ""), source=parts.get("source", ""),
        date=date, url=parts.get("url", ""), author=parts.get("author", ""),
        ident=parts.get("id", ""), number=number,
    ), ""
