"""The speed benchmark: arsearch against plain Whoosh and SQLite FTS5 on the same passages, same run.

Not a test: it prints a table and asserts nothing. The machine it runs on is shared and noisy, so the
figures that matter are the ratios between engines measured in the same run, interleaved.

For each size (corpora from ``benchmarks.corpus``; 1M is synthetic, recombined real sentences):

* full rebuild throughput (passages/s) and peak memory — each build runs in a child process, so its
  ``ru_maxrss`` is its own; index size on disk against the passages' UTF-8 text size;
* search latency p50/p95 over a query mix drawn from the corpus with a fixed seed (rare and common
  words, quoted phrases, two-word queries, filtered queries), top 10 with snippets (all engines) and
  facet counts (arsearch; the peers have none), each engine's searcher opened once and kept open,
  engines interleaved query by query;
* cold ``arsearch search`` wall time against ``python -c "import whoosh, click"``;
* ``arsearch index`` adding one article to the index of that size.

    python -m benchmarks.speed                       # 10k and 100k
    python -m benchmarks.speed --sizes 10k,100k,1m   # the full run (1M takes a while)
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from benchmarks.corpus import CACHE, build_corpus, corpus_info
from benchmarks.engines import ENGINES, SEARCHERS

#: Query mix per size: how many of each kind (drawn with a fixed seed); a third of that above 100k.
QUERIES_PER_KIND = 30
KINDS = ("rare", "common", "phrase", "two words", "filtered")
WARMUP = 10
COLD_RUNS = 7
SEED = 7
_WORD_RE = re.compile(r"[^\W\d_][^\W_\u0640]*", re.U)
_MARKS_RE = re.compile(r"[\u064B-\u065F\u0670\u0640]")


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _text_bytes(source: Path) -> int:
    from benchmarks.engines import passages

    return sum(len(t.encode("utf-8")) for _, t in passages(source))


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants now (Linux /proc), 0 once it is gone."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0) * 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_build(engine: str, source: Path, out: Path) -> dict:
    """One rebuild in a child process: its passages/s, CPU seconds, and peak memory.

    Peak memory is the largest sum of resident memory over the child and its own children (Whoosh's
    multiprocessing writer forks), sampled every 50 ms. ``ru_maxrss`` would not do: a child's
    high-water mark starts at its parent's size when it is forked.
    """
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.engines", "build", engine, str(source), str(out)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"{engine} build failed ({os.waitstatus_to_exitcode(status)})")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["rate"] = result["passages"] / result["seconds"]
    result["cpu"] = usage.ru_utime + usage.ru_stime
    result["peak_mb"] = peak / 2**20
    result["disk"] = _dir_size(out)
    return result


def query_mix(source: Path, index_dir: Path, rng: random.Random, per_kind: int) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the corpus: words as written there, diacritics taken off."""
    from arsearch.search import PassageSearcher

    from benchmarks.engines import passages

    texts = [t for _, t in passages(source)]
    sample = rng.sample(texts, min(20_000, len(texts)))
    df = Counter()
    for t in sample:
        df.update({_MARKS_RE.sub("", w) for w in _WORD_RE.findall(t)})
    words = [w for w, n in df.items() if len(w) >= 3]
    rare = sorted(w for w in words if 2 <= df[w] <= 5)
    common = [w for w, _ in Counter({w: df[w] for w in words if len(w) >= 4}).most_common(300)[20:]]
    with PassageSearcher(index_dir) as s:
        topics = [c.ident for c in s.entity_counts("topics") if c.explicit][:5]
        actors = [c.ident for c in s.entity_counts("actors") if c.explicit][:5]
    filters = [f"topic:{t}" for t in topics] + [f"actor:{a}" for a in actors]
    out = []
    for _ in range(per_kind):
        out.append(("rare", rng.choice(rare)))
        out.append(("common", rng.choice(common)))
        t = [_MARKS_RE.sub("", w) for w in _WORD_RE.findall(rng.choice(sample))]
        t = [w for w in t if len(w) >= 3] or ["الله", "قال"]
        i = rng.randrange(max(1, len(t) - 1))
        out.append(("phrase", f'"{" ".join(t[i:i + 2])}"'))
        out.append(("two words", " ".join(rng.sample(t, 2)) if len(t) >= 2 else t[0]))
        out.append(("filtered", f"{rng.choice(common)} {rng.choice(filters)}" if filters else rng.choice(common)))
    return out


def _percentiles(ts: list[float]) -> dict:
    return {"p50": statistics.median(ts) * 1000, "p95": statistics.quantiles(ts, n=20)[-1] * 1000, "n": len(ts)}


def latencies(indexes: dict[str, Path], queries: list[tuple[str, str]]) -> tuple[dict, dict]:
    """p50/p95 per engine, and arsearch's per query kind, from one interleaved run."""
    engines = {name: SEARCHERS[name](path) for name, path in indexes.items()}
    times: dict[str, list[float]] = {name: [] for name in engines}
    try:
        for _, q in queries[:WARMUP]:
            for e in engines.values():
                e.search(q)
        for _, q in queries:
            for name, e in engines.items():
                t = time.perf_counter()
                e.search(q)
                times[name].append(time.perf_counter() - t)
    finally:
        for e in engines.values():
            e.close()
    by_kind = {
        kind: _percentiles([t for (k, _), t in zip(queries, times["arsearch"], strict=True) if k == kind])
        for kind in KINDS
    }
    return {name: _percentiles(ts) for name, ts in times.items()}, by_kind


def _arsearch_cmd() -> list[str]:
    # What the `arsearch` console script runs, resolved like the rest of this run (PYTHONPATH included).
    return [sys.executable, "-m", "arsearch"]


def _wall(cmd: list[str], runs: int = COLD_RUNS) -> float:
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def cold_cli(index_dir: Path, word: str) -> dict:
    bare = _wall([sys.executable, "-c", "import whoosh, click"])
    cli = _wall([*_arsearch_cmd(), "search", word, "--index", str(index_dir)])
    return {"bare": bare, "cli": cli}


def add_one_article(source: Path, index_dir: Path, work: Path) -> float:
    """Wall time of `arsearch index` when one new article has joined the corpus."""
    corpus = work / "corpus-plus-one"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    for f in source.glob("*.jsonl"):
        (corpus / f.name).symlink_to(f.resolve())
    first = next(iter(sorted(source.glob("*.jsonl")))).read_text("utf-8").splitlines()[0]
    article = json.loads(first)
    article["id"] = "added-article"
    (corpus / "zz-added.jsonl").write_text(json.dumps(article, ensure_ascii=False) + "\n", "utf-8")
    t = time.perf_counter()
    subprocess.run([*_arsearch_cmd(), "index", "--source", str(corpus), "--index", str(index_dir)],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def bench_size(size: str, work: Path, log) -> dict:
    source = build_corpus(size)
    info = corpus_info(source)
    row = {"size": size, "passages": info["passages"], "synthetic": info["synthetic"]}
    row["text_bytes"] = _text_bytes(source)
    indexes = {e: work / f"{size}-{e}" for e in ENGINES}
    row["build"] = {}
    for engine in ENGINES:
        log(f"{size}: building {engine} …")
        row["build"][engine] = run_build(engine, source, indexes[engine])
        log(f"{size}: {engine} {row['build'][engine]['rate']:.0f} passages/s")
    if size != "10k":
        rng = random.Random(f"{SEED}-{size}")
        per_kind = QUERIES_PER_KIND if row["passages"] <= 100_000 else QUERIES_PER_KIND // 3
        queries = query_mix(source, indexes["arsearch"], rng, per_kind)
        log(f"{size}: {len(queries)} queries …")
        row["latency"], row["latency_by_kind"] = latencies(indexes, queries)
    if size == "100k":
        log(f"{size}: cold CLI …")
        row["cold"] = cold_cli(indexes["arsearch"], "الصلاة")
        log(f"{size}: adding one article …")
        row["add_one"] = add_one_article(source, indexes["arsearch"], work)
    return row


def format_table(rows: list[dict]) -> str:
    out = []
    out.append("| corpus | engine | rebuild passages/s | × plain Whoosh | peak MB | index / text size | p50 ms | p95 ms |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        label = f"{r['size']} {'synthetic' if r['synthetic'] else 'real'}"
        base = r["build"]["whoosh"]["rate"]
        for e in ENGINES:
            b = r["build"][e]
            lat = r.get("latency", {}).get(e)
            p50 = f"{lat['p50']:.1f}" if lat else "–"
            p95 = f"{lat['p95']:.1f}" if lat else "–"
            out.append(
                f"| {label} | {e} | {b['rate']:,.0f} | {b['rate'] / base:.2f}× | {b['peak_mb']:,.0f} | "
                f"{b['disk'] / r['text_bytes']:.2f}× | {p50} | {p95} |"
            )
    for r in rows:
        if "latency_by_kind" in r:
            kinds = ", ".join(f"{k} {v['p50']:.1f}/{v['p95']:.1f}" for k, v in r["latency_by_kind"].items())
            out.append(f"\narsearch p50/p95 ms by query kind at {r['size']}: {kinds}")
        if "cold" in r:
            c = r["cold"]
            out.append(
                f"\ncold `arsearch search` at {r['size']}: {c['cli']:.3f} s vs bare `python -c \"import whoosh, click\"` "
                f"{c['bare']:.3f} s = {c['cli'] / c['bare']:.2f}×"
            )
        if "add_one" in r:
            out.append(f"\n`arsearch index` adding one article to the {r['size']} index: {r['add_one']:.2f} s")
    return "\n".join(out)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1m")
    ap.add_argument("--work", type=Path, default=CACHE / "speed", help="where the indexes are built")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = ap.parse_args(argv)

    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    rows = [bench_size(s.strip().lower(), args.work, log) for s in args.sizes.split(",")]
    head = (
        f"arsearch speed benchmark — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, `python -m benchmarks.speed --sizes {args.sizes}`"
    )
    print(head + "\n\n" + format_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
