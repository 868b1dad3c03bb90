"""Ingest: content files → a new generation of derived data → atomic swap.

::

    content/ ──load+validate──▶ Content ──▶ derived/gen-…/portal.db   (store)
                                        └─▶ derived/gen-…/index/      (search_index)
                                              │
                        on success only:  derived/CURRENT ◀── os.replace()

A generation is always built from an empty directory, so a rebuild is
idempotent. Readers find the live generation through the small ``CURRENT``
file, which is replaced atomically; the previous generation is kept (a request
in flight in another worker may still be reading it) and older ones are
removed. If anything fails — a bad content file, a full disk, a crash half way —
``CURRENT`` still names the generation that was being served, untouched.
Flask-free.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from search_index import SearchIndex

from .content.errors import ContentError
from .content.loader import load_content
from .indexing import all_documents
from .rendering import MarkdownTooLarge
from .store import build_store, item_id, item_row

CURRENT = "CURRENT"
KEEP_GENERATIONS = 2


class IngestFailed(Exception):
    def __init__(self, errors: list[ContentError] | None = None, message: str | None = None):
        self.errors = errors or []
        super().__init__(message or f"{len(self.errors)} problem(er) i indholdet")


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


@dataclass
class IngestReport:
    generation: Generation
    counts: dict
    seconds: float


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


def ingest(content_dir: Path | str, data_dir: Path | str, progress: Callable[[str], None] | None = None) -> IngestReport:
    """Validate everything, build a new generation aside, swap it in.

    Raises IngestFailed (with every ContentError) and leaves what was being
    served exactly as it was.
    """
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    base = derived_dir(data_dir)
    base.mkdir(parents=True, exist_ok=True)
    with _exclusive(base / ".ingest.lock"):
        say(f"Læser indhold fra {content_dir} …")
        content = load_content(content_dir, progress=lambda n, total: say(f"  {n}/{total} filer læst"))
        rows: dict[str, dict] = {}
        for kind, records in content.items.items():
            for record in records.values():
                try:
                    rows[item_id(kind, record["slug"])] = item_row(record)
                except MarkdownTooLarge as exc:
                    content.errors.append(ContentError(record["path"], 1, str(exc)))
        if content.errors:
            raise IngestFailed(content.errors)

        gen = Generation(base / f"gen-{dt.datetime.now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}")
        gen.path.mkdir()
        try:
            say("Bygger database …")
            meta = {"content_dir": str(content_dir), "built_at": dt.datetime.now().isoformat(timespec="seconds")}
            counts = build_store(gen.db_path, content, rows, meta=meta)
            say("Bygger søgeindeks …")
            index = SearchIndex.build(gen.index_path, all_documents(content, rows),
                                      progress=lambda n: say(f"  {n} dokumenter indekseret"))
            index.close()
            _fsync_tree(gen.path)
            _swap_current(base, gen.name)
        except BaseException:
            shutil.rmtree(gen.path, ignore_errors=True)
            raise
        _prune(base, keep=gen.name)
    return IngestReport(generation=gen, counts=dict(counts), seconds=time.monotonic() - started)


class _exclusive:
    """An exclusive, non-blocking flock: two ingests at once is a mistake to report."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.fh = open(self.path, "a")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            raise IngestFailed(message="en anden indlæsning kører allerede; prøv igen om lidt") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _swap_current(base: Path, name: str) -> None:
    tmp = base / f"{CURRENT}.{secrets.token_hex(4)}.tmp"
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, base / CURRENT)
    _fsync_dir(base)


def _prune(base: Path, keep: str) -> None:
    """Remove all but the newest KEEP_GENERATIONS generations (never the live one)."""
    gens = sorted((p for p in base.iterdir() if p.is_dir() and p.name.startswith("gen-")), key=lambda p: p.name)
    old = [p for p in gens[:-KEEP_GENERATIONS] if p.name != keep]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    for p in base.glob(f"{CURRENT}.*.tmp"):
        p.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))
