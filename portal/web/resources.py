"""Per-request handles on the live generation: the store and the search index.

The derived data lives in generations (see :mod:`portal.ingest`). At the
start of each request that needs data we read which generation is live, open
a read-only :class:`~portal.store.Store` on it (cheap) and hand out this
worker's :class:`~search_index.SearchIndex` for it. A search index is
expensive to open, so each worker keeps one per generation and swaps it when
an ingest has made a new one live; the old one is closed. Store handles are
closed at teardown.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from flask import Flask, current_app, g

from search_index import SearchIndex
from search_index.index import RESULT_CACHE_DOCS

from ..content import kommuner as kommune_registry
from ..indexing import kommune_text
from ..generations import Generation, current_generation
from ..store import STORE_VERSION, Store, open_derived, store_version, text_of


class NotReady(Exception):
    """No generation has been built yet (``flask ingest`` was never run), or
    the live one was built by a version of the portal with another database
    layout (``outdated``): an ingest with this version rebuilds it."""

    def __init__(self, outdated: bool = False):
        super().__init__("outdated" if outdated else "not built")
        self.outdated = outdated


# Generations whose database layout this process has checked (by path: each
# generation is a new directory under a unique name, never rewritten).
_CHECKED: set[Path] = set()


class _IndexHolder:
    """This worker's open search index, keyed by generation name."""

    def __init__(self):
        self.lock = threading.Lock()
        self.name: str | None = None
        self.index: SearchIndex | None = None
        self._texts: sqlite3.Connection | None = None

    def get(self, gen: Generation) -> SearchIndex:
        with self.lock:
            if self.name != gen.name:
                self.close()
                # May raise IndexUnavailable (missing or damaged index): nothing
                # is cached then, so the next request tries again.
                index = SearchIndex(
                    gen.index_path,
                    text_source=self._text_of,
                    cache_docs=int(current_app.config.get("SEARCH_CACHE_DOCS", RESULT_CACHE_DOCS)),
                )
                self._texts = open_derived(gen.db_path)
                self.index, self.name = index, gen.name
            return self.index

    def _text_of(self, doc_id: str) -> str | None:
        if doc_id.startswith("kommune:"):
            return _kommune_text(doc_id.split(":", 1)[1])
        return text_of(self._texts, doc_id)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
        if self._texts is not None:
            self._texts.close()
        self.index, self._texts, self.name = None, None, None


def _kommune_text(code: str) -> str | None:
    try:
        return kommune_text(kommune_registry.by_code(code))
    except KeyError:
        return None


def generation() -> Generation:
    if "generation" not in g:
        gen = current_generation(current_app.config["DATA_DIR"])
        if gen is None:
            raise NotReady()
        if gen.path not in _CHECKED:
            if store_version(gen.db_path) != STORE_VERSION:
                raise NotReady(outdated=True)
            _CHECKED.add(gen.path)
        g.generation = gen
    return g.generation


def get_store() -> Store:
    if "store" not in g:
        g.store = Store(generation().db_path)
    return g.store


def get_index() -> SearchIndex:
    return current_app.extensions["portal_index"].get(generation())


def _teardown(_exc) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.extensions["portal_index"] = _IndexHolder()
    app.teardown_appcontext(_teardown)
