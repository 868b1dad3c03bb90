"""What went wrong below the application, in words: a held lock, a full disk, a damaged file. Flask-free.

SQLite and the file system report faults as exceptions that also mean bugs
(``sqlite3.OperationalError`` is a lock timeout *and* a typo in SQL), so they
cannot be mapped by class alone. :func:`classify` reads them once, here, for
both the web (a 503 with ``Retry-After`` and a calm message, see
``portal/web/errors.py``) and the command line (a finding and a non-zero exit,
see ``portal/web/cli.py``). What it does not recognise stays an unexpected
error, so real bugs are not hidden behind "try again later".
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass

BUSY = "busy"  # another writer holds SQLite's write lock longer than the busy timeout
STORAGE = "storage"  # the disk is full, read-only or failing
DAMAGED = "damaged"  # a database file is not (or no longer) a valid database
MISSING = "missing"  # a file or folder that should be there is not

RETRY_AFTER = {BUSY: 5, STORAGE: 120, DAMAGED: 120, MISSING: 120}  # seconds, for the Retry-After header

# Danish, for the command line and the logs (the web translates its own texts by kind).
DESCRIPTIONS = {
    BUSY: "databasen er optaget af en anden skrivning (låsen blev ikke frigivet i tide)",
    STORAGE: "disken er fuld eller kan ikke skrives til",
    DAMAGED: "en databasefil er beskadiget",
    MISSING: "en fil eller mappe mangler",
}

_BUSY_TEXTS = ("database is locked", "database table is locked", "database is busy")
_STORAGE_TEXTS = (
    "database or disk is full",
    "disk i/o error",
    "attempt to write a readonly database",
    "unable to open database file",
)
_DAMAGED_TEXTS = (
    "file is not a database",
    "database disk image is malformed",
    "malformed database schema",
    "no such table",
)
_STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}
_MISSING_ERRNOS = {errno.ENOENT, errno.ENOTDIR}


@dataclass(frozen=True)
class Fault:
    kind: str
    detail: str  # the library's own words, for logs and the command line

    @property
    def retry_after(self) -> int:
        return RETRY_AFTER[self.kind]

    def describe(self) -> str:
        return f"{DESCRIPTIONS[self.kind]} ({self.detail})"


def classify(exc: BaseException) -> Fault | None:
    """The fault behind ``exc``, or None when it is not one of ours to name (then it is a bug)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:  # also look through "raise … from exc"
        seen.add(id(exc))
        fault = _classify_one(exc)
        if fault is not None:
            return fault
        exc = exc.__cause__ or exc.__context__
    return None


def _classify_one(exc: BaseException) -> Fault | None:
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        for kind, texts in ((BUSY, _BUSY_TEXTS), (STORAGE, _STORAGE_TEXTS), (DAMAGED, _DAMAGED_TEXTS)):
            if any(t in text for t in texts):
                return Fault(kind, str(exc))
        return None
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        return Fault(STORAGE, f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    if isinstance(exc, OSError) and exc.errno in _MISSING_ERRNOS:
        return Fault(MISSING, f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    return None
