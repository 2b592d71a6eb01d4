"""The Whoosh schema of a passage document.

Passages are the documents: search ranks passages, not articles. The article's title is indexed on
each of its passages (title words count in ranking) and the rest of its metadata is stored.
"""

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import ArabicAnalyzer, WordAnalyzer

#: Bumped whenever fields change: an index with another version must be rebuilt.
SCHEMA_VERSION = 1

#: Field boosts for BM25F: a title word says less about a passage than the same word in it.
TITLE_BOOST = 0.4


def make_schema(words: WordAnalyzer) -> Schema:
    stems = ArabicAnalyzer(words, "stem")
    exact = ArabicAnalyzer(words, "exact")
    return Schema(
        key=ID(stored=True, unique=True),  # ARTICLE#N
        article_id=ID(stored=True),
        passage=NUMERIC(stored=True),
        title=TEXT(analyzer=stems, stored=True, phrase=False, field_boost=TITLE_BOOST),
        source=STORED(),
        date=STORED(),
        url=STORED(),
        text=TEXT(analyzer=stems, stored=True, phrase=False),
        exact=TEXT(analyzer=exact, phrase=True),
        actors=KEYWORD(stored=True, scorable=False),
        inferred=KEYWORD(stored=True, scorable=False),
        topics=KEYWORD(stored=True, scorable=False),
    )
