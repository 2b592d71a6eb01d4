"""`arsearch export opensearch`: the local index's passages and analysis, written out or pushed to a cluster.

Writing (``--out DIR``) gives ``template.json`` and ``passages.ndjson``, for ``curl`` or any loader;
pushing (``--url``) installs the template and streams the same documents through opensearch-py's
bulk helper, which retries chunks the cluster refuses as overloaded (429).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from arsearch.indexer.store import open_index
from arsearch.opensearch.client import BULK_RETRIES, OpenSearchBackendError, cluster_errors
from arsearch.opensearch.documents import BULK_FILE, TEMPLATE_FILE, bulk_actions, index_template, write_ndjson

#: Passages per bulk request.
BULK_CHUNK = 500


@dataclass
class ExportReport:
    passages: int = 0
    files: list[Path] = field(default_factory=list)
    pushed: int = 0
    failed: list[str] = field(default_factory=list)  # "key: reason" per document the cluster refused


def _stored(ix):
    with ix.whoosh.searcher() as s:
        yield from s.all_stored_fields()


def export_opensearch(
    index_dir: Path,
    out: Path | None = None,
    client=None,
    index: str = "arsearch",
    progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write the template and bulk file to ``out``, push them through ``client``, or both;
    ``progress(done, total)`` is called as passages are loaded."""
    report = ExportReport()
    with open_index(Path(index_dir), preload=False) as ix:
        template = index_template(ix.words, ix.gazetteer, index)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / TEMPLATE_FILE).write_text(json.dumps(template, ensure_ascii=False, indent=1) + "\n", "utf-8")
            with open(out / BULK_FILE, "w", encoding="utf-8") as f:
                report.passages = write_ndjson(bulk_actions(_stored(ix), index), f)
            report.files = [out / TEMPLATE_FILE, out / BULK_FILE]
        if client is not None:
            total = ix.whoosh.doc_count()
            _push(client, template, bulk_actions(_stored(ix), index), index, report, lambda n: progress and progress(n, total))
            report.passages = report.passages or report.pushed + len(report.failed)
    return report


def _push(client, template: dict, actions, index: str, report: ExportReport, progress) -> None:
    from opensearchpy import helpers

    with cluster_errors(client, "installing the index template"):
        client.indices.put_index_template(name=index, body=template)
    with cluster_errors(client, "loading the passages"):
        for ok, item in helpers.streaming_bulk(
            client, actions, chunk_size=BULK_CHUNK, max_retries=BULK_RETRIES, raise_on_error=False,
            raise_on_exception=True,
        ):
            if ok:
                report.pushed += 1
            else:
                (result,) = item.values()
                error = result.get("error", {})
                reason = error.get("reason", error) if isinstance(error, dict) else error
                report.failed.append(f"{result.get('_id')}: {reason}")
            progress(1)
        client.indices.refresh(index=index)
    if report.failed:
        raise OpenSearchBackendError(
            f"the cluster refused {len(report.failed)} of {report.pushed + len(report.failed)} passages "
            f"(first: {report.failed[0]}); the others are loaded"
        )
