"""Atom feeds of newly published practices and notes: site-wide, per topic, kommune and network.

Feed readers fetch without cookies, so feeds only ever hold public items.
"Newly published" is when the portal first published the item (the owned
database remembers it), not a date in the file.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for

from ..auth import owned_db
from ...content import kommuner as kommune_registry
from ..resources import get_store
from ...store import PUBLIC

bp = Blueprint("feeds", __name__)
FEED_SIZE = 30


def newest(items: list[dict], limit: int = FEED_SIZE) -> list[dict]:
    """Items with their publication time, newest first."""
    times = owned_db().publication_times([item["id"] for item in items])
    for item in items:
        item["published_at"] = times.get(item["id"]) or _as_timestamp(item.get("date"))
    return sorted(items, key=lambda i: (i["published_at"], i["id"]), reverse=True)[:limit]


def recent(audiences, limit: int = FEED_SIZE) -> list[dict]:
    """The newest practices and notes site-wide, without loading every item:
    the owned database knows the publication order."""
    candidates = owned_db().all(
        "SELECT item_id FROM publications WHERE item_id LIKE 'practice:%' OR item_id LIKE 'note:%' "
        "ORDER BY published_at DESC, item_id DESC LIMIT ?", (limit * 10 + 50,))
    items = get_store().items_by_ids([c["item_id"] for c in candidates], audiences)
    return newest(items, limit)


def _as_timestamp(date: str | None) -> str:
    """An item's own date (``2006``, ``2006-06``, ``2006-09-08``) as an Atom timestamp:
    the fallback for items published before publication times were recorded."""
    parts = (date or "1970").split("-") + ["01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00+00:00"


def _feed(title: str, items: list[dict], alternate: str) -> Response:
    entries = newest(items)
    updated = entries[0]["published_at"] if entries else "1970-01-01T00:00:00+00:00"
    xml = render_template(
        "feed.xml", title=title, entries=entries, updated=updated, self_url=request.url,
        alternate=request.host_url.rstrip("/") + alternate, host=request.host_url.rstrip("/"),
    )
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/feed.atom")
def site():
    return _feed("Hvad virker: nye erfaringer og netværksnotater", recent(PUBLIC), url_for("pages.front"))


@bp.route("/emner/<topic>/feed.atom")
def topic(topic: str):
    items = get_store().items_with_topic(topic.lower(), audiences=PUBLIC)
    if not items:
        abort(404)
    return _feed(f"Hvad virker: {topic}", items, url_for("search.search_page", topic=topic))


@bp.route("/kommuner/<ref>/feed.atom")
def kommune(ref: str):
    try:
        k = kommune_registry.resolve(ref).kommune
    except kommune_registry.KommuneError:
        abort(404)
    store = get_store()
    items = store.items_in_kommune(k.code, "practice", PUBLIC) + store.items_in_kommune(k.code, "note", PUBLIC)
    return _feed(f"Hvad virker: {k.name} Kommune", items, url_for("pages.kommune", ref=k.slug))


@bp.route("/netvaerk/<slug>/feed.atom")
def network(slug: str):
    store = get_store()
    network = store.get("network", slug, PUBLIC)
    if network is None:
        abort(404)
    return _feed(f"Hvad virker: {network['title']}", store.notes_of_network(slug, PUBLIC), network["url"])
