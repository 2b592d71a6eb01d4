"""The page and the JSON endpoint with dates and sources: hit headers, the source facet, the date
inputs and sort, and the timeline chart (server-drawn SVG, bars that link to their period)."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from arsearch.search import PassageSearcher
from arsearch.search.timeline import search_timeline
from arsearch.web import create_app


@pytest.fixture(scope="module")
def news_index(news):
    return news[1]


@pytest.fixture(scope="module")
def client(news_index):
    return create_app(news_index).test_client()


def get(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def hit_meta(html: str, key: str) -> str:
    block = html[html.index(f'data-key="{key}"'):]
    return block[block.index('<p class="meta">'): block.index("</p>")]


def test_hit_header_has_source_date_and_original_link(client):
    html = get(client, "/?q=حميميم")
    meta = hit_meta(html, "rt-1105#1")
    assert '<bdi class="source">RT Arabic</bdi>' in meta
    assert '<time class="date" datetime="2017-11-05" dir="ltr">2017-11-05</time>' in meta
    assert 'href="https://arabic.rt.com/news/1"' in meta and "المصدر الأصلي" in meta
    undated = hit_meta(get(client, "/?q=ستستأنف"), "jz-bad#1")
    assert ">أمس</time>" in undated and "datetime=" not in undated  # shown as written, no machine date


def test_source_facet_links_narrow_to_that_source(client):
    html = get(client, "/?q=سوريا")
    links = re.findall(r'<a href="([^"]+)" data-source="([^"]+)"', html)
    assert [name for _, name in links] == ["RT Arabic", "BBC عربي", "الجزيرة"]
    href = unescape(dict((n, h) for h, n in links)["BBC عربي"])
    assert parse_qs(urlsplit(href).query) == {"q": ["سوريا"], "source": ["BBC عربي"]}
    narrowed = get(client, href)
    assert 'data-total="2"' in narrowed
    assert set(re.findall(r'<li class="hit" data-key="([^"]+)"', narrowed)) == {"bbc-1203#1", "bbc-0214#1"}
    assert '<input type="hidden" name="source" value="BBC عربي">' in narrowed  # kept by the next search


def test_date_inputs_and_sort_are_in_the_url(client):
    html = get(client, "/?q=سوريا&since=2017-11&until=2017-12&sort=-date")
    keys = re.findall(r'<li class="hit" data-key="([^"]+)"', html)
    assert keys[0] == "bbc-1203#1" and keys[-1] in ("rt-1105#1", "rt-1105#2") and len(keys) == 4
    assert 'name="since" value="2017-11"' in html and 'name="until" value="2017-12"' in html
    assert '<option value="-date" selected>' in html
    assert 'data-since="2017-11-01" data-until="2017-12-31"' in html  # the filter chip, as resolved
    page2 = re.search(r'<a href="([^"]+)" data-source="RT Arabic"', html).group(1)
    assert parse_qs(urlsplit(unescape(page2)).query)["sort"] == ["-date"]  # facet links keep the sort


def test_bad_dates_and_sources_are_400_pages(client):
    assert "is not a date" in get(client, "/?q=سوريا&since=2017-13", 400)
    assert "no source" in get(client, "/?q=سوريا&source=CNN", 400)
    assert get(client, "/api/search?q=سوريا&until=نوفمبر", 400).count("is not a date") == 1


def test_api_takes_the_same_filters(client):
    data = client.get("/api/search?q=سوريا&source=rt+arabic&sort=date").get_json()
    assert [h["doc_id"] for h in data["hits"]] == ["rt-1105", "rt-1105", "rt-1130"]
    assert data["hits"][0]["date"] == "2017-11-05" and data["facets"]["sources"] == {"RT Arabic": 3}


def test_chart_bars_are_the_timeline_and_link_to_their_period(client, news_index):
    html = get(client, "/?q=سوريا")
    svg = html[html.index("<svg"): html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<script" not in svg
    bars = re.findall(r'<a class="bar" href="([^"]+)" data-since="([^"]+)" data-until="([^"]+)" data-passages="(\d+)">', svg)
    with PassageSearcher(news_index) as searcher:
        timeline = search_timeline(searcher, "سوريا", "auto", most=60)
    assert timeline.by == "week"
    assert [(s, u, int(n)) for _, s, u, n in bars] == [(p.start, p.end, p.passages) for p in timeline.periods]
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert "أسبوع 30 أكتوبر 2017: 2 مقاطع في 1 مقال" in titles
    # Right to left: the first period is the rightmost bar.
    xs = [float(x) for x in re.findall(r'<rect class="fill" x="([\d.]+)"', svg)]
    assert xs == sorted(xs, reverse=True)
    href = unescape(bars[0][0])
    assert parse_qs(urlsplit(href).query) == {"q": ["سوريا"], "since": ["2017-10-30"], "until": ["2017-11-05"]}
    narrowed = get(client, href)
    assert 'data-total="2"' in narrowed and "بلا تاريخ" not in narrowed
    assert "بلا تاريخ: 2" in html  # the undated passages are said beside the chart


def test_no_chart_without_dated_matches(client):
    html = get(client, "/?q=المحادثات")  # only jz-bad, whose date was not understood
    assert 'data-total="1"' in html and "<svg" not in html
