"""Facet counts of a one-shot search on an index without facet columns, from the matched passages'
own stored keyword fields (with the columns, ``indexer.facetcols``, a search on the numpy engine
counts over arrays read from them).

A long-lived searcher (``serve``) counts facets over arrays of every facet term's postings (or of the
columns), read once when it opens (``search.executor``). A one-shot search (``arsearch search``) answers one query: reading
those postings first costs about a millisecond per facet term, and a 10k-passage corpus already has
~10,000 of them (discovered actors), so the CLI's start-up grew with the corpus. Reading the stored
``actors``/``topics``/``source`` of the matched passages instead costs a fraction of a millisecond per match,
and gives the same counts: a keyword field indexes each distinct word of its stored value once, an
ID field (the source) its whole value.
Above ``STORED_FACETS_MAX`` matches the postings are cheaper again, and the searcher uses them.
"""

from collections import Counter
from collections.abc import Iterable

from whoosh.fields import ID

#: Most matches counted from stored fields (~0.1 ms each; at 10k passages the facet postings cost ~4 s).
STORED_FACETS_MAX = 5_000
#: Matches read between two deadline checks.
CHECK_EVERY = 256


def stored_facet_counts(reader, fieldnames: tuple[str, ...], docnums: Iterable[int], check, story=None) -> dict[str, Counter]:
    """Per field, how many of ``docnums`` (live documents) carry each word of its stored value; with
    ``story`` (a document's story, ``PassageSearcher.story_key``), how many stories do."""
    counts = {f: Counter() for f in fieldnames}
    seen: set = set()
    whole = {f for f in fieldnames if isinstance(reader.schema[f], ID)}  # one term: the value (a source)
    for i, docnum in enumerate(docnums):
        if i % CHECK_EVERY == 0:
            check()
        fields = reader.stored_fields(int(docnum))
        for f in fieldnames:
            value = fields.get(f)
            if value:
                words = (value,) if f in whole else set(value.split())
                if story is not None:
                    key = story(docnum)
                    words = [w for w in words if (f, w, key) not in seen]
                    seen.update((f, w, key) for w in words)
                counts[f].update(words)
    return counts
