"""The tantivy engine (PyPI ``tantivy``, an embedded Rust search engine).

Danish analysis is *ours*, in Python (``analysis.analyse_for_index``): tantivy
gets pre-analysed text and only splits it on whitespace, so stemming,
folding, stop words and the fold-before-stem second form are exactly the
Whoosh engine's.  Per matched text field ``f`` (title, kommune_names,
topics_text, body) there are two tantivy fields:

``f``       the fold→stem (canonical) form of every word, one per position —
            phrases are matched here, as in Whoosh;
``f_alt``   the stem→fold form where it differs (Whoosh keeps both forms
            at the same position in one field).

A query word is looked up in both; the union is Whoosh's match set.  Scores
are tantivy's BM25 per field times the field boost, summed; the document
boost (``IndexDocument.boost``) multiplies the sum (tantivy has no
index-time boost).

``spell`` holds the unstemmed words of public documents (suggestions);
``audience`` the audience (every query is restricted to the reader's
audiences inside tantivy); ``data`` a JSON blob with what a hit shows;
``facet_*`` the facet values, ``title_key`` the Danish title order and
``boost`` the rare document boosts, all counted, filtered and ordered inside
tantivy (:mod:`tantivy_matching`), so a worker holds nothing per document;
``ver`` a random number per written document version (a fast field every
document has: the aggregations count matches with it).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import tantivy

from .analysis import analyse_with_spelling
from .compound_forms import parts_text
from .documents import PUBLIC, IndexDocument, IndexLockTimeout, IndexUnavailable
from .fields import PARTS_FIELD, TEXT_FIELD_BOOSTS

from .tantivy_matching import BOOST_FIELD, FACET_FIELDS, TITLE_KEY_FIELD, boost_term, facet_values, title_key
from .tantivy_snapshot import _Snapshot
from .workers import ordered_map

__all__ = ["TantivyEngine", "SCHEMA_VERSION"]

SCHEMA_VERSION = 3  # 2: the parts field (issue 13); 3: facets, title order and boosts as fields (issue 16)
WRITER_HEAP = 64_000_000
BUILD_HEAP = 256_000_000


def _schema():
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("audience", tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("ver", fast=True)
    sb.add_bytes_field("data", stored=True)
    # Counted, filtered and ordered inside tantivy (tantivy_matching): the facet
    # values as raw terms that are also fast fields (terms aggregations), the
    # Danish title order as a fast text field, the rare document boosts as terms.
    for fname in FACET_FIELDS.values():
        sb.add_text_field(fname, tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field(TITLE_KEY_FIELD, tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field(BOOST_FIELD, tokenizer_name="raw", index_option="basic")
    for fname in TEXT_FIELD_BOOSTS:
        sb.add_text_field(fname, tokenizer_name="whitespace", index_option="position")
        sb.add_text_field(fname + "_alt", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field(PARTS_FIELD, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("spell", tokenizer_name="whitespace", index_option="freq")
    return sb.build()


def _document(doc: IndexDocument) -> tantivy.Document:
    if not doc.id:
        raise ValueError("IndexDocument.id must not be empty")
    audience = doc.audience or PUBLIC
    d = tantivy.Document()
    d.add_text("id", doc.id)
    d.add_text("audience", audience)
    d.add_unsigned("ver", secrets.randbits(63))
    data = {
        "id": doc.id,
        "type": doc.type,
        "audience": audience,
        "title": doc.title or "",
        "url": doc.url,
        "kommuner": list(doc.kommuner),
        "regions": list(doc.regions),
        "topics": list(doc.topics),
        "target_groups": list(doc.target_groups),
        "evidence": doc.evidence,
        "date": doc.date,
        "boost": float(doc.boost),
    }
    d.add_bytes("data", json.dumps(data, ensure_ascii=False).encode("utf-8"))
    for facet, values in facet_values(data).items():
        for value in values:
            d.add_text(FACET_FIELDS[facet], value)
    d.add_text(TITLE_KEY_FIELD, title_key(doc.title or ""))
    if float(doc.boost) != 1.0:
        d.add_text(BOOST_FIELD, boost_term(doc.boost))
    texts = {
        "title": doc.title or "",
        "body": doc.body or "",
        "kommune_names": " ; ".join(doc.kommune_names),
        "topics_text": " ; ".join(doc.topics),
    }
    # One pass of the word regex per text gives both its index forms and its
    # spelling words. The spelling vocabulary is that of
    # "\n".join([title, body, *kommune_names, *topics]): the same words as
    # the four texts in that order (" ; " and "\n" are not word characters).
    spell: dict[str, list[str]] = {}
    for fname in TEXT_FIELD_BOOSTS:
        canon, alt, spell[fname] = analyse_with_spelling(texts[fname])
        if canon:
            d.add_text(fname, canon)
        if alt:
            d.add_text(fname + "_alt", alt)
    parts = parts_text("\n".join([texts["title"], texts["body"], *doc.topics]))
    if parts:
        d.add_text(PARTS_FIELD, parts)
    if audience == PUBLIC:
        words = [w for fname in ("title", "body", "kommune_names", "topics_text") for w in spell[fname]]
        if words:
            d.add_text("spell", " ".join(words))
    return d


#: Our Danish analysis is pure Python and, in a full build of plain
#: documents, most of the time on our side of tantivy: above this many it runs
#: in BUILD_PROCS worker processes (search_index.workers), which send back
#: finished tantivy Documents, in order. (The ingest prepares its documents in
#: its own workers and hands them over ready.)
PARALLEL_BUILD_MIN = 2_000
BUILD_PROCS = 2
#: Documents per task and tasks in flight of the parallel preparation: the
#: stream is read as the writer goes, never held whole (~BUILD_CHUNK × BUILD_WINDOW documents).
BUILD_CHUNK = 100
BUILD_WINDOW = 8


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepared(docs: Iterable) -> Iterator[tuple[str, tantivy.Document]]:
    """(id, tantivy document) of every document of the stream ``docs``, in order.

    A :class:`~search_index.building.PreparedDocument` is already one (made in
    the caller's workers). Plain documents are analysed in worker processes
    (:mod:`search_index.workers`) once the stream proves long
    (PARALLEL_BUILD_MIN), a bounded window of chunks at a time."""
    docs = iter(docs)
    head = []
    for doc in docs:
        head.append(doc)
        # Prepared ones come from a caller that has its own workers: no pool here.
        if len(head) >= PARALLEL_BUILD_MIN or not isinstance(doc, IndexDocument):
            break
    stream = (d for part in (head, docs) for d in part)
    procs = min(BUILD_PROCS, os.cpu_count() or 1)
    if len(head) < PARALLEL_BUILD_MIN or procs < 2:
        yield from map(_one, stream)
        return
    chunks = ordered_map(
        _ones, _chunks(stream, BUILD_CHUNK), procs=procs, window=BUILD_WINDOW, preload=["search_index.engine_tantivy"]
    )
    try:
        for chunk in chunks:
            yield from chunk
    finally:
        chunks.close()  # stops the workers now, also when the writer failed


def _ones(docs: list) -> list[tuple[str, tantivy.Document]]:
    return [_one(d) for d in docs]


def _one(doc) -> tuple[str, tantivy.Document]:
    if isinstance(doc, IndexDocument):
        return doc.id, _document(doc)
    return doc.id, doc.payload


class TantivyEngine:
    name = "tantivy"

    @staticmethod
    def prepare(doc: IndexDocument) -> tantivy.Document:
        """The tantivy document of ``doc`` (picklable: may be made in another process)."""
        return _document(doc)

    @staticmethod
    def create(
        path: Path, documents: Iterable[IndexDocument], batch_size: int, progress: Callable[[int], None] | None
    ) -> None:
        """Write the stream ``documents`` (IndexDocuments or PreparedDocuments for
        tantivy) in one commit; a duplicate id raises ValueError and leaves nothing."""
        ix = tantivy.Index(_schema(), path=str(path), reuse=False)
        seen: set[str] = set()  # ids only: a duplicate is a content error
        prepared = _prepared(documents)
        writer = ix.writer(BUILD_HEAP, min(4, os.cpu_count() or 1))
        n = 0
        try:
            for doc_id, d in prepared:
                if doc_id in seen:
                    raise ValueError(f"Dobbelt dokument-id i indekset: {doc_id!r}")
                seen.add(doc_id)
                writer.add_document(d)
                n += 1
                if progress and batch_size and n % batch_size == 0:
                    progress(n)
        except BaseException:
            prepared.close()
            writer.rollback()
            writer.wait_merging_threads()
            raise
        writer.commit()
        writer.wait_merging_threads()
        if progress:
            progress(n)

    def __init__(self, path: Path) -> None:
        self.path = path
        self._meta = path / "meta.json"
        if not self._meta.is_file():
            raise IndexUnavailable(f"Intet søgeindeks i {path}")
        try:
            self._ix = tantivy.Index.open(str(path))
            self._ix.config_reader(reload_policy="Manual")
            self._schema = self._ix.schema
            self._ix.searcher()  # opens every segment: fails now if one is missing
        except Exception as exc:
            raise IndexUnavailable(f"Søgeindekset i {path} kan ikke åbnes: {type(exc).__name__}") from exc
        try:
            tantivy.Query.term_query(self._schema, TITLE_KEY_FIELD, "")
        except ValueError:
            # An index of an older schema (before facets were fields): searching it
            # would fail on every query; say what to do instead.
            raise IndexUnavailable(
                f"Søgeindekset i {path} er bygget af en ældre version af portalen; kør ingest igen"
            ) from None
        self._snap: _Snapshot | None = None
        self._closed = False

    def _stamp(self):
        try:
            st = os.stat(self._meta)
        except OSError as exc:
            raise IndexUnavailable(f"Søgeindekset i {self.path} kan ikke læses: {type(exc).__name__}") from exc
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def snapshot(self) -> _Snapshot:
        if self._closed:
            raise RuntimeError("SearchIndex er lukket")
        stamp = self._stamp()
        current = self._snap
        if current is not None and current.stamp == stamp:
            return current
        self._ix.reload()
        self._snap = _Snapshot(self._ix.searcher(), self._schema, stamp)
        if current is not None:
            current.close()
        return self._snap

    @contextmanager
    def writer(self, timeout: float) -> Iterator[object]:
        """tantivy's writer lock (a lock file in the index directory) gives up
        at once; we retry until ``timeout``."""
        deadline = time.monotonic() + max(0.0, float(timeout))
        while True:
            try:
                writer = self._ix.writer(WRITER_HEAP, 1)
                break
            except ValueError as exc:
                if "Lock" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockTimeout(
                        f"Søgeindekset i {self.path} er optaget af en anden skrivning "
                        f"(ventede {timeout:g} sekunder). Prøv igen om lidt."
                    ) from None
                time.sleep(0.05)
        try:
            try:
                yield writer
            except BaseException:
                writer.rollback()
                raise
            writer.commit()
        finally:
            # Dropping the writer releases the lock; merges already started
            # finish first, so the next writer never waits for a half merge.
            writer.wait_merging_threads()
            del writer

    def update(self, docs: list[IndexDocument], timeout: float) -> None:
        built = [(d.id, _document(d)) for d in docs]  # validate before taking the lock
        with self.writer(timeout) as writer:
            for doc_id, d in built:
                writer.delete_documents_by_term("id", doc_id)
                writer.add_document(d)

    def delete(self, ids: list[str], timeout: float) -> None:
        with self.writer(timeout) as writer:
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)

    def close(self) -> None:
        if self._snap is not None:
            self._snap.close()
            self._snap = None
        self._ix = None
        self._closed = True
