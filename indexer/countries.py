"""The world's countries and territories as gazetteer actors, from CLDR through Babel.

No hand-typed list can keep up with a user's news about Algeria, Chad or Peru; CLDR (the Unicode
locale data, kept up to date and shipped by Babel) names every ISO 3166 territory in Arabic and
English. Nationality adjectives (الجزائري/الجزائرية/الجزائريون …) are derived by rule from the
Arabic name (``nisba_base``). The shipped gazetteer's hand-written countries are overrides: an entry
with the same ISO code keeps its id and adjectives and gains the CLDR names it lacks.
"""

import re
import unicodedata
from collections import Counter
from functools import lru_cache

#: Harakat and tatweel (hamza seats are kept: the ال of ألمانيا is not the article).
_HARAKAT = re.compile("[\u064B-\u065F\u0670\u0640]")

#: CLDR territory codes that are groupings, not countries (EU is in the gazetteer as an organization).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})

#: Nisba endings: masculine, feminine, masculine plural (both cases), feminine plural.
NISBA_ENDINGS = ("ي", "ية", "يون", "يين", "يات")


def nisba_base(name: str) -> str | None:
    """The stem a nationality adjective is built on (الجزائر → جزائر, روسيا → روس), or None.

    Rules of Arabic nisba formation for country names: the article goes; a final -iya/-ya (روسيا,
    السعودية) or a final alif (فرنسا, كندا) goes; other endings stay (لبنان → لبناني, مصر → مصري).
    Names of several words, and names ending in a long vowel other than alif (مالي, كونغو, بيرو),
    form their adjectives irregularly (كونغولي) or the same as the name itself (مالي = "financial"):
    they get none, and a hand-written entry may give them.
    """
    word = _HARAKAT.sub("", name).strip()
    if " " in word or "-" in word:
        return None
    if word.startswith("ال"):
        word = word[2:]
    for ending in ("ية", "يا", "ة", "ا"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    if word.endswith(("ي", "و", "ى", "ه", "ة", "ا")) or len(word) < 3:
        return None
    return word


def nisba_forms(name: str) -> tuple[str, ...]:
    """Definite and bare forms of the nationality adjective of a one-word country name."""
    base = nisba_base(name)
    if base is None:
        return ()
    return tuple(f"{article}{base}{ending}" for article in ("ال", "") for ending in NISBA_ENDINGS)


def country_id(english: str) -> str:
    """A stable lowercase ASCII id from the English name (Saudi Arabia → saudi_arabia)."""
    plain = unicodedata.normalize("NFKD", english.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    out = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in plain)
    return "_".join(p for p in out.split("_") if p)


@lru_cache(maxsize=1)
def cldr_countries() -> tuple[dict, ...]:
    """Every ISO 3166 country and territory: code, id, Arabic and English names, adjectives.

    Raw dicts in the gazetteer's TOML shape, so they go through the same validation as the
    shipped file. Territories Babel names only by their code are left out.
    """
    from babel import Locale  # imported here: only building a gazetteer needs it

    ar, en = Locale("ar").territories, Locale("en").territories
    out = []
    codes = [c for c in sorted(ar) if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES and c in en]
    # A short name two territories share (الكونغو) names neither: only the full names are kept.
    shared = Counter(ar[c].split(" - ")[0].strip() for c in codes if " - " in ar[c])
    for code in codes:
        # CLDR writes a disambiguator after a dash ("الكونغو - كينشاسا"); the name before it is
        # what news uses, the full one is kept too.
        names_ar = [ar[code]]
        short = ar[code].split(" - ")[0].strip()
        if short != ar[code] and shared[short] == 1:
            names_ar.append(short)
        out.append({
            "id": country_id(en[code]),
            "kind": "country",
            "code": code,
            "ar": names_ar,
            "en": [en[code]],
            "adjectives": list(nisba_forms(ar[code])),
        })
    return tuple(out)
