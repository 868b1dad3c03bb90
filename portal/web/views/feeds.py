"""Atom feeds of published practices and notes: site-wide, per topic, kommune and network.

Feed readers fetch without cookies, so feeds only ever hold public items.
"Published" is when the portal first published the item (the owned database
remembers it), not a date in the file; an entry's ``<updated>`` is the last time
an approved version of it was published (the outbox remembers each), so an
approved update moves its entry, and the feed's ``<updated>``, to the top.

A feed's id and self link are its canonical URL built from ``BASE_URL`` and the
canonical form of its key (kommune slug, lower-case topic), never the request
URL: ``/feed.atom?utm_source=x`` and ``/emner/NØGLETAL/feed.atom`` are the same
feed as ``/feed.atom`` and ``/emner/nøgletal/feed.atom``. The XML is built by
:mod:`portal.web.xmlout`, so no title or body can make it malformed.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for

from ..auth import owned_db
from ...content import kommuner as kommune_registry
from ..inputs import absolute
from ..resources import get_store
from ..templating import TYPE_LABELS
from ..xmlout import atom_feed
from ...store import PUBLIC

bp = Blueprint("feeds", __name__)
FEED_SIZE = 30
SUMMARY_CHARS = 400


def _last_publications(item_ids: list[str]) -> dict[str, str]:
    """When the newest approved version of each item was written (outbox), for those that have one."""
    wanted = {}
    for iid in item_ids:
        kind, _, slug = iid.partition(":")
        wanted.setdefault(kind, []).append(slug)
    times: dict[str, str] = {}
    for kind, slugs in wanted.items():
        for start in range(0, len(slugs), 500):  # SQLite caps the number of parameters
            chunk = slugs[start : start + 500]
            rows = owned_db().all(
                f"SELECT slug, MAX(done_at) AS at FROM outbox WHERE kind = ? AND done_at IS NOT NULL "
                f"AND slug IN ({','.join('?' * len(chunk))}) GROUP BY slug",
                (kind, *chunk),
            )
            times.update({f"{kind}:{r['slug']}": r["at"] for r in rows})
    return times


def newest(items: list[dict], limit: int = FEED_SIZE) -> list[dict]:
    """Items with their first publication and last update time, most recently changed first."""
    ids = [item["id"] for item in items]
    times = owned_db().publication_times(ids)
    changed = _last_publications(ids)
    for item in items:
        item["published_at"] = times.get(item["id"]) or _as_timestamp(item.get("date"))
        item["updated_at"] = max(item["published_at"], changed.get(item["id"]) or "")
    return sorted(items, key=lambda i: (i["updated_at"], i["id"]), reverse=True)[:limit]


def recent(audiences, limit: int = FEED_SIZE) -> list[dict]:
    """The most recently published or updated practices and notes site-wide, without loading
    every item: the owned database knows the order."""
    candidates = owned_db().all(
        "SELECT item_id FROM publications WHERE item_id LIKE 'practice:%' OR item_id LIKE 'note:%' "
        "ORDER BY published_at DESC, item_id DESC LIMIT ?",
        (limit * 10 + 50,),
    )
    updated = owned_db().all(
        "SELECT kind || ':' || slug AS item_id FROM outbox WHERE done_at IS NOT NULL AND kind IN ('practice', 'note') "
        "ORDER BY done_at DESC, id DESC LIMIT ?",
        (limit * 10 + 50,),
    )
    ids = list(dict.fromkeys([c["item_id"] for c in candidates] + [u["item_id"] for u in updated]))
    items = get_store().items_by_ids(ids, audiences)
    return newest(items, limit)


def _as_timestamp(date: str | None) -> str:
    """An item's own date (``2006``, ``2006-06``, ``2006-09-08``) as an Atom timestamp:
    the fallback for items published before publication times were recorded."""
    parts = (date or "1970").split("-") + ["01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00+00:00"


def _summary(text: str | None) -> str:
    text = text or ""
    return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")


def _entry(item: dict) -> dict:
    data = item.get("data") or {}
    return {
        "id": absolute(item["url"]),
        "url": absolute(item["url"]),
        "title": item["title"],
        "published": item["published_at"],
        "updated": item["updated_at"],
        "author": data.get("organisation"),
        "summary": _summary(item.get("summary")),
        "categories": [(item["type"], str(TYPE_LABELS[item["type"]]))] + [(t, None) for t in data.get("topics") or []],
    }


def _feed(title: str, items: list[dict], alternate: str, canonical: str) -> Response:
    entries = newest(items)
    updated = max((e["updated_at"] for e in entries), default="1970-01-01T00:00:00+00:00")
    xml = atom_feed(
        feed_id=absolute(canonical),
        title=title,
        alternate=absolute(alternate),
        updated=updated,
        entries=[_entry(e) for e in entries],
    )
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/feed.atom")
def site():
    return _feed(
        "Hvad virker: nye erfaringer og netværksnotater", recent(PUBLIC), url_for("pages.front"), url_for("feeds.site")
    )


@bp.route("/emner/<topic>/feed.atom")
def topic(topic: str):
    topic = topic.lower()
    items = get_store().items_with_topic(topic, audiences=PUBLIC)
    if not items:
        abort(404)
    return _feed(
        f"Hvad virker: {topic}", items, url_for("search.search_page", topic=topic), url_for("feeds.topic", topic=topic)
    )


@bp.route("/kommuner/<ref>/feed.atom")
def kommune(ref: str):
    try:
        k = kommune_registry.resolve(ref).kommune
    except kommune_registry.KommuneError:
        abort(404)
    store = get_store()
    items = store.items_in_kommune(k.code, "practice", PUBLIC) + store.items_in_kommune(k.code, "note", PUBLIC)
    return _feed(
        f"Hvad virker: {kommune_registry.official_name(k.code)}",
        items,
        url_for("pages.kommune", ref=k.slug),
        url_for("feeds.kommune", ref=k.slug),
    )


@bp.route("/netvaerk/<slug>/feed.atom")
def network(slug: str):
    store = get_store()
    network = store.get("network", slug, PUBLIC)
    if network is None:
        abort(404)
    return _feed(
        f"Hvad virker: {network['title']}",
        store.notes_of_network(slug, PUBLIC),
        network["url"],
        url_for("feeds.network", slug=slug),
    )
