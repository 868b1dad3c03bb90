"""Ingest: content files → a new generation of derived data → atomic swap.

::

    content/ ──load+validate──▶ Content ──▶ derived/gen-…/portal.db   (store)
                                        └─▶ derived/gen-…/index/      (search_index)
                                              │
                        on success only:  derived/CURRENT ◀── os.replace()

A generation is always built from an empty directory, so a rebuild is
idempotent. If anything fails — a bad content file, a full disk, a crash half
way — ``CURRENT`` still names the generation that was being served, untouched
(see :mod:`portal.generations`). Owned data is never rebuilt: after the swap
the ingest only records first-publication times and publishes what was
approved while it held the lock. Flask-free.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from search_index import SearchIndex

from .content.errors import ContentError
from .content.loader import load_content
from .generations import Generation, current_generation, derived_dir, fsync_tree, prune, swap_current, write_lock
from .indexing import all_documents, content_thesaurus
from .owned import OwnedDB
from .publishing import drain
from . import faults, render_cache, rendering
from .rendering import MarkdownTooLarge
from .store import build_store, item_row, open_derived

RENDER_CACHE = render_cache.RENDER_CACHE

__all__ = ["ingest", "IngestFailed", "IngestReport", "Generation", "current_generation"]


class IngestFailed(Exception):
    def __init__(self, errors: list[ContentError] | None = None, message: str | None = None):
        self.errors = errors or []
        super().__init__(message or f"{len(self.errors)} problem(er) i indholdet")


@dataclass
class IngestReport:
    generation: Generation
    counts: dict
    seconds: float
    # Owned data that could not be updated after the swap (a damaged owned.db, a full
    # disk): the new content is live, but first-publication times and the outbox wait.
    problems: list[str] = field(default_factory=list)


def ingest(
    content_dir: Path | str, data_dir: Path | str, progress: Callable[[str], None] | None = None
) -> IngestReport:
    """Validate everything, build a new generation aside, swap it in.

    Raises IngestFailed (with every ContentError) and leaves what was being
    served exactly as it was.
    """
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    try:
        with write_lock(data_dir, blocking=False):
            gen, counts = _build_and_swap(content_dir, data_dir, say)
            # Owned data: remember when items were first published, and
            # publish whatever was approved while this ingest held the lock.
            problems = []
            try:
                owned = OwnedDB(data_dir)
                try:
                    owned.record_publications(_item_ids(gen))
                    drain(owned, content_dir, data_dir, locked=True)
                finally:
                    owned.close()
            except (sqlite3.DatabaseError, OSError) as exc:
                fault = faults.classify(exc)
                if fault is None:
                    raise
                problems.append(
                    f"owned.db: {fault.describe()}; det nye indhold vises, men udgivelsestider og "
                    "udbakken er ikke opdateret (gendan owned.db fra en backup, og kør ingest igen)"
                )
    except BlockingIOError:
        raise IngestFailed(message="en anden indlæsning eller udgivelse kører allerede; prøv igen om lidt") from None
    return IngestReport(generation=gen, counts=dict(counts), seconds=time.monotonic() - started, problems=problems)


def _build_and_swap(content_dir, data_dir, say) -> tuple[Generation, dict]:
    say(f"Læser indhold fra {content_dir} …")
    content = load_content(content_dir, progress=lambda n, total: say(f"  {n}/{total} filer læst"))
    say("Gør tekster klar …")
    base = derived_dir(data_dir)
    cache = render_cache.load(base)
    fresh: dict[str, tuple[str, str]] = {}
    rows: dict[str, dict] = {}
    with rendering.rendered_from(cache):
        for record, row, problem, new in _rendered([r for recs in content.items.values() for r in recs.values()]):
            fresh.update(new)
            if problem:
                content.errors.append(ContentError(record["path"], 1, problem))
            else:
                rows[row["id"]] = row
    render_cache.save(base, rows, cache, fresh)
    thesaurus, problems = content_thesaurus(content_dir)
    content.errors.extend(problems)
    if content.errors:
        raise IngestFailed(content.errors)

    gen = Generation(base / f"gen-{dt.datetime.now():%Y%m%dT%H%M%S.%f}-{secrets.token_hex(3)}")
    gen.path.mkdir()
    try:
        say("Bygger database …")
        meta = {"content_dir": str(content_dir), "built_at": dt.datetime.now().isoformat(timespec="seconds")}
        counts = build_store(gen.db_path, content, rows, meta=meta)
        say("Bygger søgeindeks …")
        index = SearchIndex.build(
            gen.index_path,
            all_documents(content, rows),
            progress=lambda n: say(f"  {n} dokumenter indekseret"),
            thesaurus=thesaurus,
        )
        index.close()
        fsync_tree(gen.path)
        swap_current(base, gen.name)
    except BaseException:
        shutil.rmtree(gen.path, ignore_errors=True)
        raise
    prune(base, keep=gen.name)
    return gen, counts


# Rendering Markdown is pure Python and, even with rendering.py's fast paths,
# about half of a cold ingest with tantivy (~3 ms an item): above this many
# items it is spread over the cores. Small ingests (and the tests) stay in one
# process, which also avoids forking a process that runs threads.
PARALLEL_RENDER_MIN = 2_000


def _render(record: dict) -> tuple[dict, dict | None, str | None, dict]:
    try:
        return record, item_row(record), None, rendering.take_fresh()
    except MarkdownTooLarge as exc:
        return record, None, str(exc), rendering.take_fresh()


def _rendered(records: list[dict]):
    if len(records) < PARALLEL_RENDER_MIN or (os.cpu_count() or 1) < 2:
        return map(_render, records)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=min(2, os.cpu_count() or 1), mp_context=multiprocessing.get_context("fork")
    ) as pool:
        return list(pool.map(_render, records, chunksize=200))


def _item_ids(gen: Generation) -> list[str]:
    conn = open_derived(gen.db_path)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM items ORDER BY id")]
    finally:
        conn.close()
