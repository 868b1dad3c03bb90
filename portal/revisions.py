"""Correcting a submission before approval, resending a rejected one, and its thread. Flask-free.

Every text a submission has had is a row of ``submission_revisions``: the
contributor's first sending (revision 1, stored by :func:`portal.submissions.submit`),
an editor's correction (a typo fixed before approving), and a revised text its
author resends after a rejection. The submission keeps its id through all of
them, so its page, its API resource and its moderation log tell one story:
sent, rejected with a reason, revised and resent, corrected by an editor,
approved. The submission's ``raw`` is always the newest revision, and that is
what an approval publishes.

An editor's correction is shown to the contributor (on their submission page
and in ``GET /api/submissions/<id>``) with what it changed, so nothing is
published in their name that they cannot see.
"""

from __future__ import annotations

import difflib

from . import notifications, reservations
from .accounts import User
from .content import characters
from .content.errors import ContentError
from .limits import MAX_REASON
from .owned import OwnedDB, now
from .publishing import current_text, text_version
from .submissions import Submission, SubmissionError, get, validate

_SELECT = """SELECT r.id, r.round, r.raw, r.title, r.role, r.note, r.at, u.email AS actor, u.organisation
             FROM submission_revisions r LEFT JOIN users u ON u.id = r.actor_id
             WHERE r.submission_id = ? ORDER BY r.id"""


def thread(db: OwnedDB, sid: str) -> list[dict]:
    """Every text of the submission, oldest first; each with ``changes``: the diff from the text before it."""
    rows = db.all(_SELECT, (sid,))
    previous = None
    for row in rows:
        row["changes"] = (
            []
            if previous is None
            else list(
                difflib.unified_diff(previous.splitlines(), row["raw"].splitlines(), "før", "efter", lineterm="", n=1)
            )
        )
        previous = row["raw"]
    return rows


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if not note:
        return None
    if len(note) > MAX_REASON:
        raise SubmissionError(
            f"noten er for lang (højst {MAX_REASON} tegn)",
            errors=[ContentError("note", 1, "noten er for lang", field="note")],
        )
    if (found := characters.problem(note)) is not None:
        raise SubmissionError(f"noten {found[1]}", errors=[ContentError("note", 1, f"noten {found[1]}", field="note")])
    return note


def _new_text(sub: Submission, raw: str) -> tuple[str, dict]:
    if getattr(sub, "kind", "practice") != "practice":  # an evaluation report comes with its PDF: sent anew
        raise SubmissionError(
            "kun en erfaring kan rettes her; send en evalueringsrapport igen som en ny indsendelse", status=409
        )
    raw = raw.replace("\r\n", "\n")
    record = validate(raw, sub.slug)  # 422 with the errors by line and field
    return raw, record


def _add(conn, sid: str, round_: int, raw: str, title: str, actor: User, role: str, note: str | None) -> None:
    conn.execute(
        """INSERT INTO submission_revisions (submission_id, round, raw, title, actor_id, role, note, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (sid, round_, raw, title, actor.id, role, note, now()),
    )


def _round(conn, sid: str) -> int:
    return conn.execute(
        "SELECT COALESCE(MAX(round), 1) FROM submission_revisions WHERE submission_id = ?", (sid,)
    ).fetchone()[0]


def _check_version(sub: Submission, based_on: str | None) -> None:
    """Two editors correcting at once, or a correction sent from an old page: the second would put back
    what the first changed. ``based_on`` is the text_version of the text the new one started from."""
    if based_on is not None and text_version(sub.raw) != based_on:
        raise SubmissionError(
            "indsendelsen er blevet rettet, siden du hentede den, så din rettelse ville fjerne "
            "den rettelse; hent den igen, og ret ud fra den nye udgave",
            status=409,
            errors=[ContentError("based_on", 1, "indsendelsen er rettet i mellemtiden", field="based_on")],
        )


def correct(
    db: OwnedDB, editor: User, sid: str, raw: str, note: str | None = None, *, based_on: str | None = None
) -> Submission:
    """An editor's correction of a pending submission before deciding on it (a new revision, logged).
    Raises SubmissionError: 403 (not an editor), 404, 409 (already decided), 422 (invalid or unchanged)."""
    if not editor.is_editor:
        raise SubmissionError("kun redaktører kan rette en indsendelse", status=403)
    note = _note(note)
    sub = get(db, sid)
    if sub is None:
        raise SubmissionError("indsendelsen findes ikke", status=404)
    raw, record = _new_text(sub, raw)
    with db.write() as conn:
        sub = get(db, sid)  # again inside the transaction: another editor may have decided meanwhile
        if sub.status != "pending":
            raise SubmissionError("indsendelsen er allerede afgjort, så den kan ikke rettes", status=409)
        _check_version(sub, based_on)
        if raw == sub.raw:
            raise SubmissionError(
                "rettelsen ændrer ingenting", errors=[ContentError("body", 1, "rettelsen ændrer ingenting")]
            )
        conn.execute("UPDATE submissions SET raw = ?, title = ? WHERE id = ?", (raw, record["title"], sid))
        _add(conn, sid, _round(conn, sid), raw, record["title"], editor, "editor", note)
        db.log(
            conn,
            editor.id,
            "corrected",
            kind="practice",
            slug=sub.slug,
            submission_id=sid,
            detail=note or "rettet af redaktionen før godkendelse",
        )
    return get(db, sid)


def resend(db: OwnedDB, user: User, sid: str, raw: str, content_dir, *, based_on: str | None = None) -> Submission:
    """The author's revised text of a rejected submission: the same submission, pending again.
    Raises SubmissionError: 404 (not theirs: a stranger learns nothing), 409 (not rejected; or the
    address of a new practice was taken meanwhile), 422 (invalid)."""
    sub = get(db, sid)
    if sub is None or sub.user_id != user.id:
        raise SubmissionError("indsendelsen findes ikke", status=404)
    raw, record = _new_text(sub, raw)
    with db.write() as conn:
        sub = get(db, sid)
        if sub.status != "rejected":
            raise SubmissionError("kun en afvist indsendelse kan rettes og sendes igen", status=409)
        _check_version(sub, based_on)
        base_raw = current_text(conn, content_dir, "practice", sub.slug)
        if sub.is_update:
            if base_raw is None:
                raise SubmissionError(f"erfaringen '{sub.slug}' findes ikke længere", status=409)
        else:
            try:  # the rejection gave the address back; take it again, or say why not
                reservations.reserve(conn, content_dir, "practice", sub.slug, sid, suffix=False)
            except reservations.SlugTaken:
                raise SubmissionError(
                    f"adressen '{sub.slug}' er taget af en anden erfaring, siden din blev afvist; "
                    "indsend din erfaring som en ny under en anden titel",
                    status=409,
                ) from None
        # An update is now compared with the practice as it is today, so the editor sees what it changes now.
        conn.execute(
            """UPDATE submissions SET raw = ?, title = ?, base_raw = ?, status = 'pending', reason = NULL,
                        decided_at = NULL, decided_by = NULL WHERE id = ?""",
            (raw, record["title"], base_raw if sub.is_update else None, sid),
        )
        round_ = _round(conn, sid) + 1
        _add(conn, sid, round_, raw, record["title"], user, "contributor", None)
        db.log(
            conn, user.id, "resubmitted", kind="practice", slug=sub.slug, submission_id=sid, detail=f"runde {round_}"
        )
        notifications.submission_received(
            conn, sid=sid, title=record["title"], is_update=sub.is_update, contributor=user
        )
    return get(db, sid)
