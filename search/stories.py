"""Reposts at search time: one hit per story, the other copies listed under it.

A story is the set of passages sharing a ``story`` term (written at index time, see
``indexer.reposts``); a passage without one is a story of its own. Under dedupe:

* a story's hit is its best-scoring matching passage, ties to the lower document number (the
  order Whoosh ranks ties in), and stories are ranked by that hit;
* offset and limit count stories, so pages never skip or repeat a story;
* ``SearchResult.total`` still counts matching passages; ``SearchResult.stories`` counts the
  stories among them (the number of hits there are to page through);
* facets count the stories carrying a term, not its passages.

The numpy executor runs this on arrays (``collapse``, ``story_facet_counts``); the Whoosh reference
walks its ranked list (``first_per_story``, also what a date sort keeps). ``tests/test_executor.py``
checks they agree. numpy is imported by the array functions only: the Whoosh path of a one-shot
search never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: numpy is imported where arrays are made
    import numpy as np

#: The keyword field that names a passage's story.
STORY_FIELD = "story"


def story_groups(executor) -> np.ndarray:
    """For every global document number, its story's number: ``doccount + i`` for the i-th story
    term, the document's own number when it has no copy (read from the executor's facet arrays)."""
    import numpy as np

    terms, docs, term_of = executor.facet_arrays(STORY_FIELD)
    groups = np.arange(executor.doccount, dtype=np.int64)
    groups[docs] = executor.doccount + term_of
    return groups


def collapse(ids: np.ndarray, scores: np.ndarray, groups: np.ndarray, wanted: int | None = None) -> np.ndarray:
    """Indices into ``ids`` of each story's best match (highest score, then lowest document
    number), best story first; only the first ``wanted`` of them when given (a page's worth).

    For a page, only the best-scoring matches are ordered: everything scoring at least the k-th
    best score is a prefix of the whole order (ties included), so the first stories found there
    are the first stories overall once there are ``wanted`` of them; k grows until there are (or
    the prefix is every match). A common word's tens of thousands of matches are then not sorted.
    """
    import numpy as np

    if not len(ids) or (wanted is not None and wanted <= 0):
        return np.zeros(0, dtype=np.int64)
    if wanted is None or wanted >= len(ids):
        return _collapse(ids, scores, groups)
    k = wanted
    while True:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        prefix = np.flatnonzero(scores >= kth)
        best = prefix[_collapse(ids[prefix], scores[prefix], groups)]
        if len(best) >= wanted or len(prefix) == len(ids):
            return best[:wanted]
        k = min(len(ids), 4 * k)


def _collapse(ids: np.ndarray, scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    import numpy as np

    order = np.lexsort((ids, -scores))
    keys = groups[ids[order]]
    by_key = np.argsort(keys, kind="stable")  # a story's first position in ``order`` leads its run
    first = by_key[_run_starts(keys[by_key])]
    return order[np.sort(first)]


def count_stories(ids: np.ndarray, groups: np.ndarray, doccount: int) -> int:
    """How many stories the documents ``ids`` belong to: a passage without copies is one of its own,
    so only the (few) passages with copies are sorted to count theirs."""
    import numpy as np

    story = groups[ids]
    shared = np.sort(story[story >= doccount])
    return len(ids) - len(shared) + (int(np.count_nonzero(shared[1:] != shared[:-1])) + 1 if len(shared) else 0)


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array: ``np.unique`` by hand, which
    (unlike ``np.unique``) does not import ``numpy.ma`` into a one-shot search."""
    import numpy as np

    starts = np.empty(len(ordered), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return starts


def copies_of(doc: int, ids: np.ndarray, groups: np.ndarray, doccount: int) -> list[int]:
    """The other matching documents of ``doc``'s story (none for a passage without copies)."""
    g = groups[doc]
    if g < doccount:
        return []
    return [int(d) for d in ids[groups[ids] == g] if d != doc]


def story_facet_counts(executor, fieldname: str, ids: np.ndarray, groups: np.ndarray) -> dict[str, int]:
    """How many stories among the documents ``ids`` carry each term of a keyword field, in facet
    order (``search.executor.ranked_counts``)."""
    import numpy as np
    from arsearch.search.executor import ranked_counts

    terms = executor.facet_arrays(fieldname)[0]
    if not len(ids):
        return {}
    story = groups[ids]
    # A passage without copies is a story of its own and holds a term once: counted as it is. Only
    # the (few) passages with copies need their (term, story) pairs made distinct.
    shared = story >= executor.doccount
    counts = np.bincount(executor.terms_of(fieldname, ids[~shared])[0], minlength=len(terms))
    if shared.any():
        carried, per_doc = executor.terms_of(fieldname, ids[shared])
        width = np.int64(len(groups) + executor.doccount + 1)
        pairs = np.sort(carried * width + np.repeat(story[shared], per_doc))
        distinct = pairs[_run_starts(pairs)]  # sorted, not np.unique's hashing: 30× slower on these
        counts += np.bincount(distinct // width, minlength=len(terms))
    return ranked_counts(terms, counts)

def first_per_story(ranked: Iterable[tuple[int, float]], story: Callable[[int], object]) -> list[tuple[int, float]]:
    """The first (best, or first in date order) hit of each story in an already ordered list."""
    seen: set = set()
    out = []
    for docnum, score in ranked:
        key = story(docnum)
        if key not in seen:
            seen.add(key)
            out.append((docnum, score))
    return out
