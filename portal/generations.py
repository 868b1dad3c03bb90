"""Generations of derived data, and the lock that serialises their writers.

``DATA_DIR/derived/CURRENT`` names the live generation ``gen-…/`` (its
``portal.db`` and ``index/``). It is replaced atomically (write a temporary
file, fsync, ``os.replace``), so a reader always finds a complete generation.
The previous generation is kept (a request in flight in another worker may
still read it); older ones are removed. One lock, a ``flock`` on
``derived/.write.lock``, is held by an ingest for its whole run and by each
drain of the publishing outbox, so the two never interleave. Flask-free.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CURRENT = "CURRENT"
KEEP_GENERATIONS = 2
LOCK = ".write.lock"


@dataclass
class Generation:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def db_path(self) -> Path:
        return self.path / "portal.db"

    @property
    def index_path(self) -> Path:
        return self.path / "index"


def derived_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "derived"


def current_generation(data_dir: Path | str) -> Generation | None:
    """The generation readers should use, or None before the first ingest."""
    base = derived_dir(data_dir)
    try:
        name = (base / CURRENT).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    gen = Generation(base / name)
    return gen if name.startswith("gen-") and gen.db_path.exists() else None


@contextmanager
def write_lock(data_dir: Path | str, *, blocking: bool):
    """Exclusive lock for writers of derived data; non-blocking raises BlockingIOError."""
    base = derived_dir(data_dir)
    base.mkdir(parents=True, exist_ok=True)
    with open(base / LOCK, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def swap_current(base: Path, name: str) -> None:
    tmp = base / f"{CURRENT}.{secrets.token_hex(4)}.tmp"
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, base / CURRENT)
    fsync_dir(base)


def prune(base: Path, keep: str) -> None:
    """Remove all but the newest KEEP_GENERATIONS generations (never the live one)."""
    gens = sorted((p for p in base.iterdir() if p.is_dir() and p.name.startswith("gen-")), key=lambda p: p.name)
    for p in gens[:-KEEP_GENERATIONS]:
        if p.name != keep:
            shutil.rmtree(p, ignore_errors=True)
    for p in base.glob(f"{CURRENT}.*.tmp"):
        p.unlink(missing_ok=True)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))
