"""Scoring the analyzer on hand-made word lists: families that must conflate, pairs that must not.

A pair "conflates" when searching for one word finds a passage that holds only the other (see
``search.compiler.word_finds``): the measure a user feels, query expansion included.
"""

from dataclasses import dataclass
from itertools import permutations
from pathlib import Path

from arsearch.search.compiler import QueryCompiler, word_finds


@dataclass(frozen=True)
class WordListScore:
    family_pairs: int
    family_found: int
    strict_pairs: int
    strict_merged: tuple[tuple[str, str], ...]
    missed: tuple[tuple[str, str, str], ...]  # (family id, query, text word)

    @property
    def family_recall(self) -> float:
        return self.family_found / self.family_pairs if self.family_pairs else 0.0


def read_families(path: Path) -> list[tuple[str, list[str]]]:
    families = []
    for line in Path(path).read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        ident, _category, _gloss, forms = line.split("\t")
        families.append((ident, forms.split()))
    return families


def read_pairs(path: Path, status: str = "strict") -> list[tuple[str, str]]:
    pairs = []
    for line in Path(path).read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        a, b, pair_status, _gloss = line.split("\t")
        if pair_status == status:
            pairs.append((a, b))
    return pairs


def score_word_lists(compiler: QueryCompiler, families_file: Path, pairs_file: Path) -> WordListScore:
    found = total = 0
    missed = []
    for ident, forms in read_families(families_file):
        for a, b in permutations(forms, 2):
            total += 1
            if word_finds(compiler, a, b):
                found += 1
            else:
                missed.append((ident, a, b))
    strict = read_pairs(pairs_file)
    merged = tuple((a, b) for a, b in strict if word_finds(compiler, a, b) or word_finds(compiler, b, a))
    return WordListScore(total, found, len(strict), merged, tuple(missed))
