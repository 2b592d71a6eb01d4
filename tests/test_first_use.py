"""Issue 9 §6, no surprise index: only the default index is built on first use; a named folder
(--index or $ARSEARCH_INDEX) without an index is an error that names the command to build it and
creates nothing; and readers never write into an index folder."""

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from arsearch.cli.main import cli
from arsearch.indexer.store import CURRENT, current_generation
from arsearch.web import create_app
from click.testing import CliRunner

from .conftest import SEED_ID, env_without_index

#: Every command that only reads the index, with the arguments it needs.
READERS = {
    "search": ["search", "سوريا"],
    "show": ["show", f"{SEED_ID}#6"],
    "actors": ["actors", "--used"],
    "discovered": ["actors", "--discovered"],
    "topics": ["topics"],
    "stats": ["stats"],
}
#: The index and corpus settings unset, so that only what a test passes counts.
NO_ENV = {"ARSEARCH_INDEX": None, "ARSEARCH_SOURCE": None}


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder below ``folder`` with its size and mtime: what a write would change."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def invoke(args, env=NO_ENV):
    return CliRunner().invoke(cli, args, env=env)


@pytest.mark.parametrize("args", READERS.values(), ids=READERS.keys())
def test_a_reader_given_a_missing_index_folder_exits_2_and_creates_nothing(tmp_path, seed_dir, args):
    before = tree(tmp_path)
    typo = tmp_path / "mistyped" / "index"
    result = invoke([*args, "--index", str(typo), "--corpus", str(seed_dir)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: index folder {typo} does not exist; to build one there, run: "
        f"arsearch rebuild --source {seed_dir} --index {typo}\n"
    )
    assert result.stdout == ""
    assert tree(tmp_path) == before  # no folder, no lock file, no index


def test_the_environment_variable_names_an_index_too(tmp_path, seed_dir):
    missing = tmp_path / "env-index"
    result = invoke(["search", "بوتين"], env={"ARSEARCH_INDEX": str(missing), "ARSEARCH_SOURCE": str(seed_dir)})
    assert result.exit_code == 2
    assert f"run: arsearch rebuild --source {seed_dir} --index {missing}" in result.stderr
    assert not missing.exists()


def test_a_folder_without_an_index_is_left_as_it_was(tmp_path, seed_dir):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "ملاحظات.txt").write_text("ليست فهرسا", encoding="utf-8")
    before = tree(folder)
    result = invoke(["stats", "--index", str(folder), "--corpus", str(seed_dir)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {folder} holds no arsearch index; to build one there, run: ")
    assert tree(folder) == before  # no .lock


def test_the_command_in_the_message_builds_the_index_it_names(tmp_path, seed_dir):
    """Quoted for a shell: a folder with a space and Arabic letters in its name."""
    index_dir = tmp_path / "فهرس الأخبار"
    missing = invoke(["search", "سوريا", "--index", str(index_dir), "--corpus", str(seed_dir)])
    command = shlex.split(missing.stderr.strip().split("run: ", 1)[1])
    assert command[0] == "arsearch"
    built = invoke(command[1:])
    assert built.exit_code == 0, built.stderr
    found = invoke(["search", "سوريا", "--index", str(index_dir), "--json"])
    assert found.exit_code == 0 and '"total": 10' in found.stdout


def test_index_and_rebuild_still_create_the_folder_they_are_given(tmp_path, seed_dir):
    for command in ("index", "rebuild"):
        index_dir = tmp_path / command / "ix"
        result = invoke([command, "--index", str(index_dir), "--source", str(seed_dir)])
        assert result.exit_code == 0, result.stderr
        assert current_generation(index_dir) is not None


def test_the_default_index_is_built_on_first_use_and_says_so(tmp_path, seed_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the defaults: index/ and seeds/ (the seed_dir copy) here
    assert seed_dir == tmp_path / "seeds"
    first = invoke(["search", "سوريا"])
    assert first.exit_code == 0, first.stderr
    assert "no index yet in index/; building it from seeds/ (first use)" in first.stderr
    assert "10 passages match" in first.stdout
    assert current_generation(tmp_path / "index") is not None
    again = invoke(["search", "سوريا"])
    assert again.exit_code == 0 and "building" not in again.stderr


def test_a_lost_current_is_not_replaced_by_a_first_use_build(tmp_path, seed_dir, monkeypatch):
    """The default index with its CURRENT pointer gone holds a real index: building the demo corpus
    over it would drop it; `arsearch index` points CURRENT again, as the message says."""
    monkeypatch.chdir(tmp_path)
    (seed_dir / "extra.txt").write_text("زار لافروف أنقرة وبحث مع نظيره التركي الأزمة السورية.", encoding="utf-8")
    assert invoke(["rebuild"]).exit_code == 0
    (tmp_path / "index" / CURRENT).unlink()
    before = tree(tmp_path / "index")
    lost = invoke(["search", "لافروف"])
    assert lost.exit_code == 2
    assert "has lost its CURRENT pointer; run `arsearch index --index index`" in lost.stderr
    assert tree(tmp_path / "index") == before
    assert invoke(["index", "--index", "index"]).exit_code == 0
    found = invoke(["search", "أنقرة", "--json"])
    assert found.exit_code == 0 and "extra" in found.stdout


def test_readers_write_nothing_into_an_index_they_are_given(tmp_path, seed_dir):
    index_dir = tmp_path / "index"
    assert invoke(["rebuild", "--source", str(seed_dir), "--index", str(index_dir)]).exit_code == 0
    before = tree(index_dir)
    for args in READERS.values():
        result = invoke([*args, "--index", str(index_dir)])
        assert result.exit_code == 0, (args, result.stderr)
    client = create_app(index_dir, seed_dir).test_client()
    for url in ("/?q=سوريا", "/api/search?q=بوتين", f"/passage/{SEED_ID}/6"):
        assert client.get(url).status_code == 200, url
    assert tree(index_dir) == before


def test_serve_given_a_missing_index_exits_2_before_listening(tmp_path, seed_dir):
    missing = tmp_path / "typo"
    done = subprocess.run(
        [sys.executable, "-m", "arsearch", "serve", "--index", str(missing), "--corpus", str(seed_dir), "--port", "0"],
        capture_output=True, text=True, encoding="utf-8", env=env_without_index(), timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Error: index folder {missing} does not exist; to build one there, run: "
        f"arsearch rebuild --source {seed_dir} --index {missing}"
    )
    assert not missing.exists()
