"""Writing index segments: Whoosh's own writer, or the bulk writer that gives the same bytes faster.

Whoosh's ``SegmentWriter`` sends every posting through a pool of Python tuples (spilled to sorted
runs on disk, merged back at commit) and then writes each posting with a few method calls. arsearch
makes several postings per word (its folded form with positions, its stem, the title on every
passage), so that was most of a rebuild. ``BulkSegmentWriter`` keeps Whoosh's
writer for everything per document (stored fields, length columns, deletions, merges, the TOC) and
replaces only the postings: they are kept in flat arrays per field (term number, document, weight,
encoded value), sorted once with numpy when the segment is written, and written as the same W3
blocks and term entries Whoosh writes — the same bytes, pinned by ``tests/test_segments.py``.

Memory is bounded by a budget (``settings.WRITER_MB``, ``$ARSEARCH_WRITER_MB``): when the postings
held pass it, the segment is finished and a new one started, so a large rebuild writes several
segments instead of growing. Segments are written in document order, so document numbers (and ties in ranking) are
those of one big segment.

``ARSEARCH_WRITER=whoosh`` selects Whoosh's own writer: the reference the bulk writer is tested
against.
"""

import zlib
from array import array
from itertools import accumulate, islice
from pickle import dumps

import numpy as np
from arsearch.indexer import positions, settings
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.filedb.filetables import _lengths as _RECORD_LENGTHS
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache, length_to_byte
from whoosh.writing import SegmentWriter

#: Bytes one posting costs besides its encoded value (the arrays: term number, document, weight;
#: and what a rebuild holds beside them), and one distinct term besides its bytes (its dict entry and
#: bytes object): set from the resident memory measured while postings are added (44 MB for 704k
#: postings), so that the budget is about what the writer really holds.
_POSTING_BYTES = 44
_TERM_BYTES = 120
_LENGTHS = np.asarray(_length_byte_cache, dtype=np.int64)
#: Lengths from this one on are all stored as byte 255 (``whoosh.util.numeric.length_to_byte``).
_LONGEST = 106374
_TERMINFO = W3TermInfo._struct
#: Bytes of postings gathered before they are written out.
_WRITE_CHUNK = 4 * 2**20
#: Postings of a field turned into Python lists at a time while it is written (~150 bytes each):
#: writing a segment then needs little memory beyond what its postings already take.
_CHUNK_POSTINGS = 256 * 1024


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """``length_to_byte`` of every length at once."""
    return np.where(lengths >= _LONGEST, 255, np.searchsorted(_LENGTHS, np.minimum(lengths, _LONGEST)))


def open_writer(ix, limitmb: int, **kwargs) -> SegmentWriter:
    """A writer for ``ix`` of the kind settings choose: the bulk writer, or Whoosh's (the reference).

    ``limitmb`` is Whoosh's pool size for its writer, and the bulk writer's segment budget.
    """
    if settings.writer_kind() == "whoosh":
        return SegmentWriter(ix, limitmb=limitmb, **kwargs)
    return BulkSegmentWriter(ix, budget_mb=limitmb, **kwargs)


def finish_segments(writer: SegmentWriter) -> list:
    """Finish a writer's segments without committing them (a forked writer hands them back)."""
    if isinstance(writer, BulkSegmentWriter):
        return writer.finish_segments()
    return [writer._finalize_segment()]


class _FieldPostings:
    """One field's postings in a segment, in the order they were added."""

    __slots__ = ("terms", "termids", "docs", "weights", "values", "ends", "size")

    def __init__(self, size: int | None):
        self.terms: dict[bytes, int] = {}
        self.termids = array("I")
        self.docs = array("I")
        self.weights = array("d")  # as given: a block's maximum weight is written at double precision
        self.values = bytearray()
        self.ends = array("Q")  # where each value ends in ``values`` (values of variable size only)
        self.size = size  # the format's fixed value size, None when it varies


class _Postings:
    """Stands in for Whoosh's ``PostingPool``: takes postings, holds them per field, writes them."""

    def __init__(self, schema):
        self.schema = schema
        self.fields: dict[str, _FieldPostings] = {}
        self.bytes = 0

    def _field(self, fieldname: str) -> _FieldPostings:
        f = self.fields.get(fieldname)
        if f is None:
            fixed = self.schema[fieldname].format.fixed_value_size() if fieldname in self.schema else None
            f = self.fields[fieldname] = _FieldPostings(fixed)
        return f

    def add(self, item) -> None:
        """One posting (fieldname, term bytes, document, weight, value): what Whoosh's pool takes."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_many(fieldname, [(tbytes, 0, weight, vbytes)], docnum)

    def add_many(self, fieldname: str, items, docnum: int) -> None:
        """The postings of one field of one document: (term bytes, frequency, weight, value) each."""
        if not items:
            return
        f = self._field(fieldname)
        terms = f.terms
        before = len(terms)
        tbytes, _, weights, values = zip(*items, strict=True)
        f.termids.extend([terms.setdefault(t, len(terms)) for t in tbytes])
        f.docs.extend([docnum] * len(items))
        f.weights.extend(weights)
        if None in values:
            values = [v or b"" for v in values]
        start = len(f.values)
        f.values += b"".join(values)
        if f.size is None:
            # Values of variable size are counted by their ends (8 bytes each), not their bytes: the
            # budget was measured so, and it decides where segments are cut.
            f.ends.extend(islice(accumulate(map(len, values), initial=start), 1, None))
            self.bytes += len(items) * (_POSTING_BYTES + 8) + (len(terms) - before) * _TERM_BYTES
        else:
            self.bytes += len(items) * _POSTING_BYTES + len(f.values) - start + (len(terms) - before) * _TERM_BYTES

    def iter_postings(self):
        raise NotImplementedError("the bulk writer writes its postings with write()")

    def cleanup(self) -> None:
        self.fields.clear()
        self.bytes = 0

    def write(self, schema, fieldwriter, lengths, codec: W3Codec, side=None) -> None:
        """Write every field's postings as Whoosh's ``FieldWriter.add_postings`` would: fields in
        name order, terms in byte order, documents in order, W3 blocks of ``codec``'s size; the
        phrase field's values go to ``side`` too (a ``positions.PositionsWriter``), term by term."""
        for fieldname in sorted(self.fields):
            if fieldname not in schema:
                continue
            fieldobj = schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            into = side if fieldname == positions.PHRASE_FIELD else None
            _write_field(self.fields[fieldname], fieldname, fieldwriter, lengths, codec, into)
            fieldwriter.finish_field()


def _field_lengths(lengths, fieldname: str, ndocs: int) -> np.ndarray:
    """Each document's length of a field as Whoosh's writer reads it back (quantised to a byte and
    expanded again; 0 where none was stored)."""
    if lengths is None:
        return np.zeros(ndocs, dtype=np.int64)
    reader = lengths._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if reader is None:
        return np.zeros(ndocs, dtype=np.int64)
    lbytes = np.fromiter((reader[d] for d in range(ndocs)), dtype=np.int64, count=ndocs)
    return np.where(lbytes > 0, _LENGTHS[lbytes], 0)


def _write_field(f: _FieldPostings, fieldname: str, fieldwriter, lengths, codec: W3Codec, side=None) -> None:
    """One field's postings as W3 blocks and term entries: the statistics of every block are computed
    at once with numpy; what is left per block is its two pickles, as in Whoosh. ``side`` gets each
    term's values as its blocks hold them (the positions side file of the segment)."""
    n = len(f.termids)
    if not n:
        return
    terms = sorted(f.terms)
    rank = np.empty(len(terms), dtype=np.int64)
    rank[np.fromiter((f.terms[t] for t in terms), dtype=np.int64, count=len(terms))] = np.arange(len(terms))
    ranks = rank[np.frombuffer(f.termids, dtype=np.uint32)]
    docs = np.frombuffer(f.docs, dtype=np.uint32).astype(np.int64)
    order = np.lexsort((docs, ranks))
    docs = docs[order]
    weights = np.frombuffer(f.weights, dtype=np.float64)[order]
    weights32 = weights.astype(np.float32)
    lens = _field_lengths(lengths, fieldname, int(docs.max()) + 1)[docs]

    # Blocks: each term's postings cut every ``blocklimit``, in term order.
    blocklimit = codec._blocklimit
    bounds = np.concatenate(([0], np.cumsum(np.bincount(ranks, minlength=len(terms)))))
    counts = np.diff(bounds)
    per_term = (counts + blocklimit - 1) // blocklimit
    first_block = np.concatenate(([0], np.cumsum(per_term)))
    nblocks = int(first_block[-1])
    block_term = np.repeat(np.arange(len(terms)), per_term)
    block_start = bounds[block_term] + (np.arange(nblocks) - first_block[block_term]) * blocklimit
    block_end = np.minimum(block_start + blocklimit, bounds[block_term + 1])
    in_block = np.repeat(np.arange(nblocks), block_end - block_start)
    all_one = np.logical_and.reduceat(weights32 == 1.0, block_start)
    all_same = np.logical_and.reduceat(weights32 == weights32[block_start][in_block], block_start)
    top = np.maximum.reduceat(weights, block_start)
    big = np.iinfo(np.int64).max
    min_len = np.minimum.reduceat(np.where(lens > 0, lens, big), block_start)
    max_len = np.maximum.reduceat(lens, block_start)
    min_byte = _length_bytes(min_len).tolist()
    max_byte = _length_bytes(max_len).tolist()
    min_len, max_len = min_len.tolist(), max_len.tolist()
    top = top.tolist()
    all_one, all_same = all_one.tolist(), all_same.tolist()

    if f.size is None:
        ends = np.frombuffer(f.ends, dtype=np.uint64).astype(np.int64)
        value_starts = np.concatenate(([0], ends[:-1]))[order]
        value_ends = ends[order]
        raw = bytes(f.values)
        del ends
    elif f.size > 0:
        fixed = np.frombuffer(bytes(f.values), dtype=np.uint8).reshape(n, f.size)[order]
    f.values = bytearray()  # copied above: the field's postings are not written twice
    diffs_all = np.diff(docs, prepend=0)

    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    fieldid = pack_ushort(fieldwriter._fieldid)
    compression = codec._compression
    term_bounds = bounds
    bounds = bounds.tolist()
    p0 = p1 = 0  # the postings held as Python lists: whole terms, about _CHUNK_POSTINGS of them
    # The field's postings are gathered in memory, then written at once (Whoosh writes each piece).
    base = postfile.tell()
    out = bytearray()
    entries: list[tuple[bytes, bytes]] = []  # term entries, added to the term index with each write
    block = 0
    for t, btext in enumerate(terms):
        s, e = bounds[t], bounds[t + 1]
        if e > p1:
            p0 = s
            p1 = max(e, int(term_bounds[np.searchsorted(term_bounds, s + _CHUNK_POSTINGS, side="right") - 1]))
            docs_list = docs[p0:p1].tolist()
            diffs = diffs_all[p0:p1].tolist()
            w32 = weights32[p0:p1].tolist()
            if f.size is None:
                values = [raw[x:y] for x, y in zip(value_starts[p0:p1].tolist(), value_ends[p0:p1].tolist(), strict=True)]
        startoffset = base + len(out)
        out += WHOOSH3_HEADER_MAGIC
        total = 0
        maxweight = 0
        minlength = None
        maxlength = 0
        for a in range(s, e, blocklimit):
            b = a + blocklimit if a + blocklimit < e else e
            la, lb = a - p0, b - p0
            wl = w32[la:lb]
            if all_one[block]:
                mini_weights = None
            elif all_same[block]:
                mini_weights = wl[0]
            else:
                mini_weights = tuple(wl)
            if f.size is None:
                mini_values = tuple(filter(None, values[la:lb]))
            elif f.size == 0:
                mini_values = None
            else:
                mini_values = fixed[a:b].tobytes()
            databytes = dumps(((docs_list[la], *diffs[la + 1 : lb]), mini_weights, mini_values), 2)
            if compression:
                databytes = zlib.compress(databytes, compression)
            high = top[block] if top[block] > 0 else 0
            if max_len[block]:
                lo, lo_byte = min_len[block], min_byte[block]
            else:
                lo, lo_byte = None, 0
            infobytes = dumps((b - a, docs_list[lb - 1], high, compression, lo_byte, max_byte[block]), 2)
            size = len(infobytes) + len(databytes)
            out += pack_int(-size if b == e else size)
            out += infobytes
            out += databytes
            # What W3TermInfo.add_block gathers, block by block.
            total += sum(wl)
            if a == s:
                minlength = lo
            elif lo is not None and minlength is not None:
                minlength = min(minlength, lo)
            maxlength = max(maxlength, max_len[block])
            maxweight = max(maxweight, high)
            block += 1
        entry = _TERMINFO.pack(
            False, total, e - s, 0 if minlength is None else length_to_byte(minlength), length_to_byte(maxlength),
            maxweight, docs_list[s - p0], docs_list[e - 1 - p0],
        )
        entries.append((fieldid + btext, entry + pack_long(startoffset) + pack_int(base + len(out) - startoffset)))
        if side is not None:  # a phrase field's values have no fixed size (``positions.has_positions``)
            side.add(btext, list(filter(None, values[s - p0 : e - p0])))
        if len(out) > _WRITE_CHUNK:
            postfile.write(out)
            base += len(out)
            out = bytearray()
            _add_terms(tindex, entries)
            entries = []
    postfile.write(out)
    _add_terms(tindex, entries)


def _add_terms(tindex, entries: list[tuple[bytes, bytes]]) -> None:
    """``OrderedHashWriter.add`` of every (key, value), keys in increasing order, with one write:
    the same records, bucket entries and key positions (Whoosh writes each record in three pieces)."""
    if not entries:
        return
    if entries[0][0] <= tindex.lastkey:
        raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{entries[0][0]!r}")
    dbfile = tindex.dbfile
    hashfn = tindex.hashfn
    buckets = tindex.buckets
    pos = dbfile.tell()
    positions = []
    records = []
    for key, value in entries:
        positions.append(pos)
        records += (_RECORD_LENGTHS.pack(len(key), len(value)), key, value)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        pos += _RECORD_LENGTHS.size + len(key) + len(value)
    dbfile.write(b"".join(records))
    index = tindex.index  # a GrowableArray: widened once, to the type appending one by one ends with
    held = len(index.array)
    try:
        index.array.extend(positions)
    except OverflowError:
        del index.array[held:]  # extend stops at the first value too big, keeping those before it
        index._retype(positions[-1])
        index.array.extend(positions)
    tindex.lastkey = entries[-1][0]


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with the postings held in flat arrays and written in bulk (above),
    starting a new segment whenever the postings held pass ``budget_mb``."""

    def __init__(self, ix, budget_mb: int = 256, **kwargs):
        kwargs.pop("limitmb", None)
        super().__init__(ix, **kwargs)
        if not isinstance(self.codec, W3Codec) or self.codec._inlinelimit > 1:
            raise ValueError("the bulk writer writes Whoosh's W3 codec only, postings never inlined")
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise ValueError("the bulk writer writes no term vectors and no separate spelling fields")
        self.pool.cleanup()
        self.pool = _Postings(self.schema)
        self.budget = budget_mb * 2**20
        self.finished: list = []  # segments written when the budget was reached, in document order
        self._side = None  # the positions side file of the segment being written

    def add_document(self, **fields):
        """Whoosh's ``add_document``, with each field's postings handed over in one call."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    items = field.index(value)
                    if not isinstance(items, list):
                        items = list(items)
                    if fieldboost != 1.0:
                        items = [(t, freq, w * fieldboost, v) for t, freq, w, v in items]
                    if field.scorable:
                        length = sum(freq for _, freq, _, _ in items)
                    self.pool.add_many(fieldname, items, docnum)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        if self.pool.bytes >= self.budget:
            self._next_segment()

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        folder = getattr(self.storage, "folder", None)
        if folder and positions.has_positions(self.schema):
            fmt = self.schema[positions.PHRASE_FIELD].format
            self._side = positions.PositionsWriter(folder, self.newsegment.segment_id(), fmt)
        try:
            self.pool.write(self.schema, self.fieldwriter, pdr, self.codec, self._side)
        finally:
            self.fieldwriter.close()
            if pdr:
                pdr.close()

    def finish_segment(self):
        """Write the segment being built and return it: the one place a segment of this writer is
        completed (anything written per finished segment belongs here). Its positions side file
        is written with its postings, and put in place once the segment is."""
        try:
            segment = self._finalize_segment()
        except BaseException:
            self._drop_side()
            raise
        side, self._side = self._side, None
        if side is not None:
            side.close(segment.doc_count_all())
        return segment

    def _drop_side(self) -> None:
        if self._side is not None:
            self._side.abort()
            self._side = None

    def _next_segment(self) -> None:
        self.finished.append(self.finish_segment())
        self.newsegment = self.codec.new_segment(self.storage, self.indexname)
        self.compound = self.compound and self.newsegment.should_assemble()
        self.docnum = self.docbase = 0
        self._added = False
        self.pool = _Postings(self.schema)
        self.perdocwriter = self.codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = self.codec.field_writer(self.storage, self.newsegment)

    def finish_segments(self) -> list:
        """Every segment this writer wrote, the last one finished now (none when it is empty)."""
        if self._added:
            return [*self.finished, self.finish_segment()]
        self._close_segment()
        return list(self.finished)

    def commit(self, mergetype=None, optimize=None, merge=None):
        """As Whoosh's commit, with the segments finished on the way after the ones the merge
        policy keeps, in the order they were written."""
        self._check_state()
        segments = self._merge_segments(mergetype, optimize, merge)
        segments += self.finish_segments()
        self._commit_toc(segments)
        self._finish()

    def cancel(self):
        self._check_state()
        self._close_segment()
        for segment in self.finished:
            for name in segment.list_files(self.storage):
                self.storage.delete_file(name)
        self._finish()
