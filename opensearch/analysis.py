"""arsearch's word analysis as an OpenSearch analysis chain, generated from the analyzer's own constants.

OpenSearch (Lucene) analyzers are a char filter, a tokenizer and token filters, each a stock class;
arsearch's analyzer is Python code (``indexer.analysis``, ``folding``, ``stemming``). This module
writes the second as the first, reading every table from the Python modules (the folding maps, the
word pattern, the stop list, the protected names, light10's prefixes and suffixes), so the two cannot
drift: a change there changes the template here, and the fidelity test runs both.

Only built-in filters are used, the ones Lucene 8 ships too (so Debian's jars can check the chain):
``pattern_replace`` char filter, ``pattern`` tokenizer, ``pattern_replace``, ``lowercase``, ``stop``
and ``stemmer_override`` token filters. Python decides some steps on the raw spelling, which folding
erases (a word-initial hamza seat means ال is not the article, a tanween alif is a case ending, a
final ه written ه is a pronoun): the chain writes that down as private-use marker characters before
folding and takes them off once the rule that needs them has run. Marked tokens are skipped by every
rule that the Python code does not apply to them, because the rules match body letters only.

Each step is a ``Step``; ``Step.opensearch()`` gives its settings entry, ``Step.lucene()`` the Lucene
factory name and parameters it corresponds to (the names differ slightly: see the README).
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from arsearch.indexer import folding, stemming
from arsearch.indexer.analysis import _HAMZA_ALEFS, _TANWEEN_FATH, WordAnalyzer

#: Markers (private-use code points) carried in token text between two steps of the stem chain.
NO_ARTICLE = "\ue000"  # the word began with a hamza seat on alef: its ال is not the article
TANWEEN = "\ue001"  # the word carried a fathatan: a final alif is the case ending
HEH = "\ue002"  # the word ended in ه written as ه, not ة: after ت it is the pronoun
NAME = "\ue003"  # a protected name: light10 leaves it alone
#: Regex class of a letter of the word itself (any character but the markers).
_BODY = "[^\\ue000-\\ue0ff]"

#: The analyzers' names in the template, per arsearch field kind.
EXACT_ANALYZER = "arsearch_exact"
STEM_ANALYZER = "arsearch_stem"


def _u(c: str) -> str:
    if ord(c) > 0xFFFF:
        raise ValueError(f"code point {ord(c):X} outside the BMP cannot be written as \\uXXXX")
    return f"\\u{ord(c):04x}"


def char_class(chars, negate: bool = False) -> str:
    """A Java regex class for a set of characters, with runs written as ranges."""
    codes = sorted({ord(c) for c in chars})
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = chr(codes[i]), chr(codes[j])
        parts.append(_u(first) if i == j else f"{_u(first)}-{_u(last)}")
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _alternation(words) -> str:
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


@dataclass(frozen=True)
class Step:
    """One char filter, tokenizer or token filter of a chain."""

    kind: str  # char_filter, tokenizer or filter
    name: str
    type: str  # the OpenSearch type
    params: dict = field(default_factory=dict)

    def opensearch(self) -> dict:
        return {"type": self.type, **self.params}

    def lucene(self) -> tuple[str, dict]:
        """(Lucene SPI name, parameters as strings); list parameters stay lists (files to write)."""
        p = self.params
        if self.type == "pattern_replace":
            out = {"pattern": p["pattern"], "replacement": p["replacement"]}
            if self.kind == "filter":
                out["replace"] = "all" if p.get("all", True) else "first"
            return "patternReplace", out
        if self.type == "pattern":
            return "pattern", {"pattern": p["pattern"], "group": str(p["group"])}
        if self.type == "lowercase":
            return "lowercase", {}
        if self.type == "stop":
            return "stop", {"words": list(p["stopwords"]), "ignoreCase": "false"}
        if self.type == "stemmer_override":
            return "stemmerOverride", {"dictionary": [r.split(" => ") for r in p["rules"]]}
        raise ValueError(f"no Lucene counterpart for {self.type}")


def _replace(name: str, pattern: str, replacement: str) -> Step:
    return Step("filter", name, "pattern_replace", {"pattern": pattern, "replacement": replacement, "all": True})


# --- the pieces, each read from the Python analyzer ---------------------------------------------------

_DELETED = frozenset(chr(k) for k, v in folding._STAGE1.items() if v is None)
_WORD_CHAR = folding.WORD_PATTERN.removeprefix("(?:").removesuffix(")+")
assert "[^\\W_]" in _WORD_CHAR, "the word pattern changed shape: update opensearch.analysis"
#: A word character, in Java: Python's ``[^\W_]`` (letters and digits of any script) is \p{L}\p{N}.
_JAVA_WORD_CHAR = "(?:" + _WORD_CHAR.replace("[^\\W_]", "[\\p{L}\\p{N}]") + ")"
_MARK_CHARS = "".join(c for c in map(chr, range(0x10000)) if folding.WORD_RE.fullmatch(c) and c in _DELETED)
_SPACES = "".join(c for c in map(chr, range(0x10000)) if c.isspace())
#: Arabic letters that a conjunction written apart joins (``indexer.analysis._ARABIC_LETTER``).
_JOINABLE = "[\\u0621-\\u064a]"


@lru_cache(maxsize=1)
def _kept_mark_class() -> str:
    """The explicit (non-letter) part of the word pattern, less what folding deletes."""
    explicit = "".join(
        c for c in map(chr, range(0x10000)) if folding.WORD_RE.fullmatch(c) and not re.fullmatch(r"[^\W_]", c)
    )
    kept = [c for c in explicit if c not in _DELETED]
    return char_class(kept) if kept else ""


def token_pattern() -> str:
    """Python's word pattern, in Java, matching only words that keep a letter after folding."""
    letters = "[\\p{L}\\p{N}&&" + char_class(_DELETED, negate=True) + "]"
    kept_marks = _kept_mark_class()
    kept = f"(?:{letters}|{kept_marks})" if kept_marks else letters
    return f"{_JAVA_WORD_CHAR}*{kept}{_JAVA_WORD_CHAR}*"


def conjunction_filter() -> Step:
    """A و written apart (و الشقاء) joins its word, as ``WordAnalyzer.words`` does; the char filter
    keeps the offsets pointing at the original text."""
    pattern = (
        f"(?<!{_JAVA_WORD_CHAR})(\\u0648{char_class(_MARK_CHARS)}{{0,2}})"
        f"{char_class(_SPACES)}+(?={_JOINABLE})"
    )
    return Step("char_filter", "arsearch_conjunction", "pattern_replace", {"pattern": pattern, "replacement": "$1"})


def _stage(table: dict, name: str) -> list[Step]:
    """A translation table as pattern_replace filters: one per replacement string."""
    by_target: dict[str, list[str]] = {}
    for code, target in table.items():
        by_target.setdefault(target or "", []).append(chr(code))
    return [
        _replace(f"{name}_{i}", char_class(chars), target)
        for i, (target, chars) in enumerate(sorted(by_target.items()))
    ]


def _five_nouns(marked: bool) -> Step:
    core = folding._FIVE_NOUNS.pattern
    assert core.startswith("^((") and core.endswith(")[اي]$"), "the five-nouns rule changed shape"
    if not marked:
        return _replace("arsearch_five_nouns", core, "$1و")
    inner = core[1:-1]
    return _replace(
        "arsearch_five_nouns_marked", f"^({NO_ARTICLE}?+){inner}({TANWEEN}?+)$", "$1$2و$3"
    )


def stop_filter(stopwords) -> Step:
    """The stop list, checked where Python checks it (after stage 1), with the markers that may be on
    a token by then."""
    words = set()
    for w in stopwords:
        variants = [w, w + TANWEEN]
        if w.startswith("ا"):
            variants += [NO_ARTICLE + v for v in variants]
        words.update(variants)
    return Step("filter", "arsearch_stop", "stop", {"stopwords": sorted(words), "ignore_case": False})


def name_rules(names: dict[str, str]) -> list[str]:
    """Every folded spelling of a protected name that ``stemming.protected_lookup`` resolves (the name,
    behind each clitic), with the markers a token may carry, mapped to the marked canonical name."""
    candidates = set()
    for n in names:
        candidates.add(n)
        if len(n) >= stemming._MIN_NAME_AFTER_CLITIC:
            candidates.update(c + n for c in stemming._NAME_CLITICS)
        if n.startswith("ال") and len(n) - 2 >= stemming._MIN_NAME_AFTER_CLITIC:
            candidates.add("لل" + n[2:])
    rules = []
    for key in sorted(candidates):
        value = stemming.protected_lookup(key, names)
        if value is None:
            continue
        starts = [""] + ([NO_ARTICLE] if key.startswith("ا") else [])
        ends = [""] + ([HEH] if key.endswith("ه") else [])
        for s in starts:
            for e in ends:
                rules.append(f"{s}{key}{e} => {NAME}{value}")
    return rules


def _prefix_rule() -> Step:
    """light10's one prefix (``stemming.strip_prefix``): an article form, else a و not radical."""
    articles = "|".join(f"{re.escape(p)}(?={_BODY}{{2}})" for p in stemming._ARTICLE_PREFIXES)
    waw_stems = stemming.WAW_STEMS
    rest_is_stem = _alternation(w[1:] for w in waw_stems)  # و + rest starts with a و-stem
    after_is_stem = _alternation(waw_stems)  # the rest itself starts with one
    waw = f"و(?={_BODY}{{3}})(?:(?={after_is_stem})|(?!{rest_is_stem}))"
    return _replace("arsearch_prefix", f"^(?:{articles}|{waw})", "")


def _ta_marbuta_rules() -> list[Step]:
    """``stemming._restore_ta_marbuta``: Xت + pronoun or dual → Xه (the suffix goes with it), X of three
    letters or more not ending in ا."""
    head = f"({_BODY}{{{stemming._MIN_STEM_LONG - 1},}}[^ا\\ue000-\\ue0ff])"
    return [
        _replace("arsearch_ta_marbuta", f"^{head}ت{_alternation(stemming._AFTER_TA)}$", "$1ه"),
        _replace("arsearch_ta_marbuta_heh", f"^{head}ته{HEH}$", "$1ه"),
    ]


def _pronoun_rule() -> Step:
    """At most one pronoun suffix (``stemming._PRONOUNS``), else كم before four letters."""
    long_ = [s for s in stemming._PRONOUNS if len(s) > 1]
    short = [s for s in stemming._PRONOUNS if len(s) == 1]
    alternatives = [f"({_BODY}{{{stemming._MIN_STEM_LONG},}}){_alternation(long_)}"]
    alternatives += [f"({_BODY}{{2,}}){_alternation(short)}"] if short else []
    alternatives += [f"({_BODY}{{{stemming._MIN_STEM_KUM},}})كم"]
    groups = "".join(f"${i}" for i in range(1, len(alternatives) + 1))
    return _replace("arsearch_pronoun", "^(?:" + "|".join(alternatives) + ")$", groups)


def _suffix_rules() -> list[Step]:
    """The other suffixes, each at most once, in order (``stemming._SUFFIXES``)."""
    out = []
    for i, suffix in enumerate(stemming._SUFFIXES):
        least = stemming._MIN_STEM_LONG if len(suffix) > 1 else 2
        out.append(_replace(f"arsearch_suffix_{i}", f"^({_BODY}{{{least},}}){re.escape(suffix)}$", "$1"))
    return out


def _unmark(marker: str, name: str) -> Step:
    return _replace(name, marker, "")


@dataclass(frozen=True)
class Chain:
    """One analyzer: its char filters, tokenizer and token filters, in order."""

    name: str
    steps: tuple[Step, ...]


def exact_chain() -> Chain:
    """The ``exact`` field: every word folded (both stages), stop words kept."""
    return Chain(EXACT_ANALYZER, (
        conjunction_filter(),
        Step("tokenizer", "arsearch_words", "pattern", {"pattern": token_pattern(), "group": 0}),
        *_stage(folding._STAGE1, "arsearch_stage1"),
        Step("filter", "lowercase", "lowercase"),
        _five_nouns(marked=False),
        *_stage(folding._STAGE2, "arsearch_stage2"),
    ))


def stem_chain(words: WordAnalyzer) -> Chain:
    """The ``text`` and ``title`` fields: stop words out (their positions kept), light stems with the
    protected names of ``words`` (the index's own analyzer)."""
    hamza = char_class(_HAMZA_ALEFS)
    return Chain(STEM_ANALYZER, (
        conjunction_filter(),
        Step("tokenizer", "arsearch_words", "pattern", {"pattern": token_pattern(), "group": 0}),
        _replace("arsearch_mark_no_article", f"^{hamza}", NO_ARTICLE + "$0"),
        _replace("arsearch_mark_tanween", f"^(.*{_u(_TANWEEN_FATH)}.*)$", "$1" + TANWEEN),
        *_stage(folding._STAGE1, "arsearch_stage1"),
        Step("filter", "lowercase", "lowercase"),
        stop_filter(words.stopwords),
        _five_nouns(marked=True),
        # Only a word ending in ه can be HEH, and a tanween alif needs one ending in ا: one marker at most.
        _replace("arsearch_mark_heh", f"ه{TANWEEN}?+$", "ه" + HEH),
        *_stage(folding._STAGE2, "arsearch_stage2"),
        _replace("arsearch_tanween", f"^({NO_ARTICLE}?+)({_BODY}{{3,}})ا{TANWEEN}$", "$1$2"),
        _unmark(TANWEEN, "arsearch_unmark_tanween"),
        Step("filter", "arsearch_names", "stemmer_override", {"rules": name_rules(words.names)}),
        _prefix_rule(),
        _unmark(NO_ARTICLE, "arsearch_unmark_no_article"),
        *_ta_marbuta_rules(),
        _unmark(HEH, "arsearch_unmark_heh"),
        _pronoun_rule(),
        *_suffix_rules(),
        _unmark(NAME, "arsearch_unmark_name"),
    ))


def analysis_settings(words: WordAnalyzer) -> dict:
    """``settings.analysis`` of the index template: both analyzers and every piece they use."""
    out: dict = {"char_filter": {}, "tokenizer": {}, "filter": {}, "analyzer": {}}
    for chain in (exact_chain(), stem_chain(words)):
        analyzer = {"type": "custom", "char_filter": [], "filter": []}
        for step in chain.steps:
            if step.kind == "tokenizer":
                analyzer["tokenizer"] = step.name
                out["tokenizer"][step.name] = step.opensearch()
            elif step.type == "lowercase":
                analyzer["filter"].append("lowercase")
            else:
                out[step.kind][step.name] = step.opensearch()
                analyzer["char_filter" if step.kind == "char_filter" else "filter"].append(step.name)
        out["analyzer"][chain.name] = analyzer
    return out
