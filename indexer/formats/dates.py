"""A date as a file writes it → an ISO 8601 string, when it can be read without guessing.

Feeds write RFC 822 dates (``Fri, 03 Nov 2017 14:20:00 +0300``), news APIs and HTML metadata ISO
8601 (``2017-11-03T14:20:00Z``), spreadsheets often ``2017-11-03 14:20``. Those are read; anything
else (``03/11/2017``: day or month first?) is kept as written, for the date filters to decide.
"""

import email.utils
from datetime import date, datetime


def iso_date(value: str) -> str:
    """``value`` as ISO 8601 (a date, or a datetime with its offset as given), "" when it is not one
    of the unambiguous shapes."""
    value = value.strip()
    if not value:
        return ""
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value).isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def struct_date(parsed) -> str:
    """A ``time.struct_time`` in UTC (what feedparser gives) as an ISO datetime."""
    if not parsed:
        return ""
    return datetime(*parsed[:6]).isoformat() + "+00:00"
