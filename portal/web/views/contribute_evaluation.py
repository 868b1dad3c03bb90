"""The web form for an evaluation report with its PDF (``/indsend/evaluering``).

The form is another way to write the report's YAML file: its fields become the
text the API would receive, and the same Flask-free code
(:mod:`portal.evaluation_submissions`) checks the PDF and the file and stores
the submission for moderation. Errors are shown beside their fields with
everything typed kept; a browser cannot keep a chosen file, so the form says to
choose the PDF again.

The request may hold a 20 MB PDF, above the app's 2 MiB limit for text, so the
limit is raised for this view before the body is parsed — which is why CSRF is
checked here, after that, rather than by the app-wide check before the view.
"""

from __future__ import annotations

import yaml
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from ...attachments import MAX_ATTACHMENT_BYTES
from ...content.evaluations import METHODS
from ...evaluation_submissions import submit_evaluation
from ...submissions import SubmissionError
from ..auth import audiences, current_user, login_required, owned_db
from ..forms import field_errors, split_list
from ..resources import get_store
from ..security import csrf
from .api_evaluations import MAX_UPLOAD_BYTES

bp = Blueprint("contribute_evaluation", __name__)

FIELDS = ("title", "evaluator", "published", "method", "result", "practices", "kommuner", "source", "attachment")


def to_yaml(values: dict) -> str:
    """Form values → the text of an evaluation's YAML file (empty fields left out)."""
    data = {}
    for name in FIELDS[:-1]:
        value = values.get(name)
        if value not in (None, "", []):
            data[name] = value if isinstance(value, list) else str(value).strip()
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)


def _values(form) -> dict:
    values = {name: form.get(name, "") for name in ("title", "evaluator", "published", "result", "source")}
    values["method"] = [m for m in form.getlist("method") if m]
    values["practices"] = [p for p in form.getlist("practices") if p]
    values["kommuner"] = split_list(form.get("kommuner", ""))
    return values


def _form(values: dict, errors=None, summary=None, status=200):
    practices = sorted(get_store().items_of_type("practice", audiences()), key=lambda p: p["title"])
    heading = _("Indsend en evalueringsrapport")
    return render_template(
        "submit_evaluation.html",
        heading=heading,
        values=values,
        errors=errors or {},
        summary=summary or [],
        page_title=_("Fejl: %(title)s", title=heading) if errors or summary else heading,
        methods=METHODS,
        practices=practices,
        max_mb=MAX_ATTACHMENT_BYTES // 1_048_576,
    ), status


@bp.route("/indsend/evaluering", methods=["GET", "POST"])
@csrf.exempt
@login_required
def submit():
    if request.method == "GET":
        return _form({"method": [], "practices": [], "kommuner": []})
    request.max_content_length = MAX_UPLOAD_BYTES
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        return _form(
            {"method": [], "practices": [], "kommuner": []},
            status=413,
            summary=[
                _(
                    "Rapporten er for stor (højst %(mb)d MB). Intet er gemt; udfyld formularen igen.",
                    mb=MAX_ATTACHMENT_BYTES // 1_048_576,
                )
            ],
        )
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from None
    values = _values(request.form)
    upload = request.files.get("attachment")
    pdf = upload.read(MAX_ATTACHMENT_BYTES + 1) if upload and upload.filename else None
    user = current_user()
    try:
        sub = submit_evaluation(
            owned_db(),
            user,
            to_yaml(values),
            pdf,
            current_app.config["CONTENT_DIR"],
            practices={p["slug"] for p in get_store().items_of_type("practice", user.audiences())},
        )
    except SubmissionError as exc:
        by_field, other = field_errors(exc.errors, FIELDS)
        if pdf is not None and "attachment" not in by_field:
            other.append(_("Rapporten (PDF) er ikke gemt: vælg filen igen, når du har rettet fejlene."))
        return _form(values, errors=by_field, summary=other or ([] if by_field else [exc.message]), status=422)
    flash(_("Tak! Evalueringen er sendt til redaktionen og bliver offentliggjort, når den er godkendt."))
    return redirect(url_for("contribute.submission", sid=sub.id))
