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
from .content.kommuner import danish_sort_key
from .content.loader import Content
from .content.schema import EVIDENCE
from .rendering import html_to_text, render_markdown

PUBLIC = frozenset({"public"})

#: The layout of the derived database. A generation built by an older layout is
#: not served (see :func:`store_version`); ``flask ingest`` builds a current one.
STORE_VERSION = "2"

#: Strongest evidence first; items without an evidence category last.
EVIDENCE_RANK = {key: i for i, key in enumerate(EVIDENCE)}
NO_EVIDENCE_RANK = len(EVIDENCE)

#: Characters of plain text kept with each item for listings and feeds.
SUMMARY_CHARS = 500

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
    evidence = record.get("evidence")
    return {
        "id": item_id(record["type"], slug),
        "type": record["type"],
        "slug": slug,
        "title": record["title"],
        # Danish alphabetical order in SQL (æ, ø, å last; "aa" as "å"): byte
        # order of this key is the order danish_sort_key gives in Python.
        "title_sort": danish_sort_key(record["title"])[0],
        "url": item_url(record["type"], slug),
        "audience": _audience(record),
        "network": record.get("network"),
        "date": record.get("date") or record.get("published") or (str(record["end"]) if record.get("end") else None),
        "evidence": evidence,
        "evidence_rank": EVIDENCE_RANK.get(evidence, NO_EVIDENCE_RANK),
        "data": json.dumps(data, ensure_ascii=False),
        "summary": text[:SUMMARY_CHARS],
        "path": record.get("path"),
        "body_md": body_md,
        "body_html": body_html,
        "text": text,
    }


def _links(record: dict) -> tuple[list[dict], list[dict]]:
    """The item's rows in ``item_kommuner`` and ``item_topics``.

    Each link row repeats the item's type, audience and evidence, so the
    counts of the front page, the evidence map and the kommune lists are read
    from the link tables' covering indexes alone, without visiting 10,000s of
    item rows per page.
    """
    iid = item_id(record["type"], record["slug"])
    places = record.get("kommuner") or record.get("members") or []
    if record["type"] == "ranking":
        places = [r["kommune"] for r in record["rows"] if r.get("kommune")]
    same = {"item_id": iid, "type": record["type"], "audience": _audience(record), "evidence": record.get("evidence")}
    kommuner = [dict(same, code=k["code"], as_name=k["as"]) for k in places]
    topics = [dict(same, topic=t) for t in record.get("topics") or []]
    return kommuner, topics


_LINK_COLUMNS = {"item_id": str, "type": str, "audience": str, "evidence": str}
_KOMMUNE_LINK_COLUMNS = {**_LINK_COLUMNS, "code": str, "as_name": str}
_TOPIC_LINK_COLUMNS = {**_LINK_COLUMNS, "topic": str}


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
        # Created up front: an empty list would not create its table, and the
        # incremental path (replace_item) and the indexes below need them all.
        for table, rows_, columns in (("item_kommuner", kommune_links, _KOMMUNE_LINK_COLUMNS),
                                      ("item_topics", topic_links, _TOPIC_LINK_COLUMNS),
                                      ("note_practices", note_practices, {"note_id": str, "practice_slug": str}),
                                      ("ranking_rows", ranking_rows, _RANKING_COLUMNS)):
            db[table].create(columns, if_not_exists=True)
            db[table].insert_all(rows_)
        db["kommuner"].insert_all(
            (
                {"code": k.code, "name": k.name, "region": k.region, "slug": k.slug,
                 "former": json.dumps([f.name for f in kommune_registry.former_of(k.code) if f.name != k.name], ensure_ascii=False)}
                for k in kommune_registry.all_kommuner()
            ),
            pk="code",
        )
        meta = {**(meta or {}), "store_version": STORE_VERSION}
        db["meta"].insert_all(({"key": k, "value": str(v)} for k, v in meta.items()), pk="key",
                              columns={"key": str, "value": str})
        # Listings are ordered in SQL and read from these indexes; the counts
        # are covering-index scans (see _links).
        db["items"].create_index(["type", "audience", "title_sort"])
        db["items"].create_index(["type", "audience", "evidence"])
        db["item_kommuner"].create_index(["code", "type", "audience", "item_id"])
        db["item_kommuner"].create_index(["type", "audience", "code", "item_id"])
        db["item_kommuner"].create_index(["item_id"])
        db["item_topics"].create_index(["topic", "type", "audience", "item_id"])
        db["item_topics"].create_index(["type", "audience", "topic", "evidence"])
        db["item_topics"].create_index(["item_id"])
        db["note_practices"].create_index(["practice_slug"])
        db["ranking_rows"].create_index(["code"])
    conn.close()
    return Counter(i["type"] for i in items)


# The long columns come last: SQLite then reads a listing's columns from the
# row's first page and never follows the overflow pages of the bodies.
_ITEM_COLUMNS = {
    "id": str, "type": str, "slug": str, "title": str, "title_sort": str, "url": str, "audience": str,
    "network": str, "date": str, "evidence": str, "evidence_rank": int, "data": str, "summary": str, "path": str,
    "body_md": str, "body_html": str, "text": str,
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
    LIST_COLUMNS = "id, type, slug, title, url, audience, network, date, evidence, data, summary"
    # Danish alphabetical order, precomputed at ingest (see item_row).
    TITLE_ORDER = "title_sort, title"

    def _items(self, where: str, params: list, audiences, order: str = TITLE_ORDER, limit: int | None = None,
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

    def items_of_type(self, type_: str, audiences=PUBLIC, order: str = TITLE_ORDER) -> list[dict]:
        return self._items("type = ?", [type_], audiences, order=order)

    # Items linked to a kommune: the link table's index (code, type, audience)
    # finds them; the items are then read by primary key.
    def _kommune_link_clause(self, code: str, type_: str, audiences) -> tuple[str, list]:
        clause, aparams = self._audience_clause(audiences)
        return (f"id IN (SELECT item_id FROM item_kommuner WHERE code = ? AND type = ? AND {clause})",
                [code, type_, *aparams])

    def items_in_kommune(self, code: str, type_: str, audiences=PUBLIC, limit: int | None = None,
                         order: str = TITLE_ORDER) -> list[dict]:
        """Items of one type linked to a kommune, in Danish title order (or
        ``order``), the first ``limit`` of them."""
        where, params = self._kommune_link_clause(code, type_, audiences)
        return self._items(where, params, audiences, order=order, limit=limit)

    def count_in_kommune(self, code: str, type_: str, audiences=PUBLIC) -> int:
        clause, aparams = self._audience_clause(audiences)
        return self.conn.execute(
            f"SELECT COUNT(DISTINCT item_id) FROM item_kommuner WHERE code = ? AND type = ? AND {clause}",
            [code, type_, *aparams],
        ).fetchone()[0]

    #: Strongest evidence first, then Danish title order.
    EVIDENCE_ORDER = "evidence_rank, title_sort, title"

    def practice_cards(self, codes: list[str], audiences=PUBLIC) -> list[dict]:
        """Every practice linked to any of ``codes``, light: id, slug, title,
        url, evidence, topics and the codes of all its kommuner. For weighing
        thousands of candidates without reading their rows in full."""
        if not codes:
            return []
        clause, aparams = self._audience_clause(audiences)
        rows = self.conn.execute(
            f"""SELECT i.id, i.slug, i.title, i.url, i.evidence, i.evidence_rank, i.title_sort,
                       json_extract(i.data, '$.topics') AS topics,
                       (SELECT group_concat(x.code) FROM item_kommuner x WHERE x.item_id = i.id) AS codes
                FROM items i
                WHERE i.id IN (SELECT item_id FROM item_kommuner
                               WHERE code IN ({','.join('?' * len(codes))}) AND type = 'practice' AND {clause})""",
            [*codes, *aparams],
        ).fetchall()
        return [
            {"id": r["id"], "slug": r["slug"], "title": r["title"], "url": r["url"], "evidence": r["evidence"],
             "evidence_rank": r["evidence_rank"], "title_sort": r["title_sort"],
             "topics": json.loads(r["topics"]) if r["topics"] else [], "codes": r["codes"].split(",")}
            for r in rows
        ]

    def topics_in_kommune(self, code: str, audiences=PUBLIC) -> set[str]:
        """The topics of the practices documented in a kommune."""
        clause, aparams = self._audience_clause(audiences)
        rows = self.conn.execute(
            f"""SELECT DISTINCT t.topic FROM item_kommuner l JOIN item_topics t ON t.item_id = l.item_id
                WHERE l.code = ? AND l.type = 'practice' AND l.{clause}""",
            [code, *aparams],
        ).fetchall()
        return {r[0] for r in rows}

    def items_by_ids(self, ids: list[str], audiences=PUBLIC) -> list[dict]:
        if not ids:
            return []
        return self._items(f"id IN ({','.join('?' * len(ids))})", list(ids), audiences)

    def items_with_topic(self, topic: str, types=("practice", "note"), audiences=PUBLIC) -> list[dict]:
        clause, aparams = self._audience_clause(audiences)
        marks = ",".join("?" * len(types))
        return self._items(
            f"id IN (SELECT item_id FROM item_topics WHERE topic = ? AND type IN ({marks}) AND {clause})",
            [topic, *types, *aparams], audiences,
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
        stronger evidence, then Danish title order."""
        topics = practice["data"].get("topics") or []
        if not topics:
            return []
        clause, aparams = self._audience_clause(audiences)
        # Counted on the topic index alone; only the page's few rows are read.
        shared = self.conn.execute(
            f"""SELECT t.item_id, COUNT(*) AS shared, i.evidence_rank, i.title_sort
                FROM item_topics t JOIN items i ON i.id = t.item_id
                WHERE t.topic IN ({','.join('?' * len(topics))}) AND t.type = 'practice' AND t.{clause}
                      AND t.item_id != ?
                GROUP BY t.item_id ORDER BY shared DESC, i.evidence_rank, i.title_sort, i.title LIMIT ?""",
            [*topics, *aparams, practice["id"], int(limit)],
        ).fetchall()
        by_id = {r["id"]: r for r in self.items_by_ids([r[0] for r in shared], audiences)}
        return [by_id[r[0]] for r in shared if r[0] in by_id]

    # -- counts for entry points (covering-index scans of the link tables) ----
    def topic_counts(self, audiences=PUBLIC) -> list[tuple[str, int]]:
        clause, aparams = self._audience_clause(audiences)
        rows = self.conn.execute(
            f"""SELECT topic, COUNT(*) FROM item_topics WHERE type = 'practice' AND {clause}
                GROUP BY topic ORDER BY COUNT(*) DESC, topic""",
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
            f"""SELECT code, COUNT(DISTINCT item_id) FROM item_kommuner
                WHERE type IN ('practice', 'note') AND {clause} GROUP BY code""",
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
            f"""SELECT topic, evidence, COUNT(*) FROM item_topics
                WHERE type = 'practice' AND {clause} GROUP BY topic, evidence""",
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


def store_version(path: Path | str) -> str | None:
    """The layout version a derived database was built with (None before version 2)."""
    store = Store(path)
    try:
        return store.meta().get("store_version")
    finally:
        store.close()


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
    for table, links, columns in (("item_kommuner", kommuner, _KOMMUNE_LINK_COLUMNS), ("item_topics", topics, _TOPIC_LINK_COLUMNS)):
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})", links)
    if record["type"] == "note":
        conn.executemany("INSERT INTO note_practices (note_id, practice_slug) VALUES (?, ?)",
                         [(iid, s) for s in record["practices"]])
