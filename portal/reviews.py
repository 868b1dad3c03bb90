"""When each practice was last reviewed, which are due, and marking one reviewed. Flask-free.

Stale write-ups are what readers of evidence portals complain about most, and
the good ones show a review date and re-review on a fixed interval. A
practice's *last review* is the later of

- its optional content key ``reviewed: YYYY-MM-DD`` (an editor checked the text
  against its source without changing it — set by :func:`mark_reviewed`), and
- the day its newest version was approved through the portal (an editor read
  the whole text then).

A shipped practice that neither has is *not reviewed* — the portal does not
pretend that the day it was loaded was a review — and is due at once.
Marking a practice reviewed is an ordinary update (one changed line,
``reviewed: <today>``) submitted and approved by the editor in one step, so it
is logged, published through the outbox and a version in the history like
every other change.
"""

from __future__ import annotations

import datetime as dt

from .accounts import User
from .content import textedit
from .owned import OwnedDB
from .publishing import current_text, text_version
from .submissions import Submission, SubmissionError, approve, submit

DEFAULT_INTERVAL_DAYS = 730


def approvals(db: OwnedDB) -> dict[str, str]:
    """slug → the date (YYYY-MM-DD) of its newest version approved through the portal."""
    rows = db.all("""SELECT slug, MAX(decided_at) AS at FROM submissions
                     WHERE kind = 'practice' AND status = 'approved' GROUP BY slug""")
    return {r["slug"]: r["at"][:10] for r in rows}


def last_reviewed(reviewed: str | None, approved: str | None) -> str | None:
    dates = [d[:10] for d in (reviewed, approved) if d]
    return max(dates) if dates else None


def due(practices: list[dict], approved: dict[str, str], today: dt.date, interval_days: int) -> list[dict]:
    """The practices whose last review is older than ``interval_days`` (or that were never reviewed),
    never-reviewed first, then the oldest review first. Each: slug, title, last_reviewed, due_since."""
    out = []
    for item in practices:
        last = last_reviewed((item.get("data") or {}).get("reviewed"), approved.get(item["slug"]))
        due_on = None if last is None else dt.date.fromisoformat(last) + dt.timedelta(days=interval_days)
        if due_on is None or due_on <= today:
            out.append(
                {
                    "slug": item["slug"],
                    "title": item["title"],
                    "last_reviewed": last,
                    "due_since": due_on.isoformat() if due_on else None,
                }
            )
    return sorted(out, key=lambda r: (r["last_reviewed"] is not None, r["last_reviewed"] or "", r["title"]))


def mark_reviewed(db: OwnedDB, editor: User, slug: str, content_dir, data_dir, today: dt.date) -> Submission:
    """Set ``reviewed: <today>`` on the practice (only that line changes), submitted and approved at once.
    Raises SubmissionError: 403 (not an editor), 404 (no such practice), 409 (changed meanwhile)."""
    if not editor.is_editor:
        raise SubmissionError("kun redaktører kan markere en erfaring som gennemgået", status=403)
    if db.one("SELECT 1 FROM submissions WHERE kind = 'practice' AND slug = ? AND status = 'pending'", (slug,)):
        # Approving that proposal is a review too; changing the text now would make it a conflict.
        raise SubmissionError(
            "der venter et ændringsforslag til erfaringen; tag stilling til det først "
            "(en godkendelse tæller også som gennemgang)",
            status=409,
        )
    text = current_text(db.conn, content_dir, "practice", slug)
    if text is None:
        raise SubmissionError("erfaringen findes ikke", status=404)
    try:
        raw = textedit.edit(text, {"reviewed": today.isoformat()})
    except textedit.NotEditable:
        raise SubmissionError("filen har ingen front matter, der kan rettes", status=409) from None
    sub = submit(db, editor, raw, content_dir, slug=slug, based_on=text_version(text), notify=False)
    return approve(db, editor, sub.id, content_dir, data_dir)
