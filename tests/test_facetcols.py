"""Facet columns side files (indexer.facetcols): the facet arrays a search counts over, read in bulk.

Whatever the files hold, a search must answer as it does from Whoosh's postings: the same arrays
(terms, documents, term numbers, in the same order), so the same facets, totals and hits — after a
rebuild, after updates that add and remove articles, and with a file missing or damaged (noticed,
never used, repaired by the next update).
"""

import json
import random
import shutil
import zlib

import numpy as np
import pytest
from arsearch.indexer import facetcols as fc
from arsearch.indexer import parallel
from arsearch.indexer.build import rebuild_index, update_index
from arsearch.indexer.store import current_generation
from arsearch.search import PassageSearcher
from arsearch.search.executor import QueryExecutor
from arsearch.search.facetcolumns import ColumnFacetsExecutor

from .test_executor import _write_corpus

#: Queries of the kinds the seed's words allow: a word, a phrase, two words, a prefix with a negation.
QUERIES = ("روسيا", '"وزارة الخارجية"', "لافروف سوريا", "روس* -سوريا")
FILTERS = ({}, {"actors": ("putin",)})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A rebuild, then an update that adds articles and removes a file of them (deletions)."""
    rng = random.Random(8)
    root = tmp_path_factory.mktemp("facetcols")
    corpus, index_dir = root / "corpus", root / "index"
    _write_corpus(corpus, rng, files=2, articles=15, tag="a")
    rebuild_index(corpus, index_dir)
    _write_corpus(corpus, rng, files=1, articles=10, tag="b")
    (corpus / "a1.jsonl").unlink()
    update_index(index_dir, corpus)
    return corpus, index_dir


def _copy(built, tmp_path):
    corpus, index_dir = built
    shutil.copytree(index_dir, tmp_path / "index")
    return corpus, tmp_path / "index"


def _side_files(index_dir):
    return sorted(current_generation(index_dir).glob("*" + fc.EXTENSION))


def _arrays(index_dir, executor_class):
    with PassageSearcher(index_dir, preload=False, engine="numpy") as s:
        ex = executor_class(s.searcher)
        return {f: ex.facet_arrays(f) for f in fc.FIELDS}, len(ex.segments), ex.searcher.reader().has_deletions()


def _same_arrays(got, want):
    for field in fc.FIELDS:
        (gt, gd, go), (wt, wd, wo) = got[field], want[field]
        assert list(gt) == list(wt), field
        assert gd.dtype == wd.dtype and go.dtype == wo.dtype, field
        assert np.array_equal(gd, wd) and np.array_equal(go, wo), field


def _answers(index_dir, **engine):
    """Every query under every filter: ranks, totals, stories and facets, deduped and not."""
    out = []
    with PassageSearcher(index_dir, preload=False, **engine) as s:
        for query in QUERIES:
            for flt in FILTERS:
                for dedupe in (True, False):
                    r = s.search(query, dedupe=dedupe, **flt)
                    out.append((query, tuple(flt.items()), dedupe, [h.passage.key for h in r.hits], r.total, r.stories, r.facets))
    return out


def test_columns_give_the_arrays_of_the_postings_after_updates(built):
    _, index_dir = built
    got, segments, deleted = _arrays(index_dir, ColumnFacetsExecutor)
    want, _, _ = _arrays(index_dir, QueryExecutor)
    assert segments >= 2 and deleted  # the update added a segment and deleted the removed articles
    assert len(_side_files(index_dir)) == segments
    assert len(got["actors"][0]) > 5 and len(got["source"][1]) > 0  # there is something to count
    _same_arrays(got, want)


def test_columns_count_documents_as_whoosh_does_with_deletions(built):
    _, index_dir = built
    with PassageSearcher(index_dir, preload=False, engine="numpy") as s:
        reader = s.searcher.reader()
        assert reader.has_deletions()
        for field in ("source", "actors"):
            counts = s.executor.doc_frequencies(field)
            assert counts == {t: reader.doc_frequency(field, t) for t in s._terms(field)}, field


def test_a_one_shot_search_answers_as_whoosh_does(built):
    _, index_dir = built
    with PassageSearcher(index_dir, preload=False, engine="numpy") as s:
        assert all(s.executor.has_facet_columns(f) for f in fc.FIELDS)
    answers = _answers(index_dir, engine="numpy")
    assert answers == _answers(index_dir, engine="whoosh")
    assert any(a[4] > 0 and a[6].actors for a in answers)


def test_an_update_that_adds_and_removes_an_article_keeps_them_right(built, tmp_path):
    corpus, index_dir = _copy(built, tmp_path)
    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    _write_corpus(work, random.Random(3), files=1, articles=2, tag="c")  # added
    (work / "a0.jsonl").write_text("\n".join((work / "a0.jsonl").read_text("utf-8").splitlines()[1:]) + "\n", "utf-8")
    update_index(index_dir, work)  # one article gone, two new ones
    got, segments, _ = _arrays(index_dir, ColumnFacetsExecutor)
    _same_arrays(got, _arrays(index_dir, QueryExecutor)[0])
    assert len(_side_files(index_dir)) == segments
    assert _answers(index_dir, engine="numpy") == _answers(index_dir, engine="whoosh")


def test_an_index_without_them_answers_the_same_and_the_update_writes_them(built, tmp_path):
    corpus, index_dir = _copy(built, tmp_path)
    want = _answers(index_dir, engine="numpy")
    for p in _side_files(index_dir):
        p.unlink()
    with PassageSearcher(index_dir, preload=False, engine="numpy") as s:
        assert not s.executor.has_facet_columns("actors")
    assert _answers(index_dir, engine="numpy") == want
    update_index(index_dir, corpus)  # nothing changed in the corpus: the update still writes them
    assert len(_side_files(index_dir)) == _arrays(index_dir, QueryExecutor)[1]


@pytest.mark.parametrize("how", ["truncated", "flipped", "malformed"])
def test_a_damaged_file_is_noticed_and_not_used(built, tmp_path, how):
    corpus, index_dir = _copy(built, tmp_path)
    want = _answers(index_dir, engine="numpy")
    biggest = max(_side_files(index_dir), key=lambda p: p.stat().st_size)
    data = bytearray(biggest.read_bytes())
    if how == "truncated":
        data = data[:-10]
    elif how == "flipped":
        data[len(data) // 2] ^= 0x04
    else:  # a field table of the wrong shape under a right checksum (a writer's bug, not a disk's)
        magic, sid, docs, table_len, _ = fc._HEAD.unpack_from(data)
        table = json.dumps({"actors": "شيء"}).encode("utf-8")
        body = table + bytes(data[fc._HEAD.size + table_len :])
        data = bytearray(fc._HEAD.pack(magic, sid, docs, len(table), zlib.crc32(body)) + body)
    biggest.write_bytes(bytes(data))
    sid = biggest.name[: -len(fc.EXTENSION)]
    with PassageSearcher(index_dir, preload=False, engine="numpy") as s:
        doccount = next(seg.doccount for seg in s.executor.segments if seg.reader.segment().segment_id() == sid)
        assert not s.executor.has_facet_columns("actors")
    with pytest.raises(fc.DamagedFacets):
        fc.read_facets(biggest, sid, doccount)
    assert _answers(index_dir, engine="numpy") == want
    update_index(index_dir, corpus)  # repairs it
    assert fc.read_facets(biggest, sid, doccount) is not None


def test_a_parallel_rebuild_writes_them_in_its_children(built, tmp_path, monkeypatch):
    corpus, _ = built
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    assert parallel.split_points(corpus)
    written_here = []
    real = fc.write_facets
    monkeypatch.setattr(fc, "write_facets", lambda *a: written_here.append(a[2]) or real(*a))
    rebuild_index(corpus, tmp_path / "index")
    got, segments, _ = _arrays(tmp_path / "index", ColumnFacetsExecutor)
    assert len(_side_files(tmp_path / "index")) == segments >= 2
    assert len(written_here) == segments - 1  # the child's segment was written in the child
    _same_arrays(got, _arrays(tmp_path / "index", QueryExecutor)[0])
