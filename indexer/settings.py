"""Every setting with its default, in one table: the CLI, the library and the README read it here."""

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    default: str
    env: str
    help: str

    def value(self, given: str | Path | None = None) -> Path:
        """What was given, else the environment variable, else the default."""
        if given not in (None, ""):
            return Path(given)
        return Path(os.environ.get(self.env) or self.default)


INDEX_DIR = Setting("index", "ARSEARCH_INDEX", "index folder")
SOURCE_DIR = Setting("seeds", "ARSEARCH_SOURCE", "corpus folder (.txt and .jsonl files)")
#: Seconds a writer waits for another writer to finish before giving up with a clear message.
LOCK_TIMEOUT = 10.0
LOCK_TIMEOUT_ENV = "ARSEARCH_LOCK_TIMEOUT"


def lock_timeout(given: float | None = None) -> float:
    """What was given, else $ARSEARCH_LOCK_TIMEOUT, else the default."""
    if given is not None:
        return given
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV) or LOCK_TIMEOUT)
    except ValueError:
        return LOCK_TIMEOUT
#: Memory Whoosh may use to pool postings before it writes a run to disk.
WRITER_LIMIT_MB = 256
#: Decoded postings a long-lived searcher (``arsearch serve``) keeps for the hot terms, in MB.
POSTINGS_CACHE_MB = 64
POSTINGS_CACHE_MB_ENV = "ARSEARCH_POSTINGS_CACHE_MB"


def postings_cache_mb(given: int | None = None) -> int:
    """What was given, else $ARSEARCH_POSTINGS_CACHE_MB, else the default (0 turns the cache off)."""
    if given is not None:
        return max(0, given)
    try:
        return max(0, int(os.environ.get(POSTINGS_CACHE_MB_ENV) or POSTINGS_CACHE_MB))
    except ValueError:
        return POSTINGS_CACHE_MB
