"""Highlighting: analyze the passage again, mark the words the query matched, cut a fragment.

The same word analysis as indexing gives, for every word, its offsets in the original text and its
exact and stemmed forms; a word is marked when one of its forms is in the query's match plan, or
when it is part of a run that matches a quoted phrase. Marks are word spans, so guillemets «» and
punctuation are never marked.
"""

from arsearch.indexer.analysis import WordAnalyzer
from arsearch.search.compiler import MatchPlan, phrase_starts
from arsearch.search.results import Snippet

#: Longest snippet, in characters; passages up to this length are shown whole.
SNIPPET_CHARS = 280


def highlight_spans(text: str, words: WordAnalyzer, plan: MatchPlan) -> list[tuple[int, int]]:
    tokens = words.words(text)
    marked = [
        (t.exact in plan.exact) or (t.stem is not None and t.stem in plan.stems) for t in tokens
    ]
    for phrase in plan.phrases:
        for i in phrase_starts(tokens, phrase):
            marked[i : i + len(phrase)] = [True] * len(phrase)
    spans: list[tuple[int, int]] = []
    for token, is_marked in zip(tokens, marked, strict=True):
        if not is_marked:
            continue
        if spans and not text[spans[-1][1] : token.start].strip():
            spans[-1] = (spans[-1][0], token.end)  # a run of marked words is one mark
        else:
            spans.append((token.start, token.end))
    return spans


def make_snippet(text: str, spans: list[tuple[int, int]], size: int = SNIPPET_CHARS) -> Snippet:
    """The window of ``size`` characters holding the most marks, cut at word boundaries."""
    if len(text) <= size:
        return Snippet(text, 0, tuple(spans))
    best_start, best_count = 0, -1
    for start, _ in spans or [(0, 0)]:
        begin = max(0, start - size // 4)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + size)
        if count > best_count:
            best_start, best_count = begin, count
    begin = best_start
    end = min(len(text), begin + size)
    if end == len(text):
        begin = max(0, end - size)
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 30 else begin
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > end - 30 else end
    fragment = text[begin:end]
    inner = tuple((s - begin, e - begin) for s, e in spans if s >= begin and e <= end)
    return Snippet(fragment, begin, inner, cut_before=begin > 0, cut_after=end < len(text))
