"""Building and updating the index: articles → tagged passages → Whoosh documents.

``rebuild_index`` builds a new generation aside and swaps it in; ``update_index`` adds new articles,
re-indexes changed ones (by content hash) and deletes removed ones. Both hold the write lock.

Nothing is deleted on doubt: an update removes an article only when the file that gave it is gone
from a folder that could be read; a file or folder that is there but cannot be read keeps its
articles (and says so), and an empty corpus folder is an error, not "everything was removed".
"""

import errno
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from arsearch.indexer import facetcols, parallel, positions, reposts, settings
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.corpus import SUFFIXES, Article, ReadReport, corpus_files, read_articles
from arsearch.indexer.durable import write_atomically
from arsearch.indexer.errors import ArsearchError, CorpusError, DiskFullError
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.schema import make_schema
from arsearch.indexer.segments import open_writer
from arsearch.indexer.store import (
    GAZETTEER,
    MANIFEST,
    Manifest,
    clean_generation,
    create_whoosh_index,
    current_generation,
    current_or_none,
    index_exists,
    last_complete_generation,
    new_generation,
    open_index,
    publish_generation,
    remove_leftovers,
    verify_index,
    writer_lock,
)
from arsearch.indexer.stories import load_sketches, write_stories
from arsearch.indexer.tagging import Tagger

#: Called as progress(files_read, files_total) while the corpus is read.
Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    """What a build or update did, for the CLI's summary line."""

    index: Path
    source: Path
    rebuilt: bool = False
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    passages: int = 0  # passages written in this run
    regrouped: int = 0  # passages written again because their story (reposts) changed
    seconds: float = 0.0
    kept: int = 0  # articles kept because their file or folder could not be read
    read: ReadReport = field(default_factory=ReadReport)
    reason: str = ""  # why an update turned into a rebuild
    notes: list[str] = field(default_factory=list)  # leftovers removed, old generations kept, repairs


#: Keyword fields left out of a passage's document when empty: an empty term would be a source or
#: a day of its own ("" sorts first, and a facet would count it).
_OMITTED_WHEN_EMPTY = ("source", "day")


def _documents(article: Article, tagger: Tagger):
    tagged = tagger.tag_article(article)
    words = tagger.words.words  # the tagger has just analysed these texts: they are remembered
    signatures = reposts.sketch_passages([[w.exact for w in words(p.text)] for p in article.passages])
    for passage, tags, signature in zip(article.passages, tagged, signatures, strict=True):
        doc = {
            reposts.DOC_ENTRY: (passage.key, signature),
            "key": passage.key,
            "article_id": article.article_id,
            "passage": passage.number,
            "title": article.title,
            "source": article.source,
            "date": article.date,
            "day": article.day,
            "url": article.url,
            "text": passage.text,
            "exact": passage.text,
            "actors": " ".join(sorted({*tags.actors, *tags.discovered})),
            "discovered": " ".join(tags.discovered),
            "mentions": [
                [m.ident, m.kind, m.surface, m.start, m.end] for m in tags.mentions if m.ident in tags.discovered
            ],
            "inferred": " ".join(tags.inferred),
            "topics": " ".join(tags.topics),
        }
        for name in _OMITTED_WHEN_EMPTY:
            if not doc[name]:
                del doc[name]
        yield doc


def _document_again(fields: dict, story: str) -> dict:
    """A stored passage's index document, with a new story (``indexer.stories``): every field
    ``_documents`` indexes is stored, except ``exact``, which is the text again."""
    doc = {**fields, "exact": fields["text"]}
    if story:
        doc["story"] = story
    return doc


#: A file modified this recently (ns) could change again within the same mtime tick: its stat is not
#: recorded, so the next update reads it again (the "racy git" rule).
_RACY_NS = 2_000_000_000


class FileLedger:
    """Which articles each corpus file gave, with the file's size and mtime when it was read.

    An update skips a file whose size and mtime are as recorded (the quick check rsync makes) and
    takes its articles as unchanged, instead of parsing and hashing the whole corpus again.
    """

    def __init__(self, known: dict[str, list] | None = None, indexed: dict[str, str] | None = None):
        self.known = known or {}
        self.indexed = indexed or {}
        self.files: dict[str, list] = {}
        self.skipped: set[str] = set()  # articles of the files left unread
        self.bytes_skipped = 0  # size of the files left unread
        self._current = ""

    def skip(self, name: str, path: Path) -> bool:
        """Called by ``read_articles`` before it reads a file: True leaves the file unread."""
        try:
            st = path.stat()
        except OSError:
            return False  # let the reader report it
        size, mtime = st.st_size, st.st_mtime_ns
        record = self.known.get(name)
        if record and record[:2] == [size, mtime] and all(i in self.indexed for i in record[2]):
            self.bytes_skipped += size
            self.files[name] = record
            self.skipped.update(record[2])
            return True
        racy = time.time_ns() - mtime < _RACY_NS
        self.files[name] = [None, None, []] if racy else [size, mtime, []]
        self._current = name
        return False

    def read(self, article_id: str) -> None:
        """An article of the file read last was taken."""
        self.files[self._current][2].append(article_id)


def _articles(source: Path, report: BuildReport, progress: Progress | None, ledger: FileLedger | None, columns: dict):
    total = len(corpus_files(source))
    for article in read_articles(source, report.read, skip=ledger.skip if ledger else None, columns=columns):
        if progress:
            progress(report.read.files, total)
        yield article


#: Bytes of index (and of Whoosh's temp files while it writes) per byte of corpus: a generation
#: measured 2.8× its corpus (400 articles, `python -m benchmarks.faults`); an estimate for messages.
INDEX_BYTES_PER_CORPUS_BYTE = 3


def _free_bytes(index_dir: Path) -> int:
    try:
        return shutil.disk_usage(index_dir).free
    except OSError:
        return 0


def _raise_disk_full(e: BaseException, index_dir: Path, corpus_bytes: int, free: int) -> None:
    """Raise the one-line message when ``e`` is a device that filled up while the index was written
    (``free``: what the device had when the writer started)."""
    if not (isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT)):
        return
    need = corpus_bytes * INDEX_BYTES_PER_CORPUS_BYTE
    raise DiskFullError(
        f"no space left on the device of {index_dir}: writing this index needs about {_mb(need)}, "
        f"{_mb(free)} were free; free some space or pass --index DIR on another device, then run it "
        "again. The previous index is unchanged"
    ) from e


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def _corpus_bytes(source: Path) -> int:
    total = 0
    for p in corpus_files(source):
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def rebuild_index(
    source: Path,
    index_dir: Path,
    gazetteer_file: Path | None = None,
    progress: Progress | None = None,
    lock_timeout: float | None = None,
    if_missing: bool = False,
    columns: dict[str, str] | None = None,
) -> BuildReport | None:
    """Build the whole index from ``source`` aside, then swap it in atomically.

    ``if_missing`` (a first use) builds only when, once the lock is held, there is still no index:
    two first uses at once build it once, and the second returns None. ``columns`` maps the parts of
    an article to the columns of CSV/JSON files (``indexer.formats.columns``); the index keeps it for
    the updates that follow.
    """
    source, index_dir = Path(source), Path(index_dir)
    started = time.perf_counter()
    gazetteer = Gazetteer.load(gazetteer_file)
    corpus_files(source)  # a missing corpus folder fails before anything is written
    report = BuildReport(index_dir, source, rebuilt=True)
    with writer_lock(index_dir, settings.lock_timeout(lock_timeout)):
        if if_missing and current_or_none(index_dir) != (None, True):
            return None
        report.notes += [f"removed {name}, left by an interrupted writer" for name in remove_leftovers(index_dir)]
        free = _free_bytes(index_dir)
        gen = new_generation(index_dir)
        try:  # from here on the generation is marked: if this process dies, the next writer removes it
            _build_generation(gen, source, gazetteer, report, progress, columns or {})
        except BaseException as e:
            _attach_read(e, report)
            # The half-built generation is dropped; CURRENT still names the previous one.
            shutil.rmtree(gen, ignore_errors=True)
            _raise_disk_full(e, index_dir, _corpus_bytes(source), free)
            raise
        report.notes += publish_generation(index_dir, gen)
    report.seconds = time.perf_counter() - started
    return report


def _attach_read(e: BaseException, report: BuildReport) -> None:
    """A failed run's error carries what reading met, so the CLI can still show why (``e.read``)."""
    if isinstance(e, ArsearchError) and not hasattr(e, "read"):
        e.read = report.read


def _build_generation(gen: Path, source: Path, gazetteer: Gazetteer, report: BuildReport, progress, columns: dict) -> None:
    words = WordAnalyzer(load_stopwords(), gazetteer.protected_names())
    tagger = Tagger(gazetteer, words)
    ix = create_whoosh_index(gen, make_schema(words))
    manifest = Manifest.new(source, gazetteer)
    manifest.columns = dict(columns)
    ledger = FileLedger()
    # A large corpus is split into shares, one per core: children index the first ones into
    # segments of their own, this process the last one (see indexer.parallel).
    points = parallel.split_points(source)
    limitmb = max(32, int(settings.WRITER_MB.value()) // (len(points) + 1))
    workers = parallel.start(ix, source, lambda a: _documents(a, tagger), points, limitmb, columns)
    own_first = points[-1] if points else (0, 0)
    segments: list = []
    sketches = reposts.Sketches()
    writer = open_writer(ix, limitmb)
    try:
        for article in _articles(source, report, progress, ledger, columns):
            if parallel.position(article, report.read) >= own_first:
                for doc in _documents(article, tagger):
                    sketches.add(*doc.pop(reposts.DOC_ENTRY))
                    writer.add_document(**doc)
                    report.passages += 1
            manifest.articles[article.article_id] = article.content_hash
            ledger.read(article.article_id)
            report.added += 1
        manifest.files = ledger.files
        segments, passages, sent = parallel.finish(workers)
        report.passages += passages
        for key, signature in sent:
            sketches.add(key, signature)
    except BaseException:
        parallel.stop(workers)
        writer.cancel()
        raise
    if not manifest.articles:
        writer.cancel()
        raise CorpusError(
            f"nothing to index in {source}: no readable article in any corpus file ({', '.join(SUFFIXES)})"
            + (f" ({len(report.read.warnings)} skipped with warnings, listed above)" if report.read.warnings else "")
        )
    writer.commit(mergetype=parallel.in_front(segments))
    report.regrouped = write_stories(ix, gen, sketches, _document_again, limitmb)
    positions.index_positions(ix)  # after every commit (the stories' too): the phrase positions side files
    facetcols.index_facets(ix)  # and the facet columns
    write_atomically(gen / GAZETTEER, gazetteer.to_json())
    write_atomically(gen / MANIFEST, manifest.to_json())  # last: a generation with a manifest is complete


def update_index(
    index_dir: Path,
    source: Path | None = None,
    gazetteer_file: Path | None = None,
    progress: Progress | None = None,
    lock_timeout: float | None = None,
    columns: dict[str, str] | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus: add new, re-index changed, delete removed articles.

    With no index yet, or when the gazetteer or the column mapping changed (tags and protected
    names depend on the one, what a CSV row gives on the other), this is a full rebuild, and the
    report says why. ``columns`` None keeps the mapping the index was built with. A lost CURRENT is pointed again at the newest
    complete generation, never replaced by a build from the default corpus.
    """
    index_dir = Path(index_dir)
    notes = []
    if current_generation(index_dir) is None:
        restored = _restore_current(index_dir, lock_timeout)
        if restored is None:
            report = rebuild_index(
                Path(source or settings.SOURCE_DIR.value()), index_dir, gazetteer_file, progress, lock_timeout,
                columns=columns,
            )
            report.reason = "no index yet"
            return report
        notes.append(f"CURRENT was missing; pointed it again at {restored}, the newest complete generation")
    opened = open_index(index_dir, preload=False)
    opened.close()
    source = Path(source or opened.manifest.source)
    gazetteer = Gazetteer.load(gazetteer_file)
    if gazetteer.fingerprint != opened.manifest.gazetteer:
        report = rebuild_index(source, index_dir, gazetteer_file, progress, lock_timeout, columns=_columns(columns, opened))
        report.reason = "the gazetteer changed"
        return report
    if columns is not None and columns != opened.manifest.columns:
        report = rebuild_index(source, index_dir, gazetteer_file, progress, lock_timeout, columns=columns)
        report.reason = "the column mapping changed"
        return report
    started = time.perf_counter()
    report = BuildReport(index_dir, source, notes=notes)
    files = corpus_files(source)
    if not any(p.suffix.lower() in SUFFIXES for p in files):
        raise CorpusError(
            f"corpus folder {source} holds no corpus file ({', '.join(SUFFIXES)}; an unmounted drive or a failed sync?); "
            "the index was not changed. Pass --source DIR if the corpus moved"
        )
    with writer_lock(index_dir, settings.lock_timeout(lock_timeout)):
        report.notes += [f"removed {name}, left by an interrupted writer" for name in remove_leftovers(index_dir)]
        opened = open_index(index_dir, preload=False)  # re-read under the lock: another writer may have finished
        try:
            verify_index(opened)
            _update_generation(opened, source, report, progress)
        except BaseException as e:
            _attach_read(e, report)
            raise
        finally:
            opened.close()
    report.seconds = time.perf_counter() - started
    return report


def _columns(given: dict[str, str] | None, opened) -> dict[str, str]:
    return dict(opened.manifest.columns) if given is None else given


def _restore_current(index_dir: Path, lock_timeout: float | None) -> str | None:
    """Under the lock: point a lost CURRENT at the newest complete generation; None when there is none."""
    if not index_dir.is_dir():
        return None
    with writer_lock(index_dir, settings.lock_timeout(lock_timeout)):
        if current_generation(index_dir) is not None:  # another writer repaired it meanwhile
            return current_generation(index_dir).name
        gen = last_complete_generation(index_dir)
        if gen is None:
            return None
        publish_generation(index_dir, gen)
        return gen.name


def _unread_ids(ledger: "FileLedger", unread: list[str]) -> tuple[set[str], bool]:
    """Articles the index has from files or folders that could not be read this time, and whether
    the index has no file records to tell (an index from before them: then no unseen article can be
    proven gone while anything is unread)."""
    ids: set[str] = set()
    unknown = bool(unread) and not ledger.known
    for name in unread:
        matches = [f for f in ledger.known if f == name or (name.endswith("/") and f.startswith(name))]
        for f in matches:
            ids.update(ledger.known[f][2])
            if f == name:  # read but not in full: read it again next time, keeping what it gave
                ledger.files[f] = [None, None, sorted(set(ledger.known[f][2]) | set(ledger.files.get(f, [0, 0, []])[2]))]
            else:  # not even listed: keep its record as it was
                ledger.files[f] = ledger.known[f]
    return ids, unknown


def _update_generation(opened, source: Path, report: BuildReport, progress) -> None:
    free = _free_bytes(opened.generation)
    manifest = opened.manifest
    tagger = Tagger(opened.gazetteer, opened.words)
    old = dict(manifest.articles)
    seen: set[str] = set()
    ledger = FileLedger(manifest.files, old)
    sketches = load_sketches(opened.generation)
    sketches.keep_articles(old)
    writer = None  # opened on the first change: a no-op update leaves no file behind

    def write():
        nonlocal writer
        if writer is None:
            writer = open_writer(opened.whoosh, int(settings.WRITER_MB.value()))
        return writer

    try:
        for article in _articles(source, report, progress, ledger, manifest.columns):
            if article.article_id in ledger.skipped:
                # An unread file already gave this id (read in full, the corpus keeps one only).
                report.read.warnings.append(f"{article.path}: duplicate article id {article.article_id!r}, skipped")
                continue
            seen.add(article.article_id)
            ledger.read(article.article_id)
            digest = article.content_hash
            if old.get(article.article_id) == digest:
                report.unchanged += 1
                continue
            if article.article_id in old:
                report.changed += 1
            else:
                report.added += 1
            write().delete_by_term("article_id", article.article_id)
            sketches.drop_articles({article.article_id})
            for doc in _documents(article, tagger):
                sketches.add(*doc.pop(reposts.DOC_ENTRY))
                write().add_document(**doc)
                report.passages += 1
            manifest.articles[article.article_id] = digest
        report.unchanged += len(ledger.skipped)
        seen |= ledger.skipped
        unread, unknown = _unread_ids(ledger, report.read.unread)
        for gone in sorted(set(old) - seen):
            if gone in unread or unknown:
                report.kept += 1
                continue
            write().delete_by_term("article_id", gone)
            sketches.drop_articles({gone})
            del manifest.articles[gone]
            report.removed += 1
        changed = bool(report.added or report.changed or report.removed)
        if changed:
            writer.commit(optimize=False)
            report.regrouped = write_stories(
                opened.whoosh, opened.generation, sketches, _document_again, int(settings.WRITER_MB.value())
            )
            manifest.source = str(source)
            manifest.built = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        # New or merged segments get their side files; an older index's, or a damaged one, too.
        positions.index_positions(opened.whoosh)
        facetcols.index_facets(opened.whoosh)
        if changed or ledger.files != manifest.files:  # file stats are worth keeping on their own
            manifest.files = ledger.files
            write_atomically(opened.generation / MANIFEST, manifest.to_json())
    except BaseException as e:
        if writer is not None and not writer.is_closed:
            try:
                writer.cancel()
            except Exception:  # noqa: S110 - the first error is the one to report
                pass
        clean_generation(opened.generation)  # the partial commit's files
        _raise_disk_full(e, report.index, _corpus_bytes(source) - ledger.bytes_skipped, free)
        raise


def ensure_index(index_dir: Path, source: Path | None = None, progress: Progress | None = None) -> BuildReport | None:
    """Build the index on first use; None when one is already there (or another process built it
    meanwhile: the check is made again under the write lock)."""
    if index_exists(index_dir):
        return None
    return rebuild_index(Path(source or settings.SOURCE_DIR.value()), Path(index_dir), progress=progress, if_missing=True)
