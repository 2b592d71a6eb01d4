"""The CLI through click's CliRunner: output shapes, exit codes, messages on stderr, no tracebacks."""

import json

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.store import current_generation, writer_lock
from click.testing import CliRunner

from .conftest import SEED_ID


@pytest.fixture
def run(seed_index):
    runner = CliRunner()

    def invoke(*args, index=seed_index, env=None):
        command, *rest = args
        return runner.invoke(cli, [command, "--index", str(index), *rest], env=env or {}, catch_exceptions=False)

    return invoke


def test_search_json_shape(run):
    result = run("search", "سوريا", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"query", "total", "hits", "facets"}
    assert data["query"] == "سوريا" and data["total"] == 10
    hit = data["hits"][0]
    assert set(hit) >= {"rank", "score", "doc_id", "title", "source", "passage", "text", "snippet",
                        "highlights", "actors", "topics"}
    assert hit["doc_id"] == SEED_ID and hit["source"] == "صحيفة تشرين"
    for start, end in hit["highlights"]:
        assert hit["text"][start:end] == "سورية"
    assert "[سورية]" in hit["snippet"]
    assert data["facets"]["topics"]["syria"] == 10
    assert "سورية" in result.stdout  # Arabic unescaped, not \u0633...


def test_jsonl_prints_one_hit_per_line(run):
    result = run("search", "تيلرسون", "--jsonl")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["passage"] for line in lines] == [8, 9]


def test_human_output_marks_and_summary(run):
    result = run("search", "بوتين", "--topic", "korea")
    assert result.exit_code == 0
    assert "[بوتين]" in result.stdout  # not a terminal: visible markers
    assert "\x1b[" not in result.stdout
    assert f"[{SEED_ID}#6]" in result.stdout
    assert "1 passage matches" in result.stdout
    assert "topics: korea (1)" in result.stdout


def test_color_on_request(run):
    result = run("search", "بوتين", "--topic", "korea", "--color")
    assert "\x1b[" in result.stdout and "[بوتين]" not in result.stdout


def test_filter_only_search_lists_passages(run):
    result = run("search", "--actor", "putin", "--json")
    assert [h["passage"] for h in json.loads(result.stdout)["hits"]] == [1, 6, 7]


def test_negated_word_after_double_dash(run):
    result = run("search", "--json", "--", "سورية", "-زاخاروفا")
    passages = {h["passage"] for h in json.loads(result.stdout)["hits"]}
    assert passages and not passages & {11, 12, 13}


def test_negated_word_without_double_dash(run):
    result = run("search", "سورية", "-زاخاروفا", "--json")
    assert result.exit_code == 0
    assert not {h["passage"] for h in json.loads(result.stdout)["hits"]} & {11, 12, 13}


def test_no_match_exits_1(run):
    result = run("search", "زلزال", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["total"] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["search", '"وزارة'], "unbalanced quote", id="unbalanced-quote"),
        pytest.param(["search", "(سورية"], "unbalanced parenthesis", id="unbalanced-paren"),
        pytest.param(["search", "في"], "only stop words", id="only-stop-words"),
        pytest.param(["search"], "empty query", id="empty"),
        pytest.param(["search", "--actor", "putn"], "did you mean putin", id="unknown-actor"),
        pytest.param(["search", "x", "--topic", "mars"], "unknown topic", id="unknown-topic"),
        pytest.param(["show", "nothing#1"], "no passage nothing#1", id="unknown-passage"),
        pytest.param(["show", "nothing"], "ARTICLE#N", id="bad-passage-id"),
    ],
)
def test_errors_are_one_line_on_stderr_with_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr


def test_misspelt_option_is_a_usage_error(run):
    result = run("search", "سورية", "--limt", "3")
    assert result.exit_code == 2 and "no such option: --limt" in result.stderr


def test_index_env_variable(tmp_path, seed_dir):
    env = {"ARSEARCH_INDEX": str(tmp_path / "env-index"), "ARSEARCH_SOURCE": str(seed_dir)}
    assert CliRunner().invoke(cli, ["rebuild"], env=env).exit_code == 0
    assert current_generation(tmp_path / "env-index") is not None
    result = CliRunner().invoke(cli, ["search", "بوتين", "--json"], env=env)
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] > 0


def test_index_and_rebuild_report_counts(tmp_path, seed_dir):
    index_dir = tmp_path / "index"
    runner = CliRunner()
    rebuilt = runner.invoke(cli, ["rebuild", "--source", str(seed_dir), "--index", str(index_dir)])
    assert rebuilt.exit_code == 0 and "1 added" in rebuilt.stdout and "13 passages" in rebuilt.stdout
    (seed_dir / "bad.txt").write_bytes(b"\xff\xfe\x00garbage")
    (seed_dir / "new.txt").write_text("زار لافروف أنقرة.", encoding="utf-8")
    updated = runner.invoke(cli, ["index", "--source", str(seed_dir), "--index", str(index_dir)])
    assert updated.exit_code == 0
    assert "1 added, 0 changed, 0 removed, 1 unchanged" in updated.stdout
    assert "warning: bad.txt" in updated.stderr


def test_locked_index_is_a_clear_error(tmp_path, seed_dir):
    index_dir = tmp_path / "index"
    runner = CliRunner()
    runner.invoke(cli, ["rebuild", "--source", str(seed_dir), "--index", str(index_dir)])
    with writer_lock(index_dir, timeout=0):
        result = runner.invoke(
            cli, ["index", "--source", str(seed_dir), "--index", str(index_dir)], env={"ARSEARCH_LOCK_TIMEOUT": "0.2"}
        )
    assert result.exit_code == 2
    assert "another arsearch process is writing" in result.stderr


def test_damaged_index_is_a_clear_error(tmp_path, seed_dir):
    index_dir = tmp_path / "index"
    CliRunner().invoke(cli, ["rebuild", "--source", str(seed_dir), "--index", str(index_dir)])
    (index_dir / "CURRENT").write_text("gen-missing", encoding="utf-8")
    result = CliRunner().invoke(cli, ["search", "سوريا", "--index", str(index_dir)])
    assert result.exit_code == 2
    assert "run `arsearch rebuild`" in result.stderr and "Traceback" not in result.stderr


def test_actors_lists_every_seed_actor_with_counts(run):
    result = run("actors", "--used", "--json")
    counts = {a["id"]: a["passages"] for a in json.loads(result.stdout)}
    assert counts["syria"] == 10
    assert counts["putin"] == 3
    for ident in ("macron", "lavrov", "tillerson", "zakharova", "kremlin", "russia_mfa", "tass", "sana",
                  "un", "unsc", "unesco", "osce"):
        assert counts.get(ident, 0) >= 1, ident
    macron = next(a for a in json.loads(result.stdout) if a["id"] == "macron")
    assert macron["inferred"] == 1
    human = run("actors")
    assert "putin" in human.stdout and "Vladimir Putin" in human.stdout
    assert len(human.stdout.splitlines()) > len(counts)  # every gazetteer entry, used or not


def test_topics(run):
    result = run("topics", "--used", "--json")
    counts = {t["id"]: t["passages"] for t in json.loads(result.stdout)}
    assert counts["korea"] == 1 and counts["syria"] == 10


def test_show_prints_the_passage_and_its_neighbours(run):
    result = run("show", f"{SEED_ID}#7")
    assert result.exit_code == 0
    assert f"▶ {SEED_ID}#7" in result.stdout
    assert f"  {SEED_ID}#6" in result.stdout and f"  {SEED_ID}#8" in result.stdout
    assert "inferred: macron" in result.stdout


def test_stats(run):
    data = json.loads(run("stats", "--json").stdout)
    assert data["articles"] == 1 and data["passages"] == 13


@pytest.mark.parametrize("command", ["search", "index", "rebuild", "actors", "topics", "show", "stats"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"arsearch {command}" in result.stdout
