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
"""

import argparse
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--size", default="10k", help="benchmark corpus size (see benchmarks.corpus)")
    ap.add_argument("--slow", type=float, default=2.0, help="an answer slower than this many seconds is counted")
    ap.add_argument("--work", type=Path, default=CACHE / "fuzz", help="where the index is built")
    args = ap.parse_args(argv)

    from arsearch.indexer.build import rebuild_index
    from arsearch.indexer.errors import QueryError
    from arsearch.search import PassageSearcher
    from arsearch.search.budget import QueryLimitError, QueryTimeoutError
    from arsearch.search.suggest import with_suggestions

    source = build_corpus(args.size)
    index_dir = args.work / f"index-{args.size}"
    if not (index_dir / "CURRENT").exists():
        print(f"building {index_dir.name} …", file=sys.stderr)
        rebuild_index(source, index_dir)
    rng = random.Random(SEED)
    words = _vocabulary(source, rng)
    outcomes: Counter[str] = Counter()
    times: list[float] = []
    slow: list[tuple[float, str]] = []
    crashes: list[tuple[str, str]] = []
    with PassageSearcher(index_dir) as searcher:
        for n in range(args.queries):
            query = _query(rng, words)
            started = time.perf_counter()
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
                outcome = "crash"
                crashes.append((query, traceback.format_exc(limit=3)))
            took = time.perf_counter() - started
            outcomes[outcome] += 1
            times.append(took)
            if took > args.slow:
                slow.append((took, query))
            if (n + 1) % 1000 == 0:
                print(f"{n + 1} queries …", file=sys.stderr)

    times.sort()
    q = statistics.quantiles(times, n=100)
    print(f"{args.queries} generated queries (seed {SEED}) on the {args.size} corpus, one searcher kept open")
    for outcome in ("answered", "limit error", "deadline error", "other query error", "crash"):
        print(f"  {outcome:<18} {outcomes[outcome]:>6}")
    print(f"  slower than {args.slow:g} s   {len(slow):>6}")
    print(f"  latency p50 {q[49] * 1000:.0f} ms · p95 {q[94] * 1000:.0f} ms · p99 {q[98] * 1000:.0f} ms · max {times[-1] * 1000:.0f} ms")
    for took, query in sorted(slow, reverse=True)[:20]:
        print(f"  slow {took:.2f} s: {query[:120]!r}")
    for query, tb in crashes[:20]:
        print(f"  crash: {query[:120]!r}\n{tb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
