"""The Whoosh schema of a passage document.

Passages are the documents: search ranks passages, not articles. The article's title is indexed on
each of its passages (title words count in ranking) and the rest of its metadata is stored.

The article's source and day are single keyword terms (ID fields): they filter, sort, facet and
count over time; a passage with no source or no understood date has no term there at all.

The passage number is only shown, never searched or sorted on, so it is stored and not indexed (a
NUMERIC field would add eight trie terms to every passage: a tenth of all postings).
"""

from arsearch.indexer.analysis import ArabicAnalyzer, WordAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

#: Bumped whenever fields change (or the pickled analyzer classes move): an index with another
#: version must be rebuilt.
SCHEMA_VERSION = 6

#: Field boosts for BM25F: a title word says less about a passage than the same word in it.
TITLE_BOOST = 0.4


class ArabicText(TEXT):
    """A TEXT field whose postings come straight from the shared word analysis.

    Same terms, frequencies, weights and positions as a plain TEXT field with the same analyzer, but
    without Whoosh's Token-per-word stream, and the passage's words are analyzed once for all three
    readers (tagging, stems, exact forms). Kept at this import path: the index pickles its schema.
    """

    def index(self, value, **kwargs):
        if isinstance(value, str) and not kwargs and isinstance(self.analyzer, ArabicAnalyzer):
            return self.analyzer.word_values(value, self.format)
        return super().index(value, **kwargs)


def make_schema(words: WordAnalyzer) -> Schema:
    stems = ArabicAnalyzer(words, "stem")
    exact = ArabicAnalyzer(words, "exact")
    return Schema(
        key=ID(stored=True, unique=True),  # ARTICLE#N
        article_id=ID(stored=True),
        passage=STORED(),
        title=ArabicText(analyzer=stems, stored=True, phrase=False, field_boost=TITLE_BOOST),
        source=ID(stored=True),  # the publisher as written (spaces made one): filters and facets
        date=STORED(),  # ISO 8601 (indexer.dates), or as written when not understood
        day=ID(stored=True),  # YYYY-MM-DD, only when the date was understood: ranges sort as text
        url=STORED(),
        text=ArabicText(analyzer=stems, stored=True, phrase=False),
        exact=ArabicText(analyzer=exact, phrase=True),
        actors=KEYWORD(stored=True, scorable=False),  # gazetteer actors and discovered entities
        discovered=KEYWORD(stored=True, scorable=False),  # which of those discovery found
        mentions=STORED(),  # discovered names as written: [id, kind, surface, start, end], for listing
        inferred=KEYWORD(stored=True, scorable=False),
        topics=KEYWORD(stored=True, scorable=False),
        story=ID(),  # grouped reposts only: the story's name (indexer.reposts), written by indexer.stories
    )
