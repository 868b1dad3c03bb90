"""Backups of everything that cannot be rebuilt, and restoring them. Flask-free.

A backup is a directory holding

- ``owned.db`` — a consistent online copy of the owned database, made with
  SQLite's ``VACUUM INTO`` (never a file copy of a live database: that can
  catch it half-written, and misses what is still in the WAL);
- ``content.tar.gz`` — the content root, the source of truth of everything
  published (approved submissions and member notes are files in it);
- ``secret_key`` — so sessions and CSRF tokens survive a restore;
- ``manifest.json`` — what was backed up, when, with checksums.

The derived database and index are not backed up: a restore rebuilds them
with an ingest. Restoring replaces owned data and content only after the
backup has been verified, keeps what it replaces beside it, and removes stale
``-wal``/``-shm`` files so SQLite cannot mix an old journal into the restored
database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
from pathlib import Path

from .owned import OWNED_DB, OwnedDB
from .store import open_derived

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def backup(content_dir: Path | str, data_dir: Path | str, dest: Path | str) -> Path:
    content_dir, data_dir = Path(content_dir), Path(data_dir)
    target = Path(dest) / f"hvad-virker-{dt.datetime.now():%Y%m%dT%H%M%S}"
    target.mkdir(parents=True, exist_ok=False)
    try:
        if not content_dir.is_dir():
            raise BackupError(f"{content_dir}: indholdsmappen findes ikke; intet er taget backup af")
        owned = OwnedDB(data_dir)  # also applies pending migrations, so the copy is current
        try:
            # A damaged database is refused, not copied into a backup that looks good.
            result = owned.conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{data_dir / OWNED_DB}: beskadiget ({result}); gendan fra en tidligere backup")
            owned.conn.execute("VACUUM INTO ?", (str(target / OWNED_DB),))
        finally:
            owned.close()
        with tarfile.open(target / "content.tar.gz", "w:gz") as tar:
            tar.add(
                content_dir, arcname="content", filter=lambda ti: None if ti.name.split("/")[-1].startswith(".") else ti
            )
        secret = data_dir / "secret_key"
        if secret.exists():
            shutil.copy2(secret, target / "secret_key")
        files = sorted(p.name for p in target.iterdir())
        manifest = {
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "content_dir": str(content_dir),
            "files": {name: _sha256(target / name) for name in files},
            "counts": _counts(target / OWNED_DB),
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def _counts(db_path: Path) -> dict:
    conn = open_derived(db_path)
    try:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("users", "submissions", "moderation_log", "tokens")
        }
    finally:
        conn.close()


def verify(backup_dir: Path | str) -> dict:
    """Check the manifest's checksums and the database's integrity; return the manifest."""
    backup_dir = Path(backup_dir)
    try:
        manifest = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{backup_dir}: ingen gyldig {MANIFEST} ({exc})") from None
    for name, digest in manifest["files"].items():
        path = backup_dir / name
        if not path.exists() or _sha256(path) != digest:
            raise BackupError(f"{backup_dir}: {name} mangler eller er ændret siden backuppen")
    conn = sqlite3.connect(f"file:{backup_dir / OWNED_DB}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise BackupError(f"{backup_dir}: owned.db er beskadiget: {result}")
    return manifest


def restore(backup_dir: Path | str, content_dir: Path | str, data_dir: Path | str) -> Path:
    """Put a verified backup in place. Stop the server first. Returns where the
    replaced data was moved to (nothing is deleted)."""
    backup_dir, content_dir, data_dir = Path(backup_dir), Path(content_dir), Path(data_dir)
    verify(backup_dir)
    stamp = f"{dt.datetime.now():%Y%m%dT%H%M%S}"
    kept = data_dir / f"before-restore-{stamp}"
    kept.mkdir(parents=True)
    # 1. unpack the content beside the target, then swap directories
    staging = content_dir.parent / f".restore-{stamp}"
    with tarfile.open(backup_dir / "content.tar.gz", "r:gz") as tar:
        tar.extractall(staging, filter="data")  # 'data' refuses absolute paths, '..' and links out
    if content_dir.exists():
        shutil.move(str(content_dir), str(kept / "content"))
    shutil.move(str(staging / "content"), str(content_dir))
    shutil.rmtree(staging, ignore_errors=True)
    # 2. owned data: move the old database and its journal away, copy the backup in
    for suffix in ("", "-wal", "-shm"):
        old = data_dir / f"{OWNED_DB}{suffix}"
        if old.exists():
            shutil.move(str(old), str(kept / old.name))
    tmp = data_dir / f".{OWNED_DB}.restore"
    shutil.copy2(backup_dir / OWNED_DB, tmp)
    os.replace(tmp, data_dir / OWNED_DB)
    if (backup_dir / "secret_key").exists():
        if (data_dir / "secret_key").exists():
            shutil.move(str(data_dir / "secret_key"), str(kept / "secret_key"))
        shutil.copy2(backup_dir / "secret_key", data_dir / "secret_key")
    return kept
