"""A parsed query (``search.parser``) as an OpenSearch search body, with the Whoosh backend's decisions.

The words go through ``search.compiler.QueryCompiler`` itself, so the exact forms and their boost,
the stems, the spelling variants of names, the clitic and loanword expansions and their weights, the
phrase clitics and the multi-word actor names are the ones the Whoosh backend searches; the Whoosh
query it builds is then written as DSL, node for node:

* ``Term`` → ``term`` with its boost; ``Or`` → ``bool.should`` (one must match); ``And`` → ``bool.must``
  with its ``Not`` parts as ``must_not``;
* ``Phrase`` on ``exact`` → ``match_phrase`` with the ``whitespace`` analyzer (the words are folded
  forms already: analyzing them again must not change them);
* prefix and fuzzy words → ``prefix`` and ``fuzzy`` queries on the cluster's own terms (the Whoosh
  backend expands them against its lexicon; here the cluster does, so the highlights are filled from
  the returned passages by ``fill_plan``);
* title words → ``should`` beside the query: they add to the score, never make a passage match;
* filters (actors, topics, sources, dates) → ``bool.filter``; the facets → ``terms`` aggregations.
"""

from dataclasses import dataclass

from arsearch.indexer.errors import QueryError
from arsearch.indexer.folding import fold
from arsearch.search import parser as qp
from arsearch.search.compiler import MatchPlan, QueryCompiler, WordPlan
from arsearch.search.searcher import FACET_FIELDS
from whoosh import query as wq
from whoosh.support.levenshtein import distance

#: Facet entries asked for per field: a terms aggregation returns the most frequent ones only.
FACET_SIZE = 1000
#: What fuzzy words keep in common with the word typed, as ``search.expansion`` does (first letter).
FUZZY_PREFIX_LENGTH = 1
#: The stored fields a hit brings back (``exact`` is a copy of ``text``, never stored).
SOURCE_FIELDS = ["key", "article_id", "passage", "title", "text", "source", "date", "url", "actors", "inferred", "topics"]


class DslCompiler(QueryCompiler):
    """The Whoosh backend's compiler, with prefix and fuzzy words left for the cluster to expand."""

    def _node(self, node, plan, dropped, titles, positive, run=None):
        if isinstance(node, qp.Prefix):
            prefix = fold(node.text)
            if not prefix:
                return None
            plan.words.append(WordPlan(node.text + "*", prefix, kind="prefix"))
            return wq.Prefix("exact", prefix)
        if isinstance(node, qp.Fuzzy):
            term = fold(node.text)
            if not term:
                return None
            stemmed = self.words.analyze(node.text)[1] or term
            plan.words.append(WordPlan(f"{node.text}~{node.distance}", term, stems={stemmed}, kind="fuzzy"))
            return wq.Or([wq.FuzzyTerm("exact", term, maxdist=node.distance), wq.FuzzyTerm("text", stemmed, maxdist=node.distance)])
        return super()._node(node, plan, dropped, titles, positive, run)


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to; each part empty (or None) when not asked for."""

    actors: tuple[str, ...] = ()  # resolved ids: any of them
    topics: tuple[str, ...] = ()
    include_inferred: bool = False  # actors also match role references
    sources: tuple[str, ...] = ()  # article sources, as stored: any of them
    since: str | None = None  # ISO dates (YYYY-MM-DD), both ends included
    until: str | None = None


@dataclass(frozen=True)
class CompiledSearch:
    body: dict
    plan: MatchPlan
    dropped: tuple[str, ...]


def to_dsl(q: wq.Query) -> dict:
    """One Whoosh query node (as ``QueryCompiler`` builds them) as OpenSearch DSL."""
    if isinstance(q, wq.FuzzyTerm):  # a Term subclass: before Term
        return {"fuzzy": {q.fieldname: {"value": q.text, "fuzziness": q.maxdist,
                                        "prefix_length": FUZZY_PREFIX_LENGTH, "transpositions": False}}}
    if isinstance(q, wq.Term):
        return {"term": {q.fieldname: _boosted({"value": q.text}, q.boost)}}
    if isinstance(q, wq.Prefix):
        return {"prefix": {q.fieldname: _boosted({"value": q.text}, q.boost)}}
    if isinstance(q, wq.Phrase):
        return {"match_phrase": {q.fieldname: _boosted({"query": " ".join(q.words), "analyzer": "whitespace"}, q.boost)}}
    if isinstance(q, wq.Every):
        return {"match_all": {}}
    if isinstance(q, wq.Not):
        return {"bool": {"must_not": [to_dsl(q.query)]}}
    if isinstance(q, wq.Or):
        return {"bool": _boosted({"should": [to_dsl(p) for p in q.subqueries], "minimum_should_match": 1}, q.boost)}
    if isinstance(q, wq.And):
        must = [to_dsl(p) for p in q.subqueries if not isinstance(p, wq.Not)]
        must_not = [to_dsl(p.query) for p in q.subqueries if isinstance(p, wq.Not)]
        out = {"must": must} if must else {}
        if must_not:
            out["must_not"] = must_not
        return {"bool": _boosted(out, q.boost)}
    raise TypeError(f"no DSL for {q!r}")


def _boosted(body: dict, boost: float) -> dict:
    return {**body, "boost": boost} if boost != 1.0 else body


def filter_clauses(f: Filters) -> list[dict]:
    clauses = []
    if f.actors:
        fields = ("actors", "inferred") if f.include_inferred else ("actors",)
        by_field = [{"terms": {name: list(f.actors)}} for name in fields]
        clauses.append(by_field[0] if len(by_field) == 1 else {"bool": {"should": by_field, "minimum_should_match": 1}})
    if f.topics:
        clauses.append({"terms": {"topics": list(f.topics)}})
    if f.sources:
        clauses.append({"terms": {"source": list(f.sources)}})
    if f.since or f.until:
        bounds = {k: v for k, v in (("gte", f.since), ("lte", f.until)) if v}
        clauses.append({"range": {"date": {**bounds, "format": "strict_date"}}})
    return clauses


def compile_search(
    compiler: DslCompiler, tree, filters: Filters = Filters(), limit: int = 10, offset: int = 0,
    facet_size: int = FACET_SIZE, sort: str = "relevance",
) -> CompiledSearch:
    """The search body for a parsed query tree (None: filters only) under ``filters``; ``sort`` as
    ``search.filters.SORTS`` (the date sorts put undated passages last, then score order)."""
    compiled = compiler.compile(tree)
    flt = filter_clauses(filters)
    if compiled.query is None and not flt:
        raise QueryError("empty query: give words to search for, or a filter such as --actor putin")
    query: dict = {}
    if compiled.query is not None:
        query["must"] = [to_dsl(compiled.query)]
        if compiled.title is not None:
            query["should"] = [to_dsl(compiled.title)]
    if flt:
        query["filter"] = flt
    body = {
        "query": {"bool": query},
        "from": offset,
        "size": limit,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "aggs": {name: {"terms": {"field": name, "size": facet_size}} for name in FACET_FIELDS},
    }
    if sort != "relevance":
        order = "desc" if sort.startswith("-") else "asc"
        body["sort"] = [{"date": {"order": order, "missing": "_last"}}, "_score", {"article_id": "asc"}, {"passage": "asc"}]
    elif compiled.query is None:  # nothing to rank by: index order, as the Whoosh backend lists them
        body["sort"] = [{"article_id": "asc"}, {"passage": "asc"}]
    return CompiledSearch(body, compiled.plan, tuple(compiled.dropped))


def fill_plan(plan: MatchPlan, words, texts) -> None:
    """The index words a prefix or fuzzy word stood for, as far as the returned passages show them.

    The cluster expanded them against its own terms and does not say into what; the passages' words
    that the same rule accepts are what highlighting and ``--explain`` need.
    """
    open_words = [w for w in plan.words if w.kind in ("prefix", "fuzzy")]
    if not open_words:
        return
    tokens = {(t.exact, t.stem) for text in texts for t in words.words(text)}
    for word in open_words:
        if word.kind == "prefix":
            exact = {e for e, _ in tokens if e.startswith(word.folded)}
            stems: set[str] = set()
        else:
            maxdist = int(word.typed.rsplit("~", 1)[1])
            (stemmed,) = word.stems
            exact = {e for e, _ in tokens if _near(e, word.folded, maxdist)}
            stems = {s for _, s in tokens if s is not None and _near(s, stemmed, maxdist)}
        word.exact |= exact
        word.stems |= stems
        plan.exact |= exact
        plan.stems |= stems


def _near(a: str, b: str, maxdist: int) -> bool:
    return a[:FUZZY_PREFIX_LENGTH] == b[:FUZZY_PREFIX_LENGTH] and abs(len(a) - len(b)) <= maxdist and distance(a, b) <= maxdist
