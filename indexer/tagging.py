"""Tagging passages with the actors and topics they are about.

Names, role titles and topic terms are analyzed like the text (folded, stop words out, light stems
with protected names), so inflected and clitic forms count: وماكرون, لوزارة الخارجية الروسية, الرئيسان
الروسي. A word may also carry a bare و ف ب ل ك clitic in front of a multi-word name (لمجلس الأمن).

Explicit mentions come from names (longest match first, so "مجلس الأمن والتعاون في أوروبا" is the
OSCE, not the Security Council). Role references ("الرئيس الروسي", "نظيره الفرنسي") are resolved,
within one article, to the actor named with that role in the same article, and kept apart as inferred
mentions.

A topic needs evidence, not one common word: two distinct terms of it (distinct after analysis, so
السوري and السورية count once), or one term of several words (الأزمة السورية, أسعار النفط), or one of the
topic's own names (its ``ar`` labels: سورية). One mention of النفط in a simile is not the energy topic.

A dual names the pair the article names: الرئيسان، الوزيران (two people), الجانبان، البلدان (two
countries) are inferred mentions of both, when the article names exactly two of that kind.

Nationality adjectives are matched as written (folded, a clitic in front allowed), not by stem: their
inflections are listed (الروسي، الروسية، الروسيون …), and their stems collide with ordinary words (the
stem of التركي is the verb ترك "left", that of سوري is سور "wall").
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from arsearch.indexer.analysis import Word, WordAnalyzer
from arsearch.indexer.corpus import Article
from arsearch.indexer.discovery import Discoverer, Mention
from arsearch.indexer.gazetteer import Gazetteer, Role

_CLITICS = "وفبلك"
#: The word for "counterpart" (نظيره الفرنسي = his French counterpart), as a stem.
_COUNTERPART = "نظير"
#: Words whose dual (الرئيسان، الجانبين) refers to the pair of people / of countries the article names.
PAIR_PEOPLE = ("الرئيس", "الوزير", "الزعيم", "القائد", "الملك", "الأمير")
PAIR_COUNTRIES = ("الجانب", "الطرف", "البلد")
#: Distinct one-word terms a passage needs for a topic (one is enough for a longer term or a name).
TOPIC_EVIDENCE = 2
#: Marks a written-form key in the pattern table, apart from stems (stems never start with it).
EXACT = "="


def written_forms(exact: str) -> list[str]:
    """A folded word as written and without its clitics: وبالجزائر → بالجزائر, الجزائر; للروسي → الروسي."""
    forms = [exact]
    word = exact
    if word[0] in "وف" and len(word) > 3:
        word = word[1:]
        forms.append(word)
    if word.startswith("لل") and len(word) > 4:
        forms.append("ال" + word[2:])
    elif word[0] in "بلك" and len(word) > 3:
        forms.append(word[1:])
    return forms


@dataclass(frozen=True)
class PassageTags:
    actors: tuple[str, ...]  # gazetteer actors named explicitly
    inferred: tuple[str, ...]
    topics: tuple[str, ...]
    discovered: tuple[str, ...] = ()  # ids of entities discovery found (not in the gazetteer)
    mentions: tuple[Mention, ...] = ()  # every explicit name with its offsets, gazetteer and discovered


Pattern = tuple[str, ...]
#: Distinct word forms whose table lookups a tagger remembers (a few hundred bytes each); past it
#: the memo starts again empty.
MEMO_FORMS = 200_000


class _Forms(NamedTuple):
    """One word form's candidate forms and the table entries they start, looked up once."""

    stem: str
    forms: frozenset[str]
    mentions: tuple  # entries of the names-and-roles table whose first word is one of the forms
    topics: tuple  # entries of the topic table, likewise
    adjectives: tuple[str, ...]  # countries whose one-word nationality adjective is one of the forms
    counterpart: bool  # the word is نظير (نظيره الفرنسي)
    pair: str | None  # "person" / "country" for a dual of PAIR_PEOPLE / PAIR_COUNTRIES
    any: bool  # any of the above: the word matters to some table or rule


def _mention_entries(forms: _Forms) -> tuple:
    return forms.mentions


def _topic_entries(forms: _Forms) -> tuple:
    return forms.topics


class Tagger:
    def __init__(self, gazetteer: Gazetteer, words: WordAnalyzer, discover: bool = True):
        """``discover=False`` tags from the gazetteer alone (what the measurement compares with)."""
        self.gazetteer = gazetteer
        self.words = words
        self.discoverer = Discoverer(words) if discover else None
        self._pair_stems = {words.analyze(w)[1]: "person" for w in PAIR_PEOPLE}
        self._pair_stems.update({words.analyze(w)[1]: "country" for w in PAIR_COUNTRIES})
        # Names and role titles share one table: a longer role title ("وزير الخارجية الروسي") must
        # win over a shorter name inside it ("الخارجية الروسية", the ministry). Role entries carry
        # their Role; name entries carry None.
        self._mentions: dict[str, list[tuple[Pattern, str, Role | None]]] = defaultdict(list)
        self._topics: dict[str, list[tuple[Pattern, str, None]]] = defaultdict(list)
        self._adjectives: dict[str, str] = {}  # one-word adjective key -> country id
        self._memo: dict[str, _Forms] = {}  # exact -> _Forms of its first stem
        self._memo_other: dict[tuple[str, str], _Forms] = {}  # (exact, stem) -> _Forms of other stems
        for actor in gazetteer.actors.values():
            for name in actor.ar:
                # A country's one-word name is matched as written too: it is never inflected, and a
                # country that takes no article is not named by the word with one (المالي is
                # "financial", not Mali).
                one_word_country = actor.kind == "country" and len(self._pattern(name)) == 1
                pattern = self._written(name) if one_word_country else self._pattern(name)
                self._add(self._mentions, pattern, actor.id, None)
            for role in actor.roles:
                self._add(self._mentions, self._pattern(role.title), actor.id, role)
            for adjective in actor.adjectives:
                pattern = self._written(adjective)
                self._add(self._mentions, pattern, actor.id, None)
                if len(pattern) == 1:
                    self._adjectives[pattern[0]] = actor.id
        self._topic_names: set[tuple[str, Pattern]] = set()  # (topic id, pattern) strong on its own
        for topic in gazetteer.topics.values():
            for term in topic.terms:
                for pattern in self._topic_patterns(term):
                    self._add(self._topics, pattern, topic.id, None)
            self._topic_names.update((topic.id, p) for name in topic.ar for p in self._topic_patterns(name))
        for table in (self._mentions, self._topics):
            for entries in table.values():
                entries.sort(key=lambda e: -len(e[0]))

    def _pattern(self, phrase: str) -> Pattern:
        return tuple(w.stem for w in self.words.words(phrase) if w.stem)

    def _topic_patterns(self, term: str) -> list[Pattern]:
        """A term of several words by stems (الأزمة السورية, أزمة سورية); a one-word term as written,
        with or without its article (اليمن, يمن), as country names are: by stem, اليمنى "right hand"
        would be Yemen and الفلسطينيين "the Philistines" Palestine itself."""
        pattern = self._pattern(term)
        if len(pattern) != 1:
            return [pattern]
        (written,) = self._written(term) or (EXACT + pattern[0],)
        bare = written[1:]
        if bare.startswith("ال") and len(bare) > 4:
            return [(written,), (EXACT + bare[2:],)]
        return [(written,)]

    def _written(self, phrase: str) -> Pattern:
        return tuple(EXACT + w.exact for w in self.words.words(phrase) if w.stem)

    @staticmethod
    def _add(table, pattern: Pattern, ident: str, role) -> None:
        entry = (pattern, ident, role)
        if pattern and entry not in table[pattern[0]]:
            table[pattern[0]].append(entry)

    def _forms_of(self, word: Word) -> "_Forms":
        """What the tables say about one word form, computed once per distinct (exact, stem): a
        word's candidate forms depend on nothing else, and news repeats its vocabulary."""
        forms = self._forms(word)
        mentions = tuple(entry for form in forms for entry in self._mentions.get(form, ()))
        topics = tuple(entry for form in forms for entry in self._topics.get(form, ()))
        adjectives = tuple(self._adjectives[f] for f in forms if f in self._adjectives)
        pair = None
        if word.exact.endswith(("ان", "ين")) and not word.stem.endswith(("ان", "ين")):
            pair = self._pair_stems.get(word.stem)
        counterpart = _COUNTERPART in forms
        found = _Forms(
            word.stem, frozenset(forms), mentions, topics, adjectives, counterpart, pair,
            bool(mentions or topics or adjectives or counterpart or pair),
        )
        # Most forms have one stem; the same folded form with another stem (جهودا، جهوداً) is
        # remembered apart, so that neither pushes the other out.
        memo, key = (self._memo, word.exact) if self._memo.get(word.exact) is None else (self._memo_other, word[2:])
        if len(memo) >= MEMO_FORMS:
            memo.clear()
        memo[key] = found
        return found

    def _forms(self, word: Word) -> tuple[str, ...]:
        """A word's stem, and the stem without a bare clitic in front; its written forms with and
        without clitics (``written_forms``), marked with ``EXACT``."""
        forms = [word.stem]
        forms += (EXACT + w for w in written_forms(word.exact))
        if word.exact[0] in _CLITICS and len(word.exact) > 4:
            _, bare = self.words.analyze(word.exact[1:])
            if bare and bare != word.stem:
                forms.append(bare)
        return tuple(forms)

    def _candidates(self, words: tuple[Word, ...]) -> tuple[list["_Forms"], list[Word]]:
        """Per word (stop words out): what its forms match (``_forms_of``). With the words
        themselves, for the mentions' character offsets."""
        cands = []
        kept = []
        memo = self._memo.get
        for word in words:
            stem = word.stem
            if stem is None:
                continue
            found = memo(word.exact)
            if found is None or found.stem != stem:
                found = self._memo_other.get(word[2:]) or self._forms_of(word)
            cands.append(found)
            kept.append(word)
        return cands, kept

    @staticmethod
    def _match(cands: list["_Forms"], i: int, pattern: Pattern) -> bool:
        if i + len(pattern) > len(cands):
            return False
        return all(pattern[j] in cands[i + j].forms for j in range(1, len(pattern)))

    def _scan(self, cands, hits: list[int], entries_of, consume: bool):
        """Yield (word index, entry) for each match of the entries ``entries_of`` a word's forms
        start, looking only at the words in ``hits`` (the others start none); with ``consume``,
        only the longest matches, without overlap."""
        i = 0
        match = self._match
        last = len(cands) - 1
        for at in hits:
            if at < i:
                continue
            # A longer pattern's second word is tried first: most fail there.
            second = cands[at + 1].forms if at < last else ()
            found = [
                entry for entry in entries_of(cands[at])
                if len(entry[0]) == 1 or (entry[0][1] in second and match(cands, at, entry[0]))
            ]
            if consume and found:
                longest = max(len(e[0]) for e in found)
                yield from ((at, e) for e in found if len(e[0]) == longest)
                i = at + longest
            else:
                yield from ((at, e) for e in found)

    def _topics_with_evidence(self, cands, hits: list[int]) -> set[str]:
        """Topics with two distinct terms, or one term of several words, or one of their names."""
        terms = defaultdict(set)
        for _, (pattern, ident, _) in self._scan(cands, hits, _topic_entries, consume=False):
            terms[ident].add(pattern)
        return {
            ident for ident, found in terms.items()
            if len(found) >= TOPIC_EVIDENCE or any(len(p) > 1 or (ident, p) in self._topic_names for p in found)
        }

    def tag_article(self, article: Article) -> list[PassageTags]:
        """Tags for each passage of an article, in order (roles need the whole article)."""
        per_passage = []
        named: set[str] = set()
        taken_per_passage = []
        words_per_passage = [self.words.words(text) for text in article.paragraphs]
        for words in words_per_passage:
            cands, kept = self._candidates(words)
            # The few words any table or rule knows; the scans look at them alone.
            hits = [i for i, c in enumerate(cands) if c.any]
            found = list(self._scan(cands, [i for i in hits if cands[i].mentions], _mention_entries, consume=True))
            mentions = [entry for _, entry in found]
            taken_per_passage.append([(kept[i].start, kept[i + len(e[0]) - 1].end, e) for i, e in found])
            actors = {ident for _, ident, role in mentions if role is None}
            roles = [(ident, role) for _, ident, role in mentions if role is not None]
            topics = self._topics_with_evidence(cands, [i for i in hits if cands[i].topics])
            counterparts = [
                ident
                for i in hits
                if cands[i].counterpart and i + 1 < len(cands)
                for ident in cands[i + 1].adjectives
            ]
            pairs = {cands[i].pair for i in hits if cands[i].pair is not None}
            per_passage.append((actors, topics, roles, counterparts, pairs))
            named |= actors
        people_of = defaultdict(set)
        for ident in named:
            actor = self.gazetteer.actors[ident]
            if actor.kind == "person" and actor.country:
                people_of[actor.country].add(ident)
        taken_spans = [[(s, e) for s, e, _ in taken] for taken in taken_per_passage]
        if self.discoverer is None:
            discovered = [[] for _ in taken_spans]
        else:
            discovered = self.discoverer.article_mentions(article.paragraphs, taken_spans, words_per_passage)
        of_kind = defaultdict(set)  # person / country -> the ids the article names
        for ident in named:
            of_kind[self.gazetteer.actors[ident].kind].add(ident)
        of_kind["person"].update(m.ident for found in discovered for m in found if m.kind == "person")
        tags = []
        rows = zip(per_passage, taken_per_passage, discovered, article.paragraphs, strict=True)
        for (actors, topics, roles, counterparts, pairs), taken, found, text in rows:
            inferred = {
                ident for ident, role in roles if ident in named and role.holds_on(article.day)
            }
            for kind in pairs:
                if len(of_kind[kind]) == 2:
                    inferred |= of_kind[kind]
            for country in counterparts:
                if len(people_of[country]) == 1:
                    inferred |= people_of[country]
            explicit = [
                Mention(s, e, ident, self.gazetteer.actors[ident].kind, text[s:e], "gazetteer")
                for (s, e, (_, ident, role)) in taken
                if role is None
            ]
            new = tuple(m for m in found if m.ident not in self.gazetteer.actors)
            tags.append(PassageTags(
                tuple(sorted(actors | {m.ident for m in found if m.ident in self.gazetteer.actors})),
                tuple(sorted(inferred - actors - {m.ident for m in found})),
                tuple(sorted(topics)),
                tuple(sorted({m.ident for m in new})),
                tuple(sorted([*explicit, *found], key=lambda m: m.start)),
            ))
        return tags
