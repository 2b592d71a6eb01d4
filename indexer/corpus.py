"""Reading the corpus: files under a folder → articles (title, source, paragraphs) → passages.

Each file kind (text, HTML, RSS/Atom, JSON, JSON Lines, CSV/TSV, and any of them gzipped) has its
reader in ``indexer.formats``; this module picks the reader, turns what it gives into articles and
decides their ids: a file of one article (.txt, .html) gives it its path without suffixes
(``news/2017/lavrov``); a file of many gives each the id its record carries (an ``id`` column or
field), else ``PATH:N`` with N the record's place in the file (the JSON Lines line, the CSV data row,
the JSON array item, the feed entry, from 1). The ids stay the same as long as the file does.

Scraped blog reposts end in boilerplate that names the article and its source ("The post TITLE
appeared first on SOURCE.", "Posted from …", "Read more", "Note: Only a member of this blog may post
a comment."). It gives the article its title and source and is never a passage.

A file that cannot be read (an undecidable encoding, binary, empty) is skipped with a warning that
names it; the rest of the corpus is indexed. So is a file over the size limit (``settings.MAX_FILE_MB``,
decompressed size included).

A paragraph longer than ``settings.MAX_PASSAGE_WORDS`` words is cut into several passages at
sentence ends (. ؟ ? ! ؛), else at clause commas (، ,), else between words: one passage stays small
enough to analyze, highlight and show, whatever the input. Passages are numbered in reading order,
so the pieces of a long paragraph are consecutive numbers.
"""

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from arsearch.indexer import formats, settings
from arsearch.indexer.dates import normalize_date
from arsearch.indexer.errors import CorpusError
from arsearch.indexer.formats.encodings import decode
from arsearch.indexer.formats.entry import Entry
from arsearch.indexer.formats.raw import read_bounded
from arsearch.indexer.sources import clean_source

#: File kinds the reader understands (``indexer.formats``); anything else is counted as skipped.
SUFFIXES = formats.SUFFIXES

_POST_RE = re.compile(r"The post (?P<title>.+?) appeared first on (?P<source>.+?)\.?\s*$", re.I)
_POSTED_FROM_RE = re.compile(r"Posted from\s+(?P<source>.+?)\s*$", re.I)
#: Fragments that make a line boilerplate once they are all taken out of it.
_BOILERPLATE_RE = re.compile(
    r"The post .+? appeared first on .+?(?:\.|$)"
    r"|Posted from\s+.*$"
    r"|Rea?d? ?more(?:\s*(?:»|›|→|\.\.\.|…))?"
    r"|Continue reading.*$"
    r"|Note: Only a member of this blog may post a comment\.?"
    r"|Share this:?|Like this:?|Loading\.\.\.",
    re.I,
)
#: Every pattern above starts with a Latin letter (case-insensitively, as they match): a block with
#: none, like most Arabic paragraphs, cannot hold boilerplate, and the slow patterns are skipped.
_LATIN_RE = re.compile(r"[a-z]", re.I)


@dataclass(frozen=True)
class Passage:
    """One paragraph of an article: the unit that is indexed, searched and shown."""

    article_id: str
    number: int  # 1-based, in reading order
    text: str

    @property
    def key(self) -> str:
        return f"{self.article_id}#{self.number}"


@dataclass(frozen=True)
class Article:
    article_id: str
    paragraphs: tuple[str, ...]
    title: str = ""
    source: str = ""
    date: str = ""  # ISO 8601 once read (``indexer.dates``), or as written when not understood
    url: str = ""
    path: str = ""
    author: str = ""

    @property
    def day(self) -> str:
        """The date's day, "YYYY-MM-DD", for filters and role titles ("" when none was understood)."""
        return normalize_date(self.date).day

    @property
    def passages(self) -> list[Passage]:
        return [Passage(self.article_id, n, text) for n, text in enumerate(self.paragraphs, 1)]

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is indexed changes."""
        fields = [self.title, self.source, self.date, self.url, list(self.paragraphs)]
        if self.author:  # added later: an article without one keeps the hash it had
            fields.append(self.author)
        payload = json.dumps(fields, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@dataclass
class ReadReport:
    """What reading the corpus met besides articles: the CLI prints it as the summary."""

    files: int = 0
    skipped: list[str] = field(default_factory=list)  # not a corpus file kind
    # format name -> [files read, articles they gave], in the order met
    formats: dict[str, list[int]] = field(default_factory=dict)
    converted: list[str] = field(default_factory=list)  # "name (ENCODING)": read from a legacy encoding
    warnings: list[str] = field(default_factory=list)  # a corpus file (or line) that could not be read
    # Files (and folders, ending in "/") that are there but were not read in full: an update keeps
    # the articles they gave before, since it cannot tell whether they are gone.
    unread: list[str] = field(default_factory=list)
    # Articles whose date was not understood (kept as written, never used by date filters): where.
    bad_dates: list[str] = field(default_factory=list)


def _normalized(article: Article, report: ReadReport) -> Article:
    """The article with its date in ISO 8601 and its source's spacing made one, whatever read it."""
    date = normalize_date(article.date)
    if date.unreadable:
        report.bad_dates.append(f"{article.path or article.article_id}: {date.text!r}")
    source = clean_source(article.source)
    if date.text == article.date and source == article.source:
        return article
    return replace(article, date=date.text, source=source)


#: Where a long paragraph may be cut, best first: after a sentence end, then after a clause comma.
_SENTENCE_END_RE = re.compile(r"(?<=[.؟?!؛])\s+")
_CLAUSE_END_RE = re.compile(r"(?<=[،,])\s+")
#: Characters per word allowed before a passage is cut by characters (a text without spaces).
_CHARS_PER_WORD = 16


def cut_paragraph(text: str, max_words: int | None = None) -> list[str]:
    """A paragraph as passages of at most ``max_words`` words, cut at the best boundary available.

    Sentences are packed greedily into passages; a sentence too long on its own is cut at its
    clause commas, a clause too long between words, and a run of letters with no space at all
    every ``max_words × 16`` characters. Linear in the paragraph; no text is lost or reordered.
    """
    max_words = max_words or settings.MAX_PASSAGE_WORDS.value()
    max_chars = max_words * _CHARS_PER_WORD
    if len(text) <= max_words * 2 or (len(text.split()) <= max_words and len(text) <= max_chars):
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    words = chars = 0
    for sentence in _SENTENCE_END_RE.split(text):
        for clause in _fitting(sentence, _CLAUSE_END_RE, max_words, max_chars):
            for chunk in _fitting(clause, None, max_words, max_chars):
                n = len(chunk.split())
                if current and (words + n > max_words or chars + len(chunk) + 1 > max_chars):
                    pieces.append(" ".join(current))
                    current, words, chars = [], 0, 0
                current.append(chunk)
                words += n
                chars += len(chunk) + 1
    if current:
        pieces.append(" ".join(current))
    return pieces


def _fitting(text: str, boundary: re.Pattern | None, max_words: int, max_chars: int) -> list[str]:
    """``text`` whole if it fits, else cut at ``boundary`` (or, with None, by words, then characters)."""
    if len(text.split()) <= max_words and len(text) <= max_chars:
        return [text]
    if boundary is not None:
        return boundary.split(text)
    words = text.split()
    chunks = [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]
    return [c[i : i + max_chars] for c in chunks for i in range(0, len(c), max_chars)]


def is_boilerplate(line: str) -> bool:
    return not _BOILERPLATE_RE.sub("", line).strip()


def split_paragraphs(text: str) -> tuple[list[str], str, str]:
    """Paragraphs of an article body, and the title and source its boilerplate names.

    A paragraph per line, or blocks separated by blank lines (a block's lines are joined).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text):
        blocks = [" ".join(ln.strip() for ln in b.split("\n") if ln.strip()) for b in re.split(r"\n[ \t]*\n", text)]
    else:
        blocks = [ln.strip() for ln in text.split("\n")]
    title = source = ""
    paragraphs = []
    for block in blocks:
        if not block:
            continue
        if not _LATIN_RE.search(block):
            paragraphs.append(block)
            continue
        post = _POST_RE.search(block)
        if post:
            title = title or post.group("title").strip()
            source = source or post.group("source").strip()
        posted = _POSTED_FROM_RE.search(block)
        if posted and not source:
            source = posted.group("source").strip()
        if is_boilerplate(block):
            continue
        # Boilerplate glued onto the end of a real paragraph is cut off, the paragraph kept.
        cut = _BOILERPLATE_RE.search(block)
        if cut and cut.group(0).lower().startswith(("the post", "posted from", "note: only")):
            block = block[: cut.start()].strip()
        if block:
            paragraphs.append(block)
    return [piece for paragraph in paragraphs for piece in cut_paragraph(paragraph)], title, source


def corpus_files(source: Path, unread: list[str] | None = None) -> list[Path]:
    """Every file under the corpus folder, in a stable order (hidden files and folders left out).

    A sub-folder that cannot be listed is added to ``unread`` (as "name/"): its files are not
    gone, only unreadable, and an update must not take their articles as deleted.
    """
    try:
        top = os.scandir(source)
    except FileNotFoundError:
        raise CorpusError(f"corpus folder {source} does not exist; pass --source DIR") from None
    except NotADirectoryError:
        raise CorpusError(f"corpus folder {source} is a file, not a folder; pass --source DIR") from None
    except OSError as e:
        raise CorpusError(f"cannot read corpus folder {source} ({e.strerror}); check its permissions") from None
    top.close()
    files: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()

    def unreadable(e: OSError) -> None:
        if unread is not None and e.filename:
            unread.append(Path(e.filename).relative_to(source).as_posix() + "/")

    for folder, dirs, names in os.walk(source, onerror=unreadable, followlinks=True):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for n in names:
            p = Path(folder, n)
            if not n.startswith(".") and p.is_file():
                files.append(p)
    return sorted(files)


def read_articles(
    source: Path,
    report: ReadReport | None = None,
    skip: Callable[[str, Path], bool] | None = None,
    columns: dict[str, str] | None = None,
) -> Iterator[Article]:
    """Articles of every corpus file under ``source``, recursively (``indexer.formats`` reads each kind).

    Problems go into ``report`` (warnings and skipped files) instead of stopping the run, except a
    ``columns`` mapping that names a column a file lacks (ColumnsError: the mapping is wrong).
    ``skip(name, path)`` is asked before each corpus file is read and leaves the file unread
    when it says True (an update skips the files the index holds unchanged). Files are read one
    after the other: every article yielded after a call comes from the file that call named.
    """
    report = report if report is not None else ReadReport()
    seen: set[str] = set()
    for path in corpus_files(source, report.unread):
        name = path.relative_to(source).as_posix()
        if path.suffix.lower() not in SUFFIXES:
            report.skipped.append(name)
            continue
        report.files += 1
        if skip is not None and skip(name, path):
            continue
        try:
            kind, articles = _read_file(path, name, report, columns or {})
        except (ValueError, OSError) as e:
            report.warnings.append(str(e) if isinstance(e, ValueError) else f"{name}: cannot be read ({e.strerror}), skipped")
            if name not in report.unread:  # a reader may have named it already, for a bad record
                report.unread.append(name)
            continue
        if kind is None:  # known only once read: a .gz of another kind, an .xml that is no feed
            report.files -= 1
            report.skipped.append(name)
            continue
        counts = report.formats.setdefault(kind.name, [0, 0])
        counts[0] += 1
        for article in articles:
            if article.article_id in seen:
                report.warnings.append(f"{article.path}: duplicate article id {article.article_id!r}, skipped")
                continue
            seen.add(article.article_id)
            counts[1] += 1
            yield _normalized(article, report)


def article_stem(name: str) -> str:
    """A file's name without its suffixes (``.gz`` and the format's): the id of its one article,
    the prefix of its many."""
    stem = name[: -len(".gz")] if name.lower().endswith(".gz") else name
    return stem.rsplit(".", 1)[0] if "." in stem.rsplit("/", 1)[-1] else stem


def _read_file(path: Path, name: str, report: ReadReport, columns: dict[str, str]):
    """The format of one file and its articles (read in full: the file is bounded in size), or
    (None, []) for a file of no kind arsearch reads (a ``.gz`` of something else, XML that is no feed)."""
    raw, suffix = read_bounded(path, name)
    if suffix not in formats.SUFFIXES or suffix == ".gz":  # a .gz of a kind no reader takes
        return None, []
    text, encoding = decode(raw, name)
    kind = formats.kind_of(suffix, text[:4096])
    if kind is None:
        return None, []
    if encoding:
        report.converted.append(f"{name} ({encoding})")

    def warn(number: int, problem: str) -> None:
        report.warnings.append(f"{name}:{number}: {problem}")
        if name not in report.unread:
            report.unread.append(name)

    stem = article_stem(name)
    articles = []
    for entry in kind.read(text, name, columns, warn):
        article = _article(entry, name, stem, kind.many)
        if article is not None:
            articles.append(article)
        elif kind.many:
            warn(entry.number, "only boilerplate, skipped")
    if not articles and not kind.many:
        raise ValueError(f"{name}: empty (no text besides boilerplate), skipped")
    if not articles and name not in report.unread:
        raise ValueError(f"{name}: no article in it, skipped")
    return kind, articles


def _article(entry: Entry, name: str, stem: str, many: bool) -> Article | None:
    """An entry as an article: boilerplate out, paragraphs cut to passages, the id decided."""
    paragraphs, title, source = split_paragraphs(entry.text)
    if not paragraphs:
        return None
    if many:
        article_id, path = entry.ident or f"{stem}:{entry.number}", f"{name}:{entry.number}"
    else:
        article_id, path = stem, name
    return Article(
        article_id, tuple(paragraphs), title=entry.title or title or ("" if many else Path(stem).name),
        source=entry.source or source, date=entry.date, url=entry.url, path=path, author=entry.author,
    )
