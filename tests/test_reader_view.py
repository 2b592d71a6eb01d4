"""What a reader sees on the page: links that open every passage, a mark on every hit, the passage view
marked and anchored, Arabic messages, and actor and topic chips told apart."""

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from arsearch.indexer.build import rebuild_index
from arsearch.web import create_app, messages

from .conftest import SEED_ID, SEEDS


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app(seed_index).test_client()


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def hits_of(html: str) -> list[str]:
    """The HTML of each hit on a results page."""
    return re.findall(r'<li class="hit".*?</li>\s*(?=<li class="hit"|</ol>)', html, re.S)


def test_passage_links_work_for_articles_in_subfolders(tmp_path):
    (tmp_path / "src" / "world" / "2017").mkdir(parents=True)
    shutil.copy(SEEDS / f"{SEED_ID}.txt", tmp_path / "src" / "world" / "2017" / "kremlin.txt")
    rebuild_index(tmp_path / "src", tmp_path / "index")
    client = create_app(tmp_path / "index").test_client()
    html = page(client, "/?q=تيلرسون")
    links = [unescape(h) for h in re.findall(r'class="passage-link" href="([^"]+)"', html)]
    assert links and all(link.startswith("/passage/world/2017/kremlin/") for link in links)
    opened = page(client, links[0])
    assert 'data-key="world/2017/kremlin#8"' in opened and "passage current" in opened


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("ماكرن~", id="fuzzy"),
        pytest.param("بوتن~", id="fuzzy-another"),
        pytest.param("سوري*", id="prefix"),
        pytest.param("تسوية", id="clitic-and-stem"),  # لتسوية, التسوية
        pytest.param("الروسية", id="stem"),
        pytest.param('"وزارة الخارجية"', id="phrase-behind-a-clitic"),  # لوزارة الخارجية
        pytest.param("لافروف OR تيلرسون", id="either"),
    ],
)
def test_every_hit_shows_a_mark(client, query):
    html = page(client, "/?q=" + query + "&limit=20")
    hits = hits_of(html)
    total = int(re.search(r'data-total="(\d+)"', html).group(1))
    assert total and len(hits) == min(total, 20)
    for hit in hits:
        snippet = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', hit, re.S).group(1)
        assert "<mark>" in snippet, hit[:300]


def test_hit_links_carry_the_query_and_the_passage_anchor(client):
    html = page(client, "/?q=ماكرن~")
    links = [unescape(h) for h in re.findall(r'class="passage-link" href="([^"]+)"', html)]
    assert links == [f"/passage/{SEED_ID}/{n}?q=%D9%85%D8%A7%D9%83%D8%B1%D9%86~#p{n}" for n in (1, 4, 6)]


def test_the_passage_view_marks_the_query_words(client):
    html = page(client, f"/passage/{SEED_ID}/6?q=ماكرن~")
    current = re.search(r'id="p6".*?<p class="text"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert re.findall(r"<mark>(.*?)</mark>", current) == ["وماكرون"]  # fuzzy, behind a clitic
    neighbour = re.search(r'id="p4".*?<p class="text"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert re.findall(r"<mark>(.*?)</mark>", neighbour) == ["ماكرون"]
    assert f'href="/passage/{SEED_ID}/5?q=' in html and "#p5" in html  # neighbours keep the query
    plain = page(client, f"/passage/{SEED_ID}/6")
    assert "<mark>" not in plain
    assert "<mark>" not in page(client, f"/passage/{SEED_ID}/6?q=" + "(ماكرون")  # a broken query: no marks


@pytest.mark.parametrize(
    "url, status, arabic, detail",
    [
        pytest.param('/?q="سورية', 400, "راجع نص البحث", "unbalanced quote", id="query"),
        pytest.param(f"/passage/{SEED_ID}/99", 404, "هذا المقطع غير موجود", "no passage", id="passage"),
        pytest.param("/nowhere", 404, "لا توجد صفحة بهذا العنوان", "no such page", id="page"),
        pytest.param("/?q=" + "سوريا " * 40, 400, "في البحث كلمات أو أقواس", "over the limit", id="limit"),
    ],
)
def test_error_pages_explain_in_arabic(client, url, status, arabic, detail):
    html = page(client, url, status)
    assert f'<p class="explanation">{arabic}' in html
    assert detail in html  # the library's line stays, as the detail


def test_a_timeout_is_explained_in_arabic(client, monkeypatch):
    monkeypatch.setenv("ARSEARCH_QUERY_DEADLINE", "0.000001")
    html = page(client, "/?q=سوريا", 400)
    assert "استغرق البحث وقتًا طويلًا" in html and "ARSEARCH_QUERY_DEADLINE" in html


def test_cut_expansions_are_noted_in_arabic(client, monkeypatch):
    monkeypatch.setenv("ARSEARCH_MAX_EXPANSIONS", "1")
    assert messages.EXPANSIONS_CUT in page(client, "/?q=ال*")
    monkeypatch.delenv("ARSEARCH_MAX_EXPANSIONS")
    assert messages.EXPANSIONS_CUT not in page(client, "/?q=سوري*")


def test_actor_and_topic_chips_are_told_apart(client):
    (hit, *_) = hits_of(page(client, "/?q=تيلرسون"))
    actors = re.search(r'<span class="tag-group actors"><span class="tag-kind">الفاعلون:</span>(.*?)</span>', hit, re.S)
    topics = re.search(r'<span class="tag-group topics"><span class="tag-kind">المواضيع:</span>(.*?)</span>', hit, re.S)
    assert set(re.findall(r'class="tag actor" [^>]*data-actor="(\w+)"', actors.group(1))) == {"lavrov", "syria", "tillerson", "usa"}
    assert re.findall(r'class="tag topic" [^>]*data-topic="(\w+)"', topics.group(1)) == ["syria"]
    css = (Path(messages.__file__).parent / "static" / "style.css").read_text("utf-8")
    actor_rule = re.search(r"\.tag\.actor \{([^}]*)\}", css).group(1)
    topic_rule = re.search(r"\.tag\.topic \{([^}]*)\}", css).group(1)
    colour = re.compile(r"background: (#\w+)")
    assert colour.search(actor_rule).group(1) != colour.search(topic_rule).group(1)
