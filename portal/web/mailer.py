"""Sending the mail outbox from the web app: settings from the config, a drain after each write, ``flask mail``.

The mails themselves are queued by the core in the transaction of what they
tell of (:mod:`portal.notifications`). Here, after every successful write
request (POST/PUT/DELETE answered below 400: a decision, a submission, a note),
a background thread drains the outbox (:func:`portal.mail.send_due`), so the
request never waits on the SMTP server and never fails because of it. One
such thread per worker at a time; a write that arrives while it runs makes it
look once more before it ends. Mails left behind (server down, a worker
restarted) are sent by the next drain or by ``flask mail send`` from cron.
"""

from __future__ import annotations

import logging
import sys
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..mail import SmtpSettings, send_due, status
from ..owned import OwnedDB

log = logging.getLogger(__name__)

DEFAULTS = {
    "SMTP_HOST": None,  # no host: nothing is sent, the outbox keeps every mail
    "SMTP_PORT": 587,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": True,
    "MAIL_FROM": None,
    "MAIL_DRAIN_AFTER_WRITES": True,
}


def settings(config) -> SmtpSettings:
    return SmtpSettings(
        host=config.get("SMTP_HOST") or None,
        port=int(config.get("SMTP_PORT") or 587),
        user=config.get("SMTP_USER") or None,
        password=config.get("SMTP_PASSWORD") or None,
        starttls=bool(config.get("SMTP_STARTTLS")),
        mail_from=config.get("MAIL_FROM") or None,
        base_url=config.get("BASE_URL") or None,
    )


class _Drainer:
    """At most one draining thread per worker process; writes during a drain ask for one more round."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running = False
        self._again = False

    def kick(self, smtp: SmtpSettings, data_dir: str) -> threading.Thread | None:
        with self._lock:
            self._args = (smtp, data_dir)  # the next round uses the newest settings
            if self._running:
                self._again = True
                return None
            self._running = True
            self._again = False
        thread = threading.Thread(target=self._run, args=(smtp, data_dir), name="mail-drain", daemon=True)
        thread.start()
        return thread

    def _run(self, smtp: SmtpSettings, data_dir: str) -> None:
        try:
            while True:
                try:
                    db = OwnedDB(data_dir)
                    try:
                        send_due(db, smtp)
                    finally:
                        db.close()
                except Exception:  # a locked or damaged database: the mails wait for the next drain
                    log.exception("mail drain failed")
                with self._lock:
                    if not self._again:
                        self._running = False
                        return
                    self._again = False
                    smtp, data_dir = self._args
        except BaseException:
            with self._lock:
                self._running = False
            raise


_drainers: dict[str, _Drainer] = {}
_drainers_lock = threading.Lock()


def drainer(data_dir: str) -> _Drainer:
    """The drainer of one data directory (one per process in production; tests run several sites)."""
    with _drainers_lock:
        return _drainers.setdefault(str(data_dir), _Drainer())


def _after_write(response):
    from flask import request

    config = current_app.config
    if (
        request.method in ("POST", "PUT", "DELETE")
        and response.status_code < 400
        and config.get("MAIL_DRAIN_AFTER_WRITES")
    ):
        smtp = settings(config)
        if smtp.configured:
            drainer(config["DATA_DIR"]).kick(smtp, config["DATA_DIR"])
    return response


@click.group("mail")
def mail_group() -> None:
    """E-mail: send udbakken, vis dens tilstand."""


@mail_group.command("send")
@click.option("--now", "now_all", is_flag=True, help="Send også mails, der venter på et nyt forsøg (efter en fejl).")
@with_appcontext
def mail_send(now_all):
    """Send ventende mails fra udbakken via SMTP_HOST (til cron eller efter en fejl)."""
    smtp = settings(current_app.config)
    db = OwnedDB(current_app.config["DATA_DIR"])
    try:
        if not smtp.configured:
            waiting = status(db)["waiting"]
            raise click.ClickException(
                f"SMTP er ikke sat op (PORTAL_SMTP_HOST og PORTAL_MAIL_FROM); "
                f"{waiting} mail(s) venter i udbakken og sendes, når det er sat op"
            )
        report = send_due(db, smtp, now_all=now_all)
    finally:
        db.close()
    for line in report.errors:
        click.echo(line, err=True)
    click.echo(f"Sendt: {report.sent}; prøves igen senere: {report.retried}; opgivet: {report.given_up}.")
    if report.retried or report.given_up:
        sys.exit(1)


@mail_group.command("status")
@with_appcontext
def mail_status():
    """Vis udbakken: ventende, sendte og opgivne mails og den seneste fejl."""
    smtp = settings(current_app.config)
    db = OwnedDB(current_app.config["DATA_DIR"])
    try:
        st = status(db)
    finally:
        db.close()
    where = f"{smtp.host}:{smtp.port}" if smtp.configured else "ikke sat op (intet sendes; mails venter i udbakken)"
    click.echo(f"SMTP: {where}")
    click.echo(
        f"Venter: {st['waiting']} (heraf klar til at blive sendt nu: {st['due']}); "
        f"sendt: {st['sent']}; opgivet: {st['given_up']}."
    )
    if st["last_error"]:
        e = st["last_error"]
        click.echo(
            f"Seneste fejl (mail {e['id']} til {e['to_addr']}, forsøg {e['attempts']}, "
            f"næste forsøg {e['next_attempt_at']}): {e['error']}"
        )


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.after_request(_after_write)
    app.cli.add_command(mail_group)
