"""How well reposts are grouped, and what grouping costs (``indexer.reposts``).

Grouping: a real corpus (benchmarks/corpus.py) plus planted reposts — copies of real passages,
each edited the way outlets edit wire text (a dateline or an intro sentence added, a word or two
replaced, a sentence dropped, punctuation, diacritics or hamza seats changed). Every passage is
sketched exactly as the indexer does (the analyzer's folded forms → ``reposts.sketch``) and grouped
(``reposts.group_stories``); per seed it reports

* recall: planted copies whose story holds their original;
* precision: of a planted copy's story-mates, those that are its original, another copy of it, or
  a passage the original is already grouped with in the corpus alone (a natural repost);
* how many corpus passages are grouped before anything is planted (natural near-duplicates).

``--sweep`` runs it for several shingle sizes and thresholds (how the defaults were chosen).

Cost: full rebuilds of a corpus with grouping on and off (off: no passage is sketched, so nothing
is grouped or rewritten), alternated in the same run; time, index size, side-file size.

    python -m benchmarks.reposts --seeds 1,2,3 --sweep
    python -m benchmarks.reposts --cost 10k --runs 3
    python -m benchmarks.reposts --scale 100k --runs 3 --corpora DIR   # DIR: where to build the 100k corpus
"""

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from arsearch.indexer import build, reposts
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.corpus import read_articles
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.store import current_generation

from benchmarks import corpus as corpora

PLANTED = 400  # copies planted per seed
_MARKS = re.compile("[\u064b-\u0652\u0670]")
_PUNCT = re.compile("[.،,:؛!؟?\"«»()\\-]")
_SENTENCE = re.compile(r"[^.،:؛!؟?]+[.،:؛!؟?]*")
DATELINES = ["القاهرة (وكالات) - ", "بيروت - رويترز: ", "دمشق، 3 تشرين الثاني (سانا) - ", "الرياض (واس) "]


def _edits(rng: random.Random, vocabulary: list[str], other: str):
    def dateline(t):
        return rng.choice(DATELINES) + t

    def intro(t):
        first = _SENTENCE.findall(other)[:1] or [other]
        return first[0].strip() + " " + t

    def replace(t, n=1):
        words = t.split()
        for _ in range(n):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        return " ".join(words)

    def drop_sentence(t):
        parts = _SENTENCE.findall(t)
        if len(parts) >= 3:
            del parts[rng.randrange(len(parts))]
            return "".join(parts)
        words = t.split()
        return " ".join(words[: max(1, int(len(words) * 0.8))])  # one sentence: its last fifth goes

    return {
        "dateline": dateline,
        "intro": intro,
        "word": replace,
        "two-words": lambda t: replace(t, 2),
        "sentence-dropped": drop_sentence,
        "punctuation": lambda t: _PUNCT.sub(" ", t),
        "diacritics": lambda t: _MARKS.sub("", t),
        "hamza": lambda t: t.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا"),
    }


def _passages(source: Path) -> dict[str, str]:
    return {p.key: p.text for article in read_articles(source) for p in article.passages}


def plant(passages: dict[str, str], seed: int, n: int = PLANTED) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """``n`` edited copies of random passages of 12+ words, one or two edits each, in articles of
    their own: (copy key -> text, copy key -> original key, copy key -> edits)."""
    rng = random.Random(seed)
    keys = sorted(k for k, t in passages.items() if len(t.split()) >= 12)
    vocabulary = [w for k in rng.sample(keys, 200) for w in passages[k].split()]
    copies, original, how = {}, {}, {}
    for i, key in enumerate(rng.sample(keys, n)):
        edits = _edits(rng, vocabulary, passages[rng.choice(keys)])
        chosen = rng.sample(sorted(edits), rng.choice((1, 1, 2)))
        text = passages[key]
        for name in chosen:
            text = edits[name](text)
        copy = f"zz-plant-{seed}-{i:04d}#1"
        copies[copy], original[copy], how[copy] = text, key, "+".join(chosen)
    return copies, original, how


def _analyzer() -> WordAnalyzer:
    gazetteer = Gazetteer.load()
    return WordAnalyzer(load_stopwords(), gazetteer.protected_names())


def sketches(texts: dict[str, str], words: WordAnalyzer, size: int) -> dict:
    out = {}
    for key, text in texts.items():
        signature = reposts.sketch((w.exact for w in words.words(text)), size)
        if signature is not None:
            out[key] = signature
    return out


def score(stories: dict[str, str], base: dict[str, str], original: dict[str, str], how: dict[str, str]) -> dict:
    members: dict[str, set[str]] = {}
    for k, s in stories.items():
        members.setdefault(s, set()).add(k)
    found, right, mates = 0, 0, 0
    per_edit: dict[str, list[int]] = {}
    for copy, orig in original.items():
        story = stories.get(copy)
        hit = story is not None and stories.get(orig) == story
        found += hit
        for edit in how[copy].split("+"):
            per_edit.setdefault(edit, []).append(hit)
        if story is None:
            continue
        same_original = {c for c, o in original.items() if o == orig}
        natural = {k for k, s in base.items() if base.get(orig) is not None and s == base[orig]}
        for mate in members[story] - {copy}:
            mates += 1
            right += mate == orig or mate in same_original or mate in natural
    return {
        "recall": found / len(original),
        "precision": right / mates if mates else 1.0,
        "per_edit": {e: sum(v) / len(v) for e, v in sorted(per_edit.items())},
    }


def grouping(source: Path, seeds: list[int], sizes: list[int], thresholds: list[float]) -> list[dict]:
    words = _analyzer()
    passages = _passages(source)
    rows = []
    base_sketches = {size: sketches(passages, words, size) for size in sizes}
    for size in sizes:
        for threshold in thresholds:
            base = reposts.group_stories(base_sketches[size], threshold)
            runs = []
            for seed in seeds:
                copies, original, how = plant(passages, seed)
                signatures = {**base_sketches[size], **sketches(copies, words, size)}
                started = time.perf_counter()
                stories = reposts.group_stories(signatures, threshold)
                seconds = time.perf_counter() - started
                runs.append({**score(stories, base, original, how), "seconds": seconds})
            rows.append({
                "shingle": size, "threshold": threshold, "passages": len(passages),
                "sketched": len(base_sketches[size]), "natural_grouped": len(base),
                "runs": runs,
            })
    return rows


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def format_grouping(rows: list[dict]) -> str:
    out = ["| shingle | threshold | recall | precision | corpus passages grouped before planting |", "|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r['shingle']} | {r['threshold']} | {_spread([x['recall'] for x in r['runs']])} | "
            f"{_spread([x['precision'] for x in r['runs']])} | {r['natural_grouped']} of {r['passages']} |"
        )
    return "\n".join(out)


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _no_sketch(passages, size=reposts.SHINGLE_WORDS):
    return [None] * len(passages)


def cost(source: Path, runs: int, work: Path) -> list[dict]:
    """Rebuilds with grouping on and off, alternated (``runs`` each)."""
    out = []
    real_sketch = reposts.sketch_passages
    for run in range(runs):
        for mode in ("on", "off") if run % 2 == 0 else ("off", "on"):
            index_dir = work / f"index-{mode}"
            shutil.rmtree(index_dir, ignore_errors=True)
            reposts.sketch_passages = real_sketch if mode == "on" else _no_sketch
            try:
                started = time.perf_counter()
                report = build.rebuild_index(source, index_dir)
                seconds = time.perf_counter() - started
            finally:
                reposts.sketch_passages = real_sketch
            gen = current_generation(index_dir)
            out.append({
                "run": run, "mode": mode, "seconds": seconds, "passages": report.passages,
                "regrouped": report.regrouped, "index_bytes": _dir_size(gen),
                "side_bytes": (gen / reposts.SIDE_FILE).stat().st_size,
            })
            print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def scale(source: Path, runs: int) -> list[dict]:
    """The grouping's own steps over a whole corpus, without an index: analysing every passage (the
    indexer does it anyway: the peer), sketching it, grouping all signatures, the side file."""
    passages = _passages(source)
    out = []
    for run in range(runs):
        words = _analyzer()  # a fresh memo each run, as a rebuild has
        started = time.perf_counter()
        analysed = {k: [w.exact for w in words.words(t)] for k, t in passages.items()}
        analyse = time.perf_counter() - started
        started = time.perf_counter()
        articles: dict[str, list[str]] = {}  # sketched an article at a time, as the indexer does
        for k in analysed:
            articles.setdefault(reposts.article_of(k), []).append(k)
        signatures = {}
        for keys in articles.values():
            for k, signature in zip(keys, reposts.sketch_passages([analysed[k] for k in keys]), strict=True):
                if signature is not None:
                    signatures[k] = signature
        sketching = time.perf_counter() - started
        started = time.perf_counter()
        stories = reposts.group_stories(signatures)
        grouping_s = time.perf_counter() - started
        side = reposts.Sketches(signatures, stories).to_bytes()
        out.append({
            "run": run, "passages": len(passages), "sketched": len(signatures), "grouped": len(stories),
            "analyse_s": analyse, "sketch_s": sketching, "group_s": grouping_s, "side_bytes": len(side),
        })
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def format_scale(rows: list[dict]) -> str:
    r = rows[0]
    return "\n".join([
        f"passages: {r['passages']} ({r['sketched']} long enough to sketch, {r['grouped']} grouped); runs: {len(rows)}",
        f"analysis (the peer, done by indexing anyway): {_spread([x['analyse_s'] for x in rows])} s",
        f"sketching: {_spread([x['sketch_s'] for x in rows])} s = {_spread([x['sketch_s'] / x['analyse_s'] for x in rows])}× the analysis",
        f"grouping all signatures (every commit): {_spread([x['group_s'] for x in rows])} s",
        f"side file: {r['side_bytes'] / 2**20:.1f} MB",
    ])


def format_cost(rows: list[dict]) -> str:
    on = [r for r in rows if r["mode"] == "on"]
    off = [r for r in rows if r["mode"] == "off"]
    ratios = [a["seconds"] / b["seconds"] for a, b in zip(on, off, strict=True)]
    return "\n".join([
        f"passages: {on[0]['passages']}; runs: {len(on)} each, alternated",
        f"rebuild with grouping: {_spread([r['seconds'] for r in on])} s; without: {_spread([r['seconds'] for r in off])} s",
        f"ratio with/without, per run: {_spread(ratios)}",
        f"index: {on[0]['index_bytes'] / 2**20:.1f} MB with, {off[0]['index_bytes'] / 2**20:.1f} MB without "
        f"(+{(on[0]['index_bytes'] / off[0]['index_bytes'] - 1) * 100:.1f}%); side file {on[0]['side_bytes'] / 2**20:.1f} MB; "
        f"passages rewritten with their story: {on[0]['regrouped']}",
    ])


def _corpus(size: str) -> Path:
    for kind in ("real", "synthetic"):
        ready = Path(__file__).resolve().parent / "cache" / f"corpus-{size}-{kind}"
        if (ready / "DONE").exists():
            return ready
    return corpora.build_corpus(size)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="corpus for the grouping figures (benchmarks.corpus sizes)")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--sweep", action="store_true", help="shingle sizes 2–5 and thresholds 0.3–0.7")
    parser.add_argument("--cost", help="corpus size for the rebuild cost (e.g. 10k, 100k)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", help="corpus size for the grouping steps alone, without an index (e.g. 100k)")
    parser.add_argument("--corpora", help="build corpora missing from benchmarks/cache in this folder instead")
    args = parser.parse_args(argv)
    if args.corpora:
        corpora.CACHE = Path(args.corpora)
    if args.scale:
        rows = scale(_corpus(args.scale), args.runs)
        print(json.dumps(rows))
        print(format_scale(rows))
        return
    if args.cost:
        source = _corpus(args.cost)
        with tempfile.TemporaryDirectory() as work:
            rows = cost(source, args.runs, Path(work))
        print(json.dumps(rows))
        print(format_cost(rows))
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    sizes = [2, 3, 4, 5] if args.sweep else [reposts.SHINGLE_WORDS]
    thresholds = [0.3, 0.4, 0.5, 0.6, 0.7] if args.sweep else [reposts.THRESHOLD]
    rows = grouping(_corpus(args.size), seeds, sizes, thresholds)
    print(json.dumps(rows))
    print(format_grouping(rows))
    chosen = next(r for r in rows if r["shingle"] == reposts.SHINGLE_WORDS and r["threshold"] == reposts.THRESHOLD)
    edits = {e: [run["per_edit"][e] for run in chosen["runs"]] for e in chosen["runs"][0]["per_edit"]}
    print("recall per edit (defaults): " + ", ".join(f"{e} {_spread(v)}" for e, v in edits.items()))


if __name__ == "__main__":
    main()
