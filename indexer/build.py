"""Building and updating the index: articles → tagged passages → Whoosh documents.

``rebuild_index`` builds a new generation aside and swaps it in; ``update_index`` adds new articles,
re-indexes changed ones (by content hash) and deletes removed ones. Both hold the write lock.
"""

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from arsearch.indexer import parallel, settings
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.corpus import Article, ReadReport, corpus_files, read_articles
from arsearch.indexer.errors import CorpusError
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.schema import make_schema
from arsearch.indexer.store import (
    GAZETTEER,
    MANIFEST,
    Manifest,
    current_generation,
    new_generation,
    open_index,
    publish_generation,
    write_atomically,
    writer_lock,
)
from arsearch.indexer.tagging import Tagger
from whoosh import index as whoosh_index

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
    seconds: float = 0.0
    read: ReadReport = field(default_factory=ReadReport)
    reason: str = ""  # why an update turned into a rebuild


def _documents(article: Article, tagger: Tagger):
    for passage, tags in zip(article.passages, tagger.tag_article(article), strict=True):
        yield {
            "key": passage.key,
            "article_id": article.article_id,
            "passage": passage.number,
            "title": article.title,
            "source": article.source,
            "date": article.date,
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


def _articles(source: Path, report: BuildReport, progress: Progress | None, ledger: FileLedger | None = None):
    total = len(corpus_files(source))
    for article in read_articles(source, report.read, skip=ledger.skip if ledger else None):
        if progress:
            progress(report.read.files, total)
        yield article


def rebuild_index(
    source: Path,
    index_dir: Path,
    gazetteer_file: Path | None = None,
    progress: Progress | None = None,
    lock_timeout: float | None = None,
) -> BuildReport:
    """Build the whole index from ``source`` aside, then swap it in atomically."""
    source, index_dir = Path(source), Path(index_dir)
    started = time.perf_counter()
    gazetteer = Gazetteer.load(gazetteer_file)
    corpus_files(source)  # a missing corpus folder fails before anything is written
    report = BuildReport(index_dir, source, rebuilt=True)
    with writer_lock(index_dir, settings.lock_timeout(lock_timeout)):
        gen = new_generation(index_dir)
        try:
            words = WordAnalyzer(load_stopwords(), gazetteer.protected_names())
            tagger = Tagger(gazetteer, words)
            ix = whoosh_index.create_in(str(gen), make_schema(words))
            manifest = Manifest.new(source, gazetteer)
            ledger = FileLedger()
            # A large corpus is split into shares, one per core: children index the first ones into
            # segments of their own, this process the last one (see indexer.parallel).
            points = parallel.split_points(source)
            limitmb = max(32, settings.WRITER_LIMIT_MB // (len(points) + 1))
            workers = parallel.start(ix, source, lambda a: _documents(a, tagger), points, limitmb)
            own_first = points[-1] if points else (0, 0)
            segments: list = []
            writer = ix.writer(limitmb=limitmb)
            try:
                for article in _articles(source, report, progress, ledger):
                    if parallel.position(article, report.read) >= own_first:
                        for doc in _documents(article, tagger):
                            writer.add_document(**doc)
                            report.passages += 1
                    manifest.articles[article.article_id] = article.content_hash
                    ledger.read(article.article_id)
                    report.added += 1
                manifest.files = ledger.files
                segments, passages = parallel.finish(workers)
                report.passages += passages
            except BaseException:
                parallel.stop(workers)
                writer.cancel()
                raise
            if not manifest.articles:
                writer.cancel()
                raise CorpusError(
                    f"nothing to index in {source}: no readable .txt or .jsonl article"
                    + (f" ({len(report.read.warnings)} files skipped with warnings)" if report.read.warnings else "")
                )
            writer.commit(mergetype=parallel.in_front(segments))
            write_atomically(gen / GAZETTEER, gazetteer.to_json())
            write_atomically(gen / MANIFEST, manifest.to_json())
        except BaseException:
            # The half-built generation is dropped; CURRENT still names the previous one.
            shutil.rmtree(gen, ignore_errors=True)
            raise
        publish_generation(index_dir, gen)
    report.seconds = time.perf_counter() - started
    return report


def update_index(
    index_dir: Path,
    source: Path | None = None,
    gazetteer_file: Path | None = None,
    progress: Progress | None = None,
    lock_timeout: float | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus: add new, re-index changed, delete removed articles.

    With no index yet, or when the gazetteer changed (tags and protected names depend on it), this
    is a full rebuild, and the report says why.
    """
    index_dir = Path(index_dir)
    if current_generation(index_dir) is None:
        report = rebuild_index(Path(source or settings.SOURCE_DIR.value()), index_dir, gazetteer_file, progress, lock_timeout)
        report.reason = "no index yet"
        return report
    opened = open_index(index_dir, preload=False)
    source = Path(source or opened.manifest.source)
    gazetteer = Gazetteer.load(gazetteer_file)
    if gazetteer.fingerprint != opened.manifest.gazetteer:
        report = rebuild_index(source, index_dir, gazetteer_file, progress, lock_timeout)
        report.reason = "the gazetteer changed"
        return report
    started = time.perf_counter()
    report = BuildReport(index_dir, source)
    with writer_lock(index_dir, settings.lock_timeout(lock_timeout)):
        opened = open_index(index_dir, preload=False)  # re-read under the lock: another writer may have finished
        manifest = opened.manifest
        words = opened.words
        tagger = Tagger(opened.gazetteer, words)
        old = dict(manifest.articles)
        seen: set[str] = set()
        ledger = FileLedger(manifest.files, old)
        writer = opened.whoosh.writer(limitmb=settings.WRITER_LIMIT_MB)
        try:
            for article in _articles(source, report, progress, ledger):
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
                writer.delete_by_term("article_id", article.article_id)
                for doc in _documents(article, tagger):
                    writer.add_document(**doc)
                    report.passages += 1
                manifest.articles[article.article_id] = digest
            report.unchanged += len(ledger.skipped)
            seen |= ledger.skipped
            for gone in sorted(set(old) - seen):
                writer.delete_by_term("article_id", gone)
                del manifest.articles[gone]
                report.removed += 1
        except BaseException:
            writer.cancel()
            raise
        changed = bool(report.added or report.changed or report.removed)
        if changed:
            writer.commit(optimize=False)
            manifest.source = str(source)
            manifest.built = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        else:
            writer.cancel()
        if changed or ledger.files != manifest.files:  # file stats are worth keeping on their own
            manifest.files = ledger.files
            write_atomically(opened.generation / MANIFEST, manifest.to_json())
    report.seconds = time.perf_counter() - started
    return report


def index_exists(index_dir: Path) -> bool:
    return current_generation(Path(index_dir)) is not None


def ensure_index(index_dir: Path, source: Path | None = None, progress: Progress | None = None) -> BuildReport | None:
    """Build the index on first use; None when one is already there."""
    if index_exists(index_dir):
        return None
    return rebuild_index(Path(source or settings.SOURCE_DIR.value()), Path(index_dir), progress=progress)

