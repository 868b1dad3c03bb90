"""The engine contract: what :class:`search_index.index.SearchIndex` asks of an engine.

``SearchIndex`` owns everything engine-neutral (query parsing and planning, the
all-words-first ranking, facets, snippets, the result cache); an engine owns
its files and answers these few questions. Two engines implement it —
``engine_whoosh.WhooshEngine`` and ``engine_tantivy.TantivyEngine`` — and
``tests/search_index/test_engine_contract.py`` holds both to it, so a third
engine (or a change to one) cannot drift silently. Only the engine modules
import Whoosh or tantivy.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Callable, Iterable, Protocol, runtime_checkable

from .documents import IndexDocument
from .facets import FacetCache
from .querying import Clause, ParsedQuery


@runtime_checkable
class Snapshot(Protocol):
    """One consistent view of the index (a searcher on one generation).

    Document numbers are the engine's own and valid within this snapshot only.
    """

    #: facet values, audiences and sort keys of every document of this snapshot
    cache: FacetCache

    def expansions(self, fieldname: str, prefix: str) -> list[str]:
        """The most frequent index terms of ``fieldname`` beginning with ``prefix`` (capped)."""

    def clause_scores(self, clause: Clause, audiences) -> dict[int, float]:
        """Document number → BM25F score for every document matching ``clause``
        (any audience: the caller restricts to what the reader may see)."""

    def stored(self, docnum: int) -> dict:
        """The stored fields of one document (id, type, title, url, …)."""

    def suggest(self, parsed: ParsedQuery, visible: set[int], audiences=frozenset()) -> str | None:
        """A better spelling of the query, from words of visible documents only."""

    def doc_count(self) -> int: ...

    def ids(self) -> set[str]: ...

    def close(self) -> None: ...


@runtime_checkable
class Engine(Protocol):
    """An open index on disk."""

    #: the name recorded in ``engine.json`` ("whoosh", "tantivy")
    name: str

    @staticmethod
    def create(
        path: Path, documents: Iterable[IndexDocument], batch_size: int, progress: Callable[[int], None] | None
    ) -> None:
        """Build a new index in the empty directory ``path`` from ``documents``,
        committed once at the end; duplicate ids raise ValueError."""

    def snapshot(self) -> Snapshot:
        """The current snapshot, replaced when the index has changed. The caller holds the lock."""

    def writer(self, timeout: float) -> AbstractContextManager:
        """The index's write lock, waited for at most ``timeout`` seconds
        (then :class:`IndexLockTimeout`); committed on a clean exit."""

    def update(self, docs: list[IndexDocument], timeout: float) -> None:
        """Add or replace documents by id, in one commit."""

    def delete(self, ids: list[str], timeout: float) -> None:
        """Remove documents by id, in one commit."""

    def close(self) -> None: ...
