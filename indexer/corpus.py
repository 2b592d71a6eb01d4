"""Reading the corpus: files under a folder → articles (title, source, paragraphs) → passages.

Scraped blog reposts end in boilerplate that names the article and its source ("The post TITLE
appeared first on SOURCE.", "Posted from …", "Read more", "Note: Only a member of this blog may post
a comment."). It gives the article its title and source and is never a passage.

A file that cannot be read (not UTF-8, binary, empty) is skipped with a warning that names it; the
rest of the corpus is indexed. So is a file over the size limit (``settings.MAX_FILE_MB``).

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

from arsearch.indexer import settings
from arsearch.indexer.dates import normalize_date
from arsearch.indexer.errors import CorpusError
from arsearch.indexer.sources import clean_source

#: File kinds the reader understands; anything else is counted as skipped.
SUFFIXES = (".txt", ".jsonl")

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
        payload = json.dumps(
            [self.title, self.source, self.date, self.url, list(self.paragraphs)], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@dataclass
class ReadReport:
    """What reading the corpus met besides articles: the CLI prints it as the summary."""

    files: int = 0
    skipped: list[str] = field(default_factory=list)  # not a corpus file kind
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


#: Byte-order marks of UTF-16 and UTF-32 text (Windows editors save "Unicode" as UTF-16 LE).
_WIDE_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def _decode(raw: bytes, name: str) -> str:
    for bom, encoding in _WIDE_BOMS.items():
        if raw.startswith(bom):
            raise ValueError(f"{name}: {encoding} text, skipped; convert it with iconv -f {encoding} -t UTF-8")
    if b"\x00" in raw[:8192]:
        raise ValueError(f"{name}: binary file, skipped")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"{name}: not UTF-8 (byte {e.start}), skipped; convert it with iconv -t UTF-8"
        ) from e


def _read_txt(path: Path, article_id: str, name: str) -> Iterator[Article]:
    text = _decode(path.read_bytes(), name)
    paragraphs, title, source = split_paragraphs(text)
    if not paragraphs:
        raise ValueError(f"{name}: empty (no text besides boilerplate), skipped")
    yield Article(article_id, tuple(paragraphs), title=title, source=source, path=name)


#: Optional .jsonl fields: each must be a string when present (an id may also be a number).
_JSONL_FIELDS = ("id", "title", "source", "date", "url")


def _record_problem(record) -> str:
    """Why a parsed .jsonl record cannot be an article, or "" when it can."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object"
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        return 'no "text" string'
    for name in _JSONL_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str) and not (name == "id" and isinstance(value, int | float)):
            return f'"{name}" is a JSON {type(value).__name__}, not a string'
    for name in ("text", *_JSONL_FIELDS):
        value = record.get(name)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as e:
                return f'"{name}" holds a lone surrogate (\\u{ord(value[e.start]):04x}), not text'
    return ""


def _read_jsonl(path: Path, article_id: str, name: str, report: ReadReport) -> Iterator[Article]:
    """One article per line; a line that cannot be one is skipped with a warning naming it."""
    text = _decode(path.read_bytes(), name)
    if not text.strip():
        raise ValueError(f"{name}: empty, skipped")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            problem = f"not valid JSON ({e.msg})"
        except RecursionError:
            problem = "nested too deeply to be an article"
        else:
            problem = _record_problem(record)
        if problem:
            report.warnings.append(f"{name}:{lineno}: {problem}, line skipped")
            if name not in report.unread:
                report.unread.append(name)
            continue
        body = record["text"]
        paragraphs, title, source = split_paragraphs(body)
        if not paragraphs:
            report.warnings.append(f"{name}:{lineno}: only boilerplate, line skipped")
            continue
        yield Article(
            str(record.get("id") or f"{article_id}:{lineno}"),
            tuple(paragraphs),
            title=str(record.get("title") or title),
            source=str(record.get("source") or source),
            date=str(record.get("date") or ""),
            url=str(record.get("url") or ""),
            path=f"{name}:{lineno}",
        )


def _check_size(path: Path, name: str) -> None:
    """A file over the size limit is skipped before it is read (it would be read whole into memory)."""
    limit = settings.MAX_FILE_MB.value()
    size = path.stat().st_size
    if size > limit * 1024 * 1024:
        raise ValueError(
            f"{name}: {size / 1024 / 1024:.0f} MB, over the {limit} MB limit for one file "
            f"(${settings.MAX_FILE_MB.env}), skipped; split it into smaller files or raise the limit"
        )


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
    source: Path, report: ReadReport | None = None, skip: Callable[[str, Path], bool] | None = None
) -> Iterator[Article]:
    """Articles of every .txt and .jsonl file under ``source``, recursively.

    Problems go into ``report`` (warnings and skipped files) instead of stopping the run.
    ``skip(name, path)`` is asked before each .txt/.jsonl file is read and leaves the file unread
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
        article_id = name.rsplit(".", 1)[0]
        try:
            _check_size(path, name)
            if path.suffix.lower() == ".txt":
                articles = list(_read_txt(path, article_id, name))
            else:
                articles = list(_read_jsonl(path, article_id, name, report))
        except ValueError as e:
            report.warnings.append(str(e))
            report.unread.append(name)
            continue
        except OSError as e:
            report.warnings.append(f"{name}: cannot be read ({e.strerror}), skipped")
            report.unread.append(name)
            continue
        for article in articles:
            if article.article_id in seen:
                report.warnings.append(f"{article.path}: duplicate article id {article.article_id!r}, skipped")
                continue
            seen.add(article.article_id)
            yield _normalized(article, report)
