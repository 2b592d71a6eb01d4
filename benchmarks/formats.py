"""Indexing speed by input format: the same articles as .txt files and as scraped HTML pages.

Each article (paragraphs of the seed recombined, seeded) is written twice: as a ``.txt`` file with
a header block, and as a news page with navigation, related links, share buttons, comments and a
footer around it, the way a scraper saves one. The script first checks that both give the same
articles (ids, titles, dates, paragraphs), then times, per run and in alternating order, reading
the corpus alone (``read_articles``) and a full ``rebuild_index`` of each, and prints the HTML/txt
ratios. CPU seconds (``time.process_time``; a corpus this small is indexed in one process) are
the figure to trust on a loaded machine; wall seconds are printed beside them.

    python -m benchmarks.formats --articles 300 --runs 3
"""

import argparse
import html
import os
import platform
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from arsearch.indexer.build import rebuild_index
from arsearch.indexer.corpus import ReadReport, read_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} | أخبار الشرق</title>
<meta property="og:site_name" content="أخبار الشرق"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T09:00:00+03:00">
<link rel="canonical" href="https://akhbar.example/news/{n}"></head><body>
<header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li>
<li><a href="/economy">اقتصاد</a></li><li><a href="/sport">رياضة</a></li></ul></nav></header>
<main><article><h1>{title}</h1><div class="meta"><time datetime="{date}">{date}</time></div>
<div class="body">{paragraphs}</div>
<div class="share"><a href="#">فيسبوك</a> <a href="#">تويتر</a></div></article>
<aside><h3>اقرأ أيضا</h3><ul><li><a href="/a/1">ترامب يهاتف أردوغان بشأن الشمال السوري</a></li>
<li><a href="/a/2">ارتفاع أسعار النفط في الأسواق الآسيوية</a></li></ul></aside>
<section id="comments"><h3>التعليقات</h3><div class="comment"><p>كلام جميل لكن لا شيء يتغير على الأرض.</p></div></section>
</main><footer><p>جميع الحقوق محفوظة © أخبار الشرق 2017</p></footer></body></html>
"""


def write_corpora(work: Path, articles: int, seed: int) -> tuple[Path, Path]:
    """The same ``articles`` articles as .txt files and as .html pages, in two folders."""
    paragraphs = [p for p in next(SEEDS.glob("*.txt")).read_text("utf-8").splitlines() if p.strip() and len(p) > 80]
    rng = random.Random(seed)
    txt, pages = work / "txt", work / "html"
    txt.mkdir(parents=True)
    pages.mkdir(parents=True)
    for n in range(articles):
        body = rng.sample(paragraphs, 6)
        title = f"{' '.join(rng.sample(body[0].split()[:12], 6))} {n}"
        date = f"2017-11-{1 + n % 28:02d}"
        (txt / f"a{n:04d}.txt").write_text(f"title: {title}\ndate: {date}\n\n" + "\n".join(body) + "\n", "utf-8")
        page = PAGE.format(title=html.escape(title), date=date, n=n, paragraphs="".join(f"<p>{html.escape(p)}</p>" for p in body))
        (pages / f"a{n:04d}.html").write_text(page, "utf-8")
    return txt, pages


def same_articles(a: Path, b: Path) -> None:
    """Stop unless both folders give the same articles (the comparison would be meaningless)."""
    left = {x.article_id: (x.title, x.date, x.paragraphs) for x in read_articles(a)}
    right = {x.article_id: (x.title, x.date, x.paragraphs) for x in read_articles(b)}
    if left != right:
        bad = next(k for k in left if left[k] != right.get(k))
        raise SystemExit(f"the .txt and .html corpora differ, e.g. {bad}: {left[bad]} vs {right.get(bad)}")


def _timed(fn) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        txt, pages = write_corpora(work, args.articles, args.seed)
        same_articles(txt, pages)
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for run in range(args.runs):
            order = [("txt", txt), ("html", pages)]
            for kind, folder in order if run % 2 == 0 else order[::-1]:
                times.setdefault(("read", kind), []).append(_timed(lambda f=folder: sum(1 for _ in read_articles(f, ReadReport()))))
                out = work / f"index-{kind}-{run}"
                times.setdefault(("rebuild", kind), []).append(_timed(lambda f=folder, o=out: rebuild_index(f, o)))
        try:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            commit = "?"
        passages = sum(len(a.paragraphs) for a in read_articles(txt))
        print(f"{args.articles} articles, {passages} passages; {args.runs} runs; commit {commit}; "
              f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'step':<8} {'':<5} {'txt s':>20} {'html s':>20} {'html/txt':>20}")
        for step in ("read", "rebuild"):
            for i, unit in enumerate(("cpu", "wall")):
                t = [x[i] for x in times[(step, "txt")]]
                h = [x[i] for x in times[(step, "html")]]
                ratios = [b / a for a, b in zip(t, h, strict=True)]
                print(f"{step:<8} {unit:<5} {_spread(t):>20} {_spread(h):>20} {_spread(ratios):>20}")
        print("median (min–max) over the runs; each ratio is html/txt within one run")


if __name__ == "__main__":
    main()
