"""Orthographic folding of Arabic (and Latin) word forms.

One mapping, reused everywhere (tokens, stop list, gazetteer names, queries), so lists can never drift
from the tokens they must match. Folding works on a single word and never on the source text: offsets
stay in the original, so highlights land on the words as written.

Folding happens in two stages because the stop list must be checked in between: after stage 1
(marks, tatweel, hamza seats) "على" is a stop word, while after stage 2 (ى→ي, ة→ه) it would be
indistinguishable from the name "علي".
"""

import re

#: Harakat, tanween, shadda, sukun, superscript alef, Quranic annotation marks, tatweel, and the
#: invisible direction/joiner marks that scraped and typeset text carries inside words.
_MARKS = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u061C", "\u200C", "\u200D", "\u200E", "\u200F"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)

#: Stage 1: marks removed; hamza seats and wasla on alef to bare alef; the hamza on و and ي to the
#: hamza on the line (مسؤول/مسئول/مسءول, شؤون/شئون, أصدقاؤه/أصدقائه: the seat follows rules that
#: writers and countries apply differently); Urdu/Persian code points that some digitized Arabic
#: books use in place of the Arabic letters mapped back to them.
_STAGE1 = str.maketrans(
    {
        **{m: None for m in _MARKS},
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ
        "\u0672": "\u0627",
        "\u0673": "\u0627",
        "\u0624": "\u0621",  # ؤ → ء
        "\u0626": "\u0621",  # ئ → ء
        "\u06CC": "\u0649",  # Persian yeh ی (used for final ى and for ي; stage 2 folds both)
        "\u06C1": "\u0647",  # Urdu heh goal ہ
        "\u06C3": "\u0629",  # Urdu teh marbuta goal ۃ
        "\u06A9": "\u0643",  # keheh ک
    }
)

#: Stage 2: alef maqsura and teh marbuta, Arabic-Indic and Persian digits.
_STAGE2 = str.maketrans(
    {
        "\u0649": "\u064A",  # ى → ي
        "\u0629": "\u0647",  # ة → ه
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)

#: A word: letters and digits of any script, with the combining marks and tatweel that Python's
#: ``\w`` does not match kept inside it (otherwise شدّد would split into شد + د).
WORD_PATTERN = (
    r"(?:[^\W_]|[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200C\u200D])+"
)
WORD_RE = re.compile(WORD_PATTERN)


def fold_marks(word: str) -> str:
    """Stage 1: what the stop list is checked against."""
    return word.translate(_STAGE1).lower()


#: The five nouns' case forms, after stage 1: أبو/أبا/أبي and أخو/أخا/أخي (nominative, accusative,
#: genitive) are one word, mostly inside names (أبو بكر, لأبي مازن, أبا عبد الله), behind و/ف/ل at most.
#: Not ى (أبى "refused" is a verb) and not after ب or ك (بابا "pope", كابو).
_FIVE_NOUNS = re.compile(r"^((?:[وف]?ل?)?ا[بخ])[اي]$")


def fold_letters(word: str) -> str:
    """Stage 2, applied to the output of :func:`fold_marks`."""
    if len(word) <= 5 and _FIVE_NOUNS.match(word):
        word = word[:-1] + "و"
    return word.translate(_STAGE2)


def fold(word: str) -> str:
    """Both stages: the form under which a word is indexed for exact matching."""
    return fold_letters(word.translate(_STAGE1).lower())


def fold_text(text: str) -> list[str]:
    """Every word of a phrase, folded (for names, titles, stop lists)."""
    return [fold(m.group(0)) for m in WORD_RE.finditer(text)]
