"""Ingest: content files → a new generation of derived data → atomic swap.

::

    content/ ─▶ workers: read+validate, render, rows, index document (a batch at a time)
                   └─▶ main process ──▶ derived/gen-…/portal.db   (store)
                                    └─▶ derived/gen-…/index/      (search_index)
                 compact state (ids, citations) ─▶ cross-file checks at the end
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
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from search_index import SearchIndex

from search_index.engines import resolve_engine
from search_index.workers import WorkerFailed

from .content.errors import ContentError
from .content.loader import content_files
from .generations import Generation, current_generation, derived_dir, fsync_tree, prune, swap_current, write_lock
from .indexing import content_thesaurus
from .ingest_stream import IngestStream, engine_advice
from .owned import OwnedDB
from .publishing import drain
from . import faults, render_cache
from .store import open_derived
from .store.writer import StoreBuilder

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
    # Advice on running the portal at this size (e.g. a faster search engine); not a problem.
    advice: list[str] = field(default_factory=list)


def ingest(
    content_dir: Path | str, data_dir: Path | str, progress: Callable[[str], None] | None = None
) -> IngestReport:
    """Validate everything, build a new generation aside, swap it in.

    Files are streamed (see :mod:`portal.ingest_stream`): memory holds a few
    batches of items and compact whole-corpus state (ids, citations), never the
    corpus. Raises IngestFailed (with every ContentError) and leaves what was
    being served exactly as it was. ``progress`` gets a line now and then.
    """
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    try:
        with write_lock(data_dir, blocking=False):
            gen, counts, documents = _build_and_swap(content_dir, data_dir, say)
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
    advice = engine_advice(resolve_engine(), documents)
    return IngestReport(
        generation=gen, counts=dict(counts), seconds=time.monotonic() - started, problems=problems, advice=advice
    )


def _build_and_swap(content_dir, data_dir, say) -> tuple[Generation, dict, int]:
    """Stream every file through load+validate → render → store and index, into
    a generation built aside; swap it in only if no file had a problem."""
    base = derived_dir(data_dir)
    root = Path(content_dir)
    if not root.is_dir():
        raise IngestFailed([ContentError(str(root), 1, "indholdsmappen findes ikke")])
    files = content_files(root)
    say(f"Læser, gengiver, gemmer og indekserer {len(files)} filer fra {content_dir} …")
    thesaurus, problems = content_thesaurus(content_dir)
    engine = resolve_engine()
    gen = Generation(base / f"gen-{dt.datetime.now():%Y%m%dT%H%M%S.%f}-{secrets.token_hex(3)}")
    gen.path.mkdir(parents=True)
    cache = render_cache.Lookup(base)
    new_cache = render_cache.CacheWriter(base)
    try:
        meta = {"content_dir": str(content_dir), "built_at": dt.datetime.now().isoformat(timespec="seconds")}
        stream = IngestStream(files, engine, cache, new_cache, StoreBuilder(gen.db_path, meta), say)
        stream.errors.extend(problems)
        documents = stream.documents()
        try:
            index = SearchIndex.build(
                gen.index_path,
                documents,
                progress=stream.indexed,
                thesaurus=None if problems else thesaurus,
                engine=engine,
            )
            index.close()
        except WorkerFailed as exc:  # died (out of memory?) or stopped answering
            stream.store.close()
            raise IngestFailed(message=f"{exc}; intet er ændret") from None
        except BaseException:
            stream.store.close()
            raise
        finally:
            documents.close()  # stops the worker pool now, also when the index build failed
        new_cache.finish()  # also after content errors: the corrected re-run renders only what changed
        stream.check_references()
        if stream.errors:
            stream.store.close()
            raise IngestFailed(stream.errors)
        say("Gør databasen færdig (indekser, optællinger) …")
        counts = stream.store.finish()
        fsync_tree(gen.path)
        swap_current(base, gen.name)
    except BaseException:
        new_cache.discard()
        shutil.rmtree(gen.path, ignore_errors=True)
        raise
    finally:
        cache.close()
    prune(base, keep=gen.name)
    return gen, counts, stream.documents_indexed


def _item_ids(gen: Generation) -> list[str]:
    conn = open_derived(gen.db_path)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM items ORDER BY id")]
    finally:
        conn.close()
