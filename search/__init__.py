"""arsearch search: query text → parser → searcher → hits → snippets, as plain data.

``search_passages`` is the one entry point the CLI (and anything else) calls.
"""

from arsearch.search.results import Facets, Hit, Passage, SearchResult, Snippet
from arsearch.search.searcher import PassageSearcher, get_passage, search_passages

__all__ = [
    "Facets",
    "Hit",
    "Passage",
    "PassageSearcher",
    "SearchResult",
    "Snippet",
    "get_passage",
    "search_passages",
]
