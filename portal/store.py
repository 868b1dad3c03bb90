"""The derived database: every published item, as the pages need it.

Built from scratch by each ingest (into a new file, swapped in on success) with
sqlite-utils; never edited by hand and never holding anything that is not in
``content/``. Read by the views through :class:`Store`, whose methods are the
only SQL the portal runs against it. Flask-free.

Visibility is part of every query: an item's ``audience`` is ``public`` or
``network:<slug>``, and each read method takes the set of audiences the reader
may see, so an unpublished item cannot leak through a listing.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import sqlite_utils

from .content import kommuner as kommune_registry
from .content.loader import Content
from .content.schema import EVIDENCE
from .rendering import html_to_text, render_markdown

PUBLIC = frozenset({"public"})

URL_PREFIX = {
    "practice": "/erfaringer/",
    "note": "/notater/",
    "network": "/netvaerk/",
    "ranking": "/rangeringer/",
    "kommune": "/kommuner/",
    "indicator": "/indikatorer/",
}


def item_url(type_: str, slug: str) -> str:
    return URL_PREFIX[type_] + slug


def item_id(type_: str, slug: str) -> str:
    return f"{type_}:{slug}"


def _audience(record: dict) -> str:
    if record["type"] == "note" and record.get("visibility") == "network":
        return f"network:{record['network']}"
    return "public"


def _body_md(record: dict) -> str:
    if record["type"] == "network":
        return record.get("description") or ""
    if record["type"] == "ranking":
        return "\n\n".join(x for x in (record.get("measure"), record.get("notes")) if x)
    if record["type"] == "indicator":
        return record.get("description") or ""
    return record.get("body_md") or ""


def item_row(record: dict) -> dict:
    """The ``items`` row of one validated content record (also used for
    incremental updates of a single item)."""
    body_md = _body_md(record)
    body_html = render_markdown(body_md) if body_md else ""
    text = html_to_text(body_html)
    data = {k: v for k, v in record.items() if k not in ("body_md", "path")}
    slug = record["slug"]
    return {
        "id": item_id(record["type"], slug),
        "type": record["type"],
        "slug": slug,
        "title": record["title"],
        "url": item_url(record["type"], slug),
        "audience": _audience(record),
        "network": record.get("network"),
        "date": record.get("date") or record.get("published") or (str(record["end"]) if record.get("end") else None),
        "evidence": record.get("evidence"),
        "data": json.dumps(data, ensure_ascii=False),
        "body_md": body_md,
        "body_html": body_html,
        "text": text,
        "path": record.get("path"),
    }


def _links(record: dict) -> tuple[list[dict], list[dict]]:
    iid = item_id(record["type"], record["slug"])
    places = record.get("kommuner") or record.get("members") or []
    if record["type"] == "ranking":
        places = [r["kommune"] for r in record["rows"] if r.get("kommune")]
    kommuner = [{"item_id": iid, "code": k["code"], "as_name": k["as"]} for k in places]
    topics = [{"item_id": iid, "topic": t} for t in record.get("topics") or []]
    return kommuner, topics


def build_store(path: Path, content: Content, rows: dict[str, dict], meta: dict | None = None) -> Counter:
    """Create the derived database at ``path`` (which must not exist).

    ``rows`` maps item id → :func:`item_row` of each record, computed once by
    the caller because the index needs the same rendered text.
    """
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    items, kommune_links, topic_links, note_practices, ranking_rows = [], [], [], [], []
    for kind in content.items:
        for record in content.items[kind].values():
            items.append(rows[item_id(kind, record["slug"])])
            k, t = _links(record)
            kommune_links += k
            topic_links += t
            if kind == "note":
                note_practices += [{"note_id": item_id("note", record["slug"]), "practice_slug": s} for s in record["practices"]]
            if kind == "ranking":
                ranking_rows += _ranking_rows(record)
    with db.conn:
        db["items"].insert_all(items, pk="id", columns=_ITEM_COLUMNS)
        db["item_kommuner"].insert_all(kommune_links, columns={"item_id": str, "code": str, "as_name": str})
        db["item_topics"].insert_all(topic_links, columns={"item_id": str, "topic": str})
        db["note_practices"].insert_all(note_practices, columns={"note_id": str, "practice_slug": str})
        db["ranking_rows"].insert_all(ranking_rows, columns=_RANKING_COLUMNS)
        db["kommuner"].insert_all(
            (
                {"code": k.code, "name": k.name, "region": k.region, "slug": k.slug,
                 "former": json.dumps([f.name for f in kommune_registry.former_of(k.code) if f.name != k.name], ensure_ascii=False)}
                for k in kommune_registry.all_kommuner()
            ),
            pk="code",
        )
        db["meta"].insert_all(({"key": k, "value": str(v)} for k, v in (meta or {}).items()), pk="key",
                              columns={"key": str, "value": str})
        db["items"].create_index(["type", "audience"])
        db["item_kommuner"].create_index(["code"])
        db["item_kommuner"].create_index(["item_id"])
        db["item_topics"].create_index(["topic"])
        db["item_topics"].create_index(["item_id"])
        db["ranking_rows"].create_index(["code"])
    conn.close()
    return Counter(i["type"] for i in items)


_ITEM_COLUMNS = {
    "id": str, "type": str, "slug": str, "title": str, "url": str, "audience": str, "network": str,
    "date": str, "evidence": str, "data": str, "body_md": str, "body_html": str, "text": str, "path": str,
}
_RANKING_COLUMNS = {
    "ranking_slug": str, "rank": int, "kommune_as_published": str, "code": str, "effect": float,
    "observed": float, "expected": float, "significance": str, "cases": int, "share_completed": float,
    "previous_rank": int,
}


def _ranking_rows(record: dict) -> list[dict]:
    return [
        {
            "ranking_slug": record["slug"],
            "rank": r["rank"],
            "kommune_as_published": r["kommune_as_published"],
            "code": r["kommune"]["code"] if r.get("kommune") else None,
            **{k: r.get(k) for k in ("effect", "observed", "expected", "significance", "cases", "share_completed", "previous_rank")},
        }
        for r in record["rows"]
    ]


class Store:
    """Read access to one derived database (one per request; cheap to open)."""

    def __init__(self, path: Path | str):
        # Read-only: the views can never write to derived data by accident.
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
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
    LIST_COLUMNS = "id, type, slug, title, url, audience, network, date, evidence, data, substr(text, 1, 500) AS text"

    def _items(self, where: str, params: list, audiences, order: str = "title COLLATE NOCASE", limit: int | None = None,
               columns: str = LIST_COLUMNS) -> list[dict]:
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
        rows = self._items("id = ?", [item_id(type_, slug)], audiences, columns="*")
        return rows[0] if rows else None

    def text_of(self, iid: str) -> str | None:
        row = self.conn.execute("SELECT text FROM items WHERE id = ?", (iid,)).fetchone()
        return row[0] if row else None

    def items_of_type(self, type_: str, audiences=PUBLIC, order: str = "title COLLATE NOCASE") -> list[dict]:
        return self._items("type = ?", [type_], audiences, order=order)

    def items_in_kommune(self, code: str, type_: str, audiences=PUBLIC) -> list[dict]:
        return self._items(
            "type = ? AND id IN (SELECT item_id FROM item_kommuner WHERE code = ?)", [type_, code], audiences
        )

    def items_by_ids(self, ids: list[str], audiences=PUBLIC) -> list[dict]:
        if not ids:
            return []
        return self._items(f"id IN ({','.join('?' * len(ids))})", list(ids), audiences)

    def items_with_topic(self, topic: str, types=("practice", "note"), audiences=PUBLIC) -> list[dict]:
        marks = ",".join("?" * len(types))
        return self._items(
            f"type IN ({marks}) AND id IN (SELECT item_id FROM item_topics WHERE topic = ?)", [*types, topic], audiences
        )

    def kommune_links(self, iid: str) -> list[dict]:
        return self._q(
            "SELECT k.code, k.name, k.region, k.slug, l.as_name FROM item_kommuner l JOIN kommuner k ON k.code = l.code WHERE l.item_id = ?",
            (iid,),
        )

    def notes_of_network(self, slug: str, audiences=PUBLIC) -> list[dict]:
        return self._items("type = 'note' AND network = ?", [slug], audiences, order="date DESC, title")

    def notes_citing(self, practice_slug: str, audiences=PUBLIC) -> list[dict]:
        return self._items(
            "type = 'note' AND id IN (SELECT note_id FROM note_practices WHERE practice_slug = ?)", [practice_slug], audiences
        )

    def related_practices(self, practice: dict, limit: int = 5, audiences=PUBLIC) -> list[dict]:
        """Practices sharing the most topics with ``practice``; ties broken by
        stronger evidence, then title."""
        topics = practice["data"].get("topics") or []
        if not topics:
            return []
        clause, aparams = self._audience_clause(audiences)
        rows = self._q(
            f"""SELECT i.id, i.type, i.slug, i.title, i.url, i.audience, i.network, i.date, i.evidence, i.data,
                       substr(i.text, 1, 500) AS text, COUNT(*) AS shared
                FROM item_topics t JOIN items i ON i.id = t.item_id
                WHERE t.topic IN ({','.join('?' * len(topics))}) AND i.type = 'practice' AND i.id != ? AND i.{clause}
                GROUP BY i.id""",
            [*topics, practice["id"], *aparams],
        )
        order = list(EVIDENCE)
        rows.sort(key=lambda r: (-r["shared"], order.index(r["evidence"]) if r["evidence"] in order else 9, r["title"]))
        return [self._decode(r) for r in rows[:limit]]

    # -- counts for entry points --------------------------------------------
    def topic_counts(self, audiences=PUBLIC) -> list[tuple[str, int]]:
        clause, aparams = self._audience_clause(audiences)
        rows = self.conn.execute(
            f"""SELECT t.topic, COUNT(*) FROM item_topics t JOIN items i ON i.id = t.item_id
                WHERE i.type = 'practice' AND i.{clause} GROUP BY t.topic ORDER BY COUNT(*) DESC, t.topic""",
            aparams,
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def evidence_counts(self, audiences=PUBLIC) -> dict[str, int]:
        clause, aparams = self._audience_clause(audiences)
        rows = self.conn.execute(
            f"SELECT evidence, COUNT(*) FROM items WHERE type = 'practice' AND {clause} GROUP BY evidence", aparams
        ).fetchall()
        counts = dict(rows)
        return {k: counts.get(k, 0) for k in EVIDENCE}

    def kommune_counts(self, audiences=PUBLIC) -> dict[str, int]:
        """Number of practices and notes documented per kommune code."""
        clause, aparams = self._audience_clause(audiences)
        rows = self.conn.execute(
            f"""SELECT l.code, COUNT(DISTINCT i.id) FROM item_kommuner l JOIN items i ON i.id = l.item_id
                WHERE i.type IN ('practice', 'note') AND i.{clause} GROUP BY l.code""",
            aparams,
        ).fetchall()
        return dict(rows)

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
        clause, aparams = self._audience_clause(audiences)
        rows = self.conn.execute(
            f"""SELECT t.topic, i.evidence, COUNT(*) FROM item_topics t JOIN items i ON i.id = t.item_id
                WHERE i.type = 'practice' AND i.{clause} GROUP BY t.topic, i.evidence""",
            aparams,
        ).fetchall()
        out: dict[str, dict[str, int]] = {}
        for topic, evidence, n in rows:
            out.setdefault(topic, {k: 0 for k in EVIDENCE})[evidence] = n
        return out

    def evaluation_debt(self, year: int, audiences=PUBLIC) -> list[dict]:
        """Practices whose end year has passed and that are still not evaluated."""
        return self._items(
            "type = 'practice' AND evidence = 'ikke-evalueret' AND CAST(json_extract(data, '$.end') AS INTEGER) < ?",
            [year], audiences, order="json_extract(data, '$.end'), title",
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


def replace_item(conn: sqlite3.Connection, record: dict, row: dict) -> None:
    """Insert or replace one practice or note in a live derived database
    (the incremental path used when a submission is approved or a note posted).
    The caller holds a write transaction."""
    iid = row["id"]
    # Readers cache pages per (generation, revision): a new revision invalidates them.
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('revision', "
                 "COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'), 0) + 1)")
    for table, key in (("items", "id"), ("item_kommuner", "item_id"), ("item_topics", "item_id"), ("note_practices", "note_id")):
        conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (iid,))
    columns = list(_ITEM_COLUMNS)
    conn.execute(f"INSERT INTO items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                 [row[c] for c in columns])
    kommuner, topics = _links(record)
    conn.executemany("INSERT INTO item_kommuner (item_id, code, as_name) VALUES (:item_id, :code, :as_name)", kommuner)
    conn.executemany("INSERT INTO item_topics (item_id, topic) VALUES (:item_id, :topic)", topics)
    if record["type"] == "note":
        conn.executemany("INSERT INTO note_practices (note_id, practice_slug) VALUES (?, ?)",
                         [(iid, s) for s in record["practices"]])
