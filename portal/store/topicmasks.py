"""Each practice's topics as bits, so "related practices" is one narrow scan.

A practice page lists the practices sharing the most topics with it (ties:
strongest evidence, then Danish title order). Counted on ``item_topics`` that
is a GROUP BY over every link row of its topics (~11 ms at 10k for three common
topics, growing with the corpus), because the number shared is only known once
all rows are grouped. Here every practice is one row of ``practice_topics``
with its topics as bits of ``m0``..``m3`` (62 bits a column, so no value is
negative); the number shared is a sum of shifted bits that SQLite computes per
row while scanning a table of small rows, and ``ORDER BY … LIMIT`` keeps only
the best few (~2 ms at 10k for the same query). The answer is the same as the
GROUP BY's, tested on random content.

``topic_bits`` gives each topic of any practice a bit. It is filled by the full
build and extended by each publication (a new topic gets the next bit; bits
are never reused within a generation). A topic beyond the columns' 248 bits
makes :func:`related` answer None, and the reader counts the old way.
Flask-free.
"""

from __future__ import annotations

import sqlite3

WORD_BITS = 62
WORDS = 4
_MASKS = ", ".join(
    f"SUM(CASE WHEN b.bit / {WORD_BITS} = {w} THEN 1 << (b.bit % {WORD_BITS}) ELSE 0 END)" for w in range(WORDS)
)
_INSERT = (
    "INSERT INTO practice_topics (item_id, audience, evidence_rank, title_sort, m0, m1, m2, m3) "
    f"SELECT t.item_id, t.audience, t.evidence_rank, t.title_sort, {_MASKS} "
    "FROM (SELECT DISTINCT item_id, audience, evidence_rank, title_sort, topic FROM item_topics t "
    "WHERE type = 'practice' AND {where}) t JOIN topic_bits b ON b.topic = t.topic GROUP BY t.item_id"
)


def create_tables(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS topic_bits (topic TEXT PRIMARY KEY, bit INTEGER NOT NULL)")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS practice_topics (item_id TEXT PRIMARY KEY, audience TEXT, "
        "evidence_rank INTEGER, title_sort TEXT, m0 INTEGER, m1 INTEGER, m2 INTEGER, m3 INTEGER)"
    )


def _assign_bits(conn: sqlite3.Connection, where: str, params=()) -> None:
    """Give every practice topic matched by ``where`` that has none the next free bit."""
    new = [
        t
        for (t,) in conn.execute(
            f"SELECT DISTINCT topic FROM item_topics t WHERE type = 'practice' AND {where} "
            "AND topic NOT IN (SELECT topic FROM topic_bits) ORDER BY topic",
            params,
        )
    ]
    start = conn.execute("SELECT COALESCE(MAX(bit), -1) + 1 FROM topic_bits").fetchone()[0]
    conn.executemany("INSERT INTO topic_bits (topic, bit) VALUES (?, ?)", [(t, start + i) for i, t in enumerate(new)])


def refresh_all(conn: sqlite3.Connection) -> None:
    """Build both tables from ``item_topics`` (the full build; the caller holds the transaction)."""
    create_tables(conn)
    conn.execute("DELETE FROM practice_topics")
    conn.execute("DELETE FROM topic_bits")
    _assign_bits(conn, "1")
    conn.execute(_INSERT.format(where="1"))


def refresh_item(conn: sqlite3.Connection, iid: str) -> None:
    """Replace one item's row after a publication or a withdrawal (in the caller's transaction)."""
    create_tables(conn)
    conn.execute("DELETE FROM practice_topics WHERE item_id = ?", (iid,))
    _assign_bits(conn, "t.item_id = ?", (iid,))
    conn.execute(_INSERT.format(where="t.item_id = ?"), (iid,))


def related(conn: sqlite3.Connection, iid: str, topics, audiences, limit: int) -> list[str] | None:
    """The ids of the ``limit`` practices sharing most of ``topics`` with practice ``iid``
    (ties: strongest evidence, Danish title, id), or None where the bits cannot say."""
    topics = sorted(set(topics))
    try:
        bits = dict(
            conn.execute(f"SELECT topic, bit FROM topic_bits WHERE topic IN ({','.join('?' * len(topics))})", topics)
        )
    except sqlite3.OperationalError:  # a generation built before these tables
        return None
    if any(bit >= WORD_BITS * WORDS for bit in bits.values()):
        return None
    if not bits:  # no practice has any of these topics
        return []
    shared = " + ".join(f"((m{b // WORD_BITS} >> {b % WORD_BITS}) & 1)" for b in sorted(bits.values()))
    words: dict[int, int] = {}
    for b in bits.values():
        words[b // WORD_BITS] = words.get(b // WORD_BITS, 0) | (1 << (b % WORD_BITS))
    any_shared = " OR ".join(f"(m{w} & {mask}) != 0" for w, mask in sorted(words.items()))
    audiences = sorted(audiences)
    return [
        r[0]
        for r in conn.execute(
            f"SELECT item_id FROM practice_topics WHERE audience IN ({','.join('?' * len(audiences))}) "
            f"AND item_id != ? AND ({any_shared}) ORDER BY {shared} DESC, evidence_rank, title_sort, item_id LIMIT ?",
            [*audiences, iid, int(limit)],
        )
    ]
