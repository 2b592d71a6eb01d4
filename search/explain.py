"""Why a passage matched: for each word of the query, the passage words it matched, as written.

The compiler records a ``WordPlan`` per positive query word: its own folded form, the spellings of a
name that folding does not unify, its stems and the low-weight clitic forms. Here the passage is
analyzed again with the index's analyzer (as highlighting does) and each word is filed under the
query words that claim it, with the reason. The plan is the one that marks the snippet, so the
explanation names exactly the marked words ("typed سوريا → matched سورية, a spelling variant").
"""

from arsearch.indexer.analysis import Word, WordAnalyzer
from arsearch.search.compiler import MatchPlan, WordPlan, phrase_starts
from arsearch.search.results import MatchedForm, MatchedWord


def explain_match(text: str, words: WordAnalyzer, plan: MatchPlan, tokens=None) -> tuple[MatchedWord, ...]:
    """Per positive query word (in query order), the distinct passage words it matched; ``tokens``
    (the passage's analyzed words) when already at hand."""
    tokens = words.words(text) if tokens is None else tokens
    out = []
    for word_plan in plan.words:
        found: dict[str, str] = {}  # passage word as written -> how; insertion order is reading order
        if word_plan.phrase:
            n = len(word_plan.phrase)
            for i in phrase_starts(tokens, word_plan.phrase):
                found.setdefault(text[tokens[i].start : tokens[i + n - 1].end], "phrase")
        else:
            for token in tokens:
                how = _how(word_plan, token)
                if how:
                    found.setdefault(text[token.start : token.end], how)
        out.append(MatchedWord(word_plan.typed, tuple(MatchedForm(w, how) for w, how in found.items())))
    return tuple(out)


def _how(plan: WordPlan, token: Word) -> str | None:
    if plan.kind in ("prefix", "fuzzy"):
        hit = token.exact in plan.exact or (token.stem is not None and token.stem in plan.stems)
        return plan.kind if hit else None
    if token.exact == plan.folded:
        return "same"
    if token.exact in plan.exact:
        return "variant"
    if token.stem is not None and token.stem in plan.stems:
        return "stem"
    if token.stem is not None and token.stem in plan.spelled:
        return "variant"
    if token.exact in plan.related:
        return "nationality"
    if token.exact in plan.weak_exact or (token.stem is not None and token.stem in plan.weak):
        return "clitic"
    return None
