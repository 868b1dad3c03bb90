"""Following a network: a toggle on the network page for its members, and the same through the API.

A follower is e-mailed when a note is posted to the network
(:mod:`portal.notifications`). Only members may follow; the choice lives in the
owned database.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from ... import notifications
from ..auth import current_user, login_required, owned_db
from ..resources import get_store

bp = Blueprint("follow", __name__)
api_bp = Blueprint("api_follow", __name__, url_prefix="/api")


@bp.route("/netvaerk/<slug>/foelg", methods=["POST"])
@login_required
def toggle(slug: str):
    if get_store().get("network", slug) is None:
        abort(404)
    user = current_user()
    if slug not in user.networks:
        abort(403)
    follow = request.form.get("follow") == "1"
    notifications.set_following(owned_db(), user, slug, follow)
    flash(
        _("Du følger nu netværket og får en e-mail, når der kommer et nyt notat.")
        if follow
        else _("Du følger ikke længere netværket.")
    )
    return redirect(url_for("pages.network", slug=slug))


def _api_error(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hvad-virker"'
    return response


@api_bp.route("/networks/<slug>/follow", methods=["PUT", "DELETE"])
def api_toggle(slug: str):
    user = current_user()
    if user is None:
        return _api_error(401, "mangler eller ugyldig API-nøgle (Authorization: Bearer …)")
    if get_store().get("network", slug, user.audiences()) is None:
        return _api_error(404, "netværket findes ikke")
    if slug not in user.networks:
        return _api_error(403, f"kun medlemmer af netværket '{slug}' kan følge det")
    following = notifications.set_following(owned_db(), user, slug, request.method == "PUT")
    return jsonify({"network": slug, "following": following})


def init_app(app) -> None:
    @app.context_processor
    def _following():
        """``following_network(slug)`` for the network page's toggle (members only see it)."""

        def following_network(slug: str) -> bool:
            return notifications.is_following(owned_db(), current_user(), slug)

        return {"following_network": following_network}
