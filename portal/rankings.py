"""From a ranking to the methods behind it: top and bottom kommuner linked to practice.

The portal's distinctive promise: a reader goes from "who does best" to "what
they do". For a ranking we take the top N and bottom N rows (by published
rank; rank 1 is the best whichever way the measure points), list the practices
documented in each of those kommuner (today's kommune, since the rows carry
pre-2007 names), and for each bottom kommune suggest practices from the top
kommuner — those sharing the most topics with what the bottom kommune has
documented first, then by strength of evidence ("what the fastest kommuner do").

Flask-free; reads through :class:`portal.store.Store`.
"""

from __future__ import annotations

from .content import kommuner as kommune_registry
from .store import PUBLIC, Store

MAX_SUGGESTIONS = 5
#: Practices listed under each top and bottom kommune (the strongest evidence first).
PRACTICES_PER_KOMMUNE = 5


def kommune_json(code: str | None) -> dict | None:
    if not code:
        return None
    k = kommune_registry.by_code(code)
    return {"code": k.code, "name": k.name, "region": k.region, "slug": k.slug}


def _practice_summary(item: dict) -> dict:
    return {
        "id": item["slug"],
        "title": item["title"],
        "url": item["url"],
        "evidence": item["evidence"],
        "topics": item["data"].get("topics") or [],
    }


def row_json(row: dict) -> dict:
    return {
        "rank": row["rank"],
        "kommune_as_published": row["kommune_as_published"],
        "kommune": kommune_json(row["code"]),
        "effect": row["effect"],
        "observed": row["observed"],
        "expected": row["expected"],
        "significance": row["significance"] or "",
        "cases": row["cases"],
        "share_completed": row["share_completed"],
        "previous_rank": row["previous_rank"],
        "movement": (row["previous_rank"] - row["rank"]) if row["previous_rank"] else None,
    }


def linked_ranking(store: Store, slug: str, top_n: int = 5, audiences=PUBLIC,
                   per_kommune: int = PRACTICES_PER_KOMMUNE) -> dict | None:
    """The ranking with its rows, and its top and bottom rows linked to practice.

    Each linked row lists its kommune's ``per_kommune`` practices with the
    strongest evidence (``practices_total`` says how many there are; the page
    links to the search for all of them). Suggestions for a bottom kommune are
    weighed over *every* practice of the top kommuner, not only those listed.
    """
    item = store.get("ranking", slug, audiences)
    if item is None:
        return None
    rows = [row_json(r) for r in store.ranking_rows(slug)]
    n = max(0, min(top_n, len(rows) // 2))
    top_rows, bottom_rows = rows[:n], (rows[len(rows) - n:] if n else [])
    code_of = lambda row: row["kommune"] and row["kommune"]["code"]  # noqa: E731
    # One read of the link table gives every practice of the linked kommuner,
    # strongest evidence first, with its topics: the lists, the counts and
    # the weighing of suggestions all come from it; only the practices shown
    # are read in full, at the end.
    linked = store.kommune_practices(sorted({code_of(r) for r in top_rows + bottom_rows if code_of(r)}), audiences)
    codes_of: dict[str, set[str]] = {}
    for code, practices in linked.items():
        for p in practices:
            codes_of.setdefault(p["id"], set()).add(code)

    published_as = {code_of(r): r["kommune_as_published"] for r in top_rows if code_of(r)}
    pool = {p["id"]: p for code in published_as for p in linked[code]}
    candidates = sorted(pool, key=lambda i: (pool[i]["evidence_rank"], pool[i]["title_sort"], i))

    def listed(row: dict) -> dict:
        own = linked.get(code_of(row), [])
        return dict(row, practices=[p["id"] for p in own[:per_kommune]], practices_total=len(own))

    top = [listed(row) for row in top_rows]
    bottom = [listed(row) for row in bottom_rows]
    for row in bottom:
        own_topics = set().union(*(p["topics"] for p in linked.get(code_of(row), [])))
        row["suggested_practices"] = suggest(own_topics, candidates, pool)

    shown = [i for row in top + bottom for i in row["practices"]]
    shown += [s["id"] for row in bottom for s in row["suggested_practices"]]
    summary = {p["id"]: _practice_summary(p) for p in store.items_by_ids(shown, audiences)}
    for row in top + bottom:
        row["practices"] = [summary[i] for i in row["practices"] if i in summary]
    for row in bottom:
        code = code_of(row)
        row["suggested_practices"] = [
            dict(summary[s["id"]], from_kommuner=[published_as[c] for c in published_as if c in codes_of[s["id"]]],
                 shared_topics=s["shared_topics"], shared=code in codes_of[s["id"]])
            for s in row["suggested_practices"] if s["id"] in summary
        ]

    data = item["data"]
    return {
        "slug": slug,
        "title": item["title"],
        "source": data.get("source"),
        "published": data.get("published"),
        "period": data.get("period"),
        "measure": data.get("measure"),
        "unit": data.get("unit"),
        "notes": data.get("notes"),
        "previous_edition": data.get("previous_edition"),
        "lower_is_better": data.get("lower_is_better"),
        "rows": rows,
        "national": data.get("national"),
        "top": top,
        "bottom": bottom,
    }


def suggest(own_topics: set[str], candidates: list[str], pool: dict[str, dict], limit: int = MAX_SUGGESTIONS) -> list[dict]:
    """The ``limit`` candidates sharing the most topics with the bottom
    kommune's own practices (``[{"id", "shared_topics"}]``); ties keep the
    order of ``candidates`` (strongest evidence, then Danish title order):
    the sort is stable.

    A practice the bottom kommune has documented itself (a joint project) is
    still listed — it is what the top kommune does too — and marked ``shared``
    by the caller.
    """
    shared = [len(own_topics & pool[i]["topics"]) for i in candidates]
    best = sorted(range(len(candidates)), key=shared.__getitem__, reverse=True)[:limit]
    return [{"id": candidates[k], "shared_topics": sorted(own_topics & pool[candidates[k]]["topics"])} for k in best]


def kommune_rankings(store: Store, code: str) -> list[dict]:
    """Every ranking row of a kommune, under the name it had then (never averaged)."""
    return [
        {
            "ranking": r["ranking_slug"],
            "title": r["ranking_title"],
            "rank": r["rank"],
            "of": r["of"],
            "as": r["kommune_as_published"],
            "effect": r["effect"],
            "significance": r["significance"] or "",
            "previous_rank": r["previous_rank"],
        }
        for r in store.ranking_rows_for_kommune(code)
    ]


CSV_COLUMNS = (
    "rank", "kommune_as_published", "kommune_code", "kommune_name", "region", "observed", "expected",
    "effect", "significance", "cases", "share_completed", "previous_rank",
)


def ranking_csv(ranking: dict) -> str:
    """The full table as CSV (comma-separated, decimal point, national row last)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in ranking["rows"]:
        k = r["kommune"] or {}
        writer.writerow([
            r["rank"], r["kommune_as_published"], k.get("code", ""), k.get("name", ""), k.get("region", ""),
            _num(r["observed"]), _num(r["expected"]), _num(r["effect"]), r["significance"], _num(r["cases"]),
            _num(r["share_completed"]), _num(r["previous_rank"]),
        ])
    national = ranking.get("national")
    if national:
        writer.writerow([
            "", "Hele landet", "", "", "", _num(national.get("observed")), _num(national.get("expected")),
            _num(national.get("effect")), "", _num(national.get("cases")), _num(national.get("share_completed")), "",
        ])
    return out.getvalue()


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


SORT_KEYS = {
    "rang": "rank",
    "kommune": "kommune_as_published",
    "observeret": "observed",
    "forventet": "expected",
    "effekt": "effect",
    "forloeb": "cases",
    "andel": "share_completed",
}


def sorted_rows(rows: list[dict], key: str, descending: bool) -> list[dict]:
    """Rows sorted by a column (missing values last), for the sortable table."""
    from .content.kommuner import danish_sort_key

    field = SORT_KEYS[key]

    def sort_key(row):
        value = row[field]
        if value is None:
            return (1, 0)
        return (0, danish_sort_key(value) if field == "kommune_as_published" else value)

    present = [r for r in rows if r[field] is not None]
    missing = [r for r in rows if r[field] is None]
    return sorted(present, key=sort_key, reverse=descending) + missing
