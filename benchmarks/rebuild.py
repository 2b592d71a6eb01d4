"""Rebuild throughput per core: arsearch in one process against plain Whoosh in one process, same run.

Not a test: it prints a table. Each run builds, one after the other (interleaved, so that the shared
machine's load falls on all alike), with ``benchmarks.speed.run_build`` (a child process; peak memory
is the largest resident size of it and its children):

* ``arsearch, Whoosh's writer`` — one process, ``ARSEARCH_WRITER=whoosh`` (the reference writer);
* ``arsearch`` — one process, the bulk writer (the default);
* ``arsearch, 2 processes`` — the default parallel rebuild (reported apart: it is not per core);
* ``plain Whoosh`` — one process, ``StandardAnalyzer``, one stored text field (``benchmarks.engines``).

Figures are the median over ``--runs`` runs with the min–max; the ratio to plain Whoosh is taken
within each run, then its median. Passages per CPU second (user + system time of the build and its
children) is the per-core figure that the machine's load disturbs least.

    python -m benchmarks.rebuild --size 100k --files 4 --runs 3   # the first 4 files (~31k passages)
    python -m benchmarks.rebuild --size 100k --articles 15        # the first 15 articles (3,000 passages)
"""

import argparse
import os
import platform
import statistics
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.corpus import CACHE, build_corpus
from benchmarks.speed import run_build

#: label -> (engine, environment)
CONFIGS = {
    "arsearch, Whoosh's writer": ("arsearch", {"ARSEARCH_WRITER": "whoosh", "ARSEARCH_REBUILD_PROCS": "1"}),
    "arsearch": ("arsearch", {"ARSEARCH_WRITER": "bulk", "ARSEARCH_REBUILD_PROCS": "1"}),
    "arsearch, 2 processes": ("arsearch", {"ARSEARCH_WRITER": "bulk", "ARSEARCH_REBUILD_PROCS": "2"}),
    "plain Whoosh": ("whoosh", {}),
}
BASE = "plain Whoosh"


@contextmanager
def environment(values: dict[str, str]):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def subset(source: Path, files: int, articles: int, work: Path) -> Path:
    """The first ``files`` files of a corpus, or its first ``articles`` articles, in a folder of their own."""
    if articles:
        target = work / f"{source.name}-articles{articles}"
        target.mkdir(parents=True, exist_ok=True)
        lines = []
        for f in sorted(source.glob("*.jsonl")):
            lines += f.read_text("utf-8").splitlines()[: articles - len(lines)]
            if len(lines) >= articles:
                break
        (target / "part-00001.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
        return target
    if not files:
        return source
    target = work / f"{source.name}-first{files}"
    target.mkdir(parents=True, exist_ok=True)
    for f in sorted(source.glob("*.jsonl"))[:files]:
        link = target / f.name
        if not link.exists():
            link.symlink_to(f.resolve())
    return target


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--files", type=int, default=0, help="only the corpus's first N files (0: all)")
    ap.add_argument("--articles", type=int, default=0, help="only the corpus's first N articles (0: all)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=CACHE / "rebuild")
    ap.add_argument("--only", default="", help="labels to run, separated by ; (default: all)")
    args = ap.parse_args(argv)
    source = subset(build_corpus(args.size), args.files, args.articles, args.work)
    labels = [label for label in CONFIGS if not args.only or label in args.only.split(";")]
    results: dict[str, list[dict]] = {label: [] for label in labels}
    loads = []
    for run in range(args.runs):
        for label in labels:
            engine, env = CONFIGS[label]
            with environment(env):
                r = run_build(engine, source, args.work / "index")
            r["per_cpu"] = r["passages"] / r["cpu"]  # CPU time of the build and its children
            results[label].append(r)
            loads.append(os.getloadavg()[0])
            print(f"[{time.strftime('%H:%M:%S')}] run {run + 1} {label}: {r['rate']:,.0f} passages/s, "
                  f"peak {r['peak_mb']:,.0f} MB", flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip()
    passages = results[labels[0]][0]["passages"]
    print(f"\nRebuild, {passages:,} passages ({source.name}), {args.runs} runs interleaved, "
          f"{time.strftime('%Y-%m-%d')}, commit {commit}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {min(loads):.1f}–{max(loads):.1f}:\n")
    print("| build | passages/s (wall) | × plain Whoosh | passages per CPU s | × plain Whoosh | peak MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label in labels:
        rows = results[label]
        cells = []
        for key in ("rate", "per_cpu"):
            values = [r[key] for r in rows]
            cells.append(_spread(values, "{:,.0f}"))
            if BASE in results and label != BASE:
                cells.append(_spread([r[key] / b[key] for r, b in zip(rows, results[BASE], strict=True)], "{:.2f}×"))
            else:
                cells.append("–")
        print(f"| {label} | {' | '.join(cells)} | {_spread([r['peak_mb'] for r in rows], '{:,.0f}')} |")


def _spread(values: list[float], fmt: str) -> str:
    """Median (min–max)."""
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


if __name__ == "__main__":
    main()
