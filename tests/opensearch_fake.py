"""A stand-in cluster for the OpenSearch tests: opensearch-py's own client over a fake connection.

No OpenSearch server installs from this machine's registries, so the client's connection class (which
opensearch-py lets a caller choose) is replaced by one that records each request and answers it from
a handler: the client, its serializer, the bulk helper and the error mapping all run for real.
"""

import json

from opensearchpy import Connection


class FakeCluster:
    def __init__(self):
        self.requests: list[tuple[str, str, dict, object]] = []
        self.handlers: dict[tuple[str, str], object] = {}  # (method, path suffix) -> handler or (status, data)

    def on(self, method: str, suffix: str, answer) -> None:
        self.handlers[(method, suffix)] = answer

    def bodies(self, method: str, suffix: str) -> list:
        return [b for m, p, _, b in self.requests if m == method and p.endswith(suffix)]

    def answer(self, method, path, params, body):
        for (m, suffix), handler in self.handlers.items():
            if m == method and path.endswith(suffix):
                return handler(path, params, body) if callable(handler) else handler
        return 404, {"error": {"type": "index_not_found_exception", "reason": f"no such index [{path}]"}, "status": 404}

    def connection_class(self):
        cluster = self

        class FakeConnection(Connection):
            def perform_request(self, method, url, params=None, body=None, timeout=None, ignore=(), headers=None):
                decoded = body.decode("utf-8") if isinstance(body, bytes) else body
                params = {k: v.decode("utf-8") if isinstance(v, bytes) else v for k, v in (params or {}).items()}
                cluster.requests.append((method, url, params, decoded))
                status, data = cluster.answer(method, url, params, decoded)
                raw = json.dumps(data, ensure_ascii=False)
                if not 200 <= status < 300 and status not in ignore:
                    self._raise_error(status, raw)
                return status, {}, raw

            def close(self):
                pass

        return FakeConnection


def bulk_ok(path, params, body):
    """Every operation of a bulk request accepted."""
    lines = body.splitlines()
    items = [{"index": {"_id": json.loads(line)["index"]["_id"], "status": 201}} for line in lines[::2]]
    return 200, {"took": 1, "errors": False, "items": items}


def cluster_with_index(template: dict, index: str = "arsearch") -> FakeCluster:
    """A cluster holding an index made from ``template`` (its mapping and ``_meta``)."""
    cluster = FakeCluster()
    cluster.on("GET", f"/{index}/_mapping", (200, {index: {"mappings": template["template"]["mappings"]}}))
    return cluster
