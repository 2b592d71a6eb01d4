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
