"""Whoosh's W3 postings blocks of one term, read in one piece and parsed in memory.

The numpy executor (``search.postings``) and the positions side files (``indexer.positions``) both
read postings this way: Whoosh's own matcher unpickles block headers straight from the file, one
small read per opcode, which through a compound segment file costs ~100× more. The layout is
Whoosh 2.7's; ``tests/test_executor.py::test_layout`` fails loudly if it is not the one on disk.
"""

import io
import pickle
import zlib
from collections.abc import Iterator

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.system import _INT_SIZE, unpack_int


def term_blocks(terms, fieldname: str, btext: bytes, info) -> Iterator[tuple[int, tuple]]:
    """(count, (delta ids, weights, values)) of each block of a term that is not inlined."""
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the length in its unpack tuple
        (length,) = length
    raw = terms._postfile.get(offset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"postings of {fieldname}:{btext!r} do not start with Whoosh's W3 block tag")
    at, last = 4, False
    while not last:
        blocklength = unpack_int(raw[at : at + _INT_SIZE])[0]
        last = blocklength < 0
        end = at + _INT_SIZE + abs(blocklength)
        stream = io.BytesIO(raw[at + _INT_SIZE : end])
        count, _maxid, _maxweight, compression, _minlen, _maxlen = pickle.load(stream)
        data = stream.read()
        yield count, pickle.loads(zlib.decompress(data) if compression else data)
        at = end


def committed_segments(ix) -> Iterator[tuple[object, str]]:
    """(segment reader, segment id) of every segment of a committed Whoosh index: what the side
    files' hooks (``indexer.positions``, ``indexer.facetcols``) each give a file."""
    with ix.reader() as top:
        for reader, _ in top.leaf_readers():
            segment = getattr(reader, "_segment", None)
            if segment is not None:
                yield reader, segment.segment_id()
