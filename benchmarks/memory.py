"""Peak memory of a rebuild by corpus size: bounded by the writer budget, or growing with the corpus?

Not a test: it prints tables. A 1M rebuild takes most of an hour, so the 1M target (peak ≤ 1 GB)
is judged from what decides it: the peak of the same rebuild on growing prefixes of one corpus (its
first files), in one process and in two (``ARSEARCH_REBUILD_PROCS``), each a child process measured
by ``benchmarks.speed.run_build`` (largest resident size of the process and its children, sampled
every 50 ms). A straight line through the peaks (least squares) gives what grows per passage, and
its value at 1M passages; the build's own writer budget (``ARSEARCH_WRITER_MB``) does not grow.

``--attribute`` says what grows: a one-process rebuild under ``tracemalloc`` in a child process,
a snapshot of everything still allocated when the stories are grouped (after the commit: what the
build kept for the whole corpus, the writer's buffers gone), summed by the module that allocated
it, at each size; and the stories step's own transient peak on top of that. The difference between
sizes, per passage, is what a 1M rebuild adds per passage.

    python -m benchmarks.memory --size 100k --files 1,3,0 --work DIR              # 10k, 30k, 100k passages
    python -m benchmarks.memory --size 100k --articles 25,75 --attribute --work DIR   # which structures grow
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from benchmarks.corpus import build_corpus
from benchmarks.rebuild import environment, subset
from benchmarks.speed import run_build, tree_pids

#: Where the line through the peaks is read off: the issue's target size.
TARGET_PASSAGES = 1_000_000
TARGET_MB = 1024
#: Modules listed by the attribution (the rest is summed as "other").
TOP_MODULES = 12


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares line through the points: (intercept, slope)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - slope * mx, slope


def peak_at(timeline: list[tuple[float, int]]) -> float:
    """Where the peak falls, as a fraction of the build's wall time (1.0: its last sample)."""
    if not timeline:
        return 0.0
    end = timeline[-1][0] or 1.0
    t, _ = max(timeline, key=lambda s: s[1])
    return t / end


def tree_memory(pid: int) -> dict[str, int]:
    """Bytes of a process tree now: resident (``VmRSS`` summed, what ``benchmarks.speed`` reports:
    pages a forked child shares with its parent count twice, and so do mapped index files), its
    proportional share (``Pss``: shared pages split between the processes sharing them), and the
    anonymous part of that (``Pss_Anon``: the heap, which the kernel cannot drop; file-backed pages,
    the index files mapped for reading, it can)."""
    out = dict.fromkeys(KEYS, 0)
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    name, _, rest = line.partition(":")
                    if name in ROLLUP:
                        out[ROLLUP[name]] += int(rest.split()[0]) * 1024
        except (FileNotFoundError, ProcessLookupError, ValueError, PermissionError):
            continue
    return out


#: What ``tree_memory`` reports, from which line of ``smaps_rollup``.
ROLLUP = {"Rss": "rss", "Pss": "pss", "Pss_Anon": "anon"}
KEYS = tuple(ROLLUP.values())


def measure(source: Path, procs: int, work: Path) -> dict:
    timeline: list = []
    with environment({"ARSEARCH_REBUILD_PROCS": str(procs)}):
        r = run_build("arsearch", source, work / "index", timeline, tree_memory)
    for key in KEYS:
        series = [(t, m[key]) for t, m in timeline]
        r[f"{key}_mb"] = max((m for _, m in series), default=0) / 2**20
        r[f"{key}_at"] = peak_at(series)
    return r


def _module_name(filename: str) -> str:
    """A file as a reader knows it: relative to this repository, to site-packages, or to the stdlib."""
    if "/site-packages/" in filename:
        return filename.split("/site-packages/")[-1]
    root = str(Path(__file__).resolve().parent.parent) + "/"
    if filename.startswith(root):
        return filename[len(root):]
    return re.split(r"/lib/python3\.\d+/", filename)[-1]


def traced_build(source: Path, out: Path) -> dict:
    """A one-process rebuild under tracemalloc: bytes still allocated per module when the stories are
    grouped, and the stories step's peak above that (run in a fresh child: ``--trace``)."""
    from arsearch.indexer import build, parallel

    parallel.PARALLEL_MIN_BYTES = float("inf")
    result: dict = {}
    write_stories = build.write_stories

    def traced_write_stories(*args, **kw):
        snapshot = tracemalloc.take_snapshot()
        by_module: dict[str, int] = {}
        for stat in snapshot.statistics("filename"):
            name = _module_name(stat.traceback[0].filename)
            by_module[name] = by_module.get(name, 0) + stat.size
        result["alive"] = by_module
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        try:
            return write_stories(*args, **kw)
        finally:
            result["stories_peak"] = tracemalloc.get_traced_memory()[1] - before

    build.write_stories = traced_write_stories
    tracemalloc.start()
    report = build.rebuild_index(source, out)
    result["passages"] = report.passages
    return result


def attribute(source: Path, work: Path) -> dict:
    """The traced build of ``source`` (kept in ``work``: a traced build is slow, a rerun reuses it)."""
    kept = work / f"traced-{source.name}.json"
    if kept.exists():
        return json.loads(kept.read_text("utf-8"))
    proc = subprocess.run([sys.executable, "-m", "benchmarks.memory", "--trace", str(source), str(work / "traced")],
                          capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    kept.write_text(proc.stdout.strip().splitlines()[-1], "utf-8")
    return json.loads(kept.read_text("utf-8"))


def _mb(n: float) -> str:
    return f"{n / 2**20:,.1f}"


def print_attribution(traced: list[dict]) -> None:
    first, last = traced[0], traced[-1]
    grown = last["passages"] - first["passages"]
    modules = sorted(last["alive"], key=lambda m: last["alive"][m] - first["alive"].get(m, 0), reverse=True)
    shown = modules[:TOP_MODULES]
    print("\nStill allocated when the stories are grouped (one process, tracemalloc), MB, by allocating module:\n")
    growth = " | bytes per passage | at 1M, MB" if grown else ""  # one size: no line to draw
    print("| module | " + " | ".join(f"{t['passages']:,} passages" for t in traced) + growth + " |")
    print("|---|" + "---:|" * (len(traced) + (2 if grown else 0)))

    def row(label, values):
        cells = " | ".join(_mb(v) for v in values)
        if not grown:
            print(f"| {label} | {cells} |")
            return
        per = (values[-1] - values[0]) / grown
        print(f"| {label} | {cells} | {per:,.0f} | {_mb(values[0] + per * (TARGET_PASSAGES - first['passages']))} |")

    for m in shown:
        row(f"`{m}`", [t["alive"].get(m, 0) for t in traced])
    row("other", [sum(v for k, v in t["alive"].items() if k not in shown) for t in traced])
    row("**all**", [sum(t["alive"].values()) for t in traced])
    row("stories step's own peak, on top", [t["stories_peak"] for t in traced])


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--trace"]:
        print(json.dumps(traced_build(Path(argv[1]), Path(argv[2]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k", help="the corpus (of benchmarks.corpus) whose first files are built")
    ap.add_argument("--files", default="1,3,0", help="comma-separated prefixes, in files (0: the whole corpus)")
    ap.add_argument("--articles", default="", help="instead of --files: prefixes in articles (200 passages each)")
    ap.add_argument("--procs", default="1,2", help="comma-separated process counts (ARSEARCH_REBUILD_PROCS)")
    ap.add_argument("--attribute", action="store_true", help="instead: what is allocated, by module (tracemalloc)")
    ap.add_argument("--work", type=Path, required=True, help="scratch folder for the corpora's links and indexes")
    args = ap.parse_args(argv)
    source = build_corpus(args.size)
    sources = ([subset(source, 0, int(a), args.work) for a in args.articles.split(",")] if args.articles
               else [subset(source, int(f), 0, args.work) for f in args.files.split(",")])
    log = lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    head = (f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"ARSEARCH_WRITER_MB={os.environ.get('ARSEARCH_WRITER_MB', 'default')}")
    if args.attribute:
        traced = []
        for s in sources:
            log(f"traced one-process rebuild of {s.name} …")
            traced.append(attribute(s, args.work))
        print(f"Memory by module, prefixes of {source.name}, {head}, load average {os.getloadavg()[0]:.1f}:")
        print_attribution(traced)
        return
    procs = [int(p) for p in args.procs.split(",")]
    results: dict[int, list[dict]] = {p: [] for p in procs}
    loads = []
    for s in sources:
        for p in procs:
            log(f"rebuild of {s.name}, {p} process(es) …")
            results[p].append(measure(s, p, args.work))
            loads.append(os.getloadavg()[0])
            r = results[p][-1]
            log(f"{r['passages']:,} passages: peak resident {r['rss_mb']:,.0f} MB, proportional {r['pss_mb']:,.0f}, "
                f"anonymous {r['anon_mb']:,.0f} at {r['anon_at']:.0%} of {r['seconds']:.0f} s")
    print(f"Rebuild peak memory by size, prefixes of {source.name}, one build each, {head}, load average "
          f"{min(loads):.1f}–{max(loads):.1f}. Peaks of the build's process tree in MB: resident (VmRSS summed, "
          "what benchmarks.speed prints), proportional (Pss), anonymous (Pss_Anon, at % of the build's time):\n")
    print("| passages | " + " | ".join(f"{p}p resident | {p}p proportional | {p}p anonymous" for p in procs) + " |")
    print("|---:|" + "---:|---:|---:|" * len(procs))
    for i in range(len(sources)):
        cells = [f"{r['rss_mb']:,.0f} | {r['pss_mb']:,.0f} | {r['anon_mb']:,.0f} ({r['anon_at']:.0%})"
                 for r in (results[p][i] for p in procs)]
        print(f"| {results[procs[0]][i]['passages']:,} | " + " | ".join(cells) + " |")
    print()
    for p in procs:
        xs = [r["passages"] for r in results[p]]
        if len(set(xs)) < 2:  # one size: no line to draw
            continue
        for key, label in (("rss", "resident"), ("anon", "anonymous")):
            intercept, slope = fit(xs, [r[f"{key}_mb"] for r in results[p]])
            at = intercept + slope * TARGET_PASSAGES
            print(f"{p} process{'es' if p > 1 else ''}, {label}: {intercept:,.0f} MB + {slope * 100_000:,.0f} MB per "
                  f"100k passages; on that line 1M passages peak at {at:,.0f} MB "
                  f"({'within' if at <= TARGET_MB else 'over'} {TARGET_MB:,} MB)")


if __name__ == "__main__":
    main()
