"""Facet columns, one side file per segment: which facet terms each passage carries, read in bulk.

Facet counts over a large match set need, for every passage, the terms of the keyword fields that
facets count (actors, topics, source) and the story it belongs to. Read from Whoosh's postings that
is one lookup per term: a 10k-passage corpus has ~12,000 such terms (most of them discovered actors),
seconds for a one-shot ``arsearch search``. Next to each committed segment this module writes
``<segment id>.arfacets`` (``MAIN_<segid>.arfacets``) with, per field, the segment's terms in
lexicon order and two uint32 arrays: the segment-local document of every posting (deleted documents
included) and the number of its term. A search reads a few arrays per segment instead of every
term's postings.

Like the phrase positions (``indexer.positions``) it is derived from the committed segment, never
from the writer, and it is a cache, never the truth: written atomically after every commit by the
same hook (``index_facets`` beside ``index_positions``); named by Whoosh's segment-file pattern, so
Whoosh removes it with its segment; checked when opened (magic, segment id, document count, a CRC
over the whole file, which is small). Missing or damaged, the searcher reads Whoosh's postings for
that field, as it did before this file (same answer, only slower), and the next ``arsearch index``
writes it again. Hence no schema bump.
"""

import json
import struct
import sys
import zlib
from pathlib import Path

from arsearch.indexer.durable import write_atomically

#: What facets count (``search.searcher.FACET_FIELDS``) and the story of reposts (``search.stories``).
FIELDS = ("actors", "topics", "source", "story")
#: File extension after the segment id; Whoosh's segment-file pattern matches it (see indexer.positions).
EXTENSION = ".arfacets"
MAGIC = b"ARFACET\x01"  # format 1
#: magic, segment id (ASCII, NUL-padded), document count, length of the field table, CRC of the rest.
_HEAD = struct.Struct("<8s32sQII")


class DamagedFacets(ValueError):
    """A side file that does not hold what its header or checksum says."""


def file_name(segment_id: str) -> str:
    return segment_id + EXTENSION


def _field_postings(reader, fieldname: str):
    """(term bytes, segment-local documents) of every term of a field, in lexicon order."""
    from arsearch.indexer.w3blocks import term_blocks

    terms = reader._terms
    for (name, btext), info in terms.items_from(fieldname, b""):
        if name != fieldname:
            break
        if info.is_inlined():
            yield btext, list(info.inlined_postings()[0])
            continue
        ids: list[int] = []
        for _count, block in term_blocks(terms, fieldname, btext, info):
            last = 0
            for delta in block[0]:  # W3 blocks keep document numbers as gaps
                last += delta
                ids.append(last)
        yield btext, ids


def _body(reader) -> tuple[bytes, bytes]:
    """The field table (JSON) and the arrays of one segment."""
    from array import array

    table, parts = {}, []
    for fieldname in FIELDS:
        if fieldname not in reader.schema:
            continue
        terms: list[bytes] = []
        docs, term_of = array("I"), array("I")
        for btext, ids in _field_postings(reader, fieldname):
            term_of.extend([len(terms)] * len(ids))
            docs.extend(ids)
            terms.append(btext)
        blob = b"".join(terms)
        lengths = array("I", map(len, terms))
        for a in (docs, term_of, lengths):
            if a.itemsize != 4:
                raise ValueError("array('I') is not 32 bits wide here")
            if sys.byteorder != "little":
                a.byteswap()
        table[fieldname] = [len(terms), len(docs), len(blob)]
        parts += [lengths.tobytes(), docs.tobytes(), term_of.tobytes(), blob, b"\x00" * (-len(blob) % 4)]
    return json.dumps(table).encode("ascii"), b"".join(parts)


def write_facets(folder: Path, reader, segment_id: str) -> None:
    """Write one segment's side file atomically and durably."""
    table, arrays = _body(reader)
    table += b" " * (-len(table) % 4)  # the arrays start 4-aligned
    sid = segment_id.encode("ascii")
    if len(sid) > 32:
        raise ValueError(f"segment id {segment_id!r} is longer than a side file holds")
    crc = zlib.crc32(arrays, zlib.crc32(table))
    head = _HEAD.pack(MAGIC, sid, reader.doc_count_all(), len(table), crc)
    write_atomically(Path(folder) / file_name(segment_id), head + table + arrays)


def write_segment_facets(ix, segment) -> None:
    """Write the side file of one finished segment of ``ix`` (a parallel rebuild's child)."""
    from whoosh.reading import SegmentReader

    reader = SegmentReader(ix.storage, ix.schema, segment)
    try:
        write_facets(Path(ix.storage.folder), reader, segment.segment_id())
    finally:
        reader.close()


def index_facets(ix) -> list[str]:
    """THE hook: give every segment of a committed Whoosh index a sound side file (called after
    every commit, beside ``indexer.positions.index_positions``). Returns the segment ids written."""
    from arsearch.indexer.w3blocks import committed_segments

    folder = Path(ix.storage.folder)
    written = []
    for reader, sid in committed_segments(ix):
        try:  # the header and checksum of a file that is there: what a search checks before use
            if _checked(folder / file_name(sid), sid, reader.doc_count_all()) is not None:
                continue
        except (OSError, DamagedFacets):
            pass
        write_facets(folder, reader, sid)
        written.append(sid)
    return written


class SegmentFacets:
    """One segment's facet columns: per field (terms as str, documents, term numbers), the two
    arrays as read-only uint32 views (numpy is imported by the reader only)."""

    def __init__(self, fields: dict):
        self.fields = fields

    def field(self, fieldname: str):
        """(terms, segment-local documents, term number of each) of a field; None if not written."""
        return self.fields.get(fieldname)


def _checked(path: Path, segment_id: str, doccount: int) -> tuple[bytes, dict] | None:
    """A side file's bytes and field table, its header and checksum checked; None when there is none."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    if len(data) < _HEAD.size:
        raise DamagedFacets(f"{Path(path).name}: truncated header")
    magic, sid, docs, table_len, crc = _HEAD.unpack_from(data)
    if magic != MAGIC:
        raise DamagedFacets(f"{Path(path).name}: not a facets file of this format")
    if sid.rstrip(b"\x00").decode("ascii", "replace") != segment_id or docs != doccount:
        raise DamagedFacets(f"{Path(path).name}: written for another segment")
    body = memoryview(data)[_HEAD.size :]
    if zlib.crc32(body) != crc:
        raise DamagedFacets(f"{Path(path).name}: checksum mismatch")
    try:
        table = json.loads(bytes(body[:table_len]))
    except ValueError as e:
        raise DamagedFacets(f"{Path(path).name}: unreadable field table") from e
    # A table of the wrong shape (a writer's bug under the same magic and a right checksum) is damage
    # too: the hook then writes the file again, and a search falls back instead of failing.
    if not isinstance(table, dict) or not all(
        isinstance(v, list) and len(v) == 3 and all(type(n) is int and n >= 0 for n in v) for v in table.values()
    ):
        raise DamagedFacets(f"{Path(path).name}: malformed field table")
    return data, table


def read_facets(path: Path, segment_id: str, doccount: int) -> SegmentFacets | None:
    """A segment's side file, checked whole; None when there is none. Raises ``DamagedFacets``
    when it is not what this segment's file must be."""
    import numpy as np

    found = _checked(path, segment_id, doccount)
    if found is None:
        return None
    data, table = found
    at = _HEAD.size + _HEAD.unpack_from(data)[3]
    fields = {}
    for fieldname, (nterms, npost, bloblen) in table.items():
        end = at + 4 * nterms + 8 * npost + bloblen
        if end > len(data):
            raise DamagedFacets(f"{Path(path).name}: shorter than its field table says")
        lengths = np.frombuffer(data, dtype="<u4", count=nterms, offset=at)
        ids = np.frombuffer(data, dtype="<u4", count=npost, offset=at + 4 * nterms)
        term_of = np.frombuffer(data, dtype="<u4", count=npost, offset=at + 4 * nterms + 4 * npost)
        blob = data[at + 4 * nterms + 8 * npost : end]
        if int(lengths.sum()) != bloblen or (npost and (int(ids.max()) >= doccount or int(term_of.max()) >= nterms)):
            raise DamagedFacets(f"{Path(path).name}: {fieldname} does not fit its segment")
        cuts = [0, *np.cumsum(lengths).tolist()]
        terms = [blob[cuts[i] : cuts[i + 1]].decode("utf-8") for i in range(nterms)]
        fields[fieldname] = (terms, ids, term_of)
        at = end + (-bloblen % 4)
    if at != len(data):
        raise DamagedFacets(f"{Path(path).name}: longer than its field table says")
    return SegmentFacets(fields)


def open_segment_facets(reader) -> SegmentFacets | None:
    """A Whoosh segment reader's side file, or None when it has none or a damaged one."""
    segment = getattr(reader, "_segment", None)
    storage = getattr(reader, "_storage", None)
    folder = getattr(storage, "folder", None) or getattr(getattr(storage, "b", None), "folder", None)
    if segment is None or folder is None:
        return None
    sid = segment.segment_id()
    try:
        return read_facets(Path(folder) / file_name(sid), sid, reader.doc_count_all())
    except (OSError, ValueError):  # DamagedFacets among them
        return None
