"""`--backend opensearch`: a cluster's response becomes the Whoosh backend's ``SearchResult``.

The stand-in cluster (tests/opensearch_fake.py) answers with the passages the Whoosh backend found
for the same query: what comes back must then be the same result — hits, highlights, snippets,
explanations, facets — since both are computed by arsearch from the stored text.
"""

import json

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.store import open_index
from arsearch.opensearch import searcher as os_searcher
from arsearch.opensearch.client import OpenSearchBackendError, connect
from arsearch.opensearch.documents import index_template, to_document
from arsearch.opensearch.dsl import Filters, compile_search
from arsearch.opensearch.searcher import OpenSearchSearcher
from arsearch.search.parser import parse_query
from click.testing import CliRunner

from tests.opensearch_fake import cluster_with_index


@pytest.fixture(scope="module")
def template(seed_index):
    with open_index(seed_index, preload=False) as ix:
        return index_template(ix.words, ix.gazetteer)


@pytest.fixture(scope="module")
def stored(seed_index):
    with open_index(seed_index, preload=False) as ix, ix.whoosh.searcher() as s:
        return {fields["key"]: fields for fields in s.all_stored_fields()}


def answering_like(whoosh_result, stored):
    """A search handler that returns the Whoosh backend's hits and facets, in its order."""
    def answer(path, params, body):
        hits = [{"_id": h.passage.key, "_score": h.score, "_source": to_document(stored[h.passage.key])}
                for h in whoosh_result.hits]
        aggs = {name: {"buckets": [{"key": k, "doc_count": n} for k, n in counts.items()]}
                for name, counts in (("actors", whoosh_result.facets.actors), ("topics", whoosh_result.facets.topics),
                                     ("source", whoosh_result.facets.sources))}
        return 200, {"hits": {"total": {"value": whoosh_result.total, "relation": "eq"}, "hits": hits}, "aggregations": aggs}
    return answer


def open_searcher(cluster, dfs=False):
    return OpenSearchSearcher(dfs=dfs, client=connect("http://localhost:9200", cluster.connection_class()))


@pytest.mark.parametrize("query", [
    pytest.param("سوريا", id="name-with-spellings"),
    pytest.param("بوتين ماكرون", id="two-words"),
    pytest.param('"العملية السياسية"', id="phrase"),
    pytest.param("روس*", id="prefix"),
    pytest.param("ماكرن~", id="fuzzy"),
    pytest.param("سورية -جنيف", id="not"),
])
def test_the_result_is_the_whoosh_backends(searcher, template, stored, query):
    expected = searcher.search(query)
    assert expected.hits
    cluster = cluster_with_index(template)
    cluster.on("POST", "/arsearch/_search", answering_like(expected, stored))
    got = open_searcher(cluster).search(query)
    assert got.total == expected.total
    assert [h.passage for h in got.hits] == [h.passage for h in expected.hits]
    assert [h.highlights for h in got.hits] == [h.highlights for h in expected.hits]
    assert [h.snippet for h in got.hits] == [h.snippet for h in expected.hits]
    assert [h.matches for h in got.hits] == [h.matches for h in expected.hits]
    assert got.facets == expected.facets
    assert any(h.highlights for h in got.hits)
    (body,) = cluster.bodies("POST", "/arsearch/_search")
    assert json.loads(body) == compile_search(open_searcher(cluster).compiler, parse_query(query).tree).body


def test_dfs_asks_for_index_wide_statistics(template, searcher, stored):
    cluster = cluster_with_index(template)
    cluster.on("POST", "/arsearch/_search", answering_like(searcher.search("سوريا"), stored))
    open_searcher(cluster).search("سوريا")
    open_searcher(cluster, dfs=True).search("سوريا")
    types = [p.get("search_type") for m, path, p, _ in cluster.requests if path.endswith("/_search")]
    assert types == ["query_then_fetch", "dfs_query_then_fetch"]


def test_filters_reach_the_body(template, searcher, stored):
    cluster = cluster_with_index(template)
    cluster.on("POST", "/arsearch/_search", answering_like(searcher.search("سوريا"), stored))
    result = open_searcher(cluster).search(
        "سوريا", actors=["بوتين"], sources=["صحيفة تشرين"], since="2017-01-01", until="2017-12-31"
    )
    assert result.actors == ("putin",)
    (body,) = cluster.bodies("POST", "/arsearch/_search")
    assert json.loads(body)["query"]["bool"]["filter"] == compile_search(
        open_searcher(cluster).compiler, None,
        Filters(("putin",), sources=("صحيفة تشرين",), since="2017-01-01", until="2017-12-31"),
    ).body["query"]["bool"]["filter"]


def test_a_discovered_actor_is_looked_up_in_the_cluster(template):
    cluster = cluster_with_index(template)
    cluster.on("POST", "/arsearch/_count", lambda path, params, body: (200, {"count": 3 if "bashagha" in body else 0}))
    s = open_searcher(cluster)
    assert s.resolve_actor("Bashagha") == "bashagha"
    with pytest.raises(Exception, match="actor"):
        s.resolve_actor("nobody-at-all")


def test_an_index_not_loaded_by_arsearch_is_refused(template):
    foreign = {"template": {"mappings": {"properties": {}}}}
    with pytest.raises(OpenSearchBackendError, match="was not loaded by arsearch.*export opensearch"):
        open_searcher(cluster_with_index(foreign))


def test_a_missing_index_says_how_to_load_it():
    from tests.opensearch_fake import FakeCluster

    with pytest.raises(OpenSearchBackendError, match="no arsearch index.*arsearch export opensearch --url"):
        open_searcher(FakeCluster())


def test_the_cli_searches_the_cluster(template, searcher, stored, monkeypatch):
    cluster = cluster_with_index(template)
    cluster.on("POST", "/arsearch/_search", answering_like(searcher.search("سوريا"), stored))
    monkeypatch.setattr(os_searcher, "connect", lambda url: connect(url, cluster.connection_class()))
    result = CliRunner().invoke(cli, ["search", "سوريا", "--backend", "opensearch", "--url", "http://localhost:9200", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == searcher.search("سوريا").total and "[سورية]" in data["hits"][0]["snippet"]


def test_the_cli_reports_an_unreachable_cluster(monkeypatch):
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_URL", "http://127.0.0.1:9")
    result = CliRunner().invoke(cli, ["search", "سوريا", "--backend", "opensearch"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot reach OpenSearch at http://127.0.0.1:9")
    assert len(result.stderr.strip().splitlines()) == 1


def serving_cluster(template, searcher, stored):
    """A cluster that answers the page's requests: searches, counts for the start page, passages."""
    from tests.opensearch_fake import cluster_with_index

    cluster = cluster_with_index(template)
    docs = sorted(stored.values(), key=lambda f: (f["article_id"], int(f["passage"])))

    def answer(path, params, body):
        query = json.loads(body)
        if query.get("size") == 0:  # entity counts
            counts = searcher.entity_counts("actors" if "inferred" in query["aggs"] else "topics")
            buckets = [{"key": c.ident, "doc_count": c.explicit} for c in counts if c.explicit]
            aggs = {"explicit": {"buckets": buckets}}
            if "inferred" in query["aggs"]:
                aggs["inferred"] = {"buckets": {c.ident: {"doc_count": c.inferred} for c in counts}}
            return 200, {"hits": {"hits": []}, "aggregations": aggs}
        filters = query["query"]["bool"].get("filter", [])
        window = next((f["range"]["passage"] for f in filters if "range" in f and "passage" in f["range"]), None)
        if window is not None:
            hits = [{"_source": to_document(d)} for d in docs if window["gte"] <= int(d["passage"]) <= window["lte"]]
            return 200, {"hits": {"total": {"value": len(hits)}, "hits": hits}}
        return answering_like(searcher.search("سوريا"), stored)(path, params, body)

    cluster.on("POST", "/arsearch/_search", answer)
    return cluster


def test_the_page_serves_the_cluster(template, searcher, stored):
    from arsearch.web import create_app
    from arsearch.web.opensearch_handle import OpenSearchHandle

    handle = OpenSearchHandle("http://localhost:9200")
    handle._searcher = open_searcher(serving_cluster(template, searcher, stored))
    client = create_app(None, handle=handle).test_client()
    start = client.get("/")
    assert start.status_code == 200 and "putin" in start.get_data(as_text=True)
    page = client.get("/?q=سوريا")
    assert page.status_code == 200 and "<mark>سورية</mark>" in page.get_data(as_text=True)
    api = client.get("/api/search?q=سوريا").get_json()
    assert api["total"] == searcher.search("سوريا").total
    passage = client.get("/passage/000_b8da21838642536f/2")
    assert passage.status_code == 200
    assert client.get("/passage/000_b8da21838642536f/99").status_code == 404


def test_the_page_says_when_the_cluster_is_down():
    from arsearch.web import create_app
    from arsearch.web.opensearch_handle import OpenSearchHandle

    client = create_app(None, handle=OpenSearchHandle("http://127.0.0.1:9")).test_client()
    page = client.get("/api/search?q=سوريا")
    assert page.status_code == 503 and "cannot reach OpenSearch" in page.get_json()["error"]


def test_discovered_entities_are_named_as_written(template):
    cluster = cluster_with_index(template)
    mention = {"id": "bashagha", "kind": "person", "start": 0, "end": 7}
    hits = [{"_source": {"mentions": [{**mention, "surface": "باشاغا"}, {**mention, "id": "other", "surface": "غيره"}]}},
            {"_source": {"mentions": [{**mention, "surface": "باشَاغا"}]}}]
    cluster.on("POST", "/arsearch/_search", lambda path, params, body: (
        200, {"hits": {"hits": hits if "bashagha" in body else []}}))
    s = open_searcher(cluster)
    assert s.discovered_labels(["bashagha", "putin"]) == {"bashagha": "باشاغا"}
    (body,) = cluster.bodies("POST", "/arsearch/_search")[:1]
    assert json.loads(body)["query"] == {"bool": {"filter": [{"term": {"discovered": "bashagha"}}]}}
