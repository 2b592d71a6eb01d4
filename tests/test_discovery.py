"""Discovery: names found from cues, grouped into entities, and usable as facets and filters."""

import json
import re

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.corpus import Article
from arsearch.indexer.discovery import entity_id, entity_key
from arsearch.indexer.errors import QueryError
from arsearch.indexer.folding import fold_text
from arsearch.indexer.gazetteer import Gazetteer
from click.testing import CliRunner


def found(tagger, *paragraphs):
    """Per passage: (kind, surface) of each discovered mention."""
    tags = tagger.tag_article(Article("a", tuple(paragraphs)))
    return [[(m.kind, m.surface) for m in t.mentions if m.source == "discovered"] for t in tags]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("وصل الرئيس عبد المجيد تبون إلى القاهرة.", [("person", "عبد المجيد تبون")], id="title-then-name"),
        pytest.param("وقال وزير الخارجية المغربي ناصر بوريطة إن الحوار ممكن.", [("person", "ناصر بوريطة")], id="role-complement-nationality-then-name"),
        pytest.param("وقالت الناطقة باسم الحكومة سلمى بوزيدي إن القرار نهائي.", [("person", "سلمى بوزيدي")], id="spokeswoman-of"),
        pytest.param("وصرح كمال ولد سيدي أمس.", [], id="no-cue-no-name"),
        pytest.param("حدثنا عبد الله بن يوسف قال أخبرنا مالك.", [("person", "عبد الله بن يوسف"), ("person", "مالك")], id="narrating-verb-and-particles"),
        pytest.param("روى الحديث أبو هريرة.", [("person", "أبو هريرة")], id="kunya"),
        pytest.param("وكتب الحجاج بن يوسف إلى الوالي.", [("person", "الحجاج بن يوسف")], id="x-bin-y"),
        pytest.param("وأعلنت شركة سوناطراك عن اكتشاف جديد.", [("organization", "شركة سوناطراك")], id="org-head-and-name"),
        pytest.param("وانتقد حزب العدالة والتنمية القرار.", [("organization", "حزب العدالة والتنمية")], id="org-head-and-complement"),
        pytest.param("وطبعت الكتاب المكتبة المحمودية التجارية.", [("organization", "المكتبة المحمودية التجارية")], id="org-head-with-nisba"),
        pytest.param("ووقع الحادث في ولاية ورقلة جنوب البلاد.", [("place", "ورقلة")], id="place-cue"),
        pytest.param("والتقى الوفد ريكس تيلرسون أمس.", [], id="gazetteer-wins"),
        pytest.param("التقى الوفد كوستاس باباديموبولوس أمس.", [("unknown", "كوستاس باباديموبولوس")], id="words-the-lexicon-does-not-know"),
    ],
)
def test_cues(tagger, text, expected):
    (mentions,) = found(tagger, text)
    assert mentions == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("قال النبي صلى الله عليه وسلم: الدين النصيحة.", id="title-then-ordinary-word"),
        pytest.param("فاجعل الناس أباً وأخاً وابناً.", id="particle-with-tanween-is-a-noun"),
        pytest.param("وجاء ابن أخي إلى البيت.", id="kinship-after-ibn"),
        pytest.param("قال إن الوضع صعب وأضاف أن الحل قريب.", id="reporting-verb-then-ordinary-words"),
        pytest.param("ذهب الرئيس إلى المدينة.", id="title-alone"),
    ],
)
def test_no_name_where_there_is_none(tagger, text):
    assert found(tagger, text) == [[]]


def test_short_name_is_the_full_name_the_article_gave(tagger):
    tags = tagger.tag_article(Article("a", (
        "وقال اللواء خالد نزار إن الجيش لم يتدخل.",
        "وأضاف نزار أن الوضع تغير، وكرر ونزار موقفه.",
    )))
    first, second = tags
    (full,) = first.discovered
    assert second.discovered == (full,)
    assert [m.surface for m in second.mentions] == ["نزار", "ونزار"]


@pytest.mark.parametrize(
    "a, b",
    [
        pytest.param("أبو هريرة", "أبي هريرة", id="five-nouns-genitive"),
        pytest.param("أبو هريرة", "أبا هريرة", id="five-nouns-accusative"),
        pytest.param("ماريا زاخاروفا", "ماريا زخاروفا", id="long-vowel-of-a-transliteration"),
        pytest.param("سلمى بوزيدي", "سلمي بوزيدي", id="alif-maqsura"),
        pytest.param("ابن شهاب", "بن شهاب", id="ibn-bin"),
        pytest.param("جبهة التحرير", "جبهه التحرير", id="teh-marbuta"),
    ],
)
def test_same_entity_key(a, b):
    assert entity_key(fold_text(a)) == entity_key(fold_text(b))


def test_arabic_names_keep_their_vowels():
    assert entity_key(fold_text("سعيد")) != entity_key(fold_text("سعد"))


def test_ids_are_gazetteer_ids():
    ident = entity_id(entity_key(fold_text("عبد المجيد تبون")))
    assert ident.isascii() and ident == ident.lower() and " " not in ident
    assert entity_id(entity_key(fold_text("صالح"))) != entity_id(entity_key(fold_text("سالح")))


NEWS = """وصل الرئيس الجزائري عبد المجيد تبون إلى الرياض في زيارة رسمية.
وقال وزير الخارجية المغربي ناصر بوريطة إن المغرب يدعم الحوار، وأكد بوريطة أن الرباط منفتحة.
وأعلنت شركة سوناطراك عن اكتشاف جديد في ولاية ورقلة.
والتقى تبون في الجزائر رئيس الوزراء."""


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    root = tmp_path_factory.mktemp("news")
    (root / "src").mkdir()
    (root / "src" / "a.txt").write_text(NEWS, "utf-8")
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [*args, "--index", str(root / "index")], catch_exceptions=False)

    assert runner.invoke(cli, ["rebuild", "--source", str(root / "src"), "--index", str(root / "index")]).exit_code == 0
    return root, invoke


def test_actors_discovered_lists_counts_kinds_variants_examples(news):
    _, invoke = news
    result = invoke("actors", "--discovered", "--json")
    assert result.exit_code == 0, result.stderr
    data = {e["name"]: e for e in json.loads(result.stdout)}
    assert set(data) == {"عبد المجيد تبون", "ناصر بوريطة", "شركة سوناطراك", "ورقلة"}
    tebboune = data["عبد المجيد تبون"]
    assert tebboune["kind"] == "person" and tebboune["passages"] == 2 and tebboune["discovered"]
    assert {v["form"] for v in tebboune["variants"]} == {"عبد المجيد تبون", "تبون"}
    assert "[عبد المجيد تبون]" in tebboune["examples"][0]
    assert data["ورقلة"]["kind"] == "place"


def test_discovered_actor_filters_and_facets(news):
    _, invoke = news
    by_short = json.loads(invoke("search", "--actor", "تبون", "--json").stdout)
    assert [h["passage"] for h in by_short["hits"]] == [1, 4]
    (ident,) = {a for h in by_short["hits"] for a in h["actors"]} & set(by_short["facets"]["discovered"])
    by_id = json.loads(invoke("search", "--actor", ident, "--json").stdout)
    assert [h["passage"] for h in by_id["hits"]] == [1, 4]
    assert json.loads(invoke("search", "الجزائر", "--json").stdout)["facets"]["actors"][ident] == 2


def test_unknown_actor_still_an_error(news):
    _, invoke = news
    result = invoke("search", "--actor", "زيدان")
    assert result.exit_code == 2 and "unknown actor" in result.stderr


def test_write_then_gazetteer_round_trip(news):
    root, invoke = news
    target = root / "mine.toml"
    assert invoke("actors", "--discovered", "--write", str(target)).exit_code == 0
    written = Gazetteer.load(target)
    ids = {e["id"] for e in json.loads(invoke("actors", "--discovered", "--json").stdout)}
    assert ids <= set(written.actors)
    runner = CliRunner()
    rebuilt = runner.invoke(cli, ["rebuild", "--source", str(root / "src"), "--index", str(root / "again"),
                                  "--gazetteer", str(target)])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    again = runner.invoke(cli, ["actors", "--discovered", "--json", "--index", str(root / "again")])
    assert json.loads(again.stdout) == []  # they are gazetteer actors now, with the same ids
    used = json.loads(runner.invoke(cli, ["actors", "--used", "--json", "--index", str(root / "again")]).stdout)
    assert ids <= {a["id"] for a in used}


def test_write_needs_discovered(news):
    _, invoke = news
    result = invoke("actors", "--write", "x.toml")
    assert result.exit_code == 2 and "--discovered" in result.stderr


def test_resolve_discovered_short_and_full(news):
    from arsearch.search import PassageSearcher

    root, _ = news
    with PassageSearcher(root / "index") as s:
        full = s.resolve_actor("عبد المجيد تبون")
        assert s.resolve_actor("تبون") == full == s.resolve_actor(full)
        with pytest.raises(QueryError):
            s.resolve_actor("بوتفليقة")


def test_facets_mark_discovered_actors(news):
    _, invoke = news
    data = json.loads(invoke("search", "الجزائر", "--json").stdout)
    discovered = data["facets"]["discovered"]
    assert discovered and set(discovered) <= set(data["facets"]["actors"])
    assert "algeria" in data["facets"]["actors"] and "algeria" not in discovered
    text = invoke("search", "الجزائر", "--no-color").stdout
    first = discovered[0]
    assert f"{first} ({data['facets']['actors'][first]}, discovered)" in text


def test_web_filter_accepts_a_discovered_actor(news):
    from arsearch.web.app import create_app

    root, _ = news
    client = create_app(root / "index").test_client()
    page = client.get("/?actor=تبون")
    assert page.status_code == 200
    assert "عبد المجيد تبون" in page.get_data(as_text=True)


def test_the_page_names_discovered_actors_as_written(news):
    """Facets, hit tags and the passage view show a discovered entity's full name, not its id."""
    from arsearch.web.app import create_app

    root, invoke = news
    ident = next(e["id"] for e in json.loads(invoke("actors", "--discovered", "--json").stdout)
                 if e["name"] == "عبد المجيد تبون")
    client = create_app(root / "index").test_client()
    html = client.get("/?q=الجزائر").get_data(as_text=True)
    facet = html.split('id="facet-actors"')[1].split("</section>")[0]
    assert re.search(rf'data-actor="{ident}"[^>]*>\s*<bdi>عبد المجيد تبون</bdi>', facet)
    assert f"<bdi>{ident}</bdi>" not in html
    passage = client.get("/passage/a/4").get_data(as_text=True)
    assert f'data-actor="{ident}"><bdi>عبد المجيد تبون</bdi>' in passage


def test_duals_refer_to_the_pair_the_article_names(tagger):
    tags = tagger.tag_article(Article("a", (
        "استقبل الرئيس عبد المجيد تبون الرئيس الفرنسي إيمانويل ماكرون في الجزائر.",
        "وبحث الرئيسان التعاون الاقتصادي.",
        "واتفق الجانبان على مواصلة الحوار بين الجزائر وفرنسا.",
        "وأكد البلدان أهمية الشراكة.",
    )))
    first, presidents, sides, countries = tags
    (tebboune,) = first.discovered
    assert set(presidents.inferred) == {tebboune, "macron"} and presidents.actors == ()
    assert set(countries.inferred) == {"algeria", "france"}
    assert sides.inferred == ()  # both countries are named in that passage: explicit, not inferred


def test_a_dual_with_three_candidates_stays_unresolved(tagger):
    tags = tagger.tag_article(Article("a", (
        "التقى الرئيس عبد المجيد تبون والرئيس قيس سعيد والرئيس إيمانويل ماكرون.",
        "وبحث الرئيسان الملف الليبي.",
    )))
    assert tags[1].inferred == ()
