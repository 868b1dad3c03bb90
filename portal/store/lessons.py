"""What each ranked kommune documents, and what the top kommuner offer it: precomputed.

For every row of a ranking this works out, from the link tables of the derived
database, what the ranking page and the kommune pages show beside it:

- ``practices``: the kommune's first ``per_kommune`` practices, strongest evidence
  first, then Danish title order; ``practices_total``: how many it has;
- for a row in the lower half of its ranking ("Lær af de hurtigste"): the
  practices of the ranking's top kommuner it could learn from, those sharing the
  most topics with what it documents itself first (ties: strongest evidence, then
  title), split into ``suggested_practices`` (a shown effect) and
  ``other_practices``, each ``{"id", "shared_topics", "from_kommuner"}``.

All of that grows with the number of practices (every practice of the top
kommuner is weighed for every lower row), so it is computed when the data
changes, not when a page is viewed: :func:`refresh` fills the ``ranking_links``
table in the same write transaction as the full build and as each publication
(:mod:`portal.store.writer`), and a page reads a ranking's entries with one
indexed lookup (:meth:`portal.store.Store.ranking_links`). The same
:func:`compute` answers live for settings the table was not built for (another
``RANKING_TOP_N``). Only public practices are weighed: the table serves anonymous
pages. Flask-free.
"""

from __future__ import annotations

import heapq
import json
import sqlite3

from .rows import EVIDENCE_RANK

#: The top and bottom kommuner a ranking links to practice (the setting RANKING_TOP_N's default).
DEFAULT_TOP_N = 5
#: Practices listed under each top and bottom kommuner (the strongest evidence first).
PRACTICES_PER_KOMMUNE = 5
MAX_SUGGESTIONS = 5
PUBLIC = frozenset({"public"})
LESSON_KEYS = ("suggested_practices", "other_practices")
#: Evidence ranks (rows.EVIDENCE_RANK) of practices that show an effect, clearly or partly.
SHOWS_EFFECT_RANKS = {EVIDENCE_RANK["effekt"], EVIDENCE_RANK["delvis-effekt"]}

COLUMNS = {"ranking_slug": str, "top_n": int, "rank": int, "code": str, "data": str}
_ORDER = "evidence_rank, title_sort, item_id"


def top_count(n_rows: int, top_n: int) -> int:
    """How many rows are "top" (and as many "bottom"): never more than half the ranking."""
    return max(0, min(top_n, n_rows // 2))


def in_lower_half(rank: int, n_rows: int) -> bool:
    """Below the middle of its ranking: where "Lær af de hurtigste" is offered."""
    return bool(n_rows) and rank > n_rows / 2


def _in(values) -> str:
    return ",".join("?" * len(values))


def suggest(own_topics: set[str], candidates: list[str], topics_of: dict, limit: int = MAX_SUGGESTIONS) -> list:
    """The ``limit`` candidates sharing the most topics with ``own_topics``; ties keep
    the order of ``candidates`` (strongest evidence, then Danish title order):
    ``heapq.nlargest`` is documented to equal a stable sort's first ``limit``."""
    shared = [len(own_topics & topics_of[i]) for i in candidates]
    best = heapq.nlargest(limit, range(len(candidates)), key=shared.__getitem__)
    return [(candidates[k], sorted(own_topics & topics_of[candidates[k]])) for k in best]


def lessons_for(
    code,
    own_topics: set[str],
    candidates: list[str],
    topics_of: dict,
    codes_of: dict,
    shows: set,
    bound: int,
    limit: int = MAX_SUGGESTIONS,
) -> tuple[list, list]:
    """:func:`suggest` over the candidates not of kommune ``code``, those with a shown effect
    and the rest apart, in one pass that stops early.

    ``bound`` is the most topics any candidate can share (the most any has). Once a group
    holds ``limit`` candidates sharing that many, no later one can come before them
    (the order breaks ties), so the group takes no more: at 100k a kommune's own topics
    cover nearly all topics and the strongest candidates reach the bound within a few
    dozen instead of the top kommuner's thousands.
    """
    bound = min(bound, len(own_topics))
    groups: tuple[list, list] = ([], [])
    full = [0, 0]  # per group: how many share ``bound`` topics
    for iid in candidates:
        if code in codes_of.get(iid, ()):
            continue  # never a kommune's own practice
        g = 0 if iid in shows else 1
        if full[g] >= limit:
            if full[1 - g] >= limit:
                break
            continue
        groups[g].append(iid)
        if len(own_topics & topics_of[iid]) == bound:
            full[g] += 1
    return suggest(own_topics, groups[0], topics_of, limit), suggest(own_topics, groups[1], topics_of, limit)


def compute(
    conn: sqlite3.Connection,
    slug: str,
    top_n: int = DEFAULT_TOP_N,
    per_kommune: int = PRACTICES_PER_KOMMUNE,
    audiences=PUBLIC,
    codes: set[str] | None = None,
) -> dict[int, dict]:
    """rank → entry (see the module's docstring) for every row of ranking ``slug``,
    or only the rows of kommuner ``codes``."""
    audiences = sorted(audiences)
    ranked = conn.execute(
        "SELECT rank, code, kommune_as_published FROM ranking_rows WHERE ranking_slug = ? ORDER BY rank", (slug,)
    ).fetchall()
    top = ranked[: top_count(len(ranked), top_n)]
    published_as = {code: name for _rank, code, name in top if code}
    # Every practice of the top kommuner, strongest evidence first: the candidates of every lesson.
    candidates, topics_of, shows = [], {}, set()
    for iid, evidence_rank, topics in conn.execute(
        f"SELECT item_id, evidence_rank, topics FROM item_kommuner WHERE code IN ({_in(published_as)}) "
        f"AND type = 'practice' AND audience IN ({_in(audiences)}) ORDER BY {_ORDER}",
        [*published_as, *audiences],
    ):
        if iid not in topics_of:
            candidates.append(iid)
            topics_of[iid] = frozenset(json.loads(topics) if topics else ())
            if evidence_rank in SHOWS_EFFECT_RANKS:
                shows.add(iid)
    bound = max((len(t) for t in topics_of.values()), default=0)
    codes_of: dict[str, set[str]] = {}  # every kommune of each candidate: a kommune never learns from its own
    for iid, code in conn.execute(
        "SELECT item_id, code FROM item_kommuner WHERE item_id IN (SELECT value FROM json_each(?))",
        (json.dumps(candidates),),
    ):
        codes_of.setdefault(iid, set()).add(code)
    out = {}
    for rank, code, _name in ranked:
        if codes is not None and code not in codes:
            continue
        entry = _own(conn, code, per_kommune, audiences)
        if in_lower_half(rank, len(ranked)):
            own_topics = _own_topics(conn, code, audiences)
            found = lessons_for(code, own_topics, candidates, topics_of, codes_of, shows, bound)
            for key, group in zip(LESSON_KEYS, found):
                entry[key] = [
                    {
                        "id": iid,
                        "shared_topics": shared,
                        "from_kommuner": [published_as[c] for c in published_as if c in codes_of.get(iid, ())],
                    }
                    for iid, shared in group
                ]
        out[rank] = dict(entry, code=code)
    return out


def _own(conn: sqlite3.Connection, code: str | None, per_kommune: int, audiences: list) -> dict:
    """The kommune's first practices and their number, on the link table's index alone."""
    if not code:
        return {"practices": [], "practices_total": 0}
    where = f"code = ? AND type = 'practice' AND audience IN ({_in(audiences)})"
    ids = conn.execute(
        f"SELECT item_id FROM item_kommuner WHERE {where} GROUP BY item_id ORDER BY MIN(evidence_rank), "
        f"MIN(title_sort), item_id LIMIT ?",
        [code, *audiences, int(per_kommune)],
    ).fetchall()
    total = conn.execute(f"SELECT COUNT(DISTINCT item_id) FROM item_kommuner WHERE {where}", [code, *audiences])
    return {"practices": [i for (i,) in ids], "practices_total": total.fetchone()[0]}


def _own_topics(conn: sqlite3.Connection, code: str | None, audiences: list) -> set[str]:
    """Every topic of the kommune's practices (in SQLite: thousands of link rows at 100k)."""
    if not code:
        return set()
    return {
        t
        for (t,) in conn.execute(
            f"SELECT DISTINCT j.value FROM item_kommuner k, json_each(k.topics) j "
            f"WHERE k.code = ? AND k.type = 'practice' AND k.audience IN ({_in(audiences)})",
            [code, *audiences],
        )
    }


def create_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS ranking_links (ranking_slug TEXT, top_n INTEGER, rank INTEGER, code TEXT, "
        "data TEXT, PRIMARY KEY (ranking_slug, top_n, rank))"
    )


def refresh(conn: sqlite3.Connection, slugs=None, codes: set[str] | None = None) -> None:
    """Recompute the stored entries (the caller holds the write transaction).

    ``slugs``: these rankings only (default every ranking). ``codes``: a practice of
    these kommuner changed (or moved between them): a ranking whose top holds one of
    them is recomputed whole (its candidates changed), any other only in those
    kommuner's rows. A ranking that no longer exists loses its entries.
    """
    create_table(conn)
    if slugs is None:
        slugs = [s for (s,) in conn.execute("SELECT DISTINCT ranking_slug FROM ranking_rows")]
        conn.execute("DELETE FROM ranking_links WHERE ranking_slug NOT IN (SELECT ranking_slug FROM ranking_rows)")
    for slug in slugs:
        only = codes
        if codes is not None:
            ranked = [
                c
                for (c,) in conn.execute("SELECT code FROM ranking_rows WHERE ranking_slug = ? ORDER BY rank", (slug,))
            ]
            if not codes & set(ranked):
                continue
            if codes & set(ranked[: top_count(len(ranked), DEFAULT_TOP_N)]):
                only = None
        entries = compute(conn, slug, codes=only)
        if only is None:
            conn.execute("DELETE FROM ranking_links WHERE ranking_slug = ?", (slug,))
        conn.executemany(
            "INSERT OR REPLACE INTO ranking_links (ranking_slug, top_n, rank, code, data) VALUES (?, ?, ?, ?, ?)",
            [(slug, DEFAULT_TOP_N, rank, e["code"], json.dumps(e, ensure_ascii=False)) for rank, e in entries.items()],
        )


def refresh_for_change(conn: sqlite3.Connection, kind: str, slug: str, old_codes: set[str], new_codes=()) -> None:
    """Keep the entries true after one item changed (a publication or a withdrawal):
    a ranking is recomputed whole, a practice in the rows of its old and new kommuner."""
    if kind == "ranking":
        conn.execute("DELETE FROM ranking_links WHERE ranking_slug = ?", (slug,))
        refresh(
            conn,
            slugs=[
                s
                for (s,) in conn.execute(
                    "SELECT DISTINCT ranking_slug FROM ranking_rows WHERE ranking_slug = ?", (slug,)
                )
            ],
        )
    elif kind == "practice" and (old_codes or new_codes):
        refresh(conn, codes=set(old_codes) | set(new_codes))


def codes_of_item(conn: sqlite3.Connection, iid: str) -> set[str]:
    """The kommuner an item is linked to now (read before a publication replaces its rows)."""
    return {c for (c,) in conn.execute("SELECT code FROM item_kommuner WHERE item_id = ?", (iid,))}
