"""The query language, parsed into a small tree before anything touches Whoosh.

Syntax (documented in the README):

* words are all required: ``بوتين سورية``
* ``OR`` between alternatives, parentheses to group: ``(لافروف OR تيلرسون) سورية``
* ``NOT word`` or ``-word`` to exclude; ``"a quoted phrase"`` for the words as written, in order
* ``prefix*``, ``word~`` (one edit) or ``word~2`` (two edits)
* ``actor:putin`` / ``topic:korea`` filters, anywhere in the query (``actor:"فلاديمير بوتين"``)
* ``date:2017-11..2017-12`` / ``source:"BBC Arabic"`` filters, read by ``search.filters``

An unbalanced quote or parenthesis, a dangling operator or an empty query is a ``QueryError`` with a
message that says what to fix — never a traceback. So is a query over its budget (``search.budget``):
too long, too many words, too many prefix/fuzzy words, or nested too deep. The checks run on the
tokens before parsing, and the depth check bounds the parser's recursion (three frames a level).
"""

import re
from dataclasses import dataclass, field

from arsearch.indexer import settings
from arsearch.indexer.errors import QueryError
from arsearch.indexer.folding import WORD_RE
from arsearch.search.budget import QueryBudget, over_limit


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class Fuzzy:
    text: str
    distance: int


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


@dataclass
class ParsedQuery:
    tree: object | None  # None when the query has only filters
    actors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # date: values as typed (search.filters reads them)
    sources: list[str] = field(default_factory=list)


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<emptyfilter>(?:actor|topic|date|source):)(?=\s|$)
  | (?P<filter>(?P<fname>actor|topic|date|source):(?:"(?P<fquoted>[^"]*)"|(?P<fvalue>[^\s()"]+)))
  | (?P<neg>-)(?=["\w(])
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<phrase>"(?P<ptext>[^"]*)")
  | (?P<quote>")
  | (?P<word>[^\s()"]+)
    """,
    re.X,
)
#: What each inline filter looks like, for messages.
_EXAMPLES = {
    "actor": "actor:putin", "topic": "topic:syria", "date": "date:2017-11..2017-12", "source": 'source:"BBC Arabic"',
}
_FUZZY_RE = re.compile(r"^(?P<text>.+?)~(?P<dist>[12]?)$")
_OPERATORS = {"OR", "AND", "NOT"}


def _lex(text: str) -> list[tuple[str, str]]:
    tokens = []
    for m in _TOKEN_RE.finditer(text):
        kind = None
        for name in ("emptyfilter", "filter", "neg", "lparen", "rparen", "phrase", "quote", "word", "space"):
            if m.group(name) is not None:
                kind = name
                break
        if kind == "space":
            continue
        if kind == "emptyfilter":
            raise QueryError(f"{m.group(0)} needs a value, e.g. {_EXAMPLES[m.group(0)[:-1]]}")
        if kind == "quote":
            raise QueryError('the query has an unbalanced quote ("); close the phrase or remove the quote')
        if kind == "filter":
            value = m.group("fquoted") if m.group("fquoted") is not None else m.group("fvalue")
            tokens.append((m.group("fname"), value))
        elif kind == "phrase":
            tokens.append(("phrase", m.group("ptext")))
        elif kind == "word" and m.group(0) in _OPERATORS:
            tokens.append((m.group(0), m.group(0)))
        else:
            tokens.append((kind, m.group(0)))
    return tokens


def _term(text: str):
    """A bare token as a query node: a prefix, a fuzzy word or a word (the lexer's budget uses it too)."""
    if text.endswith("*") and len(text.rstrip("*")) >= 1:
        return Prefix(text.rstrip("*"))
    fuzzy = _FUZZY_RE.match(text)
    if fuzzy:
        return Fuzzy(fuzzy.group("text"), int(fuzzy.group("dist") or 1))
    return Word(text)


def _check_budget(tokens: list[tuple[str, str]], budget: QueryBudget) -> None:
    """Words and prefix/fuzzy words per query, counted on the tokens (filters and operators are free)."""
    words = expanding = 0
    for kind, value in tokens:
        if kind == "phrase":
            words += len(WORD_RE.findall(value))
        elif kind == "word":
            words += len(WORD_RE.findall(value))
            expanding += not isinstance(_term(value), Word)
    if words > budget.max_words:
        raise over_limit(
            "words", words, settings.MAX_QUERY_WORDS, budget.max_words,
            "keep the few words that matter most (the rarest find the passage), or quote a phrase",
        )
    if expanding > budget.max_expanding:
        raise over_limit(
            "prefix or fuzzy words (* or ~)", expanding, settings.MAX_EXPANDING_WORDS, budget.max_expanding,
            "write the other words in full",
        )


class _Parser:
    def __init__(self, tokens, max_depth: int):
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.max_depth = max_depth

    def nest(self) -> None:
        """One more level of parentheses or NOT; past the limit the query is refused, not recursed into."""
        self.depth += 1
        if self.depth > self.max_depth:
            raise over_limit(
                "levels of parentheses or NOT", f"more than {self.max_depth}", settings.MAX_QUERY_DEPTH, self.max_depth,
                "remove parentheses that group a single alternative, and double negations",
            )

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse_or(self):
        nodes = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, "rparen", "OR", "AND"):
                raise QueryError("OR needs a word on both sides")
            nodes.append(self.parse_and())
        nodes = list(dict.fromkeys(nodes))  # a word repeated is the same condition: one clause
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def parse_and(self):
        nodes = []
        while self.peek() not in (None, "rparen", "OR"):
            if self.peek() == "AND":
                self.take()
                if not nodes or self.peek() in (None, "rparen", "OR", "AND"):
                    raise QueryError("AND needs a word on both sides")
                continue
            nodes.append(self.parse_unary())
        if not nodes:
            raise QueryError("an OR or parenthesis has nothing on one side; add a word")
        nodes = list(dict.fromkeys(nodes))
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def parse_unary(self):
        kind = self.peek()
        if kind in ("NOT", "neg"):
            self.take()
            if self.peek() in (None, "rparen", "OR", "AND", "NOT", "neg"):
                raise QueryError("NOT (or -) must be followed by a word, a phrase or a group")
            self.nest()
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        if kind == "lparen":
            self.take()
            if self.peek() == "rparen":
                raise QueryError("empty parentheses in the query")
            self.nest()
            node = self.parse_or()
            if self.peek() != "rparen":
                raise QueryError("the query has an unbalanced parenthesis: a ( is never closed")
            self.take()
            self.depth -= 1
            return node
        _, text = self.take()
        if kind == "phrase":
            return Phrase(text)
        return _term(text)


def parse_query(text: str, budget: QueryBudget | None = None) -> ParsedQuery:
    """Parse query text; filters are lifted out of the tree wherever they stand.

    ``budget`` defaults to the settings table's limits.
    """
    budget = budget or QueryBudget.from_settings()
    text = text or ""
    if len(text) > budget.max_chars:
        raise over_limit(
            "characters", len(text), settings.MAX_QUERY_CHARS, budget.max_chars,
            "search for a few words of it, or quote its most telling phrase",
        )
    tokens = _lex(text)
    parsed = ParsedQuery(None)
    rest = []
    for kind, value in tokens:
        if kind in _EXAMPLES:
            if not value.strip():
                raise QueryError(f"{kind}: needs a value, e.g. {_EXAMPLES[kind]}")
            getattr(parsed, f"{kind}s").append(value)
        else:
            rest.append((kind, value))
    if not rest:
        return parsed
    _check_budget(rest, budget)
    parser = _Parser(rest, budget.max_depth)
    tree = parser.parse_or()
    if parser.peek() == "rparen":
        raise QueryError("the query has an unbalanced parenthesis: a ) has no matching (")
    parsed.tree = tree
    return parsed
