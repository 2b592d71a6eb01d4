"""Article dates, read once when the corpus is read: as written → ISO 8601, and the day filters use.

Inputs write dates every which way (a .jsonl field, an RSS ``pubDate``, a scraper's ISO timestamp).
Each is normalised here, at reading time, so that the index, the filters, the sort, the timeline and
the role titles (``gazetteer.Role.holds_on``) all see one form:

* an ISO 8601 date (``2017-11-05``, ``20171105``) stays a date;
* an ISO 8601 date and time (``2017-11-05T10:30``, ``2017-11-05 10:30:00+03:00``, ``…Z``) is kept as a
  datetime, its offset too, and its day is the date as written (the publisher's local day, not UTC's);
* an RFC 2822 date, as RSS feeds and e-mail write it (``Sun, 05 Nov 2017 10:30:00 +0300``), becomes
  the same ISO datetime;
* Arabic-Indic digits (٢٠١٧-١١-٠٥) are read as digits.

Anything else (``أمس``, ``05/11/2017``: day or month first?) is kept as written, shown as it is, and
has no day: it is never guessed into a date filter, and the build summary counts it.
"""

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

#: Arabic-Indic and Eastern Arabic-Indic (Persian) digits → ASCII, so ٢٠١٧ reads as 2017.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: A date alone: what ``date.fromisoformat`` reads, with the separators it accepts.
_DATE_ONLY_RE = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
#: An RFC 2822 date starts with an optional weekday, then the day of the month and an English month.
_RFC2822_RE = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\b")


@dataclass(frozen=True)
class ArticleDate:
    """A date as the index keeps it: ``text`` to show (ISO, or as written), ``day`` to filter on."""

    text: str
    day: str  # "YYYY-MM-DD", or "" when the date is missing or was not understood

    @property
    def unreadable(self) -> bool:
        return bool(self.text) and not self.day


def normalize_date(raw: str) -> ArticleDate:
    """The ISO form and the day of a date as an input wrote it (see the module docstring)."""
    written = " ".join((raw or "").split())
    if not written:
        return ArticleDate("", "")
    text = written.translate(_DIGITS)
    if _DATE_ONLY_RE.match(text):
        try:
            day = dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return ArticleDate(written, "")
        return ArticleDate(day, day)
    moment = _iso_datetime(text) or _rfc2822(text)
    if moment is None:
        return ArticleDate(written, "")
    return ArticleDate(moment.isoformat(), moment.date().isoformat())


def _iso_datetime(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _rfc2822(text: str) -> dt.datetime | None:
    if not _RFC2822_RE.match(text):
        return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def day_of(text: str) -> str:
    """The day of an already normalised date ("" when it has none): ``normalize_date`` decides."""
    return normalize_date(text).day
