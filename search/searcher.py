"""Searching passages: parse → compile → Whoosh (BM25F) → hits with snippets, plus facet counts.

A ``PassageSearcher`` keeps one Whoosh searcher open for many queries (the benchmark and a server
use it that way); ``search_passages`` and ``get_passage`` open one for a single call. No searcher is
ever refreshed in place: after a commit, open a new one (Whoosh forks keep stale segments otherwise).
"""

from collections import Counter
from dataclasses import dataclass
from itertools import filterfalse
from pathlib import Path

from arsearch.indexer import settings
from arsearch.indexer.errors import NotFoundError, QueryError
from arsearch.indexer.sources import source_key
from arsearch.indexer.store import open_index
from arsearch.search.budget import Deadline, QueryBudget
from arsearch.search.compiler import QueryCompiler
from arsearch.search.explain import explain_match
from arsearch.search.facets import STORED_FACETS_MAX, stored_facet_counts
from arsearch.search.filters import SORTS, check_sort, date_order_key, date_range, resolve_sources, source_query
from arsearch.search.parser import parse_query
from arsearch.search.results import Copy, Facets, Hit, Passage, SearchResult
from arsearch.search.snippets import highlight_spans, make_snippet
from arsearch.search.stories import STORY_FIELD
from whoosh import collectors, matching
from whoosh import query as wq
from whoosh.scoring import BM25F

#: How many hits a page holds unless asked otherwise.
DEFAULT_LIMIT = settings.DEFAULT_LIMIT
#: Facet fields: what the counts are over.
FACET_FIELDS = ("actors", "topics", "source")


@dataclass(frozen=True)
class EntityCount:
    """How many passages mention a gazetteer entry (explicitly / only by a role reference)."""

    ident: str
    explicit: int
    inferred: int = 0


@dataclass(frozen=True)
class IndexStats:
    path: str
    source: str
    built: str
    articles: int
    passages: int
    size_bytes: int
    schema_version: int
    analyzer_version: int
    actors: int
    topics: int


@dataclass(frozen=True)
class _Run:
    """A query made ready to run: compiled, with its filters resolved."""

    compiled: object
    flt: wq.Query | None
    actors: tuple[str, ...]
    topics: tuple[str, ...]
    days: object  # search.filters.DateRange or None
    sources: tuple[str, ...] | None


@dataclass(frozen=True)
class MatchSet:
    """Every matching passage (global document numbers, ascending) with its day ("" when undated)
    and article, and the facet counts over them."""

    ids: object  # numpy.ndarray (numpy is imported only by the paths that use it)
    days: tuple[str, ...]
    articles: tuple[str, ...]
    facets: Facets


class _AllMatchesTop(collectors.TopCollector):
    """The top hits, and the set of every document scored on the way (with quality skipping off,
    that is every match); the query's deadline is checked once per match.

    A deleted document is never collected: Whoosh's ``InverseMatcher`` (``Not``) yields the
    document after its child's last posting without checking that it is deleted (the reposts'
    rewrites, ``indexer.stories``, leave such deletions behind).
    """

    def __init__(self, deadline: Deadline, **kwargs):
        super().__init__(**kwargs)
        self.deadline = deadline

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.matched: set[int] = set()

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self._deleted = subsearcher.reader().is_deleted

    def collect(self, sub_docnum):
        if not self._deleted(sub_docnum):
            return super().collect(sub_docnum)

    def _collect(self, global_docnum, score):
        self.deadline.check()
        self.matched.add(global_docnum)
        return super()._collect(global_docnum, score)


class _CheckedMatcher(matching.WrappingMatcher):
    """A leaf matcher that checks the deadline at every posting it moves to: Whoosh's intersections
    can walk long posting lists (building a matcher, skipping to a common document) without
    collecting anything, so the collector alone would not notice the time going."""

    def __init__(self, child, deadline: Deadline, boost=1.0):
        super().__init__(child, boost)
        self.deadline = deadline

    def copy(self):
        return _CheckedMatcher(self.child.copy(), self.deadline, self.boost)

    def _replacement(self, newchild):
        return _CheckedMatcher(newchild, self.deadline, self.boost)

    def next(self):
        self.deadline.check()
        return self.child.next()

    def skip_to(self, id):
        self.deadline.check()
        return self.child.skip_to(id)

    def all_ids(self):
        for docnum in self.child.all_ids():
            self.deadline.check()
            yield docnum


class _Checked(wq.WrappingQuery):
    def __init__(self, child, deadline: Deadline):
        super().__init__(child)
        self.deadline = deadline

    def _rewrap(self, child):
        return _Checked(child, self.deadline)

    def matcher(self, searcher, context=None):
        return _CheckedMatcher(self.child.matcher(searcher, context), self.deadline)


def with_deadline(q: wq.Query, deadline: Deadline) -> wq.Query:
    """The query with each leaf's matcher checking the deadline (Whoosh executor only)."""
    if q.is_leaf():
        return _Checked(q, deadline)
    return q.apply(lambda child: with_deadline(child, deadline))


def _all_docs(searcher, q, deadline: Deadline) -> list[int]:
    """Every document matching ``q``, in index order, within the deadline."""
    docs = []
    deleted = searcher.reader().is_deleted  # see _AllMatchesTop
    for docnum in searcher.docs_for_query(q):
        deadline.check()
        if not deleted(docnum):
            docs.append(docnum)
    return docs


def expansion_notes(plan) -> tuple[str, ...]:
    """One line per prefix or fuzzy word whose expansions were cut to the budget (for --explain)."""
    notes = []
    for word in plan.words:
        if word.cut:
            kept = max(len(e.words) for e in word.expansions)
            matched = max(e.matched for e in word.expansions)
            notes.append(
                f"{word.typed}: searched the {kept} most frequent of the {matched} index words it matches "
                f"(${settings.MAX_EXPANSIONS.env}); add letters to narrow it"
            )
    return tuple(notes)


def _source_labels(names, doc_frequency) -> dict[str, str]:
    """Each source's label, by ``indexer.sources.source_key``: its spelling most frequent in the
    index, so that a filter by that name finds them all."""
    label: dict[str, str] = {}
    for name in sorted(names, key=lambda name: (-doc_frequency("source", name), name)):
        label.setdefault(source_key(name), name)
    return label


def _same_sources(counts, labels: dict[str, str]) -> dict[str, int]:
    """Source counts with the spellings of one source added up under its label (``_source_labels``),
    whatever the query matched."""
    merged: Counter = Counter()
    for name, n in counts.items():
        merged[labels.get(source_key(name), name)] += n
    return dict(merged)


def _split(value) -> tuple[str, ...]:
    return tuple(value.split()) if value else ()


#: Query engines: ``numpy`` (search.executor, the default) and ``whoosh`` (Whoosh's own collector,
#: the reference the executor is tested against).
ENGINES = ("numpy", "whoosh")
#: A one-shot search of an index this small runs on Whoosh's collector: scoring every match in Python
#: (~11 µs each) costs less than importing numpy (~0.1–0.3 s, a fifth of a cold search of the seed),
#: and the answer is the same (tests/test_executor.py compares the engines).
COLLECTOR_MAX_PASSAGES = 2_000


class PassageSearcher:
    def __init__(self, index_dir: Path, preload: bool = True, engine: str | None = None):
        """``preload=False`` for a searcher that answers one query (see ``indexer.store.open_index``);
        it also skips the postings cache, which only a long-lived searcher fills and reuses. ``engine``
        None: numpy, or for a one-shot search of a small index Whoosh's collector."""
        if engine is not None and engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
        self.preload = preload
        self.index = open_index(Path(index_dir), preload=preload)
        self.gazetteer = self.index.gazetteer
        self.words = self.index.words
        self.compiler = QueryCompiler(self.words, self.gazetteer)
        self.searcher = self.index.whoosh.searcher(weighting=BM25F())
        self._postings: dict[tuple[str, str], frozenset[int]] = {}
        self.discovered_label_cache: dict[str, str] = {}  # filled by search.entities.discovered_labels
        self.executor = None
        self._story_of: dict[int, str] | None = None  # the Whoosh reference's docnum -> story
        self._groups = None  # the executor's docnum -> story number (search.stories.story_groups)
        self._sources: tuple[str, ...] | None = None
        self._source_labels: dict[str, str] | None = None
        if engine is None:
            small = self.searcher.doc_count_all() <= COLLECTOR_MAX_PASSAGES
            engine = "whoosh" if small and not preload else "numpy"
        self.engine = engine
        if engine == "numpy":
            from arsearch.search.facetcolumns import ColumnFacetsExecutor  # numpy: only the engine that uses it

            cache = settings.postings_cache_mb() * 2**20 if preload else 0
            # A one-shot searcher reads facet arrays only when a search needs them (search.facets).
            self.executor = ColumnFacetsExecutor(self.searcher, cache, (*FACET_FIELDS, STORY_FIELD) if preload else ())

    def close(self) -> None:
        self.searcher.close()
        self.index.close()  # lets a rebuild remove this generation once it is no longer current

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- plumbing --------------------------------------------------------------------------------
    def _docs(self, fieldname: str, term: str) -> frozenset[int]:
        """Live documents carrying a keyword (cached: facet counting intersects these)."""
        key = (fieldname, term)
        docs = self._postings.get(key)
        if docs is None:
            docs = frozenset(self.searcher.docs_for_query(wq.Term(fieldname, term)))
            self._postings[key] = docs
        return docs

    def _terms(self, fieldname: str) -> list[str]:
        reader = self.searcher.reader()
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname)]

    def _passage(self, fields: dict) -> Passage:
        return Passage(
            key=fields["key"],
            doc_id=fields["article_id"],
            passage=int(fields["passage"]),
            title=fields.get("title", ""),
            source=fields.get("source", ""),
            date=fields.get("date", ""),
            day=fields.get("day", ""),
            url=fields.get("url", ""),
            text=fields["text"],
            actors=_split(fields.get("actors")),
            inferred=_split(fields.get("inferred")),
            topics=_split(fields.get("topics")),
        )

    @property
    def groups(self):
        """The executor's story number of every document (see ``search.stories``), read once."""
        if self._groups is None:
            from arsearch.search.stories import story_groups

            self._groups = story_groups(self.executor)
        return self._groups

    def story_of(self) -> dict[int, str]:
        """Whoosh reference: the story of every grouped live document (see ``search.stories``)."""
        if self._story_of is None:
            self._story_of = {d: t for t in self._terms(STORY_FIELD) for d in self._docs(STORY_FIELD, t)}
        return self._story_of

    def story_key(self):
        """A document's story, on either engine: what dedupe collapses and counts by."""
        if self.executor is not None:
            groups = self.groups
            return lambda d: int(groups[d])
        story_of = self.story_of()
        return lambda d: story_of.get(d, d)

    def _stories(self, docs) -> int:
        story = self.story_key()
        return len({story(d) for d in docs})

    def _copies(self, docnum: int, matched) -> list[int]:
        """The story's other matching documents, on either engine."""
        if self.executor is not None:
            from arsearch.search.stories import copies_of

            return copies_of(docnum, matched, self.groups, self.executor.doccount)
        story = self.story_of().get(docnum)
        return [] if story is None else sorted((self._docs(STORY_FIELD, story) & matched) - {docnum})

    def _copy(self, docnum: int) -> Copy:
        fields = self.searcher.stored_fields(docnum)
        return Copy(fields["key"], fields.get("title", ""), fields.get("source", ""), fields.get("date", ""))

    def _filter(self, actors, topics, include_inferred, days=None, sources=None) -> wq.Query | None:
        """The filters as one Whoosh query. The executor runs actors and topics from it and applies
        ``days`` and ``sources`` on its columns (``QueryExecutor.restrict``); Whoosh runs them all."""
        parts = []
        if self.executor is None:
            if days is not None:
                parts.append(days.query())
            if sources is not None:
                parts.append(source_query(sources))
        if actors:
            fields = ("actors", "inferred") if include_inferred else ("actors",)
            parts.append(wq.Or([wq.Term(f, a) for a in actors for f in fields]))
        if topics:
            parts.append(wq.Or([wq.Term("topics", t) for t in topics]))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _facets(self, matched, deadline: Deadline, dedupe: bool = False) -> Facets:
        """Counts per facet term over the match set (a set of documents, or the executor's array):
        of passages, or of stories under ``dedupe``."""
        counts, stored = {}, None
        columns = self.executor is not None and all(self.executor.has_facet_columns(f) for f in FACET_FIELDS)
        if not self.preload and not columns and len(matched) <= STORED_FACETS_MAX:  # one-shot: see search.facets
            stored = stored_facet_counts(
                self.searcher.reader(), FACET_FIELDS, sorted(matched), deadline.check_now,
                self.story_key() if dedupe else None,
            )
        for fieldname in FACET_FIELDS:
            if stored is not None:
                counter = stored[fieldname]
            elif self.executor is not None and dedupe:
                from arsearch.search.stories import story_facet_counts

                counter = story_facet_counts(self.executor, fieldname, matched, self.groups)
            elif self.executor is not None:
                counter = self.executor.facet_counts(fieldname, matched)
            else:
                counter = Counter()
                for term in self._terms(fieldname):
                    deadline.check()
                    docs = matched & self._docs(fieldname, term) if matched else ()
                    n = self._stories(docs) if dedupe else len(docs)
                    if n:
                        counter[term] = n
            if fieldname == "source":
                counter = _same_sources(counter, self.source_labels())
            if stored is not None or self.executor is None or fieldname == "source":  # else in order
                counter = dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
            counts[fieldname] = counter
        discovered = tuple(filterfalse(self.gazetteer.actors.__contains__, counts["actors"]))
        return Facets(counts["actors"], counts["topics"], discovered, counts["source"])

    def _doc_frequency(self, fieldname: str):
        """Whoosh's ``reader.doc_frequency``, from the facet columns when they hold the field (one
        file read instead of a term lookup per name)."""
        counts = self.executor.doc_frequencies(fieldname) if self.executor is not None else None
        if counts is None:
            return self.searcher.reader().doc_frequency
        return lambda _field, term: counts.get(term, 0)

    def _match(self, compiled, flt, limit, offset, deadline: Deadline, days, sources, sort, dedupe):
        """The page of (document, score) pairs, the match set and its number of stories, on the executor."""
        from arsearch.search.stories import collapse, count_stories, first_per_story

        ex = self.executor
        if compiled.query is None:
            found = ex.run(flt if flt is not None else wq.Every(), scored=False, check=deadline.check)
        else:
            scored = compiled.query
            if compiled.title is not None and limit:
                scored = wq.AndMaybe(compiled.query, compiled.title)
            found = ex.run(scored, allow=flt, scored=bool(limit), check=deadline.check)
        found = ex.restrict(found, days, sources)
        groups = self.groups
        stories = count_stories(found.ids, groups, ex.doccount)
        if sort != "relevance":
            if dedupe:  # every match in date order, then each story's first
                ranked = first_per_story(ex.top_by_date(found, len(found.ids), sort == "-date"), self.story_key())
                return ranked[offset : offset + limit], found.ids, stories
            return ex.top_by_date(found, offset + limit, sort == "-date")[offset:], found.ids, stories
        if dedupe:
            best = collapse(found.ids, found.scores, groups, offset + limit)
            page = [(int(found.ids[i]), float(found.scores[i])) for i in best[offset : offset + limit]]
            return page, found.ids, stories
        if compiled.query is None:
            return [(int(d), 0.0) for d in found.ids[offset : offset + limit]], found.ids, stories
        return ex.top(found, offset + limit)[offset:], found.ids, stories

    def _by_date(self, page: list[tuple[int, float]], sort: str) -> list[tuple[int, float]]:
        """Whoosh's (document, score) pairs in a date order (the reference engine's sort)."""
        if sort == "relevance":
            return page
        days = {d: self.searcher.stored_fields(d).get("day", "") for d, _ in page}
        return sorted(page, key=lambda ds: date_order_key(days[ds[0]], ds[1], ds[0], sort == "-date"))

    def sources(self) -> tuple[str, ...]:
        """Every source name the index holds, as indexed (read once: a searcher never changes)."""
        if self._sources is None:
            self._sources = tuple(self._terms("source"))
        return self._sources

    def source_labels(self) -> dict[str, str]:
        """The label of every source (``_source_labels``), read once: ~0.1 ms a source name per search
        otherwise (its document frequency), most of a warm search's facet time."""
        if self._source_labels is None:
            self._source_labels = _source_labels(self.sources(), self._doc_frequency("source"))
        return self._source_labels

    # --- the API ---------------------------------------------------------------------------------
    def search(
        self,
        query: str = "",
        actors=(),
        topics=(),
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
        include_inferred: bool = False,
        deadline: Deadline | None = None,
        since: str | None = None,
        until: str | None = None,
        sources=(),
        sort: str = SORTS[0],
        dedupe: bool = True,
    ) -> SearchResult:
        """Ranked passages for a query, with snippets, and facet counts over all matches.

        ``actors`` and ``topics`` take ids, English or Arabic names in any form; several actors
        mean any of them, actors and topics together mean both. ``since``/``until`` (a year, month
        or day, inclusive), ``sources`` (any of; case and spacing ignored) and ``sort`` are read
        by ``search.filters``. ``limit`` is clamped to the settings' page size; the whole search
        runs under one deadline (``search.budget``), a new one unless ``deadline`` is given
        (several searches sharing one, as did-you-mean does). ``dedupe`` shows one hit per story of
        reposts, with its copies (see ``search.stories``).
        """
        if limit < 0 or offset < 0:
            raise QueryError("--limit and --offset must be zero or more")
        sort = check_sort(sort)
        budget = QueryBudget.from_settings()
        deadline = deadline or Deadline(budget.deadline)
        limit = min(limit, settings.MAX_PAGE_HITS.value())
        run = self._prepare(query, actors, topics, include_inferred, since, until, sources, budget, deadline)
        page, matched, stories = self._run(run, limit, offset, sort, deadline, dedupe)
        compiled = run.compiled

        hits = []
        for rank, (docnum, score) in enumerate(page, offset + 1):
            deadline.check_now()
            passage = self._passage(self.searcher.stored_fields(docnum))
            tokens = self.words.words(passage.text)  # analyzed once for the marks and the explanation
            spans = highlight_spans(passage.text, self.words, compiled.plan, tokens)
            matches = explain_match(passage.text, self.words, compiled.plan, tokens)
            also = tuple(self._copy(d) for d in self._copies(docnum, matched)) if dedupe else ()
            hits.append(
                Hit(rank, float(score or 0.0), passage, make_snippet(passage.text, spans), tuple(spans), matches,
                    tuple(sorted(also, key=lambda c: c.key)))
            )
        return SearchResult(
            query=query,
            total=len(matched),
            hits=tuple(hits),
            facets=self._facets(matched, deadline, dedupe),
            offset=offset,
            limit=limit,
            actors=run.actors,
            topics=run.topics,
            dropped=tuple(compiled.dropped),
            notes=expansion_notes(compiled.plan),
            since=run.days.start if run.days else None,
            until=run.days.end if run.days else None,
            sources=run.sources or (),
            sort=sort,
            stories=stories,
            dedupe=dedupe,
        )

    def _prepare(self, query, actors, topics, include_inferred, since, until, sources, budget, deadline) -> "_Run":
        """The parsed and compiled query with its filters resolved: what a search and a timeline run."""
        parsed = parse_query(query, budget)
        actor_ids = tuple(dict.fromkeys(self.resolve_actor(a) for a in (*actors, *parsed.actors)))
        topic_ids = tuple(dict.fromkeys(self.gazetteer.resolve_topic(t) for t in (*topics, *parsed.topics)))
        days = date_range(since, until, parsed.dates)
        wanted = (*sources, *parsed.sources)
        source_names = resolve_sources(wanted, self.sources()) if wanted else None
        if parsed.tree is None and not actor_ids and not topic_ids and days is None and source_names is None:
            raise QueryError("empty query: give words to search for, or a filter such as --actor putin")
        compiled = self.compiler.compile(parsed.tree, self.searcher.reader(), budget, deadline)
        flt = self._filter(actor_ids, topic_ids, include_inferred, days, source_names)
        return _Run(compiled, flt, actor_ids, topic_ids, days, source_names)

    def _run(self, run: "_Run", limit: int, offset: int, sort: str, deadline: Deadline, dedupe: bool = False):
        """The page of (document, score) pairs, the match set (an array or a set of documents) and
        the number of stories in it."""
        compiled, flt = run.compiled, run.flt
        if self.executor is not None:
            return self._match(compiled, flt, limit, offset, deadline, run.days, run.sources, sort, dedupe)
        from arsearch.search.stories import first_per_story

        reader = self.searcher.reader()
        if compiled.query is None:
            matched_sorted = sorted(_all_docs(self.searcher, flt if flt is not None else wq.Every(), deadline))
            matched = set(matched_sorted)
            ranked = self._by_date([(d, 0.0) for d in matched_sorted], sort)
        elif not limit:
            both = compiled.query if flt is None else wq.And([compiled.query, flt])
            matched = set(_all_docs(self.searcher, with_deadline(both, deadline), deadline))
            ranked = []
        else:
            # Title words add to the score but never make a passage match: AndMaybe scores the
            # content query plus the title where it also matches. Whoosh's matcher replacement
            # and block-quality skipping drop real top hits with boosted OR queries under BM25F
            # (measured on the seed: سوريا lost 3 of its top 6 with limit=6), so both are off:
            # every matching passage is scored, and the collector keeps them all as the match
            # set (one pass instead of a second one for the total and the facets).
            scored = compiled.query
            if compiled.title is not None:
                scored = wq.AndMaybe(compiled.query, compiled.title)
            # Never more than the index holds: a huge --offset must not size the heap. A date sort
            # orders every match, and dedupe ranks every match before keeping each story's best.
            every = sort != "relevance" or dedupe
            wanted = reader.doc_count_all() if every else min(offset + limit, reader.doc_count_all())
            top = _AllMatchesTop(deadline, limit=max(1, wanted), usequality=False, replace=0)
            collector = top if flt is None else collectors.FilterCollector(top, allow=flt)
            self.searcher.search_with_collector(with_deadline(scored, deadline), collector)
            matched = top.matched
            ranked = self._by_date([(hit.docnum, hit.score) for hit in collector.results()], sort)
        if dedupe:
            ranked = first_per_story(ranked, self.story_key())
        return ranked[offset : offset + limit], matched, self._stories(matched)

    def matching(
        self, query: str = "", actors=(), topics=(), include_inferred: bool = False,
        since: str | None = None, until: str | None = None, sources=(), deadline: Deadline | None = None,
    ) -> "MatchSet":
        """Every passage a search finds (no page, no snippets), with its day and article: what
        ``search.timeline`` counts. Same arguments and the same rules as ``search``."""
        import numpy as np  # the timeline's path only: a one-shot search of a small index never loads it

        budget = QueryBudget.from_settings()
        deadline = deadline or Deadline(budget.deadline)
        run = self._prepare(query, actors, topics, include_inferred, since, until, sources, budget, deadline)
        _, matched, _ = self._run(run, 0, 0, SORTS[0], deadline)
        ids = np.asarray(sorted(matched) if isinstance(matched, set) else matched, dtype=np.int64)
        if self.executor is not None:
            days, articles = self.executor.column("day").values(ids), self.executor.column("article_id").values(ids)
        else:
            stored = [self.searcher.stored_fields(int(d)) for d in ids]
            days, articles = [f.get("day", "") for f in stored], [f["article_id"] for f in stored]
        return MatchSet(ids, tuple(days), tuple(articles), self._facets(matched, deadline))

    def docs_with(self, fieldname: str, term: str):
        """Live documents carrying a keyword, ascending."""
        import numpy as np

        return np.asarray(sorted(self._docs(fieldname, term)), dtype=np.int64)

    def resolve_actor(self, value: str) -> str:
        """A gazetteer actor's id, else a discovered entity's (by id or name, full or short)."""
        try:
            return self.gazetteer.resolve_actor(value)
        except QueryError as e:
            # Imported here: a search that names no discovered entity never loads discovery.
            from arsearch.search.entities import discovered_ids, resolve_discovered

            return resolve_discovered(value, discovered_ids(self), e)

    def discovered_labels(self, idents) -> dict[str, str]:
        """Display names of the discovered entities among ``idents`` (see ``search.entities``)."""
        from arsearch.search.entities import discovered_labels

        return discovered_labels(self, list(idents))

    def passage(self, key: str, context: int = 1) -> list[Passage]:
        """The passage ``ARTICLE#N`` and up to ``context`` neighbours on each side, in order."""
        article, sep, number = key.rpartition("#")
        if not sep or not article or not number.isdigit():
            raise QueryError(f"{key!r} is not a passage id; write ARTICLE#N, e.g. 000_b8da21838642536f#3")
        n = int(number)
        found = self.searcher.document(key=key)
        if found is None:
            raise NotFoundError(f"no passage {key} in the index; `arsearch search` shows passage ids")
        # Passages are numbered 1…count; the article's document count (deleted ones included until a
        # merge) bounds the range, so a huge ``context`` costs no more than the article's passages.
        last = min(n + context, self.searcher.reader().doc_frequency("article_id", article))
        out = []
        for m in range(max(1, n - context), last + 1):
            fields = found if m == n else self.searcher.document(key=f"{article}#{m}")
            if fields is not None:
                out.append(self._passage(fields))
        return out

    def entity_counts(self, fieldname: str) -> list[EntityCount]:
        """Every gazetteer actor (``actors``) or topic (``topics``) with its passage counts."""
        entries = self.gazetteer.actors if fieldname == "actors" else self.gazetteer.topics
        counts = []
        for ident in entries:
            explicit = len(self._docs(fieldname, ident))
            inferred = len(self._docs("inferred", ident) - self._docs("actors", ident)) if fieldname == "actors" else 0
            counts.append(EntityCount(ident, explicit, inferred))
        return sorted(counts, key=lambda c: (-c.explicit, -c.inferred, c.ident))

    def stats(self) -> IndexStats:
        gen = self.index.generation
        size = sum(p.stat().st_size for p in gen.iterdir() if p.is_file())
        m = self.index.manifest
        return IndexStats(
            path=str(self.index.path),
            source=m.source,
            built=m.built,
            articles=len(m.articles),
            passages=self.searcher.doc_count(),
            size_bytes=size,
            schema_version=m.schema_version,
            analyzer_version=m.analyzer_version,
            actors=len(self.gazetteer.actors),
            topics=len(self.gazetteer.topics),
        )


def search_passages(index_dir: Path, query: str = "", **options) -> SearchResult:
    """One search on the index in ``index_dir`` (see ``PassageSearcher.search`` for the options)."""
    with PassageSearcher(index_dir, preload=False) as searcher:
        return searcher.search(query, **options)


def get_passage(index_dir: Path, key: str, context: int = 1) -> list[Passage]:
    with PassageSearcher(index_dir, preload=False) as searcher:
        return searcher.passage(key, context)
