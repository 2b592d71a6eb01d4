"""One exception family for the whole library, so the CLI turns them into messages at one boundary."""


class ArsearchError(Exception):
    """Base class: its message is a complete sentence that says what to do next."""


class CorpusError(ArsearchError):
    """The corpus folder is missing or holds nothing that can be indexed."""


class GazetteerError(ArsearchError):
    """A gazetteer file cannot be read or breaks the documented format."""


class IndexMissingError(ArsearchError):
    """No index has been built in the folder."""


class IndexVersionError(ArsearchError):
    """The index was written by another analyzer or schema version."""


class IndexCorruptError(ArsearchError):
    """The index files cannot be read."""


class IndexLockedError(ArsearchError):
    """Another process is writing the index."""


class QueryError(ArsearchError, ValueError):
    """The query text or a filter cannot be understood."""


class NotFoundError(ArsearchError, LookupError):
    """A passage or article asked for by id is not in the index."""


class DiskFullError(ArsearchError):
    """The device ran out of space while the index was written; the previous index still answers."""


class ColumnsError(ArsearchError):
    """A CSV, TSV or JSON file lacks the column ``--columns`` names (or any text column at all)."""
