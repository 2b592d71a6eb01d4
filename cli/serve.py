"""`arsearch serve`: the local web page (web/) on loopback, over the same index as the CLI.

Kept out of cli/main.py so that the web stack is one import away from the rest of the CLI. Like the
other commands, the first use builds the default index from the corpus; if that cannot be done, the
page itself says how to build it (and answers 503 until then). A named --index without an index is an
error before anything listens.
"""

import click
from arsearch.cli.first_use import build_first_index, needs_first_build
from arsearch.cli.opensearch import backend_options
from arsearch.indexer import settings
from arsearch.indexer.errors import ArsearchError
from arsearch.opensearch.client import cluster_url, shown_url


def open_handle(backend: str, url, dfs):
    """The page's searcher handle for ``--backend opensearch``; None for the local index."""
    if backend != "opensearch":
        if url or dfs:
            raise click.UsageError("--url and --dfs go with --backend opensearch")
        return None
    from arsearch.web.opensearch_handle import OpenSearchHandle

    cluster_url(url)  # no URL, or not an http(s) one: an error before anything listens
    return OpenSearchHandle(url, dfs)


#: Where the page listens unless told otherwise: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Worker threads answering requests: searches take turns on the one open searcher, so more threads only
#: help requests that wait on the network; the pool stays bounded either way.
DEFAULT_THREADS = 4


@click.command("serve")
@click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), default=None, envvar=settings.INDEX_DIR.env,
    help=f"Index folder [default: {settings.INDEX_DIR.default}, or ${settings.INDEX_DIR.env}].",
)
@click.option(
    "--corpus", "source_dir", type=click.Path(file_okay=False), default=None, envvar=settings.SOURCE_DIR.env,
    help=f"Corpus folder, built on first use [default: {settings.SOURCE_DIR.default}, or ${settings.SOURCE_DIR.env}].",
)
@click.option(
    "--host", "hosts", multiple=True, default=[DEFAULT_HOST], show_default=True,
    help="Address to listen on; repeat for several. The page has no login: keep it on loopback.",
)
@click.option(
    "--allow-host", "allow_hosts", multiple=True, metavar="NAME",
    help="Another host name the page answers to (besides loopback and --host), e.g. this machine's name "
    "with --host 0.0.0.0; requests naming any other host get 400.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="Port to listen on (0: any free port).")
@click.option(
    "--threads", type=click.IntRange(1, 64), default=DEFAULT_THREADS, show_default=True,
    help="Worker threads answering requests (a bounded pool).",
)
@backend_options
def serve_command(index_dir, source_dir, hosts, allow_hosts, port, threads, backend, url, dfs):
    """Serve the search page in a browser: right-to-left results, facets, did-you-mean, passages.

    \b
    Example:
      arsearch serve            # then open http://127.0.0.1:8000/
      arsearch serve --index index --port 8080
      arsearch serve --host 0.0.0.0 --allow-host mybox.local
      arsearch serve --backend opensearch --url https://localhost:9200
    """
    from arsearch.web import create_app
    from arsearch.web.security import LOOPBACK_HOSTS
    from arsearch.web.server import listening, make_server, url_of

    named = index_dir is not None
    index_dir = settings.INDEX_DIR.value(index_dir)
    source = settings.SOURCE_DIR.value(source_dir)
    handle = open_handle(backend, url, dfs)
    if handle is None and needs_first_build(index_dir, source, named):  # a named folder without an index: exit 2 here
        try:
            build_first_index(index_dir, source)
        except ArsearchError as e:
            click.echo(f"warning: {e}; the page will say how to build the index", err=True)
    for host in hosts:
        if host not in LOOPBACK_HOSTS:
            click.echo(f"warning: listening on {host}: anyone who can reach it can search the index", err=True)
    app = create_app(index_dir, source, hosts=(*hosts, *allow_hosts), handle=handle)
    try:
        server = make_server(app, hosts, port, threads)
    except OSError as e:
        raise ArsearchError(f"cannot listen on {', '.join(hosts)} port {port}: {e.strerror or e}; "
                            "choose another --port (0: any free one) or --host") from e
    urls = " ".join(url_of(h, p) for h, p in listening(server))
    served = index_dir if handle is None else f"OpenSearch at {shown_url(cluster_url(url))}"
    click.echo(f"arsearch: serving {served} on {urls} (Ctrl+C to stop)", err=True)
    try:
        server.run()
    finally:
        server.close()
