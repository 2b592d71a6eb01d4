"""CSV and TSV exports: one article per row, the header naming the columns (``formats.columns``).

A spreadsheet's CSV may be cut by commas or semicolons (a locale with decimal commas): the header
line tells which. A cell may hold a whole article, paragraphs and all, so the csv module's cell
limit is raised to the file size limit.
"""

import csv
import io
from collections.abc import Iterator

from arsearch.indexer import settings
from arsearch.indexer.formats import columns as cols
from arsearch.indexer.formats.entry import Entry, Warn
from arsearch.indexer.formats.records import record_entry


def _delimiter(text: str, name: str) -> str:
    if name.lower().removesuffix(".gz").endswith(".tsv"):
        return "\t"
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def read_table(text: str, name: str, mapping: dict[str, str], warn: Warn) -> Iterator[Entry]:
    """The articles of a CSV/TSV file with a header row; a row without text is reported and left out."""
    csv.field_size_limit(max(csv.field_size_limit(), int(settings.MAX_FILE_MB.value() * 2**20)))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, name))
    try:
        header = next(rows, None)
        if not header or not any(h.strip() for h in header):
            raise ValueError(f"{name}: empty, or no header row naming the columns, skipped")
        header = [h.strip().lstrip("\ufeff") for h in header]
        found = cols.resolve(mapping, header, name)
        if "text" not in found:
            raise cols.no_text_error(name, header)
        for number, row in enumerate(rows, 1):
            if not any(cell.strip() for cell in row):
                continue
            entry, problem = record_entry(dict(zip(header, row, strict=False)), found, number)
            if problem:
                warn(number, f"{problem}, row skipped")
            else:
                yield entry
    except csv.Error as e:
        raise ValueError(f"{name}: not valid CSV ({e}), skipped") from None
