"""The write API for knowledge centres and networks (Bearer tokens, no cookies, no CSRF)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ... import revisions, submissions
from ...kinds import item_url
from ..auth import current_user, owned_db
from ..resources import get_store
from ...errors import NotFound, PortalError
from ...publishing import text_version
from ...submissions import SubmissionError
from .api import PRACTICE_FIELDS, _kommune_json

bp = Blueprint("api_write", __name__, url_prefix="/api")

ACCEPTED_TYPES = ("text/markdown", "text/plain", "text/x-markdown")
STATUSES = ("pending", "approved", "rejected")


# Every refusal below is raised as one of the core's families (portal/errors.py)
# and answered by portal/web/errors.py: {"error": …} plus its details, the status,
# and for a 401 the WWW-Authenticate header.


def _user(message: str = "mangler eller ugyldig API-nøgle"):
    user = current_user()
    if user is None:
        raise PortalError(message, 401)
    return user


def _body_text() -> str:
    """The request body as text in the content format; a wrong type or encoding is refused."""
    if request.mimetype not in ACCEPTED_TYPES:
        raise PortalError("send filen som text/markdown (Content-Type: text/markdown; charset=utf-8)", 415)
    data = request.get_data(cache=False)
    if not data.strip():
        raise PortalError("tom forespørgsel", 422, errors=[{"line": 1, "field": None, "message": "filen er tom"}])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PortalError(
            "filen er ikke gyldig UTF-8",
            422,
            errors=[{"line": line, "field": None, "message": "filen er ikke gyldig UTF-8"}],
        ) from None


def _submission_json(sub) -> dict:
    return {
        "id": sub.id,
        "status": sub.status,
        "slug": sub.slug,
        "title": sub.title,
        "is_update": sub.is_update,
        "created_at": sub.created_at,
        "decided_at": sub.decided_at,
        "reason": sub.reason,
        "url": item_url(sub.kind, sub.slug) if sub.status == "approved" else None,
        "kind": sub.kind,
    }


def _submission_detail(sub) -> dict:
    """For its owner and editors: what was submitted, and for an update the diff the editor reviews."""
    try:
        record = submissions.validate(sub.raw, sub.slug)
    except SubmissionError:  # valid when stored; a later, stricter contract may refuse it: the text still shows
        record = None
    submitted = (
        None
        if record is None
        else {
            "title": record["title"],
            "kommuner": [_kommune_json(k) for k in record["kommuner"]],
            **{key: record.get(key) for key in PRACTICE_FIELDS},
            "body": record["body_md"],
        }
    )
    diff = sub.diff()
    thread = [
        {
            "round": r["round"],
            "at": r["at"],
            "by": r["role"],
            "title": r["title"],
            "note": r["note"],
            "changes": "\n".join(r["changes"]) if i else None,
        }
        for i, r in enumerate(revisions.thread(owned_db(), sub.id))
    ]
    return {
        **_submission_json(sub),
        "raw": sub.raw,
        "version": text_version(sub.raw),
        "submitted": submitted,
        "diff": "\n".join(diff) if sub.is_update else None,
        "revisions": thread,
    }


@bp.route("/submissions", methods=["POST"])
def create_submission():
    user = _user("mangler eller ugyldig API-nøgle (Authorization: Bearer …)")
    if request.mimetype == "multipart/form-data":  # an evaluation report with its PDF
        from .api_evaluations import create_evaluation_submission

        return create_evaluation_submission(user)
    raw = _body_text()
    based_on = request.args.get("based_on") or None
    if based_on is not None and len(based_on) > 64:
        raise PortalError("'based_on' er for lang; send den 'version', som GET /api/practices/<slug> gav")
    sub = submissions.submit(
        owned_db(),
        user,
        raw,
        current_app.config["CONTENT_DIR"],
        slug=request.args.get("slug") or None,
        based_on=based_on,
    )
    response = jsonify({"id": sub.id, "status": sub.status, "slug": sub.slug})
    response.status_code = 201
    response.headers["Location"] = f"/api/submissions/{sub.id}"
    return response


@bp.route("/submissions", methods=["GET"])
def list_submissions():
    user = _user()
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        raise PortalError(f"ukendt status '{status[:30]}'; brug én af {', '.join(STATUSES)}")
    if user.is_editor:
        items = submissions.by_status(owned_db(), status)
    else:  # a contributor sees only their own
        items = [s for s in submissions.for_user(owned_db(), user) if s.status == status]
    return jsonify({"status": status, "submissions": [_submission_json(s) for s in items]})


@bp.route("/submissions/<sid>", methods=["GET"])
def get_submission(sid: str):
    user = _user()
    sub = submissions.get(owned_db(), sid)
    if not submissions.visible_to(sub, user):
        raise NotFound("indsendelsen findes ikke")
    return jsonify(_submission_detail(sub))


@bp.route("/submissions/<sid>", methods=["PUT"])
def revise_submission(sid: str):
    """A new text for a submission, in its thread: an editor's correction of a pending one, or its
    author's revised resend of a rejected one (pending again). ``based_on``: the ``version`` the new
    text started from (GET /api/submissions/<id>); 409 if the submission changed since."""
    user = _user()
    sub = submissions.get(owned_db(), sid)
    if not submissions.visible_to(sub, user):
        raise NotFound("indsendelsen findes ikke")
    raw = _body_text()
    based_on = request.args.get("based_on") or None
    if based_on is not None and len(based_on) > 64:
        raise PortalError("'based_on' er for lang; send den 'version', som GET /api/submissions/<id> gav")
    note = request.args.get("note")
    if user.is_editor and (sub.status == "pending" or sub.user_id != user.id):
        sub = revisions.correct(owned_db(), user, sid, raw, note, based_on=based_on)
    else:
        sub = revisions.resend(owned_db(), user, sid, raw, current_app.config["CONTENT_DIR"], based_on=based_on)
    return jsonify(_submission_detail(sub))


def _not_an_editor(user, sid: str, message: str):
    """403 for the owner (who may know the submission), 404 for everyone else."""
    if submissions.visible_to(submissions.get(owned_db(), sid), user):
        raise PortalError(message, 403)
    raise NotFound("indsendelsen findes ikke")


@bp.route("/submissions/<sid>/approve", methods=["POST"])
def approve_submission(sid: str):
    user = _user()
    if not user.is_editor:
        _not_an_editor(user, sid, "kun redaktører kan godkende")
    sub = submissions.approve(owned_db(), user, sid, current_app.config["CONTENT_DIR"], current_app.config["DATA_DIR"])
    return jsonify(_submission_json(sub))


@bp.route("/submissions/<sid>/reject", methods=["POST"])
def reject_submission(sid: str):
    user = _user()
    if not user.is_editor:
        _not_an_editor(user, sid, "kun redaktører kan afvise")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("reason"), str):
        raise PortalError('send JSON med en begrundelse: {"reason": "…"}')
    sub = submissions.reject(owned_db(), user, sid, body["reason"])
    return jsonify(_submission_json(sub))


@bp.route("/notes", methods=["POST"])
def create_note():
    user = _user()
    raw = _body_text()
    store = get_store()
    result = submissions.post_note(
        owned_db(),
        user,
        raw,
        current_app.config["CONTENT_DIR"],
        current_app.config["DATA_DIR"],
        networks={n["slug"] for n in store.items_of_type("network")},
        practices={p["slug"] for p in store.items_of_type("practice", user.audiences())},
    )
    # A network-only note is published at once (201); a public one waits for an editor (202, its submission).
    body = {"id": result["id"], "url": result["url"], "status": result["status"]}
    if result["status"] == "pending":
        body["submission"] = result["submission"]
    response = jsonify(body)
    response.status_code = 201 if result["status"] == "published" else 202
    response.headers["Location"] = (
        f"/api/notes/{result['id']}" if result["status"] == "published" else f"/api/submissions/{result['submission']}"
    )
    return response
