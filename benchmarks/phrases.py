"""Phrase queries only, on one arsearch index: positions from the side files against positions
decoded from Whoosh's postings (the same executor, side files hidden) and Whoosh's collector,
interleaved query by query in one process, so the ratios hold on a loaded machine.

    python -m benchmarks.phrases --size 10k --index WORK/10k-arsearch   # an index benchmarks.speed built

Not a test: it prints a table and asserts only that the three agree on every top 10 and total.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

from benchmarks.corpus import build_corpus
from benchmarks.speed import RUNS, SEED, _percentiles, _spread, query_mix

KINDS = ("phrase", "heavy phrase")
ENGINES = ("side files", "Whoosh positions", "Whoosh collector")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="10k")
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=RUNS)
    ap.add_argument("--per-kind", type=int, default=30)
    args = ap.parse_args(argv)
    os.environ.setdefault("ARSEARCH_QUERY_DEADLINE", "600")  # the collector must answer, not time out
    from arsearch.search import PassageSearcher

    source = build_corpus(args.size)
    queries = [(k, q) for k, q in query_mix(source, args.index, random.Random(f"{SEED}-{args.size}"), args.per_kind)
               if k in KINDS]
    side = PassageSearcher(args.index)
    hidden = PassageSearcher(args.index)
    for seg in hidden.executor.segments:  # as an index built before side files
        seg._positions, seg._positions_opened = None, True
    reference = PassageSearcher(args.index, engine="whoosh")
    assert all(s.positions_file() is not None for s in side.executor.segments), "the index has no side files"
    searchers = dict(zip(ENGINES, (side, hidden, reference), strict=True))
    for _, q in queries[:4]:  # warm-up: the postings cache and the maps
        for s in searchers.values():
            s.search(q, limit=10)
    per_run = []
    differ = set()
    for _ in range(args.runs):
        times = {name: [] for name in ENGINES}
        for _, q in queries:
            answers = []
            for name, s in searchers.items():
                t = time.perf_counter()
                r = s.search(q, limit=10)
                times[name].append(time.perf_counter() - t)
                answers.append((r.total, [h.passage.key for h in r.hits]))
            if answers[0] != answers[1] or answers[0] != answers[2]:
                differ.add(q)
        per_run.append(times)
    for s in searchers.values():
        s.close()
    print(f"phrase queries at {args.size}, {args.runs} runs, median (min–max), ms; whole searches (top 10, snippets, facets)")
    print()
    print("| kind | engine | p50 | p95 | p95 × side files |")
    print("|---|---|---:|---:|---:|")
    for kind in KINDS:
        rows = {name: _spread([_percentiles([t for (k, _), t in zip(queries, r[name], strict=True) if k == kind])
                               for r in per_run]) for name in ENGINES}
        for name in ENGINES:
            p50, p95 = rows[name]["p50"], rows[name]["p95"]
            ratio = p95["median"] / rows["side files"]["p95"]["median"]
            print(f"| {kind} ({sum(k == kind for k, _ in queries)}) | {name} | {p50['median']:.1f} "
                  f"({p50['min']:.1f}–{p50['max']:.1f}) | {p95['median']:.1f} "
                  f"({p95['min']:.1f}–{p95['max']:.1f}) | {ratio:.1f}× |")
    print()
    print(f"same top 10 and total on all three: {len(queries) - len(differ)}/{len(queries)}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
