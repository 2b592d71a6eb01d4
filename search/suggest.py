"""Did you mean: corrected queries built from the index's own vocabulary, kept only if they find passages.

When a query finds nothing or very little, each of its plain words that finds nothing on its own is
compared with the folded word forms of the index (the ``exact`` field's lexicon) and with the
gazetteer's names, by an edit distance that knows how Arabic is misspelt and transliterated:

* folding already makes أ/إ/آ/ا, ى/ي and ة/ه the same letter, so those confusions cost nothing;
* dropping or adding a long vowel or hamza (ا و ي ء: بوتن/بوتين, ماكرن/ماكرون) costs half an edit,
  and so does swapping letters that transliteration or a hamza seat confuses (غ/ج/ق/ك for "g",
  ت/ط, س/ص/ث, ز/ذ/ظ, د/ض, ؤ/و, ئ/ي);
* any other missing, extra, substituted or swapped letter costs one edit.

A Latin word close to an actor's English name (putn, Macrn) is offered the Arabic name (an exact
English name already searches as the Arabic one). Each
candidate query is run with the same filters; only those that find more passages than the original
are returned, best (fewest edits, then most passages) first. The CLI and the web page only format them.
"""

import itertools
import re
import unicodedata
import weakref
from dataclasses import dataclass, replace

from arsearch.indexer import settings
from arsearch.indexer.errors import QueryError
from arsearch.indexer.folding import WORD_RE, fold
from arsearch.indexer.stemming import strip_prefix
from arsearch.search import parser as qp
from arsearch.search.budget import Deadline
from arsearch.search.expansion import index_words
from arsearch.search.results import SearchResult, Suggestion
from whoosh import query as wq

#: A query finding this many passages or fewer gets suggestions.
FEW_HITS = 2
#: Suggestions returned at most.
MAX_SUGGESTIONS = 3
#: Corrections tried per misspelt word (each candidate query costs one search).
CANDIDATES_PER_WORD = 4
#: Most candidate queries run for one suggestion request.
MAX_TRIALS = 12
#: Hits compared to tell two suggestions apart: the same passages first means the same query.
SAME_RESULTS = 10
#: Edit budget for a word: one real edit, or two half-cost Arabic confusions.
MAX_COST = 1.0
#: Words this short only get half-cost corrections (one real edit turns them into too many others).
SHORT_WORD = 3
#: Cost of a confusion that readers and transliterators make.
CHEAP = 0.5

#: Letters dropped or added in spelling and transliteration: long vowels and the bare hamza.
_SOFT_LETTERS = frozenset("اويء")
#: Groups of letters confused with each other (after folding).
_CONFUSABLE = ("غجقك", "تط", "سصث", "زذظ", "دض", "هح", "وؤء", "يئء", "اء", "ءؤئ")
_CONFUSED = {(a, b) for group in _CONFUSABLE for a in group for b in group if a != b}
#: Persian and Urdu code points that some texts use for Arabic letters, shown as the Arabic ones
#: (Persian yeh ی is ى at the end of a word and ي elsewhere).
_PERSIAN_LETTERS = str.maketrans({"\u06a9": "ك", "\u06c1": "ه", "\u06c3": "ة"})


def weighted_distance(a: str, b: str, limit: float = MAX_COST) -> float:
    """Damerau-Levenshtein distance with the Arabic-aware costs above; anything over ``limit`` is inf."""
    if abs(len(a) - len(b)) * CHEAP > limit:
        return float("inf")
    prev2: list[float] = []
    prev = [0.0]
    for j in range(1, len(b) + 1):
        prev.append(prev[-1] + _indel(b[j - 1]))
    for i in range(1, len(a) + 1):
        cur = [prev[0] + _indel(a[i - 1])]
        for j in range(1, len(b) + 1):
            ca, cb = a[i - 1], b[j - 1]
            sub = 0.0 if ca == cb else (CHEAP if (ca, cb) in _CONFUSED else 1.0)
            best = min(prev[j] + _indel(ca), cur[j - 1] + _indel(cb), prev[j - 1] + sub)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, prev2[j - 2] + 1.0)
            cur.append(best)
        if min(cur) > limit:
            return float("inf")
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else float("inf")


def _same_start(a: str, b: str) -> bool:
    """A cheap filter before the distance: within one edit, one of the first two letters lines up."""
    a0, a1, b0, b1 = a[:1], a[1:2], b[:1], b[1:2]
    return a0 == b0 or a1 == b1 or a0 == b1 or a1 == b0 or (a0, b0) in _CONFUSED


def _indel(letter: str) -> float:
    return CHEAP if letter in _SOFT_LETTERS else 1.0


@dataclass(frozen=True)
class _Vocabulary:
    by_length: dict[int, list[str]]  # folded forms (index and gazetteer)
    names: dict[str, str]  # folded single name word -> as the gazetteer writes it
    english: dict[str, str]  # lowercased English name word -> Arabic name

    def near(self, word: str, limit: float):
        """Forms whose length could be within ``limit`` of ``word`` (a dropped letter costs ≥ CHEAP)."""
        spread = int(limit / CHEAP)
        for length in range(len(word) - spread, len(word) + spread + 1):
            yield from self.by_length.get(length, ())


_VOCABULARIES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _vocabulary(searcher) -> _Vocabulary:
    vocab = _VOCABULARIES.get(searcher)
    if vocab is None:
        forms = index_words(searcher.searcher.reader(), "exact")
        names: dict[str, str] = {}
        english: dict[str, str] = {}
        for actor in searcher.gazetteer.actors.values():
            arabic = [w for name in actor.ar for w in name.split()]
            for word in arabic:
                names.setdefault(fold(word), word)
            singles = [n for n in actor.ar if len(n.split()) == 1]
            short = singles[0] if singles else (actor.ar[0].split()[-1] if actor.ar else "")
            for name in actor.en:
                for word in re.findall(r"[A-Za-z]+", name):
                    if len(word) >= 3 and short:
                        english.setdefault(word.lower(), short)
        forms.update(names)
        by_length: dict[int, list[str]] = {}
        for form in sorted(forms):
            by_length.setdefault(len(form), []).append(form)
        vocab = _Vocabulary(by_length, names, english)
        _VOCABULARIES[searcher] = vocab
    return vocab


def _candidates(searcher, typed: str) -> list[tuple[float, int, str]]:
    """(cost, -passages, replacement as it should be typed), best first."""
    vocab = _vocabulary(searcher)
    if typed.isascii():
        best = []
        for word, arabic in vocab.english.items():
            cost = weighted_distance(typed.lower(), word, 1.0)
            if cost <= 1.0:
                best.append((cost, 0, arabic))
        return sorted(set(best))[:CANDIDATES_PER_WORD]
    folded = fold(typed)
    limit = CHEAP if len(folded) <= SHORT_WORD else MAX_COST
    rest = strip_prefix(folded)
    prefix = folded[: len(folded) - len(rest)]
    # Keyed by stem: forms that only differ by a clitic or a suffix find the same passages.
    found: dict[str, tuple[float, int, int, str, str]] = {}
    for base, lead in ((folded, ""), (rest, prefix)) if prefix else ((folded, ""),):
        for form in vocab.near(base, limit):
            if not _same_start(base, form):
                continue
            cost = weighted_distance(base, form, limit)
            if 0 < cost <= limit:
                df = searcher.searcher.reader().doc_frequency("exact", form)  # only for the few near forms
                stem = searcher.words.analyze(lead + form)[1] or lead + form
                entry = (cost, -df, len(lead + form), lead, form)
                found[stem] = min(found.get(stem, entry), entry)
    ranked = sorted(found.values())[:CANDIDATES_PER_WORD]
    return [(cost, neg_df, lead + _display_form(searcher, form, vocab)) for cost, neg_df, _, lead, form in ranked]


def _display_form(searcher, folded: str, vocab: _Vocabulary) -> str:
    """How the corpus writes a folded form (سوريه → سورية), without diacritics; else the gazetteer's."""
    docs = list(searcher.searcher.docs_for_query(wq.Term("exact", folded)))[:1]
    for docnum in docs:
        text = searcher.searcher.stored_fields(docnum).get("text", "")
        for word in searcher.words.words(text):
            if word.exact == folded:
                raw = text[word.start : word.end].translate(_PERSIAN_LETTERS)
                shown = "".join(c for c in raw if unicodedata.category(c) != "Mn" and c != "\u0640")
                return shown[:-1] + "ى" if shown.endswith("\u06cc") else shown.replace("\u06cc", "ي")
    return vocab.names.get(folded, folded)


def _positive_words(node, out: list[str]) -> list[str]:
    if isinstance(node, (qp.And, qp.Or)):
        for child in node.nodes:
            _positive_words(child, out)
    elif isinstance(node, qp.Word) and WORD_RE.fullmatch(node.text):
        out.append(node.text)
    return out


def _replace_word(query: str, typed: str, new: str) -> str:
    pattern = rf"(?<![^\s(]){re.escape(typed)}(?![^\s)])"
    return re.sub(pattern, lambda _m: new, query, count=1)


def suggest_queries(searcher, result: SearchResult, include_inferred: bool = False) -> tuple[Suggestion, ...]:
    """Corrected queries for a result that found ``FEW_HITS`` passages or fewer; () otherwise.

    ``searcher`` is the ``PassageSearcher`` that produced ``result``; the result's filters are kept.
    """
    if result.total > FEW_HITS or not result.query.strip():
        return ()
    try:
        tree = qp.parse_query(result.query).tree
    except QueryError:
        return ()
    # Every trial search shares one short deadline: past it, the trials left find nothing.
    deadline = Deadline(settings.SUGGEST_DEADLINE.value())

    def run(query: str) -> tuple[int, tuple[str, ...]]:
        """How many passages a query finds, and which ones rank first (to drop equivalent queries)."""
        try:
            found = searcher.search(
                query, actors=result.actors, topics=result.topics, limit=SAME_RESULTS,
                include_inferred=include_inferred, deadline=deadline,
                since=result.since, until=result.until, sources=result.sources,
            )
        except QueryError:
            return 0, ()
        return found.total, tuple(h.passage.key for h in found.hits)

    misspelt = []
    for typed in dict.fromkeys(_positive_words(tree, [])):
        if searcher.words.analyze(typed)[1] is None:
            continue  # a stop word: never the reason nothing is found
        try:
            alone = searcher.search(typed, limit=0, deadline=deadline).total
        except QueryError:
            continue
        if alone == 0:
            misspelt.append(typed)
    if not misspelt:
        return ()
    options = [[(cost, typed, new) for cost, _, new in _candidates(searcher, typed)] for typed in misspelt]
    if not all(options):
        return ()
    per_word = max(1, round(MAX_TRIALS ** (1 / len(options))))
    trials = itertools.islice(itertools.product(*(o[:per_word] for o in options)), MAX_TRIALS)
    found: dict[tuple, tuple[float, Suggestion]] = {}  # keyed by what the query finds
    tried = {result.query}
    for combo in trials:
        query = result.query
        for _, typed, new in combo:
            query = _replace_word(query, typed, new)
        if query in tried:
            continue
        tried.add(query)
        total, first = run(query)
        if total > result.total:
            cost = sum(c for c, _, _ in combo)
            suggestion = Suggestion(query, total, tuple((typed, new) for _, typed, new in combo))
            key = (total, frozenset(first))
            # Of queries finding the same passages, keep the cheapest, then the shortest (no clitic).
            if key not in found or (cost, len(query)) < (found[key][0], len(found[key][1].query)):
                found[key] = (cost, suggestion)
    ranked = sorted(found.values(), key=lambda cs: (cs[0], -cs[1].total, len(cs[1].query), cs[1].query))
    return tuple(s for _, s in ranked[:MAX_SUGGESTIONS])


def with_suggestions(searcher, result: SearchResult, include_inferred: bool = False) -> SearchResult:
    """The result with its ``suggestions`` filled in (unchanged when it found enough)."""
    suggestions = suggest_queries(searcher, result, include_inferred)
    return replace(result, suggestions=suggestions) if suggestions else result
