"""Batch submission: up to 100 practice files in one request, answered file by file.

``POST /api/submissions/batch`` takes ``multipart/form-data`` with one part named
``file`` per Markdown file. Each file goes through exactly what a single
``POST /api/submissions`` does (:func:`portal.submissions.submit`, its own
transaction), so it stands or falls alone and gets the same errors. The answer
lists every file in the order sent. Editors get one mail for the whole batch,
not one per file.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ... import notifications, submissions
from ...submissions import MAX_RAW_BYTES, SubmissionError
from ...errors import PortalError
from ..auth import current_user, owned_db

bp = Blueprint("api_batch", __name__, url_prefix="/api")

MAX_FILES = 100
MAX_NAME = 255
# Room for MAX_FILES files at the single-file limit, plus the multipart framing.
MAX_BATCH_BYTES = MAX_FILES * MAX_RAW_BYTES + 1024 * 1024


def _refused(name: str, status: int, message: str, errors: list[dict]) -> dict:
    return {"file": name, "status": status, "error": message, "errors": errors}


def _decode(name: str, data: bytes) -> tuple[str | None, dict | None]:
    """The file as text, or its per-file refusal (the messages of a single submission)."""
    if not data.strip():
        return None, _refused(name, 422, "tom fil", [{"line": 1, "field": None, "message": "filen er tom"}])
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, _refused(
            name,
            422,
            "filen er ikke gyldig UTF-8",
            [{"line": line, "field": None, "message": "filen er ikke gyldig UTF-8"}],
        )


def _one(user, name: str, data: bytes) -> dict:
    if len(data) > MAX_RAW_BYTES:
        return _refused(
            name,
            413,
            f"filen er for stor (højst {MAX_RAW_BYTES:,} bytes)".replace(",", "."),
            [{"line": 1, "field": None, "message": "filen er for stor"}],
        )
    raw, refusal = _decode(name, data)
    if refusal:
        return refusal
    try:
        sub = submissions.submit(owned_db(), user, raw, current_app.config["CONTENT_DIR"], notify=False)
    except SubmissionError as exc:
        return _refused(name, exc.status, exc.message, [e.as_dict() for e in exc.errors])
    return {"file": name, "status": 201, "id": sub.id, "slug": sub.slug, "title": sub.title}


@bp.route("/submissions/batch", methods=["POST"])
def create_batch():
    user = current_user()
    if user is None:
        raise PortalError(status=401, message="mangler eller ugyldig API-nøgle (Authorization: Bearer …)")
    if request.mimetype != "multipart/form-data":
        raise PortalError(status=415, message="send filerne som multipart/form-data, én del ved navn 'file' pr. fil")
    request.max_content_length = max(MAX_BATCH_BYTES, current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    uploads = request.files.getlist("file")
    if "file" in request.form:
        raise PortalError(
            status=400, message="hver del ved navn 'file' skal være en fil (med filename i Content-Disposition)"
        )
    if not uploads:
        raise PortalError(status=400, message="ingen filer: send én del ved navn 'file' pr. Markdown-fil")
    if len(uploads) > MAX_FILES:
        raise PortalError(status=422, message=f"for mange filer: {len(uploads)}; højst {MAX_FILES} pr. forespørgsel")
    results = []
    for upload in uploads:
        name = (upload.filename or "")[:MAX_NAME]
        results.append(_one(user, name, upload.read(MAX_RAW_BYTES + 1)))
    created = [(r["id"], r["title"]) for r in results if r["status"] == 201]
    if created:
        db = owned_db()
        with db.write() as conn:
            notifications.batch_received(conn, titles=created, contributor=user)
    return jsonify({"results": results})
