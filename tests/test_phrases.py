"""Phrase positions side files (indexer.positions) and the executor's phrase matching on them.

Quoted phrases, of the index's most frequent words above all, must give what Whoosh's collector
gives — ranks, totals, scores — whether the positions come from the side files, from Whoosh's own
postings (an index without them), or from a damaged side file (which must be noticed, never used).
"""

import random
import re
import shutil

import numpy as np
import pytest
from arsearch.indexer import parallel
from arsearch.indexer import positions as pos
from arsearch.indexer.build import rebuild_index, update_index
from arsearch.indexer.store import current_generation
from arsearch.search import PassageSearcher
from arsearch.search import executor as ex
from arsearch.search.phrases import phrase_matches
from arsearch.search.postings import read_postings
from whoosh.formats import Positions

from .test_executor import SCORE_TOLERANCE, _seed_text, _write_corpus

#: Phrase queries compared with side files, and (fewer) without them or with a damaged one.
PHRASES = 80
FEW = 25


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Three segments (a rebuild, then updates that add and delete), and the corpus it came from."""
    rng = random.Random(21)
    root = tmp_path_factory.mktemp("phrases")
    corpus, index_dir = root / "corpus", root / "index"
    _write_corpus(corpus, rng, files=2, articles=20, tag="a")
    rebuild_index(corpus, index_dir)
    _write_corpus(corpus, rng, files=1, articles=15, tag="b")
    (corpus / "a1.jsonl").unlink()
    update_index(index_dir, corpus)
    _write_corpus(corpus, rng, files=1, articles=10, tag="a")  # a0 changed: more deletions
    update_index(index_dir, corpus)
    return corpus, index_dir


def _copy(built, tmp_path):
    corpus, index_dir = built
    shutil.copytree(index_dir, tmp_path / "index")
    return corpus, tmp_path / "index"


def _side_files(index_dir):
    return sorted(current_generation(index_dir).glob("*" + pos.EXTENSION))


def _segments(index_dir):
    with PassageSearcher(index_dir) as s:
        return [(seg.reader.segment().segment_id(), seg.doccount) for seg in s.executor.segments]


def _phrases(index_dir, count: int = PHRASES) -> list[str]:
    """Quoted phrases: pairs and triples of the most frequent words as the text has them, the same
    words in other orders (mostly no match), a word repeated, and runs of any words."""
    sentences, _ = _seed_text()
    with PassageSearcher(index_dir) as s:
        reader = s.searcher.reader()
        heavy = {t.decode("utf-8") for _, t in reader.most_frequent_terms("exact", 25)}
    rng = random.Random(5)
    runs = [re.findall(r"\w+", s) for s in sentences]
    heavy_runs = [r[i : i + n] for r in runs for n in (2, 3) for i in range(len(r) - n + 1)
                  if sum(w in heavy for w in r[i : i + n]) >= n - 1]
    assert len(heavy_runs) > 20, "the corpus should have phrases of its most frequent words"
    out = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.5:
            words = rng.choice(heavy_runs)
        elif kind < 0.65:
            words = rng.sample(sorted(heavy), rng.choice((2, 3)))
        elif kind < 0.7:
            words = [rng.choice(sorted(heavy))] * 2
        else:
            r = rng.choice(runs)
            i = rng.randrange(max(1, len(r) - 1))
            words = r[i : i + rng.randint(2, 4)]
        out.append('"' + " ".join(words) + '"' + rng.choice(["", "", " " + rng.choice(sorted(heavy))]))
    return out


def _compare(index_dir, queries, fast_searcher=None) -> int:
    found = 0
    with PassageSearcher(index_dir, engine="whoosh") as reference, PassageSearcher(index_dir) as fast:
        for q in queries:
            want, got = reference.search(q, limit=5), fast.search(q, limit=5)
            assert got.total == want.total, q
            assert [h.passage.key for h in got.hits] == [h.passage.key for h in want.hits], q
            worst = max((abs(g.score - w.score) for g, w in zip(got.hits, want.hits, strict=True)), default=0.0)
            assert worst <= SCORE_TOLERANCE, q
            assert got.facets == want.facets, q
            found += want.total > 0
    return found


def test_every_segment_has_a_sound_side_file(built):
    _, index_dir = built
    segments = _segments(index_dir)
    assert len(segments) >= 2
    names = [p.name for p in _side_files(index_dir)]
    assert names == sorted(pos.file_name(sid) for sid, _ in segments)  # merged-away segments' files are gone too
    for sid, doccount in segments:
        found = pos.PositionsFile.open(current_generation(index_dir) / pos.file_name(sid), sid, doccount)
        assert found is not None and found.verify_all()


def test_side_file_holds_whoosh_positions(built):
    """Every term's positions, posting by posting, are what Whoosh decodes from its own postings."""
    _, index_dir = built
    fmt = Positions()
    checked = 0
    with PassageSearcher(index_dir) as s:
        for seg in s.executor.segments:
            side = seg.positions_file()
            assert side is not None
            for btext in seg.reader.lexicon("exact"):
                # All postings, deleted documents' too (Whoosh's matcher would skip those).
                want = [fmt.decode_positions(v) for v in read_postings(seg.reader, "exact", btext).values]
                starts, positions = side.term(btext, len(want))
                got = [positions[starts[r] : starts[r + 1]].tolist() for r in range(len(want))]
                assert got == want, btext.decode("utf-8")
                checked += 1
    assert checked > 500


def test_the_bulk_writer_writes_side_files_as_read_back_from_its_segments(tmp_path, monkeypatch):
    """A segment of the bulk writer comes with its side file, written from the postings as they are
    written; deriving it from the committed segment (what a segment of Whoosh's writer gets) gives
    the same bytes."""
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, random.Random(5), files=1, articles=12, tag="w")
    read_back = []
    real = pos.write_positions
    monkeypatch.setattr(pos, "write_positions", lambda *a: read_back.append(a[2]) or real(*a))
    rebuild_index(corpus, tmp_path / "index")
    segments = _segments(tmp_path / "index")
    gen = current_generation(tmp_path / "index")
    # Every commit (the reposts' rewrite in indexer.stories too) is the bulk writer's: nothing read back.
    assert read_back == []
    assert segments and all((gen / pos.file_name(sid)).exists() for sid, _ in segments)
    monkeypatch.setattr(pos, "write_positions", real)
    with PassageSearcher(tmp_path / "index") as s:
        for seg in s.executor.segments:
            sid = seg.reader.segment().segment_id()
            assert pos.write_positions(tmp_path, seg.reader, sid)
            assert (tmp_path / pos.file_name(sid)).read_bytes() == (gen / pos.file_name(sid)).read_bytes()


def test_bulk_decoding_matches_whoosh():
    """Small and long lists, gaps of one, two and four bytes, lists past pickle's batch of 1,000."""
    fmt = Positions()
    rng = random.Random(2)
    values = [fmt.encode(sorted(rng.sample(range(rng.choice((300, 70_000, 3_000_000))), rng.choice((1, 2, 5, 40)))))
              for _ in range(400)]
    values += [fmt.encode(list(range(1000))), fmt.encode(list(range(1001))), fmt.encode([0]),
               fmt.encode([255, 256, 65535, 65536, 2**31 - 1])]
    rng.shuffle(values)
    counts, flat = pos.decode_values(values, fmt)
    starts = np.cumsum(counts) - counts
    assert [flat[a : a + n].tolist() for a, n in zip(starts, counts, strict=True)] == [fmt.decode_positions(v) for v in values]


@pytest.mark.parametrize(
    "words, want",
    [
        pytest.param([([2, 1], [3, 7, 2]), ([1, 2], [4, 3, 9])], [True, True], id="consecutive-in-both"),
        pytest.param([([1, 1], [3, 2]), ([1, 1], [5, 2])], [False, False], id="apart-or-reversed"),
        pytest.param([([3], [0, 1, 2]), ([3], [0, 1, 2])], [True], id="a-word-twice"),
        pytest.param([([1], [0]), ([1], [0])], [False], id="one-position-is-not-two"),
        pytest.param([([1], [5]), ([1], [6]), ([1], [8])], [False], id="third-word-too-far"),
    ],
)
def test_phrase_matching_rule(words, want):
    arrays = [(np.array(c, dtype=np.int64), np.array(p, dtype=np.int32)) for c, p in words]
    assert phrase_matches(arrays, len(want)).tolist() == want


def test_phrases_match_whoosh_from_side_files(built, monkeypatch):
    _, index_dir = built
    queries = _phrases(index_dir)

    def no_fallback(*a, **k):
        raise AssertionError("a phrase fell back to Whoosh's positions although side files are there")

    monkeypatch.setattr(ex, "decode_values", no_fallback)
    assert _compare(index_dir, queries) > len(queries) // 3


def test_an_index_without_side_files_answers_the_same(built, tmp_path):
    corpus, index_dir = _copy(built, tmp_path)
    for p in _side_files(index_dir):
        p.unlink()
    with PassageSearcher(index_dir) as s:
        assert all(seg.positions_file() is None for seg in s.executor.segments)
    assert _compare(index_dir, _phrases(index_dir, FEW)) > 0
    update_index(index_dir, corpus)  # nothing changed in the corpus: the update still writes them
    assert len(_side_files(index_dir)) == len(_segments(index_dir))


def _damage(path, how):
    data = bytearray(path.read_bytes())
    if how == "truncated":
        path.write_bytes(bytes(data[:-100]))
    else:  # one flipped bit in the middle of the positions
        data[len(data) // 3] ^= 0x10
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "flipped"])
def test_a_damaged_side_file_is_noticed_and_not_used(built, tmp_path, how):
    corpus, index_dir = _copy(built, tmp_path)
    biggest = max(_side_files(index_dir), key=lambda p: p.stat().st_size)
    _damage(biggest, how)
    sid = biggest.name[: -len(pos.EXTENSION)]
    doccount = dict(_segments(index_dir))[sid]
    if how == "truncated":
        with pytest.raises(pos.DamagedPositions):
            pos.PositionsFile.open(biggest, sid, doccount)
    else:
        assert not pos.PositionsFile.open(biggest, sid, doccount).verify_all()
    assert _compare(index_dir, _phrases(index_dir, FEW)) > 0
    update_index(index_dir, corpus)  # repairs it
    assert pos.PositionsFile.open(biggest, sid, doccount).verify_all()


def test_a_parallel_rebuild_writes_side_files_in_its_children(built, tmp_path, monkeypatch):
    corpus, _ = built
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    assert parallel.split_points(corpus)
    written_here = []  # side files put in place by this process (a forked child's go to its own copy)
    real = pos.PositionsWriter.close
    monkeypatch.setattr(pos.PositionsWriter, "close", lambda self, n: written_here.append(self.segment_id) or real(self, n))
    rebuild_index(corpus, tmp_path / "index")
    segments = _segments(tmp_path / "index")
    # The child's segment, the parent's, and one more when the reposts' rewrite (indexer.stories)
    # committed regrouped passages (this corpus repeats paragraphs across articles).
    assert len(segments) >= 2
    assert len(_side_files(tmp_path / "index")) == len(segments)
    # The child wrote its own (in another process): the parent only checked it, and wrote the rest.
    assert len(written_here) == len(segments) - 1
    assert _compare(tmp_path / "index", _phrases(tmp_path / "index", FEW)) > 0


def test_one_shot_searches_map_positions_and_cache_nothing(built):
    _, index_dir = built
    # The numpy engine asked for: a one-shot search of an index this small runs on the collector.
    with PassageSearcher(index_dir, preload=False, engine="numpy") as s:
        s.search('"' + " ".join(_seed_text()[0][0].split()[:2]) + '"')
        assert s.executor.cache is None
        side = next(seg.positions_file() for seg in s.executor.segments if seg.positions_file() is not None)
        assert not side.positions.flags.writeable  # a read-only map of the file, not a copy


def test_side_files_use_whoosh_segment_names(built):
    """Whoosh deletes a segment's files by name: the side file must match its pattern."""
    from whoosh.index import TOC

    _, index_dir = built
    pattern = TOC._segment_pattern("MAIN")
    for p in _side_files(index_dir):
        assert pattern.match(p.name).group(1) == p.name[: -len(pos.EXTENSION)]
