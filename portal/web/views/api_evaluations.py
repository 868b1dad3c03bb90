"""``POST /api/submissions`` as ``multipart/form-data``: an evaluation report and its PDF in one request.

Parts: ``file`` — the report's YAML (the content format of ``content/evalueringer/``,
without ``attachment``), and optionally ``attachment`` — the report as a PDF (at most
20 MB). Answered like a practice submission: 201 with the id, or 4xx JSON with the
errors by line and field (the PDF's on ``attachment``), raised as the core's
exception families and answered by ``portal/web/errors.py``. Called from
:func:`portal.web.views.api_write.create_submission`; the work is Flask-free in
:mod:`portal.evaluation_submissions`.
"""

from __future__ import annotations

from flask import current_app, jsonify, request

from ...attachments import MAX_ATTACHMENT_BYTES
from ...evaluation_submissions import submit_evaluation
from ...errors import PortalError
from ...submissions import MAX_RAW_BYTES
from ..auth import owned_db
from ..resources import get_store

#: The body may hold a whole report: the app-wide limit (2 MiB) is for text.
MAX_UPLOAD_BYTES = MAX_ATTACHMENT_BYTES + MAX_RAW_BYTES + 64 * 1024


def _part(name: str) -> bytes | None:
    """A part's bytes, whether sent as a file or as a plain form field."""
    upload = request.files.get(name)
    if upload is not None:
        return upload.read(MAX_ATTACHMENT_BYTES + 1)
    value = request.form.get(name)
    return value.encode("utf-8") if value is not None else None


def create_evaluation_submission(user):
    request.max_content_length = MAX_UPLOAD_BYTES  # streamed bodies without a length are cut here
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:  # refused before a byte is parsed or spooled to disk
        raise PortalError(
            f"forespørgslen er for stor (højst {MAX_UPLOAD_BYTES // 1_048_576} MB i alt; "
            f"rapporten højst {MAX_ATTACHMENT_BYTES // 1_048_576} MB)",
            413,
        )
    raw = _part("file")
    if not raw or not raw.strip():
        raise PortalError(
            "send evalueringens YAML-fil som delen 'file'",
            422,
            errors=[{"line": 1, "field": None, "message": "delen 'file' mangler eller er tom"}],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PortalError(
            "filen er ikke gyldig UTF-8",
            422,
            errors=[{"line": line, "field": None, "message": "filen er ikke gyldig UTF-8"}],
        ) from None
    pdf = _part("attachment")
    # A refusal is a SubmissionError (a PortalError): answered as JSON with its errors by portal/web/errors.py.
    sub = submit_evaluation(
        owned_db(),
        user,
        text,
        pdf or None,
        current_app.config["CONTENT_DIR"],
        practices={p["slug"] for p in get_store().items_of_type("practice", user.audiences())},
    )
    response = jsonify({"id": sub.id, "status": sub.status, "slug": sub.slug})
    response.status_code = 201
    response.headers["Location"] = f"/api/submissions/{sub.id}"
    return response
