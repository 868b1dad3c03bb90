"""The render cache: rendered Markdown kept between ingests (``derived/render-cache.sqlite``).

It holds the HTML and text of every body of the last ingest, by
:func:`portal.rendering.render_key` (a hash of the renderer's versions and the
Markdown), so a re-ingest of mostly unchanged content renders only what changed.
Derived data like the generations: rebuilt by every ingest (only the bodies of
this ingest are kept), written aside and renamed into place, and ignored --
never trusted -- when it cannot be read or an entry's checksum is wrong.

At 100,000 items the cache holds ~3 GB of HTML and text, so neither side is
ever held in memory: :class:`Lookup` answers one key at a time from the old
file (each worker process opens its own connection), and :class:`CacheWriter`
streams this ingest's entries into a new file in batches. Flask-free.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from pathlib import Path

from . import rendering

RENDER_CACHE = "render-cache.sqlite"


def entry_check(html: str, text: str) -> str:
    return hashlib.sha256(f"{len(html)}:{html}{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Lookup:
    """The previous ingest's cache as a read-only mapping with ``get`` (what
    :func:`portal.rendering.rendered_from` asks), one indexed query a body.

    The connection is opened lazily and per process: a worker of the ingest
    gets the lookup pickled (path and state, never the connection) and opens
    its own."""

    def __init__(self, base: Path) -> None:
        self.path = Path(base) / RENDER_CACHE
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._broken = not self.path.is_file()

    def _connection(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._conn is None or self._pid != os.getpid():
            try:
                self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                self._pid = os.getpid()
            except sqlite3.Error:
                self._broken = True
                return None
        return self._conn

    def __getstate__(self) -> dict:
        return {"path": self.path, "_conn": None, "_pid": None, "_broken": self._broken}

    def get(self, key: str, default=None):
        conn = self._connection()
        if conn is None:
            return default
        try:
            row = conn.execute("SELECT html, text, checksum FROM renders WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._broken = True  # damaged or foreign: render everything, never fail the ingest
            return default
        if row is None:
            return default
        html, text, check = row
        if isinstance(html, str) and isinstance(text, str) and entry_check(html, text) == check:
            return html, text
        return default

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None


def load(base: Path) -> dict[str, tuple[str, str]]:
    """Every valid entry of the cache in memory (for checks and tests; the ingest uses :class:`Lookup`)."""
    path = base / RENDER_CACHE
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {
                key: (html, text)
                for key, html, text, check in conn.execute("SELECT key, html, text, checksum FROM renders")
                if isinstance(html, str) and isinstance(text, str) and entry_check(html, text) == check
            }
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


class CacheWriter:
    """This ingest's cache, written aside in batches and renamed into place by
    :meth:`finish`. Only a cache: any failure to write it is swallowed, and the
    ingest goes on without (the next one renders again)."""

    def __init__(self, base: Path) -> None:
        self.base = Path(base)
        self.tmp = self.base / f"{RENDER_CACHE}.{secrets.token_hex(4)}.tmp"
        self._conn: sqlite3.Connection | None = None
        try:
            self.base.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.tmp, isolation_level=None)
            # A file thrown away on a crash: no journal, no fsync until finish().
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("CREATE TABLE renders (key TEXT PRIMARY KEY, html TEXT, text TEXT, checksum TEXT)")
            conn.execute("BEGIN")
            self._conn = conn
        except (OSError, sqlite3.Error):
            self._fail()

    def add(self, entries) -> None:
        """``entries``: (key, html, text, checksum) tuples; a key seen before is kept once."""
        if self._conn is None:
            return
        try:
            self._conn.executemany("INSERT OR IGNORE INTO renders VALUES (?, ?, ?, ?)", entries)
        except (OSError, sqlite3.Error):
            self._fail()

    def finish(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute("COMMIT")
            self._conn.close()
            self._conn = None
            with open(self.tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(self.tmp, self.base / RENDER_CACHE)
        except (OSError, sqlite3.Error):
            self._fail()

    def discard(self) -> None:
        self._fail()

    def _fail(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None
        try:
            self.tmp.unlink(missing_ok=True)
        except OSError:
            pass


def entry_of(body_md: str, body_html: str, text: str) -> tuple[str, str, str, str]:
    """The cache entry of one rendered body (``text``: the body's own text, without sections)."""
    return rendering.render_key(body_md), body_html, text, entry_check(body_html, text)
