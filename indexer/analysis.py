"""The Arabic analyzer: the same word analysis for documents, queries, tagging and highlighting.

A word goes through: tokenizer (diacritics stay inside words) → stage-1 folding → stop list →
stage-2 folding → light stemming with protected names. Each distinct word form is analyzed once and
memoized: news text repeats its vocabulary, so this makes analysis nearly free at index time.

Two Whoosh fields read the same text through this module:

* ``exact`` — the folded form of every word, stop words included, with positions: quoted phrases
  and exact-form ranking (a passage saying سورية ranks above one saying سورة);
* ``text`` — the light stem, stop words dropped: recall across inflections and clitics.

Normalization rewrites token text only; offsets always point into the original text.
"""

import re
from collections import OrderedDict, defaultdict
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from arsearch.indexer.folding import WORD_RE, fold_letters, fold_marks
from arsearch.indexer.stemming import stem
from whoosh.analysis import Analyzer, Token
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

_TANWEEN_FATH = "\u064B"
_CONJUNCTION = "و"
_ARABIC_LETTER = re.compile("[\u0621-\u064A]")
_HAMZA_ALEFS = frozenset("\u0623\u0625\u0622")

#: Bumped whenever a change here would index a word differently: old indexes must be rebuilt.
ANALYZER_VERSION = 4
#: Texts whose words a word analyzer keeps: more than an article's passages (the tagger analyzes
#: them all before they are indexed), so that each passage is analyzed once.
RECENT_TEXTS = 1024
#: Field values whose frequency postings an analyzer keeps (a title is indexed on each of its passages).
RECENT_VALUES = 8


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """The shipped stop list, folded with stage 1 only (so على is a stop word and علي is not)."""
    text = resources.files("arsearch.indexer.data").joinpath("stopwords_ar.txt").read_text("utf-8")
    words = set()
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        words.update(fold_marks(w) for w in line.split())
    return frozenset(words)


class Word(NamedTuple):
    """One word of a text: where it is, and the forms it is indexed under.

    A named tuple rather than a dataclass: one is made per word of every passage indexed, and a
    tuple is several times cheaper to build.
    """

    start: int
    end: int
    exact: str
    stem: str | None  # None for a stop word


class WordAnalyzer:
    """Folds, stops and stems single words, remembering each distinct form it has seen."""

    def __init__(self, stopwords: frozenset[str], names: dict[str, str]):
        self.stopwords = stopwords
        self.names = names
        self._memo: dict[str, tuple[str, str | None]] = {}
        # The texts analyzed last and their words: indexing reads each passage three times (tagging,
        # the stem field, the exact field), and the tagger reads a whole article before the fields
        # are indexed; every passage repeats its article's title. An OrderedDict, whose C methods
        # a thread never sees half done.
        self._recent: OrderedDict[str, tuple[Word, ...]] = OrderedDict()

    def analyze(self, raw: str) -> tuple[str, str | None]:
        """(exact form, stem or None when the word is a stop word)."""
        forms = self._memo.get(raw)
        if forms is None:
            marks_folded = fold_marks(raw)
            exact = fold_letters(marks_folded)
            if marks_folded in self.stopwords or not exact:
                forms = (exact, None)
            else:
                # ال after a hamza seat (ألغام, إلغاء) is not the article.
                article = raw[:1] not in _HAMZA_ALEFS
                if _TANWEEN_FATH in raw and exact.endswith("ا") and len(exact) > 3:
                    # The alif carrying tanween (جهوداً) is case ending, not stem: جهوداً = جهود.
                    exact_stem = exact[:-1]
                else:
                    exact_stem = exact
                # A final ه written as ه (not ة) after a ت is a pronoun: حكومته is حكومة + his.
                heh = marks_folded.endswith("ه")
                forms = (exact, stem(exact_stem, self.names, article, heh))
            if len(self._memo) < 1_000_000:
                self._memo[raw] = forms
        return forms

    def words(self, text: str) -> tuple[Word, ...]:
        """Every word of a text, in order (the result is shared with the next caller: don't mutate).

        A conjunction written apart from its word ("السعادة و الشقاء") is read as written together
        (والشقاء): one word, spanning both, so a phrase matches however the و was typed.
        """
        found = self._recent.get(text)
        if found is not None:
            return found
        analyze = self.analyze
        known = self._memo.get  # the forms of a word seen before, without a call to analyze
        out = []
        conjunction = None  # a lone و waiting for its word
        for match in WORD_RE.finditer(text):
            raw = match.group(0)
            start, end = match.span()
            if conjunction is not None:
                if _ARABIC_LETTER.match(raw) and text[conjunction[1] : start].isspace():
                    raw = conjunction[0] + raw
                    start = conjunction[2]
                else:
                    out.append(Word(conjunction[2], conjunction[1], *analyze(conjunction[0])))
                conjunction = None
            if raw[0] == _CONJUNCTION and len(raw) <= 3 and fold_marks(raw) == _CONJUNCTION:
                conjunction = (raw, end, start)
                continue
            exact, stemmed = known(raw) or analyze(raw)
            if exact:
                out.append(Word(start, end, exact, stemmed))
        if conjunction is not None:
            out.append(Word(conjunction[2], conjunction[1], *analyze(conjunction[0])))
        words = tuple(out)
        recent = self._recent
        recent[text] = words
        if len(recent) > RECENT_TEXTS:
            try:
                recent.popitem(last=False)
            except KeyError:  # another thread took the last one
                pass
        return words

    def __getstate__(self):
        return {"stopwords": self.stopwords, "names": self.names}

    def __setstate__(self, state):
        self.__init__(state["stopwords"], state["names"])

    def __eq__(self, other):
        return (
            isinstance(other, WordAnalyzer)
            and self.stopwords == other.stopwords
            and self.names == other.names
        )


class ArabicAnalyzer(Analyzer):
    """A Whoosh analyzer yielding either the exact (folded) forms or the stems of a text.

    Kept at this import path: the index pickles it inside its schema.
    """

    def __init__(self, words: WordAnalyzer, output: str):
        if output not in ("exact", "stem"):
            raise ValueError(f"output must be 'exact' or 'stem', not {output!r}")
        self.words = words
        self.output = output
        self._recent_values: OrderedDict = OrderedDict()  # (value, format) -> postings (shared: don't mutate)

    def __getstate__(self):
        return {"words": self.words, "output": self.output}

    def __setstate__(self, state):
        self.__init__(state["words"], state["output"])

    def word_values(self, value: str, fmt) -> list[tuple[bytes, int, float, bytes]]:
        """The postings of one field value: (term, frequency, weight, encoded value) per distinct term.

        Exactly what Whoosh's generic path (``fmt.word_values`` over this analyzer's token stream)
        yields, computed from the shared word analysis without a Token per word: the indexing hot
        path (see ``indexer.schema.ArabicText``).
        """
        if type(fmt) is not Frequency:
            # Positions are kept apart: a writer pickles a block's values, and equal values that
            # are one object pickle shorter than equal copies (the index would change).
            return self._word_values(value, fmt)
        key = (value, fmt.field_boost)
        recent = self._recent_values
        found = recent.get(key)
        if found is not None:
            return found
        found = self._word_values(value, fmt)
        recent[key] = found
        if len(recent) > RECENT_VALUES:
            try:
                recent.popitem(last=False)
            except KeyError:  # another thread took the last one
                pass
        return found

    def _word_values(self, value: str, fmt) -> list[tuple[bytes, int, float, bytes]]:
        fb = fmt.field_boost
        want_stem = self.output == "stem"
        positions: dict[str, list[int]] = defaultdict(list)
        # A token's position counts every word with a folded form, stop words included.
        for pos, word in enumerate(self.words.words(value)):
            term = word.stem if want_stem else word.exact
            if term is not None:
                positions[term].append(pos)
        if type(fmt) is Positions:
            return [(t.encode("utf-8"), len(p), len(p) * fb, fmt.encode(p)) for t, p in positions.items()]
        if type(fmt) is Frequency:
            return [(t.encode("utf-8"), len(p), len(p) * fb, pack_uint(len(p))) for t, p in positions.items()]
        return [(t.encode("utf-8"), freq, weight, v) for t, freq, weight, v in fmt.word_values(value, self, mode="index")]

    def __eq__(self, other):
        return (
            isinstance(other, ArabicAnalyzer)
            and self.output == other.output
            and self.words == other.words
        )

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        want_stem = self.output == "stem"
        pos = start_pos
        # The same words as indexing (one path: conjunctions written apart are joined there).
        for word in self.words.words(value):
            if want_stem:
                if word.stem is None:
                    pos += 1
                    continue
                token.text = word.stem
            else:
                token.text = word.exact
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[word.start : word.end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + word.start
                token.endchar = start_char + word.end
            pos += 1
            yield token
