"""The page over an OpenSearch cluster: the ``IndexHandle`` counterpart for `serve --backend opensearch`.

One ``OpenSearchSearcher``, opened on the first request (so a cluster that is down gives the page's
503, not a crash at start-up) and shared: the client is thread-safe, and the cluster holds no
generation to reopen. Did-you-mean reads the local index's vocabulary, which a cluster has not got,
so ``suggest`` leaves results as they are; nor is the timeline chart drawn over a cluster yet.
"""

import threading
from contextlib import contextmanager


class OpenSearchHandle:
    def __init__(self, url: str | None = None, dfs: bool = False):
        self.url = url
        self.dfs = dfs
        self._searcher = None
        self._lock = threading.Lock()

    @contextmanager
    def searcher(self):
        from arsearch.opensearch.searcher import OpenSearchSearcher

        with self._lock:
            if self._searcher is None:
                self._searcher = OpenSearchSearcher(self.url, dfs=self.dfs)
        yield self._searcher

    @staticmethod
    def suggest(searcher, result, include_inferred: bool = False):
        return result

    @staticmethod
    def timeline(searcher, query: str, **options):
        """No chart: the counts over time are the local index's (``arsearch timeline``), not yet a
        cluster's date histogram."""
        return None

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
