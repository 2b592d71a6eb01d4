"""The speed benchmark: arsearch against plain Whoosh and SQLite FTS5 on the same passages, same run.

Not a test: it prints tables and asserts nothing. The machine it runs on is shared and noisy, so the
figures that matter are the ratios between engines measured in the same run, interleaved.

For each size (corpora from ``benchmarks.corpus``; 1M is synthetic, recombined real sentences):

* full rebuild throughput (passages/s) and peak memory — each build runs in a child process, so its
  peak is its own; index size on disk against the passages' UTF-8 text size. arsearch rebuilds on
  both cores, the peers on one: the table says so;
* server (warm) search latency: each searcher opened once and kept open, as ``arsearch serve`` does,
  engines interleaved query by query — arsearch on its numpy executor, arsearch on Whoosh's own
  collector (the executor's reference, same index), plain Whoosh and FTS5 — over a seeded query mix
  (rare, common and the 20 heaviest words; phrases of any words and of heavy ones; two words; two
  heavy words; a word with a filter), 50 per kind up to 100k. Warm-up queries are drawn apart and not
  timed; p50/p95 are medians of ``--runs`` runs (3) with their min–max. Top 10 with snippets (all
  engines) and facet counts (arsearch); the executor's top 10 and totals are checked against the
  reference's on every query;
* CLI (cold, one-shot) ``arsearch search`` wall time against ``python -c "import whoosh, click"``;
* ``arsearch index`` adding one article to the index of that size.

    python -m benchmarks.speed                       # 10k and 100k
    python -m benchmarks.speed --sizes 10k,100k,1m   # the full run (1M takes a while)
    python -m benchmarks.speed --sizes 10k --reuse   # search again on the indexes already built
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
from benchmarks.engines import ENGINES, SEARCHER_INDEX, SEARCHERS

#: Searchers timed, interleaved query by query: arsearch on the numpy executor and on Whoosh's own
#: collector (the same index), and the peers.
SEARCH_ENGINES = ("arsearch", "arsearch-whoosh", "whoosh", "fts5")

#: Query mix per size: how many of each kind (drawn with a fixed seed); a third of that above 100k.
QUERIES_PER_KIND = 50
KINDS = ("rare", "common", "heavy", "phrase", "heavy phrase", "two words", "heavy two words", "filtered")
#: The most frequent words, which the "common" kind skips and the "heavy" kinds use.
HEAVY_WORDS = 20
#: Warm-up queries per kind, drawn apart from the measured ones and not timed.
WARMUP_PER_KIND = 2
#: Interleaved latency runs per size: figures are medians over them, with the min–max spread.
RUNS = 3
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
    """(kind, query) pairs drawn from the corpus: words as written there, diacritics taken off.

    "heavy" kinds use the corpus's 20 most frequent words of four letters or more (the ones the
    "common" kind skips): alone, in a quoted phrase as the text has it, and two of them together.
    """
    from arsearch.search import PassageSearcher

    from benchmarks.engines import passages

    texts = [t for _, t in passages(source)]
    sample = rng.sample(texts, min(20_000, len(texts)))
    df = Counter()
    for t in sample:
        df.update({_MARKS_RE.sub("", w) for w in _WORD_RE.findall(t)})
    words = [w for w, n in df.items() if len(w) >= 3]
    rare = sorted(w for w in words if 2 <= df[w] <= 5)
    ranked = [w for w, _ in Counter({w: df[w] for w in words if len(w) >= 4}).most_common(300)]
    with PassageSearcher(index_dir) as s:
        # Content words only: a stop word (عليه, الذين) is left out of the query, not searched.
        content = [w for w in ranked if s.words.analyze(w)[1] is not None]
        heavy, common = content[:HEAVY_WORDS], ranked[HEAVY_WORDS:]
        topics = [c.ident for c in s.entity_counts("topics") if c.explicit][:5]
        actors = [c.ident for c in s.entity_counts("actors") if c.explicit][:5]
    filters = [f"topic:{t}" for t in topics] + [f"actor:{a}" for a in actors]

    def words_of(text):
        return [w for w in (_MARKS_RE.sub("", w) for w in _WORD_RE.findall(text)) if len(w) >= 3]

    def heavy_phrase():
        for _ in range(1000):
            t = words_of(rng.choice(sample))
            at = [i for i, w in enumerate(t[:-1]) if w in heavy or t[i + 1] in heavy]
            if at:
                i = rng.choice(at)
                return f'"{t[i]} {t[i + 1]}"'
        return f'"{heavy[0]} {heavy[1]}"'

    out = []
    for _ in range(per_kind):
        out.append(("rare", rng.choice(rare)))
        out.append(("common", rng.choice(common)))
        out.append(("heavy", rng.choice(heavy)))
        t = words_of(rng.choice(sample)) or ["الله", "قال"]
        i = rng.randrange(max(1, len(t) - 1))
        out.append(("phrase", f'"{" ".join(t[i:i + 2])}"'))
        out.append(("heavy phrase", heavy_phrase()))
        out.append(("two words", " ".join(rng.sample(t, 2)) if len(t) >= 2 else t[0]))
        out.append(("heavy two words", " ".join(rng.sample(heavy, 2))))
        out.append(("filtered", f"{rng.choice(common)} {rng.choice(filters)}" if filters else rng.choice(common)))
    return out


def _percentiles(ts: list[float]) -> dict:
    return {"p50": statistics.median(ts) * 1000, "p95": statistics.quantiles(ts, n=20)[-1] * 1000, "n": len(ts)}


def _spread(runs: list[dict]) -> dict:
    """Median and min–max over runs of each percentile."""
    return {
        key: {"median": statistics.median(r[key] for r in runs), "min": min(r[key] for r in runs),
              "max": max(r[key] for r in runs)}
        for key in ("p50", "p95")
    } | {"n": runs[0]["n"], "runs": len(runs)}


def latencies(indexes: dict[str, Path], queries: list[tuple[str, str]], warmup: list[tuple[str, str]],
              runs: int) -> dict:
    """Per engine and per query kind, p50/p95 as median and min–max over ``runs`` interleaved runs.

    Every searcher is opened once and kept open, as ``arsearch serve`` keeps it (the warm, server
    case; the cold one-shot CLI is measured separately). The warm-up queries are drawn apart from the
    measured ones and never timed. The numpy executor's top 10 and totals are checked against the
    Whoosh collector's on every query.
    """
    engines = {name: SEARCHERS[name](indexes[SEARCHER_INDEX[name]]) for name in SEARCH_ENGINES}
    per_run: list[dict[str, list[float]]] = []
    disagree: list[str] = []
    try:
        for _, q in warmup:
            for e in engines.values():
                e.search(q)
        for run in range(runs):
            times: dict[str, list[float]] = {name: [] for name in engines}
            for _, q in queries:
                answers = {}
                for name, e in engines.items():
                    t = time.perf_counter()
                    answers[name] = e.search(q)
                    times[name].append(time.perf_counter() - t)
                if run == 0 and answers["arsearch"] != answers["arsearch-whoosh"]:
                    disagree.append(q)
            per_run.append(times)
    finally:
        for e in engines.values():
            e.close()
    overall = {name: _spread([_percentiles(r[name]) for r in per_run]) for name in engines}
    by_kind = {
        name: {
            kind: _spread([
                _percentiles([t for (k, _), t in zip(queries, r[name], strict=True) if k == kind]) for r in per_run
            ])
            for kind in KINDS
        }
        for name in ("arsearch", "arsearch-whoosh")
    }
    return {"overall": overall, "by_kind": by_kind, "disagree": disagree, "queries": len(queries)}


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
    numpy = _wall([sys.executable, "-c", "import numpy"])
    cli = _wall([*_arsearch_cmd(), "search", word, "--index", str(index_dir)])
    return {"bare": bare, "numpy": numpy, "cli": cli}


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


def bench_size(size: str, work: Path, log, runs: int = RUNS, reuse: bool = False,
               per_kind: int | None = None) -> dict:
    source = build_corpus(size)
    info = corpus_info(source)
    row = {"size": size, "passages": info["passages"], "synthetic": info["synthetic"]}
    row["text_bytes"] = _text_bytes(source)
    indexes = {e: work / f"{size}-{e}" for e in ENGINES}
    row["build"] = {}
    for engine in ENGINES:
        if reuse and indexes[engine].is_dir() and any(indexes[engine].iterdir()):
            log(f"{size}: reusing the {engine} index")
            continue
        log(f"{size}: building {engine} …")
        row["build"][engine] = run_build(engine, source, indexes[engine])
        log(f"{size}: {engine} {row['build'][engine]['rate']:.0f} passages/s")
    rng = random.Random(f"{SEED}-{size}")
    if per_kind is None:
        per_kind = QUERIES_PER_KIND if row["passages"] <= 100_000 else QUERIES_PER_KIND // 3
    queries = query_mix(source, indexes["arsearch"], rng, per_kind)
    warmup = query_mix(source, indexes["arsearch"], random.Random(f"{SEED}-{size}-warmup"), WARMUP_PER_KIND)
    log(f"{size}: {len(queries)} queries × {runs} runs …")
    row["latency"] = latencies(indexes, queries, warmup, runs)
    if size == "100k":
        log(f"{size}: cold CLI …")
        row["cold"] = cold_cli(indexes["arsearch"], "الصلاة")
        log(f"{size}: adding one article …")
        row["add_one"] = add_one_article(source, indexes["arsearch"], work)
    return row


def _ms(spread: dict, key: str) -> str:
    v = spread[key]
    return f"{v['median']:,.1f} ({v['min']:,.1f}–{v['max']:,.1f})"


def format_table(rows: list[dict]) -> str:
    out = ["Rebuild (one run per engine; arsearch uses both cores, the peers one):", ""]
    out.append("| corpus | engine | rebuild passages/s | × plain Whoosh | peak MB | index / text size |")
    out.append("|---|---|---:|---:|---:|---:|")
    for r in rows:
        label = f"{r['size']} {'synthetic' if r['synthetic'] else 'real'}"
        base = r["build"].get("whoosh", {}).get("rate")
        for e, b in r["build"].items():
            ratio = f"{b['rate'] / base:.2f}×" if base else "–"
            out.append(
                f"| {label} | {e} | {b['rate']:,.0f} | {ratio} | {b['peak_mb']:,.0f} | {b['disk'] / r['text_bytes']:.2f}× |"
            )
    for r in rows:
        lat = r["latency"]
        spread = next(iter(lat["overall"].values()))
        out += ["", f"Server (warm) search at {r['size']}: {lat['queries']} queries, median of {spread['runs']} runs "
                    f"(min–max), ms:", ""]
        out.append("| engine | p50 | p95 |")
        out.append("|---|---:|---:|")
        for e, v in lat["overall"].items():
            out.append(f"| {e} | {_ms(v, 'p50')} | {_ms(v, 'p95')} |")
        out += ["", f"By query kind at {r['size']} ({next(iter(lat['by_kind']['arsearch'].values()))['n']} each), ms:", ""]
        out.append("| kind | arsearch p50 | arsearch p95 | arsearch-whoosh p50 | arsearch-whoosh p95 |")
        out.append("|---|---:|---:|---:|---:|")
        for kind, v in lat["by_kind"]["arsearch"].items():
            w = lat["by_kind"]["arsearch-whoosh"][kind]
            out.append(f"| {kind} | {_ms(v, 'p50')} | {_ms(v, 'p95')} | {_ms(w, 'p50')} | {_ms(w, 'p95')} |")
        n, bad = lat["queries"], len(lat["disagree"])
        out.append(f"\nnumpy executor vs Whoosh's collector, same top 10 and total: {n - bad}/{n} queries"
                   + (f" (differ: {', '.join(lat['disagree'][:5])})" if bad else ""))
        if "cold" in r:
            c = r["cold"]
            out.append(
                f"\nCLI (cold, one-shot) `arsearch search` at {r['size']}: {c['cli']:.3f} s vs bare "
                f"`python -c \"import whoosh, click\"` {c['bare']:.3f} s = {c['cli'] / c['bare']:.2f}× "
                f"(`import numpy` alone: {c['numpy']:.3f} s; medians of {COLD_RUNS})"
            )
        if "add_one" in r:
            out.append(f"\n`arsearch index` adding one article to the {r['size']} index: {r['add_one']:.2f} s")
    return "\n".join(out)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1m")
    ap.add_argument("--work", type=Path, default=CACHE / "speed", help="where the indexes are built")
    ap.add_argument("--runs", type=int, default=RUNS, help="interleaved latency runs per size")
    ap.add_argument("--reuse", action="store_true", help="search the indexes already in --work, no rebuild")
    ap.add_argument("--per-kind", type=int, default=None,
                    help=f"queries per kind (default {QUERIES_PER_KIND}, a third of that above 100k)")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = ap.parse_args(argv)

    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    rows = [bench_size(s.strip().lower(), args.work, log, args.runs, args.reuse, args.per_kind)
            for s in args.sizes.split(",")]
    head = (
        f"arsearch speed benchmark — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, `python -m benchmarks.speed --sizes {args.sizes}"
        f"{' --reuse' if args.reuse else ''}{f' --runs {args.runs}' if args.runs != RUNS else ''}"
        f"{f' --per-kind {args.per_kind}' if args.per_kind else ''}`"
    )
    print(head + "\n\n" + format_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
