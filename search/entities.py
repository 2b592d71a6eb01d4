"""Entities that discovery found in the index: listing them, and resolving what users type.

Discovered ids sit in each passage's ``actors`` field beside the gazetteer's (so facets and
``--actor`` treat them alike) and in ``discovered`` (so they can be told apart and listed); each
passage also stores the names as written (``mentions``). The registry is read from the index on
demand: ``arsearch actors --discovered`` and a filter value the gazetteer does not know need it,
an ordinary search does not.
"""

import re
from collections import Counter
from dataclasses import dataclass

import tomli_w
from arsearch.indexer.discovery import entity_id, entity_key
from arsearch.indexer.errors import QueryError
from arsearch.indexer.folding import fold_text

#: Short vowels, tanween, shadda, sukun, tatweel: dropped from the forms a listing shows.
_HARAKAT = re.compile("[\u064b-\u065f\u0670\u0640]")
#: How many example passages a listing shows per entity.
EXAMPLES = 2
#: Characters of context on each side of an example mention.
EXAMPLE_CONTEXT = 40


@dataclass(frozen=True)
class DiscoveredEntity:
    ident: str
    kind: str
    name: str  # display name: the most frequent of the longest forms
    passages: int
    variants: tuple[tuple[str, int], ...]  # surface forms with their counts, most frequent first
    examples: tuple[str, ...]  # passage excerpts around a mention


def discovered_ids(searcher) -> list[str]:
    return searcher._terms("discovered")


def discovered_entities(searcher) -> list[DiscoveredEntity]:
    """Every discovered entity with its counts, kind, variants and examples, most passages first."""
    out = []
    for ident in discovered_ids(searcher):
        docs = sorted(searcher._docs("discovered", ident))
        kinds: Counter = Counter()
        forms: Counter = Counter()
        examples: list[str] = []
        for docnum in docs:
            fields = searcher.searcher.stored_fields(docnum)
            for m_id, kind, surface, start, end in fields.get("mentions") or ():
                if m_id != ident:
                    continue
                kinds[kind] += 1
                forms[_HARAKAT.sub("", surface)] += 1  # أَبِي هُرَيْرَةَ and أبي هريرة are one form
                if len(examples) < EXAMPLES and (not examples or examples[-1] != fields["key"]):
                    examples.append(_excerpt(fields["text"], start, end))
        if not docs:
            continue
        name = _display_name(forms)
        out.append(DiscoveredEntity(
            ident, kinds.most_common(1)[0][0], name, len(docs), tuple(forms.most_common()), tuple(examples)
        ))
    return sorted(out, key=lambda e: (-e.passages, e.ident))


def _display_name(forms: Counter) -> str:
    """The most frequent of the longest forms (the full name an article gave, not its short one)."""
    longest = max(len(fold_text(f)) for f in forms)
    return next(f for f, _ in forms.most_common() if len(fold_text(f)) == longest)


#: Passages read to name a discovered entity on a page (the listing reads them all).
LABEL_PASSAGES = 20


def discovered_labels(searcher, idents) -> dict[str, str]:
    """Display names of the discovered entities among ``idents``, from the forms of their first
    passages, by the listing's rule: what a page shows instead of a romanised id."""
    cache = searcher.discovered_label_cache
    for ident in idents:
        docs = () if ident in cache else searcher._docs("discovered", ident)
        if not docs:
            continue
        forms: Counter = Counter()
        for docnum in sorted(docs)[:LABEL_PASSAGES]:
            for m_id, _kind, surface, _start, _end in searcher.searcher.stored_fields(docnum).get("mentions") or ():
                if m_id == ident:
                    forms[_HARAKAT.sub("", surface)] += 1
        cache[ident] = _display_name(forms) if forms else ident
    return {i: cache[i] for i in idents if i in cache}


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - EXAMPLE_CONTEXT)
    right = min(len(text), end + EXAMPLE_CONTEXT)
    return ("…" if left else "") + text[left:start] + "[" + text[start:end] + "]" + text[end:right] + ("…" if right < len(text) else "")


def resolve_discovered(value: str, ids: list[str], error: QueryError) -> str:
    """A discovered entity's id from its id or a name, full or short (تبون for عبد المجيد تبون)."""
    wanted = value.strip().lower()
    if wanted in ids:
        return wanted
    words = fold_text(value)
    if not words:
        raise error
    typed = entity_id(entity_key(words))
    if typed in ids:
        return typed
    # A short name: the typed words are the end or the start of exactly one entity's name.
    partial = [i for i in ids if i.endswith("_" + typed) or i.startswith(typed + "_")]
    if len(partial) == 1:
        return partial[0]
    raise error


def gazetteer_toml(entities: list[DiscoveredEntity]) -> str:
    """Discovered entities as gazetteer entries (``--gazetteer`` reads them back): curate the file —
    rename ids, merge or drop entries, add English names — then rebuild with it."""
    actors = []
    for e in entities:
        names = [e.name, *(v for v, _ in e.variants if v != e.name)]
        actors.append({"id": e.ident, "kind": e.kind, "ar": list(dict.fromkeys(names))})
    header = (
        "# Entities arsearch discovered, in the gazetteer format. Edit ids, merge, drop, add en = [...],\n"
        "# then: arsearch rebuild --gazetteer THIS_FILE\n"
    )
    return header + tomli_w.dumps({"actors": actors})
