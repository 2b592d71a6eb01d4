"""Prefix and fuzzy words → the index words they stand for, capped, the most frequent first.

Whoosh's own ``Prefix`` and ``FuzzyTerm`` expand against every matching index word when the query
runs: ``س*`` is thousands of terms, and ``word~2`` compares the query with every index word that
shares its first letter, in Python. Here expansion happens once, at compile time, with a budget:
at most ``max_scanned`` index words are read for all the prefix and fuzzy words of one query (else
the query is refused with a message), and of those that match, the ``max_expansions`` found in most
passages are kept per word and field. The
result is a plain list of terms (``ExpandedTerms``) that any executor can run, and the count of what
was left out, which ``--explain`` reports.

Words are read per segment (``leaf_readers``): Whoosh's multi-segment reader merges term infos one
by one and is ~5× slower for the same walk.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from arsearch.indexer import settings
from arsearch.search.budget import Deadline, QueryBudget, QueryLimitError
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


class Expander:
    """Expands the prefix and fuzzy words of one query against one reader, sharing one scan budget."""

    def __init__(self, reader, budget: QueryBudget, deadline: Deadline):
        self.reader = reader
        self.budget = budget
        self.deadline = deadline
        self.scanned = 0

    def prefix(self, fieldname: str, prefix: str, typed: str) -> Expansion:
        return self._expand(fieldname, prefix, lambda _w: True, typed)

    def fuzzy(self, fieldname: str, text: str, maxdist: int, typed: str) -> Expansion:
        """Index words within ``maxdist`` edits of ``text`` that share its first letter (as Whoosh's
        ``FuzzyTerm(prefixlength=1)``), or its first letter after the article ال: the edit is never
        in the article, and a word with ال does not scan a fifth of the vocabulary. The length test
        skips most words before the distance is computed."""

        def near(word: str) -> bool:
            return abs(len(word) - len(text)) <= maxdist and distance(word, text, limit=maxdist) <= maxdist

        fixed = 3 if text.startswith("ال") and len(text) > 4 else 1
        return self._expand(fieldname, text[:fixed], near, typed)

    def _expand(self, fieldname, prefix, accept: Callable[[str], bool], typed) -> Expansion:
        frequency: Counter[str] = Counter()
        for leaf, _base in self.reader.leaf_readers():
            if fieldname in leaf.indexed_field_names():
                for word, df in self._scan(leaf, fieldname, prefix, typed):
                    if accept(word):
                        frequency[word] += df
        ranked = sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0]))
        return Expansion(fieldname, tuple(w for w, _ in ranked[: self.budget.max_expansions]), len(ranked))

    def _scan(self, leaf, fieldname, prefix, typed):
        limit = self.budget.max_scanned
        for btext, info in leaf.iter_prefix(fieldname, prefix):
            self.scanned += 1
            if self.scanned > limit:
                raise QueryLimitError(
                    f"the query's prefix and fuzzy words reach more than {limit:,} index words (at {typed}), "
                    f"over the limit (${settings.MAX_SCANNED.env}); add letters to {typed}, or write it in full"
                )
            self.deadline.check()
            yield btext.decode("utf-8"), info.doc_frequency()


def index_words(reader, fieldname: str) -> set[str]:
    """Every word of a field, read segment by segment and without term infos (at 10k passages, ~0.5 s
    against ~12 s for the merged lexicon with a frequency per word)."""
    words: set[str] = set()
    for leaf, _base in reader.leaf_readers():
        if fieldname in leaf.indexed_field_names():
            words.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in leaf.lexicon(fieldname))
    return words
