"""Tagging seed passages with actors (explicit and inferred) and topics."""

import pytest
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.corpus import Article, read_articles
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.tagging import Tagger

from .conftest import SEEDS


@pytest.fixture(scope="module")
def tags():
    gazetteer = Gazetteer.load()
    tagger = Tagger(gazetteer, WordAnalyzer(load_stopwords(), gazetteer.protected_names()))
    (article,) = list(read_articles(SEEDS))
    return {n: t for n, t in enumerate(tagger.tag_article(article), 1)}, tagger


def test_names_with_clitics_are_explicit_mentions(tags):
    by_passage, _ = tags
    assert {"putin", "macron"} <= set(by_passage[6].actors)  # شدّد بوتين وماكرون
    assert {"lavrov", "tillerson"} <= set(by_passage[9].actors)  # لافروف وتيلرسون
    assert "russia_mfa" in by_passage[9].actors  # لوزارة الخارجية الروسية
    assert "tass" in by_passage[2].actors  # وكالة «تاس»
    assert "sana" in by_passage[9].actors  # «سانا»
    assert "unesco" in by_passage[12].actors  # «اليونيسكو»


def test_longest_name_wins(tags):
    by_passage, _ = tags
    assert "osce" in by_passage[7].actors  # لمجلس الأمن والتعاون في أوروبا
    assert "unsc" not in by_passage[7].actors
    assert "unsc" in by_passage[4].actors  # مجلس الأمن الدولي


def test_role_title_is_not_taken_for_the_ministry(tags):
    by_passage, _ = tags
    # "وزير الخارجية الروسي سيرغي لافروف" is the minister, not "الخارجية الروسية" (the ministry).
    assert "lavrov" in by_passage[8].actors
    assert "russia_mfa" not in by_passage[8].actors


def test_counterpart_is_an_inferred_mention(tags):
    by_passage, _ = tags
    # "دعا بوتين نظيره الفرنسي": Macron, named elsewhere in the article.
    assert by_passage[7].inferred == ("macron",)
    assert "macron" not in by_passage[7].actors


def test_topics(tags):
    by_passage, _ = tags
    assert [n for n, t in by_passage.items() if "korea" in t.topics] == [6]
    assert [n for n, t in by_passage.items() if "ukraine" in t.topics] == [7]
    for n, t in by_passage.items():
        assert ("syria" in t.topics) == (n in {1, 2, 3, 4, 8, 9, 10, 11, 12, 13}), n
    assert "heritage" in by_passage[12].topics
    assert "demining" in by_passage[10].topics


def test_role_is_inferred_only_when_the_actor_is_named_and_held_it_then(tags):
    _, tagger = tags
    text = ("قال الرئيس الروسي إن المحادثات مستمرة.", "والتقى فلاديمير بوتين وفداً فرنسياً.")
    named = tagger.tag_article(Article("a", text, date="2017-11-20"))
    assert named[0].inferred == ("putin",)
    unnamed = tagger.tag_article(Article("b", (text[0], "والتقى الوفد الفرنسي."), date="2017-11-20"))
    assert unnamed[0].inferred == ()
    medvedev_years = tagger.tag_article(Article("c", text, date="2010-01-01"))
    assert medvedev_years[0].inferred == ()


def _tagger(gazetteer, discover=True):
    return Tagger(gazetteer, WordAnalyzer(load_stopwords(), gazetteer.protected_names()), discover=discover)


def test_a_folded_form_with_two_stems_is_tagged_by_each_stem():
    # جهوداً and جهودا fold alike; only the first stems to جهود, the name. A memo of word forms
    # keyed by the folded form alone would tag the second as the first (or the first as the second).
    tagger = _tagger(Gazetteer.from_dict({"actors": [{"id": "juhud", "kind": "organization", "ar": ["جهود"]}]}), False)
    with_tanween = Article("a", ("بذلت الحكومة جهوداً كبيرة.",))
    plain = Article("b", ("بذلت الحكومة جهودا كبيرة.",))
    assert [t.actors for t in tagger.tag_article(with_tanween)] == [("juhud",)]
    assert [t.actors for t in tagger.tag_article(plain)] == [()]
    assert [t.actors for t in tagger.tag_article(with_tanween)] == [("juhud",)]


def test_remembered_word_forms_tag_as_a_fresh_tagger_does(monkeypatch):
    """A tagger that has seen other articles, and whose memos overflow all the time, tags each
    article as a new tagger does: the same words mean different things in different articles."""
    from arsearch.indexer import discovery, tagging

    gazetteer = Gazetteer.load()
    (seed,) = list(read_articles(SEEDS))
    articles = [
        seed,
        Article("full", ("وقال اللواء خالد نزار إن الجيش لم يتدخل.", "وأضاف نزار أن الوضع تغير، وكرر ونزار موقفه.")),
        Article("short", ("وأضاف نزار أن الوضع تغير.",)),  # نزار alone is nobody here
        Article("chain", ("حدثنا مالك، عن نافع، عن ابن عمر قال: سألته عن الصلاة.",)),
        Article("pair", ("التقى بوتين وماكرون في باريس.", "وقال الرئيسان إن الحوار مستمر."), date="2017-11-20"),
        Article("trio", ("التقى بوتين وماكرون وأردوغان.", "وقال الرئيسان إن الحوار مستمر."), date="2017-11-20"),
    ]
    fresh = [_tagger(gazetteer).tag_article(a) for a in articles]
    assert fresh[2][0].discovered == () and fresh[1][1].discovered == fresh[1][0].discovered
    assert set(fresh[4][1].inferred) == {"putin", "macron"} and fresh[5][1].inferred == ()
    monkeypatch.setattr(tagging, "MEMO_FORMS", 7)
    monkeypatch.setattr(discovery, "MEMO_WORDS", 7)
    warm = _tagger(gazetteer)
    for order in (articles, articles[::-1]):
        for article in order:
            assert warm.tag_article(article) == fresh[articles.index(article)], article.article_id
