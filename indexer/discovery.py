"""Discovering the people, organisations and places a corpus names, without a model.

No gazetteer holds the actors of a user's own news. What Arabic text gives instead are cues around
names, which event-data coders (PETRARCH's actor dictionaries, GDELT's person lists) also start from:

* a title or role before a name: الرئيس، الوزير، الشيخ، الدكتور، وزير الخارجية المغربي …;
* name particles: X بن Y, أبو/أبا/أبي Y (the five nouns' case forms), عبد Y, آل Y;
* a reporting verb before a name the language does not otherwise know: قال/أكد/أعلن/صرح …;
* two or more words in a row that wordfreq's Arabic list does not know (transliterated names);
* an organisation's head noun and its complement: وزارة الخارجية، حزب العدالة والتنمية، شركة سوناطراك;
* a place cue: مدينة وهران، ولاية تيزي وزو، مطار هواري بومدين.

A name ends at punctuation, a stop word or an ordinary word (see ``indexer.lexicon``). Within one
article, a short name that the article gives in full (خالد نزار … نزار) is the same entity. Spans that a
gazetteer entry covers are left to the gazetteer.

Each entity gets a stable id from its grouping key (``entity_key``: folded, particles in one case,
article and long vowels of unknown words dropped), so the same name gets the same id in every article
and every process that indexes one.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from arsearch.indexer.analysis import Word, WordAnalyzer
from arsearch.indexer.folding import fold_text
from arsearch.indexer.lexicon import COMMON_ZIPF, zipf

KINDS = ("person", "organization", "place", "unknown")


def _folded(words: str) -> frozenset[str]:
    return frozenset(w for phrase in words.split(",") for w in fold_text(phrase))


#: Titles and roles that stand before a person's name (folded, with the article).
PERSON_TITLES = _folded(
    "الرئيس, الرئيسة, الوزير, الوزيرة, الشيخ, السيد, السيدة, الدكتور, الدكتورة, الجنرال, اللواء, العقيد,"
    "العميد, الفريق, المشير, الملك, الملكة, الأمير, الأميرة, الكاتب, الكاتبة, الشاعر, الشاعرة, الصحفي,"
    "الصحفية, الصحافي, المحامي, النائب, النائبة, الأستاذ, الأستاذة, المدرب, اللاعب, الفنان, الفنانة,"
    "الإمام, القاضي, المستشار, السفير, المبعوث, الإعلامي, الباحث, المؤرخ, الروائي, المخرج, الممثل,"
    "البروفيسور, المهندس, الناشط, الناشطة, المعارض, الحاج, النبي, الخليفة, السلطان, القائد, الزعيم,"
    "المفكر, الفيلسوف, الفقيه, العلامة, البابا, المطران, الكاردينال, الأب, القس, الرسول, المغني, المغنية"
)
#: Role heads followed by their complement, then the name: وزير الخارجية المغربي ناصر بوريطة.
ROLE_HEADS = _folded("رئيس, رئيسة, وزير, وزيرة, أمين, مدير, مديرة, قائد, محافظ, والي, سفير, مندوب, ممثل, نائب, زعيم, الأمين")
#: "spokesman/spokeswoman of": الناطق باسم الحكومة X.
SPOKESMEN = _folded("الناطق, الناطقة, المتحدث, المتحدثة")
#: Reporting verbs (news): a name after one must be a word the lexicon does not know, or carry a
#: particle (قال تبون, قال عبد الله): قال is followed by every kind of word.
REPORTING_VERBS = _folded(
    "قال, قالت, أكد, أكدت, أعلن, أعلنت, صرح, صرحت, أوضح, أوضحت, أضاف, أضافت, أشار, أشارت, اعتبر,"
    "اعتبرت, روى, ذكر, ذكرت, كتب, كتبت, دعا, دعت, التقى"
)
#: Narrating verbs (the isnad of hadith and of classical prose): always followed by a narrator.
NARRATING_VERBS = _folded("حدثنا, حدثني, أخبرنا, أخبرني, أنبأنا, سمعت, حدثه, أخبره, حدثهم")
#: Kinship nouns: ابن أخي is "my nephew", not a name (matched on the stem, so أخيه and عمها too).
KINSHIP = _folded("أخ, أخت, عم, عمة, خال, خالة, ابن, بنت, أب, أم, جد, جدة, زوج, زوجة, أخو, أخا, أبو")
#: Particles inside names: X بن Y, أبو Y, عبد Y, آل Y.
SONS = _folded("بن, ابن, بنت, ابنة")
FATHERS = _folded("أبو, أبا, أبي, أم")
SERVANTS = _folded("عبد, عبيد")
FAMILIES = _folded("آل")
#: Organisation heads (without the article: a bare head takes its complement by idafa).
ORG_HEADS = _folded(
    "وزارة, حزب, جبهة, منظمة, جمعية, مجلس, هيئة, وكالة, صحيفة, جريدة, مجلة, جامعة, شركة, بنك, مصرف, مؤسسة,"
    "اتحاد, نقابة, حركة, دار, مطبعة, مكتبة, مركز, معهد, أكاديمية, مستشفى, محكمة, نادي, فريق, قناة, مجموعة,"
    "ائتلاف, لجنة, برلمان, تنظيم, كتائب, مكتب, مديرية, بلدية, إذاعة, تلفزيون, صندوق, اتحادية, مجمع"
)
#: Place cues: مدينة وهران، ولاية تيزي وزو.
PLACE_HEADS = _folded("مدينة, ولاية, محافظة, مطار, قرية, بلدة, منطقة, جزيرة, نهر, جبل, عاصمة, إقليم, وادي, بحر, بحيرة, ميناء")

_CUES = PERSON_TITLES | ROLE_HEADS | REPORTING_VERBS | NARRATING_VERBS | ORG_HEADS | PLACE_HEADS
_PARTICLES = SONS | FATHERS | SERVANTS | FAMILIES
_TRIGGERS = _CUES | _PARTICLES | SPOKESMEN
#: What ``_span_at`` tries before the X بن Y and unknown-word rules: a word in none starts neither.
_HEADS = PERSON_TITLES | SPOKESMEN | ROLE_HEADS | NARRATING_VERBS | REPORTING_VERBS | _PARTICLES | ORG_HEADS | PLACE_HEADS

#: Longest name a cue may introduce (words after the cue).
MAX_NAME_WORDS = 4
#: Longest organisation complement (وزارة التعليم العالي والبحث العلمي).
MAX_COMPLEMENT_WORDS = 5
#: Below this Zipf frequency a word is "unknown" (transliterated and foreign names: زخاروفا, تيلرسون);
#: it is where wordfreq's small list ends.
UNKNOWN_ZIPF = 3.0
#: Characters between two words that end a name.
_BREAKS = set(".,،؛;:!?؟()[]{}«»\"'“”‘’-–—/|…")
_CLITICS = "وفبلك"
#: Distinct word forms a discoverer remembers per memo (tens of bytes each); past it the memo
#: starts again empty.
MEMO_WORDS = 200_000
#: Bits of ``_WordInfo.marks``.
_STARTS = 1
_SON = 2
_AN = 4
_CUED = 8
_PARTICLE = 16  # in _PARTICLES, a clitic in front allowed
_FATHER = 32  # in FATHERS as written
_CUE = 64  # in _CUES, a clitic in front allowed
_DIGITS = 128
_ARTICLE = 256  # carries the article (``_has_article``)
_TITLE = 512  # in PERSON_TITLES or SPOKESMEN; this and the list bits below allow a clitic in front
_ROLE = 1024
_NARRATING = 2048
_REPORTING = 4096
_ORG = 8192  # an organisation head, with or without the article
_PLACE = 16384
#: Folded word -> the ``_WordInfo.marks`` bits of the lists that hold it (``_is`` adds a clitic).
_LIST_BITS: dict[str, int] = {}
for _words, _bit in (
    (_TRIGGERS, _STARTS), (SONS, _SON), (_HEADS, _CUED), (_PARTICLES, _PARTICLE), (_CUES, _CUE),
    (PERSON_TITLES | SPOKESMEN, _TITLE), (ROLE_HEADS, _ROLE), (NARRATING_VERBS, _NARRATING),
    (REPORTING_VERBS, _REPORTING), (ORG_HEADS, _ORG), (PLACE_HEADS, _PLACE),
):
    for _word in _words:
        _LIST_BITS[_word] = _LIST_BITS.get(_word, 0) | _bit
del _words, _bit, _word
#: Tanween: a particle written with it (أباً، ابنٌ) is a noun on its own, not the head of a name.
_TANWEEN = set("\u064b\u064c\u064d")


@dataclass(frozen=True)
class Mention:
    """A name in a passage: where it is (character offsets), who it is, and what told us."""

    start: int
    end: int
    ident: str
    kind: str
    surface: str  # the name as written (cue words excluded)
    source: str = "discovered"  # or "gazetteer"


_ARABIC_ONLY = re.compile("[\u0621-\u064a]*")


class _WordInfo(NamedTuple):
    marks: int  # _STARTS | _SON | _AN | _CUED | _PARTICLE | …
    written: str  # grouping key of the word as written
    bare: str  # grouping key of the word without a clitic in front


def _arabic(exact: str) -> bool:
    return _ARABIC_ONLY.fullmatch(exact) is not None


@lru_cache(maxsize=65536)
def _bare(exact: str) -> str:
    """A folded word without a one-letter clitic in front (وتبون → تبون), for names only."""
    if len(exact) > 3 and exact[0] in _CLITICS:
        return exact[1:]
    return exact


@lru_cache(maxsize=65536)
def _without_article(exact: str) -> str:
    for prefix in ("وال", "فال", "بال", "كال", "لل", "ال"):
        if exact.startswith(prefix) and len(exact) - len(prefix) >= 2:
            return exact[len(prefix):]
    return exact


def _has_article(exact: str) -> bool:
    return _without_article(exact) != exact


def entity_key(words: list[str]) -> str:
    """The grouping key of a name (folded words): same key, same entity.

    The five nouns in one case (أبا/أبي → ابو), ابن → بن, the article off, and the long vowels of
    words the lexicon does not know dropped (زاخاروفا/زخاروفا, تيلرسون/تيليرسون): transliterations
    disagree on them, Arabic names do not (سعد/سعيد stay apart).
    """
    return " ".join(_word_key(w) for w in words)


_NO_LONG_VOWELS = str.maketrans("", "", "اوي")


@lru_cache(maxsize=65536)
def _word_key(w: str) -> str:
    if w in FATHERS:
        return "ابو"
    if w in SONS:
        return "بن"
    w = _without_article(w)
    if zipf(w) < UNKNOWN_ZIPF and len(w) > 3:
        w = w[0] + w[1:-1].translate(_NO_LONG_VOWELS) + w[-1]
    return w


#: Arabic letters → ASCII for ids, one-to-one (emphatics doubled), so two keys never share an id.
_ROMAN = str.maketrans({
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "hh", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "ss", "ض": "dd", "ط": "tt", "ظ": "zz", "ع": "e",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w",
    "ي": "y", "ء": "q_", "ئ": "y_", "ؤ": "w_", " ": "_",
})


@lru_cache(maxsize=65536)
def entity_id(key: str) -> str:
    """A lowercase ASCII id from a grouping key (تبون → tbwn), valid in a gazetteer file."""
    out = key.translate(_ROMAN)
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "x" for ch in out)


class Discoverer:
    """Finds name spans in an article's passages; the tagger gives it the gazetteer's spans."""

    def __init__(self, words: WordAnalyzer):
        self.words = words
        # Per distinct word form, computed once (news repeats its vocabulary, as the analyzer's memo
        # relies on): which cue lists hold it, with or without a clitic; common; unknown.
        self._memo_common: dict[str, bool] = {}
        self._memo_unknown: dict[str, bool] = {}
        self._memo_words: dict[str, _WordInfo] = {}  # exact -> what every word is asked

    # --- word classes ------------------------------------------------------------------------------
    def _stop(self, w: Word) -> bool:
        return w.stem is None

    def _common(self, exact: str) -> bool:
        hit = self._memo_common.get(exact)
        if hit is None:
            hit = self._memo_common[exact] = zipf(exact) >= COMMON_ZIPF or zipf(_bare(exact)) >= COMMON_ZIPF
        return hit

    def _unknown(self, exact: str) -> bool:
        """Arabic letters, and not in the lexicon, also without a clitic (Latin text is not a name cue)."""
        hit = self._memo_unknown.get(exact)
        if hit is None:
            hit = self._memo_unknown[exact] = (
                _arabic(exact) and zipf(exact) < UNKNOWN_ZIPF and zipf(_bare(exact)) < UNKNOWN_ZIPF
            )
        return hit

    @staticmethod
    def _is(exact: str, words: frozenset[str]) -> bool:
        # Two set lookups cost less than building a memo key (this runs for every word of a passage).
        return exact in words or (len(exact) > 3 and exact[0] in _CLITICS and exact[1:] in words)

    def _word(self, exact: str) -> "_WordInfo":
        """What discovery asks of every word, once per distinct form, as bits: whether it may start
        a span (``_STARTS``: what ``_span_at`` looks for first), whether it is بن/ابن (``_SON``: the
        word before it may start one), whether it is عن (a chain of narrators goes on), which cue
        lists hold it (``_LIST_BITS``), article, digits; and its grouping keys as written and
        without a clitic (``entity_key`` of the word alone). A word's bits never depend on its
        neighbours: the rules combine them in context."""
        # ``_is`` of every list at once: the bits of the word as written and behind a clitic.
        marks = _LIST_BITS.get(exact, 0)
        if len(exact) > 3 and exact[0] in _CLITICS:
            marks |= _LIST_BITS.get(exact[1:], 0)
        article = _has_article(exact)
        if _without_article(exact) in ORG_HEADS:
            marks |= _STARTS | _CUED | (_ORG if article else 0)
        if not marks & _STARTS and self._unknown(exact):
            marks |= _STARTS
        if article:
            marks |= _ARTICLE
        if exact in FATHERS:
            marks |= _FATHER
        if exact == "عن":
            marks |= _AN
        if exact.isdigit():
            marks |= _DIGITS
        info = _WordInfo(marks, _word_key(exact), _word_key(_bare(exact)))
        if len(self._memo_words) >= MEMO_WORDS:
            self._memo_words.clear()
        self._memo_words[exact] = info
        return info

    def _words(self, toks: list[Word]) -> list["_WordInfo"]:
        get = self._memo_words.get
        word = self._word
        return [get(t.exact) or word(t.exact) for t in toks]

    def _cue(self, exact: str) -> bool:
        return self._is(exact, _CUES)

    def _unknown_word(self, w: Word) -> bool:
        """Not in the lexicon, nor is its stem (كربتي is a rare form of كرب; تيلرسون has no known stem)."""
        return self._unknown(w.exact) and (w.stem is None or zipf(w.stem) < UNKNOWN_ZIPF)

    def _particle(self, tok: Word, text: str) -> bool:
        """A name particle as the head of a name: بن، أبو/أبا/أبي، عبد، آل, never with tanween (أباً)."""
        return self._is(tok.exact, _PARTICLES) and not _TANWEEN & set(text[tok.start : tok.end])

    # --- spans -------------------------------------------------------------------------------------
    def _name_run(self, toks: list[Word], text: str, i: int, first_any: bool = False) -> int:
        """End (exclusive) of the person name that starts at ``toks[i]``; ``i`` when there is none.

        The first word must not carry the article (unless ``first_any``); after it the name goes on
        through particles (بن، أبو، عبد), the word after a particle, nisba surnames (الأنصاري) and
        words the lexicon does not know, up to MAX_NAME_WORDS, and stops at punctuation, stop words,
        ordinary words and cue words.
        """
        n = len(toks)
        if i >= n or self._stop(toks[i]) or self._cue(toks[i].exact) or toks[i].exact.isdigit():
            return i
        first = toks[i].exact
        if _has_article(first) and not first_any:
            return i
        j = i + 1
        after_particle = self._particle(toks[i], text) or (
            self._is(first, _PARTICLES) and not _TANWEEN & set(text[toks[i].start : toks[i].end])
        )
        memo = self._memo_words.get
        while j < n and j - i < MAX_NAME_WORDS + 2:
            if _broken(text, toks[j - 1], toks[j]):
                break
            tok = toks[j]
            w = tok.exact
            marks = (memo(w) or self._word(w)).marks
            particle = bool(marks & _PARTICLE) and not _TANWEEN & set(text[tok.start : tok.end])
            if after_particle:
                # عبد الله, بن أبي طالب; not ابن أخي (kin), not وأخاً (a conjunction starts no name).
                ok = (tok.stem is not None or marks & _FATHER) and not w.startswith("و") and tok.stem not in KINSHIP
            elif particle:
                ok = j + 1 < n and not _broken(text, tok, toks[j + 1]) and not self._stop(toks[j + 1])
            elif tok.stem is None or marks & (_CUE | _DIGITS):
                ok = False
            elif marks & _ARTICLE:
                ok = w.endswith("ي") or self._unknown(w)  # الأنصاري, التيمي
            else:
                ok = not self._common(w)
            if not ok:
                break
            after_particle = particle
            j += 1
        if after_particle:  # a name does not end on a particle
            j -= 1
        return j if j - i <= MAX_NAME_WORDS + 1 else i

    def _complement(self, toks: list[Word], text: str, i: int) -> int:
        """End of an organisation's complement starting at ``toks[i]``: a noun (or a name), then nisba
        adjectives and conjoined nouns (جبهة التحرير الوطني, حزب العدالة والتنمية, وزارة التعليم
        العالي والبحث العلمي). Any other noun after them is the sentence going on (… القرار)."""
        j = i
        while j < len(toks) and j - i < MAX_COMPLEMENT_WORDS:
            if j > i and _broken(text, toks[j - 1], toks[j]):
                break
            w = toks[j].exact
            if self._stop(toks[j]) or w.isdigit():
                break
            if j == i:
                if not _has_article(w) and self._common(w):
                    break
            elif w.startswith("وال"):
                pass
            elif not (_has_article(w) and w.endswith(("ي", "يه"))) and not self._unknown(w):
                break
            j += 1
        return j

    def passage_spans(self, text: str, taken: list[tuple[int, int]], toks=None, infos=None) -> list[tuple[int, int, str, list[str]]]:
        """Candidate names in one passage: (first token, end token, kind, name words), not overlapping
        each other or the gazetteer's character spans in ``taken``."""
        toks = list(self.words.words(text)) if toks is None else toks
        infos = self._words(toks) if infos is None else infos
        covered = {k for k, t in enumerate(toks) for s, e in taken if t.start < e and s < t.end} if taken else ()
        found: list[tuple[int, int, str]] = []
        marks = [info[0] for info in infos]
        marks.append(0)
        # Most words start nothing: only those ``_span_at`` would look at further are visited.
        visit = [k for k in range(len(toks)) if marks[k] & (_STARTS | _AN) or marks[k + 1] & _SON]
        i = 0
        chain = False  # inside a chain of narrators (حدثنا X، عن Y، عن Z)
        for k in visit:
            if k < i:
                continue
            span = self._span_at(toks, text, k, marks[k]) if marks[k] & _STARTS or marks[k + 1] & _SON else None
            if span is None and chain and marks[k] & _AN:
                span = self._narrator(toks, text, k)
            elif span is not None and self._is(toks[k].exact, NARRATING_VERBS):
                chain = True
            if span and not any(j in covered for j in range(span[0], span[1])):
                found.append(span)
                i = span[1]
            else:
                i = k + 1
        out = []
        for start, end, kind in found:
            names = [toks[k].exact for k in range(start, end)]
            out.append((start, end, kind, names))
        return out

    def _narrator(self, toks, text, i):
        """In a chain of narrators, "، عن X ،" names X (عن قتادة، عن عائشة)."""
        before = text[toks[i - 1].end : toks[i].start] if i else "،"
        nxt = i + 1
        if not any(ch in _BREAKS for ch in before) or nxt >= len(toks) or _broken(text, toks[i], toks[nxt]):
            return None
        end = self._name_run(toks, text, nxt, first_any=True)
        closed = end == len(toks) or _broken(text, toks[end - 1], toks[end])
        return (nxt, end, "person") if end > nxt and closed else None

    def _cued_span(self, toks, text, i, w, nxt, joined, marks):
        """The cue rules of ``_span_at``, in order: a span or None when one applies, False when none does."""
        if marks & _TITLE or (marks & _ROLE and not marks & _ARTICLE):
            # Skip the role's complement and nationality (وزير الخارجية المغربي, الناطق باسم الحكومة).
            j = nxt
            while j < len(toks) and j - nxt < 4 and not _broken(text, toks[j - 1], toks[j]):
                if _has_article(toks[j].exact) or toks[j].exact in ("باسم",):
                    j += 1
                    continue
                break
            if j >= len(toks) or _broken(text, toks[j - 1], toks[j]):
                return None
            end = self._name_run(toks, text, j)
            # One ordinary word after a title is not a name (النبي صلى, الرئيس قال).
            if end > j and not (end - j == 1 and self._common(toks[j].exact)):
                return (j, end, "person")
            return None
        if marks & _NARRATING:
            if not joined:
                return None
            first = toks[nxt].exact
            if _has_article(first) and self._common(first) and not first.endswith("ي"):
                return None
            end = self._name_run(toks, text, nxt, first_any=True)
            return (nxt, end, "person") if end > nxt else None
        if marks & _REPORTING:
            end = self._name_run(toks, text, nxt)
            if end > nxt and joined:
                words = [toks[k].exact for k in range(nxt, end)]
                particled = any(x in SONS | FATHERS | SERVANTS for x in words)
                if particled or (end - nxt == 1 and self._unknown_word(toks[nxt])) or (
                    end - nxt > 1 and not self._common(words[0])
                ):
                    return (nxt, end, "person")
            return None
        if self._particle(toks[i], text) or self._is(w, FATHERS) and not _TANWEEN & set(text[toks[i].start : toks[i].end]):
            end = self._name_run(toks, text, i)
            if end > i + 1:
                return (i, end, "organization" if self._is(w, FAMILIES) else "person")
            return None
        if marks & _ORG:
            if not marks & _ARTICLE:
                end = self._complement(toks, text, nxt)
                if end > nxt and joined:
                    return (i, end, "organization")
                return None
            # With the article, a nisba adjective names it (المكتبة المحمودية, الحزب الشيوعي).
            end = nxt
            while end < len(toks) and _has_article(toks[end].exact) and toks[end].exact.endswith(("يه", "ي")) \
                    and not _broken(text, toks[end - 1], toks[end]) and end - nxt < MAX_COMPLEMENT_WORDS:
                end += 1
            return (i, end, "organization") if end > nxt else None
        if marks & _PLACE and not marks & _ARTICLE:
            end = self._name_run(toks, text, nxt, first_any=True)
            if end > nxt and joined:
                return (nxt, end, "place")
            return None
        return False

    def _span_at(self, toks, text, i, marks):
        """The span that ``toks[i]`` starts, if any. Asked only of the words that may start one
        (``_WordInfo.marks``: a cue, a particle, a word before بن, or an unknown word); ``marks``
        are the word's (with ``_CUED``, the cue rules are tried first)."""
        w = toks[i].exact
        nxt = i + 1
        joined = nxt < len(toks) and not _broken(text, toks[i], toks[nxt])
        if marks & _CUED:
            span = self._cued_span(toks, text, i, w, nxt, joined, marks)
            if span is not False:
                return span
        # X بن Y: the word before بن starts the name (الحجاج بن يوسف).
        if joined and self._particle(toks[nxt], text) and toks[nxt].exact in SONS and not self._stop(toks[i]) and not marks & _CUE:
            end = self._name_run(toks, text, i, first_any=True)
            if end > nxt + 1:
                return (i, end, "person")
        # Words the lexicon does not know, nor their stems: a transliterated name (ريكس تيلرسون).
        # One such word alone is as often a rare inflection (يصطادوا، فاهدم): two in a row are needed.
        if not self._stop(toks[i]) and not marks & _ARTICLE and len(w) > 2 and self._unknown_word(toks[i]):
            end = nxt
            while end < len(toks) and end - i < MAX_NAME_WORDS and self._unknown_word(toks[end]) \
                    and not self._stop(toks[end]) and not _has_article(toks[end].exact) \
                    and not _broken(text, toks[end - 1], toks[end]):
                end += 1
            if end - i > 1:
                return (i, end, "unknown")
        return None

    # --- an article --------------------------------------------------------------------------------
    def article_mentions(self, paragraphs, taken_per_passage, words_per_passage=None) -> list[list[Mention]]:
        """Discovered mentions per passage; short names resolved to the article's full names."""
        per_passage = []
        full_by_word: dict[str, set[str]] = {}
        keys_kind: dict[str, str] = {}
        if words_per_passage is None:
            words_per_passage = [self.words.words(text) for text in paragraphs]
        for text, taken, words in zip(paragraphs, taken_per_passage, words_per_passage, strict=True):
            toks = list(words)
            infos = self._words(toks)
            spans = self.passage_spans(text, taken, toks, infos)
            # entity_key of each span, from the words' own keys
            keys = [" ".join([infos[k].written for k in range(start, end)]) for start, end, _, _ in spans]
            per_passage.append((text, toks, taken, spans, keys, infos))
            for (_, _, kind, names), key in zip(spans, keys, strict=True):
                keys_kind.setdefault(key, kind)
                if kind == "person" and len(names) > 1:
                    for w in names[1:]:
                        if w not in _PARTICLES and not _has_article(w):
                            full_by_word.setdefault(entity_key([w]), set()).add(key)
        out = []
        for text, toks, taken, spans, keys, infos in per_passage:
            mentions = []
            used = set()
            for (start, end, kind, names), key in zip(spans, keys, strict=True):
                if len(names) == 1 and len(full_by_word.get(key, ())) == 1:
                    key = next(iter(full_by_word[key]))
                    kind = keys_kind[key]
                used.update(range(start, end))
                mentions.append(self._mention(text, toks[start].start, toks[end - 1].end, key, kind))
            # Short names alone (… نزار): a word that is one full name's part, not taken by anything.
            # The word as written, or behind a clitic (ونزار); never a common word (أمس).
            short = [k for k, info in enumerate(infos) if info.written in full_by_word or info.bare in full_by_word] if full_by_word else ()
            for k in short:
                tok = toks[k]
                info = infos[k]
                full = full_by_word.get(info.written) or full_by_word.get(info.bare)
                if len(full) != 1:
                    continue
                if k in used or self._stop(tok) or any(s < tok.end and tok.start < e for s, e in taken):
                    continue
                if not self._common(tok.exact):
                    key = next(iter(full))
                    mentions.append(self._mention(text, tok.start, tok.end, key, keys_kind[key]))
            mentions.sort(key=lambda m: m.start)
            out.append(mentions)
        return out

    @staticmethod
    def _mention(text: str, start: int, end: int, key: str, kind: str) -> Mention:
        return Mention(start, end, entity_id(key), kind, text[start:end])


def _broken(text: str, a: Word, b: Word) -> bool:
    """Whether punctuation stands between two words (a name never runs across it)."""
    gap = text[a.end : b.start]
    if gap == " ":  # most words are one space apart
        return False
    broken = _GAPS.get(gap)
    if broken is None:
        broken = any(ch in _BREAKS for ch in gap)
        if len(_GAPS) < MEMO_WORDS:
            _GAPS[gap] = broken
    return broken


#: Gaps between words seen so far -> whether punctuation is in them.
_GAPS: dict[str, bool] = {}
