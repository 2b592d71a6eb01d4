"""The page on the production server (waitress, as `arsearch serve` runs it), in a thread of the test process."""

import threading
from contextlib import contextmanager

from arsearch.web.server import listening, make_server


@contextmanager
def serving(app, threads: int = 4):
    """The base URL of ``app`` served on a free loopback port until the block ends."""
    server = make_server(app, ("127.0.0.1",), 0, threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    (host, port), = listening(server)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.close()
        thread.join(5)
