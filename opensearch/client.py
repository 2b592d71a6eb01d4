"""The connection to an OpenSearch cluster: settings, the official client, and its errors as arsearch's.

Settings come from the usual places: ``--url`` or ``$ARSEARCH_OPENSEARCH_URL``; credentials only from
the environment (never a command line, which ``ps`` shows); TLS certificates are verified unless
``$ARSEARCH_OPENSEARCH_VERIFY`` is ``0``. Every call to the cluster goes through ``cluster_errors``,
which turns the client's exceptions into one ``OpenSearchBackendError`` with a one-line message.
"""

import os
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from arsearch.indexer.errors import ArsearchError

#: Environment variables read, with what they hold.
SETTINGS = {
    "ARSEARCH_OPENSEARCH_URL": "the cluster's URL (when --url is not given)",
    "ARSEARCH_OPENSEARCH_INDEX": "the index name (default: arsearch)",
    "ARSEARCH_OPENSEARCH_USER": "HTTP basic-auth user",
    "ARSEARCH_OPENSEARCH_PASSWORD": "HTTP basic-auth password",
    "ARSEARCH_OPENSEARCH_CA_CERTS": "a CA bundle to verify the cluster's certificate with",
    "ARSEARCH_OPENSEARCH_VERIFY": "0 to skip TLS certificate verification (a test cluster only)",
}
#: Seconds one request may take; the bulk helper retries refused chunks (429) this many times.
TIMEOUT = 30
BULK_RETRIES = 3


class OpenSearchBackendError(ArsearchError):
    """The cluster cannot be reached, refuses the request, or holds no arsearch index."""


def cluster_url(url: str | None = None) -> str:
    url = url or os.environ.get("ARSEARCH_OPENSEARCH_URL", "")
    if not url:
        raise OpenSearchBackendError(
            "no OpenSearch URL: give --url https://HOST:9200 or set $ARSEARCH_OPENSEARCH_URL"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OpenSearchBackendError(f"not an http(s) URL: {shown_url(url)}; give one like https://localhost:9200")
    return url


def index_name(index: str | None = None) -> str:
    return index or os.environ.get("ARSEARCH_OPENSEARCH_INDEX") or "arsearch"


def shown_url(url: str) -> str:
    """The URL without a password in it, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, f"{parts.username}:***@{host}", parts.path, parts.query, parts.fragment))


def connect(url: str | None = None, connection_class=None):
    """An ``opensearchpy.OpenSearch`` client for the configured cluster (nothing is sent yet)."""
    from opensearchpy import OpenSearch

    url = cluster_url(url)
    options = {"timeout": TIMEOUT, "max_retries": 1, "retry_on_timeout": True}
    user, password = os.environ.get("ARSEARCH_OPENSEARCH_USER"), os.environ.get("ARSEARCH_OPENSEARCH_PASSWORD")
    if user:
        options["http_auth"] = (user, password or "")
    if url.startswith("https"):
        options["verify_certs"] = os.environ.get("ARSEARCH_OPENSEARCH_VERIFY", "1") != "0"
        if not options["verify_certs"]:
            options["ssl_show_warn"] = False
        if os.environ.get("ARSEARCH_OPENSEARCH_CA_CERTS"):
            options["ca_certs"] = os.environ["ARSEARCH_OPENSEARCH_CA_CERTS"]
    if connection_class is not None:
        options["connection_class"] = connection_class
    client = OpenSearch([url], **options)
    client.arsearch_url = shown_url(url)
    return client


@contextmanager
def cluster_errors(client, doing: str):
    """The client's exceptions as one-line ``OpenSearchBackendError`` messages that say what to do."""
    from opensearchpy import exceptions as ex

    where = getattr(client, "arsearch_url", "the cluster")
    try:
        yield
    except ex.SSLError as e:
        raise OpenSearchBackendError(
            f"TLS failed with {where} while {doing}: {_reason(e)}; set $ARSEARCH_OPENSEARCH_CA_CERTS to the "
            "cluster's CA bundle"
        ) from e
    except ex.ConnectionTimeout as e:
        raise OpenSearchBackendError(f"OpenSearch at {where} did not answer in time while {doing}; try again") from e
    except ex.ConnectionError as e:
        raise OpenSearchBackendError(
            f"cannot reach OpenSearch at {where} while {doing} ({_reason(e)}); check --url or "
            "$ARSEARCH_OPENSEARCH_URL and that the cluster is up"
        ) from e
    except ex.AuthenticationException as e:
        raise OpenSearchBackendError(
            f"OpenSearch at {where} refused the credentials while {doing}; set $ARSEARCH_OPENSEARCH_USER "
            "and $ARSEARCH_OPENSEARCH_PASSWORD"
        ) from e
    except ex.AuthorizationException as e:
        raise OpenSearchBackendError(f"OpenSearch at {where} forbids {doing} to this user: {_reason(e)}") from e
    except ex.NotFoundError as e:
        raise OpenSearchBackendError(
            f"no arsearch index at {where} ({_reason(e)}); load one with `arsearch export opensearch --url URL`"
        ) from e
    except ex.TransportError as e:
        raise OpenSearchBackendError(f"OpenSearch at {where} refused {doing}: {e.status_code} {_reason(e)}") from e


def _reason(e) -> str:
    """The shortest useful line out of a client exception."""
    info = getattr(e, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            return str(error.get("reason") or error.get("type") or error)
        if error:
            return str(error)
    if isinstance(info, Exception):  # urllib3's: "HTTPConnection(...): Failed to ...: [Errno 111] Connection refused"
        return str(info).splitlines()[0].rsplit(": ", 1)[-1][:200]
    error = getattr(e, "error", None)
    return str(error or e).splitlines()[0][:200]
