"""feedparser's reading of a date a feed wrote in a shape ``indexer.dates`` does not take.

Every other date goes to ``indexer.dates`` as written: it decides once, for every format, what is a
date (ISO 8601, RFC 2822) and keeps the rest as written.
"""

from datetime import datetime


def struct_date(parsed) -> str:
    """A ``time.struct_time`` in UTC (what feedparser gives) as an ISO datetime."""
    if not parsed:
        return ""
    return datetime(*parsed[:6]).isoformat() + "+00:00"
