"""What the page trusts: the host names it answers to, and the headers every response carries.

The page has no login and reads a local index, so two browser tricks must fail. DNS rebinding — a page
elsewhere whose name is made to resolve to 127.0.0.1 — sends its own name in ``Host``: only the names
the server was started for are accepted (loopback, plus ``--host`` and ``--allow-host``). Anything that
slipped into a page could run or be sniffed as another type: every response, error pages included (the
app's and the HTTP server's own, web/server.py), carries the same headers.
"""

#: Names that reach this machine only; always accepted.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Addresses that mean "every interface": they name no host a browser would send.
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
#: Headers that keep a page from running anything that slipped into it.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def allowed_hosts(*names: str) -> frozenset[str]:
    """The ``Host`` names to accept: loopback plus ``names`` (listen addresses or host names)."""
    return frozenset(_normal(n) for n in (*LOOPBACK_HOSTS, *names) if n not in WILDCARD_HOSTS)


def host_name(header: str) -> str:
    """The name part of a ``Host`` header, without the port: ``[::1]:8000`` → ``::1``."""
    header = header.strip()
    if header.startswith("["):
        return _normal(header[1:header.find("]")] if "]" in header else header[1:])
    return _normal(header.rpartition(":")[0] if header.count(":") == 1 else header)


def _normal(name: str) -> str:
    return name.strip().strip("[]").rstrip(".").lower()
