"""``SearchIndex``: build, open, search and incrementally update the index."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from .documents import (
    FACETS,
    IndexUnavailable,
    QueryError,
    IndexDocument,
    IndexLockTimeout,
    SearchHit,
    SearchRequest,
    SearchResponse,
)
from .facets import FacetCache, SegmentMemo, filter_and_count, normalize_filters
from .querying import build_query, parse_query
from .schema import SCHEMA, fields_for
from .snippets import configure_highlighting, highlighted_snippet, plain_snippet
from .suggestions import suggest

__all__ = ["SearchIndex", "MAX_PER_PAGE", "MAX_PAGE"]

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100  # per_page is clamped to 1..MAX_PER_PAGE
MAX_PAGE = 10_000  # page is clamped to 1..MAX_PAGE
SNIPPET_FIELD = "body"

TextSource = Callable[[str], "str | None"]


class SearchIndex:
    """A Danish full-text index over :class:`IndexDocument` s.

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
        documents: Iterable[IndexDocument],
        *,
        batch_size: int = 500,
        progress: Callable[[int], None] | None = None,
        text_source: TextSource | None = None,
    ) -> "SearchIndex":
        """Create a NEW index in the empty or non-existent directory ``path``
        and add all ``documents`` with one writer, committed once at the end
        (a failed build leaves an empty index, never a half one).
        ``progress(n)`` is called after every ``batch_size`` documents and at
        the end with the number added so far.  Duplicate ids raise ValueError.
        """
        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise FileExistsError(f"Kan ikke bygge søgeindeks: {path} findes og er ikke en tom mappe")
        path.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(path), SCHEMA)
        try:
            writer = ix.writer(limitmb=128)
            seen: set[str] = set()
            n = 0
            try:
                for doc in documents:
                    if doc.id in seen:
                        raise ValueError(f"Dobbelt dokument-id i indekset: {doc.id!r}")
                    seen.add(doc.id)
                    writer.add_document(**fields_for(doc))
                    n += 1
                    if progress and batch_size and n % batch_size == 0:
                        progress(n)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            if progress:
                progress(n)
        finally:
            ix.close()
        return cls(path, text_source=text_source)

    def __init__(self, path, text_source: TextSource | None = None) -> None:
        """Open an existing index.  ``text_source(doc_id)`` returns the plain
        text used for the snippet (bodies are not stored in the index)."""
        self.path = Path(path)
        try:
            exists = windex.exists_in(str(self.path))
        except Exception as exc:  # a damaged table of contents can fail here already
            raise IndexUnavailable(f"Søgeindekset i {self.path} kan ikke læses: {type(exc).__name__}") from exc
        if not exists:
            raise IndexUnavailable(f"Intet søgeindeks i {self.path}")
        # No mmap: with mmap, closing a segment while Whoosh's own buffer views
        # on it are alive fails (BufferError) and its file descriptor stays
        # open until the garbage collector runs -- after every update.  Plain
        # file reads close deterministically.
        try:
            self._ix = FileStorage(str(self.path), supports_mmap=False).open_index()
        except Exception as exc:  # missing segment, truncated or foreign TOC, …
            raise IndexUnavailable(f"Søgeindekset i {self.path} kan ikke åbnes: {type(exc).__name__}") from exc
        self.text_source = text_source
        self._lock = threading.RLock()
        self._searcher = None
        self._facets: FacetCache | None = None
        self._facets_for = None  # the searcher _facets was built from
        self._memo = SegmentMemo()
        self._closed = False

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._facets = self._facets_for = None
            if not self._closed:
                self._ix.close()
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

    # ------------------------------------------------------------------ searcher + cache

    def _current_searcher(self):
        """The one open searcher, replaced if the index changed.  Caller holds _lock.

        Checking costs one read of the index's table of contents.  Whoosh's own
        ``Searcher.refresh()`` is NOT used: in whoosh-reloaded 2.7.5 its reader
        re-use *adds the old segments to the new ones* (``FileIndex._reader``
        extends ``segments`` with ``reuse.segments()``), so after a delete or a
        merge the refreshed searcher still sees deleted and duplicate
        documents.  We open a fresh searcher instead and close the old one.
        """
        if self._closed:
            raise RuntimeError("SearchIndex er lukket")
        current = self._searcher
        if current is not None and self._ix.latest_generation() == current.reader().generation():
            return current
        new = self._ix.searcher()
        self._searcher = new
        if current is not None:
            current.close()
        return new

    def _facet_cache(self, searcher) -> FacetCache:
        if self._facets is None or self._facets_for is not searcher:
            self._facets = FacetCache(searcher.reader(), self._memo)
            self._facets_for = searcher
        return self._facets

    def doc_count(self) -> int:
        with self._lock:
            return self._current_searcher().doc_count()

    # ------------------------------------------------------------------ search

    def ids(self) -> set[str]:
        """Every document id in the index (for integrity checks against the database)."""
        with self._lock:
            searcher = self._current_searcher()
            return {fields["id"] for fields in searcher.reader().all_stored_fields()}

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run one search.  Raises QueryError (Danish message) for queries
        we refuse, IndexUnavailable when the index files cannot be read;
        never exposes Whoosh types."""
        parsed = parse_query(request.q)
        try:
            return self._search(request, parsed)
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

        with self._lock:
            searcher = self._current_searcher()
            cache = self._facet_cache(searcher)
            built = build_query(parsed, searcher.reader())
            visible = cache.visible(audiences)

            if built.any_query is not None:
                matched = visible.intersection(searcher.docs_for_query(built.any_query))
            elif parsed.is_empty or not built.clauses:
                matched = visible  # browse (also: query of only stop words/punctuation)
            else:  # pragma: no cover - clauses without a query cannot happen
                matched = set()
            allowed, facets = filter_and_count(cache, matched, filters)
            total = len(allowed)
            start = (page - 1) * per_page
            end = start + per_page

            if start >= total:
                hits: list[SearchHit] = []
            elif built.any_query is None:
                hits = self._browse_page(searcher, cache, allowed, start, end)
            else:
                hits = self._ranked_page(searcher, built, allowed, start, end)

            # suggest() only proposes replacements for words that are neither
            # in the public vocabulary nor match anything the reader can see.
            suggestion = suggest(searcher, parsed, visible) if not parsed.is_empty else None

        return SearchResponse(
            query=request.q or "",
            total=total,
            page=page,
            per_page=per_page,
            hits=hits,
            facets={name: facets.get(name, {}) for name in FACETS},
            suggestion=suggestion,
        )

    def _browse_page(self, searcher, cache, allowed, start, end) -> list[SearchHit]:
        page_docs: list[int] = []
        seen = 0
        for d in cache.title_order:
            if d in allowed:
                if seen >= start:
                    page_docs.append(d)
                    if len(page_docs) >= end - start:
                        break
                seen += 1
        hits = []
        for d in page_docs:
            stored = searcher.stored_fields(d)
            hits.append(self._hit(stored, 0.0, plain_snippet(self._text(stored["id"]))))
        return hits

    def _ranked_page(self, searcher, built, allowed, start, end) -> list[SearchHit]:
        """Documents holding every clause first, then the rest; each tier by
        score.  Only the top ``end`` of each tier are scored into a heap."""
        if built.all_query is not None:
            tier1 = allowed.intersection(searcher.docs_for_query(built.all_query))
            tiers = [tier1, allowed - tier1]
        else:
            tiers = [allowed]
        out: list[tuple[object, object]] = []  # (results, hit)
        offset = 0
        for tier in tiers:
            if not tier:
                continue
            if offset + len(tier) > start and offset < end:
                lo = max(0, start - offset)
                hi = min(len(tier), end - offset)
                results = searcher.search(built.any_query, filter=tier, limit=hi)
                configure_highlighting(results)
                out.extend((results, results[i]) for i in range(lo, min(hi, len(results.top_n))))
            offset += len(tier)
            if offset >= end:
                break
        hits = []
        for _results, hit in out:
            stored = hit.fields()
            text = self._text(stored["id"])
            snippet = highlighted_snippet(hit, SNIPPET_FIELD, text) if text else ""
            hits.append(self._hit(stored, float(hit.score or 0.0), snippet))
        return hits

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

    @contextmanager
    def _writer(self, timeout: float = 10.0) -> Iterator[object]:
        """A synchronous Whoosh writer holding the index write lock; waits at
        most ``timeout`` seconds for the lock.  Commits on success, cancels
        (releasing the lock) on error.  Private: used by update/delete (and
        by the tests to hold the real lock)."""
        try:
            writer = self._ix.writer(timeout=max(0.0, float(timeout)), delay=0.05)
        except LockError:
            raise IndexLockTimeout(
                f"Søgeindekset i {self.path} er optaget af en anden skrivning "
                f"(ventede {timeout:g} sekunder). Prøv igen om lidt."
            ) from None
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def update(self, documents: Iterable[IndexDocument], *, timeout: float = 10.0) -> None:
        """Add or replace documents by id, in one commit."""
        docs = list(documents)
        if not docs:
            return
        fields = [fields_for(d) for d in docs]  # validate before taking the lock
        with self._writer(timeout) as writer:
            for f in fields:
                writer.update_document(**f)

    def delete(self, ids: Iterable[str], *, timeout: float = 10.0) -> None:
        """Remove documents by id (unknown ids are ignored), in one commit."""
        ids = [i for i in ids if i]
        if not ids:
            return
        with self._writer(timeout) as writer:
            for doc_id in ids:
                writer.delete_by_term("id", doc_id)

    def __repr__(self) -> str:
        return f"SearchIndex({str(self.path)!r})"
