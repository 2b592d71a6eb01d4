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


def collapse(ids: np.ndarray, scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Indices into ``ids`` of each story's best match (highest score, then lowest document
    number), best story first."""
    import numpy as np

    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((ids, -scores))
    keys = groups[ids[order]]
    by_key = np.argsort(keys, kind="stable")  # a story's first position in ``order`` leads its run
    first = by_key[_run_starts(keys[by_key])]
    return order[np.sort(first)]


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
    """How many stories among the documents ``ids`` carry each term of a keyword field."""
    import numpy as np

    terms, docs, term_of = executor.facet_arrays(fieldname)
    if not len(ids):
        return {}
    chosen = np.zeros(executor.doccount, dtype=bool)
    chosen[ids] = True
    sel = chosen[docs]
    width = np.int64(len(groups) + executor.doccount + 1)
    pairs = np.sort(term_of[sel] * width + groups[docs[sel]])
    pairs = pairs[_run_starts(pairs)]
    counts = np.bincount(pairs // width, minlength=len(terms))
    return {terms[i]: int(counts[i]) for i in np.flatnonzero(counts)}


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
