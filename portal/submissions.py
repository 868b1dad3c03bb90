"""Submissions and moderation; member notes. Flask-free.

A contributor's practice write-up (from the web form, an uploaded file or the
API — all become the same text in the content format) is validated exactly as
an ingest would validate it and stored as a *pending* submission in the owned
database. Only editors and its owner can see it. An editor approves it (the
outbox then publishes it at once, see :mod:`portal.publishing`) or rejects it
with a reason. Every step is written to the moderation log.

A submission whose slug names an existing practice is an *update*; it keeps
the text it was based on, so the editor sees a diff, and approving it after
someone else changed the practice in between is refused as a conflict instead
of silently overwriting their change.
"""

from __future__ import annotations

import difflib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .accounts import User
from .content.errors import ContentError, ContentErrors
from .content.loader import parse_file
from .content import characters
from .content.schema import SLUG_RE
from .limits import MAX_REASON, MAX_SUBMISSION_BYTES as MAX_RAW_BYTES
from .owned import OwnedDB, now
from . import reservations
from .errors import PortalError
from .kinds import item_url
from .publishing import current_text, drain, enqueue, text_version
from . import notifications


class SubmissionError(PortalError):
    """A refused submission or decision: ``status`` is the HTTP status the API
    answers with (422 by default), ``errors`` the content errors by line and field."""

    status = 422

    def __init__(self, message: str, status: int = 422, errors: list[ContentError] | None = None):
        super().__init__(message, status)
        self.errors = errors or []
        if self.errors:
            self.details = {"errors": [e.as_dict() for e in self.errors]}


def slugify(text: str, max_len: int = 80) -> str:
    """A URL slug the way the content format wants it: ``Bydelsmødre på Nørrebro`` → ``bydelsmoedre-paa-noerrebro``."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_len].rstrip("-") or "uden-titel"


@dataclass
class Submission:
    id: str
    user_id: int
    slug: str
    title: str
    raw: str
    is_update: bool
    base_raw: str | None
    status: str
    reason: str | None
    created_at: str
    decided_at: str | None
    owner_email: str | None = None
    owner_organisation: str | None = None
    kind: str = "practice"  #: "practice", "evaluation" (portal/evaluation_submissions.py) or a public "note"

    @property
    def url(self) -> str:
        """Where the item is (or will be) published."""
        return item_url(self.kind, self.slug)

    def diff(self) -> list[str]:
        """Unified diff against the text the update was based on."""
        if not self.is_update or self.base_raw is None:
            return []
        return list(
            difflib.unified_diff(
                self.base_raw.splitlines(),
                self.raw.splitlines(),
                "nuværende",
                "indsendt",
                lineterm="",
                n=2,
            )
        )


def _submission(row: dict | None) -> Submission | None:
    if row is None:
        return None
    keys = Submission.__dataclass_fields__
    return Submission(**{k: (bool(v) if k == "is_update" else v) for k, v in row.items() if k in keys})


_SELECT = """SELECT s.*, u.email AS owner_email, u.organisation AS owner_organisation
             FROM submissions s JOIN users u ON u.id = s.user_id"""


def _check_size(data: bytes, path: str) -> None:
    """The one size limit of a submitted file (practice or note), as the API documents it."""
    if len(data) > MAX_RAW_BYTES:
        raise SubmissionError(
            f"filen er for stor (højst {MAX_RAW_BYTES:,} bytes)".replace(",", "."),
            errors=[ContentError(path, 1, "filen er for stor")],
        )


def validate(raw: str, slug: str) -> dict:
    """Validate a practice file text as the ingest would. Raises SubmissionError (422)."""
    data = raw.encode("utf-8")
    _check_size(data, f"practices/{slug}.md")
    try:
        return parse_file("practice", data, f"practices/{slug}.md", slug=slug)
    except ContentErrors as exc:
        raise SubmissionError("indholdet er ikke gyldigt", errors=exc.errors) from None


def submit(
    db: OwnedDB,
    user: User,
    raw: str,
    content_dir: Path | str,
    slug: str | None = None,
    based_on: str | None = None,
    *,
    notify: bool = True,
) -> Submission:
    """Store a pending submission of a practice (new, or an update when ``slug`` exists).

    The slug of a new practice is reserved in the transaction that stores it.
    Without an explicit slug it comes from the title; if another new practice
    with that title is waiting for a decision (or being published), this one
    gets the next free address (``-2``, ``-3`` …) rather than a 409: the
    contributor cannot see the other submission and did not choose an address,
    and both are real write-ups that should both be published. A title that
    names a *published* practice is still a 409 that points to the update
    path, and an explicitly chosen slug is never changed behind the user's
    back (409 when another new practice holds it).

    ``based_on`` (:func:`~portal.publishing.text_version` of the text an edit
    started from, sent by the edit form): an update is refused with a 409 if
    the practice changed since, instead of being stored against the newer text
    it never saw, which would let its approval undo that change unnoticed.

    ``notify``: queue a mail to every editor (a batch queues one for all its files instead).
    """
    raw = raw.replace("\r\n", "\n")
    explicit = bool(slug)
    if slug is not None and not SLUG_RE.fullmatch(slug):
        raise SubmissionError(
            "'slug' skal bestå af små bogstaver a-z, tal og bindestreger",
            errors=[ContentError("slug", 1, "ugyldig slug", field="slug")],
        )
    record = validate(raw, slug or "ny")
    base = slug or slugify(record["title"])
    sid = secrets.token_urlsafe(9)
    with db.write() as conn:
        base_raw = current_text(conn, content_dir, "practice", base)
        is_update = base_raw is not None
        if is_update and not explicit:
            raise SubmissionError(
                f"der findes allerede en erfaring med adressen '{base}'; "
                f"angiv slug={base} for at indsende en opdatering af den",
                status=409,
                errors=[ContentError(f"practices/{base}.md", 1, "erfaringen findes allerede", field="title")],
            )
        if is_update and based_on is not None and text_version(base_raw) != based_on:
            raise SubmissionError(
                f"erfaringen '{base}' er blevet ændret, siden du hentede den, så dit forslag ville fjerne den ændring; "
                "se den nuværende udgave, og indsend dit forslag ud fra den",
                status=409,
                errors=[ContentError("based_on", 1, "erfaringen er ændret i mellemtiden", field="based_on")],
            )
        slug = base
        if not is_update:
            try:
                slug = reservations.reserve(conn, content_dir, "practice", base, sid, suffix=not explicit)
            except reservations.SlugTaken:
                raise SubmissionError(
                    f"adressen '{base}' er allerede reserveret til en anden ny erfaring, der venter på godkendelse; "
                    "vælg en anden slug",
                    status=409,
                    errors=[ContentError("slug", 1, "adressen er optaget", field="slug")],
                ) from None
        conn.execute(
            """INSERT INTO submissions (id, user_id, kind, slug, title, raw, is_update, base_raw, status, created_at)
               VALUES (?, ?, 'practice', ?, ?, ?, ?, ?, 'pending', ?)""",
            (sid, user.id, slug, record["title"], raw, int(is_update), base_raw, now()),
        )
        conn.execute(
            """INSERT INTO submission_revisions (submission_id, round, raw, title, actor_id, role, at)
                        VALUES (?, 1, ?, ?, ?, 'contributor', ?)""",
            (sid, raw, record["title"], user.id, now()),
        )
        db.log(
            conn,
            user.id,
            "submitted",
            kind="practice",
            slug=slug,
            submission_id=sid,
            detail="opdatering" if is_update else "ny erfaring",
        )
        if notify:
            notifications.submission_received(
                conn, sid=sid, title=record["title"], is_update=is_update, contributor=user
            )
    return get(db, sid)


def get(db: OwnedDB, sid: str) -> Submission | None:
    return _submission(db.one(_SELECT + " WHERE s.id = ?", (sid,)))


def visible_to(submission: Submission | None, user: User | None) -> bool:
    """Pending and rejected submissions are seen only by their owner and by editors."""
    if submission is None or user is None:
        return False
    return user.is_editor or submission.user_id == user.id


def for_user(db: OwnedDB, user: User) -> list[Submission]:
    return [_submission(r) for r in db.all(_SELECT + " WHERE s.user_id = ? ORDER BY s.created_at DESC", (user.id,))]


def by_status(db: OwnedDB, status: str) -> list[Submission]:
    return [_submission(r) for r in db.all(_SELECT + " WHERE s.status = ? ORDER BY s.created_at", (status,))]


def _pending(db: OwnedDB, sid: str) -> Submission:
    """The submission to decide on, read inside the caller's write transaction,
    so two editors deciding at once cannot both see it pending."""
    sub = _submission(db.one(_SELECT + " WHERE s.id = ?", (sid,)))
    if sub is None:
        raise SubmissionError("indsendelsen findes ikke", status=404)
    if sub.status != "pending":
        raise SubmissionError(f"indsendelsen er allerede {_STATUS_DA[sub.status]}", status=409)
    return sub


def overtaken(db: OwnedDB, sub: Submission, content_dir) -> bool:
    """Would approving this pending submission be refused as a conflict right now?
    (The editor is told before trying; :func:`approve` checks again in its transaction.)"""
    return sub.status == "pending" and current_text(db.conn, content_dir, sub.kind, sub.slug) != sub.base_raw


def approve(db: OwnedDB, editor: User, sid: str, content_dir, data_dir) -> Submission:
    """Approve and publish at once. Raises SubmissionError (404/409/403)."""
    if not editor.is_editor:
        raise SubmissionError("kun redaktører kan godkende", status=403)
    with db.write() as conn:
        sub = _pending(db, sid)
        # The text the practice will have once every decided approval is
        # published (the outbox first, then the file): two updates prepared
        # against the same version cannot both pass, even when the first
        # approval is committed but not yet written to content/.
        current = current_text(conn, content_dir, sub.kind, sub.slug)
        if current != sub.base_raw and sub.kind == "note":
            from .notes import overtaken_message  # notes build on this module

            raise SubmissionError(overtaken_message(sub), status=409)
        if current != sub.base_raw:
            if sub.is_update:
                what, then = "er blevet ændret", "indsende ændringen igen ud fra den nye udgave"
            else:
                what, then = "er blevet oprettet", "indsende sin erfaring igen under en anden titel"
            # Raised inside the transaction: nothing is written, the submission stays pending.
            raise SubmissionError(
                f"erfaringen '{sub.slug}' {what} (af en anden godkendelse eller i filen), siden dette blev "
                f"indsendt, så godkendelsen ville overskrive den; indsendelsen venter stadig: afvis den, så "
                f"indsenderen kan {then}",
                status=409,
            )
        if not sub.is_update:
            reservations.claim(conn, sub.kind, sub.slug, sid)  # submissions stored before reservations existed
        conn.execute(
            "UPDATE submissions SET status = 'approved', decided_at = ?, decided_by = ? WHERE id = ?",
            (now(), editor.id, sid),
        )
        db.log(
            conn,
            editor.id,
            "approved",
            kind=sub.kind,
            slug=sub.slug,
            submission_id=sid,
            detail=f"indsendt af {sub.owner_email}",
        )
        enqueue(db, conn, sub.kind, sub.slug, sub.raw, submission_id=sid)
        if sub.kind == "note":  # the note is published now: register its author, tell its followers
            from .notes import approved as note_approved

            note_approved(db, conn, sub)
        notifications.submission_decided(
            conn, sid=sid, slug=sub.slug, title=sub.title, to_addr=sub.owner_email, approved=True, kind=sub.kind
        )
    drain(db, content_dir, data_dir)
    return get(db, sid)


def reject(db: OwnedDB, editor: User, sid: str, reason: str) -> Submission:
    if not editor.is_editor:
        raise SubmissionError("kun redaktører kan afvise", status=403)
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError(
            "skriv en begrundelse for afvisningen",
            errors=[ContentError("reason", 1, "begrundelse mangler", field="reason")],
        )
    if len(reason) > MAX_REASON:
        raise SubmissionError(f"begrundelsen er for lang (højst {MAX_REASON} tegn)")
    if (found := characters.problem(reason)) is not None:  # decoded: JSON's "\u0000" is caught too
        raise SubmissionError(
            f"begrundelsen {found[1]}", errors=[ContentError("reason", 1, f"begrundelsen {found[1]}", field="reason")]
        )
    with db.write() as conn:
        sub = _pending(db, sid)
        conn.execute(
            "UPDATE submissions SET status = 'rejected', reason = ?, decided_at = ?, decided_by = ? WHERE id = ?",
            (reason, now(), editor.id, sid),
        )
        db.log(conn, editor.id, "rejected", kind=sub.kind, slug=sub.slug, submission_id=sid, detail=reason)
        if not sub.is_update:  # its address is free again for the next new practice
            reservations.release(conn, sub.kind, sub.slug, sid)
        notifications.submission_decided(
            conn,
            sid=sid,
            slug=sub.slug,
            title=sub.title,
            to_addr=sub.owner_email,
            approved=False,
            reason=reason,
            kind=sub.kind,
        )
    return get(db, sid)


_STATUS_DA = {"pending": "afventende", "approved": "godkendt", "rejected": "afvist"}


# -- notes from network members --------------------------------------------------
def post_note(
    db: OwnedDB, user: User, raw: str, content_dir, data_dir, *, networks: set[str], practices: set[str]
) -> dict:
    """A member's note: network-only ones are published at once, public ones wait for an editor
    (see :func:`portal.notes.post`)."""
    from . import notes

    return notes.post(db, user, raw, content_dir, data_dir, networks=networks, practices=practices)
