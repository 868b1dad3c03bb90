"""Evaluation reports sent in by knowledge centres, with their PDF, through moderation. Flask-free.

An evaluation submission is the report's YAML file (the content format of
``content/evalueringer/``) and, optionally, the report as a PDF. Both are
checked exactly as the ingest checks them before anything is stored; then the
PDF is written as a content file under its hash (``evalueringer/filer/<sha256>.pdf``,
in every backup from that moment), the ``attachment`` line naming it is added to
the YAML, and the submission waits for an editor like a practice. Until an
approved report cites it, the file is served to nobody but editors (the public
download route serves only files that a published report cites), so moderation
decides what becomes public. Refusals are :class:`~portal.submissions.SubmissionError`
with errors by field; the PDF's are on the field ``attachment``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from .accounts import User
from .attachments import AttachmentError, pdf_text, store_attachment
from .content.errors import ContentError, ContentErrors
from .content.loader import parse_file, practice_reference_errors
from .kinds import KINDS
from .owned import OwnedDB, now
from . import notifications, reservations
from .publishing import content_path
from .submissions import MAX_RAW_BYTES, Submission, SubmissionError, get, slugify

KIND = "evaluation"


def validate_raw(raw: str, slug: str, content_dir: Path | str) -> dict:
    """Validate an evaluation's YAML as the ingest would (its attachment resolved in
    ``content_dir``). Raises SubmissionError (422)."""
    data = raw.encode("utf-8")
    path = str(content_path(content_dir, KIND, slug))
    if len(data) > MAX_RAW_BYTES:
        raise SubmissionError(
            f"filen er for stor (højst {MAX_RAW_BYTES:,} bytes)".replace(",", "."),
            errors=[ContentError(path, 1, "filen er for stor")],
        )
    try:
        return parse_file(KIND, data, path, slug=slug)
    except ContentErrors as exc:
        raise SubmissionError("indholdet er ikke gyldigt", errors=exc.errors) from None


def submit_evaluation(
    db: OwnedDB, user: User, raw: str, pdf: bytes | None, content_dir: Path | str, practices: set[str]
) -> Submission:
    """Store a pending evaluation report (and its PDF). Raises SubmissionError (422/409)."""
    raw = raw.replace("\r\n", "\n")
    pdf_errors = []
    if pdf is not None:
        try:
            pdf_text(pdf)  # size, magic bytes, pypdf: before anything is stored
        except AttachmentError as exc:
            pdf_errors = [ContentError("attachment", 1, str(exc), field="attachment")]
    try:
        record = validate_raw(raw, "ny", content_dir)
    except SubmissionError as exc:  # every problem at once: the file's and the PDF's
        exc.errors += pdf_errors
        exc.details = {"errors": [e.as_dict() for e in exc.errors]}
        raise
    if pdf_errors:
        raise SubmissionError("rapporten (PDF) kan ikke bruges", errors=pdf_errors)
    if pdf is not None and record["attachment"] is not None:
        raise SubmissionError(
            "filen nævner allerede en 'attachment'; send enten PDF'en med eller linjen, ikke begge",
            errors=[ContentError("attachment", 1, "to rapporter", field="attachment")],
        )
    errors = practice_reference_errors(record, raw, practices)
    if errors:
        raise SubmissionError("indholdet er ikke gyldigt", errors=errors)
    base = slugify(record["title"])
    sid = secrets.token_urlsafe(9)
    with db.write() as conn:
        # The address is reserved in the transaction that stores the submission (portal/reservations.py):
        # two reports with one title sent at once cannot both take it.
        try:
            slug = reservations.reserve(conn, content_dir, KIND, base, sid, suffix=False)
        except reservations.SlugTaken:
            raise SubmissionError(
                f"der findes allerede en evaluering med adressen '{base}' (offentliggjort eller "
                "ventende); giv rapporten en anden titel",
                status=409,
                errors=[ContentError("title", 1, "evalueringen findes allerede", field="title")],
            ) from None
        if pdf is not None:
            spec = KINDS[KIND]
            name = store_attachment(Path(content_dir) / spec.folder / spec.attachment_folder, pdf)
            raw = raw.rstrip("\n") + f"\nattachment: {spec.attachment_folder}/{name}\n"
            record = validate_raw(raw, slug, content_dir)  # the file as it will be published
        conn.execute(
            """INSERT INTO submissions (id, user_id, kind, slug, title, raw, is_update, base_raw, status, created_at)
               VALUES (?, ?, ?, ?, ?, ?, 0, NULL, 'pending', ?)""",
            (sid, user.id, KIND, slug, record["title"], raw, now()),
        )
        db.log(
            conn,
            user.id,
            "submitted",
            kind=KIND,
            slug=slug,
            submission_id=sid,
            detail="ny evaluering" + (" med rapport (PDF)" if record["attachment"] else ""),
        )
        notifications.submission_received(
            conn, sid=sid, title=record["title"], is_update=False, contributor=user, kind=KIND
        )
    return get(db, sid)
