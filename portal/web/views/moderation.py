"""The editors' queue: each submission as it will look, a diff for updates, approve or reject."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ... import submissions
from ..auth import current_user, editor_required, owned_db
from ..resources import get_store
from ...content import vocabulary
from ...submissions import SubmissionError
from ...kinds import KINDS
from .contribute import rendered
from .kind_pages import DOWNLOAD_HEADERS

bp = Blueprint("moderation", __name__, url_prefix="/redaktion")


@bp.route("/")
@editor_required
def queue():
    db = owned_db()
    return render_template(
        "moderation_queue.html",
        pending=submissions.by_status(db, "pending"),
        recent=_visible(db.all("""SELECT l.*, u.email AS actor FROM moderation_log l
                                  LEFT JOIN users u ON u.id = l.actor_id ORDER BY l.id DESC LIMIT 20""")),
    )


def _visible(entries: list[dict]) -> list[dict]:
    """A note's slug is its title: an editor who may not read the note (a network-only note of a
    network they are not a member of, or one not yet published) sees that a note was shared, not which."""
    store, readable = get_store(), current_user().audiences()
    for entry in entries:
        if entry["kind"] == "note" and entry["slug"] and store.get("note", entry["slug"], readable) is None:
            entry["slug"] = None
    return entries


@bp.route("/<sid>")
@editor_required
def review(sid: str):
    sub = submissions.get(owned_db(), sid)
    if sub is None:
        abort(404)
    overtaken = submissions.overtaken(owned_db(), sub, current_app.config["CONTENT_DIR"])
    shown = rendered(sub)
    return render_template("moderation_review.html", sub=sub, diff=sub.diff(), overtaken=overtaken,
                           unknown_tags=vocabulary.unknown_tags(shown["record"]), **shown)


@bp.route("/<sid>/rapport.pdf")
@editor_required
def attachment(sid: str):
    """The PDF of a submitted evaluation report, for the editor to read before deciding (a download only)."""
    sub = submissions.get(owned_db(), sid)
    record = rendered(sub).get("record") if sub is not None and sub.kind == "evaluation" else None
    if not record or not record.get("attachment"):
        abort(404)
    kind = KINDS[sub.kind]
    path = Path(current_app.config["CONTENT_DIR"]) / kind.folder / record["attachment"]["file"]
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"{sub.slug}.pdf")
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.route("/<sid>/godkend", methods=["POST"])
@editor_required
def approve(sid: str):
    try:
        sub = submissions.approve(owned_db(), current_user(), sid, current_app.config["CONTENT_DIR"], current_app.config["DATA_DIR"])
    except SubmissionError as exc:
        if exc.status == 404:
            abort(404)
        flash(_("Kunne ikke godkende: %(reason)s.", reason=exc.message), "error")
        return redirect(url_for("moderation.review", sid=sid))
    flash(_("»%(title)s« er godkendt og offentliggjort.", title=sub.title))
    return redirect(url_for("moderation.queue"))


@bp.route("/<sid>/afvis", methods=["POST"])
@editor_required
def reject(sid: str):
    reason = request.form.get("reason", "")
    try:
        sub = submissions.reject(owned_db(), current_user(), sid, reason)
    except SubmissionError as exc:
        if exc.status == 404:
            abort(404)
        existing = submissions.get(owned_db(), sid)
        shown = rendered(existing)
        return render_template("moderation_review.html", sub=existing, diff=existing.diff(), reason=reason,
                               reason_error=exc.message, unknown_tags=vocabulary.unknown_tags(shown["record"]),
                               **shown), 422
    flash(_("»%(title)s« er afvist.", title=sub.title))
    return redirect(url_for("moderation.queue"))
