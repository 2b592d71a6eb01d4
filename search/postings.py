"""Reading a term's postings straight from a Whoosh (W3 codec) segment into numpy arrays.

Whoosh's own matcher walks the same bytes one posting at a time in Python; this module decodes a
whole posting list at once: the block headers and pickled block data are the codec's (see
``whoosh.codec.whoosh3.W3PostingsWriter._write_block``), only the loop around them is ours. The
test ``tests/test_executor.py::test_layout`` fails loudly if a Whoosh upgrade changes what is read
here. Decoded lists can be kept in a ``PostingsCache`` (bounded, least recently used first out).
"""

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from arsearch.indexer.w3blocks import term_blocks
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermsReader, _lenfield
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length

#: Whoosh stores each document's field length as one byte; this table turns the byte back into the
#: quantised length BM25F uses (``byte_to_length``), for a whole column at once.
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class Postings:
    """One term's postings in one segment: segment-local document numbers (ascending, deleted
    documents included), weights (term frequency × field boost) and the raw per-posting values
    (encoded positions) that only phrase matching decodes."""

    ids: np.ndarray  # int64
    weights: np.ndarray  # float64
    values: tuple | None

    @property
    def nbytes(self) -> int:
        size = self.ids.nbytes + self.weights.nbytes
        if self.values:
            size += sum(len(v) for v in self.values if v) + 8 * len(self.values)
        return size


def check_layout(reader) -> None:
    """Raise if a segment reader is not the W3 layout this module decodes."""
    if not isinstance(reader, SegmentReader) or not isinstance(reader._terms, W3TermsReader):
        raise TypeError(f"the numpy executor reads Whoosh W3 segments, not {type(reader).__name__}")


def read_postings(reader: SegmentReader, fieldname: str, btext: bytes) -> Postings | None:
    """All postings of a term in one segment, or None if the segment does not have the term."""
    terms = reader._terms
    try:
        info = terms.term_info(fieldname, btext)
    except TermNotFound:
        return None
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        kept = tuple(values) if reader.schema[fieldname].format.fixed_value_size() is None else None
        return Postings(np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64), kept)
    deltas: list = []
    starts: list[int] = []
    weights: list = []
    values: list = []
    for count, (block_ids, block_weights, block_values) in term_blocks(terms, fieldname, btext, info):
        starts.append(len(deltas))
        deltas.extend(block_ids)
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if not isinstance(block_values, tuple):  # fixed-size values (frequencies): nothing to keep
            values = None
        elif values is not None:
            values.extend(block_values)
    ids = np.array(deltas, dtype=np.int64)
    # Each block's ids are delta-encoded from zero: one running sum, restarted at every block.
    restart = np.zeros(len(ids), dtype=np.int64)
    csum = np.cumsum(ids)
    block_starts = np.array(starts[1:], dtype=np.int64)
    restart[block_starts] = csum[block_starts - 1] - np.concatenate(([0], csum[block_starts[:-1] - 1]))
    ids = csum - np.cumsum(restart)
    return Postings(ids, np.array(weights, dtype=np.float64), tuple(values) if values is not None else None)


def field_lengths(reader: SegmentReader, fieldname: str) -> np.ndarray:
    """Every document's quantised length of a field in one segment (float64, 0 when empty)."""
    doccount = reader.doc_count_all()
    perdoc = reader._perdoc
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return np.ones(doccount, dtype=np.float64)  # Whoosh's default length when none is stored
    raw = column._dbfile.get(column._basepos, min(column._count, doccount))
    lengths = np.zeros(doccount, dtype=np.uint8)
    lengths[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    return LENGTH_OF_BYTE[lengths]


class PostingsCache:
    """Decoded postings of the most recently used terms, up to a size in bytes (LRU).

    For a long-lived searcher (``arsearch serve``): the hot terms of a query mix are decoded once.
    A one-shot search has nothing to reuse and runs without one.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return item[0]

    def put(self, key, value, nbytes: int) -> None:
        if nbytes > self.max_bytes or key in self._items:
            return
        self._items[key] = (value, nbytes)
        self.size += nbytes
        while self.size > self.max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self.size -= dropped

    def __len__(self) -> int:
        return len(self._items)
