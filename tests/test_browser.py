"""The page in a real browser: Debian's headless Chromium driven by Playwright.

The page runs on the production server (waitress, as `arsearch serve` runs it) in a thread of the test
process, on a free loopback port. Screenshots are kept in tests/artifacts/ (git-ignored) for a human to
look at. Without /usr/bin/chromium the tests skip, except when ARSEARCH_REQUIRE_BROWSER is set (as
.ci/run does, after installing it): then they fail.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from arsearch.web import create_app

from .serving import serving

CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a root, headless, offline Chromium (no background connections to Google's hosts).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

if not CHROMIUM.exists():
    if os.environ.get("ARSEARCH_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402 - only once the browser is known to exist


@pytest.fixture(scope="module")
def base_url(seed_index):
    with serving(create_app(seed_index)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        # Playwright gives the browser a fresh, empty profile of its own.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="ar")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_search_facet_and_passage(page, base_url):
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"

    # Search in Arabic: typed سوريا, the text says سورية, and the marks show it.
    page.fill("input[name=q]", "سوريا")
    page.press("input[name=q]", "Enter")
    expect(page.locator(".total")).to_contain_text("10")
    assert query_of(page.url)["q"] == ["سوريا"]
    marks = page.locator(".hit mark")
    expect(marks.first).to_be_visible()
    assert set(marks.all_inner_texts()) == {"سورية"}
    expect(page.locator(".why").first).to_contain_text("سورية")
    assert page.locator("input[name=q]").input_value() == "سوريا"
    assert page.evaluate("getComputedStyle(document.querySelector('.snippet')).direction") == "rtl"
    screenshot(page, "search")

    # Narrow by an actor: the URL carries the filter and only its passages are left.
    page.click("#facet-actors a[data-actor=zakharova]")
    expect(page.locator(".total")).to_contain_text("3")
    assert query_of(page.url) == {"q": ["سوريا"], "actor": ["zakharova"]}
    hits = page.locator(".hit")
    assert hits.count() == 3
    for i in range(3):
        assert hits.nth(i).locator(".tags a[data-actor=zakharova]").count() == 1
    expect(page.locator("#facet-actors li.selected")).to_contain_text("زاخاروفا")
    screenshot(page, "facet")

    # Open a passage: its neighbours are shown and the way back keeps the search.
    first = hits.first
    key = first.get_attribute("data-key")
    first.locator("a.passage-link").click()
    expect(page.locator(".passage.current")).to_have_attribute("data-key", key)
    assert page.locator(".passage").count() > 1
    assert urlsplit(page.url).path.startswith("/passage/")
    screenshot(page, "passage")
    page.click(".back a")
    expect(page.locator(".total")).to_contain_text("3")
    assert query_of(page.url)["actor"] == ["zakharova"]

    # Remove the filter again from the facet list.
    page.click("#facet-actors a[data-actor=zakharova]")
    expect(page.locator(".total")).to_contain_text("10")
    assert "actor" not in query_of(page.url)


def test_did_you_mean(page, base_url):
    page.goto(base_url + "/?q=" + "ماكرن")
    expect(page.locator(".total")).to_contain_text("0")
    suggestion = page.locator(".suggestions a").first
    expect(suggestion).to_have_text("ماكرون")
    suggestion.click()
    assert query_of(page.url)["q"] == ["ماكرون"]
    expect(page.locator(".hit mark").first).to_have_text("ماكرون")


def test_phone_layout_and_errors(page, base_url):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + "/?q=" + "سورية")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    # The hits come first, the facet lists after them.
    hits, facets = page.locator(".results").bounding_box(), page.locator(".facets").bounding_box()
    assert hits["y"] + hits["height"] <= facets["y"]
    assert page.locator(".hit").first.bounding_box()["y"] < 844
    screenshot(page, "phone")
    response = page.goto(base_url + '/?q="سورية')
    assert response.status == 400
    expect(page.locator(".error")).to_contain_text("unbalanced quote")


def test_script_in_query_never_runs(page, base_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/?q=" + "سورية <img src=x onerror=alert(1)>")
    page.wait_for_load_state("load")
    assert dialogs == []
    assert "<img src=x" in page.locator("input[name=q]").input_value()


def test_a_hit_opens_its_passage_scrolled_into_view_and_marked(page, base_url):
    page.set_viewport_size({"width": 1100, "height": 600})
    page.goto(base_url + "/?q=" + "زاخاروفا")
    link = page.locator(".hit a.passage-link").last
    key = link.locator("xpath=ancestor::li[1]").get_attribute("data-key")
    number = key.rsplit("#", 1)[1]
    link.click()
    assert urlsplit(page.url).fragment == f"p{number}"
    assert query_of(page.url)["q"] == ["زاخاروفا"]
    current = page.locator(f"#p{number}")
    expect(current).to_have_attribute("data-key", key)
    expect(current.locator("mark").first).to_have_text("زاخاروفا")
    assert page.evaluate("window.scrollY") > 0  # the browser scrolled to the passage…
    top = current.evaluate("e => e.getBoundingClientRect().top")
    header = page.locator("header.top").bounding_box()["height"]
    assert header <= top < 600  # …and it is in view, below the sticky header, not under it
    screenshot(page, "passage-anchor")


@pytest.fixture(scope="module")
def news_url(news):
    with serving(create_app(news[1])) as url:
        yield url


def test_a_timeline_bar_narrows_the_dates(page, news_url):
    page.goto(news_url + "/?q=" + "سوريا")
    expect(page.locator(".total")).to_contain_text("7")
    bars = page.locator("#timeline a.bar")
    assert bars.count() == 16  # 30 October 2017 to 14 February 2018 by week, the empty ones included
    busiest = page.locator('#timeline a.bar[data-since="2017-11-27"]')
    assert "2 مقاطع في 2 مقالات" in busiest.locator("title").text_content()
    screenshot(page, "timeline")
    busiest.locator("rect.slot").click()
    expect(page.locator(".total")).to_contain_text("2")
    assert query_of(page.url) == {"q": ["سوريا"], "since": ["2017-11-27"], "until": ["2017-12-03"]}
    assert set(page.locator(".hit").evaluate_all("hits => hits.map(h => h.dataset.key)")) == {"rt-1130#1", "bbc-1203#1"}
    assert page.locator("input[name=since]").input_value() == "2017-11-27"
    # The narrowed search draws its own chart, by day now: 30 November to 3 December.
    expect(page.locator("#timeline a.bar")).to_have_count(4)
