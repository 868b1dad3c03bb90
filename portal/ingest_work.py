"""The per-file work of a streaming ingest, and the bounded pool that runs it.

Each content file goes through one function, :func:`prepare_file`: read,
parse and validate it, render its Markdown (through the render cache), make
its database rows and its search document, prepared for the index engine. It
returns only what the main process needs to write (rows as tuples, the
prepared document) and what the whole-corpus checks need (a compact
:class:`Citation`), never the record itself.

:func:`prepared_files` runs it over all files in order, in a pool of worker
processes when there are many, with a bounded number of chunks in flight: the
main process writes rows and feeds the index while the workers prepare the
next chunks, and memory holds at most ``WINDOW`` chunks, whatever the corpus
size. Flask-free.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from search_index.building import prepare
from search_index.workers import ordered_map

from . import render_cache, rendering
from .content.errors import ContentError
from .content.loader import key_lines, read_record
from .indexing import document_for
from .kinds import KINDS, SEARCH_TYPES, item_id
from .rendering import MarkdownTooLarge
from .store import item_row
from .store.writer import rows_by_table

#: Above this many files the work is spread over worker processes (search_index.workers).
#: Small ingests (and the tests) stay in one process.
PARALLEL_MIN = 2_000
PROCS = 2
#: Files a worker prepares per task, and tasks in flight at once: memory holds
#: about CHUNK × WINDOW prepared items (~60 KB each with their text), ~20 MB.
CHUNK = 50
WINDOW = 8


@dataclass
class Citation:
    """What the cross-file checks need of an item that cites others: its
    network and the practices it cites, and the lines of those keys."""

    record: dict  # only type, slug, path, network, practices (what the checks read)
    lines: dict[str, int]


@dataclass
class Prepared:
    """One content file, ready to be written."""

    kind: str
    path: str
    slug: str | None = None
    errors: list[ContentError] = field(default_factory=list)
    tables: dict[str, list[tuple]] | None = None  # store.writer.rows_by_table
    document: object | None = None  # search_index.building.PreparedDocument
    citation: Citation | None = None
    cache_entry: tuple | None = None  # render_cache.entry_of


def prepare_file(kind: str, path: str, engine: str) -> Prepared:
    out = Prepared(kind=kind, path=path)
    record, raw, errors = read_record(kind, Path(path))
    if record is None:
        out.errors = errors
        return out
    out.slug = record["slug"]
    spec = KINDS[kind]
    if kind == "note" or spec.practices_of(record):
        text = raw.decode("utf-8", errors="replace")
        small = {k: record.get(k) for k in ("type", "slug", "path", "network", "practices")}
        out.citation = Citation(small, key_lines(text))
    try:
        row = item_row(record)
    except MarkdownTooLarge as exc:
        out.errors = [ContentError(path, 1, str(exc))]
        return out
    finally:
        rendering.take_fresh()  # the entry is made below, for a cached body too: nothing may pile up
    if row["body_md"]:
        sections = spec.sections_of(record)
        own_text = rendering.html_to_text(row["body_html"]) if sections else row["text"]
        out.cache_entry = render_cache.entry_of(row["body_md"], row["body_html"], own_text)
    out.tables = rows_by_table([(record, row)])
    if kind in SEARCH_TYPES:
        out.document = prepare(document_for(record, row), engine)
    return out


# The job as a worker sees it: set by _start_job in each worker process (and
# in this one when there is no pool). ``prepare`` is the per-file function
# (prepare_file; a test may swap in another picklable one).
_JOB: dict = {}


def _start_job(cache: render_cache.Lookup, engine: str, prepare) -> None:
    _JOB.update(cache=cache, engine=engine, prepare=prepare)


def _prepare_chunk(files: list[tuple[str, str]]) -> list[Prepared]:
    prepare = _JOB["prepare"]
    with rendering.rendered_from(_JOB["cache"]):
        return [prepare(kind, path, _JOB["engine"]) for kind, path in files]


def prepared_files(files: list[tuple[str, Path]], engine: str, cache: render_cache.Lookup) -> Iterator[Prepared]:
    """:func:`prepare_file` of every file, in order.

    A worker that dies or hangs raises :class:`~search_index.workers.WorkerFailed`."""
    names = [(kind, str(path)) for kind, path in files]
    chunks = [names[i : i + CHUNK] for i in range(0, len(names), CHUNK)]
    procs = min(PROCS, os.cpu_count() or 1)
    if len(names) < PARALLEL_MIN or procs < 2:
        _start_job(cache, engine, prepare_file)
        done = (_prepare_chunk(chunk) for chunk in chunks)
    else:
        done = ordered_map(
            _prepare_chunk,
            chunks,
            procs=procs,
            window=WINDOW,
            initializer=_start_job,
            initargs=(cache, engine, prepare_file),
            preload=[__name__],
        )
    try:
        for chunk in done:
            yield from chunk
    finally:
        done.close()  # stops the workers now when the caller stops early
        _JOB.clear()  # also when the pool ran the job here (no worker could start)


def item_id_of(prepared: Prepared) -> str:
    return item_id(prepared.kind, prepared.slug)
