"""Highlighting: analyze the passage again, mark the words the query matched, cut a fragment.

The same word analysis as indexing gives, for every word, its offsets in the original text and its
exact and stemmed forms; a word is marked when one of its forms is in the query's match plan, or
when it is part of a run that matches a quoted phrase. Marks are word spans, so guillemets «» and
punctuation are never marked.
"""

from bisect import bisect_left, bisect_right

from arsearch.indexer.analysis import WordAnalyzer
from arsearch.search.compiler import MatchPlan, phrase_starts
from arsearch.search.results import Snippet

#: Longest snippet, in characters; passages up to this length are shown whole.
SNIPPET_CHARS = 280


def highlight_spans(text: str, words: WordAnalyzer, plan: MatchPlan, tokens=None) -> list[tuple[int, int]]:
    """Spans of the matched words; ``tokens`` (the passage's analyzed words) when already at hand."""
    tokens = words.words(text) if tokens is None else tokens
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
    """The window of ``size`` characters holding the most marks, cut at word boundaries.

    Windows start a quarter of ``size`` before each mark; the marks inside one are counted by
    bisection (spans are sorted and disjoint), so a passage with thousands of marks costs
    O(marks · log marks), and the fragment itself O(size).
    """
    if len(text) <= size:
        return Snippet(text, 0, tuple(spans))
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    best_start, best_count = 0, -1
    for start in starts or [0]:
        begin = max(0, start - size // 4)
        count = bisect_right(ends, begin + size) - bisect_left(starts, begin)
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
    inner = tuple((s - begin, e - begin) for s, e in spans[bisect_left(starts, begin) : bisect_right(ends, end)])
    return Snippet(fragment, begin, inner, cut_before=begin > 0, cut_after=end < len(text))
