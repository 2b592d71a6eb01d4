"""Searching an OpenSearch cluster loaded by `arsearch export opensearch`, with arsearch's results.

The query is parsed by ``search.parser`` and compiled by ``opensearch.dsl`` (the Whoosh backend's
compiler underneath); the response becomes the same ``SearchResult`` as the Whoosh backend's, with
arsearch's own highlights and explanations computed from the stored text (``search.snippets``,
``search.explain``), not OpenSearch's highlighter. The gazetteer comes from the index's ``_meta``, so
queries are analyzed with the names the passages were tagged and stemmed with.
"""

from collections import Counter

from arsearch.indexer import settings
from arsearch.indexer.analysis import WordAnalyzer, load_stopwords
from arsearch.indexer.errors import NotFoundError, QueryError
from arsearch.opensearch.client import OpenSearchBackendError, cluster_errors, connect, index_name
from arsearch.opensearch.documents import gazetteer_from_meta, to_passage
from arsearch.opensearch.dsl import SOURCE_FIELDS, DslCompiler, Filters, compile_search, fill_plan
from arsearch.search.budget import QueryBudget
from arsearch.search.entities import _HARAKAT, LABEL_PASSAGES, _display_name
from arsearch.search.explain import explain_match
from arsearch.search.filters import check_sort, date_range
from arsearch.search.parser import parse_query
from arsearch.search.results import Facets, Hit, Passage, SearchResult
from arsearch.search.searcher import DEFAULT_LIMIT, EntityCount, expansion_notes
from arsearch.search.snippets import highlight_spans, make_snippet

#: Search types: OpenSearch scores with each shard's own term statistics unless asked to gather
#: them first (``dfs_query_then_fetch``: one more round trip, scores as one index would give).
SEARCH_TYPES = {False: "query_then_fetch", True: "dfs_query_then_fetch"}


class OpenSearchSearcher:
    """The ``PassageSearcher`` API that the CLI and the page use, over a cluster: ``search``,
    ``resolve_actor``, ``passage``, ``entity_counts`` and ``discovered_labels``."""

    def __init__(self, url: str | None = None, index: str | None = None, dfs: bool = False, client=None):
        self.client = client if client is not None else connect(url)
        self.index_name = index_name(index)
        self.dfs = dfs
        with cluster_errors(self.client, f"reading the mapping of index {self.index_name!r}"):
            mapping = self.client.indices.get_mapping(index=self.index_name)
        meta = next(iter(mapping.values()), {}).get("mappings", {}).get("_meta", {})
        if "arsearch" not in meta:
            raise OpenSearchBackendError(
                f"index {self.index_name!r} was not loaded by arsearch; load it with `arsearch export opensearch --url URL`"
            )
        self.gazetteer = gazetteer_from_meta(meta)
        self.words = WordAnalyzer(load_stopwords(), self.gazetteer.protected_names())
        self.compiler = DslCompiler(self.words, self.gazetteer)
        self.discovered_label_cache: dict[str, str] = {}

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def resolve_actor(self, value: str) -> str:
        """A gazetteer actor's id, else the value itself when the cluster has passages tagged with it
        (a discovered entity's id)."""
        try:
            return self.gazetteer.resolve_actor(value)
        except QueryError:
            ident = value.strip().lower()
            with cluster_errors(self.client, "looking up an actor"):
                found = self.client.count(index=self.index_name, body={"query": {"term": {"actors": ident}}})
            if found.get("count"):
                return ident
            raise

    def search(
        self, query: str = "", actors=(), topics=(), limit: int = DEFAULT_LIMIT, offset: int = 0,
        include_inferred: bool = False, since: str | None = None, until: str | None = None, sources=(),
        sort: str = "relevance", dedupe: bool = True,
    ) -> SearchResult:
        """As ``PassageSearcher.search``: the same filters (``--since``/``--until``/``date:`` through
        the same ``search.filters`` rules, sources as stored) and sorts. Reposts are not grouped over a
        cluster (the export holds no story field yet): ``dedupe`` is taken and every copy shown."""
        if limit < 0 or offset < 0:
            raise QueryError("--limit and --offset must be zero or more")
        limit = min(limit, settings.MAX_PAGE_HITS.value())
        parsed = parse_query(query, QueryBudget.from_settings())
        actor_ids = tuple(dict.fromkeys(self.resolve_actor(a) for a in (*actors, *parsed.actors)))
        topic_ids = tuple(dict.fromkeys(self.gazetteer.resolve_topic(t) for t in (*topics, *parsed.topics)))
        days = date_range(since, until, parsed.dates)
        filters = Filters(
            actor_ids, topic_ids, include_inferred, tuple(dict.fromkeys((*sources, *parsed.sources))),
            days.start if days else None, days.end if days else None,
        )
        compiled = compile_search(self.compiler, parsed.tree, filters, limit, offset, sort=check_sort(sort))
        with cluster_errors(self.client, "searching"):
            response = self.client.search(
                index=self.index_name, body=compiled.body, search_type=SEARCH_TYPES[self.dfs]
            )
        return self.result(query, response, compiled, offset, limit, actor_ids, topic_ids)

    def result(self, query, response: dict, compiled, offset, limit, actor_ids=(), topic_ids=()) -> SearchResult:
        """A search response as a ``SearchResult``."""
        passages = [(h.get("_score") or 0.0, to_passage(h["_source"])) for h in response["hits"]["hits"]]
        fill_plan(compiled.plan, self.words, [p.text for _, p in passages])
        hits = []
        for rank, (score, passage) in enumerate(passages, offset + 1):
            tokens = self.words.words(passage.text)
            spans = highlight_spans(passage.text, self.words, compiled.plan, tokens)
            matches = explain_match(passage.text, self.words, compiled.plan, tokens)
            hits.append(Hit(rank, float(score), passage, make_snippet(passage.text, spans), tuple(spans), matches))
        aggs = response.get("aggregations", {})
        counts = {
            name: {b["key"]: b["doc_count"] for b in aggs.get(name, {}).get("buckets", ())} for name in ("actors", "topics", "source")
        }
        counts = {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in counts.items()}
        discovered = tuple(a for a in counts["actors"] if a not in self.gazetteer.actors)
        total = response["hits"]["total"]
        return SearchResult(
            query=query,
            total=total["value"] if isinstance(total, dict) else int(total),
            hits=tuple(hits),
            facets=Facets(counts["actors"], counts["topics"], discovered, counts["source"]),
            offset=offset,
            limit=limit,
            actors=actor_ids,
            topics=topic_ids,
            dropped=compiled.dropped,
            notes=expansion_notes(compiled.plan),
            stories=total["value"] if isinstance(total, dict) else int(total),
            dedupe=False,
        )

    def _search(self, body: dict, doing: str) -> dict:
        with cluster_errors(self.client, doing):
            return self.client.search(index=self.index_name, body=body)

    def passage(self, key: str, context: int = 1) -> list[Passage]:
        """The passage ``ARTICLE#N`` and up to ``context`` neighbours on each side, in order."""
        article, sep, number = key.rpartition("#")
        if not sep or not article or not number.isdigit():
            raise QueryError(f"{key!r} is not a passage id; write ARTICLE#N, e.g. 000_b8da21838642536f#3")
        n = int(number)
        window = {"gte": max(1, n - context), "lte": n + context}
        body = {
            "query": {"bool": {"filter": [{"term": {"article_id": article}}, {"range": {"passage": window}}]}},
            "sort": [{"passage": "asc"}], "size": 2 * context + 1, "_source": SOURCE_FIELDS,
        }
        found = [to_passage(h["_source"]) for h in self._search(body, "reading a passage")["hits"]["hits"]]
        if not any(p.key == key for p in found):
            raise NotFoundError(f"no passage {key} in the index; `arsearch search` shows passage ids")
        return found

    def entity_counts(self, fieldname: str) -> list[EntityCount]:
        """Every gazetteer actor (``actors``) or topic (``topics``) with its passage counts."""
        entries = list(self.gazetteer.actors if fieldname == "actors" else self.gazetteer.topics)
        aggs = {"explicit": {"terms": {"field": fieldname, "size": len(entries) or 1, "include": entries}}}
        if fieldname == "actors" and entries:
            only_inferred = {
                ident: {"bool": {"filter": [{"term": {"inferred": ident}}], "must_not": [{"term": {"actors": ident}}]}}
                for ident in entries
            }
            aggs["inferred"] = {"filters": {"filters": only_inferred}}
        response = self._search({"size": 0, "track_total_hits": False, "aggs": aggs}, "counting actors and topics")
        explicit = {b["key"]: b["doc_count"] for b in response["aggregations"]["explicit"]["buckets"]}
        inferred = {k: b["doc_count"] for k, b in response["aggregations"].get("inferred", {}).get("buckets", {}).items()}
        counts = [EntityCount(i, explicit.get(i, 0), inferred.get(i, 0)) for i in entries]
        return sorted(counts, key=lambda c: (-c.explicit, -c.inferred, c.ident))

    def discovered_labels(self, idents) -> dict[str, str]:
        """Display names of the discovered entities among ``idents``, by ``search.entities``' rule
        over the mentions of their first passages."""
        cache = self.discovered_label_cache
        idents = list(dict.fromkeys(idents))
        for ident in idents:
            if ident in cache:
                continue
            body = {
                "query": {"bool": {"filter": [{"term": {"discovered": ident}}]}},
                "sort": [{"article_id": "asc"}, {"passage": "asc"}], "size": LABEL_PASSAGES, "_source": ["mentions"],
            }
            hits = self._search(body, "naming discovered entities")["hits"]["hits"]
            if not hits:
                continue
            forms = Counter(
                _HARAKAT.sub("", m["surface"]) for h in hits for m in h["_source"].get("mentions") or () if m["id"] == ident
            )
            cache[ident] = _display_name(forms) if forms else ident
        return {i: cache[i] for i in idents if i in cache}
