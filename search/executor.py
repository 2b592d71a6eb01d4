"""Running a compiled Whoosh query on numpy arrays, segment by segment: the searcher's fast path.

Whoosh scores every match in Python, one posting at a time; here each query node becomes a sorted
array of segment-local document numbers with their scores, and And/Or/Not are array merges. What
the results must equal is Whoosh's own collector (``PassageSearcher(engine="whoosh")``, kept as the
reference and checked against this module by ``tests/test_executor.py``), so every rule below is
Whoosh's, read from its matchers:

* a term scores BM25F with the top searcher's idf and average field length and the segment's
  quantised field lengths; a boost multiplies the score;
* And and Or add their children's scores; a ``Not`` child matches the live documents its query does
  not and adds 1.0 (``InverseMatcher``'s weight), ``Every`` adds its boost;
* an Or in a segment of ≤ 5,000 documents with more than two children is Whoosh's array union: the
  same sum, except under a prefix or fuzzy term's own Or, where it scores a constant 1.0;
* prefix and fuzzy terms (and term ranges) expand per segment (a segment's lexicon, Whoosh's own
  expansion), one expanded term scores as a plain term;
* a phrase matches consecutive positions and scores the sum of its words' term scores; positions
  come from the segment's side file (``indexer.positions``), else from Whoosh's postings
  (``search.phrases`` matches them);
* the top hits are the highest scores, ties in document order (Whoosh's heap).

Deleted documents never match. Scores agree with Whoosh's to rounding (sums may be added in
another order), which the differential test bounds at 1e-9.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from arsearch.indexer.positions import PHRASE_FIELD, decode_values, gather, open_segment_positions
from arsearch.search.phrases import phrase_matches
from arsearch.search.postings import Postings, PostingsCache, check_layout, field_lengths, read_postings
from whoosh import query as wq

#: Whoosh's Or switches to an array union (scores summed in child order, or a constant under a
#: prefix's Or) in segments up to this size with more than two children (``whoosh.query.Or``).
ARRAY_UNION_MAX_DOCS = 5000
#: ... and always from this many children on.
ARRAY_UNION_MIN_CLAUSES = 1024

#: Queries that Whoosh runs as an Or of the terms they expand to in each segment (``MultiTerm.matcher``):
#: prefix and fuzzy terms, and term ranges (string dates, for filters by range).
EXPANDING = (wq.MultiTerm,)  # Prefix, FuzzyTerm, TermRange, Variations, search.expansion.ExpandedTerms

#: An Or whose children match at least a segment's documents / this many sums them on a dense array
#: of the segment's documents instead of merging sorted arrays (the same sums, in the same order).
DENSE_OR_RATIO = 32

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Matches:
    """Matching documents (ascending numbers) and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


_NONE = Matches(_EMPTY_IDS, _EMPTY_SCORES)


class _Segment:
    """One Whoosh segment as arrays: which documents are live, and field lengths when needed."""

    def __init__(self, number: int, reader, offset: int):
        check_layout(reader)
        self.number = number
        self.reader = reader
        self.offset = offset
        self.doccount = reader.doc_count_all()
        self.live = np.ones(self.doccount, dtype=bool)
        if reader.has_deletions():
            self.live[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
        self.live_ids = np.flatnonzero(self.live).astype(np.int64)
        self._lengths: dict[str, np.ndarray] = {}
        self._positions = None
        self._positions_opened = False

    def positions_file(self):
        """The segment's phrase positions side file, opened (O(1), memory-mapped) on first use;
        None when it has none or a damaged one."""
        if not self._positions_opened:
            self._positions = open_segment_positions(self.reader)
            self._positions_opened = True
        return self._positions

    def lengths(self, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:
            found = self._lengths[fieldname] = field_lengths(self.reader, fieldname)
        return found


class QueryExecutor:
    """Runs compiled queries on an open Whoosh searcher's segments (see the module docstring).

    ``cache_bytes`` > 0 keeps decoded postings of the hot terms between queries (a long-lived
    searcher); ``facet_fields`` are keyword fields whose per-document terms are read once here, so
    that facet counts over any match set are one ``bincount``.
    """

    def __init__(self, searcher, cache_bytes: int = 0, facet_fields: tuple[str, ...] = ()):
        self.searcher = searcher
        self.schema = searcher.schema
        weighting = searcher.weighting
        self.B, self.K1 = weighting.B, weighting.K1
        self.segments = [_Segment(n, s.reader(), offset) for n, (s, offset) in enumerate(searcher.leaf_searchers())]
        self.doccount = searcher.doc_count_all()
        self.cache = PostingsCache(cache_bytes) if cache_bytes > 0 else None
        self._memo: dict = {}  # without a cache: postings read during the current run only
        #: Called between segments and between terms; a deadline raises from it (query budgets).
        self.check: Callable[[], None] | None = None
        self.facets = {f: self._facet_arrays(f) for f in facet_fields}
        self._by_doc: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # see terms_of
        self._columns: dict[str, Column] = {}

    # --- postings ----------------------------------------------------------------------------------
    def postings(self, seg: _Segment, fieldname: str, btext: bytes) -> Postings | None:
        if self.check is not None:
            self.check()
        key = (seg.number, fieldname, btext)
        if self.cache is None:
            # No cache (a one-shot search): still read each term once per query, as a phrase's
            # clitic variants (وال…, بال…, …) all ask for its other words' postings.
            if key not in self._memo:
                self._memo[key] = read_postings(seg.reader, fieldname, btext)
            return self._memo[key]
        found = self.cache.get(key)
        if found is None:
            found = read_postings(seg.reader, fieldname, btext)
            # A term the segment lacks is remembered too (as False): prefix-free queries ask often.
            self.cache.put(key, found or False, found.nbytes if found else 64)
        return found or None

    def _btext(self, fieldname: str, text) -> bytes | None:
        if isinstance(text, bytes):
            return text
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    # --- the API -----------------------------------------------------------------------------------
    def run(
        self, q: wq.Query, allow: wq.Query | None = None, scored: bool = True,
        check: Callable[[], None] | None = None,
    ) -> Matches:
        """Every live document matching ``q`` (and ``allow``, which never adds to a score), with
        global document numbers and Whoosh's scores (0.0 when ``scored`` is False). ``check`` is the
        query's deadline (``search.budget.Deadline.check``), called between segments and terms; one
        run at a time per executor, as per searcher."""
        self.check = check
        ids, scores = [], []
        for seg in self.segments:
            if self.check is not None:
                self.check()
            self._memo = {}
            m = self._node(q, seg, True)
            if allow is not None and len(m):
                keep = np.isin(m.ids, self._node(allow, seg, False).ids, assume_unique=True)
                m = Matches(m.ids[keep], m.scores[keep])
            if len(m):
                ids.append(m.ids + seg.offset)
                scores.append(m.scores)
        self._memo = {}
        if not ids:
            return _NONE
        found = Matches(np.concatenate(ids), np.concatenate(scores))
        return found if scored else Matches(found.ids, np.zeros(len(found), dtype=np.float64))

    @staticmethod
    def top(matches: Matches, limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best (document, score) pairs: highest score first, ties in document order."""
        if not limit or not len(matches):
            return []
        scores, ids = matches.scores, matches.ids
        if limit < len(ids):
            # Everything scoring at least the limit-th best score, then the exact order among those.
            kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            keep = scores >= kth
            scores, ids = scores[keep], ids[keep]
        order = np.lexsort((ids, -scores))[:limit]
        return [(int(ids[i]), float(scores[i])) for i in order]

    def facet_counts(self, fieldname: str, ids: np.ndarray) -> dict[str, int]:
        """How many of the documents ``ids`` (global, ascending) carry each term of a keyword field,
        in facet order (``ranked_counts``)."""
        terms = self.facet_arrays(fieldname)[0]
        if not len(ids):
            return {}
        return ranked_counts(terms, np.bincount(self.terms_of(fieldname, ids)[0], minlength=len(terms)))

    def terms_of(self, fieldname: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The term numbers that the documents ``ids`` (global, live) carry in a keyword field, one
        document's after the other, and how many each carries. Read from the field's postings
        ordered by document (made once), so the cost is that of the documents asked for, not of
        every posting of the field."""
        start, by_doc = self._by_doc.get(fieldname) or self._order_by_doc(fieldname)
        begin = start[ids]
        per_doc = start[ids + 1] - begin
        total = int(per_doc.sum())
        if not total:
            return _EMPTY_IDS, per_doc
        # Posting i of the output is document k's (i - first output of k)-th: begin[k] + that.
        at = np.repeat(begin - np.cumsum(per_doc) + per_doc, per_doc) + np.arange(total, dtype=np.int64)
        return by_doc[at], per_doc

    def _order_by_doc(self, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        _, docs, term_of = self.facet_arrays(fieldname)
        start = np.zeros(self.doccount + 1, dtype=np.int64)
        np.cumsum(np.bincount(docs, minlength=self.doccount), out=start[1:])
        found = self._by_doc[fieldname] = (start, term_of[np.argsort(docs, kind="stable")])
        return found

    def facet_arrays(self, fieldname: str):
        """(terms as an object array, documents, term of each) of a keyword field, read on first use by a one-shot
        searcher (its first large match set, search.facets) and at open by a long-lived one."""
        if fieldname not in self.facets:
            self.facets[fieldname] = self._facet_arrays(fieldname)
        return self.facets[fieldname]

    def _facet_arrays(self, fieldname: str):
        """Terms sorted (as ``str`` sorts them: UTF-8 bytes sort in code point order), so that a term's
        number is its rank, which ``ranked_counts`` orders ties by."""
        postings = []
        for seg in self.segments:
            for btext in seg.reader.lexicon(fieldname):
                p = read_postings(seg.reader, fieldname, btext)
                postings.append((btext, p.ids[seg.live[p.ids]] + seg.offset))
        if not postings:
            return np.array([], dtype=object), _EMPTY_IDS, _EMPTY_IDS
        names = sorted({btext for btext, _ in postings})
        number = {btext: n for n, btext in enumerate(names)}
        docs = np.concatenate([ids for _, ids in postings])
        term_of = np.concatenate([np.full(len(ids), number[btext], dtype=np.int64) for btext, ids in postings])
        return np.array([t.decode("utf-8") for t in names], dtype=object), docs, term_of

    # --- one-term-per-document fields: date filters, source filters, the date sort -----------------
    def column(self, fieldname: str) -> "Column":
        """A field with at most one term per passage (``day``, ``source``, ``article_id``) as an
        array, read once per searcher: filters and the date sort are then array operations."""
        found = self._columns.get(fieldname)
        if found is None:
            found = self._columns[fieldname] = Column.read(self, fieldname)
        return found

    def restrict(self, matches: Matches, days=None, sources=None) -> Matches:
        """The matches whose day is in ``days`` (a ``search.filters.DateRange``) and whose source is
        one of ``sources`` (names as indexed); None leaves that filter out."""
        keep = np.ones(len(matches), dtype=bool)
        if days is not None:
            ranks = self.column("day").ranks[matches.ids]
            lo, hi = self.column("day").span(days.start, days.end)
            keep &= (ranks >= lo) & (ranks < hi)
        if sources is not None:
            wanted = self.column("source").numbers(sources)
            keep &= np.isin(self.column("source").ranks[matches.ids], wanted)
        return matches if keep.all() else Matches(matches.ids[keep], matches.scores[keep])

    def top_by_date(self, matches: Matches, limit: int, newest_first: bool) -> list[tuple[int, float]]:
        """The first ``limit`` matches by day (``search.filters`` decides the order: undated last,
        then the score, then the document)."""
        if not limit or not len(matches):
            return []
        ranks = self.column("day").ranks[matches.ids]
        undated = ranks < 0
        order = np.lexsort((matches.ids, -matches.scores, -ranks if newest_first else ranks, undated))[:limit]
        return [(int(matches.ids[i]), float(matches.scores[i])) for i in order]

    # --- query nodes -------------------------------------------------------------------------------
    def _node(self, q, seg: _Segment, scored: bool) -> Matches:
        """``scored`` is False under a prefix or fuzzy term's Or (Whoosh runs it without weighting)."""
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost, seg)
        if isinstance(q, wq.Or):
            return self._or(q, seg, scored)
        if isinstance(q, wq.And):
            return self._and(q.subqueries, q.boost, seg, scored)
        if isinstance(q, wq.AndMaybe):
            a = self._node(q.a, seg, scored)
            b = self._node(q.b, seg, scored)
            scores = a.scores.copy()
            pos = np.searchsorted(b.ids, a.ids)
            pos[pos == len(b.ids)] = 0
            hit = b.ids[pos] == a.ids if len(b.ids) else np.zeros(len(a.ids), dtype=bool)
            scores[hit] = scores[hit] + b.scores[pos[hit]]
            return Matches(a.ids, scores)
        if isinstance(q, wq.Not):
            inner = self._node(q.query, seg, False)
            ids = np.setdiff1d(seg.live_ids, inner.ids, assume_unique=True)
            return Matches(ids, np.ones(len(ids), dtype=np.float64))
        if isinstance(q, wq.Every) and q.fieldname is None:
            return Matches(seg.live_ids, np.full(len(seg.live_ids), float(q.boost)))
        if isinstance(q, EXPANDING) and not (isinstance(q, wq.Prefix) and not q.text):  # "" is Every
            words = [w for w in q._btexts(seg.reader) if w]
            if not words:
                return _NONE
            if len(words) == 1:
                return self._term(q.fieldname, words[0], 1.0, seg)
            expanded = wq.Or([wq.Term(q.fieldname, w) for w in words], boost=q.boost)
            return self._or(expanded, seg, False)
        if isinstance(q, wq.Phrase) and q.slop == 1:
            return self._phrase(q, seg)
        raise TypeError(f"the numpy executor does not run {type(q).__name__} queries; use engine='whoosh'")

    def _term(self, fieldname: str, text, boost: float, seg: _Segment) -> Matches:
        btext = self._btext(fieldname, text)
        if btext is None:
            return _NONE
        p = self.postings(seg, fieldname, btext)
        if p is None:
            return _NONE
        keep = seg.live[p.ids]
        ids = p.ids[keep]
        scores = self._bm25(fieldname, btext, p.weights[keep], ids, seg)
        if boost != 1.0:
            scores = scores * boost
        return Matches(ids, scores)

    def _bm25(self, fieldname: str, btext: bytes, tf: np.ndarray, ids: np.ndarray, seg: _Segment) -> np.ndarray:
        if not self.schema[fieldname].scorable:
            return tf  # Whoosh's WeightScorer: the weight itself
        top = self.searcher
        idf = top.idf(fieldname, btext)
        avgfl = top.avg_field_length(fieldname) or 1
        B, K1 = self.B, self.K1
        fl = seg.lengths(fieldname)[ids]
        # Whoosh's scoring.bm25, operation for operation.
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    def _or(self, q: wq.Or, seg: _Segment, scored: bool) -> Matches:
        subs = q.subqueries
        if not subs:
            return _NONE
        if len(subs) == 1:
            return self._node(subs[0], seg, scored)
        parts = [self._node(s, seg, scored) for s in subs]
        parts = [p for p in parts if len(p)]
        if not parts:
            return _NONE
        array_union = len(subs) >= ARRAY_UNION_MIN_CLAUSES or (len(subs) > 2 and seg.doccount <= ARRAY_UNION_MAX_DOCS)
        if len(parts) > 1 and sum(len(p) for p in parts) * DENSE_OR_RATIO >= seg.doccount:
            ids, total = _dense_sum(parts, seg.doccount, q.boost if array_union else 1.0)
            if array_union and not scored:
                return Matches(ids, np.ones(len(ids), dtype=np.float64))
        else:
            ids = parts[0].ids if len(parts) == 1 else _union(parts)
            if array_union and not scored:
                return Matches(ids, np.ones(len(ids), dtype=np.float64))
            total = np.zeros(len(ids), dtype=np.float64)
            for p in parts:
                where = np.searchsorted(ids, p.ids)
                total[where] += p.scores * q.boost if array_union else p.scores
        if q.boost != 1.0 and not array_union:
            total = total * q.boost
        return Matches(ids, total)

    def _and(self, subs, boost: float, seg: _Segment, scored: bool) -> Matches:
        if not subs:
            return _NONE
        if len(subs) == 1:
            return self._node(subs[0], seg, scored)
        parts = []
        for s in subs:
            p = self._node(s, seg, scored)
            if not len(p):
                return _NONE
            parts.append(p)
        ids = parts[0].ids
        for p in parts[1:]:
            ids = _intersect(ids, p.ids)
        total = np.zeros(len(ids), dtype=np.float64)
        for p in parts:
            total += p.scores[np.searchsorted(p.ids, ids)]
        if boost != 1.0:
            total = total * boost
        return Matches(ids, total)

    def _phrase(self, q: wq.Phrase, seg: _Segment) -> Matches:
        fieldname = q.fieldname
        words = []
        for word in q.words:
            btext = self._btext(fieldname, word)
            if btext is None:
                return _NONE
            words.append(btext)
        terms = []
        for btext in words:
            p = self.postings(seg, fieldname, btext)
            if p is None:
                return _NONE  # Whoosh's shortcut: a word the segment lacks
            terms.append(p)
        ids = terms[0].ids
        for other in terms[1:]:
            ids = _intersect(ids, other.ids)
        ids = ids[seg.live[ids]]  # live after intersecting: the same documents, fewer to look up
        if not len(ids):
            return _NONE
        rows = [np.searchsorted(p.ids, ids) for p in terms]
        found = [self._positions(seg, fieldname, btext, p, r) for btext, p, r in zip(words, terms, rows, strict=True)]
        keep = phrase_matches(found, len(ids))
        ids = ids[keep]
        per_word = [
            self._bm25(fieldname, btext, p.weights[r[keep]], ids, seg) for btext, p, r in zip(words, terms, rows, strict=True)
        ]
        scores = _tree_sum(per_word)
        if q.boost != 1.0:
            scores = scores * q.boost
        return Matches(ids, scores)

    def _positions(self, seg: _Segment, fieldname: str, btext: bytes, p: Postings, rows: np.ndarray):
        """A phrase word's positions in the postings ``rows``: (count per row, all concatenated)."""
        side = seg.positions_file() if fieldname == PHRASE_FIELD else None
        found = side.term(btext, len(p.ids)) if side is not None else None
        if found is not None:
            return gather(*found, rows)
        return decode_values([p.values[r] for r in rows], self.schema[fieldname].format)


def _tree_sum(parts: list[np.ndarray]) -> np.ndarray:
    """Sum in the order of Whoosh's ``make_binary_tree`` (a phrase's intersection of its words)."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


@dataclass(frozen=True)
class Column:
    """A field with at most one term per document: its terms in sorted order, and per (global)
    document the rank of its term there, -1 for none. Ranks sort as the terms do."""

    terms: tuple[str, ...]
    ranks: np.ndarray

    @classmethod
    def read(cls, executor: QueryExecutor, fieldname: str) -> "Column":
        postings = []
        for seg in executor.segments:
            for btext in seg.reader.lexicon(fieldname):
                p = read_postings(seg.reader, fieldname, btext)
                if p is not None:
                    postings.append((btext, p.ids[seg.live[p.ids]] + seg.offset))
        terms = sorted({btext for btext, _ in postings})
        rank = {btext: n for n, btext in enumerate(terms)}
        ranks = np.full(executor.doccount, -1, dtype=np.int64)
        for btext, ids in postings:
            ranks[ids] = rank[btext]
        return cls(tuple(t.decode("utf-8") for t in terms), ranks)

    def span(self, start: str | None, end: str | None) -> tuple[int, int]:
        """Ranks ``lo <= r < hi`` of the terms from ``start`` to ``end``, both included."""
        lo = 0 if start is None else bisect_left(self.terms, start)
        hi = len(self.terms) if end is None else bisect_right(self.terms, end)
        return lo, hi

    def numbers(self, names) -> np.ndarray:
        wanted = set(names)
        return np.array([n for n, t in enumerate(self.terms) if t in wanted], dtype=np.int64)

    def values(self, ids: np.ndarray) -> list[str]:
        """The term of each document (global numbers), "" for none."""
        terms = ("", *self.terms)  # rank -1 → ""
        return [terms[r + 1] for r in self.ranks[ids].tolist()]


def ranked_counts(terms: np.ndarray, counts: np.ndarray) -> dict[str, int]:
    """The non-zero ``counts`` (one per term; ``terms`` sorted, an object array) by term, in facet
    order: the largest first, ties by term. Ordered here in numpy: a common word's facets hold tens
    of thousands of discovered actors at 100k, which Python's sort took a large part of a search to
    order."""
    nonzero = np.flatnonzero(counts)
    order = nonzero[np.argsort(-counts[nonzero], kind="stable")]
    return dict(zip(terms[order].tolist(), counts[order].tolist()))  # noqa: B905 (same lengths; strict costs 2×)


def _dense_sum(parts: list[Matches], doccount: int, boost: float) -> tuple[np.ndarray, np.ndarray]:
    """The union of several matches and their scores summed (each times ``boost``), child after
    child as the sorted merge adds them: a common word's clitic variants are an Or of tens of
    thousands of documents, which sorting and searching cost several times more than a pass over
    the segment's documents."""
    seen = np.zeros(doccount, dtype=bool)
    dense = np.zeros(doccount, dtype=np.float64)
    for p in parts:
        seen[p.ids] = True
        dense[p.ids] += p.scores * boost if boost != 1.0 else p.scores
    ids = np.flatnonzero(seen).astype(np.int64, copy=False)
    return ids, dense[ids]


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The documents in both sorted, distinct arrays, ascending (``np.intersect1d``'s answer): the
    smaller looked up in the larger, not both sorted together, as a phrase's clitic variant (a few
    hundred postings) meets a common word's tens of thousands once per variant."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return a[b[at] == a]


def _union(parts: list[Matches]) -> np.ndarray:
    """The sorted distinct ids of several matches: ``np.unique`` by sorting, which (unlike
    ``np.unique`` itself) does not import ``numpy.ma``, ~50 ms of a one-shot search's start-up."""
    ids = np.sort(np.concatenate([p.ids for p in parts]))
    keep = np.empty(len(ids), dtype=bool)
    keep[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=keep[1:])
    return ids[keep]
