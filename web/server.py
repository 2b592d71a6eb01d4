"""The HTTP server behind `arsearch serve`: waitress, a kept pure-Python WSGI server that runs the same on
Linux, macOS and Windows, with a bounded pool of worker threads and bounded connections.

Werkzeug's development server is never used: it names Python's version in ``Server`` and answers
malformed requests itself without the page's headers. Waitress, too, answers some requests before the
app sees them (a malformed request: 400; headers over the limit: 431; a body over the limit: 413); its
error task is the one place where those responses get the page's security headers.
"""

from arsearch.web.security import SECURITY_HEADERS
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

#: Open connections at once; more wait in the listen backlog instead of each costing a socket and buffers.
CONNECTION_LIMIT = 100
#: Request line plus headers: a search URL needs far less; more is answered 431 by the server.
MAX_HEADER_BYTES = 64 * 1024
#: No request has a body (the page only answers GET).
MAX_BODY_BYTES = 64 * 1024
#: Seconds an idle connection stays open.
CHANNEL_TIMEOUT = 30
#: What ``Server`` says: no product version, no Python version.
IDENT = "arsearch"


class _SecureErrorTask(ErrorTask):
    """waitress's own error responses, with the headers every page of the app carries."""

    def execute(self):
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _SecureChannel(HTTPChannel):
    error_task_class = _SecureErrorTask


def make_server(app, hosts, port: int, threads: int):
    """A waitress server for ``app`` listening on each of ``hosts`` (not started: call ``run()``)."""
    sockets: dict = {}
    listen = " ".join(f"[{h}]:{port}" if ":" in h else f"{h}:{port}" for h in hosts)
    try:
        server = create_server(
            app, map=sockets, listen=listen, threads=threads, connection_limit=CONNECTION_LIMIT,
            max_request_header_size=MAX_HEADER_BYTES, max_request_body_size=MAX_BODY_BYTES,
            channel_timeout=CHANNEL_TIMEOUT, ident=IDENT, expose_tracebacks=False,
        )
    except OSError:
        wasyncore.close_all(sockets)  # a port in use: waitress leaves the sockets it opened so far
        raise
    for dispatcher in sockets.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = _SecureChannel
    return server


def listening(server) -> list[tuple[str, int]]:
    """(host, port) of every socket ``server`` listens on (the real port when 0 was asked for)."""
    if hasattr(server, "effective_listen"):
        return list(server.effective_listen)
    return [(server.effective_host, server.effective_port)]


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
