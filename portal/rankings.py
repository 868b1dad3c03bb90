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
from .store import PUBLIC, Store, lessons
from .store.lessons import DEFAULT_TOP_N, LESSON_KEYS, PRACTICES_PER_KOMMUNE


def kommune_json(code: str | None) -> dict | None:
    if not code:
        return None
    k = kommune_registry.by_code(code)
    return {"code": k.code, "name": k.name, "official_name": k.official_name, "region": k.region, "slug": k.slug}


def _practice_summary(item: dict) -> dict:
    return {
        "id": item["slug"],
        "title": item["title"],
        "url": item["url"],
        "evidence": item["evidence"],
        "topics": item["data"].get("topics") or [],
    }


def row_json(
    row: dict, of: int | None = None, previous_of: int | None = None, previous_note: str | None = None
) -> dict:
    """One ranking row for pages and API.

    Rank movement is shown as the source gives it: both positions with the size of
    their edition ("nr. 50 af 53 → nr. 70 af 72"). A raw difference of ranks is
    only given (``movement``) when both editions ranked as many kommuner; between
    editions of different size it would mislead (a kommune "falls 20 places" by
    staying at the bottom of a longer list).
    """
    same_size = previous_of is not None and previous_of == of
    return {
        "rank": row["rank"],
        "of": of,
        "kommune_as_published": row["kommune_as_published"],
        "kommune": kommune_json(row["code"]),
        "effect": row["effect"],
        "observed": row["observed"],
        "expected": row["expected"],
        "significance": row["significance"] or "",
        "cases": row["cases"],
        "share_completed": row["share_completed"],
        "previous_rank": row["previous_rank"],
        "previous_of": previous_of if row["previous_rank"] else None,
        "previous_note": previous_note if row["previous_rank"] else None,
        "movement": (row["previous_rank"] - row["rank"]) if row["previous_rank"] and same_size else None,
    }


def _notes_by_rank(data: dict) -> dict[int, str]:
    """The source's own words on a row's movement (``previous_note`` in the content file), by rank."""
    return {r["rank"]: r["previous_note"] for r in data.get("rows") or [] if r.get("previous_note")}


def rows_json(store: Store, item: dict) -> list[dict]:
    data = item["data"]
    raw = store.ranking_rows(item["slug"])
    notes = _notes_by_rank(data)
    return [row_json(r, len(raw), data.get("previous_of"), notes.get(r["rank"])) for r in raw]


def _entries(store: Store, slug: str, rows: list[dict], top_n: int, per_kommune: int, audiences) -> dict[int, dict]:
    """rank → what ``rows`` link to (:mod:`portal.store.lessons`): read from the table the
    ingest and every publication keep (one indexed lookup), or computed now for settings
    it was not built for (another ``top_n``, or readers who may see non-public practices)."""
    ranks = {r["rank"] for r in rows}
    if not ranks:
        return {}
    extra = set(audiences) - PUBLIC
    if (
        top_n == lessons.DEFAULT_TOP_N
        and per_kommune == PRACTICES_PER_KOMMUNE
        and "public" in audiences
        and not (extra and store.has_items("practice", extra))
    ):
        stored = store.ranking_links(slug, lessons.DEFAULT_TOP_N, ranks)
        if set(stored) == ranks:  # a generation built before the table would lack them
            return stored
    codes = {code_of(r) for r in rows}
    return lessons.compute(store.conn, slug, top_n, per_kommune, audiences, codes=codes)


def _listed(row: dict, entry: dict) -> dict:
    return dict(row, practices=entry["practices"], practices_total=entry["practices_total"])


def _lessons(entry: dict) -> dict:
    """What the top kommuner document that this kommune could learn from.

    Never the kommune's own practice (a joint project it takes part in is not
    "what the fastest do" for it); practices with a shown effect come first as
    ``suggested_practices``; the rest are ``other_practices``, so a page can
    say honestly that nothing with a shown effect fits and still show what there is.
    """
    return {key: entry.get(key, []) for key in LESSON_KEYS}


def _fill(store: Store, rows: list[dict], audiences) -> None:
    """Replace the ids in ``rows`` by practice summaries (one read of the shown items,
    with the reader's audiences: nothing they may not see is shown)."""
    shown = [i for row in rows for i in row.get("practices", [])]
    shown += [s["id"] for row in rows for key in LESSON_KEYS for s in row.get(key, [])]
    summary = {p["id"]: _practice_summary(p) for p in store.items_by_ids(shown, audiences)}
    for row in rows:
        if "practices" in row:
            row["practices"] = [summary[i] for i in row["practices"] if i in summary]
        for key in LESSON_KEYS:
            if key in row:
                row[key] = [
                    dict(summary[s["id"]], shared_topics=s["shared_topics"], from_kommuner=s["from_kommuner"])
                    for s in row[key]
                    if s["id"] in summary
                ]


def code_of(row: dict) -> str | None:
    return row["kommune"] and row["kommune"]["code"]


def _split(rows: list[dict], top_n: int) -> tuple[list[dict], list[dict]]:
    n = lessons.top_count(len(rows), top_n)
    return rows[:n], (rows[len(rows) - n :] if n else [])


def linked_ranking(
    store: Store, slug: str, top_n: int = DEFAULT_TOP_N, audiences=PUBLIC, per_kommune: int = PRACTICES_PER_KOMMUNE
) -> dict | None:
    """The ranking with its rows, and its top and bottom rows linked to practice.

    Each linked row lists its kommune's ``per_kommune`` practices with the
    strongest evidence (``practices_total`` says how many there are; the page
    links to the search for all of them). Suggestions for a bottom kommune are
    weighed over *every* practice of the top kommuner, not only those listed.
    """
    item = store.get("ranking", slug, audiences)
    if item is None:
        return None
    rows = rows_json(store, item)
    top_rows, bottom_rows = _split(rows, top_n)
    entries = _entries(store, slug, top_rows + bottom_rows, top_n, per_kommune, audiences)
    top = [_listed(row, entries[row["rank"]]) for row in top_rows]
    bottom = [dict(_listed(row, entries[row["rank"]]), **_lessons(entries[row["rank"]])) for row in bottom_rows]
    _fill(store, top + bottom, audiences)
    return {**_ranking_fields(item), "rows": rows, "top": top, "bottom": bottom}


def _ranking_fields(item: dict) -> dict:
    data = item["data"]
    return {
        "slug": item["slug"],
        "title": item["title"],
        "source": data.get("source"),
        "published": data.get("published"),
        "period": data.get("period"),
        "measure": data.get("measure"),
        "unit": data.get("unit"),
        "notes": data.get("notes"),
        "previous_edition": data.get("previous_edition"),
        "previous_of": data.get("previous_of"),
        "lower_is_better": data.get("lower_is_better"),
        "national": data.get("national"),
    }


def in_lower_part(row: dict) -> bool:
    """Below the middle of its ranking: where "Lær af de hurtigste" is offered on the kommune page."""
    return lessons.in_lower_half(row["rank"], row["of"] or 0)


def kommune_against_rankings(
    store: Store, code: str, top_n: int = DEFAULT_TOP_N, audiences=PUBLIC, per_kommune: int = PRACTICES_PER_KOMMUNE
) -> list[dict]:
    """Each ranking row of kommune ``code`` beside the ranking's national row, and, for a
    row in the lower part, what the ranking's top kommuner document (as on the ranking page).

    ``[{"ranking": {...fields}, "row": row, "top": [rows with practices] | [],
    "suggested_practices": [...], "other_practices": [...]}]``, one per row (a kommune
    made of several former kommuner has several rows; they are never added up).
    """
    out = []
    for slug in dict.fromkeys(r["ranking_slug"] for r in store.ranking_rows_for_kommune(code)):
        item = store.get("ranking", slug, audiences)
        if item is None:
            continue
        rows = rows_json(store, item)
        top_rows, _bottom = _split(rows, top_n)
        own_rows = [r for r in rows if code_of(r) == code]
        lower = [r for r in own_rows if in_lower_part(r)]
        linked = _entries(store, slug, top_rows + lower, top_n, per_kommune, audiences) if lower else {}
        top = [_listed(r, linked[r["rank"]]) for r in top_rows] if lower else []
        entries = [dict(row=r, **(_lessons(linked[r["rank"]]) if r in lower else {})) for r in own_rows]
        _fill(store, top + entries, audiences)
        for entry in entries:
            out.append({"ranking": _ranking_fields(item), "top": top if entry["row"] in lower else [], **entry})
    return out


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
