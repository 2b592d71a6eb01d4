"""The OpenSearch backend's command line: `arsearch export opensearch` and `search --backend opensearch`.

Kept apart from cli/main.py, which only registers the export group and applies ``backend_options``.
"""

import sys
from pathlib import Path

import click
from arsearch.indexer import settings

#: Where searches run: the local Whoosh index, or an OpenSearch cluster loaded by `export opensearch`.
BACKENDS = ("whoosh", "opensearch")

_URL_HELP = "OpenSearch URL [default: $ARSEARCH_OPENSEARCH_URL]; credentials from $ARSEARCH_OPENSEARCH_USER/_PASSWORD."


def backend_options(command):
    """--backend, --url and --dfs, for the commands that search."""
    for option in reversed((
        click.option("--backend", type=click.Choice(BACKENDS), default="whoosh", show_default=True,
                     help="Search the local index or an OpenSearch cluster."),
        click.option("--url", default=None, metavar="URL", help=_URL_HELP),
        click.option("--dfs", is_flag=True,
                     help="--backend opensearch: score with index-wide term statistics (dfs_query_then_fetch)."),
    )):
        command = option(command)
    return command


def open_backend(backend: str, url: str | None, dfs: bool, open_local):
    """The searcher for ``backend``; ``open_local()`` opens the Whoosh one."""
    if backend == "opensearch":
        from arsearch.opensearch.searcher import OpenSearchSearcher

        return OpenSearchSearcher(url, dfs=dfs)
    if url or dfs:
        raise click.UsageError("--url and --dfs go with --backend opensearch")
    return open_local()


@click.group("export")
def export_group():
    """Export the index for another search engine."""


@export_group.command("opensearch")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write template.json and passages.ndjson into this folder.")
@click.option("--url", default=None, metavar="URL", help=_URL_HELP + " Installs the template and loads the passages.")
@click.option("--name", "index", default=None, metavar="NAME",
              help="Index (and template) name [default: $ARSEARCH_OPENSEARCH_INDEX, or arsearch].")
@click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    envvar=settings.INDEX_DIR.env,
    help=f"Index folder to export [default: {settings.INDEX_DIR.default}, or ${settings.INDEX_DIR.env}].",
)
def export_opensearch_command(out_dir, url, index, index_dir):
    """Write an OpenSearch index template and bulk file of every passage, or load them into a cluster.

    \b
    Examples:
      arsearch export opensearch --out export/
      arsearch export opensearch --url https://localhost:9200
    """
    import os

    from arsearch.opensearch.client import connect, index_name
    from arsearch.opensearch.export import export_opensearch

    url = url or os.environ.get("ARSEARCH_OPENSEARCH_URL") or None
    if out_dir is None and url is None:
        raise click.UsageError("give --out DIR, --url URL (or $ARSEARCH_OPENSEARCH_URL), or both")
    client = connect(url) if url else None
    bar = None

    def progress(step: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="loading passages", file=sys.stderr)
            bar.__enter__()
        bar.update(step)

    try:
        report = export_opensearch(settings.INDEX_DIR.value(index_dir), out_dir, client, index_name(index), progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
        if client is not None:
            client.close()
    for path in report.files:
        click.echo(str(path))
    if client is not None:
        click.echo(f"loaded {report.pushed} passages into {index_name(index)} at {client.arsearch_url}", err=True)
