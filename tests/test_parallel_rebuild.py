"""A rebuild split over two processes gives the same index as one process: documents, order, results."""

import json

import pytest
from arsearch.indexer import parallel
from arsearch.indexer.build import rebuild_index
from arsearch.search import PassageSearcher

from .conftest import SEEDS


@pytest.fixture
def corpus(tmp_path):
    """Five articles in three files, and one duplicate id across the split (the first one wins)."""
    text = next(SEEDS.glob("*.txt")).read_text("utf-8")
    paragraphs = [p for p in text.splitlines() if p.strip()][:13]
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "a.txt").write_text(text, "utf-8")
    lines = [
        json.dumps({"id": f"j{i}", "title": f"مقال {i}", "text": "\n".join(paragraphs[i : i + 4])}, ensure_ascii=False)
        for i in range(3)
    ]
    (src / "b.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    dup = json.dumps({"id": "j0", "text": "نص مكرر عن سورية"}, ensure_ascii=False)
    (src / "c.jsonl").write_text(dup + "\n" + json.dumps({"id": "k", "text": paragraphs[5]}, ensure_ascii=False) + "\n", "utf-8")
    return src


def _contents(index_dir):
    with PassageSearcher(index_dir) as s:
        keys = [s.searcher.stored_fields(i)["key"] for i in range(s.searcher.doc_count_all())]
        results = {q: [(h.passage.key, round(h.score, 6)) for h in s.search(q).hits] for q in ("سورية", "بوتين", '"وزارة الخارجية"')}
        return keys, results, s.index.manifest.articles


def test_two_processes_build_what_one_builds(corpus, tmp_path, monkeypatch):
    one = rebuild_index(corpus, tmp_path / "one")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    assert parallel.split_points(corpus), "the corpus should be split"
    two = rebuild_index(corpus, tmp_path / "two")
    assert (two.passages, two.added, two.read.warnings) == (one.passages, one.added, one.read.warnings)
    assert any("duplicate article id 'j0'" in w for w in two.read.warnings)
    assert _contents(tmp_path / "two") == _contents(tmp_path / "one")
