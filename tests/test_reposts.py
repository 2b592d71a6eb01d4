"""Reposts: edited copies of the seed's real paragraphs grouped into stories, kept right through
updates and parallel rebuilds, and shown once per story by search, the CLI and the page."""

import json
import re
import shutil

import numpy as np
import pytest
from arsearch.cli.main import cli
from arsearch.indexer import parallel, reposts
from arsearch.indexer.build import rebuild_index, update_index
from arsearch.indexer.corpus import read_articles
from arsearch.indexer.reposts import SIDE_FILE, Sketches, group_stories, sketch
from arsearch.indexer.store import current_generation
from arsearch.search import PassageSearcher
from arsearch.web import create_app
from click.testing import CliRunner
from datasketch import MinHash, MinHashLSH

from .conftest import SEED_ID, SEEDS

SEED = f"{SEED_ID}#"


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    (article,) = list(read_articles(SEEDS))
    return list(article.paragraphs)


@pytest.fixture(scope="module")
def words(tagger):
    return lambda text: [w.exact for w in tagger.words.words(text)]


def _drop_marks(text: str) -> str:
    return re.sub("[«»،,.:\\-]", " ", text)


EDITS = [
    pytest.param(lambda p: "موسكو (رويترز) - " + p, id="dateline-added"),
    pytest.param(lambda p: p.replace("الجانبان", "الطرفان", 1), id="a-word-replaced"),
    pytest.param(lambda p: p.replace("سورية", "سوريّة").replace("الروسي", "الرّوسيّ"), id="diacritics"),
    pytest.param(lambda p: p.replace("أ", "ا").replace("إ", "ا"), id="hamza-seats-dropped"),
    pytest.param(_drop_marks, id="punctuation-removed"),
    pytest.param(lambda p: "وقالت مصادر مطلعة إن الاتصال جاء بطلب من باريس. " + p, id="intro-sentence-added"),
]


@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_copy_is_the_same_story(paragraphs, words, edit):
    original = paragraphs[2]  # وأكد الجانبان ضرورة مواصلة الدعم المشترك … (40 words)
    copy = edit(original)
    assert copy != original
    stories = group_stories({"wire#3": sketch(words(original)), "paper#1": sketch(words(copy))})
    assert stories == {"wire#3": "paper#1", "paper#1": "paper#1"}  # named by the smallest key


def test_different_paragraphs_of_one_story_are_not_grouped(paragraphs, words):
    """Every paragraph of the seed in an article of its own: same subject, same names, no copies."""
    signatures = {f"a{i:02d}#1": sketch(words(p)) for i, p in enumerate(paragraphs)}
    signatures = {k: s for k, s in signatures.items() if s is not None}
    assert len(signatures) >= 10
    assert group_stories(signatures) == {}


def test_short_passages_are_never_grouped(words):
    line = "قال المتحدث باسم وزارة الخارجية"
    assert sketch(words(line)) is None
    assert sketch(words(line + " الروسية في بيان صدر اليوم عن الوزارة في موسكو")) is not None


def test_copies_inside_one_article_are_not_a_story(paragraphs, words):
    s = sketch(words(paragraphs[2]))
    assert group_stories({"wire#3": s, "wire#9": s}) == {}
    assert group_stories({"wire#3": s, "other#9": s}) == {"wire#3": "other#9", "other#9": "other#9"}


def _datasketch_signature(forms: list[str]):
    """The reference: datasketch's own MinHash over the passage's shingles, one update per passage."""
    grams = reposts.shingles(forms)
    if len(grams) < reposts.MIN_SHINGLES:
        return None
    m = MinHash(num_perm=reposts.NUM_PERM, seed=reposts.SEED, hashfunc=int, scheme="affine32")
    m.update_batch(grams.tolist())
    return m.hashvalues


@pytest.mark.parametrize("batch", [pytest.param(65536, id="one-batch"), pytest.param(40, id="a-batch-per-passage")])
def test_an_article_sketched_at_once_gives_datasketch_signatures(paragraphs, words, monkeypatch, batch):
    """Every passage's signature is datasketch's, whatever its neighbours: short ones are None, a
    repeated shingle counts once, and the batches never split a passage."""
    monkeypatch.setattr(reposts, "_SKETCH_BATCH", batch)
    texts = [*paragraphs, "قال المتحدث باسم وزارة الخارجية", "", paragraphs[2] + " " + paragraphs[2]]
    passages = [words(t) for t in texts]
    got = reposts.sketch_passages(passages)
    assert len(got) == len(passages)
    want = [_datasketch_signature(p) for p in passages]
    assert [g is None for g in got] == [w is None for w in want]
    assert sum(w is not None for w in want) >= 10 and want[-3] is None and want[-2] is None
    for g, w in zip(got, want, strict=True):
        if w is not None:
            assert g.dtype == np.uint32
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(sketch(passages[2]), want[2])


def test_the_permutations_and_bands_are_datasketchs():
    """Drawn and written out here (datasketch's import pulls in scipy): still what its MinHash draws
    for the seed and what its MinHashLSH chooses for the candidate threshold."""
    m = MinHash(num_perm=reposts.NUM_PERM, seed=reposts.SEED, hashfunc=int, scheme="affine32")
    a, b = reposts.PERMUTATIONS
    np.testing.assert_array_equal(a, m.permutations[0])
    np.testing.assert_array_equal(b, m.permutations[1])
    assert a.dtype == m.permutations.dtype and (a % 2 == 1).all()
    lsh = MinHashLSH(threshold=reposts.CANDIDATE_THRESHOLD, num_perm=reposts.NUM_PERM)
    assert reposts.BANDS == (lsh.b, lsh.r)


def _grouped_by_unique(signatures, threshold=reposts.THRESHOLD) -> dict[str, str]:
    """The banding as first written (each band's rows as bytes, buckets by ``np.unique``), with the
    rest of ``group_stories``: the reference its sort on the rows' values must agree with."""
    keys = sorted(signatures)
    matrix = np.stack([signatures[k] for k in keys])
    b, r = reposts.BANDS
    left, right = [], []
    for band in range(b):
        rows = np.ascontiguousarray(matrix[:, band * r : (band + 1) * r]).view(np.dtype((np.void, 4 * r))).ravel()
        _, bucket = np.unique(rows, return_inverse=True)
        order = np.argsort(bucket, kind="stable")
        same = bucket[order[1:]] == bucket[order[:-1]]
        left.append(order[:-1][same])
        right.append(order[1:][same])
    pairs = set(zip(np.concatenate(left).tolist(), np.concatenate(right).tolist(), strict=True))
    parent = list(range(len(keys)))

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in sorted(pairs):
        if reposts.article_of(keys[i]) != reposts.article_of(keys[j]) and (matrix[i] == matrix[j]).mean() >= threshold:
            ri, rj = root(i), root(j)
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[str]] = {}
    for n, k in enumerate(keys):
        groups.setdefault(root(n), []).append(k)
    return {k: min(ks) for ks in groups.values() if len(ks) > 1 for k in ks}


def test_banding_by_sorting_groups_as_the_unique_of_bytes_did(paragraphs, words):
    """Planted copies (some rows changed, so that only some bands agree), a bucket shared by many
    passages (one band equal everywhere) and noise: the same stories as the first banding."""
    rng = np.random.default_rng(7)
    real = [s for s in reposts.sketch_passages([words(p) for p in paragraphs]) if s is not None]
    signatures = {}
    for n in range(400):
        base = real[n % len(real)] if n < 40 else rng.integers(0, 2**32, reposts.NUM_PERM, dtype=np.uint32)
        sig = base.copy()
        changed = rng.choice(reposts.NUM_PERM, size=int(rng.integers(0, 40)), replace=False)
        sig[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint32)
        if n % 7 == 0:
            sig[:3] = 12345  # one band in common with every seventh passage
        signatures[f"a{n % 37}#{n}"] = sig
    want = _grouped_by_unique(signatures)
    assert 10 < len(want) < 400
    assert group_stories(signatures) == want


# --- the index --------------------------------------------------------------------------------------
def _write_wire(folder, paragraphs) -> None:
    """Two outlets' copies of the seed: one with a dateline and a word replaced throughout, one
    with its first four paragraphs vowelled; and an unrelated article."""
    records = [
        {
            "id": "copy1", "title": "بوتين وماكرون يبحثان سورية", "source": "وكالة أ", "date": "2017-11-02",
            "text": "\n\n".join(["موسكو (رويترز) - " + paragraphs[0], *(p.replace("الكرملين", "الرئاسة الروسية") for p in paragraphs[1:])]),
        },
        {
            "id": "copy2", "title": "اتصال هاتفي", "source": "صحيفة ب", "date": "2017-11-03",
            "text": "\n\n".join(p.replace("سورية", "سوريّة") for p in paragraphs[:4]),
        },
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")


def _expected(paragraphs) -> dict[str, str]:
    """Paragraph i of the seed, of copy1 and (i ≤ 4) of copy2 are one story, named by the seed's key."""
    out = {}
    for i in range(1, len(paragraphs) + 1):
        members = [f"{SEED}{i}", f"copy1#{i}", *([f"copy2#{i}"] if i <= 4 else [])]
        out.update({m: f"{SEED}{i}" for m in members})
    return out


def _index_stories(index_dir) -> dict[str, str]:
    """The stories as the index holds them: its story terms, checked against the side file."""
    with PassageSearcher(index_dir, engine="whoosh") as searcher:
        terms = {searcher.searcher.stored_fields(d)["key"]: s for d, s in searcher.story_of().items()}
    side = Sketches.from_bytes((current_generation(index_dir) / SIDE_FILE).read_bytes()).stories
    assert terms == side
    return terms


@pytest.fixture(scope="module")
def wire_corpus(tmp_path_factory, paragraphs):
    folder = tmp_path_factory.mktemp("wire") / "corpus"
    shutil.copytree(SEEDS, folder)
    _write_wire(folder, paragraphs)
    return folder


@pytest.fixture(scope="module")
def wire_index(tmp_path_factory, wire_corpus):
    index_dir = tmp_path_factory.mktemp("wire-index")
    rebuild_index(wire_corpus, index_dir)
    return index_dir


def test_a_rebuild_groups_the_copies(wire_index, paragraphs):
    assert _index_stories(wire_index) == _expected(paragraphs)


def test_updates_keep_the_stories_a_rebuild_gives(tmp_path, paragraphs):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(SEEDS, corpus)
    rebuild_index(corpus, index_dir)
    assert _index_stories(index_dir) == {}
    _write_wire(corpus, paragraphs)  # the copies arrive: the seed's passages join them
    update_index(index_dir, corpus)
    assert _index_stories(index_dir) == _expected(paragraphs)
    (corpus / f"{SEED_ID}.txt").unlink()  # the article that named every story goes
    report = update_index(index_dir, corpus)
    # copy1 and copy2 share paragraphs 1–4, now named by copy1; copy1's other paragraphs are alone
    renamed = {f"copy{c}#{i}": f"copy1#{i}" for c in (1, 2) for i in range(1, 5)}
    assert _index_stories(index_dir) == renamed
    assert report.regrouped == len(paragraphs) - 4 + 8  # lost their copies, or renamed
    fresh = tmp_path / "fresh"
    rebuild_index(corpus, fresh)
    assert _index_stories(fresh) == renamed


def test_a_parallel_rebuild_groups_as_one_process_does(wire_corpus, wire_index, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    assert parallel.split_points(wire_corpus)  # really split
    rebuild_index(wire_corpus, tmp_path / "index")
    assert _index_stories(tmp_path / "index") == _index_stories(wire_index)


# --- search -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["numpy", "whoosh"])
def test_one_hit_per_story_with_its_copies(wire_index, engine):
    with PassageSearcher(wire_index, engine=engine) as searcher:
        grouped = searcher.search("زاخاروفا", limit=50)
        every = searcher.search("زاخاروفا", limit=50, dedupe=False)
    assert grouped.total == every.total == len(every.hits)
    assert grouped.stories == every.stories == len(grouped.hits) < grouped.total
    assert every.total == 2 * grouped.stories  # paragraphs 5… are in the seed and copy1 only
    for hit in grouped.hits:
        n = hit.passage.passage
        assert {hit.passage.key, *(c.key for c in hit.also)} == {f"{SEED}{n}", f"copy1#{n}"}
        assert hit.also_articles == 1
    copy = next(c for h in grouped.hits for c in h.also if c.key.startswith("copy1"))
    assert (copy.source, copy.date, copy.title) == ("وكالة أ", "2017-11-02", "بوتين وماكرون يبحثان سورية")
    assert all(not h.also for h in every.hits)
    # facets count stories under dedupe, passages without
    assert grouped.facets.actors["zakharova"] * 2 == every.facets.actors["zakharova"]


def test_search_cli_lists_the_copies(wire_index):
    runner = CliRunner()
    args = ["search", "ماكرون", "مجموعة", "اتصال", "--index", str(wire_index)]
    data = json.loads(runner.invoke(cli, [*args, "--json"]).stdout)
    assert (data["total"], data["stories"]) == (3, 1)
    (hit,) = data["hits"]
    assert {hit["key"], *(c["key"] for c in hit["also"])} == {f"{SEED}4", "copy1#4", "copy2#4"}
    assert {hit["source"], *(c["source"] for c in hit["also"])} == {"صحيفة تشرين", "وكالة أ", "صحيفة ب"}
    text = runner.invoke(cli, args).stdout
    named = ", ".join(f"{c['source']} ({c['date']})" if c["date"] else c["source"] for c in hit["also"])
    assert f"also in 2 articles: {named}\n" in text
    assert "3 passages match (1 story, one hit per story; showing 1–1)" in text
    every = json.loads(runner.invoke(cli, [*args, "--json", "--no-dedupe"]).stdout)
    assert [h["key"] for h in every["hits"]][0] == hit["key"] and len(every["hits"]) == 3
    assert all(h["also"] == [] for h in every["hits"])


def test_the_page_shows_one_hit_per_story(wire_index):
    client = create_app(wire_index).test_client()
    page = client.get("/?q=ماكرون مجموعة اتصال").get_data(as_text=True)
    assert page.count('class="hit"') == 1
    assert "منشور أيضًا في 2 مقالات" in page and "صحيفة ب" in page and "2017-11-03" in page
    assert "/passage/copy2/4" in page or "/passage/copy1/4" in page
    every = client.get("/?q=ماكرون مجموعة اتصال&copies=1").get_data(as_text=True)
    assert every.count('class="hit"') == 3 and "منشور أيضًا" not in every
    api = client.get("/api/search?q=ماكرون مجموعة اتصال&copies=1").get_json()
    assert len(api["hits"]) == 3 and api["stories"] == 1
