"""A note's life cycle on the site: edit it, withdraw it (with a confirmation step), take it down (editors).

The forms carry the version the member started from (``based_on``), so an edit
or a withdrawal sent after someone else changed the note is refused (409) with
every typed word kept, never applied over a change the sender did not see.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import notes
from ...publishing import current_text, text_version
from ...submissions import SubmissionError
from ..auth import audiences, current_user, login_required, owned_db
from ..forms import NOTE_FIELDS, field_errors, form_values, from_file, to_file
from ..resources import get_store
from .contribute import _note_form

bp = Blueprint("notes", __name__)


def may_change(user, slug: str) -> bool:
    """Whether ``user`` is offered the edit and withdraw buttons on the note's page."""
    return user is not None and (user.is_editor or notes.author_of(owned_db(), slug) == user.id)


def is_author(user, slug: str) -> bool:
    return user is not None and notes.author_of(owned_db(), slug) == user.id


def _current(slug: str):
    """(the note's item as this reader sees it, its current text); 404 if the reader may not see it."""
    item = get_store().get("note", slug, audiences())
    text = current_text(owned_db().conn, current_app.config["CONTENT_DIR"], "note", slug) if item else None
    if item is None or text is None:
        abort(404)
    if not may_change(current_user(), slug):
        abort(403)
    return item, text


def _refusal_status(exc: SubmissionError) -> None:
    if exc.status in (403, 404):
        abort(exc.status)


@bp.route("/notater/<slug>/rediger", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    item, text = _current(slug)
    store = get_store()
    network = store.get("network", item["data"]["network"])
    practices = {p["slug"]: p["title"] for p in store.items_of_type("practice", audiences())}
    form_args = {"editing": item["title"], "action_url": url_for("notes.edit", slug=slug)}
    if request.method == "GET":
        values = from_file(text, NOTE_FIELDS)
        values["visibility"] = values.get("visibility") or "network"
        return _note_form(network, values, practices, based_on=text_version(text), **form_args)
    values = form_values(request.form, NOTE_FIELDS) | {"network": network["slug"]}
    based_on = request.form.get("based_on") or None
    try:
        result = notes.edit(
            owned_db(),
            current_user(),
            slug,
            to_file(values, NOTE_FIELDS),
            based_on,
            current_app.config["CONTENT_DIR"],
            current_app.config["DATA_DIR"],
            networks={n["slug"] for n in store.items_of_type("network")},
            practices=set(practices),
        )
    except SubmissionError as exc:
        _refusal_status(exc)
        if exc.status == 409:
            fresh = current_text(owned_db().conn, current_app.config["CONTENT_DIR"], "note", slug)
            message = _(
                "Notatet er blevet ændret eller trukket tilbage, siden du åbnede formularen, så din "
                "ændring ville fjerne den ændring. Din tekst er bevaret herunder: se den nuværende udgave, "
                "og send igen."
            )
            return _note_form(
                network,
                values,
                practices,
                summary=[message],
                status=409,
                based_on=text_version(fresh) if fresh is not None else None,
                **form_args,
            )
        by_field, other = field_errors(exc.errors, NOTE_FIELDS)
        return _note_form(
            network,
            values,
            practices,
            errors=by_field,
            summary=other or ([] if by_field else [exc.message]),
            status=422,
            based_on=based_on,
            **form_args,
        )
    if result["status"] == "pending":
        flash(
            _("Tak! Din ændring af det offentlige notat er sendt til redaktionen og bliver vist, når den er godkendt.")
        )
        return redirect(result["url"])
    flash(_("Notatet er gemt."))
    return redirect(url_for("pages.note", slug=slug))


@bp.route("/notater/<slug>/traek-tilbage", methods=["GET", "POST"])
@login_required
def withdraw(slug: str):
    """GET: the confirmation step (what will happen, and for an editor the reason). POST: do it."""
    item, text = _current(slug)
    own = notes.author_of(owned_db(), slug) == current_user().id
    if request.method == "GET":
        return _confirm(item, text, own)
    reason = request.form.get("reason", "")
    try:
        notes.withdraw(
            owned_db(),
            current_user(),
            slug,
            current_app.config["CONTENT_DIR"],
            current_app.config["DATA_DIR"],
            based_on=request.form.get("based_on") or None,
            reason=reason,
        )
    except SubmissionError as exc:
        _refusal_status(exc)
        if exc.status == 409:
            fresh = current_text(owned_db().conn, current_app.config["CONTENT_DIR"], "note", slug)
            if fresh is None:
                abort(410)
            message = _(
                "Notatet er blevet ændret, siden du åbnede siden. Se den nuværende udgave, før du beslutter dig."
            )
            return _confirm(item, fresh, own, reason=reason, error=message, status=409)
        return _confirm(item, text, own, reason=reason, error=exc.message, status=422)
    flash(
        _("Notatet er trukket tilbage og kan ikke længere ses.")
        if own
        else _("Notatet er fjernet, og forfatteren har fået besked med din begrundelse.")
    )
    return redirect(url_for("pages.network", slug=item["data"]["network"]))


def _confirm(item, text, own: bool, *, reason: str = "", error: str | None = None, status: int = 200):
    title = _("Træk notatet tilbage") if own else _("Fjern notatet")
    return render_template(
        "note_withdraw.html",
        page_title=(_("Fejl: %(title)s", title=title) if error else title),
        heading=title,
        item=item,
        own=own,
        based_on=text_version(text),
        reason=reason,
        error=error,
    ), status


def gone(slug: str):
    """The answer for a withdrawn note: 410 with a calm page for those who could read it; None otherwise."""
    row = notes.withdrawn(owned_db(), slug)
    if row is None or row["audience"] not in audiences():
        return None
    return render_template("note_gone.html", taken_down=row["withdrawn_by"] != row["author_id"]), 410
