"""The reader: every query the pages run against a derived database.

Visibility is part of every query: an item's ``audience`` is ``public`` or
``network:<slug>``, and each read method takes the set of audiences the reader
may see, so an unpublished item cannot leak through a listing. Flask-free.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..content import vocabulary
from ..content.schema import EVIDENCE
from ..kinds import item_id
from . import topicmasks
from .connection import open_derived

PUBLIC = frozenset({"public"})


class Store:
    """Read access to one derived database (one per request; cheap to open)."""

    def __init__(self, path: Path | str):
        # Read-only: the views can never write to derived data by accident.
        self.conn = open_derived(path)
        self.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.conn.close()

    # -- items ---------------------------------------------------------------
    def _q(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    @staticmethod
    def _audience_clause(audiences) -> tuple[str, list]:
        audiences = sorted(audiences)
        return f"audience IN ({','.join('?' * len(audiences))})", audiences

    # Listings never need the bodies: fetching them made long lists slow.
    LIST_COLUMNS = "id, type, slug, title, url, audience, network, date, evidence, data, summary"
    # Danish alphabetical order, precomputed at ingest (see item_row).
    TITLE_ORDER = "title_sort, title"

    def _items(
        self,
        where: str,
        params: list,
        audiences,
        order: str = TITLE_ORDER,
        limit: int | None = None,
        columns: str = LIST_COLUMNS,
    ) -> list[dict]:
        clause, aparams = self._audience_clause(audiences)
        sql = f"SELECT {columns} FROM items WHERE {where} AND {clause} ORDER BY {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._decode(r) for r in self._q(sql, [*params, *aparams])]

    @staticmethod
    def _decode(row: dict) -> dict:
        row["data"] = json.loads(row["data"]) if row.get("data") else {}
        return row

    def get(self, type_: str, slug: str, audiences=PUBLIC) -> dict | None:
        """One item with its bodies (``body_md``, ``body_html``, ``text``)."""
        rows = self._items("id = ?", [item_id(type_, slug)], audiences, columns="*")
        if not rows:
            return None
        return {
            **rows[0],
            **self._q("SELECT body_md, body_html, text FROM item_bodies WHERE id = ?", (rows[0]["id"],))[0],
        }

    def text_of(self, iid: str) -> str | None:
        return text_of(self.conn, iid)

    def items_of_type(self, type_: str, audiences=PUBLIC, order: str = TITLE_ORDER) -> list[dict]:
        return self._items("type = ?", [type_], audiences, order=order)

    # Items linked to a kommune are found, counted and ordered on the link
    # table alone (it repeats each item's audience and sort keys, see _links);
    # only the rows shown are read from ``items``. Looking up 1,300 items by
    # their text id just to sort them took 4-7 ms at 10k.

    #: Link-table orders: Danish title order, or strongest evidence first.
    LINK_TITLE_ORDER = "title_sort, item_id"
    LINK_EVIDENCE_ORDER = "evidence_rank, title_sort, item_id"

    def items_in_kommune(self, code: str, type_: str, audiences=PUBLIC, limit: int | None = None) -> list[dict]:
        """Items of one type linked to a kommune, in Danish title order, the first ``limit`` of them."""
        clause, aparams = self._audience_clause(audiences)
        sql = (
            f"SELECT DISTINCT item_id, title_sort FROM item_kommuner WHERE code = ? AND type = ? AND {clause} "
            f"ORDER BY {self.LINK_TITLE_ORDER}"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        ids = [r[0] for r in self.conn.execute(sql, [code, type_, *aparams])]
        return self.items_by_ids(ids, audiences, keep_order=True)

    def count_in_kommune(self, code: str, type_: str, audiences=PUBLIC) -> int:
        clause, aparams = self._audience_clause(audiences)
        return self.conn.execute(
            f"SELECT COUNT(DISTINCT item_id) FROM item_kommuner WHERE code = ? AND type = ? AND {clause}",
            [code, type_, *aparams],
        ).fetchone()[0]

    def items_by_ids(self, ids: list[str], audiences=PUBLIC, keep_order: bool = False) -> list[dict]:
        """The visible items among ``ids``, in title order or (``keep_order``) in the order of ``ids``."""
        if not ids:
            return []
        items = self._items("id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))], audiences)
        if keep_order:
            by_id = {item["id"]: item for item in items}
            items = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
        return items

    def items_with_topic(self, topic: str, types=("practice", "note"), audiences=PUBLIC) -> list[dict]:
        clause, aparams = self._audience_clause(audiences)
        marks = ",".join("?" * len(types))
        return self._items(
            f"id IN (SELECT item_id FROM item_topics WHERE topic = ? AND type IN ({marks}) AND {clause})",
            [vocabulary.canonical("topic", topic), *types, *aparams],
            audiences,
        )

    def kommune_links(self, iid: str) -> list[dict]:
        return self._q(
            "SELECT k.code, k.name, k.region, k.slug, l.as_name FROM item_kommuner l JOIN kommuner k ON k.code = l.code WHERE l.item_id = ?",
            (iid,),
        )

    def kommune_names(self, ids: list[str]) -> dict[str, list[str]]:
        """item id → the names of its kommuner, in one read (a listing of thousands of items
        asked once per item took ~13,000 queries at 10k)."""
        out: dict[str, list[str]] = {}
        for iid, name in self.conn.execute(
            "SELECT l.item_id, k.name FROM item_kommuner l JOIN kommuner k ON k.code = l.code "
            "WHERE l.item_id IN (SELECT value FROM json_each(?)) ORDER BY l.rowid",
            (json.dumps(list(ids)),),
        ):
            out.setdefault(iid, []).append(name)
        return out

    def notes_of_network(self, slug: str, audiences=PUBLIC) -> list[dict]:
        return self._items("type = 'note' AND network = ?", [slug], audiences, order="date DESC, title")

    def notes_citing(self, practice_slug: str, audiences=PUBLIC) -> list[dict]:
        return self._items(
            "type = 'note' AND id IN (SELECT note_id FROM note_practices WHERE practice_slug = ?)",
            [practice_slug],
            audiences,
        )

    def items_citing(self, practice_slug: str, type_: str, audiences=PUBLIC) -> list[dict]:
        """Items of a kind that cite a practice (``Kind.practices_of``), in Danish title order."""
        return self._items(
            "type = ? AND id IN (SELECT item_id FROM item_practices WHERE practice_slug = ? AND type = ?)",
            [type_, practice_slug, type_],
            audiences,
        )

    def related_practices(self, practice: dict, limit: int = 5, audiences=PUBLIC) -> list[dict]:
        """Practices sharing the most topics with ``practice``; ties broken by
        stronger evidence, then Danish title order. Counted and ordered on the
        topic links alone; only the rows shown are read."""
        topics = practice["data"].get("topics") or []
        if not topics:
            return []
        ids = topicmasks.related(self.conn, practice["id"], topics, audiences, limit)
        if ids is not None:  # the same answer from the topic bits (store/topicmasks.py), without the GROUP BY
            return self.items_by_ids(ids, audiences, keep_order=True)
        clause, aparams = self._audience_clause(audiences)
        ids = [
            r[0]
            for r in self.conn.execute(
                f"""SELECT item_id FROM item_topics
                WHERE topic IN ({",".join("?" * len(topics))}) AND type = 'practice' AND {clause} AND item_id != ?
                GROUP BY item_id ORDER BY COUNT(*) DESC, MIN(evidence_rank), MIN(title_sort), item_id LIMIT ?""",
                [*topics, *aparams, practice["id"], int(limit)],
            )
        ]
        return self.items_by_ids(ids, audiences, keep_order=True)

    # -- counts for entry points (from the counts table, summed over audiences) ---
    def _counts(self, kind: str, audiences) -> list[tuple[str, str, int]]:
        clause, aparams = self._audience_clause(audiences)
        return [
            tuple(r)
            for r in self.conn.execute(
                f"SELECT key, sub, SUM(n) FROM counts WHERE kind = ? AND {clause} GROUP BY key, sub", [kind, *aparams]
            )
        ]

    def topic_counts(self, audiences=PUBLIC) -> list[tuple[str, int]]:
        return sorted(
            ((topic, n) for topic, _sub, n in self._counts("topic", audiences)), key=lambda tn: (-tn[1], tn[0])
        )

    def evidence_counts(self, audiences=PUBLIC) -> dict[str, int]:
        counts = {key: n for key, _sub, n in self._counts("evidence", audiences)}
        return {k: counts.get(k, 0) for k in EVIDENCE}

    def kommune_counts(self, audiences=PUBLIC) -> dict[str, int]:
        """Number of practices and notes documented per kommune code."""
        return {code: n for code, _sub, n in self._counts("kommune", audiences)}

    # -- kommuner and rankings ------------------------------------------------
    def kommune(self, code: str) -> dict | None:
        rows = self._q("SELECT * FROM kommuner WHERE code = ?", (code,))
        if not rows:
            return None
        row = rows[0]
        row["former"] = json.loads(row["former"])
        return row

    def ranking_rows(self, slug: str) -> list[dict]:
        return self._q("SELECT * FROM ranking_rows WHERE ranking_slug = ? ORDER BY rank", (slug,))

    def ranking_links(self, slug: str, top_n: int, ranks) -> dict[int, dict]:
        """rank → the precomputed links of those rows of a ranking (:mod:`portal.store.lessons`);
        empty for a database without the table."""
        try:
            cursor = self.conn.execute(
                "SELECT rank, data FROM ranking_links WHERE ranking_slug = ? AND top_n = ? "
                "AND rank IN (SELECT value FROM json_each(?))",
                (slug, top_n, json.dumps(sorted(ranks))),
            )
        except sqlite3.OperationalError:
            return {}
        return {rank: json.loads(data) for rank, data in cursor}

    def has_items(self, type_: str, audiences) -> bool:
        """Whether any item of a type has one of ``audiences`` (an index lookup)."""
        clause, aparams = self._audience_clause(audiences)
        sql = f"SELECT 1 FROM items WHERE type = ? AND {clause} LIMIT 1"
        return self.conn.execute(sql, [type_, *aparams]).fetchone() is not None

    def ranking_rows_for_kommune(self, code: str) -> list[dict]:
        return self._q(
            """SELECT r.*, i.title AS ranking_title, (SELECT COUNT(*) FROM ranking_rows x WHERE x.ranking_slug = r.ranking_slug) AS of
               FROM ranking_rows r JOIN items i ON i.id = 'ranking:' || r.ranking_slug
               WHERE r.code = ? ORDER BY i.title, r.rank""",
            (code,),
        )

    # -- overviews ------------------------------------------------------------
    def evidence_map(self, audiences=PUBLIC) -> dict[str, dict[str, int]]:
        """Topic → evidence category → number of practices (gaps are visible as zeros)."""
        out: dict[str, dict[str, int]] = {}
        for topic, evidence, n in self._counts("topic_evidence", audiences):
            out.setdefault(topic, {k: 0 for k in EVIDENCE})[evidence] = n
        return out

    def evaluated_counts(self, audiences=PUBLIC) -> tuple[dict[str, int], int]:
        """Practices with at least one evaluation report: per topic, and in all."""
        per_topic = {topic: n for topic, _sub, n in self._counts("topic_evaluated", audiences)}
        return per_topic, sum(n for _key, _sub, n in self._counts("evaluated", audiences))

    def evaluation_debt(self, year: int, audiences=PUBLIC) -> list[dict]:
        """Practices whose end year has passed, still not evaluated, and with no evaluation report."""
        return self._items(
            "type = 'practice' AND evidence = 'ikke-evalueret' AND CAST(json_extract(data, '$.end') AS INTEGER) < ? "
            "AND slug NOT IN (SELECT practice_slug FROM item_practices WHERE type = 'evaluation')",
            [year],
            audiences,
            order="json_extract(data, '$.end'), title",
        )

    def indicators(self, code: str | None = None, audiences=PUBLIC) -> list[dict]:
        """National indicators (``code`` None) or those of one kommune."""
        if code is None:
            return self._items("type = 'indicator' AND id NOT IN (SELECT item_id FROM item_kommuner)", [], audiences)
        return self.items_in_kommune(code, "indicator", audiences)

    def revision(self) -> str:
        """Changes whenever an item is published into this generation without a rebuild."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return row[0] if row else "0"

    def meta(self) -> dict:
        try:
            return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError:
            return {}


def text_of(conn: sqlite3.Connection, iid: str) -> str | None:
    """The plain text of an item (for snippets), or None."""
    row = conn.execute("SELECT text FROM item_bodies WHERE id = ?", (iid,)).fetchone()
    return row[0] if row else None


def full_rows(conn: sqlite3.Connection, where: str = "1", params=()) -> list[dict]:
    """Item rows with their bodies, as :func:`item_row` makes them."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row  # this query's rows only; the caller's connection is left as it is
    return [
        dict(r)
        for r in cursor.execute(
            f"SELECT i.*, b.body_md, b.body_html, b.text FROM items i JOIN item_bodies b ON b.id = i.id WHERE {where}",
            params,
        )
    ]


def store_version(path: Path | str) -> str | None:
    """The layout version a derived database was built with (None before version 2)."""
    store = Store(path)
    try:
        return store.meta().get("store_version")
    finally:
        store.close()
