"""Member notes and their life cycle: post, edit, withdraw, take down. Flask-free.

A note is written by a member of a network, for that network.

- **Network-only** (``visibility: network``, the default) is shared with the
  network's members at once: they are its only readers.
- **Public** goes through moderation like a practice: it is stored as a
  pending submission (kind ``note``) and published when an editor approves it.
  Followers of the network are told at that point, not before.
- Its **author** and editors may **edit** it. An edit names the version it was
  based on (:func:`~portal.publishing.text_version`); a note changed in the
  meantime is a 409, never a silent overwrite. An edit by a member that leaves
  the note public (or makes it public) waits for an editor too, so approval
  cannot be bypassed by editing after it; other edits are published at once.
- Its author may **withdraw** it, and an editor may **take it down** with a
  reason (the author is e-mailed). Either way an outbox entry with
  ``op = 'delete'`` removes the file, the database rows and the index document
  through the one publishing path; the ``notes`` table keeps who did it, and
  the page answers 410 to those who could read it.

Every check and its write share one ``BEGIN IMMEDIATE`` transaction, so two
writers (two workers) cannot both pass a check against the same version.
"""

from __future__ import annotations

import secrets
import sqlite3

from . import notifications, reservations
from .accounts import User
from .content import characters
from .content.errors import ContentError, ContentErrors
from .content.loader import note_reference_errors, parse_file
from .limits import MAX_REASON
from .owned import OwnedDB, now
from .publishing import current_text, drain, enqueue, text_version
from .submissions import Submission, SubmissionError, _check_size, slugify

MAX_VERSION = 64


def parse(raw: str, slug: str, *, networks, practices) -> dict:
    """Validate a note's text as the ingest would (with its references). Raises SubmissionError (422)."""
    data = raw.encode("utf-8")
    path = f"notes/{slug}.md"
    _check_size(data, path)
    try:
        record = parse_file("note", data, path, slug=slug)
    except ContentErrors as exc:
        raise SubmissionError("notatet er ikke gyldigt", errors=exc.errors) from None
    errors = note_reference_errors(record, raw, networks, practices)
    if errors:
        raise SubmissionError("notatet er ikke gyldigt", errors=errors)
    return record


def audience_of(record: dict) -> str:
    return f"network:{record['network']}" if record["visibility"] == "network" else "public"


def meta(conn: sqlite3.Connection, slug: str) -> dict | None:
    """The owned facts of a note (author, audience, withdrawal), or None for a shipped note never touched."""
    row = conn.execute("SELECT * FROM notes WHERE slug = ?", (slug,)).fetchone()
    return dict(row) if row is not None else None


def withdrawn(db: OwnedDB, slug: str) -> dict | None:
    """The note's row if it was withdrawn or taken down (for its 410 page), else None."""
    row = meta(db.conn, slug)
    return row if row is not None and row["withdrawn_at"] else None


def _register(conn: sqlite3.Connection, slug: str, record: dict, author_id: int | None) -> None:
    conn.execute(
        """INSERT INTO notes (slug, network, author_id, audience, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (slug) DO UPDATE SET audience = excluded.audience""",
        (slug, record["network"], author_id, audience_of(record), now()),
    )


def _published(slug: str) -> dict:
    return {"id": slug, "url": f"/notater/{slug}", "status": "published"}


def _pending(sub_id: str, slug: str) -> dict:
    return {"id": slug, "url": f"/indsendelser/{sub_id}", "status": "pending", "submission": sub_id}


# -- posting -------------------------------------------------------------------------
def post(db: OwnedDB, user: User, raw: str, content_dir, data_dir, *, networks, practices) -> dict:
    """A new note. Network-only: published at once. Public: a pending submission. Raises SubmissionError."""
    raw = raw.replace("\r\n", "\n")
    record = parse(raw, "ny", networks=networks, practices=practices)
    if record["network"] not in user.networks:
        raise SubmissionError(f"du er ikke medlem af netværket '{record['network']}'", status=403)
    base = slugify(f"{record['date']}-{record['title']}")
    result_of = {"network": record["network"], "visibility": record["visibility"]}
    # The address is chosen and reserved in the transaction that accepts the
    # note. A same-titled note of the same day gets the next free one (-2, -3 …)
    # rather than a 409: the member did not choose the address, and two members
    # writing up the same meeting both mean their own text to be kept.
    if record["visibility"] == "public":
        sid = secrets.token_urlsafe(9)
        with db.write() as conn:
            slug = reservations.reserve(conn, content_dir, "note", base, sid)
            _store_submission(db, conn, user, sid, slug, record, raw, base_raw=None)
        return _pending(sid, slug) | result_of
    with db.write() as conn:
        slug = reservations.reserve(conn, content_dir, "note", base, "note")
        enqueue(db, conn, "note", slug, raw)
        _register(conn, slug, record, user.id)
        db.log(conn, user.id, "note_posted", kind="note", slug=slug, detail=record["network"])
        notifications.note_posted(conn, network=record["network"], slug=slug, title=record["title"], author_id=user.id)
    drain(db, content_dir, data_dir)
    return _published(slug) | result_of


def _store_submission(db, conn, user, sid, slug, record, raw, *, base_raw) -> None:
    conn.execute(
        """INSERT INTO submissions (id, user_id, kind, slug, title, raw, is_update, base_raw, status, created_at)
           VALUES (?, ?, 'note', ?, ?, ?, ?, ?, 'pending', ?)""",
        (sid, user.id, slug, record["title"], raw, int(base_raw is not None), base_raw, now()),
    )
    db.log(
        conn,
        user.id,
        "submitted",
        kind="note",
        slug=slug,
        submission_id=sid,
        detail="ændring af offentligt notat" if base_raw is not None else "offentligt notat",
    )
    notifications.submission_received(
        conn, sid=sid, title=record["title"], is_update=base_raw is not None, contributor=user, kind="note"
    )


def approved(db: OwnedDB, conn: sqlite3.Connection, sub: Submission) -> None:
    """Called by :func:`portal.submissions.approve` in its transaction, when a note submission is approved."""
    record = parse_file("note", sub.raw.encode("utf-8"), f"notes/{sub.slug}.md", slug=sub.slug)
    row = meta(conn, sub.slug)
    _register(conn, sub.slug, record, row["author_id"] if row else sub.user_id)
    if not sub.is_update:  # followers hear of a note once, when it can first be read
        notifications.note_posted(
            conn, network=record["network"], slug=sub.slug, title=record["title"], author_id=sub.user_id
        )


def overtaken_message(sub: Submission) -> str:
    return (
        f"notatet '{sub.slug}' er blevet ændret eller trukket tilbage, siden dette blev indsendt, så "
        "godkendelsen ville overskrive det; indsendelsen venter stadig: afvis den, så forfatteren kan "
        "sende ændringen igen ud fra den nuværende udgave"
    )


# -- editing and withdrawing ---------------------------------------------------------
def _may_change(conn, user: User, slug: str, current: str | None, row: dict | None, *, action: str) -> dict:
    """The note's current record, if ``user`` may change it; else the refusal (404/403/409)."""
    if current is None:
        if row is not None and row["withdrawn_at"] and (user.is_editor or row["audience"] in user.audiences()):
            raise SubmissionError("notatet er trukket tilbage og kan ikke længere ændres", status=409)
        raise SubmissionError("notatet findes ikke", status=404)
    record = parse_file("note", current.encode("utf-8"), f"notes/{slug}.md", slug=slug)
    readable = audience_of(record) in user.audiences()
    if user.is_editor:
        if not readable and action == "edit":  # an editor may take down any note, but edits only what they read
            raise SubmissionError("notatet findes ikke", status=404)
        return record
    if not readable:
        raise SubmissionError("notatet findes ikke", status=404)  # a stranger learns nothing
    if row is None or row["author_id"] != user.id:
        raise SubmissionError(f"kun notatets forfatter og redaktører kan {action_da(action)} det", status=403)
    return record


def action_da(action: str) -> str:
    return {"edit": "ændre", "withdraw": "trække"}.get(action, action)


def _check_version(based_on: str | None, *, required: bool) -> None:
    if based_on is None:
        if required:
            raise SubmissionError(
                "send 'based_on': den 'version', som GET /api/notes/<slug> gav",
                errors=[ContentError("based_on", 1, "based_on mangler", field="based_on")],
            )
        return
    if len(based_on) > MAX_VERSION or not based_on.isalnum():
        raise SubmissionError(
            "'based_on' er ikke en gyldig version; send den 'version', som GET /api/notes/<slug> gav",
            errors=[ContentError("based_on", 1, "ugyldig version", field="based_on")],
        )


def _conflict(slug: str) -> SubmissionError:
    return SubmissionError(
        f"notatet '{slug}' er blevet ændret, siden du hentede det, så din ændring ville fjerne den ændring; "
        "hent den nuværende udgave, og send din ændring ud fra den",
        status=409,
        errors=[ContentError("based_on", 1, "notatet er ændret i mellemtiden", field="based_on")],
    )


def edit(
    db: OwnedDB, user: User, slug: str, raw: str, based_on: str | None, content_dir, data_dir, *, networks, practices
) -> dict:
    """Replace a note's text. Published at once, or (a member's public note) a pending submission."""
    _check_version(based_on, required=True)
    raw = raw.replace("\r\n", "\n")
    record = parse(raw, slug, networks=networks, practices=practices)
    with db.write() as conn:
        current = current_text(conn, content_dir, "note", slug)
        row = meta(conn, slug)
        old = _may_change(conn, user, slug, current, row, action="edit")
        if record["network"] != old["network"]:
            raise SubmissionError(
                "et notat hører til sit netværk; 'network' kan ikke ændres",
                errors=[ContentError(f"notes/{slug}.md", 1, "netværket kan ikke ændres", field="network")],
            )
        if text_version(current) != based_on:
            raise _conflict(slug)
        if raw == current:
            return _published(slug) | {"changed": False}
        if record["visibility"] == "public" and not user.is_editor:
            sid = secrets.token_urlsafe(9)
            _store_submission(db, conn, user, sid, slug, record, raw, base_raw=current)
            return _pending(sid, slug)
        enqueue(db, conn, "note", slug, raw, based_on=based_on)
        _register(conn, slug, record, row["author_id"] if row else None)
        db.log(conn, user.id, "note_edited", kind="note", slug=slug, detail=record["network"])
    drain(db, content_dir, data_dir)
    return _published(slug) | {"changed": True}


def check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError(
            "skriv en begrundelse til forfatteren, når du fjerner en andens notat",
            errors=[ContentError("reason", 1, "begrundelse mangler", field="reason")],
        )
    if len(reason) > MAX_REASON:
        raise SubmissionError(
            f"begrundelsen er for lang (højst {MAX_REASON} tegn)",
            errors=[ContentError("reason", 1, "begrundelsen er for lang", field="reason")],
        )
    if (found := characters.problem(reason)) is not None:
        raise SubmissionError(
            f"begrundelsen {found[1]}", errors=[ContentError("reason", 1, f"begrundelsen {found[1]}", field="reason")]
        )
    return reason


def withdraw(
    db: OwnedDB, user: User, slug: str, content_dir, data_dir, *, based_on: str | None = None, reason: str | None = None
) -> dict:
    """Withdraw a note (its author) or take it down (an editor, with a reason the author is told).

    ``based_on``: if given, a note changed since is a 409 (the withdrawer has not seen that change).
    """
    _check_version(based_on, required=False)
    with db.write() as conn:
        current = current_text(conn, content_dir, "note", slug)
        row = meta(conn, slug)
        record = _may_change(conn, user, slug, current, row, action="withdraw")
        own = row is not None and row["author_id"] == user.id
        reason = None if own and not (reason or "").strip() else check_reason(reason)
        if based_on is not None and text_version(current) != based_on:
            raise _conflict(slug)
        enqueue(db, conn, "note", slug, "", op="delete")
        _register(conn, slug, record, row["author_id"] if row else None)
        conn.execute(
            "UPDATE notes SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_reason = ? WHERE slug = ?",
            (now(), user.id, reason, slug),
        )
        action = "note_withdrawn" if own else "note_taken_down"
        db.log(conn, user.id, action, kind="note", slug=slug, detail=reason or record["network"])
        # Proposed changes of the note can no longer be approved: decided now, with the reason, not left waiting.
        for (sid,) in conn.execute(
            "SELECT id FROM submissions WHERE kind = 'note' AND slug = ? AND status = 'pending'", (slug,)
        ).fetchall():
            conn.execute(
                "UPDATE submissions SET status = 'rejected', reason = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                ("notatet er trukket tilbage", now(), user.id, sid),
            )
        if not own and row is not None and row["author_id"] is not None:
            author = conn.execute("SELECT email FROM users WHERE id = ?", (row["author_id"],)).fetchone()
            if author is not None:
                notifications.note_taken_down(conn, slug=slug, title=record["title"], to_addr=author[0], reason=reason)
    drain(db, content_dir, data_dir)
    return {"id": slug, "status": "withdrawn", "taken_down": not own}


def version_of(db: OwnedDB, content_dir, slug: str) -> str | None:
    """The version token of a note's current text (None: no such note, or withdrawn)."""
    text = current_text(db.conn, content_dir, "note", slug)
    return text_version(text) if text is not None else None


def author_of(db: OwnedDB, slug: str) -> int | None:
    row = meta(db.conn, slug)
    return row["author_id"] if row else None


__all__ = ["post", "edit", "withdraw", "withdrawn", "version_of", "author_of"]
