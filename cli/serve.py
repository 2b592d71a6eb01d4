"""`arsearch serve`: the local web page (web/) on loopback, over the same index as the CLI.

Kept out of cli/main.py so that the web stack is one import away from the rest of the CLI. Like the
other commands, the first use builds the index from the corpus; if that cannot be done, the page
itself says how to build it (and answers 503 until then).
"""

import click
from arsearch.cli.first_use import build_on_first_use
from arsearch.indexer import settings
from arsearch.indexer.errors import ArsearchError

#: Where the page listens unless told otherwise: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("serve")
@click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), default=None, envvar=settings.INDEX_DIR.env,
    help=f"Index folder [default: {settings.INDEX_DIR.default}, or ${settings.INDEX_DIR.env}].",
)
@click.option(
    "--source", "source_dir", type=click.Path(file_okay=False), default=None, envvar=settings.SOURCE_DIR.env,
    help=f"Corpus folder, built on first use [default: {settings.SOURCE_DIR.default}, or ${settings.SOURCE_DIR.env}].",
)
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on (the page has no login: keep it on loopback).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="Port to listen on (0: any free port).")
def serve_command(index_dir, source_dir, host, port):
    """Serve the search page in a browser: right-to-left results, facets, did-you-mean, passages.

    \b
    Example:
      arsearch serve            # then open http://127.0.0.1:8000/
      arsearch serve --index index --port 8080
    """
    from arsearch.web import create_app
    from werkzeug.serving import make_server

    index_dir = settings.INDEX_DIR.value(index_dir)
    source = settings.SOURCE_DIR.value(source_dir)
    try:
        build_on_first_use(index_dir, source)
    except ArsearchError as e:
        click.echo(f"warning: {e}; the page will say how to build the index", err=True)
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: anyone who can reach it can search the index", err=True)
    server = make_server(host, port, create_app(index_dir, source), threaded=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"arsearch: serving {index_dir} on http://{shown}:{server.server_port}/ (Ctrl+C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
