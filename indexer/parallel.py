"""Full rebuilds on several cores: each process indexes a contiguous share of the corpus.

Analysis, tagging and Whoosh's posting work are all CPU-bound Python, so a rebuild of a large corpus
splits the corpus, in order and by bytes (at article boundaries), into one share per process. Forked children each
write their share into a segment of their own; the rebuilding process reads the whole corpus (so
duplicates, warnings, progress and the manifest are exactly as in a one-process build), indexes the
last share itself, and commits the children's segments in front of its own. Segment order is
corpus order, so document numbers — and ties in ranking — are the same as in a one-process build.

Whoosh's own multiprocessing writer is not used: it deals batches to whichever process is free, so
the order of documents would change from one rebuild to the next.

Where ``fork`` is not available (Windows; macOS may lack it in future Pythons) a rebuild runs in one
process. A child dies with the rebuilding process: on Linux by a parent-death signal, elsewhere by a
thread that watches for its parent to go; either way the write lock the child inherited is freed.
"""

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arsearch.indexer import facetcols, positions
from arsearch.indexer.corpus import SUFFIXES, ReadReport, corpus_files, read_articles
from arsearch.indexer.errors import ArsearchError
from arsearch.indexer.reposts import DOC_ENTRY
from arsearch.indexer.segments import finish_segments, open_writer

#: Processes a full rebuild uses: both cores of a small machine, never more than it has.
REBUILD_PROCS = min(2, os.cpu_count() or 1)
#: Sets the processes instead (1: a one-process rebuild, which the per-core benchmark times).
REBUILD_PROCS_ENV = "ARSEARCH_REBUILD_PROCS"


def rebuild_procs() -> int:
    """$ARSEARCH_REBUILD_PROCS when it is a positive number, else ``REBUILD_PROCS``."""
    try:
        given = int(os.environ.get(REBUILD_PROCS_ENV) or 0)
    except ValueError:
        given = 0
    return given if given > 0 else REBUILD_PROCS
#: Below this much corpus text (a few thousand passages) one process is about as fast: small
#: corpora, the tests among them, never fork.
PARALLEL_MIN_BYTES = 2 * 2**20


#: Where an article stands in corpus order: (file ordinal as ``ReadReport.files`` counts it, line).
Position = tuple[int, int]


@dataclass
class Worker:
    process: multiprocessing.Process
    conn: object  # the parent's end of the pipe


def position(article, report: ReadReport) -> Position:
    """An article's place in corpus order: its file's ordinal, and its line in a .jsonl file."""
    _, _, line = article.path.rpartition(":")
    return (report.files, int(line) if line.isdigit() else 0)


def split_points(source: Path, procs: int | None = None) -> list[Position]:
    """Where each share but the first starts, balanced by bytes; [] when one process does it all
    (a small corpus, or one core)."""
    procs = procs or rebuild_procs()
    files = [p for p in corpus_files(source) if p.suffix.lower() in SUFFIXES]
    sizes = []
    for p in files:
        try:
            sizes.append(p.stat().st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes)
    if procs <= 1 or total < PARALLEL_MIN_BYTES or not fork_available():
        return []
    points: list[Position] = []
    before = 0
    for ordinal, (path, size) in enumerate(zip(files, sizes, strict=True), 1):
        while len(points) < procs - 1 and before + size > total * (len(points) + 1) / procs:
            target = total * (len(points) + 1) / procs - before
            points.append((ordinal, _line_at(path, int(target))))
        before += size
    return sorted(set(points))


def fork_available() -> bool:
    """Whether writer processes can be forked here (they share the open index and analyzer)."""
    return "fork" in multiprocessing.get_all_start_methods()


#: Linux's prctl option that sends a signal to a process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """In a forked child: end when the rebuilding process ``parent`` ends, however it ends."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's stop() ends a child at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the children
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch():
        while os.getppid() == parent:
            threading.Event().wait(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _line_at(path: Path, offset: int) -> int:
    """The 1-based line of a .jsonl file that holds byte ``offset`` (0 for a .txt file)."""
    if path.suffix.lower() != ".jsonl":
        return 0
    try:
        with open(path, "rb") as f:
            head = f.read(offset)
    except OSError:
        return 0
    return head.count(b"\n") + 1


def _write_share(
    ix, source: Path, documents: Callable, share: tuple[Position, Position], limitmb: int, conn, parent: int,
    columns: dict,
) -> None:
    """In a forked child: index the articles of one share into new segments, send them back."""
    _die_with_parent(parent)
    try:
        writer = open_writer(ix, limitmb, _lk=False)  # the parent holds the lock
        report = ReadReport()
        first, end = share
        passages = 0
        sketches = []  # (key, signature) of each passage written, for the parent's reposts file
        # The corpus before the share is read too (not indexed): duplicates are decided exactly as
        # in a one-process read.
        for article in read_articles(source, report, columns=columns):
            where = position(article, report)
            if where >= end:
                break
            if where >= first:
                for doc in documents(article):
                    sketches.append(doc.pop(DOC_ENTRY))
                    writer.add_document(**doc)
                    passages += 1
        if passages:
            # As whoosh.multiproc does: finish the segment, leave the shared temp folder to the parent.
            segments = finish_segments(writer)
            for segment in segments:
                positions.write_segment_positions(ix, segment)  # on this core; the parent checks it
                facetcols.write_segment_facets(ix, segment)
        else:
            writer._close_segment()
            segments = []
        conn.send((segments, passages, "", sketches))
    except BaseException as e:  # reported to the parent, which raises (an OSError as itself: disk full)
        conn.send(([], 0, e if isinstance(e, OSError) else f"{type(e).__name__}: {e}", []))
    finally:
        conn.close()


def start(ix, source: Path, documents: Callable, points: list[Position], limitmb: int, columns: dict | None = None) -> list[Worker]:
    """Fork one writer for each share before the last (``documents(article)`` gives an article's
    index documents); the caller indexes the articles from ``points[-1]`` on itself."""
    if not points:
        return []
    ctx = multiprocessing.get_context("fork")
    workers = []
    for share in zip([(0, 0), *points[:-1]], points, strict=True):
        parent_end, child_end = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=_write_share, args=(ix, source, documents, share, limitmb, child_end, os.getpid(), columns or {}),
            daemon=True,
        )
        process.start()
        child_end.close()
        workers.append(Worker(process, parent_end))
    return workers


def finish(workers: list[Worker]) -> tuple[list, int, list]:
    """Wait for the children: their segments in share order, how many passages they wrote, and
    the passages' (key, MinHash signature) pairs (``indexer.reposts``)."""
    segments, passages, sketches = [], 0, []
    try:
        for w in workers:
            try:
                written, n, error, sent = w.conn.recv()
            except EOFError:
                raise ArsearchError(
                    f"an index writer process died (exit code {w.process.exitcode}); run the rebuild again"
                ) from None
            if isinstance(error, OSError):
                raise error
            if error:
                raise ArsearchError(f"an index writer process failed: {error}")
            segments += written
            passages += n
            sketches += sent
    finally:
        stop(workers)
    return segments, passages, sketches


def stop(workers: list[Worker]) -> None:
    for w in workers:
        if w.process.is_alive():
            w.process.terminate()
        w.process.join()
        w.conn.close()


def in_front(segments: list) -> Callable:
    """A Whoosh merge policy that commits ``segments`` before the writer's own segment."""

    def policy(writer, existing):
        return [*existing, *segments]

    return policy
