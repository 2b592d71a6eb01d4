"""Prefix and fuzzy words → the index words they stand for, capped, the most frequent first.

Whoosh's own ``Prefix`` and ``FuzzyTerm`` expand against every matching index word when the query
runs: ``س*`` is thousands of terms, and ``word~2`` compares the query with every index word that
shares its first letter, in Python. Here expansion happens once, at compile time, with a budget:
at most ``max_scanned`` index words are read per query word (else the query is refused with a
message), and of those that match, the ``max_expansions`` found in most passages are kept. The
result is a plain list of terms (``ExpandedTerms``) that any executor can run, and the count of what
was left out, which ``--explain`` reports.

Words are read per segment (``leaf_readers``): Whoosh's multi-segment reader merges term infos one
by one and is ~5× slower for the same walk.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from arsearch.indexer import settings
from arsearch.search.budget import Deadline, QueryBudget, over_limit
from whoosh import query as wq
from whoosh.support.levenshtein import distance


class ExpandedTerms(wq.MultiTerm):
    """Index words of one field that a prefix or fuzzy word expanded to, scored as Whoosh scores a
    prefix (a constant per matching word, not BM25: a rare expansion must not outrank the word)."""

    constantscore = True

    def __init__(self, fieldname: str, texts: tuple[str, ...], boost: float = 1.0):
        self.fieldname = fieldname
        self.texts = tuple(texts)
        self.boost = boost

    def _btexts(self, ixreader):
        return self.texts

    def __eq__(self, other):
        return (
            type(other) is type(self) and self.fieldname == other.fieldname
            and self.texts == other.texts and self.boost == other.boost
        )

    def __hash__(self):
        return hash((self.fieldname, self.texts, self.boost))

    def __repr__(self):
        return f"ExpandedTerms({self.fieldname!r}, {len(self.texts)} words)"


@dataclass(frozen=True)
class Expansion:
    """What one field gave for one query word: the words kept, and how many matched in all."""

    fieldname: str
    words: tuple[str, ...]
    matched: int

    @property
    def cut(self) -> bool:
        return self.matched > len(self.words)


def expand_prefix(reader, fieldname, prefix, typed, budget: QueryBudget, deadline: Deadline) -> Expansion:
    return _expand(reader, fieldname, prefix, lambda _w: True, typed, budget, deadline)


def expand_fuzzy(reader, fieldname, text, maxdist, typed, budget: QueryBudget, deadline: Deadline) -> Expansion:
    """Index words within ``maxdist`` edits of ``text`` that share its first letter (as Whoosh's
    ``FuzzyTerm(prefixlength=1)``); the length test skips most words before the distance is computed."""

    def near(word: str) -> bool:
        return abs(len(word) - len(text)) <= maxdist and distance(word, text, limit=maxdist) <= maxdist

    return _expand(reader, fieldname, text[:1], near, typed, budget, deadline)


def _expand(reader, fieldname, prefix, accept: Callable[[str], bool], typed, budget, deadline) -> Expansion:
    frequency: Counter[str] = Counter()
    scanned = 0
    for leaf, _base in reader.leaf_readers():
        if fieldname not in leaf.indexed_field_names():
            continue
        for btext, info in leaf.iter_prefix(fieldname, prefix):
            scanned += 1
            if scanned > budget.max_scanned:
                raise over_limit(
                    f"index words to scan for {typed}", scanned, settings.MAX_SCANNED, budget.max_scanned,
                    "add letters to the prefix or the fuzzy word, or write the word in full",
                )
            deadline.check()
            word = btext.decode("utf-8")
            if accept(word):
                frequency[word] += info.doc_frequency()
    ranked = sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0]))
    return Expansion(fieldname, tuple(w for w, _ in ranked[: budget.max_expansions]), len(ranked))
