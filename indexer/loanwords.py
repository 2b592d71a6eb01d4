"""Spelling variants of transliterated words, by rule: كمبيوتر/كومبيوتر, تلفزيون/تليفزيون, إنجليزي/إنكليزي.

A foreign word has no one Arabic spelling: a short vowel of the source (computer, television) is
written as a long و/ي or not at all, and a g is written ج (Egypt), غ (the Levant, the Gulf) or ك
(Iraq). No normalizer folds these, and a list (like ``data/variants.toml``) only knows the words
someone typed into it. This rule searches the other spellings of any long word at query time.

Why only stems of six letters or more (not counting a leading ب/ل/ك, which the index keeps on the
word): Arabic's own patterns differ by exactly these edits in shorter words (تحمل/تحميل, محدد/محدود,
تشغيل/تشكيل), where the two spellings are two words. Measured on wordfreq's 50,000 most frequent
Arabic words, the pairs of stems of six letters or more that one such edit joins are all
transliterations (37 of 37 read: بنغلادش/بنغلاديش, دكتاتور/ديكتاتور, انترنت/انترنيت …); with four or
five letters, most are not. A word whose loanword ending -يون/-يين/-يان light stemming cut off
(تلفزيون → تلفز) has its whole spelling varied too.
"""

#: Shortest stem the rule applies to (both the typed one and the variant).
MIN_LOANWORD = 6
#: Shortest whole word (article taken off) the rule applies to: light stemming cuts some loanwords
#: below six letters (تلفزيون → تلفز, its ون taken for a plural), so their full spelling is varied too.
MIN_LOANWORD_FORM = 7
#: Shortest stem such a whole word may have (تلفزيون → تلفز), and the endings stemming cut off it.
_SHORTEST_STEM = 4
_LOAN_ENDINGS = ("يون", "يين", "يان")
#: Letters a g is written with.
_G_LETTERS = "جغك"
#: Vowel letters and hamza: a long vowel is written or dropped only between two consonants.
_VOWELS = frozenset("اويء")


def loanword_stems(word: str, stems: set[str], analyze) -> set[str]:
    """The stems to search for the other spellings of ``word`` (folded, prefix taken off).

    ``stems`` are the word's own stems, ``analyze`` gives the stem of a spelling. A whole-word
    variant counts only when its stem is one of the word's stems with a long vowel written or
    dropped (تلفز/تليفز), so that a suffix read differently never brings in another word.
    """
    found = set().union(*(loanword_variants(s) for s in stems))
    # Only where stemming took a loanword's ending -ion/-ian for suffixes (تلفزيون → تلفز, ي + ون);
    # other endings are not enough (معلومات → معلوم, and معلوم/معلم are two Arabic words).
    cut = [s for s in stems if word.endswith(_LOAN_ENDINGS) and s == word[:-3]]
    if _length(word) >= MIN_LOANWORD_FORM and cut:
        near = set().union(*(loanword_variants(s, _SHORTEST_STEM, g_letters=False) for s in cut))
        found.update(v for v in map(analyze, loanword_variants(word, MIN_LOANWORD_FORM)) if v in near)
    return found - stems


def loanword_variants(stem: str, shortest: int = MIN_LOANWORD, g_letters: bool = True) -> set[str]:
    """The spellings one edit away: a medial و/ي written or dropped, or another letter for g."""
    if _length(stem) < shortest:
        return set()
    out = set()
    for i in range(1, len(stem)):
        if stem[i - 1] not in _VOWELS and stem[i] not in _VOWELS:
            out.update(stem[:i] + v + stem[i:] for v in "وي")
    for i in range(1, len(stem) - 1):
        if stem[i] in "وي" and stem[i - 1] not in _VOWELS and stem[i + 1] not in _VOWELS:
            out.add(stem[:i] + stem[i + 1 :])
    for i, letter in enumerate(stem):
        if g_letters and letter in _G_LETTERS:
            out.update(stem[:i] + g + stem[i + 1 :] for g in _G_LETTERS if g != letter)
    return {v for v in out if _length(v) >= shortest}


def _length(stem: str) -> int:
    """Letters counted for the thresholds: a leading ب/ل/ك may be a clitic that the index keeps on the
    word (لتشغيل is ل + a five-letter word, and لتشغيل/لتشكيل two words)."""
    return len(stem) - (stem[:1] in ("ب", "ل", "ك"))
