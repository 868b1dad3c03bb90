"""The render cache: rendered Markdown kept between ingests (``derived/render-cache.sqlite``).

It holds the HTML and text of every body of the last ingest, by
:func:`portal.rendering.render_key` (a hash of the renderer's versions and the
Markdown), so a re-ingest of mostly unchanged content renders only what changed.
Derived data like the generations: rebuilt by every ingest (only the bodies of
this ingest are kept), written aside and renamed into place, and ignored --
never trusted -- when it cannot be read or an entry's checksum is wrong.
Flask-free.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from pathlib import Path

from . import rendering

RENDER_CACHE = "render-cache.sqlite"


def _entry_check(html: str, text: str) -> str:
    return hashlib.sha256(f"{len(html)}:{html}{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def load(base: Path) -> dict[str, tuple[str, str]]:
    path = base / RENDER_CACHE
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {
                key: (html, text)
                for key, html, text, check in conn.execute("SELECT key, html, text, checksum FROM renders")
                if isinstance(html, str) and isinstance(text, str) and _entry_check(html, text) == check
            }
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def save(base: Path, rows: dict[str, dict], cache: dict, fresh: dict) -> None:
    entries = {}
    for row in rows.values():
        if row.get("body_md"):
            key = rendering.render_key(row["body_md"])
            entry = fresh.get(key) or cache.get(key)
            if entry is not None:
                entries[key] = entry
    tmp = base / f"{RENDER_CACHE}.{secrets.token_hex(4)}.tmp"
    try:
        base.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(tmp)
        try:
            with conn:
                conn.execute("CREATE TABLE renders (key TEXT PRIMARY KEY, html TEXT, text TEXT, checksum TEXT)")
                conn.executemany(
                    "INSERT INTO renders VALUES (?, ?, ?, ?)",
                    ((k, h, t, _entry_check(h, t)) for k, (h, t) in entries.items()),
                )
        finally:
            conn.close()
        os.replace(tmp, base / RENDER_CACHE)
    except (OSError, sqlite3.Error):
        # Only a cache: an ingest never fails for it.
        tmp.unlink(missing_ok=True)
