"""The FTS5 baseline (bench/fts5_baseline.py) as a minimal WSGI app, for the HTTP rounds.

``BENCH_FTS5_DB=bench/out/fts5-10k-s7.db gunicorn bench.fts5_app:app`` answers
``GET /api/search`` with the portal's parameters (q, type, kommune, topic,
evidence, region, page, per_page; values comma-separated) as JSON: total, the
page's hits with snippets, the disjunctive facet counts. No Flask: what it
costs is FTS5's and this file's, nothing of the portal's web layer.
"""

from __future__ import annotations

import os
import sqlite3

from search_index import SearchRequest

from .fts5_baseline import FTS5Search
from .wsgi_search import filter_values, search_app


def request_from(params: dict) -> SearchRequest:
    """/api/search parameters → SearchRequest (public audience); an unknown kommune raises ValueError."""
    filters = filter_values(params, ("type", "evidence", "region", "topic", "kommune"))
    return SearchRequest(
        q=(params.get("q") or "").strip(),
        filters=filters,
        page=max(1, min(int(params.get("page") or 1), 1000)),
        per_page=max(1, min(int(params.get("per_page") or 10), 100)),
    )


def _open():
    search = FTS5Search(os.environ["BENCH_FTS5_DB"])
    return lambda params: search.search(request_from(params))


# The WSGI app (gunicorn bench.fts5_app:app); a query FTS5 cannot read is the asker's error.
app = search_app(_open, (ValueError, sqlite3.OperationalError))
