"""The page on the production server (waitress, as `arsearch serve` runs it), in a thread of the test process."""

import threading
from contextlib import contextmanager

from arsearch.web.server import listening, make_server
from waitress import wasyncore


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
        # Closing sockets from this thread races the loop's select() (EBADF there): let the workers
        # finish, then close everything from inside the loop, which ends when nothing is left.
        server.task_dispatcher.shutdown()
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(10)
        assert not thread.is_alive()
