"""Lose nothing, fail honestly: what cannot be read is kept, bad records are skipped, damaged files
and OS errors are one-line messages (exit 2), bugs exit 3, readers keep their generation, writers
clean up after themselves and after killed writers."""

import errno
import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from arsearch.cli.main import cli
from arsearch.indexer import durable, parallel, store
from arsearch.indexer.build import rebuild_index, update_index
from arsearch.indexer.corpus import ReadReport, read_articles
from arsearch.indexer.errors import CorpusError, DiskFullError
from arsearch.indexer.store import CURRENT, current_generation, open_index, writer_lock
from arsearch.search import PassageSearcher
from click.testing import CliRunner

from benchmarks import faults

from .conftest import SEEDS, env_without_index

PARAGRAPHS = [p for p in next(SEEDS.glob("*.txt")).read_text("utf-8").splitlines() if p.strip()]


def _cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _articles(index_dir) -> dict:
    with open_index(index_dir, preload=False) as opened:
        return dict(opened.manifest.articles)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """Three .txt articles in two sub-folders and a .jsonl file of two (real Arabic paragraphs),
    and their index: built once, copied for each test that changes or breaks them."""
    root = tmp_path_factory.mktemp("pristine")
    src = root / "corpus"
    for i, folder in enumerate(["algeria", "algeria", "gulf"]):
        (src / folder).mkdir(parents=True, exist_ok=True)
        (src / folder / f"a{i}.txt").write_text("\n".join(PARAGRAPHS[i * 3 : i * 3 + 3]), "utf-8")
    lines = [json.dumps({"id": f"j{i}", "text": PARAGRAPHS[9 + i]}, ensure_ascii=False) for i in range(2)]
    (src / "wire.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    time.sleep(0.01)
    rebuild_index(src, root / "index")
    return root


@pytest.fixture
def corpus(pristine, tmp_path):
    return Path(shutil.copytree(pristine / "corpus", tmp_path / "corpus", copy_function=shutil.copy2))


@pytest.fixture
def indexed(pristine, corpus, tmp_path):
    """The corpus and a private copy of its index (the manifest names the pristine corpus folder,
    so updates pass --source)."""
    return corpus, Path(shutil.copytree(pristine / "index", tmp_path / "index"))


# --- §1 never delete on doubt --------------------------------------------------------------------


def test_an_emptied_corpus_folder_is_an_error_and_keeps_every_article(indexed):
    corpus, index_dir = indexed
    before = _articles(index_dir)
    for p in sorted(corpus.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    result = _cli("index", "--source", corpus, "--index", index_dir)
    assert result.exit_code == 2
    assert "holds no corpus file" in result.stderr and "not changed" in result.stderr
    assert _articles(index_dir) == before


def test_an_unreadable_folder_keeps_its_articles(indexed, monkeypatch):
    corpus, index_dir = indexed
    before = _articles(index_dir)
    (corpus / "gulf" / "a2.txt").write_text(PARAGRAPHS[12], "utf-8")  # a change elsewhere still lands
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == corpus / "algeria":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = update_index(index_dir, corpus)
    assert (report.removed, report.kept, report.changed) == (0, 2, 1)
    assert "algeria/" in report.read.unread
    after = _articles(index_dir)
    assert set(after) == set(before) and after["algeria/a0"] == before["algeria/a0"]
    monkeypatch.undo()
    again = update_index(index_dir, corpus)  # readable again: nothing to redo, nothing lost
    assert (again.removed, again.added, again.kept) == (0, 0, 0)


def test_an_unreadable_or_undecodable_changed_file_keeps_its_articles(indexed, monkeypatch):
    corpus, index_dir = indexed
    (corpus / "algeria" / "a0.txt").write_bytes("سورية".encode("cp1256"))  # not UTF-8 any more
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == "wire.jsonl":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read(self)

    (corpus / "wire.jsonl").touch()
    os.utime(corpus / "wire.jsonl", ns=(1, 1))  # changed stat: it must be read again
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = _cli("index", "--source", corpus, "--index", index_dir)
    assert result.exit_code == 0, result.stderr
    assert "not UTF-8" in result.stderr and "wire.jsonl: cannot be read (Permission denied)" in result.stderr
    assert "0 removed" in result.stdout and "3 kept because their files could not be read" in result.stdout
    assert {"algeria/a0", "j0", "j1"} <= set(_articles(index_dir))


def test_a_deleted_file_in_a_readable_folder_is_removed(indexed):
    corpus, index_dir = indexed
    (corpus / "gulf" / "a2.txt").unlink()
    report = update_index(index_dir, corpus)
    assert (report.removed, report.kept) == (1, 0)
    assert "gulf/a2" not in _articles(index_dir)


def test_missing_current_points_again_at_the_last_generation_not_at_the_default_corpus(indexed, monkeypatch, tmp_path):
    corpus, index_dir = indexed
    before = _articles(index_dir)
    gen = current_generation(index_dir)
    (index_dir / CURRENT).unlink()
    monkeypatch.chdir(tmp_path)  # ./seeds does not exist here; the manifest's corpus is used
    result = _cli("index", "--index", index_dir)
    assert result.exit_code == 0, result.stderr
    assert f"pointed it again at {gen.name}" in result.stderr and "0 added" in result.stdout
    assert current_generation(index_dir) == gen and _articles(index_dir) == before


# --- §2 one bad record, not a failed run ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "why"),
    [
        pytest.param('{"id": "s", "text": "سورية \\ud800"}', "lone surrogate", id="lone-surrogate"),
        pytest.param('{"text": "سورية", "title": "\\udfff"}', "lone surrogate", id="surrogate-in-title"),
        pytest.param("[" * 5000 + "]" * 5000, "nested too deeply", id="deep-nesting"),
        pytest.param('{"text": ' + "[" * 3000 + "]" * 3000 + "}", "nested too deeply", id="deep-in-text"),
        pytest.param('{"text": "سورية", "title": {"ar": "x"}}', '"title" is a JSON dict', id="title-object"),
        pytest.param('{"text": ["سورية"]}', 'no "text" string', id="text-list"),
        pytest.param('["سورية"]', "not an object", id="array-line"),
        pytest.param('{"text": "سورية"', "not valid JSON", id="truncated"),
    ],
)
def test_a_bad_jsonl_line_is_skipped_with_its_file_and_line(tmp_path, line, why):
    src = tmp_path / "src"
    src.mkdir()
    good = json.dumps({"id": "ok", "text": PARAGRAPHS[0]}, ensure_ascii=False)
    (src / "news.jsonl").write_text(f"{good}\n{line}\n{good.replace('ok', 'ok2')}\n", "utf-8")
    report = rebuild_index(src, tmp_path / "index")
    assert report.added == 2
    (warning,) = report.read.warnings
    assert warning.startswith("news.jsonl:2: ") and why in warning


def test_read_report_marks_a_file_with_a_skipped_line_as_not_read_in_full(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "سورية \\ud800"}\n{"text": "روسيا"}\n', "utf-8")
    report = ReadReport()
    assert [a.paragraphs for a in read_articles(tmp_path, report)] == [("روسيا",)]
    assert report.unread == ["a.jsonl"]


# --- §3 damaged files, OS errors, internal errors ------------------------------------------------

#: Every damaged-file kind that a command is sure to read (a flipped byte in a region no command
#: reads cannot be seen without checksums, which Whoosh's format has not; see benchmarks/faults.py).
DETECTED = [k for k in faults.DAMAGES if k not in ("segment bit-flipped (middle)", "generation marker deleted")]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # Whoosh leaves damaged files open
@pytest.mark.parametrize("kind", DETECTED)
def test_each_damaged_file_gives_the_rebuild_message_and_rebuild_repairs_it(indexed, kind):
    corpus, index_dir = indexed
    faults.DAMAGES[kind](index_dir, current_generation(index_dir))
    for command in (["search", "سورية"], ["index"]):
        corpus_option = "--corpus" if command[0] == "search" else "--source"
        result = _cli(*command, corpus_option, corpus, "--index", index_dir)
        assert result.exit_code == 2, (command, result.stderr, result.exception)
        assert "run `arsearch rebuild`" in result.stderr and len(result.stderr.splitlines()) == 1
    assert _cli("rebuild", "--source", corpus, "--index", index_dir).exit_code == 0
    assert len(_articles(index_dir)) == 5  # repaired
    gc.collect()  # the files Whoosh left open go now, under this test's filter, not in a later test


def test_index_under_a_regular_file_is_one_line_naming_the_path(tmp_path, corpus):
    (tmp_path / "plain").write_text("x")
    for command in ("rebuild", "index", "search"):
        corpus_option = "--corpus" if command == "search" else "--source"
        result = _cli(command, *(["سورية"] if command == "search" else []), corpus_option, corpus, "--index", tmp_path / "plain" / "ix")
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: cannot use ") and "plain" in result.stderr
        assert "Not a directory" in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_unwritable_index_folder_is_one_line_naming_the_path(indexed, monkeypatch):
    corpus, index_dir = indexed
    real_mkdir = Path.mkdir

    def mkdir(self, *a, **k):
        if self.name.startswith("gen-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = _cli("rebuild", "--source", corpus, "--index", index_dir)
    assert result.exit_code == 2
    assert f"Error: cannot use {index_dir}/gen-" in result.stderr and "Permission denied; check its permissions" in result.stderr


def test_an_internal_error_exits_3_with_a_report(indexed, monkeypatch):
    corpus, index_dir = indexed

    def broken(*a, **k):
        return 1 / 0

    monkeypatch.setattr("arsearch.indexer.build.update_index", broken)  # the command imports it when run
    result = _cli("index", "--index", index_dir)
    assert result.exit_code == 3
    assert "internal error (ZeroDivisionError: division by zero)" in result.stderr and "Traceback" not in result.stderr
    report = Path(result.stderr.split("the full report is in ")[1].split(". Please")[0])
    assert "ZeroDivisionError" in report.read_text("utf-8") and "broken" in report.read_text("utf-8")
    report.unlink()
    debug = _cli("--debug", "index", "--index", index_dir)
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


# --- issue 10 §3: readers keep their generation --------------------------------------------------


@pytest.mark.parametrize("preload", [True, False], ids=["preloaded", "lazy"])
def test_a_searcher_opened_before_a_rebuild_still_answers_after_the_swap(indexed, preload):
    corpus, index_dir = indexed
    searcher = PassageSearcher(index_dir, preload=preload)
    keys = [h.passage.key for h in searcher.search("سورية", limit=50).hits]
    held = searcher.index.generation
    report = rebuild_index(corpus, index_dir)
    assert any("a reader still has it open" in n for n in report.notes)
    assert held.is_dir() and current_generation(index_dir) != held
    assert [h.passage.key for h in searcher.search("سورية", limit=50).hits] == keys
    assert searcher.passage(keys[0], 1)
    searcher.close()
    rebuild_index(corpus, index_dir)  # released: now it goes
    assert not held.exists()


def test_searches_during_a_rebuild_loop_never_fail(indexed):
    corpus, index_dir = indexed
    errors, done = [], threading.Event()

    def search_loop():
        while not done.is_set():
            try:
                with PassageSearcher(index_dir, preload=False) as s:
                    assert s.search("سورية").total > 0
            except Exception as e:  # noqa: BLE001 - every failure counts
                errors.append(repr(e))

    threads = [threading.Thread(target=search_loop) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in range(2):
        rebuild_index(corpus, index_dir)
    done.set()
    for t in threads:
        t.join()
    assert errors == []


# --- issue 10 §5 only delete what we made; §4 disk full ------------------------------------------


def test_a_users_gen_folder_is_never_deleted(indexed):
    corpus, index_dir = indexed
    mine = index_dir / "gen-my-notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("لا تحذف")
    rebuild_index(corpus, index_dir)
    update_index(index_dir, corpus)
    assert (mine / "notes.txt").read_text() == "لا تحذف"


def test_leftovers_of_killed_writers_are_removed_at_the_next_start_and_reported(indexed):
    corpus, index_dir = indexed
    gen = current_generation(index_dir)
    half = store.new_generation(index_dir)  # a rebuild killed before it published
    (half / "MAIN_abc.seg").write_bytes(b"partial")
    (index_dir / ".CURRENT.999.tmp").write_text("gen-x")
    (gen / ".arsearch.json.999.tmp").write_text("{")
    (gen / "MAIN.tmp").mkdir()
    (gen / "_MAIN_99.toc.1733000000.5").write_bytes(b"toc")
    (gen / "MAIN_zzzzzzzz.seg").write_bytes(b"an uncommitted segment")
    report = update_index(index_dir, corpus)
    removed = " ".join(report.notes)
    for name in (half.name, ".CURRENT.999.tmp", ".arsearch.json.999.tmp", "MAIN.tmp", "_MAIN_99.toc", "MAIN_zzzzzzzz.seg"):
        assert name in removed
    assert not half.exists() and not (gen / "MAIN.tmp").exists() and not (gen / "MAIN_zzzzzzzz.seg").exists()
    assert _cli("search", "سورية", "--index", index_dir).exit_code == 0


def test_a_no_op_update_leaves_no_file_in_the_generation(indexed):
    corpus, index_dir = indexed
    update_index(index_dir, corpus)  # the first run may record file stats
    gen = current_generation(index_dir)
    before = sorted(p.name for p in gen.iterdir())
    report = update_index(index_dir, corpus)
    assert (report.added, report.changed, report.removed) == (0, 0, 0)
    assert sorted(p.name for p in gen.iterdir()) == before


def _enospc(*a, **k):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_during_a_rebuild_names_the_folder_and_keeps_the_index(indexed, monkeypatch):
    corpus, index_dir = indexed
    before, gen = _articles(index_dir), current_generation(index_dir)
    monkeypatch.setattr(store.DurableStorage, "rename_file", _enospc)  # the Whoosh commit
    result = _cli("rebuild", "--source", corpus, "--index", index_dir)
    assert result.exit_code == 2
    assert f"no space left on the device of {index_dir}: writing this index needs about" in result.stderr
    assert "MB were free" in result.stderr and "previous index is unchanged" in result.stderr
    assert current_generation(index_dir) == gen and _articles(index_dir) == before
    assert [p for p in index_dir.iterdir() if p.is_dir()] == [gen]  # the partial one is gone


def test_disk_full_during_an_update_keeps_the_generation_as_it_was(indexed, monkeypatch):
    corpus, index_dir = indexed
    gen = current_generation(index_dir)
    files = sorted(p.name for p in gen.iterdir())
    (corpus / "gulf" / "new.txt").write_text(PARAGRAPHS[11], "utf-8")
    monkeypatch.setattr(store.DurableStorage, "rename_file", _enospc)
    with pytest.raises(DiskFullError, match="previous index is unchanged"):
        update_index(index_dir, corpus)
    assert sorted(p.name for p in gen.iterdir()) == files
    monkeypatch.undo()
    assert update_index(index_dir, corpus).added == 1


def test_a_forked_writer_out_of_space_is_the_same_message(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr("whoosh.writing.SegmentWriter._finalize_segment", _enospc)  # in the child, and here
    with pytest.raises(DiskFullError, match="no space left on the device"):
        rebuild_index(corpus, tmp_path / "index")
    assert [p.name for p in (tmp_path / "index").iterdir() if p.is_dir()] == []


# --- §4 durable commits --------------------------------------------------------------------------


def test_a_generation_is_synced_before_current_moves_and_the_folder_after(corpus, tmp_path, monkeypatch):
    calls = []
    real_sync, real_dir = durable.sync_folder, durable.fsync_dir
    monkeypatch.setattr(store, "sync_folder", lambda p: (calls.append(("files", Path(p).name)), real_sync(p)))
    monkeypatch.setattr(durable, "fsync_dir", lambda p: (calls.append(("dir", Path(p).name)), real_dir(p)))
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append(("replace", Path(b).name)), real_replace(a, b)))
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir)
    gen = current_generation(index_dir).name
    moved = calls.index(("replace", CURRENT))
    assert ("files", gen) in calls[:moved] and ("dir", "index") in calls[moved:]


# --- §5 writers clean up after themselves --------------------------------------------------------


def _big_corpus(folder: Path, articles: int) -> None:
    faults.make_corpus(folder, articles, seed=3)


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_sigterm_cleans_up_like_ctrl_c(tmp_path):
    src, index_dir = tmp_path / "src", tmp_path / "index"
    _big_corpus(src, 400)
    proc = subprocess.Popen(
        [sys.executable, "-m", "arsearch", "rebuild", "--source", src, "--index", index_dir],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert _wait_for(lambda: any(p.is_dir() for p in index_dir.glob("gen-*")))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143 and "Interrupted" in err and "Traceback" not in err
    assert not any(p.is_dir() for p in index_dir.iterdir())  # the partial generation was removed


def test_killing_only_the_parent_frees_the_lock_within_a_second(tmp_path):
    src, index_dir = tmp_path / "src", tmp_path / "index"
    _big_corpus(src, 400)
    proc = subprocess.Popen(
        [sys.executable, "-c", faults.RUNNER, "rebuild", "--source", src, "--index", index_dir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    assert _wait_for(lambda: faults._children(proc.pid)), "the rebuild should fork a writer"
    (child,) = faults._children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    started = time.monotonic()
    with writer_lock(index_dir, timeout=1.0):
        pass
    assert time.monotonic() - started < 1.0
    assert _wait_for(lambda: not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2], 1.0)


def test_two_first_uses_at_once_build_the_index_once(tmp_path, corpus):
    index_dir = tmp_path / "index"  # the default index of a command run in tmp_path
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "arsearch", "search", "سورية", "--corpus", corpus],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env_without_index(),
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert sum("rebuilt" in err for _, err in outs) == 1
    assert len([p for p in index_dir.iterdir() if p.is_dir()]) == 1


# --- issue 10 §6: the lock library and the one-process fallback ----------------------------------


def test_without_fork_a_rebuild_runs_in_one_process_and_builds_the_same(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    assert parallel.split_points(corpus)
    forked = rebuild_index(corpus, tmp_path / "forked")
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert parallel.split_points(corpus) == []
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda *a: pytest.fail("must not fork"))
    single = rebuild_index(corpus, tmp_path / "single")
    assert (single.passages, single.added) == (forked.passages, forked.added)
    assert _articles(tmp_path / "single") == _articles(tmp_path / "forked")


def test_the_write_lock_excludes_another_process(indexed):
    _, index_dir = indexed
    code = (
        "import sys; from pathlib import Path; from arsearch.indexer.store import writer_lock\n"
        "from arsearch.indexer.errors import IndexLockedError\n"
        "try:\n    with writer_lock(Path(sys.argv[1]), 0.2): print('got it')\n"
        "except IndexLockedError: print('locked')\n"
    )
    with writer_lock(index_dir, timeout=0):
        held = subprocess.run([sys.executable, "-c", code, index_dir], capture_output=True, text=True)
    assert held.stdout.strip() == "locked"
    with writer_lock(index_dir, timeout=0):  # and it was released when that process ended
        pass


def test_a_missing_corpus_folder_fails_before_a_generation_is_made(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        rebuild_index(tmp_path / "nothing", tmp_path / "index")
    assert not (tmp_path / "index").exists() or not any(store.is_generation(p) for p in (tmp_path / "index").iterdir())


# --- the kill -9 trials, a few of them (python -m benchmarks.faults kill --trials 100 runs them all) ---


@pytest.fixture(scope="module")
def trials_dir(tmp_path_factory):
    work = tmp_path_factory.mktemp("trials")
    faults.prepare(work, seed=7)
    return work


@pytest.mark.parametrize(
    ("command", "target", "delay"),
    [("index", "group", 0.8), ("rebuild", "parent", 1.0)],
)
def test_kill_9_trial_leaves_the_index_intact_and_the_next_run_recovers(trials_dir, command, target, delay):
    intact, recovered, what = faults.kill_trial(trials_dir, command, delay, target)
    assert (intact, recovered) == (True, True), what


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_wide_unicode_text_is_converted_and_garbage_after_its_mark_is_not(tmp_path, encoding):
    (tmp_path / "a.txt").write_bytes("سورية وروسيا".encode(encoding))  # with its byte-order mark
    (tmp_path / "b.txt").write_bytes("سورية".encode(encoding)[:4] + b"\x00garbage\x01\x02" * 3)
    report = ReadReport()
    (article,) = read_articles(tmp_path, report)
    assert article.paragraphs == ("سورية وروسيا",)
    assert report.converted == [f"a.txt ({encoding.upper()})"]
    (warning,) = report.warnings
    assert warning.startswith(f"b.txt: starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()} text")


def test_output_to_a_full_device_is_one_line_and_exit_2(seed_index):
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "arsearch", "search", "سورية", "--json", "--index", seed_index],
            stdout=full, stderr=subprocess.PIPE, text=True,
        )
    assert run.returncode == 2
    assert run.stderr == "Error: operating-system error: No space left on device; the device is full; free some space and run it again\n"


def test_a_generation_from_before_markers_is_recognised_by_its_manifest_and_removed(indexed):
    corpus, index_dir = indexed
    old = current_generation(index_dir)
    (old / ".arsearch-generation").unlink()  # as written by an arsearch without markers
    assert store.is_generation(old)
    rebuild_index(corpus, index_dir)
    assert not old.exists()
