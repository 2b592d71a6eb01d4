"""The web page over HTTP (Flask's test client): what it shows, the JSON endpoint, escaping, errors."""

import json
import re

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.build import rebuild_index, update_index
from arsearch.web import create_app
from click.testing import CliRunner

from .conftest import SEED_ID

EVIL_TITLE = '"><img src=x onerror=alert(1)>'
EVIL_TEXT = "بيان عن سورية <script>alert('xss')</script> و\"><img src=x onerror=alert(2)> في دمشق."


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app(seed_index).test_client()


def page(client, url, status: int | None = 200) -> str:
    response = client.get(url)
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def cli_json(seed_index, *args) -> dict:
    result = CliRunner().invoke(cli, ["search", "--index", str(seed_index), "--json", *args], catch_exceptions=False)
    return json.loads(result.stdout)


def test_page_is_arabic_right_to_left(client):
    html = page(client, "/?q=سوريا")
    assert '<html lang="ar" dir="rtl">' in html
    assert 'name="viewport"' in html
    assert 'value="سوريا"' in html  # the box keeps the query


def test_results_mark_the_original_words(client):
    html = page(client, "/?q=سوريا")
    assert "<mark>سورية</mark>" in html  # typed سوريا, the text says سورية
    assert 'data-total="10"' in html
    assert html.count('class="hit"') == 10


def test_why_it_matched_is_on_the_page(client):
    html = page(client, "/?q=الرئيس")
    why = " ".join(re.findall(r'<p class="why">(.*?)</p>', html, re.S))
    assert '<q dir="auto">الرئيس</q>' in why
    assert '<bdi class="form">الرئيسان</bdi> <small>(الأصل نفسه)</small>' in why


def test_facets_link_to_the_filtered_search(client):
    html = page(client, "/?q=سوريا")
    link = re.search(r'<a href="([^"]+)" data-actor="putin"\s+title', html).group(1)
    assert "actor=putin" in link and "q=" in link
    filtered = page(client, link.replace("&amp;", "&"))
    assert 'data-total="1"' in filtered
    # The selected facet now links back to the unfiltered search.
    back = re.search(r'<a href="([^"]+)" data-actor="putin"\s+title="إزالة', filtered).group(1)
    assert "actor=" not in back


def test_filters_by_name_resolve_to_ids(client):
    html = page(client, "/?q=سوريا&actor=بوتين")
    assert 'data-total="1"' in html
    assert "actor=putin" not in re.search(r'<a class="chip" href="([^"]+)"', html).group(1)


def test_paging(client):
    html = page(client, "/?q=سورية&limit=3&page=2")
    assert '<ol class="hits" start="4">' in html
    assert html.count('class="hit"') == 3
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert '<strong aria-current="page">2</strong>' in html


def test_passage_view_with_neighbours(client):
    html = page(client, f"/passage/{SEED_ID}/3?q=سوريا")
    keys = re.findall(r'class="passage[^"]*" id="p(\d+)"', html)
    assert keys == ["1", "2", "3", "4", "5"]
    assert f'class="passage current" id="p3" data-key="{SEED_ID}#3"' in html
    assert "q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7" in html  # the way back keeps the search


def test_start_page_lists_actors_and_topics(client):
    html = page(client, "/")
    assert 'data-actor="putin"' in html and 'data-topic="syria"' in html


def test_json_endpoint_is_what_the_cli_prints(client, seed_index):
    response = client.get("/api/search?q=سوريا")
    assert response.mimetype == "application/json"
    assert response.get_json() == cli_json(seed_index, "سوريا")


@pytest.mark.parametrize(
    "url, args",
    [
        pytest.param("/api/search?q=سوريا&actor=putin", ["سوريا", "--actor", "putin"], id="actor-filter"),
        pytest.param("/api/search?q=سورية&limit=3&page=2", ["سورية", "--limit", "3", "--offset", "3"], id="paging"),
        pytest.param("/api/search?q=سوريا&explain=1", ["سوريا", "--explain"], id="explain"),
        pytest.param("/api/search?q=ماكرن", ["ماكرن"], id="suggestions"),
        pytest.param("/api/search?topic=korea", ["--topic", "korea"], id="filter-only"),
        pytest.param("/api/search?actor=putin&inferred=1", ["--actor", "putin", "--inferred"], id="inferred"),
    ],
)
def test_json_endpoint_matches_cli_options(client, seed_index, url, args):
    assert client.get(url).get_json() == cli_json(seed_index, *args)


def test_did_you_mean_on_the_page(client):
    html = page(client, "/?q=بوتن")
    assert 'data-total="0"' in html
    suggestion = re.search(r'<p class="suggestions">.*?<a href="([^"]+)"[^>]*>([^<]+)</a>', html, re.S)
    assert suggestion.group(2) == "بوتين"
    assert 'data-total="3"' in page(client, suggestion.group(1).replace("&amp;", "&"))


@pytest.mark.parametrize(
    "url, status, message",
    [
        pytest.param('/?q="سورية', 400, "unbalanced quote", id="unbalanced-quote"),
        pytest.param("/?q=(سورية", 400, "unbalanced parenthesis", id="unbalanced-paren"),
        pytest.param("/?q=سورية&actor=nobody", 400, "unknown actor", id="unknown-actor"),
        pytest.param("/?q=سورية&topic=nothing", 400, "unknown topic", id="unknown-topic"),
        pytest.param("/?q=سورية&page=x", 400, "page must be a whole number", id="bad-page"),
        pytest.param("/?q=سورية&page=0", 400, "page must be between", id="page-zero"),
        pytest.param("/?q=في", 400, "only stop words", id="stop-words-only"),
        pytest.param(f"/passage/{SEED_ID}/99", 404, "no passage", id="unknown-passage"),
        pytest.param("/nowhere", 404, "no such page", id="unknown-page"),
    ],
)
def test_errors_are_pages_with_the_right_status(client, url, status, message):
    html = page(client, url, status)
    assert message in html
    assert 'dir="rtl"' in html and "Traceback" not in html


def test_json_errors_are_json(client):
    response = client.get("/api/search?q=(سورية")
    assert response.status_code == 400
    assert "unbalanced parenthesis" in response.get_json()["error"]
    assert client.get("/api/search").status_code == 400  # empty query


def test_a_crash_is_a_plain_500_page(seed_index, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("secret detail")

    client = create_app(seed_index).test_client()
    monkeypatch.setattr("arsearch.search.PassageSearcher.search", crash)
    response = client.get("/?q=سورية")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "secret detail" not in html and 'dir="rtl"' in html


def test_serve_has_help():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.stdout and "Example" in result.stdout


def test_only_get(client):
    assert client.post("/?q=سورية").status_code == 405


def test_missing_index_says_how_to_build_it(tmp_path):
    client = create_app(tmp_path / "none", tmp_path / "corpus").test_client()
    response = client.get("/?q=سورية")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "arsearch rebuild --source" in html and "Traceback" not in html
    assert client.get("/api/search?q=سورية").status_code == 503


def test_rebuilt_index_is_picked_up(tmp_path, seed_dir):
    index = tmp_path / "index"
    client = create_app(index).test_client()
    assert client.get("/?q=سورية").status_code == 503
    rebuild_index(seed_dir, index)
    assert client.get("/?q=سورية").status_code == 200


def test_updated_index_is_picked_up(tmp_path, seed_dir):
    """`arsearch index` commits into the same generation: the page must not keep a stale searcher."""
    index = tmp_path / "index"
    rebuild_index(seed_dir, index)
    client = create_app(index).test_client()
    assert json.loads(client.get("/api/search?q=زيلينسكي").get_data(as_text=True))["total"] == 0
    (seed_dir / "kyiv.txt").write_text("التقى زيلينسكي وفداً أوروبياً في كييف.", encoding="utf-8")
    update_index(index, seed_dir)
    assert json.loads(client.get("/api/search?q=زيلينسكي").get_data(as_text=True))["total"] == 1


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("evil")
    record = {
        "id": "evil", "title": EVIL_TITLE, "source": "<b>source</b>", "url": "javascript:alert(3)",
        "text": EVIL_TEXT,
    }
    (corpus / "evil.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    index = tmp_path_factory.mktemp("evil-index")
    rebuild_index(corpus, index)
    return create_app(index).test_client()


def test_corpus_text_is_escaped(evil_client):
    html = page(evil_client, "/?q=سورية")
    assert 'data-total="1"' in html
    assert "<script>" not in html and "<img" not in html and "<b>source" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>سورية</mark>" in html
    assert '<bdi class="source">&lt;b&gt;source&lt;/b&gt;</bdi>' in html  # isolated from the Arabic around it


def test_passage_view_is_escaped_and_drops_unsafe_links(evil_client):
    html = page(evil_client, "/passage/evil/1")
    assert "<script>" not in html and "<img" not in html
    assert "javascript:" not in html


def test_query_text_is_escaped(client):
    html = page(client, "/?q=سورية <script>alert(1)</script>")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = page(client, '/?q=سورية "><img src=x onerror=alert(1)>', status=400)  # an unbalanced quote
    assert "<img src=x" not in html and 'value="سورية &#34;&gt;&lt;img' in html


def test_pages_forbid_scripts(client):
    policy = client.get("/?q=سورية").headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_serve_builds_the_index_on_first_use(tmp_path, seed_dir, monkeypatch):
    served = {}

    class FakeServer:
        server_port = 8123

        def serve_forever(self):
            served["ran"] = True

        def server_close(self):
            served["closed"] = True

    def fake_make_server(host, port, app, threaded):
        served.update(host=host, port=port)
        return FakeServer()

    monkeypatch.setattr("werkzeug.serving.make_server", fake_make_server)
    index = tmp_path / "index"
    result = CliRunner().invoke(cli, ["serve", "--index", str(index), "--source", str(seed_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "building it from" in result.stderr
    assert "http://127.0.0.1:8123/" in result.stderr
    assert served == {"host": "127.0.0.1", "port": 8000, "ran": True, "closed": True}
    assert (index / "CURRENT").exists()
