"""A minimal SQLite FTS5 search over the same corpus and queries — the yardstick.

Not part of the portal; a measurement tool (issue 7 asks every run to show
where Whoosh stands against a minimal FTS5 search). What it does, and how it
differs from ``search_index``:

* Text: the generation's own ``portal.db`` (``items.text`` – the same
  rendered plain text the Whoosh index got – plus organisation and target
  groups), and the 98 kommune pages, as in the Whoosh index.
* Analysis: every word is replaced by its Danish *fold-then-stem* form from
  ``search_index.analysis.canonical_term`` (Snowball Danish stemmer, Danish
  stop words, æ/ø/å folding), so Århus/Aarhus and flygtningene/flygtninge meet
  exactly as in Whoosh. FTS5 then only tokenizes on spaces (``unicode61``).
  Whoosh indexes up to two forms per word; this indexes one.
* Query: ``search_index.querying.parse_query`` (same words / "phrases" /
  prefix*), each clause → an FTS5 term, phrase or prefix; clauses OR-ed (as
  Whoosh's match set), ranked by ``bm25`` with the same field weights
  (title 3, kommune names 2, topics 1.5, body 1). No all-words tier, no
  spelling suggestions.
* Facets: disjunctive counts (each facet counted with the other facets'
  filters applied) by SQL ``GROUP BY`` over the matched rowids, held in a
  temp table; total exact; public audience only.
* Snippet: FTS5 ``snippet()`` of the body column for the hits of the page.
  The column holds stems, so the snippet shows stems — the cost is what is
  measured here, not the wording.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

from portal.content import kommuner as kommune_registry
from portal.indexing import former_names, kommune_text
from search_index import SearchRequest
from search_index.analysis import canonical_term, prefix_term
from search_index.querying import parse_query

_WORD_RE = re.compile(r"\w+")
FACETS = ("type", "kommune", "region", "topic", "evidence")


class _Stemmer:
    def __init__(self):
        self.cache: dict[str, str | None] = {}

    def term(self, word: str) -> str | None:
        try:
            return self.cache[word]
        except KeyError:
            t = canonical_term(word)
            self.cache[word] = t
            return t

    def text(self, text: str) -> str:
        out = []
        for w in _WORD_RE.findall(text.lower()):
            t = self.term(w)
            if t:
                out.append(t)
        return " ".join(out)


def build(portal_db: Path | str, path: Path | str) -> float:
    """Build the FTS5 database at ``path`` from a generation's ``portal.db``; returns seconds."""
    started = time.monotonic()
    path = Path(path)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{portal_db}?mode=ro", uri=True)
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, type TEXT, audience TEXT,
                          evidence TEXT, title TEXT, url TEXT);
        CREATE TABLE facets(docid INTEGER, facet TEXT, value TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, body, names, topics, tokenize='unicode61');
        """
    )
    stem = _Stemmer()
    names = {k.code: k for k in kommune_registry.all_kommuner()}
    links: dict[str, list[tuple[str, str]]] = {}
    for item_id, code, as_name in src.execute("SELECT item_id, code, as_name FROM item_kommuner"):
        links.setdefault(item_id, []).append((code, as_name))
    rowid = 0
    docs, facets, fts = [], [], []

    def add(doc_id, type_, audience, evidence, title, url, body, kommune_codes, name_list, regions, topics):
        nonlocal rowid
        rowid += 1
        docs.append((rowid, doc_id, type_, audience, evidence, title, url))
        facets.append((rowid, "type", type_))
        if evidence:
            facets.append((rowid, "evidence", evidence))
        facets.extend((rowid, "kommune", c) for c in dict.fromkeys(kommune_codes))
        facets.extend((rowid, "region", r) for r in dict.fromkeys(regions))
        facets.extend((rowid, "topic", t) for t in dict.fromkeys(topics))
        fts.append(
            (rowid, stem.text(title), stem.text(body), stem.text(" ".join(name_list)), stem.text(" ".join(topics)))
        )

    rows = src.execute(
        "SELECT i.id, i.type, i.audience, i.evidence, i.title, i.url, b.text, i.data "
        "FROM items i JOIN item_bodies b ON b.id = i.id"
    )
    for doc_id, type_, audience, evidence, title, url, text, data in rows:
        data = json.loads(data or "{}")
        extra = [data.get("organisation") or "", " ".join(data.get("target_groups") or [])]
        ks = links.get(doc_id, []) if type_ != "ranking" else []
        codes = [c for c, _ in ks if c]
        name_list = []
        for c, as_name in ks:
            name_list += [n for n in (names[c].name if c in names else None, as_name) if n]
        regions = sorted(
            {names[c].region for c in codes if c in names} | ({data["region"]} if data.get("region") else set())
        )
        add(
            doc_id,
            type_,
            audience,
            evidence,
            title,
            url,
            "\n".join([text or "", *extra]),
            codes,
            name_list,
            regions,
            list(data.get("topics") or []),
        )
    for k in kommune_registry.all_kommuner():
        add(
            f"kommune:{k.code}",
            "kommune",
            "public",
            None,
            f"{k.name} Kommune",
            f"/kommuner/{k.slug}",
            kommune_text(k),
            [k.code],
            [k.name, *former_names(k)],
            [k.region],
            [],
        )
    with conn:
        conn.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", docs)
        conn.executemany("INSERT INTO facets VALUES (?,?,?)", facets)
        conn.executemany("INSERT INTO fts(rowid, title, body, names, topics) VALUES (?,?,?,?,?)", fts)
        conn.execute("CREATE INDEX facets_fv ON facets(facet, value, docid)")
        conn.execute("CREATE INDEX facets_d ON facets(docid, facet)")
        conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.close()
    src.close()
    return time.monotonic() - started


class FTS5Search:
    """Search the FTS5 database with the portal's ``SearchRequest``."""

    def __init__(self, path: Path | str):
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.conn.execute("CREATE TEMP TABLE m(rowid INTEGER PRIMARY KEY, score REAL)")
        self.stem = _Stemmer()

    def close(self) -> None:
        self.conn.close()

    def match_expression(self, q: str) -> str | None:
        parts = []
        for clause in parse_query(q).clauses:
            if clause.kind == "prefix":
                parts.append(f'"{prefix_term(clause.words[0])}" *')
            else:
                terms = [t for t in (self.stem.term(w) for w in clause.words) if t]
                if terms:
                    parts.append('"' + " ".join(terms) + '"')
        return " OR ".join(parts) if parts else None

    def search(self, req: SearchRequest) -> dict:
        expr = self.match_expression(req.q)
        c = self.conn
        c.execute("DELETE FROM m")
        audiences = sorted(req.audiences)
        aud = f"audience IN ({','.join('?' * len(audiences))})"
        if expr is None:
            c.execute(f"INSERT INTO m SELECT rowid, 0 FROM docs WHERE {aud}", audiences)
        else:
            # CROSS JOIN keeps fts as the outer loop: the MATCH runs once, not once per docs row.
            c.execute(
                f"INSERT INTO m SELECT fts.rowid, bm25(fts, 3.0, 1.0, 2.0, 1.5) FROM fts "
                f"CROSS JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? AND d.{aud}",
                [expr, *audiences],
            )

        def where(skip: str | None) -> tuple[str, list]:
            sql, params = [], []
            for facet, values in req.filters.items():
                if facet == skip or not values:
                    continue
                sql.append(
                    f"m.rowid IN (SELECT docid FROM facets WHERE facet = ? AND value IN ({','.join('?' * len(values))}))"
                )
                params += [facet, *values]
            return (" AND ".join(sql) or "1"), params

        facets = {}
        for facet in FACETS:
            w, params = where(facet)
            facets[facet] = dict(
                c.execute(
                    f"SELECT f.value, COUNT(*) FROM facets f JOIN m ON m.rowid = f.docid "
                    f"WHERE f.facet = ? AND {w} GROUP BY f.value ORDER BY COUNT(*) DESC",
                    [facet, *params],
                )
            )
        w, params = where(None)
        total = c.execute(f"SELECT COUNT(*) FROM m WHERE {w}", params).fetchone()[0]
        per_page = max(1, min(req.per_page, 100))
        offset = (max(1, req.page) - 1) * per_page
        # the page first (from the temp table), then title and snippet for its rows only
        order = "d.title" if expr is None else "m.score"
        page = c.execute(
            f"SELECT m.rowid, d.id, d.title FROM m CROSS JOIN docs d ON d.rowid = m.rowid WHERE {w} "
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, per_page, offset],
        ).fetchall()
        hits = []
        for rowid, doc_id, title in page:
            if expr is None:
                snip = c.execute("SELECT substr(body, 1, 200) FROM fts WHERE rowid = ?", (rowid,)).fetchone()[0]
            else:
                snip = c.execute(
                    "SELECT snippet(fts, 1, '<mark>', '</mark>', '…', 24) FROM fts WHERE fts MATCH ? AND rowid = ?",
                    (expr, rowid),
                ).fetchone()[0]
            hits.append((doc_id, title, snip))
        return {"total": total, "hits": hits, "facets": facets}
