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
from .store import EVIDENCE_RANK, PUBLIC, Store

MAX_SUGGESTIONS = 5
#: Practices listed under each top and bottom kommune (the strongest evidence first).
PRACTICES_PER_KOMMUNE = 5


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


class _Linked:
    """The top kommuner of a ranking and every practice they document, read once.

    One read of the link table gives every practice of the linked kommuner,
    strongest evidence first, with its topics: the lists, the counts and the
    weighing of suggestions all come from it; only the practices shown are read
    in full, at the end. The ranking page and a kommune's own page both use it,
    so a kommune is offered the same practices in both places.
    """

    def __init__(self, store: Store, top_rows: list[dict], other_rows: list[dict], audiences):
        codes = sorted({c for c in (code_of(r) for r in top_rows + other_rows) if c})
        self.linked = store.kommune_practices(codes, audiences)
        self.codes_of: dict[str, set[str]] = {}
        for code, practices in self.linked.items():
            for p in practices:
                self.codes_of.setdefault(p["id"], set()).add(code)
        self.published_as = {code_of(r): r["kommune_as_published"] for r in top_rows if code_of(r)}
        self.pool = {p["id"]: p for code in self.published_as for p in self.linked[code]}
        pool = self.pool
        self.candidates = sorted(pool, key=lambda i: (pool[i]["evidence_rank"], pool[i]["title_sort"], i))

    def listed(self, row: dict, per_kommune: int) -> dict:
        own = self.linked.get(code_of(row), [])
        return dict(row, practices=[p["id"] for p in own[:per_kommune]], practices_total=len(own))

    def lessons(self, row: dict) -> dict:
        """What the top kommuner document that this kommune could learn from.

        Never the kommune's own practice (a joint project it takes part in is not
        "what the fastest do" for it); practices with a shown effect come first as
        ``suggested_practices``; the rest are ``other_practices``, so a page can
        say honestly that nothing with a shown effect fits and still show what there is.
        """
        code = code_of(row)
        own_topics = set().union(*(p["topics"] for p in self.linked.get(code, [])))
        fits = [i for i in self.candidates if code not in self.codes_of[i]]
        shown = [i for i in fits if self.pool[i]["evidence_rank"] in SHOWS_EFFECT_RANKS]
        rest = [i for i in fits if self.pool[i]["evidence_rank"] not in SHOWS_EFFECT_RANKS]
        return {
            "suggested_practices": suggest(own_topics, shown, self.pool),
            "other_practices": suggest(own_topics, rest, self.pool),
        }

    def fill(self, store: Store, rows: list[dict], audiences) -> None:
        """Replace the ids in ``rows`` by practice summaries (one read of the shown items)."""
        shown = [i for row in rows for i in row.get("practices", [])]
        shown += [s["id"] for row in rows for key in LESSON_KEYS for s in row.get(key, [])]
        summary = {p["id"]: _practice_summary(p) for p in store.items_by_ids(shown, audiences)}
        for row in rows:
            if "practices" in row:
                row["practices"] = [summary[i] for i in row["practices"] if i in summary]
            for key in LESSON_KEYS:
                if key in row:
                    row[key] = [
                        dict(
                            summary[s["id"]],
                            shared_topics=s["shared_topics"],
                            from_kommuner=[
                                self.published_as[c] for c in self.published_as if c in self.codes_of[s["id"]]
                            ],
                        )
                        for s in row[key]
                        if s["id"] in summary
                    ]


#: Evidence ranks (store.EVIDENCE_RANK) of practices that show an effect, clearly or partly.
SHOWS_EFFECT_RANKS = {EVIDENCE_RANK["effekt"], EVIDENCE_RANK["delvis-effekt"]}
LESSON_KEYS = ("suggested_practices", "other_practices")


def code_of(row: dict) -> str | None:
    return row["kommune"] and row["kommune"]["code"]


def _split(rows: list[dict], top_n: int) -> tuple[list[dict], list[dict]]:
    n = max(0, min(top_n, len(rows) // 2))
    return rows[:n], (rows[len(rows) - n :] if n else [])


def linked_ranking(
    store: Store, slug: str, top_n: int = 5, audiences=PUBLIC, per_kommune: int = PRACTICES_PER_KOMMUNE
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
    linked = _Linked(store, top_rows, bottom_rows, audiences)
    top = [linked.listed(row, per_kommune) for row in top_rows]
    bottom = [dict(linked.listed(row, per_kommune), **linked.lessons(row)) for row in bottom_rows]
    linked.fill(store, top + bottom, audiences)
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
    return bool(row["of"]) and row["rank"] > row["of"] / 2


def kommune_against_rankings(
    store: Store, code: str, top_n: int = 5, audiences=PUBLIC, per_kommune: int = PRACTICES_PER_KOMMUNE
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
        linked = _Linked(store, top_rows, lower, audiences)
        top = [linked.listed(r, per_kommune) for r in top_rows] if lower else []
        entries = [dict(row=r, **(linked.lessons(r) if r in lower else {})) for r in own_rows]
        linked.fill(store, top + entries, audiences)
        for entry in entries:
            out.append({"ranking": _ranking_fields(item), "top": top if entry["row"] in lower else [], **entry})
    return out


def suggest(
    own_topics: set[str], candidates: list[str], pool: dict[str, dict], limit: int = MAX_SUGGESTIONS
) -> list[dict]:
    """The ``limit`` candidates sharing the most topics with the bottom
    kommune's own practices (``[{"id", "shared_topics"}]``); ties keep the
    order of ``candidates`` (strongest evidence, then Danish title order):
    the sort is stable.
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
