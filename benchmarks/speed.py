"""The speed benchmark: arsearch against plain Whoosh and SQLite FTS5 on the same passages, same run.

Not a test: it prints one Markdown table set and asserts nothing. The machine it runs on may be shared
and noisy, so the figures that matter are the ratios between engines measured in the same run,
interleaved; the header gives the date, commit, cores, Python and the load average before and after.
Every figure is the median of ``--runs`` runs (3) with its min–max (``benchmarks.timing``).

For each size (corpora from ``benchmarks.corpus``; 1M is synthetic, recombined real sentences):

* **rebuild**, per core: arsearch held to one process (``arsearch-1p``) against the one-process peers
  (plain Whoosh, FTS5); arsearch as it runs (both cores) reported separately; passages per wall second
  and per CPU second, peak memory of the build's process tree, index size against the text size.
  Each build runs in a child process, ``--build-runs`` times (3 up to 10k passages; 1 above);
* **server (warm) search**: each searcher opened once and kept open, as ``arsearch serve`` does,
  engines interleaved query by query — arsearch on its numpy executor, plain Whoosh and FTS5 — over
  a seeded mix of eight kinds: rare, common, heavy (the 20 most frequent content words, which
  "common" skips), phrase, heavy phrase, two words, heavy two words, filtered; 50 per kind up to
  100k (a third above). Warm-up queries are drawn apart, are none of the measured ones, and are not
  timed. Top 10 with snippets (all engines) and facet counts (arsearch). arsearch on Whoosh's own
  collector (the executor's reference, same index; up to 100k) runs only a fixed sample, the first
  ``REFERENCE_PER_KIND`` queries of each kind, interleaved with the others on them, in a table of
  its own beside the executor on the same queries; on each of them the executor's top 10 and total
  are checked against the reference's. Progress, and the time left, go to stderr;
* **server over HTTP**: the same mix against a running ``arsearch serve`` (``/api/search``, one client;
  up to 100k);
* **CLI (cold, one-shot)**: ``arsearch search`` as one process per query (two queries per kind, one
  above 100k),
  interleaved with ``python -c "import whoosh, click"`` (the bare start-up it is compared with) and
  ``python -c "import numpy"``;
* ``arsearch index`` adding one article to the index of that size (100k).

    python -m benchmarks.speed --sizes 100k --runs 3 --work DIR    # the README table (see the README for how long)
    python -m benchmarks.speed --sizes 10k --runs 3 --work DIR     # the whole method, smaller
    python -m benchmarks.speed --sizes 1m --work DIR               # 1M synthetic passages
    python -m benchmarks.speed --sizes 10k --reuse --work DIR      # search again on the indexes already built
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import timing
from benchmarks.corpus import CACHE, build_corpus, corpus_info
from benchmarks.engines import BUILDS, SEARCHER_INDEX, SEARCHERS

#: Searchers timed, interleaved query by query: arsearch on the numpy executor and on Whoosh's own
#: collector (the same index), and the peers.
SEARCH_ENGINES = ("arsearch", "arsearch-whoosh", "whoosh", "fts5")
#: Above this many passages the reference collector is not timed (seconds per query at 1M).
REFERENCE_MAX_PASSAGES = 100_000
#: The reference collector runs only this many queries of each kind (the first ones drawn), timed
#: with the others on those queries and reported on its own rows: at 100k it takes ~0.9 s a query
#: (the executor 0.07), so on the whole mix, three runs, it alone would take ~18 minutes.
REFERENCE_PER_KIND = 10
#: Query mix per size: how many of each kind (drawn with a fixed seed); a third of that above 100k.
QUERIES_PER_KIND = 50
KINDS = ("rare", "common", "heavy", "phrase", "heavy phrase", "two words", "heavy two words", "filtered")
#: The most frequent content words, which the "common" kind skips and the "heavy" kinds use.
HEAVY_WORDS = 20
#: Warm-up queries per kind, drawn apart from the measured ones (never one of them) and not timed.
WARMUP_PER_KIND = 2
#: Runs per size: figures are medians over them, with the min–max spread.
RUNS = 3
#: Rebuilds per engine up to ``BUILD_RUNS_MAX_PASSAGES``, one above: the four builds of 100k take
#: ~12 minutes on an idle 2-core machine (the spread of the per-core rate at that size comes from
#: ``benchmarks.rebuild`` on a prefix of the corpus).
BUILD_RUNS = 3
BUILD_RUNS_MAX_PASSAGES = 10_000
#: One-shot CLI searches per kind and run.
COLD_PER_KIND = 2
SEED = 7
#: Seconds a benchmarked search may take ($ARSEARCH_QUERY_DEADLINE unless set): every one runs to its end.
BENCH_DEADLINE = 600
_WORD_RE = re.compile(r"[^\W\d_][^\W_\u0640]*", re.U)
_MARKS_RE = re.compile(r"[\u064B-\u065F\u0670\u0640]")


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _text_bytes(source: Path) -> int:
    from benchmarks.engines import passages

    return sum(len(t.encode("utf-8")) for _, t in passages(source))


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants now (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return out


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants now (Linux /proc), 0 once it is gone."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0) * 1024
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_build(engine: str, source: Path, out: Path, timeline: list | None = None, probe=None) -> dict:
    """One rebuild in a child process: its passages/s, CPU seconds, and peak memory.

    Peak memory is the largest sum of resident memory over the child and its own children (Whoosh's
    multiprocessing writer forks), sampled every 50 ms. ``ru_maxrss`` would not do: a child's
    high-water mark starts at its parent's size when it is forked. ``timeline``, when given, gets
    every sample as (seconds since the start, bytes), or what ``probe(pid)`` measured then instead of
    the bytes: where in the build the peak falls.
    """
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.engines", "build", engine, str(source), str(out)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    peak = 0
    done = threading.Event()
    started = time.perf_counter()

    def sample():
        nonlocal peak
        while not done.is_set():
            rss = _tree_rss(proc.pid)
            peak = max(peak, rss)
            if timeline is not None:
                timeline.append((time.perf_counter() - started, probe(proc.pid) if probe else rss))
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
    result["cpu"] = usage.ru_utime + usage.ru_stime  # the child's and its own children's (the rebuild's workers)
    result["cpu_rate"] = result["passages"] / result["cpu"]
    result["peak_mb"] = peak / 2**20
    result["disk"] = _dir_size(out)
    return result


def query_mix(source: Path, index_dir: Path, rng: random.Random, per_kind: int,
              avoid: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the corpus: words as written there, diacritics taken off.

    "heavy" kinds use the corpus's 20 most frequent content words of four letters or more (stop
    words are left out of a query, not searched) — exactly the ones the "common" kind skips: alone,
    in a quoted phrase as the text has it, and two of them together. A query in ``avoid`` (the
    measured ones, when drawing the warm-up) is drawn again, or left out if it keeps coming back.
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
    ranked = [w for w, _ in Counter({w: df[w] for w in words if len(w) >= 4}).most_common(400)]
    with PassageSearcher(index_dir) as s:
        content = [w for w in ranked if s.words.analyze(w)[1] is not None]
        topics = [c.ident for c in s.entity_counts("topics") if c.explicit][:5]
        actors = [c.ident for c in s.entity_counts("actors") if c.explicit][:5]
    heavy, common = content[:HEAVY_WORDS], content[HEAVY_WORDS:]
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

    def phrase():
        t = words_of(rng.choice(sample)) or ["الله", "قال"]
        i = rng.randrange(max(1, len(t) - 1))
        return f'"{" ".join(t[i:i + 2])}"'

    def two_words():
        t = words_of(rng.choice(sample)) or ["الله", "قال"]
        return " ".join(rng.sample(t, 2)) if len(t) >= 2 else t[0]

    draw = {
        "rare": lambda: rng.choice(rare),
        "common": lambda: rng.choice(common),
        "heavy": lambda: rng.choice(heavy),
        "phrase": phrase,
        "heavy phrase": heavy_phrase,
        "two words": two_words,
        "heavy two words": lambda: " ".join(rng.sample(heavy, 2)),
        "filtered": lambda: f"{rng.choice(common)} {rng.choice(filters)}" if filters else rng.choice(common),
    }
    out = []
    for _ in range(per_kind):
        for kind in KINDS:
            for _ in range(100):
                q = draw[kind]()
                if q not in avoid:
                    out.append((kind, q))
                    break
    return out


def reference_sample(queries: list[tuple[str, str]], per_kind: int) -> list[tuple[str, str]]:
    """The first ``per_kind`` queries of each kind, in mix order: the fixed sample the reference
    collector runs (every kind in it, the same queries in every run and on every machine)."""
    seen: Counter = Counter()
    out = []
    for kind, q in queries:
        if seen[kind] < per_kind:
            seen[kind] += 1
            out.append((kind, q))
    return out


class Eta:
    """Progress of a phase on stderr with the time it still needs, from its own pace so far."""

    def __init__(self, log, label: str, total: int, every: float = 60.0):
        self.log, self.label, self.total, self.every = log, label, total, every
        self.started = self.last = time.monotonic()

    def step(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < self.total:
            return
        self.last = now
        spent = now - self.started
        left = spent / done * (self.total - done) if done else float("nan")
        self.log(f"{self.label}: {done}/{self.total} in {spent / 60:.1f} min, ~{left / 60:.1f} min left")


def latencies(indexes: dict[str, Path], engines_timed: tuple[str, ...], queries: list[tuple[str, str]],
              warmup: list[tuple[str, str]], runs: int, reference: list[tuple[str, str]] | None = None,
              log=None) -> dict:
    """Per engine and per query kind, p50/p95 as median and min–max over ``runs`` interleaved runs.

    Every searcher is opened once and kept open, as ``arsearch serve`` keeps it (the warm, server
    case; the cold one-shot CLI is measured separately). The warm-up queries are none of the
    measured ones and never timed. The reference collector ("arsearch-whoosh") runs only the
    queries of ``reference`` (all when None), interleaved with the others on them; its figures, and
    the executor's on the same queries ("arsearch, sample"), are reported apart, and on each of them
    the executor's top 10 and total are checked against the collector's.
    """
    log = log or (lambda msg: None)
    engines = {name: SEARCHERS[name](indexes[SEARCHER_INDEX[name]]) for name in engines_timed}
    ref = "arsearch-whoosh"
    sample = frozenset(reference if reference is not None else queries)
    per_run: list[dict[str, list[float]]] = []
    disagree: list[str] = []
    try:
        spent = dict.fromkeys(engines, 0.0)
        for n, (_, q) in enumerate(warmup):
            for name, e in engines.items():
                t = time.perf_counter()
                e.search(q)
                if n >= len(warmup) // 2:  # the first ones pay for opening and loading
                    spent[name] += time.perf_counter() - t
        later = max(1, len(warmup) - len(warmup) // 2)
        expect = sum(t / later * (len(sample) if name == ref else len(queries)) for name, t in spent.items()) * runs
        log("warm-up, ms per query: " + ", ".join(f"{name} {t / later * 1000:,.0f}" for name, t in spent.items())
            + f"; the timed runs should take ~{expect / 60:.1f} min")
        eta = Eta(log, "timed searches", runs * len(queries))
        for run in range(runs):
            times: dict[str, list[float]] = {name: [] for name in engines}
            for n, (kind, q) in enumerate(queries):
                answers = {}
                for name, e in engines.items():
                    if name == ref and (kind, q) not in sample:
                        continue
                    t = time.perf_counter()
                    answers[name] = e.search(q)
                    times[name].append(time.perf_counter() - t)
                if run == 0 and ref in answers and answers["arsearch"] != answers[ref]:
                    disagree.append(q)
                eta.step(run * len(queries) + n + 1)
            per_run.append(times)
    finally:
        for e in engines.values():
            e.close()
    out = summarise([{k: v for k, v in r.items() if k != ref} for r in per_run], queries)
    if ref in engines:
        picked = [kq in sample for kq in queries]
        sampled = [{"arsearch, sample": [t for t, p in zip(r["arsearch"], picked, strict=True) if p], ref: r[ref]}
                   for r in per_run]
        out["reference"] = summarise(sampled, [kq for kq, p in zip(queries, picked, strict=True) if p])
    return out | {"disagree": disagree, "checked": ref in engines}


def summarise(per_run: list[dict[str, list[float]]], queries: list[tuple[str, str]]) -> dict:
    """Overall and per-kind p50/p95 of each engine, as spreads over runs."""
    names = list(per_run[0])
    overall = {name: timing.spread_of_runs([timing.percentiles(r[name]) for r in per_run]) for name in names}
    by_kind = {
        name: {
            kind: timing.spread_of_runs([
                timing.percentiles([t for (k, _), t in zip(queries, r[name], strict=True) if k == kind])
                for r in per_run
            ])
            for kind in KINDS if any(k == kind for k, _ in queries)
        }
        for name in names
    }
    return {"overall": overall, "by_kind": by_kind, "queries": len(queries)}


def http_latencies(index_dir: Path, queries: list[tuple[str, str]], warmup: list[tuple[str, str]], runs: int,
                   work: Path, log=None) -> dict:
    """The same mix against a running ``arsearch serve`` (JSON endpoint, one keep-alive client)."""
    import http.client

    from benchmarks.load import HOST, REQUEST_TIMEOUT, get, start_server

    work.mkdir(parents=True, exist_ok=True)
    server, port = start_server(index_dir, 1, work)
    per_run = []
    try:
        conn = http.client.HTTPConnection(HOST, int(port), timeout=REQUEST_TIMEOUT)
        for _, q in warmup:
            get(conn, "/api/search?" + urlencode({"q": q}))
        eta = Eta(log or (lambda msg: None), "HTTP searches", runs * len(queries))
        for run in range(runs):
            times = []
            for n, (_, q) in enumerate(queries):
                t = time.perf_counter()
                get(conn, "/api/search?" + urlencode({"q": q}))
                times.append(time.perf_counter() - t)
                eta.step(run * len(queries) + n + 1)
            per_run.append({"arsearch serve (HTTP)": times})
        conn.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return summarise(per_run, queries)


def _arsearch_cmd() -> list[str]:
    # What the `arsearch` console script runs, resolved like the rest of this run (PYTHONPATH included).
    return [sys.executable, "-m", "arsearch"]


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def cold_cli(index_dir: Path, queries: list[tuple[str, str]], runs: int, log=None) -> dict:
    """One process per query, interleaved with the bare start-ups it is compared with."""
    bare = [sys.executable, "-c", "import whoosh, click"]
    numpy = [sys.executable, "-c", "import numpy"]
    per_run = []
    # Untimed, every command once, with bytecode written: as after `pip install`, which compiles it. A
    # process told not to write bytecode (PYTHONDONTWRITEBYTECODE) would otherwise compile every
    # module changed since its last .pyc on each timed start.
    compiling = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for cmd in (bare, numpy, *([*_arsearch_cmd(), "search", "--index", str(index_dir), "--", q] for _, q in queries)):
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=compiling)
    eta = Eta(log or (lambda msg: None), "one-shot searches", runs * len(queries))
    for run in range(runs):
        times: dict[str, list[float]] = {"bare": [], "numpy": [], "cli": []}
        for n, (_, q) in enumerate(queries):
            times["bare"].append(_wall(bare))
            times["numpy"].append(_wall(numpy))
            times["cli"].append(_wall([*_arsearch_cmd(), "search", "--index", str(index_dir), "--", q]))
            eta.step(run * len(queries) + n + 1)
        per_run.append(times)
    out = summarise(per_run, queries)
    medians = [statistics.median(r["cli"]) / statistics.median(r["bare"]) for r in per_run]
    return out | {"ratio": timing.spread(medians)}


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


def bench_size(size: str, work: Path, log, runs: int = RUNS, reuse: bool = False, per_kind: int | None = None,
               build_runs: int | None = None, http: bool = True, reference_per_kind: int = REFERENCE_PER_KIND) -> dict:
    phases: dict[str, float] = {}
    clock = time.monotonic()

    def phase(name: str) -> None:  # the wall time since the previous phase ended, in minutes
        nonlocal clock
        now = time.monotonic()
        phases[name] = (now - clock) / 60
        clock = now

    source = build_corpus(size)
    info = corpus_info(source)
    row = {"size": size, "passages": info["passages"], "synthetic": info["synthetic"]}
    row["text_bytes"] = _text_bytes(source)
    indexes = {e: work / f"{size}-{e}" for e in BUILDS}
    big = row["passages"] > REFERENCE_MAX_PASSAGES
    if build_runs is None:
        build_runs = BUILD_RUNS if row["passages"] <= BUILD_RUNS_MAX_PASSAGES else 1
    builds = [e for e in BUILDS if not (big and e == "arsearch-1p")]  # one process at 1M: ~45 min more
    row["build"] = {}
    if not (reuse and all(indexes[e].is_dir() and any(indexes[e].iterdir()) for e in ("arsearch", "whoosh", "fts5"))):
        results: dict[str, list[dict]] = {e: [] for e in builds}
        eta = Eta(log, f"{size}: builds", build_runs * len(builds), every=0)
        for n in range(build_runs):
            for engine in builds:  # interleaved: a slow patch of the machine hits every engine
                log(f"{size}: building {engine} ({n + 1}/{build_runs}) …")
                results[engine].append(run_build(engine, source, indexes[engine]))
                log(f"{size}: {engine} {results[engine][-1]['rate']:.0f} passages/s")
                eta.step(n * len(builds) + builds.index(engine) + 1)
        for engine, rs in results.items():
            row["build"][engine] = {
                key: timing.spread([r[key] for r in rs]) for key in ("rate", "cpu_rate", "peak_mb", "disk")
            }
        shutil.rmtree(indexes["arsearch-1p"], ignore_errors=True)  # the same index as arsearch's
    else:
        log(f"{size}: reusing the indexes in {work}")
    phase("build")
    search_indexes = {"arsearch": indexes["arsearch"], "whoosh": indexes["whoosh"], "fts5": indexes["fts5"]}
    rng = random.Random(f"{SEED}-{size}")
    if per_kind is None:
        per_kind = QUERIES_PER_KIND if not big else QUERIES_PER_KIND // 3
    queries = query_mix(source, indexes["arsearch"], rng, per_kind)
    measured = frozenset(q for _, q in queries)
    warmup = query_mix(source, indexes["arsearch"], random.Random(f"{SEED}-{size}-warmup"), WARMUP_PER_KIND, measured)
    timed = tuple(e for e in SEARCH_ENGINES if not ((big or not reference_per_kind) and e == "arsearch-whoosh"))
    reference = reference_sample(queries, reference_per_kind)
    log(f"{size}: {len(queries)} queries × {runs} runs, {', '.join(timed)}"
        + (f" (arsearch-whoosh on {len(reference)} of them)" if "arsearch-whoosh" in timed else "") + " …")
    phase("query mix")
    row["latency"] = latencies(search_indexes, timed, queries, warmup, runs, reference, log)
    phase("warm search")
    per_kind_cold = 1 if big else COLD_PER_KIND
    sample = [kq for kind in KINDS for kq in [x for x in queries if x[0] == kind][:per_kind_cold]]
    if http and not big:
        log(f"{size}: the same mix over HTTP to arsearch serve …")
        row["http"] = http_latencies(indexes["arsearch"], queries, warmup, runs, work / f"{size}-serve", log)
        phase("HTTP")
    log(f"{size}: cold CLI, {len(sample)} one-shot searches × {runs} runs …")
    row["cold"] = cold_cli(indexes["arsearch"], sample, runs, log)
    phase("cold CLI")
    if size == "100k":
        log(f"{size}: adding one article …")
        row["add_one"] = add_one_article(source, indexes["arsearch"], work)
        phase("add one")
    row["phases"] = phases
    log(f"{size}: done; minutes by phase: " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
    return row


def format_table(rows: list[dict]) -> str:
    fmt = timing.fmt
    out = []
    for r in rows:
        label = f"{r['size']} {'synthetic' if r['synthetic'] else 'real'} ({r['passages']:,} passages)"
        if r["build"]:
            b0 = next(iter(r["build"].values()))
            out += [f"Rebuild at {label}, median of {b0['rate']['runs']} (min–max). Per core: arsearch-1p is "
                    "held to one process, as the peers run; arsearch uses both cores:", ""]
            out.append("| engine | passages/s | × plain Whoosh | passages per CPU-second | peak MB | index / text |")
            out.append("|---|---:|---:|---:|---:|---:|")
            base = r["build"].get("whoosh", {}).get("rate")
            for e, b in r["build"].items():
                x = fmt(timing.ratio(b["rate"], base), 2, "×") if base else "–"
                out.append(f"| {e} | {fmt(b['rate'], 0)} | {x} | {fmt(b['cpu_rate'], 0)} | {fmt(b['peak_mb'], 0)} | "
                           f"{b['disk']['median'] / r['text_bytes']:.2f}× |")
            out.append("")
        lat = r["latency"]
        spread = next(iter(lat["overall"].values()))
        out += [f"Server (warm) search at {label}: {lat['queries']} queries, engines interleaved, p50/p95 in ms, "
                f"median of {spread['runs']} runs (min–max):", ""]
        out.append("| engine | p50 | p95 |")
        out.append("|---|---:|---:|")
        for e, v in lat["overall"].items():
            out.append(f"| {e} | {fmt(v['p50'])} | {fmt(v['p95'])} |")
        if "http" in r:
            for e, v in r["http"]["overall"].items():
                out.append(f"| {e} | {fmt(v['p50'])} | {fmt(v['p95'])} |")
        engines = list(lat["by_kind"])
        n_kind = next(iter(lat["by_kind"]["arsearch"].values()))["n"]
        out += ["", f"By query kind at {r['size']} ({n_kind} each), p95 in ms (arsearch p50 first):", ""]
        out.append("| kind | arsearch p50 | " + " | ".join(f"{e} p95" for e in engines) + " |")
        out.append("|---|---:|" + "---:|" * len(engines))
        for kind, v in lat["by_kind"]["arsearch"].items():
            cells = [fmt(lat["by_kind"][e][kind]["p95"]) for e in engines]
            out.append(f"| {kind} | {fmt(v['p50'])} | " + " | ".join(cells) + " |")
        if "reference" in lat:
            ref = lat["reference"]
            per = next(iter(ref["by_kind"]["arsearch-whoosh"].values()))["n"]
            out += ["", f"Reference: Whoosh's own collector on the same index (`arsearch-whoosh`), timed on a fixed "
                        f"sample of the mix — the first {per} queries of each kind and their repeats in the mix (it repeats "
                        f"the heavy words), {ref['queries']} in all — "
                        f"interleaved with the engines above, against the executor on the same queries, ms:", ""]
            out.append("| engine | p50 | p95 | " + " | ".join(f"{k} p95" for k in ref["by_kind"]["arsearch-whoosh"]) + " |")
            out.append("|---|---:|---:|" + "---:|" * len(ref["by_kind"]["arsearch-whoosh"]))
            for e, v in ref["overall"].items():
                cells = [fmt(k["p95"]) for k in ref["by_kind"][e].values()]
                out.append(f"| {e} | {fmt(v['p50'])} | {fmt(v['p95'])} | " + " | ".join(cells) + " |")
        if lat["checked"]:
            n, bad = lat.get("reference", lat)["queries"], len(lat["disagree"])
            out.append(f"\nnumpy executor vs Whoosh's collector, same top 10 and total: {n - bad}/{n} queries"
                       + (f" (differ: {', '.join(lat['disagree'][:5])})" if bad else ""))
        c = r["cold"]
        o = c["overall"]
        out += ["", f"CLI (cold, one-shot) at {r['size']}: one process per query, {o['cli']['n']} queries "
                    f"({o['cli']['n'] // len(KINDS)} per kind), interleaved with the bare start-ups, seconds, median of "
                    f"{o['cli']['runs']} runs (min–max):", ""]
        out.append("| command | p50 | p95 |")
        out.append("|---|---:|---:|")
        for name, label_ in (("cli", "`arsearch search QUERY`"), ("bare", '`python -c "import whoosh, click"`'),
                             ("numpy", '`python -c "import numpy"`')):
            out.append(f"| {label_} | {fmt(_s(o[name]['p50']), 3)} | {fmt(_s(o[name]['p95']), 3)} |")
        out.append(f"\nCLI p50 / bare start-up, per run: {fmt(c['ratio'], 2, '×')}")
        if "add_one" in r:
            out.append(f"\n`arsearch index` adding one article to the {r['size']} index: {r['add_one']:.2f} s")
        if "phases" in r:
            out.append(f"\nWall time at {r['size']} by phase, min: "
                       + ", ".join(f"{k} {v:.1f}" for k, v in r["phases"].items()))
        out.append("")
    return "\n".join(out)


def _s(ms: dict) -> dict:
    return {k: (v / 1000 if k in ("median", "min", "max") else v) for k, v in ms.items()}


def _commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=root,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=root).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return head + (" with uncommitted changes" if dirty else "")


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100k", help="comma-separated: 10k, 100k, 1m")
    ap.add_argument("--work", type=Path, default=CACHE / "speed", help="where the indexes are built")
    ap.add_argument("--runs", type=int, default=RUNS, help="interleaved latency runs per size")
    ap.add_argument("--build-runs", type=int, default=None,
                    help=f"rebuilds per engine (default {BUILD_RUNS} up to {BUILD_RUNS_MAX_PASSAGES:,} passages, one above)")
    ap.add_argument("--reuse", action="store_true", help="search the indexes already in --work, no rebuild")
    ap.add_argument("--per-kind", type=int, default=None,
                    help=f"queries per kind (default {QUERIES_PER_KIND}, a third of that above 100k)")
    ap.add_argument("--no-http", action="store_true", help="leave out the HTTP run against arsearch serve")
    ap.add_argument("--reference-per-kind", type=int, default=REFERENCE_PER_KIND,
                    help=f"queries per kind Whoosh's collector runs (default {REFERENCE_PER_KIND}; 0: none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = ap.parse_args(argv)
    args.work = args.work.resolve()  # the server and the one-shot searches run from other folders

    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    # Time every search to its end, here and in the processes started (serve, the one-shot CLI): under
    # the product's 1.5 s deadline a slow engine on a loaded machine would answer "timed out" sooner
    # and look faster (and disagree with the executor).
    os.environ.setdefault("ARSEARCH_QUERY_DEADLINE", str(BENCH_DEADLINE))
    os.environ.setdefault("ARSEARCH_SUGGEST_DEADLINE", str(BENCH_DEADLINE))
    started, load_before, commit = time.monotonic(), _load(), _commit()  # before the run: what it measured
    rows = [bench_size(s.strip().lower(), args.work, log, args.runs, args.reuse, args.per_kind, args.build_runs,
                       not args.no_http, args.reference_per_kind)
            for s in args.sizes.split(",")]
    command = (f"python -m benchmarks.speed --sizes {args.sizes} --runs {args.runs}"
               + (f" --build-runs {args.build_runs}" if args.build_runs else "")
               + (f" --per-kind {args.per_kind}" if args.per_kind else "")
               + (f" --reference-per-kind {args.reference_per_kind}" if args.reference_per_kind != REFERENCE_PER_KIND else "")
               + (" --reuse" if args.reuse else "") + (" --no-http" if args.no_http else "") + " --work DIR")
    head = (
        f"arsearch speed benchmark — {time.strftime('%Y-%m-%d')}, commit {commit}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load_before} before and {_load()} after "
        f"(1, 5, 15 min), {(time.monotonic() - started) / 60:.0f} min. `{command}`"
    )
    print(head + "\n\n" + format_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
