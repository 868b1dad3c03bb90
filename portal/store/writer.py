"""The writer: the one path by which rows enter a derived database.

The full build (:func:`build_store`, a new file per ingest) and incremental
publishing (:func:`replace_item`, into the live generation) both create their
rows with :mod:`portal.store.rows` and insert them with :func:`insert_records`,
so there is no second SQL path to keep in step. Flask-free.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from ..content import kommuner as kommune_registry
from ..content.loader import Content
from ..kinds import item_id
from . import lessons, topicmasks
from .connection import open_derived
from .rows import link_rows, practice_rows, ranking_rows

#: The layout of the derived database. A generation built by an older layout is
#: not served (see :func:`portal.store.reader.store_version`); ``flask ingest`` builds a current one.
# 7: ranking_links, practice_topics + topic_bits (pages precomputed); 6: item_practices (what cites each
# practice); 5: one Danish sort key in title_sort
STORE_VERSION = "7"

# The bodies (~16 KB an item) live in their own table: in ``items`` they made
# every row span overflow pages, and listings, counts and lookups of
# thousands of items slow (5 µs a row at 10k items instead of ~1).
ITEM_COLUMNS = {
    "id": str,
    "type": str,
    "slug": str,
    "title": str,
    "title_sort": str,
    "url": str,
    "audience": str,
    "network": str,
    "date": str,
    "evidence": str,
    "evidence_rank": int,
    "data": str,
    "summary": str,
    "path": str,
}
BODY_COLUMNS = {"id": str, "body_md": str, "body_html": str, "text": str}
_LINK_COLUMNS = {"item_id": str, "type": str, "audience": str, "evidence": str, "evidence_rank": int, "title_sort": str}
KOMMUNE_LINK_COLUMNS = {**_LINK_COLUMNS, "code": str, "as_name": str, "topics": str}
TOPIC_LINK_COLUMNS = {**_LINK_COLUMNS, "topic": str}
NOTE_PRACTICE_COLUMNS = {"note_id": str, "practice_slug": str}
#: Every kind's citations of practices (Kind.practices_of), with the citing item's type and audience.
ITEM_PRACTICE_COLUMNS = {"item_id": str, "type": str, "audience": str, "title_sort": str, "practice_slug": str}
RANKING_COLUMNS = {
    "ranking_slug": str,
    "rank": int,
    "kommune_as_published": str,
    "code": str,
    "effect": float,
    "observed": float,
    "expected": float,
    "significance": str,
    "cases": int,
    "share_completed": float,
    "previous_rank": int,
}

#: table → (columns, primary key, column naming the item a row belongs to)
TABLES = {
    "items": (ITEM_COLUMNS, "id", "id"),
    "item_bodies": (BODY_COLUMNS, "id", "id"),
    "item_kommuner": (KOMMUNE_LINK_COLUMNS, None, "item_id"),
    "item_topics": (TOPIC_LINK_COLUMNS, None, "item_id"),
    "note_practices": (NOTE_PRACTICE_COLUMNS, None, "note_id"),
    "item_practices": (ITEM_PRACTICE_COLUMNS, None, "item_id"),
    "ranking_rows": (RANKING_COLUMNS, None, "ranking_slug"),
}


def rows_by_table(pairs: Iterable[tuple[dict, dict]]) -> dict[str, list[tuple]]:
    """(record, item row) pairs → the rows of every table as value tuples in the
    order of its columns (``TABLES``), in insertion order. Pure: the ingest's
    worker processes call it, so the main process only executes the inserts."""
    out: dict[str, list[tuple]] = {table: [] for table in TABLES}
    for record, row in pairs:
        out["items"].append(tuple(row[c] for c in ITEM_COLUMNS))
        out["item_bodies"].append(tuple(row[c] for c in BODY_COLUMNS))
        kommuner, topics = link_rows(record)
        out["item_kommuner"] += [tuple(r[c] for c in KOMMUNE_LINK_COLUMNS) for r in kommuner]
        out["item_topics"] += [tuple(r[c] for c in TOPIC_LINK_COLUMNS) for r in topics]
        out["item_practices"] += [tuple(r[c] for c in ITEM_PRACTICE_COLUMNS) for r in practice_rows(record)]
        if record["type"] == "note":
            out["note_practices"] += [(row["id"], s) for s in record["practices"]]
        if record["type"] == "ranking":
            out["ranking_rows"] += [tuple(r[c] for c in RANKING_COLUMNS) for r in ranking_rows(record)]
    return out


def _insert_sql(table: str) -> str:
    columns = TABLES[table][0]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def insert_table_rows(conn: sqlite3.Connection, tables: dict[str, list[tuple]]) -> None:
    """Insert rows made by :func:`rows_by_table`; the caller holds the transaction."""
    for table, rows in tables.items():
        if rows:
            conn.executemany(_insert_sql(table), rows)


def insert_records(db: sqlite_utils.Database, pairs: Iterable[tuple[dict, dict]]) -> None:
    """Insert the rows of (record, item row) pairs into every table; the caller
    holds the transaction and has removed earlier rows of the same items."""
    insert_table_rows(db.conn, rows_by_table(pairs))


def _delete_item(conn: sqlite3.Connection, record: dict, iid: str) -> None:
    for table in ("items", "item_bodies", "item_kommuner", "item_topics", "item_practices"):
        conn.execute(f"DELETE FROM {table} WHERE {TABLES[table][2]} = ?", (iid,))
    conn.execute("DELETE FROM note_practices WHERE note_id = ?", (iid,))
    if record["type"] == "ranking":
        conn.execute("DELETE FROM ranking_rows WHERE ranking_slug = ?", (record["slug"],))


def _create_tables(db: sqlite_utils.Database) -> None:
    # Created up front: an empty table must exist for the incremental path and the indexes.
    for table, (columns, pk, _owner) in TABLES.items():
        db[table].create(columns, pk=pk) if pk else db[table].create(columns)
    db["kommuner"].create({"code": str, "name": str, "region": str, "slug": str, "former": str}, pk="code")
    db["meta"].create({"key": str, "value": str}, pk="key")
    db.execute("CREATE TABLE counts (kind TEXT, audience TEXT, key TEXT, sub TEXT, n INTEGER)")


def _create_indexes(db: sqlite_utils.Database) -> None:
    # Listings are ordered in SQL and read from these indexes; the counts
    # are index scans (see rows.link_rows).
    db["items"].create_index(["type", "audience", "title_sort"])
    db["items"].create_index(["type", "audience", "evidence"])
    db["item_kommuner"].create_index(["code", "type", "audience", "title_sort"])
    db["item_kommuner"].create_index(["code", "type", "audience", "evidence_rank", "title_sort"])
    db["item_kommuner"].create_index(["item_id"])
    # Covering for COUNT(DISTINCT item_id) per kommune (kommune pages, ranking links): no row is read.
    db["item_kommuner"].create_index(["code", "type", "audience", "item_id"])
    db["item_topics"].create_index(["topic", "type", "audience", "item_id", "evidence_rank", "title_sort"])
    db["item_topics"].create_index(["item_id"])
    db["note_practices"].create_index(["practice_slug"])
    db["item_practices"].create_index(["practice_slug", "type", "audience", "title_sort"])
    db["item_practices"].create_index(["item_id"])
    db["ranking_rows"].create_index(["code"])
    db.execute("CREATE INDEX idx_counts ON counts (kind, audience)")


class StoreBuilder:
    """A new derived database at ``path`` (which must not exist), filled in
    batches: :meth:`add` the rows of some items at a time (the ingest streams
    them, so no more than a batch is ever held), then :meth:`finish` once.
    One transaction for the whole build: the file is built aside and thrown
    away on any failure, so nothing half-built is ever served."""

    def __init__(self, path: Path, meta: dict | None = None) -> None:
        self.conn = open_derived(path, write=True)
        self.db = sqlite_utils.Database(self.conn)
        # Built aside and removed on any failure, so no journal and no fsync while
        # building (at 100k items a WAL would be written twice over, ~3 GB); the
        # ingest fsyncs the finished file, which then serves in WAL mode.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-65536")  # 64 MB: the indexes are sorted at the end
        self.meta = meta
        self.counts: Counter = Counter()
        self.conn.execute("BEGIN")
        _create_tables(self.db)

    def add(self, tables: dict[str, list[tuple]], types: Iterable[str] = ()) -> None:
        """Rows of :func:`rows_by_table`, and the types of their items (for the counts)."""
        insert_table_rows(self.conn, tables)
        self.counts.update(types)

    def finish(self) -> Counter:
        conn, db = self.conn, self.db
        db["kommuner"].insert_all(
            {
                "code": k.code,
                "name": k.name,
                "region": k.region,
                "slug": k.slug,
                "former": json.dumps(
                    [f.name for f in kommune_registry.former_of(k.code) if f.name != k.name], ensure_ascii=False
                ),
            }
            for k in kommune_registry.all_kommuner()
        )
        meta = {**(self.meta or {}), "store_version": STORE_VERSION}
        db["meta"].insert_all({"key": k, "value": str(v)} for k, v in meta.items())
        _create_indexes(db)
        refresh_counts(conn)
        lessons.refresh(conn)  # the ranking and kommune pages' links to practice, read with one lookup
        topicmasks.refresh_all(conn)  # related practices: one narrow scan instead of a GROUP BY
        conn.execute("COMMIT")
        conn.execute("ANALYZE")  # statistics, so the planner picks the right one of the link indexes
        conn.execute("PRAGMA journal_mode=WAL")  # readers beside publishing writers
        conn.close()
        return self.counts

    def close(self) -> None:
        """Give up (the caller removes the file)."""
        self.conn.close()


def build_store(path: Path, content: Content, rows: dict[str, dict], meta: dict | None = None) -> Counter:
    """Create the derived database at ``path`` from a loaded :class:`Content` at once.

    ``rows`` maps item id → :func:`portal.store.rows.item_row` of each record.
    (The ingest streams through :class:`StoreBuilder` instead.)
    """
    pairs = [
        (record, rows[item_id(kind, record["slug"])])
        for kind in content.items
        for record in content.items[kind].values()
    ]
    builder = StoreBuilder(path, meta)
    try:
        builder.add(rows_by_table(pairs), (record["type"] for record, _row in pairs))
    except BaseException:
        builder.close()
        raise
    return builder.finish()


def replace_item(conn: sqlite3.Connection, record: dict, row: dict) -> None:
    """Insert or replace one item in a live derived database (the incremental
    path used when a submission is approved or a note posted), through the same
    :func:`insert_records` as the full build. The caller holds a write transaction."""
    # Readers cache pages per (generation, revision): a new revision invalidates them.
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('revision', "
        "COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'), 0) + 1)"
    )
    old_codes = lessons.codes_of_item(conn, row["id"])
    _delete_item(conn, record, row["id"])
    insert_records(sqlite_utils.Database(conn), [(record, row)])
    refresh_counts(conn)
    # The rankings' precomputed links change with the practice (or ranking) in this transaction.
    lessons.refresh_for_change(conn, record["type"], record["slug"], old_codes, lessons.codes_of_item(conn, row["id"]))
    topicmasks.refresh_item(conn, row["id"])


def delete_item(conn: sqlite3.Connection, kind: str, slug: str) -> None:
    """Remove one item from a live derived database (a withdrawn note): every
    row of it, a new revision for the page caches, fresh counts. Idempotent.
    The caller holds a write transaction."""
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('revision', "
        "COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'), 0) + 1)"
    )
    old_codes = lessons.codes_of_item(conn, item_id(kind, slug))
    _delete_item(conn, {"type": kind, "slug": slug}, item_id(kind, slug))
    refresh_counts(conn)
    lessons.refresh_for_change(conn, kind, slug, old_codes)
    topicmasks.refresh_item(conn, item_id(kind, slug))


#: The ids of practices that an evaluation report cites.
_EVALUATED = "SELECT 'practice:' || practice_slug FROM item_practices WHERE type = 'evaluation'"

# The counts of the entry points (front page, evidence map), per audience: an
# item has one audience, so a reader's counts are sums over their audiences.
# Kept in a table because counting 30,000 link rows took ~25 ms a page at 10k;
# rebuilt at ingest and with every incremental publication (replace_item).
_COUNTS = (
    "SELECT 'topic', audience, topic, '', COUNT(*) FROM item_topics WHERE type = 'practice' GROUP BY audience, topic",
    "SELECT 'topic_evidence', audience, topic, COALESCE(evidence, ''), COUNT(*) FROM item_topics "
    "WHERE type = 'practice' GROUP BY audience, topic, evidence",
    "SELECT 'kommune', audience, code, '', COUNT(DISTINCT item_id) FROM item_kommuner "
    "WHERE type IN ('practice', 'note') GROUP BY audience, code",
    "SELECT 'evidence', audience, COALESCE(evidence, ''), '', COUNT(*) FROM items WHERE type = 'practice' "
    "GROUP BY audience, evidence",
    # Practices with at least one evaluation report, per topic and in all (the evidence map's last column).
    f"SELECT 'topic_evaluated', audience, topic, '', COUNT(*) FROM item_topics WHERE type = 'practice' "
    f"AND item_id IN ({_EVALUATED}) GROUP BY audience, topic",
    f"SELECT 'evaluated', audience, '', '', COUNT(*) FROM items WHERE type = 'practice' AND id IN ({_EVALUATED}) "
    "GROUP BY audience",
)


def refresh_counts(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM counts")
    for select in _COUNTS:
        conn.execute(f"INSERT INTO counts (kind, audience, key, sub, n) {select}")
