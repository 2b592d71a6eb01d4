"""The query's marks on passages that were not found by a search: the passage view of the page.

A reader who opens a hit sees its article with the words the query matched marked, in that passage and
its neighbours. The marks come from the same decision as a hit's: the query is parsed and compiled as
``PassageSearcher.search`` does (fuzzy and prefix words expanded against the same index words), and
``search.snippets.highlight_spans`` marks the passage words of its match plan.
"""

from arsearch.indexer.errors import QueryError
from arsearch.search.budget import Deadline, QueryBudget
from arsearch.search.parser import parse_query
from arsearch.search.results import Passage
from arsearch.search.snippets import highlight_spans


def passage_marks(searcher, query: str, passages: list[Passage]) -> dict[str, list[tuple[int, int]]]:
    """Per passage key, the spans of ``passage.text`` that ``query`` matches (empty for a filter-only
    or unusable query: the passage is still worth showing unmarked)."""
    if not query.strip():
        return {}
    budget = QueryBudget.from_settings()
    deadline = Deadline(budget.deadline)
    try:
        parsed = parse_query(query, budget)
        if parsed.tree is None:
            return {}
        compiled = searcher.compiler.compile(parsed.tree, searcher.searcher.reader(), budget, deadline)
    except QueryError:
        return {}
    return {p.key: highlight_spans(p.text, searcher.words, compiled.plan) for p in passages}
