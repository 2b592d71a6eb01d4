"""Where an index lives on disk, and how it is opened, locked, made durable and swapped.

Layout of an index folder::

    index/
      CURRENT            name of the generation that answers searches (replaced atomically)
      gen-…/             a Whoosh index + arsearch.json (versions, article hashes) + gazetteer.json
        MAIN_<segid>.arpos     phrase positions of one segment in flat arrays (indexer.positions)
        MAIN_<segid>.arfacets  facet terms of each passage of one segment (indexer.facetcols)
        .arsearch-generation   written first: marks the folder as ours; readers hold a shared lock on it
      .lock              held by the one process allowed to write

A rebuild writes a new generation aside and then points CURRENT at it, so an interrupted or failed
rebuild leaves the previous index answering. Incremental updates write into the current generation
under the lock; Whoosh commits atomically, and re-adding an article first deletes it, so a crash
between the Whoosh commit and the manifest only costs work on the next run.

What survives a power loss: every file of a generation is fsynced, and then its folder, before
CURRENT moves (and before Whoosh renames its table of contents into place during an update); the new
CURRENT is fsynced, then the index folder. So after a crash CURRENT names either the old generation
or a complete new one, and a Whoosh TOC never names segment files that were not on disk.

Only what arsearch made is ever deleted: a generation is recognised by its marker file (a folder
that merely looks like ``gen-…`` is left alone), and a generation some reader still holds (a shared
lock on the marker) is kept until a later writer finds it free.
"""

import contextlib
import json
import os
import pickle
import re
import shlex
import shutil
import struct
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from arsearch.indexer.analysis import ANALYZER_VERSION
from arsearch.indexer.durable import DurableStorage, sync_folder, write_atomically
from arsearch.indexer.errors import IndexCorruptError, IndexLockedError, IndexMissingError, IndexVersionError
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.schema import SCHEMA_VERSION
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

CURRENT = "CURRENT"
MANIFEST = "arsearch.json"
GAZETTEER = "gazetteer.json"
LOCK = ".lock"
MARKER = ".arsearch-generation"
FORMAT = "arsearch-index"
#: Whoosh's index name inside a generation (its files are _MAIN_N.toc, MAIN_xxx.seg, …).
INDEXNAME = "MAIN"
#: Leftovers of a writer that was killed: our atomic-write temp files, Whoosh's TOC temp files
#: (_MAIN_3.toc.1733000000.12) and its temp folders (MAIN.tmp, xxxx.tmp).
_TEMP_RE = re.compile(r"^(\..+\.\d+\.tmp|_MAIN_\d+\.toc\..+|.+\.tmp)$")


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
    # article part -> column of CSV/JSON files (``--columns``): an update reads with the same mapping
    columns: dict[str, str] = field(default_factory=dict)

    @classmethod
    def new(cls, source: Path, gazetteer: Gazetteer) -> "Manifest":
        return cls(SCHEMA_VERSION, ANALYZER_VERSION, str(source), {}, gazetteer.fingerprint, _now())

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.__dict__}, ensure_ascii=False, indent=1)


#: The manifest's fields and the JSON types they must have (a wrong type is a damaged manifest).
_MANIFEST_TYPES = {
    "schema_version": int, "analyzer_version": int, "source": str, "articles": dict,
    "gazetteer": str, "built": str, "files": dict, "columns": dict,
}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


# --- generations ---------------------------------------------------------------------------------


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder CURRENT points at, or None when no index was ever built here."""
    path = index_dir / CURRENT
    try:
        name = path.read_bytes().decode("utf-8").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise IndexCorruptError(f"{path} is damaged (not text); run `arsearch rebuild`") from None
    gen = index_dir / name
    if not name or "/" in name or "\\" in name or name.startswith(".") or not gen.is_dir():
        raise IndexCorruptError(f"the index in {index_dir} points at a missing generation; run `arsearch rebuild`")
    return gen


def index_exists(index_dir: Path) -> bool:
    return current_generation(Path(index_dir)) is not None


def is_generation(path: Path) -> bool:
    """True for a folder arsearch made: its marker says so, or (made before markers) its manifest
    does. The name alone never does."""
    try:
        return (path / MARKER).read_text("utf-8").strip() == FORMAT
    except (OSError, UnicodeDecodeError):
        pass
    try:  # any version's manifest: an old generation is still ours to remove
        data = json.loads((path / MANIFEST).read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def _is_complete(gen: Path) -> bool:
    """A generation whose manifest reads (it is written last, so the generation is whole)."""
    try:
        read_manifest(gen)
        return True
    except (IndexCorruptError, IndexVersionError):
        return False


def current_or_none(index_dir: Path) -> tuple[Path | None, bool]:
    """CURRENT's generation, and whether CURRENT could be read at all (a damaged one is not)."""
    try:
        return current_generation(index_dir), True
    except IndexCorruptError:
        return None, False


def rebuild_command(index_dir: Path, source: Path) -> str:
    """The exact command that builds an index in ``index_dir`` from ``source``, quoted for a shell:
    every message and page that says how to build one shows this."""
    return f"arsearch rebuild --source {shlex.quote(str(source))} --index {shlex.quote(str(index_dir))}"


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = index_dir / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    gen.mkdir()
    try:
        write_atomically(gen / MARKER, FORMAT + "\n")
    except BaseException:  # interrupted before the folder is marked: nothing else would remove it
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen


def create_whoosh_index(gen: Path, schema) -> whoosh_index.Index:
    """An empty Whoosh index in a new generation, written through the durable storage."""
    return DurableStorage(str(gen)).create_index(schema, indexname=INDEXNAME)


def publish_generation(index_dir: Path, gen: Path) -> list[str]:
    """Make ``gen`` durable, point CURRENT at it (atomically), then remove the generations nobody
    points at or holds. Returns what was removed or kept, for the summary."""
    sync_folder(gen)
    write_atomically(index_dir / CURRENT, gen.name)
    return remove_stale_generations(index_dir)


def _try_remove_generation(gen: Path) -> bool:
    """Remove a generation unless a reader holds it (a shared lock on its marker)."""
    try:
        handle = open(gen / MARKER, "rb")
    except FileNotFoundError:  # made before markers (recognised by its manifest): no reader holds it
        shutil.rmtree(gen, ignore_errors=True)
        return not gen.exists()
    import portalocker  # writers only (see _lock_shared)

    with handle:
        try:
            portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.exceptions.LockException:
            return False
        # Held exclusively: a reader that opens the marker now waits, then finds it gone and retries.
        shutil.rmtree(gen, ignore_errors=True)
    return not gen.exists()


def remove_stale_generations(index_dir: Path) -> list[str]:
    """Remove the generations CURRENT does not name; only marked ones, and none a reader holds."""
    keep = current_generation(index_dir)
    notes = []
    for child in sorted(index_dir.iterdir()):
        if child == keep or not child.is_dir() or not is_generation(child):
            continue
        if not _try_remove_generation(child):
            notes.append(f"kept old generation {child.name}: a reader still has it open")
    return notes


def remove_leftovers(index_dir: Path) -> list[str]:
    """At a writer's start (under the lock): remove what killed writers left behind — generations
    never published, temp files, Whoosh files no table of contents names. Returns what was removed."""
    removed = []
    keep, readable = current_or_none(index_dir)
    for child in sorted(index_dir.iterdir()):
        if child.is_file() and _TEMP_RE.match(child.name) and child.name.startswith(f".{CURRENT}."):
            child.unlink()
            removed.append(child.name)
        elif (
            child.is_dir() and child != keep and is_generation(child)
            # with CURRENT damaged, a whole generation may be the real index: only drop unfinished ones
            and (readable or not _is_complete(child))
            and _try_remove_generation(child)
        ):
            removed.append(child.name + "/")
    if keep is not None:
        removed += [f"{keep.name}/{name}" for name in clean_generation(keep)]
    return removed


def clean_generation(gen: Path) -> list[str]:
    """Remove a failed or killed commit's files from a generation: temp files and folders, and
    Whoosh segment files that the table of contents does not name. Returns their names."""
    removed = []
    for child in sorted(gen.iterdir()):
        if _TEMP_RE.match(child.name) and child.name != MARKER:
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
            removed.append(child.name)
    return removed + _remove_unreferenced(gen)


def _remove_unreferenced(gen: Path) -> list[str]:
    storage = FileStorage(str(gen))
    try:
        toc = whoosh_index.TOC.read(storage, INDEXNAME)
    except Exception:  # a damaged TOC: leave everything for `arsearch rebuild`
        return []
    before = set(storage.list())
    whoosh_index.clean_files(storage, INDEXNAME, toc.generation, toc.segments)
    return sorted(before - set(storage.list()))


# --- locks ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def writer_lock(index_dir: Path, timeout: float):
    """Hold the index's write lock, waiting at most ``timeout`` seconds for another writer.

    The OS releases the lock when the process dies, so a crash never leaves a stale lock.
    """
    import portalocker  # writers only (see _lock_shared)

    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
                break
            except portalocker.exceptions.LockException:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another arsearch process is writing the index in {index_dir}; "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            portalocker.unlock(handle)


class _Gone(Exception):
    """The generation was removed between reading CURRENT and holding it."""


class _Hold:
    """A shared lock on a generation's marker, held through a bare descriptor: dropping it (even
    without close, as a searcher left to the garbage collector) releases the lock, silently."""

    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    __del__ = close


def _lock_shared(fd: int) -> bool:
    """Take a shared lock on ``fd``, waiting for a writer's exclusive one; False where the platform
    has none. On POSIX this is ``fcntl.flock``, the call portalocker makes there (so readers and
    writers still exclude each other), without importing portalocker, whose version lookup
    (``importlib.metadata``) costs every one-shot search tens of milliseconds."""
    try:
        import fcntl
    except ImportError:  # Windows: portalocker's msvcrt/pywin32 locks
        import portalocker

        try:
            portalocker.lock(fd, portalocker.LockFlags.SHARED)
        except (portalocker.exceptions.LockException, ImportError):  # Windows without pywin32
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except OSError:  # what portalocker turns into LockException
        return False
    return True


def _hold_generation(gen: Path) -> _Hold | None:
    """Hold ``gen`` so that writers leave it on disk; None for a generation made before markers
    existed, or where the platform has no shared locks."""
    try:
        hold = _Hold(os.open(gen / MARKER, os.O_RDONLY))
    except FileNotFoundError:
        if gen.is_dir():
            return None
        raise _Gone from None
    if not _lock_shared(hold.fd):
        hold.close()
        return None
    if not (gen / MARKER).exists():  # removed while we waited for the lock
        hold.close()
        raise _Gone
    return hold


# --- reading -------------------------------------------------------------------------------------


def read_manifest(gen: Path) -> Manifest:
    try:
        data = json.loads((gen / MANIFEST).read_bytes().decode("utf-8"))
        if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
            raise ValueError("not an arsearch manifest")
        for name, kind in _MANIFEST_TYPES.items():
            if name in data and not isinstance(data[name], kind):
                raise ValueError(f"{name} is a {type(data[name]).__name__}, not a {kind.__name__}")
        manifest = Manifest(**data)
    except FileNotFoundError:
        raise IndexCorruptError(
            f"the index in {gen.parent} is damaged ({MANIFEST} is missing); run `arsearch rebuild`"
        ) from None
    except (ValueError, TypeError, KeyError, RecursionError) as e:
        raise IndexCorruptError(
            f"the index in {gen.parent} is damaged ({MANIFEST}: {e}); run `arsearch rebuild`"
        ) from None
    if (manifest.schema_version, manifest.analyzer_version) != (SCHEMA_VERSION, ANALYZER_VERSION):
        raise IndexVersionError(
            f"the index in {gen.parent} was built with schema {manifest.schema_version} / analyzer "
            f"{manifest.analyzer_version}, this arsearch uses {SCHEMA_VERSION} / {ANALYZER_VERSION}; "
            "run `arsearch rebuild`"
        )
    return manifest


def last_complete_generation(index_dir: Path) -> Path | None:
    """The newest complete generation: where a lost CURRENT should point again."""
    found = [
        (child.stat().st_mtime_ns, child)
        for child in (index_dir.iterdir() if index_dir.is_dir() else ())
        if child.is_dir() and is_generation(child) and _is_complete(child)
    ]
    return max(found)[1] if found else None


@dataclass
class OpenIndex:
    """A readable index: the Whoosh index, its manifest and the gazetteer it was tagged with.

    It holds its generation (see ``_hold_generation``) until ``close``: a rebuild that swaps in a
    new generation meanwhile leaves this one on disk for as long as it is open.
    """

    path: Path
    generation: Path
    whoosh: whoosh_index.Index
    manifest: Manifest
    gazetteer: Gazetteer
    hold: "_Hold | None" = None

    @property
    def words(self):
        """The word analyzer the index was built with (queries must be analyzed the same way)."""
        return self.whoosh.schema["text"].analyzer.words

    def close(self) -> None:
        if self.hold is not None:
            self.hold.close()
            self.hold = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_index(index_dir: Path, preload: bool = True) -> OpenIndex:
    """The current generation, opened for reading and held until ``close``.

    ``preload`` loads each segment into memory when it is opened (Whoosh copies the whole memory-
    mapped segment: 0.3 s and the index's size in RAM at 100k passages), which a long-lived searcher
    repays with faster queries. One-shot uses (a CLI search, an update) pass False: files are then
    read on demand, and opening costs milliseconds.

    A generation removed by a rebuild between reading CURRENT and holding it is retried once with
    the new CURRENT.
    """
    for attempt in (1, 2):
        gen = current_generation(index_dir)
        if gen is None:
            raise IndexMissingError(f"no index in {index_dir}; build it with `arsearch rebuild`")
        try:
            hold = _hold_generation(gen)
        except _Gone:
            if attempt == 2:
                raise IndexCorruptError(
                    f"the index in {index_dir} points at a missing generation; run `arsearch rebuild`"
                ) from None
            continue
        try:
            return _open_generation(index_dir, gen, preload, hold)
        except BaseException:
            if hold is not None:
                hold.close()
            raise
    raise AssertionError("unreachable")


def _open_generation(index_dir: Path, gen: Path, preload: bool, hold) -> OpenIndex:
    manifest = read_manifest(gen)
    try:
        gazetteer = Gazetteer.from_json((gen / GAZETTEER).read_bytes().decode("utf-8"))
        ix = DurableStorage(str(gen), supports_mmap=preload).open_index(INDEXNAME)
        ix.schema["text"].analyzer.words  # noqa: B018 - fails on a foreign schema
    except PermissionError:
        raise
    except Exception as e:  # Whoosh raises many kinds of errors on damaged files
        raise IndexCorruptError(
            f"the index in {index_dir} cannot be read ({_damage_name(e)}); run `arsearch rebuild`"
        ) from e
    return OpenIndex(index_dir, gen, ix, manifest, gazetteer, hold)


def verify_index(opened: OpenIndex) -> None:
    """Open every segment and read its article ids: what an update will read and write next to.
    A truncated, emptied or missing segment file fails here, before anything is written."""
    try:
        with opened.whoosh.reader() as reader:
            for _ in reader.lexicon("article_id"):
                pass
    except PermissionError:
        raise
    except Exception as e:
        raise IndexCorruptError(
            f"the index in {opened.path} cannot be read ({_damage_name(e)}); run `arsearch rebuild`"
        ) from e


# --- damage found later, while searching ---------------------------------------------------------

#: What Whoosh raises when the bytes it reads are not what it wrote: truncated or bit-flipped
#: segments, a deleted file, a damaged table of contents.
_DAMAGE_TYPES = (
    EOFError, FileNotFoundError, IndexError, KeyError, OverflowError, ValueError, AssertionError,
    whoosh_index.EmptyIndexError, struct.error, zlib.error, pickle.UnpicklingError,
)
_WHOOSH_DIR = os.path.dirname(whoosh_index.__file__)


def _damage_name(e: BaseException) -> str:
    kind = type(e)
    return f"{kind.__module__}.{kind.__name__}" if kind.__module__ not in ("builtins",) else kind.__name__


def damage_error(e: BaseException, index_dir: Path | str) -> IndexCorruptError | None:
    """The rebuild message for an exception Whoosh raised while reading index files, else None.

    Whoosh reads segments lazily, so a damaged file can surface in the middle of a search: an
    exception of a reading kind whose innermost arsearch-or-Whoosh frame is in Whoosh counts.
    """
    unnamed_os_error = isinstance(e, OSError) and e.filename is None  # a seek or read past what is there
    if not (isinstance(e, _DAMAGE_TYPES) or unnamed_os_error) or isinstance(e, (UnicodeEncodeError, RecursionError)):
        return None
    innermost = None
    tb = e.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(_WHOOSH_DIR):
            innermost = "whoosh"
        elif "arsearch" in tb.tb_frame.f_globals.get("__name__", ""):
            innermost = "arsearch"
        tb = tb.tb_next
    if innermost != "whoosh":
        return None
    return IndexCorruptError(f"the index in {index_dir} is damaged ({_damage_name(e)}); run `arsearch rebuild`")
