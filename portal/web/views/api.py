"""The JSON API. Read-only; errors are ``{"error": …}`` (see :mod:`portal.web.errors`)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from ...content import kommuner as kommune_registry
from ...content.schema import PRACTICE_KEYS
from ...rankings import kommune_rankings
from ..resources import get_store
from ..auth import audiences, owned_db
from ...publishing import current_text, text_version
from .pages import csv_response, linked_ranking_or_404
from .search import parse_search_args, run_search

bp = Blueprint("api", __name__, url_prefix="/api")


def _public_id(doc_id: str) -> str:
    """``practice:slug`` → ``slug`` (kommune: its code): the id other endpoints take."""
    return doc_id.split(":", 1)[1]


def _kommune_json(k) -> dict:
    return {
        "code": k["code"],
        "name": k["name"],
        "official_name": kommune_registry.official_name(k["code"]),
        "region": k["region"],
    }


@bp.route("/search")
def search():
    req = parse_search_args(request.args, current_app.config["SEARCH_PER_PAGE"])
    response = run_search(req)
    return jsonify(
        {
            "query": response.query,
            "total": response.total,
            "page": response.page,
            "per_page": response.per_page,
            "results": [
                {
                    "id": _public_id(hit.id),
                    "type": hit.type,
                    "title": hit.title,
                    "url": hit.url,
                    "kommuner": hit.kommuner,
                    "evidence": hit.evidence,
                    "snippet": hit.snippet,
                }
                for hit in response.hits
            ],
            "facets": response.facets,
            "suggestion": response.suggestion,
            "expanded_with": response.expanded_with,
            "corrected_from": response.corrected_from,
        }
    )


#: A practice's fields in the content format, as the API shows them (GET /api/submissions/<id> too).
PRACTICE_FIELDS = tuple(key for key in PRACTICE_KEYS if key not in ("title", "kommuner"))  # shown on their own


def practice_rankings(store, kommuner) -> list[dict]:
    """Where the practice's kommuner rank, as the practice page lists them: per kommune every
    ranking row, position ``rank`` of ``of``, under the name ``as`` it was published with."""
    return [
        {"kommune": {"code": k["code"], "name": k["name"]}, **r}
        for k in kommuner
        for r in kommune_rankings(store, k["code"])
    ]


def practice_json(store, item: dict) -> dict:
    data = item["data"]
    kommuner = store.kommune_links(item["id"])
    return {
        "id": item["slug"],
        "url": item["url"],
        "title": data["title"],
        "kommuner": [_kommune_json(k) for k in kommuner],
        **{key: data.get(key) for key in PRACTICE_FIELDS},
        "rankings": practice_rankings(store, kommuner),
        "body": item["body_md"],
        "html": item["body_html"],
    }


@bp.route("/practices/<slug>")
def practice(slug: str):
    store = get_store()
    item = store.get("practice", slug, audiences())
    if item is None:
        abort(404)
    # The version an update submitted with ?based_on= says it started from (see api_write).
    text = current_text(owned_db().conn, current_app.config["CONTENT_DIR"], "practice", slug)
    return jsonify(practice_json(store, item) | {"version": text_version(text) if text is not None else None})


def _summary(item: dict) -> dict:
    return {
        "id": item["slug"],
        "title": item["title"],
        "url": item["url"],
        "evidence": item.get("evidence"),
        "date": item.get("date"),
    }


@bp.route("/kommuner/<ref>")
def kommune(ref: str):
    k = kommune_registry.resolve(ref).kommune  # KommuneError: 404 with suggestions (web/errors.py)
    store = get_store()
    return jsonify(
        {
            "code": k.code,
            "name": k.name,
            "official_name": k.official_name,
            "region": k.region,
            "url": f"/kommuner/{k.slug}",
            "former": [f.name for f in kommune_registry.former_of(k.code) if f.name != k.name],
            "practices": [_summary(i) for i in store.items_in_kommune(k.code, "practice", audiences())],
            "notes": [_summary(i) for i in store.items_in_kommune(k.code, "note", audiences())],
            "networks": [_summary(i) for i in store.items_in_kommune(k.code, "network", audiences())],
            "rankings": kommune_rankings(store, k.code),
            "indicators": [indicator_json(i) for i in store.indicators(k.code, audiences())],
        }
    )


def indicator_json(item: dict) -> dict:
    data = item["data"]
    keys = ("title", "measure", "unit", "source", "published", "chart", "x_label", "categories", "series", "target")
    return {"id": item["slug"], "url": item["url"], **{k: data.get(k) for k in keys}}


@bp.route("/rankings/<slug>")
def ranking(slug: str):
    return jsonify(linked_ranking_or_404(slug))


@bp.route("/rankings/<slug>.csv")
def ranking_csv(slug: str):
    return csv_response(linked_ranking_or_404(slug))


@bp.route("/indicators")
def indicators():
    return jsonify([indicator_json(i) for i in get_store().items_of_type("indicator")])


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI description of this API (see :mod:`portal.web.openapi`)."""
    from ..openapi import spec

    return jsonify(spec())
