"""arsearch's index → the OpenSearch index template and the bulk documents, and the documents back.

The template carries the analysis chains (``opensearch.analysis``) and the mappings: ``text`` and
``title`` analyzed into light stems, ``exact`` (a copy of ``text``) into folded forms, both with
offsets; keyword fields for the ids, the source, the tags; ``date`` as a date. Its ``_meta`` holds the
gazetteer the passages were tagged with, so a searcher needs nothing but the cluster to analyze
queries and resolve filters the same way.

A bulk document is one passage, with the tags arsearch's tagger gave it at index time, read from the
stored fields of the index (not tagged again): the same passages, tags and dates as the local index.
"""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from arsearch.indexer.analysis import ANALYZER_VERSION, WordAnalyzer
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.indexer.schema import SCHEMA_VERSION
from arsearch.opensearch.analysis import EXACT_ANALYZER, STEM_ANALYZER, analysis_settings
from arsearch.search.results import Passage

#: The index (and template) name unless told otherwise.
DEFAULT_INDEX = "arsearch"
#: Tag fields: space-separated ids in the Whoosh index, keyword arrays in OpenSearch.
TAG_FIELDS = ("actors", "discovered", "inferred", "topics")
#: A discovered name's mention (``[id, kind, surface, start, end]`` in the Whoosh index), as an object:
#: kept in ``_source`` only (the field is not indexed), for naming discovered entities.
MENTION_KEYS = ("id", "kind", "surface", "start", "end")
#: The file names ``export`` writes.
TEMPLATE_FILE = "template.json"
BULK_FILE = "passages.ndjson"

_TEXT = {"type": "text", "index_options": "offsets"}
_KEYWORD = {"type": "keyword"}


def index_template(words: WordAnalyzer, gazetteer: Gazetteer, index: str = DEFAULT_INDEX) -> dict:
    """A composable index template (``PUT _index_template/NAME``) for the index ``index``."""
    return {
        "index_patterns": [index],
        "template": {
            "settings": {"index": {"analysis": analysis_settings(words)}},
            "mappings": {
                "dynamic": "strict",
                "_meta": {
                    "arsearch": {
                        "schema_version": SCHEMA_VERSION,
                        "analyzer_version": ANALYZER_VERSION,
                        "gazetteer": gazetteer.to_json(),
                    }
                },
                "properties": {
                    "key": _KEYWORD,
                    "article_id": _KEYWORD,
                    "passage": {"type": "integer"},
                    "title": {**_TEXT, "analyzer": STEM_ANALYZER},
                    "text": {**_TEXT, "analyzer": STEM_ANALYZER, "copy_to": ["exact"]},
                    "exact": {**_TEXT, "analyzer": EXACT_ANALYZER},
                    "source": _KEYWORD,
                    # A date the cluster cannot read stays in _source and out of date filters, rather
                    # than costing the passage.
                    "date": {"type": "date", "format": "strict_date_optional_time", "ignore_malformed": True},
                    "url": {"type": "keyword", "index": False},
                    **{name: _KEYWORD for name in TAG_FIELDS},
                    "mentions": {"type": "object", "enabled": False},
                },
            },
        },
    }


def gazetteer_from_meta(mapping_meta: dict) -> Gazetteer:
    """The gazetteer stored in an index's ``_meta`` by ``index_template``."""
    return Gazetteer.from_json(mapping_meta["arsearch"]["gazetteer"])


def to_document(stored: dict) -> dict:
    """One passage's stored fields (the Whoosh index) as an OpenSearch document."""
    doc = {
        "key": stored["key"],
        "article_id": stored["article_id"],
        "passage": int(stored["passage"]),
        "title": stored.get("title", ""),
        "text": stored["text"],
        "source": stored.get("source", ""),
        "url": stored.get("url", ""),
        **{name: (stored.get(name) or "").split() for name in TAG_FIELDS},
        "mentions": [dict(zip(MENTION_KEYS, m, strict=True)) for m in stored.get("mentions") or ()],
    }
    if stored.get("date"):  # a date field takes no empty string: an undated passage has none
        doc["date"] = stored["date"]
    return doc


def to_passage(doc: dict) -> Passage:
    """A document (a bulk line, or a hit's ``_source``) as the searcher's ``Passage``."""
    return Passage(
        key=doc["key"],
        doc_id=doc["article_id"],
        passage=int(doc["passage"]),
        title=doc.get("title", ""),
        source=doc.get("source", ""),
        date=doc.get("date", ""),
        url=doc.get("url", ""),
        text=doc["text"],
        actors=tuple(doc.get("actors", ())),
        inferred=tuple(doc.get("inferred", ())),
        topics=tuple(doc.get("topics", ())),
    )


def bulk_actions(stored_docs: Iterable[dict], index: str = DEFAULT_INDEX) -> Iterator[dict]:
    """Bulk helper actions (``opensearchpy.helpers``): one index operation per passage, by its key."""
    for stored in stored_docs:
        yield {"_op_type": "index", "_index": index, "_id": stored["key"], "_source": to_document(stored)}


def write_ndjson(actions: Iterable[dict], out) -> int:
    """The bulk API body: an action line, then the document, per passage. Returns the count."""
    n = 0
    for action in actions:
        meta = {action["_op_type"]: {"_index": action["_index"], "_id": action["_id"]}}
        out.write(json.dumps(meta, ensure_ascii=False) + "\n")
        out.write(json.dumps(action["_source"], ensure_ascii=False) + "\n")
        n += 1
    return n


def read_ndjson(path: Path) -> Iterator[tuple[str, dict]]:
    """(id, document) of every operation in a bulk file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            meta = json.loads(line)
            (operation,) = meta.values()
            yield operation["_id"], json.loads(next(f))
