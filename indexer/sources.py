"""Publisher names ("source"): one spelling in the index, and the key a filter matches them by.

The index keeps a name as the input wrote it, its runs of spaces made one (so a facet lists
"BBC Arabic" once, not once per spacing); ``--source bbc arabic`` and ``source:"bbc  ARABIC"`` find it
through ``source_key``, which ignores case and spacing. Arabic names are matched as written.
"""


def clean_source(name: str) -> str:
    """The name as the index keeps it: trimmed, inner whitespace one space."""
    return " ".join((name or "").split())


def source_key(name: str) -> str:
    """What two names must share to be the same source: case and spacing do not count."""
    return clean_source(name).casefold()
