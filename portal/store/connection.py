"""The one way the portal opens a derived database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..owned import BUSY_TIMEOUT_MS


def open_derived(path: Path | str, write: bool = False) -> sqlite3.Connection:
    """A connection to a generation's ``portal.db``.

    Read-only by default (``mode=ro``): pages, checks and backups can never
    change derived data by accident, and a missing file is an error instead of
    a new empty database. ``write=True`` is for the ingest's build and for
    publishing into the live generation: autocommit mode, so the caller's
    ``BEGIN IMMEDIATE`` decides the transaction, and the same busy timeout as the owned database.
    """
    if write:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
