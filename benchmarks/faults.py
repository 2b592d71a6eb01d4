"""Fault trials: kill -9 during `arsearch index` and `arsearch rebuild`, and every kind of damaged file.

    python -m benchmarks.faults kill --trials 100      # intact / recovered counts, index and rebuild
    python -m benchmarks.faults damage                 # kind → exit code, message (search and index)
    python -m benchmarks.faults fsync --runs 5         # what durable commits cost, as ratios
    python -m benchmarks.faults readers --rebuilds 20  # searches while rebuilds swap generations

A kill trial builds an index of a small corpus, changes the corpus, starts the command in its own
process group and kills it with SIGKILL after a random delay (seeded): the parent only, the whole
group (parent and forked writer) or, in a rebuild, the forked writer only. Then it checks:

* **intact** — the index still opens and answers, with the articles either of before or of after
  the change (never a mix, never fewer), and the write lock is free within a second;
* **recovered** — running the same command again succeeds and leaves exactly the articles and
  passages that a clean build of the changed corpus has, with no leftover generation or temp file.

Rebuilds are forced onto two processes (the forked writer is what a parent-only kill orphans), by
lowering ``PARALLEL_MIN_BYTES`` in the killed process only. The damage table breaks each file kind
the index has and runs `search` and `index` on it; `rebuild` must then repair it.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from arsearch.indexer.build import rebuild_index
from arsearch.indexer.store import CURRENT, GAZETTEER, MANIFEST, MARKER, current_generation, open_index, writer_lock

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: The killed command: the CLI, with rebuilds forced onto two processes.
RUNNER = (
    "import sys; from arsearch.indexer import parallel; parallel.PARALLEL_MIN_BYTES = 1; "
    "from arsearch.cli.main import cli; sys.exit(cli())"
)


def make_corpus(folder: Path, articles: int, seed: int, change: int = 0) -> None:
    """``articles`` articles of the seed's paragraphs recombined (seeded), half as .txt files and
    half in one .jsonl file; ``change`` > 0 alters, removes and adds that many articles."""
    paragraphs = [p for p in next(SEEDS.glob("*.txt")).read_text("utf-8").splitlines() if p.strip()]
    rng = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ids = list(range(articles + change))
    removed = set(range(change))  # the first ``change`` go, ``change`` new ones come
    lines = []
    for i in ids:
        if change and i in removed:
            continue
        body = rng.sample(paragraphs, 6)
        if change and i < 2 * change:  # changed
            body = body[::-1]
        if i % 2:
            lines.append(json.dumps({"id": f"j{i}", "title": f"مقال {i}", "text": "\n".join(body)}, ensure_ascii=False))
        else:
            (folder / f"a{i:04d}.txt").write_text("\n".join(body) + "\n", "utf-8")
    (folder / "more.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


def index_state(index_dir: Path) -> tuple[dict, int]:
    """The articles (id → hash) and passage count the index answers with."""
    with open_index(index_dir, preload=False) as opened, opened.whoosh.searcher() as s:
        return dict(opened.manifest.articles), s.doc_count()


def lock_is_free(index_dir: Path) -> bool:
    try:
        with writer_lock(index_dir, timeout=1.0):
            return True
    except Exception:
        return False


def leftovers(index_dir: Path) -> list[str]:
    """What a finished writer should never leave: extra generations, temp files."""
    current = current_generation(index_dir)
    extra = [p.name for p in index_dir.iterdir() if p.is_dir() and p != current]
    extra += [p.name for p in index_dir.iterdir() if p.name.endswith(".tmp")]
    extra += [p.name for p in current.iterdir() if p.name.endswith(".tmp") or ".toc." in p.name]
    return extra


def kill_trial(work: Path, command: str, delay: float, target: str) -> tuple[bool, bool, str]:
    """One trial on the prepared ``work`` folder: (intact, recovered, what was killed when)."""
    src, index_dir = work / "changed", work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    shutil.copytree(work / "pristine", index_dir)
    before, after = json.loads((work / "states.json").read_text())
    before, after = (before[0], before[1]), (after[0], after[1])
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, command, "--source", str(src), "--index", str(index_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        if target == "group":
            os.killpg(proc.pid, signal.SIGKILL)
        elif target == "writer":
            children = _children(proc.pid)
            os.kill(children[0] if children else proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        intact = index_state(index_dir) in (before, after) and lock_is_free(index_dir)
    except Exception:
        intact = False
    rerun = subprocess.run(
        [sys.executable, "-m", "arsearch", command, "--source", str(src), "--index", str(index_dir)],
        capture_output=True, text=True,
    )
    try:
        recovered = rerun.returncode == 0 and index_state(index_dir) == after and not leftovers(index_dir)
    except Exception:
        recovered = False
    return intact, recovered, f"{target} at {delay:.2f}s" + (" (had finished)" if finished else "")


def prepare(work: Path, seed: int) -> None:
    """A pristine index of one corpus, the changed corpus, and both expected states."""
    make_corpus(work / "src", 60, seed=seed)
    rebuild_index(work / "src", work / "pristine")
    make_corpus(work / "changed", 60, seed=seed, change=8)
    rebuild_index(work / "changed", work / "clean")
    states = [index_state(work / "pristine"), index_state(work / "clean")]
    (work / "states.json").write_text(json.dumps(states))


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def run_kill(trials: int, seed: int) -> dict:
    rng = random.Random(seed)
    results = {}
    with tempfile.TemporaryDirectory(prefix="arsearch-trials-") as tmp:
        work = Path(tmp)
        prepare(work, seed)
        for command in ("index", "rebuild"):
            intact = recovered = finished = 0
            failures = []
            targets = ["parent", "group", "writer"] if command == "rebuild" else ["parent", "group"]
            for t in range(trials):
                ok, rec, what = kill_trial(work, command, rng.uniform(0.3, 2.2), rng.choice(targets))
                intact += ok
                recovered += rec
                finished += "had finished" in what
                if not (ok and rec):
                    failures.append(f"trial {t}: {what}: intact={ok} recovered={rec}")
            results[command] = {"trials": trials, "intact": intact, "recovered": recovered,
                                "finished_before_kill": finished, "failures": failures}
    return results


# --- damaged files -------------------------------------------------------------------------------


def _segment(gen: Path) -> Path:
    return max(gen.glob("*.seg"), key=lambda p: p.stat().st_size)


def _flip(path: Path, where: float) -> None:
    data = bytearray(path.read_bytes())
    for i in range(int(len(data) * where), min(len(data), int(len(data) * where) + 64)):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


#: How each kind of file the index has gets damaged: kind → function(index_dir).
DAMAGES = {
    "segment emptied": lambda ix, gen: _segment(gen).write_bytes(b""),
    "segment deleted": lambda ix, gen: _segment(gen).unlink(),
    "segment truncated to half": lambda ix, gen: _segment(gen).write_bytes(_segment(gen).read_bytes()[: _segment(gen).stat().st_size // 2]),
    "segment bit-flipped (start)": lambda ix, gen: _flip(_segment(gen), 0.0),
    "segment bit-flipped (middle)": lambda ix, gen: _flip(_segment(gen), 0.5),
    "segment bit-flipped (end)": lambda ix, gen: _flip(_segment(gen), 0.999),
    "TOC emptied": lambda ix, gen: next(gen.glob("_MAIN_*.toc")).write_bytes(b""),
    "TOC bit-flipped": lambda ix, gen: _flip(next(gen.glob("_MAIN_*.toc")), 0.5),
    "TOC deleted": lambda ix, gen: next(gen.glob("_MAIN_*.toc")).unlink(),
    "CURRENT not UTF-8": lambda ix, gen: (ix / CURRENT).write_bytes(b"\xff\xfe\x00gen"),
    "CURRENT names a missing folder": lambda ix, gen: (ix / CURRENT).write_text("gen-nothing-here"),
    "CURRENT emptied": lambda ix, gen: (ix / CURRENT).write_text(""),
    "manifest not JSON": lambda ix, gen: (gen / MANIFEST).write_text("{not json"),
    "manifest with a wrong type": lambda ix, gen: (gen / MANIFEST).write_text(
        json.dumps({**json.loads((gen / MANIFEST).read_text("utf-8")), "articles": ["x"]})
    ),
    "manifest deleted": lambda ix, gen: (gen / MANIFEST).unlink(),
    "gazetteer not JSON": lambda ix, gen: (gen / GAZETTEER).write_text("[1, 2"),
    "gazetteer deleted": lambda ix, gen: (gen / GAZETTEER).unlink(),
    "generation marker deleted": lambda ix, gen: (gen / MARKER).unlink(),
}


def damage_case(work: Path, kind: str) -> dict:
    """Damage one file kind, then run search, index and rebuild: their exit codes and messages."""
    src, index_dir = work / "src", work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    if not src.exists():
        make_corpus(src, 30, seed=1)
    rebuild_index(src, index_dir)
    DAMAGES[kind](index_dir, current_generation(index_dir))
    row = {"kind": kind}
    for command, extra in (("search", ["سورية", "--json"]), ("index", []), ("rebuild", []), ("after", ["سورية", "--json"])):
        name = "search" if command == "after" else command
        run = subprocess.run(
            [sys.executable, "-m", "arsearch", name, *extra, "--source", str(src), "--index", str(index_dir)],
            capture_output=True, text=True,
        )
        lines = run.stderr.strip().splitlines()
        row[command] = {"exit": run.returncode, "stderr": lines[-1] if lines else "",
                        "traceback": "Traceback" in run.stderr}
    return row


def run_damage() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="arsearch-damage-") as tmp:
        return [damage_case(Path(tmp), kind) for kind in DAMAGES]


def run_fsync_cost(runs: int, articles: int) -> dict:
    """What durable commits cost: rebuild and one-article update times with fsync, and with fsync
    turned into a no-op, interleaved in the same run; ratios per pair."""
    import statistics
    from unittest import mock

    from arsearch.indexer.build import update_index

    ratios: dict[str, list[float]] = {"rebuild": [], "update": []}
    with tempfile.TemporaryDirectory(prefix="arsearch-fsync-") as tmp:
        src = Path(tmp) / "src"
        make_corpus(src, articles, seed=5)
        for run in range(runs):
            times = {}
            for synced in ((True, False) if run % 2 else (False, True)):
                with mock.patch("os.fsync", os.fsync if synced else (lambda fd: None)):
                    index_dir = Path(tmp) / f"ix-{synced}"
                    shutil.rmtree(index_dir, ignore_errors=True)
                    started = time.perf_counter()
                    rebuild_index(src, index_dir)
                    times[("rebuild", synced)] = time.perf_counter() - started
                    (src / f"new{run}-{synced}.txt").write_text("خبر جديد عن سورية", "utf-8")
                    started = time.perf_counter()
                    update_index(index_dir, src)
                    times[("update", synced)] = time.perf_counter() - started
                    (src / f"new{run}-{synced}.txt").unlink()
            for kind in ratios:
                ratios[kind].append(times[(kind, True)] / times[(kind, False)])
    return {k: (statistics.median(v), min(v), max(v)) for k, v in ratios.items()}


def run_readers(rebuilds: int, articles: int) -> dict:
    """Searches from a long-lived searcher (as ``serve`` keeps one, reopened when CURRENT moves) and
    from one-shot searchers (as the CLI opens them), in threads, while ``rebuilds`` rebuilds swap
    generations under them. Every exception a search raises is an error."""
    import threading

    from arsearch.search import PassageSearcher

    counts = {"long-lived": 0, "one-shot": 0}
    errors: list[str] = []
    done = threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        src, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
        make_corpus(src, articles, seed=1)
        rebuild_index(src, index_dir)

        def long_lived():
            searcher = PassageSearcher(index_dir)
            try:
                while not done.is_set():
                    try:
                        if searcher.index.generation != current_generation(index_dir):
                            searcher.close()
                            searcher = PassageSearcher(index_dir)
                        searcher.search("سورية")
                        counts["long-lived"] += 1
                    except Exception as e:  # noqa: BLE001 - every failure counts
                        errors.append(f"long-lived: {e!r}")
            finally:
                searcher.close()

        def one_shot():
            while not done.is_set():
                try:
                    with PassageSearcher(index_dir, preload=False) as searcher:
                        searcher.search("سورية")
                    counts["one-shot"] += 1
                except Exception as e:  # noqa: BLE001 - every failure counts
                    errors.append(f"one-shot: {e!r}")

        threads = [threading.Thread(target=f) for f in (long_lived, one_shot)]
        for t in threads:
            t.start()
        try:
            for _ in range(rebuilds):
                rebuild_index(src, index_dir)
        finally:
            done.set()
            for t in threads:
                t.join()
    return {"rebuilds": rebuilds, "searches": counts, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    kill = sub.add_parser("kill", help="kill -9 trials during index and rebuild")
    kill.add_argument("--trials", type=int, default=100)
    kill.add_argument("--seed", type=int, default=1)
    sub.add_parser("damage", help="the damaged-file table")
    fsync = sub.add_parser("fsync", help="what durable commits cost (fsync on / off, interleaved)")
    fsync.add_argument("--runs", type=int, default=5)
    fsync.add_argument("--articles", type=int, default=400)
    readers = sub.add_parser("readers", help="searches while rebuilds swap generations")
    readers.add_argument("--rebuilds", type=int, default=20)
    readers.add_argument("--articles", type=int, default=60)
    args = parser.parse_args()
    if args.what == "readers":
        r = run_readers(args.rebuilds, args.articles)
        searches = ", ".join(f"{n} {kind}" for kind, n in r["searches"].items())
        print(f"{r['rebuilds']} rebuilds: searches {searches}; errors {len(r['errors'])}")
        for e in r["errors"][:20]:
            print("   ", e)
        return
    if args.what == "fsync":
        for kind, (median, low, high) in run_fsync_cost(args.runs, args.articles).items():
            print(f"{kind:8} with fsync / without: median {median:.2f}× (min {low:.2f}, max {high:.2f}), {args.runs} pairs")
        return
    if args.what == "kill":
        results = run_kill(args.trials, args.seed)
        for command, r in results.items():
            print(f"{command:8} {r['trials']} trials: intact {r['intact']}, recovered {r['recovered']}"
                  f" ({r['finished_before_kill']} had finished before the kill)")
            for f in r["failures"]:
                print("   ", f)
    else:
        print("| damaged | search: exit, message | index: exit | rebuild: exit | search after rebuild |")
        print("|---|---|---|---|---|")
        for row in run_damage():
            s, i, r, a = row["search"], row["index"], row["rebuild"], row["after"]
            tb = " **traceback**" if any(row[c]["traceback"] for c in ("search", "index", "rebuild")) else ""
            print(f"| {row['kind']} | {s['exit']}: {s['stderr']} | {i['exit']} | {r['exit']} | {a['exit']}{tb} |")


if __name__ == "__main__":
    main()
