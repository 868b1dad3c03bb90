"""The Whoosh engine: building, opening, scoring, writing.

Whoosh stores the index (schema in ``whoosh_schema.py``, Danish analysis in
``analysis.py``); the *search* side does not use Whoosh's matchers or
collectors for word and prefix clauses any more, because walking Whoosh's
matcher trees in pure Python was most of the search time (``docs_for_query``
for the match set and the all-words tier, then a scored union over four
fields).  Instead, per term, we read the raw posting blocks (document
numbers and weights, a few hundred per block) and compute Whoosh's own
BM25F score for every document in plain arithmetic:

    score(d) = Σ_fields Σ_terms  boost_f · idf · w·(K1+1) / (w + norm_f(d))
    norm_f(d) = K1 · ((1 − B) + B · len_f(d) / avglen_f)

with the field lengths read once per segment (memoised across reader
generations, like the facet table).  That is the same ranking Whoosh's Or of
Term queries gives, at a fraction of the cost.  Phrases still use Whoosh's
phrase matcher for the positions check (restricted per field), and are scored
as the sum of their terms' scores in the documents that hold the phrase.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from .documents import IndexDocument, IndexLockTimeout, IndexUnavailable
from .facets import SegmentMemo
from .whoosh_schema import SCHEMA, fields_for

from .whoosh_snapshot import _Snapshot

__all__ = ["WhooshEngine"]

log = logging.getLogger(__name__)

BUILD_PROCS = 2
#: Memory for postings per build process before Whoosh spills a sorted run to
#: disk (and merges the runs at commit). Whoosh's estimate is ~200 bytes a
#: posting; 10k synthetic practices make ~1.6 million postings per process:
#: at 128 MB they were pickled to 3 runs and merged back, a third of the
#: commit. 512 MB keeps 10k in memory and still bounds a 100k build.
BUILD_LIMITMB = 512


class WhooshEngine:
    name = "whoosh"

    @staticmethod
    def prepare(doc: IndexDocument) -> IndexDocument:
        """``doc`` itself, checked: Whoosh analyses words in its writer's own
        processes, and its field values (the body three times over) would cost
        more to send from another process than to make where they are written."""
        fields_for(doc)  # refuse a bad document where it is prepared
        return doc

    @staticmethod
    def create(
        path: Path, documents: Iterable[IndexDocument], batch_size: int, progress: Callable[[int], None] | None
    ) -> None:
        ix = windex.create_in(str(path), SCHEMA)
        try:
            # A full build analyses every word in pure Python and Whoosh writes
            # its postings in Python too: with one process per core and a
            # segment each (not merged at the end) it takes about 0.6 of the
            # wall time (1k synthetic corpus: 12.7 s -> 7.2 s on 2 cores, before
            # the fused analyzers and formats of whoosh_schema.py).
            procs = min(BUILD_PROCS, os.cpu_count() or 1)
            writer = ix.writer(limitmb=BUILD_LIMITMB, procs=procs, multisegment=procs > 1)
            seen: set[str] = set()
            n = 0
            try:
                # A stream: IndexDocuments, or PreparedDocuments whose payload is one.
                for doc in documents:
                    if doc.id in seen:
                        raise ValueError(f"Dobbelt dokument-id i indekset: {doc.id!r}")
                    seen.add(doc.id)
                    writer.add_document(**fields_for(doc if isinstance(doc, IndexDocument) else doc.payload))
                    n += 1
                    if progress and batch_size and n % batch_size == 0:
                        progress(n)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            if progress:
                progress(n)
        finally:
            ix.close()

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            exists = windex.exists_in(str(path))
        except Exception as exc:  # a damaged table of contents can fail here already
            raise IndexUnavailable(f"Søgeindekset i {path} kan ikke læses: {type(exc).__name__}") from exc
        if not exists:
            raise IndexUnavailable(f"Intet søgeindeks i {path}")
        # No mmap: with mmap, closing a segment while Whoosh's own buffer views
        # on it are alive fails (BufferError) and its file descriptor stays
        # open until the garbage collector runs -- after every update.  Plain
        # file reads close deterministically.
        try:
            self._ix = FileStorage(str(path), supports_mmap=False).open_index()
        except Exception as exc:  # missing segment, truncated or foreign TOC, …
            raise IndexUnavailable(f"Søgeindekset i {path} kan ikke åbnes: {type(exc).__name__}") from exc
        try:
            # Open the segments now: a missing or truncated segment file is
            # reported here, not at the first search.  Kept for that search.
            self._pending = self._ix.searcher()
        except Exception as exc:
            self._ix.close()
            raise IndexUnavailable(f"Søgeindekset i {path} kan ikke åbnes: {type(exc).__name__}") from exc
        self._snap: _Snapshot | None = None
        self._memo = SegmentMemo()
        self._lengths_memo: dict = {}
        self._closed = False

    def snapshot(self) -> _Snapshot:
        """The current generation, replaced if the index changed.  Caller holds the lock.

        Checking costs one read of the index's table of contents.  Whoosh's own
        ``Searcher.refresh()`` is NOT used: in whoosh-reloaded 2.7.5 its reader
        re-use *adds the old segments to the new ones* (``FileIndex._reader``
        extends ``segments`` with ``reuse.segments()``), so after a delete or a
        merge the refreshed searcher still sees deleted and duplicate
        documents.  We open a fresh searcher instead and close the old one.
        """
        if self._closed:
            raise RuntimeError("SearchIndex er lukket")
        current = self._snap
        if current is not None and self._ix.latest_generation() == current.generation:
            return current
        searcher, self._pending = self._pending, None
        if searcher is None or searcher.reader().generation() != self._ix.latest_generation():
            if searcher is not None:
                searcher.close()
            try:
                searcher = self._ix.searcher()
            except Exception as exc:  # the TOC vanished under us (EmptyIndexError) or is half-written
                raise IndexUnavailable(f"Søgeindekset kan ikke læses: {type(exc).__name__}") from exc
        try:
            new = _Snapshot(searcher, self._memo, self._lengths_memo, previous=current)
        except BaseException:
            searcher.close()
            raise
        live = {(leaf.segment().segment_id()) for leaf, _o, _d in new.leaves}
        for key in [k for k in self._lengths_memo if k[0] not in live]:
            del self._lengths_memo[key]
        self._snap = new
        if current is not None:
            current.close()
        return new

    @contextmanager
    def writer(self, timeout: float) -> Iterator[object]:
        try:
            writer = self._ix.writer(timeout=max(0.0, float(timeout)), delay=0.05)
        except LockError:
            raise IndexLockTimeout(
                f"Søgeindekset i {self.path} er optaget af en anden skrivning "
                f"(ventede {timeout:g} sekunder). Prøv igen om lidt."
            ) from None
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def update(self, docs: list[IndexDocument], timeout: float) -> None:
        fields = [fields_for(d) for d in docs]  # validate before taking the lock
        with self.writer(timeout) as writer:
            for f in fields:
                writer.update_document(**f)

    def delete(self, ids: list[str], timeout: float) -> None:
        with self.writer(timeout) as writer:
            for doc_id in ids:
                writer.delete_by_term("id", doc_id)

    def close(self) -> None:
        if self._pending is not None:
            self._pending.close()
            self._pending = None
        if self._snap is not None:
            self._snap.close()
            self._snap = None
        if not self._closed:
            self._ix.close()
        self._closed = True
