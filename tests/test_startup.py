"""Start-up stays lazy: what a command imports is what it runs.

A one-shot `arsearch search` pays for every module it imports and every table it builds before it
answers; `arsearch --help` should cost little more than click. Each command runs in a fresh Python
that reports the modules it loaded, so an eager import added anywhere on the path fails here.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
from arsearch.search import PassageSearcher
from arsearch.search.executor import QueryExecutor
from arsearch.search.searcher import FACET_FIELDS
from arsearch.search.stories import STORY_FIELD

from .conftest import SEEDS

#: Never needed by the CLI's own start-up, nor by a one-shot search of a small index: the web stack,
#: CLDR, word frequencies, the bidi algorithm (--bidi only), the index writer and its worker processes,
#: numpy (such a search runs on Whoosh's collector: search.searcher.COLLECTOR_MAX_PASSAGES), and the
#: writers' lock library (portalocker looks its version up in importlib.metadata; readers use flock).
NOT_FOR_A_SEARCH = (
    "flask", "werkzeug", "jinja2", "waitress", "babel", "wordfreq", "bidi", "tomli_w", "multiprocessing",
    "arsearch.indexer.build", "arsearch.indexer.parallel", "arsearch.indexer.tagging",
    "arsearch.indexer.discovery", "arsearch.web", "numpy", "portalocker",
)
#: Not needed to print the help or the version either: the search engine and the index.
NOT_FOR_HELP = (*NOT_FOR_A_SEARCH, "numpy", "whoosh.index", "whoosh.query", "portalocker", "arsearch.search.searcher",
                "arsearch.indexer.store", "arsearch.indexer.gazetteer")

#: Runs ``arsearch ARGS`` (none: only imports the CLI), then writes the names of the loaded modules.
PROBE = """
import json, os, sys
from arsearch.cli.main import cli
if sys.argv[1:]:
    try:
        cli(sys.argv[1:], prog_name="arsearch")
    except SystemExit:
        pass
with open(os.environ["PROBE_OUT"], "w") as f:
    json.dump(sorted(sys.modules), f)
"""


def loaded_by(tmp_path, *args) -> tuple[set[str], str]:
    """The modules a fresh Python holds after running ``arsearch ARGS`` (or only importing the CLI), and stdout."""
    out = tmp_path / "modules.json"
    env = {**os.environ, "PROBE_OUT": str(out)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120)
    assert out.exists(), done.stderr
    return set(json.loads(out.read_text())), done.stdout


def loaded_of(modules: set[str], names) -> list[str]:
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


@pytest.mark.parametrize("args", [("--help",), ("--version",)], ids=["help", "version"])
def test_help_and_version_skip_the_engine(tmp_path, args):
    modules, stdout = loaded_by(tmp_path, *args)
    assert "arsearch" in stdout and ("Usage" in stdout or "version" in stdout)
    assert "arsearch.cli.main" in modules
    assert loaded_of(modules, NOT_FOR_HELP) == []


def test_a_one_shot_search_imports_only_its_path(tmp_path, seed_index):
    modules, stdout = loaded_by(tmp_path, "search", "سوريا", "--json", "--index", str(seed_index))
    result = json.loads(stdout)
    assert result["total"] > 0 and "[سورية]" in result["hits"][0]["snippet"]
    assert "arsearch.search.searcher" in modules  # it did search
    assert loaded_of(modules, NOT_FOR_A_SEARCH) == []
    assert "importlib.metadata" not in modules  # --version reads it; a search has no use for it


def test_a_one_word_query_builds_no_table_of_several_word_names(seed_index, monkeypatch):
    def no_postings(self, fieldname):
        raise AssertionError(f"read the postings of every {fieldname} term")

    with PassageSearcher(seed_index, preload=False, engine="numpy") as one_shot:
        monkeypatch.setattr(QueryExecutor, "_facet_arrays", no_postings)  # facets from indexer.facetcols
        one_shot.search("سوريا")
        assert "_names" not in one_shot.compiler.__dict__
        assert set(one_shot.executor.facets) == {*FACET_FIELDS, STORY_FIELD}
        monkeypatch.undo()
        two = one_shot.search("سيرغي لافروف")
        assert "_names" in one_shot.compiler.__dict__
    with PassageSearcher(seed_index) as long_lived:
        assert long_lived.engine == "numpy" and set(long_lived.executor.facets) == {*FACET_FIELDS, STORY_FIELD}
        again = long_lived.search("سيرغي لافروف")
        assert two.total > 0 and [h.passage.key for h in again.hits] == [h.passage.key for h in two.hits]
        assert again.facets == two.facets


def test_a_one_shot_search_of_a_small_index_runs_on_the_collector(seed_index):
    with PassageSearcher(seed_index, preload=False) as one_shot, PassageSearcher(seed_index) as long_lived:
        assert (one_shot.engine, one_shot.executor) == ("whoosh", None)
        for query in ("سوريا", '"وزارة الخارجية"', "بوتين ماكرون", "روس*"):
            got, want = one_shot.search(query), long_lived.search(query)
            assert [h.passage.key for h in got.hits] == [h.passage.key for h in want.hits], query
            assert (got.total, got.facets) == (want.total, want.facets) and got.total > 0, query


def test_an_index_run_imports_no_datasketch_nor_scipy(tmp_path, seed_index):
    """The reposts' signatures and bands are computed in numpy (``indexer.reposts``): datasketch,
    their reference in the tests, pulls in scipy, over a second of every `arsearch index`."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    modules, stdout = loaded_by(tmp_path, "index", "--index", str(index_dir), "--source", str(SEEDS))
    assert "arsearch.indexer.build" in modules and "arsearch.indexer.reposts" in modules  # it did index
    assert loaded_of(modules, ("datasketch", "scipy")) == []
