"""Building an index from a stream: documents prepared anywhere, shared paragraphs counted compactly.

A full build spends most of its time turning :class:`IndexDocument` s into
what the engine writes (Danish analysis for tantivy, field values for Whoosh).
:func:`prepare` does that for one document and is picklable, so a caller with
its own worker processes (the portal's ingest) prepares documents there and
hands :class:`PreparedDocument` s to ``SearchIndex.build``, which then only
writes them. Plain ``IndexDocument`` s are still accepted (the engine then
prepares them itself).

:class:`SharedParagraphs` counts, over the whole build, in how many documents
each paragraph key occurs (the boilerplate list), in a temporary SQLite file
rather than a dict: at 100,000 documents there are millions of distinct keys.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .boilerplate import line_key
from .documents import IndexDocument
from .engines import engine_class, resolve_engine


@dataclass(frozen=True)
class PreparedDocument:
    """One document as the engine ``engine`` writes it (``payload``), with its
    distinct paragraph keys (for the boilerplate count)."""

    id: str
    engine: str
    payload: object
    paragraphs: tuple[str, ...]


def paragraph_keys(doc: IndexDocument) -> tuple[str, ...]:
    """The distinct paragraph keys of a document's body (snippets.line_key)."""
    return tuple({k for k in map(line_key, (doc.body or "").split("\n")) if k})


def prepare(doc: IndexDocument, engine: str | None = None) -> PreparedDocument:
    """``doc`` ready to be written by ``engine`` (validated: an empty id raises ValueError)."""
    name = resolve_engine(engine)
    return PreparedDocument(doc.id, name, engine_class(name).prepare(doc), paragraph_keys(doc))


class SharedParagraphs:
    """Document counts of paragraph keys, on disk; :meth:`shared` gives those in ``minimum`` or more."""

    BATCH = 50_000

    def __init__(self, near: Path) -> None:
        fd, name = tempfile.mkstemp(prefix=".paragraphs-", suffix=".sqlite", dir=near)
        os.close(fd)
        self.path = Path(name)
        self._conn = sqlite3.connect(self.path, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=OFF")
        self._conn.execute("PRAGMA synchronous=OFF")
        self._conn.execute("CREATE TABLE k (key INTEGER NOT NULL)")
        self._pending: list[tuple[int]] = []

    def add(self, keys) -> None:
        # 16 hex digits = 64 bits; as a signed integer they fit SQLite's INTEGER.
        self._pending.extend((int(k, 16) - (1 << 63),) for k in keys)
        if len(self._pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._conn.execute("BEGIN")
            self._conn.executemany("INSERT INTO k VALUES (?)", self._pending)
            self._conn.execute("COMMIT")
            self._pending = []

    def shared(self, minimum: int) -> list[str]:
        self._flush()
        rows = self._conn.execute("SELECT key FROM k GROUP BY key HAVING COUNT(*) >= ?", (minimum,))
        return sorted(f"{key + (1 << 63):016x}" for (key,) in rows)

    def close(self) -> None:
        self._conn.close()
        self.path.unlink(missing_ok=True)
