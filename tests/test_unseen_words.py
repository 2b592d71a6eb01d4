"""Classes of words the seed never had, each over wordfreq's real Arabic vocabulary, and in a real index.

Every class the issue named is tested on all the words of the list it applies to (not on one
example), then end to end on a small article written for the test.
"""

from collections import defaultdict

import pytest
from arsearch.indexer.build import rebuild_index
from arsearch.indexer.folding import fold
from arsearch.indexer.loanwords import loanword_variants
from arsearch.search import PassageSearcher
from arsearch.search.compiler import QueryCompiler, word_finds

from benchmarks.consistency import ClassCheck, check_classes, hamza_pairs, read_vocabulary, read_words, shipped_compiler


@pytest.fixture(scope="module")
def compiler() -> QueryCompiler:
    return shipped_compiler()


@pytest.fixture(scope="module")
def classes(compiler) -> dict[str, ClassCheck]:
    return {c.name.split(":")[0].split(" ")[0]: c for c in check_classes(compiler)}


def test_hamza_seats_on_the_line_are_one_letter_query_and_index_side(classes):
    """مسئول/مسؤول, شئون/شؤون, أصدقاؤه/أصدقائه: every such pair of the list, both search directions
    (analyzer 3: none of 126)."""
    check = classes["hamza"]
    assert check.cases > 80
    assert check.failures == ()
    assert all(fold(a) == fold(b) for a, b in hamza_pairs(read_words()))


def test_names_in_bu_are_not_the_clitics_ba_and_wa(classes):
    """بوعزيزي, بومدين, لوران: a ب/ل/ك before و is never followed by the conjunction, so a search for
    the name must not find the word left after ب + و (عزيزي, مدين; analyzer 3 found 49 of 76)."""
    check = classes["بو/لو/كو"]
    assert check.cases > 50
    assert check.failures == ()


def test_a_radical_waw_after_a_clitic_still_finds_its_word(compiler):
    """The fix above keeps بوزارة = ب + وزارة and لوزير = ل + وزير."""
    for query, text in [("بوزارة", "الوزارة"), ("لوزير", "الوزير"), ("بوجود", "وجود"), ("لوكالة", "الوكالة")]:
        assert word_finds(compiler, query, text), (query, text)


def test_a_conjunction_written_apart_reads_as_written_together(classes, compiler):
    """For every و + word of the list: "و word" gives the same exact forms and stems as "وword"."""
    check = classes["و"]
    assert check.cases > 1000
    assert check.failures == ()
    apart = compiler.words.words("قال و الشقاء")
    assert [(w.start, w.end, w.exact) for w in apart[1:]] == [(4, 12, "والشقاء")]


def test_five_nouns_case_forms_are_one_word(classes):
    """أبو/أبا/أبي and أخو/أخا/أخي with و/ف/ل before them: every form of the list folds and stems alike."""
    check = classes["five"]
    assert check.cases >= 4
    assert check.failures == ()
    assert fold("أبى") != fold("أبو"), "the verb أبى (refused) is not the noun"
    assert fold("بابا") == "بابا", "بابا (pope) is not ب + أبا"


#: Its first line is a heading: it is the article's title, and passage 1 is the paragraph after it.
ARTICLE = """حوار عن السعادة

تحدث الكاتب طويلا عن السعادة و الشقاء في حياة الناس.

وقال أبو بكر إن المسئول عن الملف غائب.

ونقل الصحفي عن أبي بكر أن المسؤولين وصلوا.

وسأل أبا بكر عن السعادة والشقاء معا.
"""


@pytest.fixture(scope="module")
def article_searcher(tmp_path_factory):
    source = tmp_path_factory.mktemp("unseen")
    (source / "hiwar.txt").write_text(ARTICLE, "utf-8")
    index = tmp_path_factory.mktemp("unseen-index")
    rebuild_index(source, index)
    with PassageSearcher(index) as s:
        yield s


@pytest.mark.parametrize(
    "query, passages, marked",
    [
        pytest.param('"السعادة والشقاء"', {1, 4}, {"السعادة و الشقاء", "السعادة والشقاء"}, id="phrase-conjunction-apart"),
        pytest.param('"السعادة و الشقاء"', {1, 4}, {"السعادة و الشقاء", "السعادة والشقاء"}, id="phrase-typed-apart"),
        pytest.param('"أبو بكر"', {2, 3, 4}, {"أبو بكر", "أبي بكر", "أبا بكر"}, id="five-nouns-in-a-phrase"),
        pytest.param("مسؤول", {2, 3}, {"المسئول", "المسؤولين"}, id="hamza-seat"),
    ],
)
def test_in_an_index(article_searcher, query, passages, marked):
    result = article_searcher.search(query, limit=10)
    assert {h.passage.passage for h in result.hits} == passages
    got = {h.passage.text[s:e] for h in result.hits for s, e in h.highlights}
    assert got == marked


def _stem_groups(compiler, vocabulary):
    groups = defaultdict(list)
    for w in sorted(vocabulary):
        stem = compiler.words.analyze(w)[1]
        if stem and not w.startswith("ال"):
            groups[stem].append(w)
    return groups


def test_transliterated_words_find_their_other_spellings(compiler):
    """كمبيوتر/كومبيوتر, تلفزيون/تليفزيون, إنجليزي/إنكليزي, إنترنت/انترنيت, and every other pair of the
    list that the rule joins: a long word's stems one long vowel or one g-letter apart."""
    for a, b in [("كمبيوتر", "الكومبيوتر"), ("تلفزيون", "التليفزيون"), ("إنجليزي", "الإنكليزية"), ("إنترنت", "الانترنيت")]:
        assert word_finds(compiler, a, b) and word_finds(compiler, b, a), (a, b)
    groups = _stem_groups(compiler, read_vocabulary())
    pairs = [(s, v) for s in groups for v in loanword_variants(s) if v in groups and s < v]
    assert len(pairs) > 30
    missed = [(groups[s][0], groups[v][0]) for s, v in pairs if not word_finds(compiler, groups[s][0], groups[v][0])]
    assert missed == []


def test_the_transliteration_rule_leaves_shorter_arabic_words_apart(compiler):
    """تحمل/تحميل, محدد/محدود, تشغيل/تشكيل: Arabic patterns one such edit apart are two words."""
    groups = _stem_groups(compiler, read_vocabulary())
    short = [
        (s, v)
        for s in groups
        if 4 <= len(s) <= 5
        for v in loanword_variants(s, shortest=4)  # the same edits, below the rule's length
        if v in groups and s < v
    ]
    assert len(short) > 500
    joined = [(s, v) for s, v in short if word_finds(compiler, groups[s][0], groups[v][0])]
    assert len(joined) <= 0.02 * len(short), joined[:40]
