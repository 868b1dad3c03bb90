"""The editors' queue: each submission as it will look, a diff for updates, approve or reject."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ... import revisions, submissions
from ..auth import audiences, current_user, editor_required, owned_db
from ..forms import PRACTICE_FIELDS, field_errors, form_values, from_file, to_file
from ...lookalikes import lookalikes
from ...publishing import text_version
from ..resources import get_store
from ...content import vocabulary
from ...submissions import SubmissionError
from ...kinds import KINDS
from .contribute import form_context, rendered
from .kind_pages import DOWNLOAD_HEADERS

bp = Blueprint("moderation", __name__, url_prefix="/redaktion")


@bp.route("/")
@editor_required
def queue():
    db = owned_db()
    pending = submissions.by_status(db, "pending")
    published = get_store().items_of_type("practice", audiences())
    return render_template(
        "moderation_queue.html",
        pending=pending,
        similar={sub.id: lookalikes(sub, published, pending) for sub in pending},
        recent=_visible(
            db.all("""SELECT l.*, u.email AS actor FROM moderation_log l
                                  LEFT JOIN users u ON u.id = l.actor_id ORDER BY l.id DESC LIMIT 20""")
        ),
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
    return _review_page(sub)


def _review_page(sub, *, status=200, **extra):
    """Everything the editor decides on: every field as the practice page will show it, the diff of an
    update, the submission's thread, look-alikes, and the forms to correct, approve or reject."""
    db = owned_db()
    pending = submissions.by_status(db, "pending")
    shown = rendered(sub)
    # The correction form edits a practice's fields; other kinds (an evaluation) are approved or rejected as sent.
    correctable = sub.status == "pending" and sub.kind == "practice"
    context = {
        "overtaken": submissions.overtaken(db, sub, current_app.config["CONTENT_DIR"]),
        "unknown_tags": vocabulary.unknown_tags(shown["record"]),
        "correctable": correctable,
        "thread": revisions.thread(db, sub.id),
        "similar": lookalikes(sub, get_store().items_of_type("practice", audiences()), pending),
        "values": from_file(sub.raw, PRACTICE_FIELDS) if sub.kind == "practice" else {},
        "errors": {},
        "summary": [],
        "revise_version": request.form.get("based_on") or text_version(sub.raw),
        **(form_context() if correctable else {}),
    }
    context.update(extra)
    return render_template("moderation_review.html", sub=sub, diff=sub.diff(), **context, **shown), status


@bp.route("/<sid>/ret", methods=["POST"])
@editor_required
def correct(sid: str):
    """An editor's correction before approving: a new revision of the submission, shown to its author."""
    db = owned_db()
    sub = submissions.get(db, sid)
    if sub is None:
        abort(404)
    values = form_values(request.form, PRACTICE_FIELDS)
    note = request.form.get("note", "")
    try:
        revisions.correct(
            db,
            current_user(),
            sid,
            to_file(values, PRACTICE_FIELDS, base=sub.raw),
            note,
            based_on=request.form.get("based_on") or None,
        )
    except SubmissionError as exc:
        fresh = submissions.get(db, sid)
        if exc.status == 409 and fresh.status != "pending":
            flash(_("Kunne ikke rette: %(reason)s.", reason=exc.message), "error")
            return redirect(url_for("moderation.review", sid=sid))
        by_field, other = field_errors(exc.errors, PRACTICE_FIELDS)
        # Corrected by another editor meanwhile (409): the typed correction is kept, and the form now carries
        # the newer version, so saving again (after reading the thread) is a deliberate choice.
        return _review_page(
            fresh,
            status=exc.status,
            values=values,
            errors=by_field,
            summary=other or ([] if by_field else [exc.message]),
            note=note,
            correcting=True,
            **({"revise_version": text_version(fresh.raw)} if exc.status == 409 else {}),
        )
    flash(_("Rettelsen er gemt som en ny udgave af indsendelsen; indsenderen kan se den."))
    return redirect(url_for("moderation.review", sid=sid))


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
        sub = submissions.approve(
            owned_db(), current_user(), sid, current_app.config["CONTENT_DIR"], current_app.config["DATA_DIR"]
        )
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
        return _review_page(submissions.get(owned_db(), sid), status=422, reason=reason, reason_error=exc.message)
    flash(_("»%(title)s« er afvist.", title=sub.title))
    return redirect(url_for("moderation.queue"))
