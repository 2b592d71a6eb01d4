"""A small dated news corpus, real Arabic, for the date, source and timeline tests (CLI, page, browser)."""

import shutil
from pathlib import Path

#: A small news corpus (docs/news-sample, which the README's examples use): real Arabic, dates in
#: the forms inputs write them, sources spelt several ways, one undated article and one whose date
#: is not understood, and two articles whose role title means another man by their date.
SAMPLE = Path(__file__).resolve().parent.parent / "docs" / "news-sample" / "news.jsonl"


def write_news(folder: Path) -> Path:
    """A copy of the sample corpus in ``folder`` (a test may build an index of it anywhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE, folder / "news.jsonl")
    return folder
