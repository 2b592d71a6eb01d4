"""The bulk segment writer against Whoosh's own: the same segment files, byte for byte, and the same
search results; and a memory budget that splits a large build into several segments."""

import json
import random
import re

import pytest
from arsearch.indexer import segments
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.build import _documents, rebuild_index, update_index
from arsearch.indexer.corpus import read_articles
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.schema import make_schema
from arsearch.indexer.segments import BulkSegmentWriter, open_writer
from arsearch.indexer.store import current_generation
from arsearch.indexer.tagging import Tagger
from arsearch.search import PassageSearcher
from whoosh import scoring
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.qparser import QueryParser
from whoosh.writing import SegmentWriter

from .conftest import SEEDS

QUERIES = ("سورية", "الرئيس الروسي", '"مجلس الأمن"', "روسيا OR فرنسا", "بوتين NOT ماكرون", "وزير*")


def segment_files(folder) -> list[dict[str, bytes]]:
    """Each segment's files in TOC order (read out of its compound file), named without the random
    segment id, with their lengths as the compound file's directory records them (their order in it
    and their modification times are the file system's, not the writer's)."""
    storage = FileStorage(str(folder))
    out = []
    for segment in TOC.read(storage, "MAIN").segments:
        compound = CompoundStorage(storage.open_file(segment.make_filename(".seg")), use_mmap=False)
        sid = segment.segment_id()
        files = {name.replace(sid, ""): compound.open_file(name).read() for name in compound.list()}
        files["directory"] = repr(sorted(
            (name.replace(sid, ""), info["length"]) for name, info in compound._dir.items()
        )).encode()
        compound.close()
        out.append(files)
    return out


def _corpus(folder, articles: int, seed: int = 3) -> None:
    """Articles recombined from the seed's real sentences (and its words), in one .jsonl file."""
    (article,) = list(read_articles(SEEDS))
    sentences = [s.strip() for p in article.paragraphs for s in re.split(r"[.،:؛]", p) if len(s.split()) > 2]
    words = [w for p in article.paragraphs for w in p.split()]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for a in range(articles):
        paragraphs = [
            "، ".join(rng.sample(sentences, rng.randint(1, 2)) + [" ".join(rng.choices(words, k=rng.randint(2, 12)))])
            for _ in range(rng.randint(2, 4))
        ]
        if a % 5 == 0:  # a paragraph repeated, as real articles (and the hadith corpus) have them
            paragraphs.append(paragraphs[0])
        title = " ".join(rng.choices(words, k=rng.randint(3, 7)))
        lines.append(json.dumps({"id": f"g{a}", "title": title, "source": "مولد", "text": "\n\n".join(paragraphs)},
                                ensure_ascii=False))
    (folder / "generated.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def written(generated, tmp_path_factory):
    """The generated documents written by each writer into one segment."""
    _, docs, words = generated
    root = tmp_path_factory.mktemp("written")
    written = {"whoosh": _write(root / "whoosh", docs, words, SegmentWriter)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(segments, "_CHUNK_POSTINGS", 100)  # fields written in many pieces, as at 100k passages
        mp.setattr(segments, "_WRITE_CHUNK", 4096)  # postings and term entries written out in many pieces
        written["bulk"] = _write(root / "bulk", docs, words, BulkSegmentWriter)
    return written


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Index documents of ~2,000 generated passages (tagged once), and the schema to write them with."""
    root = tmp_path_factory.mktemp("generated")
    _corpus(root / "corpus", articles=600)
    gazetteer = Gazetteer.load()
    words = WordAnalyzer(load_stopwords(), gazetteer.protected_names())
    tagger = Tagger(gazetteer, words)
    docs = [doc for article in read_articles(root / "corpus") for doc in _documents(article, tagger)]
    return root, docs, words


def _write(folder, docs, words, writer_class, **kwargs):
    folder.mkdir()
    ix = FileStorage(str(folder)).create_index(make_schema(words), indexname="MAIN")
    writer = writer_class(ix, **kwargs)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


def _results(ix, words) -> list:
    """Top 20 keys with scores and the total of each query, on Whoosh's own searcher (BM25F)."""
    out = []
    with ix.searcher(weighting=scoring.BM25F()) as s:
        parser = QueryParser("text", ix.schema)
        for q in ("سورية", "الروسي", "مجلس الأمن", "روسيا OR فرنسا"):
            hits = s.search(parser.parse(q), limit=20)
            out.append((q, len(hits), [(h["key"], round(h.score, 9)) for h in hits]))
    with ix.searcher() as s:
        out.append(("exact", [(t, s.doc_frequency("exact", t)) for t in list(s.lexicon("exact"))[:50]]))
    return out


def test_seed_rebuild_writes_the_same_bytes_and_answers_the_same(tmp_path, monkeypatch):
    built = {}
    for kind in ("whoosh", "bulk"):
        monkeypatch.setenv("ARSEARCH_WRITER", kind)
        rebuild_index(SEEDS, tmp_path / kind)
        built[kind] = segment_files(current_generation(tmp_path / kind))
    assert built["whoosh"] == built["bulk"]
    assert built["bulk"][0][".pst"] and built["bulk"][0][".trm"]
    answers = {}
    for kind in ("whoosh", "bulk"):
        with PassageSearcher(tmp_path / kind) as s:
            answers[kind] = [[(h.passage.key, h.score) for h in s.search(q, limit=20).hits] for q in QUERIES]
    assert answers["whoosh"] == answers["bulk"]
    assert any(answers["bulk"])


def test_thousands_of_passages_give_the_same_segment_files(generated, written):
    _, docs, words = generated
    assert len(docs) >= 1500
    ours = segment_files(written["bulk"].storage.folder)
    assert len(ours) == 1
    assert segment_files(written["whoosh"].storage.folder) == ours
    assert _results(written["whoosh"], words) == _results(written["bulk"], words)


def test_the_budget_writes_several_segments_in_document_order(generated, written, tmp_path):
    _, docs, words = generated
    whole = written["bulk"]
    split = _write(tmp_path / "split", docs, words, BulkSegmentWriter, budget_mb=0.25)
    segments = TOC.read(split.storage, "MAIN").segments
    assert len(segments) >= 3
    assert sum(s.doc_count_all() for s in segments) == len(docs)
    with split.searcher() as s:  # document numbers are corpus order across the segments
        assert [s.stored_fields(n)["key"] for n in range(len(docs))] == [d["key"] for d in docs]
    assert _results(whole, words) == _results(split, words)


def test_a_cancelled_bulk_writer_leaves_no_segment_files(generated, tmp_path):
    _, docs, words = generated
    folder = tmp_path / "cancelled"
    folder.mkdir()
    ix = FileStorage(str(folder)).create_index(make_schema(words), indexname="MAIN")
    writer = BulkSegmentWriter(ix, budget_mb=0.25)
    for doc in docs[:600]:
        writer.add_document(**doc)
    finished = [segment.segment_id() for segment in writer.finished]
    assert finished  # some segments were written on the way
    assert any(name.startswith(finished[0]) for name in ix.storage.list())
    writer.cancel()
    # What is left of the unfinished segment is Whoosh's writer's too (the next commit removes it).
    assert not any(name.startswith(tuple(finished)) for name in ix.storage.list())


def test_the_writer_setting_picks_the_writer(tmp_path, monkeypatch, generated):
    _, _, words = generated
    ix = FileStorage(str(tmp_path)).create_index(make_schema(words), indexname="MAIN")
    monkeypatch.setenv("ARSEARCH_WRITER", "whoosh")
    w = open_writer(ix, 64)
    assert type(w) is SegmentWriter
    w.cancel()
    monkeypatch.delenv("ARSEARCH_WRITER")
    w = open_writer(ix, 64)
    assert type(w) is BulkSegmentWriter
    w.cancel()


def test_updates_with_the_bulk_writer_match_the_reference(tmp_path, monkeypatch, generated):
    """Incremental updates (deletions, a merge of small segments) give the same index either way."""
    root, _, _ = generated
    results = {}
    for kind in ("whoosh", "bulk"):
        monkeypatch.setenv("ARSEARCH_WRITER", kind)
        corpus, index_dir = tmp_path / kind / "corpus", tmp_path / kind / "index"
        corpus.mkdir(parents=True)
        lines = (root / "corpus" / "generated.jsonl").read_text("utf-8").splitlines()
        (corpus / "a.jsonl").write_text("\n".join(lines[:24]) + "\n", "utf-8")
        rebuild_index(corpus, index_dir)
        (corpus / "b.jsonl").write_text("\n".join(lines[24:36]) + "\n", "utf-8")
        (corpus / "a.jsonl").write_text("\n".join(lines[5:24]) + "\n", "utf-8")  # five removed
        update_index(index_dir, corpus)
        results[kind] = segment_files(current_generation(index_dir))
        with PassageSearcher(index_dir) as s:
            results[kind + " hits"] = [[h.passage.key for h in s.search(q, limit=50).hits] for q in QUERIES]
    assert results["whoosh"] == results["bulk"]
    assert results["whoosh hits"] == results["bulk hits"]
    assert any(results["bulk hits"])
