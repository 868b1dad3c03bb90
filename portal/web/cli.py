"""Command-line interface: thin click commands over Flask-free functions."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..faults import classify
from ..ingest import IngestFailed, ingest
from ..kinds import FILE_KINDS


@contextmanager
def _faults_as_findings(what: str):
    """A damaged or missing file, a full disk or a held lock ends the command with one clear
    line and exit status 1, never a traceback. Anything else is a bug and is shown as one."""
    import sqlite3

    from search_index import IndexUnavailable

    try:
        yield
    except (sqlite3.DatabaseError, OSError, IndexUnavailable) as exc:
        fault = classify(exc)
        if fault is None and not isinstance(exc, IndexUnavailable):
            raise
        click.echo(f"{what} mislykkedes: {fault.describe() if fault else exc}", err=True)
        sys.exit(1)


@click.command("ingest")
@with_appcontext
@click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Indholdsmappe (standard: PORTAL_CONTENT_DIR eller content/).",
)
def ingest_command(content_dir: str | None) -> None:
    """Validér alle indholdsfiler og byg database og søgeindeks på ny.

    Ved fejl skrives hver fejl som sti:linje: besked, og det der blev vist før,
    bliver ved med at blive vist.
    """
    content_dir = content_dir or current_app.config["CONTENT_DIR"]
    data_dir = current_app.config["DATA_DIR"]
    try:
        with _faults_as_findings("Indlæsningen"):
            report = ingest(content_dir, data_dir, progress=lambda msg: click.echo(msg, err=True))
    except IngestFailed as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"Indlæsning afvist: {exc}. Portalen viser fortsat det tidligere indhold.", err=True)
        sys.exit(1)
    counts = ", ".join(f"{report.counts.get(name, 0)} {kind.label_plural.lower()}" for name, kind in FILE_KINDS.items())
    click.echo(f"Indlæst: {counts} på {report.seconds:.1f} s (generation {report.generation.name}).")
    for advice in report.advice:
        click.echo(f"Råd: {advice}")
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    if report.problems:
        sys.exit(1)


@click.command("attach")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--kind",
    "kind_name",
    default="evaluation",
    show_default=True,
    type=click.Choice([name for name, kind in FILE_KINDS.items() if kind.attachment_folder]),
    help="Indholdstypen, hvis mappe filen skal ligge i.",
)
@with_appcontext
def attach_command(pdf: str, kind_name: str) -> None:
    """Læg en PDF i indholdsmappen under sit SHA-256-navn og skriv linjen til YAML-filen.

    Filen kontrolleres først (højst 20 MB, begynder med %PDF-, ikke krypteret, kan læses).
    """
    from pathlib import Path

    from ..attachments import MAX_ATTACHMENT_BYTES, AttachmentError, store_attachment

    kind = FILE_KINDS[kind_name]
    path = Path(pdf)
    if path.stat().st_size > MAX_ATTACHMENT_BYTES:
        raise click.ClickException(f"{pdf}: PDF-filen er for stor (højst {MAX_ATTACHMENT_BYTES // 1_048_576} MB)")
    folder = Path(current_app.config["CONTENT_DIR"]) / kind.folder / kind.attachment_folder
    try:
        name = store_attachment(folder, path.read_bytes())
    except AttachmentError as exc:
        raise click.ClickException(f"{pdf}: {exc}") from None
    click.echo(f"Gemt som {folder / name}. Skriv i {kind.folder}/<slug>.yaml:")
    click.echo(f"attachment: {kind.attachment_folder}/{name}")


@click.group("users")
def users_group() -> None:
    """Brugere: opret, adgangskode, API-nøgler, deaktivér/aktivér, oversigt."""


@contextmanager
def _accounts():
    """The owned database for one command; a refused account operation becomes a clean CLI error."""
    from ..accounts import AccountError
    from ..owned import OwnedDB

    db = OwnedDB(current_app.config["DATA_DIR"])
    try:
        yield db
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.close()


def _known_networks() -> set[str] | None:
    """Slugs of the networks in the content root (users can only join those)."""
    from pathlib import Path

    folder = Path(current_app.config["CONTENT_DIR"]) / "networks"
    if not folder.is_dir():
        return set()
    return {p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml")}


@users_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["contributor", "editor", "admin"]), required=True, help="Brugerens rolle.")
@click.option(
    "--network", "networks", multiple=True, help="Gør brugeren til medlem af dette ledernetværk (kan gentages)."
)
@click.option("--organisation", default=None, help="Organisation, fx et videnscenter eller en kommune.")
@with_appcontext
def users_add(email, role, networks, organisation):
    """Opret en bruger. Sæt derefter en adgangskode eller udsted en API-nøgle."""
    from ..accounts import add_user

    with _accounts() as db:
        user = add_user(db, email, role, networks=networks, organisation=organisation, known_networks=_known_networks())
    member = f", medlem af {', '.join(user.networks)}" if user.networks else ""
    click.echo(f"Oprettet: {user.email} ({user.role}{member}).")
    # A new user has no password yet and cannot sign in: say what comes next.
    click.echo(
        f"Næste skridt: sæt en adgangskode med 'flask --app app users password {user.email}' "
        f"(log derefter ind på /log-ind), eller udsted en API-nøgle med 'users token {user.email}'."
    )


@users_group.command("password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Den nye adgangskode.")
@with_appcontext
def users_password(email, password):
    """Sæt en brugers adgangskode (afslutter sessionerne og tilbagekalder API-nøglerne)."""
    from ..accounts import set_password

    with _accounts() as db:
        revoked = set_password(db, email, password)
    click.echo(
        f"Adgangskoden er sat for {email}. Brugerens sessioner er afsluttet, og {revoked} API-nøgle(r) "
        "er tilbagekaldt (udsted nye med 'users token')."
    )


@users_group.command("disable")
@click.argument("email")
@with_appcontext
def users_disable(email):
    """Deaktivér en bruger: afslutter alle sessioner og tilbagekalder alle API-nøgler for altid."""
    from ..accounts import set_disabled

    with _accounts() as db:
        _user, sessions, tokens = set_disabled(db, email, True)
    click.echo(
        f"Deaktiveret: {email}. {sessions} session(er) afsluttet og {tokens} API-nøgle(r) tilbagekaldt; "
        "de virker ikke igen, heller ikke hvis brugeren aktiveres igen."
    )


@users_group.command("enable")
@click.argument("email")
@with_appcontext
def users_enable(email):
    """Aktivér en deaktiveret bruger igen (gamle sessioner og API-nøgler forbliver ugyldige)."""
    from ..accounts import set_disabled

    with _accounts() as db:
        set_disabled(db, email, False)
    click.echo(f"Aktiveret: {email}. Brugeren logger ind på ny; API-nøgler udstedes med 'users token'.")


@users_group.command("token")
@click.argument("email")
@with_appcontext
def users_token(email):
    """Udsted en API-nøgle; den vises kun denne ene gang, som sidste linje."""
    from ..accounts import issue_token

    with _accounts() as db:
        token = issue_token(db, email)
    click.echo(f"API-nøgle til {email} (gem den nu; den kan ikke vises igen):")
    click.echo(token)


@users_group.command("revoke")
@click.argument("email")
@with_appcontext
def users_revoke(email):
    """Tilbagekald alle en brugers API-nøgler."""
    from ..accounts import revoke_tokens

    with _accounts() as db:
        n = revoke_tokens(db, email)
    click.echo(f"{n} API-nøgle(r) tilbagekaldt for {email}.")


@users_group.command("list")
@with_appcontext
def users_list():
    """Vis alle brugere med rolle, organisation og netværk."""
    from ..accounts import list_users

    with _accounts() as db:
        users = list_users(db)
    if not users:
        click.echo("Ingen brugere endnu.")
    for u in users:
        extra = [u.organisation or "", ", ".join(u.networks), "deaktiveret" if u.disabled else ""]
        click.echo("\t".join([u.email, u.role, *extra]).rstrip())


@click.command("reconcile")
@with_appcontext
def reconcile_command():
    """Offentliggør ventende godkendelser og bring søgeindekset i overensstemmelse med databasen."""
    from ..integrity import reconcile

    with _faults_as_findings("Afstemningen"):
        report = reconcile(current_app.config["CONTENT_DIR"], current_app.config["DATA_DIR"])
    for line in report.repaired:
        click.echo(line)
    for line in report.problems:
        click.echo(f"problem: {line}", err=True)
    click.echo(f"Rettet: {len(report.repaired)}; problemer tilbage: {len(report.problems)}.")
    if report.problems:
        sys.exit(1)


@click.command("check")
@with_appcontext
def check_command():
    """Kontrollér at database, søgeindeks, indholdsfiler og egne data stemmer overens."""
    from ..integrity import check

    with _faults_as_findings("Kontrollen"):
        report = check(current_app.config["CONTENT_DIR"], current_app.config["DATA_DIR"])
    for line in report.problems:
        click.echo(line)
    click.echo("Alt stemmer." if report.ok else f"{len(report.problems)} problem(er). Kør 'flask --app app reconcile'.")
    if not report.ok:
        sys.exit(1)


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(dest):
    """Tag en konsistent backup af egne data (brugere, indsendelser, log) og indholdsfilerne."""
    from ..backup import backup

    from ..backup import BackupError

    try:
        with _faults_as_findings("Backuppen"):
            path = backup(current_app.config["CONTENT_DIR"], current_app.config["DATA_DIR"], dest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup gemt i {path}")


@click.command("restore")
@click.argument("backup_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Spørg ikke om bekræftelse.")
@with_appcontext
def restore_command(backup_dir, yes):
    """Gendan en backup (stop serveren først) og byg database og søgeindeks igen."""
    from ..backup import BackupError, restore

    if not yes:
        click.confirm(
            "Egne data og indholdsfiler erstattes af backuppen (de nuværende gemmes ved siden af). Fortsæt?", abort=True
        )
    try:
        with _faults_as_findings("Gendannelsen"):
            kept = restore(backup_dir, current_app.config["CONTENT_DIR"], current_app.config["DATA_DIR"])
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Gendannet. De tidligere data ligger i {kept}.")
    try:
        report = ingest(
            current_app.config["CONTENT_DIR"],
            current_app.config["DATA_DIR"],
            progress=lambda msg: click.echo(msg, err=True),
        )
    except IngestFailed as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException("indholdet i backuppen kunne ikke indlæses") from None
    click.echo(f"Indlæst igen (generation {report.generation.name}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(ingest_command)
    app.cli.add_command(attach_command)
    app.cli.add_command(users_group)
    app.cli.add_command(reconcile_command)
    app.cli.add_command(check_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
