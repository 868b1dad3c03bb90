"""The few lines both baseline apps (FTS5, bare tantivy) share: GET /api/search → JSON."""

from __future__ import annotations

import json
import urllib.parse
from typing import Callable

from portal.content import kommuner as kommune_registry


def filter_values(params: dict, facets) -> dict[str, list[str]]:
    """The comma-separated filter parameters of ``facets`` as the portal reads
    them: kommune names (any spelling) become today's codes (ValueError for
    an unknown one), topics are matched in lower case."""
    out: dict[str, list[str]] = {}
    for facet in facets:
        values = [v.strip() for v in (params.get(facet) or "").split(",") if v.strip()]
        if not values:
            continue
        if facet == "kommune":
            try:
                values = [kommune_registry.resolve(v).kommune.code for v in values]
            except kommune_registry.KommuneError as exc:
                raise ValueError(str(exc)) from None
        elif facet == "topic":
            values = [v.lower() for v in values]
        out[facet] = values
    return out


def search_app(open_search: Callable[[], Callable[[dict], dict]], errors: tuple[type[BaseException], ...]):
    """A WSGI app answering ``/api/search`` with ``search(params)`` as JSON; the
    search opens on first use in each worker (after gunicorn's fork), and one
    of ``errors`` is the asker's fault: a 400 with its message."""
    opened: list = []

    def app(environ, start_response):
        if environ.get("PATH_INFO") != "/api/search":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        if not opened:
            opened.append(open_search())
        params = {k: v[-1] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            status, body = "200 OK", opened[0](params)
        except errors as exc:
            status, body = "400 Bad Request", {"error": str(exc)}
        data = json.dumps(body, ensure_ascii=False).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return app
