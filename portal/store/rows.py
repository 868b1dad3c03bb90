"""Row building: one validated content record → the rows of the derived database.

Pure functions, used by the full build and by incremental publishing alike
(through :mod:`portal.store.writer`), so both give the same rows. Flask-free.
"""

from __future__ import annotations

import json

from search_index import section_marker

from ..content import vocabulary
from ..content.kommuner import danish_sort_key
from ..content.schema import EVIDENCE
from ..kinds import KINDS, item_id, item_url
from ..rendering import html_to_text, render_markdown

#: Strongest evidence first; items without an evidence category last.
EVIDENCE_RANK = {key: i for i, key in enumerate(EVIDENCE)}
NO_EVIDENCE_RANK = len(EVIDENCE)

#: Characters of plain text kept with each item for listings and feeds.
SUMMARY_CHARS = 500


def audience_of(record: dict) -> str:
    return KINDS[record["type"]].audience_of(record)


def _body_md(record: dict) -> str:
    return KINDS[record["type"]].body_of(record)


def _sort_keys(record: dict) -> dict:
    """The keys pages sort by, kept with the item and repeated on its links:
    Danish alphabetical order in SQL (æ, ø, å last; "aa" as "å" — byte order
    of ``title_sort`` is the order danish_sort_key gives in Python), and the
    strength of its evidence."""
    return {
        "title_sort": danish_sort_key(record["title"])[0],
        "evidence_rank": EVIDENCE_RANK.get(record.get("evidence"), NO_EVIDENCE_RANK),
    }


def item_row(record: dict) -> dict:
    """The ``items`` row of one validated content record (also used for
    incremental updates of a single item)."""
    body_md = _body_md(record)
    body_html = render_markdown(body_md) if body_md else ""
    text = html_to_text(body_html)
    summary = text[:SUMMARY_CHARS]
    # Searchable sections beyond the body (an evaluation's PDF pages) follow it, each
    # behind a marker the snippets read to say where a match is from ("PDF s. 3").
    text += "".join(f"\n\n{section_marker(label)}{part}" for label, part in KINDS[record["type"]].sections_of(record))
    # Keys starting with "_" are derived at ingest (a PDF's text), not the item's data.
    data = {k: v for k, v in record.items() if k not in ("body_md", "path") and not k.startswith("_")}
    slug = record["slug"]
    return {
        "id": item_id(record["type"], slug),
        "type": record["type"],
        "slug": slug,
        "title": record["title"],
        "url": item_url(record["type"], slug),
        "audience": audience_of(record),
        "network": record.get("network"),
        "date": record.get("date") or record.get("published") or (str(record["end"]) if record.get("end") else None),
        "evidence": record.get("evidence"),
        **_sort_keys(record),
        "data": json.dumps(data, ensure_ascii=False),
        "summary": summary,
        "path": record.get("path"),
        # in the item_bodies table:
        "body_md": body_md,
        "body_html": body_html,
        "text": text,
    }


def link_rows(record: dict) -> tuple[list[dict], list[dict]]:
    """The item's rows in ``item_kommuner`` and ``item_topics``.

    Each link row repeats the item's type, audience, evidence and sort keys,
    so the counts, the kommune lists and the related practices are found and
    ordered on the link tables' indexes alone, without visiting thousands of
    item rows per page.
    """
    iid = item_id(record["type"], record["slug"])
    places = KINDS[record["type"]].kommuner_of(record)
    same = {
        "item_id": iid,
        "type": record["type"],
        "audience": audience_of(record),
        "evidence": record.get("evidence"),
        **_sort_keys(record),
    }
    # The topics ride along with the kommune links: a ranking weighs the
    # topics of every practice of the top kommuner (see store/lessons.py).
    # Canonical topics (content/vocabulary.py): the evidence map, topic counts and
    # related practices count "flygtningeområdet" as "flygtninge".
    canonical = vocabulary.canonical_list("topic", record.get("topics"))
    topic_list = json.dumps(canonical, ensure_ascii=False)
    kommuner = [dict(same, code=k["code"], as_name=k["as"], topics=topic_list) for k in places]
    topics = [dict(same, topic=t) for t in canonical]
    return kommuner, topics


def practice_rows(record: dict) -> list[dict]:
    """The item's rows in ``item_practices``: the practices it cites (notes, evaluations)."""
    same = {
        "item_id": item_id(record["type"], record["slug"]),
        "type": record["type"],
        "audience": audience_of(record),
        "title_sort": _sort_keys(record)["title_sort"],
    }
    return [dict(same, practice_slug=slug) for slug in KINDS[record["type"]].practices_of(record)]


def ranking_rows(record: dict) -> list[dict]:
    return [
        {
            "ranking_slug": record["slug"],
            "rank": r["rank"],
            "kommune_as_published": r["kommune_as_published"],
            "code": r["kommune"]["code"] if r.get("kommune") else None,
            **{
                k: r.get(k)
                for k in ("effect", "observed", "expected", "significance", "cases", "share_completed", "previous_rank")
            },
        }
        for r in record["rows"]
    ]
