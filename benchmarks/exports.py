"""What exporting every hit costs next to one page: ``search --all`` / ``--articles`` against ``--limit 10``
and ``--count`` on the same searcher, in the same run.

For each query: one page of 10 hits, the count (``limit=0``), every hit (``search.export.search_all``:
pages of ``EXPORT_PAGE_HITS``, each under the query deadline), every hit in one single search (the page
limit lifted: what paging costs on top) and the CSV text of every hit. Each
is timed ``--repeat`` times per run; a run prints medians per query and the ratios to one page, and the
summary gives, per ratio and per microseconds per exported hit, the median over runs with min–max.

    python -m benchmarks.exports --index /path/to/index --runs 3
    python -m benchmarks.exports --corpus benchmarks/cache/corpus-10k-real --runs 3   # builds it aside

The deadline is lifted for the measurement (``$ARSEARCH_QUERY_DEADLINE``), since a loaded machine must
not turn a slow page into an error; the CLI keeps it.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

QUERIES = ("الله", "رسول", "النبي", "الصلاة", "ماء")


def _timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def one_run(index: Path, repeat: int) -> list[dict]:
    from arsearch.search import PassageSearcher
    from arsearch.search.export import HIT_COLUMNS, hit_rows, matching_articles, search_all, table

    rows = []
    with PassageSearcher(index) as searcher:
        for q in QUERIES:
            searcher.search(q, limit=10)  # warm the postings for this query
            page_s, _ = _timed(lambda q=q: searcher.search(q, limit=10), repeat)
            count_s, counted = _timed(lambda q=q: searcher.search(q, limit=0), repeat)
            all_s, every = _timed(lambda q=q: search_all(searcher, q), repeat)
            single_s, _ = _timed(lambda q=q, n=every.total: searcher.search(q, limit=n), repeat)
            csv_s, _ = _timed(lambda every=every: table(hit_rows(every), HIT_COLUMNS), repeat)
            articles = matching_articles(every)
            assert len(every.hits) == counted.total == every.total, q
            rows.append({
                "query": q, "hits": every.total, "articles": len(articles), "page_s": page_s, "count_s": count_s,
                "all_s": all_s, "single_s": single_s, "csv_s": csv_s,
            })
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index built with arsearch rebuild")
    parser.add_argument("--corpus", type=Path, help="a corpus folder to build an index of, aside")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="timings per measure and run (median kept)")
    args = parser.parse_args(argv)
    os.environ["ARSEARCH_QUERY_DEADLINE"] = "600"
    os.environ["ARSEARCH_MAX_PAGE_HITS"] = str(10**7)  # only for the single search; search_all pages by its own size
    with tempfile.TemporaryDirectory() as work:
        index = args.index
        if index is None:
            if args.corpus is None:
                parser.error("give --index or --corpus")
            index = Path(work) / "index"
            subprocess.run(["arsearch", "rebuild", "--source", str(args.corpus), "--index", str(index)], check=True)
        runs = []
        for n in range(1, args.runs + 1):
            rows = one_run(index, args.repeat)
            runs.append(rows)
            print(f"run {n} (load {os.getloadavg()[0]:.1f})")
            print("| query | hits | articles | page of 10 ms | count ms | every hit ms | one search ms | CSV ms | every hit / page | µs per hit |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for r in rows:
                print(f"| {r['query']} | {r['hits']} | {r['articles']} | {r['page_s'] * 1e3:.1f} | {r['count_s'] * 1e3:.1f} "
                      f"| {r['all_s'] * 1e3:.0f} | {r['single_s'] * 1e3:.0f} | {r['csv_s'] * 1e3:.0f} | {r['all_s'] / r['page_s']:.0f}× "
                      f"| {r['all_s'] / r['hits'] * 1e6:.0f} |")
        print(f"\nsummary over {len(runs)} runs: median (min–max)")
        print("| query | every hit / page of 10 | paged / one search | count / page of 10 | µs per exported hit (search) | µs per hit (CSV) |")
        print("|---|---:|---:|---:|---:|---:|")
        for i, q in enumerate(QUERIES):
            per = [run[i] for run in runs]

            def stat(values, fmt):
                return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"

            print(f"| {q} ({per[0]['hits']} hits) | {stat([r['all_s'] / r['page_s'] for r in per], '{:.0f}×')} "
                  f"| {stat([r['all_s'] / r['single_s'] for r in per], '{:.2f}×')} "
                  f"| {stat([r['count_s'] / r['page_s'] for r in per], '{:.2f}×')} "
                  f"| {stat([r['all_s'] / r['hits'] * 1e6 for r in per], '{:.0f}')} "
                  f"| {stat([r['csv_s'] / r['hits'] * 1e6 for r in per], '{:.0f}')} |")


if __name__ == "__main__":
    main()
