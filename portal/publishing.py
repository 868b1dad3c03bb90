"""Publishing one item at once: the single write path from owned data to the portal.

An approved submission or a member's note is first recorded in the owned
database's *outbox*, in the same transaction as the approval. Draining the
outbox then, for each entry:

1. writes the file into the content root (``practices/<slug>.md`` or
   ``notes/<slug>.md``) atomically — the files stay the source of truth, so a
   full ingest afterwards gives the same portal;
2. replaces the item in the live generation's database;
3. updates the live search index (synchronous writer, explicit lock timeout);
4. marks the entry done and records the publication time.

An entry with ``op = 'delete'`` (a withdrawn note) runs the same steps the
other way: the file leaves ``content/``, the item leaves the database
(:func:`portal.store.delete_item`) and the index. The owned log keeps who did it.

Every step is idempotent, so an entry interrupted by a crash or a full disk is
simply done again by the next drain (after the next approval, after every
ingest, or by ``flask reconcile``): nothing approved is ever lost, and no write
is silently dropped. Drains and ingests never run at the same time: both take
the same lock, and an ingest drains what is pending after its swap.
Flask-free.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from search_index import SearchIndex


from . import versions
from .content.loader import parse_file
from .kinds import FILE_KINDS
from .indexing import document_for
from .generations import current_generation, write_lock
from .owned import OwnedDB, now
from .store import delete_item, item_id, item_row, open_derived, replace_item

INDEX_WRITE_TIMEOUT = 10.0
LOCK_WAIT = 5.0


@dataclass
class DrainReport:
    published: list[str]
    failed: list[tuple[int, str]]
    skipped: bool = False  # another drain or an ingest holds the lock; it will publish the entries


def enqueue(
    db: OwnedDB,
    conn: sqlite3.Connection,
    kind: str,
    slug: str,
    raw: str,
    submission_id: str | None = None,
    *,
    op: str = "write",
    based_on: str | None = None,
) -> int:
    """Add an outbox entry inside the caller's write transaction; its id.

    ``op``: 'write' (publish ``raw``) or 'delete' (withdraw the item; ``raw`` is empty).
    ``based_on``: the :func:`text_version` an edit replaced, for `flask check`.
    """
    if op not in ("write", "delete"):
        raise ValueError(f"unknown outbox op {op!r}")
    cur = conn.execute(
        "INSERT INTO outbox (kind, slug, raw, created_at, submission_id, op, based_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (kind, slug, raw, now(), submission_id, op, based_on),
    )
    return cur.lastrowid


def text_version(text: str) -> str:
    """A short fingerprint of an item's text: the version an edit form or an API
    client says it started from (``based_on``), compared when the change is sent."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def current_text(conn: sqlite3.Connection, content_dir: Path | str, kind: str, slug: str) -> str | None:
    """The text an item has once every decided publication is written: the newest
    pending outbox entry for it, else its file (None: no such item).

    A conflict check must read this, not the file alone: an approval committed
    a moment ago by another worker may not have reached ``content/`` yet, and
    checking the file would let a second update based on the same version win
    too, silently replacing the first.
    """
    row = conn.execute(
        "SELECT raw, op FROM outbox WHERE kind = ? AND slug = ? AND done_at IS NULL ORDER BY id DESC LIMIT 1",
        (kind, slug),
    ).fetchone()
    if row is not None:
        return None if row[1] == "delete" else row[0]  # a withdrawal on its way: no text any more
    path = content_path(content_dir, kind, slug)
    return path.read_text(encoding="utf-8") if path.exists() else None


def content_path(content_dir: Path | str, kind: str, slug: str) -> Path:
    spec = FILE_KINDS[kind]
    return Path(content_dir) / spec.folder / f"{slug}{spec.suffixes[0]}"


def write_file_atomically(path: Path, text: str) -> None:
    """Write, fsync, rename into place: a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def drain(
    db: OwnedDB, content_dir: Path | str, data_dir: Path | str, *, locked: bool = False, wait: float = LOCK_WAIT
) -> DrainReport:
    """Publish every pending outbox entry.

    ``locked``: the caller (an ingest) already holds the lock. Otherwise wait
    up to ``wait`` seconds for another drain to finish (it is short); if an
    ingest holds the lock longer, leave the entries pending: that ingest
    publishes them right after its swap.
    """
    if locked:
        return _drain(db, content_dir, data_dir)
    deadline = time.monotonic() + wait
    while True:
        try:
            with write_lock(data_dir, blocking=False):
                return _drain(db, content_dir, data_dir)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return DrainReport([], [], skipped=True)
            time.sleep(0.02)


def _drain(db: OwnedDB, content_dir, data_dir) -> DrainReport:
    report = DrainReport([], [])
    failed_ids: set[int] = set()
    blocked: set[tuple[str, str]] = set()  # items with a failed entry: their later entries wait
    # Re-read until nothing is pending: entries added by a concurrent approval
    # while we held the lock are published by us, not left behind.
    while True:
        entries = [
            e for e in db.all("SELECT * FROM outbox WHERE done_at IS NULL ORDER BY id") if e["id"] not in failed_ids
        ]
        if not entries:
            # Each publication becomes a commit of content/'s history, after its file is written and the
            # item is live; a failed commit is kept for the next drain and never fails the publication.
            versions.commit_published(db, content_dir)
            return report
        versions.before_writes(db, content_dir)
        _drain_entries(db, content_dir, data_dir, entries, report, failed_ids, blocked)


def _drain_entries(db, content_dir, data_dir, entries, report, failed_ids, blocked) -> None:
    for entry in entries:
        key = (entry["kind"], entry["slug"])
        if key in blocked:
            # An earlier entry for this item failed: publishing this later one now
            # and the earlier one on a retry would leave the older text in place.
            # Keep the item's entries in order; the next drain does both.
            failed_ids.add(entry["id"])
            report.failed.append((entry["id"], f"venter på en tidligere udgivelse af {entry['slug']}, som fejlede"))
            continue
        try:
            if entry.get("op") == "delete":
                unpublish_one(content_dir, data_dir, entry["kind"], entry["slug"])
            else:
                publish_one(content_dir, data_dir, entry["kind"], entry["slug"], entry["raw"])
        except Exception as exc:  # keep it pending and report it: never drop a write
            with db.write() as conn:
                conn.execute(
                    "UPDATE outbox SET error = ? WHERE id = ?", (f"{type(exc).__name__}: {exc}"[:2000], entry["id"])
                )
            report.failed.append((entry["id"], str(exc)))
            failed_ids.add(entry["id"])
            blocked.add(key)
            continue
        iid = item_id(entry["kind"], entry["slug"])
        with db.write() as conn:
            conn.execute("UPDATE outbox SET done_at = ?, error = NULL WHERE id = ?", (now(), entry["id"]))
            if entry.get("op") != "delete":
                conn.execute("INSERT OR IGNORE INTO publications VALUES (?, ?)", (iid, now()))
        report.published.append(iid)


def _apply_live(data_dir, change_rows, change_index) -> None:
    """Steps 2-3 in the live generation, for a publication and a withdrawal alike: the
    rows in one write transaction, then the index (each idempotent). Nothing is served
    yet before the first ingest: it will read the file."""
    gen = current_generation(data_dir)
    if gen is None:
        return
    conn = open_derived(gen.db_path, write=True)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            change_rows(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
    index = SearchIndex(gen.index_path)
    try:
        change_index(index)
    finally:
        index.close()


def publish_one(content_dir, data_dir, kind: str, slug: str, raw: str) -> None:
    """Steps 1-3 for one item (each idempotent)."""
    path = content_path(content_dir, kind, slug)
    record = parse_file(kind, raw.encode("utf-8"), str(path), slug=slug)
    write_file_atomically(path, raw)
    row = item_row(record)
    _apply_live(
        data_dir,
        lambda conn: replace_item(conn, record, row),
        lambda index: index.update([document_for(record, row)], timeout=INDEX_WRITE_TIMEOUT),
    )


def unpublish_one(content_dir, data_dir, kind: str, slug: str) -> None:
    """Steps 1-3 of a withdrawal (each idempotent: a missing file, row or document is no error)."""
    path = content_path(content_dir, kind, slug)
    if path.exists():
        path.unlink()
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)  # the removal is durable before the entry is marked done
        finally:
            os.close(fd)
    _apply_live(
        data_dir,
        lambda conn: delete_item(conn, kind, slug),
        lambda index: index.delete([item_id(kind, slug)], timeout=INDEX_WRITE_TIMEOUT),
    )
