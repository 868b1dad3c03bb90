"""``SearchIndex``: build, open, search and incrementally update the index."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from pathlib import Path
from typing import Callable, Iterable

from .engines import ENGINE_ENV, ENGINE_FILE, ENGINES, engine_class, recorded_engine, resolve_engine  # noqa: F401
from .result_cache import RESULT_CACHE_DOCS, ResultCache  # noqa: F401  (re-exported)
from .documents import (
    FACETS,
    IndexUnavailable,
    QueryError,
    IndexDocument,
    SearchHit,
    SearchRequest,
    SearchResponse,
)
from .building import PreparedDocument, SharedParagraphs, paragraph_keys
from .expansion import parse_thesaurus, thesaurus_of
from .hits import highlighter_for
from .facets import normalize_filters
from .plan import MatchPlan
from .querying import parse_query, plan_clauses
from .snippets import (
    BOILERPLATE_MIN_DOCS,
    boilerplate_of,
    highlighted_snippet,
    start_snippet,
    without_title,
)

__all__ = ["SearchIndex", "MAX_PER_PAGE", "MAX_PAGE", "ENGINES", "ENGINE_ENV", "ENGINE_FILE", "resolve_engine"]

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100  # per_page is clamped to 1..MAX_PER_PAGE
MAX_PAGE = 10_000  # page is clamped to 1..MAX_PAGE

#: Thesaurus entries from content, written beside an index when it is built
#: (so the index and its expansions are of one generation).
THESAURUS_FILE = "thesaurus.tsv"
#: Keys of the paragraphs many documents share (snippets.line_key), found at build time.
BOILERPLATE_FILE = "boilerplate.json"

TextSource = Callable[[str], "str | None"]


class SearchIndex:
    """A Danish full-text index over :class:`IndexDocument` s, on Whoosh
    (default) or tantivy.

    The engine of a new index comes from ``build(..., engine=)`` or
    ``$PORTAL_SEARCH_ENGINE``; it is recorded in ``engine.json`` in the index
    directory, and opening always uses the recorded engine.

    One searcher is kept open and replaced when the index has changed
    (a cheap generation check when it has not); searches on one instance are
    serialised by a lock.  Writers (``update``/``delete``) are synchronous and wait for the
    index write lock at most ``timeout`` seconds, then raise
    :class:`IndexLockTimeout`.
    """

    # ------------------------------------------------------------------ build / open

    @classmethod
    def build(
        cls,
        path,
        documents: Iterable[IndexDocument | PreparedDocument],
        *,
        batch_size: int = 500,
        progress: Callable[[int], None] | None = None,
        text_source: TextSource | None = None,
        engine: str | None = None,
        thesaurus: str | None = None,
    ) -> "SearchIndex":
        """Create a NEW index in the empty or non-existent directory ``path``
        and add all ``documents`` (:class:`IndexDocument` s, or
        :class:`~search_index.building.PreparedDocument` s prepared for this
        engine, e.g. in the caller's worker processes), read as a stream, with one writer, committed once at the end
        (a failed build leaves an empty index, never a half one).
        ``progress(n)`` is called after every ``batch_size`` documents and at
        the end with the number added so far.  Duplicate ids raise ValueError.
        ``engine``: "whoosh" or "tantivy" (default: ``$PORTAL_SEARCH_ENGINE``,
        else "whoosh"). ``thesaurus``: entries from content in the format of
        ``data/thesaurus.tsv``, added to the shipped ones for this index
        (ValueError ``source:line: message`` when malformed).
        """
        name = resolve_engine(engine)
        if thesaurus:
            parse_thesaurus(thesaurus, THESAURUS_FILE)  # refuse before building anything
        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise FileExistsError(f"Kan ikke bygge søgeindeks: {path} findes og er ikke en tom mappe")
        path.mkdir(parents=True, exist_ok=True)
        (path / ENGINE_FILE).write_text(json.dumps({"engine": name, "format": 1}) + "\n", encoding="utf-8")
        if thesaurus:
            (path / THESAURUS_FILE).write_text(thesaurus, encoding="utf-8")
        # The documents are a stream (the ingest's are made while the engine
        # writes): each is looked at once, and only its paragraph keys are kept, on disk.
        counts = SharedParagraphs(path.parent)
        try:

            def counted(docs):
                for doc in docs:
                    if isinstance(doc, PreparedDocument):
                        if doc.engine != name:
                            raise ValueError(f"dokumentet {doc.id!r} er gjort klar til {doc.engine}, ikke {name}")
                        counts.add(doc.paragraphs)
                    else:
                        counts.add(paragraph_keys(doc))
                    yield doc

            engine_class(name).create(path, counted(documents), batch_size, progress)
            shared = counts.shared(BOILERPLATE_MIN_DOCS)
        finally:
            counts.close()
        (path / BOILERPLATE_FILE).write_text(json.dumps(shared) + "\n", encoding="utf-8")
        return cls(path, text_source=text_source)

    def __init__(self, path, text_source: TextSource | None = None, cache_docs: int = RESULT_CACHE_DOCS) -> None:
        """Open an existing index (with the engine that built it).
        ``text_source(doc_id)`` returns the plain text used for the snippet
        (bodies are not stored in the index). ``cache_docs`` bounds the
        result cache (see :class:`ResultCache`; 0: no cache)."""
        self.path = Path(path)
        self._closed = True
        if not self.path.is_dir():
            raise IndexUnavailable(f"Intet søgeindeks i {self.path}")
        self.engine = recorded_engine(self.path)
        self._engine = engine_class(self.engine)(self.path)
        self.text_source = text_source
        self.thesaurus = thesaurus_of(self.path / THESAURUS_FILE)
        self.boilerplate = boilerplate_of(self.path / BOILERPLATE_FILE)
        self._cache = ResultCache(cache_docs)
        self._lock = threading.RLock()
        self._closed = False

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._engine.close()
            self._closed = True

    def __del__(self) -> None:
        # Safety net for an instance dropped without close(): release the
        # segment files quietly.  Call close() (or use ``with``) to be sure --
        # inside a reference cycle the files may be collected first and warn.
        try:
            if not getattr(self, "_closed", True):
                self.close()
        except Exception:  # pragma: no cover - interpreter shutdown etc.
            pass

    def __enter__(self) -> "SearchIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _snapshot(self):
        if self._closed:
            raise RuntimeError("SearchIndex er lukket")
        return self._engine.snapshot()

    def doc_count(self) -> int:
        with self._lock:
            return self._snapshot().doc_count()

    # ------------------------------------------------------------------ search

    def ids(self) -> set[str]:
        """Every document id in the index (for integrity checks against the database)."""
        with self._lock:
            return self._snapshot().ids()

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run one search.  Raises QueryError (Danish message) for queries
        we refuse, IndexUnavailable when the index files cannot be read;
        never exposes engine types."""
        parsed = parse_query(request.q)
        try:
            response = self._search(request, parsed)
            if response.total == 0 and response.suggestion and request.correct:
                # Answer a misspelling with results: search the correction and say so.
                fixed = self._search(
                    dataclasses.replace(request, q=response.suggestion), parse_query(response.suggestion)
                )
                if fixed.total:
                    fixed.corrected_from = request.q or ""
                    fixed.suggestion = None
                    return fixed
            return response
        except (QueryError, IndexUnavailable):
            raise
        except (OSError, EOFError, ValueError, KeyError, IndexError, AttributeError) as exc:
            # Damaged or vanished segment files: say so instead of a 500.
            log.exception("search failed on %s", self.path)
            raise IndexUnavailable(f"Søgeindekset kan ikke læses: {type(exc).__name__}") from exc

    def _search(self, request: SearchRequest, parsed) -> SearchResponse:
        filters = normalize_filters(request.filters)
        per_page = max(1, min(int(request.per_page or 10), MAX_PER_PAGE))
        page = max(1, min(int(request.page or 1), MAX_PAGE))
        audiences = frozenset(request.audiences or ())
        expand = bool(request.expand)
        start = (page - 1) * per_page
        plan = MatchPlan(
            clauses=tuple(plan_clauses(parsed)),
            filters=tuple(sorted(filters.items())),
            audiences=audiences,
            thesaurus=self.thesaurus if expand else None,
            start=start,
            end=start + per_page,
        )

        with self._lock:
            snap = self._snapshot()
            results = self._cache.bind(snap)
            # The page with its snippets: the same search again costs almost nothing.
            total, hits, facets, expanded_with = results.fetch(
                ("page", *plan.key, plan.start, plan.end), lambda: self._page(snap, plan, results), lambda _p: 1
            )
            # suggest() only proposes replacements for words that are neither
            # in the public vocabulary nor match anything the reader can see.
            suggestion = None
            if not parsed.is_empty:
                suggestion = results.fetch(
                    ("suggest", parsed, audiences), lambda: snap.suggest(parsed, audiences), lambda _s: 1
                )

        return SearchResponse(
            query=request.q or "",
            total=total,
            page=page,
            per_page=per_page,
            hits=list(hits),
            facets={name: dict(facets.get(name, {})) for name in FACETS},
            suggestion=suggestion,
            expanded_with=list(expanded_with),
        )

    def _page(self, snap, plan: MatchPlan, results) -> tuple[int, tuple[SearchHit, ...], dict, tuple[str, ...]]:
        """(total, hits with snippets, facet counts, thesaurus terms used) of one plan."""
        matched = snap.match(plan, results)
        hits = []
        if plan.clauses:
            highlighter = highlighter_for(plan.clauses, plan.thesaurus)
            for stored, score in matched.page:
                text = self._snippet_text(stored)
                snippet = highlighted_snippet(text, highlighter, self.boilerplate) if text else ""
                hits.append(self._hit(stored, score, snippet))
        else:
            for stored, score in matched.page:
                hits.append(self._hit(stored, score, start_snippet(self._snippet_text(stored), self.boilerplate)))
        return matched.total, tuple(hits), matched.facets, tuple(matched.expanded_with)

    def _snippet_text(self, stored: dict) -> str | None:
        """The text a snippet is cut from: not the title again (boilerplate is
        left out by the snippet functions, which key only the paragraphs they use)."""
        return without_title(self._text(stored["id"]), stored.get("title"))

    def _text(self, doc_id: str) -> str | None:
        if self.text_source is None:
            return None
        try:
            return self.text_source(doc_id)
        except Exception:  # a broken text source must not break the search
            log.exception("text_source(%r) failed", doc_id)
            return None

    @staticmethod
    def _hit(stored: dict, score: float, snippet: str) -> SearchHit:
        return SearchHit(
            id=stored["id"],
            type=stored.get("type") or "",
            title=stored.get("title") or "",
            url=stored.get("url") or "",
            kommuner=list(stored.get("kommuner") or []),
            evidence=stored.get("evidence") or None,
            topics=list(stored.get("topics") or []),
            snippet=snippet,
            score=score,
        )

    # ------------------------------------------------------------------ writing

    def _writer(self, timeout: float = 10.0):
        """A context manager holding the engine's index write lock; waits at
        most ``timeout`` seconds for it.  Commits on success, rolls back
        (releasing the lock) on error.  Private: used by update/delete (and
        by the tests to hold the real lock)."""
        if self._closed:
            raise RuntimeError("SearchIndex er lukket")
        return self._engine.writer(timeout)

    def update(self, documents: Iterable[IndexDocument], *, timeout: float = 10.0) -> None:
        """Add or replace documents by id, in one commit."""
        docs = list(documents)
        if not docs:
            return
        if self._closed:
            raise RuntimeError("SearchIndex er lukket")
        self._engine.update(docs, timeout)

    def delete(self, ids: Iterable[str], *, timeout: float = 10.0) -> None:
        """Remove documents by id (unknown ids are ignored), in one commit."""
        ids = [i for i in ids if i]
        if not ids:
            return
        if self._closed:
            raise RuntimeError("SearchIndex er lukket")
        self._engine.delete(ids, timeout)

    def __repr__(self) -> str:
        return f"SearchIndex({str(self.path)!r}, engine={self.engine!r})"
