"""The engine contract: what :class:`search_index.index.SearchIndex` asks of an engine.

``SearchIndex`` owns everything engine-neutral (query parsing and planning,
snippets, the result cache); an engine owns its files and answers these few
questions — matching, ranking and counting included, so that each engine
counts where it counts fastest (:mod:`search_index.plan`). Two engines implement it —
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
from .plan import Matched, MatchPlan
from .querying import ParsedQuery


@runtime_checkable
class Snapshot(Protocol):
    """One consistent view of the index (a searcher on one generation)."""

    def match(self, plan: MatchPlan, results) -> Matched:
        """Answer one planned search: the exact total of visible documents, the
        page in rank order (documents holding every clause first), the
        disjunctive facet counts, the thesaurus terms that found something.
        ``results`` is the index's result cache of this generation (may be used
        for intermediate results; see :mod:`search_index.plan`)."""

    def expansions(self, fieldname: str, prefix: str) -> list[str]:
        """The most frequent index terms of ``fieldname`` beginning with ``prefix`` (capped)."""

    def suggest(self, parsed: ParsedQuery, audiences) -> str | None:
        """A better spelling of the query, from words of documents the reader may see only."""

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
