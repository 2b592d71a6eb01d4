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

    python -m benchmarks.consistency          # rates by kind, the classes, a sample of the failures
"""

import argparse
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from arsearch.indexer.folding import fold
from arsearch.search.compiler import QueryCompiler, plan_finds, word_finds, word_plan

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
_SEATS = re.compile("[ءؤئ]")
#: أبو/أبا/أبي, أخو/أخا/أخي as written, behind و/ف/ل (group 1) at most.
_FIVE_NOUNS = re.compile("([وفل]?ل?)(أب|أخ)([واي])")


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


@dataclass(frozen=True)
class ClassCheck:
    """One class of unseen words, checked over every case of it in the list."""

    name: str
    cases: int
    passed: int
    failures: tuple


def an_plural_pairs(vocabulary: frozenset[str]) -> list[tuple[str, str]]:
    """(حيوان, حيوانات): stems ending in ان, with their plural in ات."""
    return sorted((w, w + "ات") for w in vocabulary if w.endswith("ان") and len(w) >= 4 and w + "ات" in vocabulary)


def ta_marbuta_pairs(vocabulary: frozenset[str]) -> list[tuple[str, str]]:
    """(حكومه, حكومتهم): words in ة with the ت of a pronoun or dual ending (not اة: حياة/حياتهم)."""
    suffixes = ("هم", "ها", "نا", "هما", "ين", "ان", "ه")
    return sorted(
        (w, w[:-1] + "ت" + s)
        for w in vocabulary
        if w.endswith("ه") and len(w) >= 4 and w[-2] != "ا"
        for s in suffixes
        if w[:-1] + "ت" + s in vocabulary
    )


def hamza_pairs(words: tuple[str, ...]) -> list[tuple[str, str]]:
    """(مسئول, مسؤول): words of the list as written that differ only in the seat of a hamza."""
    groups = defaultdict(set)
    for word in words:
        if _SEATS.search(word):
            groups[_SEATS.sub("ء", word)].add(word)
    return sorted((a, b) for g in groups.values() for a in g for b in g if a != b)


def bu_pairs(vocabulary: frozenset[str]) -> list[tuple[str, str]]:
    """(بوعزيزي, عزيزي): a word in بو/لو/كو and what is left after reading ب/ل/ك + و as clitics."""
    return sorted((w, w[2:]) for w in vocabulary if w[:2] in ("بو", "لو", "كو") and len(w) >= 5 and w[2:] in vocabulary)


def conjunction_words(vocabulary: frozenset[str]) -> list[str]:
    """والشقاء: words that are و + another word of the list."""
    return sorted(w for w in vocabulary if w.startswith("و") and len(w) >= 4 and w[1:] in vocabulary)


def five_noun_groups(words: tuple[str, ...]) -> list[set[str]]:
    """{أبو, أبا, أبي}: the case forms of أب/أخ, behind the same clitics, as written in the list."""
    forms = defaultdict(set)
    for word in words:
        m = _FIVE_NOUNS.fullmatch(word)
        if m:
            forms[m.group(1) + m.group(2)].add(word)
    return [g for _, g in sorted(forms.items()) if len(g) > 1]


def check_classes(compiler: QueryCompiler) -> list[ClassCheck]:
    """The classes of issue 7 §3, each over every case of it in wordfreq's list."""
    words = compiler.words
    vocabulary, raw = read_vocabulary(), read_words()

    def check(name, cases, ok):
        failures = tuple(c for c in cases if not ok(c))
        return ClassCheck(name, len(cases), len(cases) - len(failures), failures)

    def same_stem(pair):
        return words.analyze(pair[0])[1] == words.analyze(pair[1])[1]

    def apart_reads_together(w):
        return [t[2:] for t in words.words(f"قال و {w[1:]}")] == [t[2:] for t in words.words(f"قال {w}")]

    return [
        check("stem in ان, plural in ات: same stem", an_plural_pairs(vocabulary), same_stem),
        check("ة before a pronoun or dual: same stem", ta_marbuta_pairs(vocabulary), same_stem),
        check("hamza seats: a search for one finds the other", hamza_pairs(raw), lambda p: word_finds(compiler, *p)),
        check("بو/لو/كو: a search does not find the rest", bu_pairs(vocabulary), lambda p: not word_finds(compiler, *p)),
        check("و written apart reads as written together", conjunction_words(vocabulary), apart_reads_together),
        check("five nouns: one analysis per group", five_noun_groups(raw), lambda g: len({words.analyze(w) for w in g}) == 1),
    ]


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
    compiler = shipped_compiler()
    result = measure_consistency(compiler, read_vocabulary())
    print("| kind | pairs | same stem | rate |\n|---|---:|---:|---:|")
    for kind in KINDS:
        print(f"| {kind} | {result.pairs[kind]:,} | {result.shared[kind]:,} | {result.rate_of(kind):.1%} |")
    total, same = sum(result.pairs.values()), sum(result.shared.values())
    print(f"| all | {total:,} | {same:,} | {result.rate:.1%} |")
    print(f"\nsearch for the word finds the form: {result.found:,} of {result.searched:,} ({result.search_rate:.1%})")
    print("\n| class | cases | passed |\n|---|---:|---:|")
    for c in check_classes(compiler):
        print(f"| {c.name} | {c.cases:,} | {c.passed:,} |")
    failures = [f for f in result.failures if args.kind in (None, f[0])]
    for kind, word, form, a, b in random.Random(7).sample(failures, min(args.sample, len(failures))):
        print(f"{kind}\t{word} → {a}\t{form} → {b}")


if __name__ == "__main__":
    main()
