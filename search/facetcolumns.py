"""The executor's facet arrays from the segments' facet columns (``indexer.facetcols``).

``QueryExecutor`` builds a keyword field's facet arrays (terms, documents, term of each) from the
postings of every term of the field: one lookup per term, seconds at 10k passages for a one-shot
search. ``ColumnFacetsExecutor`` builds the same arrays — the same term numbers, in the same order —
from each segment's side file, and falls back to the postings for a field some segment has no sound
file for (an index written before the files existed, or a damaged one). Only the source of the
arrays differs, so every count is the same.
"""

import numpy as np
from arsearch.indexer.facetcols import open_segment_facets
from arsearch.search.executor import QueryExecutor


class ColumnFacetsExecutor(QueryExecutor):
    """A ``QueryExecutor`` whose facet arrays come from the facet columns where every segment has them."""

    def _segment_files(self) -> list:
        files = getattr(self, "_facet_files", None)
        if files is None:
            files = self._facet_files = [open_segment_facets(seg.reader) for seg in self.segments]
        return files

    def has_facet_columns(self, fieldname: str) -> bool:
        """Whether every segment's side file holds ``fieldname`` (then its arrays cost a file read)."""
        return all(f is not None and f.field(fieldname) is not None for f in self._segment_files())

    def doc_frequencies(self, fieldname: str) -> dict[str, int] | None:
        """Whoosh's ``doc_frequency`` of every term of a field (deleted documents counted, as
        Whoosh counts them until a merge), from the side files; None if some segment has none."""
        if not self.has_facet_columns(fieldname):
            return None
        counts: dict[str, int] = {}
        for found in self._segment_files():
            terms, _ids, local = found.field(fieldname)
            for term, n in zip(terms, np.bincount(local, minlength=len(terms)).tolist(), strict=True):
                counts[term] = counts.get(term, 0) + n
        return counts

    def _facet_arrays(self, fieldname: str):
        if not self.has_facet_columns(fieldname):
            return super()._facet_arrays(fieldname)
        per_segment = [found.field(fieldname) for found in self._segment_files()]
        names = sorted({term for seg_terms, _ids, _local in per_segment for term in seg_terms})
        number = {term: n for n, term in enumerate(names)}  # numbered by rank, as the postings' arrays are
        docs, term_of = [], []
        for seg, (seg_terms, ids, local) in zip(self.segments, per_segment, strict=True):
            to_global = np.fromiter((number[t] for t in seg_terms), dtype=np.int64, count=len(seg_terms))
            live = seg.live[ids]
            docs.append(ids[live].astype(np.int64) + seg.offset)
            term_of.append(to_global[local[live]])
        terms = np.array(names, dtype=object)
        if not docs:
            empty = np.zeros(0, dtype=np.int64)
            return terms, empty, empty
        return terms, np.concatenate(docs), np.concatenate(term_of)
