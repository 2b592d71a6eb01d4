"""Turning a parsed query into a Whoosh query, with the same analyzer the index was built with.

A word becomes an OR of:

* its folded form in the ``exact`` field, boosted — exact-form matches rank above stem collisions;
* its stem in the ``text`` field — inflections and clitics (السورية, وتيلرسون, الروسيه);
* the spellings that no normalizer folds (سوريا/سورية, اليونيسكو/اليونسكو), from the gazetteer's
  names and the curated variant map;
* at a lower weight, the other spellings of a transliterated word (كمبيوتر/كومبيوتر), by rule
  (``indexer.loanwords``);
* at a low weight, the stem with a bare ب/ل/ك clitic taken off or put on (لتسوية ↔ تسوية). Doing this
  at index time would merge hundreds of words (بطاقة = طاقة); at query time it only adds recall
  below the real matches.

Alongside the query it builds a ``MatchPlan``: what to mark in a passage, so highlights show exactly
the original words that matched, whatever form the user typed.
"""

from dataclasses import dataclass, field
from functools import cached_property

from arsearch.indexer.analysis import WordAnalyzer
from arsearch.indexer.errors import QueryError
from arsearch.indexer.folding import WORD_RE, fold, fold_text
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.loanwords import loanword_stems
from arsearch.indexer.stemming import canonical_name, light10, protected_lookup, strip_prefix
from arsearch.search import parser as qp
from arsearch.search.budget import Deadline, QueryBudget
from arsearch.search.expansion import ExpandedTerms, Expander, Expansion
from whoosh import query as wq

#: Weight of an exact-form match relative to a stem match (both add up when a word matches both).
EXACT_BOOST = 1.5
#: Weight of the clitic-expanded stems: below any direct match.
CLITIC_BOOST = 0.3
#: Weight of a country's nationality adjective for its name, and back (روسيا ↔ الروسي): below the word.
NATIONALITY_BOOST = 0.6
#: Weight of a transliterated word's other spellings: below the spelling typed, above clitic guesses.
LOANWORD_BOOST = 0.5
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
    spelled: set[str] = field(default_factory=set)  # stems of a transliterated word's other spellings
    related: set[str] = field(default_factory=set)  # a country's adjectives, or an adjective's country
    phrase: list[set[str]] = field(default_factory=list)  # a quoted phrase: forms per position
    kind: str = "word"  # word, phrase, prefix or fuzzy
    expansions: tuple = ()  # prefix and fuzzy: per field, the index words kept and how many matched

    @property
    def cut(self) -> bool:
        """Whether a prefix or fuzzy word matched more index words than the budget let it search."""
        return any(e.cut for e in self.expansions)


@dataclass
class MatchPlan:
    """What counts as a match when marking a passage (positive parts of the query only)."""

    exact: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    phrases: list[list[set[str]]] = field(default_factory=list)
    words: list[WordPlan] = field(default_factory=list)  # the same, per query word, in query order


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

    # The gazetteer's tables fold thousands of names: each is built on first use, so that a one-shot
    # search builds only those its query needs (a single word never needs the names of several words).
    @cached_property
    def _variants(self) -> dict[str, set[str]]:
        variants: dict[str, set[str]] = {}
        for group in self.gazetteer.variant_groups():
            for form in group:
                # Keyed by the protected-name form too (اليونسكو → يونسكو), which is what a word
                # behind a clitic resolves to.
                for key in (form, canonical_name(form)):
                    variants.setdefault(key, set()).update(group)
        return variants

    @cached_property
    def _nationality(self) -> dict[str, set[str]]:
        return self.gazetteer.nationality_links()

    @cached_property
    def _names(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        return self.gazetteer.name_phrases()

    def compile(self, tree, reader=None, budget: QueryBudget | None = None, deadline: Deadline | None = None) -> CompiledQuery:
        """The Whoosh query for a parsed tree; prefix and fuzzy words are expanded against ``reader``
        within ``budget`` (see ``search.expansion``)."""
        budget = budget or QueryBudget.from_settings()
        run = Expander(reader, budget, deadline or Deadline(budget.deadline))
        plan = MatchPlan()
        dropped: list[str] = []
        title_terms: list[wq.Query] = []
        query = self._node(tree, plan, dropped, title_terms, positive=True, run=run) if tree is not None else None
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
    def _node(self, node, plan, dropped, titles, positive, run=None):
        if isinstance(node, qp.And) or isinstance(node, qp.Or):
            nodes = self._name_runs(node.nodes) if type(node) is qp.And else node.nodes
            parts = [self._node(n, plan, dropped, titles, positive, run) for n in nodes]
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
            inner = self._node(node.node, MatchPlan(), dropped, [], positive=False, run=run)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, qp.Word):
            return self._word(node.text, plan, dropped, titles, positive)
        if isinstance(node, qp.Phrase):
            return self._phrase(node.text, plan, dropped)
        if isinstance(node, qp.Prefix):
            prefix = fold(node.text)
            if not prefix:
                return None
            typed = node.text + "*"
            found = [run.prefix("exact", prefix, typed)]
            return self._expanded(WordPlan(typed, prefix, kind="prefix"), found, plan)
        if isinstance(node, qp.Fuzzy):
            term = fold(node.text)
            if not term:
                return None
            # On the exact forms and on the stems: ماكرن~ reaches ماكرون, and through the stem, وماكرون.
            stemmed = self.words.analyze(node.text)[1] or term
            typed = f"{node.text}~{node.distance}"
            found = [run.fuzzy("exact", term, node.distance, typed), run.fuzzy("text", stemmed, node.distance, typed)]
            return self._expanded(WordPlan(typed, term, kind="fuzzy"), found, plan)
        raise TypeError(f"unknown query node {node!r}")

    def _expanded(self, word: WordPlan, found: list[Expansion], plan: MatchPlan) -> wq.Query:
        word.expansions = tuple(found)
        for expansion in found:
            forms = set(expansion.words)
            if expansion.fieldname == "exact":
                word.exact |= forms
                plan.exact |= forms
            else:
                word.stems |= forms
                plan.stems |= forms
        plan.words.append(word)
        parts = [ExpandedTerms(e.fieldname, e.words) for e in found]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

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
                weak.add(light10(bare, conjunction=not _after_clitic(exact, bare)))
                weak.update(light10(clitic + bare) for clitic in BARE_CLITICS)
                if not bare.endswith("ا"):
                    weak_exact.add(bare + "ا")  # accusative alif written without tanween (توترا)
                elif len(bare) > 3:
                    weak.add(light10(bare[:-1]))
        spelled = loanword_stems(strip_prefix(exact), stems, lambda w: self.words.analyze(w)[1])
        weak -= stems | spelled
        weak_exact -= exact_forms
        related = set().union(*(self._nationality.get(f, ()) for f in exact_forms)) - exact_forms
        plan.exact |= exact_forms | weak_exact | related
        plan.stems |= stems | spelled | weak
        plan.words.append(
            WordPlan(typed or exact, exact, exact_forms, stems, weak_exact, weak, spelled=spelled, related=related)
        )
        subqueries = [wq.Term("exact", f, boost=EXACT_BOOST) for f in sorted(exact_forms)]
        subqueries += [wq.Term("exact", f, boost=CLITIC_BOOST) for f in sorted(weak_exact)]
        subqueries += [wq.Term("text", s) for s in sorted(stems)]
        subqueries += [wq.Term("text", s, boost=LOANWORD_BOOST) for s in sorted(spelled)]
        subqueries += [wq.Term("text", s, boost=CLITIC_BOOST) for s in sorted(weak)]
        subqueries += [wq.Term("exact", f, boost=NATIONALITY_BOOST) for f in sorted(related)]
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


    def _name_runs(self, nodes):
        """Runs of typed words that are an actor's name of several words (Saudi Arabia, سيرغي
        لافروف) also search its other Arabic names, each as a phrase: the passages that name it
        otherwise (لافروف alone) match too, below those that have every typed word."""
        out, i = [], 0
        while i < len(nodes):
            for n in range(min(len(nodes) - i, 6), 1, -1):
                run = nodes[i : i + n]
                if not all(isinstance(w, qp.Word) for w in run):
                    continue
                key = tuple(w for node in run for w in fold_text(node.text))
                if key in self._names:
                    names = [qp.Phrase(a) if len(fold_text(a)) > 1 else qp.Word(a) for a in self._names[key]]
                    out.append(qp.Or((_TypedRun(tuple(run)), *names)))
                    i += n
                    break
            else:
                out.append(nodes[i])
                i += 1
        return tuple(out)


class _TypedRun(qp.And):
    """The typed words of an English name, searched as typed too (not looked up again)."""


def _bare_forms(exact: str) -> set[str]:
    """The word with its prefix clitics taken off, as far as light10 and a bare ب/ل/ك go."""
    forms = {exact}
    rest = strip_prefix(exact)
    forms.add(rest)
    for form in (exact, rest):
        if form[0] in BARE_CLITICS and len(form) - 1 >= MIN_CLITIC_REST:
            forms.add(form[1:])
    return {f for f in forms if len(f) >= MIN_CLITIC_REST}


def _after_clitic(exact: str, bare: str) -> bool:
    """Whether ``bare`` is what is left of ``exact`` after a ب/ل/ك (or the ل of ال): a و there is
    part of the word, never "and" (بوعزيزي is not ب + و + عزيزي)."""
    cut = len(exact) - len(bare)
    return cut > 0 and exact.endswith(bare) and exact[cut - 1] in BARE_CLITICS


def word_finds(compiler: QueryCompiler, query_word: str, text_word: str) -> bool:
    """Whether searching for ``query_word`` finds a passage whose only word is ``text_word``.

    The measure behind the word-list quality figures: it uses the real query expansion and the real
    index-time analysis, so it cannot drift from what search does.
    """
    plan = word_plan(compiler, query_word)
    return plan is not None and plan_finds(compiler, plan, text_word)


def word_plan(compiler: QueryCompiler, query_word: str) -> MatchPlan | None:
    """The match plan of a one-word query (None for a stop word): reusable over many text words."""
    plan = MatchPlan()
    compiled = compiler._node(qp.Word(query_word), plan, [], [], positive=True)
    return plan if compiled is not None else None


def plan_finds(compiler: QueryCompiler, plan: MatchPlan, text_word: str) -> bool:
    exact, stemmed = compiler.words.analyze(text_word)
    return exact in plan.exact or (stemmed is not None and stemmed in plan.stems)
