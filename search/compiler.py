"""Turning a parsed query into a Whoosh query, with the same analyzer the index was built with.

A word becomes an OR of:

* its folded form in the ``exact`` field, boosted — exact-form matches rank above stem collisions;
* its stem in the ``text`` field — inflections and clitics (السورية, وتيلرسون, الروسيه);
* the spellings that no normalizer folds (سوريا/سورية, اليونيسكو/اليونسكو), from the gazetteer's
  names and the curated variant map;
* at a low weight, the stem with a bare ب/ل/ك clitic taken off or put on (لتسوية ↔ تسوية). Doing this
  at index time would merge hundreds of words (بطاقة = طاقة); at query time it only adds recall
  below the real matches.

Alongside the query it builds a ``MatchPlan``: what to mark in a passage, so highlights show exactly
the original words that matched, whatever form the user typed.
"""

from dataclasses import dataclass, field

from arsearch.indexer.analysis import WordAnalyzer
from arsearch.indexer.errors import QueryError
from arsearch.indexer.folding import WORD_RE, fold
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.stemming import canonical_name, light10, protected_lookup, strip_prefix
from arsearch.search import parser as qp
from whoosh import query as wq

#: Weight of an exact-form match relative to a stem match (both add up when a word matches both).
EXACT_BOOST = 1.5
#: Weight of the clitic-expanded stems: below any direct match.
CLITIC_BOOST = 0.3
#: Weight of title words: they rank, but never make a passage match on their own.
TITLE_WEIGHT = 0.5
#: Clitics a quoted phrase's first word may carry in the text ("وزارة الخارجية" in لوزارة الخارجية).
PHRASE_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل")
PHRASE_ARTICLE_CLITICS = ("وال", "بال", "كال", "فال", "لل")
#: Letters that a bare one-letter clitic can be.
BARE_CLITICS = "بلك"
#: Shortest word (after the clitic) that query-time clitic expansion is applied to.
MIN_CLITIC_REST = 3


@dataclass
class WordPlan:
    """What one positive word (or phrase, prefix, fuzzy term) of the query matches, as typed.

    The union of all of them is the ``MatchPlan``; kept per word so that a hit can be explained
    ("typed سوريا → matched سورية"). Which set a form is in (``exact`` or ``weak_exact``, ``stems``
    or ``weak``) says why it matched.
    """

    typed: str
    folded: str = ""  # the typed word's own exact form
    exact: set[str] = field(default_factory=set)  # exact forms: the word and its spelling variants
    stems: set[str] = field(default_factory=set)
    weak_exact: set[str] = field(default_factory=set)  # clitic / accusative-alif forms, low weight
    weak: set[str] = field(default_factory=set)
    phrase: list[set[str]] = field(default_factory=list)  # a quoted phrase: forms per position
    pending: wq.Query | None = None  # a prefix or fuzzy term, expanded against the index
    kind: str = "word"  # word, phrase, prefix or fuzzy


@dataclass
class MatchPlan:
    """What counts as a match when marking a passage (positive parts of the query only)."""

    exact: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    phrases: list[list[set[str]]] = field(default_factory=list)
    expandable: list[wq.Query] = field(default_factory=list)  # prefix and fuzzy: expanded per reader
    words: list[WordPlan] = field(default_factory=list)  # the same, per query word, in query order

    def expand(self, reader) -> None:
        """Prefix and fuzzy terms expanded segment by segment, as Whoosh's matchers expand them: a
        multi-segment reader's own fuzzy expansion allows transpositions a segment's does not, and
        would mark words that never matched."""
        for q in self.expandable:
            owners = [w for w in self.words if w.pending is q]
            found = set()
            for leaf, _ in reader.leaf_readers():
                found |= q.existing_terms(leaf, expand=True)
            for fieldname, btext in sorted(found):
                term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                if fieldname == "exact":
                    self.exact.add(term)
                    for w in owners:
                        w.exact.add(term)
                elif fieldname == "text":
                    self.stems.add(term)
                    for w in owners:
                        w.stems.add(term)
            for w in owners:
                w.pending = None
        self.expandable = []


def phrase_starts(tokens, phrase: list[set[str]]):
    """Where a quoted phrase (allowed exact forms per position) runs in a passage's words."""
    n = len(phrase)
    for i in range(len(tokens) - n + 1):
        if all(tokens[i + j].exact in phrase[j] for j in range(n)):
            yield i


@dataclass
class CompiledQuery:
    query: wq.Query | None  # None: no words, filters only
    title: wq.Query | None
    plan: MatchPlan
    dropped: list[str]  # stop words left out of the query


class QueryCompiler:
    def __init__(self, words: WordAnalyzer, gazetteer: Gazetteer):
        self.words = words
        self.gazetteer = gazetteer
        self._variants: dict[str, set[str]] = {}
        for group in gazetteer.variant_groups():
            for form in group:
                # Keyed by the protected-name form too (اليونسكو → يونسكو), which is what a word
                # behind a clitic resolves to.
                for key in (form, canonical_name(form)):
                    self._variants.setdefault(key, set()).update(group)

    def compile(self, tree) -> CompiledQuery:
        plan = MatchPlan()
        dropped: list[str] = []
        title_terms: list[wq.Query] = []
        query = self._node(tree, plan, dropped, title_terms, positive=True) if tree is not None else None
        if tree is not None and query is None:
            shown = " ".join(dropped) or "the query"
            raise QueryError(
                f"nothing to search for: {shown} — only stop words or punctuation; add a content word"
            )
        if isinstance(query, wq.Not):
            query = wq.And([wq.Every(), query])
        title = wq.Or(title_terms) if title_terms else None
        return CompiledQuery(query, title, plan, dropped)

    # --- tree nodes ------------------------------------------------------------------------------
    def _node(self, node, plan, dropped, titles, positive):
        if isinstance(node, qp.And) or isinstance(node, qp.Or):
            parts = [self._node(n, plan, dropped, titles, positive) for n in node.nodes]
            parts = [p for p in parts if p is not None]
            if not parts:
                return None
            if len(parts) == 1:
                return parts[0]
            if isinstance(node, qp.Or):
                return wq.Or(parts)
            if all(isinstance(p, wq.Not) for p in parts):
                parts.insert(0, wq.Every())
            return wq.And(parts)
        if isinstance(node, qp.Not):
            inner = self._node(node.node, MatchPlan(), dropped, [], positive=False)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, qp.Word):
            return self._word(node.text, plan, dropped, titles, positive)
        if isinstance(node, qp.Phrase):
            return self._phrase(node.text, plan, dropped)
        if isinstance(node, qp.Prefix):
            prefix = fold(node.text)
            if not prefix:
                return None
            q = wq.Prefix("exact", prefix)
            plan.expandable.append(q)
            plan.words.append(WordPlan(node.text + "*", prefix, pending=q, kind="prefix"))
            return q
        if isinstance(node, qp.Fuzzy):
            term = fold(node.text)
            if not term:
                return None
            # On the exact forms and on the stems: ماكرن~ reaches ماكرون, and through the stem, وماكرون.
            stemmed = self.words.analyze(node.text)[1] or term
            q = wq.Or([
                wq.FuzzyTerm("exact", term, maxdist=node.distance, prefixlength=1),
                wq.FuzzyTerm("text", stemmed, maxdist=node.distance, prefixlength=1),
            ])
            plan.expandable.append(q)
            plan.words.append(WordPlan(f"{node.text}~{node.distance}", term, pending=q, kind="fuzzy"))
            return q
        raise TypeError(f"unknown query node {node!r}")

    def _word(self, text, plan, dropped, titles, positive):
        """A typed token may hold several words (الروسي-الفرنسي): all of them are required."""
        parts = []
        for match in WORD_RE.finditer(text):
            exact, stemmed = self.words.analyze(match.group(0))
            if stemmed is None:
                if exact:
                    dropped.append(match.group(0))
                continue
            parts.append(self._one_word(exact, stemmed, plan, titles, match.group(0)))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _one_word(self, exact: str, stemmed: str, plan: MatchPlan, titles, typed: str = "") -> wq.Query:
        exact_forms = {exact}
        stems = {stemmed}
        name = protected_lookup(exact, self.words.names)
        for variant in self._variants.get(name or exact, ()):
            exact_forms.add(variant)
            stems.add(self.words.analyze(variant)[1] or variant)
        weak: set[str] = set()
        weak_exact: set[str] = set()
        if name is None:
            # Typed without its hamza, الغام may be ألغام, whose ال is not the article.
            weak.add(light10(exact, article=False))
            for bare in _bare_forms(exact):
                weak.add(light10(bare))
                weak.update(light10(clitic + bare) for clitic in BARE_CLITICS)
                if not bare.endswith("ا"):
                    weak_exact.add(bare + "ا")  # accusative alif written without tanween (توترا)
                elif len(bare) > 3:
                    weak.add(light10(bare[:-1]))
        weak -= stems
        weak_exact -= exact_forms
        plan.exact |= exact_forms | weak_exact
        plan.stems |= stems | weak
        plan.words.append(WordPlan(typed or exact, exact, exact_forms, stems, weak_exact, weak))
        subqueries = [wq.Term("exact", f, boost=EXACT_BOOST) for f in sorted(exact_forms)]
        subqueries += [wq.Term("exact", f, boost=CLITIC_BOOST) for f in sorted(weak_exact)]
        subqueries += [wq.Term("text", s) for s in sorted(stems)]
        subqueries += [wq.Term("text", s, boost=CLITIC_BOOST) for s in sorted(weak)]
        titles.extend(wq.Term("title", s, boost=TITLE_WEIGHT) for s in sorted(stems))
        return wq.Or(subqueries)

    def _phrase(self, text, plan, dropped):
        forms = [w.exact for w in self.words.words(text)]
        if not forms:
            dropped.append(f'"{text}"')
            return None
        if len(forms) == 1:
            first_only = forms[0]
            plan.exact.add(first_only)
            plan.words.append(WordPlan(f'"{text}"', first_only, {first_only}))
            return wq.Term("exact", first_only, boost=EXACT_BOOST)
        first = forms[0]
        firsts = {c + first for c in PHRASE_CLITICS}
        if first.startswith("ال"):
            firsts |= {c + first[2:] for c in PHRASE_ARTICLE_CLITICS}
        plan.phrases.append([firsts] + [{f} for f in forms[1:]])
        plan.words.append(WordPlan(f'"{text}"', " ".join(forms), phrase=plan.phrases[-1], kind="phrase"))
        return wq.Or([wq.Phrase("exact", [f, *forms[1:]]) for f in sorted(firsts)])


def _bare_forms(exact: str) -> set[str]:
    """The word with its prefix clitics taken off, as far as light10 and a bare ب/ل/ك go."""
    forms = {exact}
    rest = strip_prefix(exact)
    forms.add(rest)
    for form in (exact, rest):
        if form[0] in BARE_CLITICS and len(form) - 1 >= MIN_CLITIC_REST:
            forms.add(form[1:])
    return {f for f in forms if len(f) >= MIN_CLITIC_REST}


def word_finds(compiler: QueryCompiler, query_word: str, text_word: str) -> bool:
    """Whether searching for ``query_word`` finds a passage whose only word is ``text_word``.

    The measure behind the word-list quality figures: it uses the real query expansion and the real
    index-time analysis, so it cannot drift from what search does.
    """
    plan = MatchPlan()
    compiled = compiler._node(qp.Word(query_word), plan, [], [], positive=True)
    if compiled is None:
        return False
    exact, stemmed = compiler.words.analyze(text_word)
    return exact in plan.exact or (stemmed is not None and stemmed in plan.stems)
