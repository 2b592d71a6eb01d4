"""Matching a phrase on arrays: which candidate documents hold its words at consecutive positions.

The executor hands over, for each word of the phrase, the positions of that word in every candidate
document (the documents that have all the words), from the segment's positions side file
(``indexer.positions``) or decoded from Whoosh's own postings when the segment has none. Whoosh's
rule for a phrase at slop 1 (``SpanNear2`` ordered, mindist 1) is that some start p has word j at
p + j for every j; here that is a set intersection of (document, position - j) keys, one sorted
array per word, so the cost is linear in the positions read instead of a Python loop per posting.
"""

import numpy as np

#: A key is (candidate << 32) | start: positions are int32, candidates far below 2**31.
_SHIFT = 32


def _keys(counts: np.ndarray, positions: np.ndarray, offset: int) -> np.ndarray:
    """Sorted (candidate, position - offset) keys of one word; starts before 0 cannot match."""
    doc = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    start = positions.astype(np.int64) - offset
    ok = start >= 0
    return (doc[ok] << _SHIFT) | start[ok]


def _within(keys: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The keys also in ``other`` (both sorted and unique)."""
    if not len(keys) or not len(other):
        return keys[:0]
    at = np.searchsorted(other, keys)
    at[at == len(other)] = 0
    return keys[other[at] == keys]


def phrase_matches(words: list[tuple[np.ndarray, np.ndarray]], candidates: int) -> np.ndarray:
    """A mask over ``candidates``: which hold the phrase. ``words[j]`` is (positions per candidate,
    all of them concatenated in candidate order, ascending within each) for the phrase's j-th word."""
    # The rarest word first: every later step only filters what survived.
    order = sorted(range(len(words)), key=lambda j: len(words[j][1]))
    found = _keys(*words[order[0]], order[0])
    for j in order[1:]:
        if not len(found):
            break
        found = _within(found, _keys(*words[j], j))
    keep = np.zeros(candidates, dtype=bool)
    keep[found >> _SHIFT] = True
    return keep
