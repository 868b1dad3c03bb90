"""The streaming middle of an ingest: prepared files in, rows and index documents out.

:class:`IngestStream` reads :func:`portal.ingest_work.prepared_files` (the
workers' output, in file order) and, per batch, inserts the rows into the new
database (:class:`portal.store.writer.StoreBuilder`), writes render-cache
entries, and yields the prepared index documents to ``SearchIndex.build``,
which writes them as they come. What the whole corpus is needed for is kept
compact: the slugs of each kind (duplicates, cross-references) and the few
items that cite others (:class:`portal.ingest_work.Citation`), checked once
the last file has been read.

Every file is read and checked even after a problem, so one run reports all
of them; from the first problem on nothing more is written, because that
generation will be thrown away. Flask-free.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator

from .content import kommuner as kommune_registry
from .content.errors import ContentError
from .content.loader import note_reference_errors, practice_reference_errors
from .indexing import kommune_document
from .ingest_work import Citation, prepared_files
from .render_cache import CacheWriter, Lookup
from .store.writer import StoreBuilder

#: A progress line at least every this many files, or every PROGRESS_SECONDS.
PROGRESS_EVERY = 5_000
PROGRESS_SECONDS = 10.0
#: Items whose rows are inserted with one executemany per table.
STORE_BATCH = 500

#: Searchable documents up to which the default engine (Whoosh) serves and
#: builds comfortably on a small machine: measured (docs/performance.md) at
#: 10k it is at the edge of the search targets and needs ~1 min to ingest,
#: twice that at 20k, and it was never built at 100k; tantivy is 5-10× faster there.
WHOOSH_COMFORTABLE_DOCUMENTS = 20_000


def engine_advice(engine: str, documents: int) -> list[str]:
    """What an ingest says about its size, if anything (Danish, like all CLI output)."""
    if engine != "whoosh" or documents <= WHOOSH_COMFORTABLE_DOCUMENTS:
        return []
    return [
        f"Søgeindekset har {documents:,} dokumenter; standardsøgemaskinen (Whoosh) klarer op til ca. "
        f"{WHOOSH_COMFORTABLE_DOCUMENTS:,} godt. Sæt PORTAL_SEARCH_ENGINE=tantivy og kør ingest igen: "
        "søgning og indlæsning bliver mange gange hurtigere (se docs/performance.md).".replace(",", ".")
    ]


class IngestStream:
    def __init__(
        self,
        files: list[tuple[str, Path]],
        engine: str,
        cache: Lookup,
        new_cache: CacheWriter,
        store: StoreBuilder,
        say: Callable[[str], None],
    ) -> None:
        self.files = files
        self.engine = engine
        self.cache = cache
        self.new_cache = new_cache
        self.store = store
        self.say = say
        self.errors: list[ContentError] = []
        self.slugs: dict[str, dict[str, str]] = {}  # kind → slug → path (compact: no records)
        self.citations: list[Citation] = []
        self.read = self.stored = self.documents_indexed = 0
        self._last_line = (0, time.monotonic())

    def documents(self) -> Iterator:
        """The index documents of every file (prepared for the engine), while the
        rows go to the store: the generator the index build pulls from."""
        tables: dict[str, list[tuple]] = {}
        types: list[str] = []
        entries: list[tuple] = []
        for item in prepared_files(self.files, self.engine, self.cache):
            self.read += 1
            problems = item.errors or self._duplicate(item)
            if item.cache_entry is not None:
                entries.append(item.cache_entry)
            if problems:
                if not self.errors:
                    self.say("  problem i indholdet: alle filer kontrolleres færdig, men intet tages i brug")
                self.errors.extend(problems)
            if item.citation is not None:
                self.citations.append(item.citation)
            if not self.errors and item.tables is not None:
                for table, rows in item.tables.items():
                    tables.setdefault(table, []).extend(rows)
                types.append(item.kind)
                if item.document is not None:
                    yield item.document
            if len(types) >= STORE_BATCH or len(entries) >= STORE_BATCH:
                self._flush(tables, types, entries)
                tables, types, entries = {}, [], []
            self._progress()
        self._flush(tables, types, entries)
        if not self.errors:
            for k in kommune_registry.all_kommuner():
                yield kommune_document(k)
        self._progress(final=True)
        if not self.errors:
            self.say("Skriver søgeindekset færdigt …")

    def _flush(self, tables, types, entries) -> None:
        if entries:
            self.new_cache.add(entries)
        if types and not self.errors:
            self.store.add(tables, types)
            self.stored += len(types)

    def _duplicate(self, item) -> list[ContentError]:
        if item.slug is None:
            return []
        seen = self.slugs.setdefault(item.kind, {})
        first = seen.get(item.slug)
        if first is None:
            seen[item.slug] = item.path
            return []
        return [ContentError(item.path, 1, f"samme adresse ('{item.slug}') som {first}; omdøb en af filerne")]

    def indexed(self, n: int) -> None:
        """SearchIndex.build's progress callback."""
        self.documents_indexed = n

    def _progress(self, final: bool = False) -> None:
        last_n, last_t = self._last_line
        now = time.monotonic()
        if final or self.read - last_n >= PROGRESS_EVERY or now - last_t >= PROGRESS_SECONDS:
            self._last_line = (self.read, now)
            self.say(
                f"  {self.read}/{len(self.files)} filer læst og gengivet, {self.stored} gemt, "
                f"{self.documents_indexed} indekseret"
            )

    def check_references(self) -> None:
        """The cross-file checks, over the compact state: notes' networks and
        every cited practice must exist."""
        practices = self.slugs.get("practice", {})
        networks = self.slugs.get("network", {})
        for c in self.citations:
            if c.record["type"] == "note":
                self.errors.extend(note_reference_errors(c.record, c.lines, networks, practices))
            else:
                self.errors.extend(practice_reference_errors(c.record, c.lines, practices))
