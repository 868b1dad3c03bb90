"""Who is told what by e-mail, and who follows which network. Flask-free.

Each function here queues mails (:func:`portal.mail.queue`) inside the
caller's write transaction, so a decision and the mail telling of it are
committed together or not at all; sending is :mod:`portal.mail`'s job, later.

- a contributor, when their submission is approved or rejected (with the
  editor's reason);
- every editor, when a submission waits in the queue (not the editor who
  submitted it);
- every member who follows a network, when a note is posted to it (not its
  author). Following is an opt-in kept in ``network_follows``; only a member
  of the network may follow it, and a follower who leaves the network is told
  nothing more (the membership is checked when the mail is queued).

Mails are Danish plain text: what happened, then a link to the page.
"""

from __future__ import annotations

import sqlite3

from .accounts import User
from .errors import PortalError
from .kinds import item_url
from .mail import queue
from .owned import OwnedDB, now

SIGNATURE = "Denne mail er sendt automatisk af Hvad virker. Svar ikke på den."


def _editors(conn: sqlite3.Connection, except_id: int | None) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT email FROM users WHERE role IN ('editor', 'admin') AND disabled = 0 AND id IS NOT ? ORDER BY id",
            (except_id,),
        )
    ]


def _quoted(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.strip().splitlines())


def submission_received(
    conn: sqlite3.Connection, *, sid: str, title: str, is_update: bool, contributor: User, kind: str = "practice"
) -> int:
    """Tell every editor that a submission waits. Returns the number of mails queued."""
    what = "en opdatering af erfaringen" if is_update else "en ny erfaring"
    if kind == "evaluation":
        what = "en ny evalueringsrapport"
    elif kind == "note":
        what = "en ændring af det offentlige notat" if is_update else "et offentligt notat"
    who = contributor.email + (f" ({contributor.organisation})" if contributor.organisation else "")
    body = (
        f"Hej\n\n{who} har indsendt {what} »{title}« til Hvad virker.\n"
        "Den venter på, at en redaktør godkender eller afviser den.\n\n"
        "Se indsendelsen og tag stilling her:"
    )
    editors = _editors(conn, contributor.id)
    for email in editors:
        queue(
            conn,
            email,
            f"Ny indsendelse venter: {title}",
            body,
            link=f"/redaktion/{sid}",
            footer=SIGNATURE,
            topic="received",
        )
    return len(editors)


def batch_received(conn: sqlite3.Connection, *, titles: list[tuple[str, str]], contributor: User) -> int:
    """One mail per editor for a whole batch of new submissions (``titles``: (id, title) pairs)."""
    if not titles:
        return 0
    if len(titles) == 1:
        return submission_received(conn, sid=titles[0][0], title=titles[0][1], is_update=False, contributor=contributor)
    who = contributor.email + (f" ({contributor.organisation})" if contributor.organisation else "")
    listing = "\n".join(f"- {title}" for _sid, title in titles)
    body = (
        f"Hej\n\n{who} har indsendt {len(titles)} erfaringer på én gang til Hvad virker:\n\n{listing}\n\n"
        "De venter på, at en redaktør godkender eller afviser dem.\n\nSe køen her:"
    )
    editors = _editors(conn, contributor.id)
    for email in editors:
        queue(
            conn,
            email,
            f"{len(titles)} nye indsendelser venter",
            body,
            link="/redaktion/",
            footer=SIGNATURE,
            topic="received",
        )
    return len(editors)


def submission_decided(
    conn: sqlite3.Connection,
    *,
    sid: str,
    slug: str,
    title: str,
    to_addr: str,
    approved: bool,
    reason: str | None = None,
    kind: str = "practice",
) -> None:
    """Tell the contributor what the editors decided (and why, for a rejection)."""
    if approved and kind == "note":
        subject = f"Dit notat er godkendt: {title}"
        body = (
            f"Hej\n\nDit notat »{title}« er godkendt af redaktionen og er nu offentliggjort "
            "på Hvad virker.\n\nSe det her:"
        )
        link = item_url(kind, slug)
    elif approved:
        subject = f"Din {'evaluering' if kind == 'evaluation' else 'erfaring'} er godkendt: {title}"
        body = (
            f"Hej\n\nDin indsendelse »{title}« er godkendt af redaktionen og er nu offentliggjort "
            "på Hvad virker.\n\nSe den her:"
        )
        link = item_url(kind, slug)
    else:
        subject = f"Din indsendelse er afvist: {title}"
        body = (
            f"Hej\n\nRedaktionen har afvist din indsendelse »{title}«.\n\n"
            f"Redaktørens begrundelse:\n\n{_quoted(reason or '')}\n\n"
            "Du kan se indsendelsen her:"
        )
        link = f"/indsendelser/{sid}"
    queue(conn, to_addr, subject, body, link=link, footer=SIGNATURE, topic="decided")


def note_posted(conn: sqlite3.Connection, *, network: str, slug: str, title: str, author_id: int) -> int:
    """Tell the network's followers (still members, not the author) of a new note."""
    followers = [
        r[0]
        for r in conn.execute(
            """SELECT u.email FROM network_follows f
           JOIN users u ON u.id = f.user_id
           JOIN memberships m ON m.user_id = f.user_id AND m.network = f.network
           WHERE f.network = ? AND u.disabled = 0 AND u.id != ? ORDER BY u.id""",
            (network, author_id),
        )
    ]
    body = f"Hej\n\nDer er et nyt notat i netværket {network}: »{title}«.\n\nLæs det her:"
    footer = (
        f"Du får denne mail, fordi du følger netværket {network}. "
        f"Du kan slå det fra på netværkets side (/netvaerk/{network}).\n{SIGNATURE}"
    )
    for email in followers:
        queue(
            conn, email, f"Nyt notat i {network}: {title}", body, link=f"/notater/{slug}", footer=footer, topic="note"
        )
    return len(followers)


def note_taken_down(conn: sqlite3.Connection, *, slug: str, title: str, to_addr: str, reason: str) -> None:
    """Tell a note's author that an editor took it down, and why."""
    body = (
        f"Hej\n\nRedaktionen har fjernet dit notat »{title}« fra Hvad virker.\n\n"
        f"Redaktørens begrundelse:\n\n{_quoted(reason)}\n\n"
        "Notatet kan ikke længere ses. Du kan se dine indsendelser her:"
    )
    queue(
        conn,
        to_addr,
        f"Dit notat er fjernet: {title}",
        body,
        link="/mine-indsendelser",
        footer=SIGNATURE,
        topic="decided",
    )


# -- following a network ---------------------------------------------------------
class NotAMember(PortalError):
    status = 403


def is_following(db: OwnedDB, user: User | None, network: str) -> bool:
    if user is None:
        return False
    return db.one("SELECT 1 FROM network_follows WHERE user_id = ? AND network = ?", (user.id, network)) is not None


def set_following(db: OwnedDB, user: User, network: str, follow: bool) -> bool:
    """Follow or stop following ``network`` (idempotent). Only members may follow. Returns the new state."""
    if follow and network not in user.networks:
        raise NotAMember(f"kun medlemmer af netværket '{network}' kan følge det")
    with db.write() as conn:
        if follow:
            conn.execute("INSERT OR IGNORE INTO network_follows VALUES (?, ?, ?)", (user.id, network, now()))
        else:
            conn.execute("DELETE FROM network_follows WHERE user_id = ? AND network = ?", (user.id, network))
    return follow
