"""The segment writers alone: Whoosh's ``SegmentWriter`` against ``indexer.segments.BulkSegmentWriter``.

Not a test: it prints a table and checks one thing, that both writers wrote the same segment files.
The documents (analysis and tagging included) are made once, before any timing; then each run writes
them with one writer and then the other, alternately, into fresh indexes, so the ratio between the
two is from the same run on the same (shared, noisy) machine; times are this process's CPU seconds,
which the machine's load disturbs less than wall time. Analysis of the text and postings
fields happens inside ``add_document`` for both writers (the schema's fields do it), so it is in
both times.

    python -m benchmarks.writer --size 10k --passages 5000 --runs 3
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.build import _documents
from arsearch.indexer.corpus import read_articles
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.schema import make_schema
from arsearch.indexer.segments import BulkSegmentWriter
from arsearch.indexer.tagging import Tagger
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.writing import SegmentWriter

from benchmarks.corpus import build_corpus


def documents(source: Path, limit: int) -> tuple[list[dict], WordAnalyzer]:
    gazetteer = Gazetteer.load()
    words = WordAnalyzer(load_stopwords(), gazetteer.protected_names())
    tagger = Tagger(gazetteer, words)
    docs = []
    for article in read_articles(source):
        docs.extend(_documents(article, tagger))
        if len(docs) >= limit:
            break
    return docs[:limit], words


def segment_files(folder: Path) -> list[dict[str, bytes]]:
    """Each segment's files (inside its compound file), named without the segment's random id."""
    storage = FileStorage(str(folder))
    out = []
    for segment in TOC.read(storage, "MAIN").segments:
        compound = CompoundStorage(storage.open_file(segment.make_filename(".seg")), use_mmap=False)
        sid = segment.segment_id()
        out.append({name.replace(sid, ""): compound.open_file(name).read() for name in compound.list()})
    return out


def write(kind: str, docs: list[dict], words: WordAnalyzer, folder: Path, budget_mb: int) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = FileStorage(str(folder)).create_index(make_schema(words), indexname="MAIN")
    started = time.process_time()
    if kind == "whoosh":
        writer = SegmentWriter(ix, limitmb=budget_mb)
    else:
        writer = BulkSegmentWriter(ix, budget_mb=budget_mb)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return time.process_time() - started


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="10k", help="corpus of benchmarks.corpus to take passages from")
    ap.add_argument("--passages", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget-mb", type=int, default=256)
    args = ap.parse_args(argv)
    docs, words = documents(build_corpus(args.size), args.passages)
    times: dict[str, list[float]] = {"whoosh": [], "bulk": []}
    identical = True
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for kind in times:
                times[kind].append(write(kind, docs, words, Path(tmp) / kind, args.budget_mb))
            identical &= segment_files(Path(tmp) / "whoosh") == segment_files(Path(tmp) / "bulk")
    ratios = [w / b for w, b in zip(times["whoosh"], times["bulk"], strict=True)]
    print(f"writers alone, {len(docs):,} passages of {args.size}, {args.runs} runs alternated, "
          f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}:")
    for kind, ts in times.items():
        print(f"  {kind:7} median {statistics.median(ts):.2f} CPU s (min {min(ts):.2f}, max {max(ts):.2f})")
    print(f"  bulk is {statistics.median(ratios):.2f}× faster (min {min(ratios):.2f}, max {max(ratios):.2f}); "
          f"same segment files: {'yes' if identical else 'NO'}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
