"""Why did this match: each query word and the passage words (as written) it matched."""

import json

import pytest
from arsearch.cli.main import cli
from arsearch.cli.output import bidi_lines
from click.testing import CliRunner


def explained(hit) -> dict[str, list[tuple[str, str]]]:
    return {m.query: [(f.word, f.how) for f in m.forms] for m in hit.matches}


def all_forms(result, query_word) -> set[tuple[str, str]]:
    return {form for hit in result.hits for form in explained(hit).get(query_word, [])}


@pytest.mark.parametrize(
    "query, word, form",
    [
        pytest.param("سوريا", "سوريا", ("سورية", "variant"), id="spelling-variant"),
        pytest.param("سورية", "سورية", ("سورية", "same"), id="same-word"),
        pytest.param("الرئيس", "الرئيس", ("الرئيسان", "stem"), id="dual-by-stem"),
        pytest.param("الرئيس", "الرئيس", ("الرئيسين", "stem"), id="oblique-dual-by-stem"),
        pytest.param("بوتين", "بوتين", ("بوتين", "same"), id="name"),
        pytest.param("لافرو*", "لافرو*", ("لافروف", "prefix"), id="prefix"),
        pytest.param('"وزارة الخارجية"', '"وزارة الخارجية"', ("وزارة الخارجية", "phrase"), id="phrase"),
        pytest.param("اليونسكو", "اليونسكو", ("اليونيسكو", "variant"), id="transliteration"),
    ],
)
def test_explain_names_the_matched_forms(searcher, query, word, form):
    result = searcher.search(query, limit=20)
    assert result.hits
    assert form in all_forms(result, word)


def test_every_hit_explains_every_word_it_matched(searcher):
    result = searcher.search("سوريا الرئيس", limit=20)
    for hit in result.hits:
        words = explained(hit)
        assert list(words) == ["سوريا", "الرئيس"]
        assert all(words.values())
        # The explanation names exactly the marked words.
        marked = {hit.passage.text[s:e] for s, e in hit.highlights}
        assert {w for forms in words.values() for w, _ in forms} <= marked | {
            w for m in marked for w in m.split()
        }


def test_excluded_words_are_not_explained(searcher):
    result = searcher.search("سورية -روسيا", limit=20)
    assert result.hits
    for hit in result.hits:
        assert list(explained(hit)) == ["سورية"]


def test_or_alternatives_missing_from_a_passage_have_no_forms(searcher):
    result = searcher.search("لافروف OR ماكرون", limit=20)
    for hit in result.hits:
        words = explained(hit)
        assert any(words.values())


def test_cli_explain(seed_index):
    result = CliRunner().invoke(
        cli, ["search", "--index", str(seed_index), "سوريا", "الرئيس", "--explain"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert "matched: سوريا → سورية (spelling variant); الرئيس → الرئيسان (same stem)" in result.stdout


def test_cli_json_explain(seed_index):
    runner = CliRunner()
    plain = json.loads(runner.invoke(cli, ["search", "--index", str(seed_index), "سوريا", "--json"]).stdout)
    assert "matched" not in plain["hits"][0]
    data = json.loads(runner.invoke(cli, ["search", "--index", str(seed_index), "سوريا", "--json", "--explain"]).stdout)
    assert data["hits"][0]["matched"] == [{"query": "سوريا", "forms": [{"word": "سورية", "how": "variant"}]}]


def test_bidi_reorders_wrapped_lines():
    line = "   أعرب الرئيسان الروسي فلاديمير بوتين والفرنسي إيمانويل ماكرون عن دعمهما (Putin 2017)"
    shown = bidi_lines(line, width=40).split("\n")
    assert len(shown) > 1 and all(len(s) <= 40 for s in shown)
    assert all(s.startswith("   ") for s in shown)
    assert "ناسيئرلا" in shown[0]  # الرئيسان, letters in display order
    assert "Putin 2017" in shown[-1]  # Latin runs keep their own order
    assert bidi_lines("plain English line", width=40) == "plain English line"


def test_cli_bidi_is_opt_in(seed_index):
    runner = CliRunner()
    args = ["search", "--index", str(seed_index), "سورية", "--limit", "1"]
    assert "سورية" in runner.invoke(cli, args).stdout
    shown = runner.invoke(cli, [*args, "--bidi"]).stdout
    assert "ةيروس" in shown and "\x1b[" not in shown
