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
from .content import vocabulary
from .content.kommuner import danish_sort_key
from .content.loader import Content
from .content.schema import EVIDENCE
from .rendering import html_to_text, render_markdown

PUBLIC = frozenset({"public"})

#: The layout of the derived database. A generation built by an older layout is
#: not served (see :func:`store_version`); ``flask ingest`` builds a current one.
STORE_VERSION = "4"

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


def _sort_keys(record: dict) -> dict:
    """The keys pages sort by, kept with the item and repeated on its links:
    Danish alphabetical order in SQL (æ, ø, å last; "aa" as "å" — byte order
    of ``title_sort`` is the order danish_sort_key gives in Python), and the
    strength of its evidence."""
    return {"title_sort": danish_sort_key(record["title"])[0],
            "evidence_rank": EVIDENCE_RANK.get(record.get("evidence"), NO_EVIDENCE_RANK)}


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
        **_sort_keys(record),
        "data": json.dumps(data, ensure_ascii=False),
        "summary": text[:SUMMARY_CHARS],
        "path": record.get("path"),
        # in the item_bodies table:
        "body_md": body_md,
        "body_html": body_html,
        "text": text,
    }


def _links(record: dict) -> tuple[list[dict], list[dict]]:
    """The item's rows in ``item_kommuner`` and ``item_topics``.

    Each link row repeats the item's type, audience, evidence and sort keys,
    so the counts, the kommune lists and the related practices are found and
    ordered on the link tables' indexes alone, without visiting thousands of
    item rows per page.
    """
    iid = item_id(record["type"], record["slug"])
    places = record.get("kommuner") or record.get("members") or []
    if record["type"] == "ranking":
        places = [r["kommune"] for r in record["rows"] if r.get("kommune")]
    same = {"item_id": iid, "type": record["type"], "audience": _audience(record), "evidence": record.get("evidence"),
            **_sort_keys(record)}
    # The topics ride along with the kommune links: a ranking weighs the
    # topics of every practice of ten kommuner (see kommune_practices).
    # Canonical topics (content/vocabulary.py): the evidence map, topic counts and
    # related practices count "flygtningeområdet" as "flygtninge".
    canonical = vocabulary.canonical_list("topic", record.get("topics"))
    topic_list = json.dumps(canonical, ensure_ascii=False)
    kommuner = [dict(same, code=k["code"], as_name=k["as"], topics=topic_list) for k in places]
    topics = [dict(same, topic=t) for t in canonical]
    return kommuner, topics


_LINK_COLUMNS = {"item_id": str, "type": str, "audience": str, "evidence": str, "evidence_rank": int, "title_sort": str}
_KOMMUNE_LINK_COLUMNS = {**_LINK_COLUMNS, "code": str, "as_name": str, "topics": str}
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
        db["items"].insert_all(({c: row[c] for c in _ITEM_COLUMNS} for row in items), pk="id", columns=_ITEM_COLUMNS)
        db["item_bodies"].insert_all(({c: row[c] for c in _BODY_COLUMNS} for row in items), pk="id", columns=_BODY_COLUMNS)
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
        db["item_kommuner"].create_index(["code", "type", "audience", "title_sort"])
        db["item_kommuner"].create_index(["code", "type", "audience", "evidence_rank", "title_sort"])
        db["item_kommuner"].create_index(["item_id"])
        db["item_topics"].create_index(["topic", "type", "audience", "item_id", "evidence_rank", "title_sort"])
        db["item_topics"].create_index(["item_id"])
        db["note_practices"].create_index(["practice_slug"])
        db["ranking_rows"].create_index(["code"])
        db.execute("CREATE TABLE counts (kind TEXT, audience TEXT, key TEXT, sub TEXT, n INTEGER)")
        db.execute("CREATE INDEX idx_counts ON counts (kind, audience)")
        refresh_counts(db.conn)
    conn.execute("ANALYZE")  # statistics, so the planner picks the right one of the link indexes
    conn.close()
    return Counter(i["type"] for i in items)


# The bodies (~16 KB an item) live in their own table: in ``items`` they made
# every row span overflow pages, and listings, counts and lookups of
# thousands of items slow (5 µs a row at 10k items instead of ~1).
_ITEM_COLUMNS = {
    "id": str, "type": str, "slug": str, "title": str, "title_sort": str, "url": str, "audience": str,
    "network": str, "date": str, "evidence": str, "evidence_rank": int, "data": str, "summary": str, "path": str,
}
_BODY_COLUMNS = {"id": str, "body_md": str, "body_html": str, "text": str}
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
        """One item with its bodies (``body_md``, ``body_html``, ``text``)."""
        rows = self._items("id = ?", [item_id(type_, slug)], audiences, columns="*")
        if not rows:
            return None
        return {**rows[0], **self._q("SELECT body_md, body_html, text FROM item_bodies WHERE id = ?", (rows[0]["id"],))[0]}

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
        sql = (f"SELECT DISTINCT item_id, title_sort FROM item_kommuner WHERE code = ? AND type = ? AND {clause} "
               f"ORDER BY {self.LINK_TITLE_ORDER}")
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

    def kommune_practices(self, codes: list[str], audiences=PUBLIC) -> dict[str, list[dict]]:
        """code → the practices linked to it, light and strongest evidence
        first: ``{"id", "evidence_rank", "title_sort", "topics"}``. One read
        of the link table, for weighing hundreds of practices without
        reading their rows (the ranking page)."""
        out: dict[str, list[dict]] = {code: [] for code in codes}
        if not codes:
            return out
        clause, aparams = self._audience_clause(audiences)
        topics_of: dict[str, frozenset] = {}
        for iid, code, rank, title_sort, topics in self.conn.execute(
                f"""SELECT item_id, code, evidence_rank, title_sort, topics FROM item_kommuner
                    WHERE code IN ({','.join('?' * len(codes))}) AND type = 'practice' AND {clause}
                    ORDER BY {self.LINK_EVIDENCE_ORDER}""", [*codes, *aparams]):
            if iid not in topics_of:
                topics_of[iid] = frozenset(json.loads(topics) if topics else ())
            out[code].append({"id": iid, "evidence_rank": rank, "title_sort": title_sort, "topics": topics_of[iid]})
        return out

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
            [vocabulary.canonical("topic", topic), *types, *aparams], audiences,
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
        stronger evidence, then Danish title order. Counted and ordered on the
        topic links alone; only the rows shown are read."""
        topics = practice["data"].get("topics") or []
        if not topics:
            return []
        clause, aparams = self._audience_clause(audiences)
        ids = [r[0] for r in self.conn.execute(
            f"""SELECT item_id FROM item_topics
                WHERE topic IN ({','.join('?' * len(topics))}) AND type = 'practice' AND {clause} AND item_id != ?
                GROUP BY item_id ORDER BY COUNT(*) DESC, MIN(evidence_rank), MIN(title_sort), item_id LIMIT ?""",
            [*topics, *aparams, practice["id"], int(limit)],
        )]
        return self.items_by_ids(ids, audiences, keep_order=True)

    # -- counts for entry points (from the counts table, summed over audiences) ---
    def _counts(self, kind: str, audiences) -> list[tuple[str, str, int]]:
        clause, aparams = self._audience_clause(audiences)
        return [tuple(r) for r in self.conn.execute(
            f"SELECT key, sub, SUM(n) FROM counts WHERE kind = ? AND {clause} GROUP BY key, sub", [kind, *aparams])]

    def topic_counts(self, audiences=PUBLIC) -> list[tuple[str, int]]:
        return sorted(((topic, n) for topic, _sub, n in self._counts("topic", audiences)), key=lambda tn: (-tn[1], tn[0]))

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
)


def refresh_counts(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM counts")
    for select in _COUNTS:
        conn.execute(f"INSERT INTO counts (kind, audience, key, sub, n) {select}")


def text_of(conn: sqlite3.Connection, iid: str) -> str | None:
    """The plain text of an item (for snippets), or None."""
    row = conn.execute("SELECT text FROM item_bodies WHERE id = ?", (iid,)).fetchone()
    return row[0] if row else None


def full_rows(conn: sqlite3.Connection, where: str = "1", params=()) -> list[dict]:
    """Item rows with their bodies, as :func:`item_row` makes them."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row  # this query's rows only; the caller's connection is left as it is
    return [dict(r) for r in cursor.execute(
        f"SELECT i.*, b.body_md, b.body_html, b.text FROM items i JOIN item_bodies b ON b.id = i.id WHERE {where}", params)]


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
    for table, key in (("items", "id"), ("item_bodies", "id"), ("item_kommuner", "item_id"), ("item_topics", "item_id"),
                       ("note_practices", "note_id")):
        conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (iid,))
    for table, columns in (("items", list(_ITEM_COLUMNS)), ("item_bodies", list(_BODY_COLUMNS))):
        conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [row[c] for c in columns])
    kommuner, topics = _links(record)
    for table, links, columns in (("item_kommuner", kommuner, _KOMMUNE_LINK_COLUMNS), ("item_topics", topics, _TOPIC_LINK_COLUMNS)):
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})", links)
    refresh_counts(conn)
    if record["type"] == "note":
        conn.executemany("INSERT INTO note_practices (note_id, practice_slug) VALUES (?, ?)",
                         [(iid, s) for s in record["practices"]])
