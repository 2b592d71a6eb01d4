"""A corpus file's bytes, bounded: the size limit holds for what is read, compressed or not.

``settings.MAX_FILE_MB`` bounds one file, and a ``.gz`` file is bounded by its decompressed size:
it is decompressed as a stream and given up as soon as it passes the limit, so a gzip bomb (a few
kilobytes that expand to gigabytes) costs at most the limit in memory, never more.
"""

import gzip
import zlib
from pathlib import Path

from arsearch.indexer import settings


def _over(name: str, limit: int, what: str) -> ValueError:
    return ValueError(
        f"{name}: over the {limit} MB limit for one file{what} (${settings.MAX_FILE_MB.env}), skipped; "
        "split it into smaller files or raise the limit"
    )


def read_bounded(path: Path, name: str) -> tuple[bytes, str]:
    """The file's bytes (decompressed for ``.gz``) and the suffix that tells its format (the inner
    one for ``.gz``: ``a.csv.gz`` → ``.csv``). Raises ValueError when it is over the limit or not
    valid gzip."""
    limit = settings.MAX_FILE_MB.value()
    size = path.stat().st_size
    if size > limit * 2**20:
        raise _over(name, limit, f" ({size / 2**20:.0f} MB)")
    suffix = path.suffix.lower()
    if suffix != ".gz":
        return path.read_bytes(), suffix
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read(int(limit * 2**20) + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise ValueError(f"{name}: not a valid gzip file ({e}), skipped; check that it was copied in full") from None
    if len(raw) > limit * 2**20:
        raise _over(name, limit, " once decompressed")
    return raw, Path(path.stem).suffix.lower()
