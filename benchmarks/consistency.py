"""Stem consistency over a real vocabulary: do a word's regular inflections share its stem?

Two rates are measured. *Stem*: the form gets the word's own stem at index time (the article, و/ف,
the sound-plural, dual and pronoun endings). *Search*: a search for the word finds a passage holding
only the form (``search.compiler.word_finds``: query-time expansion included), which also covers the
bare ب/ل/ك clitics that are expanded at query time only (stemming them off at index time would merge
بطاقة with طاقة).

The hand-made word lists in ``tests/data`` hold a few hundred forms; a user's news brings tens of
thousands the team never saw. This measure takes the most frequent Arabic words of a real
word-frequency list (wordfreq's, built from web, news, subtitles and Wikipedia text) and, for every
word whose regular forms — with the article, a clitic, a sound-plural or dual ending, or a pronoun
suffix — also occur in that list, checks that each such form gets the word's stem. Only forms that
real text uses are counted, so the measure is about the words users bring, not about made-up ones.

Some generated forms are another word by accident (بي + ان is بيان, ر + د with و is ورد "rose"), so
100% is not the aim; the rate is a floor that a change to the analyzer must not lower.

    python -m benchmarks.consistency          # rates by kind, and a sample of the failures
"""

import argparse
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from arsearch.indexer.folding import fold
from arsearch.search.compiler import QueryCompiler, plan_finds, word_plan

#: How many of wordfreq's most frequent Arabic words are read (the issue's figure).
VOCABULARY_SIZE = 50_000
#: Base words shorter than this are mostly particles, where "forms" are other words by accident.
MIN_BASE = 3

_ARABIC_WORD = re.compile(r"^[\u0621-\u064A]+$")
_CLITICS = ("و", "ف", "ب", "ل", "ك", "وال", "بال", "فال", "كال")
#: Clitics expanded at query time only: their forms count for the search rate, not the stem rate.
_QUERY_TIME_CLITICS = ("ب", "ل", "ك")
_PRONOUNS = ("ها", "هم", "هما", "هن", "كم", "نا")
#: After the ت that a ة becomes before a suffix: the same pronouns, and ه/ي, unambiguous there.
_TA_PRONOUNS = (*_PRONOUNS, "ه", "ي", "ك")
KINDS = ("definite", "clitic", "plural", "dual", "pronoun")


@dataclass(frozen=True)
class Consistency:
    pairs: Counter  # kind -> pairs counted for the stem rate
    shared: Counter  # kind -> of those, pairs whose stems agree
    searched: int  # pairs counted for the search rate (all kinds, bare ب/ل/ك included)
    found: int  # of those, pairs where a search for the word finds the form
    failures: tuple[tuple[str, str, str, str, str], ...]  # (kind, word, form, stem of word, stem of form)

    @property
    def rate(self) -> float:
        total = sum(self.pairs.values())
        return sum(self.shared.values()) / total if total else 0.0

    @property
    def search_rate(self) -> float:
        return self.found / self.searched if self.searched else 0.0

    def rate_of(self, kind: str) -> float:
        return self.shared[kind] / self.pairs[kind] if self.pairs[kind] else 0.0


@lru_cache(maxsize=1)
def read_words(size: int = VOCABULARY_SIZE) -> tuple[str, ...]:
    """wordfreq's ``size`` most frequent Arabic words as written (its data ships in the wheel: no network)."""
    from wordfreq import top_n_list

    return tuple(top_n_list("ar", size))


@lru_cache(maxsize=1)
def read_vocabulary(size: int = VOCABULARY_SIZE) -> frozenset[str]:
    """The same words, folded: Arabic letters only."""
    return frozenset(f for f in (fold(w) for w in read_words(size)) if _ARABIC_WORD.match(f))


def inflected_forms(word: str) -> list[tuple[str, str]]:
    """(kind, form) for the regular forms of a bare folded word (ة is folded to ه)."""
    out = [("definite", "ال" + word)]
    out += [("clitic", c + word) for c in _CLITICS]
    out.append(("clitic", "لل" + word[1:] if word.startswith("ل") else "لل" + word))
    if word.endswith("ه"):
        base = word[:-1]
        out.append(("plural", base + "ات"))
        out += [("dual", base + "تان"), ("dual", base + "تين")]
        out += [("pronoun", base + "ت" + p) for p in _TA_PRONOUNS]
    else:
        out += [("plural", word + s) for s in ("ون", "ين", "ات")]
        out.append(("dual", word + "ان"))
        out += [("pronoun", word + p) for p in _PRONOUNS]
    return out


def _is_base(word: str, vocabulary: frozenset[str]) -> bool:
    """A bare word: not itself the article or a clitic on another word of the list (لبيان is ل + بيان)."""
    if len(word) < MIN_BASE or word.startswith("ال"):
        return False
    return not any(word.startswith(c) and word[len(c):] in vocabulary for c in _CLITICS)


def measure_consistency(compiler: QueryCompiler, vocabulary: frozenset[str]) -> Consistency:
    words = compiler.words
    pairs: Counter = Counter()
    shared: Counter = Counter()
    searched = found = 0
    failures = []
    for word in sorted(vocabulary):
        if not _is_base(word, vocabulary):
            continue
        base_stem = words.analyze(word)[1]
        if base_stem is None:
            continue
        plan = word_plan(compiler, word)
        seen = set()
        for kind, form in inflected_forms(word):
            if form not in vocabulary or form in seen:
                continue
            seen.add(form)
            form_stem = words.analyze(form)[1]
            if form_stem is None:
                continue
            searched += 1
            found += plan is not None and plan_finds(compiler, plan, form)
            if kind == "clitic" and form[0] in _QUERY_TIME_CLITICS and not form.startswith(("بال", "كال")):
                continue
            pairs[kind] += 1
            if form_stem == base_stem:
                shared[kind] += 1
            else:
                failures.append((kind, word, form, base_stem, form_stem))
    return Consistency(pairs, shared, searched, found, tuple(failures))


def shipped_compiler() -> QueryCompiler:
    """The query compiler over the shipped stop list and gazetteer: what a fresh index searches with."""
    from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
    from arsearch.indexer.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    return QueryCompiler(WordAnalyzer(load_stopwords(), gazetteer.protected_names()), gazetteer)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=40, help="failures to print, drawn at random (seeded)")
    parser.add_argument("--kind", choices=KINDS, help="print failures of this kind only")
    args = parser.parse_args(argv)
    result = measure_consistency(shipped_compiler(), read_vocabulary())
    print("| kind | pairs | same stem | rate |\n|---|---:|---:|---:|")
    for kind in KINDS:
        print(f"| {kind} | {result.pairs[kind]:,} | {result.shared[kind]:,} | {result.rate_of(kind):.1%} |")
    total, same = sum(result.pairs.values()), sum(result.shared.values())
    print(f"| all | {total:,} | {same:,} | {result.rate:.1%} |")
    print(f"\nsearch for the word finds the form: {result.found:,} of {result.searched:,} ({result.search_rate:.1%})")
    failures = [f for f in result.failures if args.kind in (None, f[0])]
    for kind, word, form, a, b in random.Random(7).sample(failures, min(args.sample, len(failures))):
        print(f"{kind}\t{word} → {a}\t{form} → {b}")


if __name__ == "__main__":
    main()
