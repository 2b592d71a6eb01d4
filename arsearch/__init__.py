"""arsearch: Arabic-aware full-text search over news passages.

The top-level folders of the repository (``indexer/``, ``search/``, ``cli/``, ``web/``) install as
``arsearch.indexer``, ``arsearch.search``, ``arsearch.cli`` and ``arsearch.web`` (pyproject.toml maps
them), so nothing with a generic name lands at the top of site-packages.
"""
