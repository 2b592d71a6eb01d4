"""What date and source filters, the date sorts and the timeline cost, against a plain search, same run.

Not a test: it prints a table and asserts nothing. The 10k corpus of ``benchmarks.corpus`` (real
passages) is cut into articles of ten passages, each given a seeded date over five years and one of
twenty sources, and indexed into a temporary folder. One searcher is opened and kept open (as
``arsearch serve`` does) on the numpy executor; for each query of a seeded mix of corpus words, the
variants run interleaved: the plain search (top 10, relevance), ``sort="-date"``, a six-month
``since``/``until``, one ``source``, and ``search_timeline`` by month. The machine is shared and noisy,
so the figures are each variant's median time per query as a ratio to the plain search's, medians
of ``--runs`` runs with their min–max. The first filter's cost (reading the day, source and article
columns once per searcher) is timed apart.

    python -m benchmarks.dates              # 3 runs of 40 queries
    python -m benchmarks.dates --runs 5 --queries 100
"""

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from arsearch.indexer.build import rebuild_index
from arsearch.indexer.errors import QueryError
from arsearch.search import PassageSearcher
from arsearch.search.timeline import search_timeline

from benchmarks.corpus import build_corpus

SEED = 20261202
PASSAGES_PER_ARTICLE = 10
SOURCES = [f"مصدر {n}" for n in range(1, 21)]
YEARS = range(2015, 2020)
WORD_RE = re.compile(r"[\u0621-\u064a]{4,}")


def dated_corpus(folder: Path, rng: random.Random) -> list[str]:
    """The 10k corpus re-cut into dated, sourced articles; returns the words to query."""
    folder.mkdir(parents=True)
    lines, words = [], []
    for path in sorted(build_corpus("10k").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            article = json.loads(line)
            passages = article["text"].split("\n")
            for n in range(0, len(passages), PASSAGES_PER_ARTICLE):
                chunk = passages[n : n + PASSAGES_PER_ARTICLE]
                words += WORD_RE.findall(chunk[0])[:3]
                day = f"{rng.choice(YEARS)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                lines.append(json.dumps({
                    "id": f"{article['id']}-{n // PASSAGES_PER_ARTICLE}", "title": article["title"],
                    "source": rng.choice(SOURCES), "date": day, "text": "\n".join(chunk),
                }, ensure_ascii=False))
    (folder / "dated.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return sorted(set(words))


VARIANTS = {
    "plain search": lambda s, q: s.search(q),
    "sort -date": lambda s, q: s.search(q, sort="-date"),
    "since/until (6 months)": lambda s, q: s.search(q, since="2017-01", until="2017-06"),
    "one source": lambda s, q: s.search(q, sources=[SOURCES[3]]),
    "timeline by month": lambda s, q: search_timeline(s, q, "month"),
}


def one_run(searcher, queries) -> dict[str, float]:
    times = {name: [] for name in VARIANTS}
    for q in queries:
        for name, run in VARIANTS.items():
            start = time.perf_counter()
            run(searcher, q)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def _finds(searcher, word: str) -> bool:
    try:
        return searcher.search(word, limit=0).total > 0
    except QueryError:
        return False


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        words = dated_corpus(root / "corpus", rng)
        report = rebuild_index(root / "corpus", root / "index")
        print(f"{report.passages} passages in {report.added} articles, {len(SOURCES)} sources, dates over {len(YEARS)} years")
        with PassageSearcher(root / "index") as searcher:
            words = [w for w in words if _finds(searcher, w)]  # stop words and words of later passages out
            start = time.perf_counter()
            searcher.search(words[0], limit=1)
            plain_first = time.perf_counter() - start
            start = time.perf_counter()
            search_timeline(searcher, words[1], "month", since="2016")
            columns_first = time.perf_counter() - start
            print(f"first search {plain_first * 1000:.1f} ms; first timeline with a date filter (reads the columns) "
                  f"{columns_first * 1000:.1f} ms")
            warm = rng.sample(words, 10)
            one_run(searcher, warm)  # warm-up, not timed
            runs = [one_run(searcher, rng.sample(words, args.queries)) for _ in range(args.runs)]
    print(f"\n{args.runs} runs of {args.queries} queries; median time per query, and its ratio to the plain search")
    print(f"{'variant':<24} {'median ms':>10} {'ratio':>7} {'ratio min–max':>15}")
    for name in VARIANTS:
        ms = statistics.median(r[name] for r in runs) * 1000
        ratios = [r[name] / r["plain search"] for r in runs]
        print(f"{name:<24} {ms:>10.2f} {statistics.median(ratios):>7.2f} {min(ratios):>7.2f}–{max(ratios):.2f}")


if __name__ == "__main__":
    main()
