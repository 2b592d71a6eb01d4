"""The analyzer: tokens, folding, stop words, stems and offsets, on the real Arabic of the seed."""

import pytest
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.folding import fold
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.stemming import light10


@pytest.fixture(scope="module")
def words() -> WordAnalyzer:
    return WordAnalyzer(load_stopwords(), Gazetteer.load().protected_names())


@pytest.mark.parametrize(
    "raw, folded",
    [
        pytest.param("شدّد", "شدد", id="shadda-stays-inside-word"),
        pytest.param("مسيّس", "مسيس", id="shadda-stripped"),
        pytest.param("جهوداً", "جهودا", id="tanween-stripped"),
        pytest.param("الأزمة", "الازمه", id="hamza-alef-and-ta-marbuta"),
        pytest.param("إزالة", "ازاله", id="hamza-below"),
        pytest.param("الآثار", "الاثار", id="madda"),
        pytest.param("سـورية", "سوريه", id="tatweel"),
        pytest.param("مصطفى", "مصطفي", id="alef-maqsura"),
        pytest.param("٢٠١٧", "2017", id="arabic-indic-digits"),
        pytest.param("۲۰۱۷", "2017", id="persian-digits"),
        pytest.param("Macron", "macron", id="latin-lowercased"),
        pytest.param("ٱلْحَمْدُ", "الحمد", id="wasla-and-harakat"),
        pytest.param("کتاب", "كتاب", id="keheh-mapped-back"),
    ],
)
def test_folding(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("شدّد بوتين", ["شدّد", "بوتين"], id="diacritics-keep-word-whole"),
        pytest.param("«تاس» الروسية:", ["تاس", "الروسية"], id="guillemets-and-colon-are-not-words"),
        pytest.param("الروسي- الفرنسي", ["الروسي", "الفرنسي"], id="hyphen-splits"),
        pytest.param("في 2017 مع OSCE", ["في", "2017", "مع", "OSCE"], id="latin-and-numbers-are-tokens"),
    ],
)
def test_tokens_point_into_original_text(words, text, expected):
    tokens = words.words(text)
    assert [text[t.start : t.end] for t in tokens] == expected


@pytest.mark.parametrize(
    "word, is_stop",
    [
        pytest.param("على", True, id="ala-stopped"),
        pytest.param("علي", False, id="ali-kept"),
        pytest.param("في", True, id="preposition"),
        pytest.param("التي", True, id="relative"),
        pytest.param("قال", False, id="reporting-verb-kept"),
        pytest.param("غير", False, id="negation-kept"),
        pytest.param("أمس", False, id="date-word-kept"),
        pytest.param("جنوب", False, id="direction-kept"),
        pytest.param("عبد", False, id="name-part-kept"),
    ],
)
def test_stop_words(words, word, is_stop):
    assert (words.analyze(word)[1] is None) is is_stop


@pytest.mark.parametrize(
    "word, stem",
    [
        pytest.param("وماكرون", "ماكرون", id="name-behind-waw-not-stemmed"),
        pytest.param("ماكرون", "ماكرون", id="macron-is-not-makir"),
        pytest.param("بوتين", "بوتين", id="putin-is-not-but"),
        pytest.param("وتيلرسون", "تيلرسون", id="tillerson-behind-waw"),
        pytest.param("ولافروف", "لافروف", id="lam-of-lavrov-kept"),
        pytest.param("بسورية", "سوريه", id="syria-behind-ba"),
        pytest.param("السورية", "سوريه", id="syria-adjective"),
        pytest.param("الكرملين", "كرملين", id="kremlin-not-karmal"),
        pytest.param("للكرملين", "كرملين", id="kremlin-behind-lil"),
        pytest.param("وزارة", "وزار", id="radical-waw-of-wizara-kept"),
        pytest.param("ووزارة", "وزار", id="conjunction-before-wizara"),
        pytest.param("وكالة", "وكال", id="radical-waw-of-wakala-kept"),
        pytest.param("وأكد", "اكد", id="conjunction-waw-stripped"),
        pytest.param("الروسية", "روس", id="adjective-feminine"),
        pytest.param("الروسي", "روس", id="adjective-masculine"),
        pytest.param("جهوداً", "جهود", id="tanween-alif-is-case-ending"),
        pytest.param("بيانات", "بيان", id="plural-suffix-leaves-three-letters"),
        pytest.param("بيان", "بيان", id="an-of-bayan-is-stem"),
        pytest.param("ألغام", "الغام", id="alef-hamza-lam-is-not-the-article"),
        pytest.param("الألغام", "الغام", id="article-before-alef-hamza-lam"),
        pytest.param("وصية", "وص", id="radical-waw-of-wasiyya-kept"),
    ],
)
def test_stems(words, word, stem):
    assert words.analyze(word)[1] == stem


def test_light10_alone_mangles_names_that_protection_saves(words):
    """Why names are protected: plain light10 merges ماكرون with ماكر."""
    assert light10(fold("ماكرون")) == "ماكر"
    assert words.analyze("ماكرون")[1] != words.analyze("ماكر")[1]
