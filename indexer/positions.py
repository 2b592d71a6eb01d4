"""Phrase positions in flat arrays, one side file per segment: what phrase matching reads in bulk.

Whoosh keeps a word's positions in a passage as one small pickle per posting (``formats.Positions``);
a quoted phrase of common words has tens of thousands of them to decode per query, one at a time in
Python (~91% of a phrase query's time at 100k passages). Next to each committed segment this module
writes ``<segment id>.arpos`` (``MAIN_<segid>.arpos``) with, for every term of the phrase field
(``exact``), the positions of all its postings in Whoosh's posting order (ascending segment-local
document numbers, deleted documents included): one int32 array of positions, one uint32 array of
per-posting offsets into it, and a term table keyed by a 64-bit hash of the term's bytes. The
executor maps the file and gathers the positions of a phrase's candidate documents in one go.

The file holds what the segment's postings hold, so any writer's segment gets one:
``index_positions(gen)`` is the one hook, called after every commit (rebuild, update) and by the
parallel rebuild's children for their own segments, and writes the file of any segment that lacks a
sound one from the committed segment. The bulk segment writer (``indexer.segments``) writes it
already, from the same values as it writes them (``PositionsWriter``: the same bytes, without
reading the postings back). It is a cache of what the segment holds, never the truth:

* written atomically (temp file, fsync, rename, fsync of the folder) once its segment is on disk;
  its name matches Whoosh's segment-file pattern, so Whoosh removes it with its segment (a merge, a
  rebuild), and a killed writer's temp file is a leftover ``indexer.store`` already cleans;
* checked when opened (magic, segment id, document count, header CRC, file size against the counts
  the header states: O(1), nothing read in bulk) and per term when first used (a CRC32 over the
  term's entry and slices, and its posting count against Whoosh's);
* missing (an index from before this file, a crash between Whoosh's commit and it) or damaged, it
  never changes an answer: the executor decodes Whoosh's own positions for that segment or term (the
  segment is intact, so the answer is right, only slower), and the next ``arsearch index`` writes
  the file again. Hence no schema bump: an older index answers correctly as it is.
"""

import contextlib
import hashlib
import mmap
import os
import struct
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from arsearch.indexer.durable import fsync_dir
from arsearch.indexer.w3blocks import committed_segments, term_blocks

#: The field whose positions phrases match (``indexer.schema``: the exact forms, ``phrase=True``).
PHRASE_FIELD = "exact"
#: File extension after the segment id; Whoosh's segment-file pattern (``TOC._segment_pattern``)
#: matches it, so Whoosh deletes the file with its segment.
EXTENSION = ".arpos"
MAGIC = b"ARPOS\x00\x01\x00"  # format 1
#: magic, segment id (ASCII, NUL-padded), document count, terms, postings, positions, header CRC.
_HEAD = struct.Struct("<8s32sQQQQI4x")

#: Whoosh's ``Positions.encode``: a big-endian count, then ``pickle.dumps(deltas, 2)`` of the gaps.
_PICKLE_LIST = b"\x80\x02]q\x00"  # PROTO 2, EMPTY_LIST, BINPUT 0
#: pickle writes a list's items in batches of 1,000 (MARK … APPENDS); longer lists are decoded one
#: by one with Whoosh's own decoder.
_PICKLE_BATCH = 1000
_OP_WIDTH = np.zeros(256, dtype=np.int64)
_OP_WIDTH[ord("K")], _OP_WIDTH[ord("M")], _OP_WIDTH[ord("J")] = 1, 2, 4  # BININT1, BININT2, BININT


#: Below this many values ``decode_values`` decodes them one by one.
SMALL_DECODE = 64


class DamagedPositions(ValueError):
    """A side file that does not hold what its header or checksums say."""


def file_name(segment_id: str) -> str:
    return segment_id + EXTENSION


def term_key(btext: bytes) -> int:
    """The 64-bit key a term is found by in a side file (its bytes, hashed: fixed width, sortable)."""
    return int.from_bytes(hashlib.blake2b(btext, digest_size=8).digest(), "little")


# --- decoding Whoosh's positions, in bulk ------------------------------------------------------------


def decode_values(values: Sequence[bytes], fmt=None) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh ``Positions`` values → (positions per posting, all positions concatenated).

    One pass of numpy over all the values' bytes instead of one ``pickle.loads`` per posting: the
    pickles are small and regular (one opcode per gap). A value of another shape (a list longer than
    a pickle batch, an unexpected opcode) is decoded with ``fmt.decode_positions``, Whoosh's own.
    """
    n = len(values)
    if n < SMALL_DECODE:  # numpy's per-call cost would exceed Whoosh's per-value one
        return _decode_mixed(values, fmt, np.zeros(n, dtype=bool), None, None, None)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    buf = np.frombuffer(b"".join(values), dtype=np.uint8)
    limit = len(buf)

    def byte(at):  # bytes at offsets, clipped into the buffer (a short value is caught by its checks)
        return buf[np.minimum(at, limit - 1)].astype(np.int64)

    begin = np.cumsum(lengths) - lengths
    ok = lengths >= 4 + len(_PICKLE_LIST) + 3
    begin_ok = np.where(ok, begin, 0)
    counts = (byte(begin_ok) << 24) | (byte(begin_ok + 1) << 16) | (byte(begin_ok + 2) << 8) | byte(begin_ok + 3)
    for i, expected in enumerate(_PICKLE_LIST):
        ok &= byte(begin_ok + 4 + i) == expected
    ok &= (counts >= 1) & (counts <= _PICKLE_BATCH)
    # The first item: right after the list for one item (… a .), after a MARK for several (( … e .).
    first = begin_ok + 4 + len(_PICKLE_LIST)
    ok &= (counts == 1) | (byte(first) == ord("("))
    cursor = np.where(counts > 1, first + 1, first)
    kept = np.where(ok, counts, 0)
    gaps = np.zeros(int(kept.sum()), dtype=np.int64)
    out_start = np.cumsum(kept) - kept
    active = np.flatnonzero(ok)
    step = 0
    while len(active):
        at = cursor[active]
        width = _OP_WIDTH[byte(at)]
        bad = (width == 0) | (at + width >= limit)
        if bad.any():
            ok[active[bad]] = False
            keep = ~bad
            active, at, width = active[keep], at[keep], width[keep]
        value = np.zeros(len(active), dtype=np.int64)
        for b in range(4):  # little-endian argument of 1, 2 or 4 bytes
            has = width > b
            value[has] |= byte(at[has] + 1 + b) << (8 * b)
        four = width == 4
        value[four] = value[four].astype(np.uint32).astype(np.int32)  # BININT is signed
        gaps[out_start[active] + step] = value
        cursor[active] = at + 1 + width
        step += 1
        active = active[counts[active] > step]
    # What must follow the items: APPEND (one item) or APPENDS (several), then STOP, then the end.
    end = begin + lengths
    tail = np.where(ok, cursor, 0)
    closer = np.where(counts == 1, ord("a"), ord("e"))
    ok &= (tail + 2 == end) & (byte(tail) == closer) & (byte(tail + 1) == ord("."))
    if not ok.all():
        return _decode_mixed(values, fmt, ok, counts, gaps, out_start)
    return counts, _running_positions(gaps, counts)


def _running_positions(gaps: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Gaps → positions: a running sum restarted at every posting."""
    total = np.cumsum(gaps)
    starts = np.cumsum(counts) - counts
    before = np.repeat(total[starts] - gaps[starts], counts)
    return (total - before).astype(np.int32)


def _decode_mixed(values, fmt, ok, counts, gaps, out_start) -> tuple[np.ndarray, np.ndarray]:
    if fmt is None:
        from whoosh.formats import Positions

        fmt = Positions()
    parts: list[np.ndarray] = []
    sizes = np.zeros(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        if ok[i]:
            g = gaps[out_start[i] : out_start[i] + counts[i]]
            parts.append(np.cumsum(g).astype(np.int32))
        else:
            parts.append(np.array(fmt.decode_positions(v), dtype=np.int32))
        sizes[i] = len(parts[-1])
    return sizes, np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


def gather(starts: np.ndarray, positions: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of postings ``rows`` (indexes into ``starts``, whose row r spans
    ``positions[starts[r]:starts[r + 1]]``): (positions per row, concatenated)."""
    lo = starts[rows].astype(np.int64)
    counts = starts[rows + 1].astype(np.int64) - lo
    total = int(counts.sum())
    into = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(total, dtype=np.int64)
    return counts, positions[into]


# --- writing -------------------------------------------------------------------------------------------


def _field_values(reader, fieldname: str):
    """(term bytes, its postings' values in posting order) for every term of a field in a segment.

    Each term's postings are read in one piece and their W3 blocks parsed in memory
    (``indexer.w3blocks``, as the executor reads them).
    """
    terms = reader._terms
    for (name, btext), info in terms.items_from(fieldname, b""):
        if name != fieldname:
            break
        if info.is_inlined():
            yield btext, info.inlined_postings()[2]
            continue
        values: list = []
        for _count, block in term_blocks(terms, fieldname, btext, info):
            values.extend(block[2])
        yield btext, values


class _Body:
    """Streams one segment's positions, offsets and term table into ``f`` (after the header), fed
    term by term in the segment's term order."""

    def __init__(self, f, fmt):
        self.f = f
        self.fmt = fmt
        self.keys: list[int] = []
        self.firsts = [0]
        self.counts_parts: list[np.ndarray] = []
        self.pending: list = []
        self.npos = 0

    def add(self, btext: bytes, values) -> None:
        """A term's postings' values, in posting order."""
        self.keys.append(term_key(btext))
        self.pending.extend(values)
        self.firsts.append(self.firsts[-1] + len(values))
        if len(self.pending) >= DECODE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            counts, positions = decode_values(self.pending, self.fmt)
            self.f.write(positions.astype("<i4").tobytes())
            self.npos += len(positions)
            self.counts_parts.append(counts)
            self.pending = []

    def finish(self) -> tuple[int, int, int] | None:
        """The rest of the body; the counts, or None when two terms' keys collide."""
        self._flush()
        f, npos = self.f, self.npos
        if npos >= 2**32:
            raise ValueError("a segment with more than 2**32 positions")
        parts = self.counts_parts
        counts = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        f.write(np.concatenate(([0], np.cumsum(counts))).astype("<u4").tobytes())
        f.write(b"\x00" * (-(_HEAD.size + 4 * npos + 4 * (len(counts) + 1)) % 8))  # keys start 8-aligned
        hashes = np.array(self.keys, dtype=np.uint64)
        order = np.argsort(hashes, kind="stable")
        hashes = hashes[order]
        if len(hashes) > 1 and (hashes[1:] == hashes[:-1]).any():
            return None
        first = np.array(self.firsts, dtype=np.int64)
        f.write(hashes.astype("<u8").tobytes())
        f.write(first[:-1][order].astype("<u8").tobytes())  # each term's first posting and its end,
        f.write(first[1:][order].astype("<u8").tobytes())  # in key order
        return len(hashes), len(counts), npos


#: Postings whose values are decoded together while a side file is written (bounds its memory).
DECODE_BATCH = 200_000


def has_positions(schema) -> bool:
    """Whether an index of this schema has side files (its phrase field keeps positions)."""
    return PHRASE_FIELD in schema and schema[PHRASE_FIELD].format.supports("positions")


class PositionsWriter:
    """One segment's side file, written as its terms come: by ``write_positions`` from a committed
    segment, or by a segment writer while it writes the segment's postings (``indexer.segments``:
    the same values in the same order, without reading them back). Nothing is in place until
    ``close``, which renames it atomically and durably."""

    def __init__(self, folder: Path, segment_id: str, fmt):
        self.segment_id = segment_id
        self.path = Path(folder) / file_name(segment_id)
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")  # indexer.store removes leftovers of this shape
        self.f = open(self.tmp, "w+b")
        try:
            self.f.write(b"\x00" * _HEAD.size)
        except BaseException:
            self.abort()
            raise
        self.body = _Body(self.f, fmt)

    def add(self, btext: bytes, values) -> None:
        self.body.add(btext, values)

    def close(self, doccount: int) -> bool:
        """Put the file in place; False when the segment can have none (two terms' keys collide)."""
        try:
            f = self.f
            counts = self.body.finish()
            if counts is None:
                self.abort()
                return False
            f.seek(0)
            f.write(_header(self.segment_id, doccount, *counts))
            f.flush()
            # Page checksums over everything written, appended last.
            f.seek(0)
            crcs = []
            while page := f.read(PAGE):
                crcs.append(zlib.crc32(page))
            f.seek(0, os.SEEK_END)
            f.write(np.array(crcs, dtype="<u4").tobytes())
            f.flush()
            os.fsync(f.fileno())
            f.close()
            os.replace(self.tmp, self.path)
        except BaseException:
            self.abort()
            raise
        fsync_dir(self.path.parent)
        return True

    def abort(self) -> None:
        """Leave nothing behind (the temp file closed and removed)."""
        with contextlib.suppress(OSError):
            self.f.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


def write_positions(folder: Path, reader, segment_id: str) -> bool:
    """Write one segment's side file atomically and durably; False when it has none to write."""
    schema = reader.schema
    if not has_positions(schema):
        return False
    writer = PositionsWriter(folder, segment_id, schema[PHRASE_FIELD].format)
    try:
        for btext, values in _field_values(reader, PHRASE_FIELD):
            writer.add(btext, values)
    except BaseException:
        writer.abort()
        raise
    return writer.close(reader.doc_count_all())


def _header(segment_id: str, doccount: int, nterms: int, npost: int, npos: int) -> bytes:
    sid = segment_id.encode("ascii")
    if len(sid) > 32:
        raise ValueError(f"segment id {segment_id!r} is longer than a side file holds")
    unsigned = _HEAD.pack(MAGIC, sid, doccount, nterms, npost, npos, 0)
    return _HEAD.pack(MAGIC, sid, doccount, nterms, npost, npos, zlib.crc32(unsigned[: _HEAD.size - 8]))


#: Term lookups a side file remembers (a long-lived searcher asks for the same phrase words often).
REMEMBERED_TERMS = 4096
#: Checksummed unit of a side file: a term's read checks the pages its slices lie in (once each).
PAGE = 1 << 16


def _layout(nterms: int, npost: int, npos: int) -> tuple[int, ...]:
    """Byte offsets of the sections (positions, offsets, keys, firsts, ends, page CRCs) and the size."""
    positions = _HEAD.size
    starts = positions + 4 * npos
    hashes = starts + 4 * (npost + 1)
    hashes += -hashes % 8
    first = hashes + 8 * nterms
    end = first + 8 * nterms
    crcs = end + 8 * nterms
    pages = -(-crcs // PAGE)
    return positions, starts, hashes, first, end, crcs, crcs + 4 * pages


def write_segment_positions(ix, segment) -> bool:
    """Write the side file of one finished segment of ``ix`` (a parallel rebuild's child does this
    for its own segment before handing it over, so that the work is spread over the cores), unless
    the segment's writer already did (the bulk writer writes it with the postings)."""
    from whoosh.reading import SegmentReader

    folder, sid = Path(ix.storage.folder), segment.segment_id()
    if _sound(folder / file_name(sid), sid, segment.doc_count_all(), full_check=False):
        return True
    reader = SegmentReader(ix.storage, ix.schema, segment)
    try:
        return write_positions(folder, reader, sid)
    finally:
        reader.close()


def index_positions(ix, full_check: bool = True) -> list[str]:
    """THE hook: give every segment of a committed Whoosh index (``ix``) a sound side file.

    Called after every commit, whichever writer made the segments; a segment whose file is there and
    passes the checks (every page's CRC too, when ``full_check``) is left alone, so a second call
    writes nothing. Returns the segment ids it wrote files for.
    """
    folder = Path(ix.storage.folder)
    written = []
    for reader, sid in committed_segments(ix):
        if _sound(folder / file_name(sid), sid, reader.doc_count_all(), full_check):
            continue
        if write_positions(folder, reader, sid):
            written.append(sid)
    return written


def _sound(path: Path, segment_id: str, doccount: int, full_check: bool) -> bool:
    try:
        found = PositionsFile.open(path, segment_id, doccount)
    except (OSError, DamagedPositions):
        return False
    return found is not None and (not full_check or found.verify_all())


# --- reading -------------------------------------------------------------------------------------------


class PositionsFile:
    """One segment's side file, memory-mapped: nothing is read until a term is asked for."""

    def __init__(self, path: Path, mapped: mmap.mmap, nterms: int, npost: int, npos: int):
        self.path = path
        pos, starts, hashes, first, end, crcs, size = _layout(nterms, npost, npos)
        buf = np.frombuffer(mapped, dtype=np.uint8)
        self._buf = buf
        self.positions = buf[pos:starts].view("<i4")
        self.starts = buf[starts : starts + 4 * (npost + 1)].view("<u4")
        self.hashes = buf[hashes:first].view("<u8")
        self.first = buf[first:end].view("<u8")
        self.end = buf[end:crcs].view("<u8")
        self.crcs = buf[crcs:size].view("<u4")
        self._offsets = (pos, starts, hashes, first, end)
        self._data_end = crcs  # the page CRCs cover the bytes before them
        self._checked = np.zeros(len(self.crcs), dtype=bool)
        self._found: OrderedDict = OrderedDict()  # recent lookups: views into the map, a few hundred bytes each

    @classmethod
    def open(cls, path: Path, segment_id: str, doccount: int) -> "PositionsFile | None":
        """The side file of a segment, checked in O(1); None when there is none. Raises
        ``DamagedPositions`` when its header or size is not what this segment's file must have."""
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            return None
        with f:
            head = f.read(_HEAD.size)
            if len(head) < _HEAD.size:
                raise DamagedPositions(f"{path.name}: truncated header")
            magic, sid, docs, nterms, npost, npos, crc = _HEAD.unpack(head)
            if magic != MAGIC or zlib.crc32(head[: _HEAD.size - 8]) != crc:
                raise DamagedPositions(f"{path.name}: not a positions file of this format (or a damaged header)")
            if sid.rstrip(b"\x00").decode("ascii", "replace") != segment_id or docs != doccount:
                raise DamagedPositions(f"{path.name}: written for another segment")
            size = os.fstat(f.fileno()).st_size
            want = _layout(nterms, npost, npos)[-1]
            if size != want:
                raise DamagedPositions(f"{path.name}: {size} bytes where its header says {want}")
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(path, mapped, nterms, npost, npos)

    def _sound(self, lo: int, hi: int) -> bool:
        """Whether bytes [lo, hi) of the file are as written: their pages' CRCs, each checked once."""
        if hi <= lo:
            return True
        for page in range(lo // PAGE, (hi - 1) // PAGE + 1):
            if not self._checked[page]:
                chunk = self._buf[page * PAGE : min((page + 1) * PAGE, self._data_end)]
                if zlib.crc32(chunk) != int(self.crcs[page]):
                    return False
                self._checked[page] = True
        return True

    def term(self, btext: bytes, npostings: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(per-posting offsets, positions) of a term with ``npostings`` postings in Whoosh's
        segment: ``positions[offsets[r]:offsets[r + 1]]`` are posting r's. None when the file lacks
        the term or what it would read fails its check (the caller decodes Whoosh's positions)."""
        asked = (btext, npostings)
        if asked in self._found:
            self._found.move_to_end(asked)
            return self._found[asked]
        found = self._lookup(btext, npostings)
        self._found[asked] = found
        if len(self._found) > REMEMBERED_TERMS:
            self._found.popitem(last=False)
        return found

    def _lookup(self, btext: bytes, npostings: int) -> tuple[np.ndarray, np.ndarray] | None:
        key = np.uint64(term_key(btext))
        i = int(np.searchsorted(self.hashes, key))
        if i >= len(self.hashes) or self.hashes[i] != key:
            return None
        pos0, starts0, hashes0, first0, end0 = self._offsets
        if not (self._sound(hashes0 + 8 * i, hashes0 + 8 * i + 8) and self._sound(first0 + 8 * i, first0 + 8 * i + 8)
                and self._sound(end0 + 8 * i, end0 + 8 * i + 8)):
            return None
        a, b = int(self.first[i]), int(self.end[i])
        if b - a != npostings or not (0 <= a <= b < len(self.starts)):
            return None
        if not self._sound(starts0 + 4 * a, starts0 + 4 * (b + 1)):
            return None
        lo, hi = int(self.starts[a]), int(self.starts[b])
        if not (0 <= lo <= hi <= len(self.positions) and self._sound(pos0 + 4 * lo, pos0 + 4 * hi)):
            return None
        return self.starts[a : b + 1], self.positions

    def verify_all(self) -> bool:
        """Every page's CRC, and the order ``term`` relies on: a full read."""
        if not self._sound(0, self._data_end):
            return False
        ordered = len(self.hashes) < 2 or bool((self.hashes[1:] > self.hashes[:-1]).all())
        return ordered and bool((self.first <= self.end).all()) and bool((np.diff(self.starts.astype(np.int64)) >= 0).all())


def open_segment_positions(reader) -> "PositionsFile | None":
    """A Whoosh segment reader's side file, or None when it has none or a damaged one (then
    phrases decode Whoosh's own positions: the answer is the same)."""
    segment = getattr(reader, "_segment", None)
    storage = getattr(reader, "_storage", None)
    # A compound segment is read through an overlay of its compound file on the folder (``.b``).
    folder = getattr(storage, "folder", None) or getattr(getattr(storage, "b", None), "folder", None)
    if segment is None or folder is None:
        return None
    sid = segment.segment_id()
    try:
        return PositionsFile.open(Path(folder) / file_name(sid), sid, reader.doc_count_all())
    except (OSError, ValueError):  # DamagedPositions among them
        return None
