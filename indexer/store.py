"""Where an index lives on disk, and how it is opened, locked and swapped.

Layout of an index folder::

    index/
      CURRENT            name of the generation that answers searches (replaced atomically)
      gen-…/             a Whoosh index + arsearch.json (versions, article hashes) + gazetteer.json
      .lock              held by the one process allowed to write

A rebuild writes a new generation aside and then points CURRENT at it, so an interrupted or failed
rebuild leaves the previous index answering. Incremental updates write into the current generation
under the lock; Whoosh commits atomically, and re-adding an article first deletes it, so a crash
between the Whoosh commit and the manifest only costs work on the next run.
"""

import contextlib
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from arsearch.indexer.analysis import ANALYZER_VERSION
from arsearch.indexer.errors import IndexCorruptError, IndexLockedError, IndexMissingError, IndexVersionError
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.schema import SCHEMA_VERSION
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

CURRENT = "CURRENT"
MANIFEST = "arsearch.json"
GAZETTEER = "gazetteer.json"
LOCK = ".lock"
FORMAT = "arsearch-index"


@dataclass
class Manifest:
    """What the index knows about itself besides the Whoosh files."""

    schema_version: int
    analyzer_version: int
    source: str
    articles: dict[str, str]  # article id -> content hash
    gazetteer: str  # fingerprint
    built: str
    # corpus file name -> [size, mtime_ns, [article ids it gave]]: lets an update skip unchanged files
    files: dict[str, list] = field(default_factory=dict)

    @classmethod
    def new(cls, source: Path, gazetteer: Gazetteer) -> "Manifest":
        return cls(SCHEMA_VERSION, ANALYZER_VERSION, str(source), {}, gazetteer.fingerprint, _now())

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.__dict__}, ensure_ascii=False, indent=1)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder CURRENT points at, or None when no index was ever built here."""
    try:
        name = (index_dir / CURRENT).read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise IndexCorruptError(f"cannot read {index_dir / CURRENT} ({e.strerror}); run `arsearch rebuild`") from e
    gen = index_dir / name
    if not name or "/" in name or not gen.is_dir():
        raise IndexCorruptError(f"the index in {index_dir} points at a missing generation; run `arsearch rebuild`")
    return gen


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = index_dir / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    gen.mkdir()
    return gen


def publish_generation(index_dir: Path, gen: Path) -> None:
    """Point CURRENT at ``gen`` (atomically), then remove the generations nobody points at."""
    write_atomically(index_dir / CURRENT, gen.name)
    remove_stale_generations(index_dir)


def remove_stale_generations(index_dir: Path) -> None:
    keep = current_generation(index_dir)
    for child in index_dir.glob("gen-*"):
        if child.is_dir() and child != keep:
            shutil.rmtree(child, ignore_errors=True)


@contextlib.contextmanager
def writer_lock(index_dir: Path, timeout: float):
    """Hold the index's write lock, waiting at most ``timeout`` seconds for another writer.

    flock is released by the kernel when a process dies, so a crash never leaves a stale lock.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another arsearch process is writing the index in {index_dir}; "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_manifest(gen: Path) -> Manifest:
    try:
        data = json.loads((gen / MANIFEST).read_text("utf-8"))
        if data.pop("format") != FORMAT:
            raise ValueError("not an arsearch manifest")
        manifest = Manifest(**data)
    except FileNotFoundError as e:
        raise IndexVersionError(
            f"the index in {gen.parent} was written by another version of arsearch; run `arsearch rebuild`"
        ) from e
    except (ValueError, TypeError, KeyError, OSError) as e:
        raise IndexCorruptError(f"the index in {gen.parent} is damaged ({e}); run `arsearch rebuild`") from e
    if (manifest.schema_version, manifest.analyzer_version) != (SCHEMA_VERSION, ANALYZER_VERSION):
        raise IndexVersionError(
            f"the index in {gen.parent} was built with schema {manifest.schema_version} / analyzer "
            f"{manifest.analyzer_version}, this arsearch uses {SCHEMA_VERSION} / {ANALYZER_VERSION}; "
            "run `arsearch rebuild`"
        )
    return manifest


@dataclass
class OpenIndex:
    """A readable index: the Whoosh index, its manifest and the gazetteer it was tagged with."""

    path: Path
    generation: Path
    whoosh: whoosh_index.Index
    manifest: Manifest
    gazetteer: Gazetteer

    @property
    def words(self):
        """The word analyzer the index was built with (queries must be analyzed the same way)."""
        return self.whoosh.schema["text"].analyzer.words


def open_index(index_dir: Path, preload: bool = True) -> OpenIndex:
    """The current generation, opened for reading.

    ``preload`` loads each segment into memory when it is opened (Whoosh copies the whole memory-
    mapped segment: 0.3 s and the index's size in RAM at 100k passages), which a long-lived searcher
    repays with faster queries. One-shot uses (a CLI search, an update) pass False: files are then
    read on demand, and opening costs milliseconds.
    """
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMissingError(f"no index in {index_dir}; build it with `arsearch rebuild`")
    manifest = read_manifest(gen)
    try:
        gazetteer = Gazetteer.from_json((gen / GAZETTEER).read_text("utf-8"))
        ix = FileStorage(str(gen), supports_mmap=preload).open_index()
        ix.schema["text"].analyzer.words  # noqa: B018 - fails on a foreign schema
    except Exception as e:  # Whoosh raises many kinds of errors on damaged files
        raise IndexCorruptError(
            f"the index in {index_dir} cannot be read ({type(e).__name__}); run `arsearch rebuild`"
        ) from e
    return OpenIndex(index_dir, gen, ix, manifest, gazetteer)
