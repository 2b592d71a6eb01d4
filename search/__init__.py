"""arsearch search: query text → parser → searcher → hits → snippets, as plain data.

``search_passages`` is the one entry point the CLI (and anything else) calls.

The names are resolved on first use (PEP 562), so that importing a light submodule such as
``arsearch.search.results`` does not import the searcher, Whoosh's query machinery and numpy: a
one-shot command pays only for what it runs (see ``tests/test_startup.py``).
"""

from importlib import import_module

#: Public name → the submodule that defines it.
_EXPORTS = {
    "Facets": "results", "Hit": "results", "Passage": "results", "SearchResult": "results", "Snippet": "results",
    "PassageSearcher": "searcher", "get_passage": "searcher", "search_passages": "searcher",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *__all__})
