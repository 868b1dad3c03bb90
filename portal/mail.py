"""The mail outbox and its sender: e-mail that is never lost and never sent twice. Flask-free.

Whatever the portal tells someone by e-mail is first a row in ``mail_outbox``
(owned database), written by :func:`queue` inside the caller's write
transaction — the one that records the decision or the submission — so the
mail exists exactly when what it tells of does. :func:`send_due` drains the
outbox through an SMTP server:

- it *claims* a few due rows in one ``BEGIN IMMEDIATE`` transaction (a lease:
  ``claimed_by``/``claimed_until``), so two senders — two gunicorn workers, a
  worker and ``flask mail send`` — never pick the same mail;
- sends each with :class:`email.message.EmailMessage` (headers are built by the
  library, which refuses CR/LF in a header value: no header injection);
- marks it sent, or counts a failed attempt and backs off (1 min, 2, 4 … at
  most 6 h). A permanent refusal (an SMTP 5xx for the recipient) or
  ``MAX_ATTEMPTS`` failures give the mail up; it stays in the table, with its
  error, for ``flask mail status``.

A sender killed between handing a mail to the server and marking it sent
leaves the claim to expire; the mail is then sent again (at least once, never
lost). Without ``SMTP_HOST`` and ``MAIL_FROM`` nothing is sent and the mails wait.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import smtplib
import socket
import sqlite3
from dataclasses import dataclass, field
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from .owned import OwnedDB, now

MAX_ATTEMPTS = 12  # with the backoff below: about two days of trying
FIRST_BACKOFF = 60  # seconds
MAX_BACKOFF = 6 * 3600
LEASE_SECONDS = 300  # a claim outlives a batch: CLAIM_BATCH mails at SMTP_TIMEOUT each, with room
CLAIM_BATCH = 10
SMTP_TIMEOUT = 10.0
MAX_SUBJECT = 200
MAX_RUN = 1000  # mails per send_due call at most: a drain always ends
# Python's header folder leaves a doubled space where it folds before an encoded
# word ("… i  Ishøj"); lines up to RFC 5322's hard limit keep subjects unfolded.
POLICY = email_policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send; built from the app's config by the web layer or the CLI."""

    host: str | None = None
    port: int = 587
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    mail_from: str | None = None
    base_url: str | None = None  # links in mails are this + the page's path
    timeout: float = SMTP_TIMEOUT

    @property
    def configured(self) -> bool:
        return bool(self.host and self.mail_from)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0  # failed this time, tried again later
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


def _at(seconds: float = 0) -> str:
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
    return when.isoformat(timespec="seconds")


def one_line(text: str, limit: int = MAX_SUBJECT) -> str:
    """A header-safe line: control characters and line breaks become spaces, runs of space one."""
    text = re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]+", " ", text or "")
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def queue(
    conn: sqlite3.Connection,
    to_addr: str,
    subject: str,
    body: str,
    *,
    link: str | None = None,
    footer: str = "",
    topic: str,
) -> None:
    """Add one mail inside the caller's write transaction (it commits or rolls back with it)."""
    conn.execute(
        """INSERT INTO mail_outbox (to_addr, subject, body, link, footer, topic, created_at, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (to_addr, one_line(subject), body, link, footer, topic, now(), now()),
    )


def compose(row: dict, settings: SmtpSettings) -> EmailMessage:
    """The message for one outbox row. Raises ValueError for a header the library refuses."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = settings.mail_from
    msg["To"] = row["to_addr"]
    msg["Subject"] = row["subject"]
    msg["Date"] = formatdate(usegmt=True)
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(idstring=f"hv{row['id']}", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to us
    text = row["body"].rstrip()
    if row["link"]:
        base = (settings.base_url or "").rstrip("/")
        text += f"\n{base}{row['link']}"
    if row["footer"]:
        text += f"\n\n-- \n{row['footer'].rstrip()}"
    # quoted-printable: the Danish text stays readable in the raw message (base64 would hide it)
    msg.set_content(text + "\n", charset="utf-8", cte="quoted-printable")
    return msg


def _claim(db: OwnedDB, worker: str, limit: int, due_by: str) -> list[dict]:
    # A plain read first: the drain after every write usually finds nothing, and
    # should not take the database's single write lock to learn that.
    if (
        db.one(
            """SELECT 1 FROM mail_outbox WHERE sent_at IS NULL AND given_up_at IS NULL
                 AND next_attempt_at <= ? LIMIT 1""",
            (due_by,),
        )
        is None
    ):
        return []
    with db.write() as conn:
        stamp = now()
        rows = [
            dict(r)
            for r in conn.execute(
                """SELECT * FROM mail_outbox
               WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ?
                 AND (claimed_until IS NULL OR claimed_until < ?)
               ORDER BY id LIMIT ?""",
                (due_by, stamp, limit),
            )
        ]
        if rows:
            conn.execute(
                f"UPDATE mail_outbox SET claimed_by = ?, claimed_until = ? WHERE id IN ({','.join('?' * len(rows))})",
                (worker, _at(LEASE_SECONDS), *[r["id"] for r in rows]),
            )
    return rows


def _mark_sent(db: OwnedDB, row: dict, worker: str) -> None:
    with db.write() as conn:
        conn.execute(
            """UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, error = NULL,
                        claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?""",
            (now(), row["id"], worker),
        )


def _mark_failed(db: OwnedDB, row: dict, worker: str, error: str, report: SendReport, *, permanent=False) -> None:
    attempts = row["attempts"] + 1
    give_up = permanent or attempts >= MAX_ATTEMPTS
    delay = min(FIRST_BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)
    with db.write() as conn:
        conn.execute(
            """UPDATE mail_outbox SET attempts = ?, error = ?, next_attempt_at = ?, given_up_at = ?,
                        claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?""",
            (attempts, error[:1000], _at(delay), now() if give_up else None, row["id"], worker),
        )
    report.errors.append(f"mail {row['id']} til {row['to_addr']}: {error}")
    if give_up:
        report.given_up += 1
    else:
        report.retried += 1


def _release(db: OwnedDB, rows: list[dict], worker: str) -> None:
    """Hand back claimed rows untried (the sender stops early), for the next drain."""
    with db.write() as conn:
        conn.executemany(
            "UPDATE mail_outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
            [(r["id"], worker) for r in rows],
        )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _permanent(exc: Exception) -> bool:
    """A refusal that trying again will not change: the server answered 5xx for this mail."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _msg in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return 500 <= exc.smtp_code < 600
    # A non-ASCII address and a server without SMTPUTF8, or a header the library
    # refuses: trying again will not make either sendable.
    return isinstance(exc, (smtplib.SMTPNotSupportedError, ValueError))


def send_due(db: OwnedDB, settings: SmtpSettings, *, limit: int = MAX_RUN, now_all: bool = False) -> SendReport:
    """Send every mail that is due, claim by claim, over one SMTP connection. Never raises for SMTP faults.

    ``now_all``: also the mails waiting out a backoff (``flask mail send --now``,
    for an operator who has just fixed the server)."""
    report = SendReport()
    if not settings.configured:
        return report
    due_by = "9999" if now_all else now()
    worker = f"{socket.gethostname()}:{secrets.token_hex(6)}"
    smtp = None
    try:
        while report.sent + report.retried + report.given_up < limit:
            rows = _claim(db, worker, min(CLAIM_BATCH, limit - report.sent - report.retried - report.given_up), due_by)
            if not rows:
                break
            for i, row in enumerate(rows):
                try:
                    message = compose(row, settings)
                except ValueError as exc:
                    _mark_failed(db, row, worker, f"ugyldig mail: {exc}", report, permanent=True)
                    continue
                try:
                    if smtp is None:
                        smtp = _connect(settings)
                    smtp.send_message(message)
                except (
                    smtplib.SMTPRecipientsRefused,
                    smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError,
                    smtplib.SMTPNotSupportedError,
                ) as exc:
                    _mark_failed(db, row, worker, f"{type(exc).__name__}: {exc}", report, permanent=_permanent(exc))
                    continue
                except (OSError, smtplib.SMTPException) as exc:
                    # The server is down or the connection broke: this mail waits with a backoff,
                    # the rest of the claim goes back untried; the next drain tries again.
                    _mark_failed(db, row, worker, f"{type(exc).__name__}: {exc}", report)
                    _release(db, rows[i + 1 :], worker)
                    return report
                _mark_sent(db, row, worker)
                report.sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return report


def status(db: OwnedDB) -> dict:
    """Counts for ``flask mail status``: waiting (of which due now), sent, given up, the latest error."""
    stamp = now()
    row = (
        db.one(
            """SELECT
             SUM(sent_at IS NULL AND given_up_at IS NULL) AS waiting,
             SUM(sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ?) AS due,
             SUM(sent_at IS NOT NULL) AS sent,
             SUM(given_up_at IS NOT NULL) AS given_up
           FROM mail_outbox""",
            (stamp,),
        )
        or {}
    )
    last = db.one("""SELECT id, to_addr, error, attempts, next_attempt_at FROM mail_outbox
                     WHERE error IS NOT NULL AND sent_at IS NULL ORDER BY id DESC LIMIT 1""")
    counts = {k: int(row.get(k) or 0) for k in ("waiting", "due", "sent", "given_up")}
    return {**counts, "last_error": last}
