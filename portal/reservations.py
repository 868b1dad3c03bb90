"""Addresses (slugs) of new items, reserved where they are accepted. Flask-free.

A note's or a new practice's slug is derived from its title. Choosing it by
looking at ``content/`` and *then* storing the item lets two writers that act
at once both see the slug free and both take it: the second file overwrites
the first. So the slug is chosen and reserved inside the caller's owned-
database write transaction (``OwnedDB.write``, ``BEGIN IMMEDIATE``), which is
the same transaction that accepts the item; the reservation table's primary
key (kind, slug) makes a double reservation impossible even if a caller forgot
the transaction.

A slug is taken when it is reserved, when its file exists in ``content/``
(shipped or hand-written content is never reserved), or when an outbox entry
is waiting to write it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .owned import now
from .publishing import content_path

MAX_SUFFIX = 1_000


class SlugTaken(Exception):
    """The exact slug asked for is taken (only raised when no suffix may be added)."""


def _taken(conn: sqlite3.Connection, content_dir: Path | str, kind: str, slug: str) -> bool:
    if conn.execute("SELECT 1 FROM reservations WHERE kind = ? AND slug = ?", (kind, slug)).fetchone():
        return True
    if conn.execute("SELECT 1 FROM outbox WHERE kind = ? AND slug = ? AND done_at IS NULL", (kind, slug)).fetchone():
        return True
    return content_path(content_dir, kind, slug).exists()


def reserve(
    conn: sqlite3.Connection, content_dir: Path | str, kind: str, base: str, owner: str, *, suffix: bool = True
) -> str:
    """Reserve ``base``, or with ``suffix`` the first free of ``base-2``, ``base-3`` …; return it.

    Must run inside a write transaction: the check and the insert are one step
    for every other writer.
    """
    if not conn.in_transaction:
        raise RuntimeError("reserve() must run inside OwnedDB.write()")
    candidates = [base] + ([f"{base}-{n}" for n in range(2, MAX_SUFFIX)] if suffix else [])
    for slug in candidates:
        if not _taken(conn, content_dir, kind, slug):
            conn.execute(
                "INSERT INTO reservations (kind, slug, owner, reserved_at) VALUES (?, ?, ?, ?)",
                (kind, slug, owner, now()),
            )
            return slug
    raise SlugTaken(base)


def claim(conn: sqlite3.Connection, kind: str, slug: str, owner: str) -> None:
    """Make ``owner`` the holder of ``slug`` (an approval of a submission stored before reservations existed)."""
    conn.execute(
        "INSERT OR REPLACE INTO reservations (kind, slug, owner, reserved_at) VALUES (?, ?, ?, ?)",
        (kind, slug, owner, now()),
    )


def release(conn: sqlite3.Connection, kind: str, slug: str, owner: str) -> None:
    """Give the slug back (a rejected new practice): only if ``owner`` still holds it."""
    conn.execute("DELETE FROM reservations WHERE kind = ? AND slug = ? AND owner = ?", (kind, slug, owner))
