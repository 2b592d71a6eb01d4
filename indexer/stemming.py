"""Light stemming for Arabic search: Larkey's light10, with two guards.

Why light10 and not a library stemmer: measured on the word lists in the project's analysis material,
Snowball Arabic (PyStemmer) keeps fewer families together (52%) and mangles names (بوتين→وتين); root
stemmers (ISRI, tashaphyne) merge words a reader keeps apart (السلام/الإسلام, مكتب/كتاب). light10 is
what Lucene's ArabicStemmer and Elasticsearch's ``arabic`` analyzer implement; no maintained Python
package ships it, and it is a dozen lines.

The guards fix what light10 gets wrong in news text:

* proper names (from the gazetteer) are never stemmed, also behind a clitic (وماكرون → ماكرون, not
  ماكر), as long as at least four letters are left;
* a leading و that belongs to the stem (وزارة, وكالة, وطني) is not taken for the conjunction.

And its suffixes are taken so that a word's regular forms share its stem, measured over a real
vocabulary (``benchmarks.consistency``): the pronouns light10 misses (هم, هن, نا, كم), a ة written ت
before a pronoun or dual (حكومتهم = حكومة), and the dual ان after the plural endings (حيوانات = حيوان).

Input is a folded word (see ``indexer.folding``): ة is already ه and ى is ي.
"""

#: Prefixes light10 strips (one of them, longest match first); the bare و is handled apart.
_ARTICLE_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")

#: Pronoun suffixes (and the ه of a folded ة), outermost, at most one: light10's ها and ه, the dual
#: هما (دعمهما, استعدادهما), and the plural and first-person ones that light10 misses (جيشنا,
#: سياراتهم); كم only when four letters are left (اطفالكم), as it ends many stems (محاكم, تراكم).
#: Taken before the plural and dual endings, so سياراته and اعلانه stem like سيارات and اعلان.
_PRONOUNS = ("هما", "هم", "هن", "نا", "ها", "ه")

#: The other suffixes, each at most once, in this order (ة/ية are folded to ه/يه already). The
#: dual ان comes after the plural endings so that a stem ending in ان keeps the same stem in the
#: plural: امتحان, امتحانات and امتحانان all lose ان, where light10 took it only from the singular.
_SUFFIXES = ("ات", "ون", "ين", "ان", "ي")

#: Suffixes before which a ة is written ت (حكومتهم, سيارتين, عمليتها): the ت is put back as ة.
_AFTER_TA = ("هما", "كما", "هم", "هن", "كم", "نا", "ها", "ك", "ان", "ين")

#: Letters a stem keeps when a two-letter suffix comes off: light10's two would make بيان → بي
#: (and بيانات → بي), سكان → سك.
_MIN_STEM_LONG = 3
#: Letters left when the pronoun كم comes off (see ``_PRONOUNS``).
_MIN_STEM_KUM = 4

#: Clitics that may stand before a protected name (longest first).
_NAME_CLITICS = ("وال", "بال", "كال", "فال", "لل", "ال", "وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")

#: Shortest name that is still recognized behind a clitic: shorter ones collide with plain words.
_MIN_NAME_AFTER_CLITIC = 4

#: Stems whose first letter و is radical, not the conjunction "and" (folded spelling).
WAW_STEMS = (
    "وزار", "وزير", "وزراء", "وكال", "وكيل", "وطن", "وجود", "وجه", "وضع", "وضوح", "وقت", "وقف", "وقع",
    "ولاي", "ولد", "وفد", "وفق", "وفا", "وصل", "وصف", "وثيق", "وثاءق", "ورق", "وسط", "وساءل", "وسيل",
    "وعد", "وحد", "واشنطن", "وصي", "وصا", "وحيد", "واقع", "واجب", "وارد", "وظيف", "وزن", "ولي", "وتير", "وداع", "وريث",
)


def canonical_name(folded: str) -> str:
    """The form a protected name is indexed under: without the article, so الكرملين = للكرملين."""
    if folded.startswith("ال") and len(folded) - 2 >= 3:
        return folded[2:]
    return folded


def protected_lookup(folded: str, names: dict[str, str]) -> str | None:
    """The canonical name a word spells, possibly behind a clitic, or None."""
    hit = names.get(folded)
    if hit is not None:
        return hit
    for clitic in _NAME_CLITICS:
        if folded.startswith(clitic):
            rest = folded[len(clitic):]
            if len(rest) >= _MIN_NAME_AFTER_CLITIC:
                hit = names.get(rest)
                if hit is None and clitic == "لل":
                    hit = names.get("ال" + rest)
                if hit is not None:
                    return hit
    return None


def strip_prefix(word: str) -> str:
    """The word without the one prefix light10 would take off (article, or a conjunction و)."""
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix):]
    if word.startswith("و") and len(word) >= 4 and (not _starts_with_waw_stem(word) or _starts_with_waw_stem(word[1:])):
        return word[1:]
    return word


def _starts_with_waw_stem(word: str) -> bool:
    return word.startswith(WAW_STEMS)


def light10(word: str, article: bool = True, heh: bool = False, conjunction: bool = True) -> str:
    """light10 on a folded word, with the guard for a radical و and the suffix fixes above.

    ``article=False`` leaves a leading ال alone: in ألغام or إلغاء it is alef-hamza + lam, not the
    article, which only the unfolded spelling shows. ``heh=True`` says that a final ه was written ه,
    not ة, so after a ت it is the pronoun "his" (حكومته), which only the unfolded spelling shows.
    ``conjunction=False`` keeps a leading و: after a clitic ب/ل/ك it cannot be "and" (ب + و is not a
    clitic sequence: بوعزيزي, بومدين, لوران are names, بوزارة is ب + وزارة).
    """
    if (article or not word.startswith("ال")) and (conjunction or not word.startswith("و")):
        word = strip_prefix(word)
    word = _restore_ta_marbuta(word, heh)
    for suffix in _PRONOUNS:
        if word.endswith(suffix) and len(word) - len(suffix) >= (_MIN_STEM_LONG if len(suffix) > 1 else 2):
            word = word[: -len(suffix)]
            break
    else:
        if word.endswith("كم") and len(word) - 2 >= _MIN_STEM_KUM:
            word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (_MIN_STEM_LONG if len(suffix) > 1 else 2):
            word = word[: -len(suffix)]
    return word


def _restore_ta_marbuta(word: str, heh: bool) -> str:
    """حكومتهم → حكومه: a ت before a pronoun or dual ending is the word's ة, when a stem is left.

    Not after ا (سياراتهم is a plural in ات) and not when fewer than three letters come before the ت
    (بيتها, وقتهم: the ت is radical).
    """
    if "ت" not in word[-5:-1]:
        return word
    endings = (*_AFTER_TA, "ه") if heh else _AFTER_TA
    for suffix in endings:
        if word.endswith(suffix):
            head = word[: -len(suffix)]
            if head.endswith("ت") and len(head) - 1 >= _MIN_STEM_LONG and head[-2] != "ا":
                return head[:-1] + "ه"
            return word
    return word


def stem(folded: str, names: dict[str, str], article: bool = True, heh: bool = False) -> str:
    """The stem a folded word is indexed under: a protected name as is, anything else by light10."""
    name = protected_lookup(folded, names)
    if name is not None:
        return name
    return light10(folded, article, heh)
