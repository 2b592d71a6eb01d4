"""The gazetteer: actors (people, governments, organizations, agencies, countries) and topics.

Shipped as readable TOML in ``indexer/data/gazetteer.toml``; users extend or override it with a file of
their own in the same format (an entry with an existing id replaces it, a new id is added). The
merged gazetteer is saved inside each index, so searching uses exactly what tagging used.

Actor role titles carry dates, as the CAMEO/PETRARCH actor dictionaries used in event data do:
"الرئيس الروسي" means putin from 2012-05-07.
"""

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from arsearch.indexer.countries import cldr_countries
from arsearch.indexer.errors import GazetteerError, QueryError
from arsearch.indexer.folding import fold, fold_text
from arsearch.indexer.stemming import canonical_name

#: Words of person names that are titles or ordinary words, not names (الرئيس بشار الأسد, الشيخ تميم).
_TITLE_WORDS = frozenset(fold(w) for w in "الرئيس الملك الأمير الشيخ السيد السيدة الثاني الأول".split())

ACTOR_KINDS = ("person", "government", "organization", "agency", "country", "place", "unknown")


@dataclass(frozen=True)
class Role:
    title: str
    start: str = ""  # ISO date; empty = open
    end: str = ""

    def holds_on(self, date: str) -> bool:
        """Whether the role was held on an ISO date ('' = unknown date: assume so)."""
        if not date:
            return True
        day = date[:10]
        return (not self.start or self.start <= day) and (not self.end or day <= self.end)


class _Labelled:
    """Display labels of a gazetteer entry: its first English and first Arabic name."""

    @property
    def label(self) -> str:
        return self.en[0] if self.en else self.id

    @property
    def label_ar(self) -> str:
        return self.ar[0] if self.ar else ""


@dataclass(frozen=True)
class Actor(_Labelled):
    id: str
    kind: str
    ar: tuple[str, ...]
    en: tuple[str, ...] = ()
    country: str = ""
    roles: tuple[Role, ...] = ()
    adjectives: tuple[str, ...] = ()
    code: str = ""  # countries: ISO 3166 alpha-2, what CLDR entries and overrides are matched on


@dataclass(frozen=True)
class Topic(_Labelled):
    id: str
    ar: tuple[str, ...]
    en: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    actors: dict[str, Actor] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    variants: tuple[tuple[str, ...], ...] = ()

    # --- reading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, extra: Path | None = None, world: bool = True) -> "Gazetteer":
        """The shipped gazetteer with every CLDR country (``world``), merged with a user's file when
        one is given."""
        data = resources.files("arsearch.indexer.data")
        base = _parse(data.joinpath("gazetteer.toml").read_text("utf-8"), "gazetteer.toml")
        variants = _parse(data.joinpath("variants.toml").read_text("utf-8"), "variants.toml")
        if world:
            base = {**base, "actors": with_world(base.get("actors", []))}
        gaz = cls.from_dict(base, variants.get("groups", []), "gazetteer.toml")
        if extra is not None:
            try:
                text = Path(extra).read_text("utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise GazetteerError(f"cannot read gazetteer file {extra}: {e}") from e
            user = _parse(text, str(extra))
            gaz = gaz.merged(cls.from_dict(user, user.get("variants", []), str(extra)))
        return gaz

    @classmethod
    def from_dict(cls, data: dict, groups=(), where: str = "gazetteer") -> "Gazetteer":
        actors: dict[str, Actor] = {}
        for i, raw in enumerate(data.get("actors", []), 1):
            actor = _actor(raw, f"{where}: actor #{i}")
            if actor.id in actors:
                raise GazetteerError(f"{where}: actor id {actor.id!r} appears twice")
            actors[actor.id] = actor
        topics: dict[str, Topic] = {}
        for i, raw in enumerate(data.get("topics", []), 1):
            topic = _topic(raw, f"{where}: topic #{i}")
            if topic.id in topics:
                raise GazetteerError(f"{where}: topic id {topic.id!r} appears twice")
            topics[topic.id] = topic
        variants = tuple(tuple(str(w) for w in g) for g in groups if len(g) > 1)
        return cls(actors, topics, variants)

    def merged(self, other: "Gazetteer") -> "Gazetteer":
        """Entries of ``other`` replace same-id entries here; new ones are added."""
        return Gazetteer(
            {**self.actors, **other.actors},
            {**self.topics, **other.topics},
            self.variants + other.variants,
        )

    def to_dict(self) -> dict:
        return {
            "actors": [asdict(a) for a in self.actors.values()],
            "topics": [asdict(t) for t in self.topics.values()],
            "variants": [list(g) for g in self.variants],
        }

    @classmethod
    def from_json(cls, text: str) -> "Gazetteer":
        data = json.loads(text)
        actors = {
            a["id"]: Actor(
                a["id"], a["kind"], tuple(a["ar"]), tuple(a["en"]), a["country"],
                tuple(Role(**r) for r in a["roles"]), tuple(a["adjectives"]), a.get("code", ""),
            )
            for a in data["actors"]
        }
        topics = {
            t["id"]: Topic(t["id"], tuple(t["ar"]), tuple(t["en"]), tuple(t["terms"]))
            for t in data["topics"]
        }
        return cls(actors, topics, tuple(tuple(g) for g in data["variants"]))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()[:16]

    # --- what analysis needs ---------------------------------------------------------------------
    def protected_names(self) -> dict[str, str]:
        """Folded name forms that stemming must leave alone, each mapped to its canonical form.

        Single-word names of any actor and every word of a person's names (titles such as الرئيس or
        الشيخ aside): names are where light stemming does most harm (ماكرون → ماكر). Curated spelling
        variants are not protected: they are expanded at query time, and many are ordinary
        adjectives (الأمريكية) that must stem like any other word.
        """
        words: set[str] = set()
        for actor in self.actors.values():
            for name in actor.ar:
                parts = fold_text(name)
                if len(parts) == 1:
                    words.add(parts[0])
                elif actor.kind == "person":
                    words.update(p for p in parts if len(p) >= 4 and p not in _TITLE_WORDS)
        return {w: canonical_name(w) for w in sorted(words) if len(w) >= 3}

    def variant_groups(self) -> list[set[str]]:
        """Folded single-word spellings that mean the same: curated groups, plus each actor's names.

        An actor's one-word English names join its Arabic ones, so Putin finds بوتين.
        """
        groups = [{fold(w) for w in g} for g in self.variants]
        for actor in self.actors.values():
            singles = {fold(n) for n in (*actor.ar, *actor.en) if len(fold_text(n)) == 1}
            if len(singles) > 1:
                groups.append(singles)
        return groups

    def nationality_links(self) -> dict[str, set[str]]:
        """Folded one-word country names ↔ the folded forms of their nationality adjectives.

        A query for روسيا also finds الروسي (and السوري finds سورية), at a lower weight than the
        word itself: the query side reads this, the tagger matches the same adjectives.
        """
        links: dict[str, set[str]] = {}
        for actor in self.actors.values():
            if actor.kind != "country":
                continue
            names = {fold(n) for n in actor.ar if len(fold_text(n)) == 1}
            adjectives = {fold(a) for a in actor.adjectives if len(fold_text(a)) == 1}
            for name in names:
                links.setdefault(name, set()).update(adjectives - {name})
            for adjective in adjectives:
                links.setdefault(adjective, set()).update(names - {adjective})
        return links

    def name_phrases(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Names of several words, folded — English (Saudi Arabia) or Arabic (سيرغي لافروف) — → the
        actor's Arabic names, so a query that is one of its names finds the others (لافروف).

        One-word names are spelling variants (``variant_groups``); these need the query's word
        sequence, so the compiler looks them up over runs of typed words.
        """
        out: dict[tuple[str, ...], tuple[str, ...]] = {}
        for actor in self.actors.values():
            for name in (*actor.en, *actor.ar):
                words = tuple(fold_text(name))
                if len(words) > 1:
                    out.setdefault(words, tuple(n for n in actor.ar if tuple(fold_text(n)) != words))
        return {k: v for k, v in out.items() if v}

    # --- resolving what users type ---------------------------------------------------------------
    def resolve_actor(self, value: str) -> str:
        return _resolve(value, self.actors, "actor", "arsearch actors")

    def resolve_topic(self, value: str) -> str:
        return _resolve(value, self.topics, "topic", "arsearch topics")


def _parse(text: str, where: str) -> dict:
    import tomllib  # the shipped and users' TOML; an index's own gazetteer is JSON

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GazetteerError(f"{where} is not valid TOML: {e}") from e


def _strings(raw, key: str, where: str, required: bool = False) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GazetteerError(f"{where}: {key!r} must be a list of non-empty strings")
    if required and not value:
        raise GazetteerError(f"{where}: {key!r} must list at least one name")
    return tuple(v.strip() for v in value)


def _date(value, where: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as e:
        raise GazetteerError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from e


def _ident(raw, where: str) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(ident, str) or not ident or not ident.isascii() or ident != ident.lower() or " " in ident:
        raise GazetteerError(f"{where}: 'id' must be a lowercase ASCII word, got {ident!r}")
    return ident


def _actor(raw, where: str) -> Actor:
    ident = _ident(raw, where)
    where = f"{where} ({ident})"
    kind = raw.get("kind")
    if kind not in ACTOR_KINDS:
        raise GazetteerError(f"{where}: 'kind' must be one of {', '.join(ACTOR_KINDS)}")
    roles = []
    for role in raw.get("roles", []):
        if not isinstance(role, dict) or not isinstance(role.get("title"), str):
            raise GazetteerError(f"{where}: each role needs a 'title' string")
        roles.append(Role(role["title"], _date(role.get("from"), where), _date(role.get("to"), where)))
    return Actor(
        ident,
        kind,
        _strings(raw, "ar", where, required=True),
        _strings(raw, "en", where),
        str(raw.get("country", "")),
        tuple(roles),
        _strings(raw, "adjectives", where),
        str(raw.get("code", "")).upper(),
    )


def with_world(shipped: list[dict]) -> list[dict]:
    """The shipped actors plus every CLDR country; a shipped country with the same ISO code is the
    override: it keeps its id, names and adjectives first and gains the CLDR names and derived
    adjective forms it lacks."""
    by_code = {a["code"].upper(): a for a in shipped if isinstance(a, dict) and a.get("code")}
    ids = {a.get("id") for a in shipped if isinstance(a, dict)}
    out = list(shipped)
    for country in cldr_countries():
        own = by_code.get(country["code"])
        if own is not None:
            for key in ("ar", "en", "adjectives"):
                own[key] = list(dict.fromkeys([*own.get(key, []), *country[key]]))
        elif country["id"] not in ids:
            out.append(dict(country))
    return out


def _topic(raw, where: str) -> Topic:
    ident = _ident(raw, where)
    where = f"{where} ({ident})"
    return Topic(
        ident,
        _strings(raw, "ar", where, required=True),
        _strings(raw, "en", where),
        _strings(raw, "terms", where, required=True),
    )


def _lookup_key(text: str) -> str:
    """How a typed filter value is compared with names: folded, article and clitics ignored."""
    words = fold_text(text)
    return " ".join(canonical_name(w) for w in words)


def _resolve(value: str, entries: dict, what: str, listing: str) -> str:
    wanted = value.strip()
    if wanted.lower() in entries:
        return wanted.lower()
    key = _lookup_key(wanted)
    keys: dict[str, str] = {}
    for ident, entry in entries.items():
        for name in (ident, *entry.en, *entry.ar, *getattr(entry, "adjectives", ())):
            keys.setdefault(_lookup_key(name), ident)
    if key in keys:
        return keys[key]
    # A clitic typed in front (وبوتين, لسورية): try once without it.
    if key and key[0] in "وفبلك" and key[1:] in keys:
        return keys[key[1:]]
    import difflib  # only a name that was not found needs it

    close = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6)
    hint = ", ".join(dict.fromkeys(keys[c] for c in close))
    suggestion = f"; did you mean {hint}?" if hint else ""
    raise QueryError(f"unknown {what} {value!r}{suggestion} (`{listing}` lists them all)")
