"""The generated OpenSearch analysis chains, run through real Lucene classes, give arsearch's tokens.

Lucene 8's jars (Debian's liblucene8-java, which .ci/run installs) are driven through JPype: the same
factories OpenSearch wraps. Tokens, positions and offsets are compared for the ``exact`` and the
stem field, on the seed, the shared word lists and 10,000 real word forms of the benchmark corpus.
"""

import tempfile
from pathlib import Path

import pytest
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.opensearch.analysis import analysis_settings, exact_chain, stem_chain

from benchmarks import opensearch_fidelity as fidelity

#: The issue's bar: at least this share of tokens identical, every difference listed.
MIN_IDENTICAL = 0.999


@pytest.fixture(scope="module")
def words() -> WordAnalyzer:
    return WordAnalyzer(load_stopwords(), Gazetteer.load().protected_names())


@pytest.fixture(scope="module")
def lucene(words):
    """Both chains built by Lucene's CustomAnalyzer: (exact, stem)."""
    with tempfile.TemporaryDirectory() as tmp:
        exact = fidelity.lucene_analyzer(exact_chain(), Path(tmp))
        stem = fidelity.lucene_analyzer(stem_chain(words), Path(tmp))
        yield {"exact": exact, "stem": stem}
        exact.close()
        stem.close()


@pytest.mark.parametrize("name, texts", [
    pytest.param("seed", fidelity.seed_passages, id="seed-passages"),
    pytest.param("word lists", lambda: fidelity.chunks(fidelity.word_list_forms()), id="shared-word-lists"),
    pytest.param("corpus", lambda: fidelity.chunks(fidelity.corpus_forms()), id="corpus-word-forms"),
])
def test_lucene_gives_arsearch_tokens(words, lucene, name, texts):
    texts = texts()
    for output in ("exact", "stem"):
        tokens = same = 0
        differences = []
        for text in texts:
            ours = fidelity.python_tokens(words, output, text)
            theirs = fidelity.lucene_tokens(lucene[output], text)
            tokens += max(len(ours), len(theirs))
            same += sum(a == b for a, b in zip(ours, theirs, strict=False))
            if ours != theirs:
                differences.append(fidelity.describe(ours, theirs))
        assert tokens > 0
        assert same / tokens >= MIN_IDENTICAL, f"{name} {output}: {same}/{tokens} identical; " + "; ".join(differences)
        print(f"{name} {output}: {same}/{tokens} identical", *differences, sep="\n  ")


def test_the_corpus_sample_is_large_enough():
    forms = fidelity.corpus_forms()
    assert len(forms) >= 5000 and len(set(forms)) == len(forms)
    assert sum(any("\u0621" <= c <= "\u064a" for c in f) for f in forms) >= 5000


@pytest.mark.parametrize("text", [
    pytest.param("السعادة و الشقاء", id="conjunction-written-apart-joins"),
    pytest.param("وَ الشقاء وُ 2020", id="conjunction-with-a-mark-and-before-a-number"),
    pytest.param("ـــ سورية ـــ", id="tatweel-runs-are-no-words"),
    pytest.param("ألغام الإلغاء إلغاء الألغام", id="hamza-seat-alif-lam-is-not-the-article"),
    pytest.param("بذلوا جهوداً كبيرةً وتوترا", id="tanween-alif-is-case-ending"),
    pytest.param("حكومته حكومتهم حكومة بيتها وقتهم", id="ta-marbuta-before-pronouns"),
    pytest.param("وماكرون لبوتين للكرملين والكرملين بماكرون", id="names-behind-clitics"),
    pytest.param("أبو بكر لأبي مازن أبا عبد الله أبى", id="five-nouns"),
    pytest.param("عام ١٩٤٨ و۱۴۰۲ و2020", id="arabic-indic-and-persian-digits"),
    pytest.param("Putin's IAEA-Report", id="latin-lowercased"),
    pytest.param("مسؤول مسئول شؤون شئون", id="hamza-on-waw-and-yeh"),
    pytest.param("کتاب فارسی ہمارا", id="persian-and-urdu-letters"),
    pytest.param("على علي إلى الى عن", id="stop-words-before-stage-two"),
    pytest.param("والوزير ووزارة وطني وواشنطن وضع", id="radical-waw"),
    pytest.param("سورية 𝐀𝐁 🙂 سوريا", id="astral-characters-offsets"),
    pytest.param("الأمم المتحدة، «الأمن»: سياراتهم وامتحاناتهم!", id="punctuation-and-suffixes"),
])
def test_hard_cases_are_identical(words, lucene, text):
    for output in ("exact", "stem"):
        assert fidelity.lucene_tokens(lucene[output], text) == fidelity.python_tokens(words, output, text), output


def test_the_chain_follows_the_analyzer_it_is_generated_from():
    """Another stop list and another protected name change the Lucene chain the same way."""
    names = {**Gazetteer.load().protected_names(), "زيلينسكي": "زيلينسكي"}
    words = WordAnalyzer(load_stopwords() | {"سورية"}, names)
    text = "وزيلينسكي في سورية"
    with tempfile.TemporaryDirectory() as tmp:
        stem = fidelity.lucene_analyzer(stem_chain(words), Path(tmp))
        tokens = fidelity.lucene_tokens(stem, text)
        stem.close()
    assert tokens == fidelity.python_tokens(words, "stem", text)
    assert [t[0] for t in tokens] == ["زيلينسكي"]  # not زيلينسك; في and سورية stopped


def test_the_settings_name_every_step_once(words):
    settings = analysis_settings(words)
    for name, analyzer in settings["analyzer"].items():
        assert analyzer["tokenizer"] in settings["tokenizer"], name
        assert all(f in settings["filter"] or f == "lowercase" for f in analyzer["filter"])
        assert all(c in settings["char_filter"] for c in analyzer["char_filter"])
    stop = settings["filter"]["arsearch_stop"]["stopwords"]
    assert set(load_stopwords()) <= set(stop)
    rules = settings["filter"]["arsearch_names"]["rules"]
    assert any(r.startswith("وماكرون => ") for r in rules)
