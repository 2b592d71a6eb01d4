"""JSON Lines (one article per line) and JSON documents: an array of articles, or a news API's
``{"status": "ok", "articles": [...]}`` with the array under a key.

Every record's fields are found by the same column mapping as a CSV row's (``formats.columns``):
``body`` or ``content`` serve as the text as well as ``text`` does.
"""

import json
from collections.abc import Iterator

from arsearch.indexer.formats import columns as cols
from arsearch.indexer.formats.entry import Entry, Warn
from arsearch.indexer.formats.records import record_entry

#: Keys under which a JSON document keeps its list of articles, as news APIs and exports name it.
LIST_KEYS = ("articles", "items", "results", "data", "entries", "posts", "documents", "records")


def _keys(records) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        if isinstance(record, dict):
            seen.update(dict.fromkeys(k for k in record if isinstance(k, str)))
    return list(seen)


def _entries(numbered, name: str, mapping: dict[str, str], warn: Warn, unit: str) -> Iterator[Entry]:
    """Entries of (number, record) pairs; the columns are resolved once, over every record's keys."""
    numbered = list(numbered)
    keys = _keys(r for _, r in numbered)
    found = cols.resolve(mapping, keys, name)
    if "text" not in found and any(isinstance(r, dict) for _, r in numbered):
        raise cols.no_text_error(name, keys)
    for number, record in numbered:
        entry, problem = record_entry(record, found, number)
        if problem:
            warn(number, f"{problem}, {unit} skipped")
        else:
            yield entry


def read_jsonl(text: str, name: str, mapping: dict[str, str], warn: Warn) -> Iterator[Entry]:
    """One article per line; a line that is not one is reported and left out."""
    if not text.strip():
        raise ValueError(f"{name}: empty, skipped")
    numbered = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            numbered.append((lineno, json.loads(line)))
        except json.JSONDecodeError as e:
            warn(lineno, f"not valid JSON ({e.msg}), line skipped")
        except RecursionError:
            warn(lineno, "nested too deeply to be an article, line skipped")
    yield from _entries(numbered, name, mapping, warn, "line")


def read_json(text: str, name: str, mapping: dict[str, str], warn: Warn) -> Iterator[Entry]:
    """The articles of a JSON array, or of the array a document keeps under one of ``LIST_KEYS``."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{name}: not valid JSON ({e.msg} at line {e.lineno}), skipped") from None
    except RecursionError:
        raise ValueError(f"{name}: nested too deeply to be articles, skipped") from None
    if isinstance(document, dict):
        lists = [k for k in LIST_KEYS if isinstance(document.get(k), list)]
        if lists:
            document = document[lists[0]]
        elif cols.resolve(mapping, document, name).get("text"):
            document = [document]  # one article
        else:
            raise ValueError(
                f"{name}: a JSON object with no list of articles ({', '.join(LIST_KEYS)}) and no text, skipped; "
                f"its keys are: {', '.join(k for k in document if isinstance(k, str)) or '(none)'}"
            )
    if not isinstance(document, list):
        raise ValueError(f"{name}: a JSON {type(document).__name__}, not an array of articles, skipped")
    yield from _entries(enumerate(document, 1), name, mapping, warn, "record")
