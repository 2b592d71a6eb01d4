"""The numpy executor against Whoosh's own collector: same ranks, totals, facets and snippets.

The index is generated from the seed's real Arabic (its sentences, shuffled and recombined, with
names from the gazetteer so that passages are tagged), built and then updated in place so that it
has several segments and deleted documents. The queries are generated too, with every element of
the query language, the filters and paging; both engines must agree on every one.
"""

import inspect
import json
import random
import re

import numpy as np
import pytest
from arsearch.indexer.build import rebuild_index, update_index
from arsearch.indexer.corpus import read_articles
from arsearch.indexer.errors import QueryError
from arsearch.search import PassageSearcher
from arsearch.search import executor as ex
from arsearch.search.postings import PostingsCache, field_lengths, read_postings
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.matching.combo import ArrayUnionMatcher

from .conftest import SEEDS

#: Generated queries compared in the differential test.
QUERY_COUNT = 1000
#: Largest score difference allowed between the engines (sums may be added in another order).
SCORE_TOLERANCE = 1e-9
WORD_RE = re.compile(r"\w+")
#: Publishers of the generated articles, two of them spelt two ways (one source to the filters).
SOURCES = ("RT Arabic", "rt  arabic", "BBC عربي", "الجزيرة", "bbc عربي")


def _seed_text() -> tuple[list[str], list[str]]:
    (article,) = list(read_articles(SEEDS))
    sentences = [s.strip() for p in article.paragraphs for s in re.split(r"[.،:؛]", p) if len(s.split()) > 2]
    return sentences, [w for p in article.paragraphs for w in WORD_RE.findall(p)]


def _write_corpus(folder, rng: random.Random, files: int, articles: int, tag: str) -> None:
    sentences, words = _seed_text()
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        lines = []
        for a in range(articles):
            paragraphs = []
            for _ in range(rng.randint(2, 5)):
                parts = rng.sample(sentences, rng.randint(1, 3)) + [" ".join(rng.choices(words, k=rng.randint(3, 25)))]
                rng.shuffle(parts)
                paragraphs.append("، ".join(parts) + ".")
            title = " ".join(rng.choices(words, k=rng.randint(3, 8)))
            record = {"id": f"{tag}{f}_{a}", "title": title, "source": rng.choice(SOURCES), "text": "\n\n".join(paragraphs)}
            # Dates over two years, the same day for several articles (the date sorts' ties); some
            # articles undated, some with a date that is not understood.
            r = rng.random()
            if r < 0.8:
                record["date"] = f"{rng.choice((2017, 2018))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            elif r < 0.9:
                record["date"] = "أمس"
            lines.append(json.dumps(record, ensure_ascii=False))
        (folder / f"{tag}{f}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory):
    """Several segments (a rebuild, then two in-place updates) and deleted passages."""
    rng = random.Random(8)
    root = tmp_path_factory.mktemp("mixed")
    corpus, index_dir = root / "corpus", root / "index"
    _write_corpus(corpus, rng, files=3, articles=40, tag="a")
    rebuild_index(corpus, index_dir)
    _write_corpus(corpus, rng, files=1, articles=30, tag="b")  # new articles: a second segment
    (corpus / "a1.jsonl").unlink()  # removed articles: deletions in the first
    update_index(index_dir, corpus)
    _write_corpus(corpus, rng, files=1, articles=25, tag="a")  # a0 changed: more deletions, a third segment
    update_index(index_dir, corpus)
    return index_dir


@pytest.fixture(scope="module")
def engines(mixed_index):
    with PassageSearcher(mixed_index, engine="whoosh") as reference, PassageSearcher(mixed_index) as fast:
        yield reference, fast


def test_the_index_has_segments_and_deletions(engines):
    _, fast = engines
    segments = fast.executor.segments
    assert len(segments) >= 3
    assert sum(int((~s.live).sum()) for s in segments) > 50


def test_the_index_has_stories_to_collapse(engines):
    """Its passages recombine one article's sentences, so many are copies of each other: the
    differential test below pages through collapsed stories as well as every copy."""
    _, fast = engines
    result = fast.search("سورية", limit=0)
    assert 0 < result.stories < result.total
    assert fast.search("سورية", limit=0, dedupe=False).stories == result.stories


def test_paging_over_stories_neither_skips_nor_repeats(engines):
    """Pages of three, on both engines, give each story's best passage exactly once, in the order
    of one big page; every matching passage is a hit or one of its copies."""
    for searcher in engines:
        whole = searcher.search("جنيف", limit=200)
        assert len(whole.hits) == whole.stories
        paged = []
        for offset in range(0, whole.stories + 3, 3):
            paged += [h.passage.key for h in searcher.search("جنيف", limit=3, offset=offset).hits]
        assert paged == [h.passage.key for h in whole.hits]
        covered = [k for h in whole.hits for k in (h.passage.key, *(c.key for c in h.also))]
        assert len(covered) == len(set(covered)) == whole.total
        every = searcher.search("جنيف", limit=200, dedupe=False).hits
        assert len(every) == whole.total
        scores = {h.passage.key: h.score for h in every}
        for hit in whole.hits:  # a story's hit scores at least as high as any of its copies
            assert all(scores[c.key] <= hit.score for c in hit.also)


def _queries(rng: random.Random, searcher) -> list[tuple[str, dict]]:
    sentences, words = _seed_text()
    vocab = sorted(set(words))
    actors = sorted(searcher.gazetteer.actors)
    topics = sorted(searcher.gazetteer.topics)

    def word():
        w = rng.choice(vocab)
        return rng.choice([w, w, w, "و" + w, "ال" + w, w[:-1] + "ه" if w.endswith("ة") else w])

    def phrase():
        s = rng.choice(sentences).split()
        i = rng.randrange(len(s))
        run = s[i : i + rng.randint(2, 4)]
        if rng.random() < 0.2:
            rng.shuffle(run)  # mostly no longer a phrase of the text
        return '"' + " ".join(run) + '"'

    def atom(depth=0):
        kind = rng.random()
        if kind < 0.45:
            return word()
        if kind < 0.6:
            return phrase()
        if kind < 0.7:
            w = rng.choice(vocab)
            return w[: rng.randint(2, max(2, len(w) - 1))] + "*"
        if kind < 0.74:
            # Fuzzy terms, fewest at two edits: Whoosh's own expansion of them is what costs most here.
            w = rng.choice([v for v in vocab if len(v) > 3])
            i = rng.randrange(len(w))
            typo = w[:i] + w[i + 1 :] if rng.random() < 0.5 else w[:i] + rng.choice("ابتسمنوي") + w[i:]
            return typo + rng.choice(["~", "~1", "~", "~1", "~2"])
        if kind < 0.86 and depth < 2:
            inner = f" {rng.choice(['OR', 'AND', ''])} ".join(atom(depth + 1) for _ in range(rng.randint(2, 3)))
            return f"({inner})"
        return rng.choice(["Putin", "zakharova", "Lavrov", "في", "من"])  # English names and stop words

    out = []
    for _ in range(QUERY_COUNT):
        parts = [atom() for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        if len(parts) > 1 and rng.random() < 0.3:
            parts.insert(rng.randrange(1, len(parts) + 1), "OR")
        if rng.random() < 0.25:
            parts.append(rng.choice(["-", "NOT "]) + atom(2))
        if rng.random() < 0.1:
            parts = [rng.choice(["-", "NOT "]) + atom(2)]  # only a negation
        options = {}
        r = rng.random()
        if r < 0.15:
            parts.append(f"actor:{rng.choice(actors)}")
        elif r < 0.25:
            options["topics"] = (rng.choice(topics),)
        elif r < 0.3:
            options["actors"] = tuple(rng.sample(actors, 2))
            options["include_inferred"] = True
        elif r < 0.34:
            parts = [f"topic:{rng.choice(topics)}"]  # filters only
        r = rng.random()
        if r < 0.1:
            options["since"] = rng.choice(["2017-06", "2018", "2017-03-15"])
        elif r < 0.2:
            options["until"] = rng.choice(["2017-11", "2018-02-28", "2017"])
        elif r < 0.25:
            parts.append(rng.choice(["date:2017-11..2018-02", "date:2018-05", "date:..2017-04"]))
        elif r < 0.3:
            options["sources"] = tuple(rng.sample(["rt arabic", "BBC  عربي", "الجزيرة"], rng.randint(1, 2)))
        elif r < 0.33:
            parts.append('source:"RT ARABIC"')
        elif r < 0.35:
            parts = [rng.choice(["date:2017-11", "source:الجزيرة"])]  # date or source filters only
        if rng.random() < 0.2:
            options["sort"] = rng.choice(["date", "-date"])
        r = rng.random()
        options["limit"] = 5  # pages of five: the snippets, the same code on both engines, cost most
        if r < 0.1:
            options["limit"] = 0
        elif r < 0.25:
            options["offset"] = rng.randint(1, 15)
            options["limit"] = rng.randint(1, 20)
        if rng.random() < 0.3:
            options["dedupe"] = False  # every copy of a story (search.stories): the index has many
        out.append((" ".join(parts), options))
    return out


def _outcome(searcher, query, options):
    try:
        return searcher.search(query, **options)
    except QueryError as e:
        return f"QueryError: {e}"


def _in_order(facets):
    return [list(d.items()) for d in (facets.actors, facets.topics, facets.sources)], facets.discovered


def test_executor_matches_whoosh_on_generated_queries(engines, monkeypatch):
    reference, fast = engines
    # Whoosh's array union clears a 2,048-slot buffer per Or and segment: most of the reference's
    # time on an index this small. The part size only chunks the same sums (scores and order are
    # unchanged), so the reference runs with smaller parts to keep this test to seconds.
    monkeypatch.setattr(ArrayUnionMatcher.__init__, "__defaults__", (1.0, True, 256))
    queries = _queries(random.Random(1), reference)
    assert len(queries) >= 1000
    found_some = dated_found = 0
    for query, options in queries:
        want, got = _outcome(reference, query, options), _outcome(fast, query, options)
        where = f"{query!r} {options}"
        if isinstance(want, str):
            assert got == want, where
            continue
        found_some += want.total > 0
        dated = {"since", "until", "sources", "sort"} & set(options) or "date:" in query or "source:" in query
        dated_found += bool(dated) and len(want.hits) > 1
        assert got.total == want.total, where
        assert got.stories == want.stories, where
        assert [h.passage.key for h in got.hits] == [h.passage.key for h in want.hits], where
        assert [h.also for h in got.hits] == [h.also for h in want.hits], where
        assert [h.rank for h in got.hits] == [h.rank for h in want.hits], where
        worst = max((abs(g.score - w.score) for g, w in zip(got.hits, want.hits, strict=True)), default=0.0)
        assert worst <= SCORE_TOLERANCE, where
        assert [h.snippet for h in got.hits] == [h.snippet for h in want.hits], where
        assert got.facets == want.facets, where
        assert _in_order(got.facets) == _in_order(want.facets), where  # dicts compare equal in any order
    assert found_some > len(queries) // 2  # the mix must mostly find something to compare
    assert dated_found > 100  # date and source filters and sorts, with pages of several hits to order


def test_timeline_matches_are_the_same_on_both_engines(engines):
    """What ``search.timeline`` counts: every match with its day and article, on both engines."""
    reference, fast = engines
    compared = 0
    for query, options in _queries(random.Random(2), reference)[:40]:
        options = {k: v for k, v in options.items() if k not in ("limit", "offset", "sort", "dedupe")}
        try:
            want = reference.matching(query, **options)
        except QueryError:
            continue
        got = fast.matching(query, **options)
        assert got.ids.tolist() == want.ids.tolist() and got.days == want.days and got.articles == want.articles
        assert got.facets == want.facets
        compared += len(want.ids) > 0 and any(want.days)
    assert compared > 15


def test_scores_follow_whoosh_rules_for_not_and_prefix(engines):
    """Constant parts of Whoosh's scores that a 'cleaner' executor would drop: a NOT adds 1.0."""
    reference, fast = engines
    for query in ("سورية -روسيا", "-سورية", "بوت*", "ماكرن~"):
        want, got = reference.search(query), fast.search(query)
        assert [round(h.score, 9) for h in got.hits] == [round(h.score, 9) for h in want.hits], query


@pytest.mark.parametrize(
    "q",
    [
        pytest.param(wq.TermRange("article_id", "a0_10", "a2_5"), id="term-range"),
        pytest.param(wq.TermRange("article_id", "a0_10", "a2_5", startexcl=True, endexcl=True), id="exclusive"),
        pytest.param(wq.And([wq.TermRange("article_id", "a2", None), wq.Not(wq.Term("article_id", "a2_3"))]), id="open"),
    ],
)
def test_term_ranges_match_as_whoosh_does(engines, q):
    """Ranges over a keyword field (dates written as text sort the same way): ready for date filters."""
    reference, fast = engines
    want = sorted(reference.searcher.docs_for_query(q))
    assert want and fast.executor.run(q).ids.tolist() == want


def test_layout(engines):
    """Fails loudly if Whoosh's on-disk layout or matcher rules are not what the executor reads."""
    reference, fast = engines
    assert wq.Or.TOO_MANY_CLAUSES == ex.ARRAY_UNION_MIN_CLAUSES
    assert f"dc > {ex.ARRAY_UNION_MAX_DOCS}" in inspect.getsource(wq.Or._matcher)
    compared = 0
    for sub, _ in reference.searcher.leaf_searchers():
        reader = sub.reader()
        assert isinstance(reader.codec(), W3Codec)
        for fieldname in ("text", "exact", "title", "actors"):
            fmt = reader.schema[fieldname].format
            lengths = field_lengths(reader, fieldname)
            for btext in list(reader.lexicon(fieldname))[::7]:
                p = read_postings(reader, fieldname, btext)
                m = reader._terms.matcher(fieldname, btext, fmt)
                ids, weights, values = [], [], []
                while m.is_active():
                    ids.append(m.id())
                    weights.append(m.weight())
                    values.append(m.value())
                    m.next()
                assert p.ids.tolist() == ids and p.weights.tolist() == weights, (fieldname, btext)
                if fmt.fixed_value_size() is None:
                    assert list(p.values) == values
                if fieldname != "actors":
                    assert lengths[ids].tolist() == [reader.doc_field_length(d, fieldname) for d in ids]
                compared += 1
    assert compared > 50


def test_postings_cache_is_bounded_and_reused(mixed_index):
    with PassageSearcher(mixed_index) as searcher:
        cache = searcher.executor.cache
        assert cache is not None and cache.max_bytes > 0
        first = searcher.search("سورية روسيا")
        misses = cache.misses
        again = searcher.search("سورية روسيا")
        assert cache.misses == misses and cache.hits > 0
        assert [h.passage.key for h in again.hits] == [h.passage.key for h in first.hits]
    with PassageSearcher(mixed_index, preload=False, engine="numpy") as one_shot:
        assert one_shot.executor.cache is None

    small = PostingsCache(max_bytes=100)
    for n in range(10):
        small.put(n, np.zeros(5), 40)
    assert small.size <= 100 and len(small) == 2 and small.get(9) is not None and small.get(0) is None


def test_highlights_mark_only_what_matched_on_several_segments(engines):
    """اصتال~1 is اتصال with two letters swapped: one edit for the compile-time expansion
    (search.expansion, Damerau–Levenshtein), which both engines run as the same term list and the
    highlighter marks; so a marked word is always a word that matched, on every segment alike."""
    reference, fast = engines
    results = [searcher.search("اصتال~1", limit=200) for searcher in (reference, fast)]
    for result in results:
        assert result.total and len(result.hits) == result.hit_count
        for hit in result.hits:
            marked = [hit.passage.text[s:e] for s, e in hit.highlights]
            assert marked and all("اتصال" in w for w in marked), marked
    assert [h.highlights for h in results[0].hits] == [h.highlights for h in results[1].hits]


def test_one_shot_facets_are_the_long_lived_ones(mixed_index, engines, monkeypatch):
    """A one-shot searcher counts facets from the segments' facet columns (indexer.facetcols); on an
    index without them, from the matched passages' stored fields (search.facets), or from postings
    read on demand above STORED_FACETS_MAX matches: the counts of the arrays read at open."""
    from arsearch.search import searcher as searcher_module
    from arsearch.search.executor import QueryExecutor
    from arsearch.search.facetcolumns import ColumnFacetsExecutor

    reference, fast = engines
    queries = _queries(random.Random(2), fast)[:100]
    with PassageSearcher(mixed_index, preload=False, engine="numpy") as columns:
        with monkeypatch.context() as m:
            m.setattr(QueryExecutor, "_facet_arrays", lambda self, f: pytest.fail(f"read every {f} term's postings"))
            for query, options in queries[:30]:
                want, got = _outcome(fast, query, options), _outcome(columns, query, options)
                assert got == want if isinstance(want, str) else (got.total, got.facets) == (want.total, want.facets), query
    monkeypatch.setattr(ColumnFacetsExecutor, "has_facet_columns", lambda self, fieldname: False)  # an older index
    with PassageSearcher(mixed_index, preload=False, engine="numpy") as one_shot, \
            PassageSearcher(mixed_index, preload=False, engine="whoosh") as one_shot_reference:
        for query, options in queries:
            want = _outcome(fast, query, options)
            for searcher in (one_shot, one_shot_reference):
                got = _outcome(searcher, query, options)
                if isinstance(want, str):
                    assert got == want, query
                    continue
                assert (got.total, got.facets) == (want.total, want.facets), f"{query!r} {options}"
        assert set(one_shot.executor.facets) <= {"story"}  # every match set here is small: no facet postings read but the stories
        monkeypatch.setattr(searcher_module, "STORED_FACETS_MAX", 0)
        for query, options in queries[:20]:
            want, got = _outcome(fast, query, options), _outcome(one_shot, query, options)
            assert isinstance(want, str) or got.facets == want.facets, query
        assert set(one_shot.executor.facets) == {*searcher_module.FACET_FIELDS, "story"}


def test_a_page_of_stories_is_the_head_of_every_story_in_order():
    """``collapse`` with a wanted count orders only the best-scoring matches, growing that prefix
    until it holds enough stories: here the best scores are all copies of one story, with ties
    across stories, so the prefix must grow several times, and must keep Whoosh's tie order."""
    from arsearch.search.stories import collapse

    rng = np.random.default_rng(3)
    doccount = 400
    ids = np.sort(rng.choice(doccount, size=300, replace=False)).astype(np.int64)
    scores = rng.integers(0, 6, size=len(ids)).astype(np.float64)  # many ties
    groups = np.arange(doccount, dtype=np.int64)
    groups[ids[:120]] = doccount + rng.integers(0, 4, size=120)  # four big stories of copies
    scores[:120] += 10.0  # ... holding every best score
    whole = collapse(ids, scores, groups)
    assert len(whole) == len(set(groups[ids].tolist()))
    for wanted in (1, 3, 4, 5, 6, 17, 180, 183, 184, 185, 400):
        assert collapse(ids, scores, groups, wanted).tolist() == whole[:wanted].tolist(), wanted
    assert len(collapse(ids, scores, groups, 0)) == 0


def test_story_and_term_counts_are_the_plain_ones(engines):
    """The executor's shortcuts against the plain definitions, on the mixed index: stories counted
    by sorting only passages with copies, and the terms of a match set read by document."""
    from arsearch.search.stories import count_stories

    _, fast = engines
    ex_, groups = fast.executor, fast.groups
    live = np.concatenate([s.live_ids + s.offset for s in ex_.segments])
    rng = np.random.default_rng(5)
    for size in (0, 1, 7, 60, len(live)):
        ids = np.sort(rng.choice(live, size=size, replace=False)).astype(np.int64)
        assert count_stories(ids, groups, ex_.doccount) == len(set(groups[ids].tolist()))
        for fieldname in ("actors", "topics", "source"):
            _, docs, term_of = ex_.facet_arrays(fieldname)
            carried, per_doc = ex_.terms_of(fieldname, ids)
            assert per_doc.sum() == len(carried)
            want = sorted(zip(docs[np.isin(docs, ids)].tolist(), term_of[np.isin(docs, ids)].tolist(), strict=True))
            got = sorted(zip(np.repeat(ids, per_doc).tolist(), carried.tolist(), strict=True))
            assert got == want, (fieldname, size)
    assert count_stories(live, groups, ex_.doccount) < len(live)  # the index has copies to count once


def test_intersections_and_dense_unions_are_numpys():
    """The executor's shortcuts for And, phrases and large Ors against numpy's plain answers,
    sizes from empty to a whole segment, one side far smaller than the other."""
    rng = np.random.default_rng(11)
    doccount = 5000
    for small, large in ((0, 0), (0, 40), (1, 1), (3, 4000), (200, 4999), (2500, 2500), (4000, 30)):
        a = np.sort(rng.choice(doccount, size=small, replace=False)).astype(np.int64)
        b = np.sort(rng.choice(doccount, size=large, replace=False)).astype(np.int64)
        assert ex._intersect(a, b).tolist() == np.intersect1d(a, b).tolist()
        assert ex._intersect(b, a).tolist() == np.intersect1d(a, b).tolist()
        parts = [ex.Matches(x, rng.random(len(x))) for x in (a, b) if len(x)]
        if len(parts) < 2:
            continue
        ids, total = ex._dense_sum(parts, doccount, 0.5)
        assert ids.tolist() == np.union1d(a, b).tolist()
        want = np.zeros(len(ids))
        for p in parts:
            want[np.searchsorted(ids, p.ids)] += p.scores * 0.5
        assert total.tolist() == want.tolist()  # the same sums, added in the same order
