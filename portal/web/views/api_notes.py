"""A note's life cycle in the write API: read it with its version, edit it, withdraw it (Bearer tokens, no CSRF).

``GET /api/notes/<slug>`` gives the ``version`` an edit must name
(``PUT …?based_on=``); a note changed in between is a 409, never undone.
``DELETE`` withdraws it (its author) or takes it down (an editor, with a
reason in JSON). Refusals are the core's families, answered by web/errors.py.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ... import notes
from ...errors import NotFound, PortalError
from ...publishing import current_text, text_version
from ..auth import owned_db
from ..resources import get_store
from .api import _kommune_json
from .api_write import _body_text, _user

bp = Blueprint("api_notes", __name__, url_prefix="/api")


def _refs(user) -> dict:
    store = get_store()
    return {
        "networks": {n["slug"] for n in store.items_of_type("network")},
        "practices": {p["slug"] for p in store.items_of_type("practice", user.audiences())},
    }


def _version_arg(required: bool) -> str | None:
    based_on = request.args.get("based_on") or None
    if based_on is None and required:
        raise PortalError(
            "send ?based_on= med den 'version', som GET /api/notes/<slug> gav",
            422,
            errors=[{"line": 1, "field": "based_on", "message": "based_on mangler"}],
        )
    return based_on


@bp.route("/notes/<slug>", methods=["GET"])
def get_note(slug: str):
    """The note as its reader may see it, with its version and who may see it."""
    user = _user()
    item = get_store().get("note", slug, user.audiences())
    text = current_text(owned_db().conn, current_app.config["CONTENT_DIR"], "note", slug) if item else None
    if item is None or text is None:
        raise NotFound("notatet findes ikke")
    data = item["data"]
    return jsonify(
        {
            "id": slug,
            "url": item["url"],
            "title": data["title"],
            "network": data["network"],
            "date": data["date"],
            "visibility": data["visibility"],
            "kommuner": [_kommune_json(k) for k in data["kommuner"]],
            "topics": data["topics"],
            "practices": data["practices"],
            "body": item["body_md"],
            "html": item["body_html"],
            "raw": text,
            "version": text_version(text),
            "author": notes.author_of(owned_db(), slug) == user.id,
        }
    )


@bp.route("/notes/<slug>", methods=["PUT"])
def edit_note(slug: str):
    user = _user()
    based_on = _version_arg(required=True)
    raw = _body_text()
    result = notes.edit(
        owned_db(),
        user,
        slug,
        raw,
        based_on,
        current_app.config["CONTENT_DIR"],
        current_app.config["DATA_DIR"],
        **_refs(user),
    )
    body = {"id": result["id"], "url": result["url"], "status": result["status"]}
    if result["status"] == "pending":  # a member's public note: the change waits for an editor
        body["submission"] = result["submission"]
        response = jsonify(body)
        response.status_code = 202
        response.headers["Location"] = f"/api/submissions/{result['submission']}"
        return response
    body["version"] = notes.version_of(owned_db(), current_app.config["CONTENT_DIR"], slug)
    return jsonify(body)


@bp.route("/notes/<slug>", methods=["DELETE"])
def withdraw_note(slug: str):
    user = _user()
    based_on = _version_arg(required=False)
    reason = None
    if request.content_length or request.mimetype == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("reason", ""), str):
            raise PortalError('send JSON med en begrundelse: {"reason": "…"}, eller ingen krop')
        reason = body.get("reason")
    result = notes.withdraw(
        owned_db(),
        user,
        slug,
        current_app.config["CONTENT_DIR"],
        current_app.config["DATA_DIR"],
        based_on=based_on,
        reason=reason,
    )
    return jsonify(result)
