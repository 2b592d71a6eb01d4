"""The query → OpenSearch DSL compiler: golden bodies for every query kind, and the client's serializer."""

import json

import pytest
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.errors import QueryError
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.opensearch.dsl import DslCompiler, Filters, compile_search, to_dsl
from arsearch.search.compiler import QueryCompiler
from arsearch.search.parser import parse_query
from opensearchpy.serializer import JSONSerializer
from whoosh import query as wq


@pytest.fixture(scope="module")
def compiler() -> DslCompiler:
    gazetteer = Gazetteer.load()
    return DslCompiler(WordAnalyzer(load_stopwords(), gazetteer.protected_names()), gazetteer)


def query_of(compiler, text, **filters) -> dict:
    return compile_search(compiler, parse_query(text).tree, Filters(**filters)).body["query"]


def term(field, value, boost=None):
    return {"term": {field: {"value": value, **({"boost": boost} if boost else {})}}}


def should(*parts):
    return {"bool": {"should": list(parts), "minimum_should_match": 1}}


#: مفاوضات as the Whoosh backend searches it: the exact form (×1.5), the accusative alif written
#: without tanween (×0.3), the stem, the stem behind a bare ب/ك/ل (×0.3); the stem in titles (×0.5).
NEGOTIATIONS = should(
    term("exact", "مفاوضات", 1.5), term("exact", "مفاوضاتا", 0.3), term("text", "مفاوض"),
    term("text", "بمفاوض", 0.3), term("text", "كمفاوض", 0.3), term("text", "لمفاوض", 0.3),
)
NEGOTIATIONS_TITLE = should(term("title", "مفاوض", 0.5))


def test_a_word(compiler):
    assert query_of(compiler, "مفاوضات") == {"bool": {"must": [NEGOTIATIONS], "should": [NEGOTIATIONS_TITLE]}}


def test_a_name_searches_its_spellings(compiler):
    must = query_of(compiler, "سوريا")["bool"]["must"][0]["bool"]["should"]
    exact = {c["term"]["exact"]["value"] for c in must if "exact" in c.get("term", {}) and c["term"]["exact"].get("boost") == 1.5}
    assert {"سوريا", "سوريه"} <= exact  # سوريا / سورية, which no folding unifies


def test_words_are_all_required(compiler):
    body = query_of(compiler, "مفاوضات سورية")
    first, second = body["bool"]["must"][0]["bool"]["must"]
    assert first == NEGOTIATIONS
    assert term("exact", "سوريه", 1.5) in second["bool"]["should"]


def test_or(compiler):
    alone = query_of(compiler, "سورية")["bool"]["must"][0]
    assert query_of(compiler, "مفاوضات OR سورية")["bool"]["must"] == [should(NEGOTIATIONS, alone)]


def test_not_beside_a_word(compiler):
    body = query_of(compiler, "مفاوضات -سورية")
    alone = query_of(compiler, "سورية")["bool"]["must"][0]
    assert body["bool"]["must"] == [{"bool": {"must": [NEGOTIATIONS], "must_not": [alone]}}]


def test_not_alone_matches_everything_else(compiler):
    alone = query_of(compiler, "سورية")["bool"]["must"][0]
    assert query_of(compiler, "NOT سورية")["bool"]["must"] == [{"bool": {"must": [{"match_all": {}}], "must_not": [alone]}}]


def test_a_phrase_with_the_clitics_its_first_word_may_carry(compiler):
    phrases = [
        "الامم المتحده", "بالامم المتحده", "فالامم المتحده", "فبالامم المتحده", "فلالامم المتحده", "كالامم المتحده",
        "لالامم المتحده", "للامم المتحده", "والامم المتحده", "وبالامم المتحده", "وكالامم المتحده", "ولالامم المتحده",
    ]
    expected = should(*({"match_phrase": {"exact": {"query": p, "analyzer": "whitespace"}}} for p in phrases))
    assert query_of(compiler, '"الأمم المتحدة"') == {"bool": {"must": [expected]}}


def test_a_one_word_phrase_is_its_exact_form(compiler):
    assert query_of(compiler, '"سوريا"') == {"bool": {"must": [term("exact", "سوريا", 1.5)]}}


def test_prefix_on_the_exact_forms(compiler):
    assert query_of(compiler, "مفاوض*") == {"bool": {"must": [{"prefix": {"exact": {"value": "مفاوض"}}}]}}


def test_fuzzy_on_exact_forms_and_stems(compiler):
    fuzzy = {"fuzziness": 2, "prefix_length": 1, "transpositions": False}
    assert query_of(compiler, "ماكرن~2") == {"bool": {"must": [should(
        {"fuzzy": {"exact": {"value": "ماكرن", **fuzzy}}}, {"fuzzy": {"text": {"value": "ماكرن", **fuzzy}}},
    )]}}


def test_filters(compiler):
    body = query_of(compiler, "مفاوضات", actors=("putin",), topics=("korea",), sources=("صحيفة تشرين",))
    assert body["bool"]["filter"] == [
        {"terms": {"actors": ["putin"]}}, {"terms": {"topics": ["korea"]}}, {"terms": {"source": ["صحيفة تشرين"]}},
    ]


def test_inferred_actors(compiler):
    body = query_of(compiler, "مفاوضات", actors=("putin", "macron"), include_inferred=True)
    assert body["bool"]["filter"] == [should({"terms": {"actors": ["putin", "macron"]}}, {"terms": {"inferred": ["putin", "macron"]}})]


@pytest.mark.parametrize("since, until, expected", [
    pytest.param("2017-01-01", "2017-12-31", {"gte": "2017-01-01", "lte": "2017-12-31"}, id="both"),
    pytest.param("2017-01-01", None, {"gte": "2017-01-01"}, id="since"),
    pytest.param(None, "2017-12-31", {"lte": "2017-12-31"}, id="until"),
])
def test_dates(compiler, since, until, expected):
    body = query_of(compiler, "مفاوضات", since=since, until=until)
    assert body["bool"]["filter"] == [{"range": {"date": {**expected, "format": "strict_date"}}}]


def test_filters_only_list_in_index_order(compiler):
    body = compile_search(compiler, None, Filters(actors=("putin",)), limit=5, offset=10).body
    assert body["query"] == {"bool": {"filter": [{"terms": {"actors": ["putin"]}}]}}
    assert body["sort"] == [{"article_id": "asc"}, {"passage": "asc"}]
    assert (body["from"], body["size"], body["track_total_hits"]) == (10, 5, True)


def test_facets_are_terms_aggregations(compiler):
    aggs = compile_search(compiler, parse_query("سورية").tree).body["aggs"]
    assert aggs == {
        "actors": {"terms": {"field": "actors", "size": 1000}}, "topics": {"terms": {"field": "topics", "size": 1000}},
        "source": {"terms": {"field": "source", "size": 1000}},
    }


def test_nothing_to_search_for(compiler):
    with pytest.raises(QueryError, match="only stop words"):
        compile_search(compiler, parse_query("في").tree)
    with pytest.raises(QueryError, match="empty query"):
        compile_search(compiler, None)


def test_every_term_the_whoosh_backend_searches_is_in_the_dsl(compiler):
    """The DSL is the Whoosh compiler's query, written out: same terms, same boosts."""
    whoosh = QueryCompiler(compiler.words, compiler.gazetteer)
    for text in ("بوتين", "الروسي", "لتسوية", "كمبيوتر", "وزارة الخارجية الروسية", "سيرغي لافروف"):
        compiled = whoosh.compile(parse_query(text).tree)
        expected = sorted((t.fieldname, t.text, t.boost) for t in compiled.query.leaves() if isinstance(t, wq.Term))
        found = list(_terms(query_of(compiler, text)["bool"]["must"]))
        assert sorted(found) == expected, text


def _terms(node):
    """(field, value, boost) of every term query in a DSL tree."""
    if isinstance(node, dict):
        if "term" in node:
            ((field, spec),) = node["term"].items()
            yield field, spec["value"], spec.get("boost", 1.0)
        else:
            for v in node.values():
                yield from _terms(v)
    elif isinstance(node, list):
        for v in node:
            yield from _terms(v)


QUERIES = ["مفاوضات", "سوريا OR روسيا", "مفاوضات -سورية", "NOT سورية", '"الأمم المتحدة"', "مفاوض*", "ماكرن~",
           "(لافروف OR تيلرسون) سورية", "actor:putin سوريا", "Putin", "١٩٤٨"]


@pytest.mark.parametrize("text", QUERIES)
def test_the_client_serializes_every_body(compiler, text):
    body = compile_search(compiler, parse_query(text).tree, Filters(sources=("سانا",), since="2017-01-01")).body
    raw = JSONSerializer().dumps(body)
    assert json.loads(raw) == body


def test_unknown_nodes_are_refused():
    with pytest.raises(TypeError):
        to_dsl(wq.Wildcard("exact", "س?ر"))
