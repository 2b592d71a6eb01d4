"""The Flask app: URL → ``SearchState`` → one ``PassageSearcher`` call → template or JSON.

No search logic lives here: the page and the JSON endpoint call the same library as the CLI
(``PassageSearcher.search``, ``suggest.with_suggestions``, ``PassageSearcher.passage``), and the JSON
endpoint prints what ``arsearch search --json`` prints. Library errors become pages with the right
status at one place (``_error``): a bad query is 400, an unknown passage 404, a missing or unreadable
index 503 with the command that builds it; anything else is a plain 500 page, never a traceback.
Before routing, a request that names a host the server was not started for, or whose address is too
long, is refused (web/security.py); every response, error pages included, carries the same headers.
"""

import json
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from arsearch.indexer import settings
from arsearch.indexer.errors import ArsearchError, QueryError
from arsearch.indexer.store import current_generation, rebuild_command
from arsearch.search import PassageSearcher
from arsearch.search.export import HIT_COLUMNS, hit_rows, table
from arsearch.search.marks import passage_marks
from arsearch.search.suggest import with_suggestions
from arsearch.search.timeline import search_timeline
from arsearch.web import messages, render
from arsearch.web.chart import MAX_BARS, make_chart
from arsearch.web.security import SECURITY_HEADERS, allowed_hosts, host_name
from arsearch.web.state import SearchState, page_links, parse_number
from flask import Flask, Response, abort, g, render_template, request, url_for
from werkzeug.exceptions import HTTPException

#: Neighbouring passages shown on each side in the passage view.
PASSAGE_CONTEXT = 2
#: Actors and topics listed on the start page.
START_ENTITIES = 40
#: Longest request target (path and query string) answered: what common servers accept (nginx: 8 KiB).
MAX_URL_BYTES = 8192
#: The detail line under the page's Arabic explanation of an HTTP error, by status.
HTTP_MESSAGES = {
    404: "no such page; start from the search page",
    405: "this page only answers GET requests",
    414: f"the address is longer than {MAX_URL_BYTES} bytes; shorten the query",
}
#: What ``/api/search?format=csv`` is saved as.
CSV_FILENAME = "arsearch-results.csv"


class IndexHandle:
    """One open searcher, reopened when the index changes — rebuilt (CURRENT moves) or updated in place
    by `arsearch index` (a new Whoosh commit) — never refreshed in place; one search at a time."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._searcher: PassageSearcher | None = None
        self._lock = threading.Lock()

    @contextmanager
    def searcher(self):
        with self._lock:
            generation = current_generation(self.index_dir)
            if self._searcher is not None and (
                self._searcher.index.generation != generation or not self._searcher.searcher.up_to_date()
            ):
                self._searcher.close()
                self._searcher = None
            if self._searcher is None:
                self._searcher = PassageSearcher(self.index_dir)
            yield self._searcher

    #: Did-you-mean, over the local index's vocabulary (``web.opensearch_handle`` has none).
    suggest = staticmethod(with_suggestions)

    @staticmethod
    def timeline(searcher, query: str, **options):
        """The chart's counts over time (``web.opensearch_handle`` draws none)."""
        return search_timeline(searcher, query, "auto", most=MAX_BARS, **options)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


def _target_bytes(environ) -> int:
    """Length of the request target as sent (WSGI keeps the query string percent-encoded)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        return len(raw)
    return len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) + 1


def create_app(index_dir: Path, source_dir: Path | None = None, hosts=(), handle=None) -> Flask:
    """The web app over the index in ``index_dir`` (or what ``handle`` opens: an OpenSearch cluster),
    answering to loopback names and ``hosts``; ``source_dir`` only appears in build hints."""
    app = Flask(__name__)
    app.json.ensure_ascii = False
    handle = handle or IndexHandle(index_dir)
    trusted = allowed_hosts(*hosts)
    app.extensions["arsearch"] = handle
    build_hint = rebuild_command(index_dir, source_dir or settings.SOURCE_DIR.value())

    @app.context_processor
    def helpers():
        return {"render": render, "how_ar": render.HOW_AR, "messages": messages}

    app.jinja_env.filters["isolate"] = render.isolate
    app.jinja_env.filters["facet_entries"] = render.facet_entries

    @app.before_request
    def check_request():
        """Before routing, so that an unknown page on a foreign host is refused too."""
        name = host_name(request.host)
        if name not in trusted:
            abort(400, f"this server does not answer to the host name {name or request.host!r}; open it by the "
                       "address it printed, or start it with --allow-host NAME")
        if _target_bytes(request.environ) > MAX_URL_BYTES:
            abort(414)

    @app.after_request
    def secure(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/")
    def search_page():
        state = SearchState.from_args(request.args)
        with handle.searcher() as searcher:
            gazetteer = searcher.gazetteer
            if state.empty:
                actors = [c for c in searcher.entity_counts("actors") if c.explicit][:START_ENTITIES]
                topics = [c for c in searcher.entity_counts("topics") if c.explicit][:START_ENTITIES]
                return render_template("start.html", state=state, actors=actors, topics=topics, gazetteer=gazetteer)
            result = searcher.search(
                state.q, limit=state.limit, offset=state.offset, sort=state.sort, dedupe=not state.copies,
                **state.search_options(),
            )
            result = handle.suggest(searcher, result, state.inferred)
            timeline = handle.timeline(searcher, state.q, **state.search_options())
            # Filters as ids, so facet links toggle them; ids from actor:/topic: in the query stay
            # fixed. Actors through the searcher: it also knows the entities discovery found.
            state = replace(
                state,
                actors=tuple(dict.fromkeys(searcher.resolve_actor(a) for a in state.actors)),
                topics=tuple(dict.fromkeys(gazetteer.resolve_topic(t) for t in state.topics)),
            )
            shown = [a for a, _ in render.facet_entries(result.facets.actors)]
            shown += [a for h in result.hits for a in (*h.passage.actors, *h.passage.inferred)]
            g.actor_labels = searcher.discovered_labels([*state.actors, *shown])
        return render_template(
            "search.html", state=state, result=result, gazetteer=gazetteer,
            pages=render.page_numbers(result.hit_count, state.page, state.limit), chart=make_chart(timeline) if timeline else None,
        )

    @app.get("/passage/<path:article_id>/<int:number>")
    def passage_page(article_id: str, number: int):
        """A passage among its neighbours, the query's words marked; ``path``: article ids of files in
        subfolders hold a ``/``."""
        state = SearchState.from_args(request.args)
        context = parse_number(request.args.get("context"), "context", 0, 20, PASSAGE_CONTEXT)
        key = f"{article_id}#{number}"
        with handle.searcher() as searcher:
            passages = searcher.passage(key, context)
            gazetteer = searcher.gazetteer
            g.actor_labels = searcher.discovered_labels(a for p in passages for a in (*p.actors, *p.inferred))
            marks = passage_marks(searcher, state.q, passages)
        current = next(p for p in passages if p.key == key)
        return render_template(
            "passage.html", state=state, passages=passages, current=current, gazetteer=gazetteer,
            source_url=render.safe_url(current.url), marks=marks,
        )

    @app.get("/api/search")
    def search_json():
        """The JSON of ``arsearch search --json`` (``?explain=1``: of ``--json --explain``) with links to
        the previous and next pages; ``?format=csv``: the rows of ``arsearch search --csv``."""
        state = SearchState.from_args(request.args)
        explain = request.args.get("explain", "") in ("1", "true", "yes", "on")
        as_csv = request.args.get("format", "json") == "csv"
        if request.args.get("format", "json") not in ("json", "csv"):
            raise QueryError(f"format must be json or csv, not {request.args['format']!r}")
        with handle.searcher() as searcher:
            result = searcher.search(
                state.q, limit=state.limit, offset=state.offset, sort=state.sort, dedupe=not state.copies,
                **state.search_options(),
            )
            if not as_csv:
                result = handle.suggest(searcher, result, state.inferred)
        if as_csv:
            bom = request.args.get("bom", "") in ("1", "true", "yes", "on")
            return Response(
                table(hit_rows(result), HIT_COLUMNS, "csv", bom), mimetype="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{CSV_FILENAME}"'},
            )
        extra = {"explain": "1"} if explain else {}
        prev, following = page_links(state, result.hit_count)
        data = result.to_json(explain)
        data["prev"] = url_for("search_json", **prev, **extra) if prev is not None else None
        data["next"] = url_for("search_json", **following, **extra) if following is not None else None
        return _json(data)

    @app.errorhandler(ArsearchError)
    def library_error(error: ArsearchError):
        status, title, explanation = messages.library_error(error)
        return _error(status, title, str(error), build_hint if status == 503 else None, explanation)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        """Every HTTP error the app raises (a foreign host, 404, 405, 414…), as the page's own error page."""
        message = HTTP_MESSAGES.get(exc.code) or exc.description
        title, explanation = messages.http_error(exc.code or 500)
        return _error(exc.code or 500, title, message, None, explanation)

    @app.errorhandler(500)
    def internal(_exc):
        title, explanation = messages.http_error(500)
        return _error(500, title, "something went wrong on the server; its log says what", None, explanation)

    def _error(status: int, title: str, message: str, hint: str | None = None, explanation: str = ""):
        if request.path.startswith("/api/"):
            body = {"error": message, **({"hint": hint} if hint else {})}
            return _json(body, status)
        # The search box keeps the query, unless the query is what made the address too long.
        state = SearchState(q="" if status == 414 else request.args.get("q", "").strip())
        page = render_template(
            "error.html", state=state, status=status, title=title, message=message, hint=hint, explanation=explanation,
        )
        return page, status

    def _json(data, status: int = 200) -> Response:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return Response(text, status=status, mimetype="application/json")

    app.jinja_env.globals["search_url"] = lambda params: url_for("search_page", **params)
    return app
