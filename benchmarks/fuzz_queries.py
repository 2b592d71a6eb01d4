"""Generated queries against a real index: every answer must be hits or a documented query error, fast.

Not a test (the suite has a small property-based version in ``tests/test_budget.py``): it prints
what it found and asserts nothing. Queries are drawn with a fixed seed from the corpus's own words
and the whole query syntax — words common and rare, prefixes of 1–4 letters, ``~``/``~2`` fuzzy
words, phrases, ``OR``/``AND``/``NOT``/``-``, parentheses (nested up to hundreds deep), filters,
stray quotes and operators, and a few pasted paragraphs of hundreds of words. Each one goes through
what ``arsearch search`` runs (``PassageSearcher.search`` and the did-you-mean pass) on one searcher
kept open, as ``serve`` does.

Counted: crashes (any exception that is not a ``QueryError``), answers slower than ``--slow``
seconds, limit errors and deadline errors (documented messages, exit 2 on the CLI).

    python -m benchmarks.fuzz_queries                    # 10,000 queries on the 10k corpus
    python -m benchmarks.fuzz_queries --queries 500      # a quick look
    python -m benchmarks.fuzz_queries --shard 0/2 & python -m benchmarks.fuzz_queries --shard 1/2
    python -m benchmarks.fuzz_queries --merge benchmarks/cache/fuzz/shard-*-of-2.json
"""

import argparse
import json
import random
import statistics
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from benchmarks.corpus import CACHE, build_corpus

SEED = 10
NOISE = ["(", ")", '"', "*", "~", "-", ":", "OR", "AND", "NOT", "؟", "،", "«", "»", "123", "٣", "x", "actor:", "~2", "**"]
FILTERS = ["actor:putin", "topic:syria", "actor:russia", 'actor:"فلاديمير بوتين"', "topic:korea", "actor:nobody"]


def _vocabulary(source: Path, rng: random.Random) -> list[str]:
    from arsearch.indexer.folding import WORD_RE

    from benchmarks.engines import passages

    texts = [t for _, t in passages(source)]
    words = [w for t in rng.sample(texts, min(2000, len(texts))) for w in WORD_RE.findall(t)]
    return words  # with repeats: common words are drawn more often, as users type them


def _term(rng: random.Random, words: list[str]) -> str:
    word = rng.choice(words)
    roll = rng.random()
    if roll < 0.55:
        return word
    if roll < 0.65:
        return word[: rng.randint(1, 4)] + "*"
    if roll < 0.75:
        return word + rng.choice(["~", "~2"])
    if roll < 0.85:
        start = rng.randrange(len(words) - 4)
        return '"' + " ".join(words[start : start + rng.randint(2, 4)]) + '"'
    if roll < 0.90:
        return rng.choice(FILTERS)
    if roll < 0.95:
        return rng.choice(["-", "NOT "]) + word
    return rng.choice(NOISE)


def _query(rng: random.Random, words: list[str]) -> str:
    roll = rng.random()
    if roll < 0.03:  # deep nesting
        depth = rng.choice([5, 9, 50, 330, 1000])
        return "(" * depth + _term(rng, words) + ")" * depth
    if roll < 0.06:  # pasted paragraphs, long negations
        n = rng.choice([40, 200, 980])
        sep = rng.choice([" ", " -", " OR ", " NOT "])
        return sep.join(rng.choice(words) for _ in range(n))
    parts = []
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 6, 10])):
        term = _term(rng, words)
        if rng.random() < 0.15:
            term = f"({term} OR {_term(rng, words)})"
        parts.append(term)
        if rng.random() < 0.1:
            parts.append(rng.choice(["OR", "AND"]))
    return " ".join(parts)


def _run(args, queries: list[str]) -> list[dict]:
    """One record per query: the query, its outcome, seconds, and the traceback of a crash."""
    from arsearch.indexer.build import rebuild_index
    from arsearch.indexer.errors import QueryError
    from arsearch.search import PassageSearcher
    from arsearch.search.budget import QueryLimitError, QueryTimeoutError
    from arsearch.search.suggest import with_suggestions

    index_dir = args.work / f"index-{args.size}"
    if not (index_dir / "CURRENT").exists():
        print(f"building {index_dir.name} …", file=sys.stderr)
        rebuild_index(build_corpus(args.size), index_dir)
    records = []
    with PassageSearcher(index_dir) as searcher:
        for n, query in enumerate(queries, 1):
            started = time.perf_counter()
            crash = ""
            try:
                with_suggestions(searcher, searcher.search(query))
                outcome = "answered"
            except QueryTimeoutError:
                outcome = "deadline error"
            except QueryLimitError:
                outcome = "limit error"
            except QueryError:
                outcome = "other query error"
            except Exception:  # noqa: BLE001 - counting every crash is the point
                outcome, crash = "crash", traceback.format_exc(limit=3)
            records.append({"query": query, "outcome": outcome, "seconds": time.perf_counter() - started, "crash": crash})
            if n % 500 == 0:
                print(f"{n} queries …", file=sys.stderr, flush=True)
    return records


def _report(records: list[dict], args) -> None:
    outcomes = Counter(r["outcome"] for r in records)
    spent: Counter[str] = Counter()
    for r in records:
        spent[r["outcome"]] += r["seconds"]
    times = sorted(r["seconds"] for r in records)
    slow = sorted((r for r in records if r["seconds"] > args.slow), key=lambda r: -r["seconds"])
    q = statistics.quantiles(times, n=100, method="inclusive")
    print(f"{len(records)} generated queries (seed {SEED}) on the {args.size} corpus, one searcher kept open")
    for outcome in ("answered", "limit error", "deadline error", "other query error", "crash"):
        print(f"  {outcome:<18} {outcomes[outcome]:>6}   {spent[outcome]:7.1f} s in all")
    print(f"  slower than {args.slow:g} s   {len(slow):>6}")
    print(f"  latency p50 {q[49] * 1000:.0f} ms · p95 {q[94] * 1000:.0f} ms · p99 {q[98] * 1000:.0f} ms · max {times[-1] * 1000:.0f} ms")
    for r in slow[:20]:
        print(f"  slow {r['seconds']:.2f} s ({r['outcome']}): {r['query'][:120]!r}")
    for r in [r for r in records if r["crash"]][:20]:
        print(f"  crash: {r['query'][:120]!r}\n{r['crash']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--size", default="10k", help="benchmark corpus size (see benchmarks.corpus)")
    ap.add_argument("--slow", type=float, default=2.0, help="an answer slower than this many seconds is counted")
    ap.add_argument("--work", type=Path, default=CACHE / "fuzz", help="where the index is built")
    ap.add_argument("--shard", default="0/1", help="K/N: run every N-th query from the K-th (N processes share a run)")
    ap.add_argument("--merge", type=Path, nargs="*", help="print the summary of shard files instead of running")
    args = ap.parse_args(argv)
    if args.merge:
        _report([r for f in args.merge for r in json.loads(f.read_text(encoding="utf-8"))], args)
        return 0
    k, n = (int(x) for x in args.shard.split("/"))
    rng = random.Random(SEED)
    words = _vocabulary(build_corpus(args.size), rng)
    queries = [_query(rng, words) for _ in range(args.queries)]  # the same queries whatever the sharding
    records = _run(args, queries[k::n])
    if n > 1:
        out = args.work / f"shard-{k}-of-{n}.json"
        out.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {out} (merge with --merge)", file=sys.stderr)
    _report(records, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
