"""Hostile and unlucky queries: every one is answered or refused with the documented one-line error.

The limits come from the settings table; tests that need a limit to bite on the small seed index
lower it through its environment variable, as a user would.
"""

import json
import re
import time

import pytest
from arsearch.cli.main import cli
from arsearch.indexer import settings
from arsearch.indexer.errors import QueryError
from arsearch.search import parser as qp
from arsearch.search.budget import Deadline, QueryBudget, QueryLimitError, QueryTimeoutError
from arsearch.search.snippets import make_snippet
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.conftest import SEED_ID

WORDS = ["سوريا", "بوتين", "وماكرون", "الروسية", "لافروف", "تيلرسون", "أوكرانيا", "في", "من", "ماكرن", "جنيف"]


def _limit_env(error: QueryError) -> str:
    return re.search(r"\$(ARSEARCH_\w+)", str(error)).group(1)


# --- the parser: bounded before it recurses ------------------------------------------------------
@pytest.mark.parametrize(
    "query, env",
    [
        pytest.param("(" * 330 + "سوريا" + ")" * 330, "ARSEARCH_MAX_QUERY_DEPTH", id="330-nested-parentheses"),
        pytest.param("NOT (" * 300 + "سوريا" + ")" * 300, "ARSEARCH_MAX_QUERY_DEPTH", id="300-nested-NOTs"),
        pytest.param(" ".join(["-ب"] * 600), "ARSEARCH_MAX_QUERY_WORDS", id="600-negated-words"),
        pytest.param(" ".join(["-ب"] * 980), "ARSEARCH_MAX_QUERY_CHARS", id="980-negated-words"),
        pytest.param(" ".join(["ب"] * 980), "ARSEARCH_MAX_QUERY_WORDS", id="980-plain-words"),
        pytest.param("-".join(["سوريا"] * 40), "ARSEARCH_MAX_QUERY_WORDS", id="40-words-in-one-token"),
        pytest.param('"' + " ".join(WORDS * 4) + '"', "ARSEARCH_MAX_QUERY_WORDS", id="44-word-phrase"),
        pytest.param("سو* بو* ما* لا* تي*", "ARSEARCH_MAX_EXPANDING_WORDS", id="5-prefixes"),
        pytest.param("سوريا " * 500, "ARSEARCH_MAX_QUERY_CHARS", id="3000-characters"),
    ],
)
def test_over_a_limit_is_a_query_error_naming_it(query, env):
    with pytest.raises(QueryLimitError) as error:
        qp.parse_query(query)
    assert _limit_env(error.value) == env
    assert "\n" not in str(error.value)


def test_up_to_the_depth_limit_parses():
    depth = settings.MAX_QUERY_DEPTH.default
    tree = qp.parse_query("(" * depth + "سوريا OR بوتين" + ")" * depth).tree
    assert tree == qp.Or((qp.Word("سوريا"), qp.Word("بوتين")))
    with pytest.raises(QueryLimitError):
        qp.parse_query("(" * (depth + 1) + "سوريا" + ")" * (depth + 1))


def test_raised_limits_answer_wide_queries_without_recursion_errors(searcher, monkeypatch):
    """With the word and character limits lifted, the widest query allowed compiles and runs; the
    hard cap refuses what would overflow Whoosh's matcher tree."""
    monkeypatch.setenv("ARSEARCH_MAX_QUERY_WORDS", "5000")
    monkeypatch.setenv("ARSEARCH_MAX_QUERY_CHARS", "50000")
    monkeypatch.setenv("ARSEARCH_QUERY_DEADLINE", "120")
    widest = QueryBudget.from_settings().max_words
    assert widest < 5000
    one = searcher.search("سوريا").total
    assert searcher.search(" ".join(["سوريا"] * widest), limit=0).total == one
    without = searcher.search("سوريا -زاخاروفا").total
    assert 0 < without < one
    assert searcher.search("سوريا " + " ".join(["-زاخاروفا"] * (widest - 1)), limit=0).total == without
    with pytest.raises(QueryLimitError):
        searcher.search(" ".join(["سوريا"] * 980))


def test_a_raised_depth_limit_still_bounds_the_recursion(monkeypatch):
    monkeypatch.setenv("ARSEARCH_MAX_QUERY_DEPTH", "100000")
    budget = QueryBudget.from_settings()
    assert budget.max_depth <= 100
    with pytest.raises(QueryLimitError):
        qp.parse_query("(" * 330 + "سوريا" + ")" * 330)


# --- expansions: most frequent first, said when cut ------------------------------------------------
def test_a_prefix_keeps_its_most_frequent_expansions_and_says_so(searcher, monkeypatch):
    reader = searcher.searcher.reader()
    forms = [t.decode() for t in reader.expand_prefix("exact", "ال")]
    by_frequency = sorted(forms, key=lambda f: (-reader.doc_frequency("exact", f), f))
    monkeypatch.setenv("ARSEARCH_MAX_EXPANSIONS", "3")
    result = searcher.search("ال*", limit=50)
    (note,) = result.notes
    assert f"the 3 most frequent of the {len(forms)} index words" in note and note.startswith("ال*")
    kept = set(by_frequency[:3])
    for hit in result.hits:
        marked = {searcher.words.analyze(hit.passage.text[s:e])[0] for s, e in hit.highlights}
        assert marked <= kept and marked
    assert result.total == len(set().union(*(searcher._docs("exact", f) for f in kept)))


def test_explain_prints_the_cut(seed_index, monkeypatch):
    monkeypatch.setenv("ARSEARCH_MAX_EXPANSIONS", "2")
    result = CliRunner().invoke(cli, ["search", "ال*", "--explain", "--no-color", "--index", str(seed_index)])
    assert result.exit_code == 0
    assert re.search(r"^note: ال\*: searched the 2 most frequent of the \d+ index words", result.stdout, re.M)
    doc = json.loads(
        CliRunner().invoke(cli, ["search", "ال*", "--json", "--explain", "--index", str(seed_index)]).stdout
    )
    assert doc["notes"][0].startswith("ال*: searched the 2 most frequent")


def test_an_uncut_expansion_has_no_note(searcher):
    assert searcher.search("ماكرن~").notes == ()
    assert searcher.search("ماكرن~").total == searcher.search("ماكرون").total


def test_too_many_index_words_to_scan_is_refused(searcher, monkeypatch):
    monkeypatch.setenv("ARSEARCH_MAX_SCANNED", "20")
    with pytest.raises(QueryLimitError) as error:
        searcher.search("ا*")
    assert _limit_env(error.value) == "ARSEARCH_MAX_SCANNED" and "ا*" in str(error.value)
    assert searcher.search("ماكرو*").total > 0  # a narrow prefix still fits


# --- the deadline ------------------------------------------------------------------------------------
def test_deadline_checks_the_clock_every_n_calls():
    now = [0.0]
    deadline = Deadline(1.0, every=4, clock=lambda: now[0])
    now[0] = 2.0
    for _ in range(3):
        deadline.check()  # the clock is not read yet
    with pytest.raises(QueryTimeoutError) as error:
        deadline.check()
    assert "ARSEARCH_QUERY_DEADLINE" in str(error.value)


def test_a_query_past_its_deadline_stops_with_the_message(searcher, monkeypatch):
    monkeypatch.setenv("ARSEARCH_QUERY_DEADLINE", "0.000001")
    with pytest.raises(QueryTimeoutError):
        searcher.search("سوريا OR بوتين OR روسيا")


def test_cli_exits_2_with_one_line_naming_the_limit(seed_index, monkeypatch):
    runner = CliRunner()
    deep = runner.invoke(cli, ["search", "(" * 330 + "سوريا" + ")" * 330, "--index", str(seed_index)])
    assert deep.exit_code == 2
    (line,) = deep.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "ARSEARCH_MAX_QUERY_DEPTH" in line and "Traceback" not in deep.output
    monkeypatch.setenv("ARSEARCH_QUERY_DEADLINE", "0.000001")
    slow = runner.invoke(cli, ["search", "سوريا", "--index", str(seed_index)])
    assert slow.exit_code == 2
    assert "deadline" in slow.stderr and "ARSEARCH_QUERY_DEADLINE" in slow.stderr


def test_the_page_answers_400_with_the_limit(seed_index):
    from arsearch.web import create_app

    client = create_app(seed_index).test_client()
    response = client.get("/api/search", query_string={"q": "(" * 50 + "سوريا" + ")" * 50})
    assert response.status_code == 400
    assert "ARSEARCH_MAX_QUERY_DEPTH" in response.get_json()["error"]
    page = client.get("/", query_string={"q": " ".join(["-ب"] * 600)})
    assert page.status_code == 400 and "ARSEARCH_MAX_QUERY_WORDS" in page.get_data(as_text=True)


# --- numeric options bounded by what exists --------------------------------------------------------
def test_show_with_a_huge_context_returns_the_article(seed_index, seed_passages):
    started = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["show", f"{SEED_ID}#6", "--context", "100000000000000", "--json", "--index", str(seed_index)]
    )
    assert result.exit_code == 0 and time.perf_counter() - started < 10
    assert [p["passage"] for p in json.loads(result.stdout)] == list(range(1, len(seed_passages) + 1))


def test_huge_limit_and_offset_are_clamped(seed_index, searcher):
    result = CliRunner().invoke(
        cli, ["search", "سوريا", "--limit", "10" * 10, "--offset", "10" * 10, "--index", str(seed_index)]
    )
    assert result.exit_code == 0 and "none shown" in result.stdout
    assert searcher.search("سوريا", limit=10**15).limit == settings.MAX_PAGE_HITS.default
    assert len(searcher.search("سوريا", limit=10**15).hits) == searcher.search("سوريا").total


# --- property-based: anything typed is an answer or a documented query error ------------------------
PIECES = st.sampled_from(
    [*WORDS, "OR", "AND", "NOT", "-", "(", ")", '"', "*", "~", "~2", "سو*", "ماكرن~2", "actor:putin",
     "topic:syria", "actor:", "، ", "«", "؟", "123"]
)


@hsettings(max_examples=100, deadline=3000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=14), st.sampled_from([" ", "", "  ("]))
def test_generated_queries_never_crash(searcher, pieces, glue):
    query = glue.join(pieces)
    try:
        result = searcher.search(query)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert result.total >= len(result.hits)
    for hit in result.hits:
        assert all(0 <= s < e <= len(hit.passage.text) for s, e in hit.highlights)


# --- snippets on huge passages ---------------------------------------------------------------------
def _windowed_reference(text, spans, size):
    """The snippet window as chosen before bisection: the quadratic count, kept as the spec."""
    best_start, best_count = 0, -1
    for start, _ in spans or [(0, 0)]:
        begin = max(0, start - size // 4)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + size)
        if count > best_count:
            best_start, best_count = begin, count
    return best_start


def test_snippet_window_matches_the_reference_and_scales(seed_passages):
    text = " ".join(seed_passages)
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S*سوري\S*|\S*بوتين\S*", text)]
    snippet = make_snippet(text, spans, 280)
    reference = _windowed_reference(text, spans, 280)
    assert abs(snippet.start - reference) < 30  # the same window, moved to a word boundary
    assert all(text[snippet.start + s : snippet.start + e] == text[a:b] for (s, e), (a, b) in zip(
        snippet.spans, [sp for sp in spans if sp[0] >= snippet.start], strict=False))
    huge = text * 400  # ~1 MB, ~40k marks: the quadratic window took minutes
    marks = [(m.start(), m.end()) for m in re.finditer(r"\S+", huge)][::5]
    started = time.perf_counter()
    assert make_snippet(huge, marks, 280).text
    assert time.perf_counter() - started < 5


def test_every_limit_is_in_the_readme_with_its_default():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for limit in settings.LIMITS.values():
        row = next(line for line in readme.splitlines() if f"`{limit.env}`" in line)
        default = f"{limit.default:,}" if isinstance(limit.default, int) else f"{limit.default:g} s"
        assert default in row, (limit.env, row)
