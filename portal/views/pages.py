"""Pages: front page, one page per practice, note, network, kommune and ranking."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from ..content import kommuner as kommune_registry
from ..content.kommuner import danish_sort_key
from ..resources import get_store
from ..store import PUBLIC

bp = Blueprint("pages", __name__)


@bp.route("/")
def front():
    store = get_store()
    kommune_counts = store.kommune_counts(PUBLIC)
    documented = sorted(
        ((kommune_registry.by_code(code), n) for code, n in kommune_counts.items()),
        key=lambda kn: danish_sort_key(kn[0].name),
    )
    return render_template(
        "front.html",
        topics=store.topic_counts(PUBLIC)[:16],
        evidence_counts=store.evidence_counts(PUBLIC),
        documented_kommuner=documented,
        rankings=store.items_of_type("ranking"),
        networks=store.items_of_type("network"),
        recent=store.recent(PUBLIC),
    )


def _item_or_404(type_: str, slug: str) -> dict:
    item = get_store().get(type_, slug, PUBLIC)
    if item is None:
        abort(404)
    return item


@bp.route("/erfaringer/<slug>")
def practice(slug: str):
    store = get_store()
    item = _item_or_404("practice", slug)
    return render_template(
        "practice.html",
        item=item,
        data=item["data"],
        kommuner=store.kommune_links(item["id"]),
        related=store.related_practices(item, audiences=PUBLIC),
        notes=store.notes_citing(slug, PUBLIC),
    )


@bp.route("/erfaringer")
def practices():
    return redirect(url_for("search.search_page", type="practice"))


@bp.route("/notater/<slug>")
def note(slug: str):
    store = get_store()
    item = _item_or_404("note", slug)
    data = item["data"]
    cited = [p for p in (store.get("practice", s, PUBLIC) for s in data.get("practices") or []) if p]
    return render_template(
        "note.html",
        item=item,
        data=data,
        network=store.get("network", data["network"], PUBLIC),
        kommuner=store.kommune_links(item["id"]),
        practices=cited,
    )


@bp.route("/netvaerk")
def networks():
    return render_template("networks.html", networks=get_store().items_of_type("network"))


@bp.route("/netvaerk/<slug>")
def network(slug: str):
    store = get_store()
    item = _item_or_404("network", slug)
    return render_template(
        "network.html",
        item=item,
        data=item["data"],
        members=store.kommune_links(item["id"]),
        notes=store.notes_of_network(slug, PUBLIC),
    )


@bp.route("/kommuner")
def kommuner():
    counts = get_store().kommune_counts(PUBLIC)
    by_region = {region: [] for region in kommune_registry.REGIONS}
    for k in kommune_registry.all_kommuner():
        by_region[k.region].append((k, counts.get(k.code, 0)))
    return render_template("kommuner.html", by_region=by_region)


@bp.route("/kommuner/<ref>")
def kommune(ref: str):
    try:
        res = kommune_registry.resolve(ref)
    except kommune_registry.KommuneError:
        abort(404)
    k = res.kommune
    if ref != k.slug:
        return redirect(url_for("pages.kommune", ref=k.slug), code=301)
    store = get_store()
    networks = [n for n in store.items_in_kommune(k.code, "network", PUBLIC)]
    return render_template(
        "kommune.html",
        kommune=k,
        former=[f for f in kommune_registry.former_of(k.code) if f.name != k.name],
        practices=store.items_in_kommune(k.code, "practice", PUBLIC),
        notes=store.items_in_kommune(k.code, "note", PUBLIC),
        networks=networks,
        ranking_rows=store.ranking_rows_for_kommune(k.code),
    )


@bp.route("/rangeringer")
def rankings():
    return render_template("rankings.html", rankings=get_store().items_of_type("ranking"))


@bp.route("/rangeringer/<slug>")
def ranking(slug: str):
    store = get_store()
    item = _item_or_404("ranking", slug)
    rows = store.ranking_rows(slug)
    names = {k.code: k.name for k in kommune_registry.all_kommuner()}
    return render_template("ranking.html", item=item, data=item["data"], rows=rows, kommune_names=names)
