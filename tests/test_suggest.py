"""Did you mean: corrections from the index's own vocabulary, only ones that find passages."""

import json
import math

import pytest
from arsearch.cli.main import cli
from arsearch.search.suggest import CHEAP, suggest_queries, weighted_distance, with_suggestions
from click.testing import CliRunner


def suggestions(searcher, query, **filters):
    return suggest_queries(searcher, searcher.search(query, limit=0, **filters))


@pytest.mark.parametrize(
    "typed, expected",
    [
        pytest.param("بوتن", "بوتين", id="long-vowel-missing"),
        pytest.param("ماكرن", "ماكرون", id="waw-missing"),
        pytest.param("تلرسن", "تيلرسون", id="name-vowels-missing"),  # one missing: the loanword rule finds it
        pytest.param("الكرمين", "الكرملين", id="letter-missing"),
        pytest.param("زاخاروففا", "زاخاروفا", id="letter-extra"),
        pytest.param("لافروق", "لافروف", id="letter-substituted"),
        pytest.param("سورة", "سورية", id="ya-missing-before-ta-marbuta"),
        pytest.param("putn", "بوتين", id="misspelt-english-name"),
        pytest.param("وبوتن", "وبوتين", id="behind-a-clitic"),
    ],
)
def test_misspelt_word_gets_the_right_suggestion(searcher, typed, expected):
    assert searcher.search(typed, limit=0).total == 0
    found = suggestions(searcher, typed)
    assert found, f"no suggestion for {typed}"
    assert found[0].query == expected
    assert found[0].changes == ((typed, expected),)
    # Only suggestions that find passages, and the count is what the search finds.
    for s in found:
        assert s.total > 0
        assert searcher.search(s.query, limit=0).total == s.total


def test_every_misspelt_word_of_a_query_is_corrected(searcher):
    found = suggestions(searcher, "بوتن ماكرن")
    assert found[0].query == "بوتين ماكرون"
    assert found[0].total == searcher.search("بوتين ماكرون", limit=0).total > 0


def test_operators_and_other_words_are_kept(searcher):
    found = suggestions(searcher, "بوتن OR لافروف")
    assert found[0].query == "بوتين OR لافروف"
    assert found[0].total > searcher.search("بوتن OR لافروف", limit=0).total


def test_filters_are_kept(searcher):
    (first, *_) = suggestions(searcher, "ماكرن", topics=["syria"])
    assert first.query == "ماكرون"
    assert first.total == searcher.search("ماكرون", topics=["syria"], limit=0).total


def test_no_suggestion_when_enough_is_found(searcher):
    assert suggestions(searcher, "سورية") == ()
    assert suggestions(searcher, "سوريا") == ()


def test_no_suggestion_that_finds_nothing(searcher):
    assert suggestions(searcher, "xyzzy") == ()
    assert suggestions(searcher, "قطط") == ()


def test_equivalent_suggestions_are_shown_once(searcher):
    found = suggestions(searcher, "ماكرن")
    assert [s.query for s in found].count("ماكرون") == 1
    assert "وماكرون" not in [s.query for s in found]  # finds the same passages as ماكرون


def test_with_suggestions_leaves_good_results_alone(searcher):
    result = searcher.search("سورية")
    assert with_suggestions(searcher, result) is result


@pytest.mark.parametrize(
    "a, b, cost",
    [
        pytest.param("بوتن", "بوتين", CHEAP, id="long-vowel-is-cheap"),
        pytest.param("سيرجي", "سيرغي", CHEAP, id="g-transliteration-is-cheap"),
        pytest.param("مسئول", "مسؤول", CHEAP, id="hamza-seat-is-cheap"),
        pytest.param("لافروف", "لافروق", 1.0, id="other-letter-costs-one"),
        pytest.param("ماكرون", "ماكورن", 1.0, id="swap-costs-one"),
        pytest.param("سورية", "سورية", 0.0, id="same"),
        pytest.param("بوتين", "ترامب", math.inf, id="too-far"),
    ],
)
def test_weighted_distance(a, b, cost):
    assert weighted_distance(a, b) == cost


def test_cli_says_did_you_mean_on_stderr(seed_index):
    result = CliRunner().invoke(cli, ["search", "--index", str(seed_index), "بوتن"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "did you mean: بوتين (3 passages)?" in result.stderr
    assert "did you mean" not in result.stdout


def test_cli_json_has_suggestions_only_when_there_are_some(seed_index):
    runner = CliRunner()
    missing = runner.invoke(cli, ["search", "--index", str(seed_index), "--json", "ماكرن"])
    assert json.loads(missing.stdout)["suggestions"] == [{"query": "ماكرون", "total": 3}]
    found = runner.invoke(cli, ["search", "--index", str(seed_index), "--json", "ماكرون"])
    assert "suggestions" not in json.loads(found.stdout)
