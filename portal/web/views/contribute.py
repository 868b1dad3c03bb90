"""Contributing: submit a practice (form or file), see one's submissions, post network notes."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import revisions, submissions
from ..auth import audiences, current_user, login_required, owned_db
from ...content import kommuner as kommune_registry
from ...content.errors import ContentErrors
from ...content.kommuner import danish_sort_key
from ...content.loader import parse_file
from ...content.schema import EVIDENCE, STATUSES
from ...limits import MAX_SUBMISSION_BYTES
from ...publishing import current_text, text_version
from ..forms import NOTE_FIELDS, PRACTICE_FIELDS, field_errors, form_values, from_file, to_file
from ...rendering import MarkdownTooLarge, render_markdown
from ..resources import get_store
from ...submissions import SubmissionError

bp = Blueprint("contribute", __name__)

MAX_UPLOAD = MAX_SUBMISSION_BYTES  # the API's limit: one size for a file, however it is sent


def _practice_form(values: dict, *, errors=None, summary=None, preview=None, slug=None, status=200, based_on=None):
    # The version of the practice this edit started from travels with the form
    # (a re-shown form keeps the one it was sent with), so submitting a stale form is a conflict.
    based_on = based_on or request.form.get("based_on") or None
    heading = _("Indsend en erfaring") if not slug else _("Foreslå en ændring")
    title = _("Fejl: %(title)s", title=heading) if errors or summary else heading
    return render_template(
        "submit.html",
        page_title=title,
        heading=heading,
        values=values,
        errors=errors or {},
        summary=summary or [],
        preview=preview,
        slug=slug,
        based_on=based_on if slug else None,
        **form_context(),
    ), status


def form_context() -> dict:
    """What the practice fields (_practice_fields.html) choose from: kommuner, topics in use, the contract's values."""
    return {
        "kommuner_by_region": {
            r: [k for k in kommune_registry.all_kommuner() if k.region == r] for r in kommune_registry.REGIONS
        },
        "topics_in_use": sorted((t for t, _n in get_store().topic_counts(audiences())), key=danish_sort_key),
        "evidence": EVIDENCE,
        "statuses": STATUSES,
    }


@bp.route("/indsend", methods=["GET", "POST"])
@login_required
def submit():
    slug = request.values.get("slug") or None
    if request.method == "GET":
        values = {name: "" for name in PRACTICE_FIELDS} | {"kommuner": [], "topics": [], "target_groups": []}
        based_on = None
        if slug:
            existing = get_store().get("practice", slug, audiences())
            text = _current(slug) if existing is not None else None
            if text is None:
                abort(404)
            values = from_file(text, PRACTICE_FIELDS)
            based_on = text_version(text)
        return _practice_form(values, slug=slug, based_on=based_on)

    upload = request.files.get("file")
    if upload and upload.filename:
        raw_bytes = upload.read(MAX_UPLOAD + 1)
        if len(raw_bytes) > MAX_UPLOAD:
            return _practice_form(
                form_values(request.form, PRACTICE_FIELDS),
                slug=slug,
                status=422,
                summary=[_("Filen er for stor (højst %(kb)d kB).", kb=MAX_UPLOAD // 1000)],
            )
        try:
            raw = raw_bytes.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _practice_form(
                form_values(request.form, PRACTICE_FIELDS),
                slug=slug,
                status=422,
                summary=[_("Filen er ikke gyldig UTF-8-tekst.")],
            )
        values = None
    else:
        values = form_values(request.form, PRACTICE_FIELDS)
        # An update is applied to the text it changes, so untouched fields keep their formatting.
        raw = to_file(values, PRACTICE_FIELDS, base=_current(slug) if slug else None)
        if request.form.get("action") == "preview":
            try:
                preview = render_markdown(values.get("body") or "")
            except MarkdownTooLarge as exc:
                return _practice_form(values, slug=slug, errors={"body": [str(exc)]}, status=422)
            return _practice_form(values, slug=slug, preview=preview)
    try:
        sub = submissions.submit(
            owned_db(),
            current_user(),
            raw,
            current_app.config["CONTENT_DIR"],
            slug=slug,
            based_on=(request.form.get("based_on") or None) if slug else None,
        )
    except SubmissionError as exc:
        if exc.status == 409 and slug and (text := _current(slug)) is not None:
            # Changed since the form was opened: keep every word typed, say why, and carry
            # the new version, so sending again (after looking at it) is a deliberate choice.
            if values is None:
                message = _(
                    "Erfaringen er blevet ændret, siden du åbnede formularen, så din fil ville fjerne den "
                    "ændring. Hent den nuværende udgave, tilføj dine ændringer i den, og send filen igen."
                )
            else:
                message = _(
                    "Erfaringen er blevet ændret, siden du åbnede formularen, så dit forslag ville fjerne "
                    "den ændring. Din tekst er bevaret herunder: se den nuværende udgave, tilføj dens "
                    "ændringer, og send igen."
                )
            kept = values if values is not None else form_values(request.form, PRACTICE_FIELDS)
            return _practice_form(kept, slug=slug, based_on=text_version(text), status=409, summary=[message])
        if values is None:  # an uploaded file: report its lines
            lines = [_("Linje %(line)s: %(message)s", line=e.line, message=e.message) for e in exc.errors] or [
                exc.message
            ]
            return _practice_form(form_values(request.form, PRACTICE_FIELDS), slug=slug, summary=lines, status=422)
        by_field, other = field_errors(exc.errors, PRACTICE_FIELDS)
        return _practice_form(
            values, slug=slug, errors=by_field, summary=other or ([] if by_field else [exc.message]), status=422
        )
    flash(_("Tak! Din erfaring er sendt til redaktionen og bliver offentliggjort, når den er godkendt."))
    return redirect(url_for("contribute.submission", sid=sub.id))


def _current(slug: str) -> str | None:
    """The practice's text including approvals not yet written to content/."""
    return current_text(owned_db().conn, current_app.config["CONTENT_DIR"], "practice", slug)


@bp.route("/mine-indsendelser")
@login_required
def my_submissions():
    return render_template("my_submissions.html", items=submissions.for_user(owned_db(), current_user()))


@bp.route("/indsendelser/<sid>")
@login_required
def submission(sid: str):
    sub = submissions.get(owned_db(), sid)
    if not submissions.visible_to(sub, current_user()):
        abort(404)  # a stranger learns nothing, not even that it exists
    return submission_page(sub)


def submission_page(sub, *, values=None, errors=None, summary=None, status=200):
    """The contributor's page of a submission: how it will look, its thread (every text it has had, an
    editor's corrections included) and, once rejected, the form to revise and resend it."""
    resend = sub.status == "rejected" and sub.user_id == current_user().id and sub.kind == "practice"
    extra = form_context() if resend else {}
    return render_template(
        "submission.html",
        sub=sub,
        thread=revisions.thread(owned_db(), sub.id),
        resend=resend,
        values=values or (from_file(sub.raw, PRACTICE_FIELDS) if resend else {}),
        errors=errors or {},
        summary=summary or [],
        revise_version=(request.form.get("based_on") if status != 409 else None) or text_version(sub.raw),
        **extra,
        **rendered(sub),
    ), status


@bp.route("/indsendelser/<sid>/send-igen", methods=["POST"])
@login_required
def resend(sid: str):
    """A rejected submission's author sends it again, revised: the same submission, pending again."""
    db, user = owned_db(), current_user()
    sub = submissions.get(db, sid)
    if sub is None or sub.user_id != user.id:
        abort(404)
    values = form_values(request.form, PRACTICE_FIELDS)
    try:
        revisions.resend(
            db,
            user,
            sid,
            to_file(values, PRACTICE_FIELDS, base=sub.raw),
            current_app.config["CONTENT_DIR"],
            based_on=request.form.get("based_on") or None,
        )
    except SubmissionError as exc:
        by_field, other = field_errors(exc.errors, PRACTICE_FIELDS)
        return submission_page(
            submissions.get(db, sid),
            values=values,
            errors=by_field,
            summary=other or ([] if by_field else [exc.message]),
            status=exc.status,
        )
    flash(_("Din rettede erfaring er sendt til redaktionen igen."))
    return redirect(url_for("contribute.submission", sid=sid))


def rendered(sub) -> dict:
    """The submission as it will look once published (it was valid when stored)."""
    try:
        if sub.kind == "evaluation":  # a YAML file, its PDF already among the content files
            from ...evaluation_submissions import validate_raw

            record = validate_raw(sub.raw, sub.slug, current_app.config["CONTENT_DIR"])
            return {"record": record, "html": render_markdown(record["result"])}
        if sub.kind == "note":  # a public note waiting for an editor
            record = parse_file("note", sub.raw.encode("utf-8"), f"notes/{sub.slug}.md", slug=sub.slug)
        else:
            record = submissions.validate(sub.raw, sub.slug)
        kommuner = [{**k, "as_name": k["as"]} for k in record.get("kommuner") or []]  # as the store's kommune links
        return {"record": record, "html": render_markdown(record["body_md"]), "preview_kommuner": kommuner}
    except (SubmissionError, ContentErrors, MarkdownTooLarge):
        return {"record": None, "html": "", "preview_kommuner": []}


@bp.route("/netvaerk/<slug>/nyt-notat", methods=["GET", "POST"])
@login_required
def note_form(slug: str):
    store = get_store()
    network = store.get("network", slug)
    if network is None:
        abort(404)
    user = current_user()
    if slug not in user.networks:
        abort(403)
    practices = {p["slug"]: p["title"] for p in store.items_of_type("practice", audiences())}
    if request.method == "GET":
        # Network-only is preselected: going public (through moderation) is a deliberate choice.
        values = {n: "" for n in NOTE_FIELDS} | {
            "network": slug,
            "date": dt.date.today().isoformat(),
            "visibility": "network",
            "kommuner": [],
            "topics": [],
            "practices": [],
        }
        return _note_form(network, values, practices)
    values = form_values(request.form, NOTE_FIELDS) | {"network": slug}
    try:
        result = submissions.post_note(
            owned_db(),
            user,
            to_file(values, NOTE_FIELDS),
            current_app.config["CONTENT_DIR"],
            current_app.config["DATA_DIR"],
            networks={n["slug"] for n in store.items_of_type("network")},
            practices=set(practices),
        )
    except SubmissionError as exc:
        if exc.status == 403:
            abort(403)
        by_field, other = field_errors(exc.errors, NOTE_FIELDS)
        return _note_form(network, values, practices, errors=by_field, summary=other, status=422)
    if result["status"] == "pending":
        flash(_("Tak! Dit offentlige notat er sendt til redaktionen og bliver vist for alle, når det er godkendt."))
    else:
        flash(_("Notatet er delt med netværkets medlemmer."))
    return redirect(result["url"])


def _note_form(
    network, values, practices, errors=None, summary=None, status=200, *, editing=None, based_on=None, action_url=None
):
    heading = (
        _("Ret notatet »%(title)s«", title=editing)
        if editing
        else _("Nyt notat til %(network)s", network=network["title"])
    )
    title = _("Fejl: %(title)s", title=heading) if errors or summary else heading
    return render_template(
        "note_form.html",
        page_title=title,
        heading=heading,
        network=network,
        values=values,
        practices=practices,
        errors=errors or {},
        summary=summary or [],
        kommuner=kommune_registry.all_kommuner(),
        editing=editing,
        based_on=based_on,
        action_url=action_url,
    ), status


def refill_after_csrf_failure(message: str | None = None, status: int = 400):
    """A form whose CSRF token no longer matches (the session expired or ended in
    another tab) comes back filled in with what was typed, never emptied. So does a
    form that met a fault (a held lock, a full disk: ``message`` and 503, see errors.py)."""
    message = message or _(
        "Din session er udløbet, så formularen blev ikke sendt. Din tekst er bevaret herunder: "
        "log ind igen i et nyt faneblad, og send derefter formularen herfra."
    )
    if request.endpoint == "contribute.submit":
        return _practice_form(
            form_values(request.form, PRACTICE_FIELDS),
            slug=request.form.get("slug") or None,
            summary=[message],
            status=status,
        )
    if request.endpoint == "contribute.note_form":
        store = get_store()
        slug = (request.view_args or {}).get("slug", "")
        network = store.get("network", slug)
        if network is not None:
            practices = {p["slug"]: p["title"] for p in store.items_of_type("practice", audiences())}
            values = form_values(request.form, NOTE_FIELDS) | {"network": slug}
            return _note_form(network, values, practices, summary=[message], status=status)
    if request.endpoint == "notes.edit":  # an edit of a note: kept too, with the version it started from
        store = get_store()
        slug = (request.view_args or {}).get("slug", "")
        item = store.get("note", slug, audiences())
        if item is not None:
            network = store.get("network", item["data"]["network"])
            practices = {p["slug"]: p["title"] for p in store.items_of_type("practice", audiences())}
            values = form_values(request.form, NOTE_FIELDS) | {"network": network["slug"]}
            return _note_form(
                network,
                values,
                practices,
                summary=[message],
                status=status,
                editing=item["title"],
                based_on=request.form.get("based_on") or None,
                action_url=url_for("notes.edit", slug=slug),
            )
    return None
