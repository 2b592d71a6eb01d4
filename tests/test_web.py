"""The web page over HTTP (Flask's test client): what it shows, the JSON endpoint, escaping, errors."""

import json
import re
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.build import rebuild_index, update_index
from arsearch.web import create_app
from arsearch.web.security import SECURITY_HEADERS
from click.testing import CliRunner

from .conftest import SEED_ID, env_without_index
from .serving import serving

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


def test_facet_lists_show_the_most_frequent_and_say_how_many_more(client, monkeypatch):
    """A corpus can name thousands of actors: the list shows the first few and says how many more."""
    from arsearch.web import render

    full = page(client, "/?q=سوريا")
    listed = re.findall(r'data-actor="([^"]+)"', full.split('id="facet-actors"')[1])
    assert len(listed) > 4 and 'class="more"' not in full
    monkeypatch.setattr(render, "FACET_ENTRIES", 3)
    short = page(client, "/?q=سوريا").split('id="facet-actors"')[1].split("</section>")[0]
    assert re.findall(r'data-actor="([^"]+)"', short) == listed[:3]
    assert f'<li class="more">و{len(listed) - 3} غيرها</li>' in short


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


def api_json(client, url) -> dict:
    """The endpoint's JSON without its paging links (``next``/``prev``: only the endpoint has them)."""
    data = client.get(url).get_json()
    assert {"next", "prev"} <= data.keys()
    data.pop("next"), data.pop("prev")
    return data


def test_json_endpoint_is_what_the_cli_prints(client, seed_index):
    response = client.get("/api/search?q=سوريا")
    assert response.mimetype == "application/json"
    assert api_json(client, "/api/search?q=سوريا") == cli_json(seed_index, "سوريا")


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
    assert api_json(client, url) == cli_json(seed_index, *args)


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
        pytest.param("/nowhere", 404, "لا توجد صفحة بهذا العنوان", id="unknown-page"),
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
    rlo = {"id": "rlo", "title": "بيان \u202eevil\u2069 عن سورية", "text": "بيان عن الوضع في دمشق."}
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in (record, rlo)]
    (corpus / "evil.jsonl").write_text("".join(lines), "utf-8")
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


def test_serve_builds_the_index_on_first_use_and_runs_waitress(tmp_path, seed_dir):
    """The real command: first-use build of the default index, then the production server (never
    Werkzeug's) on a free port."""
    index = tmp_path / "index"  # the default index of a command run in tmp_path
    proc = subprocess.Popen(
        [sys.executable, "-m", "arsearch", "serve", "--corpus", str(seed_dir), "--port", "0"],
        stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=tmp_path, env=env_without_index(),
    )
    try:
        lines = []
        for line in proc.stderr:  # the build report, then the address
            lines.append(line)
            if "serving" in line:
                break
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines[-1]).group(0)
        assert any("building it from" in line for line in lines)
        with urllib.request.urlopen(url + "?q=" + urllib.parse.quote("سوريا"), timeout=10) as response:
            body = response.read().decode("utf-8")
            assert response.headers["Server"] == "arsearch"
            assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
        assert 'data-total="10"' in body
        assert (index / "CURRENT").exists()
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()


def test_serve_refuses_a_port_in_use(seed_index):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--index", str(seed_index), "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: cannot listen on 127.0.0.1 port {port}:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "host, status",
    [
        pytest.param("localhost:8000", 200, id="localhost"),
        pytest.param("127.0.0.1:8000", 200, id="ipv4-loopback"),
        pytest.param("[::1]:8000", 200, id="ipv6-loopback"),
        pytest.param("LOCALHOST", 200, id="case-and-no-port"),
        pytest.param("mybox.local:8000", 200, id="allowed-name"),
        pytest.param("evil.example:8000", 400, id="rebinding-name"),
        pytest.param("localhost.evil.example", 400, id="loopback-as-subdomain"),
        pytest.param("127.0.0.1.nip.io:8000", 400, id="loopback-inside-a-name"),
        pytest.param("mybox.local.evil.example", 400, id="allowed-as-subdomain"),
        pytest.param("", 400, id="empty"),
    ],
)
def test_only_the_hosts_it_was_started_for(seed_index, host, status):
    """DNS rebinding: a page elsewhere resolving its own name to 127.0.0.1 sends that name as Host."""
    client = create_app(seed_index, hosts=("mybox.local",)).test_client()
    for url in ("/?q=سورية", "/api/search?q=سورية", "/nowhere", "/static/style.css"):
        response = client.get(url, headers={"Host": host})
        response.close()  # a static file is streamed from an open file
        if status == 400:
            assert response.status_code == 400, url
            assert "does not answer to the host name" in response.get_data(as_text=True)
        else:
            assert response.status_code in (200, 404), url
            assert response.status_code == (404 if url == "/nowhere" else 200), url


def test_a_listen_address_is_an_allowed_host(seed_index):
    client = create_app(seed_index, hosts=("192.168.1.20", "0.0.0.0")).test_client()
    assert client.get("/", headers={"Host": "192.168.1.20:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "0.0.0.0:8000"}).status_code == 400  # a wildcard names no host


def _crashing_client(seed_index, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("arsearch.search.PassageSearcher.search", crash)
    return create_app(seed_index).test_client()


@pytest.mark.parametrize(
    "method, url, host, status",
    [
        pytest.param("get", "/?q=سورية", "localhost", 200, id="200"),
        pytest.param("get", '/?q="سورية', "localhost", 400, id="400-query"),
        pytest.param("get", "/?q=سورية", "evil.example", 400, id="400-host"),
        pytest.param("get", "/nowhere", "localhost", 404, id="404"),
        pytest.param("post", "/", "localhost", 405, id="405"),
        pytest.param("get", "/?q=" + "سورية+" * 1000, "localhost", 414, id="414"),
        pytest.param("get", "/static/style.css", "localhost", 200, id="static"),
        pytest.param("get", "/api/search?q=(سورية", "localhost", 400, id="400-json"),
    ],
)
def test_every_response_carries_the_security_headers(client, method, url, host, status):
    response = getattr(client, method)(url, headers={"Host": host})
    response.close()
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    if status >= 400 and not url.startswith("/api/"):
        html = response.get_data(as_text=True)
        assert f'data-status="{status}"' in html and 'dir="rtl"' in html  # the page's own error page
        assert "Werkzeug" not in html and "<title>" + str(status) in html


def test_crash_and_missing_index_pages_carry_the_headers(seed_index, tmp_path, monkeypatch):
    for client, status in ((create_app(tmp_path / "none").test_client(), 503), (_crashing_client(seed_index, monkeypatch), 500)):
        response = client.get("/?q=سورية")
        assert response.status_code == status
        assert all(response.headers.get(k) == v for k, v in SECURITY_HEADERS.items())


def test_a_too_long_address_is_414_without_echoing_it(client):
    html = page(client, "/?q=" + "سورية+" * 1000, status=414)
    assert "shorten the query" in html and "سورية سورية" not in html


def _raw(base_url: str, request: bytes) -> tuple[int, dict[str, str]]:
    """Send bytes as they are (no client library would send a malformed request) and parse the reply."""
    host, port = urllib.parse.urlsplit(base_url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = conn.recv(65536)
            if not chunk:
                break
            reply += chunk
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:])
    return int(head[0].split()[1]), headers


@pytest.fixture(scope="module")
def live_url(seed_index):
    with serving(create_app(seed_index)) as url:
        yield url


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        pytest.param(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, id="ok"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n", 400, id="malformed"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431, id="headers-too-large"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n", 501, id="not-implemented"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", 400, id="foreign-host"),
        pytest.param(b"GET /?q=" + b"%D8%B3" * 2000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, id="uri-too-long"),
    ],
)
def test_the_servers_own_errors_carry_the_headers(live_url, request_bytes, status):
    """waitress answers malformed requests before the app sees them: those replies get the headers too."""
    code, headers = _raw(live_url, request_bytes)
    assert code == status
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, name
    assert headers["Server"] == "arsearch"  # no product or Python version


def test_title_isolates_corpus_and_query_text(evil_client):
    html = page(evil_client, "/passage/rlo/1")
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title == "\u2068بيان evil عن سورية\u2069 · المقطع 1"  # U+202E gone, the rest isolated
    html = page(evil_client, "/?q=" + urllib.parse.quote("سورية \u202eabc"))
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title == "\u2068سورية abc\u2069 · arsearch"


def test_page_answers_during_a_rebuild_loop(tmp_path, seed_dir):
    """Readers on the production server while rebuilds swap generations under them: no request fails."""
    index = tmp_path / "index"
    rebuild_index(seed_dir, index)
    answers, failures = [], []
    done = threading.Event()

    def reader(url):
        while not done.is_set():
            try:
                with urllib.request.urlopen(url + "/api/search?q=" + urllib.parse.quote("سورية"), timeout=30) as r:
                    answers.append(json.loads(r.read())["total"])
            except (OSError, ValueError) as e:  # HTTPError is an OSError
                failures.append(repr(e))

    with serving(create_app(index)) as url:
        readers = [threading.Thread(target=reader, args=(url,)) for _ in range(2)]
        for r in readers:
            r.start()
        try:
            for n in range(3):  # each rebuild adds a passage about Syria
                (seed_dir / f"extra-{n}.txt").write_text(f"بيان جديد رقم {n} عن الوضع في سورية.", "utf-8")
                rebuild_index(seed_dir, index)
        finally:
            done.set()
            for r in readers:
                r.join(30)
        with urllib.request.urlopen(url + "/api/search?q=" + urllib.parse.quote("سورية"), timeout=30) as r:
            final = json.loads(r.read())["total"]
    assert failures == []
    assert final == 13 and answers and set(answers) <= {10, 11, 12, 13}  # the last rebuild is served
